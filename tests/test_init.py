"""`ragft-lint init`: the questionnaire, the file it writes, and never clobbering a file."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ragft_lint.core.manifest import read_manifest
from ragft_lint.core.resources import load_schema
from tests.conftest import add_brand_voice_pack, check_json, run_cli

RAG_FLAGS = ("--non-interactive", "--project", "support-bot", "--external-data",
             "--source", "product-docs:document-store", "--source", "orders:api",
             "--behavior-adaptation", "low", "--hallucination-tolerance", "none",
             "--labeled-examples", "800", "--data-dynamics", "daily",
             "--interpretability", "high", "--compute-budget", "medium")


def _init(tmp_path: Path, *flags: str, input: str | None = None):
    return run_cli("init", "--output", str(tmp_path / "llm-project.yaml"), *flags, input=input)


def _passes_check(path: Path) -> dict[str, object]:
    code, report = check_json(path)
    assert code == 0, report
    assert report["findings"] == [], report
    return read_manifest(str(path)).data


def test_non_interactive_writes_a_commented_manifest_that_passes_check(tmp_path: Path) -> None:
    result = _init(tmp_path, *RAG_FLAGS)
    assert result.exit_code == 0, result.output
    manifest = tmp_path / "llm-project.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=llm-project.schema.json"
    assert re.search(r"# prompting, rag, fine-tune or hybrid; recommended for these needs: rag "
                     r"\(fit \d+/100\)\.", text)
    assert "  # 4. How many good labelled training examples do you have?" in text
    assert "  #    fine-tuning needs at least 50 (1000 recommended)" in text
    data = _passes_check(manifest)
    assert data["approach"] == "rag"
    assert data["criteria"]["external_data"]["sources"] == [
        {"name": "product-docs", "kind": "document-store"}, {"name": "orders", "kind": "api"}]
    assert data["constraints"] == {"compute_budget": "medium"}
    # The modeline's schema is saved beside the manifest, so an editor finds it.
    saved = json.loads((tmp_path / "llm-project.schema.json").read_text(encoding="utf-8"))
    assert saved == load_schema()
    assert f"Wrote {manifest} and {tmp_path / 'llm-project.schema.json'}." in result.stdout


@pytest.mark.parametrize(("flags", "approach"), [
    (("--no-external-data", "--behavior-adaptation", "high", "--hallucination-tolerance",
      "medium", "--labeled-examples", "25000", "--data-dynamics", "static",
      "--interpretability", "low"), "fine-tune"),
    (("--external-data", "--source", "case-law", "--behavior-adaptation", "high",
      "--hallucination-tolerance", "none", "--labeled-examples", "15000",
      "--data-dynamics", "weekly", "--interpretability", "high"), "hybrid"),
])
def test_non_interactive_takes_the_recommendation(tmp_path: Path, flags: tuple[str, ...],
                                                  approach: str) -> None:
    result = _init(tmp_path, "--non-interactive", "--project", "p", *flags)
    assert result.exit_code == 0, result.output
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert data["approach"] == approach
    assert "constraints" not in data


def test_existing_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    manifest = tmp_path / "llm-project.yaml"
    manifest.write_text("# mine\n", encoding="utf-8")
    result = _init(tmp_path, *RAG_FLAGS)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"ragft-lint: error: {manifest} already exists; use --force to overwrite it")
    assert manifest.read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "llm-project.schema.json").exists()
    result = _init(tmp_path, *RAG_FLAGS, "--force")
    assert result.exit_code == 0
    _passes_check(manifest)


def test_existing_schema_file_is_kept_without_force(tmp_path: Path) -> None:
    schema = tmp_path / "llm-project.schema.json"
    schema.write_text("{}", encoding="utf-8")
    result = _init(tmp_path, *RAG_FLAGS)
    assert result.exit_code == 0
    assert schema.read_text(encoding="utf-8") == "{}"
    assert "schema.json" not in result.stdout


def test_schema_url_or_no_schema_file_saves_no_schema(tmp_path: Path) -> None:
    url = "https://example.org/llm-project.schema.json"
    assert _init(tmp_path, *RAG_FLAGS, "--schema-ref", url).exit_code == 0
    text = (tmp_path / "llm-project.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema={url}\n")
    assert not (tmp_path / "llm-project.schema.json").exists()
    assert _init(tmp_path, *RAG_FLAGS, "--force", "--no-schema-file").exit_code == 0
    assert not (tmp_path / "llm-project.schema.json").exists()


def test_non_interactive_names_every_missing_answer(tmp_path: Path) -> None:
    result = _init(tmp_path, "--non-interactive", "--external-data",
                   "--behavior-adaptation", "low")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("ragft-lint: error: --non-interactive needs every answer; missing:")
    for flag in ("--hallucination-tolerance", "--labeled-examples", "--data-dynamics",
                 "--interpretability", "--source NAME[:KIND]"):
        assert flag in message
    assert "--behavior-adaptation" not in message
    assert not (tmp_path / "llm-project.yaml").exists()


def test_non_interactive_refuses_an_approach_that_fails_check(tmp_path: Path) -> None:
    result = _init(tmp_path, *RAG_FLAGS, "--approach", "fine-tune")
    assert result.exit_code == 2
    assert ("--approach fine-tune fails RFT101, RFT501, RFT601 for these "
            "needs; the recommendation is rag") in result.stderr
    assert not (tmp_path / "llm-project.yaml").exists()


def test_non_interactive_says_when_no_approach_passes(tmp_path: Path) -> None:
    add_brand_voice_pack(tmp_path)  # the built-in pack has no error for rag
    result = _init(tmp_path, "--non-interactive", "--project", "p", "--no-external-data",
                   "--behavior-adaptation", "high", "--hallucination-tolerance", "high",
                   "--labeled-examples", "10", "--data-dynamics", "static",
                   "--interpretability", "low")
    assert result.exit_code == 2
    assert ("no approach passes check for these needs (they fail on behavior_adaptation, "
            "labeled_examples)") in result.stderr


@pytest.mark.parametrize(("source", "message"), [
    ("docs:scroll", "kind must be one of"), (":api", "the source needs a name")])
def test_bad_source_flag_is_exit_2(tmp_path: Path, source: str, message: str) -> None:
    result = _init(tmp_path, *RAG_FLAGS[:5], source)
    assert result.exit_code == 2
    assert message in result.stderr


# --- the interactive questionnaire -----------------------------------------------------------

HYBRID_ANSWERS = [
    "legal-assistant",  # project name
    "y", "case-law", "", "n",  # external data, one source (default kind), no more
    "high", "none", "15000", "weekly", "high",  # criteria 2-6
    "high",  # compute budget
    "n",  # the optional questions: not now
    "",  # approach: take the recommendation
]


def test_interactive_asks_in_plain_words_and_defaults_to_the_recommendation(
        tmp_path: Path) -> None:
    result = _init(tmp_path, input="\n".join(HYBRID_ANSWERS) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "1/6 Must answers draw on data outside the model" in out
    assert "Why it matters: when answers depend on databases, documents or APIs" in out
    assert "6/6 How much must each answer be traceable to its sources?" in out
    assert re.search(r"Recommended approach: hybrid \(fit \d+/100\)", out)
    assert "fine-tune is unfit: external_data is true" in out
    assert "Approach (prompting, rag, fine-tune, hybrid) [hybrid]:" in out
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert data["project"] == "legal-assistant"
    assert data["approach"] == "hybrid"
    assert data["criteria"]["external_data"]["sources"] == [
        {"name": "case-law", "kind": "document-store"}]
    assert data["constraints"] == {"compute_budget": "high"}


def test_interactive_rejects_bad_answers_and_asks_again(tmp_path: Path) -> None:
    answers = ["p", "maybe", "n", "extreme", "medium", "medium", "-5", "lots", "20000",
               "static", "low", "skip", "n", ""]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: invalid input" in result.stdout
    assert "'extreme' is not one of 'none', 'low', 'medium', 'high'" in result.stdout
    assert "-5 is not in the range x>=0" in result.stdout
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert data["criteria"]["labeled_examples"] == 20000
    recommended = re.search(r"Recommended approach: (\S+) ", result.stdout)
    assert recommended and data["approach"] == recommended.group(1)  # the default taken
    assert "constraints" not in data


def test_choosing_a_failing_approach_needs_confirmation(tmp_path: Path) -> None:
    answers = [*HYBRID_ANSWERS[:-1], "fine-tune", "n", "fine-tune", "y"]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert ("fine-tune fails RFT101, RFT601 for these needs; `ragft-lint check` will report "
            "it.") in result.stdout
    assert result.stdout.count("Write fine-tune anyway [y/N]:") == 2
    assert read_manifest(str(tmp_path / "llm-project.yaml")).data["approach"] == "fine-tune"
    code, _ = check_json(tmp_path / "llm-project.yaml")
    assert code == 1  # what was confirmed: check reports the errors


def test_flags_answer_questions_ahead(tmp_path: Path) -> None:
    result = _init(tmp_path, "--project", "p", "--no-external-data",
                   "--behavior-adaptation", "high", "--hallucination-tolerance", "high",
                   "--compute-budget", "high",
                   input="25000\nstatic\nlow\nn\n\n")
    assert result.exit_code == 0, result.output
    assert "1/6" not in result.stdout
    assert "4/6 How many good labelled training examples" in result.stdout
    assert _passes_check(tmp_path / "llm-project.yaml")["approach"] == "fine-tune"


def test_declining_when_no_approach_passes_writes_nothing(tmp_path: Path) -> None:
    add_brand_voice_pack(tmp_path)  # the built-in pack has no error for rag
    answers = ["p", "n", "high", "high", "10", "static", "low", "skip", "n", "n"]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 1
    assert "No approach passes `ragft-lint check` for these needs." in result.stdout
    assert "Nothing written." in result.stdout
    assert not (tmp_path / "llm-project.yaml").exists()


def test_end_of_input_aborts_cleanly(tmp_path: Path) -> None:
    result = _init(tmp_path, input="p\n")
    assert result.exit_code == 2
    assert "ragft-lint: aborted" in result.stderr
    assert not (tmp_path / "llm-project.yaml").exists()


@settings(max_examples=40, deadline=None)
@given(project=st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != ""),
       source=st.text(min_size=1, max_size=30))
def test_any_names_round_trip_through_the_written_file(tmp_path_factory, project: str,
                                                       source: str) -> None:
    folder = tmp_path_factory.mktemp("names")
    result = _init(folder, "--non-interactive", "--project", project, "--external-data",
                   "--source", f"{source}:api", "--behavior-adaptation", "low",
                   "--hallucination-tolerance", "low", "--labeled-examples", "0",
                   "--data-dynamics", "daily", "--interpretability", "medium")
    if not source.strip():
        assert result.exit_code == 2
        assert "the source needs a name" in result.stderr
        return
    assert result.exit_code == 0, result.output
    data = _passes_check(folder / "llm-project.yaml")
    assert data["project"] == project
    assert data["criteria"]["external_data"]["sources"][0]["name"] == source.strip()


# --- a real terminal -------------------------------------------------------------------------

def _console_script() -> str:
    found = shutil.which("ragft-lint", path=os.path.dirname(sys.executable))
    if found is None:
        pytest.fail("the ragft-lint console script is not installed beside this Python")
    return found


@pytest.mark.slow
def test_init_in_a_real_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(_console_script(), ["init"], cwd=str(tmp_path), encoding="utf-8",
                          timeout=20, env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"},
                          dimensions=(50, 120))
    steps = [
        (r"Project name \[", "terminal-demo"),
        (r"External data needed \[y/n\]: ", "y"),
        (r"Source name: ", "product-docs"),
        (r"Source kind .*\[document-store\]: ", ""),
        (r"Add another source \[y/N\]: ", "n"),
        (r"Behavior adaptation \(none, low, medium, high, unknown\): ", "low"),
        (r"Hallucination tolerance .*: ", "none"),
        (r"Number of labelled examples: ", "800"),
        (r"Data dynamics .*: ", "daily"),
        (r"Interpretability \(low, medium, high, unknown\): ", "high"),
        (r"Compute budget .*\[skip\]: ", ""),
        (r"Answer them \[Y/n\]: ", "y"),
        (r"Adaptation goals .*\[skip\]: ", "tone, domain-knowledge"),
        (r"Labelled data quality .*\[skip\]: ", "curated"),
        (r"Knowledge size in tokens \[skip\]: ", "unknown"),
        (r"Context window in tokens \[skip\]: ", "128000"),
        (r"Evaluation set \(yes, no\) \[skip\]: ", "yes"),
        (r"Base model name \[skip\]: ", "Llama 3 8B"),
        (r"Parameters, in billions \[skip\]: ", "8"),
        (r"Weights .* \[skip\]: ", "open"),
        (r"Latency budget in ms \[skip\]: ", ""),
        (r"Queries a day \[skip\]: ", "unknown"),
    ]
    for prompt, answer in steps:
        child.expect(prompt)
        child.sendline(answer)
    child.expect(r"Recommended approach: rag \(fit \d+/100\)")
    child.expect(r"Approach \(prompting, rag, fine-tune, hybrid\) \[rag\]: ")
    child.sendline("")
    child.expect("Wrote llm-project.yaml and llm-project.schema.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    code, report = check_json(tmp_path / "llm-project.yaml")
    assert code == 0, report
    data = read_manifest(str(tmp_path / "llm-project.yaml")).data
    assert (data["project"], data["approach"]) == ("terminal-demo", "rag")
    # The optional answers: unknown written where the field takes it, else left out.
    assert data["criteria"]["adaptation_goals"] == ["tone", "domain-knowledge"]
    assert data["criteria"]["external_data"]["size_tokens"] == "unknown"
    assert data["constraints"] == {
        "context_window_tokens": 128000, "eval_set": True,
        "base_model": {"name": "Llama 3 8B", "parameters_billion": 8, "weights": "open"}}


def test_init_writes_version_2_and_takes_unknown_as_an_answer(tmp_path: Path) -> None:
    result = _init(tmp_path, "--non-interactive", "--project", "p", "--no-external-data",
                   "--behavior-adaptation", "unknown", "--hallucination-tolerance", "high",
                   "--labeled-examples", "unknown", "--data-dynamics", "static",
                   "--interpretability", "low", "--approach", "fine-tune")
    assert result.exit_code == 0, result.output
    data = read_manifest(str(tmp_path / "llm-project.yaml")).data
    assert data["schema_version"] == 2
    assert data["criteria"]["labeled_examples"] == "unknown"
    assert data["criteria"]["behavior_adaptation"] == "unknown"
    code, report = check_json(tmp_path / "llm-project.yaml", extra=("--fail-on", "warning"))
    assert code == 1  # the unknowns must be decided before a warning gate passes
    assert {(f["rule"], f["pointer"]) for f in report["findings"]} == {
        ("RFT008", "/criteria/labeled_examples")}


def test_interactive_accepts_unknown_and_says_what_it_means(tmp_path: Path) -> None:
    answers = ["p", "n", "unknown", "high", "unknown", "static", "low", "skip", "n",
               "fine-tune"]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "unknown = don't know yet" in result.stdout
    data = read_manifest(str(tmp_path / "llm-project.yaml")).data
    assert (data["criteria"]["behavior_adaptation"], data["criteria"]["labeled_examples"]) == (
        "unknown", "unknown")


def test_an_unwritable_output_fails_before_any_question_and_writes_nothing(
        tmp_path: Path) -> None:
    (tmp_path / "llm-project.schema.json").mkdir()  # the schema's path is taken by a folder
    result = _init(tmp_path, "--force", input="p\n")
    assert result.exit_code == 2
    assert "1/6" not in result.stdout, "no question is asked"
    assert "llm-project.schema.json" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["llm-project.schema.json"]


# --- the optional questions of schema_version 2 ---------------------------------------------

OPTIONAL_FLAGS = ("--adaptation-goals", "style,domain-knowledge", "--labeled-data-quality",
                  "curated", "--size-tokens", "unknown", "--context-window-tokens", "128000",
                  "--eval-set", "--base-model", "Llama 3 8B",
                  "--base-model-parameters-billion", "8", "--base-model-weights", "open",
                  "--latency-budget-ms", "800", "--queries-per-day", "50000")


def test_every_optional_question_has_a_flag() -> None:
    from ragft_lint.decide.init import OPTIONAL_QUESTIONS

    text = run_cli("init", "--help").stdout
    for question in OPTIONAL_QUESTIONS:
        for flag in question.flag.split("/"):
            assert flag in text, flag


def test_non_interactive_writes_every_optional_answer_it_is_given(tmp_path: Path) -> None:
    result = _init(tmp_path, *RAG_FLAGS, *OPTIONAL_FLAGS)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "llm-project.yaml").read_text(encoding="utf-8")
    assert "  # Is there an evaluation set to measure answers against?\n" in text
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert data["criteria"]["adaptation_goals"] == ["style", "domain-knowledge"]
    assert data["criteria"]["labeled_data_quality"] == "curated"
    assert data["criteria"]["external_data"]["size_tokens"] == "unknown"
    assert data["constraints"] == {
        "compute_budget": "medium", "context_window_tokens": 128000,
        "latency_budget_ms": 800, "queries_per_day": 50000,
        "base_model": {"name": "Llama 3 8B", "parameters_billion": 8, "weights": "open"},
        "eval_set": True}


def test_non_interactive_leaves_out_what_it_is_not_told(tmp_path: Path) -> None:
    result = _init(tmp_path, *RAG_FLAGS)
    assert result.exit_code == 0, result.output
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert set(data["criteria"]) == {"external_data", "behavior_adaptation",
                                     "hallucination_tolerance", "labeled_examples",
                                     "data_dynamics", "interpretability"}
    assert "size_tokens" not in data["criteria"]["external_data"]


def test_the_optional_answers_weigh_in_the_recommendation(tmp_path: Path) -> None:
    # Everything favours fine-tuning but the missing evaluation set: RFT702 ("evals first").
    flags = ("--non-interactive", "--project", "p", "--no-external-data",
             "--behavior-adaptation", "high", "--hallucination-tolerance", "high",
             "--labeled-examples", "5000", "--data-dynamics", "static",
             "--interpretability", "low", "--no-eval-set", "--approach", "fine-tune")
    result = _init(tmp_path, *flags)
    assert result.exit_code == 0, result.output
    assert read_manifest(str(tmp_path / "llm-project.yaml")).data["constraints"] == {
        "eval_set": False}
    _, report = check_json(tmp_path / "llm-project.yaml")
    assert [f["rule"] for f in report["findings"]] == ["RFT702"]


@pytest.mark.parametrize(("flags", "message"), [
    (("--base-model-weights", "hosted"), "give its name with --base-model NAME"),
    (("--base-model-parameters-billion", "7"), "give its name with --base-model NAME"),
    (("--adaptation-goals", "colour"), "'colour' is not a list of style, tone"),
    (("--context-window-tokens", "0"), "0 is not in the range x>=1"),
    (("--base-model", " "), "--base-model: must not be blank"),
])
def test_bad_optional_flags_are_exit_2_and_write_nothing(tmp_path: Path, flags: tuple[str, ...],
                                                         message: str) -> None:
    result = _init(tmp_path, *RAG_FLAGS, *flags)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_interactive_optional_questions_take_skip_unknown_and_ask_again(tmp_path: Path) -> None:
    answers = [
        "p", "y", "docs", "", "n",  # external data from one document store
        "medium", "low", "2000", "monthly", "medium", "skip",  # criteria 2-6, no budget
        "",  # the optional questions: yes (the default)
        "colour", "unknown",  # goals: refused, then don't know (the field takes unknown)
        "",  # data quality: skipped
        "-1", "90000",  # knowledge size: refused, then a count
        "unknown",  # context window: don't know, and the field has no unknown: left out
        "maybe", "no",  # evaluation set: refused, then no
        "Llama 3 8B", "0", "13", "hosted",  # base model, size refused then 13, hosted
        "", "",  # latency, volume: skipped
        "",  # approach: the recommendation
    ]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Optional: 8 more questions sharpen the recommendation" in out
    assert "Enter skips a question (the field is left out); unknown = don't know yet" in out
    assert "1/8 What is the change of behaviour for" in out
    assert "'colour' is not a list of style, tone, format" in out
    assert "-1 is not in the range x>=0" in out
    # A question no policy judges says why it matters from the schema's own description.
    assert "Why it matters: the p95 answer latency the application can afford" in out
    data = read_manifest(str(tmp_path / "llm-project.yaml")).data
    assert data["criteria"]["adaptation_goals"] == "unknown"
    assert "labeled_data_quality" not in data["criteria"]
    assert data["criteria"]["external_data"]["size_tokens"] == 90000
    assert data["constraints"] == {
        "base_model": {"name": "Llama 3 8B", "parameters_billion": 13, "weights": "hosted"},
        "eval_set": False}
    code, _ = check_json(tmp_path / "llm-project.yaml")
    assert code == 0  # what was written is valid; warnings (RFT008 ...) do not fail


def test_knowledge_size_is_asked_only_where_there_is_external_data(tmp_path: Path) -> None:
    answers = ["p", "n", "high", "high", "5000", "static", "low", "skip", "y",
               *[""] * 7, "fine-tune"]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Optional: 7 more questions" in result.stdout
    assert "Knowledge size in tokens" not in result.stdout


# --- what the flags and answers leave to init -----------------------------------------------

@pytest.mark.parametrize(("flags", "base_model"), [
    (("--base-model", "Llama 3 8B", "--base-model-weights", "open"),
     {"name": "Llama 3 8B", "weights": "open"}),
    (("--base-model", "Llama 3 8B", "--base-model-parameters-billion", "8"),
     {"name": "Llama 3 8B", "parameters_billion": 8}),
], ids=["weights-alone", "size-alone"])
def test_a_folder_as_output_gets_the_manifest_with_each_flag_written(
        tmp_path: Path, flags: tuple[str, ...], base_model: dict[str, object]) -> None:
    result = run_cli("init", "--output", str(tmp_path), *RAG_FLAGS, "--owner", "search-team",
                     "--adaptation-goals", "unknown", *flags)
    assert result.exit_code == 0, result.output
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert data["owner"] == "search-team"
    assert data["criteria"]["adaptation_goals"] == "unknown"
    assert data["constraints"]["base_model"] == base_model


def test_an_output_in_a_missing_folder_is_exit_2_before_any_question(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run_cli("init", "--output", str(missing / "llm-project.yaml"), input="p\n")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"ragft-lint: error: {missing / 'llm-project.yaml'}: "
                                     f"cannot write: folder {missing} does not exist")
    assert "1/6" not in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_name_that_is_not_text_is_exit_2(tmp_path: Path) -> None:
    # What Python makes of an argument that is not UTF-8 (a lone surrogate): it cannot be
    # written into a UTF-8 manifest.
    result = _init(tmp_path, *RAG_FLAGS, "--project", "caf\udce9")
    assert result.exit_code == 2
    assert "--project: 'caf\\udce9' is not valid text" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_line_separator_in_a_name_is_escaped_and_read_back(tmp_path: Path) -> None:
    result = _init(tmp_path, *RAG_FLAGS, "--project", "support\u2028bot")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "llm-project.yaml").read_text(encoding="utf-8")
    assert 'project: "support\\u2028bot"\n' in text  # one line, as the parser counts lines
    assert _passes_check(tmp_path / "llm-project.yaml")["project"] == "support\u2028bot"


def test_interactive_asks_for_what_the_flags_leave_open(tmp_path: Path) -> None:
    """--external-data given without a source: the sources are asked for (a blank name
    asked again, a second source added); a blank base model name is asked again."""
    answers = [
        "p",  # project
        "low", "none", "800", "daily", "high",  # criteria 2-6
        "  ", "docs", "", "y", "orders", "api", "n",  # sources: a blank name, then two
        "skip",  # no compute budget
        "",  # the optional questions: yes
        "", "", "", "", "",  # goals, quality, size, window, evaluation set: skipped
        "   ", "Llama 3 8B", "", "hosted",  # base model: blank, a name; size skipped
        "", "",  # latency, volume: skipped
        "",  # approach: the recommendation
    ]
    result = _init(tmp_path, "--external-data", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Please type a name." in out
    assert "Error: Base model name: must not be blank" in out
    data = _passes_check(tmp_path / "llm-project.yaml")
    assert data["criteria"]["external_data"]["sources"] == [
        {"name": "docs", "kind": "document-store"}, {"name": "orders", "kind": "api"}]
    assert data["constraints"] == {
        "base_model": {"name": "Llama 3 8B", "weights": "hosted"}}


def test_writing_when_no_approach_passes_says_so_in_the_manifest(tmp_path: Path) -> None:
    add_brand_voice_pack(tmp_path)  # the built-in pack has no error for rag
    answers = ["p", "n", "high", "high", "10", "static", "low", "skip", "n", "y", ""]
    result = _init(tmp_path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "llm-project.yaml").read_text(encoding="utf-8")
    assert ("# prompting, rag, fine-tune or hybrid; no approach passes every policy for these "
            "needs.\n") in text
    code, report = check_json(tmp_path / "llm-project.yaml")
    assert code == 1 and any(f["severity"] == "error" for f in report["findings"])
