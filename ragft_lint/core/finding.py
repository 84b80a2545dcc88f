"""`Finding`: one thing ragft-lint has to say about one place in one manifest."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Severity(str, enum.Enum):
    """How much a finding matters; the `--fail-on` threshold compares these."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK_BY_SEVERITY[self]

    # A total order over the rank, all four operators: as a str enum, Severity would
    # otherwise compare alphabetically ("error" < "warning") and max() would be wrong.
    # Against anything else (a plain "warning" too) they raise rather than fall back to
    # comparing text.
    def __lt__(self, other: object) -> bool:
        return self.rank < _rank_of(other)

    def __le__(self, other: object) -> bool:
        return self.rank <= _rank_of(other)

    def __gt__(self, other: object) -> bool:
        return self.rank > _rank_of(other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= _rank_of(other)


_RANK_BY_SEVERITY = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def _rank_of(other: object) -> int:
    if not isinstance(other, Severity):
        raise TypeError(f"a Severity cannot be compared with {type(other).__name__}")
    return other.rank


@dataclass(frozen=True)
class Span:
    """A region of a file, 1-based lines and columns; the end is exclusive (as in SARIF)."""

    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None


class Applicability(str, enum.Enum):
    """Whether `check --fix` applies a fix on its own (ruff's split).

    A safe fix keeps the manifest's meaning as its author evidently intended it (a misspelt
    word, a YAML 1.1 boolean); an unsafe one may remove something a person wants kept (an
    unused waiver's audit trail), so it is applied only with `--unsafe-fixes`.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the text in `span` with `replacement` (an empty one deletes it).

    `span` is complete: 1-based lines and columns counted in code points, end exclusive
    (SARIF's `unicodeCodePoints`), in the text the manifest was read from (after any BOM).
    """

    span: Span
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A change of the manifest's text that resolves one finding.

    `isolation`: fixes that share it are never applied in the same pass (removing two of
    a list's items in one go could leave the list empty); the fixer re-checks between passes.
    """

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    isolation: str | None = None

    @property
    def is_safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    def applies(self, unsafe: bool) -> bool:
        """True if `check --fix` applies it (with `--unsafe-fixes` when `unsafe`)."""
        return unsafe or self.is_safe


@dataclass(frozen=True, order=True)
class Finding:
    """One finding. Ordered by file, then position, then rule, which is the report order."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    pointer: str = field(default="", compare=False)
    criterion: int | None = field(default=None, compare=False)
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)
    remediation: str | None = field(default=None, compare=False)
    waived: bool = field(default=False, compare=False)
    waiver_reason: str | None = field(default=None, compare=False)
    fix: Fix | None = field(default=None, compare=False)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    def waive(self, reason: str) -> Finding:
        return replace(self, waived=True, waiver_reason=reason)

    def counts_at(self, threshold: Severity) -> bool:
        """True if this finding fails the build at `threshold` (waived ones never do)."""
        return not self.waived and self.severity >= threshold
