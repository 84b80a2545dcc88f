"""Recommend an approach (rag, fine-tune or hybrid) from a manifest's declared needs.

The policy pack is the judge: each of the three approaches is written into the manifest in
memory and checked by the same `Engine` as `ragft-lint check`, so the recommendation can
never be an approach that `check` would reject while another passes. The scoring weights
(`policies/scoring/weights.yaml`) only rank approaches that the policies leave equal and
explain, criterion by criterion, which way each declared need pulls.

Order of preference, documented in the weights file: no error, then fewest warnings, then
highest fit score, then the simpler approach (rag, fine-tune, hybrid).
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import PolicyError, SetupError
from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.manifest import MANIFEST_NAMES, Manifest
from ragft_lint.core.text import show_value

if TYPE_CHECKING:
    from ragft_lint.core.engine import Engine

APPROACHES = ("rag", "fine-tune", "hybrid")
NEUTRAL = "neutral"
STRENGTH_WORDS = ("none", "weak", "moderate", "strong")
WEIGHTS_FILE = ("scoring", "weights.yaml")
UNFIT, FITS_WITH_WARNINGS, FITS = "unfit", "fits with warnings", "fits"
WAIVED = "accepted by waiver"  # the declared approach fails on the needs, but check passes


# --- scoring weights ------------------------------------------------------------------------

@dataclass(frozen=True)
class WeightedValue:
    """One declared value (or, for counts, one band of values) and its cost per approach."""

    value: Any  # the value itself, or the lowest value of a band
    cost: Mapping[str, int]
    why: str
    below: int | None = None  # bands only: the band holds values < below

    def describe(self, lower: int | None = None) -> str:
        """The value as a person reads it; bands read as ranges."""
        if self.below is None and lower is None:
            return _bare(self.value)
        if self.below is None:
            return f"at least {lower}"
        if not lower:
            return f"fewer than {self.below}"
        return f"{lower} to {self.below - 1}"


@dataclass(frozen=True)
class CriterionWeights:
    """The weights of one criterion: its values (or bands) in order from low to high."""

    key: str
    criterion: int | None
    pointer: str
    values: tuple[WeightedValue, ...]
    banded: bool = False
    optional: bool = False

    def index_of(self, value: Any) -> int | None:
        """Which value or band `value` falls in; None if it is absent or unknown."""
        if value is None:
            return None
        if self.banded:
            if isinstance(value, bool) or not isinstance(value, int):
                return None
            for index, band in enumerate(self.values):
                if band.below is None or value < band.below:
                    return index
            return None
        for index, weighted in enumerate(self.values):
            if weighted.value == value and type(weighted.value) is type(value):
                return index
        return None

    def describe(self, index: int) -> str:
        weighted = self.values[index]
        if not self.banded:
            return weighted.describe()
        return weighted.describe(self.values[index].value)

    def nearest_value(self, index: int, current: Any) -> Any:
        """The value of band/value `index` closest to `current` (for counterfactuals)."""
        weighted = self.values[index]
        if not self.banded:
            return weighted.value
        if isinstance(current, int) and weighted.below is not None and current >= weighted.below:
            return weighted.below - 1
        return weighted.value

    @property
    def largest_cost(self) -> int:
        return max(c for v in self.values for c in v.cost.values())


@dataclass(frozen=True)
class Scoring:
    """The scoring weights: a cost per declared value and approach, plus a cost per approach."""

    approach_cost: Mapping[str, int]
    criteria: tuple[CriterionWeights, ...]

    @property
    def largest_total(self) -> int:
        """The largest total cost any manifest can give any approach: the score's scale."""
        return max(self.approach_cost.values()) + sum(c.largest_cost for c in self.criteria)


def load_scoring(params: Mapping[str, Any]) -> Scoring:
    """The packaged weights, with `{$param: name}` thresholds taken from `params`."""
    from importlib.resources import files

    from ragft_lint.core.manifest import compose

    resource = files("ragft_lint.policies") / WEIGHTS_FILE[0] / WEIGHTS_FILE[1]
    where = "/".join(("policies", *WEIGHTS_FILE))
    data, _values, _keys = compose(resource.read_text(encoding="utf-8"))
    return parse_scoring(data, params, where)


