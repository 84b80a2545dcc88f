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
import re
from collections.abc import Iterator, Mapping
from dataclasses import field
from typing import Any

from ragft_lint.core.conformance import check_conformance
from ragft_lint.core.errors import ManifestError
from ragft_lint.core.files import FileReadError
from ragft_lint.core.files import read_bytes as read_bounded
from ragft_lint.core.finding import Span
from ragft_lint.core.parser import make_parser
from ragft_lint.core.pointer import escape_token as _escape
from ragft_lint.core.pointer import unescape_token
from ragft_lint.core.records import record
from ragft_lint.core.rules import UNREADABLE_FILE
from ragft_lint.core.text import show_value

MANIFEST_NAMES = ("llm-project.yaml", "llm-project.yml")

UNREADABLE = UNREADABLE_FILE.id


@record(frozen=True)
class Limits:
    """Bounds on what a manifest may cost to read. Real manifests are far below all three."""

    max_bytes: int = 1 << 20
    max_depth: int = 64
    max_nodes: int = 100_000


@record
class Manifest:
    """A parsed manifest: plain JSON-like `data` and the span of each value and key."""

    path: str
    data: Any
    value_spans: Mapping[str, Span] = field(default_factory=dict)
    key_spans: Mapping[str, Span] = field(default_factory=dict)
    # The text it was composed from (after any BOM), which fixes edit; "" when the data
    # did not come from a file (then nothing is fixable).
    text: str = field(default="", repr=False)

    def __init__(self, path: str, data: Any, value_spans: Mapping[str, Span] | None = None,
                 key_spans: Mapping[str, Span] | None = None, text: str = "") -> None:
        # Written out (one Manifest per file): core/records.py.
        self.path, self.data, self.text = path, data, text
        self.value_spans = {} if value_spans is None else value_spans
        self.key_spans = {} if key_spans is None else key_spans

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

    def entry_span(self, pointer: str) -> Span:
        """From the start of `pointer`'s key to the end of its value: where a finding about
        a declared need points (`data_dynamics: daily` as a whole)."""
        key, value = self.span(pointer, key=True), self.span(pointer)
        return Span(key.line, key.column, value.end_line, value.end_column)


def read_manifest(path: str, limits: Limits = Limits()) -> Manifest:
    """Read, decode and compose the manifest at `path`; raise ManifestError if it cannot be."""
    # The bytes are dropped as soon as they are decoded: for a large file allowed by
    # --max-size, that halves the peak memory.
    text = decode(read_bytes(path, limits.max_bytes))
    data, value_spans, key_spans = compose(text, limits)
    return Manifest(path, data, value_spans, key_spans, text)


def parse_manifest(path: str, text: str, limits: Limits = Limits()) -> Manifest:
    """Compose `text` as the manifest at `path`, under the bounds a file read has: text not
    yet saved (an editor's buffer) or not yet written (a fix) is judged like the file."""
    raw = text.encode("utf-8", "surrogatepass")  # lone surrogates: refused by decode()
    return _from_bytes(path, raw, limits, f"file is {len(raw):,} bytes,")


def manifest_from_bytes(path: str, raw: bytes, limits: Limits = Limits()) -> Manifest:
    """The manifest whose content is `raw` (read from standard input), named `path` in
    findings; the same bounds as a file, and ManifestError if it cannot be read."""
    return _from_bytes(path, raw, limits, "standard input is")


def _from_bytes(path: str, raw: bytes, limits: Limits, what: str) -> Manifest:
    """`raw` as the manifest at `path`; `what` begins the message when it is too large."""
    if len(raw) > limits.max_bytes:
        raise ManifestError(f"{what} over the {limits.max_bytes:,}-byte limit"
                            f"{_TOO_LARGE_HINT}", rule=UNREADABLE)
    text = decode(raw)
    data, value_spans, key_spans = compose(text, limits)
    return Manifest(path, data, value_spans, key_spans, text)


