"""§4: a policy cannot hang a run, nor recurse it to death."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import needs_console_script
from tests.security.attack import (
    CLEAN,
    assert_one_line_error,
    ragft,
    repository,
)

pytestmark = needs_console_script

EXAMPLE = next((Path(__file__).resolve().parents[2] / "examples" / "policies").glob("*.yaml"))
WHEN = "when:\n  required: [project]\n"
# `^(a+)+$` on 'aaaa…a!' backtracks 2^n times in Python's re; RE2 answers at once.
EVIL = "^(a+)+$"


def repo_with_policy(root: Path, when: str, *, params: str = "") -> tuple[Path, Path]:
    """A repository whose policy folder holds the example policy with `when` replaced."""
    repo = repository(root)
    pack = repo / "policies"
    pack.mkdir()
    policy = pack / EXAMPLE.name
    text = EXAMPLE.read_text()
    start, end = text.index("when:\n"), text.index("message:")
    text = text[:start] + when + text[end:]
    if params:
        text = text.replace("params:\n", f"params:\n{params}")
    policy.write_text(text)
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["policies"]\n')
    return repo, policy


def test_a_backtracking_pattern_cannot_hang_the_run(tmp_path: Path) -> None:
    repo, _ = repo_with_policy(tmp_path / "repo", f"when:\n  properties:\n    project:\n"
                                                  f"      pattern: '{EVIL}'\n" + WHEN[6:])
    (repo / "svc" / "llm-project.yaml").write_text(
        CLEAN.replace("project: support-assistant", "project: " + "a" * 60 + "!"))
    start = time.monotonic()
    run = ragft("check", "svc", cwd=repo, timeout=60)
    assert time.monotonic() - start < 20, "the pattern backtracked"
    assert run.returncode == 0, run.describe()


def test_a_pattern_from_configuration_runs_in_linear_time_too(tmp_path: Path) -> None:
    repo, _ = repo_with_policy(
        tmp_path / "repo",
        "when:\n  properties:\n    project:\n      pattern: {$param: project_pattern}\n"
        + WHEN[6:], params="  project_pattern: '^x'\n")
    (repo / "svc" / "llm-project.yaml").write_text(
        CLEAN.replace("project: support-assistant", "project: " + "a" * 60 + "!"))
    (repo / ".ragft-lint.toml").write_text(
        f"policy-paths = [\"policies\"]\n[params]\nproject-pattern = '{EVIL}'\n")
    start = time.monotonic()
    run = ragft("check", "svc", cwd=repo, timeout=60)
    assert time.monotonic() - start < 20, "the pattern backtracked"
    assert run.returncode == 0, run.describe()
    (repo / ".ragft-lint.toml").write_text(
        "policy-paths = [\"policies\"]\n[params]\nproject-pattern = '(?=a)a'\n")
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert "project-pattern" in run.stderr and "linear time" in run.stderr


@pytest.mark.parametrize(("when", "line", "message"), [
    ("when:\n  properties:\n    project:\n      pattern: '(?=a)a'\n" + WHEN[6:], 23,
     "cannot be matched in linear time by RE2"),
    ("when:\n  properties:\n    project:\n      pattern: '(a)\\1'\n" + WHEN[6:], 23,
     "cannot be matched in linear time by RE2"),
    ("when:\n  patternProperties:\n    '(?<=x)y': {}\n  unevaluatedProperties: false\n"
     + WHEN[6:], 22, "linear time"),
    ("when:\n  $defs:\n    loop: {$ref: '#/$defs/loop'}\n  $ref: '#/$defs/loop'\n" + WHEN[6:],
     22, "refers to itself through $ref"),
    ("when:\n  $defs:\n    a: {not: {$ref: '#/$defs/b'}}\n    b: {anyOf: [{$ref: '#/$defs/a'}]}\n"
     "  $ref: '#/$defs/a'\n" + WHEN[6:], 22, "refers to itself through $ref"),
    ("when:\n  properties:\n    criteria: {$ref: '#'}\n" + WHEN[6:], 22,
     "refers to itself through $ref"),
])
def test_a_policy_that_could_not_finish_is_refused_when_loaded(
        tmp_path: Path, when: str, line: int, message: str) -> None:
    repo, policy = repo_with_policy(tmp_path / "repo", when)
    run = ragft("check", "svc", cwd=repo)
    assert_one_line_error(run)
    assert f"{policy.name}:{line}:" in run.stderr and message in run.stderr, run.describe()
    assert "RecursionError" not in run.stderr


def test_test_policies_refuses_it_too(tmp_path: Path) -> None:
    repo, _ = repo_with_policy(
        tmp_path / "repo",
        "when:\n  $defs:\n    loop: {$ref: '#/$defs/loop'}\n  $ref: '#/$defs/loop'\n" + WHEN[6:])
    run = ragft("test-policies", "policies", cwd=repo)
    assert run.returncode == 2, run.describe()
    assert "refers to itself through $ref" in run.output


def test_the_shipped_example_pack_is_unaffected(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    shutil.copytree(EXAMPLE.parent, repo / "policies")
    run = ragft("test-policies", "policies", cwd=repo)
    assert run.returncode == 0, run.describe()
