"""Command line: options in, one call into the core, an exit code out.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or internal
error. Every failure is caught in `main`, in one place, and printed as one line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click

from ragft_lint import __version__
from ragft_lint.core.result import EXIT_ERROR

# Kept in step with reporters.REPORTER_BY_NAME by a test (listed here so --help stays cheap).
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")
SEVERITIES = ("error", "warning", "info")


class PipeClosed(BaseException):
    """Standard output's reader went away (`| head`). A BaseException, so that click, which
    turns a broken pipe into exit 1 ("findings") itself, lets it through to `main`."""


class _Group(click.Group):
    """The top-level group: its command list shows each command's whole first sentence,
    wrapped, instead of cutting it off at the width of the terminal; a broken pipe leaves
    it as PipeClosed."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str(limit=1 << 16))
                for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise PipeClosed from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--sarif-category", metavar="CATEGORY",
              help="The SARIF report's code-scanning category (automationDetails.id), so "
                   "runs over the same paths upload side by side [default: ragft-lint/ and "
                   "the paths checked].")
@click.option("--stdin-filename", metavar="PATH",
              help="With `-` as PATH, the manifest read from standard input: the name used "
                   "in findings and to find its configuration.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print the findings only: no summary line, no warnings.")
@click.option("--statistics", is_flag=True,
              help="Print the number of findings of each rule instead of the findings.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when findings are at or above --fail-on (2 still means the "
                   "check could not run).")
@click.option("--show-fixes/--no-show-fixes", default=False,
              help="Print how to fix each finding under it (the pre-commit hook shows them; "
                   "--no-show-fixes in its args turns them off).")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto",
              show_default=True, help="Colour text output (auto: on a terminal, unless NO_COLOR).")
@click.option("--max-size", type=click.IntRange(min=1), default=1 << 20, show_default=True,
              metavar="BYTES", help="Largest manifest file read.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str),
              help="Configuration file for every manifest, instead of the nearest "
                   ".ragft-lint.toml or pyproject.toml [tool.ragft-lint] above each one.")
@click.option("--show-config", is_flag=True,
              help="Print the configuration that applies to PATH (default: the current "
                   "folder) and where each value came from; exit.")
@click.option("--select", multiple=True, metavar="IDS",
              help="Run only these policy rules (ids or prefixes, comma-separated).")
@click.option("--ignore", multiple=True, metavar="IDS",
              help="Do not run these policy rules (ids or prefixes, comma-separated).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files and folders matching GLOB when searching folders.")
@click.option("--force-exclude", is_flag=True,
              help="Apply exclude globs to files named on the command line too (what the "
                   "pre-commit hook passes).")
@click.option("--policies", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=str),
              help="Add the policy files in DIR to the built-in pack (repeatable).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str),
              metavar="FILE", help="Report only findings that FILE does not record.")
@click.option("--write-baseline", "write_baseline_path", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=str),
              help="Record every current finding in FILE (for --baseline); exit 1 if some "
                   "cannot be recorded (unreadable or unparsable files), else 0.")
@click.option("--fix", is_flag=True,
              help="Apply the safe fixes ([*]) to the manifests, then report what remains.")
@click.option("--diff", is_flag=True,
              help="Print the unified diff --fix would apply and write nothing; exit 1 if "
                   "there is something to fix.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff, apply unsafe fixes too (removing unused waivers).")
# The gate's own safety on untrusted pull requests (SECURITY.md).
@click.option("--isolated", is_flag=True,
              help="Ignore every configuration file (defaults and options only), as on a "
                   "pull request whose own configuration must not decide the verdict.")
@click.option("--allow-empty", is_flag=True, default=None,
              help="Pass (exit 0) when no manifest is found; by default that is exit 2.")
@click.option("--no-waivers", is_flag=True, default=None,
              help="Check as if no manifest declared a waiver.")
