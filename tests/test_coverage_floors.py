"""The coverage floors (tests/conftest.py, [tool.pytest.ini_options] in pyproject.toml): a
run of the whole suite fails when its line or its branch coverage is below its floor, each
apart, and a run of some of the tests is never failed by them.

Each test runs pytest itself, as CI does, on a suite made of tests/test_text.py (`-o
testpaths=`: what `pytest` with no paths runs), with its own coverage data file so that the
run measuring this one is left alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE = "tests/test_text.py"

pytestmark = pytest.mark.slow


def run_pytest(tmp_path: Path, *args: str, line: str, branch: str
               ) -> subprocess.CompletedProcess[str]:
    # Without the outer run's COVERAGE_* variables: coverage started in this subprocess by
    # the run measuring this test would be a second measurement of the same process.
    env = {key: value for key, value in os.environ.items() if not key.startswith("COVERAGE")}
    env["COVERAGE_FILE"] = str(tmp_path / ".coverage")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--cov-report=",
         "--cov-fail-under=0",  # only the floors under test decide
         "-o", f"testpaths={SUITE}", "-o", f"coverage_line_floor={line}",
         "-o", f"coverage_branch_floor={branch}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


def measured(output: str, kind: str) -> float:
    found = re.search(rf"{kind} coverage (\d+\.\d\d)% is", output)
    assert found, output
    return float(found[1])


def test_branch_coverage_below_its_floor_fails_the_run(tmp_path: Path) -> None:
    run = run_pytest(tmp_path, line="0", branch="100")
    assert run.returncode == 1, run.stdout + run.stderr
    branch = measured(run.stdout, "branch")
    assert branch < 100
    assert (f"ERROR: Coverage failure: branch coverage {branch:.2f}% is below its floor "
            "100.00%") in run.stdout
    assert "line coverage" in run.stdout and "is at or above its floor 0.00%" in run.stdout
    assert " passed" in run.stdout and "failed" not in run.stdout  # the tests themselves pass


def test_line_coverage_below_its_floor_fails_the_run_and_a_floor_met_passes(
        tmp_path: Path) -> None:
    failing = run_pytest(tmp_path, line="100", branch="0")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    line = measured(failing.stdout, "line")
    assert f"ERROR: Coverage failure: line coverage {line:.2f}% is below its floor 100.00%" \
        in failing.stdout
    # Floors at what this suite reaches pass: a floor is met at its own value.
    passing = run_pytest(tmp_path, line=f"{line:.2f}",
                         branch=f"{measured(failing.stdout, 'branch'):.2f}")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Coverage failure" not in passing.stdout


def test_a_run_of_some_tests_is_not_judged_by_the_floors(tmp_path: Path) -> None:
    run = run_pytest(tmp_path, SUITE, "-k", "show_value", line="100", branch="100")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "its floor" not in run.stdout and "Coverage failure" not in run.stdout
