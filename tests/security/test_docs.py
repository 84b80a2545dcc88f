"""The README's fork-safe workflow is a valid workflow that judges with the base branch's
configuration, and SECURITY.md names every class the security tests try."""

from __future__ import annotations

from tests.test_action import REPO, builtin_schema_errors, load_yaml, readme_blocks


def test_the_fork_workflow_is_valid_and_uses_the_base_configuration() -> None:
    [workflow] = [load_yaml(block) for block in readme_blocks("yaml")
                  if "base branch's configuration" in block]
    assert builtin_schema_errors("github-workflows", workflow) == []
    assert "pull_request_target" not in workflow["on"]
    steps = workflow["jobs"]["ragft-lint"]["steps"]
    ours = next(step for step in steps if step.get("uses", "").startswith("ragft-lint/"))
    action = load_yaml((REPO / "action.yml").read_text(encoding="utf-8"))
    assert set(ours["with"]) <= set(action["inputs"])
    assert ours["with"]["config"].startswith("${{ runner.temp }}")


def test_security_md_covers_each_class() -> None:
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    for promise in ("Reporting a problem", "Reads stay inside", "Every input is bounded",
                    "Messages quote little", "Output is inert", "Reports are written safely",
                    "Time is bounded", "does not switch itself off", "--isolated"):
        assert promise in text, promise