def check(paths: tuple[str, ...], output_format: str | None, outputs: tuple[str, ...],
          fail_on: str | None, sarif_category: str | None, stdin_filename: str | None,
          quiet: bool, statistics: bool,
          exit_zero: bool, show_fixes: bool,
          color: str, max_size: int, config_path: str | None, show_config: bool,
          select: tuple[str, ...], ignore: tuple[str, ...], exclude: tuple[str, ...],
          force_exclude: bool, policies: tuple[str, ...], baseline_path: str | None,
          write_baseline_path: str | None, fix: bool, diff: bool, unsafe_fixes: bool,
          isolated: bool, allow_empty: bool | None, no_waivers: bool | None) -> int:
    """Check manifests. PATHS are files or folders (searched for llm-project.yaml/.yml);
    none means the current folder. Each manifest is checked with the nearest configuration
    above it.

    \b
    Examples:
      ragft-lint check
      ragft-lint check services/ --fail-on warning
      ragft-lint check llm-project.yaml --format json
      ragft-lint check - --stdin-filename svc/llm-project.yaml < edited.yaml
      ragft-lint check --write-baseline ragft-baseline.json   # adopt on an existing repo
      ragft-lint check --baseline ragft-baseline.json         # then fail on new findings only
      ragft-lint check --output sarif=ragft-lint.sarif --output junit=ragft-lint.xml
      ragft-lint check --diff                                  # what --fix would change
      ragft-lint check --fix
    """
    from ragft_lint.check.config import Overrides
    from ragft_lint.check.runner import CheckRequest, check_command
    from ragft_lint.check.session import Sessions
    from ragft_lint.core.manifest import Limits

    if baseline_path and write_baseline_path:
        raise click.UsageError("--baseline and --write-baseline cannot be used together: "
                               "--write-baseline records every current finding afresh")
    if isolated and config_path:
        raise click.UsageError("--isolated ignores every configuration file; it cannot be "
                               "used with --config")
    if sarif_category is not None and not (sarif_category.strip()
                                           and sarif_category.isprintable()):
        raise click.UsageError("--sarif-category must be a non-empty line of printable "
                               "characters, e.g. ragft-lint/services/search")
    sessions = Sessions(config_path, Overrides(
        fail_on=fail_on, select=select or None, ignore=ignore or None,
        exclude=exclude or None, policies=policies, allow_empty=allow_empty,
        no_waivers=no_waivers), Limits(max_bytes=max_size), isolated=isolated)
    request = CheckRequest(
        paths=paths, output_format=output_format, outputs=outputs, show_fixes=show_fixes,
        color=use_color(color, sys.stdout), show_config=show_config, baseline=baseline_path,
        write_baseline=write_baseline_path, force_exclude=force_exclude, fix=fix, diff=diff,
        unsafe_fixes=unsafe_fixes, quiet=quiet, statistics=statistics, exit_zero=exit_zero,
        stdin_filename=stdin_filename, sarif_category=sarif_category)
    if stdin_filename and any(path != "-" for path in paths):
        raise click.UsageError("--stdin-filename names the manifest read from standard "
                               "input: give `-` as the PATH, or no PATH")
    if (fix or diff) and not show_config:
        if write_baseline_path:
            raise click.UsageError("--write-baseline records findings; it cannot be used with "
                                   "--fix or --diff")
        from ragft_lint.editor.fixer import fix_command

        return fix_command(sessions, request, sys.stdout, sys.stderr, stdin=sys.stdin.buffer)
    return check_command(sessions, request, sys.stdout, sys.stderr, stdin=sys.stdin.buffer)


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
    from ragft_lint.check.policy_testing import run_policy_tests

    with _stdout() as out:
        return run_policy_tests(paths, out, verbose=verbose)


@contextlib.contextmanager
def _stdout(output_format: str = "text") -> Any:
    """Standard output for a command that prints a report in `output_format`: behind the
    guard that keeps every line inert to a CI system (reporters.guard), flushed at the end.
    A manifest's or a policy's text (a project name, a team policy's rationale) reaches
    these reports as it reaches `check`'s."""
    from ragft_lint.reporters.guard import guarded

    stream = guarded(sys.stdout, output_format)
    try:
        yield stream
    finally:
        stream.flush()


def _engine(path: str = ".") -> Any:
    """The engine `check` would use for the manifest (or folder) at `path`, whatever the
    working directory: its nearest configuration and custom packs included."""
    from ragft_lint.check.session import open_session_for

    return open_session_for(path).engine


@cli.command()
@click.argument("path", default="llm-project.yaml", type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(("text", "json", "markdown")),
              default="text", show_default=True, help="Output format.")
