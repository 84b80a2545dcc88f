"""The wheel carries the schemas and the policy pack, so a non-editable install works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_schemas_and_policies(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    [wheel] = tmp_path.glob("ragft_lint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"ragft_lint/schemas/{p.name}" for p in (ROOT / "schemas").glob("*.json")}
    expected |= {f"ragft_lint/policies/{p.name}" for p in (ROOT / "policies").glob("*.yaml")}
    assert expected and expected <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "ragft-lint = ragft_lint.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
