"""Recommend an approach (prompting, rag, fine-tune or hybrid) from a manifest's needs.

Two sources of judgement, each with one job:

- **The policies say what is unfit.** Each approach is written into the manifest in memory
  and checked by the same `Engine` as `ragft-lint check`; an approach with an error is
  never recommended, so the recommendation, written into the manifest, passes `check`.
- **The weights rank what is fit.** `policies/scoring/weights.yaml` gives, for every value
  of every criterion, a mismatch level per approach and the published evidence behind it.
  An approach's *penalty* is the sum of level x strength factor over the declared needs,
  plus its build cost; the approach with no error and the lowest penalty is recommended.
  Warnings are never counted: a warning-level mismatch weighs what its evidence weighs.

The margin between the first two approaches is shown, and a margin no larger than the
weights file's `close_call.max_margin` is flagged as a close call. Needs declared
`unknown` are completed with every value the weights distinguish, and the recommendation
says how it depends on them.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import PolicyError, SetupError
from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.manifest import MANIFEST_NAMES, Manifest
from ragft_lint.core.pointer import resolve
from ragft_lint.core.text import show_value

if TYPE_CHECKING:
    from ragft_lint.core.engine import Engine

# Simplest first. This is also the documented order that settles an exact tie of penalties
# (`simplicity_order` in weights.yaml must list the same approaches).
APPROACHES = ("prompting", "rag", "fine-tune", "hybrid")
V1_APPROACHES = ("rag", "fine-tune", "hybrid")  # schema_version 1 cannot declare prompting
UNKNOWN = "unknown"
STRENGTHS = ("weak", "moderate", "strong")
WEIGHTS_FILE = ("scoring", "weights.yaml")
WEIGHTS_SCHEMA = "weights.schema.json"
UNFIT, FITS_WITH_WARNINGS, FITS = "unfit", "fits with warnings", "fits"
WAIVED = "accepted by waiver"  # the declared approach fails on the needs, but check passes
NEUTRAL = "neutral"
REPRESENTATIVE_WINDOW = 200_000  # see CriterionWeights.complete
FITS_WITHIN, EXCEEDS = "fits", "exceeds"  # a count relative to another (knowledge vs window)
BUILD_COST = "build_cost"  # the name of the approach's own cost among the deciding criteria
# Completions of the unknown needs evaluated one by one; above it, each unknown is varied
# alone with the other unknowns left unknown (and the output says so).
MAX_COMPLETIONS = 4096
MAX_SEARCHED = 64  # unknown combinations up to which the nearest changes are searched
MAX_LISTED = 6  # combinations of several unknowns spelled out; above it, a tally


# --- scoring weights ------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """What one source says in support of a weight, and how strongly."""

    source: str
    claim: str
    strength: str  # weak | moderate | strong


@dataclass(frozen=True)
class Weight:
    """One value (a band of counts, or one member of a list) and its level per approach.

    Levels: 0 the approach serves the need, 1 a mild mismatch no policy reports, 2 the
    approach is weaker (a warning policy), 3 it cannot meet the need (an error policy).
    """

    value: Any  # the value itself, the lowest count of a band, or a list member
    cost: Mapping[str, int]
    why: str
    evidence: tuple[Evidence, ...]
    below: int | None = None  # bands only: the band holds counts < below

    @cached_property
    def strength(self) -> str:
        """The strongest evidence behind the weight: it sets the weight's factor."""
        return max((e.strength for e in self.evidence), key=STRENGTHS.index)

    def describe(self, lower: int | None = None) -> str:
        """The value as a person reads it; bands read as ranges."""
        if self.below is None and lower is None:
            return show(self.value)
        if self.below is None:
            return f"at least {lower}"
        if not lower:
            return f"fewer than {self.below}"
        return f"{lower} to {self.below - 1}"


