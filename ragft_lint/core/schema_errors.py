"""Explain why a manifest does not match the packaged schema, without importing jsonschema.

jsonschema costs more to import than checking a thousand manifests, and a run only needs it
to *explain* an invalid manifest (a valid one is recognised by the compiled schema in
`ragft_lint.core._generated`). `ManifestExplainer.iter_errors` produces the manifest schema's
errors exactly as jsonschema's Draft202012Validator (with the `date` format checked) does:
same keywords, same order (schema keywords in their written order, depth first), same
instance paths and messages, as objects with the attributes `schema.describe` reads. It
covers the keywords in `EXPLAINED_KEYWORDS`, which is all the manifest schema may use (the
generator checks); tests/test_fastpath.py compares both ways on generated manifests.
Custom policies and policy files are still validated by jsonschema itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class SchemaError:
    """What `describe` reads of a jsonschema ValidationError."""

    __slots__ = ("absolute_path", "instance", "message", "schema", "validator",
                 "validator_value")

    def __init__(self, message: str, validator: str | None, validator_value: Any, instance: Any,
                 schema: dict[str, Any], path: tuple[str | int, ...]):
        self.message = message
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.absolute_path = path


#: Keywords that say nothing about validity (messages, documentation).
ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "title", "description", "examples", "default",
    "deprecated", "readOnly", "writeOnly", "x-message",
})


def schema_digest(schema: dict[str, Any]) -> str:
    """What identifies a subschema's meaning: a digest of it without its annotations (the
    generator names each function it compiles by this, in FUNCTION_BY_SCHEMA)."""
    import hashlib

    kept = {k: v for k, v in schema.items() if k not in ANNOTATIONS}
    return hashlib.sha256(repr(kept).encode()).hexdigest()[:24]


# id(subschema) -> (the subschema, its compiled test): a part of the instance that its
# subschema's compiled test finds valid has no errors to explain, and is not walked. Filled
# by ManifestExplainer for the schema it holds (which lives as long as the process).
_VALID_BY_ID: dict[int, tuple[Any, Callable[[Any], bool]]] = {}


def iter_errors(schema: Any, instance: Any, path: tuple[str | int, ...] = ()
                ) -> Iterator[SchemaError]:
    """jsonschema's `iter_errors` for the keywords the manifest schema uses."""
    if schema is True:
        return
    known = _VALID_BY_ID.get(id(schema))
    if known is not None and known[0] is schema and known[1](instance):
        return
    if schema is False:
        # jsonschema names no keyword for it either (its validator is None).
        yield SchemaError(f"False schema does not allow {instance!r}", None, None,
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
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
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
    if not isinstance(instance, list) or items is True or not instance:
        return
    if items is False:  # no item at all (there are no prefixItems)
        rest = instance if len(instance) != 1 else instance[0]
        yield (f"Expected at most 0 items but found {len(instance)} extra: {rest!r}", path,
               None)
        return
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


def _k_format(name: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    # Only `date` is checked (see compile_schema).
    if name == "date" and isinstance(instance, str) and not _is_date(instance):
        yield f"{instance!r} is not a {name!r}", path, None


def _is_date(text: str) -> bool:
    """jsonschema._format.is_date: four, two and two ASCII digits that make a real date."""
    import re

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII) is None:  # re caches the pattern
        return False
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# The four bounds, written out rather than made by a factory at import: each is its own
# function, as jsonschema's are.
def _k_minimum(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if _is_type(instance, "number") and instance < bound:
        yield f"{instance!r} is less than the minimum of {bound!r}", path, None


def _k_maximum(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if _is_type(instance, "number") and instance > bound:
        yield f"{instance!r} is greater than the maximum of {bound!r}", path, None


def _k_exclusive_minimum(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if _is_type(instance, "number") and instance <= bound:
        yield f"{instance!r} is less than or equal to the minimum of {bound!r}", path, None


def _k_exclusive_maximum(bound: Any, instance: Any, schema: Any, path: Any) -> _Yield:
    if _is_type(instance, "number") and instance >= bound:
        yield f"{instance!r} is greater than or equal to the maximum of {bound!r}", path, None


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
    "minimum": _k_minimum, "maximum": _k_maximum, "exclusiveMinimum": _k_exclusive_minimum,
    "exclusiveMaximum": _k_exclusive_maximum,
    "if": _k_if, "allOf": _k_all_of, "not": _k_not,
}
EXPLAINED_KEYWORDS = frozenset(_CHECK_BY_KEYWORD) | {"then", "else"}


class ManifestExplainer:
    """The manifest schema's errors for one data value, as jsonschema would yield them.

    `compiled` (a generated module's FUNCTION_BY_SCHEMA) lets it skip every part of the
    data that the compiled test of its subschema finds valid: the same errors, without
    walking the valid parts of the schema (most of an invalid manifest is valid)."""

    def __init__(self, schema: dict[str, Any],
                 compiled: dict[str, Callable[[Any], bool]] | None = None):
        self.schema = schema
        if compiled:
            stack: list[Any] = [schema]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    test = compiled.get(schema_digest(node))
                    if test is not None:
                        _VALID_BY_ID[id(node)] = (node, test)
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        return iter_errors(self.schema, instance)
