"""What the language server says about a manifest, as plain data: no protocol types here.

Positions are 0-based lines and code-point columns of the text as the editor holds it;
`server.py` converts them to the client's units. Everything reads the same engine, policy
pack and rule documentation as `check` and `explain`, so the editor cannot disagree with
the command line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ragft_lint.core.finding import Finding
from ragft_lint.core.manifest import Manifest
from ragft_lint.core.pointer import unescape_token
from ragft_lint.core.policy import PolicyPack
from ragft_lint.core.rules import WAIVER_REASON

# How far ahead the expiry date of an inserted waiver is set: a placeholder that keeps the
# waiver valid while its author writes the reason, chosen to be edited (a quarter).
WAIVER_DAYS = 90

# Lines are counted two ways. The YAML parser (so every span of a finding, a key, a fix)
# breaks lines also at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR; the Language Server
# Protocol only at CR LF, CR and LF. Everything here works in the parser's lines; `Lines`
# converts at the edge, and only for a text holding one of those three characters.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LSP_BREAK = re.compile("\r\n|[\r\n]")
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def split_lines(text: str) -> list[str]:
    """The text's lines as the YAML parser counts them, without their line breaks."""
    return _YAML_BREAK.split(text)


class Lines:
    """A document's text and its lines, in the parser's counting and in the client's.

    The parser's positions are also those of the text after a byte-order mark (which the
    reader drops); `body` is that text.
    """

    def __init__(self, text: str):
        self.text = text
        self.bom = 1 if text.startswith("\ufeff") else 0
        self.body = text[self.bom:]
        self.yaml = split_lines(self.body)
        self.same = not self.bom and not any(char in text for char in _YAML_ONLY_BREAKS)
        if self.same:
            self.lsp = self.yaml
        else:
            self.lsp = _LSP_BREAK.split(text)
            self._yaml_starts = _starts(self.body, _YAML_BREAK)
            self._lsp_starts = _starts(text, _LSP_BREAK)

    def to_lsp(self, line: int, column: int) -> tuple[int, int]:
        """A 0-based parser (line, column) as the client's (line, code-point column)."""
        if self.same:
            return line, column
        return _move(self._yaml_starts, self._lsp_starts, self.lsp, line, column, self.bom)

    def to_yaml(self, line: int, column: int) -> tuple[int, int]:
        """A 0-based client (line, code-point column) as the parser's."""
        if self.same:
            return line, column
        return _move(self._lsp_starts, self._yaml_starts, self.yaml, line, column, -self.bom)


def changed_region(old: str, new: str) -> tuple[int, int, str]:
    """The smallest single replacement turning `old` into `new`: (start, end, text), as
    offsets into `old`. An editor applying it keeps its cursor and folds elsewhere."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, len(old) - end, new[start:len(new) - end]


def lsp_position(text: str, offset: int) -> tuple[int, int]:
    """The client's 0-based (line, code-point column) of an offset into `text`."""
    before = text[:offset]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return len(_LSP_BREAK.findall(before)), offset - line_start


def _starts(text: str, breaks: re.Pattern[str]) -> list[int]:
    return [0, *(match.end() for match in breaks.finditer(text))]


def _move(source: Sequence[int], target: Sequence[int], target_lines: Sequence[str],
          line: int, column: int, shift: int) -> tuple[int, int]:
    import bisect

    line = min(max(line, 0), len(source) - 1)
    offset = max(source[line] + max(column, 0) + shift, 0)
    found = bisect.bisect_right(target, offset) - 1
    return found, min(offset - target[found], len(target_lines[found]))


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) to (end_line, end_column) with `text`."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


# --- positions of findings and manifest nodes -------------------------------------------------

def finding_range(finding: Finding, lines: Sequence[str]) -> tuple[int, int, int, int]:
    """A finding's (line, column, end line, end column), 0-based, clamped to the document.

    A finding that marks only where it starts (a YAML syntax error) covers the rest of its
    line, so an editor has something to underline.
    """
    last = max(len(lines) - 1, 0)
    line = min(max(finding.line - 1, 0), last)
    column = min(max(finding.column - 1, 0), len(lines[line]) if lines else 0)
    if finding.end_line is None or finding.end_column is None:
        return line, column, line, len(lines[line]) if lines else 0
    end_line = min(max(finding.end_line - 1, line), last)
    end_column = max(finding.end_column - 1, 0)
    if end_line >= len(lines) or end_line > finding.end_line - 1:
        end_column = len(lines[end_line]) if lines else 0
    end_column = min(end_column, len(lines[end_line]) if lines else 0)
    if end_line == line:
        end_column = max(end_column, column)
    return line, column, end_line, end_column


