"""Section 5: every kind of bad input ends in one clear finding naming the file, never a crash.

Each case goes through the CLI (`check --format json`), as a user would meet it.
"""

from __future__ import annotations

import os
import re
import socket
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragft_lint.core.errors import ManifestError
from ragft_lint.core.manifest import Limits, compose, decode
from tests.conftest import check_json, make_manifest, to_yaml

VALID = to_yaml(make_manifest())


def only_finding(path: Path, *extra: str) -> dict:
    code, report = check_json(path, extra=extra)
    assert code == 1, report
    findings = [f for f in report["findings"] if f["rule"] != "RFT004"]
    assert len(findings) == 1, findings
    assert findings[0]["file"] == str(path)
    return findings[0]


@pytest.mark.parametrize(("text", "rule", "line", "words"), [
    ("schema_version: 1\nproject: [x\napproach: rag\n", "RFT002", 3, "invalid YAML"),
    ("schema_version: 1\nproject: a\nproject: b\n", "RFT002", 3, "duplicate key 'project'"),
    ("- just\n- a list\n", "RFT003", 1, "expected a mapping, got a list"),
    ("just a string\n", "RFT003", 1, "expected a mapping"),
    ("a: 1\n---\nb: 2\n", "RFT002", 2, "more than one YAML document"),
    ("", "RFT002", 1, "no YAML document"),
    ("# only a comment\n\n", "RFT002", 1, "no YAML document"),
    ("a: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "RFT002", 1,
     "!!python/object/apply:os.system is not allowed"),
    ("a: !custom 3\n", "RFT002", 1, "tag !custom is not allowed"),
    ("a: !!set {x}\n", "RFT002", 1, "!!set is not allowed"),
    ("? [a, b]\n: c\n", "RFT002", 1, "keys must be strings"),
    ("schema_version: 1\n1: one\n", "RFT002", 2, "key 1 is not a string"),
    ("schema_version: 1\nnull: x\n", "RFT002", 2, "key null is not a string"),
    ("a: *missing\n", "RFT002", 1, "refers to no anchor"),
    ("a:\n\tb: 1\n", "RFT002", 2, "tabs"),
    ("a: " + "9" * 5000 + "\n", "RFT002", 1, "too large"),
    ("[" * 200 + "]" * 200, "RFT002", 1, "nesting deeper than"),
    ("a: \x07\n", "RFT002", 1, "invalid YAML"),
    # YAML 1.2 rules libyaml itself lets through (ragft_lint/core/conformance.py):
    ('key: "value"# no space\n', "RFT002", 1, "comment must be separated"),
    ("key: [a, b]#x\n", "RFT002", 1, "comment must be separated"),
    ("block: ># comment\n  text\n", "RFT002", 1, "block scalar header"),
    ("list: [-, b]\n", "RFT002", 1, "'-' cannot start a plain scalar"),
    ("flow: [a,\nb]\n", "RFT002", 2, "indented no more than its parent"),
    ('quoted: "a\nb"\n', "RFT002", 2, "indented no more than its parent"),
    ('quoted: "a\n\tb"\n', "RFT002", 2, "indent it with spaces"),
    # A '#' after an opening quote is inside the scalar, not a comment to skip.
    ('quoted: "a # it\'s\nb"\n', "RFT002", 2, "indented no more than its parent"),
    ("# the team's notes\nquoted: 'a\nb'\n", "RFT002", 3, "indented no more than its parent"),
    (">#x\n  text\n", "RFT002", 1, "block scalar header"),  # at the line's first column
    ("flow: [a,\nb]", "RFT002", 2, "indented no more than its parent"),  # on the last line
    ("flow: [a,\nX]\n", "RFT002", 2, "indented no more than its parent"),
    ("flow: [a,\n\nb]\n", "RFT002", 3, "indented no more than its parent"),  # past a blank
    ("flow: [[a,\n],\nb]\n", "RFT002", 3, "indented no more than its parent"),  # past a `]`
    ('a: b#c\nd: "e"# f\n', "RFT002", 2, "comment must be separated"),  # past a '#' in a value
    ('%TAG !e! tag:example.com,2000:app/\n---\nkey: "value"# glued\n', "RFT002", 3,
     "comment must be separated"),
    ('\nkey: "v"# c\n', "RFT002", 2, "comment must be separated"),
])
def test_bad_yaml(write_manifest, text: str, rule: str, line: int, words: str) -> None:
    finding = only_finding(write_manifest(text))
    assert (finding["rule"], finding["line"]) == (rule, line)
    assert words in finding["message"]
    assert finding["criterion"] is None


