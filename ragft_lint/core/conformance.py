"""YAML 1.2 rules that libyaml (ruamel.yaml's C parser) does not enforce.

The YAML project's own test suite has invalid documents that libyaml accepts; read as a
manifest they would surface as confusing schema errors instead of the syntax error they
are. Three rules cover nearly all of them (the suite's cases in brackets):

- a comment must be separated from what precedes it by white space (9JBA, CVW2, SU5Z,
  X4QW, MUS6/00);
- in a flow collection, a plain scalar cannot start with "-" followed by a space, a flow
  indicator or the end of the line (G5U8, YJV2);
- a flow collection or quoted scalar that continues onto further lines must indent them
  more than its parent block collection, with spaces (9C9N, QB6E, DK95/01, Y79Y/003).
  Lines that only close the collection (`]`, `}`) are let through: writing them at the
  parent's column is common and every YAML library reads them the same way.

Each rule is only checked when a cheap look at the text says it could be broken, so a
typical manifest costs no second pass.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from ragft_lint.core.errors import ManifestError
from ragft_lint.core.parser import make_parser

# The cheap looks at the text. Each expression starts with a literal character, which the
# search skips to at C speed; one starting with a class of characters (`[[{,]\s*-`) is
# tried at every character, and cost more than the rest of this module.
_GLUED_HASH = re.compile(r"#(?<=\S#)")  # a "#" right after something other than space
_FLOW_DASHES = tuple(re.compile(rf"{re.escape(c)}\s*-") for c in "[{,")
# A line's last "[" with no "]" after it. (Stopping at the next "[" keeps the search linear:
# from each "[" it reads up to the next bracket only.)
_OPEN_BRACKET = re.compile(r"\[[^\[\]\n]*$", re.MULTILINE)
_OPEN_BRACE = re.compile(r"\{[^{}\n]*$", re.MULTILINE)
_NOT_AFTER_DASH = frozenset(" \t,[]{}")


def check_conformance(text: str) -> None:
    """Raise ManifestError for the first violation of the rules above (the text parses)."""
    # Searches that skip to a literal character and `in` run at C speed; the second parse
    # only where a rule can be broken.
    check_hash = _GLUED_HASH.search(text) is not None
    check_dash = ("[" in text or "{" in text) and any(
        dash.search(text) for dash in _FLOW_DASHES)
    check_indent = _may_break_indentation(text)
    if check_hash or check_dash or check_indent:
        _scan(text, text.split("\n"), check_hash=check_hash, check_dash=check_dash,
              check_indent=check_indent)


def _may_break_indentation(text: str) -> bool:
    """Whether some line could start a flow collection or quoted scalar that goes on to
    the next line, or is indented with a tab: a line with a "[" or "{" that no "]" or "}"
    follows, or with an open quote (`_may_open_quote`). Only the lines holding a bracket
    or a quote are looked at: a few lines of a typical manifest, not all."""
    if text.startswith("\t") or "\n\t" in text:
        return True
    if _OPEN_BRACKET.search(text) or _OPEN_BRACE.search(text):
        return True
    seen: set[int] = set()
    for quote in "\"'":
        at = text.find(quote)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            if end == -1:
                end = len(text)
            if start not in seen:
                seen.add(start)
                if _may_open_quote(text[start:end]):
                    return True
            at = text.find(quote, end)
    return False


def _may_open_quote(line: str) -> bool:
    """Whether a quoted scalar could start on `line` and go on to the next: an odd number of
    quotes of one kind outside the line's comment.

    A scalar quoted over several lines leaves its opening line with an unclosed quote. A
    comment's words (`the team's own tooling`) cannot open one; the comment is cut off only
    when no quote comes before its `#`, since a `#` after a quote may be inside the scalar.
    Escaped double quotes (`\\"`) close nothing. When in doubt it says yes: that costs only
    the second pass.
    """
    hash_at = line.find("#")
    while hash_at > 0 and line[hash_at - 1] not in " \t":
        hash_at = line.find("#", hash_at + 1)
    if hash_at >= 0 and '"' not in line[:hash_at] and "'" not in line[:hash_at]:
        line = line[:hash_at]
    return bool((line.count('"') - line.count('\\"')) % 2 or line.count("'") % 2)


def _scan(text: str, lines: list[str], *, check_hash: bool, check_dash: bool,
          check_indent: bool) -> None:
    from ruamel.yaml import events

    parser = make_parser(text)
    block_columns: list[int] = []  # columns of the open block collections
    open_flows: list[Any] = []  # start marks of the open flow collections
    spans: list[tuple[int, int]] = []  # character ranges of scalars, aliases and properties
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is events.ScalarEvent:
            spans.append((event.start_mark.index, event.end_mark.index))
            if check_dash and open_flows and event.implicit[0]:
                _check_flow_dash(event)
            if event.style in ("|", ">"):
                _check_block_header(event, lines)
            elif (check_indent and not open_flows and event.style in ('"', "'")
                  and event.end_mark.line > event.start_mark.line):
                _check_continuation(lines, event.start_mark.line, event.end_mark.line,
                                    _parent_column(block_columns), "quoted scalar",
                                    skip_syntax=False)
        elif kind is events.MappingStartEvent or kind is events.SequenceStartEvent:
            spans.append((event.start_mark.index, event.end_mark.index))
            if event.flow_style:
                open_flows.append(event.start_mark)
            else:
                block_columns.append(event.start_mark.column)
        elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
            if open_flows:  # block collections cannot sit inside a flow one
                start = open_flows.pop()
                if check_indent and not open_flows and event.end_mark.line > start.line:
                    _check_continuation(lines, start.line, event.end_mark.line,
                                        _parent_column(block_columns), "flow collection",
                                        skip_syntax=True)
            elif block_columns:
                block_columns.pop()
        elif kind is events.AliasEvent:
            spans.append((event.start_mark.index, event.end_mark.index))
        elif kind is events.StreamEndEvent:
            break
    if check_hash:
        _check_comments(text, spans)


def _parent_column(block_columns: list[int]) -> int:
    return block_columns[-1] if block_columns else -1


def _error(message: str, line: int, column: int) -> ManifestError:
    return ManifestError(f"invalid YAML: {message}", line=line + 1, column=column + 1)


def _check_flow_dash(event: Any) -> None:
    value: str = event.value
    if value.startswith("-") and (len(value) == 1 or value[1] in _NOT_AFTER_DASH):
        raise _error("'-' cannot start a plain scalar inside a flow collection "
                     "(quote it, or use a block sequence)",
                     event.start_mark.line, event.start_mark.column)


def _check_block_header(event: Any, lines: list[str]) -> None:
    line = lines[event.start_mark.line]
    at = line.find(event.style, event.start_mark.column)
    end = at + 1
    while end < len(line) and line[end] in "123456789+-":
        end += 1
    # "\r": a file saved with Windows line endings keeps it at the end of each split line.
    if at >= 0 and end < len(line) and line[end] not in " \t\r":
        raise _error("a block scalar header must be followed by a space or the end of "
                     "the line", event.start_mark.line, end)


def _check_continuation(lines: list[str], first: int, last: int, parent: int, what: str, *,
                        skip_syntax: bool) -> None:
    for number in range(first + 1, min(last, len(lines) - 1) + 1):
        line = lines[number]
        content = line.lstrip(" ")
        if not content.strip():
            continue
        if skip_syntax and content.lstrip(" \t")[0] in "#]}":
            continue
        if len(line) - len(content) <= parent:
            raise _error(f"this {what} continues on a line indented no more than its parent "
                         f"(column {parent + 1}); indent it with spaces", number, 0)


def _check_comments(text: str, spans: list[tuple[int, int]]) -> None:
    spans.sort()
    starts = [start for start, _ in spans]
    for match in _GLUED_HASH.finditer(text):
        at = match.start()
        index = bisect.bisect_right(starts, at) - 1
        if index >= 0 and spans[index][0] <= at < spans[index][1]:
            continue  # a '#' inside a scalar, an anchor or a tag is content
        line_start = text.rfind("\n", 0, at) + 1
        if text.startswith("%TAG", line_start):
            continue  # a tag prefix may contain '#'
        line = text.count("\n", 0, at)
        raise _error("a comment must be separated from what precedes it by a space",
                     line, at - line_start)
