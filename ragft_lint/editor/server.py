"""`ragft-lint server`: a Language Server Protocol server over stdio, built on pygls.

For each open manifest (`llm-project.yaml` / `.yml`) it publishes what `ragft-lint check`
would report for the text being edited, unsaved changes included: on open, on every change
and on save. Hover explains keys and rules, completion offers rule ids in waivers, and code
actions add a waiver. pygls is imported only here, and this module only when `server`
runs: no other command pays for it.

A round never takes the server down: whatever a document holds is a finding (the engine's
bounds on size, depth and aliases apply as in `check`), and an unexpected error in a
round is logged and shown as a diagnostic while the server keeps serving.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import PositionCodec

from ragft_lint import __version__
from ragft_lint.check.session import Session
from ragft_lint.core.errors import ManifestError, SetupError
from ragft_lint.core.finding import Finding, Severity, Span
from ragft_lint.core.manifest import MANIFEST_NAMES, Manifest, parse_manifest
from ragft_lint.core.result import FileResult
from ragft_lint.core.rules import EXPIRED_WAIVER
from ragft_lint.editor import language
from ragft_lint.editor.sessions import SessionCache
from ragft_lint.reporters.common import rule_url

SOURCE = "ragft-lint"
# "Fix all" as ruff's server names it: editors run `source.fixAll` actions on save when
# asked to (VS Code: "editor.codeActionsOnSave": {"source.fixAll": "explicit"}).
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.ragft-lint"
log = logging.getLogger(__name__)

_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error,
             Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.INFO: types.DiagnosticSeverity.Information}


@dataclass
class Checked:
    """The last round for one document: the text checked and what was found in it."""

    version: int | None
    path: str
    text: str
    lines: language.Lines
    result: FileResult | None
    session: Session | None


class RagftServer(LanguageServer):
    """The language server: one session cache, the last round per open manifest."""

    def __init__(self) -> None:
        super().__init__("ragft-lint", __version__)
        self.sessions = SessionCache(on_build=self._on_build)
        self.checked: dict[str, Checked] = {}

    # --- diagnostics ----------------------------------------------------------------------

    def lint(self, uri: str) -> None:
        """Check the document as it is now and publish the findings."""
        document = self.workspace.get_text_document(uri)
        text = document.source
        lines = language.Lines(text)
        try:
            checked, diagnostics = self._check(uri, text, lines, document.version)
        except Exception as exc:  # a bug of ours must not stop the server
            log.error("ragft-lint: internal error on %s:\n%s", uri, traceback.format_exc())
            checked = Checked(document.version, document_path(uri), text, lines, None, None)
            diagnostics = [_diagnostic_at_top(
                lines.lsp, f"ragft-lint: internal error: {type(exc).__name__}: {exc} (please "
                       "report it; the server keeps running)")]
        self.checked[uri] = checked
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=diagnostics))

    def _check(self, uri: str, text: str, lines: language.Lines, version: int | None
               ) -> tuple[Checked, list[types.Diagnostic]]:
        path = document_path(uri)
        try:
            session = self.sessions.session_for(os.path.dirname(path))
        except SetupError as exc:
            # `check` would stop with exit code 2 and this one line: say it where it is seen.
            message = f"ragft-lint: configuration error: {exc}"
            return (Checked(version, path, text, lines, None, None),
                    [_diagnostic_at_top(lines.lsp, message)])
        result = session.engine.check_text(path, text)
        codec = self.workspace.position_codec
        diagnostics = [to_diagnostic(finding, lines, codec) for finding in result.findings]
        return Checked(version, path, text, lines, result, session), diagnostics

    def forget(self, uri: str) -> None:
        self.checked.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _on_build(self, config: str | None, error: SetupError | None) -> None:
        where = config or "no configuration file (defaults)"
        if error is None:
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Info,
                message=f"ragft-lint: read configuration and policies: {where}"))
        else:
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Error, message=f"ragft-lint: configuration error: {error}"))

    # --- positions ------------------------------------------------------------------------

    def position_in(self, checked: Checked, position: types.Position) -> tuple[int, int]:
        """A client position as the parser's 0-based (line, code-point column)."""
        point = self.workspace.position_codec.position_from_client_units(
            checked.lines.lsp, types.Position(line=position.line,
                                              character=position.character))
        return checked.lines.to_yaml(point.line, point.character)

    def to_range(self, checked: Checked, line: int, column: int, end_line: int,
                 end_column: int) -> types.Range:
        return _range(checked.lines, self.workspace.position_codec,
                      (line, column, end_line, end_column))


