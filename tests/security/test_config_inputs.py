"""§1: configuration, baseline and policy files are bounded like manifests, and a bad one
is one line naming the file (exit 2), never an internal error."""

from __future__ import annotations

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