@dataclass(frozen=True)
class CriterionWeights:
    """The weights of one criterion: its values (or bands, or list members) in order."""

    key: str
    criterion: int | None
    pointer: str
    values: tuple[Weight, ...]
    kind: str = "values"  # values | bands | members
    optional: bool = False
    # values only: the declared count is compared with the count at this pointer, and the
    # weights' values are "fits" (at most that count) and "exceeds".
    relative_to: str | None = None
    since: int = 1  # the first schema_version that has the need
    lowest: int = 0  # bands: the smallest value a manifest may declare (the first band's edge)
    # (pointer, value): when the manifest has that value there, this need matters, and left
    # out it is treated as unknown (knowledge size matters when external data is required).
    needed_when: tuple[str, Any] | None = None

    def is_unknown(self, needs: Mapping[str, Any]) -> bool:
        """Declared `unknown` (itself or a mapping above it), or needed and not declared."""
        if resolve(needs, self.pointer) == UNKNOWN or _unknown_above(needs, self.pointer):
            return True
        if self.needed_when is None:
            return False
        pointer, value = self.needed_when
        if resolve(needs, pointer) != value or not isinstance(value, type(resolve(needs, pointer))):
            return False
        if self.relative_to is not None:
            return self._relation(resolve(needs, self.pointer), needs) is None
        return resolve(needs, self.pointer) is None

    def complete(self, needs: Mapping[str, Any], value: Any) -> dict[str, Any]:
        """`needs` with this unknown need given `value`, one of `candidates()`."""
        if self.relative_to is None:
            return with_value(needs, self.pointer, value)
        # A count relative to another: write the pair so that it fits or exceeds. A declared
        # other count is kept. An undeclared one is written around a declared own count (the
        # window is at least one token: `candidates` offers "exceeds" only where one fits
        # below it), else it takes 200,000 tokens, the size
        # anthropic-contextual-retrieval-2024 names (only the relation matters).
        other = resolve(needs, self.relative_to)
        own = resolve(needs, self.pointer)
        if not _count(other):
            if _count(own):
                other = max(own, 1) if value == FITS_WITHIN else own - 1
            else:
                other = REPRESENTATIVE_WINDOW
            needs = with_value(needs, self.relative_to, other)
        if not _count(own) or self._relation(own, needs) != value:
            own = other if value == FITS_WITHIN else other + 1
        return with_value(needs, self.pointer, own)

    @property
    def banded(self) -> bool:
        return self.kind == "bands"

    def matched(self, value: Any, needs: Mapping[str, Any] | None = None) -> tuple[int, ...]:
        """Indexes of the weights that `value` selects; () if it is absent or unknown.
        `needs` (the whole manifest) is read only by a criterion `relative_to` another."""
        if value is None or value == UNKNOWN:
            return ()
        if self.relative_to is not None:
            value = self._relation(value, needs or {})
            if value is None:
                return ()
        if self.kind == "members":
            if not isinstance(value, list):
                return ()
            return tuple(i for i, w in enumerate(self.values) if w.value in value)
        if self.kind == "bands":
            if not _number(value):
                return ()
            for index, band in enumerate(self.values):
                if band.below is None or value < band.below:
                    return (index,)
            return ()
        for index, weighted in enumerate(self.values):
            if weighted.value == value and type(weighted.value) is type(value):
                return (index,)
        return ()

    def index_of(self, value: Any, needs: Mapping[str, Any] | None = None) -> int | None:
        """Which value or band `value` falls in (the first, for lists); None if none."""
        found = self.matched(value, needs)
        return found[0] if found else None

    def _relation(self, value: Any, needs: Mapping[str, Any]) -> str | None:
        other = resolve(needs, self.relative_to or "")
        if not _count(value) or not _count(other):
            return None
        return FITS_WITHIN if value <= other else EXCEEDS

    def describe_value(self, value: Any, needs: Mapping[str, Any]) -> str:
        """A declared value for the scorecard; a relative count says how it compares."""
        relation = self._relation(value, needs) if self.relative_to else None
        if relation is None:
            return show(value)
        where = self.relative_to or ""
        word = "at most" if relation == FITS_WITHIN else "more than"
        return f"{show(value)} ({word} {where.rsplit('/', 1)[-1]} {resolve(needs, where)})"

    def describe(self, index: int) -> str:
        weighted = self.values[index]
        if not self.banded:
            return weighted.describe()
        return weighted.describe(0 if index == 0 else weighted.value)

    def candidates(self, needs: Mapping[str, Any] | None = None) -> tuple[Any, ...]:
        """The values the weights tell apart: what an `unknown` is completed with.

        Each value; for counts, the lowest count of each band (every count in a band weighs
        the same, and the band edges are the policies' thresholds); for a count relative to
        another, that count and one more (the edge where it stops fitting); for lists, every
        subset of the weighted members.
        """
        if self.relative_to is not None:
            own, other = (resolve(needs or {}, p) for p in (self.pointer, self.relative_to))
            if _count(own) and own < 2 and not _count(other):
                return (FITS_WITHIN,)  # 0 or 1 token fits every window (at least 1 token)
            return (FITS_WITHIN, EXCEEDS)
        if self.kind == "members":
            # One member for each distinct weight (style, tone and format weigh alike):
            # every subset of those, not of all members, keeps the count of completions small.
            members = list({(tuple(sorted(w.cost.items())), w.strength): w.value
                            for w in self.values}.values())
            return tuple([m for m, keep in zip(members, mask, strict=True) if keep]
                         for mask in itertools.product((False, True), repeat=len(members)))
        return tuple(w.value for w in self.values)

    def nearest_value(self, index: int, current: Any,
                      needs: Mapping[str, Any] | None = None) -> Any:
        """The value of band/value `index` closest to `current` (for counterfactuals)."""
        weighted = self.values[index]
        if self.relative_to is not None:
            other = resolve(needs or {}, self.relative_to)
            if not _count(other):
                return None
            return other if weighted.value == FITS_WITHIN else other + 1
        if not self.banded:
            return weighted.value
        if _number(current) and weighted.below is not None and current >= weighted.below:
            return weighted.below - 1
        return weighted.value

    def largest_penalty(self, factor: Mapping[str, int]) -> int:
        if self.kind == "members":
            return max(sum(w.cost[a] * factor[w.strength] for w in self.values)
                       for a in APPROACHES)
        return max(w.cost[a] * factor[w.strength] for w in self.values for a in APPROACHES)


@dataclass(frozen=True)
class Scoring:
    """The scoring weights: levels per declared value, build costs, factors, the margin rule."""

    approach_cost: Mapping[str, Weight]  # the approach's own build-and-run cost
    criteria: tuple[CriterionWeights, ...]
    factor: Mapping[str, int]  # strength -> factor
    close_call_margin: int
    simplicity_order: tuple[str, ...] = APPROACHES

    def build_penalty(self, approach: str) -> int:
        weight = self.approach_cost[approach]
        return weight.cost[approach] * self.factor[weight.strength]

    @cached_property
    def largest_total(self) -> int:
        """The largest penalty any manifest can give any approach: the fit score's scale."""
        return (max(self.build_penalty(a) for a in APPROACHES)
                + sum(c.largest_penalty(self.factor) for c in self.criteria))

    def iter_weights(self) -> Iterator[tuple[str, Weight]]:
        """Every weight with a name saying where it is (for tests and the sources list)."""
        for approach, weight in self.approach_cost.items():
            yield f"approach_cost/{approach}", weight
        for criterion in self.criteria:
            for weight in criterion.values:
                yield f"{criterion.key}/{criterion.describe(criterion.values.index(weight))}", \
                    weight


def load_scoring(params: Mapping[str, Any]) -> Scoring:
    """The packaged weights, with `{$param: name}` thresholds taken from `params`."""
    from importlib.resources import files

    from ragft_lint.core.manifest import compose

    resource = files("ragft_lint.policies") / WEIGHTS_FILE[0] / WEIGHTS_FILE[1]
    where = "/".join(("policies", *WEIGHTS_FILE))
    data, _values, _keys = compose(resource.read_text(encoding="utf-8"))
    return parse_scoring(data, params, where)


