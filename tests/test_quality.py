"""The project's own static checks, so CI (which runs pytest) enforces them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "ruff", "check", "."],  # the whole repository: bench, fuzz, data
    [sys.executable, "-m", "mypy"],
    # The layer contract in pyproject.toml [tool.importlinter]; TYPE_CHECKING imports count.
    [str(BIN / "lint-imports"), "--no-cache"],
], ids=["ruff", "mypy", "import-linter"])
def test_static_checks_pass(command: list[str]) -> None:
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_package_has_no_import_cycles() -> None:
    # Imports inside functions count: a lazy import is still a dependency, and a cycle of
    # them is a tangle the layer contract alone would not show within one layer.
    graph = grimp.build_graph("ragft_lint")
    cycles = sorted(
        " -> ".join([importer, *chain])
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if (chain := graph.find_shortest_chain(importer=imported, imported=importer)))
    assert cycles == []
