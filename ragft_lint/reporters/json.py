"""`--format json`: one JSON object, `findings` then `summary`, streamed as files are checked."""

from __future__ import annotations

import json
from typing import Any

from ragft_lint.core.finding import Finding, Fix, Severity
from ragft_lint.core.pointer import show_pointer
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """The JSON shape of a finding (columns and lines are 1-based)."""
    return {
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "pointer": show_pointer(finding.pointer),
        "rule": finding.rule,
        "severity": finding.severity.value,
        "criterion": finding.criterion,
        "message": finding.message,
        "remediation": finding.remediation,
        "waived": finding.waived,
        "waiver_reason": finding.waiver_reason,
        "fix": fix_to_dict(finding.fix) if finding.fix is not None else None,
    }


def fix_to_dict(fix: Fix) -> dict[str, Any]:
    """The JSON shape of a fix: what it does, whether `--fix` applies it on its own (safe)
    or only with `--unsafe-fixes`, and each replacement with its range (1-based, the end
    exclusive, as the finding's own)."""
    return {
        "message": fix.message,
        "applicability": fix.applicability.value,
        "edits": [{"replacement": edit.replacement, "line": edit.span.line,
                   "column": edit.span.column, "end_line": edit.span.end_line,
                   "end_column": edit.span.end_column} for edit in fix.edits],
    }


class JsonReporter(Reporter):
    def start(self) -> None:
        self.stream.write(f'{{"version": {json.dumps(self.context.tool_version)}, "findings": [')
        self._first = True

    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            self.stream.write("\n  " if self._first else ",\n  ")
            self._first = False
            self.stream.write(json.dumps(finding_to_dict(finding)))

    def finish(self, summary: Summary) -> None:
        data = {
            "files_checked": summary.files_checked,
            "files_with_findings": summary.files_with_findings,
            "files_skipped_policies": summary.files_skipped_policies,
            "counts": {s.value: summary.count_by_severity[s] for s in Severity},
            "waived": summary.waived,
            "baselined": summary.baselined,
            "fail_on": summary.threshold.value,
            "failing": summary.failing,
            "fixed": summary.fixed,
            "fixable": summary.fixable,
            "unsafe_fixable": summary.unsafe_fixable,
        }
        self.stream.write(("\n" if not self._first else "") + '], "summary": '
                          + json.dumps(data) + "}\n")
