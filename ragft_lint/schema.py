"""Validate a manifest against the packaged JSON Schema; one readable finding per problem.

jsonschema's own messages are written for programmers ("[] should be non-empty"); a person
wants the key, the value, what is allowed and, for a near miss, the likely intended word.
Each error is therefore rewritten here from its validator keyword, and placed at the line of
the offending key (unknown keys) or value (everything else).
"""

from __future__ import annotations

from functools import lru_cache
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ragft_lint.finding import Finding, Severity
from ragft_lint.manifest import Manifest, escape_pointer_token
from ragft_lint.rules import SCHEMA_VIOLATION

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator


# YAML 1.1 read these as booleans; YAML 1.2 (and so ragft-lint) reads them as strings.
YAML11_BOOLEANS = frozenset(
    w for word in ("yes", "no", "on", "off", "y", "n")
    for w in (word, word.capitalize(), word.upper())
)

_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "a boolean (true or false)", "null": "null",
}


@lru_cache(maxsize=None)
def manifest_validator() -> Validator:
    """The manifest schema's validator, built once per process."""
    from ragft_lint.resources import MANIFEST_SCHEMA, load_schema

    return compile_schema(load_schema(MANIFEST_SCHEMA))


def compile_schema(schema: dict[str, Any]) -> Validator:
    """A draft 2020-12 validator that also checks `format: date`."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema, format_checker=FormatChecker(formats=("date",)))


def validate_manifest(manifest: Manifest) -> list[Finding]:
    """Schema findings for `manifest`, in file order; empty when it is valid.

    A valid manifest is recognised by the compiled schema (`ragft_lint.fastpath`) without
    importing jsonschema; jsonschema is what explains an invalid one.
    """
    from ragft_lint import fastpath

    module = fastpath.generated()
    errors: Iterable[Any]
    if module is None:
        errors = manifest_validator().iter_errors(manifest.data)
    elif module.manifest_is_valid(manifest.data):
        return []
    else:
        errors = iter_errors(_packaged_manifest_schema(module), manifest.data)
    seen: set[tuple[str, str]] = set()
    findings = []
    for error in errors:
        pointer, message, at_key = describe(error)
        if (pointer, message) in seen:
            continue
        seen.add((pointer, message))
        span = manifest.span(pointer, key=at_key)
        findings.append(Finding(
            file=manifest.path, line=span.line, column=span.column, rule=SCHEMA_VIOLATION.id,
            severity=Severity.ERROR, message=message, pointer=pointer,
            end_line=span.end_line, end_column=span.end_column,
        ))
    return sorted(findings)


@lru_cache(maxsize=1)
def _packaged_manifest_schema(module: Any) -> dict[str, Any]:
    schema: dict[str, Any] = module.manifest_schema()
    return schema


# --- explaining without jsonschema -----------------------------------------------------------
# The manifest schema's errors, produced exactly as jsonschema's Draft202012Validator (with the
# `date` format checked) produces them: same keywords, same order (schema keywords in their
# written order, depth first), same instance paths and messages. It covers the keywords
# `_codegen.EXPLAINED_KEYWORDS` lists, which is all the manifest schema may use (checked when
# the fast path is generated); tests/test_fastpath.py compares both on generated manifests.
# Importing jsonschema costs more than checking a thousand manifests, so only custom policies
# and policy files still need it.


class SchemaError:
    """What `describe` reads of a jsonschema ValidationError."""

    __slots__ = ("absolute_path", "instance", "message", "schema", "validator",
                 "validator_value")

    def __init__(self, message: str, validator: str, validator_value: Any, instance: Any,
                 schema: dict[str, Any], path: tuple[str | int, ...]):
        self.message = message
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.absolute_path = path


def iter_errors(schema: Any, instance: Any, path: tuple[str | int, ...] = ()
                ) -> Iterator[SchemaError]:
    """jsonschema's `iter_errors` for the keywords the manifest schema uses."""
    if schema is True:
        return
    if schema is False:
        yield SchemaError(f"False schema does not allow {instance!r}", "false", False,
                          instance, {}, path)
        return
    for keyword, value in schema.items():
        check = _CHECK_BY_KEYWORD.get(keyword)
        if check is None:
            continue
        for message, sub_path, sub_error in check(value, instance, schema, path):
            if sub_error is not None:
                yield sub_error
            else:
                yield SchemaError(message, keyword, value, instance, schema, sub_path)