def validate_weights(data: Any, where: str) -> None:
    """The weights file against `schemas/weights.schema.json`; PolicyError names the place."""
    from jsonschema import Draft202012Validator

    from ragft_lint.core.resources import load_schema

    validator = Draft202012Validator(load_schema(WEIGHTS_SCHEMA))
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.path))), None)
    if error is not None:
        place = "/".join(str(p) for p in error.absolute_path)
        raise PolicyError(f"invalid scoring weights at /{place}: {error.message}", where=where)


def parse_scoring(data: Any, params: Mapping[str, Any], where: str) -> Scoring:
    """Build `Scoring` from the weights file's data; PolicyError says what is wrong."""
    validate_weights(data, where)
    try:
        factor = {s: int(data["strength_factor"][s]) for s in STRENGTHS}
        approach_cost = {a: _weight(data["approach_cost"][a], dict.fromkeys(APPROACHES, 0)
                                    | {a: int(data["approach_cost"][a]["cost"])})
                         for a in APPROACHES}
        criteria = tuple(_parse_criterion(item, params) for item in data["criteria"])
        order = tuple(data["simplicity_order"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyError(f"invalid scoring weights: {type(exc).__name__}: {exc}",
                          where=where) from None
    _check_sources(approach_cost, criteria, where)
    # simplicity_order lists each approach once: the weights schema says so (uniqueItems,
    # four items from the four approaches), so there is nothing more to check here.
    return Scoring(approach_cost, criteria, factor, int(data["close_call"]["max_margin"]),
                   order)


def _check_sources(approach_cost: Mapping[str, Weight], criteria: Sequence[CriterionWeights],
                   where: str) -> None:
    """Every weight cites a source of the built-in bibliography (policies/sources.yaml)."""
    from ragft_lint.core.bibliography import builtin_sources

    known = builtin_sources()
    weights = [*approach_cost.values(), *(w for c in criteria for w in c.values)]
    for weight in weights:
        for evidence in weight.evidence:
            if evidence.source not in known:
                raise PolicyError(f"scoring weight {weight.why!r} cites source "
                                  f"{evidence.source!r}, which policies/sources.yaml does not "
                                  "list", where=where)


def _weight(entry: Mapping[str, Any], cost: Mapping[str, int], value: Any = None,
            below: int | None = None) -> Weight:
    evidence = tuple(Evidence(str(e["source"]), str(e["claim"]), str(e["strength"]))
                     for e in entry["evidence"])
    return Weight(value, cost, str(entry["why"]), evidence, below)


def _parse_criterion(item: Mapping[str, Any], params: Mapping[str, Any]) -> CriterionWeights:
    kind = next(k for k in ("bands", "members", "values") if k in item)
    values: list[Weight] = []
    lower = int(item.get("lowest", 0))
    for entry in item[kind]:
        cost = {a: int(entry["cost"][a]) for a in APPROACHES}
        if kind == "bands":
            below = entry.get("below")
            if isinstance(below, dict):
                below = params[below["$param"]]
            values.append(_weight(entry, cost, lower, None if below is None else int(below)))
            lower = int(below) if below is not None else lower
        else:
            values.append(_weight(entry, cost, entry["value"]))
    relative_to = item.get("relative_to")
    return CriterionWeights(key=str(item["key"]), criterion=item.get("criterion"),
                            pointer=str(item["pointer"]), values=tuple(values), kind=kind,
                            optional=bool(item.get("optional", False)),
                            relative_to=None if relative_to is None else str(relative_to),
                            since=int(item.get("since", 1)), lowest=int(item.get("lowest", 0)),
                            needed_when=None if "needed_when" not in item else (
                                str(item["needed_when"]["pointer"]),
                                item["needed_when"]["equals"]))


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CriterionScore:
    """One row of the scorecard: a declared need, its weights and which way it pulls."""

    weights: CriterionWeights
    declared: Any  # None: not declared (optional criteria only); "unknown": not known yet
    matched: tuple[int, ...]  # which values/bands/members of `weights` the value selects
    cost: Mapping[str, int]  # level per approach (summed over list members)
    penalty: Mapping[str, int]  # level x strength factor per approach
    rules_by_approach: Mapping[str, tuple[str, ...]]  # policy findings at this criterion
    described: str | None = None  # how the declared value reads, when it needs context
    not_known: bool = False  # declared unknown, or needed and left out

    @property
    def key(self) -> str:
        return self.weights.key

    @property
    def unknown(self) -> bool:
        return self.not_known

    @property
    def shown(self) -> str:
        if self.described is not None:
            return self.described
        if self.declared is None:
            return "not declared (unknown)" if self.not_known else "not declared"
        return show(self.declared)

    @property
    def selected(self) -> tuple[Weight, ...]:
        return tuple(self.weights.values[i] for i in self.matched)

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return tuple(e for w in self.selected for e in w.evidence)

    @property
    def strength_word(self) -> str:
        """The strength of the evidence behind the row ('-' when it weighs nothing)."""
        if not self.selected:
            return "-"
        return max((w.strength for w in self.selected), key=STRENGTHS.index)

    @property
    def why(self) -> str:
        if self.unknown:
            return ("not known yet: weighs for no approach; the recommendation is worked out "
                    "for each value it may take")
        if not self.selected:
            if self.weights.kind == "members" and isinstance(self.declared, list):
                return "none of the listed goals is weighed"
            return "not declared, so it weighs for no approach"
        return "; ".join(w.why for w in self.selected)

    def favours(self, approaches: Sequence[str]) -> tuple[str, ...]:
        """The approaches this need costs least, or () when it costs them all the same."""
        costs = [self.penalty[a] for a in approaches]
        if min(costs) == max(costs):
            return ()
        return tuple(a for a in approaches if self.penalty[a] == min(costs))


@dataclass(frozen=True)
class Verdict:
    """How one approach fares: the policies' findings, its penalty and fit score."""

    approach: str
    penalty: int
    score: int
    findings: tuple[Finding, ...]

    @cached_property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.ERROR)

    @cached_property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.WARNING)

    @property
    def fit(self) -> str:
        """'unfit' exactly when `check` reports an error for this approach."""
        if self.errors:
            return UNFIT
        return FITS_WITH_WARNINGS if self.warnings else FITS


