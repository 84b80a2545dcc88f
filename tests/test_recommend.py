"""`ragft-lint recommend`: the README's examples, the three formats, weighted ranking,
margins and close calls, cited weights, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragft_lint.core.resources import load_schema
from ragft_lint.decide.recommend import load_scoring
from tests.conftest import add_brand_voice_pack, check_json, make_manifest, run_cli, to_yaml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _params() -> dict[str, object]:
    from ragft_lint.core.policy import PolicyPack, load_builtin_policies

    return dict(PolicyPack(load_builtin_policies()).params)


PARAMS = _params()
MIN_LABELS, ENOUGH_LABELS = PARAMS["min_labeled_examples"], PARAMS["recommended_labeled_examples"]

# (example, recommended approach, words the explanation must say about why)
EXPECTED = [
    ("rag/pass", "rag", ["declared approach, rag, is the recommendation",
                         "fine-tune is unfit", "RFT501"]),
    ("fine-tune/pass", "fine-tune", ["declared approach, fine-tune, is the recommendation",
                                     "rag passes, with more weighted evidence against it",
                                     "hybrid passes, with more weighted evidence against it",
                                     "fine-tune leads hybrid by 5 points",
                                     "Decided by: external_data (4 points"]),
    ("hybrid/pass", "hybrid", ["rag passes, with more weighted evidence against it",
                               "fine-tune is unfit: external_data is true",
                               "hybrid leads rag by 4 points",
                               "Decided by: behavior_adaptation (6 points: high"]),
    ("rag/fail", "fine-tune", ["The manifest declares rag, which passes with warnings "
                               "(RFT102, RFT201)"]),
    ("fine-tune/fail", "rag", ["The manifest declares fine-tune, which is unfit",
                               "data_dynamics is daily"]),
    ("hybrid/fail", "rag", ["hybrid is unfit: labeled_examples is 30",
                            "The manifest waives RFT401"]),
]


@pytest.mark.parametrize(("example", "expected", "phrases"), EXPECTED)
def test_readme_examples_get_the_expected_approach(example: str, expected: str,
                                                   phrases: list[str]) -> None:
    path = EXAMPLES / example / "llm-project.yaml"
    result = run_cli("recommend", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["recommended"] == expected
    explanation = " ".join(report["explanation"])
    for phrase in phrases:
        assert phrase in explanation
    text = run_cli("recommend", str(path)).stdout
    assert f"Recommended: {expected} (" in text


def _read(path: Path) -> dict[str, object]:
    from ragft_lint.core.manifest import read_manifest

    data: dict[str, object] = read_manifest(str(path)).data
    return data


@pytest.mark.parametrize(("example", "expected"), [(e, a) for e, a, _ in EXPECTED])
def test_recommended_approach_written_into_the_file_passes_check(
        example: str, expected: str, write_manifest) -> None:
    data = _read(EXAMPLES / example / "llm-project.yaml")
    data.pop("waivers", None)
    data["approach"] = expected
    code, report = check_json(write_manifest(data))
    assert code == 0
    assert not [f for f in report["findings"] if f["severity"] == "error"]


def test_text_scorecard_has_a_row_per_criterion_and_a_penalty_per_approach() -> None:
    text = run_cli("recommend", str(EXAMPLES / "hybrid" / "pass")).stdout
    rows = [line.split() for line in text.splitlines()]
    assert ["1", "external_data", "true", "RAG,", "hybrid", "strong", "azure-ft-considerations,",
            "lewis-2020"] in rows
    assert ["-", "compute_budget", "high", "neutral", "weak", "azure-ft-considerations"] in rows
    report = json.loads(run_cli("recommend", str(EXAMPLES / "hybrid" / "pass"),
                                "--format", "json").stdout)
    hybrid, fine_tune = report["approaches"]["hybrid"], report["approaches"]["fine-tune"]
    assert ["hybrid", str(hybrid["penalty"]), str(hybrid["score"]), "fits", "<-",
            "recommended", "(declared)"] in rows
    assert ["fine-tune", str(fine_tune["penalty"]), str(fine_tune["score"]), "unfit",
            "(RFT101,", "RFT601)"] in rows
    assert hybrid["penalty"] < report["approaches"]["rag"]["penalty"] < fine_tune["penalty"]
    assert "Recommended: hybrid (margin 4 over rag; a close call is at most 2)\n" in text


def test_counterfactual_names_the_single_change_that_flips_it() -> None:
    result = run_cli("recommend", str(EXAMPLES / "hybrid" / "fail" / "llm-project.yaml"),
                     "--format", "json")
    report = json.loads(result.stdout)
    assert report["declared"] == "hybrid"
    assert report["recommended"] == "rag"
    assert [(c["criterion"], c["to"], c["recommended"]) for c in report["counterfactuals"]] == [
        ("labeled_examples", f"at least {ENOUGH_LABELS}", "hybrid")]
    text = run_cli("recommend", str(EXAMPLES / "hybrid" / "fail" / "llm-project.yaml")).stdout
    assert (f"hybrid would be the recommendation if labeled_examples were at least "
            f"{ENOUGH_LABELS} (it is 30).") in text


def test_json_has_recommended_penalties_and_one_entry_per_criterion() -> None:
    report = json.loads(run_cli("recommend", str(EXAMPLES / "rag" / "pass"),
                                "--format", "json").stdout)
    assert report["recommended"] == "rag"
    # A schema_version 1 manifest cannot declare prompting, so it is not offered.
    assert set(report["scores"]) == set(report["penalties"]) == {"rag", "fine-tune", "hybrid"}
    assert all(0 <= s <= 100 for s in report["scores"].values())
    keys = [c["key"] for c in report["criteria"]]
    assert keys[:6] == ["external_data", "behavior_adaptation", "hallucination_tolerance",
                        "labeled_examples", "data_dynamics", "interpretability"]
    first = report["criteria"][0]
    assert (first["value"], first["favours"], first["strength_word"]) == (
        True, ["rag", "hybrid"], "strong")
    assert first["rules"] == {"fine-tune": ["RFT101"]}
    # level 3 (cannot meet the need) x factor 3 (strong evidence)
    assert first["cost"]["fine-tune"] == 3 and first["penalty"]["fine-tune"] == 9
    assert [e["source"] for e in first["evidence"]] == ["azure-ft-considerations", "lewis-2020"]
    assert report["sources"]["lewis-2020"]["year"] == 2020


def test_markdown_is_a_section_with_two_tables_and_the_sources() -> None:
    text = run_cli("recommend", str(EXAMPLES / "fine-tune" / "pass"),
                   "--format", "markdown").stdout
    assert text.startswith(
        "### ragft-lint recommendation for `discharge-summary-writer`: **fine-tune**\n")
    assert "margin 5 over hybrid; a close call is at most 2" in text
    assert ("| 2 | `behavior_adaptation` | high | fine-tune, hybrid | strong | "
            "openai-fine-tuning-guide-2023, azure-ft-considerations, openai-devday-2023 |") in text
    assert "| **fine-tune** (declared) | 3 | 97 | fits |" in text
    assert "| rag | 12 | 87 | fits with warnings (RFT102, RFT201) |" in text
    assert "**Sources**" in text
    assert '- `zhou-2023-lima`: Chunting Zhou et al. (Meta AI) (2023), "LIMA: Less Is More' in text


@pytest.mark.parametrize("example", ["hybrid/fail", "rag/fail", "fine-tune/pass"])
def test_every_format_says_the_same_things(example: str) -> None:
    """Text, markdown and JSON carry the same explanation, changes and sources: a reader
    of the pull-request section is told what the terminal says."""
    path = str(EXAMPLES / example / "llm-project.yaml")
    report = json.loads(run_cli("recommend", path, "--format", "json").stdout)
    text = " ".join(run_cli("recommend", path).stdout.split())
    markdown = run_cli("recommend", path, "--format", "markdown").stdout
    sentences = [*report["explanation"], *(c["text"] for c in report["counterfactuals"]),
                 *(c["text"] for c in report["sensitivity"])]
    for sentence in sentences:
        assert " ".join(sentence.split()) in text, sentence
        assert f"- {sentence}\n" in markdown.replace("\\|", "|"), sentence
    if report["counterfactuals"]:
        assert "What would change it" in text and "**What would change it**" in markdown
    for source in report["sources"]:
        assert f"{source}: " in text and f"- `{source}`: " in markdown




def test_no_approach_passes_names_the_criteria_and_the_way_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in pack has no error for rag (no source says retrieval cannot meet a need),
    so a team rule makes rag unfit here, and too few labels rule out the others."""
    add_brand_voice_pack(tmp_path)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(make_manifest(criteria__behavior_adaptation="high",
                                          criteria__labeled_examples=MIN_LABELS - 1)),
                    encoding="utf-8")
    report = json.loads(run_cli("recommend", str(path), "--format", "json").stdout)
    assert report["recommended"] is None
    assert report["blocking_criteria"]["rag"] == ["behavior_adaptation"]
    assert report["blocking_criteria"]["hybrid"] == ["labeled_examples"]
    assert report["explanation"][0] == "No approach passes `ragft-lint check` for these needs."
    assert ("The criteria that make every approach fail: labeled_examples, behavior_adaptation"
            in " ".join(report["explanation"]))
    ways_out = {(c["criterion"], c["recommended"]) for c in report["counterfactuals"]}
    assert ("behavior_adaptation", "rag") in ways_out
    assert ("labeled_examples", "hybrid") in ways_out
    text = run_cli("recommend", str(path)).stdout
    assert "Recommended: none: no approach passes check" in text


