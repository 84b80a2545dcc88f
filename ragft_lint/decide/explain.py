"""`ragft-lint explain RULE` and `ragft-lint rules`: every rule, said in plain words.

Policy rules come from the policy pack (title, rationale, fix, condition, examples are all in
the policy file); core rules from `rules.CORE_RULES`. A policy's trigger is its `when` JSON
Schema turned into a sentence, so the explanation cannot drift from what is checked.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TextIO

from ragft_lint.core.errors import ConfigError
from ragft_lint.core.policy import Policy, PolicyPack
from ragft_lint.core.rules import CORE_RULES, Rule, criterion_label, waiver_yaml
from ragft_lint.core.text import close_matches, show_value, suggest

TEXT_WIDTH = 96

# What makes ragft-lint itself report a core rule; no manifest condition can say it.
CORE_TRIGGER_BY_ID = {
    "RFT001": "the file is missing, not a regular file, larger than the size limit, or not "
              "UTF-8 text",
    "RFT002": "the file is not exactly one YAML document of mappings, lists and plain scalars "
              "(for example a syntax error, a duplicate key or a tag)",
    "RFT003": "the manifest does not match the llm-project.yaml JSON Schema (a missing or "
              "unknown key, a value of the wrong type or outside the allowed values)",
    "RFT004": "the manifest has schema errors, so the policies were not run",
    "RFT005": "a waiver's `expires` date is in the past",
    "RFT006": "a waiver names a rule id that is not a policy rule of the pack",
    "RFT007": "a waiver names a policy rule that reports nothing in the manifest",
    "RFT008": "a schema_version 2 manifest declares a need `unknown` that a policy for its "
              "approach would judge",
}


@dataclass(frozen=True)
class RuleDoc:
    """A rule with what `explain` prints about it."""

    rule: Rule
    trigger: str
    example_fail: Any = None
    example_pass: Any = None
    source: str = "core rule (reported by ragft-lint itself)"
    thresholds: tuple[Threshold, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A number the rule's need is compared with: its value in the configuration that
    applies, its default, where the value was set, and every rule that compares the same
    need with a number (a threshold is one of a set: RFT401's minimum and RFT402's
    recommended count cut criterion 4 into bands together)."""

    name: str
    value: Any
    default: Any
    set_in: str | None  # a configuration file's path, "command line", "default" or unknown
    rules: tuple[Rule, ...]


def all_rules(pack: PolicyPack) -> list[Rule]:
    """Core rules, then the pack's policy rules, each in id order."""
    return [*CORE_RULES, *pack.rules]


def find_rule(pack: PolicyPack, query: str,
              set_in: Callable[[str], str] | None = None) -> RuleDoc:
    """The rule named by id (any case) or by name; ConfigError suggests the closest ids.
    `set_in` says where a parameter's value was set (a file's path, "command line" or
    "default"); without it, only whether the value is the default is known."""
    wanted = query.strip()
    for rule in all_rules(pack):
        if wanted.upper() == rule.id or wanted.lower() == rule.name:
            policy = pack.policy_by_id.get(rule.id)
            if policy is None:
                return _core_doc(rule)
            return replace(_policy_doc(policy, pack.params),
                           thresholds=thresholds(pack, policy, set_in))
    candidates = {r.id: r.id for r in all_rules(pack)}
    candidates.update({r.name: r.id for r in all_rules(pack)})
    # Ids and names both count, in either case; each suggestion is shown as its id.
    close = [*close_matches(wanted.upper(), candidates, n=3, cutoff=0.5),
             *close_matches(wanted.lower(), candidates, n=3, cutoff=0.5)]
    ids = list(dict.fromkeys(candidates[c] for c in close))[:3]
    raise ConfigError(f"unknown rule {show_value(query)}{suggest(ids, quote=False)}; "
                      "`ragft-lint rules` lists them all")


def _policy_doc(policy: Policy, params: Mapping[str, Any]) -> RuleDoc:
    trigger = describe_condition(policy.condition(params))
    if policy.exceeds:  # the comparison JSON Schema cannot state (policy field `exceeds`)
        trigger += (f" and {_dotted(policy.pointer)} is larger than "
                    f"{_dotted(policy.exceeds)}")
    return RuleDoc(policy.rule_with(params), trigger,
                   policy.examples_fail[0] if policy.examples_fail else None,
                   policy.examples_pass[0] if policy.examples_pass else None,
                   source=f"policy {policy.source.rsplit('/', 1)[-1]}")