@dataclass(frozen=True)
class Assessment:
    """The approaches judged against one set of needs."""

    rows: tuple[CriterionScore, ...]
    verdicts: Mapping[str, Verdict]  # the approaches considered, simplest first
    scoring: Scoring

    @property
    def approaches(self) -> tuple[str, ...]:
        return tuple(self.verdicts)

    def rank_key(self, approach: str) -> tuple[bool, int, int]:
        """Best first: no error, then the lowest penalty, then the documented simplicity
        order (an exact tie; the output calls it a close call and names the rule)."""
        verdict = self.verdicts[approach]
        return (bool(verdict.errors), verdict.penalty,
                self.scoring.simplicity_order.index(approach))

    @cached_property
    def ranking(self) -> tuple[str, ...]:
        return tuple(sorted(self.verdicts, key=self.rank_key))

    @property
    def recommended(self) -> str | None:
        """The fit approach with the lowest penalty; None when every approach has an error."""
        best = self.ranking[0]
        return None if self.verdicts[best].errors else best

    @cached_property
    def fit(self) -> tuple[str, ...]:
        """The approaches with no error, best first."""
        return tuple(a for a in self.ranking if not self.verdicts[a].errors)

    @property
    def runner_up(self) -> str | None:
        fit = self.fit
        return fit[1] if len(fit) > 1 else None

    @property
    def margin(self) -> int | None:
        """Penalty points between the first two fit approaches; None with fewer than two."""
        fit = self.fit
        if len(fit) < 2:
            return None
        return self.verdicts[fit[1]].penalty - self.verdicts[fit[0]].penalty

    @property
    def close_call(self) -> bool:
        margin = self.margin
        return margin is not None and margin <= self.scoring.close_call_margin

    @property
    def scores(self) -> dict[str, int]:
        return {a: v.score for a, v in self.verdicts.items()}

    @property
    def penalties(self) -> dict[str, int]:
        return {a: v.penalty for a, v in self.verdicts.items()}

    def deciding(self) -> tuple[tuple[str, int], ...]:
        """The criteria that put the recommendation ahead of the runner-up, with the points
        each contributes to the margin, largest first (the build cost counts as
        `build_cost`). Empty when fewer than two approaches are fit: then `excluding` says
        what decided."""
        best, second = self.recommended, self.runner_up
        if best is None or second is None:
            return ()
        parts = [(r.key, r.penalty[second] - r.penalty[best]) for r in self.rows]
        parts.append((BUILD_COST, self.scoring.build_penalty(second)
                      - self.scoring.build_penalty(best)))
        return tuple(sorted(((k, p) for k, p in parts if p > 0), key=lambda kp: -kp[1]))

    def excluding(self) -> dict[str, tuple[str, ...]]:
        """For each criterion whose errors rule approaches out, the approaches it rules out."""
        out: dict[str, list[str]] = {}
        for approach, keys in self.blocking().items():
            for key in keys:
                out.setdefault(key, []).append(approach)
        return {k: tuple(v) for k, v in out.items()}

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
class Outcome:
    """The recommendation for one completion of the unknown needs."""

    values: Mapping[str, Any]  # criterion key -> the value tried
    recommended: str | None


