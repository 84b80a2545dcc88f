"""`Finding`: one thing ragft-lint has to say about one place in one manifest."""

from __future__ import annotations

import enum
from dataclasses import replace
from typing import Any

from ragft_lint.core.records import record

# The value classes here and in core/result.py are records (core/records.py: dataclasses
# whose methods are not compiled from source at every start) that write their methods
# out, as those are called for every finding and span: `__init__` fills the instance's
# dict directly (a frozen record refuses setattr), `__eq__` compares one tuple; record
# gives them `__repr__`, `__setattr__` and `__delattr__`. Their `__hash__` lines carry
# mutmut's no-mutate pragma: a mutant hashing every record alike still hashes equal records
# equal (sets and dicts only get slower), which no behaviour can tell apart.


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


@record(frozen=True)
class Span:
    """A region of a file, 1-based lines and columns; the end is exclusive (as in SARIF)."""

    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __init__(self, line: int = 1, column: int = 1, end_line: int | None = None,
                 end_column: int | None = None) -> None:
        # Straight into the instance's dict: frozen, __setattr__ refuses.
        values = self.__dict__
        values["line"], values["column"] = line, column
        values["end_line"], values["end_column"] = end_line, end_column

    def _key(self) -> tuple[Any, ...]:
        return (self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())  # pragma: no mutate



class Applicability(str, enum.Enum):
    """Whether `check --fix` applies a fix on its own (ruff's split).

    A safe fix keeps the manifest's meaning as its author evidently intended it (a misspelt
    word, a YAML 1.1 boolean); an unsafe one may remove something a person wants kept (an
    unused waiver's audit trail), so it is applied only with `--unsafe-fixes`.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@record(frozen=True)
class Edit:
    """Replace the text in `span` with `replacement` (an empty one deletes it).

    `span` is complete: 1-based lines and columns counted in code points, end exclusive
    (SARIF's `unicodeCodePoints`), in the text the manifest was read from (after any BOM).
    """

    span: Span
    replacement: str

    def __init__(self, span: Span, replacement: str) -> None:
        self.__dict__["span"], self.__dict__["replacement"] = span, replacement

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.span, self.replacement) == (other.span, other.replacement)

    def __hash__(self) -> int:
        return hash((self.span, self.replacement))  # pragma: no mutate



@record(frozen=True)
class Fix:
    """A change of the manifest's text that resolves one finding.

    `isolation`: fixes that share it are never applied in the same pass (removing two of
    a list's items in one go could leave the list empty); the fixer re-checks between passes.
    """

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    isolation: str | None = None

    def __init__(self, message: str, edits: tuple[Edit, ...],
                 applicability: Applicability = Applicability.SAFE,
                 isolation: str | None = None) -> None:
        values = self.__dict__
        values["message"], values["edits"] = message, edits
        values["applicability"], values["isolation"] = applicability, isolation

    def _key(self) -> tuple[Any, ...]:
        return (self.message, self.edits, self.applicability, self.isolation)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())  # pragma: no mutate


    @property
    def is_safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    def applies(self, unsafe: bool) -> bool:
        """True if `check --fix` applies it (with `--unsafe-fixes` when `unsafe`)."""
        return unsafe or self.is_safe


@record(frozen=True)
class Finding:
    """One finding. Ordered by file, then position, then rule, which is the report order;
    equal when those are (the other fields do not take part in comparing)."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    pointer: str = ""
    criterion: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    remediation: str | None = None
    waived: bool = False
    waiver_reason: str | None = None
    fix: Fix | None = None

    def __init__(self, file: str, line: int, column: int, rule: str, severity: Severity,
                 message: str, pointer: str = "", criterion: int | None = None,
                 end_line: int | None = None, end_column: int | None = None,
                 remediation: str | None = None, waived: bool = False,
                 waiver_reason: str | None = None, fix: Fix | None = None) -> None:
        values = self.__dict__
        values["file"], values["line"], values["column"], values["rule"] = (
            file, line, column, rule)
        values["severity"], values["message"], values["pointer"] = severity, message, pointer
        values["criterion"], values["end_line"], values["end_column"] = (
            criterion, end_line, end_column)
        values["remediation"], values["waived"], values["waiver_reason"] = (
            remediation, waived, waiver_reason)
        values["fix"] = fix

    def _key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.rule)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())  # pragma: no mutate

    def __lt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() >= other._key()


    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    def waive(self, reason: str) -> Finding:
        return replace(self, waived=True, waiver_reason=reason)

    def counts_at(self, threshold: Severity) -> bool:
        """True if this finding fails the build at `threshold` (waived ones never do)."""
        return not self.waived and self.severity >= threshold