def thresholds(pack: PolicyPack, policy: Policy,
               set_in: Callable[[str], str] | None = None) -> tuple[Threshold, ...]:
    """The parameters of every policy that judges `policy`'s need, `policy`'s own first;
    none when `policy` itself compares with no parameter."""
    if not policy.params:
        return ()
    judging = [policy, *(p for p in pack.policies
                         if p.pointer == policy.pointer and p.params and p is not policy)]
    names = list(dict.fromkeys(name for p in judging for name in p.params))
    return tuple(Threshold(name, pack.params[name], pack.defaults[name],
                           set_in(name) if set_in else None,
                           tuple(pack.rule(p) for p in judging if name in p.params))
                 for name in names)


def _dotted(pointer: str) -> str:
    return ".".join(pointer.split("/")[1:])


def _core_doc(rule: Rule) -> RuleDoc:
    return RuleDoc(rule, CORE_TRIGGER_BY_ID.get(rule.id, "reported by ragft-lint itself"))


# --- a JSON Schema condition in words --------------------------------------------------------

def describe_condition(schema: Any, path: str = "") -> str:
    """A readable sentence for the JSON Schema subset policies use; anything else is shown
    as compact JSON rather than guessed at."""
    parts = list(_iter_clauses(schema, path))
    return " and ".join(parts) if parts else "always"


def _iter_clauses(schema: Any, path: str) -> Iterable[str]:
    if not isinstance(schema, dict):
        yield f"{path or 'the manifest'} matches {json.dumps(schema)}"
        return
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in properties:
            yield f"{_join(path, name)} is set"
    for name, sub in properties.items():
        yield from _iter_clauses(sub, _join(path, name))
    where = path or "the manifest"
    for keyword, value in schema.items():
        if keyword in ("properties", "required"):
            continue
        phrase = _KEYWORD_PHRASES.get(keyword)
        if phrase is not None:
            yield f"{where} {phrase(value)}"
        elif keyword == "allOf":
            yield " and ".join(describe_condition(s, path) for s in value)
        elif keyword == "anyOf" or keyword == "oneOf":
            yield "either " + " or ".join(f"({describe_condition(s, path)})" for s in value)
        elif keyword == "not":
            yield f"not ({describe_condition(value, path)})"
        else:
            yield f"{where} matches {json.dumps({keyword: value})}"


_KEYWORD_PHRASES: dict[str, Callable[[Any], str]] = {
    "const": lambda v: f"is {show_value(v)}",
    "enum": lambda v: "is one of " + ", ".join(show_value(x) for x in v),
    "minimum": lambda v: f"is at least {v}",
    "maximum": lambda v: f"is at most {v}",
    "exclusiveMinimum": lambda v: f"is more than {v}",
    "exclusiveMaximum": lambda v: f"is less than {v}",
    "type": lambda v: f"is of type {v}",
    "minItems": lambda v: f"has at least {v} items",
    "maxItems": lambda v: f"has at most {v} items",
    "pattern": lambda v: f"matches the pattern {v!r}",
}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --- output ---------------------------------------------------------------------------------

