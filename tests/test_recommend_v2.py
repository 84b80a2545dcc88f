"""`ragft-lint recommend` on schema_version 2 manifests: the prompting baseline, needs
declared `unknown`, close calls, no recommendation only when every approach has an error,
the new fields weighed, and the JSON output valid against its schema in every case.

Expected approaches are not written down here: where a test needs to know what an
approach's verdict is, it asks `ragft-lint check` (the oracle) for that manifest with that
approach, or `recommend` itself on a completed copy of the needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ragft_lint.core.resources import load_schema
from tests.conftest import (
    add_brand_voice_pack,
    assert_valid_recommendation,
    changed,
    check_json,
    run_cli,
)

APPROACHES = ("prompting", "rag", "fine-tune", "hybrid")


def _params() -> dict[str, Any]:
    from ragft_lint.core.policy import PolicyPack, load_builtin_policies

    return dict(PolicyPack(load_builtin_policies()).params)


PARAMS = _params()
MIN_LABELS = PARAMS["min_labeled_examples"]
ENOUGH_LABELS = PARAMS["recommended_labeled_examples"]
WINDOW = 128_000


def needs(**changes: Any) -> dict[str, Any]:
    """A v2 manifest with no approach: external documents that fit the window, nothing to
    change in the model's behaviour. `a__b=v` sets data['a']['b']; None removes the key."""
    return changed({
        "schema_version": 2, "project": "v2-project",
        "criteria": {
            "external_data": {"required": True,
                              "sources": [{"name": "handbook", "kind": "document-store"}],
                              "size_tokens": 20_000},
            "behavior_adaptation": "none", "hallucination_tolerance": "low",
            "labeled_examples": 0, "data_dynamics": "monthly", "interpretability": "medium",
        },
        "constraints": {"context_window_tokens": WINDOW},
    }, **changes)


