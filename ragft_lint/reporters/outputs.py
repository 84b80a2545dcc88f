"""Where reports go: the `--format` on standard output, plus `--output FORMAT=PATH` files.

One run can feed several consumers at once (text for the log, SARIF for code scanning,
JUnit for the test tab) from the same findings; every reporter gets each file's result as
it is checked. Report files are opened before the check starts, so a path that cannot be
written stops the run (exit 2) before any work is done, and nothing is written anywhere
the user did not name.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from ragft_lint.core.errors import ConfigError
from ragft_lint.reporters import REPORTER_BY_NAME, ReportContext, Reporter, reporter_class


@dataclass(frozen=True)
class OutputSpec:
    """One `--output FORMAT=PATH`."""

    format: str
    path: str


def parse_output(text: str) -> OutputSpec:
    """`sarif=results.sarif` -> OutputSpec; a ConfigError says what is wrong."""
    name, sep, path = text.partition("=")
    name = name.strip()
    if not sep or not name or not path:
        raise ConfigError(f"--output {text!r}: expected FORMAT=PATH, e.g. sarif=results.sarif")
    if name not in REPORTER_BY_NAME:
        known = ", ".join(REPORTER_BY_NAME)
        raise ConfigError(f"--output {text!r}: unknown format {name!r} (choose from {known})")
    return OutputSpec(name, path)


def stdout_formats(chosen: str | None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The formats printed on standard output: the one chosen, else text, plus GitHub
    annotations when running in GitHub Actions so findings appear on the pull request."""
    if chosen:
        return [chosen]
    env = os.environ if environ is None else environ
    return ["text", "github"] if env.get("GITHUB_ACTIONS") == "true" else ["text"]


@contextlib.contextmanager
def open_reporters(formats: Sequence[str], outputs: Sequence[OutputSpec], context: ReportContext,
                   stdout: TextIO) -> Iterator[list[Reporter]]:
    """Reporters for `formats` on `stdout` and for each output file; closes the files."""
    seen: dict[str, str] = {}
    for spec in outputs:
        key = os.path.normcase(os.path.abspath(spec.path))
        if key in seen:
            raise ConfigError(f"--output names {spec.path} twice ({seen[key]} and "
                              f"{spec.format}); give each report its own file")
        seen[key] = spec.format
    written: list[str] = []
    try:
        with contextlib.ExitStack() as stack:
            reporters = [reporter_class(name)(stdout, context) for name in formats]
            file_context = dataclasses.replace(context, color=False)  # files get no colours
            for spec in outputs:
                stream = _open(spec.path)
                written.append(spec.path)
                stack.callback(stream.close)
                reporters.append(reporter_class(spec.format)(stream, file_context))
            yield reporters
    except BaseException:
        # A run that stopped part-way leaves no half-written report for a later CI step
        # (an upload, a test-report reader) to mistake for a whole one.
        for path in written:
            with contextlib.suppress(OSError):
                os.remove(path)
        raise


def _open(path: str) -> TextIO:
    if os.path.isdir(path):
        raise ConfigError("cannot write the report: it is a folder", where=path)
    try:
        # newline="\n": reports are compared and uploaded byte for byte on every platform.
        return open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ConfigError(f"cannot write the report: {exc.strerror or exc}", where=path) from None
