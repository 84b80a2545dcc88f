"""How messages show values and suggestions (ragft_lint.core.text, .pointer), and the
order of severities: the small pieces every message and threshold is built from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragft_lint.core import manifest as manifest_module
from ragft_lint.core.finding import Severity
from ragft_lint.core.pointer import escape_token, from_path, join, unescape_token
from ragft_lint.core.text import MAX_SHOWN, did_you_mean, show_value, suggest
from tests.conftest import BASE_MANIFEST, run_cli, to_yaml


@pytest.mark.parametrize(("value", "shown"), [
    (None, "null"), (True, "true"), (False, "false"), (0, "0"), (-12, "-12"), (1.5, "1.5"),
    (float("inf"), ".inf"), (float("-inf"), "-.inf"), (float("nan"), ".nan"), (-0.5, "-0.5"),
    ("daily", "'daily'"), ("it's", '"it\'s"'), ({}, "a mapping"),
    ({"a": 1}, "a mapping"), ([1], "a list"), ("", "''"),
    ("\x1b[2J", r"'\x1b[2J'"), ("a\nb", r"'a\nb'"), ("\u202eevil", r"'\u202eevil'"),
])
def test_show_value(value: object, shown: str) -> None:
    assert show_value(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("daily", "daily"), (True, "true"), (None, "null"), (800, "800"), ("a\x1bb", r"a\x1bb"),
    ("C:\\models", "C:\\models"), ("it's \"x\"", "it's \"x\""),  # printable: as written
])
def test_show_value_bare(value: object, shown: str) -> None:
    assert show_value(value, quote=False) == shown


def test_a_long_string_is_cut_visibly_with_its_length() -> None:
    shown = show_value("a" * 300)
    assert shown == "'" + "a" * MAX_SHOWN + "…' (cut, 300 characters)"
    assert show_value("a" * MAX_SHOWN) == "'" + "a" * MAX_SHOWN + "'"  # at the cap: whole
    assert show_value("b" * 5000, quote=False) == "b" * MAX_SHOWN + "… (cut, 5,000 characters)"


def test_a_cut_never_splits_an_escape_and_stays_short() -> None:
    shown = show_value("\x00" * 1000)
    excerpt, note = shown.split(" (cut, ")
    assert note == "1,000 characters)"
    assert len(excerpt) <= MAX_SHOWN + 3
    assert excerpt.startswith("'\\x00") and excerpt.endswith("\\x00…'")


def test_a_cut_shows_as_much_as_fits() -> None:
    # One character over the cap is cut; the excerpt is the first MAX_SHOWN characters.
    assert show_value("a" * (MAX_SHOWN + 1)) == "'" + "a" * MAX_SHOWN + "…' (cut, 61 characters)"
    # The first MAX_SHOWN characters of this render one over (the newline's escape is two
    # characters), so the excerpt halves: 30 characters.
    assert show_value("\n" + "a" * 70) == "'\\n" + "a" * 29 + "…' (cut, 71 characters)"
    # A string Python quotes with double quotes keeps its ellipsis inside them too.
    assert show_value("it's " + "a" * 100) == '"it\'s ' + "a" * 55 + '…" (cut, 105 characters)'


def test_huge_integers_are_described_not_printed() -> None:
    assert show_value(10**60 - 1) == "9" * 60  # the longest integer written out: 60 digits
    assert show_value(10**60) == "an integer of about 61 digits"
    assert show_value(10**300) == "an integer of about 301 digits"
    assert show_value(-(10**5000)).startswith("an integer of about 5,0")  # str() would refuse


@pytest.mark.parametrize(("word", "options", "quote", "hint"), [
    ("projekt", ["project", "owner"], True, " (did you mean 'project'?)"),
    ("RFT41", ["RFT401", "RFT501"], False, " (did you mean RFT401?)"),
    ("weekli", ["weeks", "weekly"], True, " (did you mean 'weekly'?)"),  # the closest only
    ("zzz", ["project"], True, ""),
    ("x", [], True, ""),
])
def test_did_you_mean(word: str, options: list[str], quote: bool, hint: str) -> None:
    assert did_you_mean(word, options, quote=quote) == hint


def test_explain_suggests_ids_that_share_only_some_characters() -> None:
    # `R5` is half of `RFT501` (difflib's ratio 0.5): explain looks wider than a typo.
    result = run_cli("explain", "R5")
    assert result.exit_code == 2
    assert "unknown rule 'R5' (did you mean RFT5" in result.output


def test_suggest_lists_several_names() -> None:
    assert suggest(["A", "B", "C"], quote=False) == " (did you mean A, B or C?)"
    assert suggest(["A", "B"]) == " (did you mean 'A' or 'B'?)"
    assert suggest([]) == ""


@pytest.mark.parametrize(("key", "token"), [
    ("plain", "plain"), ("a/b", "a~1b"), ("~x", "~0x"), ("~1", "~01"), ("/~", "~1~0"), ("", ""),
])
def test_pointer_tokens_round_trip(key: str, token: str) -> None:
    assert escape_token(key) == token
    assert unescape_token(token) == key


def test_pointer_join_and_from_path() -> None:
    assert join("/criteria", "a/b") == "/criteria/a~1b"
    assert join("/sources", 0) == "/sources/0"
    assert from_path(["criteria", "external_data", "sources", 2]) == \
        "/criteria/external_data/sources/2"
    assert from_path([]) == ""


@pytest.mark.parametrize(("pointer", "found"), [
    ("", {"a": ["x", "y"], "s": "abc"}),
    ("/a/1", "y"), ("/a/0", "x"),
    ("/a/2", "absent"), ("/a/-1", "absent"), ("/a/x", "absent"),  # no such list index
    ("/s/b", "absent"),  # a string has no keys, though "b" is in "abc"
    ("/b", "absent"), ("/a/0/k", "absent"),
])
def test_a_pointer_names_a_value_or_nothing(pointer: str, found: object) -> None:
    from ragft_lint.core.pointer import resolve

    assert resolve({"a": ["x", "y"], "s": "abc"}, pointer, "absent") == found


def test_a_report_shows_a_long_key_of_a_pointer_cut() -> None:
    from ragft_lint.core.pointer import show_pointer

    assert show_pointer("/criteria/interpretability") == "/criteria/interpretability"
    key = "k" * (MAX_SHOWN + 40)
    assert show_pointer(f"/waivers/0/{key}") == f"/waivers/0/{'k' * MAX_SHOWN}…"
    # A token of exactly MAX_SHOWN characters is whole, in a pointer cut elsewhere.
    whole = "w" * MAX_SHOWN
    assert show_pointer(f"/{whole}/{key}") == f"/{whole}/{'k' * MAX_SHOWN}…"
    # Never cut inside an escape: `~1` (a slash in the key) is kept whole or left out.
    escaped = "e" * (MAX_SHOWN - 1) + "~1" + "e" * 50
    assert show_pointer(f"/{escaped}") == f"/{'e' * (MAX_SHOWN - 1)}…"


# --- Severity --------------------------------------------------------------------------------

def test_severity_is_totally_ordered_by_rank() -> None:
    info, warning, error = Severity.INFO, Severity.WARNING, Severity.ERROR
    assert info < warning < error
    assert error > warning > info
    assert info <= info <= warning and error >= error >= warning
    assert not error < warning and not warning > error and not info >= warning
    assert not warning < warning and not warning > warning  # strict: a level is not above itself
    assert max([warning, error, info]) is error
    assert min([warning, error, info]) is info
    assert sorted([error, info, warning]) == [info, warning, error]


def test_severity_does_not_compare_with_plain_strings() -> None:
    with pytest.raises(TypeError, match=r"^a Severity cannot be compared with str$"):
        assert Severity.ERROR < "warning"
    with pytest.raises(TypeError):
        assert "warning" < Severity.ERROR  # noqa: SIM300 - the reflected case is the point


# --- the message a user sees quotes a cut value ----------------------------------------------

def test_an_enormous_enum_value_is_cut_in_the_finding(tmp_path: Path) -> None:
    data = dict(BASE_MANIFEST, approach="x" * 5000)
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(data), encoding="utf-8")
    result = run_cli("check", "--format", "json", str(path))
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["rule"] == "RFT003")
    assert finding["message"] == (
        "approach: '" + "x" * MAX_SHOWN + "…' (cut, 5,000 characters) is not one of "
        "rag, fine-tune, hybrid")  # schema_version 1 takes no prompting


# --- our own bugs are internal errors, not findings ------------------------------------------

def test_a_bug_while_composing_is_an_internal_error_not_invalid_yaml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(value: str, event: object) -> object:
        raise TypeError("injected bug")

    monkeypatch.setattr(manifest_module, "_resolve_plain", broken)
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(BASE_MANIFEST), encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert "RFT002" not in result.stdout
    assert result.stderr.startswith("ragft-lint: internal error: TypeError: injected bug")