@dataclass(frozen=True)
class Dependence:
    """How the recommendation depends on the needs declared `unknown`."""

    keys: tuple[str, ...]  # the unknown criteria, in scorecard order
    outcomes: tuple[Outcome, ...]
    exhaustive: bool  # every completion tried, or each unknown varied alone
    relevant: tuple[str, ...]  # the unknowns the recommendation depends on
    sentence: str
    robust: str | None = None  # the approach with no error whatever the unknowns are
    # The approaches with no error as declared but an error for some completion.
    failing: tuple[str, ...] = ()


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
    sensitivity: tuple[Counterfactual, ...] = ()  # per criterion, the nearest change of it
    dependence: Dependence | None = None  # None when no need is unknown
    chosen: str | None = ""  # "" means: the assessment's own recommendation
    searched: bool = True  # False: too many unknown combinations to search for changes

    @property
    def recommended(self) -> str | None:
        return self.assessment.recommended if self.chosen == "" else self.chosen

    def fit_of(self, approach: str) -> str:
        """The approach's verdict; the declared approach is never called unfit when `check`
        passes the manifest as written (its errors are waived there)."""
        verdict = self.assessment.verdicts[approach]
        if approach == self.declared and verdict.errors and self.declared_passes:
            return WAIVED
        return verdict.fit

    def cited_sources(self) -> tuple[str, ...]:
        """Source ids behind the rows and build costs shown, in first-cited order."""
        ids = [e.source for row in self.assessment.rows for e in row.evidence]
        ids += [e.source for a in self.assessment.approaches
                for e in self.assessment.scoring.approach_cost[a].evidence]
        return tuple(dict.fromkeys(ids))


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
        self._decision_by_key: dict[str, tuple[str | None, Dependence | None]] = {}

    def assess(self, data: Mapping[str, Any]) -> Assessment:
        """Judge the needs in `data` (a schema-valid manifest, `approach` ignored)."""
        needs = {k: v for k, v in data.items() if k not in ("approach", "waivers")}
        key = json.dumps(needs, sort_keys=True, default=str)
        found = self._assessment_by_key.get(key)
        if found is None:
            found = self._assess(needs)
            self._assessment_by_key[key] = found
        return found

    def criteria_for(self, data: Mapping[str, Any]) -> tuple[CriterionWeights, ...]:
        """The weighed needs the manifest's schema version has."""
        version = data.get("schema_version", 1)
        version = version if isinstance(version, int) else 1
        return tuple(w for w in self.scoring.criteria if w.since <= version)

    def approaches_for(self, data: Mapping[str, Any]) -> tuple[str, ...]:
        """The approaches the manifest's schema version can declare."""
        return V1_APPROACHES if data.get("schema_version", 1) == 1 else APPROACHES

    def _assess(self, needs: dict[str, Any]) -> Assessment:
        approaches = self.approaches_for(needs)
        findings_by_approach = {a: self.check(needs, a) for a in approaches}
        factor = self.scoring.factor
        rows = []
        for weights in self.criteria_for(needs):
            declared = resolve(needs, weights.pointer)
            matched = weights.matched(declared, needs)
            cost = {a: sum(weights.values[i].cost[a] for i in matched) for a in APPROACHES}
            penalty = {a: sum(weights.values[i].cost[a] * factor[weights.values[i].strength]
                              for i in matched) for a in APPROACHES}
            rules = {a: tuple(f.rule for f in findings_by_approach[a]
                              if f.pointer == weights.pointer) for a in approaches}
            described = (weights.describe_value(declared, needs)
                         if weights.relative_to and declared is not None else None)
            rows.append(CriterionScore(weights, declared, matched, cost, penalty, rules,
                                       described, weights.is_unknown(needs)))
        largest = self.scoring.largest_total or 1
        verdicts = {}
        for approach in approaches:
            total = self.scoring.build_penalty(approach) + sum(r.penalty[approach] for r in rows)
            score = max(0, round(100 * (1 - total / largest)))
            verdicts[approach] = Verdict(approach, total, score, findings_by_approach[approach])
        return Assessment(tuple(rows), verdicts, self.scoring)

    def check(self, needs: Mapping[str, Any], approach: str) -> tuple[Finding, ...]:
        """What `check` reports for `needs` with `approach` written in, waivers left out."""
        data = {**needs, "approach": approach}
        result = self.engine.check_manifest(Manifest("<recommend>", data))
        if not result.policies_run:
            raise SetupError("cannot judge needs that do not match the manifest schema: "
                             + "; ".join(f.message for f in result.findings[:1]))
        return tuple(f for f in result.findings if not f.waived)

    # -- unknown needs -----------------------------------------------------------------------

    def unknown_criteria(self, data: Mapping[str, Any]) -> tuple[CriterionWeights, ...]:
        """The weighed needs declared unknown that can be completed (a count relative to
        another cannot while the other is not declared: it then simply weighs nothing)."""
        return tuple(w for w in self.criteria_for(data) if w.is_unknown(data))

    def decide(self, data: Mapping[str, Any]) -> tuple[str | None, Dependence | None]:
        """The recommendation for `data`, unknown needs included, and how it depends on them.

        With no unknown, the assessment's recommendation. Otherwise every completion of the
        unknowns is assessed: if all give the same approach, and it has no error as declared,
        that is the recommendation; else the approach with no error in any completion (and
        none as declared) with the lowest worst-case penalty; else the assessment of the
        needs as declared, where an unknown weighs nothing and fires no policy.
        """
        key = json.dumps({k: v for k, v in data.items() if k not in ("approach", "waivers")},
                         sort_keys=True, default=str)
        found = self._decision_by_key.get(key)
        if found is None:
            found = self._decide(data)
            self._decision_by_key[key] = found
        return found

    def _decide(self, data: Mapping[str, Any]) -> tuple[str | None, Dependence | None]:
        as_declared = self.assess(data)
        unknowns = self.unknown_criteria(data)
        if not unknowns:
            return as_declared.recommended, None
        keys = tuple(w.key for w in unknowns)
        combinations = 1
        for weights in unknowns:
            combinations *= len(weights.candidates(data))
        exhaustive = combinations <= MAX_COMPLETIONS
        outcomes: list[Outcome] = []
        assessments: list[Assessment] = []
        for values in self._completions(data, unknowns, exhaustive):
            completed = dict(data)
            for weights in unknowns:
                if weights.key in values:
                    completed = weights.complete(completed, values[weights.key])
            try:
                assessment = self.assess(completed)
            except SetupError:
                # A value no manifest can have: each unknown varied alone (too many to
                # combine), the knowledge size cannot be written into an external_data
                # still `unknown` as a whole.
                continue
            assessments.append(assessment)
            outcomes.append(Outcome(values, assessment.recommended))
        results = {o.recommended for o in outcomes}
        candidates = as_declared.fit
        robust_ranked = sorted(
            (a for a in candidates if all(not s.verdicts[a].errors for s in assessments)),
            key=lambda a: (max(s.verdicts[a].penalty for s in assessments),
                           self.scoring.simplicity_order.index(a)))
        robust = robust_ranked[0] if robust_ranked else None
        share: dict[str, int] = {}
        if len(results) == 1 and next(iter(results)) in candidates:
            chosen: str | None = next(iter(results))
        elif robust is not None:
            chosen = robust
        elif candidates:
            # No approach passes whatever the unknowns are: the one that passes in the most
            # combinations, then the lowest worst-case penalty where it passes, then simplest.
            share = {a: sum(not s.verdicts[a].errors for s in assessments) for a in candidates}
            chosen = min(candidates, key=lambda a: (
                -share[a],
                max((s.verdicts[a].penalty for s in assessments if not s.verdicts[a].errors),
                    default=0),
                self.scoring.simplicity_order.index(a)))
        else:
            chosen = None
        relevant = _relevant(keys, outcomes) if exhaustive else tuple(
            k for k in keys if len({o.recommended for o in outcomes if k in o.values}) > 1)
        sentence = dependence_sentence(unknowns, outcomes, relevant, exhaustive, chosen,
                                       robust)
        if share and chosen is not None:
            sentence += (f"; no approach passes whatever they are: {chosen} passes in "
                         f"{share[chosen]} of {len(assessments)} combinations, the most")
        failing = tuple(a for a in candidates
                        if any(s.verdicts[a].errors for s in assessments))
        return chosen, Dependence(keys, tuple(outcomes), exhaustive, relevant, sentence,
                                  robust, failing)

    def _completions(self, data: Mapping[str, Any], unknowns: Sequence[CriterionWeights],
                     exhaustive: bool) -> Iterator[dict[str, Any]]:
        if exhaustive:
            for combination in itertools.product(*(w.candidates(data) for w in unknowns)):
                yield {w.key: v for w, v in zip(unknowns, combination, strict=True)}
            return
        for weights in unknowns:
            for value in weights.candidates(data):
                yield {weights.key: value}

    # -- the report --------------------------------------------------------------------------

    def recommend(self, manifest: Manifest, sensitivity: bool = True) -> Recommendation:
        """The full recommendation for a read manifest, with counterfactuals and explanation.

        `sensitivity=False` leaves out the per-criterion search for the nearest change that
        would change the recommendation (a dozen more assessments per criterion).
        """
        data = manifest.data
        _validate_needs(manifest)
        assessment = self.assess(data)
        chosen, dependence = self.decide(data)
        declared = data.get("approach") if isinstance(data.get("approach"), str) else None
        counterfactuals: tuple[Counterfactual, ...] = ()
        nearest: tuple[Counterfactual, ...] = ()
        # Each change tried is judged over every completion of the unknowns: with many, the
        # search is left out (and the explanation says so) rather than made slow.
        searchable = dependence is None or len(dependence.outcomes) <= MAX_SEARCHED
        if not searchable:
            pass
        elif chosen is None:
            counterfactuals = tuple(self.counterfactuals(data, lambda r: r is not None))
        elif declared is not None and declared != chosen and declared in assessment.verdicts:
            counterfactuals = tuple(self.counterfactuals(data, lambda r: r == declared))
        if sensitivity and chosen is not None and searchable:
            nearest = tuple(self.counterfactuals(data, lambda r: r != chosen))
        waived = tuple(w.get("rule", "") for w in data.get("waivers") or ()
                       if isinstance(w, dict))
        declared_passes = False
        if declared in assessment.verdicts:
            as_written = self.engine.check_manifest(manifest)
            declared_passes = as_written.policies_run and not any(
                f.severity == Severity.ERROR and not f.waived for f in as_written.findings)
        rec = Recommendation(manifest.path, data.get("project"), declared, assessment,
                             counterfactuals, waived, declared_passes=declared_passes,
                             sensitivity=nearest, dependence=dependence, chosen=chosen,
                             searched=searchable)
        return _with_explanation(rec)

    def counterfactuals(self, data: Mapping[str, Any],
                        wanted: Callable[[str | None], bool]) -> Iterator[Counterfactual]:
        """For each declared criterion, the nearest single change after which
        `wanted(recommended)`; unknown needs are left unknown (their dependence says more)."""
        for weights in self.criteria_for(data):
            current = resolve(data, weights.pointer)
            if weights.is_unknown(data) or weights.kind == "members":
                continue
            here = weights.index_of(current, data)
            order = list(range(len(weights.values)))
            if here is not None:
                order.sort(key=lambda i: (abs(i - here), i))
            for index in order:
                if index == here:
                    continue
                value = weights.nearest_value(index, current, data)
                if value is None:
                    continue
                changed = with_value(data, weights.pointer, value)
                try:
                    recommended, _ = self.decide(changed)
                except SetupError:  # a value the schema refuses here: not a change to offer
                    continue
                if wanted(recommended):
                    was = "not declared" if current is None else show(current)
                    becomes = (weights.describe(index) if weights.banded else show(value))
                    yield Counterfactual(weights.key, weights.pointer, was, becomes, value,
                                         recommended)
                    break


