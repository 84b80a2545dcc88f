"""`--format text`: `path:line:column: severity RULE message`, one line each, then a summary."""

from __future__ import annotations

import re

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter

_STYLE_BY_SEVERITY = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[33m",
                      Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


class TextReporter(Reporter):
    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            self.stream.write(self.format_finding(finding) + "\n")
            if self.context.show_fixes and finding.remediation and not finding.waived:
                fix = printable(finding.remediation, keep="\n").replace("\n", "\n    ")
                self.stream.write(f"    {self._style('help:', _DIM)} {fix}\n")

    def format_finding(self, finding: Finding) -> str:
        # Paths, messages and reasons carry text from the manifest and its file name: control
        # characters are shown escaped, so no finding can move the cursor, retitle or clear
        # a terminal, or split itself into lines that read as other findings.
        where = self._style(f"{printable(finding.file)}:{finding.line}:{finding.column}:", _BOLD)
        severity = self._style(finding.severity.value, _STYLE_BY_SEVERITY[finding.severity])
        line = f"{where} {severity} {finding.rule} {printable(finding.message)}"
        if finding.waived:
            line += self._style(f" [waived: {printable(finding.waiver_reason or '')}]", _DIM)
        return line

    def finish(self, summary: Summary) -> None:
        self.stream.write(summary_line(summary) + "\n")

    def _style(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.context.color else text


def summary_line(summary: Summary) -> str:
    """One sentence a person reads at the end of a run."""
    files = _plural(summary.files_checked, "file")
    counts = [_plural(summary.count_by_severity[s], s.value, "s" if s != Severity.INFO else "")
              for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
              if summary.count_by_severity[s]]
    waived = f", {summary.waived} waived" if summary.waived else ""
    if summary.baselined:
        waived += f", {summary.baselined} baselined"
    if not counts:
        text = f"All checks passed: {files} checked{waived}."
    else:
        text = f"Found {', '.join(counts)} in {files} checked{waived}."
    if summary.files_skipped_policies:
        text += (f" Policies were not run on {_plural(summary.files_skipped_policies, 'file')}"
                 " that failed to read or validate.")
    if summary.failing:
        if summary.other_thresholds:  # services of a monorepo with their own fail-on
            levels = ", ".join(sorted({summary.threshold.value,
                                       *(s.value for s in summary.other_thresholds)}))
            where = f"their configuration's fail-on ({levels})"
        else:
            where = f"--fail-on={summary.threshold.value}"
        text += (f" {summary.failing} at or above {where};"
                 " `ragft-lint explain RULE` says why and how to fix.")
    return text


def _plural(count: int, noun: str, suffix: str = "s") -> str:
    return f"{count} {noun}{suffix if count != 1 else ''}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, keep: str = "") -> str:
    """`text` with C0/C1 control characters (but those in `keep`) written as escapes."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep
                        else m.group().encode("unicode_escape").decode("ascii"), text)
