"""Read a manifest safely and turn it into plain data with a position for every value.

Why not `YAML().load()`: the round-trip loader costs ~4 ms per small file, constructs
objects from tags, expands aliases without bound and recurses (a deep enough document
crashes the C composer). Instead we pull *events* from ruamel.yaml's C parser, which keeps
line/column marks, and compose plain dicts/lists/scalars ourselves in one iterative pass.
That pass is where every safety bound lives: nesting depth, total node count after alias
expansion, duplicate and non-string keys, and tags (resolved to YAML 1.2 core-schema
scalars or refused; nothing is ever constructed).
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ragft_lint.conformance import check_conformance
from ragft_lint.errors import ManifestError
from ragft_lint.finding import Span
from ragft_lint.rules import UNREADABLE_FILE

MANIFEST_NAMES = ("llm-project.yaml", "llm-project.yml")

UNREADABLE = UNREADABLE_FILE.id


@dataclass(frozen=True)
class Limits:
    """Bounds on what a manifest may cost to read. Real manifests are far below all three."""

    max_bytes: int = 1 << 20
    max_depth: int = 64
    max_nodes: int = 100_000


@dataclass
class Manifest:
    """A parsed manifest: plain JSON-like `data` and the span of each value and key."""

    path: str
    data: Any
    value_spans: dict[str, Span] = field(default_factory=dict)
    key_spans: dict[str, Span] = field(default_factory=dict)

    def span(self, pointer: str, *, key: bool = False) -> Span:
        """The span of `pointer` (its key's span if `key`), else of its nearest ancestor.

        Values reached through an alias have no spans of their own; they are found at the
        alias, which is where a reader has to look.
        """
        while True:
            found = (key and self.key_spans.get(pointer)) or self.value_spans.get(pointer)
            if found:
                return found
            if not pointer:
                return Span(1, 1)
            pointer = pointer.rsplit("/", 1)[0]


def escape_pointer_token(token: str) -> str:
    """RFC 6901 escaping of one reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def read_manifest(path: str, limits: Limits = Limits()) -> Manifest:
    """Read, decode and compose the manifest at `path`; raise ManifestError if it cannot be."""
    raw = read_bytes(path, limits.max_bytes)
    text = decode(raw)
    data, value_spans, key_spans = compose(text, limits)
    return Manifest(path, data, value_spans, key_spans)


def read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a regular file of at most `max_bytes`, refusing anything else before opening it.

    Opening a FIFO blocks until a writer appears and reading a device may never end, so the
    file type is checked with stat() first; the open itself is non-blocking and re-checked
    with fstat() so a file swapped in between cannot hang us either.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ManifestError(_describe_stat_error(path, exc), rule=UNREADABLE) from None
    _require_regular(st.st_mode)
    if st.st_size > max_bytes:
        raise ManifestError(_too_large(st.st_size, max_bytes), rule=UNREADABLE)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ManifestError(f"cannot open: {exc.strerror}", rule=UNREADABLE) from None
    try:
        _require_regular(os.fstat(fd).st_mode)
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise ManifestError(f"cannot read: {exc.strerror}", rule=UNREADABLE) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:  # the file grew after stat()
        raise ManifestError(_too_large(len(raw), max_bytes), rule=UNREADABLE)
    return raw


def _describe_stat_error(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop: the link cannot be resolved"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"dangling symbolic link (points to {os.readlink(path)!r}, which does not exist)"
    if exc.errno == errno.ENOENT:
        return "no such file"
    return f"cannot read: {exc.strerror}"


_KIND_BY_TEST: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KIND_BY_TEST if test(mode)), "not a regular file")
    raise ManifestError(f"not a regular file: it is {kind}; refused without opening it",
                        rule=UNREADABLE)


def _too_large(size: int, limit: int) -> str:
    return (f"file is {size:,} bytes, over the {limit:,}-byte limit for a manifest "
            "(raise it with --max-size if this is really a manifest)")


_BOM_NAMES = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)


def decode(raw: bytes) -> str:
    """Decode UTF-8 (an optional BOM is dropped); anything else is refused with a reason."""
    for bom, name in _BOM_NAMES:
        if raw.startswith(bom):
            raise ManifestError(f"file is {name}-encoded; save it as UTF-8", rule=UNREADABLE)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _line_column(raw, nul)
        raise ManifestError("binary file (it contains NUL bytes), not a YAML manifest",
                            line=line, column=column, rule=UNREADABLE)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start)
        raise ManifestError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8", line=line, column=column, rule=UNREADABLE) from None
    return text[1:] if text.startswith("\ufeff") else text


