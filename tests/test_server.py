"""`ragft-lint server`, driven end to end by a real LSP client over stdio (pytest-lsp).

Each test starts the installed console script as an editor would, opens manifests, and
checks what the editor would show: the diagnostics (compared with `check --format json` on
the same text), hover, completion, the waiver quick fix applied to the text, and that
hostile documents get their finding while the server keeps serving.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import console_script, run_cli

ROOT = Path(__file__).resolve().parent.parent
FAILING = (ROOT / "examples" / "rag" / "fail" / "llm-project.yaml").read_text(encoding="utf-8")
RULE_URL = "https://github.com/ragft-lint/ragft-lint/blob/main/README.md#"
SEVERITY = {"error": types.DiagnosticSeverity.Error,
            "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[console_script(), "server"]))
async def client(lsp_client: LanguageClient):
    # VS Code's real capabilities: pytest-lsp then checks every answer against what that
    # client says it supports (markdown hover, completion item fields, code action kinds).
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def open_document(client: LanguageClient, path: Path, text: str,
                        version: int = 1) -> list[types.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version,
                                             text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def change_document(client: LanguageClient, path: Path, text: str,
                          version: int) -> list[types.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def check_report(path: Path) -> list[dict[str, object]]:
    """What `ragft-lint check --format json` reports for the file as saved."""
    proc = subprocess.run([console_script(), "check", "--format", "json", str(path)],
                          capture_output=True, text=True, cwd=path.parent, timeout=60)
    findings: list[dict[str, object]] = json.loads(proc.stdout)["findings"]
    return findings


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply text edits as a client does (ASCII text: UTF-16 columns are characters)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[:position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                       reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def by_code(diagnostics: list[types.Diagnostic]) -> dict[str, types.Diagnostic]:
    return {str(d.code): d for d in diagnostics}


def hover_text(hover: types.Hover | None) -> str:
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    return hover.contents.value


def position_of(text: str, needle: str, offset: int = 0) -> types.Position:
    before = text[:text.index(needle) + offset]
    return types.Position(line=before.count("\n"), character=len(before.split("\n")[-1]))


# --- diagnostics ----------------------------------------------------------------------------

async def test_diagnostics_are_the_findings_of_check(client: LanguageClient,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text(FAILING, encoding="utf-8")
    diagnostics = await open_document(client, path, FAILING)
    expected = check_report(path)
    assert len(expected) == 2
    assert [(d.code, d.range.start.line + 1, d.range.start.character + 1,
             d.range.end.line + 1, d.range.end.character + 1, d.message, d.severity)
            for d in diagnostics] == [
        (f["rule"], f["line"], f["column"], f["end_line"], f["end_column"], f["message"],
         SEVERITY[str(f["severity"])]) for f in expected]
    for diagnostic in diagnostics:
        assert diagnostic.source == "ragft-lint"
        assert diagnostic.code_description is not None
        assert diagnostic.code_description.href == RULE_URL + str(diagnostic.code).lower()


async def test_unsaved_text_is_checked_and_a_fix_clears_its_diagnostic(
        client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text(FAILING, encoding="utf-8")
    assert "RFT201" in by_code(await open_document(client, path, FAILING))
    # An incremental edit, as editors send them: `high` -> `low` on behavior_adaptation.
    start = position_of(FAILING, "behavior_adaptation: high", len("behavior_adaptation: "))
    end = types.Position(line=start.line, character=start.character + len("high"))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=start, end=end), text="low")]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert set(by_code(list(client.diagnostics[path.as_uri()]))) == {"RFT102"}
    # The file on disk was not touched and still fails.
    assert {f["rule"] for f in check_report(path)} == {"RFT102", "RFT201"}
    # Saving checks again, from the editor's text.
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert set(by_code(list(client.diagnostics[path.as_uri()]))) == {"RFT102"}
    # Closing the document clears what the editor shows.
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[path.as_uri()]) == []


async def test_configuration_of_the_file_applies_and_is_read_once(
        client: LanguageClient, tmp_path: Path) -> None:
    project = tmp_path / "service"
    project.mkdir()
    config = project / ".ragft-lint.toml"
    config.write_text('ignore = ["RFT2"]\n', encoding="utf-8")
    path = project / "llm-project.yaml"
    assert set(by_code(await open_document(client, path, FAILING))) == {"RFT102"}
    for version in (2, 3, 4):
        await change_document(client, path, FAILING + f"# edit {version}\n", version)
    reads = [m.message for m in client.log_messages if "read configuration" in m.message]
    assert reads == [f"ragft-lint: read configuration and policies: {config}"]
    # The configuration changes: it is read again, and the findings follow it.
    config.write_text('severity = {RFT102 = "error"}\n', encoding="utf-8")
    stamp = os.stat(config).st_mtime_ns + 10**9
    os.utime(config, ns=(stamp, stamp))  # a later mtime even on a coarse clock
    # Saving it in the editor is enough: the open manifests are checked again at once.
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=config.as_uri())))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = by_code(list(client.diagnostics[path.as_uri()]))
    assert set(diagnostics) == {"RFT102", "RFT201"}
    assert diagnostics["RFT102"].severity == types.DiagnosticSeverity.Error
    assert len([m for m in client.log_messages if "read configuration" in m.message]) == 2
    # A broken configuration is what `check` would stop on: shown, not crashed on.
    config.write_text("selekt = []\n", encoding="utf-8")
    os.utime(config, ns=(stamp + 10**9, stamp + 10**9))
    broken = await change_document(client, path, FAILING, 6)
    assert len(broken) == 1 and str(config) in broken[0].message
    assert "configuration error" in broken[0].message
    expected = run_cli("check", "--config", str(config), str(path)).stderr
    assert "selekt" in broken[0].message and "selekt" in expected
    # Until it is mended there is nothing to explain, complete or fix: no policies ran.
    uri = types.TextDocumentIdentifier(uri=path.as_uri())
    where = position_of(FAILING, "behavior_adaptation: high", 22)
    assert await client.text_document_hover_async(types.HoverParams(
        text_document=uri, position=where)) is None
    assert await client.text_document_completion_async(types.CompletionParams(
        text_document=uri, position=where)) is None
    assert await client.text_document_code_action_async(types.CodeActionParams(
        text_document=uri, range=broken[0].range,
        context=types.CodeActionContext(diagnostics=broken))) is None


async def test_only_manifests_are_checked(client: LanguageClient, tmp_path: Path) -> None:
    other = tmp_path / "values.yaml"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=other.as_uri(), language_id="yaml",
                                             version=1, text="approach: [")))
    # Edited and closed, it is not checked either.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=other.as_uri(), version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="approach: {")]))
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=other.as_uri())))
    # A manifest opened after it is answered; the other file never was (order is kept).
    yml = tmp_path / "llm-project.yml"
    assert "RFT201" in by_code(await open_document(client, yml, FAILING))
    assert other.as_uri() not in client.diagnostics
    # A buffer never saved has no folder: it is checked all the same, by its name.
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri="untitled:llm-project.yaml",
                                             language_id="yaml", version=1, text=FAILING)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "RFT201" in by_code(list(client.diagnostics["untitled:llm-project.yaml"]))


# --- hover, completion, code actions --------------------------------------------------------

async def test_hover_explains_keys_and_rules(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = FAILING + "waivers:\n  - rule: RFT102\n    reason: no data\n    expires: 2999-01-01\n"
    await open_document(client, path, text)
    uri = types.TextDocumentIdentifier(uri=path.as_uri())
    # A criterion key: the schema's meaning and what the approach's policies say.
    key = hover_text(await client.text_document_hover_async(types.HoverParams(
        text_document=uri, position=position_of(text, "behavior_adaptation", 3))))
    assert "Criterion 2" in key
    assert "approach `rag`" in key
    rft201 = next(r for r in json.loads(run_cli("rules", "--format", "json").stdout)
                  if r["id"] == "RFT201")["severity"]
    assert "**RFT201**" in key and f"**reports** ({rft201})" in key
    assert "RFT203" not in key  # a hybrid rule: not this approach's
    approach = hover_text(await client.text_document_hover_async(types.HoverParams(
        text_document=uri, position=position_of(text, "approach: rag", 2))))
    assert f"reporting now: **RFT201** ({rft201})." in approach  # RFT102 is waived
    # A rule id in a waiver: the `explain` text.
    rule = hover_text(await client.text_document_hover_async(types.HoverParams(
        text_document=uri, position=position_of(text, "rule: RFT102", len("rule: RF")))))
    explained = run_cli("explain", "RFT102").stdout.rstrip()
    assert explained in rule
    assert RULE_URL + "rft102" in rule
    # Where a diagnostic is, its rule explained (and, on a value, its key's hover too).
    on_finding = hover_text(await client.text_document_hover_async(types.HoverParams(
        text_document=uri, position=position_of(text, "behavior_adaptation: high", 22))))
    assert run_cli("explain", "RFT201").stdout.rstrip() in on_finding
    assert on_finding.startswith("**`behavior_adaptation`**: Criterion 2")
    # Nowhere in particular: nothing.
    assert await client.text_document_hover_async(types.HoverParams(
        text_document=uri, position=position_of(text, "# A brand", 3))) is None
    # A manifest that is not YAML yet has no keys to explain, only its syntax error.
    broken = tmp_path / "broken" / "llm-project.yaml"
    [syntax] = await open_document(client, broken, "approach: [rag\n")
    assert syntax.code == "RFT002"
    on_error = hover_text(await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=broken.as_uri()),
        position=syntax.range.start)))
    assert run_cli("explain", "RFT002").stdout.rstrip() in on_error
    assert "**`approach`**" not in on_error
    # A waiver naming no rule there is: what `explain` says of that name.
    misspelt = tmp_path / "misspelt" / "llm-project.yaml"
    waiver = FAILING + "waivers:\n  - rule: RFT2O1\n    reason: r\n    expires: 2999-01-01\n"
    await open_document(client, misspelt, waiver)
    unknown = hover_text(await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=misspelt.as_uri()),
        position=position_of(waiver, "RFT2O1", 2))))
    explain = run_cli("explain", "RFT2O1")
    assert explain.exit_code == 2
    assert explain.stderr.strip().removeprefix("ragft-lint: error: ") in unknown


async def test_completion_offers_rule_ids_in_waivers(client: LanguageClient,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = FAILING + "waivers:\n  - rule: RFT2"
    await open_document(client, path, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=position_of(text, "rule: RFT2", len("rule: RFT2"))))
    assert isinstance(result, types.CompletionList)
    items = {item.label: item for item in result.items}
    policy_rules = json.loads(run_cli("rules", "--format", "json").stdout)
    waivable = {r["id"]: r["title"] for r in policy_rules if not r["id"].startswith("RFT00")}
    assert {label: item.detail for label, item in items.items()} == waivable
    edit = items["RFT201"].text_edit
    assert isinstance(edit, types.TextEdit)
    assert apply(text, [edit]).endswith("  - rule: RFT201")
    # Elsewhere (a `rule:` key that is not a waiver's) there is nothing to complete.
    other = FAILING + "metadata:\n  rule: "
    await change_document(client, path, other, 2)
    assert await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=position_of(other, "rule: ", len("rule: ")))) is None


@pytest.mark.parametrize(("tail", "indent"), [
    ("", "  - "),  # no waivers yet: a new key, in the file's two-space indentation
    ("waivers:\n    -   rule: RFT102\n        reason: no data\n        expires: 2999-01-01\n"
     "# trailing comment\n", "    -   "),  # after the existing entry, in its own indentation
    ("waivers: []\n", None),  # a flow list: the entry goes inside it
])
async def test_waive_quick_fix_adds_a_waiver_and_the_diagnostic_goes(
        client: LanguageClient, tmp_path: Path, tail: str, indent: str | None) -> None:
    path = tmp_path / "llm-project.yaml"
    text = FAILING + tail
    diagnostics = by_code(await open_document(client, path, text))
    target = diagnostics["RFT201"]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), range=target.range,
        context=types.CodeActionContext(diagnostics=[target])))
    assert actions is not None
    waive = [a for a in actions if isinstance(a, types.CodeAction)
             and a.title.startswith("Waive RFT201")]
    assert len(waive) == 1 and waive[0].kind == types.CodeActionKind.QuickFix
    assert waive[0].edit is not None and waive[0].edit.changes is not None
    fixed = apply(text, list(waive[0].edit.changes[path.as_uri()]))
    assert fixed.startswith(text.rstrip("\n").rsplit("\n", 1)[0])  # nothing above changed
    if indent is not None:
        assert f"\n{indent}rule: RFT201\n" in fixed
    after = by_code(await change_document(client, path, fixed, 2))
    assert after["RFT201"].severity == types.DiagnosticSeverity.Hint
    assert "[waived: why the risk is accepted]" in after["RFT201"].message
    assert not {"RFT003", "RFT006", "RFT007"} & set(after)
    # The saved result passes `check`: the waiver is real, not just accepted by the server.
    path.write_text(fixed, encoding="utf-8")
    saved = {f["rule"]: f["waived"] for f in check_report(path)}
    assert saved["RFT201"] is True and set(saved) == {"RFT102", "RFT201"}


async def code_actions_at(client: LanguageClient, path: Path,
                          diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=diagnostic.range, context=types.CodeActionContext(diagnostics=[diagnostic])))
    return [a for a in actions or () if isinstance(a, types.CodeAction)]


@pytest.mark.parametrize("description", [
    "plain",
    # LINE SEPARATOR and NEL: line breaks to the YAML parser, not to an LSP client; the
    # ranges must still land on the client's lines.
    "caf\u00e9 \u2028 and \x85 more",
], ids=["ascii", "yaml-only-line-breaks"])
async def test_the_fixes_of_check_are_quick_fixes(client: LanguageClient, tmp_path: Path,
                                                  description: str) -> None:
    path = tmp_path / "llm-project.yaml"
    text = FAILING.replace("approach: rag",
                           f'description: "{description}"\napproach: finetune')
    diagnostics = await open_document(client, path, text)
    schema = next(d for d in diagnostics if d.code == "RFT003")
    line = text.split("\n")[schema.range.start.line]
    assert line[schema.range.start.character:schema.range.end.character] == "finetune"
    actions = await code_actions_at(client, path, schema)
    fix = actions[0]
    assert fix.title == "Replace 'finetune' with 'fine-tune'"
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.changes is not None
    fixed = apply(text, list(fix.edit.changes[path.as_uri()]))
    assert fixed == text.replace("approach: finetune", "approach: fine-tune")
    after = await change_document(client, path, fixed, 2)
    assert "RFT003" not in by_code(after)
    # An unused waiver: its removal is offered too, marked unsafe (it drops an audit trail).
    stale = fixed + "waivers:\n  - rule: RFT601\n    reason: old\n    expires: 2999-01-01\n"
    unused = by_code(await change_document(client, path, stale, 3))["RFT007"]
    removal = (await code_actions_at(client, path, unused))[0]
    assert removal.title.endswith("(unsafe fix)") and not removal.is_preferred
    assert removal.edit is not None and removal.edit.changes is not None
    assert apply(stale, list(removal.edit.changes[path.as_uri()])) == fixed


async def test_fix_all_writes_what_check_fix_writes(client: LanguageClient,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = (FAILING.replace("approach: rag", "approach: finetune  # sic")
            .replace("required: false", "required: no"))
    path.write_text(text, encoding="utf-8")
    diagnostics = await open_document(client, path, text)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=types.Range(start=types.Position(line=0, character=0),
                          end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=diagnostics,
                                        only=[types.CodeActionKind.SourceFixAll])))
    assert actions is not None and len(actions) == 1  # only what was asked for
    fix_all = actions[0]
    assert isinstance(fix_all, types.CodeAction) and fix_all.kind == "source.fixAll.ragft-lint"
    assert fix_all.title.endswith("(2 fixes)")
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    fixed = apply(text, list(fix_all.edit.changes[path.as_uri()]))
    proc = subprocess.run([console_script(), "check", "--fix", str(path)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)
    assert "2 fixed" in proc.stdout, proc.stdout
    assert fixed == path.read_text(encoding="utf-8")
    assert "approach: fine-tune  # sic" in fixed and "required: false" in fixed


async def test_an_expired_waiver_can_be_renewed(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = FAILING + "waivers:\n  - rule: RFT201\n    reason: r\n    expires: '2001-01-01'\n"
    expired = by_code(await open_document(client, path, text))["RFT005"]
    renew = [a for a in await code_actions_at(client, path, expired)
             if a.title.startswith("Renew the waiver for RFT201 until ")]
    assert len(renew) == 1 and renew[0].edit is not None and renew[0].edit.changes is not None
    renewed = apply(text, list(renew[0].edit.changes[path.as_uri()]))
    assert renewed.startswith(FAILING + "waivers:\n  - rule: RFT201\n    reason: r\n")
    assert "expires: '2001" not in renewed and "    expires: '2" in renewed  # quoting kept
    after = by_code(await change_document(client, path, renewed, 2))
    assert "RFT005" not in after and after["RFT201"].severity == types.DiagnosticSeverity.Hint


# --- bad input --------------------------------------------------------------------------------

async def test_hostile_documents_get_their_finding_and_the_server_keeps_serving(
        client: LanguageClient, tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    documents = {
        "huge": "project: x\n" + "# padding\n" * 120_000,  # over the 1 MiB limit
        "bomb": bomb,
        "deep": "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "binary": "project: \x00\n",
        "tag": "approach: !!python/object:os.system rm\n",
        "empty": "",
    }
    for number, (name, text) in enumerate(documents.items()):
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "llm-project.yaml"
        path.write_text(text, encoding="utf-8")
        expected = check_report(path)
        diagnostics = await open_document(client, path, text, version=number)
        assert [(d.code, d.message) for d in diagnostics] == [
            (f["rule"], f["message"]) for f in expected], name
    # Still serving: a good manifest after all of them gets its findings.
    good = tmp_path / "llm-project.yaml"
    assert "RFT201" in by_code(await open_document(client, good, FAILING))


# --- the command ------------------------------------------------------------------------------

def test_importing_the_cli_does_not_import_the_server() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, ragft_lint.cli; print(sorted(m for m in "
         "sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs') or "
         "m == 'ragft_lint.editor.server'))"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_without_pygls_the_command_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # what a missing package looks like
    result = run_cli("server")
    assert result.exit_code == 2
    assert "pip install 'ragft-lint[server]'" in result.stderr


# --- the edits and contexts behind those answers, on many layouts (in-process) ---------------

def _engine():  # type: ignore[no-untyped-def]
    from ragft_lint.check.session import open_session

    return open_session(cwd=str(ROOT / "examples")).engine


def _apply_edit(text: str, edit) -> str:  # type: ignore[no-untyped-def]
    from ragft_lint.editor.language import split_lines

    lines = split_lines(text)

    def offset(line: int, column: int) -> int:
        return sum(len(t) + 1 for t in lines[:line]) + column

    return (text[:offset(edit.line, edit.column)] + edit.text
            + text[offset(edit.end_line, edit.end_column):])


FOUR_SPACES = """schema_version: 1
project: brand-copywriter
approach: rag
criteria:
    external_data:
        required: false
        sources:
        - name: docs
          kind: document-store
    behavior_adaptation: high
    hallucination_tolerance: high
    labeled_examples: 40000
    data_dynamics: static
    interpretability: low"""


@pytest.mark.parametrize(("text", "expected"), [
    # No trailing newline, four-space mappings, dashes flush with their key.
    (FOUR_SPACES, "\nwaivers:\n- rule: RFT201\n  reason: why the risk is accepted\n"),
    # The last waiver ends in a block scalar, then a comment and another key follow.
    (FOUR_SPACES + "\nwaivers:\n- rule: RFT102\n  reason: |\n    kept\n  expires: 2999-01-01"
     "\n# about metadata\nmetadata: {}\n",
     "  expires: 2999-01-01\n- rule: RFT201\n  reason: why the risk is accepted\n"),
    # A flow list with an entry already.
    (FOUR_SPACES + "\nwaivers: [{rule: RFT102, reason: r, expires: 2999-01-01}]\n",
     "2999-01-01}, {rule: RFT201, reason: why the risk is accepted, expires: "),
    # The whole manifest in flow style.
    ('{"schema_version": 1, "project": "p", "approach": "rag", "criteria": {"external_data": '
     '{"required": false}, "behavior_adaptation": "high", "hallucination_tolerance": "high", '
     '"labeled_examples": 40000, "data_dynamics": "static", "interpretability": "low"}}\n',
     '"low"}, waivers: [{rule: RFT201, reason: why the risk is accepted, expires: '),
    # The last waiver is the end of the file, without a newline.
    (FOUR_SPACES + "\nwaivers:\n  - rule: RFT102\n    reason: r\n    expires: 2999-01-01",
     "    expires: 2999-01-01\n  - rule: RFT201\n    reason: why the risk is accepted\n"),
    # The first entry's dash on a line of its own: the new entry's dash is placed by its key.
    (FOUR_SPACES + "\nwaivers:\n-\n  rule: RFT102\n  reason: r\n  expires: 2999-01-01\n",
     "  expires: 2999-01-01\n- rule: RFT201\n  reason: why the risk is accepted\n"),
    # Criteria in flow style: no block mapping or list shows an indentation, so two spaces.
    ("schema_version: 1\nproject: p\napproach: rag\ncriteria: {external_data: {required: "
     "true, sources: [{name: d, kind: api}]}, behavior_adaptation: high, "
     "hallucination_tolerance: high, labeled_examples: 40000, data_dynamics: static, "
     "interpretability: low}\n",
     "low}\nwaivers:\n  - rule: RFT201\n    reason: why the risk is accepted\n"),
], ids=["new-key", "after-block-scalar", "flow-list", "flow-root", "at-end-of-file",
        "dash-alone", "flow-criteria"])
def test_waiver_edit_keeps_the_file_and_its_style(text: str, expected: str) -> None:
    import datetime as dt

    from ragft_lint.core.manifest import parse_manifest
    from ragft_lint.editor.language import waiver_edit

    engine = _engine()
    before = engine.check_text("llm-project.yaml", text)
    assert any(f.rule == "RFT201" and not f.waived for f in before.findings)
    manifest = parse_manifest("llm-project.yaml", text)
    edit = waiver_edit(text, manifest, "RFT201", dt.date(2030, 1, 1))
    fixed = _apply_edit(text, edit)
    assert expected in fixed, fixed
    assert "2030-04-01" in fixed  # the expiry: 90 days on
    assert edit.line == edit.end_line and edit.column == edit.end_column  # only inserts
    result = engine.check_text("llm-project.yaml", fixed)
    rules = {f.rule: f for f in result.findings}
    assert rules["RFT201"].waived, [(f.rule, f.message) for f in result.findings]
    assert not {"RFT002", "RFT003", "RFT006", "RFT007"} & set(rules)


@pytest.mark.parametrize(("text", "completes"), [
    ("waivers:\n  - rule: RF", True),
    ("waivers:\n- rule: ", True),
    ("waivers:\n  - reason: r\n    # a comment\n\n    rule: RFT", True),
    ("waivers:\n  - rule: A\n    reason: r\n  - expires: 2999-01-01\n    rule: ", True),
    ("criteria:\n  rule: ", False),
    ("waivers: []\nrule: ", False),
    ("metadata:\n  waivers:\n    - rule: ", False),
    ("waivers:\n  - rule: RFT1 # done", False),
    ("waivers:\n  - {rule: ", False),
    ("waivers:\n- a\n  - rule: ", False),  # a list inside a waiver's list
])
def test_rule_completion_is_offered_in_waiver_entries_only(text: str, completes: bool) -> None:
    from ragft_lint.editor.language import split_lines, waiver_rule_prefix

    lines = split_lines(text)
    start = waiver_rule_prefix(lines, len(lines) - 1, len(lines[-1]))
    if completes:
        assert start is not None and lines[-1][start:] == lines[-1].split(":")[-1].strip()
    else:
        assert start is None


def test_key_meanings_are_found_through_refs_and_combinators() -> None:
    from ragft_lint.editor.language import schema_description

    schema = {
        "$defs": {"level": {"description": "How much.", "enum": ["low", "high"]}},
        "properties": {"criteria": {"allOf": [{"properties": {
            "effort": {"$ref": "#/$defs/level"}}}]}},
        "if": {"properties": {"schema_version": {"const": 2}}},
        "then": {"properties": {"goals": {"items": {"description": "One goal."}}}},
    }
    assert schema_description(schema, ["criteria", "effort"]) == "How much."
    assert schema_description(schema, ["goals", "0"]) == "One goal."
    assert schema_description(schema, ["criteria", "missing"]) is None
    assert schema_description(schema, ["criteria"]) is None  # described nowhere
    # A broken schema (a $ref cycle, a $ref to a list, a combinator entry that is not a
    # schema) is read as far as it goes, never forever.
    broken = {"$defs": {"loop": {"$ref": "#/$defs/loop"}, "list": []},
              "properties": {"a": {"$ref": "#/$defs/loop"},
                             "b": {"$ref": "#/$defs/list", "description": "Bee."},
                             "c": {"anyOf": [True, {"description": "Sea."}]}}}
    assert schema_description(broken, ["a"]) is None
    assert schema_description(broken, ["b"]) == "Bee."
    assert schema_description(broken, ["c"]) == "Sea."


def test_key_hover_says_which_policies_apply_to_the_declared_approach() -> None:
    from ragft_lint.core.manifest import parse_manifest
    from ragft_lint.core.resources import load_schema
    from ragft_lint.editor.language import key_hover

    engine = _engine()
    schema = load_schema()
    text = FAILING + "constraints:\n  compute_budget: low\n"
    manifest = parse_manifest("llm-project.yaml", text)
    findings = engine.check_text("llm-project.yaml", text).findings
    # RFT701 judges compute_budget for fine-tuning only: for a RAG project, none applies.
    budget = key_hover("/constraints/compute_budget", manifest, engine.pack, schema, findings)
    assert budget is not None and "Compute available" in budget
    assert "- none: no policy on this key applies to this approach." in budget
    assert "1 other policy on this key apply to other approaches" in budget
    # A key no policy judges: its meaning only. An unknown key: nothing.
    project = key_hover("/project", manifest, engine.pack, schema, findings)
    assert project is not None and "Policies" not in project
    assert key_hover("/metadata/anything", manifest, engine.pack, schema, findings) is None
    # A waived finding says so, with its reason; no approach declared is said too.
    waived = text + "waivers:\n  - rule: RFT201\n    reason: house style\n    expires: 2999-01-01\n"
    result = engine.check_text("llm-project.yaml", waived).findings
    shown = key_hover("/criteria/behavior_adaptation", parse_manifest("m", waived), engine.pack,
                      schema, result)
    assert shown is not None and "waived: house style" in shown
    bare = parse_manifest("m", text.replace("approach: rag\n", ""))
    none = key_hover("/criteria/behavior_adaptation", bare, engine.pack, schema, ())
    assert none is not None and "(none declared)" in none and "RFT203" in none


def test_finding_ranges_stay_inside_the_document() -> None:
    from ragft_lint.core.finding import Finding, Severity
    from ragft_lint.editor.language import finding_range, split_lines

    lines = split_lines("a: 1\r\nbb: 2\n")
    assert lines == ["a: 1", "bb: 2", ""]

    def finding(**where: int) -> Finding:
        return Finding(file="m", rule="RFT002", severity=Severity.ERROR, message="x", **where)

    assert finding_range(finding(line=2, column=1), lines) == (1, 0, 1, 5)  # to end of line
    assert finding_range(finding(line=99, column=9), lines) == (2, 0, 2, 0)
    assert finding_range(finding(line=1, column=2, end_line=9, end_column=9), lines) == (
        0, 1, 2, 0)
    assert finding_range(finding(line=2, column=4, end_line=2, end_column=2), lines) == (
        1, 3, 1, 3)
    # An end before the start line: the start line, to its end.
    assert finding_range(finding(line=2, column=3, end_line=1, end_column=1), lines) == (
        1, 2, 1, 5)


def test_sessions_are_rebuilt_only_when_their_files_change(tmp_path: Path) -> None:
    import shutil

    from ragft_lint.core.errors import SetupError
    from ragft_lint.editor.sessions import SessionCache

    (tmp_path / ".git").mkdir()  # the repository root: the search stops here
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "examples" / "policies", policies)
    base = tmp_path / "base.toml"
    base.write_text('policy-paths = ["policies"]\n', encoding="utf-8")
    config = tmp_path / ".ragft-lint.toml"
    config.write_text('extend = "base.toml"\n', encoding="utf-8")
    service = tmp_path / "service"
    service.mkdir()
    cache = SessionCache()
    assert "ACME001" in cache.session_for(str(service)).pack.policy_by_id
    cache.session_for(str(service))
    cache.session_for(str(tmp_path))
    assert cache.builds == 1

    def touch(path: Path) -> None:
        later = os.stat(path).st_mtime_ns + 10**9 * (cache.builds + 1)
        os.utime(path, ns=(later, later))

    touch(next(policies.glob("*.yaml")))  # a policy file changed
    cache.session_for(str(service))
    assert cache.builds == 2
    touch(base)  # the file the configuration extends changed
    cache.session_for(str(service))
    assert cache.builds == 3
    # A configuration closer to the manifest appears: it applies from now on.
    (service / ".ragft-lint.toml").write_text('ignore = ["RFT2"]\n', encoding="utf-8")
    assert "ACME001" not in cache.session_for(str(service)).pack.policy_by_id
    assert cache.builds == 4
    # Broken: the error is kept (and raised every round) until the file changes again.
    (service / ".ragft-lint.toml").write_text("selekt = 1\n", encoding="utf-8")
    touch(service / ".ragft-lint.toml")
    for _ in range(3):
        with pytest.raises(SetupError, match="selekt"):
            cache.session_for(str(service))
    assert cache.builds == 5


def test_the_round_benchmark_runs() -> None:
    # Not a timing test: the script that measures a round (its numbers are in the notes and
    # bench/) must keep working as the server changes.
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "server_round.py"),
                           "--rounds", "3"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "findings: 2 diagnostics" in proc.stdout
