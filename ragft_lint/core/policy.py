"""`Policy`: one rule written as data, and `PolicyPack`: the rules a run applies.

A policy's condition (`when`) is a JSON Schema over the whole manifest: the rule fires when
the manifest matches. JSON Schema is already how the manifest is described, so policy
authors learn one language and no expression parser of ours stands between them and it.
Thresholds are named parameters (`{$param: min_labeled_examples}`) substituted before the
condition is compiled, so configuration can move them without touching the policy file.
"""

from __future__ import annotations

import math
import os
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import ManifestError, PolicyError
from ragft_lint.core.evidence import SOURCES_FILE, Evidence, Source
from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.manifest import Manifest, read_manifest
from ragft_lint.core.pointer import join, resolve, unescape_token
from ragft_lint.core.records import record
from ragft_lint.core.rules import Rule, waiver_hint
from ragft_lint.core.text import did_you_mean, show_value

if TYPE_CHECKING:
    from importlib.abc import Traversable  # importlib.resources.abc from 3.11 on

    from jsonschema.protocols import Validator

POLICY_SCHEMA = "policy.schema.json"
POLICY_SUFFIXES = (".yaml", ".yml")
MESSAGE_FIELDS = ("approach", "value", "project", "base_model")
# Where a message field that is not the value at the policy's pointer is read from.
FIELD_POINTER_BY_NAME = {"approach": "/approach", "project": "/project",
                         "base_model": "/constraints/base_model/name"}
LIMIT_FIELD = "limit"  # the value at `exceeds`, for a policy that has one
# schema_version 2: a need not decided yet. A condition is a JSON Schema, and `properties`
# or `exclusiveMaximum` hold vacuously on a string, so without a guard every policy reading
# an unknown need would fire on it.
UNKNOWN = "unknown"


