"""`ragft-lint migrate`: rewrite schema_version 1 manifests as version 2, in place.

Version 2 keeps every version-1 key and value with the same meaning, so migrating changes one
token: the `1` of `schema_version`. The change is an edit of exactly that token's text, as
`check --fix` edits (`core.fixes`), not a re-serialisation: comments, key order, quoting,
indentation, line endings and a byte-order mark all survive byte for byte, which even
ruamel.yaml's round-trip dumper does not promise (it re-indents and re-wraps). The edit is
proved before anything is written: the new text is composed again and must hold exactly the
old data with `schema_version: 2`. Files are replaced atomically (`core.files.write_atomic`:
a temporary file renamed over the old one, never through a symbolic link).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from ragft_lint.core.errors import ManifestError, SetupError
from ragft_lint.core.finding import Edit, Fix
from ragft_lint.core.fixes import apply_fixes
from ragft_lint.core.manifest import Limits, Manifest, compose, decode, read_bytes

DEFAULT_LIMITS = Limits()
FROM_VERSION = 1
TO_VERSION = 2


@dataclass(frozen=True)
class Migration:
    """What migrating one file does: its new text, or why it is left as it is."""

    path: str
    before: str = ""
    after: str | None = None  # None: nothing to change (already version 2) or an error
    error: str | None = None
    bom: bool = False  # the file starts with a UTF-8 byte-order mark, which is kept

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before

    def diff(self) -> str:
        """A unified diff of the change, as `git diff` shows it; empty when nothing changes."""
        if not self.changed or self.after is None:
            return ""
        from ragft_lint.reporters.text import unified_diff

        return unified_diff(self.path, self.before, self.after)


def plan(path: str, limits: Limits = DEFAULT_LIMITS) -> Migration:
    """The migration of the manifest at `path`, computed without writing anything."""
    try:
        raw = read_bytes(path, limits.max_bytes)
        text = decode(raw)
        manifest = Manifest(path, *compose(text, limits), text)
    except ManifestError as exc:
        where = f":{exc.line}" if exc.line else ""
        return Migration(path, error=f"{path}{where}: {exc.message}")
    data = manifest.data
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version == TO_VERSION and not isinstance(version, bool):
        return Migration(path, manifest.text)
    span = manifest.value_spans.get("/schema_version")
    if version != FROM_VERSION or isinstance(version, bool) or span is None:
        shown = "missing" if version is None else repr(version)
        return Migration(path, manifest.text, error=(
            f"{path}: schema_version is {shown}; migrate reads schema_version 1 manifests "
            f"(and leaves version 2 ones as they are)"))
    fix = Fix("schema_version 1 -> 2", (Edit(span, str(TO_VERSION)),))
    after, _ = apply_fixes(manifest.text, [fix])
    try:
        migrated, _, _ = compose(after, limits)
    except ManifestError:  # pragma: no cover - replacing a plain 1 by a plain 2 composes
        migrated = None
    if migrated != {**data, "schema_version": TO_VERSION}:
        # `schema_version: !!int 1`, `0x1` and the like: written in a way one token cannot
        # be swapped for; the user edits it.
        return Migration(path, manifest.text, error=(
            f"{path}:{span.line}: schema_version is written in a way migrate cannot rewrite "
            f"safely; set it to {TO_VERSION} by hand"))
    return Migration(path, manifest.text, after, bom=raw.startswith(codecs.BOM_UTF8))


def write(migration: Migration) -> None:
    """Replace the file with the migrated text (a UTF-8 byte-order mark is kept)."""
    from ragft_lint.core.files import write_atomic

    if migration.after is None:
        return
    data = migration.after.encode("utf-8")
    write_atomic(migration.path, codecs.BOM_UTF8 + data if migration.bom else data,
                 what="the migrated manifest")


def run_migrate(paths: Iterable[str], *, diff: bool, out: TextIO, err: TextIO,
                limits: Limits = DEFAULT_LIMITS) -> int:
    """Migrate (or, with `diff`, only show) each manifest; the exit code, as ruff format's:
    0 done (or nothing to do), 1 with `diff` when a file would change, 2 on any error."""
    from ragft_lint.reporters.guard import CommandsStopped, one_line

    # Messages name paths from the checkout: each one inert line. The patch is written
    # exactly (`git apply` reads it), so in CI it is fenced off from command parsing.
    patch = CommandsStopped(out)
    changed = unchanged = failed = 0
    for path in paths:
        migration = plan(path, limits)
        if migration.error is not None:
            err.write(f"ragft-lint: error: {one_line(migration.error)}\n")
            failed += 1
            continue
        if not migration.changed:
            unchanged += 1
            continue
        changed += 1
        if diff:
            patch.write(migration.diff())
            continue
        try:
            write(migration)
        except SetupError as exc:
            err.write(f"ragft-lint: error: {one_line(str(exc))}\n")
            failed += 1
            changed -= 1
            continue
        out.write(f"migrated {one_line(path)} to schema_version {TO_VERSION}\n")
    patch.close()
    # With --diff, stdout is only the patch (it can be piped to `git apply`).
    (err if diff else out).write(_summary(changed, unchanged, failed, diff) + "\n")
    if failed:
        return 2
    return 1 if diff and changed else 0


def _summary(changed: int, unchanged: int, failed: int, diff: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file{'s' if n != 1 else ''}"

    parts = [f"{files(changed)} {'would be migrated' if diff else 'migrated'}"]
    if unchanged:
        parts.append(f"{files(unchanged)} already at schema_version {TO_VERSION}")
    if failed:
        parts.append(f"{files(failed)} not migrated (errors above)")
    return ", ".join(parts) + "."