def _relevant(keys: Sequence[str], outcomes: Sequence[Outcome]) -> tuple[str, ...]:
    """The unknowns on which the recommendation depends: changing one of them alone, the
    others held, changes the recommendation in some completion."""
    by_values = {tuple(json.dumps(o.values[k], default=str) for k in keys): o.recommended
                 for o in outcomes}
    relevant = []
    for position, key in enumerate(keys):
        groups: dict[tuple[str, ...], set[str | None]] = {}
        for values, recommended in by_values.items():
            rest = values[:position] + values[position + 1:]
            groups.setdefault(rest, set()).add(recommended)
        if any(len(g) > 1 for g in groups.values()):
            relevant.append(key)
    return tuple(relevant)


# --- how the answer depends on unknown needs -------------------------------------------------

def dependence_sentence(unknowns: Sequence[CriterionWeights], outcomes: Sequence[Outcome],
                        relevant: Sequence[str], exhaustive: bool, chosen: str | None,
                        robust: str | None) -> str:
    """'rag whatever labeled_examples is'; 'fine-tune if labeled_examples >= 50, else rag'."""
    keys = [w.key for w in unknowns]
    results = list(dict.fromkeys(o.recommended for o in outcomes))
    if len(results) == 1:
        return f"{_name(results[0])} whatever {_and(keys)} {_is(keys)}"
    irrelevant = [k for k in keys if k not in relevant]
    tail = f", whatever {_and(irrelevant)} {_is(irrelevant)}" if irrelevant else ""
    if len(relevant) == 1:
        weights = next(w for w in unknowns if w.key == relevant[0])
        body = _one_unknown(weights, outcomes)
    elif not exhaustive:  # each unknown was varied alone: say what each one does
        body = "; ".join(_one_unknown(w, [o for o in outcomes if w.key in o.values])
                         for w in unknowns if w.key in relevant)
    else:
        distinct = _distinct(outcomes, relevant)
        if len(distinct) <= MAX_LISTED:
            body = "; ".join(
                f"{_name(o.recommended)} if " + " and ".join(
                    f"{k} is "
                    f"{_value_phrase(next(w for w in unknowns if w.key == k), o.values[k])}"
                    for k in relevant)
                for o in distinct)
        else:
            tally = Counter(o.recommended for o in distinct)
            body = (f"it depends on {_and(list(relevant))}: "
                    + ", ".join(f"{_name(r)} in {n} of {len(distinct)} combinations"
                                for r, n in tally.most_common())
                    + " (`--format json` lists each under unknown.outcomes)")
    sentence = body + tail
    if not exhaustive:
        sentence += (f" (each unknown tried alone, the others left unknown: more than "
                     f"{MAX_COMPLETIONS} combinations)")
    if robust is not None and chosen == robust:
        them = "it is" if len(relevant) == 1 else "they are"
        sentence += (f"; until {them.replace(' is', '').replace(' are', '')} "
                     f"{them.split()[1]} known, {robust} is the choice with no error "
                     f"whatever {them}")
    return sentence


