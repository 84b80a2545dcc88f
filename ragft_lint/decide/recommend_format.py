"""Write a `Recommendation` as text (a readable scorecard), JSON or Markdown.

One small function per format, each writing to the stream it is given, chosen through
`WRITER_BY_FORMAT`; the CLI never branches on the format itself. Every format shows the
evidence: the sources behind each row, and the bibliography of the sources cited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from ragft_lint.core.text import show_value
from ragft_lint.decide.recommend import (
    NEUTRAL,
    Counterfactual,
    CriterionScore,
    Recommendation,
    Verdict,
)
from ragft_lint.reporters.text import printable

TEXT_WIDTH = 96
LABEL_BY_APPROACH = {"prompting": "prompting", "rag": "RAG", "fine-tune": "fine-tune",
                     "hybrid": "hybrid"}


def write_text(rec: Recommendation, stream: TextIO) -> None:
    """A scorecard a person reads in a terminal."""
    project = f" (project {_shown(rec.project)})" if rec.project else ""
    stream.write(f"Scorecard for {printable(rec.path)}{project}\n\n")
    header = ("#", "Criterion", "Declared", "Favours", "Evidence", "Sources")
    rows = [header] + [(_number(r), r.key, r.shown, _favours(rec, r), r.strength_word,
                        ", ".join(_row_sources(r)) or "-")
                       for r in rec.assessment.rows]
    _table(rows, stream)
    stream.write("\nWeighted evidence against each approach (penalty; lower is better)\n")
    table = [("Approach", "Penalty", "Fit", "Verdict")]
    for approach in rec.assessment.approaches:
        verdict = rec.assessment.verdicts[approach]
        mark = "  <- recommended" if approach == rec.recommended else ""
        mark += "  (declared)" if approach == rec.declared else ""
        table.append((approach, str(verdict.penalty), str(verdict.score),
                      _verdict(rec, verdict) + mark))
    _table(table, stream, right=(1, 2))
    recommended = rec.recommended or "none: no approach passes check"
    stream.write(f"\nRecommended: {recommended}{_margin_note(rec)}\n")
    for line in rec.explanation:
        stream.write(_wrap(line))
    if rec.counterfactuals:
        stream.write("\nWhat would change it\n")
        for counterfactual in rec.counterfactuals:
            stream.write(_wrap(counterfactual_sentence(rec, counterfactual)))
    if rec.sensitivity:
        stream.write("\nThe smallest change of each criterion that changes the recommendation\n")
        for counterfactual in rec.sensitivity:
            stream.write(_wrap(sensitivity_sentence(counterfactual)))
    sources = cited(rec)
    if sources:
        stream.write("\nSources\n")
        for source_id, entry in sources.items():
            stream.write(_wrap(f"{source_id}: {_citation(entry)}"))


def write_markdown(rec: Recommendation, stream: TextIO) -> None:
    """A section to paste into a design document or a pull request."""
    recommended = f"**{rec.recommended}**" if rec.recommended else "**none** (no approach passes)"
    # In a code span nothing renders live (no link, mention or markup from the pull
    # request); its fence is longer than any run of backticks in the name, so none ends it.
    project = f" for {_code_span(_shown(rec.project))}" if rec.project else ""
    stream.write(f"### ragft-lint recommendation{project}: {recommended}\n\n")
    note = _margin_note(rec).strip()
    if note:
        stream.write(f"{note.strip('()')}\n\n")
    stream.write("| # | Criterion | Declared | Favours | Evidence | Sources |\n")
    stream.write("|---|---|---|---|---|---|\n")
    for row in rec.assessment.rows:
        stream.write(f"| {_number(row)} | `{row.key}` | {_md(row.shown)} | "
                     f"{_favours(rec, row)} | {row.strength_word} | "
                     f"{', '.join(_row_sources(row)) or '-'} |\n")
    stream.write("\n| Approach | Penalty | Fit score | Verdict |\n|---|---:|---:|---|\n")
    for approach in rec.assessment.approaches:
        verdict = rec.assessment.verdicts[approach]
        name = f"**{approach}**" if approach == rec.recommended else approach
        declared = " (declared)" if approach == rec.declared else ""
        stream.write(f"| {name}{declared} | {verdict.penalty} | {verdict.score} | "
                     f"{_md(_verdict(rec, verdict))} |\n")
    stream.write("\n")
    for line in rec.explanation:
        stream.write(f"- {_md(line)}\n")
    if rec.counterfactuals:
        stream.write("\n**What would change it**\n\n")
        for counterfactual in rec.counterfactuals:
            stream.write(f"- {_md(counterfactual_sentence(rec, counterfactual))}\n")
    if rec.sensitivity:
        stream.write("\n**The smallest change of each criterion that changes the "
                     "recommendation**\n\n")
        for counterfactual in rec.sensitivity:
            stream.write(f"- {_md(sensitivity_sentence(counterfactual))}\n")
    sources = cited(rec)
    if sources:
        stream.write("\n**Sources**\n\n")
        for source_id, entry in sources.items():
            stream.write(f"- `{source_id}`: {_md(_citation(entry))}\n")


def write_json(rec: Recommendation, stream: TextIO) -> None:
    """Machine-readable; `recommended` is null when no approach passes `check`."""
    json.dump(as_dict(rec), stream, indent=2)
    stream.write("\n")


def as_dict(rec: Recommendation) -> dict[str, Any]:
    """The JSON document `--format json` prints (schemas/recommendation.schema.json)."""
    assessment = rec.assessment
    dependence = rec.dependence
    return {
        "file": rec.path,
        "project": _shown(rec.project) if rec.project is not None else None,
        "declared": rec.declared,
        "recommended": rec.recommended,
        "scores": assessment.scores,
        "penalties": assessment.penalties,
        "ranking": list(assessment.ranking),
        "margin": {
            "points": assessment.margin,
            "between": ([assessment.recommended, assessment.runner_up]
                        if assessment.runner_up else []),
            "close_call": assessment.close_call,
            "max_margin": assessment.scoring.close_call_margin,
        },
        "deciding_criteria": _deciding(rec),
        "approaches": {a: _verdict_dict(rec, v) for a, v in assessment.verdicts.items()},
        "criteria": [_row_dict(rec, r) for r in assessment.rows],
        "blocking_criteria": ({a: list(keys) for a, keys in assessment.blocking().items()}
                              if rec.recommended is None else {}),
        "unknown": None if dependence is None else {
            "criteria": list(dependence.keys),
            "depends_on": list(dependence.relevant),
            "exhaustive": dependence.exhaustive,
            "robust": dependence.robust,
            "dependence": dependence.sentence,
            "outcomes": [{"values": dict(o.values), "recommended": o.recommended}
                         for o in dependence.outcomes],
        },
        "explanation": list(rec.explanation),
        "counterfactuals": [_counterfactual_dict(c, counterfactual_sentence(rec, c))
                            for c in rec.counterfactuals],
        "sensitivity": [_counterfactual_dict(c, sensitivity_sentence(c))
                        for c in rec.sensitivity],
        "sources": cited(rec),
    }


WRITER_BY_FORMAT: dict[str, Callable[[Recommendation, TextIO], None]] = {
    "text": write_text,
    "json": write_json,
    "markdown": write_markdown,
}


def counterfactual_sentence(rec: Recommendation, counterfactual: Counterfactual) -> str:
    change = f"{counterfactual.key} were {counterfactual.becomes} (it is {counterfactual.was})"
    if rec.recommended is None:
        return f"If {change}, {counterfactual.recommended} would pass and be recommended."
    return f"{counterfactual.recommended} would be the recommendation if {change}."


def sensitivity_sentence(counterfactual: Counterfactual) -> str:
    becomes = counterfactual.recommended or "no approach"
    return (f"{counterfactual.key}: {counterfactual.becomes} (it is {counterfactual.was}) "
            f"gives {becomes}.")


def cited(rec: Recommendation) -> dict[str, dict[str, Any]]:
    """The bibliography entries of the sources the scorecard cites, by id."""
    bibliography = load_bibliography()
    return {source_id: bibliography.get(source_id, {"title": source_id})
            for source_id in rec.cited_sources()}


def load_bibliography() -> dict[str, dict[str, Any]]:
    """The built-in bibliography (policies/sources.yaml) as {id: {title, author, year, url}}."""
    from ragft_lint.core.bibliography import builtin_sources

    return {key: {"title": source.title, "author": source.author, "year": source.year,
                  "url": source.url} for key, source in builtin_sources().items()}


def _deciding(rec: Recommendation) -> list[dict[str, Any]]:
    """What decided: each criterion's points toward the margin over the runner-up, and the
    approaches its errors rule out."""
    assessment = rec.assessment
    excluding = assessment.excluding()
    points_by_key = dict(assessment.deciding())
    keys = list(points_by_key) + [k for k in excluding if k not in points_by_key]
    return [{"criterion": key, "points": points_by_key.get(key),
             "excludes": list(excluding.get(key, ()))} for key in keys]


def _citation(entry: Mapping[str, Any]) -> str:
    """`Author (year), "Title", address`, as explain and the SARIF rule help name it."""
    from ragft_lint.core.evidence import Source

    return Source(id="", title=str(entry.get("title")), author=str(entry.get("author")),
                  year=int(entry.get("year") or 0), url=str(entry.get("url"))).cite()


def _margin_note(rec: Recommendation) -> str:
    assessment = rec.assessment
    if rec.recommended is None:
        return ""
    if rec.recommended != assessment.recommended:
        return " (worked out over the values the unknown needs may take)"
    if assessment.margin is None:
        return " (the only approach with no error)"
    close = "close call: " if assessment.close_call else ""
    return (f" ({close}margin {assessment.margin} over {assessment.runner_up}; a close call "
            f"is at most {assessment.scoring.close_call_margin})")


def _favours(rec: Recommendation, row: CriterionScore) -> str:
    favoured = row.favours(rec.assessment.approaches)
    if not favoured:
        return NEUTRAL
    return ", ".join(LABEL_BY_APPROACH[a] for a in favoured)


def _row_sources(row: CriterionScore) -> list[str]:
    return list(dict.fromkeys(e.source for e in row.evidence))


def _verdict(rec: Recommendation, verdict: Verdict) -> str:
    rules = ", ".join(dict.fromkeys(f.rule for f in (verdict.errors or verdict.warnings)))
    fit = rec.fit_of(verdict.approach)
    return f"{fit} ({rules})" if rules else fit


def _verdict_dict(rec: Recommendation, verdict: Verdict) -> dict[str, Any]:
    return {
        "score": verdict.score,
        "penalty": verdict.penalty,
        "fit": rec.fit_of(verdict.approach),
        "errors": [f.rule for f in verdict.errors],
        "warnings": [f.rule for f in verdict.warnings],
    }


def _row_dict(rec: Recommendation, row: CriterionScore) -> dict[str, Any]:
    approaches = rec.assessment.approaches
    return {
        "key": row.key,
        "criterion": row.weights.criterion,
        "pointer": row.weights.pointer,
        "value": row.declared,
        "shown": row.shown,
        "unknown": row.unknown,
        "favours": list(row.favours(approaches)),
        "strength_word": row.strength_word,
        "why": row.why,
        "cost": {a: row.cost[a] for a in approaches},
        "penalty": {a: row.penalty[a] for a in approaches},
        "evidence": [{"source": e.source, "claim": e.claim, "strength": e.strength}
                     for e in row.evidence],
        "rules": {a: list(rules) for a, rules in row.rules_by_approach.items() if rules},
    }


def _counterfactual_dict(counterfactual: Counterfactual, text: str) -> dict[str, Any]:
    return {"criterion": counterfactual.key, "pointer": counterfactual.pointer,
            "from": counterfactual.was, "to": counterfactual.becomes,
            "value": counterfactual.value, "recommended": counterfactual.recommended,
            "text": text}


def _table(rows: Sequence[tuple[str, ...]], stream: TextIO, right: tuple[int, ...] = ()) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                          for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
        stream.write(f"  {cells.rstrip()}\n")


def _number(row: CriterionScore) -> str:
    return str(row.weights.criterion) if row.weights.criterion is not None else "-"


def _wrap(line: str) -> str:
    import textwrap

    return textwrap.fill(line, width=TEXT_WIDTH, initial_indent="  ",
                         subsequent_indent="    ", break_on_hyphens=False,
                         break_long_words=False) + "\n"


def _shown(project: object) -> str:
    """The manifest's project name as every report quotes a value: bare, escaped, and cut
    visibly past MAX_SHOWN characters (core.text)."""
    return show_value(project, quote=False)


def _code_span(text: str) -> str:
    """`text` as a Markdown code span (CommonMark: a fence of more backticks than any run
    inside it, padded with a space when the text starts or ends with one)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md(text: str) -> str:
    """Text for a Markdown table cell, where a pipe would end the cell."""
    return text.replace("|", "\\|")