def _line_column(raw: bytes | str, offset: int) -> tuple[int, int]:
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    line_start = raw.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return raw.count(newline, 0, offset) + 1, offset - line_start + 1  # type: ignore[arg-type]


# --- composing events into data -------------------------------------------------------------

_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in
                                    ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
# YAML 1.2.2 core schema (10.3.2): the only implicit types a manifest has.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL_BY_TEXT = {"true": True, "True": True, "TRUE": True,
                 "false": False, "False": False, "FALSE": False}
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_NUMBER_START = frozenset("0123456789+-.")
# Python refuses to convert longer digit strings (CVE-2020-10735); say so ourselves.
_MAX_INT_DIGITS = 4000


class _NoKey:
    """Marks a mapping frame that is waiting for its next key."""


_NO_KEY = _NoKey()


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    pointer: str
    start: Any  # the start mark of the collection
    anchor: str | None
    size: int = 1
    key: str | _NoKey = _NO_KEY
    key_span: Span | None = None


def compose(text: str, limits: Limits = Limits()) -> tuple[Any, dict[str, Span], dict[str, Span]]:
    """Compose one YAML document into (data, value spans by pointer, key spans by pointer)."""
    from ruamel.yaml import events

    parser = make_parser(text)
    value_spans: dict[str, Span] = {}
    key_spans: dict[str, Span] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    documents = 0
    total_nodes = 0
    used_alias = False
    root: Any = None

    def add(value: Any, span: Span, size: int, anchor: str | None) -> None:
        nonlocal root, total_nodes
        total_nodes += size
        if total_nodes > limits.max_nodes:
            detail = " after alias expansion (an alias bomb?)" if used_alias else ""
            raise ManifestError(f"document has more than {limits.max_nodes:,} nodes{detail}; "
                                "refused", line=span.line, column=span.column)
        if anchor is not None:
            anchors[anchor] = (value, size)
        if not stack:
            root = value
            value_spans[""] = span
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.container, list):
            pointer = f"{top.pointer}/{len(top.container)}"
            top.container.append(value)
            value_spans[pointer] = span
        elif isinstance(top.key, _NoKey):
            if not isinstance(value, str):
                raise ManifestError(
                    f"mapping key {_show(value)} is not a string; quote it",
                    line=span.line, column=span.column)
            if value in top.container:
                first = key_spans[f"{top.pointer}/{escape_pointer_token(value)}"]
                raise ManifestError(f"duplicate key {value!r} (first defined at line {first.line})",
                                    line=span.line, column=span.column)
            top.key, top.key_span = value, span
        else:
            pointer = f"{top.pointer}/{escape_pointer_token(top.key)}"
            top.container[top.key] = value
            value_spans[pointer] = span
            key_spans[pointer] = top.key_span  # type: ignore[assignment]
            top.key = _NO_KEY

    def child_pointer(mark: Any) -> str:
        top = stack[-1]
        if isinstance(top.container, list):
            return f"{top.pointer}/{len(top.container)}"
        if isinstance(top.key, _NoKey):
            raise ManifestError("mapping key is a collection; keys must be strings",
                                line=mark.line + 1, column=mark.column + 1)
        return f"{top.pointer}/{escape_pointer_token(top.key)}"

    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is events.ScalarEvent:
                add(_resolve_scalar(event), _span(event.start_mark, event.end_mark), 1,
                    event.anchor)
            elif kind is events.MappingStartEvent or kind is events.SequenceStartEvent:
                is_map = kind is events.MappingStartEvent
                _check_collection_tag(event, _MAP if is_map else _SEQ)
                if len(stack) >= limits.max_depth:
                    raise ManifestError(f"nesting deeper than {limits.max_depth} levels; refused",
                                        line=event.start_mark.line + 1,
                                        column=event.start_mark.column + 1)
                pointer = child_pointer(event.start_mark) if stack else ""
                stack.append(_Frame({} if is_map else [], pointer, event.start_mark,
                                    event.anchor))
            elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
                frame = stack.pop()
                total_nodes -= frame.size - 1  # children were counted as they were added
                add(frame.container, _span(frame.start, event.end_mark), frame.size,
                    frame.anchor)
            elif kind is events.AliasEvent:
                if event.anchor not in anchors:
                    raise ManifestError(f"alias *{event.anchor} refers to no anchor defined "
                                        "before it", line=event.start_mark.line + 1,
                                        column=event.start_mark.column + 1)
                used_alias = True
                value, size = anchors[event.anchor]
                add(value, _span(event.start_mark, event.end_mark), size, None)
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise ManifestError(
                        "file holds more than one YAML document; a manifest is exactly one "
                        f"(the second starts at line {event.start_mark.line + 1})",
                        line=event.start_mark.line + 1, column=event.start_mark.column + 1)
            elif kind is events.StreamEndEvent:
                break
    except ManifestError:
        raise
    except Exception as exc:  # the parser's own errors, whatever their class
        raise _syntax_error(exc, text) from None
    if documents == 0:
        raise ManifestError("file holds no YAML document (it is empty or only comments); "
                            "expected a manifest mapping")
    check_conformance(text)
    return root, value_spans, key_spans


