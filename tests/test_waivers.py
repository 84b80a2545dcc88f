"""Section 3: waivers mark findings waived, and wrong waivers are findings themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ragft_lint.core.engine import Engine
from ragft_lint.core.manifest import read_manifest
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from tests.conftest import check_json, make_manifest

# fine-tune with daily data: exactly one finding, RFT501 (error), plus RFT101 for external data.
FINE_TUNE_DAILY = dict(approach="fine-tune", criteria__external_data={"required": False},
                       criteria__behavior_adaptation="high", criteria__labeled_examples=50000,
                       criteria__hallucination_tolerance="high", criteria__interpretability="low",
                       criteria__data_dynamics="daily")


def waiver(rule: str = "RFT501", reason: str = "retraining nightly", expires: str = "2099-12-31"
           ) -> dict[str, Any]:
    return {"rule": rule, "reason": reason, "expires": expires}


def rules(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    return [(f["rule"], f["severity"], f["waived"]) for f in report["findings"]]


def test_waived_finding_does_not_fail(write_manifest) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver()]))
    code, report = check_json(path)
    assert code == 0
    assert rules(report) == [("RFT501", "error", True)]
    assert report["findings"][0]["waiver_reason"] == "retraining nightly"
    assert report["summary"]["waived"] == 1


def test_waived_finding_is_shown_as_waived_in_text(write_manifest) -> None:
    from tests.conftest import run_cli

    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver()]))
    result = run_cli("check", str(path))
    assert result.exit_code == 0
    assert "RFT501" in result.stdout and "[waived: retraining nightly]" in result.stdout


def run_on(path, today: dt.date) -> list[tuple[str, str, bool]]:
    engine = Engine(PolicyPack(load_builtin_policies()), today=today)
    result = engine.check_manifest(read_manifest(str(path)))
    return [(f.rule, f.severity.value, f.waived) for f in result.findings]


@pytest.mark.parametrize(("today", "applies"), [
    (dt.date(2027, 3, 30), True),
    (dt.date(2027, 3, 31), True),   # the expiry day itself is still covered
    (dt.date(2027, 4, 1), False),   # from the day after, it no longer applies
])
def test_expiry_is_inclusive(write_manifest, today: dt.date, applies: bool) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(expires="2027-03-31")]))
    found = run_on(path, today)
    if applies:
        assert found == [("RFT501", "error", True)]
    else:
        assert sorted(found) == [("RFT005", "error", False), ("RFT501", "error", False)]


def test_expired_waiver_names_the_date_and_line(write_manifest) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(expires="2020-01-31")]))
    code, report = check_json(path)
    assert code == 1
    expired = next(f for f in report["findings"] if f["rule"] == "RFT005")
    assert "expired on 2020-01-31" in expired["message"]
    assert expired["pointer"] == "/waivers/0/expires"
    assert path.read_text().splitlines()[expired["line"] - 1].strip().startswith("expires:")


def test_unknown_rule_id_is_an_error_with_suggestion(write_manifest) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(rule="rft501")]))
    code, report = check_json(path)
    assert code == 1
    assert sorted(rules(report)) == [("RFT006", "error", False), ("RFT501", "error", False)]
    bad = next(f for f in report["findings"] if f["rule"] == "RFT006")
    assert "'rft501'" in bad["message"] and "did you mean RFT501" in bad["message"]


def test_core_rules_cannot_be_waived(write_manifest) -> None:
    path = write_manifest(make_manifest(waivers=[waiver(rule="RFT003")]))
    code, report = check_json(path)
    assert code == 1
    [bad] = report["findings"]
    assert bad["rule"] == "RFT006" and "cannot be waived" in bad["message"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_waiver_without_reason_is_an_error(write_manifest, reason: str) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(reason=reason)]))
    code, report = check_json(path)
    assert code == 1
    schema = [f for f in report["findings"] if f["rule"] == "RFT003"]
    assert [f["pointer"] for f in schema] == ["/waivers/0/reason"]
    assert "must not be empty" in schema[0]["message"]


def test_waiver_without_reason_key_is_an_error(write_manifest) -> None:
    entry = waiver()
    del entry["reason"]
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[entry]))
    code, report = check_json(path)
    assert code == 1
    assert any("missing required key 'reason'" in f["message"] for f in report["findings"])


@pytest.mark.parametrize("expires", ["2027-02-30", "next year", "31/03/2027"])
def test_waiver_with_bad_date(write_manifest, expires: str) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(expires=expires)]))
    code, report = check_json(path)
    assert code == 1
    schema = [f for f in report["findings"] if f["rule"] == "RFT003"]
    assert [f["message"] for f in schema] == [
        f"waivers[0].expires: {expires!r} is not a valid date (YYYY-MM-DD)"]


def test_unused_waiver_is_a_warning(write_manifest) -> None:
    path = write_manifest(make_manifest(waivers=[waiver(rule="RFT601")]))
    code, report = check_json(path)
    assert code == 0  # a warning does not fail at the default threshold
    assert rules(report) == [("RFT007", "warning", False)]
    assert "unused waiver" in report["findings"][0]["message"]
    assert check_json(path, extra=("--fail-on", "warning"))[0] == 1


def test_second_waiver_for_same_rule_is_unused(write_manifest) -> None:
    path = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(), waiver()]))
    _, report = check_json(path)
    assert sorted(rules(report)) == [("RFT007", "warning", False), ("RFT501", "error", True)]


def test_expired_waiver_for_a_rule_that_no_longer_fires_says_to_remove_it(write_manifest) -> None:
    from tests.conftest import run_cli

    # The data became monthly: RFT501 no longer fires, only RFT502 (a warning) does.
    fixed = {**FINE_TUNE_DAILY, "criteria__data_dynamics": "monthly"}
    path = write_manifest(make_manifest(**fixed, waivers=[waiver(expires="2020-01-31")]))
    code, report = check_json(path)
    assert code == 1  # the expired waiver is still an error (RFT005)
    expired = next(f for f in report["findings"] if f["rule"] == "RFT005")
    assert expired["message"] == ("waiver for RFT501 expired on 2020-01-31, and RFT501 no "
                                  "longer reports anything in this manifest: remove the waiver")
    assert "counts again" not in expired["message"]
    assert expired["remediation"] == ("Remove the waiver for RFT501: the manifest no longer "
                                      "needs it.")
    assert "help: Remove the waiver for RFT501" in run_cli("check", "--show-fixes",
                                                           str(path)).stdout
    # While it still fires, the finding counts again, and says so.
    still = write_manifest(make_manifest(**FINE_TUNE_DAILY, waivers=[waiver(expires="2020-01-31")]),
                           folder="still")
    _, report = check_json(still)
    assert "the finding counts again" in next(
        f for f in report["findings"] if f["rule"] == "RFT005")["message"]
