"""Validate a manifest against the packaged JSON Schema; one readable finding per problem.

jsonschema's own messages are written for programmers ("[] should be non-empty"); a person
wants the key, the value, what is allowed and, for a near miss, the likely intended word.
Each error is therefore rewritten here from its validator keyword, and placed at the line of
the offending key (unknown keys) or value (everything else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import ManifestError
from ragft_lint.core.finding import Finding, Fix, Severity
from ragft_lint.core.fixes import MAX_FIXES_PER_MANIFEST, YAML11_BOOLEAN_BY_WORD, schema_fix
from ragft_lint.core.manifest import Manifest
from ragft_lint.core.pointer import from_path, join, resolve
from ragft_lint.core.rules import SCHEMA_VIOLATION
from ragft_lint.core.text import did_you_mean, show_value

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator


# YAML 1.1 read these as booleans; YAML 1.2 (and so ragft-lint) reads them as strings.
YAML11_BOOLEANS = frozenset(YAML11_BOOLEAN_BY_WORD)

_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "a boolean (true or false)", "null": "null",
}


@cache
def manifest_validator() -> Validator:
    """The manifest schema's validator, built once per process."""
    from ragft_lint.core.resources import MANIFEST_SCHEMA, load_schema

    return compile_schema(load_schema(MANIFEST_SCHEMA))


