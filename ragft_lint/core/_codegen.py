"""Generate `ragft_lint/core/_generated.py`: the compiled fast path for the packaged data.

Run `python -m ragft_lint.core._codegen` after changing `schemas/` or `policies/`;
`tests/test_fastpath.py` fails while the committed module is stale, and at run time the module
is used only if the data it was generated from is byte-identical to the packaged data (see
`ragft_lint.core.fastpath`), so a stale module can cost speed but never change a finding.

What it holds:
- `manifest_is_valid(data)`: True exactly when the manifest schema's jsonschema validator
  (draft 2020-12, `format: date` checked) reports no error. jsonschema is still what *explains*
  an invalid manifest; this only lets a valid one skip importing it.
- the built-in policies as data (no YAML read, no meta-schema validation at run time), and
  each one's condition, with the default parameters, compiled to a Python function.

Why our own generator rather than fastjsonschema's `compile_to_code`: fastjsonschema knows
drafts 4-7 only, compares `const`/`enum` with Python's `==` (so `true` matches `const: 1`),
and its `date` format does not check the calendar (2024-02-30 passes), while jsonschema does
all three the other way. The subset of JSON Schema our schema and policies use is small;
generating it ourselves makes the semantics exactly jsonschema's, which the differential
tests check on generated manifests. A keyword outside the subset is a generation error, never
a silently wrong validator.
"""

from __future__ import annotations

import json
import os
import pprint
import sys
import zlib
from collections.abc import Iterable
from typing import Any

from ragft_lint.core.schema_errors import ANNOTATIONS, schema_digest

# Keywords that never affect validity (annotations, and our own x-message).
_ANNOTATIONS = ANNOTATIONS
# jsonschema's type checks (jsonschema._types): bool is not a number; 1.0 is an integer.
_TYPE_TEST = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "boolean": "isinstance({v}, bool)",
    "null": "{v} is None",
    "number": "(isinstance({v}, _NUMBERS) and not isinstance({v}, bool))",
    "integer": "((isinstance({v}, int) and not isinstance({v}, bool))"
               " or (isinstance({v}, float) and {v}.is_integer()))",
}
_GUARD_BY_TYPE = {name: _TYPE_TEST[name] for name in ("object", "array", "string", "number")}
# Keywords an inline expression can decide (no nested subschema).
_SIMPLE = frozenset({
    "type", "enum", "const", "minLength", "maxLength", "pattern", "format", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
})


class UnsupportedSchema(ValueError):
    """The schema uses a keyword the generator does not compile."""


