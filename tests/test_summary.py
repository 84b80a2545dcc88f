"""The run's totals (core/result.py's Summary), from which every reporter writes its summary
line and the CLI its exit code: each count, over files added one after the other."""

from __future__ import annotations

from ragft_lint.core.finding import Applicability, Finding, Fix, Severity
from ragft_lint.core.result import FileResult, Summary

SAFE = Fix("Write true", (), Applicability.SAFE)
UNSAFE = Fix("Remove the unused waiver", (), Applicability.UNSAFE)


def finding(rule: str, severity: Severity, *, waived: bool = False,
            fix: Fix | None = None, line: int = 1) -> Finding:
    return Finding("a.yaml", line, 1, rule, severity, "m", waived=waived, fix=fix)


def test_a_new_summary_counts_nothing_and_passes() -> None:
    summary = Summary()
    assert (summary.threshold, summary.files_checked, summary.files_excluded,
            summary.files_with_findings, summary.files_skipped_policies, summary.waived,
            summary.baselined, summary.failing, summary.other_thresholds, summary.fixed,
            summary.fixable, summary.unsafe_fixable) == (
        Severity.ERROR, 0, 0, 0, 0, 0, 0, 0, set(), 0, 0, 0)
    assert summary.count_by_severity == {Severity.INFO: 0, Severity.WARNING: 0,
                                         Severity.ERROR: 0}
    assert summary.exit_code == 0
    assert Summary().count_by_severity is not summary.count_by_severity  # not shared
    empty = FileResult("a.yaml", (), True)
    assert (empty.rules_run, empty.baselined, empty.fail_on, empty.fixed, empty.diff) == (
        (), 0, None, 0, "")


def test_each_count_adds_up_over_the_files() -> None:
    summary = Summary(threshold=Severity.WARNING)
    summary.add(FileResult("a.yaml", (
        finding("RFT501", Severity.ERROR, waived=True, fix=UNSAFE),  # waived: counted apart
        finding("RFT101", Severity.ERROR, line=2),
        finding("RFT002", Severity.WARNING, fix=SAFE, line=3),
        finding("RFT007", Severity.INFO, fix=SAFE, line=4),
        finding("RFT006", Severity.WARNING, fix=UNSAFE, line=5),
    ), True, baselined=2, fixed=3))
    summary.add(FileResult("b.yaml", (finding("RFT501", Severity.ERROR, waived=True),),
                           True))  # only waived findings: not a file with findings
    summary.add(FileResult("c.yaml", (finding("RFT002", Severity.ERROR),), False,
                           baselined=1, fixed=1))
    summary.add(FileResult("d.yaml", (), False))
    summary.add(FileResult("e.yaml", (), True))
    assert (summary.files_checked, summary.files_with_findings,
            summary.files_skipped_policies) == (5, 2, 2)
    assert (summary.waived, summary.baselined, summary.fixed) == (2, 3, 4)
    assert (summary.fixable, summary.unsafe_fixable) == (2, 2)
    assert summary.count_by_severity == {Severity.ERROR: 2, Severity.WARNING: 2,
                                         Severity.INFO: 1}
    assert summary.failing == 4  # errors and warnings at a warning threshold, none waived
    assert summary.exit_code == 1
    assert summary.other_thresholds == set()


def test_a_file_with_its_own_threshold_is_judged_by_it_and_remembered() -> None:
    summary = Summary(threshold=Severity.ERROR)
    warnings = (finding("RFT008", Severity.WARNING), finding("RFT002", Severity.WARNING, line=2))
    summary.add(FileResult("svc/a.yaml", warnings, True, fail_on=Severity.WARNING))
    assert (summary.failing, summary.other_thresholds) == (2, {Severity.WARNING})
    summary.add(FileResult("svc/b.yaml", warnings, True, fail_on=Severity.ERROR))  # the run's
    summary.add(FileResult("c.yaml", warnings, True))
    assert (summary.failing, summary.other_thresholds) == (2, {Severity.WARNING})
    assert summary.threshold is Severity.ERROR  # the run's own is unchanged
    summary.add(FileResult("svc/d.yaml", (finding("RFT501", Severity.ERROR),), True,
                           fail_on=Severity.INFO))
    assert (summary.failing, summary.other_thresholds) == (3, {Severity.WARNING, Severity.INFO})
    assert summary.exit_code == 1


def test_only_waived_findings_pass() -> None:
    summary = Summary()
    summary.add(FileResult("a.yaml", (finding("RFT501", Severity.ERROR, waived=True),), True))
    assert (summary.failing, summary.waived, summary.exit_code) == (0, 1, 0)
