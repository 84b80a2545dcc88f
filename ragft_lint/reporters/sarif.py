"""`--format sarif`: SARIF 2.1.0, as GitHub code scanning ingests it.

The rules are those of every configuration the run applied (a monorepo's service may load
a pack of its own), known only at the end: results are spooled as files are checked, and
the log is written at the end, the driver's rules before the results.
Waived findings stay in the log as suppressed results (kind `inSource`, with the waiver's
reason) so code scanning shows them as dismissed rather than forgetting them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ragft_lint.core.finding import Finding, Fix, Severity
from ragft_lint.core.pointer import show_pointer
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.core.rules import CORE_RULE_BY_ID, Rule, waiver_hint, waiver_yaml
from ragft_lint.reporters.common import (
    PROJECT_URL,
    SpoolingReporter,
    display_path,
    iter_fingerprinted,
    repo_path,
    rule_url,
    source_root,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "ragftLint/v1"
# The uriBaseId of repository paths; originalUriBaseIds gives its absolute location.
SOURCE_ROOT = "%SRCROOT%"
_RESULTS_MARK = "\0results\0"
LEVEL_BY_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning",
                     Severity.INFO: "note"}


def rule_to_sarif(rule: Rule, version: str | None = None) -> dict[str, Any]:
    """A `reportingDescriptor` for one rule; its help links to the docs of `version`."""
    # criterion: which of the six decision criteria the rule judges; null for the core rules,
    # which judge whether a file could be read at all.
    properties: dict[str, Any] = {"criterion": rule.criterion, "tags": ["llm-project"]}
    if rule.criterion is not None:
        properties["tags"].append(f"criterion-{rule.criterion}")
    full = rule.rationale or rule.title
    fix = rule.remediation or "See the rule's documentation."
    evidence_text, evidence_markdown = _evidence_help(rule)
    waiver_text = waiver_markdown = ""
    if rule.id not in CORE_RULE_BY_ID:  # policy findings can be waived: say how
        waiver_text = " " + _sentence(waiver_hint(rule.id))
        waiver_markdown = ("To accept the risk instead, add to the manifest:\n\n```yaml\n"
                           f"{waiver_yaml(rule.id)}```\n\n")
    if rule.evidence:
        properties["evidence"] = [e.to_dict() for e in rule.evidence]
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": _sentence(rule.title)},
        "fullDescription": {"text": _sentence(full) + evidence_text},
        "help": {
            "text": f"{_sentence(full)} How to fix: {_sentence(fix)}{waiver_text}{evidence_text}",
            "markdown": (f"**{rule.id} {rule.name}**: {_sentence(rule.title)}\n\n"
                         f"{_sentence(full)}\n\n**How to fix:** {_sentence(fix)}\n\n"
                         f"{waiver_markdown}{evidence_markdown}"
                         f"[Rule reference]({rule_url(rule.id, version)})"),
        },
        "helpUri": rule_url(rule.id, version),
        "defaultConfiguration": {"level": LEVEL_BY_SEVERITY[rule.severity]},
        "properties": properties,
    }


def _evidence_help(rule: Rule) -> tuple[str, str]:
    """The rule's sources for its help: ` Evidence: ...` as text, a list in markdown."""
    if not rule.evidence:
        return "", ""
    text = " Evidence: " + " ".join(
        f"{e.source.author} ({e.source.year}), {e.source.title}, {e.source.url} "
        f"[{e.strength}]: {_sentence(e.claim)}" for e in rule.evidence)
    items = "".join(f"- [{e.source.title}]({e.source.url}), {e.source.author}, "
                    f"{e.source.year} ({e.strength}): {_sentence(e.claim)}\n"
                    for e in rule.evidence)
    return text, f"**Evidence:**\n\n{items}\n"