def recommend(path: str, output_format: str) -> int:
    """Recommend rag, fine-tune or hybrid from the needs a manifest declares, with a
    scorecard, a fit score for each approach and the criteria that decided it. PATH is a
    manifest or a folder holding one; its `approach` key may be left out.

    \b
    Examples:
      ragft-lint recommend
      ragft-lint recommend services/search/llm-project.yaml --format markdown
    """
    from ragft_lint.decide.recommend import Recommender, read_for_recommend
    from ragft_lint.decide.recommend_format import WRITER_BY_FORMAT

    recommendation = Recommender(_engine(path)).recommend(read_for_recommend(path))
    with _stdout(output_format) as out:
        WRITER_BY_FORMAT[output_format](recommendation, out)
    return 0


@cli.command()
@click.argument("rule")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=str))
def explain(rule: str, path: str) -> int:
    """Explain a rule: what it checks and why, what triggers it, how to fix it, with a
    failing and a passing example. RULE is an id (RFT101) or a name; PATH (a manifest or
    folder, default the current one) says whose configuration's parameters to show.

    \b
    Examples:
      ragft-lint explain RFT501
      ragft-lint explain frozen-weights-fast-changing-data
      ragft-lint explain RFT401 services/search/llm-project.yaml
    """
    from ragft_lint.check.session import open_session_for
    from ragft_lint.decide.explain import find_rule, write_explanation

    session = open_session_for(path)
    with _stdout() as out:
        write_explanation(find_rule(session.pack, rule, session.settings.param_source), out)
    return 0


@cli.command()
@click.option("--format", "output_format", type=click.Choice(("text", "markdown", "json")),
              default="text", show_default=True,
              help="Output format; markdown is the rules reference in README.md.")
def rules(output_format: str) -> int:
    """List every rule: id, criterion, severity and title.

    \b
    Examples:
      ragft-lint rules
      ragft-lint rules --format markdown > docs/rules.md
    """
    from ragft_lint.decide.explain import RULES_WRITER_BY_FORMAT, all_rules

    with _stdout(output_format) as out:
        RULES_WRITER_BY_FORMAT[output_format](all_rules(_engine().pack), out)
    return 0


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option("--diff", "show_diff", is_flag=True,
              help="Show the change as a unified diff and write nothing; exit 1 if a file "
                   "would change.")
def migrate(paths: tuple[str, ...], show_diff: bool) -> int:
    """Rewrite schema_version 1 manifests as schema_version 2, in place.

    Version 2 keeps every version-1 key, so only `schema_version` changes; comments, key
    order and quoting are kept byte for byte. PATHs are files or folders (searched for
    llm-project.yaml as `check` does); none means the current folder. Exit codes: 0 done,
    1 with --diff when a file would change, 2 on an error.

    \b
    Examples:
      ragft-lint migrate --diff
      ragft-lint migrate services/search/llm-project.yaml
    """
    from ragft_lint.check.discovery import iter_targets
    from ragft_lint.decide.migrate import run_migrate

    targets = list(iter_targets(paths))
    for target in targets:
        if target.refusal is not None:
            raise click.UsageError(f"{target.path}: {target.refusal}")
    return run_migrate([t.path for t in targets], diff=show_diff, out=sys.stdout,
                       err=sys.stderr)


@cli.command()
def schema() -> int:
    """Print the llm-project.yaml JSON Schema, for editors and other tools.

    \b
    Examples:
      ragft-lint schema > llm-project.schema.json
    """
    import json

    from ragft_lint.core.resources import load_schema

    click.echo(json.dumps(load_schema(), indent=2))
    return 0


class _SchemaChoice(click.Choice):  # type: ignore[type-arg]
    """A choice of the values the manifest schema allows for `key`, read when first needed
    rather than when the CLI is imported (every command would pay for it otherwise)."""

    def __init__(self, key: str) -> None:
        super().__init__((), case_sensitive=True)
        self.key = key

    @property
    def choices(self) -> tuple[str, ...]:
        from ragft_lint.decide.init import choices

        return choices(self.key)

    @choices.setter
    def choices(self, _value: Any) -> None:
        """click.Choice assigns its choices; ours come from the schema."""


def _choice(key: str) -> click.Choice[str]:
    return _SchemaChoice(key)


class _InitType(click.ParamType):  # type: ignore[type-arg]
    """One of init's answer types, imported only when a value is converted."""

    def __init__(self, name: str, type_name: str) -> None:
        self.name, self.type_name = name, type_name

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from ragft_lint.decide import init

        return getattr(init, self.type_name)().convert(value, param, ctx)


def _count_or_unknown() -> click.ParamType:  # type: ignore[type-arg]
    return _InitType("count", "CountOrUnknown")


