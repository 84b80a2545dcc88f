"""core/schema_errors.py explains an invalid manifest exactly as jsonschema would.

Every keyword it covers (EXPLAINED_KEYWORDS: all the manifest schema may use, so a schema
edit stays explainable without jsonschema) is compared with jsonschema's own
Draft202012Validator on the same schema and instance: same errors, in the same order, with
the same message, keyword and instance path. Those messages are what RFT003 findings are
made of, so a difference would change a user's finding with the fast path on or off.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from ragft_lint.core.schema_errors import EXPLAINED_KEYWORDS, iter_errors

CASES: list[tuple[dict[str, Any] | bool, Any]] = [
    (True, {"anything": 1}),
    (False, {"a": 1}),
    (False, "text"),
    ({"type": "object"}, []),
    ({"type": ["integer", "null"]}, "x"),
    ({"type": "integer"}, 3.0),  # an integral float is an integer in JSON Schema
    ({"type": "integer"}, True),  # a boolean is not
    ({"type": "number"}, False),
    ({"type": "boolean"}, 0),
    ({"type": "null"}, 0),
    ({"type": "array"}, {}),
    ({"enum": [1, "a", None]}, 1.0),
    ({"enum": [1, "a", None]}, True),
    ({"enum": [[1, 2], {"k": [True]}]}, [1, 2.0]),
    ({"enum": [[1, 2], {"k": [True]}]}, {"k": [1]}),
    ({"enum": [[1, 2]]}, [1]),
    ({"enum": [{"a": 1}]}, {"b": 1}),
    ({"enum": [[1]]}, {"a": 1}),
    ({"const": False}, 0),
    ({"const": "x"}, "y"),
    ({"required": ["a", "b"], "properties": {"a": {"type": "string"}}}, {"a": 1}),
    ({"required": ["a"]}, "not an object"),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "c": 2, "b": 3}),
    ({"additionalProperties": False}, {"only": 1}),
    ({"additionalProperties": {"type": "integer"}, "properties": {"a": {}}},
     {"a": "x", "b": "y", "c": 3}),
    ({"items": {"type": "string"}}, ["a", 2, None]),
    ({"items": True}, [1]),
    ({"minItems": 1}, []),
    ({"minItems": 3}, [1]),
    ({"maxItems": 0}, [1]),
    ({"maxItems": 1}, [1, 2]),
    ({"minLength": 1}, ""),
    ({"minLength": 3}, "ab"),
    ({"maxLength": 0}, "a"),
    ({"maxLength": 2}, "abc"),
    ({"pattern": "^[a-z]+$"}, "Abc"),
    ({"pattern": "^[a-z]+$"}, 5),
    ({"format": "date"}, "2026-02-30"),
    ({"format": "date"}, "2026-1-1"),
    ({"format": "date"}, "2026-12-03"),
    ({"format": "email"}, "not checked"),  # only `date` is a checked format
    ({"minimum": 0}, -1),
    ({"minimum": 0}, "not a number"),
    ({"maximum": 10}, 10.5),
    ({"exclusiveMinimum": 0}, 0),
    ({"exclusiveMaximum": 1}, 1),
    ({"if": {"properties": {"a": {"const": True}}}, "then": {"required": ["b"]},
      "else": {"required": ["c"]}}, {"a": True}),
    ({"if": {"properties": {"a": {"const": True}}}, "then": {"required": ["b"]},
      "else": {"required": ["c"]}}, {"a": False}),
    ({"if": {"const": 1}}, 2),
    ({"allOf": [{"type": "string"}, {"minLength": 2}]}, 1),
    ({"not": {"type": "string"}}, "x"),
    ({"not": {"type": "string"}}, 1),
    ({"properties": {"a": {"properties": {"b": {"items": {"enum": ["x"]}}}}}},
     {"a": {"b": ["x", "y"]}}),
]


def ours(schema: Any, instance: Any) -> list[tuple[str, str, list[Any]]]:
    return [(e.message, str(e.validator), list(e.absolute_path))
            for e in iter_errors(schema, instance)]


def theirs(schema: Any, instance: Any) -> list[tuple[str, str, list[Any]]]:
    # As core/schema.py builds it: of the formats, only `date` is checked.
    validator = Draft202012Validator(schema, format_checker=FormatChecker(formats=("date",)))
    return [(e.message, str(e.validator), list(e.absolute_path))
            for e in validator.iter_errors(instance)]


@pytest.mark.parametrize(("schema", "instance"), CASES, ids=[repr(c)[:60] for c in CASES])
def test_errors_are_jsonschemas(schema: Any, instance: Any) -> None:
    assert ours(schema, instance) == theirs(schema, instance)


def test_every_explained_keyword_is_compared() -> None:
    used = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            for keyword, value in schema.items():
                used.add(keyword)
                for sub in (value.values() if keyword == "properties" else [value]):
                    walk(sub)
                if isinstance(value, list):
                    for sub in value:
                        walk(sub)

    for schema, _ in CASES:
        walk(schema)
    assert sorted(EXPLAINED_KEYWORDS - used) == []


@pytest.mark.parametrize("schema", [{"patternProperties": {"^x": {}},
                                     "additionalProperties": False},
                                    {"prefixItems": [{}], "items": False}])
def test_keywords_it_cannot_explain_fail_loudly(schema: dict[str, Any]) -> None:
    # The generator refuses them for the manifest schema; were one to slip through, a wrong
    # explanation would be worse than an internal error.
    with pytest.raises(ValueError, match="is not supported"):
        ours(schema, {"x": 1} if "patternProperties" in schema else [1, 2])
