"""`--format text`: `path:line:column: severity RULE message`, one line each, then a summary."""

from __future__ import annotations

import re
from collections import Counter

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter
from ragft_lint.reporters.guard import show_undecodable

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
            if self.context.show_fixes and finding.fix is not None:
                unsafe = "" if finding.fix.is_safe else " (unsafe: applied with --unsafe-fixes)"
                self.stream.write(f"    {self._style('fix:', _DIM)} "
                                  f"{printable(finding.fix.message)}{unsafe}\n")

    def format_finding(self, finding: Finding) -> str:
        # Paths, messages and reasons carry text from the manifest and its file name: control
        # characters are shown escaped, so no finding can move the cursor, retitle or clear
        # a terminal, or split itself into lines that read as other findings.
        where = self._style(f"{printable(finding.file)}:{finding.line}:{finding.column}:", _BOLD)
        severity = self._style(finding.severity.value, _STYLE_BY_SEVERITY[finding.severity])
        # [*]: `check --fix` fixes it (as ruff marks fixable violations).
        fixable = " [*]" if fixes_it(finding, self.context.unsafe_fixes) else ""
        line = f"{where} {severity} {finding.rule}{fixable} {printable(finding.message)}"
        if finding.waived:
            line += self._style(f" [waived: {printable(finding.waiver_reason or '')}]", _DIM)
        return line

    def finish(self, summary: Summary) -> None:
        if not self.context.quiet:
            self.stream.write(summary_line(summary, unsafe_fixes=self.context.unsafe_fixes)
                              + "\n")

    def _style(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.context.color else text


class StatisticsReporter(TextReporter):
    """`check --statistics`: how many findings of each rule, most frequent first, instead
    of the findings themselves (as ruff's --statistics), then the summary line."""

    def start(self) -> None:
        self._count_by_rule: Counter[str] = Counter()
        self._severity_by_rule: dict[str, Severity] = {}

    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            if not finding.waived:  # counted in the summary's "waived"
                self._count_by_rule[finding.rule] += 1
                self._severity_by_rule[finding.rule] = finding.severity

    def finish(self, summary: Summary) -> None:
        rows = sorted(self._count_by_rule.items(), key=lambda item: (-item[1], item[0]))
        width = max((len(str(count)) for _, count in rows), default=1)
        id_width = max((len(rule) for rule, _ in rows), default=0)
        for rule, count in rows:
            severity = self._severity_by_rule[rule]
            known = self.context.rules.get(rule)
            self.stream.write(f"{count:>{width}}  {rule:<{id_width}}  "
                              f"{self._style(f'{severity.value:<7}', _STYLE_BY_SEVERITY[severity])}"
                              f"  {known.name if known else '-'}\n")
        super().finish(summary)


def fixes_it(finding: Finding, unsafe_fixes: bool) -> bool:
    """True if `check --fix` (with `--unsafe-fixes` when `unsafe_fixes`) fixes `finding`."""
    return finding.fix is not None and finding.fix.applies(unsafe_fixes)


def summary_line(summary: Summary, *, unsafe_fixes: bool = False) -> str:
    """One sentence a person reads at the end of a run."""
    files = _plural(summary.files_checked, "file")
    counts = [_plural(summary.count_by_severity[s], s.value, "s" if s != Severity.INFO else "")
              for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
              if summary.count_by_severity[s]]
    waived = f", {summary.waived} waived" if summary.waived else ""
    if summary.baselined:
        waived += f", {summary.baselined} baselined"
    if summary.fixed:
        waived += f", {summary.fixed} fixed"
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
    return text + fixable_sentence(summary, unsafe_fixes=unsafe_fixes)


def fixable_sentence(summary: Summary, *, unsafe_fixes: bool = False) -> str:
    """` [*] 2 fixable with `ragft-lint check --fix` (...)`, or "" when nothing is."""
    fixable = summary.fixable + (summary.unsafe_fixable if unsafe_fixes else 0)
    hidden = 0 if unsafe_fixes else summary.unsafe_fixable
    option = "--fix --unsafe-fixes" if unsafe_fixes and summary.unsafe_fixable else "--fix"
    text = f" [*] {fixable} fixable with `ragft-lint check {option}`" if fixable else ""
    if hidden:
        more = (f"{_plural(hidden, 'more fix', 'es')}" if fixable
                else f"{_plural(hidden, 'fix', 'es')}")
        text += (f" ({more} with --unsafe-fixes)" if fixable
                 else f" {more} available with `ragft-lint check --fix --unsafe-fixes`")
    return text + "." if text else ""


def _plural(count: int, noun: str, suffix: str = "s") -> str:
    return f"{count} {noun}{suffix if count != 1 else ''}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, keep: str = "") -> str:
    """`text` with C0/C1 control characters (but those in `keep`) and bytes that are not
    UTF-8 written as escapes."""
    return show_undecodable(_CONTROL.sub(
        lambda m: m.group() if m.group() in keep
        else m.group().encode("unicode_escape").decode("ascii"), text))


def unified_diff(path: str, old: str, new: str) -> str:
    """The unified diff from `old` to `new`, both named `path` (as `ruff --diff` shows it);
    control characters shown escaped, so a manifest cannot drive the terminal, nor a file
    name holding a newline start a line of its own. A last line without a newline is
    marked as `git diff` marks it, so the patch applies."""
    import difflib

    shown = printable(path, keep="\t")
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=shown, tofile=shown)
    out = []
    for line in lines:
        body = line.rstrip("\r\n")
        out.append(printable(body, keep="\t") + "\n")
        if body == line:  # difflib ends every line it writes itself with a newline
            out.append("\\ No newline at end of file\n")
    return "".join(out)