class _Compiler:
    """Compiles JSON Schemas into Python: an inline expression for a simple subschema, a
    function `f(d) -> bool` for one with nested subschemas."""

    def __init__(self) -> None:
        self.functions: list[str] = []
        self.constants: list[str] = []
        self._constant_names: dict[str, str] = {}
        self._function_by_key: dict[str, str] = {}
        self.function_by_digest: dict[str, str] = {}  # schema_digest -> function's name

    def constant(self, expression: str, prefix: str) -> str:
        name = self._constant_names.get(expression)
        if name is None:
            name = f"_{prefix}{len(self._constant_names)}"
            self._constant_names[expression] = name
            self.constants.append(f"{name} = {expression}")
        return name

    def test(self, schema: Any, v: str) -> str:
        """A boolean expression over the variable `v` deciding `schema`."""
        if schema is True:
            return "True"
        if schema is False:
            return "False"
        if isinstance(schema, dict) and set(schema) - _ANNOTATIONS <= _SIMPLE:
            return self._simple(schema, v)
        return f"{self.function(schema)}({v})"

    def function(self, schema: Any, name: str | None = None) -> str:
        """The name of a function deciding `schema`, generating it on first use."""
        key = repr({k: v for k, v in schema.items() if k not in _ANNOTATIONS}
                   if isinstance(schema, dict) else schema)
        if name is None and key in self._function_by_key:
            return self._function_by_key[key]
        name = name or f"_s{len(self.functions)}"
        self._function_by_key.setdefault(key, name)
        if isinstance(schema, dict):
            self.function_by_digest.setdefault(schema_digest(schema), name)
        self.functions.append("")  # reserve the slot so numbering stays stable
        slot = len(self.functions) - 1
        body = self._body(schema)
        self.functions[slot] = "\n".join([f"def {name}(d):", *body])
        return name

    def _simple(self, schema: dict[str, Any], v: str) -> str:
        parts: list[str] = []
        if "type" in schema:
            types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            for name in types:
                if name not in _TYPE_TEST:
                    raise UnsupportedSchema(f"unknown type {name!r}")
            parts.append("(" + " or ".join(_TYPE_TEST[t].format(v=v) for t in types) + ")")
        if "enum" in schema:
            parts.append(f"({self._enum_test(schema['enum'], v)})")
        if "const" in schema:
            parts.append(f"({self._enum_test([schema['const']], v)})")
        for kind, tests in (("string", self._string_tests(schema, v)),
                            ("number", self._number_tests(schema, v)),
                            ("array", self._array_tests(schema, v))):
            if tests:
                guard = _GUARD_BY_TYPE[kind].format(v=v)
                parts.append(f"(not {guard} or ({' and '.join(tests)}))")
        return " and ".join(parts) or "True"

    def _string_tests(self, schema: dict[str, Any], v: str) -> list[str]:
        tests = []
        if "minLength" in schema:
            tests.append(f"len({v}) >= {schema['minLength']!r}")
        if "maxLength" in schema:
            tests.append(f"len({v}) <= {schema['maxLength']!r}")
        if "pattern" in schema:
            regex = self.constant(f"_re.compile({schema['pattern']!r})", "R")
            tests.append(f"{regex}.search({v}) is not None")
        if schema.get("format") == "date":  # the one format ragft-lint's validators check
            tests.append(f"_is_date({v})")
        return tests

    def _number_tests(self, schema: dict[str, Any], v: str) -> list[str]:
        tests = []
        for keyword, operator in (("minimum", ">="), ("maximum", "<="),
                                  ("exclusiveMinimum", ">"), ("exclusiveMaximum", "<")):
            if keyword in schema:
                bound = schema[keyword]
                if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                    raise UnsupportedSchema(f"{keyword} must be a number, not {bound!r}")
                # jsonschema fails `v < minimum`; NaN compares false, so it passes there and
                # must pass here too: test the failing comparison, negated.
                failing = {">=": "<", "<=": ">", ">": "<=", "<": ">="}[operator]
                tests.append(f"not ({v} {failing} {bound!r})")
        return tests

    def _array_tests(self, schema: dict[str, Any], v: str) -> list[str]:
        tests = []
        if "minItems" in schema:
            tests.append(f"len({v}) >= {schema['minItems']!r}")
        if "maxItems" in schema:
            tests.append(f"len({v}) <= {schema['maxItems']!r}")
        return tests

    def _body(self, schema: Any) -> list[str]:
        if schema is True or schema is False:
            return [f"    return {schema!r}"]
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"a schema must be an object or a boolean, not {schema!r}")
        unknown = set(schema) - _ANNOTATIONS - _HANDLED
        if unknown:
            raise UnsupportedSchema(f"keywords not supported by the generator: {sorted(unknown)}")
        lines: list[str] = []

        def check(condition: str, indent: str = "    ") -> None:
            lines.append(f"{indent}if not ({condition}):")
            lines.append(f"{indent}    return False")

        simple = {k: v for k, v in schema.items() if k in _SIMPLE}
        if simple:
            check(self._simple(simple, "d"))
        # After `type: object` (or array) has returned False for anything else, the checks
        # that apply only to that type need no guard of their own.
        only = schema.get("type") if simple else None
        self._object_checks(schema, lines, check, guarded=only != "object")
        if "items" in schema and schema["items"] is not True:
            if only == "array":
                lines.append("    for item in d:")
                check(self.test(schema["items"], "item"), "        ")
            else:
                lines.append(f"    if {_GUARD_BY_TYPE['array'].format(v='d')}:")
                lines.append("        for item in d:")
                check(self.test(schema["items"], "item"), "            ")
        if "contains" in schema:  # jsonschema: some item matches (minContains is 1)
            lines.append(f"    if {_GUARD_BY_TYPE['array'].format(v='d')}:")
            check(f"any({self.test(schema['contains'], 'item')} for item in d)", "        ")
        if "if" in schema and ("then" in schema or "else" in schema):
            lines.append(f"    if {self.test(schema['if'], 'd')}:")
            if "then" in schema:
                check(self.test(schema["then"], "d"), "        ")
            else:
                lines.append("        pass")
            if "else" in schema:
                lines.append("    else:")
                check(self.test(schema["else"], "d"), "        ")
        for sub in schema.get("allOf", ()):
            check(self.test(sub, "d"))
        if "anyOf" in schema:
            check(" or ".join(f"({self.test(sub, 'd')})" for sub in schema["anyOf"]))
        if "oneOf" in schema:
            tests = ", ".join(f"bool({self.test(sub, 'd')})" for sub in schema["oneOf"])
            check(f"[{tests}].count(True) == 1")
        if "not" in schema:
            check(f"not ({self.test(schema['not'], 'd')})")
        lines.append("    return True")
        return lines

    def _enum_test(self, options: list[Any], v: str) -> str:
        # jsonschema._utils.equal: strings compare only with strings, bools only with bools,
        # 1 == 1.0, and lists/mappings element-wise under the same rules.
        tests: list[str] = []
        strings = sorted({o for o in options if isinstance(o, str)})
        if len(strings) == 1:
            tests.append(f"{v} == {strings[0]!r}")
        elif strings:
            name = self.constant("frozenset(" + repr(strings) + ")", "E")
            tests.append(f"(isinstance({v}, str) and {v} in {name})")
        for option in options:
            if isinstance(option, str):
                continue
            if option is None or isinstance(option, bool):
                tests.append(f"{v} is {option!r}")
            elif isinstance(option, (int, float)):
                if option != option:  # NaN equals nothing but itself
                    raise UnsupportedSchema("NaN in enum or const")
                tests.append(f"({_TYPE_TEST['number'].format(v=v)} and {v} == {option!r})")
            else:
                tests.append(f"_equal({self.constant(repr(option), 'C')}, {v})")
        return " or ".join(tests) or "False"

    def _object_checks(self, schema: dict[str, Any], lines: list[str], check: Any,
                       guarded: bool = True) -> None:
        keys = [k for k in ("properties", "required", "additionalProperties",
                            "propertyNames", "minProperties", "maxProperties") if k in schema]
        if not keys:
            return
        indent = "        " if guarded else "    "
        if guarded:
            lines.append(f"    if {_GUARD_BY_TYPE['object'].format(v='d')}:")
        properties: dict[str, Any] = schema.get("properties", {})
        required = schema.get("required", ())
        for key in required:
            if properties.get(key, True) is True:  # else tested with its value, below
                check(f"{key!r} in d", indent)
        if "minProperties" in schema:
            check(f"len(d) >= {schema['minProperties']!r}", indent)
        if "maxProperties" in schema:
            check(f"len(d) <= {schema['maxProperties']!r}", indent)
        for key, sub in properties.items():
            if sub is True:
                continue
            lines.append(f"{indent}v = d.get({key!r}, _MISSING)")
            if key in required:  # one look-up for both: present, and valid
                check(f"v is not _MISSING and ({self.test(sub, 'v')})", indent)
            else:
                check(f"v is _MISSING or ({self.test(sub, 'v')})", indent)
        additional = schema.get("additionalProperties", True)
        if additional is not True:
            allowed = self.constant("frozenset(" + repr(sorted(properties)) + ")", "K")
            if additional is False:
                check(f"{allowed}.issuperset(d)", indent)
            else:
                lines.append(f"{indent}for k, v in d.items():")
                check(f"k in {allowed} or {self.test(additional, 'v')}", indent + "    ")
        if "propertyNames" in schema:
            lines.append(f"{indent}for k in d:")
            check(self.test(schema["propertyNames"], "k"), indent + "    ")
        if guarded:
            lines.append("        pass")