def document_path(uri: str) -> str:
    """The file a document is (or would be saved as): its path for a `file:` URI, else its
    name under the working directory (an unsaved buffer has no folder of its own)."""
    parsed = urlparse(uri)
    path = unquote(parsed.path)
    if parsed.scheme == "file":
        from pygls.uris import to_fs_path

        return to_fs_path(uri) or path
    return os.path.join(os.getcwd(), posixpath.basename(path) or "llm-project.yaml")


def is_manifest(uri: str) -> bool:
    """Whether the document is a manifest by its name, whatever the client calls its
    language (`yaml`, or a language of its own)."""
    return posixpath.basename(unquote(urlparse(uri).path)) in MANIFEST_NAMES


def to_diagnostic(finding: Finding, lines: language.Lines, codec: PositionCodec
                  ) -> types.Diagnostic:
    """A finding as an LSP diagnostic: its range, severity, rule id (linked to the rule's
    documentation) and message. A waived finding stays visible as a hint."""
    message = finding.message
    severity = _SEVERITY[finding.severity]
    if finding.waived:
        message += f" [waived: {finding.waiver_reason or ''}]"
        severity = types.DiagnosticSeverity.Hint
    return types.Diagnostic(
        range=_range(lines, codec, language.finding_range(finding, lines.yaml)),
        message=message, severity=severity, code=finding.rule,
        code_description=types.CodeDescription(href=rule_url(finding.rule)), source=SOURCE,
        data={"pointer": finding.pointer})


def _range(lines: language.Lines, codec: PositionCodec, span: tuple[int, int, int, int]
           ) -> types.Range:
    """The parser's 0-based (line, column, end line, end column) in the client's units."""
    def position(line: int, column: int) -> types.Position:
        line, column = lines.to_lsp(line, column)
        return codec.position_to_client_units(lines.lsp, types.Position(line=line,
                                                                        character=column))

    return types.Range(start=position(span[0], span[1]), end=position(span[2], span[3]))


def _diagnostic_at_top(lines: Sequence[str], message: str) -> types.Diagnostic:
    """A diagnostic about the whole file (a broken configuration): on its first line."""
    end = types.Position(line=1, character=0) if len(lines) > 1 else types.Position(
        line=0, character=len(lines[0]) if lines else 0)
    return types.Diagnostic(range=types.Range(start=types.Position(line=0, character=0),
                                              end=end),
                            message=message, severity=types.DiagnosticSeverity.Error,
                            source=SOURCE)


def _parsed(checked: Checked) -> Manifest | None:
    if checked.session is None:
        return None
    try:
        return parse_manifest(checked.path, checked.text, checked.session.engine.limits)
    except ManifestError:
        return None


# --- the protocol ---------------------------------------------------------------------------