def compile_schema(schema: dict[str, Any]) -> Validator:
    """A draft 2020-12 validator that also checks `format: date`."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema, format_checker=FormatChecker(formats=("date",)))


def validate_manifest(manifest: Manifest) -> list[Finding]:
    """Schema findings for `manifest`, in file order; empty when it is valid."""
    # The compiled schema recognises a valid manifest without importing jsonschema; an
    # invalid one is explained the way jsonschema would (ragft_lint.core.schema_errors).
    from ragft_lint.core import fastpath

    # (The no-mutate pragmas mark where a mutant can only pick the other path or skip a
    # cache: the same findings, slower; tests/test_fastpath.py holds the two paths equal.)
    compiled = fastpath.generated()  # pragma: no mutate
    if compiled is not None and compiled.manifest_is_valid(manifest.data):  # pragma: no mutate
        return []
    validator = manifest_validator() if compiled is None else _explainer(compiled)
    refused = version_refusals(manifest.data)
    problems = list(_iter_problems(validator, manifest.data, refused))
    fixes: list[Fix | None] = []
    fixes_left = MAX_FIXES_PER_MANIFEST
    for error, pointer, _, at_key in problems:
        fix = None
        if fixes_left:
            # Never a value or key the manifest's schema_version refuses.
            spec, schema = error.validator_value, error.schema
            if error.validator == "enum" and isinstance(spec, list):
                spec = [o for o in spec if o not in refused(pointer)]
            if at_key and isinstance(schema, dict) and "properties" in schema:
                parent = pointer.rpartition("/")[0]
                schema = {**schema, "properties": {
                    k: v for k, v in schema["properties"].items()
                    if ANY_VALUE not in refused(join(parent, k))}}
            fix = schema_fix(manifest, str(error.validator), schema, spec, pointer, at_key)
            fixes_left -= fix is not None
        fixes.append(fix)
    fixes = _keep_schema(manifest, problems, fixes, validator, compiled, refused)
    findings = []
    for (_, pointer, message, at_key), fix in zip(problems, fixes, strict=True):
        span = manifest.span(pointer, key=at_key)
        findings.append(Finding(
            file=manifest.path, line=span.line, column=span.column, rule=SCHEMA_VIOLATION.id,
            severity=Severity.ERROR, message=message, pointer=pointer,
            end_line=span.end_line, end_column=span.end_column,
            remediation=SCHEMA_VIOLATION.remediation, fix=fix,
        ))
    return sorted(findings)


def _iter_problems(validator: Any, data: Any, refused: Callable[[str], frozenset[Any]]
                   ) -> Iterator[tuple[ValidationError, str, str, bool]]:
    """(error, pointer, message, at key) for each distinct problem of `data`."""
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(data):
        for pointer, message, at_key in describe(error, refused):
            if (pointer, message) not in seen:
                seen.add((pointer, message))
                yield error, pointer, message, at_key


def _keep_schema(manifest: Manifest, problems: list[tuple[ValidationError, str, str, bool]],
                 fixes: list[Fix | None], validator: Any, compiled: Any,
                 refused: Callable[[str], frozenset[Any]]) -> list[Fix | None]:
    """`fixes` without any that, applied together as `--fix` applies them, would add a
    schema problem the manifest does not have (a version 2 value or key in a version 1
    manifest; `required: yes` made `true` where no source is listed): a fix may leave a
    manifest invalid for other reasons, never for its own.

    A fix whose place an added problem is at, under or above is dropped, and the rest tried
    again (all of them when the problem is at the top of the manifest)."""
    from ragft_lint.core.fixes import apply_fixes
    from ragft_lint.core.manifest import compose

    before = {(pointer, message) for _, pointer, message, _ in problems}
    kept = fixes[:]
    while any(kept):
        fixed, _ = apply_fixes(manifest.text, [f for f in kept if f is not None])
        try:
            data, _, _ = compose(fixed)
        except ManifestError:
            return [None] * len(kept)
        if compiled is not None and compiled.manifest_is_valid(data):  # pragma: no mutate
            break
        # What a renamed key holds is judged only under its right name: a problem found
        # there was revealed, not made, by the fix (the next pass of --fix may fix it).
        added = [pointer for _, pointer, message, _ in
                 _iter_problems(validator, data, version_refusals(data))
                 if (pointer, message) not in before and _exists(manifest.data, pointer)]
        if not added:
            break
        # A renamed key's problems turn up under its new name: its mapping is its place.
        places = [pointer.rpartition("/")[0] if at_key else pointer
                  for _, pointer, _, at_key in problems]
        blamed = [i for i, fix in enumerate(kept) if fix is not None
                  and any(_related(places[i], pointer) for pointer in added)]
        for index in blamed or range(len(kept)):
            kept[index] = None
    return kept


_MISSING = object()


def _exists(data: Any, pointer: str) -> bool:
    """Whether `pointer` names a value in `data`."""
    return resolve(data, pointer, _MISSING) is not _MISSING


def _related(one: str, other: str) -> bool:
    """Whether two pointers are the same, or one is inside the other."""
    return (one == other or one.startswith(other + "/") or other.startswith(one + "/")
            or not one or not other)


#: In what `version_refusals` returns: the key itself is refused, whatever its value.
ANY_VALUE = object()


def version_refusals(data: Any) -> Callable[[str], frozenset[Any]]:
    """The values the manifest's own schema_version refuses at a pointer: the schema's
    `if schema_version is N then ... not: {const: X}` branches (version 1 refuses
    'unknown' and 'prompting'; `not: {}`, ANY_VALUE, refuses the key), so no message
    suggests them and no fix writes them."""
    from ragft_lint.core.resources import load_schema

    version = data.get("schema_version") if isinstance(data, dict) else None
    branches = [entry.get("then") or {} for entry in load_schema().get("allOf", ())
                if (entry.get("if") or {}).get("properties", {}).get("schema_version", {})
                .get("const", object()) == version and not isinstance(version, bool)]

    def refused(pointer: str) -> frozenset[Any]:
        found: set[Any] = set()
        for node in branches:
            for token in pointer.split("/")[1:]:
                node = (node.get("properties") or {}).get(token) if isinstance(node, dict) \
                    else None
            if isinstance(node, dict):
                for clause in (node, *(node.get("allOf") or ())):
                    refusal = clause.get("not") if isinstance(clause, dict) else None
                    if refusal == {}:  # the key itself: `size_tokens needs schema_version 2`
                        found.add(ANY_VALUE)
                    elif isinstance(refusal, dict) and "const" in refusal:
                        found.add(refusal["const"])
        return frozenset(found)

    return refused


def describe(error: ValidationError,
             refused: Callable[[str], frozenset[Any]] | None = None
             ) -> list[tuple[str, str, bool]]:
    """(pointer, message, point at the key rather than the value) for each problem in `error`.

    One jsonschema error can hold several problems (every unknown key of a mapping); each
    becomes its own entry so each gets its own line. `refused` (version_refusals) names the
    values the manifest's schema_version does not allow at a pointer: an enum's message
    neither lists nor suggests them.
    """
    path = list(error.absolute_path)
    pointer = from_path(path)
    where = _dotted(path)
    keyword = str(error.validator)
    value: Any = error.instance
    spec: Any = error.validator_value
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-message")
    if keyword == "additionalProperties":
        allowed = [k for k in schema.get("properties", {})
                   if refused is None or ANY_VALUE not in refused(join(pointer, k))]
        return [(join(pointer, name),
                 _at(where, _unknown_key(name, allowed)), True)
                for name in value if name not in allowed]
    if keyword == "required":
        missing = [k for k in spec if isinstance(value, dict) and k not in value]
        names = ", ".join(repr(k) for k in missing)
        text = custom or f"missing required key{'s' if len(missing) > 1 else ''} {names}"
        return [(pointer, _at(where, text), True)]
    if keyword == "enum" and refused is not None and isinstance(spec, list):
        spec = [o for o in spec if o not in refused(pointer)]
    return [(pointer, _at(where, custom or _value_message(keyword, value, spec, error)), False)]


def _unknown_key(name: str, allowed: list[str]) -> str:
    if name == "<<":
        return ("merge keys (<<) are a YAML 1.1 extension ragft-lint does not read; "
                "write the keys out")
    return f"unknown key {show_value(name)}{did_you_mean(name, allowed)}"


def _value_message(keyword: str, value: Any, spec: Any, error: ValidationError) -> str:
    if keyword == "enum":
        options = ", ".join(str(o) for o in spec)
        hint = did_you_mean(value, [str(o) for o in spec]) if isinstance(value, str) else ""
        return f"{show_value(value)} is not one of {options}{hint}"
    if keyword == "const":
        return f"{show_value(value)} is not supported; use {show_value(spec)}"
    if keyword == "type":
        types = [spec] if isinstance(spec, str) else spec
        expected = " or ".join(_TYPE_NAMES[t] for t in types)  # jsonschema knows no others
        message = f"expected {expected}, got {_kind(value)}"
        if spec == "boolean" and isinstance(value, str) and value in YAML11_BOOLEANS:
            message += (f"; YAML 1.2 reads {value!r} as a string, not a boolean "
                        "(it was one in YAML 1.1): write true or false")
        return message
    if keyword in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return "must not be empty"
    if keyword == "minItems":
        return f"must have at least {spec} item{'s' if spec != 1 else ''}"
    if keyword == "minimum":
        return f"{show_value(value)} is less than the minimum {spec}"
    if keyword in ("format", "pattern") and spec in ("date", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"):
        return f"{show_value(value)} is not a valid date (YYYY-MM-DD)"
    return error_text(error)


#: The longest message a jsonschema error becomes (its own words plus excerpts).
MAX_ERROR_TEXT = 240


def error_text(error: ValidationError) -> str:
    """jsonschema's message for `error`, with the offending value shown as every message
    shows one (`show_value`: a short excerpt, escaped) and the whole cut visibly past
    MAX_ERROR_TEXT characters: jsonschema quotes the whole value, which may be a file's
    worth of someone else's text."""
    message = str(error.message)
    instance = error.instance
    if isinstance(instance, (str, dict, list)) and instance:
        quoted = repr(instance)
        if quoted in message:
            message = message.replace(quoted, show_value(instance))
    if len(message) > MAX_ERROR_TEXT:
        message = f"{message[:MAX_ERROR_TEXT]}… (cut, {len(message):,} characters)"
    return message


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def _dotted(path: list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {show_value(value)}"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {show_value(value)}"
    if isinstance(value, int):
        return f"the integer {show_value(value)}"
    return f"the number {show_value(value)}"


_EXPLAINER_BY_MODULE: dict[str, Any] = {}


def _explainer(compiled: Any) -> Any:
    """The explainer for the packaged schema, built once per process."""
    explainer = _EXPLAINER_BY_MODULE.get(compiled.SOURCE_DIGEST)  # pragma: no mutate
    if explainer is None:  # pragma: no mutate
        from ragft_lint.core.schema_errors import ManifestExplainer

        tests = getattr(compiled, "FUNCTION_BY_SCHEMA", None)  # pragma: no mutate
        explainer = ManifestExplainer(compiled.manifest_schema(), tests)
        _EXPLAINER_BY_MODULE[compiled.SOURCE_DIGEST] = explainer  # pragma: no mutate
    return explainer