def _one_unknown(weights: CriterionWeights, outcomes: Sequence[Outcome]) -> str:
    """The outcome for each value of one unknown, runs of values with one outcome merged."""
    by_value: dict[str, str | None] = {}
    for outcome in outcomes:
        if weights.key in outcome.values:
            by_value.setdefault(json.dumps(outcome.values[weights.key], default=str),
                                outcome.recommended)
    ordered = [(json.loads(v), r) for v, r in by_value.items()]
    if weights.banded:
        ordered.sort(key=lambda vr: vr[0])
        runs: list[tuple[int, str | None]] = []  # (lowest count of the run, outcome)
        for value, recommended in ordered:
            if not runs or runs[-1][1] != recommended:
                runs.append((value, recommended))
        if len(runs) == 2:
            return (f"{_name(runs[1][1])} if {weights.key} >= {runs[1][0]}, "
                    f"else {_name(runs[0][1])}")
        parts = []
        for i, (low, recommended) in enumerate(runs):
            high = runs[i + 1][0] if i + 1 < len(runs) else None
            if i == 0:
                parts.append(f"{_name(recommended)} if {weights.key} < {high}")
            elif high is None:
                parts.append(f"{_name(recommended)} if {weights.key} >= {low}")
            else:
                parts.append(f"{_name(recommended)} if {low} <= {weights.key} < {high}")
        return "; ".join(parts)
    by_result: dict[str | None, list[str]] = {}
    for value, recommended in ordered:
        by_result.setdefault(recommended, []).append(_value_phrase(weights, value))
    groups = list(by_result.items())
    # The largest group is the 'else': the sentence names the exceptions.
    groups.sort(key=lambda g: len(g[1]))
    *named, (last, _values) = groups
    parts = [f"{_name(r)} if {weights.key} is {_or(vs)}" for r, vs in named]
    return ", ".join(parts) + f", else {_name(last)}"


def _distinct(outcomes: Sequence[Outcome], keys: Sequence[str]) -> list[Outcome]:
    seen: dict[str, Outcome] = {}
    for outcome in outcomes:
        seen.setdefault(json.dumps([outcome.values[k] for k in keys], default=str), outcome)
    return list(seen.values())


def _value_phrase(weights: CriterionWeights, value: Any) -> str:
    if weights.relative_to is not None:
        window = weights.relative_to.rsplit("/", 1)[-1]
        return f"within {window}" if value == FITS_WITHIN else f"larger than {window}"
    if weights.kind == "members":
        return "[" + ", ".join(value) + "]" if value else "[]"
    if weights.banded:
        return weights.describe(weights.index_of(value) or 0)
    return show(value)


def _name(approach: str | None) -> str:
    return approach if approach is not None else "no approach"


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _is(words: Sequence[str]) -> str:
    return "is" if len(words) == 1 else "are"


# --- explanation in plain words --------------------------------------------------------------

def _with_explanation(rec: Recommendation) -> Recommendation:
    from dataclasses import replace

    return replace(rec, explanation=explain(rec))


def explain(rec: Recommendation) -> tuple[str, ...]:
    """Sentences that say what was recommended, by what margin and which criteria decided."""
    assessment = rec.assessment
    recommended = rec.recommended
    lines: list[str] = []
    if recommended is None:
        lines.append("No approach passes `ragft-lint check` for these needs.")
        for approach in assessment.approaches:
            lines.append(f"{approach} is unfit: {_reasons(assessment, approach)}.")
        # The criteria that rule out the most approaches first: they are the ones to revisit.
        tally = Counter(k for ks in assessment.blocking().values() for k in ks)
        keys = sorted(tally, key=lambda k: -tally[k])
        lines.append("The criteria that make every approach fail: " + ", ".join(keys) + ".")
    else:
        best = assessment.verdicts[recommended]
        if recommended == assessment.recommended:
            lines.append(f"{recommended} is recommended: check reports no error for it, and "
                         f"the weighted evidence against it is the lowest: "
                         f"{_points(best.penalty)} (fit score {best.score}/100).")
        else:
            # Chosen over the completions of the unknown needs, not by the penalties of the
            # needs as declared (where an unknown weighs nothing): say so, not "lowest".
            basis = ("and none for any value the unknown needs may take"
                     if rec.dependence is not None and rec.dependence.robust == recommended
                     else "and it is the choice over the values the unknown needs may take")
            lines.append(f"{recommended} is recommended: check reports no error for it as "
                         f"declared, {basis}; the weighted evidence against it as declared is "
                         f"{_points(best.penalty)} (fit score {best.score}/100).")
        if rec.dependence is not None:
            lines.append(f"Unknown needs: {rec.dependence.sentence}.")
        if recommended == assessment.recommended:
            lines.extend(_margin_lines(assessment))
        for approach in assessment.ranking:
            if approach == recommended:
                continue
            if approach == rec.declared and rec.fit_of(approach) == WAIVED:
                lines.append(f"{approach} fails on the needs alone: "
                             f"{_reasons(assessment, approach)}.")
            elif assessment.verdicts[approach].errors:
                lines.append(f"{approach} is unfit: {_reasons(assessment, approach)}.")
            elif (rec.dependence is not None
                  and assessment.verdicts[approach].penalty < best.penalty):
                lines.append(_why_not_yet(rec.dependence, assessment, approach))
            else:
                lines.append(_why_not(assessment, approach, best))
    if not rec.searched and rec.dependence is not None:
        lines.append(f"The nearest changes of the declared needs were not searched: each "
                     f"would be judged over {len(rec.dependence.outcomes)} combinations of "
                     f"the unknown needs (more than {MAX_SEARCHED}); declare some of them.")
    lines.extend(_declared_lines(rec))
    return tuple(lines)


