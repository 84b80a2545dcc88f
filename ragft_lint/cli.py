"""Command line: options in, one call into the core, an exit code out.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or internal
error. Every failure is caught in `main`, in one place, and printed as one line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click

from ragft_lint import __version__
from ragft_lint.result import EXIT_ERROR

# Kept in step with reporters.REPORTER_BY_NAME by a test (listed here so --help stays cheap).
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")
SEVERITIES = ("error", "warning", "info")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="ragft-lint")
def cli() -> None:
    """Check that an LLM project's chosen approach (RAG, fine-tuning or hybrid) fits the
    needs its llm-project.yaml declares."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default=None,
              help="Output format on standard output [default: text; in GitHub Actions, "
                   "text plus github annotations].")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT=PATH",
              help="Also write a report in FORMAT to PATH (repeatable), e.g. sarif=results.sarif.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Lowest severity that fails the run (exit 1). [default: error, or the "
                   "configuration's fail-on]")
@click.option("--show-fixes", is_flag=True, help="Print how to fix each finding under it.")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto",
              show_default=True, help="Colour text output (auto: on a terminal, unless NO_COLOR).")
@click.option("--max-size", type=click.IntRange(min=1), default=1 << 20, show_default=True,
              metavar="BYTES", help="Largest manifest file read.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="Configuration file to use instead of searching for .ragft-lint.toml or "
                   "pyproject.toml [tool.ragft-lint] from the working directory up.")
@click.option("--show-config", is_flag=True,
              help="Print the effective configuration and where each value came from; exit.")
@click.option("--select", multiple=True, metavar="IDS",
              help="Run only these policy rules (ids or prefixes, comma-separated).")
@click.option("--ignore", multiple=True, metavar="IDS",
              help="Do not run these policy rules (ids or prefixes, comma-separated).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files and folders matching GLOB when searching folders.")
@click.option("--policies", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=str),
              help="Add the policy files in DIR to the built-in pack (repeatable).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              metavar="FILE", help="Report only findings that FILE does not record.")
@click.option("--write-baseline", "write_baseline_path", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=str),
              help="Record every current finding in FILE (for --baseline) and exit 0.")
def check(paths: tuple[str, ...], output_format: str | None, outputs: tuple[str, ...],
          fail_on: str | None, show_fixes: bool,
          color: str, max_size: int, config_path: str | None, show_config: bool,
          select: tuple[str, ...], ignore: tuple[str, ...], exclude: tuple[str, ...],
          policies: tuple[str, ...], baseline_path: str | None,
          write_baseline_path: str | None) -> int:
    """Check manifests. PATHS are files or folders (searched for llm-project.yaml/.yml);
    none means the current folder.

    \b
    Examples:
      ragft-lint check
      ragft-lint check services/ --fail-on warning
      ragft-lint check llm-project.yaml --format json
      ragft-lint check --write-baseline ragft-baseline.json   # adopt on an existing repo
      ragft-lint check --baseline ragft-baseline.json         # then fail on new findings only
      ragft-lint check --output sarif=ragft-lint.sarif --output junit=ragft-lint.xml
    """
    from ragft_lint.config import Overrides, render, resolve
    from ragft_lint.engine import Engine
    from ragft_lint.manifest import Limits
    from ragft_lint.packs import build_pack
    from ragft_lint.reporters import ReportContext
    from ragft_lint.reporters.outputs import open_reporters, parse_output, stdout_formats
    from ragft_lint.rules import CORE_RULES
    from ragft_lint.runner import run_check

    if baseline_path and write_baseline_path:
        raise click.UsageError("--baseline and --write-baseline cannot be used together: "
                               "--write-baseline records every current finding afresh")
    settings = resolve(config_path, Overrides(
        fail_on=fail_on, select=select or None, ignore=ignore or None,
        exclude=exclude or None, policies=policies))
    pack, sources = build_pack(settings)
    engine = Engine(pack, limits=Limits(max_bytes=max_size),
                    severity_by_rule=settings.severity_by_rule(pack),
                    disabled=settings.disabled_rules(pack))
    if show_config:
        click.echo(render(settings, pack, [(s.label, len(s.policies)) for s in sources]), nl=False)
        return 0
    if write_baseline_path:
        from ragft_lint.baseline import record_check

        recorded, files = record_check(write_baseline_path, paths, engine, settings.exclude)
        click.echo(f"Wrote {write_baseline_path}: {recorded} finding{'s' * (recorded != 1)} "
                   f"recorded from {files} file{'s' * (files != 1)}.")
        return 0
    if baseline_path:
        from ragft_lint.baseline import Baseline

        engine.baseline = Baseline.load(baseline_path)
    stream = sys.stdout
    context = ReportContext(
        rules=[*CORE_RULES, *(p.rule for p in pack.policies)], tool_version=__version__,
        color=use_color(color, stream), show_fixes=show_fixes)
    specs = [parse_output(text) for text in outputs]
    with open_reporters(stdout_formats(output_format), specs, context, stream) as reporters:
        summary = run_check(paths, engine, reporters, settings.fail_on, settings.exclude)
    if summary.files_checked == 0:
        click.echo("ragft-lint: warning: no llm-project.yaml found in "
                   + (", ".join(paths) or "the current folder"), err=True)
    return summary.exit_code


@cli.command("test-policies")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("-v", "--verbose", is_flag=True, help="One line per example.")
def test_policies(paths: tuple[str, ...], verbose: bool) -> int:
    """Run every policy's embedded examples: fail examples must produce the policy's rule,
    pass examples must not. PATHS are policy folders or files; none means the built-in
    pack. Exit 1 if an example fails, 2 if a policy is malformed.

    \b
    Examples:
      ragft-lint test-policies
      ragft-lint test-policies examples/policies
    """
    from ragft_lint.policy_testing import run_policy_tests

    return run_policy_tests(paths, sys.stdout, verbose=verbose)


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