_HANDLED = frozenset({
    "type", "enum", "const", "properties", "required", "additionalProperties", "propertyNames",
    "minProperties", "maxProperties", "items", "minItems", "maxItems", "minLength",
    "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "if", "then", "else", "allOf", "anyOf", "oneOf", "not", "contains",
})

_EQUAL = '''

def _equal(one, two):
    # jsonschema._utils.equal
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return one == two
'''

_PRELUDE = '''\
"""GENERATED by `python -m ragft_lint.core._codegen` from schemas/*.json and policies/*.yaml.

Do not edit: change the data and regenerate. tests/test_fastpath.py fails while this module
is stale, and ragft_lint.core.fastpath uses it only when SOURCE_DIGEST matches the packaged data.
"""
# ruff: noqa
# mypy: ignore-errors
from __future__ import annotations

import re as _re
from datetime import date as _date

SOURCE_DIGEST = {digest!r}

_MISSING = object()
_NUMBERS = (int, float)
_RE_DATE = _re.compile(r"^\\d{{4}}-\\d{{2}}-\\d{{2}}$", _re.ASCII)


def _is_date(value):
    # jsonschema._format.is_date
    if not _RE_DATE.fullmatch(value):
        return False
    try:
        _date.fromisoformat(value)
    except ValueError:
        return False
    return True


'''


