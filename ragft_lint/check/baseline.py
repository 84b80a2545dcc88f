"""Baseline: today's findings recorded in a file, so that only new ones are reported.

This is how the gate is turned on in an existing monorepo without fixing everything first:
`check --write-baseline FILE` records every current finding, `check --baseline FILE` then
reports (and fails on) only findings that are not in it.

A finding is identified by its file, rule and JSON pointer, never by its line: moving,
reformatting or commenting a manifest does not make recorded findings new. Nor by its
message, which quotes values (`labeled_examples is 200`) that may change while the problem
stays the same. Several findings with one identity (two schema errors at one key) are
recorded as a count; the baseline covers at most that many.

File paths are stored relative to the baseline file's folder, `/`-separated, so the same
baseline works from any working directory and on any OS.

Baselined findings are dropped from the report and counted in the summary (`N baselined`),
as ruff does; waived findings are never recorded (the waiver is already their record); and
the findings that mean a file could not be read at all (RFT001 unreadable, RFT002 invalid
YAML) are never recorded either: such a file hides all its other findings, and a recorded
parse error would hide every later one.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, TextIO

from ragft_lint.core.errors import ConfigError
from ragft_lint.core.files import write_atomic
from ragft_lint.core.finding import Finding
from ragft_lint.core.pointer import show_pointer
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.core.rules import INVALID_YAML, UNREADABLE_FILE
from ragft_lint.core.text import show_value
from ragft_lint.reporters import ReportContext, Reporter

BASELINE_VERSION = 1
NEVER_BASELINED = frozenset({UNREADABLE_FILE.id, INVALID_YAML.id})

Key = tuple[str, str, str]  # (file relative to the baseline's folder, rule, pointer)


@dataclass
class Baseline:
    """Recorded findings, consumed as matching findings are met during one run."""

    path: str
    count_by_key: Counter[Key]

    @property
    def root(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    @classmethod
    def load(cls, path: str) -> Baseline:
        """Read a baseline file; ConfigError names the file and what is wrong."""
        from ragft_lint.core.files import BASELINE_MAX_BYTES, FileReadError, read_text
        from ragft_lint.core.paths import link_out_of_checkout, refusal_outside

        root = link_out_of_checkout(path)
        if root is not None:  # the pull request would choose what is read
            raise ConfigError(f"cannot read baseline file: {refusal_outside(path, root)} "
                              "(name the real file with --baseline)", where=path)
        try:
            text = read_text(path, BASELINE_MAX_BYTES, what="baseline file")
        except FileReadError as exc:
            raise ConfigError(f"cannot read baseline file: {exc.message}", where=path) from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"baseline file is not valid JSON: {exc.msg} at line {exc.lineno}"
                              f" column {exc.colno}", where=f"{path}:{exc.lineno}") from None
        except RecursionError:
            raise ConfigError("baseline file nests too deeply; not a ragft-lint baseline",
                              where=path) from None
        except ValueError as exc:  # NaN/Infinity, or an integer past 4,300 digits
            raise ConfigError(f"baseline file is not valid JSON: {exc}", where=path) from None
        return cls(path, _parse(data, path))

    def key(self, finding: Finding) -> Key:
        return fingerprint(finding, self.root)

    def apply(self, result: FileResult) -> FileResult:
        """`result` without the findings this baseline records; they are counted instead."""
        kept: list[Finding] = []
        dropped = 0
        for finding in result.findings:
            if recordable(finding):
                key = self.key(finding)
                if self.count_by_key[key] > 0:
                    self.count_by_key[key] -= 1
                    dropped += 1
                    continue
            kept.append(finding)
        if not dropped:
            return result
        return replace(result, findings=tuple(kept), baselined=result.baselined + dropped)


def recordable(finding: Finding) -> bool:
    """Whether a baseline records `finding` (not waived, not an unreadable file)."""
    return not finding.waived and finding.rule not in NEVER_BASELINED


def fingerprint(finding: Finding, root: str) -> Key:
    """(file relative to `root` with `/` separators, rule, JSON pointer)."""
    relative = os.path.relpath(os.path.abspath(finding.file), root)
    return relative.replace(os.sep, "/"), finding.rule, show_pointer(finding.pointer)


class BaselineRecorder(Reporter):
    """`--write-baseline`: a reporter whose report is the baseline file.

    It counts the findings of the run as they stream past, writes the file at the end, and
    tells its stream what it recorded.
    """

    def __init__(self, stream: TextIO, context: ReportContext, path: str):
        super().__init__(stream, context)
        self.path = path
        self.root = os.path.dirname(os.path.abspath(path))
        self.count_by_key: Counter[Key] = Counter()
        # Findings that a baseline cannot hold (a file that cannot be read or parsed): the
        # next --baseline run reports them, so this run says which they are and fails.
        self.unrecorded: list[Finding] = []

    def file(self, result: FileResult) -> None:
        self.count_by_key.update(fingerprint(finding, self.root) for finding in result.findings
                                 if recordable(finding))
        self.unrecorded.extend(finding for finding in result.findings
                               if finding.rule in NEVER_BASELINED)

    def finish(self, summary: Summary) -> None:
        from ragft_lint.reporters.text import printable

        recorded, files = self.write(), summary.files_checked
        self.stream.write(f"Wrote {self.path}: {recorded} finding{'s' * (recorded != 1)} "
                          f"recorded from {files} file{'s' * (files != 1)}.\n")
        if self.unrecorded:
            count = len(self.unrecorded)
            self.stream.write(
                f"Not recorded: {count} finding{'s' * (count != 1)} in files that cannot be "
                "read or parsed (a baseline never holds these: fix them, or the next "
                "--baseline run fails on them):\n")
            for finding in self.unrecorded:
                self.stream.write(f"  {printable(finding.file)}:{finding.line}:{finding.column}:"
                                  f" {finding.severity.value} {finding.rule} "
                                  f"{printable(finding.message)}\n")

    def write(self) -> int:
        """Write the baseline file whole (or not at all); the number of findings recorded."""
        entries = [{"file": file, "rule": rule, "pointer": pointer, "count": count}
                   for (file, rule, pointer), count in sorted(self.count_by_key.items())]
        # One entry per line: a reviewer reads a baseline change as a plain diff.
        text = (f'{{\n  "version": {BASELINE_VERSION},\n  "tool": "ragft-lint",\n  "findings": ['
                + ",".join("\n    " + _entry_json(entry) for entry in entries)
                + ("\n  ]\n}\n" if entries else "]\n}\n"))
        # Written whole then renamed (core.files), so a failure never leaves half a baseline.
        write_atomic(self.path, text, what="the baseline file")
        return sum(self.count_by_key.values())


def _entry_json(entry: dict[str, Any]) -> str:
    """One entry as JSON: readable UTF-8, or escapes for a file name that is not UTF-8
    (`\\udcff`, which reads back as the same name)."""
    text = json.dumps(entry, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(entry)
    return text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse(data: Any, path: str) -> Counter[Key]:
    def bad(message: str) -> ConfigError:
        return ConfigError(f"not a ragft-lint baseline: {message} (write a new one with "
                           "`ragft-lint check --write-baseline FILE`)", where=path)

    if not isinstance(data, dict):
        raise bad("expected a JSON object")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise bad(f"version is {show_value(version)}; this ragft-lint reads version "
                  f"{BASELINE_VERSION}")
    unknown = sorted(set(data) - {"version", "tool", "findings"})
    if unknown:
        raise bad(f"unknown key {show_value(unknown[0])}")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise bad("'findings' must be a list")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries):
        if not (isinstance(entry, dict) and set(entry) == {"file", "rule", "pointer", "count"}
                and all(isinstance(entry[k], str) for k in ("file", "rule", "pointer"))
                and isinstance(entry["count"], int) and not isinstance(entry["count"], bool)
                and entry["count"] > 0):
            raise bad(f"findings[{index}] must be an object with string file, rule, pointer "
                      "and a positive integer count")
        counts[(entry["file"], entry["rule"], entry["pointer"])] += entry["count"]
    return counts