def make_parser(text: str) -> Any:
    """ruamel.yaml's C parser over `text` (its pure-Python parser where the C one is missing)."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:  # no C extension (e.g. PyPy): the pure parser yields the same events
        from ruamel.yaml.loader import SafeLoader

        return SafeLoader(text)
    return CParser(text)


def _span(start: Any, end: Any) -> Span:
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "(a collection)"
    return repr(value)


def _resolve_scalar(event: Any) -> Any:
    tag = event.tag
    value: str = event.value
    if tag is None:
        # implicit[0] is true only for a plain (unquoted) scalar without a tag.
        return _resolve_plain(value, event) if event.implicit[0] else value
    if tag == "!" or tag == _STR:
        return value
    if tag == _INT and _INT_RE.fullmatch(value):
        return _to_int(value, event)
    if tag == _FLOAT and (_FLOAT_RE.fullmatch(value) or _INT_RE.fullmatch(value)):
        return _to_float(value)
    if tag == _BOOL and value in _BOOL_BY_TEXT:
        return _BOOL_BY_TEXT[value]
    if tag == _NULL and value in _NULLS:
        return None
    if tag in (_INT, _FLOAT, _BOOL, _NULL):
        raise ManifestError(f"{value!r} is not a valid {_short_tag(tag)}",
                            line=event.start_mark.line + 1, column=event.start_mark.column + 1)
    raise _tag_error(tag, event)


def _resolve_plain(value: str, event: Any) -> Any:
    if value in _NULLS:
        return None
    if value in _BOOL_BY_TEXT:
        return _BOOL_BY_TEXT[value]
    if value[0] in _NUMBER_START:
        if _INT_RE.fullmatch(value):
            return _to_int(value, event)
        if _FLOAT_RE.fullmatch(value):
            return _to_float(value)
    return value


def _to_int(value: str, event: Any) -> int:
    if len(value) > _MAX_INT_DIGITS:
        raise ManifestError(f"integer with {len(value):,} digits is too large",
                            line=event.start_mark.line + 1, column=event.start_mark.column + 1)
    if value.startswith("0o"):
        return int(value[2:], 8)
    if value.startswith("0x"):
        return int(value[2:], 16)
    return int(value, 10)


def _to_float(value: str) -> float:
    lowered = value.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(value)


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _tag_error(tag: str, event: Any) -> ManifestError:
    shown = _short_tag(tag)
    why = ("Python tags are never constructed" if "python/" in tag else
           "a manifest holds plain YAML 1.2 values and ragft-lint constructs no tagged objects")
    return ManifestError(f"tag {shown} is not allowed: {why}",
                         line=event.start_mark.line + 1, column=event.start_mark.column + 1)


def _check_collection_tag(event: Any, expected: str) -> None:
    if event.tag not in (None, "!", expected):
        raise _tag_error(event.tag, event)


def _syntax_error(exc: Exception, text: str) -> ManifestError:
    """Turn whatever the YAML parser raised into a one-line finding with a position."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif isinstance(getattr(exc, "position", None), int):  # a ReaderError
        line, column = _line_column(text, exc.position)  # type: ignore[attr-defined]
    else:
        line, column = 1, 1
    if problem:
        message = f"invalid YAML: {problem}"
        context_mark = getattr(exc, "context_mark", None)
        if context:
            where = f" started at line {context_mark.line + 1}" if context_mark else ""
            message += f" ({context}{where})"
    else:
        message = "invalid YAML: " + " ".join(str(exc).split())
    lines = text.split("\n", line)
    if (problem and "cannot start any token" in problem and line <= len(lines)
            and lines[line - 1][column - 1:column] == "\t"):
        message += "; YAML does not allow tabs for indentation"
    return ManifestError(message, line=line, column=column)