def write_explanation(doc: RuleDoc, stream: TextIO) -> None:
    """What `explain RULE` prints."""
    rule = doc.rule
    criterion = criterion_label(rule.criterion)
    stream.write(f"{rule.id} {rule.name}: {rule.title}\n")
    stream.write(f"  Severity:  {rule.severity.value}\n")
    stream.write(f"  Criterion: {criterion}\n")
    stream.write(f"  Source:    {doc.source}\n\n")
    stream.write(f"Why:\n{_paragraph(rule.rationale)}\n\n")
    stream.write(f"Triggered when:\n{_paragraph(doc.trigger)}\n\n")
    stream.write(f"How to fix:\n{_paragraph(rule.remediation)}\n")
    if doc.thresholds:
        stream.write(f"\nThresholds:\n{_thresholds_text(doc)}\n")
    if doc.example_fail is not None:  # a policy rule: its findings can be waived
        stream.write(f"\nTo accept the risk instead, add to the manifest:\n"
                     f"{_indent(waiver_yaml(rule.id).rstrip())}\n")
    if rule.evidence:
        stream.write("\nEvidence:\n")
        for evidence in rule.evidence:
            source = evidence.source
            stream.write(_paragraph(f'{source.author}, "{source.title}", {source.year} '
                                    f"({evidence.strength} evidence)", "  - ", "    ") + "\n")
            stream.write(f"    {source.url}\n{_paragraph(evidence.claim, '    ')}\n")
    for label, example in (("Failing example", doc.example_fail),
                           ("Passing example", doc.example_pass)):
        if example is not None:
            stream.write(f"\n{label}:\n{_indent(to_yaml(example).rstrip())}\n")
    if doc.example_fail is None:
        stream.write("\nExamples: none; this rule is about the file or its waivers, not about "
                     "the needs a manifest declares.\n")


def _thresholds_text(doc: RuleDoc) -> str:
    """Each threshold: its value here and where it was set, then the rules using it, each
    with its severity and the sources it cites."""
    lines = []
    for threshold in doc.thresholds:
        default = show_value(threshold.default)
        if threshold.set_in == "default" or (threshold.set_in is None
                                             and threshold.value == threshold.default):
            where = "the default"
        elif threshold.set_in is None:
            where = f"configured; the default is {default}"
        else:
            where = f"set in {threshold.set_in}; the default is {default}"
        lines.append(f"  {threshold.name} = {show_value(threshold.value)} ({where})")
        for rule in threshold.rules:
            this = "this rule, " if rule.id == doc.rule.id else ""
            cited = ", ".join(f"{e.source.id} ({e.strength})" for e in rule.evidence) or "none"
            lines.append(_paragraph(f"{rule.id} ({this}{rule.severity.value}) {rule.title}; "
                                    f"sources: {cited}", "    - ", "      "))
    return "\n".join(lines)


def write_rules_text(rules: Iterable[Rule], stream: TextIO) -> None:
    rows = [("ID", "CRITERION", "SEVERITY", "TITLE")]
    rows += [(r.id, _criterion(r), r.severity.value, r.title) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True))
        stream.write(f"{cells}  {row[3]}\n")


def write_rules_markdown(rules: Iterable[Rule], stream: TextIO) -> None:
    """The rules reference table kept in README.md between the rules markers.

    Each row carries an anchor (`#rft501`): the rule links of the SARIF, markdown and other
    reports point at it, and table rows get none of their own.
    """
    stream.write("| ID | Name | Criterion | Severity | Title | Sources |\n"
                 "|---|---|---|---|---|---|\n")
    for rule in rules:
        title = rule.title.replace("|", "\\|")
        sources = ", ".join(f"[{e.source.id}]({e.source.url}) ({e.strength})"
                            for e in rule.evidence) or "-"
        stream.write(f'| <a id="{rule.id.lower()}"></a>{rule.id} | `{rule.name}` | '
                     f"{_criterion(rule)} | "
                     f"{rule.severity.value} | {title} | {sources} |\n")


def write_rules_json(rules: Iterable[Rule], stream: TextIO) -> None:
    json.dump([{"id": r.id, "name": r.name, "criterion": r.criterion,
                "severity": r.severity.value, "title": r.title,
                "evidence": [e.to_dict() for e in r.evidence]} for r in rules],
              stream, indent=2)
    stream.write("\n")


RULES_WRITER_BY_FORMAT: dict[str, Callable[[Iterable[Rule], TextIO], None]] = {
    "text": write_rules_text,
    "markdown": write_rules_markdown,
    "json": write_rules_json,
}


def to_yaml(data: Any) -> str:
    """Block-style YAML, keys in the order written, as a person would write a manifest."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _criterion(rule: Rule) -> str:
    return str(rule.criterion) if rule.criterion is not None else "-"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def _paragraph(text: str, indent: str = "  ", subsequent: str | None = None) -> str:
    import textwrap

    return textwrap.fill(" ".join(text.split()), width=TEXT_WIDTH, initial_indent=indent,
                         subsequent_indent=indent if subsequent is None else subsequent,
                         break_on_hyphens=False)
