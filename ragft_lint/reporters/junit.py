"""`--format junit`: JUnit XML, as Jenkins, GitLab and Ant's report readers take it.

One `testsuite` per manifest and one `testcase` per rule evaluated on it, passing ones too,
so a test report shows what was checked and not only what failed. A rule with findings at
or above the manifest's `fail-on` is a `failure` (its message is the first finding, its text
lists them all with positions); a rule whose findings are all waived is `skipped`, with the
waiver's reason; findings below `fail-on` pass (Jenkins marks a build unstable on any
failure, so a warning that does not fail the run must not fail a test) and are listed in
the suite's `system-out`.

The document is valid against both schemas readers hold it to: Jenkins' xunit-plugin
`junit-10.xsd` for the whole report (totals on `<testsuites>`), and Apache Ant's JUnit
schema for each suite as Ant writes one, a TEST-*.xml per suite (`properties`, `system-out`
and `system-err` present, `timestamp` without a zone, `hostname` and `time` set, no
attributes Ant does not know). The totals come first in the document, so suites are
spooled and written at the end; a test case is named after its rule as the configuration
that applied to the manifest defines it (a service's own pack too).
"""

from __future__ import annotations

import re
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters.common import (
    SpoolingReporter,
    display_path,
    source_root,
)
from ragft_lint.reporters.guard import show_undecodable

# Characters XML 1.0 cannot carry even escaped; a manifest's double-quoted YAML strings can
# hold them, so they are written as visible escapes instead of breaking the report.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by a `\\xNN`-style escape."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", show_undecodable(text))


class JunitReporter(SpoolingReporter):
    def start(self) -> None:
        self._root = source_root()
        self._totals = {"tests": 0, "failures": 0}
        # Ant's form: local time without a zone; one stamp for the run, as it is one check.
        self._timestamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        self._hostname = socket.gethostname() or "localhost"

    def file(self, result: FileResult) -> None:
        path = display_path(result.path, self._root)
        threshold = result.fail_on or self.context.fail_on
        findings_by_rule: dict[str, list[Finding]] = {}
        for finding in result.findings:
            findings_by_rule.setdefault(finding.rule, []).append(finding)
        suite = ET.Element("testsuite", name=xml_text(path))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="fail-on", value=threshold.value)
        failures = skipped = 0
        passing: list[Finding] = []  # below the threshold: reported, not failed
        rule_ids = sorted(set(result.rules_run) | set(findings_by_rule))
        for rule_id in rule_ids:
            case, below = self._testcase(path, rule_id, findings_by_rule.get(rule_id, ()),
                                         threshold)
            failures += case.find("failure") is not None
            skipped += case.find("skipped") is not None
            passing += below
            suite.append(case)
        out = ET.SubElement(suite, "system-out")
        out.text = xml_text("\n".join(_describe(path, f) for f in passing))
        ET.SubElement(suite, "system-err")
        suite.set("tests", str(len(rule_ids)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        suite.set("time", "0")
        suite.set("timestamp", self._timestamp)
        suite.set("hostname", self._hostname)
        self._totals["tests"] += len(rule_ids)
        self._totals["failures"] += failures
        ET.indent(suite, space="  ", level=1)
        self.spool.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def _testcase(self, path: str, rule_id: str, findings: Iterable[Finding],
                  threshold: Severity) -> tuple[ET.Element, list[Finding]]:
        """The rule's test case, and its findings that pass (below the threshold)."""
        rule = self.context.rules.get(rule_id)
        name = f"{rule_id} {rule.name}" if rule else rule_id
        case = ET.Element("testcase", name=name, classname=xml_text(path), time="0")
        active = [f for f in findings if not f.waived]
        failing = [f for f in active if f.severity >= threshold]
        below = [f for f in active if f.severity < threshold]
        waived = [f for f in findings if f.waived]
        if failing:
            failure = ET.SubElement(case, "failure", message=xml_text(failing[0].message),
                                    type=failing[0].severity.value)
            failure.text = xml_text("\n".join(_describe(path, f) for f in failing))
        elif waived and not below:
            reasons = "; ".join(f.waiver_reason or "" for f in waived)
            ET.SubElement(case, "skipped", message=xml_text(f"waived: {reasons}"))
        return case, below

    def finish(self, summary: Summary) -> None:
        totals = self._totals
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                          f'<testsuites name="ragft-lint" tests="{totals["tests"]}" '
                          f'failures="{totals["failures"]}" errors="0" time="0">\n')
        self.drain()
        self.stream.write("</testsuites>\n")


def _describe(path: str, finding: Finding) -> str:
    text = (f"{path}:{finding.line}:{finding.column}: {finding.severity.value} "
            f"{finding.rule} {finding.message}")
    if finding.remediation:
        text += f"\n    How to fix: {finding.remediation}"
    return text