def parse_scoring(data: Any, params: Mapping[str, Any], where: str) -> Scoring:
    """Build `Scoring` from the weights file's data; PolicyError says what is wrong."""
    try:
        approach_cost = {a: int(data["approach_cost"][a]) for a in APPROACHES}
        criteria = tuple(_parse_criterion(item, params) for item in data["criteria"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyError(f"invalid scoring weights: {type(exc).__name__}: {exc}",
                          where=where) from None
    return Scoring(approach_cost, criteria)


def _parse_criterion(item: Mapping[str, Any], params: Mapping[str, Any]) -> CriterionWeights:
    banded = "bands" in item
    values: list[WeightedValue] = []
    lower = 0
    for entry in item["bands"] if banded else item["values"]:
        cost = {a: int(entry["cost"][a]) for a in APPROACHES}
        if banded:
            below = entry.get("below")
            if isinstance(below, dict):
                below = params[below["$param"]]
            values.append(WeightedValue(lower, cost, str(entry["why"]),
                                        None if below is None else int(below)))
            lower = int(below) if below is not None else lower
        else:
            values.append(WeightedValue(entry["value"], cost, str(entry["why"])))
    return CriterionWeights(key=str(item["key"]), criterion=item.get("criterion"),
                            pointer=str(item["pointer"]), values=tuple(values), banded=banded,
                            optional=bool(item.get("optional", False)))


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CriterionScore:
    """One row of the scorecard: a declared need and which way it pulls."""

    weights: CriterionWeights
    declared: Any  # None: not declared (optional criteria only)
    index: int | None  # which value or band of `weights`; None when not declared
    cost: Mapping[str, int]
    rules_by_approach: Mapping[str, tuple[str, ...]]  # policy findings at this criterion

    @property
    def key(self) -> str:
        return self.weights.key

    @property
    def shown(self) -> str:
        return "not declared" if self.declared is None else _bare(self.declared)

    @property
    def why(self) -> str:
        if self.index is None:
            return "not declared, so it weighs for no approach"
        return self.weights.values[self.index].why

    @property
    def favours(self) -> str:
        """'rag', 'fine-tune' or 'neutral': whichever pure approach the need costs less."""
        difference = self.cost["fine-tune"] - self.cost["rag"]
        if difference > 0:
            return "rag"
        if difference < 0:
            return "fine-tune"
        return NEUTRAL

    @property
    def strength(self) -> int:
        return min(abs(self.cost["fine-tune"] - self.cost["rag"]), len(STRENGTH_WORDS) - 1)

    @property
    def strength_word(self) -> str:
        return STRENGTH_WORDS[self.strength]


@dataclass(frozen=True)
class Verdict:
    """How one approach fares: the policies' findings and the fit score."""

    approach: str
    score: int
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.WARNING)

    @property
    def fit(self) -> str:
        """'unfit' exactly when `check` reports an error for this approach."""
        if self.errors:
            return UNFIT
        return FITS_WITH_WARNINGS if self.warnings else FITS

    @property
    def rank_key(self) -> tuple[int, int, int, int]:
        """Sort key, best first: errors, then warnings, then score, then simplicity."""
        return (len(self.errors), len(self.warnings), -self.score,
                APPROACHES.index(self.approach))


@dataclass(frozen=True)
class Assessment:
    """The three approaches judged against one set of needs."""

    rows: tuple[CriterionScore, ...]
    verdicts: Mapping[str, Verdict]  # in APPROACHES order

    @property
    def ranking(self) -> tuple[str, ...]:
        return tuple(v.approach for v in sorted(self.verdicts.values(), key=lambda v: v.rank_key))

    @property
    def recommended(self) -> str | None:
        """The best approach with no error; None when every approach has one."""
        best = self.ranking[0]
        return None if self.verdicts[best].errors else best

    @property
    def scores(self) -> dict[str, int]:
        return {a: v.score for a, v in self.verdicts.items()}

    def blocking(self) -> dict[str, tuple[str, ...]]:
        """Criterion keys whose errors rule out each approach."""
        return {a: tuple(dict.fromkeys(self.key_of(f) for f in v.errors))
                for a, v in self.verdicts.items()}

    def key_of(self, finding: Finding) -> str:
        for row in self.rows:
            if row.weights.pointer == finding.pointer:
                return row.key
        return finding.pointer or finding.rule

    def row(self, key: str) -> CriterionScore | None:
        return next((r for r in self.rows if r.key == key), None)


@dataclass(frozen=True)
class Counterfactual:
    """One changed need and the recommendation it would give."""

    key: str
    pointer: str
    was: str
    becomes: str
    value: Any
    recommended: str | None


@dataclass(frozen=True)
class Recommendation:
    """What `ragft-lint recommend` reports for one manifest."""

    path: str
    project: str | None
    declared: str | None
    assessment: Assessment
    counterfactuals: tuple[Counterfactual, ...] = ()
    waived: tuple[str, ...] = ()  # rule ids the manifest waives
    explanation: tuple[str, ...] = field(default=())
    declared_passes: bool = False  # `check` on the manifest as written reports no error

    @property
    def recommended(self) -> str | None:
        return self.assessment.recommended

    def fit_of(self, approach: str) -> str:
        """The approach's verdict; the declared approach is never called unfit when `check`
        passes the manifest as written (its errors are waived there)."""
        verdict = self.assessment.verdicts[approach]
        if approach == self.declared and verdict.errors and self.declared_passes:
            return WAIVED
        return verdict.fit


# --- the recommender ------------------------------------------------------------------------

class Recommender:
    """Judges needs with one engine and one set of weights; build once, reuse.

    Assessments are memoised by the needs they judge, so the counterfactual search (and a
    test enumerating every combination) evaluates each set of needs only once.
    """

    def __init__(self, engine: Engine, scoring: Scoring | None = None):
        self.engine = engine
        self.scoring = scoring or load_scoring(engine.pack.params)
        self._assessment_by_key: dict[str, Assessment] = {}

    def assess(self, data: Mapping[str, Any]) -> Assessment:
        """Judge the needs in `data` (a schema-valid manifest, `approach` ignored)."""
        needs = {k: v for k, v in data.items() if k not in ("approach", "waivers")}
        key = json.dumps(needs, sort_keys=True, default=str)
        found = self._assessment_by_key.get(key)
        if found is None:
            found = self._assess(needs)
            self._assessment_by_key[key] = found
        return found

    def _assess(self, needs: dict[str, Any]) -> Assessment:
        findings_by_approach = {a: self.check(needs, a) for a in APPROACHES}
        rows = []
        for weights in self.scoring.criteria:
            declared = _resolve(needs, weights.pointer)
            index = weights.index_of(declared)
            cost = (dict.fromkeys(APPROACHES, 0) if index is None
                    else dict(weights.values[index].cost))
            rules = {a: tuple(f.rule for f in findings_by_approach[a]
                              if f.pointer == weights.pointer) for a in APPROACHES}
            rows.append(CriterionScore(weights, declared, index, cost, rules))
        largest = self.scoring.largest_total or 1
        verdicts = {}
        for approach in APPROACHES:
            total = self.scoring.approach_cost[approach] + sum(r.cost[approach] for r in rows)
            score = round(100 * (1 - total / largest))
            verdicts[approach] = Verdict(approach, score, findings_by_approach[approach])
        return Assessment(tuple(rows), verdicts)

    def check(self, needs: Mapping[str, Any], approach: str) -> tuple[Finding, ...]:
        """What `check` reports for `needs` with `approach` written in, waivers left out."""
        data = {**needs, "approach": approach}
        result = self.engine.check_manifest(Manifest("<recommend>", data))
        if not result.policies_run:
            raise SetupError("cannot judge needs that do not match the manifest schema: "
                             + "; ".join(f.message for f in result.findings[:1]))
        return tuple(f for f in result.findings if not f.waived)

    def recommend(self, manifest: Manifest) -> Recommendation:
        """The full recommendation for a read manifest, with counterfactuals and explanation."""
        data = manifest.data
        _validate_needs(manifest)
        assessment = self.assess(data)
        declared = data.get("approach") if isinstance(data.get("approach"), str) else None
        counterfactuals: tuple[Counterfactual, ...] = ()
        recommended = assessment.recommended
        if recommended is None:
            counterfactuals = tuple(self.counterfactuals(data, lambda r: r is not None))
        elif declared is not None and declared != recommended:
            counterfactuals = tuple(self.counterfactuals(data, lambda r: r == declared))
        waived = tuple(w.get("rule", "") for w in data.get("waivers") or ()
                       if isinstance(w, dict))
        declared_passes = False
        if declared in APPROACHES:
            as_written = self.engine.check_manifest(manifest)
            declared_passes = as_written.policies_run and not any(
                f.severity == Severity.ERROR and not f.waived for f in as_written.findings)
        rec = Recommendation(manifest.path, data.get("project"), declared, assessment,
                             counterfactuals, waived, declared_passes=declared_passes)
        return replace(rec, explanation=explain(rec))

    def counterfactuals(self, data: Mapping[str, Any],
                        wanted: Callable[[str | None], bool]) -> Iterator[Counterfactual]:
        """For each criterion, the nearest single change after which `wanted(recommended)`."""
        for weights in self.scoring.criteria:
            current = _resolve(data, weights.pointer)
            here = weights.index_of(current)
            order = list(range(len(weights.values)))
            if here is not None:
                order.sort(key=lambda i: (abs(i - here), i))
            for index in order:
                if index == here:
                    continue
                value = weights.nearest_value(index, current)
                changed = with_value(data, weights.pointer, value)
                recommended = self.assess(changed).recommended
                if wanted(recommended):
                    was = "not declared" if current is None else _bare(current)
                    becomes = (weights.describe(index) if weights.banded else _bare(value))
                    yield Counterfactual(weights.key, weights.pointer, was, becomes, value,
                                         recommended)
                    break


# --- explanation in plain words --------------------------------------------------------------

def explain(rec: Recommendation) -> tuple[str, ...]:
    """Sentences that say what was recommended and which criteria decided it."""
    assessment = rec.assessment
    recommended = assessment.recommended
    lines: list[str] = []
    if recommended is None:
        lines.append("No approach passes `ragft-lint check` for these needs.")
        for approach in APPROACHES:
            lines.append(f"{approach} is unfit: {_reasons(assessment, approach)}.")
        # The criteria that rule out the most approaches first: they are the ones to revisit.
        tally = Counter(k for ks in assessment.blocking().values() for k in ks)
        keys = sorted(tally, key=lambda k: -tally[k])
        lines.append("The criteria that make every approach fail: " + ", ".join(keys) + ".")
    else:
        best = assessment.verdicts[recommended]
        caveat = (f"{_count(len(best.warnings), 'warning')} ({_rule_list(best.warnings)})"
                  if best.warnings else "no warning")
        lines.append(f"{recommended} is recommended: check reports no error and {caveat} "
                     f"for it, and its fit score is {best.score}/100.")
        for approach in assessment.ranking[1:]:
            if approach == rec.declared and rec.fit_of(approach) == WAIVED:
                lines.append(f"{approach} fails on the needs alone: "
                             f"{_reasons(assessment, approach)}.")
            else:
                lines.append(_why_not(assessment, approach, best))
    lines.extend(_declared_lines(rec))
    return tuple(lines)


def _why_not(assessment: Assessment, approach: str, best: Verdict) -> str:
    other = assessment.verdicts[approach]
    if other.errors:
        return f"{approach} is unfit: {_reasons(assessment, approach)}."
    if len(other.warnings) > len(best.warnings):
        return (f"{approach} passes, but with more warnings: "
                f"{_reasons(assessment, approach, Severity.WARNING)}.")
    if other.score < best.score:
        return (f"{approach} passes with as many warnings, but fits the needs less well "
                f"(fit score {other.score} against {best.score}).")
    return (f"{approach} passes with as many warnings and the same fit score; "
            f"{best.approach} is the simpler to build and run.")


def _reasons(assessment: Assessment, approach: str,
             severity: Severity = Severity.ERROR) -> str:
    """'key is value: why (RULE)' for each criterion with a finding of `severity`."""
    verdict = assessment.verdicts[approach]
    findings = verdict.errors if severity == Severity.ERROR else verdict.warnings
    rules_by_key: dict[str, list[str]] = {}
    for finding in findings:
        rules_by_key.setdefault(assessment.key_of(finding), []).append(finding.rule)
    parts = []
    for key, rules in rules_by_key.items():
        row = assessment.row(key)
        if row is None:
            parts.append(f"{key} ({', '.join(rules)})")
        else:
            parts.append(f"{key} is {row.shown}: {row.why} ({', '.join(rules)})")
    return "; ".join(parts)


def _declared_lines(rec: Recommendation) -> list[str]:
    declared, recommended = rec.declared, rec.recommended
    if declared is None or declared not in APPROACHES:
        return ["The manifest declares no approach yet."]
    if declared == recommended:
        return [f"The manifest's declared approach, {declared}, is the recommendation."]
    verdict = rec.assessment.verdicts[declared]
    phrase = {UNFIT: "is unfit", FITS_WITH_WARNINGS: "passes with warnings",
              FITS: "passes every policy but fits the needs less well",
              WAIVED: "passes check only because the manifest waives its errors",
              }[rec.fit_of(declared)]
    lines = [f"The manifest declares {declared}, which {phrase}"
             + (f" ({_rule_list(verdict.errors or verdict.warnings)})"
                if verdict.findings else "") + "."]
    waived = [f.rule for f in verdict.errors if f.rule in rec.waived]
    if waived and rec.declared_passes:
        lines.append("A waiver records an accepted risk, not a need: `recommend` judges the "
                     "needs alone.")
    elif waived:
        lines.append(f"The manifest waives {', '.join(waived)}, yet check still reports an "
                     f"error for {declared} (an expired waiver counts again).")
    if recommended is not None and not rec.counterfactuals:
        lines.append(f"No single change of a declared need would make {declared} the "
                     "recommendation.")
    return lines


def _rule_list(findings: tuple[Finding, ...]) -> str:
    return ", ".join(dict.fromkeys(f.rule for f in findings))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def read_for_recommend(path: str) -> Manifest:
    """Read the manifest at `path` (a folder means its llm-project.yaml); SetupError if bad."""
    import os

    from ragft_lint.core.errors import ManifestError
    from ragft_lint.core.manifest import read_manifest

    if os.path.isdir(path):
        found = [os.path.join(path, n) for n in MANIFEST_NAMES
                 if os.path.isfile(os.path.join(path, n))]
        if not found:
            raise SetupError(f"no {' or '.join(MANIFEST_NAMES)} in this folder", where=path)
        path = found[0]
    try:
        return read_manifest(path)
    except ManifestError as exc:
        raise SetupError(exc.message, where=f"{path}:{exc.line}:{exc.column}") from None


def _validate_needs(manifest: Manifest) -> None:
    """The manifest must match the schema; `approach` may be left out here."""
    from ragft_lint.core.schema import validate_manifest

    data = manifest.data
    if isinstance(data, dict) and "approach" not in data:
        data = {**data, "approach": APPROACHES[0]}
    findings = validate_manifest(Manifest(manifest.path, data, manifest.value_spans,
                                          manifest.key_spans))
    if findings:
        first = findings[0]
        more = (f" (and {len(findings) - 1} more; `ragft-lint check {manifest.path}` lists them)"
                if len(findings) > 1 else "")
        raise SetupError(f"cannot recommend from a manifest that does not match the schema: "
                         f"{first.message}{more}",
                         where=f"{first.file}:{first.line}:{first.column}")


def _resolve(data: Mapping[str, Any], pointer: str) -> Any:
    from ragft_lint.core.policy import resolve_pointer

    return resolve_pointer(data, pointer)


def with_value(data: Mapping[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A copy of `data` with the need at `pointer` changed to `value` (a counterfactual)."""
    changed: dict[str, Any] = copy.deepcopy(dict(data))
    node = changed
    *parents, last = pointer.split("/")[1:]
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    # The schema asks for sources when external data is required; a stand-in keeps the
    # changed needs valid without pretending to know the team's real sources.
    if pointer == "/criteria/external_data/required" and value is True and not node.get("sources"):
        node["sources"] = [{"name": "external-source", "kind": "other"}]
    return changed


def _bare(value: Any) -> str:
    # Declared values read as the words a manifest uses (`daily`, `true`), unquoted.
    return show_value(value, quote=False)
