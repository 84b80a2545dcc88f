"""`ragft-lint init`: ask the six questions, recommend an approach, write llm-project.yaml.

The questions' choices come from the manifest schema and their hints from the policies'
rationales, so the questionnaire says what the rules say. The file written is checked with
the same engine as `ragft-lint check` before it is written: `init` never leaves behind a
manifest that fails unless the person answering explicitly accepts that.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import click

from ragft_lint.core.errors import ConfigError
from ragft_lint.core.policy import PolicyPack
from ragft_lint.decide.recommend import Recommendation, Recommender

DEFAULT_SCHEMA_REF = "llm-project.schema.json"
SCHEMA_VERSION = 2  # `init` writes the current format, where a need may be "unknown"
UNKNOWN = "unknown"
UNKNOWN_HINT = "unknown = don't know yet: no rule judges it, RFT008 reminds you to decide"
SKIP = "skip"
OPTIONAL_HINT = ("Enter skips a question (the field is left out); unknown = don't know yet, "
                 "written as unknown where the field takes it")
SOURCE_KINDS = ("database", "document-store", "api", "web", "file-share", "other")
# Plain YAML scalars that a reader would take for something other than a string.
_NOT_PLAIN = frozenset({"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n"})
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/ ]*")


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, in plain words."""

    key: str
    criterion: int | None
    pointer: str
    text: str
    flag: str


QUESTIONS = (
    Question("external_data", 1, "/criteria/external_data/required",
             "Must answers draw on data outside the model, such as databases, documents or "
             "APIs?", "--external-data/--no-external-data"),
    Question("behavior_adaptation", 2, "/criteria/behavior_adaptation",
             "How much must the model change how it writes: behaviour, style, tone or domain "
             "terminology?", "--behavior-adaptation"),
    Question("hallucination_tolerance", 3, "/criteria/hallucination_tolerance",
             "How much hallucination (fluent, made-up answers) can you tolerate?",
             "--hallucination-tolerance"),
    Question("labeled_examples", 4, "/criteria/labeled_examples",
             "How many good labelled training examples do you have?", "--labeled-examples"),
    Question("data_dynamics", 5, "/criteria/data_dynamics",
             "How often does the data the answers depend on change?", "--data-dynamics"),
    Question("interpretability", 6, "/criteria/interpretability",
             "How much must each answer be traceable to its sources?", "--interpretability"),
)
COMPUTE_QUESTION = Question("compute_budget", None, "/constraints/compute_budget",
                            "What compute budget is there for training and serving?",
                            "--compute-budget")
# schema_version 2's optional fields, asked after the six criteria (each may be skipped).
OPTIONAL_QUESTIONS = (
    Question("adaptation_goals", 2, "/criteria/adaptation_goals",
             "What is the change of behaviour for: style, tone, format, terminology, a skill, "
             "domain knowledge?", "--adaptation-goals"),
    Question("labeled_data_quality", 4, "/criteria/labeled_data_quality",
             "How were the labelled examples made: curated (selected and checked), mixed, or "
             "raw (taken as they are, such as exported chat logs)?", "--labeled-data-quality"),
    Question("size_tokens", 1, "/criteria/external_data/size_tokens",
             "How much knowledge do the answers draw on, in tokens?", "--size-tokens"),
    Question("context_window_tokens", None, "/constraints/context_window_tokens",
             "How large is the base model's context window, in tokens?",
             "--context-window-tokens"),
    Question("eval_set", None, "/constraints/eval_set",
             "Is there an evaluation set to measure answers against?", "--eval-set/--no-eval-set"),
    Question("base_model", None, "/constraints/base_model/name",
             "Which model does the project start from?", "--base-model"),
    Question("latency_budget_ms", None, "/constraints/latency_budget_ms",
             "What p95 answer latency can the application afford, in milliseconds?",
             "--latency-budget-ms"),
    Question("queries_per_day", None, "/constraints/queries_per_day",
             "How many queries a day are expected?", "--queries-per-day"),
)


