"""Run a check: targets → engine → summary and reporters. The CLI calls this once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from ragft_lint.check.discovery import iter_targets
from ragft_lint.check.session import Sessions
from ragft_lint.core.engine import Engine
from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.core.rules import CORE_RULES, UNREADABLE_FILE
from ragft_lint.reporters import Reporter

# How one manifest is checked with its engine: the engine's own check, or `check --fix`'s
# (ragft_lint.editor.fixer), which fixes the file first and reports what remains.
CheckFile = Callable[[Engine, str], FileResult]


def _check_file(engine: Engine, path: str) -> FileResult:
    return engine.check(path)


def run_check(paths: Sequence[str], sessions: Sessions, reporters: Sequence[Reporter],
              force_exclude: bool = False, check_file: CheckFile = _check_file) -> Summary:
    """Check every manifest under `paths`, each with its own configuration's session,
    streaming each result to every reporter.

    A large batch is checked by worker processes (ragft_lint.check.parallel), in the same order.
    """
    import gc

    from ragft_lint.check.discovery import Target
    from ragft_lint.check.parallel import default_jobs, map_in_order

    threshold = sessions.here.settings.fail_on

    def check_target(target: Target) -> FileResult:
        session = sessions.for_path(target.path)
        if target.refusal is None:
            result = check_file(session.engine, target.path)
        else:
            refused = Finding(file=target.path, line=1, column=1, rule=UNREADABLE_FILE.id,
                              severity=Severity.ERROR, message=target.refusal)
            result = FileResult(target.path, (refused,), policies_run=False)
        fail_on = session.settings.fail_on
        return result if fail_on == threshold else replace(result, fail_on=fail_on)

    summary = Summary(threshold)

    def force_excluded(path: str) -> bool:
        excluded = sessions.force_excluded(path)
        summary.files_excluded += excluded
        return excluded

    # Validates the paths before anything is written.
    targets = iter_targets(paths, sessions.excluded, force_excluded if force_exclude else None)
    results = map_in_order(check_target, targets, default_jobs())  # and RAGFT_LINT_JOBS
    # Everything alive now (modules, schema, policies) lives until exit: move it out of the
    # cyclic GC's sight. Full collections during a large batch then scan only per-file
    # objects, forked workers share those pages, and interpreter teardown skips them (about
    # 12% of a 10,000-file run and 6 ms of a one-file run; bench/run.py).
    gc.freeze()
    for reporter in reporters:
        reporter.start()
    for result in results:
        summary.add(result)
        for reporter in reporters:
            reporter.file(result)
    for reporter in reporters:
        reporter.finish(summary)
    return summary


@dataclass(frozen=True)
class CheckRequest:
    """What `ragft-lint check` was asked to do, beyond the session's configuration."""

    paths: Sequence[str] = ()
    output_format: str | None = None  # None: text (plus annotations in GitHub Actions)
    outputs: Sequence[str] = ()  # FORMAT=PATH
    show_fixes: bool = False
    color: bool = False
    show_config: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    force_exclude: bool = False
    fix: bool = False  # --fix: ragft_lint.editor.fixer runs the check
    diff: bool = False  # --diff
    unsafe_fixes: bool = False


def check_command(sessions: Sessions, request: CheckRequest, out: TextIO, err: TextIO,
                  check_file: CheckFile = _check_file) -> int:
    """The whole `check` command; returns its exit code. Messages go to `out` and `err`."""
    from ragft_lint import __version__
    from ragft_lint.reporters import ReportContext
    from ragft_lint.reporters.outputs import open_reporters, parse_output, stdout_formats

    if request.show_config:
        return show_config(sessions, request.paths, out)
    if request.write_baseline:
        from ragft_lint.check.baseline import BaselineRecorder

        recorder = BaselineRecorder(out, ReportContext(), request.write_baseline)
        run_check(request.paths, sessions, [recorder], request.force_exclude)
        return 0
    if request.baseline:
        from ragft_lint.check.baseline import Baseline

        sessions.set_baseline(Baseline.load(request.baseline))
    session = sessions.here
    context = ReportContext(
        rules=[*CORE_RULES, *session.pack.rules], tool_version=__version__,
        color=request.color, show_fixes=request.show_fixes, unsafe_fixes=request.unsafe_fixes,
        fail_on=session.settings.fail_on)
    specs = [parse_output(text) for text in request.outputs]
    with open_reporters(stdout_formats(request.output_format), specs, context, out) as reporters:
        summary = run_check(request.paths, sessions, reporters, request.force_exclude,
                            check_file)
    if summary.files_checked == 0 and summary.files_excluded:
        err.write("ragft-lint: warning: nothing to check: every file named is excluded by the "
                  "configuration's exclude globs (--force-exclude)\n")
    elif summary.files_checked == 0:
        where = ", ".join(request.paths) or "the current folder"
        err.write(f"ragft-lint: warning: no llm-project.yaml found in {where}\n")
    return summary.exit_code


def show_config(sessions: Sessions, paths: Sequence[str], out: TextIO) -> int:
    """`check --show-config [PATH]`: the configuration that applies to PATH (a manifest or a
    folder; default the working directory) and where each value came from."""
    import os

    from ragft_lint.check.config import render
    from ragft_lint.core.errors import ConfigError

    if len(paths) > 1:
        raise ConfigError("--show-config shows the configuration of one manifest or folder; "
                          f"got {len(paths)} paths")
    target = paths[0] if paths else None
    if target is not None and not os.path.lexists(target):
        raise ConfigError(f"path does not exist: {target}")
    session = sessions.for_path(target) if target is not None else sessions.here
    out.write(render(session.settings, session.pack,
                     [(source.label, len(source.policies)) for source in session.sources],
                     cwd=sessions.cwd, target=target))
    return 0