def build_server() -> RagftServer:
    """A server with every feature registered (a new one per call: tests start several)."""
    server = RagftServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RagftServer, params: types.DidOpenTextDocumentParams) -> None:
        if is_manifest(params.text_document.uri):
            ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RagftServer, params: types.DidChangeTextDocumentParams) -> None:
        if is_manifest(params.text_document.uri):
            ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: RagftServer, params: types.DidSaveTextDocumentParams) -> None:
        if is_manifest(params.text_document.uri):
            ls.lint(params.text_document.uri)
            return
        # Another file saved in the editor may be a configuration or a policy file: check
        # every open manifest again (the session cache re-reads only what changed).
        for uri in list(ls.checked):
            ls.lint(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RagftServer, params: types.DidCloseTextDocumentParams) -> None:
        if is_manifest(params.text_document.uri):
            ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: RagftServer, params: types.HoverParams) -> types.Hover | None:
        checked = ls.checked.get(params.text_document.uri)
        if checked is None or checked.session is None:
            return None
        return _hover(ls, checked, checked.session, params.position)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[" "]))
    def completion(ls: RagftServer, params: types.CompletionParams
                   ) -> types.CompletionList | None:
        checked = ls.checked.get(params.text_document.uri)
        if checked is None or checked.session is None:
            return None
        session = checked.session
        # The document as it is now, not as last checked: completion runs mid-word.
        uri = params.text_document.uri
        current = ls.workspace.get_text_document(uri).source
        if current != checked.text:
            checked = Checked(checked.version, checked.path, current, language.Lines(current),
                              checked.result, checked.session)
        line, column = ls.position_in(checked, params.position)
        start = language.waiver_rule_prefix(checked.lines.yaml, line, column)
        if start is None:
            return None
        replace = ls.to_range(checked, line, start, line, column)
        items = [types.CompletionItem(
            label=rule.id, kind=types.CompletionItemKind.EnumMember, detail=rule.title,
            documentation=types.MarkupContent(
                kind=types.MarkupKind.Markdown,
                value=f"{rule.rationale}\n\n[{rule.id} in the rules reference]"
                      f"({rule_url(rule.id)})"),
            text_edit=types.TextEdit(range=replace, new_text=rule.id), sort_text=rule.id)
            for rule in session.pack.rules]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
    def code_action(ls: RagftServer, params: types.CodeActionParams
                    ) -> list[types.CodeAction] | None:
        checked = ls.checked.get(params.text_document.uri)
        if checked is None or checked.result is None or checked.session is None:
            return None
        return _code_actions(ls, params, checked, checked.session)

    return server


def _hover(ls: RagftServer, checked: Checked, session: Session,
           position: types.Position) -> types.Hover | None:
    from ragft_lint.core.resources import load_schema

    line, column = ls.position_in(checked, position)
    pack = session.pack
    sections: list[str] = []
    rules: list[str] = []
    manifest = _parsed(checked)
    if manifest is not None:
        node = language.node_at(manifest, line, column)
        if node is not None:
            pointer, is_key = node
            if not is_key and pointer.startswith("/waivers/") and pointer.endswith("/rule"):
                value = language.resolve(manifest.data, pointer)
                if isinstance(value, str):
                    rules.append(value)
            else:  # a key, or its value: what the key means and what is said about it
                findings = checked.result.findings if checked.result else ()
                text = language.key_hover(pointer, manifest, pack, load_schema(), findings)
                if text:
                    sections.append(text)
    if checked.result is not None:  # a rule id shown in a diagnostic under the cursor
        for finding in checked.result.findings:
            span = language.finding_range(finding, checked.lines.yaml)
            if language.overlaps(span, line, column, line, column) and finding.rule not in rules:
                rules.append(finding.rule)
    sections.extend(language.rule_hover(pack, rule) for rule in rules)
    if not sections:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(sections)))


def _code_actions(ls: RagftServer, params: types.CodeActionParams, checked: Checked,
                  session: Session) -> list[types.CodeAction]:
    """For each finding in the range: its fix (core.fixes, as `check --fix` applies it),
    then, for a policy finding, the waiver that accepts it."""
    assert checked.result is not None
    start = ls.position_in(checked, params.range.start)
    end = ls.position_in(checked, params.range.end)
    uri = params.text_document.uri
    codec = ls.workspace.position_codec
    manifest = _parsed(checked)
    fixes: list[types.CodeAction] = []
    waivers: list[types.CodeAction] = []
    waived: set[str] = set()

    def action(title: str, finding: Finding, edits: list[types.TextEdit],
               preferred: bool = False) -> types.CodeAction:
        return types.CodeAction(
            title=title, kind=types.CodeActionKind.QuickFix, is_preferred=preferred or None,
            diagnostics=[to_diagnostic(finding, checked.lines, codec)],
            edit=types.WorkspaceEdit(changes={uri: edits}))

    for finding in checked.result.findings:
        span = language.finding_range(finding, checked.lines.yaml)
        if not language.overlaps(span, *start, *end):
            continue
        fix = finding.fix
        if fix is not None:
            edits = [types.TextEdit(range=_range(checked.lines, codec, _span(edit.span)),
                                    new_text=edit.replacement) for edit in fix.edits]
            title = fix.message if fix.is_safe else f"{fix.message} (unsafe fix)"
            fixes.append(action(title, finding, edits, preferred=fix.is_safe))
        if manifest is not None and finding.rule == EXPIRED_WAIVER.id and fix is None:
            renewal = _renewal(checked, manifest, finding, uri, codec)
            if renewal is not None:
                waivers.append(renewal)
        if (manifest is not None and not finding.waived and finding.rule not in waived
                and finding.rule in session.pack.policy_by_id):
            waived.add(finding.rule)
            edit = language.waiver_edit(checked.lines.body, manifest, finding.rule,
                                        dt.date.today())
            waivers.append(action(
                f"Waive {finding.rule} (add a waiver with a reason and an expiry date)",
                finding, [types.TextEdit(
                    range=ls.to_range(checked, edit.line, edit.column, edit.end_line,
                                      edit.end_column),
                    new_text=edit.text)]))
    actions = fixes + waivers
    fix_all = _fix_all(checked, session, uri, codec)
    if fix_all is not None:
        actions.append(fix_all)
    only = params.context.only
    if only:  # the client asked for some kinds only (a code-actions-on-save run)
        actions = [a for a in actions if any(
            str(a.kind) == str(kind) or str(a.kind).startswith(f"{kind}.") for kind in only)]
    return actions