class SarifReporter(SpoolingReporter):
    def start(self) -> None:
        self._root = source_root()
        self._first = True

    def file(self, result: FileResult) -> None:
        path = repo_path(result.path, self._root)
        # The file name's own bytes, percent-encoded: right for names that are not UTF-8 too.
        location: dict[str, str] = (
            {"uri": quote(os.fsencode(path), safe="/"), "uriBaseId": SOURCE_ROOT}
            if path is not None else {"uri": Path(result.path).resolve().as_uri()})
        shown = display_path(result.path, self._root)  # the fingerprint every format shares
        for finding, fingerprint in iter_fingerprinted(result.findings, shown):
            self.spool.write("\n" if self._first else ",\n")
            self._first = False
            text = json.dumps(self.result_to_sarif(finding, location, fingerprint), indent=2)
            self.spool.write(_indent(text, 8))

    def result_to_sarif(self, finding: Finding, location: dict[str, str],
                        fingerprint: str) -> dict[str, Any]:
        """A SARIF `result` for one finding in the artifact at `location`."""
        region: dict[str, int] = {"startLine": finding.line, "startColumn": finding.column}
        if finding.end_line is not None and finding.end_column is not None:
            region["endLine"] = finding.end_line
            region["endColumn"] = finding.end_column
        result: dict[str, Any] = {"ruleId": finding.rule}
        index = self.context.rules.position(finding.rule)
        if index is not None:
            result["ruleIndex"] = index
        result["level"] = LEVEL_BY_SEVERITY[finding.severity]
        result["message"] = {"text": _sentence(finding.message)}
        result["locations"] = [{"physicalLocation": {
            "artifactLocation": dict(location), "region": region}}]
        result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
        properties: dict[str, Any] = {"pointer": show_pointer(finding.pointer)}
        if finding.criterion is not None:
            properties["criterion"] = finding.criterion
        result["properties"] = properties
        if finding.waived:
            result["suppressions"] = [{"kind": "inSource",
                                       "justification": finding.waiver_reason or ""}]
        if finding.fix is not None:
            result["fixes"] = [fix_to_sarif(finding.fix, location)]
        return result

    def finish(self, summary: Summary) -> None:
        driver = {
            "name": "ragft-lint",
            "version": self.context.tool_version,
            "semanticVersion": self.context.tool_version,
            "informationUri": PROJECT_URL,
            "rules": [rule_to_sarif(rule, self.context.tool_version)
                      for rule in self.context.rules],
        }
        # The whole log but the results is known now: dump it once, cut it where the results
        # go, and copy them in between.
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
            "tool": {"driver": driver},
            # Repository paths are relative to the source root, named once for the run.
            "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path(self._root).as_uri().rstrip("/")
                                                 + "/"}},
            "automationDetails": {"id": automation_id(self.context.paths, self._root,
                                                      self.context.sarif_category)},
            "columnKind": "unicodeCodePoints",
            "results": _RESULTS_MARK, "invocations": [{"executionSuccessful": True}]}]}
        head, tail = json.dumps(log, indent=2).split(json.dumps(_RESULTS_MARK))
        self.stream.write(head + "[")
        self.drain()
        self.stream.write(("]" if self._first else "\n      ]") + tail + "\n")


def fix_to_sarif(fix: Fix, location: dict[str, str]) -> dict[str, Any]:
    """A SARIF `fix` (3.55): the replacements in the manifest at `location` (its
    artifactLocation). Whether `--fix`
    applies it on its own is a property: SARIF has no word for ruff's safe/unsafe."""
    replacements = []
    for edit in fix.edits:
        span = edit.span
        replacement: dict[str, Any] = {"deletedRegion": {
            "startLine": span.line, "startColumn": span.column,
            "endLine": span.end_line, "endColumn": span.end_column}}
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        replacements.append(replacement)
    return {"description": {"text": _sentence(fix.message)},
            "artifactChanges": [{"artifactLocation": dict(location),
                                 "replacements": replacements}],
            "properties": {"applicability": fix.applicability.value}}


def automation_id(paths: Sequence[str], root: str, category: str | None = None) -> str:
    """`ragft-lint/<what was checked>/`: the run's category for code scanning, from the
    paths named (repository-relative, sorted), so runs over different parts of a repository
    (one job per service) are uploaded side by side instead of replacing each other, and a
    run over the same paths replaces the last one; the whole repository is `ragft-lint/`.
    `category` (`--sarif-category`) names it instead, for runs over the same paths with
    other settings. Ends with `/`: all of it is the category (GitHub takes what precedes
    the last `/`)."""
    if category is not None:
        return category if category.endswith("/") else category + "/"
    named = sorted({display_path(path, root) for path in paths} - {"."})
    return f"ragft-lint/{','.join(named)}/" if named else "ragft-lint/"


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.splitlines())


def _pascal(name: str) -> str:
    """`external-data-needs-retrieval` -> `ExternalDataNeedsRetrieval`, the identifier style
    SARIF viewers expect for a rule's `name`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name))


def _sentence(text: str) -> str:
    """SARIF messages are sentences: GitHub's ingestion rules want a final period."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