@pytest.mark.parametrize(("text", "line", "column"), [
    ('\nkey: "v"# c\n', 2, 9),
    (">#x\n  text\n", 1, 2),
    ("list: [a, -]\n", 1, 11),
])
def test_yaml_12_refusals_point_at_the_character(write_manifest, text: str, line: int,
                                                 column: int) -> None:
    finding = only_finding(write_manifest(text))
    assert (finding["rule"], finding["line"], finding["column"]) == ("RFT002", line, column)


# Valid YAML 1.2 near what conformance.py refuses: read, so judged by the schema (RFT003).
@pytest.mark.parametrize("text", [
    "list: [-x, b]\n",  # a dash that starts a word
    "{schema_version: 1,\nproject: x}\n",  # a flow mapping at the top, over two lines
    "note|x: >\n  text\n",  # a '|' before the block scalar's header
    "note: > # see a>b\n  text\n",  # a '>' after it, in the comment
    "flow: [a,\n  b]\nc: 1\n",  # a key at the parent's column once the flow has closed
    "a#b\n",  # a '#' inside the document's only scalar
])
def test_valid_yaml_near_a_refused_form_is_read(write_manifest, text: str) -> None:
    _, report = check_json(write_manifest(text))
    assert {f["rule"] for f in report["findings"]} <= {"RFT003", "RFT004"}, report


def test_without_the_c_parser_a_tag_prefix_may_hold_a_hash(
        write_manifest, monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml refuses a '#' in a %TAG prefix; ruamel.yaml's pure-Python parser (used where
    # the C extension is missing) reads it, and it is no comment. One after it still is.
    import sys

    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # `import` now raises ImportError
    directive = "%TAG !x! tag:example.com,2000:app#\n---\n"
    _, report = check_json(write_manifest(directive + "project: p\n"))
    assert {f["rule"] for f in report["findings"]} <= {"RFT003", "RFT004"}, report
    finding = only_finding(write_manifest(directive + 'k: "v"# c\n'))
    assert (finding["rule"], finding["line"], finding["column"]) == ("RFT002", 3, 7)


@pytest.mark.parametrize("size", [9, 10, 30])
def test_alias_bombs_are_bounded(write_manifest, size: int) -> None:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * size) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * size) + "]" for i in range(1, 10)]
    finding = only_finding(write_manifest("\n".join(lines) + "\n"))
    assert finding["rule"] == "RFT002"
    assert "alias" in finding["message"]


def test_aliases_within_bounds_are_read(write_manifest) -> None:
    data = make_manifest()
    text = to_yaml(data).replace("project: support-assistant",
                                 "project: &name support-assistant\nowner: *name")
    code, report = check_json(write_manifest(text))
    assert (code, report["findings"]) == (0, [])


@pytest.mark.parametrize("text", [
    "project: 'x'  # a comment\nowner: http://example.com/#anchor\n",
    "metadata: {\n  a: [1,\n    2],\n}\n",  # closing bracket at the parent's column
    'description: "a long\n  sentence"\n',
    "metadata:\n  links: [\"a#b\", c#d]\n",
    "# the team's own keys\nowner: x  # it's ours\nnote: 'it''s'\n",
])
def test_conforming_yaml_is_not_refused(text: str) -> None:
    compose(text)  # raises ManifestError if refused


def test_yaml11_boolean_message_says_why(write_manifest) -> None:
    text = to_yaml(make_manifest()).replace("required: true", "required: yes")
    finding = only_finding(write_manifest(text))
    assert finding["rule"] == "RFT003"
    assert finding["pointer"] == "/criteria/external_data/required"
    assert "YAML 1.2 reads 'yes' as a string" in finding["message"]
    assert "write true or false" in finding["message"]


