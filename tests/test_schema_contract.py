"""The packaged schema is the public contract: described for editors, and strict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ragft_lint.core.resources import load_schema


def iter_properties(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property the schema declares, with its path. The top level's `allOf` (the
    schema_version 1 restrictions) only restates keys declared here and is not walked."""
    if not isinstance(schema, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}/{name}", sub
        yield from iter_properties(sub, f"{path}/{name}")
    if "items" in schema:
        yield from iter_properties(schema["items"], f"{path}/items")
    for key in ("then", "else"):
        yield from iter_properties(schema.get(key), path)
    if path:
        for sub in schema.get("allOf", ()):
            yield from iter_properties(sub, path)


@pytest.mark.parametrize("name", ["llm-project.schema.json", "policy.schema.json"])
def test_the_package_ships_the_repositorys_schemas(name: str) -> None:
    # What `ragft-lint schema` prints and the editor offers is schemas/ as committed.
    # (schema_file, not load_schema: that one is cached once per process.)
    from ragft_lint.core.resources import schema_file

    shipped = schema_file(name).read_text(encoding="utf-8")
    assert shipped == (Path(__file__).parent.parent / "schemas" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["llm-project.schema.json", "policy.schema.json"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", ["llm-project.schema.json", "policy.schema.json"])
def test_every_property_has_a_description(name: str) -> None:
    # A branch (if/then) may restate a property to add a constraint: one description per path.
    found = list(iter_properties(load_schema(name)))
    described = {path for path, sub in found if sub.get("description")}
    assert sorted({path for path, _ in found} - described) == []


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
    assert schema["properties"]["approach"]["enum"] == ["rag", "fine-tune", "hybrid", "prompting"]
    assert criteria["properties"]["data_dynamics"]["enum"] == [
        "static", "yearly", "quarterly", "monthly", "weekly", "daily", "realtime", "unknown"]


def _errors(data: Any) -> list[str]:
    validator = Draft202012Validator(load_schema("llm-project.schema.json"))
    return sorted(e.message for e in validator.iter_errors(data))


V2_MANIFEST: dict[str, Any] = {
    "schema_version": 2, "project": "p", "approach": "prompting",
    "criteria": {
        "external_data": {"required": True, "sources": [{"name": "kb", "kind": "document-store"}],
                          "size_tokens": 150000},
        "behavior_adaptation": "unknown", "adaptation_goals": ["tone", "domain-knowledge"],
        "hallucination_tolerance": "unknown", "labeled_examples": "unknown",
        "labeled_data_quality": "unknown", "data_dynamics": "unknown",
        "interpretability": "unknown"},
    "constraints": {"context_window_tokens": 200000, "latency_budget_ms": 800,
                    "queries_per_day": 5000, "eval_set": False,
                    "base_model": {"name": "m", "parameters_billion": 0.5, "weights": "hosted"}},
}


def test_v2_accepts_prompting_unknown_needs_and_the_new_fields() -> None:
    assert _errors(V2_MANIFEST) == []
    whole_unknown = {**V2_MANIFEST, "criteria": {**V2_MANIFEST["criteria"],
                                                 "external_data": "unknown"}}
    assert _errors(whole_unknown) == []


@pytest.mark.parametrize(("key", "value"), [
    ("labeled_examples", "many"), ("labeled_examples", -1), ("adaptation_goals", ["voice"]),
    ("labeled_data_quality", "clean"), ("external_data", "maybe"), ("external_data", 3),
])
def test_v2_still_rejects_what_is_neither_a_value_nor_unknown(key: str, value: Any) -> None:
    data = {**V2_MANIFEST, "criteria": {**V2_MANIFEST["criteria"], key: value}}
    assert _errors(data) != []


def test_v1_refuses_everything_v2_adds_and_says_so() -> None:
    """schema_version 1 is unchanged: prompting, `unknown` and the new keys stay errors."""
    data = {**V2_MANIFEST, "schema_version": 1}
    validator = Draft202012Validator(load_schema("llm-project.schema.json"))
    messages = {e.schema.get("x-message") for e in validator.iter_errors(data)}
    assert all(m and m.endswith("needs schema_version: 2 (`ragft-lint migrate` upgrades "
                                "the manifest)") for m in messages)
    paths = {"/".join(map(str, e.absolute_path)) for e in validator.iter_errors(data)}
    assert paths == {
        "approach", "criteria/external_data/size_tokens", "criteria/adaptation_goals",
        "criteria/labeled_data_quality", *(f"criteria/{k}" for k in (
            "behavior_adaptation", "hallucination_tolerance", "labeled_examples",
            "data_dynamics", "interpretability")),
        *(f"constraints/{k}" for k in ("context_window_tokens", "latency_budget_ms",
                                       "queries_per_day", "eval_set", "base_model"))}


def test_v1_restrictions_name_only_declared_keys() -> None:
    """The schema_version 1 branch restates keys; a typo there would restrict nothing."""
    schema = load_schema("llm-project.schema.json")
    declared = {path for path, _ in iter_properties(schema)}
    restricted = {path for path, _ in iter_properties(schema["allOf"][0]["then"])}
    assert restricted and restricted <= declared


CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_library_manifests_are_valid_v2(path: Path) -> None:
    """The published cases are written in schema_version 2 and must stay valid against it,
    through jsonschema and through the compiled fast path alike."""
    from ruamel.yaml import YAML

    from ragft_lint.core import _generated

    manifest = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["manifest"]
    assert _errors(manifest) == []
    assert _generated.manifest_is_valid(manifest)


def test_readme_version_2_example_is_valid() -> None:
    from ruamel.yaml import YAML

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Version 2", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    data = YAML(typ="safe").load(block)
    assert data["schema_version"] == 2
    assert _errors({**data, "project": "readme"}) == []
