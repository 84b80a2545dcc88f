"""What the CI formats share: repository-relative paths, rule links, stable fingerprints.

CI systems place a finding by a path relative to the repository they checked out, and
track it across commits by a fingerprint; both must come out the same whichever format
carries them, so they are computed here once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, TextIO

from ragft_lint.core.finding import Finding, Severity
from ragft_lint.core.paths import source_root as source_root  # where report paths start
from ragft_lint.reporters import ReportContext, Reporter

# Where the rules are documented; every rule link in every report is built from this.
PROJECT_URL = "https://github.com/ragft-lint/ragft-lint"

# A release version, which has a tag; anything else (a dev or local build) links to main.
_RELEASE = re.compile(r"\d+\.\d+\.\d+")

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def rule_url(rule_id: str, version: str | None = None) -> str:
    """The page that explains a rule (its entry in the rules reference): as of release
    `version` (its tag, docs/RELEASING.md) when that is a release, else on main."""
    ref = f"v{version}" if version and _RELEASE.fullmatch(version) else "main"
    return f"{PROJECT_URL}/blob/{ref}/README.md#{rule_id.lower()}"


def repo_path(path: str, root: str) -> str | None:
    """`path` relative to `root` with `/` separators, or None when it lies outside."""
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def display_path(path: str, root: str) -> str:
    """The path a CI system shows and links: repository-relative when possible."""
    relative = repo_path(path, root)
    return relative if relative is not None else os.path.abspath(path).replace(os.sep, "/")


def fingerprint(path: str, rule: str, pointer: str, occurrence: int = 0) -> str:
    """A finding's identity across commits: file + rule + JSON pointer, never a line number,
    so moving lines keeps it; `occurrence` separates findings that share all three."""
    text = "\0".join((path, rule, pointer, str(occurrence)))
    # surrogatepass: a file name that is not UTF-8 still has one stable fingerprint.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def iter_fingerprinted(findings: Iterable[Finding], path: str) -> Iterator[tuple[Finding, str]]:
    """Each finding with its fingerprint (`path` is the finding's repository path)."""
    seen: dict[tuple[str, str], int] = {}
    for finding in findings:
        key = (finding.rule, finding.pointer)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        yield finding, fingerprint(path, finding.rule, finding.pointer, occurrence)


class SpoolingReporter(Reporter):
    """A format that must write first what is known only at the end (totals, the rules of
    every configuration the run applied): what it writes as files are checked goes to
    `self.spool` (in memory, then on disk past a megabyte) and `drain()` copies it out."""

    def __init__(self, stream: TextIO, context: ReportContext):
        super().__init__(stream, context)
        self.spool: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - see close()
            max_size=1 << 20, mode="w+", encoding="utf-8", newline="\n")

    def drain(self) -> None:
        """Copy what the spool holds to the stream, then close it."""
        self.spool.seek(0)
        while chunk := self.spool.read(1 << 16):
            self.stream.write(chunk)
        self.spool.close()

    def close(self) -> None:
        self.spool.close()


def severity_sort_key(finding: Finding) -> tuple[int, Finding]:
    """Errors first, then warnings, then infos; file order within each."""
    return SEVERITY_ORDER.index(finding.severity), finding
