"""§1: configuration, baseline and policy files are bounded like manifests, and a bad one
is one line naming the file (exit 2), never an internal error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import needs_console_script
from tests.security.attack import assert_one_line_error, ragft, repository

pytestmark = needs_console_script

EXAMPLE_PACK = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.mark.parametrize(("config", "message"), [
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("x = " + "[" * 20 + "]" * 20 + "\n", "nested deeper than 16 levels"),
    ("x = " + "{y = " * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
    ("fail-on = " + "9" * 5000 + "\n", "not valid TOML for ragft-lint"),
    ("[params]\nmin-labeled-examples = nan\n", "nan is not a finite number"),
    ("[params]\nmin-labeled-examples = inf\n", "inf is not a finite number"),
    ("[params]\nmin-labeled-examples = -inf\n", "-.inf is not a finite number"),
])
def test_a_hostile_config_is_one_line_exit_2(tmp_path: Path, config: str, message: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / ".ragft-lint.toml").write_text(config)
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert ".ragft-lint.toml" in run.stderr and message in run.stderr, run.describe()


def test_a_pyproject_whose_tool_is_not_a_table(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "pyproject.toml").write_text('tool = "ragft-lint"\n')
    run = ragft("check", "svc", "--config", "pyproject.toml", cwd=repo)
    assert_one_line_error(run)
    assert "pyproject.toml: no [tool.ragft-lint] table" in run.stderr


@pytest.mark.parametrize(("baseline", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
    ('{"version": NaN, "tool": "ragft-lint", "findings": []}', "NaN is not a JSON number"),
    ('{"version": 1, "findings": [{"file": "a", "rule": "R", "pointer": "", "count": '
     + "9" * 5000 + "}]}", "not valid JSON"),
    ("\xff\xfe", "not valid UTF-8"),
])
def test_a_hostile_baseline_is_one_line_exit_2(tmp_path: Path, baseline: str,
                                               message: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "b.json").write_bytes(baseline.encode("utf-8", "surrogateescape")
                                  if baseline != "\xff\xfe" else b"\xff\xfe")
    run = ragft("check", "svc", "--baseline", "b.json", cwd=repo)
    assert_one_line_error(run)
    assert "b.json" in run.stderr and message in run.stderr, run.describe()


@pytest.mark.parametrize(("edit", "message"), [
    (("customer_facing_interpretability: high", "customer_facing_interpretability: .nan"),
     "a parameter must be a finite number"),
    (("customer_facing_interpretability: high",
      "customer_facing_interpretability: " + "[" * 200 + "]" * 200),
     "nesting deeper than 64 levels"),
    (("customer_facing_interpretability: high",
      "customer_facing_interpretability: " + "9" * 5000), "integer with 5,000 digits"),
    (("customer_facing_interpretability: high", "customer_facing_interpretability: 1e400"),
     "a parameter must be a finite number"),
    # Not a parameter, a number written in the condition: nan compares false with
    # everything, so the policy would quietly never (or always) match.
    (("customer_facing: {const: true}", "customer_facing: {const: true, maximum: .nan}"),
     "'when' holds .nan; a condition may compare with finite numbers only"),
    (("customer_facing: {const: true}", "customer_facing: {enum: [true, -.inf]}"),
     "'when' holds -.inf"),
])
def test_a_hostile_policy_is_one_line_exit_2(tmp_path: Path, edit: tuple[str, str],
                                             message: str) -> None:
    repo = repository(tmp_path / "repo")
    pack = repo / "policies"
    shutil.copytree(EXAMPLE_PACK, pack)
    [policy] = pack.glob("*.yaml")
    policy.write_text(policy.read_text().replace(*edit))
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["policies"]\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert policy.name in run.stderr and message in run.stderr, run.describe()


@pytest.mark.parametrize(("where", "config"), [
    ("base.toml", "[params]\nmin-labeled-examples = nan\n"),  # an extend-ed file
    ("pyproject.toml", "[tool.ragft-lint.params]\nrecommended-labeled-examples = -inf\n"),
    ("pyproject.toml", "[tool.ragft-lint]\nparams = {min-labeled-examples = +inf}\n"),
])
def test_a_non_finite_parameter_is_refused_wherever_it_is_set(tmp_path: Path, where: str,
                                                              config: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / where).write_text(config)
    if where == "base.toml":
        (repo / ".ragft-lint.toml").write_text('extend = "base.toml"\n')
    for command in (("check", "svc"), ("explain", "RFT401", "svc"),
                    ("recommend", "svc/llm-project.yaml"), ("check", "svc", "--show-config")):
        run = ragft(*command, cwd=repo)
        assert_one_line_error(run)
        assert where in run.stderr and "is not a finite number" in run.stderr, run.describe()


def test_a_policy_folders_bibliography_is_bounded_too(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    pack = repo / "policies"
    shutil.copytree(EXAMPLE_PACK, pack)
    (pack / "sources.yaml").write_text("team-doc: " + "[" * 200 + "]" * 200 + "\n")
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["policies"]\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert "sources.yaml" in run.stderr and "nesting deeper than 64 levels" in run.stderr


@pytest.mark.parametrize("name", ["ACME002-pipe.yaml", "sources.yaml"])
def test_a_fifo_in_a_policy_folder_is_refused_not_skipped(tmp_path: Path, name: str) -> None:
    # Skipping it would drop a policy (or the pack's bibliography) without a word; opening
    # it would block the run until someone writes to the pipe.
    repo = repository(tmp_path / "repo")
    pack = repo / "policies"
    shutil.copytree(EXAMPLE_PACK, pack)
    (pack / name).unlink(missing_ok=True)
    os.mkfifo(pack / name)
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["policies"]\n')
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert name in run.stderr and "FIFO" in run.stderr, run.describe()