@cli.command()
@click.option("-o", "--output", default="llm-project.yaml", show_default=True,
              type=click.Path(path_type=str),
              help="File to write (a folder: its llm-project.yaml).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--non-interactive", is_flag=True,
              help="Ask nothing: every answer comes from the flags below.")
@click.option("--project", help="Project name (default: the folder's name).")
@click.option("--owner", help="Team or person accountable for the project.")
@click.option("--external-data/--no-external-data", default=None,
              help="1. Answers must draw on external data (databases, documents, APIs).")
@click.option("--source", "sources", multiple=True, metavar="NAME[:KIND]",
              help="An external data source (repeatable); KIND defaults to document-store.")
@click.option("--behavior-adaptation", type=_choice("behavior_adaptation"),
              help="2. How much the model must change its behaviour or style.")
@click.option("--hallucination-tolerance", type=_choice("hallucination_tolerance"),
              help="3. How much hallucination is tolerated.")
@click.option("--labeled-examples", type=_count_or_unknown(),
              help="4. Good labelled training examples available (or 'unknown').")
@click.option("--data-dynamics", type=_choice("data_dynamics"),
              help="5. How often the underlying data changes.")
@click.option("--interpretability", type=_choice("interpretability"),
              help="6. How much answers must be traceable to sources.")
@click.option("--compute-budget", type=_choice("compute_budget"),
              help="Compute for training and serving (optional).")
@click.option("--adaptation-goals", type=_InitType("goals", "GoalsOrUnknown"),
              metavar="GOAL[,GOAL...]",
              help="2. What the change of behaviour is for: style, tone, format, "
                   "terminology, skill, domain-knowledge (comma-separated), or 'unknown'.")
@click.option("--labeled-data-quality", type=_choice("labeled_data_quality"),
              help="4. How the labelled examples were made.")
@click.option("--size-tokens", type=_count_or_unknown(),
              help="1. How much knowledge the answers draw on, in tokens (or 'unknown').")
@click.option("--context-window-tokens", type=click.IntRange(min=1),
              help="The base model's context window, in tokens.")
@click.option("--eval-set/--no-eval-set", default=None,
              help="There is (or is not) an evaluation set to measure answers against.")
@click.option("--base-model", metavar="NAME", help="The model the project starts from.")
@click.option("--base-model-parameters-billion", type=click.FloatRange(min=0, min_open=True),
              metavar="SIZE", help="Its size, in billions of parameters (needs --base-model).")
@click.option("--base-model-weights", type=_choice("weights"),
              help="open (yours to train anywhere) or hosted (needs --base-model).")
@click.option("--latency-budget-ms", type=click.IntRange(min=1),
              help="The p95 answer latency the application can afford, in milliseconds.")
@click.option("--queries-per-day", type=click.IntRange(min=0),
              help="Expected queries a day.")
@click.option("--approach", type=click.Choice(("prompting", "rag", "fine-tune", "hybrid")),
              help="The chosen approach (default: the recommendation).")
@click.option("--schema-ref", default="llm-project.schema.json", show_default=True,
              help="The $schema in the yaml-language-server line: a path relative to the "
                   "manifest (the schema is saved there) or a URL.")
@click.option("--no-schema-file", is_flag=True,
              help="Do not save the schema beside the manifest.")
def init(output: str, force: bool, non_interactive: bool, sources: tuple[str, ...],
         schema_ref: str, no_schema_file: bool, **answers: Any) -> int:
    """Write a commented llm-project.yaml by answering the six questions, then the optional
    ones (each may be skipped, or answered 'unknown': don't know yet); the recommended
    approach is offered as the default. Flags answer questions ahead of time; with
    --non-interactive an optional question without its flag is left out.

    \b
    Examples:
      ragft-lint init
      ragft-lint init --non-interactive --project support-bot --external-data \\
        --source product-docs:document-store --behavior-adaptation low \\
        --hallucination-tolerance none --labeled-examples 800 --data-dynamics daily \\
        --interpretability high
    """
    from ragft_lint.decide.init import InitOptions, given, run_init
    from ragft_lint.decide.recommend import Recommender

    options = InitOptions(given(answers, sources), output=output, force=force,
                          interactive=not non_interactive, schema_ref=schema_ref,
                          schema_file=not no_schema_file)
    # The configuration of the folder the manifest is written to, as `check` will read it.
    return run_init(options, Recommender(_engine(_init_folder(output))))


