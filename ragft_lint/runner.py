"""Run a check: targets → engine → summary and reporters. The CLI calls this once."""

from __future__ import annotations

from collections.abc import Sequence

from ragft_lint.discovery import iter_targets
from ragft_lint.engine import Engine, FileResult
from ragft_lint.finding import Finding, Severity
from ragft_lint.reporters import Reporter
from ragft_lint.result import Summary
from ragft_lint.rules import UNREADABLE_FILE


def run_check(paths: Sequence[str], engine: Engine, reporters: Sequence[Reporter],
              threshold: Severity = Severity.ERROR, exclude: Sequence[str] = ()) -> Summary:
    """Check every manifest under `paths`, streaming each result to every reporter.

    A large batch is checked by worker processes (ragft_lint.parallel), in the same order.
    """
    import gc

    from ragft_lint.discovery import Target
    from ragft_lint.parallel import default_jobs, map_in_order

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
