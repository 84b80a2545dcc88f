"""`--format junit`: JUnit XML, as Jenkins and GitLab read test reports.

One `testsuite` per manifest and one `testcase` per rule evaluated on it, passing ones too,
so a test report shows what was checked and not only what failed. A rule with findings is
a `failure` (its message is the first finding, its text lists them all with positions); a
rule whose findings are all waived is `skipped`, with the waiver's reason; info findings
pass and are printed in the case's `system-out`. Suites are
streamed as manifests are checked: nothing is held but the current file's findings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import Reporter
from ragft_lint.reporters.common import display_path, rules_by_id, source_root

# Characters XML 1.0 cannot carry even escaped; a manifest's double-quoted YAML strings can
# hold them, so they are written as visible escapes instead of breaking the report.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by a `\\xNN`-style escape."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


class JunitReporter(Reporter):
    def start(self) -> None:
        self._root = source_root()
        self._rule_by_id = rules_by_id(self.context.rules)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                          '<testsuites name="ragft-lint">\n')

    def file(self, result: FileResult) -> None:
        path = display_path(result.path, self._root)
        findings_by_rule: dict[str, list[Finding]] = {}
        for finding in result.findings:
            findings_by_rule.setdefault(finding.rule, []).append(finding)
        suite = ET.Element("testsuite", name=xml_text(path))
        failures = skipped = 0
        rule_ids = sorted(set(result.rules_run) | set(findings_by_rule))
        for rule_id in rule_ids:
            case = self._testcase(path, rule_id, findings_by_rule.get(rule_id, ()))
            failures += case.find("failure") is not None
            skipped += case.find("skipped") is not None
            suite.append(case)
        suite.set("tests", str(len(rule_ids)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        ET.indent(suite, space="  ", level=1)
        self.stream.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def _testcase(self, path: str, rule_id: str, findings: Iterable[Finding]) -> ET.Element:
        rule = self._rule_by_id.get(rule_id)
        name = f"{rule_id} {rule.name}" if rule else rule_id
        case = ET.Element("testcase", name=name, classname=xml_text(path), file=xml_text(path))
        findings = list(findings)
        failing = [f for f in findings if not f.waived and f.severity != Severity.INFO]
        infos = [f for f in findings if not f.waived and f.severity == Severity.INFO]
        waived = [f for f in findings if f.waived]
        if failing or infos:
            case.set("line", str((failing or infos)[0].line))
        if failing:
            failure = ET.SubElement(case, "failure", message=xml_text(failing[0].message),
                                    type=failing[0].severity.value)
            failure.text = xml_text("\n".join(_describe(path, f) for f in failing))
        elif waived and not infos:
            reasons = "; ".join(f.waiver_reason or "" for f in waived)
            ET.SubElement(case, "skipped", message=xml_text(f"waived: {reasons}"))
        if infos:
            # An info finding is news, not a failure: it goes to the case's output.
            out = ET.SubElement(case, "system-out")
            out.text = xml_text("\n".join(_describe(path, f) for f in infos))
        return case

    def finish(self, summary: Summary) -> None:
        self.stream.write("</testsuites>\n")


def _describe(path: str, finding: Finding) -> str:
    text = (f"{path}:{finding.line}:{finding.column}: {finding.severity.value} "
            f"{finding.rule} {finding.message}")
    if finding.remediation:
        text += f"\n    How to fix: {finding.remediation}"
    return text
