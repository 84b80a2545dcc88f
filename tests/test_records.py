"""core/records.py: a `@record` class behaves as the same class made by `@dataclass`."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest

from ragft_lint.core.records import record


def _pair(frozen: bool) -> tuple[type, type]:
    """The same class twice: made by @dataclass and by @record."""

    def body() -> dict[str, Any]:
        return {"__annotations__": {"name": "str", "count": "int", "tags": "tuple[str, ...]",
                                    "note": "str"},
                "count": 0, "tags": field(default_factory=tuple),
                "note": field(default="", compare=False, repr=False)}

    made = dataclass(frozen=frozen)(type("Item", (), body()))
    recorded: type = (record(frozen=True) if frozen else record)(type("Item", (), body()))
    return made, recorded


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}), (("a", 2), {}), (("a", 2, ("x",), "n"), {}), ((), {"name": "b", "note": "m"}),
    ((), {}), (("a", 1, (), "", "extra"), {}), (("a",), {"name": "b"}), (("a",), {"size": 1}),
]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_construction_repr_and_equality_are_dataclass_s(frozen: bool, args: tuple[Any, ...],
                                                         kwargs: dict[str, Any]) -> None:
    made, recorded = _pair(frozen)
    try:
        expected = made(*args, **kwargs)
    except TypeError:
        # Not dataclass's wording, but as plain: the class, then what was wrong.
        with pytest.raises(TypeError, match=r"^Item\(\) (takes 4 positional arguments but 5 "
                           r"were given|got an unexpected or repeated argument '(name|size)'|"
                           r"missing required argument: 'name')$"):
            recorded(*args, **kwargs)
        return
    got = recorded(*args, **kwargs)
    assert repr(got) == repr(expected)
    assert dataclasses.asdict(got) == dataclasses.asdict(expected)
    assert got == recorded(*args, **kwargs)
    assert got != recorded("other")
    assert (got == expected) is False  # another class, as between two dataclasses
    other_note = dataclasses.replace(got, note="different")  # compare=False: still equal
    assert other_note == got and other_note.note == "different"
    if frozen:
        assert hash(got) == hash(recorded(*args, **kwargs)) == hash(other_note)
        for change in (lambda item: setattr(item, "name", "x"),
                       lambda item: delattr(item, "name")):
            with pytest.raises(dataclasses.FrozenInstanceError) as as_dataclass:
                change(expected)
            with pytest.raises(dataclasses.FrozenInstanceError,
                               match=f"^{as_dataclass.value}$"):
                change(got)
    else:
        assert type(got).__hash__ is None is type(expected).__hash__
        got.name = "changed"
        del got.note
        assert got.name == "changed" and "note" not in vars(got)


def test_a_method_the_class_writes_out_is_kept() -> None:
    @record
    class Pair:
        left: int
        right: int = 0

        def __init__(self, left: int, right: int = 0) -> None:
            self.left, self.right = left, right * 10

    assert Pair(1, 2).right == 20
    assert repr(Pair(1)).endswith(".Pair(left=1, right=0)")  # __qualname__, as @dataclass


@record(frozen=True)
class Sent:
    """Handed between processes (check/parallel.py pickles results)."""

    path: str
    codes: tuple[int, ...] = ()


def test_it_survives_pickling() -> None:
    sent = Sent("a", (1, 2))
    assert pickle.loads(pickle.dumps(sent)) == sent


def test_fields_it_cannot_fill_are_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="init fields in order only"):
        @record
        class Later:
            now: int
            later: int = field(default=0, init=False)


def test_findings_order_and_compare_by_file_position_and_rule_only() -> None:
    from ragft_lint.core.finding import Edit, Finding, Fix, Severity, Span
    from ragft_lint.core.result import FileResult, Summary

    first = Finding("a.yaml", 2, 1, "RFT101", Severity.ERROR, "one")
    later = Finding("a.yaml", 2, 5, "RFT101", Severity.INFO, "two")
    same_place = dataclasses.replace(first, message="other", severity=Severity.INFO)
    assert first < later and first <= later and later > first and later >= first
    assert first == same_place and hash(first) == hash(same_place)
    assert first <= same_place and first >= same_place and not first < same_place
    assert not first > same_place
    # What reporters read of a finding built with the defaults, and of one given them all.
    assert (first.pointer, first.criterion, first.end_line, first.fix) == ("", None, None, None)
    full = Finding("a.yaml", 2, 1, "RFT501", Severity.ERROR, "m", pointer="/criteria",
                   criterion=5, end_line=3, end_column=4, remediation="r", waived=True,
                   waiver_reason="w", fix=Fix("f", ()))
    assert (full.pointer, full.criterion, full.end_line, full.end_column, full.remediation,
            full.waived, full.waiver_reason, full.fix) == (
        "/criteria", 5, 3, 4, "r", True, "w", Fix("f", ()))
    assert Span() == Span(1, 1, None, None) and full.span == Span(2, 1, 3, 4)
    result = FileResult("a.yaml", (full,), True, ("RFT501",), 2, Severity.WARNING, 1, "d")
    assert (result.rules_run, result.baselined, result.fail_on, result.fixed, result.diff) == (
        ("RFT501",), 2, Severity.WARNING, 1, "d")
    counts = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
    summary = Summary(files_excluded=4, count_by_severity=counts,
                      other_thresholds={Severity.INFO})
    assert (summary.files_excluded, summary.count_by_severity, summary.other_thresholds) == (
        4, counts, {Severity.INFO})
    for value in (first, Span(1, 2), Edit(Span(), "x"), Fix("m", ()),
                  FileResult("a.yaml", (first,), True), Summary()):
        assert value == dataclasses.replace(value) and value != object()
        if not isinstance(value, Summary):  # frozen: hashable by the compared fields
            assert hash(value) == hash(dataclasses.replace(value))
        assert repr(value).startswith(f"{type(value).__name__}(")
    for compare in ("__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(first, compare)("a.yaml") is NotImplemented
    with pytest.raises(TypeError):
        assert first < "a.yaml"
    with pytest.raises(TypeError):
        hash(Summary())
