"""§1: nothing outside the repository is read because the repository said so."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ragft_lint.core.text import MAX_SHOWN
from tests.conftest import make_manifest, needs_console_script, to_yaml
from tests.security.attack import CLEAN, assert_one_line_error, ragft, repository

pytestmark = needs_console_script

SECRET = "AKIA-TOP-SECRET-" + "s3cr3t" * 20  # what must never reach the CI log


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A secret file and a folder of them, outside the repository."""
    folder = tmp_path / "home" / ".secrets"
    folder.mkdir(parents=True)
    (folder / "llm-project.yaml").write_text(f"{SECRET}\n")
    (folder / "token").write_text(f"{SECRET}\n")
    return folder


@pytest.mark.parametrize("fmt", ["json", "text", "github", "sarif", "markdown", "junit"])
@pytest.mark.parametrize("how", ["file-link", "folder-link", "dot-dot-link", "discovered"])
def test_a_committed_link_out_of_the_repository_is_refused(
        tmp_path: Path, outside: Path, fmt: str, how: str) -> None:
    repo = repository(tmp_path / "repo")
    if how == "file-link":
        (repo / "svc" / "llm-project.yaml").unlink()
        (repo / "svc" / "llm-project.yaml").symlink_to(outside / "token")
        named = "svc/llm-project.yaml"
    elif how == "folder-link":
        (repo / "config").symlink_to(outside)
        named = "config/llm-project.yaml"
    elif how == "dot-dot-link":
        (repo / "svc" / "up").symlink_to("../..")
        named = "svc/up/home/.secrets/token"
    else:
        (repo / "other").mkdir()
        (repo / "other" / "llm-project.yaml").symlink_to(outside / "token")
        named = "other"
    run = ragft("check", named, "--format", fmt, cwd=repo)
    assert run.returncode == 1, run.describe()
    assert "s3cr3t" not in run.output, run.describe()
    assert "outside" in run.output, run.describe()
    if fmt == "json":
        [finding] = json.loads(run.stdout)["findings"]
        assert finding["rule"] == "RFT001"


def test_one_run_judges_each_path_by_where_it_leads(tmp_path: Path, outside: Path) -> None:
    """Many files named at once, through the same folders, links in and out among them (the
    run resolves each folder once): each is refused or read as if it were named alone."""
    repo = repository(tmp_path / "repo")
    (repo / "team").mkdir()
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (repo / "team" / name).write_text(CLEAN)
    (repo / "inside").symlink_to("team")  # a folder link that stays in the repository
    (repo / "config").symlink_to(outside)  # one that leads out
    (repo / "svc" / "up").symlink_to("../..")  # back above the repository
    (repo / "team" / "out.yaml").symlink_to(outside / "token")  # a file link out
    named = {"team/a.yaml": None, "inside/b.yaml": None, "./inside/../team/c.yaml": None,
             "config/llm-project.yaml": "RFT001", "config/token": "RFT001",
             "svc/up/home/.secrets/token": "RFT001", "team/out.yaml": "RFT001",
             "inside/out.yaml": "RFT001", "svc/up/repo/team/a.yaml": None}
    run = ragft("check", *named, "--format", "json", cwd=repo)
    assert run.returncode == 1, run.describe()
    assert "s3cr3t" not in run.output, run.describe()
    rules = {finding["file"]: finding["rule"] for finding in json.loads(run.stdout)["findings"]}
    assert rules == {path: rule for path, rule in named.items() if rule is not None}, \
        run.describe()
    # The clean files were read: a.yaml once however it was reached, b.yaml, c.yaml.
    assert json.loads(run.stdout)["summary"]["files_checked"] == 3 + 5, run.describe()


def test_a_link_inside_the_repository_is_read(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "shared").mkdir()
    (repo / "shared" / "base.yaml").write_text(CLEAN)
    (repo / "svc" / "llm-project.yaml").unlink()
    (repo / "svc" / "llm-project.yaml").symlink_to("../shared/base.yaml")
    run = ragft("check", "svc/llm-project.yaml", cwd=repo)
    assert run.returncode == 0, run.describe()


