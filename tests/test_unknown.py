"""schema_version 2 lets a team say a need is `unknown`: no policy ever fires on it."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ragft_lint.core.engine import Engine
from ragft_lint.core.policy import Policy, PolicyPack, load_builtin_policies
from tests.conftest import to_yaml

BUILTIN = load_builtin_policies()
PACK = PolicyPack(BUILTIN)


def _check(tmp_path: Path, data: Any) -> set[str]:
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    result = Engine(PACK).check(str(path))
    assert result.policies_run, [f.message for f in result.findings]
    return {f.rule for f in result.findings}


def _with_unknown(example: Any, need: tuple[str, ...]) -> Any:
    data = copy.deepcopy(example)
    data["schema_version"] = 2
    node = data
    for token in need[:-1]:
        node = node[token]
    node[need[-1]] = "unknown"
    if need == ("criteria", "external_data", "required"):
        node.pop("sources", None)
    return data


CASES = [(policy, index, need)
         for policy in BUILTIN
         for index, _ in enumerate(policy.examples_fail)
         for need in policy.needs_read]


def test_every_policy_reading_a_need_is_covered() -> None:
    """Only policies that read no criterion at all (constraints only) are left out."""
    assert {p.id for p, _, _ in CASES} == {p.id for p in BUILTIN} - {"RFT701", "RFT702",
                                                                      "RFT703"}


@pytest.mark.parametrize(("policy", "index", "need"), CASES,
                         ids=[f"{p.id}-{i}-{'.'.join(n[1:])}" for p, i, n in CASES])
def test_a_policy_never_fires_on_an_unknown_need(tmp_path: Path, policy: Policy, index: int,
                                                 need: tuple[str, ...]) -> None:
    example = policy.examples_fail[index]
    as_v2 = dict(copy.deepcopy(example), schema_version=2)
    assert policy.id in _check(tmp_path, as_v2), "the fail example fires as v2 too"
    assert policy.id not in _check(tmp_path, _with_unknown(example, need))


def test_a_whole_unknown_mapping_hides_the_needs_below_it(tmp_path: Path) -> None:
    [example] = BUILTIN[0].examples_fail  # RFT101: fine-tune with external data required
    data = dict(copy.deepcopy(example), schema_version=2)
    data["criteria"]["external_data"] = "unknown"
    assert "RFT101" not in _check(tmp_path, data)


def test_v1_word_unknown_is_a_schema_error_not_a_silent_pass(tmp_path: Path) -> None:
    data = copy.deepcopy(BUILTIN[0].examples_fail[0])
    data["criteria"]["labeled_examples"] = "unknown"
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    result = Engine(PACK).check(str(path))
    assert not result.policies_run
    assert [f.message for f in result.findings if f.rule == "RFT003"] == [
        "criteria.labeled_examples: 'unknown' needs schema_version: 2 (`ragft-lint migrate` "
        "upgrades the manifest)"]


# --- RFT008: an unknown need the declared approach depends on is reported ---------------------

def _findings(tmp_path: Path, data: Any) -> list[tuple[str, str, str]]:
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    result = Engine(PACK).check(str(path))
    return [(f.rule, f.pointer or "", f.message) for f in result.findings]


V2 = {
    "schema_version": 2, "project": "p", "approach": "fine-tune",
    "criteria": {"external_data": {"required": False}, "behavior_adaptation": "high",
                 "hallucination_tolerance": "medium", "labeled_examples": 5000,
                 "data_dynamics": "static", "interpretability": "low"},
}


def test_each_unknown_need_of_the_approach_is_one_warning(tmp_path: Path) -> None:
    data = copy.deepcopy(V2)
    data["criteria"].update(labeled_examples="unknown", data_dynamics="unknown")
    assert _findings(tmp_path, data) == [
        ("RFT008", "/criteria/labeled_examples", "labeled_examples is unknown, and approach "
         "'fine-tune' depends on it (RFT401, RFT402): declare it"),
        ("RFT008", "/criteria/data_dynamics", "data_dynamics is unknown, and approach "
         "'fine-tune' depends on it (RFT501, RFT502): declare it"),
    ]


def test_an_unknown_need_no_policy_of_the_approach_judges_is_not_reported(
        tmp_path: Path) -> None:
    """rag does not train, so its labelled data does not matter to `check`."""
    data = copy.deepcopy(V2)
    data["approach"] = "rag"
    data["criteria"].update(external_data={"required": True, "sources": [
        {"name": "docs", "kind": "api"}]}, behavior_adaptation="low",
        labeled_examples="unknown", labeled_data_quality="unknown")
    assert _findings(tmp_path, data) == []


def test_a_whole_unknown_mapping_is_one_warning_at_it(tmp_path: Path) -> None:
    data = copy.deepcopy(V2)
    data["criteria"]["external_data"] = "unknown"
    assert [(r, p) for r, p, _ in _findings(tmp_path, data)] == [
        ("RFT008", "/criteria/external_data")]


def test_unknown_warnings_fail_a_warning_gate(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    data = copy.deepcopy(V2)
    data["criteria"]["interpretability"] = "unknown"
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    assert run_cli("check", str(path)).exit_code == 0
    result = run_cli("check", "--fail-on", "warning", str(path))
    assert result.exit_code == 1
    assert "warning RFT008 interpretability is unknown" in result.stdout


def test_a_switched_off_policy_no_longer_makes_its_need_matter(tmp_path: Path) -> None:
    data = copy.deepcopy(V2)
    data["criteria"]["interpretability"] = "unknown"
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    result = Engine(PACK, disabled=frozenset({"RFT601", "RFT602"})).check(str(path))
    assert [f.rule for f in result.findings] == []


@pytest.mark.parametrize(("approach", "warned"), [("rag", set()), ("hybrid", set()),
                                                  ("prompting", {"RFT008"})])
def test_an_unknown_knowledge_size_matters_only_where_a_policy_reads_it(
        tmp_path: Path, approach: str, warned: set[str]) -> None:
    """RFT102 passes through external_data to read `required`; only prompting's RFT103
    compares the size with the context window, so only prompting is reminded of it."""
    data = {"schema_version": 2, "project": "p", "approach": approach,
            "criteria": {"external_data": {"required": True,
                                           "sources": [{"name": "d", "kind": "database"}],
                                           "size_tokens": "unknown"},
                         "behavior_adaptation": "none", "hallucination_tolerance": "high",
                         "labeled_examples": 0, "data_dynamics": "static",
                         "interpretability": "low"},
            "constraints": {"context_window_tokens": 100000}}
    assert _check(tmp_path, data) & {"RFT008"} == warned


# --- which needs a condition reads: what RFT008 and the skipping of policies go by ------------

def _criteria(**properties: Any) -> dict[str, Any]:
    return {"properties": {"criteria": {"properties": properties}}}


READS = [
    # (a team policy's `when`, the needs it reads)
    (_criteria(data_dynamics={"const": "daily"}), [("criteria", "data_dynamics")]),
    ({"properties": {"approach": {"const": "rag"}, "project": {"type": "string"}}}, []),
    ({"properties": {"criteria": {"required": ["interpretability", 7]}}},
     [("criteria", "interpretability")]),
    ({"required": ["criteria"]}, []),
    (_criteria(external_data={"properties": {"required": {"const": True}},
                              "required": ["sources"]}),
     [("criteria", "external_data"), ("criteria", "external_data", "required"),
      ("criteria", "external_data", "sources")]),
    ({"allOf": [_criteria(labeled_examples={"maximum": 10})]},
     [("criteria", "labeled_examples")]),
    ({"anyOf": [_criteria(labeled_examples={"maximum": 10}),
                _criteria(labeled_data_quality={"const": "low"})]},
     [("criteria", "labeled_data_quality"), ("criteria", "labeled_examples")]),
    ({"oneOf": [_criteria(interpretability={"const": "high"})]},
     [("criteria", "interpretability")]),
    ({"not": _criteria(hallucination_tolerance={"const": "high"})},
     [("criteria", "hallucination_tolerance")]),
    ({"if": _criteria(behavior_adaptation={"const": "high"}),
      "then": _criteria(data_dynamics={"const": "daily"}),
      "else": _criteria(interpretability={"const": "low"})},
     [("criteria", "behavior_adaptation"), ("criteria", "data_dynamics"),
      ("criteria", "interpretability")]),
    ({"properties": {"criteria": {"anyOf": [{"properties": {"interpretability": {}}}]}}},
     [("criteria", "interpretability")]),  # an applicator below criteria reads below it
    ({"properties": {"criteria": {"properties": None}}, "allOf": "not a list"}, []),
]


@pytest.mark.parametrize(("when", "reads"), READS)
def test_the_needs_a_condition_reads_are_found_through_every_applicator(
        when: dict[str, Any], reads: list[tuple[str, ...]]) -> None:
    # A fresh policy each time (built-in ones keep what they worked out).
    policy = replace(BUILTIN[0], when=when, pointer="", exceeds=None)
    assert list(policy.needs_read) == reads


def test_the_pointer_and_the_compared_number_count_as_read() -> None:
    policy = replace(BUILTIN[0], when={}, pointer="/criteria/external_data/size_tokens",
                     exceeds="/constraints/context_window_tokens")
    assert policy.needs_read == (("criteria", "external_data", "size_tokens"),)
    assert policy.reads_unknown({"criteria": {"external_data": "unknown"}})
    assert policy.reads_unknown({"criteria": {"external_data": {"size_tokens": "unknown"}}})
    assert not policy.reads_unknown({"criteria": {"external_data": {"size_tokens": 5,
                                                                    "required": "unknown"}}})
    assert not policy.reads_unknown({"criteria": "unknown-ish"})
    assert not policy.reads_unknown({"criteria": ["unknown"]})
    # The number it compares: only numbers (a YAML `true` is not one) larger than the limit.
    limit = {"constraints": {"context_window_tokens": 100}}
    for size, larger in ((101, True), (100.5, True), (100, False), (True, False), ("200", False)):
        data = {"criteria": {"external_data": {"size_tokens": size}}, **limit}
        assert policy.compares(data) is larger
    assert not policy.compares({"criteria": {"external_data": {"size_tokens": 101}}})
    assert replace(policy, exceeds=None).compares({}), "no number to compare: nothing to stop it"
