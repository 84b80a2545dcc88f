"""Symbolic links out of the checkout, in process: a manifest or baseline a pull request
links to a file outside the repository is refused by name and never read; a link inside it,
and a file the operator names outside it, are read. tests/security/test_reads_stay_inside.py
runs the attacks through the installed console script; these pin the messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragft_lint.core.text import show_value
from tests.conftest import make_manifest, run_cli, to_yaml

SECRET = "AKIA-NEVER-SHOWN"
CI_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "CI_PROJECT_DIR")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout (the current folder) whose svc/llm-project.yaml and baseline.json link to
    a secret outside it, beside a clean manifest and a clean one outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "token").write_text(f"{SECRET}\n")
    (outside / "llm-project.yaml").write_text(to_yaml(make_manifest()))
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "svc").mkdir()
    (root / "svc" / "llm-project.yaml").symlink_to(outside / "token")
    (root / "baseline.json").symlink_to(outside / "token")
    (root / "shared.yaml").write_text(to_yaml(make_manifest()))
    (root / "clean").mkdir()
    (root / "clean" / "llm-project.yaml").symlink_to("../shared.yaml")
    for variable in CI_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(root)
    return root.resolve()


def refusal(root: Path) -> str:
    # The root as messages show any value: a long one is cut (core/text.py pins how).
    shown = show_value(str(root), quote=False)
    return f"symbolic link to a file outside the repository ({shown}); not followed"


def test_a_manifest_linked_out_of_the_checkout_is_a_finding_naming_it(repo: Path) -> None:
    result = run_cli("check", "svc/llm-project.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"svc/llm-project.yaml:1:1: error RFT001 {refusal(repo)}")
    assert SECRET not in result.output


@pytest.mark.parametrize(("link", "target", "named"), [
    ("config", "outside", "config/llm-project.yaml"),  # a folder on the way is the link
    ("svc/up", "../..", "svc/up/outside/token"),  # a link up and out, then down
    ("svc/deep/up", "../../..", "svc/deep/up/outside/token"),  # the same, one folder down
])
def test_a_folder_on_the_way_that_links_out_is_refused(repo: Path, link: str, target: str,
                                                       named: str) -> None:
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(repo.parent / target if target == "outside" else target)
    result = run_cli("check", named)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{named}:1:1: error RFT001 {refusal(repo)}"
    assert SECRET not in result.output


def test_a_regular_file_inside_the_checkout_is_read(repo: Path) -> None:
    (repo / "plain" / "deeper").mkdir(parents=True)
    (repo / "plain" / "deeper" / "llm-project.yaml").write_text(to_yaml(make_manifest()))
    assert run_cli("check", "plain/deeper/llm-project.yaml", "plain", "./plain",
                   "plain/deeper/../deeper/").exit_code == 0


def test_from_a_subfolder_the_refusal_names_the_repository_root(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "svc")
    result = run_cli("check", "llm-project.yaml")
    assert result.stdout.splitlines()[0] == f"llm-project.yaml:1:1: error RFT001 {refusal(repo)}"


def test_a_folder_whose_name_extends_the_checkouts_is_outside_it(repo: Path) -> None:
    # `repo-secrets` starts with the text `repo` but is not inside `repo`.
    sibling = repo.parent / "repo-secrets"
    sibling.mkdir()
    (sibling / "token").write_text(f"{SECRET}\n")
    (repo / "svc" / "llm-project.yaml").unlink()
    (repo / "svc" / "llm-project.yaml").symlink_to(sibling / "token")
    result = run_cli("check", "svc/llm-project.yaml")
    assert result.stdout.splitlines()[0] == (
        f"svc/llm-project.yaml:1:1: error RFT001 {refusal(repo)}")
    assert SECRET not in result.output


def test_a_missing_file_inside_the_checkout_is_named_as_missing(repo: Path) -> None:
    result = run_cli("check", "svc/missing.yaml")
    assert result.exit_code == 2
    assert result.stderr == "ragft-lint: error: path does not exist: svc/missing.yaml\n"


def test_a_link_inside_the_checkout_is_read(repo: Path) -> None:
    assert run_cli("check", "clean/llm-project.yaml").exit_code == 0


def test_the_operator_may_name_a_manifest_outside_the_checkout(repo: Path) -> None:
    assert run_cli("check", str(repo.parent / "outside" / "llm-project.yaml")).exit_code == 0


@pytest.mark.parametrize("start", [".", ".."])
def test_a_baseline_linked_out_of_its_checkout_is_refused(
        repo: Path, start: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # From outside the checkout too: the baseline's own checkout is the one that counts.
    monkeypatch.chdir(repo / start)
    named = "baseline.json" if start == "." else "repo/baseline.json"
    result = run_cli("check", "--baseline", named, str(repo / "clean"))
    assert result.exit_code == 2
    assert result.stderr == (f"ragft-lint: error: {named}: cannot read baseline file: "
                             f"{refusal(repo)} (name the real file with --baseline)\n")


def test_a_ci_workspace_reached_through_a_link_still_holds_its_links_in(
        repo: Path, tmp_path: Path) -> None:
    # The workspace as CI names it (a link to the checkout, as /var is on macOS) and the
    # manifest by its real path: both name the same checkout.
    (tmp_path / "workspace").symlink_to(repo)
    result = run_cli("check", str(repo / "svc" / "llm-project.yaml"),
                     env={"GITHUB_WORKSPACE": str(tmp_path / "workspace")})
    assert result.exit_code == 1
    assert refusal(tmp_path / "workspace") in result.stdout
    assert SECRET not in result.output


def test_the_checkout_itself_and_a_checkout_at_the_root_lead_nowhere_else(tmp_path: Path) -> None:
    # `ragft-lint check /abs/path/of/the/checkout`; a container with the checkout at /.
    from ragft_lint.core.paths import escapes, is_inside

    assert not escapes(str(tmp_path), str(tmp_path))
    assert is_inside(str(tmp_path), "/") and is_inside("/", "/")
    (tmp_path / "llm-project.yaml").write_text("approach: rag\n", encoding="utf-8")
    assert not escapes(str(tmp_path / "llm-project.yaml"), "/")