@dataclass(frozen=True)
class Answers:
    """Everything the questionnaire asks; None means not answered (yet)."""

    project: str | None = None
    owner: str | None = None
    external_data: bool | None = None
    sources: tuple[tuple[str, str], ...] = ()
    behavior_adaptation: str | None = None
    hallucination_tolerance: str | None = None
    labeled_examples: int | str | None = None  # a count, or "unknown"
    data_dynamics: str | None = None
    interpretability: str | None = None
    compute_budget: str | None = None  # optional in the manifest
    approach: str | None = None
    # The optional fields of schema_version 2 (OPTIONAL_QUESTIONS); None: not declared.
    adaptation_goals: tuple[str, ...] | str | None = None  # goals, or "unknown"
    labeled_data_quality: str | None = None
    size_tokens: int | str | None = None  # a count, or "unknown"
    context_window_tokens: int | None = None
    eval_set: bool | None = None
    base_model: str | None = None
    base_model_parameters_billion: float | None = None
    base_model_weights: str | None = None
    latency_budget_ms: int | None = None
    queries_per_day: int | None = None

    def needs(self, approach: str | None = None) -> dict[str, Any]:
        """The manifest data these answers declare."""
        external: dict[str, Any] = {"required": bool(self.external_data)}
        if self.sources:
            external["sources"] = [{"name": n, "kind": k} for n, k in self.sources]
        if self.size_tokens is not None:
            external["size_tokens"] = self.size_tokens
        data: dict[str, Any] = {"schema_version": SCHEMA_VERSION,
                                "project": self.project or "project"}
        if self.owner:
            data["owner"] = self.owner
        if approach or self.approach:
            data["approach"] = approach or self.approach
        criteria: dict[str, Any] = {"external_data": external,
                                    "behavior_adaptation": self.behavior_adaptation}
        if self.adaptation_goals is not None:
            criteria["adaptation_goals"] = (self.adaptation_goals
                                            if isinstance(self.adaptation_goals, str)
                                            else list(self.adaptation_goals))
        criteria.update(hallucination_tolerance=self.hallucination_tolerance,
                        labeled_examples=self.labeled_examples)
        if self.labeled_data_quality is not None:
            criteria["labeled_data_quality"] = self.labeled_data_quality
        criteria.update(data_dynamics=self.data_dynamics,
                        interpretability=self.interpretability)
        data["criteria"] = criteria
        constraints = self.constraints()
        if constraints:
            data["constraints"] = constraints
        return data

    def constraints(self) -> dict[str, Any]:
        """The `constraints` these answers declare, in the order `init` writes them."""
        out: dict[str, Any] = {}
        for key in ("compute_budget", "context_window_tokens", "latency_budget_ms",
                    "queries_per_day"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.base_model is not None:
            model: dict[str, Any] = {"name": self.base_model}
            if self.base_model_parameters_billion is not None:
                model["parameters_billion"] = self.base_model_parameters_billion
            if self.base_model_weights is not None:
                model["weights"] = self.base_model_weights
            out["base_model"] = model
        if self.eval_set is not None:
            out["eval_set"] = self.eval_set
        return out


@dataclass
class InitOptions:
    """The `init` command's options, as given."""

    answers: Answers
    output: str = "llm-project.yaml"
    force: bool = False
    interactive: bool = True
    schema_ref: str = DEFAULT_SCHEMA_REF
    schema_file: bool = True
    written: list[str] = field(default_factory=list)


def choices(key: str) -> tuple[str, ...]:
    """The values the manifest schema allows for a criterion or constraint (`weights`:
    the base model's; `adaptation_goals`: one goal of the list)."""
    from ragft_lint.core.resources import load_schema

    properties = load_schema()["properties"]
    if key == "weights":
        node = properties["constraints"]["properties"]["base_model"]["properties"][key]
    elif key in properties["constraints"]["properties"]:
        node = properties["constraints"]["properties"][key]
    else:
        node = properties["criteria"]["properties"][key]
    return tuple((node.get("items") or node)["enum"])


class CountOrUnknown(click.ParamType):  # type: ignore[type-arg]
    """A count of at least 0, or `unknown` (don't know yet)."""

    name = "count"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | str:
        if isinstance(value, int) or value == UNKNOWN:
            return value  # type: ignore[no-any-return]
        try:
            count = int(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is neither a count nor 'unknown'", param, ctx)
        if count < 0:
            self.fail(f"{count} is not in the range x>=0", param, ctx)
        return count


class GoalsOrUnknown(click.ParamType):  # type: ignore[type-arg]
    """A comma-separated list of adaptation goals, or `unknown` (don't know yet)."""

    name = "goals"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, ...] | str:
        if isinstance(value, tuple) or value == UNKNOWN:
            return value  # type: ignore[no-any-return]
        goals = tuple(dict.fromkeys(g.strip() for g in str(value).split(",") if g.strip()))
        allowed = choices("adaptation_goals")
        wrong = [g for g in goals if g not in allowed]
        if wrong or not goals:
            self.fail(f"{', '.join(map(repr, wrong)) or 'nothing'} is not a list of "
                      f"{', '.join(allowed)} (comma-separated), nor 'unknown'", param, ctx)
        return goals


class Optional(click.ParamType):  # type: ignore[type-arg]
    """An optional question's answer: `skip` (or nothing) leaves the field out; `unknown`
    (don't know yet) is written as `unknown` where the schema takes it, else left out too."""

    def __init__(self, inner: click.ParamType, takes_unknown: bool) -> None:  # type: ignore[type-arg]
        self.inner, self.takes_unknown = inner, takes_unknown
        self.name = inner.name

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if value in (SKIP, ""):
            return SKIP
        if value == UNKNOWN:
            return UNKNOWN if self.takes_unknown else SKIP
        return self.inner.convert(value, param, ctx)


def hint(pack: PolicyPack, question: Question) -> str:
    """Why the question matters: the rationale of the first policy judging that need, else
    the schema's description of the field."""
    for policy in pack.policies:
        if policy.pointer == question.pointer:
            return re.sub(r"^Criterion \d+:\s*", "", " ".join(policy.rule.rationale.split()))
    from ragft_lint.core.resources import load_schema

    node: Any = load_schema()
    for token in question.pointer.split("/")[1:]:
        node = (node.get("properties") or {}).get(token) or {}
    described = str(node.get("description", ""))
    return re.sub(r"^schema_version 2(, criterion \d+)?:\s*", "", described)


def missing_flags(answers: Answers) -> list[str]:
    """Flags a non-interactive run still needs."""
    missing = [q.flag for q in QUESTIONS if getattr(answers, q.key) is None]
    if answers.external_data and not answers.sources:
        missing.append("--source NAME[:KIND] (external data is required)")
    return missing


def parse_source(text: str) -> tuple[str, str]:
    """`NAME[:KIND]`, KIND defaulting to document-store."""
    name, _, kind = text.rpartition(":") if ":" in text else (text, "", "document-store")
    name, kind = name.strip(), (kind.strip() or "document-store")
    if not name:
        raise ConfigError(f"--source {text!r}: the source needs a name (NAME[:KIND])")
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"--source {text!r}: kind must be one of {', '.join(SOURCE_KINDS)}")
    return name, kind


