"""Worker processes for large batches: the same results, in the same order, as one process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ragft_lint.check import parallel
from tests.conftest import make_manifest, run_cli, to_yaml


def _square(value: int) -> int:
    return value * value


def test_map_in_order_matches_map_for_a_large_batch() -> None:
    items = list(range(parallel.PARALLEL_MIN_FILES * 3 + 7))
    assert list(parallel.map_in_order(_square, items, jobs=2)) == [i * i for i in items]


def test_small_batch_stays_in_this_process() -> None:
    pids = list(parallel.map_in_order(lambda _: os.getpid(), range(10), jobs=4))
    assert set(pids) == {os.getpid()}


def test_large_batch_uses_workers() -> None:
    pids = set(parallel.map_in_order(lambda _: os.getpid(),
                                     range(parallel.PARALLEL_MIN_FILES * 2), jobs=2))
    assert os.getpid() not in pids
    assert len(pids) >= 1


@pytest.mark.parametrize(("usable", "load", "jobs"), [
    (2, 0.0, 2), (2, 0.4, 2), (2, 0.6, 1), (2, 7.0, 1),  # a busy 2-core machine: one process
    (1, 0.0, 1), (4, 1.5, 3), (4, 3.0, 1), (16, 0.0, parallel.MAX_JOBS), (16, 9.2, 7),
])
def test_workers_only_on_idle_cpus(usable: int, load: float, jobs: int) -> None:
    assert parallel.jobs_for(usable, load) == jobs


def test_default_jobs_reads_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "_load", lambda: 0.2)
    assert parallel.default_jobs() == 4
    monkeypatch.setattr(parallel, "_load", lambda: 3.0)
    assert parallel.default_jobs() == 1
    monkeypatch.setenv(parallel.JOBS_ENV, "3")  # the setting wins over the machine
    assert parallel.default_jobs() == 3


def test_the_machine_is_read() -> None:
    # Whatever this machine is doing: a CPU count the process may use and a load >= 0.
    assert 1 <= parallel.usable_cpus() <= (os.cpu_count() or 1)
    assert parallel._load() >= 0


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_bad_jobs_setting_is_a_usage_error(value: str, tmp_path: Path) -> None:
    (tmp_path / "llm-project.yaml").write_text(to_yaml(make_manifest()), encoding="utf-8")
    result = run_cli("check", "--format", "json", str(tmp_path),
                     env={parallel.JOBS_ENV: value})
    assert result.exit_code == 2
    assert parallel.JOBS_ENV in result.stderr
    assert result.stdout == ""  # nothing half-written


@pytest.mark.slow
def test_console_script_gives_identical_reports_with_and_without_workers(
        tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("ragft-lint")
    if not script.exists():
        pytest.skip("the ragft-lint console script is not installed")
    variants = [make_manifest(), make_manifest(approach="fine-tune"),
                make_manifest(approach="RAG"), make_manifest(criteria__labeled_examples=5)]
    count = parallel.PARALLEL_MIN_FILES + 150
    for index in range(count):
        folder = tmp_path / f"svc-{index:04d}"
        folder.mkdir()
        text = to_yaml(variants[index % len(variants)])
        if index % 97 == 0:
            text += "broken: [\n"
        (folder / "llm-project.yaml").write_text(text, encoding="utf-8")
    reports = {}
    for jobs in ("1", "2"):
        proc = subprocess.run([str(script), "check", "--format", "json", str(tmp_path)],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, parallel.JOBS_ENV: jobs})
        assert proc.returncode == 1, proc.stderr
        reports[jobs] = json.loads(proc.stdout)
    assert reports["1"] == reports["2"]
    assert reports["1"]["summary"]["files_checked"] == count


def _die_on_seven(value: int) -> int:
    if value == 7:
        os._exit(3)  # a worker killed mid-batch (OOM killer, a crash in C code)
    return value


def test_a_dead_worker_fails_the_run_instead_of_hanging() -> None:
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        list(parallel.map_in_order(_die_on_seven, range(parallel.PARALLEL_MIN_FILES), jobs=2))