def _is_valid(schema: Any, instance: Any) -> bool:
    return next(iter_errors(schema, instance), None) is None


def _is_type(instance: Any, name: str) -> bool:
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if isinstance(instance, bool) or not isinstance(instance, (int, float)):
        return False
    if name == "number":
        return True
    if name == "integer":
        return isinstance(instance, int) or instance.is_integer()
    raise ValueError(f"unknown type {name!r}")


def _equal(one: Any, two: Any) -> bool:
    """jsonschema._utils.equal: bool is not a number, 1 == 1.0, containers element-wise."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(k in two and _equal(v, two[k])
                                            for k, v in one.items())
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return bool(one == two)


_Yield = Iterator[tuple[str, tuple[str | int, ...], "SchemaError | None"]]


def _descend(schema: Any, instance: Any, path: tuple[str | int, ...]) -> _Yield:
    for error in iter_errors(schema, instance, path):
        yield "", path, error


def _k_type(types: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    names = [types] if isinstance(types, str) else types
    if not any(_is_type(instance, name) for name in names):
        yield f"{instance!r} is not of type {', '.join(repr(n) for n in names)}", path, None


def _k_enum(options: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if all(not _equal(option, instance) for option in options):
        yield f"{instance!r} is not one of {options!r}", path, None


def _k_const(const: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if not _equal(instance, const):
        yield f"{const!r} was expected", path, None


def _k_properties(properties: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if isinstance(instance, dict):
        for name, sub in properties.items():
            if name in instance:
                yield from _descend(sub, instance[name], (*path, name))


def _k_required(required: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if isinstance(instance, dict):
        for name in required:
            if name not in instance:
                yield f"{name!r} is a required property", path, None


def _k_additional(additional: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if not isinstance(instance, dict):
        return
    if "patternProperties" in schema:
        raise ValueError("patternProperties is not supported")
    properties = schema.get("properties", {})
    extras = {name for name in instance if name not in properties}
    if isinstance(additional, dict):
        for name in extras:
            yield from _descend(additional, instance[name], (*path, name))
    elif not additional and extras:
        names = sorted(extras, key=str)
        verb = "was" if len(names) == 1 else "were"
        yield (f"Additional properties are not allowed "
               f"({', '.join(repr(n) for n in names)} {verb} unexpected)"), path, None


def _k_items(items: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if "prefixItems" in schema:
        raise ValueError("prefixItems is not supported")
    if isinstance(instance, list) and items is not True:
        for index, item in enumerate(instance):
            yield from _descend(items, item, (*path, index))


def _k_min_items(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if isinstance(instance, list) and len(instance) < bound:
        yield f"{instance!r} {'should be non-empty' if bound == 1 else 'is too short'}", path, None


def _k_max_items(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if isinstance(instance, list) and len(instance) > bound:
        text = "is expected to be empty" if bound == 0 else "is too long"
        yield f"{instance!r} {text}", path, None


def _k_min_length(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if isinstance(instance, str) and len(instance) < bound:
        yield f"{instance!r} {'should be non-empty' if bound == 1 else 'is too short'}", path, None


def _k_max_length(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if isinstance(instance, str) and len(instance) > bound:
        text = "is expected to be empty" if bound == 0 else "is too long"
        yield f"{instance!r} {text}", path, None


def _k_pattern(pattern: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    import re

    if isinstance(instance, str) and not re.search(pattern, instance):
        yield f"{instance!r} does not match {pattern!r}", path, None


_DATE_RE: list[Any] = []


def _k_format(name: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    # Only `date` is checked (see compile_schema); jsonschema._format.is_date.
    if name != "date" or not isinstance(instance, str):
        return
    if not _DATE_RE:
        import re

        _DATE_RE.append(re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII))
    import datetime

    valid = bool(_DATE_RE[0].fullmatch(instance))
    if valid:
        try:
            datetime.date.fromisoformat(instance)
        except ValueError:
            valid = False
    if not valid:
        yield f"{instance!r} is not a {name!r}", path, None


def _bound(keyword: str, fails: Callable[[Any, Any], bool], text: str) -> Callable[..., _Yield]:
    def check(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
        if _is_type(instance, "number") and fails(instance, bound):
            yield f"{instance!r} {text} {bound!r}", path, None

    check.__name__ = f"_k_{keyword}"
    return check


def _k_if(condition: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if _is_valid(condition, instance):
        if "then" in schema:
            yield from _descend(schema["then"], instance, path)
    elif "else" in schema:
        yield from _descend(schema["else"], instance, path)


def _k_all_of(subs: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    for sub in subs:
        yield from _descend(sub, instance, path)


def _k_not(sub: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if _is_valid(sub, instance):
        yield f"{instance!r} should not be valid under {sub!r}", path, None


_CHECK_BY_KEYWORD: dict[str, Callable[..., _Yield]] = {
    "type": _k_type, "enum": _k_enum, "const": _k_const, "properties": _k_properties,
    "required": _k_required, "additionalProperties": _k_additional, "items": _k_items,
    "minItems": _k_min_items, "maxItems": _k_max_items, "minLength": _k_min_length,
    "maxLength": _k_max_length, "pattern": _k_pattern, "format": _k_format,
    "minimum": _bound("minimum", lambda v, b: v < b, "is less than the minimum of"),
    "maximum": _bound("maximum", lambda v, b: v > b, "is greater than the maximum of"),
    "exclusiveMinimum": _bound("exclusiveMinimum", lambda v, b: v <= b,
                               "is less than or equal to the minimum of"),
    "exclusiveMaximum": _bound("exclusiveMaximum", lambda v, b: v >= b,
                               "is greater than or equal to the maximum of"),
    "if": _k_if, "allOf": _k_all_of, "not": _k_not,
}
EXPLAINED_KEYWORDS = frozenset(_CHECK_BY_KEYWORD) | {"then", "else"}


def describe(error: ValidationError | SchemaError) -> tuple[str, str, bool]:
    """(pointer, message, whether to point at the key rather than the value) for one error."""
    path = list(error.absolute_path)
    pointer = "".join(f"/{escape_pointer_token(str(p))}" for p in path)
    where = _dotted(path)
    keyword = error.validator
    value = error.instance
    spec: Any = error.validator_value
    custom = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    at_key = False
    if keyword == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        name = extra[0] if extra else "?"
        allowed = list(error.schema.get("properties", {}))
        pointer = pointer + "/" + escape_pointer_token(name)
        message = f"unknown key {name!r}{_did_you_mean(name, allowed)}"
        if name == "<<":
            message = "merge keys (<<) are a YAML 1.1 extension ragft-lint does not read; write the keys out"
        return pointer, _at(_dotted(path), message) if path else message, True
    if keyword == "required":
        missing = [k for k in spec if isinstance(value, dict) and k not in value]
        if custom:
            text = custom
        else:
            names = ", ".join(repr(k) for k in missing)
            text = f"missing required key{'s' if len(missing) > 1 else ''} {names}"
        return pointer, _at(where, text), True
    if custom:
        return pointer, _at(where, custom), at_key
    if keyword == "enum":
        options = ", ".join(str(o) for o in spec)
        hint = _did_you_mean(value, [str(o) for o in spec]) if isinstance(value, str) else ""
        message = f"{_show(value)} is not one of {options}{hint}"
    elif keyword == "const":
        message = f"{_show(value)} is not supported; use {_show(spec)}"
    elif keyword == "type":
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in ([spec] if isinstance(spec, str) else spec))
        message = f"expected {expected}, got {_kind(value)}"
        if spec == "boolean" and isinstance(value, str) and value in YAML11_BOOLEANS:
            message += (f"; YAML 1.2 reads {value!r} as a string, not a boolean "
                        "(it was one in YAML 1.1): write true or false")
    elif keyword in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        message = "must not be empty"
    elif keyword == "minItems":
        message = f"must have at least {spec} item{'s' if spec != 1 else ''}"
    elif keyword == "minimum":
        message = f"{_show(value)} is less than the minimum {spec}"
    elif keyword in ("format", "pattern") and spec in ("date", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"):
        message = f"{_show(value)} is not a valid date (YYYY-MM-DD)"
    else:
        message = error.message
    return pointer, _at(where, message), at_key


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def _dotted(path: list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return _kind(value)
    return repr(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {_show(value)}"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int):
        return f"the integer {value}"
    return f"the number {value}"
