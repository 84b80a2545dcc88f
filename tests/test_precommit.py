"""The real pre-commit, running this repository's hook against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_manifest, to_yaml

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with one manifest that passes and one that fails."""
    repo = tmp_path_factory.mktemp("project")
    (repo / "good").mkdir()
    (repo / "bad").mkdir()
    (repo / "good" / "llm-project.yaml").write_text(to_yaml(make_manifest()), encoding="utf-8")
    (repo / "bad" / "llm-project.yaml").write_text(
        to_yaml(make_manifest(approach="fine-tune")), encoding="utf-8")
    (repo / "notes.yaml").write_text("not: a manifest\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    return repo


def try_repo(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "ragft-lint", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def test_hook_fails_on_the_bad_manifest(project: Path, home: Path) -> None:
    proc = try_repo(project, home, "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ragft-lint" in proc.stdout and "Failed" in proc.stdout
    assert "bad/llm-project.yaml:" in proc.stdout and "RFT501" in proc.stdout
    assert "help: Switch approach" in proc.stdout  # the hook shows fixes by default
    assert "good/llm-project.yaml" not in proc.stdout
    assert "notes.yaml" not in proc.stdout  # the files: pattern keeps other YAML out


def test_hook_passes_on_the_good_manifest(project: Path, home: Path) -> None:
    proc = try_repo(project, home, "--files", "good/llm-project.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