def test_approach_may_be_left_out(write_manifest) -> None:
    path = write_manifest(make_manifest(approach=None))
    result = run_cli("recommend", str(path), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["declared"] is None
    assert report["recommended"] == "rag"
    assert "The manifest declares no approach yet." in report["explanation"]


def test_folder_argument_reads_its_manifest() -> None:
    result = run_cli("recommend", str(EXAMPLES / "rag" / "pass"), "--format", "json")
    assert json.loads(result.stdout)["file"].endswith("llm-project.yaml")


@pytest.mark.parametrize(("content", "message"), [
    ("criteria: [", "invalid YAML"),
    (make_manifest(criteria__interpretability="total"),
     "cannot recommend from a manifest that does not match the schema"),
])
def test_bad_manifest_is_one_line_and_exit_2(write_manifest, content: object,
                                             message: str) -> None:
    path = write_manifest(content)
    result = run_cli("recommend", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ragft-lint: error: {path}:")
    assert message in lines[0]


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("recommend", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr
    assert run_cli("recommend", str(tmp_path)).exit_code == 2


def _spec(schema: dict[str, object], pointer: str) -> dict[str, object] | None:
    """The manifest schema's description of the value at `pointer`, or None."""
    node: object = schema
    for part in pointer.split("/")[1:]:
        node = _properties(node).get(part)
        if node is None:
            return None
    assert isinstance(node, dict)
    return node


def _properties(node: object) -> dict[str, object]:
    if not isinstance(node, dict):
        return {}
    found = dict(node.get("properties", {}))
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, []):
            found.update(_properties(branch))
    return found


def _enum(spec: dict[str, object]) -> set[object]:
    values = set(spec.get("enum", []))  # type: ignore[arg-type]
    if spec.get("type") == "boolean" or "boolean" in (spec.get("type") or []):  # type: ignore[operator]
        values |= {True, False}
    for key in ("anyOf", "oneOf"):
        for branch in spec.get(key, []):  # type: ignore[attr-defined]
            values |= _enum(branch)
    for key in ("then", "else"):  # `{if: {const: unknown}, else: {type: boolean}}`
        if isinstance(spec.get(key), dict):
            values |= _enum(spec[key])  # type: ignore[arg-type]
    if "items" in spec:
        values |= _enum(spec["items"])  # type: ignore[arg-type]
    return values - {"unknown"}


def test_weights_cover_every_value_the_schema_allows() -> None:
    scoring = load_scoring(PARAMS)
    schema = load_schema()
    for weights in scoring.criteria:
        spec = _spec(schema, weights.pointer)
        if spec is None:
            assert weights.since > 1, f"{weights.pointer} is not in the manifest schema"
            continue
        if weights.key == "labeled_examples":
            assert [v.below for v in weights.values] == [MIN_LABELS, ENOUGH_LABELS, None]
        elif weights.banded or weights.relative_to:
            assert weights.values[-1].below is None or weights.relative_to
        else:
            assert {v.value for v in weights.values} == _enum(spec), weights.key


def test_policy_loader_does_not_take_the_weights_for_a_policy() -> None:
    from ragft_lint.core.policy import load_builtin_policies

    sources = [p.source for p in load_builtin_policies()]
    assert sources
    assert not [s for s in sources if "scoring" in s]


@pytest.mark.slow
def test_installed_console_script_recommends() -> None:
    import os
    import shutil
    import subprocess
    import sys

    script = shutil.which("ragft-lint", path=os.path.dirname(sys.executable))
    assert script, "the ragft-lint console script is not installed beside this Python"
    done = subprocess.run([script, "recommend", "--format", "json",
                           str(EXAMPLES / "rag" / "fail" / "llm-project.yaml")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["recommended"] == "fine-tune"


def test_declared_approach_accepted_by_a_waiver_is_not_called_unfit(write_manifest) -> None:
    data = _read(EXAMPLES / "hybrid" / "fail" / "llm-project.yaml")
    data["waivers"][0]["expires"] = "2999-12-31"  # type: ignore[index]
    path = write_manifest(data)
    code, _ = check_json(path)
    assert code == 0  # check passes: the waiver accepts RFT401
    report = json.loads(run_cli("recommend", str(path), "--format", "json").stdout)
    assert report["approaches"]["hybrid"]["fit"] == "accepted by waiver"
    assert report["approaches"]["hybrid"]["errors"] == ["RFT401"]
    assert report["recommended"] == "rag"
    explanation = " ".join(report["explanation"])
    assert "hybrid is unfit" not in explanation
    assert "hybrid fails on the needs alone: labeled_examples is 30" in explanation
    assert "passes check only because the manifest waives its errors (RFT401)" in explanation


@pytest.mark.parametrize(("changes", "expected"), [
    # The needs pull both ways: external, dynamic data and a high change of behaviour with
    # enough labelled data -> hybrid.
    ({"criteria__behavior_adaptation": "high", "criteria__labeled_examples": 20000}, "hybrid"),
    # Medium behaviour change: rag is only warned (RFT202), hybrid has no warning.
    ({"criteria__behavior_adaptation": "medium", "criteria__labeled_examples": 20000},
     "hybrid"),
    # Same, but a low compute budget warns hybrid too (RFT701): equal warnings, rag scores more.
    ({"criteria__behavior_adaptation": "medium", "criteria__labeled_examples": 20000,
      "constraints__compute_budget": "low"}, "rag"),
    # Nothing external, stable data, a style to learn and the labels to learn it -> fine-tune.
    ({"criteria__external_data": {"required": False}, "criteria__behavior_adaptation": "high",
      "criteria__hallucination_tolerance": "high", "criteria__labeled_examples": 50000,
      "criteria__data_dynamics": "static", "criteria__interpretability": "low"}, "fine-tune"),
])
def test_needs_to_recommendation(write_manifest, changes: dict[str, object],
                                 expected: str) -> None:
    path = write_manifest(make_manifest(**changes))
    report = json.loads(run_cli("recommend", str(path), "--format", "json").stdout)
    assert report["recommended"] == expected, report["explanation"]


@pytest.mark.parametrize("manifest", [
    *sorted(EXAMPLES.glob("*/*/llm-project.yaml")),
    make_manifest(approach=None),
    make_manifest(criteria__behavior_adaptation="high", criteria__labeled_examples=5),
], ids=lambda m: "/".join(m.parts[-3:-1]) if isinstance(m, Path) else "generated")
def test_json_output_matches_its_published_schema(write_manifest, manifest: object) -> None:
    from jsonschema import Draft202012Validator

    schema = load_schema("recommendation.schema.json")
    Draft202012Validator.check_schema(schema)
    path = manifest if isinstance(manifest, Path) else write_manifest(manifest)
    report = json.loads(run_cli("recommend", str(path), "--format", "json").stdout)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(report)]
    assert errors == []


def test_a_close_call_says_so(write_manifest) -> None:
    """The issue's fragile hybrid: a medium change of behaviour and a modest labelled set.
    The evidence puts rag ahead by no more than the close-call margin, and the output says
    so in every format instead of deciding by an untold tie-break."""
    path = write_manifest(make_manifest(
        criteria__behavior_adaptation="medium", criteria__labeled_examples=MIN_LABELS,
        criteria__data_dynamics="static", criteria__interpretability="low"))
    report = json.loads(run_cli("recommend", str(path), "--format", "json").stdout)
    margin = report["margin"]
    assert margin["between"] == [report["recommended"], report["ranking"][1]]
    assert margin["close_call"] is True
    assert 0 < margin["points"] <= margin["max_margin"]
    penalties = report["penalties"]
    assert margin["points"] == penalties[margin["between"][1]] - penalties[margin["between"][0]]
    explanation = " ".join(report["explanation"])
    assert f"Close call: {margin['between'][0]} leads {margin['between'][1]} by" in explanation
    assert "Decided by: " in explanation
    text = run_cli("recommend", str(path)).stdout
    assert f"(close call: margin {margin['points']} over {margin['between'][1]}" in text
    markdown = run_cli("recommend", str(path), "--format", "markdown").stdout
    assert "close call: margin" in markdown


def test_an_exact_tie_names_the_rule_that_settles_it(write_manifest) -> None:
    path = write_manifest(make_manifest(
        criteria__behavior_adaptation="medium", criteria__labeled_examples=ENOUGH_LABELS,
        criteria__data_dynamics="static", criteria__interpretability="low",
        constraints__compute_budget="low"))
    report = json.loads(run_cli("recommend", str(path), "--format", "json").stdout)
    assert report["margin"]["points"] == 0 and report["margin"]["close_call"] is True
    first, second = report["margin"]["between"]
    assert report["penalties"][first] == report["penalties"][second]
    # The simpler of the two, by the documented order, and the output says which rule.
    assert ["prompting", "rag", "fine-tune", "hybrid"].index(first) < [
        "prompting", "rag", "fine-tune", "hybrid"].index(second)
    assert (f"Close call: {first} and {second} are tied on weighted evidence; {first} is "
            "chosen as the simpler (simplicity_order in policies/scoring/weights.yaml).") in \
        report["explanation"]


def test_deciding_criteria_add_up_to_the_margin() -> None:
    report = json.loads(run_cli("recommend", str(EXAMPLES / "fine-tune" / "pass"),
                                "--format", "json").stdout)
    first, second = report["margin"]["between"]
    points = [d["points"] for d in report["deciding_criteria"] if d["points"]]
    against = sum(min(0, c["penalty"][second] - c["penalty"][first])
                  for c in report["criteria"])
    assert sum(points) + against == report["margin"]["points"]
    assert report["deciding_criteria"][0] == {"criterion": "external_data", "points": 4,
                                              "excludes": []}


def test_each_nearest_change_does_change_the_recommendation(write_manifest) -> None:
    report = json.loads(run_cli("recommend", str(EXAMPLES / "fine-tune" / "pass"),
                                "--format", "json").stdout)
    assert report["sensitivity"], "no criterion's change was found"
    source = _read(EXAMPLES / "fine-tune" / "pass" / "llm-project.yaml")
    for change in report["sensitivity"]:
        from ragft_lint.decide.recommend import with_value

        changed = with_value(source, change["pointer"], change["value"])
        again = json.loads(run_cli("recommend", str(write_manifest(changed)),
                                   "--format", "json").stdout)
        assert again["recommended"] == change["recommended"] != report["recommended"], change


REGULATED_POLICY = """\
id: ACME002
name: regulated-no-fine-tuning
title: Regulated projects keep customer data out of model weights
criterion: null
severity: error
pointer: /metadata/regulated
when:
  required: [approach, metadata]
  properties:
    approach: {enum: [fine-tune, hybrid]}
    metadata:
      required: [regulated]
      properties:
        regulated: {const: true}
message: project '{project}' is regulated, so its data must not be trained into weights
rationale: Acme's compliance office does not allow customer data in model weights.
remediation: Use retrieval (approach 'rag'). ragft-lint adds how to waive it.
evidence:
  - source: hotz-2023
    strength: moderate
    claim: >-
      Knowledge trained into the weights of a model cannot be traced back to or removed
      from its source the way a retrieved document can.
examples:
  fail:
    - {schema_version: 1, project: p, approach: fine-tune, metadata: {regulated: true},
       criteria: {external_data: {required: false}, behavior_adaptation: high,
                  hallucination_tolerance: medium, labeled_examples: 20000,
                  data_dynamics: static, interpretability: low}}
  pass:
    - {schema_version: 1, project: p, approach: rag, metadata: {regulated: true},
       criteria: {external_data: {required: true, sources: [{name: d, kind: database}]},
                  behavior_adaptation: low, hallucination_tolerance: low,
                  labeled_examples: 0, data_dynamics: daily, interpretability: high}}
"""


def test_a_team_policy_rules_approaches_out_and_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """recommend uses the engine check uses: a team pack from the configuration rules out
    the approaches its error policy fires for, and the explanation names the team rule and
    the need it points at, even though no weight is attached to that need."""
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "ACME002-regulated-no-fine-tuning.yaml").write_text(
        REGULATED_POLICY, encoding="utf-8")
    (tmp_path / ".ragft-lint.toml").write_text('policy-paths = ["team"]\n', encoding="utf-8")
    # Stable data, a style to learn and the labels for it: fine-tune, without the team rule.
    needs = make_manifest(criteria__external_data={"required": False},
                          criteria__behavior_adaptation="medium",
                          criteria__hallucination_tolerance="medium",
                          criteria__labeled_examples=50000, criteria__data_dynamics="static",
                          criteria__interpretability="low", approach="fine-tune")
    (tmp_path / "llm-project.yaml").write_text(to_yaml(needs), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    without = {**needs, "metadata": {"regulated": False}}
    (tmp_path / "internal.yaml").write_text(to_yaml(without), encoding="utf-8")
    assert json.loads(run_cli("recommend", "internal.yaml", "--format", "json").stdout
                      )["recommended"] == "fine-tune"

    (tmp_path / "llm-project.yaml").write_text(
        to_yaml({**needs, "metadata": {"regulated": True}}), encoding="utf-8")
    report = json.loads(run_cli("recommend", "--format", "json").stdout)
    assert report["recommended"] == "rag"
    assert report["approaches"]["fine-tune"]["errors"] == ["ACME002"]
    explanation = report["explanation"]
    assert ("rag is the only approach with no error; decided by the criteria that rule the "
            "others out: /metadata/regulated (fine-tune, hybrid).") in explanation
    assert "fine-tune is unfit: /metadata/regulated (ACME002)." in explanation
    assert "hybrid is unfit: /metadata/regulated (ACME002)." in explanation
    assert any(line.startswith("The manifest declares fine-tune, which is unfit (ACME002)")
               for line in explanation)
    # ... and the recommendation passes check with the team pack.
    (tmp_path / "llm-project.yaml").write_text(
        to_yaml({**needs, "approach": "rag", "metadata": {"regulated": True}}), encoding="utf-8")
    code, found = check_json(tmp_path / "llm-project.yaml")
    assert code == 0 and not [f for f in found["findings"] if f["severity"] == "error"]
