"""Hostile inputs through the real console script: a finding (exit 1, naming the file) or
exit 2, within 2 CPU seconds and 200 MB, with no traceback and nothing executed.

The inputs are written at test time by tests/hostile/inputs.py (nothing big is committed).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import installed_script, needs_console_script
from tests.hostile.inputs import MANIFEST, MARKER, VALID, Case, build

# CPU time bounds the work a case costs whatever else the machine runs (the suite shares two
# cores with other jobs); the wall-clock limit is far above it and catches blocking (a FIFO
# read, a wait on a pipe), which costs no CPU.
CPU_LIMIT_S = 2.0
WALL_LIMIT_S = 20.0
MEMORY_LIMIT_MIB = 200
# A hard cap far above the limit, so a runaway child fails its case, not the machine.
ADDRESS_SPACE_CAP = 2 << 30
CPU_CAP_S = 20


SCRIPT = installed_script()
pytestmark = needs_console_script

ROOT = Path(tempfile.mkdtemp(prefix="ragft-hostile-"))
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)
CASES = {case.name: case for case in build(ROOT)}


# The child's peak memory is read with wait4() by a small launcher that forks it, not by
# pytest: on Linux a child inherits its parent's RSS high-water mark at fork and keeps it
# across exec, so measured from pytest (tens or hundreds of MB) every case would look as big
# as pytest. The launcher itself is a few MB. It also caps the child's address space and CPU
# so a runaway case fails by itself instead of taking the machine down.
_LAUNCHER = f"""
import os, resource, sys
result_path, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE_CAP}, {ADDRESS_SPACE_CAP}))
    resource.setrlimit(resource.RLIMIT_CPU, ({CPU_CAP_S}, {CPU_CAP_S}))
    os.execv(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
with open(result_path, "w") as handle:
    handle.write(f"{{status}} {{usage.ru_maxrss}} {{usage.ru_utime + usage.ru_stime}}")
"""


class Run:
    """One run of the console script, with its wall and CPU time and its own peak RSS."""

    def __init__(self, args: list[str], *, cwd: Path | None = None, fmt: str = "json"):
        assert SCRIPT is not None
        with tempfile.TemporaryDirectory() as scratch:
            out_path, err_path = Path(scratch, "out"), Path(scratch, "err")
            result = Path(scratch, "result")
            with open(out_path, "wb") as out, open(err_path, "wb") as err:
                start = time.perf_counter()
                with contextlib.suppress(subprocess.TimeoutExpired):  # fails below
                    subprocess.run(
                        [sys.executable, "-S", "-c", _LAUNCHER, str(result), SCRIPT,
                         "check", "--format", fmt, *args],
                        stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                        env=_env(), timeout=60, check=False)
                self.seconds = time.perf_counter() - start
            fields = result.read_text().split() if result.exists() else ["-1", "0", "0"]
            status, maxrss_kib = int(fields[0]), int(fields[1])
            self.cpu_seconds = float(fields[2])
            self.returncode = os.waitstatus_to_exitcode(status) if status >= 0 else -1
            self.maxrss_mib = maxrss_kib / 1024  # KiB on Linux
            self.stdout = out_path.read_bytes().decode("utf-8", "backslashreplace")
            self.stderr = err_path.read_bytes().decode("utf-8", "backslashreplace")

    def report(self) -> Any:
        return json.loads(self.stdout)

    def describe(self) -> str:
        return (f"exit {self.returncode} in {self.seconds:.2f}s ({self.cpu_seconds:.2f}s CPU), "
                f"{self.maxrss_mib:.0f} MiB\n"
                f"stdout: {self.stdout[:2000]}\nstderr: {self.stderr[:2000]}")


def assert_well_behaved(run: Run) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run.describe()
    assert run.cpu_seconds < CPU_LIMIT_S, run.describe()
    assert run.seconds < WALL_LIMIT_S, run.describe()
    assert run.maxrss_mib < MEMORY_LIMIT_MIB, run.describe()
    assert run.returncode in (1, 2), run.describe()


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(name: str) -> None:
    case: Case = CASES[name]
    run = Run(case.args)
    assert_well_behaved(run)
    if case.exit_2:
        assert run.returncode == 2, run.describe()
        assert run.stdout == "" or run.stdout.startswith("{"), run.describe()
        assert run.stderr.startswith(("ragft-lint: error:", "Error:", "Usage:")), run.describe()
        return
    assert run.returncode == 1, run.describe()
    findings = run.report()["findings"]
    named = case.names_file or case.args[-1]
    mine = [f for f in findings if f["file"] == named]
    assert mine, f"no finding names {named!r}\n{run.describe()}"
    assert {f["rule"] for f in mine} & case.rules, run.describe()
    marker = case.extra.get("marker")
    if marker:
        assert not Path(str(marker)).exists(), f"the payload ran: {marker} exists"
    assert not list(ROOT.rglob(MARKER)), "a payload ran somewhere"


@pytest.mark.parametrize("name", ["path-not-utf8", "path-spaces-unicode", "control-chars",
                                  "python-tag", "path-newline", "terminal-escapes",
                                  "path-terminal-escapes"])
def test_hostile_input_text_format(name: str) -> None:
    """The text format prints what JSON escapes: odd names and values must not break it, nor
    reach the terminal as control sequences or as extra lines that read as findings."""
    run = Run(CASES[name].args, fmt="text")
    assert_well_behaved(run)
    assert run.returncode == 1, run.describe()
    assert "RFT00" in run.stdout, run.describe()
    assert not any(ch in run.stdout for ch in "\x1b\x07\x00"), run.describe()
    lines = run.stdout.splitlines()
    assert lines[-1].startswith(("Found ", "All checks passed")), run.describe()
    assert all(" RFT0" in line for line in lines[:-1]), run.describe()
    assert not any(line.startswith("x.yaml") for line in lines), run.describe()


# --- the tool's own conduct -----------------------------------------------------------------

def _snapshot(root: Path) -> dict[str, tuple[int, int, bytes | str]]:
    """Every entry under root: (mode, size, content or link target)."""
    out: dict[str, tuple[int, int, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if os.path.islink(path):
                content: bytes | str = os.readlink(path)
            elif os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    content = handle.read()
            else:
                content = b""
            out[path] = (st.st_mode, st.st_size, content)
    return out


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small repository: valid and invalid manifests, links inside and out."""
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    (outside / "svc").mkdir(parents=True)
    (outside / "svc" / MANIFEST).write_text(VALID.replace("rag", "bogus", 1))
    (outside / MANIFEST).write_text(VALID)
    for name, text in (("good", VALID), ("bad", VALID.replace("approach: rag", "approach: x"))):
        (repo / name).mkdir(parents=True)
        (repo / name / MANIFEST).write_text(text)
    (repo / "link-out-dir").symlink_to(outside / "svc")        # a folder outside: not walked
    (repo / "link-out-file").mkdir()
    (repo / "link-out-file" / MANIFEST).symlink_to(outside / MANIFEST)  # refused, not read
    (repo / "link-in").mkdir()
    (repo / "link-in" / MANIFEST).symlink_to(repo / "bad" / MANIFEST)   # inside: read once
    return repo


def test_discovery_never_follows_a_link_out_of_the_tree(tree: Path) -> None:
    run = Run([str(tree)])
    assert_well_behaved(run)
    files = {f["file"] for f in run.report()["findings"]}
    assert not any("link-out-dir" in f for f in files), run.describe()
    refused = [f for f in run.report()["findings"]
               if f["file"].endswith("link-out-file/" + MANIFEST)]
    assert refused and refused[0]["rule"] == "RFT001", run.describe()
    assert "not followed" in refused[0]["message"], run.describe()


def test_never_reads_a_file_twice(tree: Path) -> None:
    bad = tree / "bad" / MANIFEST
    spelled = tree / "good" / ".." / "bad" / MANIFEST
    run = Run([str(bad), str(bad), str(spelled), str(tree / "link-in" / MANIFEST), str(tree)])
    assert_well_behaved(run)
    summary = run.report()["summary"]
    # bad (once, however reached), good, and the refused link out: three files.
    assert summary["files_checked"] == 3, run.describe()
    schema = [f for f in run.report()["findings"] if f["rule"] == "RFT003"]  # type: ignore
    assert len(schema) == 1, run.describe()


def test_never_writes(tree: Path, tmp_path: Path) -> None:
    before = _snapshot(tmp_path)
    cwd_before = sorted(os.listdir(tree))
    for fmt in ("json", "text"):
        run = Run([str(tree)], cwd=tree, fmt=fmt)
        assert_well_behaved(run)
        run = Run([], cwd=tree, fmt=fmt)  # the current folder
        assert_well_behaved(run)
    assert _snapshot(tmp_path) == before
    assert sorted(os.listdir(tree)) == cwd_before


def test_works_in_a_read_only_tree(tree: Path) -> None:
    for dirpath, _, _ in os.walk(tree):
        os.chmod(dirpath, 0o555)
    try:
        run = Run([str(tree)], cwd=tree)
        assert_well_behaved(run)
        assert run.report()["summary"]["files_checked"] == 3
    finally:
        for dirpath, _, _ in os.walk(tree):
            os.chmod(dirpath, 0o755)


def _env() -> dict[str, str]:
    # The bounds are for the tool as users run it: not under coverage's tracer, which the
    # suite otherwise starts in every Python subprocess (pyproject [tool.coverage.run]).
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("COVERAGE_PROCESS_")}
    return {**env, "NO_COLOR": "1"}
