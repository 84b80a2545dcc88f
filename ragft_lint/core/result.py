"""One file's result, the counts across all checked files, and the exit code they mean."""

from __future__ import annotations

from dataclasses import field
from typing import Any, Protocol

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.records import record

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2  # usage, configuration or internal error: the check did not run as asked


@record(frozen=True)  # its methods written out: see core/finding.py
class FileResult:
    """Everything found in one manifest, in report order."""

    path: str
    findings: tuple[Finding, ...]
    policies_run: bool
    rules_run: tuple[str, ...] = ()  # ids of the rules evaluated (for per-rule test reports)
    baselined: int = 0  # findings dropped because the baseline records them
    # The threshold of this file's own configuration, when it is not the run's (a service
    # of a monorepo with its own `fail-on`); None: the run's.
    fail_on: Severity | None = None
    # `check --fix`: the fixes applied to the file before these (remaining) findings were
    # found; `check --diff`: the fixes that would be, and their unified diff.
    fixed: int = 0
    diff: str = ""

    def __init__(self, path: str, findings: tuple[Finding, ...], policies_run: bool,
                 rules_run: tuple[str, ...] = (), baselined: int = 0,
                 fail_on: Severity | None = None, fixed: int = 0, diff: str = "") -> None:
        values = self.__dict__
        values["path"], values["findings"], values["policies_run"] = (
            path, findings, policies_run)
        values["rules_run"], values["baselined"], values["fail_on"] = (
            rules_run, baselined, fail_on)
        values["fixed"], values["diff"] = fixed, diff

    def _key(self) -> tuple[Any, ...]:
        return (self.path, self.findings, self.policies_run, self.rules_run, self.baselined,
                self.fail_on, self.fixed, self.diff)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())  # pragma: no mutate (see core/finding.py)



class ResultFilter(Protocol):
    """What the engine applies to each file's result after the checks (a baseline)."""

    def apply(self, result: FileResult) -> FileResult:
        """`result` with the findings this filter removes taken out (and counted)."""
        ...


@record  # its methods written out: see core/finding.py
class Summary:
    """Running totals; files are streamed through it, never held."""

    threshold: Severity = Severity.ERROR
    files_checked: int = 0
    files_excluded: int = 0  # files named explicitly but excluded (--force-exclude)
    files_with_findings: int = 0
    files_skipped_policies: int = 0
    count_by_severity: dict[Severity, int] = field(
        default_factory=lambda: dict.fromkeys(Severity, 0))
    waived: int = 0
    baselined: int = 0  # findings the baseline records, dropped from the report
    failing: int = 0  # findings at or above the threshold, waived ones excluded
    # Thresholds of files whose configuration sets another than `threshold`.
    other_thresholds: set[Severity] = field(default_factory=set)
    fixed: int = 0  # fixes applied (`--fix`) or that would be (`--diff`)
    fixable: int = 0  # findings with a safe fix, which `--fix` applies
    unsafe_fixable: int = 0  # findings whose fix `--fix` applies only with `--unsafe-fixes`

    def __init__(self, threshold: Severity = Severity.ERROR, files_checked: int = 0,
                 files_excluded: int = 0, files_with_findings: int = 0,
                 files_skipped_policies: int = 0,
                 count_by_severity: dict[Severity, int] | None = None, waived: int = 0,
                 baselined: int = 0, failing: int = 0,
                 other_thresholds: set[Severity] | None = None, fixed: int = 0,
                 fixable: int = 0, unsafe_fixable: int = 0) -> None:
        self.threshold = threshold
        self.files_checked = files_checked
        self.files_excluded = files_excluded
        self.files_with_findings = files_with_findings
        self.files_skipped_policies = files_skipped_policies
        self.count_by_severity = (dict.fromkeys(Severity, 0) if count_by_severity is None
                                  else count_by_severity)
        self.waived = waived
        self.baselined = baselined
        self.failing = failing
        self.other_thresholds = set() if other_thresholds is None else other_thresholds
        self.fixed = fixed
        self.fixable = fixable
        self.unsafe_fixable = unsafe_fixable

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass(eq=True) makes it

    def add(self, result: FileResult) -> None:
        threshold = self.threshold
        if result.fail_on is not None and result.fail_on != threshold:
            threshold = result.fail_on
            self.other_thresholds.add(threshold)
        self.files_checked += 1
        self.baselined += result.baselined
        if not result.policies_run:
            self.files_skipped_policies += 1
        active = [f for f in result.findings if not f.waived]
        if active:
            self.files_with_findings += 1
        self.fixed += result.fixed
        for finding in result.findings:
            if finding.fix is not None:
                if finding.fix.is_safe:
                    self.fixable += 1
                else:
                    self.unsafe_fixable += 1
            if finding.waived:
                self.waived += 1
                continue
            self.count_by_severity[finding.severity] += 1
            if finding.counts_at(threshold):
                self.failing += 1

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.failing else EXIT_CLEAN