def _renewal(checked: Checked, manifest: Manifest, finding: Finding, uri: str,
             codec: PositionCodec) -> types.CodeAction | None:
    """For an expired waiver whose rule still reports: a new expiry date, as a waiver the
    quick fix adds gets (its reason is for its author to look at again)."""
    span = manifest.value_spans.get(finding.pointer)
    if span is None or span.end_line is None or span.end_column is None:
        return None
    rule = language.resolve(manifest.data, finding.pointer.rsplit("/", 1)[0] + "/rule")
    old = checked.lines.yaml[span.line - 1][span.column - 1:span.end_column - 1]
    quote = old[:1] if old[:1] in ("'", '"') else ""
    expires = (dt.date.today() + dt.timedelta(days=language.WAIVER_DAYS)).isoformat()
    return types.CodeAction(
        title=f"Renew the waiver for {rule} until {expires} (and check its reason still holds)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[to_diagnostic(finding, checked.lines, codec)],
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(
            range=_range(checked.lines, codec, (span.line - 1, span.column - 1,
                                                        span.end_line - 1,
                                                        span.end_column - 1)),
            new_text=f"{quote}{expires}{quote}")]}))


def _fix_all(checked: Checked, session: Session, uri: str, codec: PositionCodec
             ) -> types.CodeAction | None:
    """Every safe fix at once, pass after pass: the text `check --fix` would write."""
    from ragft_lint.editor.fixer import fix_text

    assert checked.result is not None
    if not any(f.fix is not None and f.fix.is_safe for f in checked.result.findings):
        return None
    fixed = fix_text(session.engine, checked.path, checked.lines.body)
    if fixed.fixed == 0 or fixed.text == checked.lines.body:
        return None
    start, end, replacement = language.changed_region(checked.text, checked.lines.text[
        :checked.lines.bom] + fixed.text)

    def position(offset: int) -> types.Position:
        line, column = language.lsp_position(checked.text, offset)
        return codec.position_to_client_units(checked.lines.lsp,
                                              types.Position(line=line, character=column))

    count = f"{fixed.fixed} fix{'es' if fixed.fixed != 1 else ''}"
    return types.CodeAction(
        title=f"Fix all safely fixable ragft-lint findings ({count})", kind=FIX_ALL,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(
            range=types.Range(start=position(start), end=position(end)),
            new_text=replacement)]}))


def _span(span: Span) -> tuple[int, int, int, int]:
    """A fix's 1-based, end-exclusive span as the parser's 0-based (line, column, ...)."""
    end_line = span.line if span.end_line is None else span.end_line
    end_column = span.column if span.end_column is None else span.end_column
    return span.line - 1, span.column - 1, end_line - 1, end_column - 1


class InertFormatter(logging.Formatter):
    """Log lines (on stderr) with no workflow command in them: a document's URI and an
    exception's text come from the files being edited (reporters.guard)."""

    def format(self, record: logging.LogRecord) -> str:
        from ragft_lint.reporters.guard import neutralize, show_undecodable

        return neutralize(show_undecodable(super().format(record)))


def serve() -> int:
    """Run the server on standard input and output until the client ends the session."""
    handler = logging.StreamHandler()
    handler.setFormatter(InertFormatter("%(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    build_server().start_io()
    return 0
