"""The engine's own settings, as a configuration sets them: per-rule severities, switched-off
rules, limits on standard input, waiver governance, and which unknown needs a policy depends
on. (The verdicts themselves are pinned by each policy's examples and tests/test_positions.py.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ragft_lint.core.engine import Engine, WaiverPolicy
from ragft_lint.core.finding import Severity
from ragft_lint.core.manifest import Limits
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.core.result import FileResult
from tests.conftest import make_manifest, to_yaml

BUILTIN = load_builtin_policies()
TODAY = dt.date(2027, 1, 1)
# Fine-tune with daily data: RFT501 (error) fires, and only it.
FINE_TUNE_DAILY = dict(approach="fine-tune", criteria__external_data={"required": False},
                       criteria__behavior_adaptation="high", criteria__labeled_examples=50000,
                       criteria__hallucination_tolerance="high", criteria__interpretability="low",
                       criteria__data_dynamics="daily")


def manifest(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    return str(path)


def found(engine: Engine, path: str) -> list[tuple[str, str]]:
    return [(f.rule, f.severity.value) for f in engine.check(path).findings]


def test_a_configured_severity_replaces_the_rules_own(tmp_path: Path) -> None:
    path = manifest(tmp_path, make_manifest(**FINE_TUNE_DAILY))
    default = found(Engine(PolicyPack(BUILTIN)), path)
    assert ("RFT501", "error") in default
    lowered = found(Engine(PolicyPack(BUILTIN), severity_by_rule={"RFT501": Severity.INFO}),
                    path)
    assert lowered == [(rule, "info" if rule == "RFT501" else severity)
                       for rule, severity in default]


def test_rules_switched_off_after_a_check_are_left_out_of_the_next(tmp_path: Path) -> None:
    # A long-lived engine (the language server's) is reconfigured between checks.
    path = manifest(tmp_path, make_manifest(**FINE_TUNE_DAILY))
    engine = Engine(PolicyPack(BUILTIN))
    first = engine.check(path)
    assert "RFT501" in first.rules_run and "RFT501" in {f.rule for f in first.findings}
    engine.disabled = frozenset({"RFT501"})
    second = engine.check(path)
    assert "RFT501" not in second.rules_run
    assert second.rules_run == tuple(r for r in first.rules_run if r != "RFT501")
    assert "RFT501" not in {f.rule for f in second.findings}
    engine.pack = PolicyPack(BUILTIN[:1])
    assert engine.check(path).rules_run == (BUILTIN[0].id,)
    engine.pack = PolicyPack(BUILTIN[1:2])  # another pack of the same size
    assert engine.check(path).rules_run == (BUILTIN[1].id,)


def test_standard_input_is_held_to_the_configured_size_limit(tmp_path: Path) -> None:
    content = to_yaml(make_manifest()).encode()
    engine = Engine(PolicyPack(BUILTIN), limits=Limits(max_bytes=len(content) - 1))
    result = engine.check("-", content)
    assert not result.policies_run
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.column) == ("RFT001", 1, 1)
    assert f"over the {len(content) - 1:,}-byte limit" in finding.message
    assert Engine(PolicyPack(BUILTIN)).check("-", content).policies_run


def test_an_unreadable_manifest_runs_no_policy(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text("approach: [rag\n", encoding="utf-8")
    engine = Engine(PolicyPack(BUILTIN))
    for result in (engine.check(str(path)), engine.check_text(str(path), path.read_text())):
        assert result.policies_run is False and result.rules_run == ()
        assert result.path == str(path)
        assert [(f.file, f.rule, f.severity) for f in result.findings] == [
            (str(path), "RFT002", Severity.ERROR)]


def waived(tmp_path: Path, policy: WaiverPolicy, expires: dt.date) -> list[tuple[str, bool, str]]:
    # A refused waiver first, then one for RFT601 (interpretability high) that nothing
    # refuses: it still applies.
    data = make_manifest(**{**FINE_TUNE_DAILY, "criteria__interpretability": "high"}, waivers=[
        {"rule": "RFT501", "reason": "retrained nightly", "expires": expires.isoformat()},
        {"rule": "RFT601", "reason": "audited offline", "expires": "2027-01-02"}])
    path = manifest(tmp_path, data)
    engine = Engine(PolicyPack(BUILTIN), today=TODAY, waivers=policy)
    findings = engine.check(path).findings
    assert [(f.rule, f.waived) for f in findings if f.rule == "RFT601"] == [("RFT601", True)]
    # A refusal points at the refused waiver's rule.
    rule_line = Path(path).read_text(encoding="utf-8").splitlines().index("- rule: RFT501") + 1
    assert all((f.line, f.column, f.pointer) == (rule_line, 3, "/waivers/0/rule")
               for f in findings if f.rule == "RFT006")
    return [(f.rule, f.waived, f.message) for f in findings if f.rule in ("RFT501", "RFT006")]


@pytest.mark.parametrize("unwaivable", [("RFT5",), ("RFT501",), ("RFT1", "RFT50")])
def test_a_waiver_of_an_unwaivable_rule_waives_nothing_and_says_which_prefix(
        tmp_path: Path, unwaivable: tuple[str, ...]) -> None:
    rows = waived(tmp_path, WaiverPolicy(unwaivable=unwaivable), TODAY + dt.timedelta(days=30))
    prefix = next(p for p in unwaivable if "RFT501".startswith(p))
    assert ("RFT006", False, f"waiver for RFT501 is not allowed: the configuration makes "
            f"{prefix} unwaivable (unwaivable = [...]); the finding counts") in rows
    assert ("RFT501", False) in [(rule, is_waived) for rule, is_waived, _ in rows]


def test_other_prefixes_leave_the_waiver_alone(tmp_path: Path) -> None:
    rows = waived(tmp_path, WaiverPolicy(unwaivable=("RFT1", "RFT50X")),
                  TODAY + dt.timedelta(days=30))
    assert [(rule, is_waived) for rule, is_waived, _ in rows] == [("RFT501", True)]


@pytest.mark.parametrize(("days", "allowed"), [(29, True), (30, True), (31, False)])
def test_a_waiver_may_run_up_to_max_days_from_today(tmp_path: Path, days: int,
                                                    allowed: bool) -> None:
    expires = TODAY + dt.timedelta(days=days)
    rows = waived(tmp_path, WaiverPolicy(max_days=30), expires)
    if allowed:
        assert [(rule, is_waived) for rule, is_waived, _ in rows] == [("RFT501", True)]
    else:
        assert ("RFT006", False, f"waiver for RFT501 expires on {expires.isoformat()}, more "
                "than 30 days from today (max-waiver-days); the finding counts") in rows


def test_a_waiver_for_a_misspelt_rule_suggests_the_rule_unquoted(tmp_path: Path) -> None:
    data = make_manifest(**FINE_TUNE_DAILY, waivers=[
        {"rule": "rft5011", "reason": "typo", "expires": "2099-12-31"},
        {"rule": "RFT501", "reason": "retrained nightly", "expires": "2099-12-31"}])
    result = Engine(PolicyPack(BUILTIN), today=TODAY).check(manifest(tmp_path, data))
    assert [f.message for f in result.findings if f.rule == "RFT006"] == [
        "waiver names unknown rule 'rft5011' (did you mean RFT501?); it would waive nothing"]
    # The waiver after it is read all the same.
    assert [f.waived for f in result.findings if f.rule == "RFT501"] == [True]


def test_a_policy_judging_a_whole_mapping_depends_on_each_need_inside_it(
        tmp_path: Path) -> None:
    # A team policy whose condition looks at criteria.external_data as a whole (its type),
    # not at a field inside it: an unknown field of the mapping is then a need it judges.
    whole = replace(BUILTIN[0], pointer="/criteria/external_data",
                    when={"properties": {"criteria": {"properties": {
                        "external_data": {"type": "object"}}}}})
    assert whole.needs_read == (("criteria", "external_data"),)
    data = make_manifest(schema_version=2, **FINE_TUNE_DAILY)
    data["criteria"]["external_data"] = {"required": "unknown"}
    result = Engine(PolicyPack([whole])).check(manifest(tmp_path, data))
    assert [(f.rule, f.pointer, f.message) for f in result.findings if f.rule == "RFT008"] == [
        ("RFT008", "/criteria/external_data/required", "external_data.required is unknown, and "
         "approach 'fine-tune' depends on it (RFT101): declare it")]
    # The built-in RFT101 reads external_data only on the way to `required`: it depends on
    # `required`, not on the mapping's other fields.
    data["criteria"]["external_data"] = {"required": False, "size_tokens": "unknown"}
    assert Engine(PolicyPack(BUILTIN[:1])).check(manifest(tmp_path, data)).findings == ()


def test_each_unknown_need_is_weighed_on_its_own(tmp_path: Path) -> None:
    # For fine-tune no policy judges behavior_adaptation (retrieval's rules do), but
    # data_dynamics after it is judged: the first does not end the look at the rest.
    from ragft_lint.core.rules import NEED_NOT_DECLARED

    data = make_manifest(schema_version=2, **FINE_TUNE_DAILY)
    data["criteria"].update(behavior_adaptation="unknown", data_dynamics="unknown")
    result = Engine(PolicyPack(BUILTIN)).check(manifest(tmp_path, data))
    unknown = [f for f in result.findings if f.rule == "RFT008"]
    assert [f.pointer for f in unknown] == ["/criteria/data_dynamics"]
    assert unknown[0].remediation == NEED_NOT_DECLARED.remediation is not None


def test_a_manifest_read_from_disk_is_held_to_the_size_limit(tmp_path: Path) -> None:
    path = manifest(tmp_path, make_manifest())
    size = Path(path).stat().st_size
    [finding] = Engine(PolicyPack(BUILTIN), limits=Limits(max_bytes=size - 1)).check(
        path).findings
    assert (finding.file, finding.rule) == (path, "RFT001")
    assert f"over the {size - 1:,}-byte limit" in finding.message


def test_standard_input_keeps_its_name(tmp_path: Path) -> None:
    data = make_manifest(**FINE_TUNE_DAILY)
    result = Engine(PolicyPack(BUILTIN)).check("-", to_yaml(data).encode())
    assert result.path == "-" and [f.file for f in result.findings] == ["-"]


def test_a_schema_error_skips_the_policies(tmp_path: Path) -> None:
    result = Engine(PolicyPack(BUILTIN)).check(manifest(tmp_path, make_manifest(
        approach="retrieval")))
    assert result.policies_run is False and result.rules_run == ()
    assert [f.rule for f in result.findings] == ["RFT004", "RFT003"]  # skipped, and why


def test_the_baseline_is_applied_to_each_result(tmp_path: Path) -> None:
    class DropAll:
        def apply(self, result: FileResult) -> FileResult:
            return replace(result, findings=(), baselined=len(result.findings))

    path = manifest(tmp_path, make_manifest(**FINE_TUNE_DAILY))
    result = Engine(PolicyPack(BUILTIN), baseline=DropAll()).check(path)
    assert (result.findings, result.baselined, result.path) == ((), 1, path)


def test_a_waiver_for_a_switched_off_rule_is_not_unused(tmp_path: Path) -> None:
    # It may be needed again where the rule runs (another service's configuration).
    data = make_manifest(**FINE_TUNE_DAILY, waivers=[
        {"rule": "RFT501", "reason": "retrained nightly", "expires": "2099-12-31"}])
    path = manifest(tmp_path, data)
    assert found(Engine(PolicyPack(BUILTIN), today=TODAY, disabled=frozenset({"RFT501"})),
                 path) == []
    expired = make_manifest(**FINE_TUNE_DAILY, waivers=[
        {"rule": "RFT501", "reason": "retrained nightly", "expires": "2026-12-31"}])
    assert found(Engine(PolicyPack(BUILTIN), today=TODAY, disabled=frozenset({"RFT501"})),
                 manifest(tmp_path, expired))[0][0] == "RFT005"


def test_waivers_after_an_expired_or_repeated_one_still_apply(tmp_path: Path) -> None:
    data = make_manifest(**{**FINE_TUNE_DAILY, "criteria__interpretability": "high"}, waivers=[
        {"rule": "RFT101", "reason": "no longer fires", "expires": "2026-06-30"},  # expired
        {"rule": "RFT501", "reason": "retrained nightly", "expires": "2099-12-31"},
        {"rule": "RFT501", "reason": "said twice", "expires": "2099-12-31"},  # repeated
        {"rule": "RFT601", "reason": "audited offline", "expires": "2099-12-31"}])
    result = Engine(PolicyPack(BUILTIN), today=TODAY).check(manifest(tmp_path, data))
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["RFT501"].waived and by_rule["RFT601"].waived
    # Both waivers that waive nothing can be removed by `check --fix --unsafe-fixes`.
    expired, repeated = by_rule["RFT005"], by_rule["RFT007"]
    assert expired.pointer == "/waivers/0/expires" and repeated.pointer == "/waivers/2/rule"
    for finding in (expired, repeated):
        assert finding.fix is not None and not finding.fix.is_safe
        assert finding.fix.message.startswith("Remove the unused waiver for RFT")
