"""The ragft-lint action's check step (action.yml runs it with the Python it installed).

Every input arrives in an environment variable, never pasted into a script, and becomes one
argument of `ragft-lint check` (no shell ever reads an input):

    RAGFT_LINT_PATHS     files or folders, separated by whitespace
    RAGFT_LINT_FAIL_ON   --fail-on, only when the workflow sets it (else the config decides)
    RAGFT_LINT_CONFIG    --config
    RAGFT_LINT_BASELINE  --baseline
    RAGFT_LINT_ARGS      any other options, split as a POSIX shell would split words but
                         never evaluated (no variables, globs or command substitution)
    RAGFT_LINT_SARIF     where to write the SARIF report; empty: a folder of its own under
    RAGFT_LINT_SUMMARY   $RUNNER_TEMP (outside the checkout, where nothing the pull request
                         contains can be overwritten or mistaken for a report)
    RAGFT_LINT_CATEGORY  --sarif-category, only when set (else named after the paths)

Outputs (in $GITHUB_OUTPUT): `exit-code`, `version`, and `sarif-file` / `summary-file` only
when this run wrote them. The markdown summary goes to $GITHUB_STEP_SUMMARY. A run that
could not check as asked (exit 2) is an error annotation and a section of the step summary,
so the reason is on the run's page and not only in its log.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping

from ragft_lint import __version__
from ragft_lint.reporters.github import escape_data, escape_property

EXIT_USAGE = 2
# How much of ragft-lint's standard error a usage-error annotation quotes at most.
MESSAGE_LIMIT = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Inputs:
    """The action's inputs, read from the step's environment."""

    def __init__(self, environ: Mapping[str, str]):
        self.paths = environ.get("RAGFT_LINT_PATHS", "").split()
        self.fail_on = environ.get("RAGFT_LINT_FAIL_ON", "").strip()
        self.config = environ.get("RAGFT_LINT_CONFIG", "").strip()
        self.baseline = environ.get("RAGFT_LINT_BASELINE", "").strip()
        self.args = environ.get("RAGFT_LINT_ARGS", "")
        self.sarif = environ.get("RAGFT_LINT_SARIF", "").strip()
        self.summary = environ.get("RAGFT_LINT_SUMMARY", "").strip()
        self.category = environ.get("RAGFT_LINT_CATEGORY", "").strip()


def command(inputs: Inputs, sarif: str, summary: str) -> list[str]:
    """`ragft-lint check` with the inputs as arguments (a ValueError for unparsable args)."""
    # --force-exclude: the configuration's exclude globs apply to paths named one by one
    # too (a changed-files list), as the pre-commit hook does.
    argv = ["check", *inputs.paths, "--force-exclude"]
    if inputs.fail_on:
        argv += ["--fail-on", inputs.fail_on]
    if inputs.config:
        argv += ["--config", inputs.config]
    if inputs.baseline:
        argv += ["--baseline", inputs.baseline]
    if inputs.category:
        argv += ["--sarif-category", inputs.category]
    argv += shlex.split(inputs.args)
    # No --format: under GitHub Actions ragft-lint prints text plus annotations.
    return [*argv, "--output", f"markdown={summary}", "--output", f"sarif={sarif}"]


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns


def main(environ: Mapping[str, str] = os.environ) -> int:
    inputs = Inputs(environ)
    print(f"ragft-lint {__version__}", flush=True)
    outputs = {"version": __version__}
    # A folder of its own for each run, so two uses of the action in one job keep both.
    folder = "" if inputs.sarif and inputs.summary else tempfile.mkdtemp(
        prefix="ragft-lint-", dir=environ.get("RUNNER_TEMP") or None)
    sarif = inputs.sarif or os.path.join(folder, "ragft-lint.sarif")
    summary = inputs.summary or os.path.join(folder, "summary.md")
    before = {sarif: _stamp(sarif), summary: _stamp(summary)}
    try:
        argv = command(inputs, sarif, summary)
    except ValueError as exc:
        status, errors = EXIT_USAGE, f"ragft-lint: error: the action's args input: {exc}\n"
    else:
        run = subprocess.run([sys.executable, "-m", "ragft_lint", *argv], stderr=subprocess.PIPE,
                             text=True, errors="replace", check=False)
        status, errors = run.returncode, run.stderr
    sys.stderr.write(errors)
    sys.stderr.flush()
    outputs["exit-code"] = str(status)
    written = {path for path in (sarif, summary)
               if status in (0, 1) and _stamp(path) not in (None, before[path])}
    if sarif in written:
        outputs["sarif-file"] = sarif
    if summary in written:
        outputs["summary-file"] = summary
        with open(summary, encoding="utf-8") as source:
            _append(environ.get("GITHUB_STEP_SUMMARY"), source.read())
    if status not in (0, 1):
        message = usage_message(errors, status)
        print(f"::error title={escape_property('ragft-lint could not run')}::"
              f"{escape_data(message)}", flush=True)
        _append(environ.get("GITHUB_STEP_SUMMARY"), usage_summary(message, status))
    _append(environ.get("GITHUB_OUTPUT"),
            "".join(f"{name}={value}\n" for name, value in outputs.items()))
    return status


def usage_message(errors: str, status: int) -> str:
    """The lines of ragft-lint's standard error that say why it could not run."""
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    chosen = [line for line in lines if line.startswith("ragft-lint: error:")] or lines[-1:]
    text = "\n".join(chosen) or f"ragft-lint ended with exit code {status}"
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return text


def usage_summary(message: str, status: int) -> str:
    """The step summary's section for a run that could not check: the message verbatim, in
    a code block (no mention, link or markup in it is live), fenced longer than any run of
    backticks it holds."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", message)), default=0))
    return (f"## ragft-lint\n\n**ragft-lint could not run** (exit code {status}); nothing "
            f"was checked.\n\n{fence}text\n{message}\n{fence}\n")


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8", newline="\n") as target:
            target.write(text)


if __name__ == "__main__":
    sys.exit(main())
