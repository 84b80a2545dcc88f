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
    # Containers compare element-wise and only with their own kind; at each bound's edge.
    ({"enum": [["a"]]}, {"a": 1}),
    ({"enum": [{"a": 1}]}, {"a": 1, "b": 2}),
    ({"enum": [{"k": [1]}]}, {"k": [1.0]}),
    ({"additionalProperties": True}, {"x": 1}),
    ({"additionalProperties": False}, {1: "x", "b": 2}),  # YAML keys need not be strings
    ({"items": {"type": "integer"}}, "ab"),
    ({"items": False}, [1]),
    ({"items": False}, [1, 2]),
    ({"items": False}, []),
    ({"minItems": 1}, ""),
    ({"minItems": 2}, [1, 2]),
    ({"maxItems": 0}, "a"),
    ({"maxItems": 2}, [1, 2]),
    ({"minLength": 2}, "ab"),
    ({"maxLength": 0}, ["a"]),
    ({"maxLength": 2}, "ab"),
    ({"minimum": 0}, 0),
    ({"maximum": 10}, 10),
    ({"maximum": 10}, "eleven"),
    ({"exclusiveMinimum": 0}, 0.5),
    ({"exclusiveMaximum": 1}, 0.5),
    ({"exclusiveMaximum": 1}, [2]),
    ({"format": "date"}, "\uff12\uff10\uff12\uff16-12-03"),  # full-width digits: not ASCII
    ({"format": "date"}, 20261203),
]


Error = tuple[str, str, Any, Any, list[Any]]


def shown(error: Any) -> Error:
    """What core/schema.py's describe reads of an error."""
    return (error.message, str(error.validator), error.validator_value, error.instance,
            list(error.absolute_path))


def ours(schema: Any, instance: Any) -> list[Error]:
    return [shown(e) for e in iter_errors(schema, instance)]


def theirs(schema: Any, instance: Any) -> list[Error]:
    # As core/schema.py builds it: of the formats, only `date` is checked.
    validator = Draft202012Validator(schema, format_checker=FormatChecker(formats=("date",)))
    return [shown(e) for e in validator.iter_errors(instance)]


# ASCII ids: one with other characters cannot be selected by its node id (as mutmut does).
@pytest.mark.parametrize(("schema", "instance"), CASES,
                         ids=[repr(c)[:60].encode("ascii", "replace").decode() for c in CASES])
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
    keyword = "patternProperties" if "patternProperties" in schema else "prefixItems"
    with pytest.raises(ValueError, match=rf"^{keyword} is not supported$"):
        ours(schema, {"x": 1} if "patternProperties" in schema else [1, 2])


def test_a_type_it_does_not_know_fails_loudly() -> None:
    with pytest.raises(ValueError, match=r"^unknown type 'mapping'$"):
        ours({"type": "mapping"}, 1)


def test_a_part_its_compiled_test_finds_valid_is_not_walked() -> None:
    # The fast path's explainer trusts each compiled subschema's test (generated from the
    # same schema) and skips what it passes; here a test that passes everything shows it.
    import copy

    from ragft_lint.core.schema_errors import ManifestExplainer, schema_digest

    schema = {"properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}
    fresh = copy.deepcopy(schema)  # the same schema, not registered
    passes = {schema_digest(schema["properties"]["a"]): lambda instance: True}
    explainer = ManifestExplainer(schema, passes)
    assert [e.absolute_path for e in explainer.iter_errors({"a": "x", "b": 1})] == [("b",)]
    assert [e.absolute_path for e in iter_errors(fresh, {"a": "x", "b": 1})] == [
        ("a",), ("b",)]


def test_the_packaged_explainer_gives_jsonschemas_errors() -> None:
    # Built afresh with the generated module's compiled tests (checks build theirs once per
    # process): what each manifest's RFT003 findings are made of.
    from ragft_lint.core import _generated
    from ragft_lint.core.schema_errors import ManifestExplainer, schema_digest
    from tests.conftest import make_manifest

    schema = _generated.manifest_schema()
    explainer = ManifestExplainer(schema, _generated.FUNCTION_BY_SCHEMA)
    invalid = [make_manifest(approach="retrieval"), make_manifest(criteria__labeled_examples=-1),
               make_manifest(waivers=[{"rule": "RFT501", "expires": "2026-02-30"}]),
               make_manifest(criteria__external_data={"required": True, "sources": []}),
               make_manifest(criteria=None), [], make_manifest(extra={"a": 1})]
    for instance in invalid:
        assert [shown(e) for e in explainer.iter_errors(instance)] == theirs(schema, instance)
        assert theirs(schema, instance), "each is invalid"
    # Each compiled test is found by the digest of the subschema it was generated from.
    digests: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            digests.add(schema_digest(node))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert set(_generated.FUNCTION_BY_SCHEMA) <= digests
    assert all(len(digest) == 24 for digest in _generated.FUNCTION_BY_SCHEMA)
