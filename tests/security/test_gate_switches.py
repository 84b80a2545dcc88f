"""§5: the gate cannot be switched off quietly from inside the pull request."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import needs_console_script
from tests.security.attack import (
    assert_one_line_error,
    make_manifest,
    ragft,
    repository,
    to_yaml,
)

pytestmark = needs_console_script

SOON = (dt.date.today() + dt.timedelta(days=10)).isoformat()
FAR = (dt.date.today() + dt.timedelta(days=4000)).isoformat()


def waived_repo(root: Path, expires: str = SOON) -> Path:
    """A repository whose manifest fails RFT401 and waives it."""
    repo = repository(root)
    data = make_manifest(approach="fine-tune", criteria__labeled_examples=10,
                         waivers=[{"rule": "RFT401", "reason": "accepted by the team",
                                   "expires": expires}])
    (repo / "svc" / "llm-project.yaml").write_text(to_yaml(data))
    return repo


def rules(stdout: str) -> dict[str, bool]:
    return {f["rule"]: f["waived"] for f in json.loads(stdout)["findings"]}


@pytest.mark.parametrize("config", ['exclude = ["*"]\n', 'exclude = ["svc"]\n'])
def test_excluding_everything_is_exit_2_not_green(tmp_path: Path, config: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / ".ragft-lint.toml").write_text(config)
    run = ragft("check", cwd=repo)
    assert_one_line_error(run)
    assert f"no llm-project.yaml found under {repo}; nothing was checked" in run.stderr
    assert ragft("check", "--allow-empty", cwd=repo).returncode == 0
    (repo / ".ragft-lint.toml").write_text(config + "allow-empty = true\n")
    assert ragft("check", cwd=repo).returncode == 0


def test_a_path_that_holds_no_manifest_is_exit_2(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "docs").mkdir()
    run = ragft("check", "docs", cwd=repo)
    assert_one_line_error(run)
    assert "no llm-project.yaml found under docs; nothing was checked" in run.stderr


FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "gitlab"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("how", ["folder", "excluded", "actions"])
def test_a_refused_empty_run_writes_no_report(tmp_path: Path, fmt: str, how: str) -> None:
    """Only the error: no "All checks passed: 0 files checked." above it, no empty SARIF or
    JUnit a later step would upload as this run's, on stdout or in an --output file."""
    repo = repository(tmp_path / "repo")
    env = {"GITHUB_ACTIONS": "true"} if how == "actions" else {}
    if how == "excluded":
        (repo / ".ragft-lint.toml").write_text('exclude = ["*"]\n')
    (repo / "docs").mkdir()
    report = tmp_path / f"report.{fmt}"
    report.write_text("an earlier run's report")
    target = "docs" if how != "excluded" else "."
    run = ragft("check", target, "--format", fmt, "--output", f"{fmt}={report}", cwd=repo,
                env=env)
    assert_one_line_error(run)
    assert "nothing was checked" in run.stderr and run.stdout == "", run.describe()
    assert not report.exists()  # neither a new report nor the stale one, which would pass
    assert {p.name for p in tmp_path.iterdir()} == {"repo"}  # no temporary file left


@pytest.mark.parametrize("extra", [["--write-baseline", "b.json"], ["--fix", "--diff"],
                                   ["--statistics"], ["-q"], ["--exit-zero"]])
def test_a_refused_empty_run_writes_nothing_whatever_it_was_asked(tmp_path: Path,
                                                                   extra: list[str]) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "docs").mkdir()
    run = ragft("check", "docs", *extra, cwd=repo)
    assert_one_line_error(run)
    assert run.stdout == "" and not (repo / "b.json").exists(), run.describe()


def test_an_allowed_empty_run_reports_and_warns(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "docs").mkdir()
    run = ragft("check", "docs", "--allow-empty", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.describe()
    assert json.loads(run.stdout)["summary"]["files_checked"] == 0
    assert run.stderr == "ragft-lint: warning: no llm-project.yaml found under docs\n"


@pytest.mark.parametrize(("name", "config"), [
    (".ragft-lint.toml", 'ignore = ["RFT4"]\nexclude = ["*"]\n'),
    ("pyproject.toml", '[tool.ragft-lint.severity]\nRFT401 = "info"\n'),
])
def test_isolated_ignores_the_pull_requests_configuration(tmp_path: Path, name: str,
                                                          config: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "svc" / "llm-project.yaml").write_text(to_yaml(make_manifest(
        approach="fine-tune", criteria__labeled_examples=10)))
    (repo / "svc" / name).write_text(config)
    quiet = ragft("check", "svc", "--select", "RFT401", "--format", "json", cwd=repo)
    assert quiet.returncode in (0, 2), quiet.describe()  # the PR's config hides it
    run = ragft("check", "svc", "--select", "RFT401", "--isolated", "--format", "json", cwd=repo)
    assert run.returncode == 1, run.describe()
    assert rules(run.stdout) == {"RFT401": False}
    both = ragft("check", "--isolated", "--config", f"svc/{name}", cwd=repo)
    assert both.returncode == 2 and "cannot be used with --config" in both.stderr


def test_unwaivable_rules_make_their_waivers_errors(tmp_path: Path) -> None:
    repo = waived_repo(tmp_path / "repo")
    assert rules(ragft("check", "svc", "--select", "RFT401", "--format", "json",
                       cwd=repo).stdout) == {"RFT401": True}  # the waiver applies
    (repo / "base.toml").write_text('unwaivable = ["RFT4"]\n')
    run = ragft("check", "svc", "--select", "RFT401", "--config", "base.toml", "--format", "json",
                cwd=repo)
    assert run.returncode == 1, run.describe()
    assert rules(run.stdout) == {"RFT401": False, "RFT006": False}
    assert "the configuration makes RFT4 unwaivable" in run.stdout
    (repo / "base.toml").write_text('unwaivable = ["RFT9"]\n')  # a typo must not do nothing
    run = ragft("check", "svc", "--select", "RFT401", "--config", "base.toml", cwd=repo)
    assert_one_line_error(run)
    assert "unwaivable" in run.stderr and "RFT9" in run.stderr


def test_max_waiver_days_refuses_a_waiver_for_years(tmp_path: Path) -> None:
    repo = waived_repo(tmp_path / "repo", expires=FAR)
    (repo / "base.toml").write_text("max-waiver-days = 90\n")
    run = ragft("check", "svc", "--select", "RFT401", "--config", "base.toml", "--format", "json",
                cwd=repo)
    assert run.returncode == 1, run.describe()
    assert rules(run.stdout) == {"RFT401": False, "RFT006": False}
    assert f"expires on {FAR}, more than 90 days from today" in run.stdout
    near = waived_repo(tmp_path / "near")
    (near / "base.toml").write_text("max-waiver-days = 90\n")
    assert ragft("check", "svc", "--select", "RFT401", "--config", "base.toml",
                 cwd=near).returncode == 0


def test_no_waivers_checks_as_if_none_existed(tmp_path: Path) -> None:
    repo = waived_repo(tmp_path / "repo")
    run = ragft("check", "svc", "--select", "RFT401", "--no-waivers", "--format", "json", cwd=repo)
    assert run.returncode == 1, run.describe()
    assert rules(run.stdout) == {"RFT401": False}