def test_the_operator_may_name_a_file_outside(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere" / "llm-project.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(CLEAN)
    run = ragft("check", elsewhere, cwd=repo)
    assert run.returncode == 0, run.describe()


@pytest.mark.parametrize("content", [
    SECRET,  # a document that is one plain string
    f"- {SECRET}\n",  # a list
    f"schema_version: 1\nproject: {SECRET}\napproach: {SECRET}\n",  # wrong values
    f"{SECRET}: 1\n",  # a bad key
    f"schema_version: 1\nproject: x\napproach: rag\ncriteria: {SECRET}\n",  # wrong type
    f'"{SECRET}\n',  # a syntax error inside a quoted string
    f"schema_version: !!int {SECRET}\n",  # a value its tag does not fit
])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_messages_quote_at_most_a_short_excerpt(tmp_path: Path, content: str, fmt: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "svc" / "llm-project.yaml").write_text(content)
    run = ragft("check", "svc", "--format", fmt, cwd=repo)
    assert run.returncode == 1, run.describe()
    # The messages (not the JSON pointer, a finding's address in the document) quote at most
    # MAX_SHOWN (60) characters: 66 of the secret are too many.
    shown = ([f["message"] for f in json.loads(run.stdout)["findings"]] if fmt == "json"
             else [run.output])
    assert not any("s3cr3t" * 11 in text for text in shown), run.describe()


def test_policy_paths_from_the_repository_stay_inside(tmp_path: Path, outside: Path) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "policies").symlink_to(outside)
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["policies"]\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert "outside the repository" in run.stderr and "s3cr3t" not in run.output
    (repo / ".ragft-lint.toml").write_text(f'policy-paths = ["{outside}"]\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert "outside the repository" in run.stderr


def test_the_operator_may_name_policies_anywhere(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    pack = Path(__file__).resolve().parents[2] / "examples" / "policies"
    run = ragft("check", "svc", "--policies", pack, cwd=repo)
    assert run.returncode in (0, 1), run.describe()


def test_an_extended_config_from_the_repository_stays_inside(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    base = tmp_path / "base.toml"  # e.g. a file of the CI user's, outside the checkout
    base.write_text('fail-on = "info"\n')
    (repo / ".ragft-lint.toml").write_text(f'extend = "{base}"\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert "extend" in run.stderr and "outside the repository" in run.stderr
    (repo / "base.toml").symlink_to(base)
    (repo / ".ragft-lint.toml").write_text('extend = "base.toml"\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert "outside the repository" in run.stderr


def _team_policy() -> str:
    """A valid team policy (ACME101: the built-in RFT101 under a team id)."""
    policy = (Path(__file__).resolve().parents[2] / "policies"
              / "RFT101-external-data-needs-retrieval.yaml").read_text(encoding="utf-8")
    return policy.replace("id: RFT101", "id: ACME101")


def _team_pack(repo: Path) -> Path:
    """A policy folder in the repository holding one valid team policy, configured."""
    team = repo / "team"
    team.mkdir()
    (team / "ACME101.yaml").write_text(_team_policy())
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["team"]\n')
    return team


@pytest.mark.parametrize("entry", ["ACME102.yaml", "ACME103.yml", "sources.yaml"])
@pytest.mark.parametrize("command", [("check", "svc"), ("explain", "ACME101", "svc"),
                                     ("recommend", "svc/llm-project.yaml"),
                                     ("check", "svc", "--show-config")])
def test_each_file_of_a_policy_folder_stays_inside(tmp_path: Path, outside: Path, entry: str,
                                                    command: tuple[str, ...]) -> None:
    repo = repository(tmp_path / "repo")
    team = _team_pack(repo)
    (outside / "policy.yaml").write_text(f"{SECRET}: [\n")  # its line would be quoted
    (team / entry).symlink_to(outside / "policy.yaml")
    run = ragft(*command, cwd=repo)
    assert_one_line_error(run)
    assert "outside the repository" in run.stderr and repr(entry) in run.stderr
    assert "s3cr3t" not in run.output, run.describe()


def test_a_policy_folder_linking_inside_is_read(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    team = _team_pack(repo)
    (repo / "shared").mkdir()
    (team / "ACME101.yaml").rename(repo / "shared" / "ACME101.yaml")
    (team / "ACME101.yaml").symlink_to("../shared/ACME101.yaml")
    run = ragft("check", "svc", "--show-config", cwd=repo)
    assert run.returncode == 0 and "1 from folder" in run.stdout, run.describe()


def test_the_operator_may_name_a_policy_folder_of_links_out(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    pack = tmp_path / "operator-pack"
    pack.mkdir()
    (tmp_path / "real.yaml").write_text(_team_policy())
    (pack / "ACME101.yaml").symlink_to(tmp_path / "real.yaml")
    run = ragft("check", "svc", "--policies", pack, "--show-config", cwd=repo)
    assert run.returncode == 0 and "1 from folder" in run.stdout, run.describe()


@pytest.mark.parametrize("name", [".ragft-lint.toml", "pyproject.toml"])
def test_a_found_configuration_that_links_out_is_refused(tmp_path: Path, outside: Path,
                                                          name: str) -> None:
    repo = repository(tmp_path / "repo")
    # A configuration file of someone else's on the runner, with its own (unchecked)
    # policy-paths: through a link it would apply to the pull request's manifests.
    body = 'exclude = ["*"]\nallow-empty = true\n'
    if name == "pyproject.toml":
        body = "[tool.ragft-lint]\n" + body
    (outside / name).write_text(body)
    (repo / "svc" / name).symlink_to(outside / name)
    for command in (("check", "svc"), ("check", "svc/llm-project.yaml", "--show-config")):
        run = ragft(*command, cwd=repo)
        assert_one_line_error(run)
        assert "outside the repository" in run.stderr and name in run.stderr, run.describe()


def test_a_baseline_in_the_checkout_that_links_out_is_refused(tmp_path: Path,
                                                              outside: Path) -> None:
    repo = repository(tmp_path / "repo")
    (outside / "baseline.json").write_text(f'{{"{SECRET}": 1}}')
    (repo / "ragft-baseline.json").symlink_to(outside / "baseline.json")
    run = ragft("check", "svc", "--baseline", "ragft-baseline.json", cwd=repo)
    assert_one_line_error(run)
    assert "outside the repository" in run.stderr and "s3cr3t" not in run.output
    # Named where it is, outside the checkout, it is the operator's and is read.
    (outside / "baseline.json").write_text('{"version": 1, "findings": []}')
    run = ragft("check", "svc", "--baseline", outside / "baseline.json", cwd=repo)
    assert run.returncode == 0, run.describe()


# Every place a manifest's own keys and values reach a report: an unknown key at the top and
# one level down (the finding's pointer), a wrong-typed value, an unknown waiver rule; and,
# in a manifest valid enough for policies to run, an expired waiver's reason (quoted in
# RFT005's message).
LONG = "k" * 100_000


def _long_manifests(repo: Path) -> None:
    data = make_manifest(approach="fine-tune",
                         waivers=[{"rule": "RFT9" + "9" * 100_000, "reason": "x",
                                   "expires": "2099-01-01"}])
    data["criteria"][LONG] = 1
    data[LONG.upper()] = {"nested": 1}
    data["criteria"]["labeled_examples"] = "n" * 100_000
    (repo / "svc" / "llm-project.yaml").write_text(to_yaml(data))
    (repo / "ft").mkdir()
    (repo / "ft" / "llm-project.yaml").write_text(to_yaml(make_manifest(
        approach="fine-tune", project="p" * 100_000,
        waivers=[{"rule": "RFT501", "reason": "r" * 100_000, "expires": "2000-01-01"}])))


def _longest_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"k+|K+|p+|9+|n+|r+", text)), default=0)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "markdown",
                                 "gitlab"])
def test_no_report_quotes_a_long_key_or_value_whole(tmp_path: Path, fmt: str) -> None:
    repo = repository(tmp_path / "repo")
    _long_manifests(repo)
    report = tmp_path / "report"
    run = ragft("check", ".", "--format", fmt, "--output", f"{fmt}={report}", cwd=repo)
    assert run.returncode == 1, run.describe()
    for text in (run.stdout, run.stderr, report.read_text(encoding="utf-8")):
        assert _longest_run(text) <= MAX_SHOWN, text[:3000]
    if fmt == "json":
        pointers = {f["pointer"] for f in json.loads(run.stdout)["findings"]}
        # Cut visibly, and still naming where in the document the key is.
        assert "/criteria/" + "k" * MAX_SHOWN + "…" in pointers, pointers
        assert "/" + "K" * MAX_SHOWN + "…" in pointers, pointers


def test_a_baseline_records_long_keys_cut_and_still_matches(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    _long_manifests(repo)
    run = ragft("check", "svc", "--write-baseline", "b.json", cwd=repo)
    assert run.returncode == 0, run.describe()
    assert _longest_run((repo / "b.json").read_text(encoding="utf-8")) <= MAX_SHOWN
    run = ragft("check", "svc", "--baseline", "b.json", cwd=repo)
    assert run.returncode == 0 and "4 baselined" in run.stdout, run.describe()


@pytest.mark.parametrize("command", [("recommend", "svc/llm-project.yaml"),
                                     ("recommend", "svc"), ("migrate", "svc/llm-project.yaml"),
                                     ("migrate", "--diff", "svc")])
def test_other_commands_refuse_a_manifest_that_links_out(tmp_path: Path, outside: Path,
                                                         command: tuple[str, ...]) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "svc" / "llm-project.yaml").unlink()
    (repo / "svc" / "llm-project.yaml").symlink_to(outside / "token")
    run = ragft(*command, cwd=repo)
    assert_one_line_error(run)
    # (A folder search says "outside the searched folder", as check's does.)
    assert "symbolic link to a file outside the" in run.stderr, run.describe()
    assert "not followed" in run.stderr and "s3cr3t" not in run.output