def _check_explainable(schema: Any) -> None:
    """The manifest schema may use only keywords `schema_errors.iter_errors` explains."""
    from ragft_lint.core.schema_errors import EXPLAINED_KEYWORDS

    if isinstance(schema, dict):
        unknown = set(schema) - EXPLAINED_KEYWORDS - _ANNOTATIONS
        if unknown:
            raise UnsupportedSchema(f"the manifest schema uses {sorted(unknown)}, which "
                                    "ragft_lint.core.schema_errors does not explain")
        for keyword, value in schema.items():
            if keyword in ("properties",):
                for sub in value.values():
                    _check_explainable(sub)
            elif keyword in ("items", "additionalProperties", "if", "then", "else", "not"):
                _check_explainable(value)
            elif keyword == "allOf":
                for sub in value:
                    _check_explainable(sub)


def source_files(schema_dir: str, policy_dir: str) -> list[tuple[str, str]]:
    """(label, path) of every file the generated module depends on, in digest order."""
    out = [(f"schemas/{n}", os.path.join(schema_dir, n))
           for n in sorted(os.listdir(schema_dir)) if n.endswith(".json")]
    out += [(f"policies/{n}", os.path.join(policy_dir, n))
            for n in sorted(os.listdir(policy_dir)) if n.endswith((".yaml", ".yml"))
            and os.path.isfile(os.path.join(policy_dir, n))]
    return out


def digest(contents: Iterable[tuple[str, bytes]]) -> str:
    """A checksum of (label, bytes) pairs; `core.fastpath` computes the same at run time."""
    crc = 0
    total = 0
    for label, data in contents:
        crc = zlib.crc32(label.encode() + b"\0" + data + b"\0", crc)
        total += len(data)
    return f"{crc:08x}-{total}"


