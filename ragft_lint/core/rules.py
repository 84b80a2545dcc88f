"""The core rules: what ragft-lint reports itself, beside the policies of the pack.

Policies judge a manifest's *content*; these rules report that a file could not be judged
(unreadable, not YAML, not matching the schema) or that a waiver is wrong. They are Python,
not policy files, because no manifest condition can express them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ragft_lint.core.finding import Severity
from ragft_lint.core.records import record

if TYPE_CHECKING:
    from ragft_lint.core.evidence import Evidence

# The six decision criteria by number, as reports name them ("criterion 5: data dynamics").
CRITERION_NAME_BY_NUMBER = {
    1: "external data",
    2: "behaviour adaptation",
    3: "hallucination tolerance",
    4: "labelled data",
    5: "data dynamics",
    6: "interpretability",
}


def criterion_label(criterion: int | None) -> str:
    """`criterion 5: data dynamics`, or `no criterion` for the other trade-offs."""
    if criterion is None:
        return "no criterion"
    # The policy schema allows only the six numbers, so every criterion has its name.
    return f"criterion {criterion}: {CRITERION_NAME_BY_NUMBER[criterion]}"


WAIVER_REASON = "why the risk is accepted"


def waiver_yaml(rule_id: str) -> str:
    """The waiver entry that accepts a policy rule's findings, as block YAML to paste under a
    manifest's `waivers:` (the date is a placeholder: a waiver must expire)."""
    return (f"waivers:\n  - rule: {rule_id}\n    reason: {WAIVER_REASON}\n"
            "    expires: YYYY-MM-DD\n")


def waiver_hint(rule_id: str) -> str:
    """One sentence, for one-line formats, that says how to accept a policy rule's findings."""
    return (f"To accept the risk instead, add to the manifest's waivers: "
            f"- {{rule: {rule_id}, reason: {WAIVER_REASON}, expires: YYYY-MM-DD}}")


@record(frozen=True)
class Rule:
    """What a rule is, for listings and reports: everything but how it is evaluated."""

    id: str
    name: str
    title: str
    severity: Severity
    criterion: int | None = None
    rationale: str = ""
    remediation: str = ""
    # The published sources the rule rests on; empty for the core rules, which judge the
    # file, not the needs it declares.
    evidence: tuple[Evidence, ...] = ()


UNREADABLE_FILE = Rule(
    "RFT001", "unreadable-file", "The file cannot be read as a text manifest", Severity.ERROR,
    rationale="A manifest must be a regular UTF-8 text file under the size limit; anything else "
              "(a directory, FIFO, binary, other encoding, huge file) is refused before parsing.",
    remediation="Point ragft-lint at the real llm-project.yaml, saved as UTF-8.")
INVALID_YAML = Rule(
    "RFT002", "invalid-yaml", "The file is not one valid, plain YAML document", Severity.ERROR,
    rationale="A manifest is exactly one YAML 1.2 document made of mappings, lists and plain "
              "scalars: no duplicate keys, no tags, bounded aliases and nesting.",
    remediation="Fix the YAML at the line shown.")
SCHEMA_VIOLATION = Rule(
    "RFT003", "schema-violation", "The manifest does not match the llm-project.yaml schema",
    Severity.ERROR,
    rationale="The schema is the contract policies rely on; unknown keys are errors so typos "
              "cannot silently switch a check off.",
    remediation="Fix the key or value named; `ragft-lint schema` prints the schema.")
POLICIES_SKIPPED = Rule(
    "RFT004", "policies-skipped", "Policies were not run because the manifest is invalid",
    Severity.INFO,
    rationale="Policies judge declared needs; they cannot judge a manifest that does not match "
              "the schema, so a schema error hides every policy finding until it is fixed.",
    remediation="Fix the schema errors, then run again.")
EXPIRED_WAIVER = Rule(
    "RFT005", "expired-waiver", "A waiver has expired", Severity.ERROR,
    rationale="Waivers are accepted exceptions with a deadline; after it the exception must be "
              "looked at again, so the waived finding counts again and the stale waiver is an "
              "error.",
    remediation="Resolve the finding, or renew the waiver with a new date and a current reason.")
INVALID_WAIVER = Rule(
    "RFT006", "invalid-waiver", "A waiver names a rule that cannot be waived", Severity.ERROR,
    rationale="A waiver for an unknown rule id (a typo, a removed rule) would silently waive "
              "nothing.",
    remediation="Use the id of a policy rule (`ragft-lint rules` lists them).")
UNUSED_WAIVER = Rule(
    "RFT007", "unused-waiver", "A waiver matches no finding", Severity.WARNING,
    rationale="A waiver that matches nothing is stale: the exception it records no longer "
              "exists. Like an unused `noqa`, it should go.",
    remediation="Remove the waiver.")

NEED_NOT_DECLARED = Rule(
    "RFT008", "need-not-declared", "A need the declared approach depends on is unknown",
    Severity.WARNING,
    rationale="schema_version 2 lets a team say a need is `unknown` while it finds out, and no "
              "policy judges an unknown need. So a gap never passes silently, each unknown need "
              "that a policy for the declared approach would judge is reported, once, naming "
              "those policies; a team running `--fail-on warning` must decide it before merging.",
    remediation="Declare the need: find out and write its value (`ragft-lint explain RULE` says "
                "what each named rule asks of it); `ragft-lint recommend` shows how the choice "
                "of approach depends on it meanwhile.")

CORE_RULES = (UNREADABLE_FILE, INVALID_YAML, SCHEMA_VIOLATION, POLICIES_SKIPPED,
              EXPIRED_WAIVER, INVALID_WAIVER, UNUSED_WAIVER, NEED_NOT_DECLARED)
CORE_RULE_BY_ID = {rule.id: rule for rule in CORE_RULES}


class RuleCatalog:
    """The rules a run's reports describe: every rule of every configuration the run
    applied, once each (the first definition met wins), in the order they were met.

    A monorepo's service may load a policy pack of its own (`policy-paths`), so the catalog
    grows as the run meets each configuration; a rule keeps its position once it has one,
    so reports may refer to rules by position (SARIF's `ruleIndex`) as they go.
    """

    def __init__(self, rules: Iterable[Rule] = ()):
        self._rules: list[Rule] = []
        self._position_by_id: dict[str, int] = {}
        self.add(rules)

    def add(self, rules: Iterable[Rule]) -> None:
        """Append each rule whose id the catalog does not have yet."""
        for rule in rules:
            if rule.id not in self._position_by_id:
                self._position_by_id[rule.id] = len(self._rules)
                self._rules.append(rule)

    def get(self, rule_id: str) -> Rule | None:
        position = self._position_by_id.get(rule_id)
        return None if position is None else self._rules[position]

    def position(self, rule_id: str) -> int | None:
        """The rule's index in the catalog (stable once it is there), or None."""
        return self._position_by_id.get(rule_id)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)