def _margin_lines(assessment: Assessment) -> list[str]:
    best, second, margin = assessment.recommended, assessment.runner_up, assessment.margin
    if second is None or margin is None:
        excluding = assessment.excluding()
        return [f"{best} is the only approach with no error; decided by the criteria that "
                "rule the others out: " + "; ".join(
                    f"{key} ({', '.join(approaches)})" for key, approaches in excluding.items())
                + "."]
    rule = (f"close_call.max_margin is {assessment.scoring.close_call_margin} points in "
            "policies/scoring/weights.yaml")
    if margin == 0:
        lines = [f"Close call: {best} and {second} are tied on weighted evidence; {best} is "
                 f"chosen as the simpler (simplicity_order in policies/scoring/weights.yaml)."]
    elif assessment.close_call:
        lines = [f"Close call: {best} leads {second} by {_points(margin)} ({rule}); a single "
                 "weakly supported weight could reverse the order."]
    else:
        lines = [f"{best} leads {second} by {_points(margin)}, more than a close call "
                 f"({rule})."]
    deciding = assessment.deciding()
    if deciding:
        lines.append("Decided by: " + ", ".join(
            f"{key} ({_points(points)}{_why_of(assessment, key, second)})"
            for key, points in deciding) + ".")
    return lines


def _why_of(assessment: Assessment, key: str, approach: str) -> str:
    row = assessment.row(key)
    if row is None:  # the build cost
        weight = assessment.scoring.approach_cost[approach]
        return f": {weight.why}"
    return f": {row.shown}, {row.why}"


def _why_not_yet(dependence: Dependence, assessment: Assessment, approach: str) -> str:
    """An approach with less evidence against it as declared than the recommendation: the
    unknown needs, which weigh nothing as declared, are why it is not chosen."""
    verdict = assessment.verdicts[approach]
    head = (f"{approach} has less weighted evidence against it as declared "
            f"({_points(verdict.penalty)}), where the unknown needs weigh nothing, but ")
    if approach in dependence.failing:
        return head + "check reports an error for it for some values they may take."
    if all(o.recommended != approach for o in dependence.outcomes):
        return head + "it is not the recommendation for any value they may take."
    return head + "it is the recommendation for only some of the values they may take."


def _why_not(assessment: Assessment, approach: str, best: Verdict) -> str:
    other = assessment.verdicts[approach]
    if other.penalty == best.penalty:
        return (f"{approach} passes with the same weighted evidence against it "
                f"({_points(other.penalty)}); {best.approach} is the simpler.")
    return (f"{approach} passes, with more weighted evidence against it: "
            f"{_points(other.penalty)} (fit score {other.score}).")


def _points(number: int) -> str:
    return f"{number} point{'' if number == 1 else 's'}"


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
    if declared is None or declared not in rec.assessment.verdicts:
        return ["The manifest declares no approach yet."]
    if declared == recommended:
        return [f"The manifest's declared approach, {declared}, is the recommendation."]
    verdict = rec.assessment.verdicts[declared]
    phrase = {UNFIT: "is unfit", FITS_WITH_WARNINGS: "passes with warnings",
              FITS: "passes every policy but has more weighted evidence against it",
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
    from ragft_lint.core.paths import escapes, refusal_outside, source_root

    root = source_root()
    if escapes(path, root):  # as `check` refuses it: its target would be read and quoted
        raise SetupError(refusal_outside(path, root), where=path)
    try:
        return read_manifest(path)
    except ManifestError as exc:
        raise SetupError(exc.message, where=f"{path}:{exc.line}:{exc.column}") from None


def _validate_needs(manifest: Manifest) -> None:
    """The manifest must match the schema; `approach` may be left out here."""
    from ragft_lint.core.schema import validate_manifest

    data = manifest.data
    if isinstance(data, dict) and "approach" not in data:
        data = {**data, "approach": "rag"}
    findings = validate_manifest(Manifest(manifest.path, data, manifest.value_spans,
                                          manifest.key_spans))
    if findings:
        first = findings[0]
        more = (f" (and {len(findings) - 1} more; `ragft-lint check {manifest.path}` lists them)"
                if len(findings) > 1 else "")
        raise SetupError(f"cannot recommend from a manifest that does not match the schema: "
                         f"{first.message}{more}",
                         where=f"{first.file}:{first.line}:{first.column}")


def with_value(data: Mapping[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A copy of `data` with the need at `pointer` changed to `value` (a counterfactual)."""
    # Only the mappings along the pointer are copied: nothing else is ever changed, and a
    # deep copy of every completion of the unknowns was most of recommend's time.
    changed: dict[str, Any] = dict(data)
    node = changed
    *parents, last = pointer.split("/")[1:]
    for part in parents:
        child = node.get(part)
        # absent, or `unknown` for the whole mapping: a fresh mapping
        node[part] = dict(child) if isinstance(child, dict) else {}
        node = node[part]
    node[last] = value
    if isinstance(value, list) and not value:
        del node[last]  # no goal at all is written by leaving the list out (it has minItems 1)
    # The schema asks for sources when external data is required; a stand-in keeps the
    # changed needs valid without pretending to know the team's real sources.
    if pointer == "/criteria/external_data/required" and value is True and not node.get("sources"):
        node["sources"] = [{"name": "external-source", "kind": "other"}]
    return changed


def _unknown_above(needs: Mapping[str, Any], pointer: str) -> bool:
    parts = pointer.split("/")
    return any(resolve(needs, "/".join(parts[:i])) == UNKNOWN for i in range(2, len(parts)))


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def show(value: Any) -> str:
    """A declared value as the manifest spells it (`daily`, `true`), unquoted; a list of
    goals shows its members."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(show_value(v, quote=False) for v in value) + "]"
    return show_value(value, quote=False)