def recommend(write_manifest, data: dict[str, Any], *extra: str) -> dict[str, Any]:
    result = run_cli("recommend", str(write_manifest(data)), "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    assert_valid_recommendation(report)
    return report


def errors_of(write_manifest, data: dict[str, Any], approach: str) -> list[str]:
    """The rules `check` reports as errors for `data` with `approach` written in."""
    path = write_manifest({**data, "approach": approach}, name=f"{approach}.yaml")
    code, report = check_json(path)
    assert code in (0, 1), report
    return [f["rule"] for f in report["findings"] if f["severity"] == "error"]


def _passes(write_manifest, data: dict[str, Any], approach: str) -> None:
    assert errors_of(write_manifest, data, approach) == [], (approach, data)


# --- the prompting baseline ------------------------------------------------------------------

@pytest.mark.parametrize("changes", [
    {},  # external documents of 20,000 tokens in a 128,000-token window
    {"criteria__external_data": {"required": False}},  # nothing external at all
    {"criteria__hallucination_tolerance": "medium", "criteria__interpretability": "low",
     "criteria__data_dynamics": "static"},
], ids=["knowledge-fits", "no-external-data", "relaxed-needs"])
def test_knowledge_that_fits_and_no_behaviour_change_gets_prompting(
        write_manifest, changes: dict[str, Any]) -> None:
    data = needs(**changes)
    report = recommend(write_manifest, data)
    assert report["recommended"] == "prompting", report["explanation"]
    assert report["ranking"][0] == "prompting"
    assert set(report["penalties"]) == set(APPROACHES)
    assert report["explanation"][0].startswith("prompting is recommended: check reports no "
                                               "error for it")
    # prompting weighs no build cost: the build cost is among what decided it over a pipeline.
    assert "build_cost" in [d["criterion"] for d in report["deciding_criteria"]]
    _passes(write_manifest, data, "prompting")
    text = run_cli("recommend", str(write_manifest(data))).stdout
    assert "Recommended: prompting" in text
    assert "  prompting " in text  # its row in the penalty table


def test_knowledge_larger_than_the_window_is_not_given_to_prompting(write_manifest) -> None:
    data = needs(criteria__external_data__size_tokens=WINDOW * 10)
    report = recommend(write_manifest, data)
    assert report["recommended"] not in (None, "prompting")
    row = next(c for c in report["criteria"] if c["key"] == "knowledge_size")
    assert row["value"] == WINDOW * 10
    assert row["shown"] == f"{WINDOW * 10} (more than context_window_tokens {WINDOW})"
    assert row["penalty"]["prompting"] > row["penalty"][report["recommended"]]
    assert "anthropic-contextual-retrieval-2024" in {e["source"] for e in row["evidence"]}
    # prompting is called unfit exactly when check refuses it.
    refused = bool(errors_of(write_manifest, data, "prompting"))
    assert (report["approaches"]["prompting"]["fit"] == "unfit") == refused
    _passes(write_manifest, data, report["recommended"])


def test_the_nearest_change_of_the_knowledge_size_is_one_token_past_the_window(
        write_manifest) -> None:
    report = recommend(write_manifest, needs())
    change = next(c for c in report["sensitivity"] if c["criterion"] == "knowledge_size")
    assert change["value"] == WINDOW + 1
    assert change["recommended"] != "prompting"
    again = recommend(write_manifest, needs(criteria__external_data__size_tokens=WINDOW + 1))
    assert again["recommended"] == change["recommended"]


def test_a_v1_manifest_is_never_offered_prompting(write_manifest) -> None:
    data = needs()
    data["schema_version"] = 1
    del data["criteria"]["external_data"]["size_tokens"]
    del data["constraints"]
    report = recommend(write_manifest, data)
    assert "prompting" not in report["penalties"]
    assert report["recommended"] == "rag"


# --- needs declared unknown -----------------------------------------------------------------

def _band_outcomes(write_manifest, data: dict[str, Any]) -> dict[int, str | None]:
    """What recommend says with each band's lowest labelled count written in."""
    return {count: recommend(write_manifest, needs_with(data, count))["recommended"]
            for count in (0, MIN_LABELS, ENOUGH_LABELS)}


def needs_with(data: dict[str, Any], labels: int) -> dict[str, Any]:
    changed = json.loads(json.dumps(data))
    changed["criteria"]["labeled_examples"] = labels
    return changed


def _expected_sentence(outcomes: dict[int, str | None]) -> str:
    """The dependence as the issue words it, from the band outcomes."""
    runs: list[tuple[int, str | None]] = []
    for count, approach in sorted(outcomes.items()):
        if not runs or runs[-1][1] != approach:
            runs.append((count, approach))
    if len(runs) == 1:
        return f"{runs[0][1]} whatever labeled_examples is"
    assert len(runs) == 2, runs
    return f"{runs[1][1]} if labeled_examples >= {runs[1][0]}, else {runs[0][1]}"


@pytest.mark.parametrize("changes", [
    # knowledge too large for the prompt, nothing to train: rag, whatever the count
    {"criteria__external_data__size_tokens": WINDOW * 10},
    # the same with a medium change of behaviour: hybrid once there are enough examples
    {"criteria__external_data__size_tokens": WINDOW * 10,
     "criteria__behavior_adaptation": "medium"},
    # nothing external, a high change of behaviour: fine-tune once there are enough
    {"criteria__external_data": {"required": False}, "criteria__behavior_adaptation": "high",
     "criteria__hallucination_tolerance": "high", "criteria__interpretability": "low",
     "criteria__data_dynamics": "static"},
], ids=["rag-whatever", "hybrid-with-enough", "fine-tune-with-enough"])
def test_unknown_labeled_examples_states_the_dependence(write_manifest,
                                                       changes: dict[str, Any]) -> None:
    data = needs(**changes, criteria__labeled_examples="unknown")
    outcomes = _band_outcomes(write_manifest, data)
    sentence = _expected_sentence(outcomes)
    report = recommend(write_manifest, data)
    unknown = report["unknown"]
    assert unknown["criteria"] == ["labeled_examples"]
    assert unknown["exhaustive"] is True
    assert unknown["dependence"].startswith(sentence), (unknown["dependence"], outcomes)
    assert {o["values"]["labeled_examples"]: o["recommended"] for o in unknown["outcomes"]} \
        == outcomes
    assert f"Unknown needs: {sentence}" in " ".join(report["explanation"])
    text = run_cli("recommend", str(write_manifest(data))).stdout
    assert f"Unknown needs: {sentence}" in " ".join(text.split())
    # Until the count is known, the recommendation is one that check passes as declared.
    assert report["recommended"] is not None
    _passes(write_manifest, data, report["recommended"])
    if len(set(outcomes.values())) > 1:
        assert unknown["depends_on"] == ["labeled_examples"]
        # ... and one with no error whatever the count turns out to be.
        assert unknown["robust"] == report["recommended"]
        for count in outcomes:
            _passes(write_manifest, needs_with(data, count), report["recommended"])
    else:
        assert unknown["depends_on"] == []


def test_a_choice_made_over_the_unknowns_says_why_a_lighter_approach_lost(
        write_manifest) -> None:
    """As declared an unknown weighs nothing, so an approach that fails for some of its
    values can carry less evidence against it than the approach that passes for all of
    them; the explanation must not call the recommendation's penalty the lowest."""
    data = needs(criteria__external_data__size_tokens=WINDOW * 10,
                 criteria__behavior_adaptation="medium", criteria__labeled_examples="unknown")
    report = recommend(write_manifest, data)
    recommended, lighter = report["recommended"], report["ranking"][0]
    assert lighter != recommended
    assert report["penalties"][lighter] < report["penalties"][recommended]
    assert report["unknown"]["robust"] == recommended
    first = report["explanation"][0]
    assert first.startswith(f"{recommended} is recommended: check reports no error for it as "
                            "declared, and none for any value the unknown needs may take")
    assert "lowest" not in first
    assert (f"{lighter} has less weighted evidence against it as declared "
            f"({report['penalties'][lighter]} points), where the unknown needs weigh nothing, "
            "but check reports an error for it for some values they may take.") \
        in report["explanation"]
    assert errors_of(write_manifest, needs_with(data, 0), lighter), "it does fail for some"
    text = run_cli("recommend", str(write_manifest(data))).stdout
    assert (f"Recommended: {recommended} (worked out over the values the unknown needs may "
            "take)") in text


def test_the_dependence_cases_are_not_all_alike(write_manifest) -> None:
    """The parametrised cases above cover both forms of the sentence."""
    forms = set()
    for changes in ({"criteria__external_data__size_tokens": WINDOW * 10},
                    {"criteria__external_data__size_tokens": WINDOW * 10,
                     "criteria__behavior_adaptation": "medium"}):
        outcomes = _band_outcomes(write_manifest, needs(**changes))
        forms.add(" whatever " in _expected_sentence(outcomes))
    assert forms == {True, False}


def test_an_unknown_knowledge_size_is_tried_as_fitting_and_exceeding(write_manifest) -> None:
    data = needs(criteria__external_data__size_tokens="unknown")
    report = recommend(write_manifest, data)
    unknown = report["unknown"]
    assert unknown["criteria"] == ["knowledge_size"]
    assert sorted(o["values"]["knowledge_size"] for o in unknown["outcomes"]) == \
        ["exceeds", "fits"]
    fits = recommend(write_manifest, needs())["recommended"]
    exceeds = recommend(write_manifest, needs(
        criteria__external_data__size_tokens=WINDOW * 10))["recommended"]
    assert {o["values"]["knowledge_size"]: o["recommended"] for o in unknown["outcomes"]} == \
        {"fits": fits, "exceeds": exceeds}
    if fits != exceeds:
        assert unknown["dependence"].startswith(
            f"{fits} if knowledge_size is within context_window_tokens, else {exceeds}")
    _passes(write_manifest, data, report["recommended"])


@pytest.mark.parametrize("size", [0, 1])
def test_a_knowledge_size_that_fits_every_window_is_not_tried_as_exceeding(
        write_manifest, size: int) -> None:
    """With no context window declared, the window is the unknown; one of at least one
    token holds 0 or 1 token of knowledge, so only "fits" is tried (this was an internal
    error: no window below the knowledge to try)."""
    data = needs(criteria__external_data__size_tokens=size, constraints=None)
    report = recommend(write_manifest, data)
    unknown = report["unknown"]
    assert unknown["criteria"] == ["knowledge_size"]
    assert [o["values"] for o in unknown["outcomes"]] == [{"knowledge_size": "fits"}]
    # What the smallest window gives is what recommend says, whatever the window is.
    smallest = recommend(write_manifest, needs(criteria__external_data__size_tokens=size,
                                               constraints__context_window_tokens=1))
    assert report["recommended"] == smallest["recommended"]
    assert unknown["dependence"] == f"{smallest['recommended']} whatever knowledge_size is"
    _passes(write_manifest, data, report["recommended"])


def test_lighter_approaches_say_for_which_values_of_an_unknown_they_are_chosen(
        write_manifest) -> None:
    """prompting and fine-tune weigh less than the recommendation as declared (an unknown
    weighs nothing) and check never refuses them: the explanation says prompting is the
    recommendation for only some of the goals the change may be for, fine-tune for none."""
    data = needs(criteria__external_data={"required": False},
                 criteria__behavior_adaptation="high", criteria__adaptation_goals="unknown",
                 criteria__hallucination_tolerance="medium",
                 criteria__labeled_examples=ENOUGH_LABELS,
                 criteria__labeled_data_quality="mixed", criteria__data_dynamics="static",
                 criteria__interpretability="medium", constraints=None)
    report = recommend(write_manifest, data)
    recommended = report["recommended"]
    assert report["unknown"]["robust"] == recommended
    # What recommend says for each goal list tried, asked of the completed manifest itself.
    outcomes = []
    for outcome in report["unknown"]["outcomes"]:
        goals = outcome["values"]["adaptation_goals"]
        completed = changed(data, criteria__adaptation_goals=goals or None)
        assert recommend(write_manifest, completed)["recommended"] == outcome["recommended"]
        outcomes.append(outcome["recommended"])
        for lighter in ("prompting", "fine-tune"):
            _passes(write_manifest, completed, lighter)
    assert "prompting" in outcomes and set(outcomes) != {"prompting"}
    assert "fine-tune" not in outcomes
    head = ("{} has less weighted evidence against it as declared ({} points), where the "
            "unknown needs weigh nothing, but it is ")
    for lighter, tail in (("prompting", "the recommendation for only some of the values they "
                                        "may take."),
                          ("fine-tune", "not the recommendation for any value they may take.")):
        assert report["penalties"][lighter] < report["penalties"][recommended]
        assert head.format(lighter, report["penalties"][lighter]) + tail \
            in report["explanation"]


# A team rule beside the built-in RFT401 (fewer than 50 examples refuse fine-tune and hybrid):
# fine-tuning alone waits for the thousand examples the guides recommend, while hybrid's
# retrieval carries the knowledge meanwhile.
TRAIN_ALONE_POLICY = f"""\
id: ACME004
name: fine-tune-alone-needs-the-recommended-examples
title: A model fine-tuned alone needs the recommended labelled examples
criterion: 4
severity: error
pointer: /criteria/labeled_examples
when:
  required: [approach, criteria]
  properties:
    approach: {{const: fine-tune}}
    criteria: {{properties: {{labeled_examples: {{exclusiveMaximum: {ENOUGH_LABELS}}}}}}}
message: approach 'fine-tune' has {{value}} labelled examples
rationale: We train a model alone only on the examples the guides recommend.
remediation: Grow the labelled set, or add retrieval (hybrid).
evidence:
  - {{source: azure-ft-considerations, strength: moderate,
     claim: Fine-tuning asks for thousands of curated examples.}}
examples:
  fail:
    - {{schema_version: 1, project: p, approach: fine-tune,
       criteria: {{external_data: {{required: false}}, behavior_adaptation: high,
                  hallucination_tolerance: medium, labeled_examples: {ENOUGH_LABELS - 1},
                  data_dynamics: static, interpretability: low}}}}
  pass:
    - {{schema_version: 1, project: p, approach: fine-tune,
       criteria: {{external_data: {{required: false}}, behavior_adaptation: high,
                  hallucination_tolerance: medium, labeled_examples: {ENOUGH_LABELS},
                  data_dynamics: static, interpretability: low}}}}
"""


def test_an_unknown_count_split_three_ways_when_no_approach_always_passes(
        write_manifest, tmp_path: Path) -> None:
    """The team's brand-voice rule refuses prompting and rag, RFT401 and ACME004 refuse the
    trained approaches below their counts: every range of labeled_examples has its own
    answer, none passes whatever the count is, and the choice is the approach that passes
    in the most ranges."""
    add_brand_voice_pack(tmp_path)
    (tmp_path / "team" / "ACME004-train-alone.yaml").write_text(TRAIN_ALONE_POLICY,
                                                                 encoding="utf-8")
    data = needs(criteria__external_data={"required": False},
                 criteria__behavior_adaptation="high", criteria__labeled_examples="unknown",
                 criteria__hallucination_tolerance="medium", criteria__interpretability="low",
                 criteria__data_dynamics="static", constraints=None)
    report = recommend(write_manifest, data)
    outcomes = _band_outcomes(write_manifest, data)
    assert len(set(outcomes.values())) == 3, outcomes
    (_, first), (middle, second), (high, third) = sorted(outcomes.items())
    assert first is None
    passes = {a: sum(not errors_of(write_manifest, needs_with(data, count), a)
                     for count in outcomes) for a in APPROACHES}
    chosen = report["recommended"]
    assert passes[chosen] == max(passes.values()) < len(outcomes)
    assert report["unknown"]["robust"] is None
    assert report["unknown"]["dependence"] == (
        f"no approach if labeled_examples < {middle}; "
        f"{second} if {middle} <= labeled_examples < {high}; "
        f"{third} if labeled_examples >= {high}; no approach passes whatever they are: "
        f"{chosen} passes in {passes[chosen]} of {len(outcomes)} combinations, the most")
    _passes(write_manifest, data, chosen)


def test_a_whole_criterion_mapping_may_be_unknown(write_manifest) -> None:
    data = needs(criteria__external_data="unknown")
    report = recommend(write_manifest, data)
    assert "external_data" in report["unknown"]["criteria"]
    row = next(c for c in report["criteria"] if c["key"] == "external_data")
    assert row["unknown"] is True
    assert report["recommended"] is not None
    _passes(write_manifest, data, report["recommended"])


def test_many_unknowns_are_summarised_and_still_recommend(write_manifest) -> None:
    data = needs(**{f"criteria__{key}": "unknown" for key in (
        "behavior_adaptation", "hallucination_tolerance", "labeled_examples", "data_dynamics",
        "interpretability", "labeled_data_quality")})
    report = recommend(write_manifest, data)
    unknown = report["unknown"]
    assert len(unknown["criteria"]) == 6
    assert unknown["dependence"]
    assert report["recommended"] is not None
    _passes(write_manifest, data, report["recommended"])
    markdown = run_cli("recommend", str(write_manifest(data)), "--format", "markdown").stdout
    assert "Unknown needs:" in markdown


def test_too_many_unknowns_with_external_data_unknown_still_recommend(write_manifest) -> None:
    """Above 4096 combinations each unknown is varied alone: the knowledge size cannot be
    written into an external_data still `unknown` as a whole, so it is not tried, and the
    answer comes from the others."""
    data = needs(**{f"criteria__{key}": "unknown" for key in (
        "external_data", "behavior_adaptation", "adaptation_goals", "labeled_data_quality",
        "data_dynamics", "interpretability")})
    report = recommend(write_manifest, data)
    unknown = report["unknown"]
    assert unknown["exhaustive"] is False
    assert "knowledge_size" in unknown["criteria"]
    assert all("knowledge_size" not in o["values"] for o in unknown["outcomes"])
    assert {k for o in unknown["outcomes"] for k in o["values"]} == \
        set(unknown["criteria"]) - {"knowledge_size"}
    assert report["recommended"] is not None
    _passes(write_manifest, data, report["recommended"])


def test_too_many_unknowns_on_which_the_answer_depends_say_each_was_tried_alone(
        write_manifest) -> None:
    # Every need unknown, the answer depending on some: the sentence says what each one
    # does and that each was varied alone, in JSON and in text.
    criteria = dict.fromkeys((
        "external_data", "behavior_adaptation", "adaptation_goals", "hallucination_tolerance",
        "labeled_examples", "labeled_data_quality", "data_dynamics", "interpretability"),
        "unknown")
    data = needs(criteria=criteria)
    unknown = recommend(write_manifest, data)["unknown"]
    assert unknown["exhaustive"] is False
    assert len({o["recommended"] for o in unknown["outcomes"]}) > 1
    assert all(len(outcome["values"]) == 1 for outcome in unknown["outcomes"])
    assert ("(each unknown tried alone, the others left unknown: more than 4096 combinations)"
            in unknown["dependence"])
    text = run_cli("recommend", str(write_manifest(data))).stdout
    assert "more than 4096 combinations" in " ".join(text.split())


# --- close calls and no recommendation --------------------------------------------------------

def test_a_close_call_between_prompting_and_a_pipeline_says_so(write_manifest) -> None:
    # A medium change of behaviour, no external data, enough examples: prompting and
    # fine-tune are within the close-call margin.
    data = needs(criteria__external_data={"required": False},
                 criteria__behavior_adaptation="medium", criteria__labeled_examples=50_000,
                 criteria__hallucination_tolerance="high", criteria__interpretability="low",
                 criteria__data_dynamics="static")
    report = recommend(write_manifest, data)
    margin = report["margin"]
    assert margin["close_call"] is True and margin["points"] <= margin["max_margin"]
    assert margin["between"] == report["ranking"][:2]
    first, second = margin["between"]
    assert report["penalties"][second] - report["penalties"][first] == margin["points"]
    assert any(line.startswith("Close call: ") for line in report["explanation"])
    text = run_cli("recommend", str(write_manifest(data))).stdout
    assert f"close call: margin {margin['points']} over {second}" in text


def test_no_recommendation_only_when_every_approach_has_an_error(write_manifest) -> None:
    # Knowledge too large for the prompt, too few examples to train on, and a need that
    # rules retrieval alone out: every approach is refused by check.
    data = needs(criteria__external_data__size_tokens=WINDOW * 10,
                 criteria__behavior_adaptation="high", criteria__labeled_examples=10)
    refused = {a: errors_of(write_manifest, data, a) for a in APPROACHES}
    report = recommend(write_manifest, data)
    assert (report["recommended"] is None) == all(refused.values()), refused
    if report["recommended"] is None:
        assert report["explanation"][0] == "No approach passes `ragft-lint check` for these needs."
        assert set(report["blocking_criteria"]) == set(APPROACHES)
        assert report["counterfactuals"], "the way out is named"
        for change in report["counterfactuals"]:
            assert change["recommended"] is not None
    else:
        _passes(write_manifest, data, report["recommended"])
    # Either way, with enough examples one approach passes and is recommended.
    enough = needs_with(data, ENOUGH_LABELS)
    again = recommend(write_manifest, enough)
    assert again["recommended"] is not None
    _passes(write_manifest, enough, again["recommended"])


# --- the new fields are weighed ---------------------------------------------------------------

@pytest.mark.parametrize(("key", "pointer", "values"), [
    ("adaptation_goals", "criteria__adaptation_goals", (["style"], ["domain-knowledge"])),
    ("labeled_data_quality", "criteria__labeled_data_quality", ("curated", "raw")),
    ("eval_set", "constraints__eval_set", (True, False)),
    ("base_model_weights", "constraints__base_model", ({"name": "m", "weights": "open"},
                                                       {"name": "m", "weights": "hosted"})),
    ("base_model_size", "constraints__base_model", ({"name": "m", "parameters_billion": 7},
                                                    {"name": "m", "parameters_billion": 70})),
    ("latency_budget_ms", "constraints__latency_budget_ms", (300, 5000)),
    ("queries_per_day", "constraints__queries_per_day", (100, 1_000_000)),
])
def test_every_new_field_is_weighed_with_its_sources(write_manifest, key: str, pointer: str,
                                                      values: tuple[Any, Any]) -> None:
    """Each v2 field changes some approach's penalty, and the row names cited sources."""
    reports = [recommend(write_manifest, needs(**{pointer: v},
                                               criteria__behavior_adaptation="medium",
                                               criteria__labeled_examples=5000))
               for v in values]
    rows = [next(c for c in r["criteria"] if c["key"] == key) for r in reports]
    assert all(row["evidence"] for row in rows), rows
    cited = {source for r in reports for source in r["sources"]}
    assert {e["source"] for row in rows for e in row["evidence"]} <= cited
    assert rows[0]["penalty"] != rows[1]["penalty"], (key, rows)


def test_domain_knowledge_favours_retrieval_over_fine_tuning_alone(write_manifest) -> None:
    data = needs(criteria__adaptation_goals=["domain-knowledge"],
                 criteria__behavior_adaptation="medium", criteria__labeled_examples=5000)
    row = next(c for c in recommend(write_manifest, data)["criteria"]
               if c["key"] == "adaptation_goals")
    penalty = row["penalty"]
    assert penalty["hybrid"] < penalty["rag"] < penalty["fine-tune"]
    assert {"ovadia-2024", "balaguer-2024"} <= {e["source"] for e in row["evidence"]}


def test_new_fields_appear_in_every_format(write_manifest) -> None:
    data = needs(criteria__adaptation_goals=["style", "terminology"],
                 criteria__labeled_data_quality="raw", constraints__eval_set=False,
                 constraints__latency_budget_ms=400, constraints__queries_per_day=50_000,
                 constraints__base_model={"name": "Llama2-13B", "parameters_billion": 13,
                                          "weights": "open"})
    path = str(write_manifest(data))
    text = run_cli("recommend", path).stdout
    markdown = run_cli("recommend", path, "--format", "markdown").stdout
    for key in ("adaptation_goals", "labeled_data_quality", "eval_set", "base_model_weights",
                "base_model_size", "latency_budget_ms", "queries_per_day", "knowledge_size"):
        assert key in text and f"`{key}`" in markdown
    assert "[style, terminology]" in text
    recommend(write_manifest, data)


def test_json_output_of_v2_manifests_matches_its_schema(write_manifest) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(load_schema("recommendation.schema.json"))
    for data in (needs(), needs(criteria__labeled_examples="unknown"),
                 needs(criteria__external_data="unknown",
                       criteria__adaptation_goals="unknown"),
                 needs(criteria__external_data__size_tokens=WINDOW * 10,
                       criteria__behavior_adaptation="high", criteria__labeled_examples=10)):
        recommend(write_manifest, data)  # validates