def overlaps(span: tuple[int, int, int, int], line: int, column: int, end_line: int,
             end_column: int) -> bool:
    """Whether `span` touches the range from (line, column) to (end_line, end_column)."""
    return (span[0], span[1]) <= (end_line, end_column) and (line, column) <= (span[2], span[3])


def node_at(manifest: Manifest, line: int, column: int) -> tuple[str, bool] | None:
    """The innermost (pointer, is_key) whose key or scalar value holds the 0-based position."""
    best: tuple[int, str, bool] | None = None
    for spans, is_key in ((manifest.key_spans, True), (manifest.value_spans, False)):
        for pointer in spans:
            span = spans[pointer]
            end_line = span.end_line if span.end_line is not None else span.line
            end_column = span.end_column if span.end_column is not None else span.column
            start, end = (span.line - 1, span.column - 1), (end_line - 1, end_column - 1)
            if start <= (line, column) <= end and (is_key or _is_scalar(manifest, pointer)):
                depth = pointer.count("/")
                if best is None or depth > best[0]:
                    best = (depth, pointer, is_key)
    return (best[1], best[2]) if best else None


def _is_scalar(manifest: Manifest, pointer: str) -> bool:
    value = resolve(manifest.data, pointer)
    return not isinstance(value, (dict, list))


