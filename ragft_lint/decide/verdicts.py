"""The README's verdict table, computed by running the policy pack, never written by hand.

Each row declares one need (or one combination a rule needs, such as knowledge size and
context window) on a schema_version 2 manifest whose every other need is `unknown`, so no
other policy can fire; each cell is the most severe finding of the pack for that approach,
with the rules that report it. `python -m ragft_lint.decide.verdicts` prints the table;
tests/test_explain.py fails while README.md's copy differs.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ragft_lint.core.finding import Severity
from ragft_lint.core.manifest import Manifest
from ragft_lint.core.policy import PolicyPack
from ragft_lint.core.rules import NEED_NOT_DECLARED
from ragft_lint.reporters.common import rule_url  # absolute: PyPI shows the README too

APPROACHES = ("prompting", "rag", "fine-tune", "hybrid")
OTHER = "\u2013"  # an en dash: the constraints beside the six criteria
SOURCES = [{"name": "docs", "kind": "document-store"}]


@dataclass(frozen=True)
class Row:
    """One declared need: its criterion, how the table shows it, and how to declare it."""

    criterion: str
    label: Callable[[dict[str, Any]], str]  # from the pack's parameters
    declare: Callable[[dict[str, Any], dict[str, Any]], None]  # (manifest, parameters)


def _set(*path: str, value: Any) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def declare(data: dict[str, Any], params: dict[str, Any]) -> None:
        node = data
        for token in path[:-1]:
            node = node.setdefault(token, {})
        node[path[-1]] = value
    return declare


def _labels(below: str | None, at_least: str | None
            ) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """labeled_examples just below `below`, or at `at_least` (parameter names)."""
    def declare(data: dict[str, Any], params: dict[str, Any]) -> None:
        count = params[below] - 1 if below else params[at_least or ""]
        data["criteria"]["labeled_examples"] = count
    return declare


def _external(required: bool, size: int | None = None, window: int | None = None
              ) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def declare(data: dict[str, Any], params: dict[str, Any]) -> None:
        need: dict[str, Any] = {"required": required}
        if required:
            need["sources"] = copy.deepcopy(SOURCES)
        if size is not None:
            need["size_tokens"] = size
            data.setdefault("constraints", {})["context_window_tokens"] = window
        data["criteria"]["external_data"] = need
    return declare


def _code(text: str) -> Callable[[dict[str, Any]], str]:
    return lambda params: text


def _need(criterion: str, key: str, value: Any, label: str | None = None) -> Row:
    """The row that declares `key: value` under criteria (constraints for OTHER), shown as
    that code unless `label` says more (the other values the same verdict holds for)."""
    section = "constraints" if criterion == OTHER else "criteria"
    shown = f"constraints.{key}" if criterion == OTHER else key
    return Row(criterion, _code(label or f"`{shown}: {value}`"), _set(section, key, value=value))


ROWS = (
    Row("1", _code("`external_data.required: true`"), _external(True)),
    Row("1", _code("`external_data.required: false`"), _external(False)),
    Row("1", _code("`external_data.size_tokens` > `constraints.context_window_tokens`"),
        _external(True, 500_000, 200_000)),
    _need("2", "behavior_adaptation", "high"),
    _need("2", "behavior_adaptation", "medium"),
    _need("2", "behavior_adaptation", "low", "`behavior_adaptation: none` or `low`"),
    _need("2", "adaptation_goals", ["domain-knowledge"],
          "`adaptation_goals` lists `domain-knowledge`"),
    _need("3", "hallucination_tolerance", "none"),
    _need("3", "hallucination_tolerance", "low"),
    Row("4", lambda p: f"`labeled_examples` < {p['min_labeled_examples']}",
        _labels("min_labeled_examples", None)),
    Row("4", lambda p: (f"{p['min_labeled_examples']} <= `labeled_examples` < "
                        f"{p['recommended_labeled_examples']}"),
        _labels(None, "min_labeled_examples")),
    Row("4", lambda p: f"`labeled_examples` >= {p['recommended_labeled_examples']}",
        _labels(None, "recommended_labeled_examples")),
    _need("4", "labeled_data_quality", "raw"),
    _need("5", "data_dynamics", "daily", "`data_dynamics: daily` or `realtime`"),
    _need("5", "data_dynamics", "weekly", "`data_dynamics: weekly` or `monthly`"),
    _need("6", "interpretability", "high"),
    _need("6", "interpretability", "medium"),
    _need(OTHER, "compute_budget", "low"),
    _need(OTHER, "eval_set", False, "`constraints.eval_set: false`"),
    _need(OTHER, "base_model", {"name": "a-hosted-model", "weights": "hosted"},
          "`constraints.base_model.weights: hosted`"),
)


def neutral_manifest(approach: str) -> dict[str, Any]:
    """A v2 manifest where every need is unknown: no policy can fire on it."""
    return {
        "schema_version": 2, "project": "verdicts", "approach": approach,
        "criteria": dict.fromkeys((
            "external_data", "behavior_adaptation", "hallucination_tolerance",
            "labeled_examples", "data_dynamics", "interpretability"), "unknown"),
    }


def verdict(pack: PolicyPack, row: Row, approach: str) -> tuple[Severity | None, list[str]]:
    """The most severe policy finding for `row` with `approach`, and the rules reporting it."""
    data = neutral_manifest(approach)
    row.declare(data, pack.params)
    findings = [f for f in pack.evaluate(Manifest("verdicts", data))
                if f.rule != NEED_NOT_DECLARED.id]
    if not findings:
        return None, []
    worst = max(f.severity for f in findings)
    return worst, sorted({f.rule for f in findings if f.severity == worst})


def iter_table(pack: PolicyPack) -> Iterator[str]:
    yield f"| criterion | declared need | {' | '.join(APPROACHES)} |"
    yield "|---|---|" + "---|" * len(APPROACHES)
    for row in ROWS:
        cells = []
        for approach in APPROACHES:
            severity, rules = verdict(pack, row, approach)
            cells.append("ok" if severity is None else
                         f"{severity.value} ({', '.join(f'[{r}]({rule_url(r)})' for r in rules)})")
        yield f"| {row.criterion} | {row.label(pack.params)} | {' | '.join(cells)} |"


def write_verdict_table(pack: PolicyPack, stream: TextIO) -> None:
    """The verdict table as Markdown, one line per row."""
    for line in iter_table(pack):
        stream.write(line + "\n")


if __name__ == "__main__":  # pragma: no cover - the test calls write_verdict_table
    from ragft_lint.core.policy import load_builtin_policies

    write_verdict_table(PolicyPack(load_builtin_policies()), sys.stdout)