# --- the run --------------------------------------------------------------------------------

def run_init(options: InitOptions, recommender: Recommender) -> int:
    """Ask what is missing, choose the approach, write the files; the exit code."""
    output = options.output
    if os.path.isdir(output):
        output = os.path.join(output, "llm-project.yaml")
    if os.path.lexists(output) and not options.force:
        raise ConfigError(f"{output} already exists; use --force to overwrite it")
    # Every file is checked writable before a question is asked, and written only at the end.
    schema_path = _schema_path(output, options.schema_ref)
    if not options.schema_file or (schema_path is not None and os.path.lexists(schema_path)
                                   and not options.force):
        schema_path = None  # not wanted, or an existing schema kept (it is the same data)
    from ragft_lint.core.files import check_writable_target

    for path in (output, schema_path):
        if path is not None:
            folder = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(folder):
                raise ConfigError(f"cannot write: folder {folder} does not exist", where=path)
            check_writable_target(path, "the file")
    answers = options.answers
    if answers.project is None:
        default = os.path.basename(os.path.abspath(os.path.dirname(output) or ".")) or "project"
        answers = replace(answers, project=default if not options.interactive
                          else _ask_text("Project name", default))
    if options.interactive:
        answers = ask_needs(answers, recommender.engine.pack)
    else:
        missing = missing_flags(answers)
        if missing:
            raise ConfigError("--non-interactive needs every answer; missing: "
                              + ", ".join(missing))
    from ragft_lint.core.manifest import Manifest

    rec = recommender.recommend(Manifest(output, answers.needs()))
    approach = (choose_approach(answers, rec) if options.interactive
                else _approach_or_fail(answers, rec))
    if approach is None:
        click.echo("Nothing written.")
        return 1
    text = render_manifest(replace(answers, approach=approach), rec, options.schema_ref,
                           recommender.engine.pack.params)
    files = [(output, text)]
    if schema_path is not None:
        files.append((schema_path, _schema_text()))
    write_all(files)
    written = [path for path, _ in files]
    click.echo(f"Wrote {' and '.join(written)}. Check it with: ragft-lint check {output}")
    return 0


