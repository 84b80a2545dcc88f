"""Run a check: targets → engine → summary and reporters. The CLI calls this once."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence

from ragft_lint.discovery import Target, iter_targets
from ragft_lint.engine import Engine, FileResult
from ragft_lint.finding import Finding, Severity
from ragft_lint.reporters import Reporter
from ragft_lint.result import Summary
from ragft_lint.rules import UNREADABLE_FILE


def run_check(paths: Sequence[str], engine: Engine, reporters: Sequence[Reporter],
              threshold: Severity = Severity.ERROR, exclude: Sequence[str] = ()) -> Summary:
    """Check every manifest under `paths`, streaming each result to every reporter."""
    targets = iter_targets(paths, exclude)  # validates the paths before anything is written
    results = iter_results(engine, targets)  # and RAGFT_LINT_JOBS
    # Everything alive now (modules, schema, policies) lives until exit: move it out of the
    # cyclic GC's sight. Full collections during a large batch then scan only per-file
    # objects, and interpreter teardown skips them too (about 12% of a 10,000-file run and
    # 6 ms of a one-file run; bench/run.py).
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


def iter_results(engine: Engine, targets: Iterable[Target]) -> Iterator[FileResult]:
    """Each target's result, in order; a large batch is checked by worker processes."""
    from functools import partial

    from ragft_lint.parallel import default_jobs, map_in_order

    return map_in_order(partial(check_target, engine), targets, default_jobs())


def check_target(engine: Engine, target: Target) -> FileResult:
    """The result for one target: checked, or refused for the reason discovery gave."""
    if target.refusal is None:
        return engine.check(target.path)
    refused = Finding(file=target.path, line=1, column=1, rule=UNREADABLE_FILE.id,
                      severity=Severity.ERROR, message=target.refusal)
    return FileResult(target.path, (refused,), policies_run=False)
