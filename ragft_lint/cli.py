"""Command line: options in, one call into the core, an exit code out.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or internal
error. Every failure is caught in `main`, in one place, and printed as one line.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click

from ragft_lint import __version__
from ragft_lint.result import EXIT_ERROR

FORMATS = ("text", "json")  # kept in step with reporters.REPORTER_BY_NAME by a test
SEVERITIES = ("error", "warning", "info")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="ragft-lint")
def cli() -> None:
    """Check that an LLM project's chosen approach (RAG, fine-tuning or hybrid) fits the
    needs its llm-project.yaml declares."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True,
              help="Lowest severity that fails the run (exit 1).")
@click.option("--show-fixes", is_flag=True, help="Print how to fix each finding under it.")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto",
              show_default=True, help="Colour text output (auto: on a terminal, unless NO_COLOR).")
@click.option("--max-size", type=click.IntRange(min=1), default=1 << 20, show_default=True,
              metavar="BYTES", help="Largest manifest file read.")
def check(paths: tuple[str, ...], output_format: str, fail_on: str, show_fixes: bool,
          color: str, max_size: int) -> int:
    """Check manifests. PATHS are files or folders (searched for llm-project.yaml/.yml);
    none means the current folder.

    \b
    Examples:
      ragft-lint check
      ragft-lint check services/ --fail-on warning
      ragft-lint check llm-project.yaml --format json
    """
    from ragft_lint.engine import Engine
    from ragft_lint.finding import Severity
    from ragft_lint.manifest import Limits
    from ragft_lint.policy import PolicyPack, load_builtin_policies
    from ragft_lint.reporters import ReportContext, reporter_class
    from ragft_lint.rules import CORE_RULES
    from ragft_lint.runner import run_check

    pack = PolicyPack(load_builtin_policies())
    engine = Engine(pack, limits=Limits(max_bytes=max_size))
    stream = sys.stdout
    context = ReportContext(
        rules=[*CORE_RULES, *(p.rule for p in pack.policies)], tool_version=__version__,
        color=use_color(color, stream), show_fixes=show_fixes)
    reporter = reporter_class(output_format)(stream, context)
    threshold = Severity(fail_on)
    summary = run_check(paths, engine, [reporter], threshold)
    if summary.files_checked == 0:
        click.echo("ragft-lint: warning: no llm-project.yaml found in "
                   + (", ".join(paths) or "the current folder"), err=True)
    return summary.exit_code


def use_color(choice: str, stream: TextIO) -> bool:
    """`auto` colours only a terminal, and never when NO_COLOR is set (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from ragft_lint.errors import SetupError

    _tolerate_unencodable_output()
    try:
        result: Any = cli.main(args=argv, prog_name="ragft-lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("ragft-lint: aborted", err=True)
        return EXIT_ERROR
    except SetupError as exc:
        click.echo(f"ragft-lint: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("ragft-lint: interrupted", err=True)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): not our failure; keep Python from complaining
        # again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # the one place an unexpected error is caught
        if os.environ.get("RAGFT_LINT_DEBUG"):
            raise
        click.echo(f"ragft-lint: internal error: {type(exc).__name__}: {exc} "
                   "(set RAGFT_LINT_DEBUG=1 for the traceback, and please report it)", err=True)
        return EXIT_ERROR
    return result if isinstance(result, int) else 0


def _tolerate_unencodable_output() -> None:
    """Print what the terminal's encoding cannot show as escapes instead of failing.

    A file name need not be valid UTF-8 on POSIX (Python holds the odd bytes as lone
    surrogates), and a finding must still be printed for it rather than crash the run.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change
                reconfigure(errors="backslashreplace")
