"""The project's own static checks, so CI (which runs pytest) enforces them too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "ruff", "check", "ragft_lint", "tests"],
    [sys.executable, "-m", "mypy"],
], ids=["ruff", "mypy"])
def test_static_checks_pass(command: list[str]) -> None:
    if shutil.which(command[2]) is None and subprocess.run(
            [sys.executable, "-c", f"import {command[2]}"], capture_output=True).returncode:
        pytest.skip(f"{command[2]} is not installed (it is in the [test] extra)")
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
