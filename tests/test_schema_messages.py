"""What a user reads for each kind of schema error: `describe` turns a jsonschema error into
a pointer and a message, for manifests (RFT003) and for configuration and policy files
(exit 2), which use keywords the manifest schema does not (const, minItems, unions)."""

from __future__ import annotations

from typing import Any

import pytest

from ragft_lint.core.schema import compile_schema, describe

MESSAGES: list[tuple[dict[str, Any], Any, list[tuple[str, str, bool]]]] = [
    # (schema, instance, [(pointer, message, pointing at the key)])
    ({"properties": {"v": {"const": 2}}}, {"v": 1}, [("/v", "v: 1 is not supported; use 2",
                                                      False)]),
    ({"properties": {"n": {"type": ["integer", "null"]}}}, {"n": "x"},
     [("/n", "n: expected an integer or null, got the string 'x'", False)]),
    ({"properties": {"s": {"type": "string"}}}, {"s": None},
     [("/s", "s: expected a string, got null", False)]),
    ({"properties": {"s": {"type": "string"}}}, {"s": {}},
     [("/s", "s: expected a string, got a mapping", False)]),
    ({"properties": {"s": {"type": "string"}}}, {"s": True},
     [("/s", "s: expected a string, got the boolean true", False)]),
    ({"properties": {"s": {"type": "string"}}}, {"s": 3},
     [("/s", "s: expected a string, got the integer 3", False)]),
    ({"properties": {"s": {"type": "string"}}}, {"s": 2.5},
     [("/s", "s: expected a string, got the number 2.5", False)]),
    # The YAML 1.1 hint is for booleans, and for YAML 1.1's words only.
    ({"properties": {"i": {"type": "integer"}}}, {"i": "yes"},
     [("/i", "i: expected an integer, got the string 'yes'", False)]),
    ({"properties": {"b": {"type": "boolean"}}}, {"b": "maybe"},
     [("/b", "b: expected a boolean (true or false), got the string 'maybe'", False)]),
    ({"properties": {"b": {"type": "boolean"}}}, {"b": "on"},
     [("/b", "b: expected a boolean (true or false), got the string 'on'; YAML 1.2 reads 'on' "
       "as a string, not a boolean (it was one in YAML 1.1): write true or false", False)]),
    ({"properties": {"l": {"minItems": 1}}}, {"l": []},
     [("/l", "l: must have at least 1 item", False)]),
    ({"properties": {"l": {"minItems": 2}}}, {"l": [1]},
     [("/l", "l: must have at least 2 items", False)]),
    ({"properties": {"p": {"pattern": "^[a-z]+$"}}}, {"p": "ABC"},
     [("/p", "p: 'ABC' does not match '^[a-z]+$'", False)]),
    ({"properties": {"d": {"format": "date"}}}, {"d": "2026-02-30"},
     [("/d", "d: '2026-02-30' is not a valid date (YYYY-MM-DD)", False)]),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"<<": 1, "b": 2},
     [("/<<", "merge keys (<<) are a YAML 1.1 extension ragft-lint does not read; write the "
       "keys out", True), ("/b", "unknown key 'b'", True)]),
    ({"properties": {"e": {"enum": [1, 2]}}}, {"e": "x"}, [("/e", "e: 'x' is not one of 1, 2",
                                                            False)]),
    ({"required": ["a"]}, {}, [("", "missing required key 'a'", True)]),
    ({"additionalProperties": False}, {"x": 1}, [("/x", "unknown key 'x'", True)]),
    # jsonschema's own words, with the value shown as every message shows one.
    ({"properties": {"l": {"maxItems": 1}}}, {"l": list(range(100))},
     [("/l", "l: a list is too long", False)]),
    ({"properties": {"s": {"maxLength": 3}}}, {"s": "abcdef"},
     [("/s", "s: 'abcdef' is too long", False)]),
    ({"properties": {"s": {"maxLength": 3}}}, {"s": "x" * 300},
     [("/s", "s: '" + "x" * 60 + "…' (cut, 300 characters) is too long", False)]),
    ({"properties": {"m": {"maxProperties": 0}}}, {"m": {"k": 1}},
     [("/m", "m: a mapping is expected to be empty", False)]),
]


@pytest.mark.parametrize(("schema", "instance", "expected"), MESSAGES,
                         ids=[repr(m[:2])[:60] for m in MESSAGES])
def test_each_error_reads_as_one_message(schema: dict[str, Any], instance: Any,
                                         expected: list[tuple[str, str, bool]]) -> None:
    errors = list(compile_schema(schema).iter_errors(instance))
    assert [problem for error in errors for problem in describe(error)] == expected


def test_a_long_message_is_cut_and_says_how_long_it_was() -> None:
    schema = {"properties": {"x": {"not": {"enum": list(range(200))}}}}
    [error] = compile_schema(schema).iter_errors({"x": 5})
    [(pointer, message, _)] = describe(error)
    whole = f"5 should not be valid under {schema['properties']['x']['not']!r}"
    assert pointer == "/x"
    assert message == f"x: {whole[:240]}… (cut, {len(whole):,} characters)"


def test_every_missing_key_is_named_in_one_message() -> None:
    # jsonschema reports each missing key; each report names them all (shown once).
    errors = compile_schema({"required": ["a", "b", "c"]}).iter_errors({"b": 1})
    assert {problem for error in errors for problem in describe(error)} == {
        ("", "missing required keys 'a', 'c'", True)}


@pytest.mark.parametrize(("padding", "cut"), [(199, False), (200, True)])
def test_a_message_of_240_characters_is_whole(padding: int, cut: bool) -> None:
    schema = {"not": {"title": "p" * padding}}  # valid for anything: 5 fails `not`
    [error] = compile_schema(schema).iter_errors(5)
    [(_, message, _)] = describe(error)
    whole = f"5 should not be valid under {schema['not']!r}"
    assert len(whole) == 240 + cut
    assert message == (f"{whole[:240]}… (cut, 241 characters)" if cut else whole)


def test_the_fast_path_explains_as_jsonschema_does_when_built_afresh(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each process builds the fast path's explainer once; built again here, and with the
    # fast path off, an invalid manifest's findings are the same.
    from ragft_lint.core import fastpath, schema
    from ragft_lint.core.manifest import parse_manifest
    from tests.conftest import make_manifest, to_yaml

    texts = [to_yaml(make_manifest(approach="fine-tuned", criteria__labeled_examples=-1)),
             to_yaml(make_manifest(criteria__interpretabilty="high", project=" "))]

    def findings() -> list[list[tuple[str, int, int, str]]]:
        return [[(f.rule, f.line, f.column, f.message)
                 for f in schema.validate_manifest(parse_manifest("m.yaml", text))]
                for text in texts]

    monkeypatch.setattr(schema, "_EXPLAINER_BY_MODULE", {})
    fast = findings()
    assert all(fast) and schema._EXPLAINER_BY_MODULE  # explained, by the fast path
    monkeypatch.setenv(fastpath.DISABLE_ENV, "1")
    fastpath.generated.cache_clear()
    try:
        assert fastpath.generated() is None
        assert findings() == fast
    finally:
        monkeypatch.delenv(fastpath.DISABLE_ENV)
        fastpath.generated.cache_clear()


def test_dates_are_checked_as_dates() -> None:
    # The format checker is on: a well-formed but impossible date is an error.
    assert list(compile_schema({"format": "date"}).iter_errors("2026-02-28")) == []
    assert [e.message for e in compile_schema({"format": "date"}).iter_errors("2026-02-30")] == [
        "'2026-02-30' is not a 'date'"]