def _init_folder(output: str) -> str:
    """The folder `init` writes into (the nearest existing one: it may create it)."""
    folder = output if os.path.isdir(output) else os.path.dirname(output) or "."
    while not os.path.isdir(folder) and os.path.dirname(folder) not in ("", folder):
        folder = os.path.dirname(folder)
    return folder if os.path.isdir(folder) else "."


@cli.command()
@click.option("--stdio", is_flag=True, hidden=True,
              help="Accepted for clients that pass it: stdio is the only transport.")
def server(stdio: bool) -> int:
    """Run the language server over standard input and output, for editors: the findings
    of `check` while a manifest is typed, hover, rule completion in waivers, quick fixes.
    Needs the `server` extra; the README shows the Neovim, Helix and VS Code set-up.

    \b
    Examples:
      pip install 'ragft-lint[server]'
      ragft-lint server   # started by the editor, which talks LSP on its stdin/stdout
    """
    from ragft_lint.core.errors import SetupError

    try:
        import pygls  # noqa: F401  (imported here, not at the top: only `server` needs it)
    except ImportError:
        raise SetupError("the language server needs pygls, which is not installed; install "
                         "it with: pip install 'ragft-lint[server]'") from None
    from ragft_lint.editor.server import serve

    return serve()


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
    from ragft_lint.core.errors import SetupError
    from ragft_lint.reporters.guard import one_line

    _tolerate_unencodable_output()
    previous = _handle_sigterm()
    try:
        result: Any = cli.main(args=argv, prog_name="ragft-lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:  # `ragft-lint` alone: the help
        exc.show()
        return EXIT_ERROR
    except click.ClickException as exc:
        # Error messages quote paths and values from the repository: one inert line each
        # (reporters.guard), so no file name can forge a CI workflow command on stderr.
        click.echo(one_line(click_error_line(exc)), err=True)
        return EXIT_ERROR
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("ragft-lint: interrupted", err=True)
            return EXIT_INTERRUPTED
        click.echo("ragft-lint: aborted", err=True)
        return EXIT_ERROR
    except SetupError as exc:
        click.echo(f"ragft-lint: error: {one_line(str(exc))}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("ragft-lint: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        # As Ctrl-C: the run stopped where it was, workers ended, partial reports removed
        # (by the exception on its way here).
        click.echo("ragft-lint: terminated", err=True)
        return EXIT_TERMINATED
    except (BrokenPipeError, PipeClosed):
        # The reader went away (`| head`): not our failure, and not "findings" either;
        # quiet, with the code a shell gives a process SIGPIPE ended. Python must not
        # complain again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # the one place an unexpected error is caught
        if os.environ.get("RAGFT_LINT_DEBUG"):
            raise
        click.echo(f"ragft-lint: internal error: {type(exc).__name__}: {one_line(str(exc))} "
                   "(set RAGFT_LINT_DEBUG=1 for the traceback, and please report it)", err=True)
        return EXIT_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return result if isinstance(result, int) else 0


def click_error_line(exc: click.ClickException) -> str:
    """A usage error click found (unknown option, bad value, missing argument) in the one
    style of every ragft-lint error: `ragft-lint: error: ...`, on one line, with where to
    read the usage instead of click's multi-line block."""
    message = " ".join(exc.format_message().split())
    if len(message) > 1 and message[0].isupper() and not message[1].isupper():
        message = message[0].lower() + message[1:]  # "No such option" -> "no such option"
    # click's "No such command 'chek'. (Did you mean one of: ...?)": one sentence.
    message = message.replace(". (Did you mean", " (did you mean").removesuffix(".")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return f"ragft-lint: error: {message}"


# Exit codes after a signal, as a shell reports them (128 + the signal's number).
EXIT_INTERRUPTED = 130  # SIGINT, Ctrl-C
EXIT_BROKEN_PIPE = 141  # SIGPIPE: the reader of standard output went away
EXIT_TERMINATED = 143  # SIGTERM: CI cancellation, `timeout`, a supervisor


class Terminated(BaseException):
    """SIGTERM arrived. A BaseException, as KeyboardInterrupt is: every `finally` and
    cleanup on the way out runs (reports removed, workers stopped), no `except Exception`
    takes it for an error."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


def _handle_sigterm() -> Any:
    """Turn SIGTERM into Terminated for this run; the handler it replaced (None when it
    cannot be set: not the main thread)."""
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (an embedding program's worker thread)
        return None


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
