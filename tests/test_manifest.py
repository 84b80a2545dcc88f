"""Reading a manifest (core/manifest.py) as the engine, the fixer and `migrate` call it: the
numbers YAML 1.2 writes, the bytes refused before any YAML is read, the bounds, and the
places findings point at."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ragft_lint.core.errors import ManifestError
from ragft_lint.core.finding import Span
from ragft_lint.core.manifest import (
    Limits,
    Manifest,
    compose,
    decode,
    manifest_from_bytes,
    parse_manifest,
    read_manifest,
)


def refusal(call, *args) -> ManifestError:  # type: ignore[no-untyped-def]
    with pytest.raises(ManifestError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize(("written", "value"), [
    ("0o17", 15), ("0x1f", 31), ("0x1F", 31), ("0o0", 0), ("017", 17), ("-12", -12),
    ("+7", 7), ("1" * 4000, int("1" * 4000)),
])
def test_yaml_1_2_integers(written: str, value: int) -> None:
    assert compose(f"n: {written}\n")[0] == {"n": value}


def test_an_integer_past_4000_digits_is_refused_where_it_starts() -> None:
    error = refusal(compose, "a: 1\nn: " + "9" * 4001 + "\n")
    assert (error.message, error.line, error.column) == (
        "integer with 4,001 digits is too large", 2, 4)


@pytest.mark.parametrize(("written", "check"), [
    (".inf", lambda v: v == math.inf), ("-.Inf", lambda v: v == -math.inf),
    ("+.INF", lambda v: v == math.inf), (".nan", math.isnan), (".NaN", math.isnan),
    ("1.5e3", lambda v: v == 1500.0),
])
def test_yaml_1_2_special_floats(written: str, check) -> None:  # type: ignore[no-untyped-def]
    value = compose(f"x: {written}\n")[0]["x"]
    assert isinstance(value, float) and check(value)


def test_a_byte_order_mark_is_dropped() -> None:
    assert decode(b"\xef\xbb\xbfapproach: rag\n") == "approach: rag\n"
    assert decode("approach: \ufeffrag\n".encode()) == "approach: \ufeffrag\n"  # only a leading one


@pytest.mark.parametrize(("raw", "line", "column"), [
    (b"\x00approach: rag\n", 1, 1),
    (b"approach: rag\nproject: p\x00\x00\n\x00", 2, 11),  # the first NUL is named
])
def test_a_nul_byte_makes_it_binary_and_is_located(raw: bytes, line: int, column: int) -> None:
    error = refusal(decode, raw)
    assert (error.message, error.line, error.column, error.rule) == (
        "binary file (it contains NUL bytes), not a YAML manifest", line, column, "RFT001")


def test_standard_input_over_the_limit_says_so_and_how_to_raise_it() -> None:
    error = refusal(manifest_from_bytes, "-", b"approach: rag\n" * 10, Limits(max_bytes=100))
    assert error.message == ("standard input is over the 100-byte limit for a manifest (raise "
                             "it with --max-size if this is really a manifest)")
    assert manifest_from_bytes("-", b"approach: rag\n").data == {"approach": "rag"}


def test_a_file_over_the_limit_says_how_to_raise_it(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text("approach: rag\n" * 10, encoding="utf-8")
    error = refusal(read_manifest, str(path), Limits(max_bytes=100))
    assert error.message == ("file is 140 bytes, over the 100-byte limit for a manifest (raise "
                             "it with --max-size if this is really a manifest)")


def test_the_depth_limit_holds_for_every_way_in(tmp_path: Path) -> None:
    text = "a:\n  b:\n    c:\n      d: 1\n"
    path = tmp_path / "llm-project.yaml"
    path.write_text(text, encoding="utf-8")
    shallow = Limits(max_depth=2)
    for read in (lambda: read_manifest(str(path), shallow),
                 lambda: parse_manifest(str(path), text, shallow),
                 lambda: manifest_from_bytes(str(path), text.encode(), shallow)):
        with pytest.raises(ManifestError, match="nest"):
            read()
    assert read_manifest(str(path)).data == {"a": {"b": {"c": {"d": 1}}}}


def test_a_manifest_made_from_data_alone_points_at_its_start() -> None:
    # A policy's example, or the data `init` writes: no text, no spans.
    manifest = Manifest("example", {"criteria": {"interpretability": "high"}})
    assert manifest.text == ""
    assert manifest.span("/criteria/interpretability") == Span(1, 1)
    assert manifest.span("/criteria/interpretability", key=True) == Span(1, 1)


@pytest.mark.parametrize("text", ["a: ! [1]\n", "a: !!seq [1]\n", "! {a: [1]}\n"])
def test_a_collection_may_carry_the_non_specific_tag_or_its_own(text: str) -> None:
    assert compose(text)[0] == {"a": [1]}


@pytest.mark.parametrize("text", [
    "a:\n\tb: 1",                     # on the last line, with no line end after it
    "a:\n\tb: 1\nc: 2\nd: 3\n",       # with lines after it
])
def test_a_tab_that_indents_is_named_as_the_cause(text: str) -> None:
    error = refusal(compose, text)
    assert (error.line, error.column) == (2, 1)
    assert error.message.endswith("; YAML does not allow tabs for indentation")
