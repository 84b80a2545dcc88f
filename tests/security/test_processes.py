"""§4: SIGTERM is handled like Ctrl-C, workers die with their parent, exit codes follow
convention, and a closed pipe ends the run quietly. Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import needs_console_script
from tests.security.attack import SCRIPT, make_manifest, to_yaml

pytestmark = [needs_console_script, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                               reason="reads /proc to find the workers")]

MANIFESTS = 4000  # well past PARALLEL_MIN_FILES (500), so the run forks workers


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big") / "repo"
    (root / ".git").mkdir(parents=True)
    failing = to_yaml(make_manifest(approach="fine-tune", criteria__labeled_examples=10))
    for index in range(MANIFESTS):
        folder = root / f"svc{index:05d}"
        folder.mkdir()
        (folder / "llm-project.yaml").write_text(failing)
    return root


def start(repo: Path, *args: str) -> subprocess.Popen[bytes]:
    assert SCRIPT is not None
    env = {**os.environ, "RAGFT_LINT_JOBS": "2"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.Popen([SCRIPT, "check", ".", *args], cwd=repo, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def wait_for_workers(proc: subprocess.Popen[bytes], timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = children(proc.pid)
        if len(workers) >= 2:
            return workers
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    pytest.fail("the run never started its workers")


def wait_gone(pids: set[int], timeout: float = 10) -> set[int]:
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


@pytest.mark.parametrize(("sig", "code", "word"), [
    (signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_signal_stops_workers_and_removes_partial_reports(
        big_repo: Path, sig: signal.Signals, code: int, word: str) -> None:
    report = big_repo.parent / f"report-{sig.name}.sarif"
    proc = start(big_repo, "--output", f"sarif={report}", "--format", "json")
    workers = wait_for_workers(proc)
    os.kill(proc.pid, sig)  # the parent only, as `timeout` or a supervisor sends it
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert f"ragft-lint: {word}" in err.decode()
    assert b"Traceback" not in err
    assert not report.exists()
    assert not list(big_repo.parent.glob(f".{report.name}.*"))  # no temporary left
    assert wait_gone(workers) == set()


def test_workers_die_with_a_parent_that_is_killed(big_repo: Path) -> None:
    proc = start(big_repo, "--format", "json")
    workers = wait_for_workers(proc)
    os.kill(proc.pid, signal.SIGKILL)  # no chance to clean up: the kernel must do it
    proc.communicate(timeout=60)
    assert wait_gone(workers) == set(), "orphaned workers keep the caller's pipes open"


def test_a_closed_pipe_ends_quietly_with_141(big_repo: Path) -> None:
    proc = start(big_repo, "--format", "text")
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err
    assert err == b"", err
