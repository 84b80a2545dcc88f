"""Large batches over worker processes: the same results, in the same order, sooner.

A manifest costs ~0.5 ms of CPU to check (bench/run.py, one process) and starting workers
~20 ms, so two workers would break even at about a hundred files; only a batch of at least
`PARALLEL_MIN_FILES` (five times that, a margin for a machine that turns busy mid-run) is
spread, and only over CPUs that are idle (`default_jobs`; bench/run.py measures both ways,
paired). Workers are forked after
the engine is built, so they inherit it (policies compiled, fast path decided) instead of
rebuilding it; each gets chunks of targets and returns their results, which are yielded in
target order as they arrive, a bounded number of chunks ahead, so memory stays flat however
many files there are. An engine must therefore give each file's result from that file alone
(it does: the baseline, the one stateful part, counts per file).

Used only where `fork` exists and the process has no other thread (forking a threaded process
can deadlock); elsewhere, and when RAGFT_LINT_JOBS=1, every file is checked in this process.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any, TypeVar

from ragft_lint.core.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN_FILES = 500
CHUNK_FILES = 64
JOBS_ENV = "RAGFT_LINT_JOBS"
MAX_JOBS = 8

_worker_check: Callable[[Any], Any] | None = None


def default_jobs() -> int:
    """Worker processes to use: RAGFT_LINT_JOBS if set, else one per idle usable CPU.

    Workers pay only on CPUs nothing else is using: on a machine already busy, two workers
    were 1.17x slower than one process (bench/run.py). So the default counts the CPUs this
    process may run on (its affinity mask, which containers and `taskset` narrow) and takes
    away the tasks already running or waiting to run (`_load`); with fewer than two CPUs
    left, every file is checked in this process.
    """
    setting = os.environ.get(JOBS_ENV, "").strip()
    if setting:
        try:
            jobs = int(setting)
        except ValueError:
            jobs = 0
        if jobs < 1:
            raise ConfigError(f"{JOBS_ENV} must be a whole number of processes, 1 or more; "
                              f"got {setting!r}")
        return jobs
    if not hasattr(os, "fork"):
        return 1
    return jobs_for(usable_cpus(), _load())


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - macOS, Windows


def jobs_for(usable: int, load: float) -> int:
    """Worker processes for `usable` CPUs when other work keeps `load` of them busy: the
    idle CPUs, to the nearest whole one, at most MAX_JOBS; 1 (no workers) when fewer than
    two are idle."""
    idle = int(usable - load + 0.5)
    return min(MAX_JOBS, idle) if idle >= 2 else 1


def _load() -> float:
    """How many CPUs other work is using: the larger of the tasks running or ready to run
    right now besides this one (Linux's /proc/loadavg, fourth field) and the one-minute load
    average. Either alone misleads: a busy machine has idle instants, and the average lags.
    Taking the larger errs towards one process, which is never slower than itself."""
    try:
        average = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - no load average (Windows)
        average = 0.0
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            running = float(handle.read().split()[3].split("/")[0]) - 1
    except (OSError, IndexError, ValueError):  # pragma: no cover - not Linux
        running = 0.0
    return max(average, running, 0.0)


def map_in_order(check: Callable[[T], R], items: Iterable[T], jobs: int | None = None
                 ) -> Iterator[R]:
    """`map(check, items)`, spread over worker processes when the batch is large enough."""
    jobs = default_jobs() if jobs is None else jobs
    items = iter(items)
    head: list[T] = []
    if jobs > 1 and hasattr(os, "fork"):
        head = list(islice(items, PARALLEL_MIN_FILES))
        if len(head) == PARALLEL_MIN_FILES and _single_threaded():
            yield from _map_forked(check, chain(head, items), jobs)
            return
    for item in chain(head, items):
        yield check(item)


def _single_threaded() -> bool:
    import threading

    return threading.active_count() == 1


def _map_forked(check: Callable[[T], R], items: Iterator[T], jobs: int) -> Iterator[R]:
    # concurrent.futures rather than multiprocessing.Pool: a worker that dies (killed, or a
    # crash in a C extension) fails the run with BrokenProcessPool instead of hanging it.
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    global _worker_check
    _worker_check = check  # inherited by the forked workers, never pickled
    chunks = _chunked(items, CHUNK_FILES)
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(),))
    try:
        with _signals_held():
            pending: deque[Future[list[Any]]] = deque(
                executor.submit(_run_chunk, chunk) for chunk in islice(chunks, jobs * 3))
        while pending:
            results: list[R] = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                with _signals_held():
                    pending.append(executor.submit(_run_chunk, following))
            yield from results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _worker_check = None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the pool may fork a worker: os.fork() runs at-fork
    handlers, and an exception raised by a signal inside one is printed and dropped, so the
    run would go on as if never stopped. Held, the signal arrives the moment the fork is
    done, in code that stops the run properly."""
    import signal

    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _chunked(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _run_chunk(chunk: list[Any]) -> list[Any]:
    assert _worker_check is not None
    return [_worker_check(item) for item in chunk]


#: prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _start_worker(parent: int) -> None:
    """A worker leaves stopping to its parent, and never outlives it.

    Ctrl-C and SIGTERM reach the whole process group (a terminal, a CI cancellation); the
    parent alone handles them, cancels the work and removes partial reports, and the
    workers end when it shuts the pool down. A parent that dies without doing so (SIGKILL,
    a supervisor that kills only it) takes its workers with it: on Linux the kernel sends
    them SIGKILL (PR_SET_PDEATHSIG); elsewhere a thread sees the parent change and exits.
    Either way no orphan keeps a caller's pipes open (CI waits for those to close).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not _die_with_parent():
        import threading

        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; whether it agreed."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return False


def _watch_parent(parent: int) -> None:  # pragma: no cover - platforms without prctl
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
