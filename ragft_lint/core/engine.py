"""Check one manifest: read it, validate it, run the policies, apply its waivers.

Data flows one way: path → `Manifest` → schema findings → policy findings → waivers →
`FileResult`. Nothing here prints, and nothing here raises for a bad manifest: whatever is
wrong with the file is a finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import field, replace
from typing import Any

from ragft_lint.core.errors import ManifestError
from ragft_lint.core.finding import Finding, Fix, Severity
from ragft_lint.core.fixes import unused_waiver_fix
from ragft_lint.core.manifest import (
    Limits,
    Manifest,
    manifest_from_bytes,
    parse_manifest,
    read_manifest,
)
from ragft_lint.core.pointer import from_path
from ragft_lint.core.policy import PolicyPack, unknown_needs
from ragft_lint.core.records import record
from ragft_lint.core.result import FileResult, ResultFilter
from ragft_lint.core.rules import (
    CORE_RULE_BY_ID,
    EXPIRED_WAIVER,
    INVALID_WAIVER,
    INVALID_YAML,
    NEED_NOT_DECLARED,
    POLICIES_SKIPPED,
    UNUSED_WAIVER,
    Rule,
)
from ragft_lint.core.schema import validate_manifest
from ragft_lint.core.text import did_you_mean, show_value


@record
class Engine:
    """Checks manifests against one policy pack. Build once, call `check` per file."""

    pack: PolicyPack
    limits: Limits = field(default_factory=Limits)
    today: dt.date | None = None
    severity_by_rule: dict[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    # Applied to each file's result after the checks: the baseline (check/baseline.py),
    # which lives a layer up and so is known here only by what it does.
    baseline: ResultFilter | None = None
    # Waiver governance (configuration; issue 9): waivers of these rule-id prefixes are
    # errors, a waiver may run at most this many days from today, or none applies at all.
    waivers: WaiverPolicy = field(default_factory=lambda: WaiverPolicy())

    def check(self, path: str, content: bytes | None = None) -> FileResult:
        """Check the manifest at `path`, or, when `content` is given (standard input), the
        manifest in it, named `path`."""
        try:
            if content is None:
                manifest = read_manifest(path, self.limits)
            else:
                manifest = manifest_from_bytes(path, content, self.limits)
        except ManifestError as exc:
            return _unreadable(path, exc)
        return self.check_manifest(manifest)

    def check_text(self, path: str, text: str) -> FileResult:
        """Check `text` as the manifest at `path` without reading the file: an editor's
        unsaved buffer, or a fix before it is written."""
        try:
            manifest = parse_manifest(path, text, self.limits)
        except ManifestError as exc:
            return _unreadable(path, exc)
        return self.check_manifest(manifest)

    def check_manifest(self, manifest: Manifest) -> FileResult:
        result = self._check_manifest(manifest)
        return self.baseline.apply(result) if self.baseline is not None else result

    def _check_manifest(self, manifest: Manifest) -> FileResult:
        schema_findings = validate_manifest(manifest)
        if schema_findings:
            skipped = Finding(
                file=manifest.path, line=1, column=1, rule=POLICIES_SKIPPED.id,
                severity=POLICIES_SKIPPED.severity,
                message=f"policies not run: the manifest has {len(schema_findings)} schema "
                        f"error{'s' if len(schema_findings) != 1 else ''} to fix first")
            return FileResult(manifest.path, tuple(sorted([*schema_findings, skipped])),
                              policies_run=False)
        findings = [self._adjust(f) for f in self.pack.evaluate(manifest, skip=self.disabled)]
        findings += need_not_declared(manifest, self.pack, self.disabled)
        if not self.waivers.ignore:
            findings = apply_waivers(manifest, findings, self.pack,
                                     self.today or dt.date.today(), disabled=self.disabled,
                                     policy=self.waivers)
        return FileResult(manifest.path, tuple(sorted(findings)), True, self._rules_run())

    def _rules_run(self) -> tuple[str, ...]:
        # The same for every manifest of a run: worked out once (the pack and the disabled
        # rules are set before the first check, but are fields, so the key says which).
        # (The cache's own lines are not mutated, the pragma: a cache never found only
        # costs time, which no test can tell apart.)
        key = (id(self.pack), len(self.pack.policies), self.disabled)
        cached = self.__dict__.get("_rules_run_cache")  # pragma: no mutate
        if cached is None or cached[0] != key:
            ids = tuple(p.id for p in self.pack.policies if p.id not in self.disabled)
            cached = self.__dict__["_rules_run_cache"] = (key, ids)  # pragma: no mutate
        return cached[1]

    def _adjust(self, finding: Finding) -> Finding:
        severity = self.severity_by_rule.get(finding.rule)
        if severity is None:
            return finding
        return replace(finding, severity=severity)


def _unreadable(path: str, exc: ManifestError) -> FileResult:
    finding = Finding(file=path, line=exc.line, column=exc.column,
                      rule=exc.rule or INVALID_YAML.id, severity=Severity.ERROR,
                      message=exc.message)
    return FileResult(path, (finding,), policies_run=False)


def need_not_declared(manifest: Manifest, pack: PolicyPack,
                      disabled: frozenset[str] = frozenset()) -> list[Finding]:
    """RFT008: one warning per need declared `unknown` that an enabled policy for the declared
    approach would judge (a policy reads the need, a field of it, or a mapping above it)."""
    data = manifest.data  # schema-valid, so a mapping: policies run on no other
    out: list[Finding] = []
    approach = data.get("approach")
    for need in unknown_needs(data):
        judging = [p.id for p in pack.policies
                   if p.id not in disabled
                   and (p.approaches is None or approach in p.approaches)
                   and _depends_on(p.needs_read, need)]
        if not judging:
            continue
        pointer = from_path(need)
        span = manifest.entry_span(pointer)
        out.append(Finding(
            file=manifest.path, line=span.line, column=span.column, rule=NEED_NOT_DECLARED.id,
            severity=NEED_NOT_DECLARED.severity, pointer=pointer,
            message=f"{'.'.join(need[1:])} is unknown, and approach {show_value(approach)} "
                    f"depends on it ({', '.join(judging)}): declare it",
            end_line=span.end_line, end_column=span.end_column,
            remediation=NEED_NOT_DECLARED.remediation))
    return out


def _depends_on(reads: tuple[tuple[str, ...], ...], need: tuple[str, ...]) -> bool:
    """Whether a condition reading `reads` judges `need`: it reads the need or inside it,
    or it judges a mapping above the need as a whole. A mapping it only passes through on
    the way to another field (external_data, to read external_data.required) does not
    make it depend on the mapping's other fields (external_data.size_tokens)."""
    for read in reads:
        if read[:len(need)] == need:
            return True
        passes_through = any(len(other) > len(read) and other[:len(read)] == read
                             for other in reads)
        if need[:len(read)] == read and not passes_through:
            return True
    return False


