"""The scoring weights are cited data: every weight cites a known source, the file is
validated, and the strength of the evidence and the close-call margin change what a user
sees."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ragft_lint.core.engine import Engine
from ragft_lint.core.errors import PolicyError
from ragft_lint.core.manifest import compose, read_manifest
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.decide.recommend import (
    APPROACHES,
    STRENGTHS,
    Recommender,
    load_scoring,
    parse_scoring,
)
from ragft_lint.decide.recommend_format import load_bibliography

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "policies" / "scoring" / "weights.yaml"
EXAMPLES = ROOT / "examples"
PACK = PolicyPack(load_builtin_policies())


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = compose(WEIGHTS.read_text(encoding="utf-8"))[0]
    return data


def _recommender(data: dict[str, Any]) -> Recommender:
    return Recommender(Engine(PACK), parse_scoring(data, PACK.params, str(WEIGHTS)))


def test_every_weight_cites_a_known_source() -> None:
    bibliography = load_bibliography()
    assert bibliography, "policies/sources.yaml is missing or empty"
    scoring = load_scoring(PACK.params)
    names = []
    for name, weight in scoring.iter_weights():
        names.append(name)
        assert weight.evidence, f"{name} cites nothing"
        for evidence in weight.evidence:
            assert evidence.source in bibliography, f"{name} cites unknown {evidence.source}"
            assert evidence.strength in STRENGTHS
            assert len(evidence.claim.split()) >= 5, f"{name}: say what the source says"
    # Every approach's build cost and every value of every criterion is a cited weight.
    assert {n for n in names if n.startswith("approach_cost/")} == {
        f"approach_cost/{a}" for a in APPROACHES}
    assert len(names) == len(APPROACHES) + sum(len(c.values) for c in scoring.criteria)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["criteria"][0]["values"][0].pop("evidence"),
     "invalid scoring weights at /criteria/0/values/0: 'evidence' is a required property"),
    (lambda d: d["criteria"][0]["values"][0].__setitem__("evidence", []),
     "invalid scoring weights at /criteria/0/values/0/evidence: [] should be non-empty"),
    (lambda d: d["approach_cost"]["rag"]["evidence"][0].__setitem__("strength", "certain"),
     "invalid scoring weights at /approach_cost/rag/evidence/0/strength: 'certain' is not one of"),
    (lambda d: d["criteria"][1]["values"][0]["cost"].__setitem__("rag", 4),
     "invalid scoring weights at /criteria/1/values/0/cost/rag: 4 is greater than the maximum"),
    (lambda d: d["criteria"][0]["values"][0]["evidence"][0].__setitem__("source", "nobody-2099"),
     "cites source 'nobody-2099', which policies/sources.yaml does not list"),
])
def test_a_weight_without_valid_evidence_is_refused(change: Any, message: str) -> None:
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(PolicyError) as caught:
        parse_scoring(data, PACK.params, "weights.yaml")
    assert message in str(caught.value)


def test_the_weights_schema_reads_evidence_as_the_policy_meta_schema_does() -> None:
    """One shape of evidence everywhere: a weight's and a policy's entries match."""
    from ragft_lint.core.resources import load_schema

    weights_item = load_schema("weights.schema.json")["$defs"]["evidence"]["items"]
    policy_evidence = load_schema("policy.schema.json")["properties"].get("evidence")
    if policy_evidence is None:
        pytest.skip("the policy meta-schema has no evidence field yet")
    policy_item = policy_evidence.get("items", {})
    assert set(weights_item["required"]) == set(policy_item["required"])
    assert (weights_item["properties"]["strength"]["enum"]
            == policy_item["properties"]["strength"]["enum"])


def _margin(recommender: Recommender, example: str) -> tuple[str | None, int | None, bool]:
    manifest = read_manifest(str(EXAMPLES / example / "llm-project.yaml"))
    rec = recommender.recommend(manifest, sensitivity=False)
    return rec.recommended, rec.assessment.margin, rec.assessment.close_call


def _external_data_false(data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = next(v for v in data["criteria"][0]["values"] if v["value"] is False)
    return entry


@pytest.mark.parametrize("strength", STRENGTHS)
def test_stronger_evidence_weighs_more(strength: str) -> None:
    """fine-tune/pass: fine-tune leads hybrid because retrieval has nothing to search
    (level 2 for hybrid). Rating that evidence weak, moderate or strong moves the margin
    by exactly level x factor."""
    with_weight = copy.deepcopy(_raw())
    for evidence in _external_data_false(with_weight)["evidence"]:
        evidence["strength"] = strength
    without_weight = copy.deepcopy(with_weight)
    _external_data_false(without_weight)["cost"]["hybrid"] = 0
    recommended, margin, _ = _margin(_recommender(with_weight), "fine-tune/pass")
    _, margin_without, _ = _margin(_recommender(without_weight), "fine-tune/pass")
    assert recommended == "fine-tune"
    assert margin is not None and margin_without is not None
    level = _external_data_false(with_weight)["cost"]["hybrid"]
    assert margin - margin_without == level * with_weight["strength_factor"][strength]


def test_strength_factors_keep_their_order() -> None:
    factor = load_scoring(PACK.params).factor
    assert factor["strong"] > factor["moderate"] > factor["weak"] > 0


@pytest.mark.parametrize(("max_margin", "close"), [(4, False), (5, True)])
def test_the_close_call_margin_is_the_weights_files(max_margin: int, close: bool) -> None:
    data = copy.deepcopy(_raw())
    data["close_call"]["max_margin"] = max_margin
    recommended, margin, close_call = _margin(_recommender(data), "fine-tune/pass")
    assert (recommended, margin, close_call) == ("fine-tune", 5, close)


def test_load_scoring_reads_the_packaged_file() -> None:
    scoring = load_scoring(PACK.params)
    assert scoring.close_call_margin == _raw()["close_call"]["max_margin"]
    assert scoring.simplicity_order == tuple(_raw()["simplicity_order"])


def test_a_threshold_naming_no_parameter_is_a_setup_error() -> None:
    """A band edge `{$param: name}` must name a policy parameter; a typo there is reported
    as a setup error naming the weights file, never a traceback."""
    data = copy.deepcopy(_raw())
    labels = next(c for c in data["criteria"] if c["key"] == "labeled_examples")
    labels["bands"][0]["below"] = {"$param": "min_labelled_exampels"}
    with pytest.raises(PolicyError) as caught:
        parse_scoring(data, PACK.params, "weights.yaml")
    assert "invalid scoring weights: KeyError: 'min_labelled_exampels'" in str(caught.value)
    assert caught.value.where == "weights.yaml"


def test_simplicity_order_lists_each_approach_once() -> None:
    data = copy.deepcopy(_raw())
    data["simplicity_order"] = ["rag", "rag", "fine-tune", "hybrid"]
    with pytest.raises(PolicyError, match="invalid scoring weights at /simplicity_order"):
        parse_scoring(data, PACK.params, "weights.yaml")