def resolve(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or None."""
    node = data
    for token in pointer.split("/")[1:]:
        token = unescape_token(token)
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


# --- hover --------------------------------------------------------------------------------

def key_hover(pointer: str, manifest: Manifest, pack: PolicyPack, schema: dict[str, Any],
              findings: Sequence[Finding]) -> str | None:
    """Markdown for a key: what the schema says it means and, for a key policies judge,
    what the policies of the declared approach say about its value."""
    from ragft_lint.decide.explain import describe_condition

    tokens = [unescape_token(t) for t in pointer.split("/")[1:]]
    description = schema_description(schema, tokens)
    # The policies that judge this key's value: at the key, or one level in (hovering
    # `external_data` shows the policies on `external_data.required`).
    depth = pointer.count("/")
    policies = [p for p in pack.policies if p.pointer == pointer
                or (p.pointer.startswith(pointer + "/") and p.pointer.count("/") == depth + 1)]
    if description is None and not policies:
        return None
    data = manifest.data if isinstance(manifest.data, dict) else {}
    value = resolve(data, pointer)
    # A list item is named by its list's key (`sources`, not `0`).
    name = next((t for t in reversed(tokens) if not t.isdigit()), tokens[-1] if tokens else "")
    parts = [f"**`{name}`**" + (f": {description}" if description else "")]
    if pointer == "/approach" and isinstance(value, str):
        parts.append(_approach_summary(value, pack, findings))
    if not policies:
        return "\n\n".join(parts)
    approach = data.get("approach")
    shown_approach = f"`{approach}`" if isinstance(approach, str) else "(none declared)"
    applicable = [p for p in policies if _admits_approach(p.condition(pack.params), approach)]
    reported = {f.rule: f for f in findings if not f.waived}
    waived = {f.rule: f for f in findings if f.waived}
    shown_value = _inline(value)
    lines = [f"Policies for approach {shown_approach} on this value ({shown_value}):"]
    for policy in applicable:
        rule = pack.rule(policy)
        if policy.id in reported:
            verdict = f"**reports** ({rule.severity.value}): {reported[policy.id].message}"
        elif policy.id in waived:
            verdict = f"waived: {waived[policy.id].waiver_reason}"
        else:
            verdict = "passes"
        trigger = describe_condition(policy.condition(pack.params))
        lines.append(f"- **{policy.id}** {rule.title}: {verdict}. Fires when {trigger}.")
    if not applicable:
        lines.append("- none: no policy on this key applies to this approach.")
    others = len(policies) - len(applicable)
    if others:
        lines.append(f"\n{others} other polic{'y' if others == 1 else 'ies'} on this key "
                     "apply to other approaches.")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _approach_summary(approach: str, pack: PolicyPack, findings: Sequence[Finding]) -> str:
    """What the policies say about the approach itself: how many judge it, which report."""
    judging = [p for p in pack.policies if _admits_approach(p.condition(pack.params), approach)]
    reporting = [f for f in findings if f.rule in pack.policy_by_id and not f.waived]
    now = ", ".join(f"**{f.rule}** ({f.severity.value})" for f in reporting) or "none"
    return (f"{len(judging)} of {len(pack.policies)} policy rules can report on approach "
            f"`{approach}`; reporting now: {now}.")


def _admits_approach(condition: dict[str, Any], approach: Any) -> bool:
    """Whether a policy's condition can hold for `approach` (its `approach` clause alone)."""
    clause = condition.get("properties", {}).get("approach")
    if clause is None or approach is None:
        return True
    from ragft_lint.core.schema import compile_schema

    return bool(compile_schema(clause).is_valid(approach))


def schema_description(schema: dict[str, Any], tokens: Sequence[str]) -> str | None:
    """The description the manifest schema gives the property at `tokens` (list indexes
    are items), looking through `$ref`, `allOf`/`anyOf`/`oneOf` and `if`/`then`/`else`."""
    nodes = [schema]
    for token in tokens:
        children: list[dict[str, Any]] = []
        for node in nodes:
            for sub in _alternatives(schema, node):
                if token.isdigit() and isinstance(sub.get("items"), dict):
                    children.append(sub["items"])
                prop = sub.get("properties", {}).get(token)
                if isinstance(prop, dict):
                    children.append(prop)
        if not children:
            return None
        nodes = children
    for node in nodes:
        for sub in _alternatives(schema, node):
            if isinstance(sub.get("description"), str):
                return str(sub["description"])
    return None


def _alternatives(root: dict[str, Any], node: dict[str, Any], depth: int = 0
                  ) -> Iterator[dict[str, Any]]:
    if depth > 8:  # a $ref cycle in a broken schema: stop rather than recurse forever
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for token in ref[2:].split("/"):
            target = target.get(unescape_token(token), {}) if isinstance(target, dict) else {}
        if isinstance(target, dict):
            yield from _alternatives(root, target, depth + 1)
    yield node
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(keyword, ()):
            if isinstance(sub, dict):
                yield from _alternatives(root, sub, depth + 1)
    for keyword in ("then", "else"):
        sub = node.get(keyword)
        if isinstance(sub, dict):
            yield from _alternatives(root, sub, depth + 1)


def rule_hover(pack: PolicyPack, rule_id: str) -> str:
    """Markdown: what `ragft-lint explain RULE` prints, with a link to the rule's page."""
    from ragft_lint.core.errors import ConfigError
    from ragft_lint.decide.explain import find_rule, write_explanation
    from ragft_lint.reporters.common import rule_url

    try:
        doc = find_rule(pack, rule_id)
    except ConfigError as exc:
        return str(exc)
    out = io.StringIO()
    write_explanation(doc, out)
    # Four backticks: an example value could hold three.
    return (f"````text\n{out.getvalue().rstrip()}\n````\n\n"
            f"[{doc.rule.id} in the rules reference]({rule_url(doc.rule.id)})")


def _inline(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    import json

    return f"`{json.dumps(value, ensure_ascii=False)}`"


# --- completion ---------------------------------------------------------------------------

_RULE_VALUE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?rule\s*:\s*(?P<word>[A-Za-z0-9_-]*)$")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[^\s#:][^:#]*?)\s*:(\s|$)")


def waiver_rule_prefix(lines: Sequence[str], line: int, column: int) -> int | None:
    """If the position is in the value of a `rule:` key of an entry of the top-level
    `waivers` list (block style), the column where the rule id being typed starts."""
    if line >= len(lines):
        return None
    match = _RULE_VALUE.match(lines[line][:column])
    if match is None:
        return None
    word_start = match.start("word")
    target = len(match.group("indent"))  # the entry's dash, or the key's own column
    dashed = match.group("dash") is not None
    for above in range(line - 1, -1, -1):
        text = lines[above]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(stripped)
        if stripped.startswith("-"):
            if not dashed and indent < target:
                target, dashed = indent, True  # the dash of the entry this key is in
            elif indent < target:
                return None
            continue
        if indent > target or (indent == target and not dashed):
            continue  # a sibling key, or a line of a value
        # The first key at or left of the entry's dash: the key that holds the list.
        key = _KEY_LINE.match(text)
        found = key is not None and key.group("key") == "waivers" and indent == 0
        return word_start if found and dashed else None
    return None


# --- code actions: a waiver entry -------------------------------------------------------------

def waiver_edit(text: str, manifest: Manifest, rule_id: str, today: dt.date) -> Edit:
    """The edit that adds a waiver for `rule_id` (a reason placeholder, an expiry date),
    written in the manifest's own indentation: after the last entry of `waivers`, inside a
    flow list, or as a new `waivers` key at the end."""
    lines = split_lines(text)
    expires = (today + dt.timedelta(days=WAIVER_DAYS)).isoformat()
    data = manifest.data if isinstance(manifest.data, dict) else {}
    waivers = data.get("waivers")
    flow_entry = f"{{rule: {rule_id}, reason: {WAIVER_REASON}, expires: {expires}}}"
    if isinstance(waivers, list) and "/waivers" in manifest.value_spans:
        span = manifest.value_spans["/waivers"]
        if _char_at(lines, span.line - 1, span.column - 1) == "[":
            return _before_closing(lines, span, "]", (", " if waivers else "") + flow_entry)
        if waivers:
            return _append_waiver(lines, manifest, len(waivers), rule_id, expires)
    root = manifest.value_spans.get("")
    if root is not None and _char_at(lines, root.line - 1, root.column - 1) == "{":
        return _before_closing(lines, root, "}", f", waivers: [{flow_entry}]")
    root_column = _root_key_column(manifest)
    dash = " " * (root_column + _sequence_offset(manifest, _indent_step(manifest)))
    block = (f"{' ' * root_column}waivers:\n{dash}- rule: {rule_id}\n"
             f"{dash}  reason: {WAIVER_REASON}\n{dash}  expires: {expires}\n")
    last = len(lines) - 1
    prefix = "" if lines[last] == "" else "\n"
    return Edit(last, len(lines[last]), last, len(lines[last]), prefix + block)


def _append_waiver(lines: Sequence[str], manifest: Manifest, count: int, rule_id: str,
                   expires: str) -> Edit:
    first = manifest.value_spans["/waivers/0"]
    key_column = first.column - 1
    dash_column = lines[first.line - 1].rfind("-", 0, key_column)
    if dash_column < 0:
        dash_column = max(key_column - 2, 0)
    head = " " * dash_column + "-" + " " * max(key_column - dash_column - 1, 1)
    pad = " " * len(head)
    entry = f"{head}rule: {rule_id}\n{pad}reason: {WAIVER_REASON}\n{pad}expires: {expires}\n"
    # After the last value inside the last entry. Not the entry's own end: a block
    # collection ends where the next token starts, past any comments that follow it.
    prefix = f"/waivers/{count - 1}"
    inside = [p for p in manifest.value_spans if p.startswith(prefix + "/")] or [prefix]
    end_line, end_column = 0, 0
    for pointer in inside:
        span = manifest.value_spans[pointer]
        if span.end_line is not None and span.end_column is not None:
            end_line, end_column = max((end_line, end_column),
                                       (span.end_line - 1, span.end_column - 1))
    line = end_line if end_column == 0 else end_line + 1
    if line >= len(lines):
        last = len(lines) - 1
        return Edit(last, len(lines[last]), last, len(lines[last]), "\n" + entry.rstrip("\n"))
    return Edit(line, 0, line, 0, entry)


def _before_closing(lines: Sequence[str], span: Any, bracket: str, text: str) -> Edit:
    """Insert `text` before the bracket that closes the flow collection at `span`."""
    line = (span.end_line or span.line) - 1
    column = lines[line].rfind(bracket, 0, max((span.end_column or 1) - 1, 0))
    while column < 0 and line > 0:  # the end mark sits at the start of the next line
        line -= 1
        column = lines[line].rfind(bracket)
    return Edit(line, max(column, 0), line, max(column, 0), text)


def _char_at(lines: Sequence[str], line: int, column: int) -> str:
    return lines[line][column:column + 1] if 0 <= line < len(lines) else ""


def _root_key_column(manifest: Manifest) -> int:
    columns = [manifest.key_spans[p].column - 1 for p in manifest.key_spans
               if p.count("/") == 1]
    return min(columns) if columns else 0


def _indent_step(manifest: Manifest) -> int:
    """How far the file indents a mapping under its key (2 unless the file says otherwise)."""
    for pointer in manifest.key_spans:
        parent = pointer.rsplit("/", 1)[0]
        if parent and parent in manifest.key_spans and pointer.count("/") == 2:
            step = manifest.key_spans[pointer].column - manifest.key_spans[parent].column
            if step > 0 and manifest.key_spans[pointer].line > manifest.key_spans[parent].line:
                return step
    return 2


def _sequence_offset(manifest: Manifest, step: int) -> int:
    """How far the file indents a list's dashes under its key: 0 (`key:\\n- item`) or the
    mapping step, as the file's existing block lists show."""
    for pointer in manifest.value_spans:
        if not pointer.endswith("/0"):
            continue
        parent = pointer[:-2]
        key = manifest.key_spans.get(parent)
        item = manifest.value_spans[pointer]
        if key is None or item.line <= key.line:
            continue
        # The item's first key follows its dash and one space (`- name: ...`).
        return max(item.column - 3 - (key.column - 1), 0)
    return step
