"""The packaged schema is the public contract: described for editors, and strict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ragft_lint.core.resources import load_schema


def iter_properties(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}/{name}", sub
        yield from iter_properties(sub, f"{path}/{name}")
    if "items" in schema:
        yield from iter_properties(schema["items"], f"{path}/items")


@pytest.mark.parametrize("name", ["llm-project.schema.json", "policy.schema.json"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", ["llm-project.schema.json", "policy.schema.json"])
def test_every_property_has_a_description(name: str) -> None:
    missing = [path for path, sub in iter_properties(load_schema(name))
               if not sub.get("description")]
    assert missing == []


def test_manifest_mappings_reject_unknown_keys() -> None:
    """Unknown keys are errors everywhere but metadata, so typos cannot switch a check off."""
    open_mappings = []

    def walk(schema: Any, path: str) -> None:
        if not isinstance(schema, dict):
            return
        if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
            open_mappings.append(path)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{path}/{name}")
        walk(schema.get("items"), f"{path}/items")

    walk(load_schema("llm-project.schema.json"), "")
    assert open_mappings == ["/metadata"]


def test_public_names_are_kept() -> None:
    schema = load_schema("llm-project.schema.json")
    criteria = schema["properties"]["criteria"]
    assert set(criteria["required"]) == {
        "external_data", "behavior_adaptation", "hallucination_tolerance", "labeled_examples",
        "data_dynamics", "interpretability"}
    assert schema["properties"]["approach"]["enum"] == ["rag", "fine-tune", "hybrid"]
    assert criteria["properties"]["data_dynamics"]["enum"] == [
        "static", "yearly", "quarterly", "monthly", "weekly", "daily", "realtime"]