@record(frozen=True)
class WaiverPolicy:
    """What the configuration allows of the waivers a manifest declares.

    A pull request edits its own manifest, waivers included; the configuration (taken from
    the base branch on a fork's pull request) decides which rules a waiver may touch and for
    how long, or that waivers count for nothing (`--no-waivers`).
    """

    unwaivable: tuple[str, ...] = ()  # rule-id prefixes, as select and ignore take them
    max_days: int | None = None
    ignore: bool = False

    def refusal(self, rule_id: str, expires: dt.date, today: dt.date) -> str | None:
        """Why the configuration refuses this waiver, or None."""
        prefix = next((p for p in self.unwaivable if rule_id.startswith(p)), None)
        if prefix is not None:
            return (f"waiver for {rule_id} is not allowed: the configuration makes "
                    f"{prefix} unwaivable (unwaivable = [...]); the finding counts")
        if self.max_days is not None and (expires - today).days > self.max_days:
            return (f"waiver for {rule_id} expires on {expires.isoformat()}, more than "
                    f"{self.max_days} days from today (max-waiver-days); the finding counts")
        return None


def apply_waivers(manifest: Manifest, findings: Iterable[Finding], pack: PolicyPack,
                  today: dt.date, disabled: frozenset[str] = frozenset(),
                  policy: WaiverPolicy = WaiverPolicy()) -> list[Finding]:
    """Mark waived findings; add findings for expired, invalid and unused waivers.

    A waiver applies up to and including its `expires` day (the day after, it no longer does).
    A waiver for a rule the configuration switched off is not reported as unused: it may be
    needed again where the rule runs. A waiver `policy` refuses is an invalid waiver (RFT006)
    and waives nothing.
    """
    data: dict[str, Any] = manifest.data
    findings = list(findings)
    fired = {finding.rule for finding in findings}
    out: list[Finding] = []
    reason_by_rule: dict[str, str] = {}
    index_by_rule: dict[str, int] = {}
    for index, waiver in enumerate(data.get("waivers") or ()):
        pointer = f"/waivers/{index}"
        rule_id, reason = waiver["rule"], waiver["reason"].strip()
        if rule_id not in pack.policy_by_id:
            out.append(_waiver_finding(manifest, f"{pointer}/rule", INVALID_WAIVER,
                                       _unknown_rule_message(rule_id, pack)))
            continue
        expires = dt.date.fromisoformat(waiver["expires"])
        refusal = policy.refusal(rule_id, expires, today)
        if refusal is not None:
            out.append(_waiver_finding(manifest, f"{pointer}/rule", INVALID_WAIVER, refusal))
            continue
        if today > expires:
            if rule_id in fired or rule_id in disabled:
                out.append(_waiver_finding(
                    manifest, f"{pointer}/expires", EXPIRED_WAIVER,
                    f"waiver for {rule_id} expired on {expires.isoformat()}; the finding counts "
                    f"again (reason given: {show_value(reason, quote=False)})"))
            else:  # nothing left to waive: renewing it would be wrong advice
                out.append(_waiver_finding(
                    manifest, f"{pointer}/expires", EXPIRED_WAIVER,
                    f"waiver for {rule_id} expired on {expires.isoformat()}, and {rule_id} no "
                    "longer reports anything in this manifest: remove the waiver",
                    unused_waiver_fix(manifest, index),
                    remediation=f"Remove the waiver for {rule_id}: the manifest no longer "
                                "needs it."))
            continue
        if rule_id in reason_by_rule:
            first = manifest.span(f"/waivers/{index_by_rule[rule_id]}").line
            out.append(_waiver_finding(manifest, f"{pointer}/rule", UNUSED_WAIVER,
                                       f"waiver for {rule_id} is unused: the waiver at line "
                                       f"{first} already covers it",
                                       unused_waiver_fix(manifest, index)))
            continue
        reason_by_rule[rule_id] = reason
        index_by_rule[rule_id] = index
    used: set[str] = set()
    for finding in findings:
        reason = reason_by_rule.get(finding.rule)
        if reason is not None:
            finding = finding.waive(reason)
            used.add(finding.rule)
        out.append(finding)
    for rule_id, index in index_by_rule.items():
        if rule_id not in used and rule_id not in disabled:
            out.append(_waiver_finding(manifest, f"/waivers/{index}/rule", UNUSED_WAIVER,
                                       f"unused waiver: {rule_id} reports nothing in this "
                                       "manifest; remove the waiver",
                                       unused_waiver_fix(manifest, index)))
    return out


def _waiver_finding(manifest: Manifest, pointer: str, rule: Rule, message: str,
                    fix: Fix | None = None, remediation: str | None = None) -> Finding:
    span = manifest.entry_span(pointer)
    return Finding(file=manifest.path, line=span.line, column=span.column, rule=rule.id,
                   severity=rule.severity, message=message, pointer=pointer,
                   end_line=span.end_line, end_column=span.end_column,
                   remediation=rule.remediation if remediation is None else remediation,
                   fix=fix)


def _unknown_rule_message(rule_id: str, pack: PolicyPack) -> str:
    if rule_id in CORE_RULE_BY_ID:
        return f"rule {rule_id} cannot be waived: waivers apply to policy rules only"
    hint = did_you_mean(rule_id.upper(), pack.policy_by_id, quote=False)
    return f"waiver names unknown rule {show_value(rule_id)}{hint}; it would waive nothing"