@pytest.mark.parametrize(("raw", "words"), [
    (b"a: \xff\xfe\n", "not valid UTF-8"),
    ("a: caf\u00e9\n".encode("latin-1"), "not valid UTF-8"),
    ("a: b\n".encode("utf-16"), "UTF-16"),
    ("a: b\n".encode("utf-32"), "UTF-32"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
    (b"a: b\x00c\n", "binary file"),
])
def test_undecodable_bytes(tmp_path: Path, raw: bytes, words: str) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_bytes(raw)
    finding = only_finding(path)
    assert finding["rule"] == "RFT001"
    assert words in finding["message"]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    code, report = check_json(path)
    assert (code, report["findings"]) == (0, [])


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text(VALID + "# " + "x" * (1 << 20) + "\n", encoding="utf-8")
    finding = only_finding(path)
    assert finding["rule"] == "RFT001"
    assert "over the 1,048,576-byte limit" in finding["message"]
    assert check_json(path, extra=("--max-size", str(4 << 20)))[0] == 0


def test_directory_named_like_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "llm-project.yaml").mkdir()
    code, report = check_json(tmp_path)
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "RFT001"
    assert "a directory" in finding["message"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    os.mkfifo(path)
    finding = only_finding(path)  # would hang forever if the FIFO were opened for reading
    assert finding["rule"] == "RFT001"
    assert "FIFO" in finding["message"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this platform")
def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        finding = only_finding(path)
    finally:
        server.close()
    assert "socket" in finding["message"]


def test_dangling_symlink(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.symlink_to(tmp_path / "gone.yaml")
    finding = only_finding(path)
    assert finding["rule"] == "RFT001"
    assert "dangling symbolic link" in finding["message"]


def test_symlink_loop(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    other = tmp_path / "other.yaml"
    path.symlink_to(other)
    other.symlink_to(path)
    finding = only_finding(path)
    assert "loop" in finding["message"]


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    path = tmp_path / "llm-project.yaml"
    path.write_text(VALID, encoding="utf-8")
    path.chmod(0)
    finding = only_finding(path)
    assert "ermission denied" in finding["message"]


# --- fuzzing the reader: any text or bytes give data or a ManifestError, nothing else ---------

SMALL = Limits(max_bytes=4096, max_depth=16, max_nodes=2000)
YAMLISH = st.text(alphabet=string.printable + "\u00e9\u2028\ufeff\x85!&*?|>%@`\"'", max_size=300)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(YAMLISH, st.text(max_size=200)))
def test_fuzz_text_never_raises_anything_else(text: str) -> None:
    try:
        compose(text, SMALL)
    except ManifestError as exc:
        assert exc.message and exc.line >= 1 and exc.column >= 1


# The characters the YAML 1.2 checks' cheap looks at the text turn on: flow indicators and
# commas before a dash, what may stand before a comment's '#' (white space of every kind),
# brackets and quotes left open at the end of a line.
CONFORMANCE_TEXT = st.text(alphabet="#[{,-]} \t\n\r\f\v\x1c\x1f\x85\xa0\u2028a:'\"\\",
                           max_size=60)


@settings(max_examples=1000, deadline=None)
@given(CONFORMANCE_TEXT)
def test_cheap_looks_never_skip_a_conformance_check(text: str) -> None:
    """Whether a text can break a YAML 1.2 rule is decided by a few fast searches; each
    second pass they ask for is the one the rules' own definitions ask for, so no document
    skips a check it needs."""
    from unittest import mock

    from ragft_lint.core import conformance

    asked: list[dict[str, bool]] = []
    with mock.patch.object(conformance, "_scan",
                           lambda _text, _lines, **checks: asked.append(checks)):
        conformance.check_conformance(text)
    lines = text.split("\n")
    expected = {
        "check_hash": any(text[at] == "#" and not text[at - 1].isspace()
                          for at in range(1, len(text))),
        "check_dash": ("[" in text or "{" in text)  # a dash outside flow breaks nothing
                      and re.search(r"[\[{,]\s*-", text) is not None,
        "check_indent": text.startswith("\t") or "\n\t" in text or any(
            line.rfind("[") > line.rfind("]") or line.rfind("{") > line.rfind("}")
            or conformance._may_open_quote(line) for line in lines),
    }
    assert asked == ([expected] if any(expected.values()) else [])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_bytes_never_raise_anything_else(raw: bytes) -> None:
    try:
        compose(decode(raw), SMALL)
    except ManifestError as exc:
        assert exc.message and exc.line >= 1
