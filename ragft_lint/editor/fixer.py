"""`check --fix` and `check --diff`: apply the findings' fixes to the manifests.

The fixes themselves are data on the findings (ragft_lint.core.fixes computes and proves
them; `apply_fixes` applies them). This module runs them to a fixed point, as ruff does:
check, apply every fix that does not overlap another, check the new text again, until no
fix is left (or `MAX_PASSES`), then either writes the file or shows the unified diff.

Writing is the one place ragft-lint changes a user's manifest, so it is careful: a file
that cannot be read or parsed is never rewritten (it has no fixes: they are computed only
from a parsed manifest, and each is proved to compose again); a file is written only if
its bytes are still the ones that were fixed; the write is atomic (core.files.write_atomic:
a temporary file renamed over it, its mode kept) and never goes through a symbolic link;
a UTF-8 BOM is kept. The findings reported afterwards are those of the new text.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import BinaryIO, TextIO, cast

from ragft_lint.check.runner import STDIN, CheckRequest, check_command, run_check
from ragft_lint.check.session import Sessions
from ragft_lint.core.engine import Engine
from ragft_lint.core.errors import ConfigError, ManifestError
from ragft_lint.core.fixes import apply_fixes
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.reporters import ReportContext, Reporter
from ragft_lint.reporters.text import unified_diff

#: Passes of check-and-fix per manifest; a fix can reveal another (a renamed key's value
#: is checked only once the key is known), and ruff stops at 100 for the same reason.
MAX_PASSES = 10
_UNREADABLE_RULES = frozenset({"RFT001", "RFT002"})


@dataclass(frozen=True)
class FixedText:
    """What fixing a text came to: the new `text`, how many fixes were applied, and the
    check of the new text (the findings that remain)."""

    text: str
    fixed: int
    result: FileResult


def fix_text(engine: Engine, path: str, text: str, *, unsafe: bool = False,
             max_passes: int = MAX_PASSES) -> FixedText:
    """Apply every applicable fix to `text` (the manifest at `path`), pass after pass, until
    none is left; unsafe fixes too when `unsafe`. Pure: reads and writes no file.

    The language server's "fix all" is this function; `check --fix` writes its text.
    """
    result = engine.check_text(path, text)
    fixed = 0
    for _ in range(max_passes):
        fixes = [f.fix for f in result.findings if f.fix is not None and f.fix.applies(unsafe)]
        if not fixes:
            break
        new_text, applied = apply_fixes(text, fixes)
        new_result = engine.check_text(path, new_text)
        if new_text == text or _unreadable(new_result):
            # Each fix is proved on its own; this guards their sum (never seen to fail).
            break
        text, result, fixed = new_text, new_result, fixed + len(applied)
    return FixedText(text, fixed, result)


def _unreadable(result: FileResult) -> bool:
    return any(f.rule in _UNREADABLE_RULES for f in result.findings)


class FileFixer:
    """`check --fix`'s way of checking one manifest: fix it, write it, report what remains.

    `write=False` is `--diff`: the fixes are computed the same way and their unified diff
    is carried on the result; nothing is written.
    """

    def __init__(self, *, unsafe: bool, write: bool, warn: Callable[[str], None]):
        self.unsafe = unsafe
        self.write = write
        self.warn = warn

    def __call__(self, engine: Engine, path: str) -> FileResult:
        from ragft_lint.core.manifest import decode, read_bytes

        try:
            raw = read_bytes(path, engine.limits.max_bytes)
            text = decode(raw)
        except ManifestError:
            return engine.check(path)  # unreadable: reported as ever, never rewritten
        outcome = fix_text(engine, path, text, unsafe=self.unsafe)
        if not outcome.fixed:
            return outcome.result
        if not self.write:
            return replace(engine.check_text(path, text), fixed=outcome.fixed,
                           diff=unified_diff(path, text, outcome.text))
        bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
        if self._written(path, raw, bom + outcome.text.encode("utf-8")):
            return replace(outcome.result, fixed=outcome.fixed)
        return engine.check_text(path, text)

    def _written(self, path: str, old: bytes, new: bytes) -> bool:
        from ragft_lint.core.files import FileWriteError, write_atomic
        from ragft_lint.core.manifest import read_bytes

        shown = _printable(path)
        if os.path.islink(path):
            self.warn(f"{shown}: not fixed: it is a symbolic link, and ragft-lint never "
                      "writes through one (run --fix on the file it points to)")
            return False
        try:
            current = read_bytes(path, max(len(old), len(new)) + 1)
        except ManifestError:
            current = None
        if current != old:
            self.warn(f"{shown}: not fixed: the file changed while it was being fixed")
            return False
        try:
            write_atomic(path, new, what="the manifest")
        except FileWriteError as exc:
            self.warn(f"{shown}: not fixed: {exc.message}")
            return False
        return True


def _printable(text: str) -> str:
    from ragft_lint.reporters.text import printable

    return printable(text, keep="\t")


class DiffReporter(Reporter):
    """`--diff`: each manifest's diff on the stream, then one line on `err` saying what
    `--fix` would do."""

    def __init__(self, stream: TextIO, context: ReportContext, err: TextIO):
        super().__init__(stream, context)
        self.err = err
        self.files = 0

    def file(self, result: FileResult) -> None:
        if result.diff:
            self.files += 1
            self.stream.write(result.diff)

    def finish(self, summary: Summary) -> None:
        if self.context.quiet:  # the diff alone
            return
        if summary.fixed:
            fixes = f"{summary.fixed} fix{'es' if summary.fixed != 1 else ''}"
            files = f"{self.files} file{'s' if self.files != 1 else ''}"
            self.err.write(f"Would apply {fixes} to {files}; `ragft-lint check --fix"
                           f"{' --unsafe-fixes' if self.context.unsafe_fixes else ''}` "
                           "writes them.\n")
        else:
            hidden = "" if self.context.unsafe_fixes or not summary.unsafe_fixable else (
                f" ({summary.unsafe_fixable} unsafe: --unsafe-fixes)")
            self.err.write(f"No fixes to apply{hidden}.\n")


def fix_command(sessions: Sessions, request: CheckRequest, out: TextIO, err: TextIO,
                stdin: BinaryIO | None = None) -> int:
    """`check --fix` / `check --diff`; returns the exit code.

    `check --fix -` (standard input, as ruff and editors use it): the fixed manifest on
    standard output (the input unchanged when nothing is fixed, or it cannot be read), the
    remaining findings as text on standard error.

    --fix: fixes written, then the remaining findings reported as `check` reports them
    (they decide the exit code). --diff: the diffs printed, nothing written; exit 1 when
    there is something to fix (unless --exit-zero), else 0; --quiet: the diffs alone.
    """
    from ragft_lint.reporters.guard import CommandsStopped, one_line

    def warn(message: str) -> None:
        err.write(f"ragft-lint: warning: {one_line(message)}\n")

    if STDIN in request.paths or (request.stdin_filename and not request.paths):
        if stdin is None:  # pragma: no cover - the CLI always passes it
            raise ConfigError("no standard input to read")
        return _fix_stdin(sessions, request, stdin, out, err)
    fixer = FileFixer(unsafe=request.unsafe_fixes, write=not request.diff, warn=warn)
    if not request.diff:
        return check_command(sessions, request, out, err, fixer)
    context = ReportContext(unsafe_fixes=request.unsafe_fixes, quiet=request.quiet)
    # The diffs are written exactly (`git apply` reads them): in CI they are fenced off
    # from workflow-command parsing instead of escaped (reporters.guard).
    patch = CommandsStopped(out)
    try:
        summary = run_check(request.paths, sessions,
                            [DiffReporter(cast(TextIO, patch), context, err)],
                            request.force_exclude, fixer)
    finally:
        patch.close()
    return 1 if summary.fixed and not request.exit_zero else 0


def _fix_stdin(sessions: Sessions, request: CheckRequest, stdin: BinaryIO, out: TextIO,
               err: TextIO) -> int:
    from ragft_lint import __version__
    from ragft_lint.core.manifest import decode
    from ragft_lint.core.rules import CORE_RULES, RuleCatalog
    from ragft_lint.reporters.guard import guarded
    from ragft_lint.reporters.text import TextReporter

    if len(request.paths) > 1:
        raise ConfigError("`-` (standard input) cannot be combined with other paths")
    name = request.stdin_filename or STDIN
    session = sessions.for_path(name) if request.stdin_filename else sessions.here
    engine = session.engine
    raw = stdin.read(engine.limits.max_bytes + 1)  # one byte over is enough to refuse it
    excluded = request.force_exclude and sessions.force_excluded(name)
    text: str | None = None
    if not excluded and len(raw) <= engine.limits.max_bytes:
        try:
            text = decode(raw)
        except ManifestError:
            text = None
    outcome = fix_text(engine, name, text, unsafe=request.unsafe_fixes) if text else None
    fixed = outcome.fixed if outcome is not None else 0
    if request.diff:
        diff = unified_diff(name, text or "", outcome.text) if outcome and fixed else ""
        piped = FileResult(name, (), policies_run=True, fixed=fixed, diff=diff)
        differ = DiffReporter(out, ReportContext(unsafe_fixes=request.unsafe_fixes,
                                                 quiet=request.quiet), err)
        differ.file(piped)
        differ.finish(Summary(fixed=fixed))
        return 1 if fixed and not request.exit_zero else 0
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    _write_bytes(out, bom + outcome.text.encode("utf-8") if outcome is not None and fixed
                 else raw)
    if excluded:
        return 0
    result = (outcome.result if outcome is not None else engine.check(name, raw))
    context = ReportContext(
        rules=RuleCatalog([*CORE_RULES, *session.pack.rules]), tool_version=__version__,
        show_fixes=request.show_fixes, unsafe_fixes=request.unsafe_fixes,
        fail_on=session.settings.fail_on, quiet=request.quiet)
    summary = Summary(session.settings.fail_on)
    reporter = TextReporter(guarded(err, "text"), context)
    reporter.start()
    result = replace(result, fixed=fixed)
    summary.add(result)
    reporter.file(result)
    reporter.finish(summary)
    reporter.stream.flush()
    return 0 if request.exit_zero else summary.exit_code


def _write_bytes(out: TextIO, data: bytes) -> None:
    """The manifest's bytes as they are (BOM, line ends, any encoding) on a text stream."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(data.decode("utf-8", "surrogateescape"))
        return
    out.flush()
    buffer.write(data)
    buffer.flush()
