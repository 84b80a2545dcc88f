"""Run a check: targets → engine → summary and reporters. The CLI calls this once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from ragft_lint.check.discovery import iter_targets
from ragft_lint.check.session import Session
from ragft_lint.core.engine import Engine
from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.core.rules import CORE_RULES, UNREADABLE_FILE
from ragft_lint.reporters import Reporter


def run_check(paths: Sequence[str], engine: Engine, reporters: Sequence[Reporter],
              threshold: Severity = Severity.ERROR, exclude: Sequence[str] = ()) -> Summary:
    """Check every manifest under `paths`, streaming each result to every reporter.

    A large batch is checked by worker processes (ragft_lint.check.parallel), in the same order.
    """
    import gc

    from ragft_lint.check.discovery import Target
    from ragft_lint.check.parallel import default_jobs, map_in_order

    def check_target(target: Target) -> FileResult:
        if target.refusal is None:
            return engine.check(target.path)
        refused = Finding(file=target.path, line=1, column=1, rule=UNREADABLE_FILE.id,
                          severity=Severity.ERROR, message=target.refusal)
        return FileResult(target.path, (refused,), policies_run=False)

    targets = iter_targets(paths, exclude)  # validates the paths before anything is written
    results = map_in_order(check_target, targets, default_jobs())  # and RAGFT_LINT_JOBS
    # Everything alive now (modules, schema, policies) lives until exit: move it out of the
    # cyclic GC's sight. Full collections during a large batch then scan only per-file
    # objects, forked workers share those pages, and interpreter teardown skips them (about
    # 12% of a 10,000-file run and 6 ms of a one-file run; bench/run.py).
    gc.freeze()
    summary = Summary(threshold)
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


def check_command(session: Session, request: CheckRequest, out: TextIO, err: TextIO) -> int:
    """The whole `check` command; returns its exit code. Messages go to `out` and `err`."""
    from ragft_lint import __version__
    from ragft_lint.reporters import ReportContext
    from ragft_lint.reporters.outputs import open_reporters, parse_output, stdout_formats

    settings, engine = session.settings, session.engine
    if request.show_config:
        from ragft_lint.check.config import render

        out.write(render(settings, session.pack,
                         [(source.label, len(source.policies)) for source in session.sources]))
        return 0
    if request.write_baseline:
        from ragft_lint.check.baseline import BaselineRecorder

        recorder = BaselineRecorder(out, ReportContext(), request.write_baseline)
        run_check(request.paths, engine, [recorder], settings.fail_on, settings.exclude)
        return 0
    if request.baseline:
        from ragft_lint.check.baseline import Baseline

        engine.baseline = Baseline.load(request.baseline)
    context = ReportContext(
        rules=[*CORE_RULES, *session.pack.rules], tool_version=__version__,
        color=request.color, show_fixes=request.show_fixes)
    specs = [parse_output(text) for text in request.outputs]
    with open_reporters(stdout_formats(request.output_format), specs, context, out) as reporters:
        summary = run_check(request.paths, engine, reporters, settings.fail_on, settings.exclude)
    if summary.files_checked == 0:
        where = ", ".join(request.paths) or "the current folder"
        err.write(f"ragft-lint: warning: no llm-project.yaml found in {where}\n")
    return summary.exit_code
