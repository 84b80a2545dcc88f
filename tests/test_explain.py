"""`explain`, `rules`, `schema`, every command's --help, and the README they generate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.core.resources import load_schema
from ragft_lint.core.rules import CORE_RULES, criterion_label
from tests.conftest import check_json, run_cli

ROOT = Path(__file__).resolve().parent.parent
PACK = PolicyPack(load_builtin_policies())
POLICY_IDS = [p.id for p in PACK.policies]
ALL_IDS = [r.id for r in CORE_RULES] + POLICY_IDS


def _section(text: str, heading: str) -> str:
    """The lines under `heading:` up to the next blank line followed by a heading."""
    match = re.search(rf"^{heading}:\n(.*?)(?:\n\n[A-Z]|\Z)", text, re.S | re.M)
    assert match, f"no {heading!r} section in:\n{text}"
    return match.group(1)


@pytest.mark.parametrize(("rule_id", "label"), [
    ("RFT101", "criterion 1: external data"), ("RFT201", "criterion 2: behaviour adaptation"),
    ("RFT301", "criterion 3: hallucination tolerance"), ("RFT401", "criterion 4: labelled data"),
    ("RFT501", "criterion 5: data dynamics"), ("RFT601", "criterion 6: interpretability"),
    ("RFT701", "no criterion"), ("RFT001", "no criterion"),
])
def test_explain_names_the_criterion_a_rule_derives_from(rule_id: str, label: str) -> None:
    assert f"\n  Criterion: {label}\n" in run_cli("explain", rule_id).stdout


@pytest.mark.parametrize("rule_id", POLICY_IDS)
def test_explain_policy_rule_says_everything_and_its_examples_behave(
        rule_id: str, write_manifest) -> None:
    policy = PACK.policy_by_id[rule_id]
    result = run_cli("explain", rule_id)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"{rule_id} {policy.rule.name}: {policy.rule.title}\n")
    assert f"Severity:  {policy.rule.severity.value}" in text
    criterion = policy.rule.criterion
    assert f"Criterion: {criterion_label(criterion)}" in text
    if criterion is not None:
        assert f"Criterion: criterion {criterion}: " in text  # named, not only numbered
    assert " ".join(_section(text, "Why").split()) == " ".join(policy.rule.rationale.split())
    # The fix hint shows the configured values, never a raw {parameter} name.
    fix = " ".join(_section(text, "How to fix").split())
    assert fix == " ".join(PACK.rule(policy).remediation.split())
    assert "{" not in fix and not any(name in fix for name in policy.params)
    # The waiver that would accept the finding, ready to paste, generated from the rule id.
    waiver = _dedent(_section(text, "To accept the risk instead, add to the manifest"))
    assert YAML(typ="safe", pure=True).load(waiver)["waivers"][0]["rule"] == rule_id
    # Every source the policy cites is named with its title, year, address and claim.
    evidence = " ".join(_section(text, "Evidence").split())
    for item in policy.rule.evidence:
        for part in (item.source.title, str(item.source.year), item.source.url, item.claim):
            assert " ".join(part.split()) in evidence
    assert "approach is" in _section(text, "Triggered when")
    # The printed examples are real manifests: the failing one trips the rule, the passing
    # one does not.
    yaml = YAML(typ="safe", pure=True)
    failing = yaml.load(_dedent(_section(text, "Failing example")))
    passing = yaml.load(_dedent(_section(text, "Passing example")))
    _, report = check_json(write_manifest(failing, folder="fail"))
    assert rule_id in {f["rule"] for f in report["findings"]}
    _, report = check_json(write_manifest(passing, folder="pass"))
    assert rule_id not in {f["rule"] for f in report["findings"]}


def _dedent(block: str) -> str:
    return "\n".join(line[2:] for line in block.splitlines())


def test_explain_rft401_names_its_sources_and_their_numbers() -> None:
    """Issue 10's acceptance: the calibrated threshold and where it comes from."""
    text = " ".join(run_cli("explain", "RFT401").stdout.split())
    assert "Criterion: criterion 4: labelled data" in text
    assert "criteria.labeled_examples is less than 50" in text
    assert "Collect at least 50 good labelled examples" in text
    assert ('OpenAI, "Supervised fine-tuning"' in text
            and "https://platform.openai.com/docs/guides/supervised-fine-tuning" in text)
    assert "at least 10 examples" in text and "50 to 100" in text
    # Every threshold criterion 4 is judged by, with its value, where it was set and the
    # sources of each rule that uses it.
    block = " ".join(_section(run_cli("explain", "RFT401").stdout, "Thresholds").split())
    assert block.startswith("min_labeled_examples = 50 (the default) - RFT401 (this rule, "
                            "error) Too few labelled examples to fine-tune; sources: "
                            "hotz-2023 (moderate), openai-sft-guide (strong), "
                            "azure-ft-howto (strong)")
    assert "recommended_labeled_examples = 1000 (the default) - RFT402 (warning)" in block


def test_explain_fix_hint_shows_the_configured_value(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".ragft-lint.toml").write_text("[params]\nmin-labeled-examples = 80\n")
    monkeypatch.chdir(tmp_path)
    text = " ".join(run_cli("explain", "RFT401").stdout.split())
    assert "Collect at least 80 good labelled examples" in text
    assert "less than 80" in text
    config = tmp_path / ".ragft-lint.toml"
    assert f"min_labeled_examples = 80 (set in {config}; the default is 50)" in text
    assert "recommended_labeled_examples = 1000 (the default)" in text


