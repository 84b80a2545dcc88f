"""`--format markdown`: a summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

A heading with the counts, then one table per manifest with findings (manifests with
errors first, and errors first within each table), each rule linked to its reference.
The heading needs the totals, so findings are held until the end (findings only, never a
file's content). Every piece of manifest text is escaped so that it renders as text: a
key or waiver reason cannot open a link, an HTML tag or a new table cell.
"""

from __future__ import annotations

import re

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter
from ragft_lint.reporters.common import (
    SEVERITY_ORDER,
    display_path,
    rule_url,
    severity_sort_key,
    source_root,
)
from ragft_lint.reporters.guard import show_undecodable

_MARK_BY_SEVERITY = {Severity.ERROR: "🔴 error", Severity.WARNING: "🟡 warning",
                     Severity.INFO: "🔵 info"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
# GitHub refuses a step summary over 1 MiB; past this many rows the tables stop, and the
# summary says how many findings the other reports (SARIF, JUnit) still carry.
MAX_ROWS = 1000


# A zero-width space, written as an entity: it breaks what GitHub would otherwise turn
# live (a mention, an autolink) and shows nothing.
_BREAK = "&#8203;"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LIVE = re.compile(r"@|://|(?<![\w.])www\.", re.IGNORECASE)


def escape(text: str) -> str:
    """Markdown-inert text for a table cell or heading (GitHub-flavoured Markdown).

    Text from a pull request must render as text: no link, tag or table cell (markup is
    backslash-escaped), no live `@user` / `@org/team` mention (a notification to whoever
    the author chose) and no autolink from a bare URL, `www.` or e-mail address (each is
    broken by a zero-width space), and no raw control character (shown as `\\xNN`).
    """
    text = " ".join(text.split())  # a line break would end the table row
    text = show_undecodable(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))
    text = _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    return _LIVE.sub(lambda m: _break(m.group()), text)


def _break(live: str) -> str:
    if live == "@":
        return "@" + _BREAK
    if live == "://":
        return ":" + _BREAK + "//"
    return live[:3] + _BREAK + live[3:]  # www.


class MarkdownReporter(Reporter):
    def start(self) -> None:
        self._root = source_root()
        self._files: list[tuple[str, tuple[Finding, ...]]] = []
        self._clean: list[str] = []

    def file(self, result: FileResult) -> None:
        path = display_path(result.path, self._root)
        if result.findings:
            self._files.append((path, result.findings))
        else:
            self._clean.append(path)

    def finish(self, summary: Summary) -> None:
        out = [f"## ragft-lint: {_headline(summary)}", "", _status(summary), ""]
        rows_left = MAX_ROWS
        for path, findings in sorted(self._files, key=_worst_first):
            if rows_left <= 0:
                break
            shown = sorted(findings, key=_row_order)[:rows_left]
            rows_left -= len(shown)
            out += [f"### {escape(path)}", "", "| Severity | Rule | Line | Finding |",
                    "| --- | --- | --- | --- |", *(self._row(f) for f in shown), ""]
        hidden = sum(len(findings) for _, findings in self._files) - MAX_ROWS
        if hidden > 0:
            out += [f"{hidden} more finding{'s' if hidden != 1 else ''} not shown here "
                    f"(the summary stops at {MAX_ROWS}); the SARIF and JUnit reports hold "
                    "them all.", ""]
        if self._clean:
            noun = "manifest" if len(self._clean) == 1 else "manifests"
            out += [f"<details><summary>{len(self._clean)} {noun} with no findings</summary>",
                    "", *(f"- {escape(path)}" for path in self._clean), "", "</details>", ""]
        self.stream.write("\n".join(out))

    def _row(self, finding: Finding) -> str:
        rule = self.context.rules.get(finding.rule)
        link = f"[{finding.rule}]({rule_url(finding.rule)})"
        if rule is not None:
            link += f" {escape(rule.name)}"
        if finding.waived:
            mark = "⚪ waived"
            text = f"~~{escape(finding.message)}~~ waived: {escape(finding.waiver_reason or '')}"
        else:
            mark = _MARK_BY_SEVERITY[finding.severity]
            text = escape(finding.message)
        return f"| {mark} | {link} | {finding.line} | {text} |"


def _headline(summary: Summary) -> str:
    counts = [f"{summary.count_by_severity[s]} {s.value}"
              + ("s" if summary.count_by_severity[s] != 1 and s != Severity.INFO else "")
              for s in SEVERITY_ORDER if summary.count_by_severity[s]]
    return ", ".join(counts) if counts else "all checks passed"


def _status(summary: Summary) -> str:
    files = f"{summary.files_checked} manifest{'s' if summary.files_checked != 1 else ''} checked"
    waived = f", {summary.waived} finding{'s' if summary.waived != 1 else ''} waived" \
        if summary.waived else ""
    if summary.failing:
        return (f"❌ **Failing:** {summary.failing} at or above `{summary.threshold.value}`. "
                f"{files}{waived}.")
    return f"✅ **Passing** at `{summary.threshold.value}`. {files}{waived}."


def _row_order(finding: Finding) -> tuple[int, int, Finding]:
    """Errors first, then warnings, infos, and waived findings last."""
    rank, _ = severity_sort_key(finding)
    return (len(SEVERITY_ORDER) if finding.waived else rank), finding.line, finding


def _worst_first(item: tuple[str, tuple[Finding, ...]]) -> tuple[int, str]:
    path, findings = item
    ranks = [severity_sort_key(f)[0] for f in findings if not f.waived]
    return (min(ranks) if ranks else len(SEVERITY_ORDER)), path
