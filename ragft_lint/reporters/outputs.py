"""Where reports go: the `--format` on standard output, plus `--output FORMAT=PATH` files.

One run can feed several consumers at once (text for the log, SARIF for code scanning,
JUnit for the test tab) from the same findings; every reporter gets each file's result as
it is checked. Report files are opened (as temporary files beside them) before the check
starts, so a path that cannot be written stops the run (exit 2) before any work is done;
each is renamed into place whole when the run completes; nothing is written anywhere the
user did not name.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TextIO, cast

from ragft_lint.core.errors import ConfigError
from ragft_lint.core.files import commit, discard, open_temporary
from ragft_lint.core.records import record
from ragft_lint.reporters import REPORTER_BY_NAME, ReportContext, Reporter, reporter_class
from ragft_lint.reporters.guard import guarded


@record(frozen=True)
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
    # github first: its annotations come out at the end of the run, before text's summary
    # line, which stays the log's last line.
    return ["github", "text"] if env.get("GITHUB_ACTIONS") == "true" else ["text"]


#: Names of files a run reads wherever they are: manifests and configuration files.
READ_NAMES = ("llm-project.yaml", "llm-project.yml", ".ragft-lint.toml", "pyproject.toml")
_POLICY_SUFFIXES = (".yaml", ".yml")


def refuse_inputs(targets: Sequence[tuple[str, str]], reads: Sequence[str] = (),
                  policy_folders: Sequence[str] = ()) -> None:
    """A ConfigError, before anything is checked, if a file the run writes is one it reads.

    `targets` are (option as given, path) pairs (`--output sarif=x`, `--write-baseline x`);
    `reads` the files the run reads (manifests named, the baseline, configuration files). A
    manifest or configuration file is refused by its name wherever it is, and a policy file
    in a policy folder: a report written over one would change what the next run checks
    (a pull request that names `--output json=llm-project.yaml` through the action's inputs
    would erase the manifest it is judged by).
    """
    from ragft_lint.core.files import check_writable_target

    for what, path in targets:
        check_writable_target(path, "the baseline file" if what.startswith("--write-baseline")
                              else "the report")
        name = os.path.basename(path)
        folder = os.path.dirname(os.path.abspath(path))
        if name in READ_NAMES or (name.endswith(_POLICY_SUFFIXES) and any(
                _same(folder, policies) for policies in policy_folders)):
            raise ConfigError(f"{what}: refusing to write a report over a file ragft-lint "
                              "reads (a manifest, a configuration or a policy file)")
        for read in reads:
            if _same(path, read):
                raise ConfigError(f"{what}: refusing to write a report over {read}, which "
                                  "this run reads")


def _same(a: str, b: str) -> bool:
    if os.path.exists(a) and os.path.exists(b):
        with contextlib.suppress(OSError):
            return os.path.samefile(a, b)
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


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
    # Each report is written to a temporary file beside it and renamed into place only
    # when the run completes (core.files), so no reader ever sees half a report.
    pending: list[tuple[str, str]] = []  # (temporary, target)
    try:
        with contextlib.ExitStack() as stack:
            reporters = [reporter_class(name)(guarded(stdout, name), context)
                         for name in formats]
            file_context = dataclasses.replace(context, color=False)  # files get no colours
            for spec in outputs:
                # A file name that is not UTF-8 is written as escapes, never an exception.
                handle, temporary = open_temporary(spec.path, what="the report",
                                                   errors="backslashreplace")
                stream = cast(TextIO, handle)
                pending.append((temporary, spec.path))
                stack.callback(stream.close)
                reporters.append(reporter_class(spec.format)(guarded(stream, spec.format),
                                                             file_context))
            for reporter in reporters:
                stack.callback(reporter.close)
            yield reporters
            for reporter in reporters:
                reporter.stream.flush()  # a guard's last, unfinished line
            for reporter in reporters[len(formats):]:
                os.fsync(reporter.stream.fileno())
    except BaseException:
        # A run that stopped part-way leaves no report for a later CI step (an upload, a
        # test-report reader) to mistake for this run's: neither half of a new one nor the
        # one an earlier run left at that path.
        for temporary, target in pending:
            discard(temporary)
            with contextlib.suppress(OSError):
                if not os.path.islink(target) and os.path.isfile(target):
                    os.remove(target)
        raise
    for temporary, target in pending:
        commit(temporary, target, what="the report")