def ask_needs(answers: Answers, pack: PolicyPack) -> Answers:
    """Ask, in plain words, every need not already answered by a flag."""
    total = len(QUESTIONS)
    for number, question in enumerate(QUESTIONS, start=1):
        if getattr(answers, question.key) is not None:
            continue
        click.echo(f"\n{number}/{total} {question.text}")
        _hint(pack, question)
        value: Any
        if question.key == "external_data":
            value = click.confirm("External data needed", default=None)
        elif question.key == "labeled_examples":
            click.secho(f"    ({UNKNOWN_HINT})", dim=True)
            value = click.prompt("Number of labelled examples", type=CountOrUnknown())
        else:
            click.secho(f"    ({UNKNOWN_HINT})", dim=True)
            value = click.prompt(question.key.replace("_", " ").capitalize(),
                                 type=click.Choice(choices(question.key)))
        answers = replace(answers, **{question.key: value})
        if question.key == "external_data" and value and not answers.sources:
            answers = replace(answers, sources=_ask_sources())
    if answers.external_data and not answers.sources:  # answered by flag, sources not given
        answers = replace(answers, sources=_ask_sources())
    if answers.compute_budget is None:
        click.echo(f"\nOptional, beside the six criteria. {COMPUTE_QUESTION.text}")
        _hint(pack, COMPUTE_QUESTION)
        budget = click.prompt("Compute budget", default="skip",
                              type=click.Choice((*choices("compute_budget"), "skip")))
        answers = replace(answers, compute_budget=None if budget == "skip" else budget)
    return ask_optional(answers, pack)


def _optional_type(key: str) -> tuple[str, click.ParamType, bool]:  # type: ignore[type-arg]
    """(prompt label, answer type, whether the field takes `unknown`) of an optional
    question."""
    if key == "adaptation_goals":
        return (f"Adaptation goals ({', '.join(choices(key))}; comma-separated)",
                GoalsOrUnknown(), True)
    if key == "labeled_data_quality":
        return (f"Labelled data quality ({', '.join(choices(key))})",
                click.Choice(choices(key)), True)
    if key == "eval_set":
        return "Evaluation set (yes, no)", click.BOOL, False
    if key == "base_model":
        return "Base model name", click.STRING, False
    minimum = 0 if key in ("size_tokens", "queries_per_day") else 1
    label = {"size_tokens": "Knowledge size in tokens",
             "context_window_tokens": "Context window in tokens",
             "latency_budget_ms": "Latency budget in ms",
             "queries_per_day": "Queries a day"}[key]
    return label, click.IntRange(min=minimum), key == "size_tokens"


def optional_questions(answers: Answers) -> list[Question]:
    """The optional questions still open; the knowledge size only where there is external
    knowledge to measure."""
    return [q for q in OPTIONAL_QUESTIONS if getattr(answers, q.key) is None
            and (q.key != "size_tokens" or answers.external_data)]


