"""Reporters: one module per output format behind one small interface.

A reporter is handed each file's result as it is checked and the summary at the end, and
writes to the stream it was given; it never decides anything. Modules are imported only
when their format is asked for, so a format costs nothing unless it is used.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import field
from typing import TextIO

from ragft_lint.core.finding import Severity
from ragft_lint.core.records import record
from ragft_lint.core.result import FileResult, Summary
from ragft_lint.core.rules import RuleCatalog

# format name -> "module:Class"; keys are what --format accepts.
REPORTER_BY_NAME = {
    "text": "ragft_lint.reporters.text:TextReporter",
    "json": "ragft_lint.reporters.json:JsonReporter",
    "sarif": "ragft_lint.reporters.sarif:SarifReporter",
    "github": "ragft_lint.reporters.github:GithubReporter",
    "junit": "ragft_lint.reporters.junit:JunitReporter",
    "gitlab": "ragft_lint.reporters.gitlab:GitlabReporter",
    "markdown": "ragft_lint.reporters.markdown:MarkdownReporter",
}


@record(frozen=True)
class ReportContext:
    """What every reporter may need besides the findings."""

    # The rules of every configuration applied so far: the runner adds a configuration's
    # before the first file it applies to reaches the reporters (a monorepo's service packs).
    rules: RuleCatalog = field(default_factory=RuleCatalog)
    tool_version: str = ""
    # The run's --fail-on (a file's own configuration may set another: FileResult.fail_on).
    fail_on: Severity = Severity.ERROR
    paths: Sequence[str] = ()  # the paths named on the command line (none: the current folder)
    color: bool = False
    show_fixes: bool = False
    unsafe_fixes: bool = False  # --unsafe-fixes: unsafe fixes count as applicable ([*])
    quiet: bool = False  # findings only: no summary line (`check --quiet`)
    sarif_category: str | None = None  # `check --sarif-category`; None: from `paths`


class Reporter(ABC):
    """Writes one format to one stream: start(), file() per manifest, finish()."""

    def __init__(self, stream: TextIO, context: ReportContext):
        self.stream = stream
        self.context = context

    def start(self) -> None:  # noqa: B027 - optional hook; most formats need no header
        """Called once before the first file."""

    @abstractmethod
    def file(self, result: FileResult) -> None:
        """Called once per checked manifest, in order."""

    def finish(self, summary: Summary) -> None:  # noqa: B027 - optional hook
        """Called once after the last file."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Called once when the run ends, however it ends (finish() is not called when it
        stops part-way): release what the reporter holds."""


def reporter_class(name: str) -> type[Reporter]:
    """The reporter class for a format name (a KeyError names an unknown format)."""
    module_name, class_name = REPORTER_BY_NAME[name].split(":")
    cls: type[Reporter] = getattr(importlib.import_module(module_name), class_name)
    return cls
