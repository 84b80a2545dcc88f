"""The real pre-commit, running this repository's hook against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_manifest, release_repository, to_yaml

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


# --- a project's own .pre-commit-config.yaml with `args:` -------------------------------------

@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This repository as released (tests.conftest.release_repository), and its tag: what
    a `repo:` / `rev:` pair in a project's configuration names."""
    copy = tmp_path_factory.mktemp("ragft-lint-repo")
    return copy, release_repository(copy)


def run_with_args(hook_repo: tuple[Path, str], project: Path, home: Path, args: list[str]
                  ) -> subprocess.CompletedProcess[str]:
    repo, rev = hook_repo
    config = project / f"pre-commit-{len(args)}.yaml"
    config.write_text(f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n"
                      f"      - id: ragft-lint\n        args: {args!r}\n", encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--config", str(config), "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600)


def test_args_of_your_own_keep_the_fix_hints_and_the_exclusion(
        hook_repo: tuple[Path, str], home: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> None:
    from tests.conftest import console_script
    from tests.monorepo import SERVICE_BY_NAME, build_monorepo

    project = build_monorepo(tmp_path_factory.mktemp("baselined"), git=True)
    # Adopt with a baseline (search's warning is recorded), then a new finding appears.
    subprocess.run([console_script(), "check", "--write-baseline", "ragft-baseline.json"],
                   cwd=project, check=True, capture_output=True)
    billing = project / SERVICE_BY_NAME["billing"].manifest
    billing.write_text(billing.read_text().replace("monthly", "daily"), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)

    proc = run_with_args(hook_repo, project, home, ["--baseline", "ragft-baseline.json"])
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "services/billing/llm-project.yaml:10:3: error RFT501" in out
    assert "    help: " in out  # the hook's default --show-fixes survives the args
    assert "RFT102" not in out and "1 baselined" in out  # the args apply
    assert "services/legacy" not in out  # and so does the hook's --force-exclude

    quiet = run_with_args(hook_repo, project, home, ["--no-show-fixes"])
    assert quiet.returncode == 1, quiet.stdout + quiet.stderr
    assert "error RFT501" in quiet.stdout and "help: " not in quiet.stdout


def test_the_readme_configuration_works_as_written_once_the_tag_exists(
        hook_repo: tuple[Path, str], home: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> None:
    """The README's .pre-commit-config.yaml, word for word but the repository's address
    (this repository, released under the tag its `rev:` names), on a monorepo."""
    import re

    from tests.monorepo import SERVICE_BY_NAME, build_monorepo

    repo, tag = hook_repo
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(# .pre-commit-config.yaml\n.*?)```", readme, re.S)
    assert snippet and f"rev: {tag}" in snippet.group(1)
    project = build_monorepo(tmp_path_factory.mktemp("readme-config"), git=True)
    (project / ".pre-commit-config.yaml").write_text(
        snippet.group(1).replace("https://github.com/ragft-lint/ragft-lint", str(repo)),
        encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    search = SERVICE_BY_NAME["search"]
    assert f"{search.manifest}:6:5: warning RFT102" in out and "    help: " in out
    assert "services/billing" not in out and "services/legacy" not in out