def render(schema_dir: str, policy_dir: str) -> str:
    """The text of `_generated.py` for the data in these folders."""
    from ragft_lint.core.policy import is_policy_file, load_policy

    files = source_files(schema_dir, policy_dir)
    contents = []
    for label, path in files:
        with open(path, "rb") as handle:
            contents.append((label, handle.read()))
    compiler = _Compiler()
    with open(os.path.join(schema_dir, "llm-project.schema.json"), encoding="utf-8") as handle:
        manifest_schema = json.load(handle)
    _check_explainable(manifest_schema)
    compiler.function(manifest_schema, "manifest_is_valid")
    manifest_functions = sorted(compiler.function_by_digest.items())
    from ragft_lint.core.bibliography import read_sources_file
    from ragft_lint.core.evidence import SOURCES_FILE

    sources = read_sources_file(os.path.join(policy_dir, SOURCES_FILE))
    policies = [load_policy(path, sources) for label, path in files
                if label.startswith("policies/") and is_policy_file(os.path.basename(path))]
    matcher_lines = []
    policy_entries = []
    for policy in policies:
        condition = policy.condition(policy.params)
        name = compiler.function(condition, f"_when_{policy.id}")
        matcher_lines.append(f"    {repr(condition)!r}: {name},")
        policy_entries.append({
            "file": os.path.basename(policy.source),
            "id": policy.rule.id, "name": policy.rule.name, "title": policy.rule.title,
            "severity": policy.rule.severity.value, "criterion": policy.rule.criterion,
            "rationale": policy.rule.rationale, "remediation": policy.rule.remediation,
            "evidence": [{"source": e.source.id, "claim": e.claim, "strength": e.strength}
                         for e in policy.rule.evidence],
            "pointer": policy.pointer, "when": policy.when, "message": policy.message,
            "params": policy.params, "examples_fail": policy.examples_fail,
            "examples_pass": policy.examples_pass, "exceeds": policy.exceeds,
        })
    parts = [_PRELUDE.format(digest=digest(contents))]
    if any("_equal(" in f for f in compiler.functions):  # only for list/object constants
        parts.append(_EQUAL)
    parts += [*compiler.constants, "", ""]
    parts.append("\n\n\n".join(compiler.functions))
    parts += [
        "", "",
        "# repr() of a policy condition with its parameters substituted -> compiled condition.",
        "# A policy whose condition (after configuration) is not exactly one of these keys is",
        "# evaluated by jsonschema instead.",
        "MATCHER_BY_CONDITION = {", *matcher_lines, "}",
        "",
        "# schema_errors.schema_digest() of each subschema of the manifest schema compiled",
        "# above -> its function: explaining an invalid manifest skips the parts they pass.",
        "FUNCTION_BY_SCHEMA = {",
        *(f"    {digest_!r}: {name}," for digest_, name in manifest_functions), "}",
        "",
        "",
        "def manifest_schema():",
        '    """schemas/llm-project.schema.json, for explaining an invalid manifest."""',
        "    return " + pprint.pformat(manifest_schema, width=96, sort_dicts=False)
        .replace("\n", "\n           "),
        "",
        "",
        "def source_data():",
        '    """policies/sources.yaml as data (Source fields), built afresh on each call."""',
        "    return " + pprint.pformat([vars(s) for s in sources.values()], width=96,
                                      sort_dicts=False).replace("\n", "\n           "),
        "",
        "",
        "def policy_data():",
        '    """The built-in policy files as data (Policy fields; `file` is the name in',
        '    policies/), built afresh on each call so no caller can change another\'s."""',
        "    return " + pprint.pformat(policy_entries, width=96, sort_dicts=False)
        .replace("\n", "\n           "),
        "",
    ]
    return "\n".join(parts)


def default_paths() -> tuple[str, str, str]:
    """(schemas dir, policies dir, output file) of this source tree."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return (os.path.join(root, "schemas"), os.path.join(root, "policies"),
            os.path.join(root, "ragft_lint", "core", "_generated.py"))


def main(argv: list[str] | None = None) -> int:
    schema_dir, policy_dir, output = default_paths()
    text = render(schema_dir, policy_dir)
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        with open(output, encoding="utf-8") as handle:
            if handle.read() != text:
                print(f"{output} is stale: run python -m ragft_lint.core._codegen", file=sys.stderr)
                return 1
        return 0
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