def ask_optional(answers: Answers, pack: PolicyPack) -> Answers:
    """Offer the optional questions; each may be skipped or answered `unknown`."""
    remaining = optional_questions(answers)
    if not remaining:
        return answers
    click.echo(f"\nOptional: {len(remaining)} more questions sharpen the recommendation "
               "(what the change is for, data quality, sizes, evaluation, base model, "
               "latency, volume).")
    if not click.confirm("Answer them", default=True):
        return answers
    click.secho(_wrap(f"({OPTIONAL_HINT})", "    "), dim=True)
    for number, question in enumerate(remaining, start=1):
        click.echo(f"\n{number}/{len(remaining)} {question.text}")
        _hint(pack, question)
        label, kind, takes_unknown = _optional_type(question.key)
        while True:
            value = click.prompt(label, default=SKIP, type=Optional(kind, takes_unknown))
            if question.key != "base_model" or value == SKIP:
                break
            try:
                value = check_text(label, str(value).strip())
                break
            except ConfigError as exc:
                click.echo(f"Error: {exc}")
        answers = replace(answers, **{question.key: None if value == SKIP else value})  # type: ignore[arg-type]
        if question.key == "base_model" and answers.base_model is not None:
            answers = _ask_base_model(answers)
    return answers


def _ask_base_model(answers: Answers) -> Answers:
    """The base model's size and whether its weights are open, each skippable. Neither has
    an answer yet: their flags are refused without --base-model, which skips this."""
    size = click.prompt("Parameters, in billions", default=SKIP,
                        type=Optional(click.FloatRange(min=0, min_open=True), False))
    weights = click.prompt("Weights (open: yours to train anywhere; hosted: a "
                           "provider's model)", default=SKIP,
                           type=Optional(click.Choice(choices("weights")), False))
    return replace(answers, base_model_parameters_billion=None if size == SKIP else size,
                   base_model_weights=None if weights == SKIP else weights)


def _hint(pack: PolicyPack, question: Question) -> None:
    why = hint(pack, question)
    if why:
        click.secho(_wrap(f"Why it matters: {why}", "    "), dim=True)


def _wrap(text: str, indent: str) -> str:
    import textwrap

    return textwrap.fill(text, width=96, initial_indent=indent,
                         subsequent_indent=indent + "  ", break_on_hyphens=False)


def _ask_sources() -> tuple[tuple[str, str], ...]:
    click.echo("\nName the external sources the answers draw on.")
    sources: list[tuple[str, str]] = []
    while True:
        name = _ask_text("Source name", None)
        kind = click.prompt("Source kind", default="document-store",
                            type=click.Choice(SOURCE_KINDS))
        sources.append((name, kind))
        if not click.confirm("Add another source", default=False):
            return tuple(sources)


def _ask_text(label: str, default: str | None) -> str:
    while True:
        value: str = click.prompt(label, default=default, type=str).strip()
        if value:
            try:
                return check_text(label, value)
            except ConfigError as exc:
                click.echo(f"Error: {exc}")
                continue
        click.echo("Please type a name.")


def choose_approach(answers: Answers, rec: Recommendation) -> str | None:
    """Show the recommendation, ask for the approach (the recommendation is the default)."""
    click.echo("")
    _show_recommendation(rec)
    if rec.recommended is None and not click.confirm(
            "No approach passes check for these needs. Write the manifest anyway", default=False):
        return None
    default = answers.approach or rec.recommended or rec.assessment.ranking[0]
    while True:
        approach: str = click.prompt("Approach", default=default,
                                     type=click.Choice(rec.assessment.approaches))
        errors = rec.assessment.verdicts[approach].errors
        if not errors or rec.recommended is None:
            return approach
        click.echo(f"{approach} fails {', '.join(f.rule for f in errors)} for these needs; "
                   "`ragft-lint check` will report it.")
        if click.confirm(f"Write {approach} anyway", default=False):
            return approach


