"""`Source` and `Evidence`: the published works a verdict rests on, as values.

A policy (and each of `recommend`'s scoring weights) carries `evidence`: which source says
what, and how strongly. The sources themselves are a bibliography, `sources.yaml`, beside
the policy files: the built-in one in `policies/`, and a pack's own in its folder. Loading
a policy resolves each cited id to its `Source`, so a citation of nothing, or of a source
nobody listed, is a setup error (exit 2) naming the policy file and line, never a verdict
that cannot be traced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ragft_lint.core.records import record

SOURCES_FILE = "sources.yaml"
STRENGTHS = ("strong", "moderate", "weak")


@record(frozen=True)
class Source:
    """One published work in the bibliography."""

    id: str
    title: str
    author: str
    year: int
    url: str

    def cite(self) -> str:
        """`Author (year), "Title", address`: how reports name the source."""
        return f'{self.author} ({self.year}), "{self.title}", {self.url}'


@record(frozen=True)
class Evidence:
    """What one source says for a rule or weight, in the rule author's words."""

    source: Source
    claim: str
    strength: str  # strong | moderate | weak

    def to_dict(self) -> dict[str, Any]:
        """The evidence as JSON-ready data (for machine-readable reports)."""
        return {"source": self.source.id, "title": self.source.title,
                "author": self.source.author, "year": self.source.year,
                "url": self.source.url, "claim": self.claim, "strength": self.strength}


def resolve_evidence(entries: Any, sources: Mapping[str, Source]) -> tuple[Evidence, ...]:
    """Evidence entries ({source, claim, strength}) with each id resolved; KeyError names
    the first unknown id."""
    return tuple(Evidence(source=sources[e["source"]], claim=" ".join(e["claim"].split()),
                          strength=e["strength"]) for e in entries)
