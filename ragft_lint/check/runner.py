"""Run a check: targets → engine → summary and reporters. The CLI calls this once."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import BinaryIO, TextIO

from ragft_lint.check.discovery import Target, iter_targets
from ragft_lint.check.session import Sessions
from ragft_lint.core.engine import Engine
from ragft_lint.core.errors import ConfigError
from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.records import record
from ragft_lint.core.result import EXIT_CLEAN, EXIT_FINDINGS, FileResult, Summary
from ragft_lint.core.rules import CORE_RULES, UNREADABLE_FILE, RuleCatalog
from ragft_lint.reporters import Reporter

# How one manifest is checked with its engine: the engine's own check, or `check --fix`'s
# (ragft_lint.editor.fixer), which fixes the file first and reports what remains.
CheckFile = Callable[[Engine, str], FileResult]


def _check_file(engine: Engine, path: str) -> FileResult:
    return engine.check(path)


def run_check(paths: Sequence[str], sessions: Sessions, reporters: Sequence[Reporter],
              force_exclude: bool = False, check_file: CheckFile = _check_file,
              stdin: Target | None = None, rules: RuleCatalog | None = None) -> Summary:
    """Check every manifest under `paths`, each with its own configuration's session,
    streaming each result to every reporter. `stdin` (a manifest read from standard input,
    with the name it is checked under) replaces `paths`. Each configuration's rules join
    `rules` (the reporters' catalog) before the first result it gave reaches a reporter.

    A large batch is checked by worker processes (ragft_lint.check.parallel), in the same order.
    """
    import gc

    from ragft_lint.check.parallel import default_jobs, map_in_order

    threshold = sessions.here.settings.fail_on

    def check_target(target: Target) -> FileResult:
        session = sessions.for_file(target.path)
        if target.refusal is None:
            result = (check_file(session.engine, target.path) if target.content is None
                      else session.engine.check(target.path, target.content))
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

    targets: Iterable[Target]
    if stdin is not None:
        targets = [] if force_exclude and force_excluded(stdin.path) else [stdin]
    else:  # validates the paths before anything is written
        targets = iter_targets(paths, sessions.excluded,
                               force_excluded if force_exclude else None, sessions.saw_folder)
    results = iter(map_in_order(check_target, targets, default_jobs()))  # RAGFT_LINT_JOBS
    first = next(results, None)
    if first is None and not summary.files_excluded and not sessions.here.settings.allow_empty:
        # Before any reporter starts: a refused empty run writes no report anywhere (a
        # green "0 files checked" above the error, or an empty SARIF, would read as a pass).
        raise NothingChecked(f"{_nothing_found(paths)}; nothing was checked (pass "
                             "--allow-empty, or set allow-empty = true, if that is expected)")
    # Everything alive now (modules, schema, policies) lives until exit: move it out of the
    # cyclic GC's sight. Full collections during a large batch then scan only per-file
    # objects, forked workers share those pages, and interpreter teardown skips them (about
    # 12% of a 10,000-file run and 6 ms of a one-file run; bench/run.py).
    gc.freeze()
    for reporter in reporters:
        reporter.start()
    catalogued: set[int] = set()  # the sessions whose rules `rules` has
    for result in itertools.chain([first] if first is not None else [], results):
        if rules is not None:
            # In this process: a worker's sessions are its own, and cost no more than this
            # look-up here once the first file of a configuration has built its session.
            session = sessions.for_file(result.path)
            if id(session) not in catalogued:
                catalogued.add(id(session))
                rules.add(session.pack.rules)
        summary.add(result)
        for reporter in reporters:
            reporter.file(result)
    for reporter in reporters:
        reporter.finish(summary)
    return summary


@record(frozen=True)
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
    quiet: bool = False  # findings only: no summary, no warnings
    statistics: bool = False  # a count per rule instead of the findings
    exit_zero: bool = False  # report, never fail (exit 2 still means it could not run)
    stdin_filename: str | None = None  # the name of standard input's manifest (`check -`)
    sarif_category: str | None = None  # SARIF's automationDetails.id (None: from the paths)


STDIN = "-"


def check_command(sessions: Sessions, request: CheckRequest, out: TextIO, err: TextIO,
                  check_file: CheckFile = _check_file, stdin: BinaryIO | None = None) -> int:
    """The whole `check` command; returns its exit code. Messages go to `out` and `err`;
    `check -` reads the manifest from `stdin`."""
    from ragft_lint import __version__
    from ragft_lint.reporters import ReportContext
    from ragft_lint.reporters.outputs import open_reporters, parse_output, stdout_formats

    if request.show_config:
        paths = [request.stdin_filename] if request.stdin_filename else request.paths
        return show_config(sessions, paths, out)
    piped = _stdin_target(request, stdin, sessions.limits.max_bytes)
    _refuse_writing_inputs(sessions, request)
    if request.write_baseline:
        from ragft_lint.check.baseline import BaselineRecorder
        from ragft_lint.reporters.guard import guarded

        recorder = BaselineRecorder(guarded(out, "text"), ReportContext(),
                                    request.write_baseline)
        run_check(request.paths, sessions, [recorder], request.force_exclude, stdin=piped)
        # Exit 1 when some finding could not be recorded: it would fail the next --baseline
        # run by surprise.
        return EXIT_FINDINGS if recorder.unrecorded and not request.exit_zero else EXIT_CLEAN
    if request.baseline:
        from ragft_lint.check.baseline import Baseline

        sessions.set_baseline(Baseline.load(request.baseline))
    session = sessions.here
    rules = RuleCatalog(CORE_RULES)
    context = ReportContext(
        rules=rules, tool_version=__version__,
        color=request.color, show_fixes=request.show_fixes, unsafe_fixes=request.unsafe_fixes,
        fail_on=session.settings.fail_on, quiet=request.quiet,
        sarif_category=request.sarif_category,
        paths=tuple(piped.path if piped is not None and path == STDIN else path
                    for path in request.paths) or ((piped.path,) if piped else ()))
    specs = [parse_output(text) for text in request.outputs]
    formats = stdout_formats(request.output_format)
    if request.statistics:
        if request.output_format not in (None, "text"):
            raise ConfigError(f"--statistics prints a table of counts, not --format "
                              f"{request.output_format}; write that report with --output "
                              f"{request.output_format}=PATH")
        formats = [name for name in formats if name != "text"]  # annotations stay
    with open_reporters(formats, specs, context, out) as reporters:
        if request.statistics:
            from ragft_lint.reporters.text import StatisticsReporter

            reporters = [StatisticsReporter(out, context), *reporters]
        summary = run_check(request.paths, sessions, reporters, request.force_exclude,
                            check_file, piped, rules)
    if summary.files_checked == 0 and not summary.files_excluded:
        return _empty_run(request, err)
    if request.exit_zero and summary.exit_code == EXIT_FINDINGS:
        return EXIT_CLEAN
    if request.quiet:
        return summary.exit_code
    if summary.files_checked == 0 and summary.files_excluded:
        err.write("ragft-lint: warning: nothing to check: every file named is excluded by the "
                  "configuration's exclude globs (--force-exclude)\n")
    return summary.exit_code


def _stdin_target(request: CheckRequest, stdin: BinaryIO | None, max_bytes: int
                  ) -> Target | None:
    """The manifest on standard input, for `check -` (or `--stdin-filename` with no PATH),
    named after --stdin-filename (ruff's convention), else `-`; None when not asked."""
    if STDIN not in request.paths and not (request.stdin_filename and not request.paths):
        return None
    if len(request.paths) > 1:
        raise ConfigError("`-` (standard input) cannot be combined with other paths")
    if stdin is None:  # pragma: no cover - the CLI always passes it
        raise ConfigError("no standard input to read")
    # One byte over the limit is enough to know the input is too large.
    return Target(request.stdin_filename or STDIN, content=stdin.read(max_bytes + 1))


class NothingChecked(ConfigError):
    """The run found no manifest to check and an empty run is not allowed (--allow-empty,
    `allow-empty`): a gate that passes having checked nothing is how a pull request would
    switch it off quietly (`exclude = ["*"]` in its own configuration, a path that matches
    nothing). Raised before any report is written, so none is."""


def _nothing_found(paths: Sequence[str]) -> str:
    from ragft_lint.reporters.guard import one_line

    return f"no llm-project.yaml found under {one_line(', '.join(paths)) or os.path.abspath('.')}"


def _empty_run(request: CheckRequest, err: TextIO) -> int:
    """A run that checked nothing, allowed (run_check raised NothingChecked otherwise): a
    warning, exit 0."""
    if not request.quiet:
        err.write(f"ragft-lint: warning: {_nothing_found(request.paths)}\n")
    return EXIT_CLEAN


def _refuse_writing_inputs(sessions: Sessions, request: CheckRequest) -> None:
    """No report and no baseline is written through a link or over a file this run reads
    (reporters.outputs.refuse_inputs): exit 2 before anything is checked."""
    from ragft_lint.reporters.outputs import parse_output, refuse_inputs

    targets = [(f"--output {text}", parse_output(text).path) for text in request.outputs]
    if request.write_baseline:
        targets.append((f"--write-baseline {request.write_baseline}", request.write_baseline))
    if not targets:
        return
    settings = sessions.here.settings
    reads = [*request.paths, *settings.files, *([request.baseline] if request.baseline else [])]
    refuse_inputs(targets, reads, settings.policy_paths)


def show_config(sessions: Sessions, paths: Sequence[str], out: TextIO) -> int:
    """`check --show-config [PATH]`: the configuration that applies to PATH (a manifest or a
    folder; default the working directory) and where each value came from."""

    from ragft_lint.check.config import render

    if len(paths) > 1:
        raise ConfigError("--show-config shows the configuration of one manifest or folder; "
                          f"got {len(paths)} paths")
    target = paths[0] if paths else None
    if target is not None and not os.path.lexists(target):
        raise ConfigError(f"path does not exist: {target}")
    session = sessions.for_path(target) if target is not None else sessions.here
    from ragft_lint.reporters.guard import neutralize, show_undecodable

    out.write(neutralize(show_undecodable(render(session.settings, session.pack,
                                [(source.label, len(source.policies))
                                 for source in session.sources],
                                cwd=sessions.cwd, target=target))))
    return 0