def _show_recommendation(rec: Recommendation) -> None:
    if rec.recommended:
        score = rec.assessment.verdicts[rec.recommended].score
        click.secho(f"Recommended approach: {rec.recommended} (fit {score}/100)", bold=True)
    for line in rec.explanation:
        if not line.startswith("The manifest"):  # nothing is declared yet; say nothing of it
            click.echo(_wrap(line, "  "))
    from ragft_lint.decide.recommend_format import counterfactual_sentence

    for counterfactual in rec.counterfactuals:
        click.echo(_wrap(counterfactual_sentence(rec, counterfactual), "  "))


def _approach_or_fail(answers: Answers, rec: Recommendation) -> str:
    if rec.recommended is None:
        blocking = sorted({k for ks in rec.assessment.blocking().values() for k in ks})
        raise ConfigError("no approach passes check for these needs (they fail on "
                          f"{', '.join(blocking)}); `ragft-lint recommend` explains; "
                          "change an answer")
    approach = answers.approach or rec.recommended
    errors = rec.assessment.verdicts[approach].errors
    if errors:
        raise ConfigError(
            f"--approach {approach} fails {', '.join(f.rule for f in errors)} for these needs; "
            f"the recommendation is {rec.recommended} (leave out --approach to take it)")
    return approach


# --- writing --------------------------------------------------------------------------------

def render_manifest(answers: Answers, rec: Recommendation,
                    schema_ref: str = DEFAULT_SCHEMA_REF,
                    params: Mapping[str, Any] | None = None) -> str:
    """The commented llm-project.yaml for `answers` (whose approach is chosen)."""
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        "# What this LLM project needs, and the approach chosen for it. Written by",
        "# `ragft-lint init`: check it with `ragft-lint check`, see which approach fits and why",
        "# with `ragft-lint recommend`, and what a finding means with `ragft-lint explain RULE`.",
        f"schema_version: {SCHEMA_VERSION}",
        f"project: {scalar(answers.project or 'project')}",
    ]
    if answers.owner:
        lines.append(f"owner: {scalar(answers.owner)}")
    if rec.recommended:
        score = rec.assessment.verdicts[rec.recommended].score
        said = f"recommended for these needs: {rec.recommended} (fit {score}/100)."
    else:
        said = "no approach passes every policy for these needs."
    lines += [f"# prompting, rag, fine-tune or hybrid; {said}", f"approach: {answers.approach}",
              "criteria:"]
    for number, question in enumerate(QUESTIONS, start=1):
        lines.append(f"  # {number}. {question.text}")
        if question.key == "external_data":
            lines.append("  external_data:")
            lines.append(f"    required: {'true' if answers.external_data else 'false'}")
            if answers.sources:
                lines.append(f"    # kinds: {' | '.join(SOURCE_KINDS)}")
                lines.append("    sources:")
                for name, kind in answers.sources:
                    lines += [f"      - name: {scalar(name)}", f"        kind: {kind}"]
            if answers.size_tokens is not None:
                lines += [f"    # {_question('size_tokens').text} (or unknown)",
                          f"    size_tokens: {answers.size_tokens}"]
            continue
        if question.key != "labeled_examples":
            lines.append(f"  #    {' | '.join(choices(question.key))}")
        elif params and "min_labeled_examples" in params:
            wanted = params.get("recommended_labeled_examples")
            more = f" ({wanted} recommended)" if wanted else ""
            lines.append(f"  #    fine-tuning needs at least {params['min_labeled_examples']}"
                         f"{more}; or unknown")
        lines.append(f"  {question.key}: {getattr(answers, question.key)}")
        if question.key == "behavior_adaptation" and answers.adaptation_goals is not None:
            goals = answers.adaptation_goals
            lines += [f"  #    what it is for: {' | '.join(choices('adaptation_goals'))}; "
                      "or unknown",
                      "  adaptation_goals: " + (goals if isinstance(goals, str)
                                                else f"[{', '.join(goals)}]")]
        if question.key == "labeled_examples" and answers.labeled_data_quality is not None:
            lines += [f"  #    how they were made: "
                      f"{' | '.join(choices('labeled_data_quality'))}",
                      f"  labeled_data_quality: {answers.labeled_data_quality}"]
    constraints = answers.constraints()
    if constraints:
        lines += ["# Trade-offs beside the six criteria.", "constraints:"]
    for key, value in constraints.items():
        if key == "compute_budget":
            lines += [f"  # {COMPUTE_QUESTION.text} {' | '.join(choices('compute_budget'))}",
                      f"  compute_budget: {value}"]
        elif key == "base_model":
            lines += [f"  # {_question(key).text}", "  base_model:",
                      f"    name: {scalar(value['name'])}"]
            if "parameters_billion" in value:
                lines.append(f"    parameters_billion: {_number(value['parameters_billion'])}")
            if "weights" in value:
                lines += [f"    # {' | '.join(choices('weights'))}",
                          f"    weights: {value['weights']}"]
        else:
            shown = ("true" if value else "false") if isinstance(value, bool) else value
            lines += [f"  # {_question(key).text}", f"  {key}: {shown}"]
    return "\n".join(lines) + "\n"


