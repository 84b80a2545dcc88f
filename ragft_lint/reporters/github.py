"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::message` puts the finding
inline on the pull request's diff. A manifest's text reaches these lines (keys, values,
waiver reasons, file names), so everything is escaped the way the Actions toolkit does it:
`%`, CR and LF in the message, and `:` and `,` as well in property values, so that no
manifest can end the command early or start a command of its own. Waived findings are not
annotated: they are accepted exceptions and do not fail the run.
"""

from __future__ import annotations

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult
from ragft_lint.reporters import Reporter
from ragft_lint.reporters.common import display_path, source_root

COMMAND_BY_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning",
                       Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (as `escapeData` in @actions/core)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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


class GithubReporter(Reporter):
    def start(self) -> None:
        self._root = source_root()

    def file(self, result: FileResult) -> None:
        path = display_path(result.path, self._root)
        for finding in result.findings:
            if not finding.waived:
                self.stream.write(annotation(finding, path) + "\n")
