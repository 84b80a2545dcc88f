"""`--format gitlab`: GitLab Code Quality JSON (the Code Climate issue format GitLab reads
from `artifacts:reports:codequality`).

Each finding is an issue with `check_name`, `description`, `fingerprint`, `severity` and
`location.path` / `location.lines.begin`. GitLab shows only the first issue of a given
fingerprint, so fingerprints are unique per finding, and it matches issues between the
base and the merge request by fingerprint, so they do not depend on line numbers. Waived
findings are left out: GitLab has no notion of an accepted issue. Streamed as an array.
"""

from __future__ import annotations

import json
from typing import Any

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter
from ragft_lint.reporters.common import display_path, iter_fingerprinted, source_root

SEVERITY_BY_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor",
                        Severity.INFO: "info"}


def issue(finding: Finding, path: str, fingerprint: str) -> dict[str, Any]:
    """The Code Quality issue for one finding in the file at repository path `path`."""
    lines = {"begin": finding.line}
    if finding.end_line is not None:
        lines["end"] = finding.end_line
    return {
        "type": "issue",
        "check_name": finding.rule,
        "description": f"{finding.rule}: {finding.message}",
        "categories": ["Bug Risk"],
        "fingerprint": fingerprint,
        "severity": SEVERITY_BY_SEVERITY[finding.severity],
        "location": {"path": path, "lines": lines},
    }


class GitlabReporter(Reporter):
    def start(self) -> None:
        self._root = source_root()
        self._first = True
        self.stream.write("[")

    def file(self, result: FileResult) -> None:
        path = display_path(result.path, self._root)
        for finding, fingerprint in iter_fingerprinted(result.findings, path):
            if finding.waived:
                continue
            self.stream.write("\n  " if self._first else ",\n  ")
            self._first = False
            self.stream.write(json.dumps(issue(finding, path, fingerprint)))

    def finish(self, summary: Summary) -> None:
        self.stream.write("]\n" if self._first else "\n]\n")