def _question(key: str) -> Question:
    return next(q for q in OPTIONAL_QUESTIONS if q.key == key)


def _number(value: float) -> str:
    """A size as YAML reads it back: 13 rather than 13.0, and never an exponent."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def scalar(text: str) -> str:
    """`text` as a YAML scalar that reads back as the same string."""
    if (_PLAIN.fullmatch(text) and text.lower() not in _NOT_PLAIN
            and text == text.strip() and "  " not in text):
        return text
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _escape(ch: str) -> str:
    """One character inside a YAML double-quoted scalar. JSON's escaping is not enough:
    it writes astral characters as surrogate pairs, which YAML reads as two characters."""
    if ch in ('"', "\\"):
        return "\\" + ch
    code = ord(ch)
    printable = (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                 or code >= 0x10000) and code not in (0x2028, 0x2029, 0xFEFF)
    if printable:
        return ch
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def write_all(files: Sequence[tuple[str, str]]) -> None:
    """Write every file or none: each goes to a temporary file beside it first, and only
    when all are written are they renamed into place (never through a symbolic link)."""
    from ragft_lint.core.files import commit, discard, open_temporary

    temporaries: list[tuple[str, str]] = []
    try:
        for path, text in files:
            handle, temporary = open_temporary(path)
            temporaries.append((temporary, path))
            with handle:
                handle.write(text)
    except BaseException:
        for temporary, _ in temporaries:
            discard(temporary)
        raise
    for temporary, path in temporaries:
        commit(temporary, path)


def _schema_path(output: str, schema_ref: str) -> str | None:
    """Where the schema file goes: the modeline's path, relative to the manifest's folder."""
    if "://" in schema_ref or os.path.isabs(schema_ref):
        return None
    return os.path.join(os.path.dirname(output), schema_ref)


def _schema_text() -> str:
    """The packaged schema, as saved beside the manifest for editors."""
    import json

    from ragft_lint.core.resources import load_schema

    return json.dumps(load_schema(), indent=2) + "\n"


def given(values: Mapping[str, Any], sources: Sequence[str]) -> Answers:
    """Answers from the command-line flags (None where a flag was not given)."""
    parsed = tuple(parse_source(s) for s in sources)
    answers = Answers(sources=parsed, **{k: v for k, v in values.items() if v is not None})
    if answers.base_model is None and (answers.base_model_parameters_billion is not None
                                       or answers.base_model_weights is not None):
        raise ConfigError("--base-model-parameters-billion and --base-model-weights describe "
                          "the base model: give its name with --base-model NAME")
    for flag, text in (("--project", answers.project), ("--owner", answers.owner),
                       ("--base-model", answers.base_model),
                       *(("--source", name) for name, _ in parsed)):
        if text is not None:
            check_text(flag, text)
    return answers


def check_text(label: str, text: str) -> str:
    """A name must be writable as UTF-8 and not blank (the schema wants a non-blank project)."""
    if not text.strip():
        raise ConfigError(f"{label}: must not be blank")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"{label}: {text!r} is not valid text") from None
    return text
