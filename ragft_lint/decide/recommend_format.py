"""Write a `Recommendation` as text (a readable scorecard), JSON or Markdown.

One small function per format, each writing to the stream it is given, chosen through
`WRITER_BY_FORMAT`; the CLI never branches on the format itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from ragft_lint.decide.recommend import (
    APPROACHES,
    NEUTRAL,
    Counterfactual,
    CriterionScore,
    Recommendation,
    Verdict,
)

TEXT_WIDTH = 96
FAVOURS_LABEL = {"rag": "RAG", "fine-tune": "fine-tune", NEUTRAL: "neutral"}


def write_text(rec: Recommendation, stream: TextIO) -> None:
    """A scorecard a person reads in a terminal."""
    project = f" (project {rec.project})" if rec.project else ""
    stream.write(f"Scorecard for {rec.path}{project}\n\n")
    header = ("#", "Criterion", "Declared", "Favours", "Strength")
    rows = [header] + [(_number(r), r.key, r.shown, FAVOURS_LABEL[r.favours], _strength(r))
                       for r in rec.assessment.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        stream.write(f"  {cells.rstrip()}\n")
    stream.write("\nFit scores\n")
    for approach in APPROACHES:
        verdict = rec.assessment.verdicts[approach]
        mark = "  <- recommended" if approach == rec.recommended else ""
        mark += "  (declared)" if approach == rec.declared else ""
        stream.write(f"  {approach:<10}{verdict.score:>4}  {_verdict(rec, verdict)}{mark}\n")
    recommended = rec.recommended or "none: no approach passes check"
    stream.write(f"\nRecommended: {recommended}\n")
    for line in rec.explanation:
        stream.write(_wrap(line))
    if rec.counterfactuals:
        stream.write("\nWhat would change it\n")
        for counterfactual in rec.counterfactuals:
            stream.write(_wrap(counterfactual_sentence(rec, counterfactual)))


def write_markdown(rec: Recommendation, stream: TextIO) -> None:
    """A section to paste into a design document or a pull request."""
    recommended = f"**{rec.recommended}**" if rec.recommended else "**none** (no approach passes)"
    # Outside a table a pipe needs no escaping (and inside a code span it would show).
    project = f" for `{rec.project}`" if rec.project else ""
    stream.write(f"### ragft-lint recommendation{project}: {recommended}\n\n")
    stream.write("| # | Criterion | Declared | Favours | Strength |\n")
    stream.write("|---|---|---|---|---|\n")
    for row in rec.assessment.rows:
        stream.write(f"| {_number(row)} | `{row.key}` | {_md(row.shown)} | "
                     f"{FAVOURS_LABEL[row.favours]} | {_strength(row)} |\n")
    stream.write("\n| Approach | Fit score | Verdict |\n|---|---:|---|\n")
    for approach in APPROACHES:
        verdict = rec.assessment.verdicts[approach]
        name = f"**{approach}**" if approach == rec.recommended else approach
        declared = " (declared)" if approach == rec.declared else ""
        stream.write(f"| {name}{declared} | {verdict.score} | {_md(_verdict(rec, verdict))} |\n")
    stream.write("\n")
    for line in rec.explanation:
        stream.write(f"- {_md(line)}\n")
    if rec.counterfactuals:
        stream.write("\n**What would change it**\n\n")
        for counterfactual in rec.counterfactuals:
            stream.write(f"- {_md(counterfactual_sentence(rec, counterfactual))}\n")


def write_json(rec: Recommendation, stream: TextIO) -> None:
    """Machine-readable; `recommended` is null when no approach passes `check`."""
    json.dump(as_dict(rec), stream, indent=2)
    stream.write("\n")


def as_dict(rec: Recommendation) -> dict[str, Any]:
    """The JSON document `--format json` prints."""
    assessment = rec.assessment
    return {
        "file": rec.path,
        "project": rec.project,
        "declared": rec.declared,
        "recommended": rec.recommended,
        "scores": assessment.scores,
        "ranking": list(assessment.ranking),
        "approaches": {a: _verdict_dict(rec, v) for a, v in assessment.verdicts.items()},
        "criteria": [_row_dict(r) for r in assessment.rows],
        "blocking_criteria": ({a: list(keys) for a, keys in assessment.blocking().items()}
                              if rec.recommended is None else {}),
        "explanation": list(rec.explanation),
        "counterfactuals": [
            {"criterion": c.key, "pointer": c.pointer, "from": c.was, "to": c.becomes,
             "value": c.value, "recommended": c.recommended,
             "text": counterfactual_sentence(rec, c)}
            for c in rec.counterfactuals],
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


def _verdict(rec: Recommendation, verdict: Verdict) -> str:
    rules = ", ".join(dict.fromkeys(f.rule for f in (verdict.errors or verdict.warnings)))
    fit = rec.fit_of(verdict.approach)
    return f"{fit} ({rules})" if rules else fit


def _verdict_dict(rec: Recommendation, verdict: Verdict) -> dict[str, Any]:
    return {
        "score": verdict.score,
        "fit": rec.fit_of(verdict.approach),
        "errors": [f.rule for f in verdict.errors],
        "warnings": [f.rule for f in verdict.warnings],
    }


def _row_dict(row: CriterionScore) -> dict[str, Any]:
    return {
        "key": row.key,
        "criterion": row.weights.criterion,
        "pointer": row.weights.pointer,
        "value": row.declared,
        "favours": row.favours,
        "strength": row.strength,
        "strength_word": row.strength_word,
        "why": row.why,
        "cost": dict(row.cost),
        "rules": {a: list(rules) for a, rules in row.rules_by_approach.items() if rules},
    }


def _number(row: CriterionScore) -> str:
    return str(row.weights.criterion) if row.weights.criterion is not None else "-"


def _strength(row: CriterionScore) -> str:
    return "-" if row.favours == NEUTRAL else row.strength_word


def _wrap(line: str) -> str:
    import textwrap

    return textwrap.fill(line, width=TEXT_WIDTH, initial_indent="  ",
                         subsequent_indent="    ", break_on_hyphens=False) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell, where a pipe would end the cell."""
    return text.replace("|", "\\|")
