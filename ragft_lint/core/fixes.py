"""Fixes: the text edits that resolve a finding, and applying them to a manifest's text.

One implementation for `check --fix`, `check --diff` and the language server's quick fixes.
A fix is computed from the finding and the manifest's own text, and touches only the bytes
of the value, key or lines it changes, so comments, key order, quoting and indentation
survive. Every fix is proved before it is offered, or not offered: a replaced value or key
must read back as exactly the promised value from exactly the token that held the old one
(so nothing around it can change), and a removal of lines must leave a text that composes
to exactly the manifest without that waiver.

Safe fixes (applied by `--fix`): an enum value with exactly one close match, an unknown key
with exactly one close match among the allowed keys, a YAML 1.1 boolean word in a boolean
field. Unsafe (`--unsafe-fixes`): removing an unused waiver, whose reason is an audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import ManifestError
from ragft_lint.core.finding import Applicability, Edit, Fix, Span
from ragft_lint.core.pointer import escape_token, resolve, unescape_token
from ragft_lint.core.text import show_value

if TYPE_CHECKING:
    from ragft_lint.core.manifest import Manifest

__all__ = [
    "YAML11_BOOLEAN_BY_WORD", "Applicability", "Edit", "Fix", "apply_fixes", "schema_fix",
    "unused_waiver_fix",
]

# YAML 1.1 read these words as booleans; YAML 1.2 (and so ragft-lint) reads them as strings.
YAML11_BOOLEAN_BY_WORD = {
    variant: value
    for word, value in (("yes", True), ("no", False), ("on", True), ("off", False),
                        ("y", True), ("n", False))
    for variant in (word, word.capitalize(), word.upper())
}

#: The most fixes computed for one manifest per check (each is proved by composing the
#: manifest again); `--fix` re-checks after each pass, so more are reached then.
MAX_FIXES_PER_MANIFEST = 100

# YAML's line breaks (1.2.2 5.4, plus the 1.1 ones the parser still counts): columns and
# lines in spans are counted the parser's way, so offsets must be too.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# A word that reads as a string when written plain, in block and flow context alike.
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
_RESERVED_PLAIN = frozenset({"true", "false", "null", "True", "False", "Null", "TRUE",
                             "FALSE", "NULL"}) | frozenset(YAML11_BOOLEAN_BY_WORD)
_SEQUENCE_ENTRY_PREFIX = re.compile(r"[ \t]*-[ \t]+")
_LINE_REST = re.compile(r"[ \t]*(?:#.*)?")


# --- applying ------------------------------------------------------------------------------

def line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts (line 1 at index 0)."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def offset_of(starts: Sequence[int], text: str, line: int, column: int) -> int:
    """The offset in `text` of a 1-based line and code-point column (clamped to the text)."""
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + column - 1, len(text))


def _edit_range(starts: Sequence[int], text: str, edit: Edit) -> tuple[int, int]:
    span = edit.span
    end_line = span.line if span.end_line is None else span.end_line
    end_column = span.column if span.end_column is None else span.end_column
    return (offset_of(starts, text, span.line, span.column),
            offset_of(starts, text, end_line, end_column))


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """`text` with `fixes` applied, and the fixes that were.

    Fixes are taken in order; one whose edits overlap an edit already taken, or whose
    isolation group already has a fix, is left for the next pass (as ruff does): the caller
    checks the new text again and applies what is still wanted. Pure: no files, no checks.
    """
    starts = line_starts(text)
    taken: list[Fix] = []
    ranges: list[tuple[int, int, str]] = []
    groups: set[str] = set()
    for fix in fixes:
        if fix.isolation is not None and fix.isolation in groups:
            continue
        wanted = [(*_edit_range(starts, text, edit), edit.replacement) for edit in fix.edits]
        if any(_overlaps(one, other) for one in wanted for other in (*ranges, *wanted)
               if one is not other):
            continue
        ranges.extend(wanted)
        taken.append(fix)
        if fix.isolation is not None:
            groups.add(fix.isolation)
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(ranges, key=lambda r: (r[0], r[1])):
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out), taken


def _overlaps(one: tuple[int, int, str], other: tuple[int, int, str]) -> bool:
    # Two insertions at one point would be ordered arbitrarily: they overlap too.
    return (one[0] < other[1] and other[0] < one[1]) or one[0] == other[0]


# --- computing: schema findings -----------------------------------------------------------

def schema_fix(manifest: Manifest, keyword: str, schema: Any, spec: Any, pointer: str,
               at_key: bool) -> Fix | None:
    """The safe fix of one schema problem at `pointer`, or None when there is none.

    `keyword`, `schema` and `spec` are the failing validator's keyword, the schema holding
    it and its value (jsonschema's `validator`, `schema` and `validator_value`).
    """
    if not manifest.text:
        return None
    if keyword == "additionalProperties" and at_key and isinstance(schema, dict):
        return _rename_key_fix(manifest, pointer, list(schema.get("properties") or ()))
    if at_key:
        return None
    if keyword == "enum" and isinstance(spec, list):
        return _enum_fix(manifest, pointer, [o for o in spec if isinstance(o, str)])
    if keyword == "type" and spec == "boolean":
        return _boolean_fix(manifest, pointer)
    return None


def _enum_fix(manifest: Manifest, pointer: str, options: list[str]) -> Fix | None:
    parent, key = _parent(manifest.data, pointer)
    if parent is None:
        return None
    value = parent[key]
    if not isinstance(value, str):
        return None
    match = one_close_match(value, options)
    if match is None:
        return None
    return _replace_scalar(manifest, pointer, value, match, match,
                           f"Replace {show_value(value)} with {show_value(match)}")


def _boolean_fix(manifest: Manifest, pointer: str) -> Fix | None:
    parent, key = _parent(manifest.data, pointer)
    if parent is None or not isinstance(parent[key], str):
        return None
    value = parent[key]
    boolean = YAML11_BOOLEAN_BY_WORD.get(value)
    if boolean is None:
        return None
    word = "true" if boolean else "false"
    # Plain only: a quoted "yes" was a string in YAML 1.1 too, so nobody meant a boolean.
    return _replace_scalar(manifest, pointer, value, boolean, word,
                           f"Replace {show_value(value)} with {word}", plain_only=True)


def _rename_key_fix(manifest: Manifest, pointer: str, allowed: list[str]) -> Fix | None:
    parent_pointer, _, token = pointer.rpartition("/")
    mapping = resolve(manifest.data, parent_pointer)
    name = unescape_token(token)
    if not isinstance(mapping, dict) or name not in mapping:
        return None
    # A key already present is not a candidate: renaming onto it would duplicate it.
    match = one_close_match(name, [k for k in allowed if k not in mapping])
    span = manifest.key_spans.get(pointer)
    if match is None or span is None or span.end_line != span.line:
        return None
    token = _token(manifest, span)
    replacement = _requote(token, name, match)
    if replacement is None or not (_reads_as(token, name) and _reads_as(replacement, match)):
        return None
    return Fix(f"Rename {show_value(name)} to {show_value(match)}", (Edit(span, replacement),))


def one_close_match(word: str, options: Sequence[str]) -> str | None:
    """The one option `word` was evidently meant to be, or None when none or several are.

    A difference of case alone settles it (`RAG` is `rag`); otherwise difflib's ratio of
    at least 0.6 (the "did you mean" cutoff) must pick out exactly one option.
    """
    if not word or word in options:
        return None
    folded = [o for o in options if o.casefold() == word.casefold()]
    if folded:
        return folded[0] if len(folded) == 1 else None
    from ragft_lint.core.text import close_matches

    matches = close_matches(word.casefold(), [o.casefold() for o in options],
                            n=max(len(options), 1))
    if len(matches) != 1:
        return None
    return next(o for o in options if o.casefold() == matches[0])


def _replace_scalar(manifest: Manifest, pointer: str, old: str, new: Any, new_text: str,
                    message: str, *, plain_only: bool = False) -> Fix | None:
    span = manifest.value_spans.get(pointer)
    if span is None or span.end_line != span.line:
        return None
    token = _token(manifest, span)
    if plain_only:
        replacement = new_text if token == old else None
    else:
        replacement = _requote(token, old, new_text)
    if replacement is None or not (_reads_as(token, old) and _reads_as(replacement, new)):
        return None
    return Fix(message, (Edit(span, replacement),))


def _requote(token: str, old: str, new: str) -> str | None:
    """The text of `new` written as `token` wrote `old` (plain, 'single', "double"), or
    None when `token` is not a simple rendering of `old` (escapes, anchors, aliases)."""
    if token == old:
        if _PLAIN_WORD.fullmatch(new) and new not in _RESERVED_PLAIN:
            return new
        return _double_quoted(new)
    if token == "'" + old.replace("'", "''") + "'":
        return "'" + new.replace("'", "''") + "'"
    if token == f'"{old}"' and not any(c in old for c in '"\\'):
        return _double_quoted(new)
    return None


def _double_quoted(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


# --- computing: waivers -----------------------------------------------------------------------

def unused_waiver_fix(manifest: Manifest, index: int) -> Fix | None:
    """Remove the lines of waiver `index` (the whole `waivers` entry if it is the only one).

    Unsafe: the waiver's reason is an audit trail someone may want to keep. Offered for
    block lists only, where the entry owns whole lines.
    """
    waivers = manifest.data.get("waivers") if isinstance(manifest.data, dict) else None
    if not manifest.text or not isinstance(waivers, list) or not 0 <= index < len(waivers):
        return None
    if not _can_prove(manifest):
        return None
    text, starts = manifest.text, _line_starts(manifest)
    item = manifest.value_spans.get(f"/waivers/{index}")
    if item is None:
        return None
    last = _last_line(manifest, index, item, starts)
    if last is None:
        return None
    if len(waivers) == 1:
        key = manifest.key_spans.get("/waivers")
        if key is None or text[starts[key.line - 1]:offset_of(starts, text, key.line,
                                                                key.column)].strip():
            return None
        first = key.line
        expected = {k: v for k, v in manifest.data.items() if k != "waivers"}
    else:
        prefix = text[starts[item.line - 1]:offset_of(starts, text, item.line, item.column)]
        if not _SEQUENCE_ENTRY_PREFIX.fullmatch(prefix):
            return None
        first = item.line
        expected = {**manifest.data, "waivers": [w for i, w in enumerate(waivers) if i != index]}
    end = (Span(last + 1, 1) if last < len(starts)
           else Span(last, len(text) - starts[last - 1] + 1))
    edit = Edit(Span(first, 1, end.line, end.column), "")
    rule = waivers[index].get("rule") if isinstance(waivers[index], dict) else None
    fix = Fix(f"Remove the unused waiver for {show_value(rule, quote=False)}", (edit,),
              Applicability.UNSAFE, isolation="waivers")
    return _proved(manifest, fix, expected)


def _last_line(manifest: Manifest, index: int, item: Span, starts: Sequence[int]
               ) -> int | None:
    """The last line holding waiver `index`'s content, if nothing else shares it."""
    text = manifest.text
    opener = text[offset_of(starts, text, item.line, item.column):][:1]
    if opener in ("{", "[", "*"):  # a flow collection or an alias ends exactly at its end mark
        ends = [item]
    else:  # a block mapping ends where the next token starts: its scalars end exactly
        waiver = manifest.data["waivers"][index]
        keys = [escape_token(k) for k in waiver] if isinstance(waiver, dict) else []
        ends = [span for k in keys
                if (span := manifest.value_spans.get(f"/waivers/{index}/{k}")) is not None]
    if not ends:
        return None
    end = max(ends, key=lambda s: (s.end_line or s.line, s.end_column or s.column))
    end_line, end_column = end.end_line or end.line, end.end_column or end.column
    if end_column == 1:  # a block scalar ends at the start of the line after its text
        return end_line - 1
    rest_start = offset_of(starts, text, end_line, end_column)
    rest_end = starts[end_line] if end_line < len(starts) else len(text)
    rest = _LINE_BREAK.sub("", text[rest_start:rest_end])
    return end_line if _LINE_REST.fullmatch(rest) else None


# --- proving ------------------------------------------------------------------------------

def _reads_as(token: str, value: Any) -> bool:
    """True if `token`, written where a scalar goes, reads as exactly `value`.

    The edits replace exactly one scalar's or key's token, so this is what proves them:
    the old token is a plain rendering of the value found (no anchor, tag or escape
    hidden in it), and the new one reads as the value promised. Read in flow context, the
    stricter one: a token that reads right there reads the same in block context.
    """
    from ragft_lint.core.manifest import compose

    if value.__class__ is str and token == value and _PLAIN_WORD.fullmatch(token) and \
            token not in _RESERVED_PLAIN:
        return True  # a plain word that is no YAML 1.2 (or 1.1) keyword reads as itself
    try:
        data, _, _ = compose(f"[{token}]")
    except ManifestError:
        return False
    return bool(data == [value]) and type(data[0]) is type(value)


#: The most text composed to prove line removals, per manifest and check (a removal is
#: proved by composing the whole new text), and the largest text they are offered in: a
#: real manifest is a few KiB; a huge one gets no removal rather than a slow check.
PROOF_BUDGET_CHARS = 1 << 19
MAX_PROVED_CHARS = 1 << 16


def _can_prove(manifest: Manifest) -> bool:
    size = len(manifest.text)
    return size <= MAX_PROVED_CHARS and _budget(manifest)[0] >= size


def _budget(manifest: Manifest) -> list[int]:
    # Kept on the manifest: one check of it spends it.
    budget: list[int] = manifest.__dict__.setdefault("_fix_proof_budget", [PROOF_BUDGET_CHARS])
    return budget


def _proved(manifest: Manifest, fix: Fix, expected: Any) -> Fix | None:
    """`fix` if applying it yields a text that composes to exactly `expected`, else None.
    Spends the manifest's proof budget, which the caller has checked (`_can_prove`)."""
    from ragft_lint.core.manifest import compose

    _budget(manifest)[0] -= len(manifest.text)
    fixed, _ = apply_fixes(manifest.text, [fix])
    try:
        data, _, _ = compose(fixed)
    except ManifestError:
        return None
    return fix if data == expected else None


def _parent(data: Any, pointer: str) -> tuple[Any, Any]:
    """(container, key or index) of the value at `pointer`, or (None, None)."""
    if not pointer:
        return None, None
    parent_pointer, _, token = pointer.rpartition("/")
    container = resolve(data, parent_pointer)
    key = unescape_token(token)
    if isinstance(container, dict) and key in container:
        return container, key
    if isinstance(container, list) and key.isdigit() and int(key) < len(container):
        return container, int(key)
    return None, None


def _line_starts(manifest: Manifest) -> list[int]:
    # Worked out once per manifest (on the manifest itself), not once per fix.
    starts: list[int] = manifest.__dict__.get("_fix_line_starts") or line_starts(manifest.text)
    manifest.__dict__["_fix_line_starts"] = starts
    return starts


def _token(manifest: Manifest, span: Span) -> str:
    """The text of a one-line span."""
    text, starts = manifest.text, _line_starts(manifest)
    start = offset_of(starts, text, span.line, span.column)
    end = offset_of(starts, text, span.end_line or span.line, span.end_column or span.column)
    return text[start:end]
