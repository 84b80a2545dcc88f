"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::message` puts the finding
inline on the pull request's diff. A manifest's text reaches these lines (keys, values,
waiver reasons, file names), so everything is escaped the way the Actions toolkit does it:
`%`, CR and LF in the message, and `:` and `,` as well in property values, so that no
manifest can end the command early or start a command of its own; every other control
character (but tab) is shown as a `\\xNN` escape. Waived findings are not annotated: they
are accepted exceptions and do not fail the run.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops the
rest silently (actions/toolkit, docs/problem-matchers.md, "Limitations"). So annotations are
held until the end of the run and chosen: per level, the first finding of every manifest
before the second of any, so each failing manifest is marked on the pull request; then one
closing notice counts what was left out and says where every finding is.
"""

from __future__ import annotations

import re
from itertools import chain, zip_longest

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter
from ragft_lint.reporters.common import display_path, source_root
from ragft_lint.reporters.guard import neutralize, show_undecodable, text_escape

# What escape_data leaves as it is would reach the log raw: every other C0/C1 control.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

COMMAND_BY_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning",
                       Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (as `escapeData` in @actions/core), and show every other
    control character (ESC, NUL, C1) as a visible `\\xNN`: the runner would print it raw
    into the log, where it could recolour, hide or rewrite what a reviewer reads."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # A legacy `##[command]` is looked for anywhere in a line: broken as in every format.
    return neutralize(show_undecodable(_CONTROL.sub(lambda m: text_escape(m.group()), text)))


def escape_property(text: str) -> str:
    """Escape a command's property value (as `escapeProperty` in @actions/core)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, path: str) -> str:
    """The workflow command for one finding in the file at repository path `path`."""
    properties = {"file": path, "line": str(finding.line), "col": str(finding.column)}
    if finding.end_line is not None and finding.end_column is not None:
        properties["endLine"] = str(finding.end_line)
        properties["endColumn"] = str(finding.end_column)
    properties["title"] = finding.rule
    message = finding.message
    if finding.remediation:
        message += "\nHow to fix: " + finding.remediation
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    return f"::{COMMAND_BY_SEVERITY[finding.severity]} {props}::{escape_data(message)}"


# Annotations of one level GitHub shows per step (errors, warnings and notices each).
ANNOTATIONS_PER_LEVEL = 10


class GithubReporter(Reporter):
    def start(self) -> None:
        self._root = source_root()
        # Per severity: the annotations of the first ANNOTATIONS_PER_LEVEL manifests that
        # have any (at most that many each: no more can be shown), and the count of all.
        # That is all the choice below needs, so memory stays bounded however large the run.
        self._held: dict[Severity, list[list[str]]] = {severity: [] for severity in Severity}
        self._count = dict.fromkeys(Severity, 0)

    def file(self, result: FileResult) -> None:
        path = display_path(result.path, self._root)
        by_severity: dict[Severity, list[Finding]] = {}
        for finding in result.findings:
            if not finding.waived:
                by_severity.setdefault(finding.severity, []).append(finding)
        for severity, findings in by_severity.items():
            self._count[severity] += len(findings)
            if len(self._held[severity]) < ANNOTATIONS_PER_LEVEL:
                self._held[severity].append(
                    [annotation(f, path) for f in findings[:ANNOTATIONS_PER_LEVEL]])

    def finish(self, summary: Summary) -> None:
        limits = dict.fromkeys(Severity, ANNOTATIONS_PER_LEVEL)
        if any(count > ANNOTATIONS_PER_LEVEL for count in self._count.values()):
            limits[Severity.INFO] -= 1  # the closing notice takes one notice's place
        left_out: dict[Severity, int] = {}
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            # Round robin: every manifest's first annotation before any manifest's second.
            ranked = chain.from_iterable(zip_longest(*self._held[severity]))
            chosen = [line for line in ranked if line is not None][:limits[severity]]
            for line in chosen:
                self.stream.write(line + "\n")
            if self._count[severity] > len(chosen):
                left_out[severity] = self._count[severity] - len(chosen)
        if left_out:
            self.stream.write(closing_notice(left_out) + "\n")


def closing_notice(left_out: dict[Severity, int]) -> str:
    """The notice that says how many findings were not annotated and where they all are."""
    total = sum(left_out.values())
    counts = ", ".join(f"{count} {_plural(severity, count)}"
                       for severity, count in left_out.items())
    title = escape_property(f"ragft-lint: {total} more not annotated")
    return (f"::notice title={title}::"
            + escape_data(f"{total} more findings are not shown as annotations ({counts}): "
                          f"GitHub shows at most {ANNOTATIONS_PER_LEVEL} errors, "
                          f"{ANNOTATIONS_PER_LEVEL} warnings and {ANNOTATIONS_PER_LEVEL} "
                          "notices per step. Every finding is in this step's log, and in the "
                          "step summary and the SARIF report (code scanning) that the "
                          "ragft-lint action writes."))


def _plural(severity: Severity, count: int) -> str:
    word = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    return word[severity] + ("" if count == 1 else "s")