def read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a regular file of at most `max_bytes` (core.files: FIFOs and devices are refused
    before they are opened); every failure is a ManifestError, so a finding."""
    try:
        return read_bounded(path, max_bytes, hint=_TOO_LARGE_HINT)
    except FileReadError as exc:
        raise ManifestError(exc.message, rule=UNREADABLE) from None


_TOO_LARGE_HINT = (" for a manifest (raise it with --max-size if this is really a "
                   "manifest)")


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
_PLAIN_SPECIAL = _NULLS | frozenset(_BOOL_BY_TEXT)
# Python refuses to convert longer digit strings (CVE-2020-10735); say so ourselves.
_MAX_INT_DIGITS = 4000


class _Marks:
    """Where a collection starts and ends (a scalar's or an alias's event says so itself)."""

    __slots__ = ("end_mark", "start_mark")

    def __init__(self, start_mark: Any, end_mark: Any):
        self.start_mark, self.end_mark = start_mark, end_mark


# An entry of the position tree compose() builds beside the data: (key marks, value marks)
# for a scalar, plus the children (a dict by key, or a list) for a collection. Marks are the
# parser's own events where they can be (anything with start_mark and end_mark), so a scalar
# costs one tuple and one dict insertion; no pointer string is built until one is asked for.
_Entry = tuple[Any, ...]


class _SpanMap(Mapping[str, Span]):
    """Spans by JSON pointer, found in the position tree when one is asked for.

    Building a pointer and a Span for every node of every manifest cost more than the parse
    itself; only the few a finding points at are ever needed. Values reached through an
    alias are not in the tree (the alias has no children there): a lookup stops at the alias.
    """

    __slots__ = ("_key", "_root")

    def __init__(self, root: _Entry | None, *, key: bool):
        self._root, self._key = root, key

    def _marks(self, pointer: str) -> Any:
        entry = self._root
        if entry is None or (pointer and pointer[0] != "/"):
            return None
        if pointer:
            for token in pointer[1:].split("/"):
                children = entry[2] if len(entry) > 2 else None
                if children.__class__ is dict:
                    entry = children.get(unescape_token(token))
                elif children is not None and token.isdecimal() and (
                        token == "0" or token[0] != "0") and int(token) < len(children):
                    entry = children[int(token)]
                else:
                    return None
                if entry is None:
                    return None
        return entry[0] if self._key else entry[1]

    def __getitem__(self, pointer: str) -> Span:
        span: Span | None = self.get(pointer)
        if span is None:
            raise KeyError(pointer)
        return span

    def get(self, pointer: str, default: Any = None) -> Any:
        # Mapping's get goes through __getitem__ and a KeyError for every miss; this is
        # asked for each finding's key and value.
        marks = self._marks(pointer)
        if marks is None:
            return default
        start, end = marks.start_mark, marks.end_mark
        return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def __contains__(self, pointer: object) -> bool:
        return isinstance(pointer, str) and self._marks(pointer) is not None

    def __iter__(self) -> Iterator[str]:
        if self._root is None:
            return
        stack: list[tuple[str, _Entry]] = [("", self._root)]
        while stack:
            pointer, entry = stack.pop()
            if entry[0 if self._key else 1] is not None:
                yield pointer
            children = entry[2] if len(entry) > 2 else None
            if children.__class__ is dict:
                stack.extend((f"{pointer}/{_escape(k)}", e)
                             for k, e in reversed(children.items()))
            elif children is not None:
                stack.extend((f"{pointer}/{i}", e)
                             for i, e in reversed(list(enumerate(children))))

    def __len__(self) -> int:
        return sum(1 for _ in self)


# A frame of the composing stack: [container, children, start mark, anchor, size, key,
# key event] (a list, not a class: this loop runs for every node of every manifest).
_CONTAINER, _CHILDREN, _START, _ANCHOR, _SIZE, _KEY, _KEY_EVENT = range(7)
_NO_KEY: Any = object()  # the mapping frame is waiting for its next key


def compose(text: str, limits: Limits = Limits()
            ) -> tuple[Any, Mapping[str, Span], Mapping[str, Span]]:
    """Compose one YAML document into (data, value spans by pointer, key spans by pointer)."""
    from ruamel.yaml import events
    from ruamel.yaml.error import YAMLError

    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
    mapping_end, sequence_end = events.MappingEndEvent, events.SequenceEndEvent
    document_start, stream_end = events.DocumentStartEvent, events.StreamEndEvent
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    parser = make_parser(text)
    get_event = parser.get_event
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[list[Any]] = []
    documents = 0
    total_nodes = 0
    used_alias = False
    root: Any = None
    root_entry: _Entry | None = None
    try:
        while True:
            event = get_event()
            kind = type(event)
            children: Any = None
            if kind is scalar_event:
                if event.ctag is None:
                    value = event.value
                    # implicit[0]: a plain (unquoted) scalar, the only kind that can be
                    # anything but a string; most are words, settled by two cheap tests.
                    if event.implicit[0] and (value in _PLAIN_SPECIAL
                                              or value[:1] in _NUMBER_START):
                        value = _resolve_plain(value, event)
                else:
                    value = _resolve_scalar(event)
                marks: Any = event
                anchor = event.anchor
                if stack and anchor is None and total_nodes < max_nodes:
                    # The common case, placed here rather than below: an unanchored scalar
                    # that is a mapping key or a mapping value (a third of the run time).
                    top = stack[-1]
                    container = top[_CONTAINER]
                    if container.__class__ is dict:
                        key = top[_KEY]
                        if key is _NO_KEY:
                            if value.__class__ is str and value not in container:
                                total_nodes += 1
                                top[_SIZE] += 1
                                top[_KEY] = value
                                top[_KEY_EVENT] = event
                                continue
                        else:
                            total_nodes += 1
                            top[_SIZE] += 1
                            container[key] = value
                            top[_CHILDREN][key] = (top[_KEY_EVENT], event)
                            top[_KEY] = _NO_KEY
                            continue
                size = 1
            elif kind is mapping_end or kind is sequence_end:
                frame = stack.pop()
                value = frame[_CONTAINER]
                children = frame[_CHILDREN]
                size = frame[_SIZE]
                total_nodes -= size - 1  # its children were counted as they were added
                marks = _Marks(frame[_START], event.end_mark)
                anchor = frame[_ANCHOR]
            elif kind is mapping_start or kind is sequence_start:
                is_map = kind is mapping_start
                _check_collection_tag(event, _MAP if is_map else _SEQ)
                start = event.start_mark
                if len(stack) >= max_depth:
                    raise ManifestError(f"nesting deeper than {max_depth} levels; refused",
                                        line=start.line + 1, column=start.column + 1)
                if stack:
                    top = stack[-1]
                    if top[_KEY] is _NO_KEY and top[_CONTAINER].__class__ is dict:
                        raise ManifestError("mapping key is a collection; keys must be strings",
                                            line=start.line + 1, column=start.column + 1)
                stack.append([{}, {}, start, event.anchor, 1, _NO_KEY, None] if is_map else
                             [[], [], start, event.anchor, 1, _NO_KEY, None])
                continue
            elif kind is alias_event:
                if event.anchor not in anchors:
                    raise ManifestError(f"alias *{event.anchor} refers to no anchor defined "
                                        "before it", line=event.start_mark.line + 1,
                                        column=event.start_mark.column + 1)
                used_alias = True
                value, size = anchors[event.anchor]
                marks = event
                anchor = None
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    raise ManifestError(
                        "file holds more than one YAML document; a manifest is exactly one "
                        f"(the second starts at line {event.start_mark.line + 1})",
                        line=event.start_mark.line + 1, column=event.start_mark.column + 1)
                continue
            elif kind is stream_end:
                break
            else:
                continue
            # A node is complete: count it, then place it in its parent.
            total_nodes += size
            if total_nodes > max_nodes:
                detail = " after alias expansion (an alias bomb?)" if used_alias else ""
                raise ManifestError(f"document has more than {max_nodes:,} nodes{detail}; "
                                    "refused", line=marks.start_mark.line + 1,
                                    column=marks.start_mark.column + 1)
            if anchor is not None:
                anchors[anchor] = (value, size)
            if not stack:
                root = value
                root_entry = (None, marks, children)
                continue
            top = stack[-1]
            top[_SIZE] += size
            container = top[_CONTAINER]
            if container.__class__ is list:
                top[_CHILDREN].append((None, marks) if children is None else
                                      (None, marks, children))
                container.append(value)
            elif top[_KEY] is _NO_KEY:
                if value.__class__ is not str:
                    raise ManifestError(f"mapping key {show_value(value)} is not a string; "
                                        "quote it", line=marks.start_mark.line + 1,
                                        column=marks.start_mark.column + 1)
                if value in container:
                    first = top[_CHILDREN][value][0].start_mark
                    raise ManifestError(
                        f"duplicate key {show_value(value)} "
                        f"(first defined at line {first.line + 1})",
                        line=marks.start_mark.line + 1, column=marks.start_mark.column + 1)
                top[_KEY] = value
                top[_KEY_EVENT] = marks
            else:
                key = top[_KEY]
                container[key] = value
                top[_CHILDREN][key] = ((top[_KEY_EVENT], marks) if children is None else
                                       (top[_KEY_EVENT], marks, children))
                top[_KEY] = _NO_KEY
    except YAMLError as exc:  # the parser's errors; one of ours is an internal error (exit 2)
        raise _syntax_error(exc, text) from None
    if documents == 0:
        raise ManifestError("file holds no YAML document (it is empty or only comments); "
                            "expected a manifest mapping")
    check_conformance(text)
    return root, _SpanMap(root_entry, key=False), _SpanMap(root_entry, key=True)


def _resolve_scalar(event: Any) -> Any:
    # Untagged scalars are resolved inline in compose(); only explicit tags come here.
    tag = str(event.ctag)
    value: str = event.value
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
        raise ManifestError(f"{show_value(value)} is not a valid {_short_tag(tag)}",
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
    if event.ctag is not None and str(event.ctag) not in ("!", expected):
        raise _tag_error(str(event.ctag), event)


def _syntax_error(exc: Any, text: str) -> ManifestError:
    """Turn whatever the YAML parser raised into a one-line finding with a position."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif isinstance(getattr(exc, "position", None), int):  # a ReaderError
        line, column = _line_column(text, exc.position)
    else:
        line, column = 1, 1
    if problem:
        message = f"invalid YAML: {problem}"
        context_mark = getattr(exc, "context_mark", None)
        if context:
            where = f" started at line {context_mark.line + 1}" if context_mark else ""
            message += f" ({context}{where})"
    elif isinstance(getattr(exc, "character", None), int):  # a ReaderError
        # Its own text ends with `in "<unicode string>", position N`: our name for nothing
        # the user wrote, and an offset the line and column already give.
        message = (f"invalid YAML: unacceptable character #x{exc.character:04x}: "
                   f"{exc.reason}")
    else:
        message = "invalid YAML: " + " ".join(str(exc).split())
    lines = text.split("\n", line)
    if (problem and "cannot start any token" in problem and line <= len(lines)
            and lines[line - 1][column - 1:column] == "\t"):
        message += "; YAML does not allow tabs for indentation"
    return ManifestError(message, line=line, column=column)