def test_a_rule_that_compares_with_no_number_lists_no_thresholds() -> None:
    assert "Thresholds:" not in run_cli("explain", "RFT501").stdout
    assert "Thresholds:" not in run_cli("explain", "RFT003").stdout


def test_trigger_reads_the_condition_with_its_parameters() -> None:
    text = run_cli("explain", "RFT402").stdout
    assert " ".join(_section(text, "Triggered when").split()) == (
        "approach is one of 'fine-tune', 'hybrid' and criteria.labeled_examples is at least "
        "50 and criteria.labeled_examples is less than 1000")
    text = run_cli("explain", "RFT701").stdout
    assert " ".join(_section(text, "Triggered when").split()) == (
        "approach is one of 'fine-tune', 'hybrid' and constraints.compute_budget is 'low'")


@pytest.mark.parametrize("rule", CORE_RULES, ids=lambda r: r.id)
def test_explain_core_rule(rule) -> None:
    result = run_cli("explain", rule.id)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{rule.id} {rule.name}: {rule.title}\n")
    assert "Triggered when:" in result.stdout
    assert "Examples: none" in result.stdout


@pytest.mark.parametrize("query", ["rft501", " RFT501 ", "frozen-weights-fast-changing-data"])
def test_explain_accepts_any_case_and_the_rule_name(query: str) -> None:
    result = run_cli("explain", query)
    assert result.exit_code == 0
    assert result.stdout.startswith("RFT501 ")


@pytest.mark.parametrize(("query", "suggested"), [
    ("RFT5O1", "RFT501"), ("RFT10", "RFT101"), ("frozen-weights", "RFT501")])
def test_unknown_rule_is_exit_2_with_the_closest_ids(query: str, suggested: str) -> None:
    result = run_cli("explain", query)
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith(f"ragft-lint: error: unknown rule {query!r} (did you mean ")
    assert message.endswith("?); `ragft-lint rules` lists them all")
    assert suggested in message


def test_rules_lists_every_rule_once() -> None:
    text = run_cli("rules").stdout
    ids = [line.split()[0] for line in text.splitlines()[1:]]
    assert ids == ALL_IDS
    rows = {line.split()[0]: line.split(None, 3) for line in text.splitlines()[1:]}
    assert rows["RFT101"][1:3] == ["1", "error"]
    assert rows["RFT701"][1:3] == ["-", "warning"]
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert [r["id"] for r in listed] == ALL_IDS


def test_readme_rules_table_is_up_to_date() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", readme, re.S)
    assert match, "README.md has no rules markers"
    generated = run_cli("rules", "--format", "markdown").stdout
    assert match.group(1) == generated, (
        "README.md's rules table is stale: paste `ragft-lint rules --format markdown` "
        "between the rules markers")
    assert len(generated.strip().splitlines()) == 2 + len(ALL_IDS)


def test_readme_recommend_example_is_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the README's command uses a path relative to the repository
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "ragft-lint recommend examples/hybrid/fail/llm-project.yaml"
    match = re.search(rf"\$ {re.escape(command)}\n(.*?)```", readme, re.S)
    assert match, "README.md no longer shows the recommend example"
    result = run_cli(*command.split()[1:])
    assert match.group(1) == result.stdout


def test_schema_prints_the_packaged_schema() -> None:
    from jsonschema import Draft202012Validator

    result = run_cli("schema")
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == load_schema()
    Draft202012Validator.check_schema(printed)


def _commands() -> list[str]:
    from ragft_lint.cli import cli

    return sorted(cli.commands)


# Parametrized over the CLI's own command list, so a new command cannot land without one.
@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"ragft-lint {command}" in result.stdout.split("Examples:")[1]


def test_the_decision_commands_exist() -> None:
    assert {"recommend", "explain", "rules", "init", "schema"} <= set(_commands())


def test_readme_verdict_table_is_computed_from_the_policies() -> None:
    import io

    from ragft_lint.core.policy import PolicyPack, load_builtin_policies
    from ragft_lint.decide.verdicts import write_verdict_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- verdicts:start -->\n(.*?)<!-- verdicts:end -->", readme, re.S)
    assert match, "README.md has no verdicts markers"
    out = io.StringIO()
    write_verdict_table(PolicyPack(load_builtin_policies()), out)
    assert match.group(1) == out.getvalue(), (
        "README.md's verdict table is stale: paste `python -m ragft_lint.decide.verdicts` "
        "between the verdicts markers")
    # The acceptance rows of issue 10, as a reader of the README sees them.
    from ragft_lint.reporters.common import rule_url

    assert (f"| 4 | `labeled_examples` < 50 | ok | ok | error ([RFT401]({rule_url('RFT401')}))"
            in out.getvalue())
    assert ("| 4 | 50 <= `labeled_examples` < 1000 | ok | ok | "
            f"warning ([RFT402]({rule_url('RFT402')}))") in out.getvalue()


def test_explain_states_a_comparison_between_two_values() -> None:
    out = " ".join(run_cli("explain", "RFT103").stdout.split())
    assert ("criteria.external_data.size_tokens is larger than "
            "constraints.context_window_tokens") in out
    assert "Criterion: criterion 1: external data" in out
    assert "200,000 tokens" in out  # the number, with its source below
    assert "anthropic" in out.lower()