@record
class Policy:
    """A rule with its condition, read from a policy file."""

    rule: Rule
    pointer: str
    when: dict[str, Any]
    message: str
    params: dict[str, Any]
    examples_fail: list[Any]
    examples_pass: list[Any]
    source: str
    # A pointer to a number the value at `pointer` must exceed for the rule to fire: JSON
    # Schema cannot compare two values of one document (knowledge against context window).
    exceeds: str | None = None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def needs_read(self) -> tuple[tuple[str, ...], ...]:
        """The declared needs (paths under `criteria`) the condition looks at."""
        found = self.__dict__.get("_needs_read")
        if found is None:
            compared = [tuple(unescape_token(t) for t in p.split("/")[1:])
                        for p in (self.pointer, self.exceeds) if p]
            found = tuple(sorted({*_needs_read(self.when),
                                  *(p for p in compared if p[:1] == ("criteria",))}))
            self.__dict__["_needs_read"] = found
        return found

    @property
    def approaches(self) -> frozenset[str] | None:
        """The approaches the condition can fire for (its `approach` const or enum); None
        when it does not name any, so it may fire for every approach."""
        spec = (self.when.get("properties") or {}).get("approach")
        if not isinstance(spec, dict):
            return None
        if "const" in spec:
            return frozenset([spec["const"]])
        if isinstance(spec.get("enum"), list):
            return frozenset(v for v in spec["enum"] if isinstance(v, str))
        return None

    def compares(self, data: Any) -> bool:
        """For a policy with `exceeds`: whether the number at `pointer` is larger than the
        number at `exceeds` (False when either is missing or not a number)."""
        if self.exceeds is None:
            return True
        value, limit = resolve(data, self.pointer), resolve(data, self.exceeds)
        return _is_number(value) and _is_number(limit) and value > limit

    def reads_unknown(self, data: Mapping[str, Any]) -> bool:
        """Whether a need the condition looks at is declared `unknown` (itself or a mapping
        above it): such a policy is not evaluated, the core rule RFT008 asks instead."""
        return any(_unknown_on(data, path) for path in self.needs_read)

    def condition(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """`when` with every `{$param: name}` replaced by its value."""
        result: dict[str, Any] = _substitute(self.when, params)
        return result

    def format_message(self, manifest: Manifest, params: Mapping[str, Any]) -> str:
        """The message with its placeholders filled from `params` and the manifest."""
        data = manifest.data if isinstance(manifest.data, dict) else {}

        # Only the names the template uses are looked up and shown: this runs for every
        # finding of every manifest.
        def shown(name: str) -> str | None:
            if name == "value":
                return _bare(resolve(data, self.pointer))
            if name == LIMIT_FIELD and self.exceeds is not None:
                return _bare(resolve(data, self.exceeds))
            if name in FIELD_POINTER_BY_NAME:
                return _bare(resolve(data, FIELD_POINTER_BY_NAME[name]))
            return _bare(params[name]) if name in params else None

        return _format(self.message, shown)

    def rule_with(self, params: Mapping[str, Any]) -> Rule:
        """The rule as a run with `params` shows it: the remediation's {name} fields hold
        the configured values, so a fix hint never shows a raw parameter name."""
        values = {name: _bare(params.get(name, value)) for name, value in self.params.items()}
        remediation = _format(self.rule.remediation, values.get)
        if remediation == self.rule.remediation:
            return self.rule
        from dataclasses import replace

        return replace(self.rule, remediation=remediation)


class PolicyPack:
    """The policies of one run, with their effective parameters."""

    def __init__(self, policies: Iterable[Policy], params: Mapping[str, Any] | None = None):
        self.policies: list[Policy] = sorted(policies, key=lambda p: p.id)
        self.policy_by_id: dict[str, Policy] = {}
        for policy in self.policies:
            other = self.policy_by_id.get(policy.id)
            if other is not None:
                raise PolicyError(f"policy id {policy.id} is already defined in {other.source}",
                                  where=policy.source)
            self.policy_by_id[policy.id] = policy
        self.defaults = _collect_defaults(self.policies)
        # `params` are the configuration's, which Settings.policy_params has already checked
        # against these defaults (naming the file and line of an unknown one).
        self.params = {**self.defaults, **(params or {})}
        self._matcher_by_id: dict[str, Callable[[Any], bool]] = {}
        self._compiled: list[tuple[Policy, Callable[[Any], bool]]] | None = None
        self._rule_by_id: dict[str, Rule] = {}
        self._hint_by_id: dict[str, str] = {}

    def rule(self, policy: Policy) -> Rule:
        """`policy`'s rule with this pack's parameters filled into its remediation."""
        rule = self._rule_by_id.get(policy.id)
        if rule is None:
            rule = self._rule_by_id[policy.id] = policy.rule_with(self.params)
        return rule

    def _fix_hint(self, rule: Rule) -> str:
        # A policy finding can always be waived: its hint says how, with the rule's id.
        hint = self._hint_by_id.get(rule.id)
        if hint is None:
            hint = self._hint_by_id[rule.id] = f"{rule.remediation} {waiver_hint(rule.id)}"
        return hint

    @property
    def rules(self) -> list[Rule]:
        """The rules of the pack, in id order, as this run shows them."""
        return [self.rule(policy) for policy in self.policies]

    def _matcher(self, policy: Policy) -> Callable[[Any], bool]:
        """The compiled condition of `policy` with this pack's parameters.

        A condition that is exactly one the built-in pack was generated with (the usual case:
        built-in policies, default parameters) uses its pre-compiled form; any other is
        compiled with jsonschema. Both decide the same (tests/test_fastpath.py).
        """
        matcher = self._matcher_by_id.get(policy.id)
        if matcher is None:
            from ragft_lint.core import fastpath

            condition = policy.condition(self.params)
            matcher = fastpath.matcher_for(condition)
            if matcher is None:
                from ragft_lint.core.patterns import condition_validator

                # Patterns run on RE2 (linear time): a policy may come from a pull request.
                matcher = condition_validator(condition).is_valid
            self._matcher_by_id[policy.id] = matcher
        return matcher

    def evaluate(self, manifest: Manifest, skip: frozenset[str] = frozenset()
                 ) -> Iterator[Finding]:
        """A finding for every policy whose condition the manifest matches; policies whose
        id is in `skip` (switched off by configuration) are not evaluated at all."""
        data = manifest.data
        compiled = self._compiled
        if compiled is None or len(compiled) != len(self.policies):
            compiled = self._compiled = [(p, self._matcher(p)) for p in self.policies]
        unknown = has_unknown_need(data)
        for policy, matcher in compiled:
            if (skip and policy.id in skip) or (unknown and policy.reads_unknown(data)):
                continue
            if not matcher(data) or (policy.exceeds is not None and not policy.compares(data)):
                continue
            span = manifest.entry_span(policy.pointer)
            rule = self.rule(policy)
            yield Finding(
                file=manifest.path, line=span.line, column=span.column, rule=rule.id,
                severity=rule.severity, message=policy.format_message(manifest, self.params),
                pointer=policy.pointer, criterion=rule.criterion,
                end_line=span.end_line, end_column=span.end_column,
                remediation=self._fix_hint(rule),
            )


def has_unknown_need(data: Any) -> bool:
    """Whether a schema_version 2 manifest declares a need (a criterion, or a field of one)
    `unknown`. Cheap, and false for every schema_version 1 manifest."""
    if not isinstance(data, dict) or data.get("schema_version") != 2:
        return False
    criteria = data.get("criteria")
    if not isinstance(criteria, dict):
        return False
    return any(value == UNKNOWN or (isinstance(value, dict) and UNKNOWN in value.values())
               for value in criteria.values())


def unknown_needs(data: Any) -> Iterator[tuple[str, ...]]:
    """The needs a schema_version 2 manifest declares `unknown`, as paths, in file order: a
    criterion, a whole `external_data`, or a field of it."""
    if not has_unknown_need(data):
        return
    for key, value in data["criteria"].items():
        if value == UNKNOWN:
            yield ("criteria", key)
        elif isinstance(value, dict):
            for field_name, inner in value.items():
                if inner == UNKNOWN:
                    yield ("criteria", key, field_name)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unknown_on(data: Any, path: tuple[str, ...]) -> bool:
    for token in path:
        if not isinstance(data, dict):
            return False
        data = data.get(token)
        if data == UNKNOWN:
            return True
    return False


def _needs_read(schema: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths under /criteria that a condition constrains, through every applicator."""
    if isinstance(schema, list):
        for sub in schema:
            yield from _needs_read(sub, path)
        return
    if not isinstance(schema, dict):
        return
    for name, sub in (schema.get("properties") or {}).items():
        here = (*path, name)
        if here[0] == "criteria" and len(here) > 1:
            yield here
        yield from _needs_read(sub, here)
    for keyword in ("allOf", "anyOf", "oneOf", "not", "if", "then", "else"):
        if keyword in schema:
            yield from _needs_read(schema[keyword], path)
    for name in schema.get("required") or ():
        if isinstance(name, str) and path and path[0] == "criteria":
            yield (*path, name)


# --- loading --------------------------------------------------------------------------------

def is_policy_file(name: str) -> bool:
    """Whether a file directly in a policy folder is a policy: *.yaml or *.yml, except the
    folder's bibliography (sources.yaml). Sub-folders (scoring/) are never read."""
    return name.endswith(POLICY_SUFFIXES) and name != SOURCES_FILE


def load_policy_dir(directory: Traversable | str,
                    sources: Mapping[str, Source] | None = None) -> list[Policy]:
    """Every policy file directly in `directory`, in name order.

    Their evidence may cite the built-in sources and those of the folder's own sources.yaml
    (or exactly `sources`, when given).
    """
    if isinstance(directory, str):
        if not os.path.isdir(directory):
            raise PolicyError("policy folder does not exist or is not a folder", where=directory)
        from pathlib import Path

        entries: list[Any] = sorted(Path(directory).iterdir(), key=lambda p: p.name)
    else:
        entries = sorted(directory.iterdir(), key=lambda p: p.name)
    if sources is None:
        sources = citable_sources(directory)
    # Anything named as a policy but a folder is loaded, so a FIFO, a device or a dangling
    # link is refused by the reader, naming it, rather than skipped without a word.
    return [load_policy(entry, sources) for entry in entries
            if is_policy_file(entry.name) and not entry.is_dir()]


def iter_folder_files(directory: str) -> Iterator[str]:
    """The path of every file that loading the policy folder `directory` reads: its policy
    files and its bibliography (sources.yaml), in name order. For checks that must see
    each one before it is read (a symbolic link out of the repository)."""
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if (is_policy_file(name) or name == SOURCES_FILE) and not os.path.isdir(path):
            yield path


def citable_sources(folder: Traversable | str) -> dict[str, Source]:
    """What policies in `folder` may cite: the built-in sources and the folder's own."""
    from ragft_lint.core.bibliography import builtin_sources, folder_sources, merge_sources

    return merge_sources(builtin_sources(), folder_sources(folder), str(folder))


def load_builtin_policies() -> list[Policy]:
    """The built-in pack: from its pre-compiled form when that matches the packaged policy
    files (no YAML read, no meta-schema validation), else from the files themselves."""
    from ragft_lint.core import fastpath

    entries = fastpath.builtin_policy_data()
    if entries is not None:
        from importlib import import_module

        folder = os.path.dirname(import_module("ragft_lint.policies").__file__ or "")
        return [_policy_from_data(entry, os.path.join(folder, entry["file"]))
                for entry in entries]
    from ragft_lint.core.resources import builtin_policy_dir

    return load_policy_dir(builtin_policy_dir())


def _policy_from_data(entry: dict[str, Any], source: str) -> Policy:
    from ragft_lint.core.bibliography import builtin_sources
    from ragft_lint.core.evidence import resolve_evidence

    rule = Rule(id=entry["id"], name=entry["name"], title=entry["title"],
                severity=Severity(entry["severity"]), criterion=entry["criterion"],
                rationale=entry["rationale"], remediation=entry["remediation"],
                evidence=resolve_evidence(entry["evidence"], builtin_sources()))
    return Policy(rule=rule, pointer=entry["pointer"], when=entry["when"],
                  message=entry["message"], params=entry["params"],
                  examples_fail=entry["examples_fail"], examples_pass=entry["examples_pass"],
                  source=source, exceeds=entry.get("exceeds"))


def load_policy(entry: Traversable | str, sources: Mapping[str, Source] | None = None
                ) -> Policy:
    """Read and validate one policy file; PolicyError names the file and line of a problem.

    Its evidence may cite `sources`; by default the built-in sources and those of the
    sources.yaml beside the file.
    """
    path = str(entry)
    if sources is None:
        if os.path.exists(path):
            sources = citable_sources(os.path.dirname(os.path.abspath(path)))
        else:  # a resource inside a zip: no folder to look beside
            from ragft_lint.core.bibliography import builtin_sources

            sources = dict(builtin_sources())
    try:
        if isinstance(entry, str) or os.path.exists(path):
            manifest = read_manifest(path)
        else:  # inside a zip or other non-file resource
            from ragft_lint.core.manifest import compose

            data, values, keys = compose(entry.read_text(encoding="utf-8"))
            manifest = Manifest(path, data, values, keys)
    except ManifestError as exc:
        raise PolicyError(exc.message, where=f"{path}:{exc.line}") from None
    _validate_policy(manifest)
    data = manifest.data
    rule = Rule(
        id=data["id"], name=data["name"], title=data["title"],
        severity=Severity(data["severity"]), criterion=data.get("criterion"),
        rationale=data["rationale"].strip(), remediation=data["remediation"].strip(),
        evidence=_evidence(manifest, sources),
    )
    params = dict(data.get("params", {}))
    for name, value in params.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise PolicyError(f"invalid policy: parameter {show_value(name)} defaults to "
                              f"{show_value(value)}; a parameter must be a finite number "
                              "(nan compares false with everything, so the policy would "
                              "never fire)",
                              where=f"{path}:{manifest.span(join('/params', name)).line}")
    policy = Policy(rule=rule, pointer=data["pointer"], when=data["when"],
                    message=data["message"].strip(), params=params,
                    examples_fail=data["examples"]["fail"], examples_pass=data["examples"]["pass"],
                    source=path, exceeds=data.get("exceeds"))
    _check_references(policy, manifest)
    _check_condition(policy, manifest)
    return policy


def _evidence(manifest: Manifest, sources: Mapping[str, Source]) -> tuple[Evidence, ...]:
    """The policy's evidence with each cited id resolved; an unknown id is a PolicyError at
    its line, with the closest known id as a hint."""
    from ragft_lint.core.evidence import resolve_evidence

    entries = manifest.data["evidence"]
    for index, entry in enumerate(entries):
        if entry["source"] not in sources:
            hint = did_you_mean(entry["source"], sources)
            line = manifest.span(f"/evidence/{index}/source").line
            raise PolicyError(
                f"invalid policy: evidence cites unknown source {show_value(entry['source'])}"
                f"{hint}; "
                f"list it in {SOURCES_FILE} (the built-in one or one beside the policy)",
                where=f"{manifest.path}:{line}")
    return resolve_evidence(entries, sources)


def _validate_policy(manifest: Manifest) -> None:
    from ragft_lint.core.schema import describe

    validator = _policy_validator()
    for error in validator.iter_errors(manifest.data):
        pointer, message, at_key = describe(error)[0]
        span = manifest.span(pointer, key=at_key)
        raise PolicyError(f"invalid policy: {message}", where=f"{manifest.path}:{span.line}")


_POLICY_VALIDATOR: list[Validator] = []


def _policy_validator() -> Validator:
    if not _POLICY_VALIDATOR:
        from ragft_lint.core.resources import load_schema
        from ragft_lint.core.schema import compile_schema

        _POLICY_VALIDATOR.append(compile_schema(load_schema(POLICY_SCHEMA)))
    return _POLICY_VALIDATOR[0]


def _check_references(policy: Policy, manifest: Manifest) -> None:
    """Every {$param} in `when` and every {field} in `message` must be defined."""
    known = set(policy.params)
    for pointer, name in _iter_param_refs(policy.when, "/when"):
        if name not in known:
            raise PolicyError(f"invalid policy: parameter {show_value(name)} is used but not "
                              "declared under params",
                              where=f"{policy.source}:{manifest.span(pointer).line}")
    allowed = known | set(MESSAGE_FIELDS) | ({LIMIT_FIELD} if policy.exceeds else set())
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(policy.message) if f is not None]
    except ValueError as exc:
        raise PolicyError(f"invalid policy: message: {exc}",
                          where=f"{policy.source}:{manifest.span('/message').line}") from None
    for _, field_name, spec, conversion in string.Formatter().parse(policy.message):
        if field_name is not None and (spec or conversion):
            raise PolicyError(
                f"invalid policy: message field {{{field_name}...}} has a conversion or format "
                "spec; message fields are plain names such as {value}",
                where=f"{policy.source}:{manifest.span('/message').line}")
    for name in fields:
        if name not in allowed:
            raise PolicyError(
                f"invalid policy: message uses {{{name}}}; it may use "
                + ", ".join(f"{{{n}}}" for n in sorted(allowed)),
                where=f"{policy.source}:{manifest.span('/message').line}")
    # The remediation is shown without a manifest (explain, SARIF rule help): params only.
    for _, used, spec, conversion in _checked_fields(policy.rule.remediation, policy.source,
                                                       manifest.span("/remediation").line):
        if used is not None and (spec or conversion or used not in known):
            raise PolicyError(
                f"invalid policy: remediation uses {{{used}{spec and ':' + spec}}}; it may use "
                "only the params by name: "
                + (", ".join(f"{{{n}}}" for n in sorted(known)) or "none declared"),
                where=f"{policy.source}:{manifest.span('/remediation').line}")


def _checked_fields(text: str, source: str, line: int
                    ) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PolicyError(f"invalid policy: remediation: {exc} (write literal braces as "
                          "{{ and }})", where=f"{source}:{line}") from None


def _check_condition(policy: Policy, manifest: Manifest) -> None:
    """`when`, with the default parameters substituted, must be a valid JSON Schema."""
    from jsonschema import Draft202012Validator

    condition = policy.condition(policy.params)
    # The format checker makes `pattern: "(["` an error here rather than a crash mid-run.
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in meta.iter_errors(condition):
        pointer = "/when" + "".join(f"/{p}" for p in error.absolute_path)
        from ragft_lint.core.schema import error_text

        raise PolicyError(f"invalid policy: 'when' is not a valid JSON Schema: {error_text(error)}",
                          where=f"{policy.source}:{manifest.span(pointer).line}")
    for pointer, problem in _iter_reference_problems(condition, condition, "/when"):
        raise PolicyError(f"invalid policy: {problem}",
                          where=f"{policy.source}:{manifest.span(pointer).line}")
    for pointer, value in _iter_non_finite(condition, "/when"):
        # As for a parameter: `maximum: .nan` compares false with everything, so the
        # condition would quietly never (or always) match.
        raise PolicyError(f"invalid policy: 'when' holds {show_value(value)}; a condition "
                          "may compare with finite numbers only",
                          where=f"{policy.source}:{manifest.span(pointer).line}")
    cycle = reference_cycle(condition)
    if cycle is not None:
        pointer, chain = cycle
        raise PolicyError(f"invalid policy: 'when' refers to itself through $ref ({chain}); a "
                          "recursive condition would never finish evaluating",
                          where=f"{policy.source}:{manifest.span('/when' + pointer).line}")
    from ragft_lint.core.patterns import check_patterns

    for pointer, problem in check_patterns(condition, "/when"):
        raise PolicyError(f"invalid policy: {problem}",
                          where=f"{policy.source}:{manifest.span(pointer).line}")


# Keywords whose value maps names to subschemas: the names are not keywords themselves.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                          "dependentSchemas"})
# A condition is self-contained: nothing may make jsonschema look outside it (no remote
# documents are ever fetched, and a dangling reference would fail only mid-run).
_FORBIDDEN_KEYWORDS = ("$id", "$schema", "$anchor", "$dynamicRef", "$dynamicAnchor",
                       "$recursiveRef", "$recursiveAnchor")


def _iter_non_finite(node: Any, pointer: str) -> Iterator[tuple[str, float]]:
    """(pointer, value) of each nan or infinity in `node` (nesting is bounded by the reader)."""
    if isinstance(node, float) and not math.isfinite(node):
        yield pointer, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _iter_non_finite(value, join(pointer, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_non_finite(value, join(pointer, index))


def _iter_reference_problems(node: Any, root: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_reference_problems(value, root, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    for keyword in _FORBIDDEN_KEYWORDS:
        if keyword in node:
            yield (f"{pointer}/{keyword}", f"'when' may not use {keyword}: a condition is "
                   "self-contained (put shared parts under $defs and use $ref: '#/$defs/NAME')")
    ref = node.get("$ref")
    if ref is not None:
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            yield (f"{pointer}/$ref", f"'when' may only $ref inside itself ('#/$defs/NAME'), "
                   f"not {show_value(ref)}")
        elif resolve(root, ref[1:]) is None:
            yield f"{pointer}/$ref", f"$ref {show_value(ref)} points at nothing inside 'when'"
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            for name, subschema in value.items():
                yield from _iter_reference_problems(subschema, root,
                                                    join(f"{pointer}/{key}", name))
        elif key not in ("const", "enum", "default", "examples"):  # data, not schemas
            yield from _iter_reference_problems(value, root, join(pointer, key))


def reference_cycle(condition: Any) -> tuple[str, str] | None:
    """(pointer of a $ref, the chain) when following `$ref`s can come back to where it
    started: jsonschema would recurse until Python's stack runs out, mid-run."""
    refs: list[tuple[str, str]] = []  # (where the $ref is, the pointer it names)
    stack: list[tuple[Any, str]] = [(condition, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (ref == "#" or ref.startswith("#/")):
                refs.append((pointer, ref[1:]))
            for key, value in node.items():
                if key not in ("const", "enum", "default", "examples"):
                    stack.append((value, join(pointer, key)))
    # Following ref i evaluates its target, and so every ref located inside that target.
    def inside(location: str, target: str) -> bool:
        return location == target or location.startswith(target + "/") or target == ""
    following = {i: [j for j, (where, _) in enumerate(refs) if inside(where, refs[i][1])]
                 for i in range(len(refs))}
    state: dict[int, int] = {}  # 1: on the path, 2: done
    for start in range(len(refs)):
        if state.get(start):
            continue
        path = [start]
        iters = [iter(following[start])]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
            elif state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                return refs[nxt][0], " -> ".join(refs[i][1] or "#" for i in cycle)
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(following[nxt]))
    return None


def _iter_param_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if set(node) == {"$param"}:
            yield pointer, str(node["$param"])
            return
        for key, value in node.items():
            yield from _iter_param_refs(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_param_refs(value, f"{pointer}/{index}")


def _substitute(node: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        if set(node) == {"$param"}:
            return params[node["$param"]]
        return {key: _substitute(value, params) for key, value in node.items()}
    if isinstance(node, list):
        return [_substitute(value, params) for value in node]
    return node


def _collect_defaults(policies: Iterable[Policy]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for policy in policies:
        for name, value in policy.params.items():
            if name in defaults and defaults[name] != value:
                raise PolicyError(
                    f"parameter {show_value(name)} defaults to {show_value(value)} here but to "
                    f"{show_value(defaults[name])} "
                    f"in {origin[name]}; a parameter has one default", where=policy.source)
            defaults[name] = value
            origin[name] = policy.source
    return defaults


def _bare(value: Any) -> str:
    # Templates write their own quotes (`data_dynamics is '{value}'`).
    return show_value(value, quote=False)


def _format(template: str, shown: Callable[[str], str | None]) -> str:
    """str.format restricted to plain names: policy files may come from anyone, and
    `{value.__class__}`-style fields must not reach into objects. An unknown name is left
    as it is written."""
    out = []
    for literal, name in _parse_template(template):
        out.append(literal)
        if name is not None:
            text = shown(name)
            out.append("{" + name + "}" if text is None else text)
    return "".join(out)


@lru_cache(maxsize=256)
def _parse_template(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((literal, name) for literal, name, _spec, _conv
                 in string.Formatter().parse(template))
