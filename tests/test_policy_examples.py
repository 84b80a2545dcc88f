"""Every built-in policy's embedded examples, one test each, run through the real engine;
and `ragft-lint test-policies` on the built-in pack and the example team pack."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ragft_lint.core.engine import Engine
from ragft_lint.core.policy import Policy, PolicyPack, load_builtin_policies
from tests.conftest import run_cli, to_yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_PACK = REPO / "examples" / "policies"
BUILTIN = load_builtin_policies()
CASES = [(policy, kind, index, example)
         for policy in BUILTIN
         for kind, examples in (("fail", policy.examples_fail), ("pass", policy.examples_pass))
         for index, example in enumerate(examples)]


def test_every_builtin_policy_has_both_kinds_of_example() -> None:
    assert len(BUILTIN) >= 14
    for policy in BUILTIN:
        assert policy.examples_fail, policy.id
        assert policy.examples_pass, policy.id


@pytest.mark.parametrize(("policy", "kind", "index", "example"), CASES,
                         ids=[f"{p.id}-{k}-{i}" for p, k, i, _ in CASES])
def test_builtin_policy_example(tmp_path: Path, policy: Policy, kind: str, index: int,
                                example: dict) -> None:
    """A fail example fires its policy's rule, a pass example does not; both are valid
    manifests (no schema finding), checked as files with the whole built-in pack."""
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(example), encoding="utf-8")
    result = Engine(PolicyPack(BUILTIN)).check(str(path))
    assert result.policies_run, [f.message for f in result.findings]
    rules = {finding.rule for finding in result.findings}
    if kind == "fail":
        assert policy.id in rules
    else:
        assert policy.id not in rules


# --- the test-policies command ---------------------------------------------------------------

def test_test_policies_on_the_builtin_pack_passes() -> None:
    result = run_cli("test-policies")
    assert result.exit_code == 0
    assert result.stdout.endswith(f"\n{len(CASES)} passed, 0 failed\n")


def test_test_policies_on_the_example_pack_passes() -> None:
    result = run_cli("test-policies", str(EXAMPLE_PACK), "--verbose")
    assert result.exit_code == 0, result.stdout
    assert "ACME001 examples.fail[0] PASSED" in result.stdout
    assert result.stdout.endswith("\n5 passed, 0 failed\n")


@pytest.fixture
def altered_pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(EXAMPLE_PACK, folder)
    return folder


def test_test_policies_fails_when_a_pass_example_is_altered(altered_pack: Path) -> None:
    policy = next(altered_pack.glob("ACME001*.yaml"))
    text = policy.read_text()
    # The first pass example (customer-facing, interpretability high) now lacks the level.
    head, tail = text.split("  pass:\n", 1)
    policy.write_text(head + "  pass:\n" + tail.replace("interpretability: high",
                                                        "interpretability: low", 1))
    result = run_cli("test-policies", str(altered_pack))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].endswith(" ..F..")
    assert (f"FAILED {policy}:79: ACME001 examples.pass[0]: expected ACME001 not to fire on "
            "this pass example; it did: project 'storefront-search' is customer-facing"
            ) in result.stdout
    assert result.stdout.endswith("\n4 passed, 1 failed\n")


def test_test_policies_fails_when_a_fail_example_is_altered(altered_pack: Path) -> None:
    policy = next(altered_pack.glob("ACME001*.yaml"))
    text = policy.read_text()
    policy.write_text(text.replace("interpretability: low\n      metadata:\n        "
                                   "customer_facing: true",
                                   "interpretability: high\n      metadata:\n        "
                                   "customer_facing: true", 1))
    result = run_cli("test-policies", str(altered_pack))
    assert result.exit_code == 1
    assert (f"FAILED {policy}:50: ACME001 examples.fail[0]: expected ACME001 to fire on this "
            "fail example; it did not") in result.stdout
    assert result.stdout.endswith("\n4 passed, 1 failed\n")


def test_test_policies_fails_an_example_that_is_not_a_valid_manifest(altered_pack: Path
                                                                      ) -> None:
    policy = next(altered_pack.glob("ACME001*.yaml"))
    policy.write_text(policy.read_text().replace("      project: ticket-triage\n",
                                                 "      projekt: ticket-triage\n", 1))
    result = run_cli("test-policies", str(altered_pack))
    assert result.exit_code == 1
    assert ("ACME001 examples.pass[1]: the example is not a valid manifest: unknown key "
            "'projekt' (did you mean 'project'?)") in result.stdout


def test_test_policies_accepts_single_files() -> None:
    policy = next(EXAMPLE_PACK.glob("ACME001*.yaml"))
    result = run_cli("test-policies", str(policy))
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "5 passed, 0 failed")


@pytest.mark.slow
def test_test_policies_with_the_installed_console_script() -> None:
    """What CI runs on the example pack: the real console script, from another folder."""
    script = Path(sys.executable).parent / "ragft-lint"
    run = subprocess.run([str(script), "test-policies", str(EXAMPLE_PACK)], cwd="/",
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == "5 passed, 0 failed"
