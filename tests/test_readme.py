"""The README's promises that can drift: the CI test command and the set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(b.strip() for b in shell_blocks() if "pytest" in b and "&&" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_keeps_exactly_two_setup_commands() -> None:
    section = README.split("## Set-up: the two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(commands) == 2
    assert "ragft-lint check examples/" in commands[0]
    assert "pytest" in commands[1]


def test_every_rule_link_of_the_reports_has_its_anchor() -> None:
    """Reports link each rule to README.md#<id>; the rules table must carry those anchors."""
    from ragft_lint.check.session import open_session
    from ragft_lint.decide.explain import all_rules
    from ragft_lint.reporters.common import rule_url

    for rule in all_rules(open_session().pack):
        anchor = rule_url(rule.id).rsplit("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in README, rule.id
