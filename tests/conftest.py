"""Shared test helpers: build manifests, run the CLI in-process."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ragft_lint.cli import cli

BASE_MANIFEST: dict[str, Any] = {
    "schema_version": 1,
    "project": "support-assistant",
    "approach": "rag",
    "criteria": {
        "external_data": {"required": True,
                          "sources": [{"name": "product-docs", "kind": "document-store"}]},
        "behavior_adaptation": "low",
        "hallucination_tolerance": "none",
        "labeled_examples": 800,
        "data_dynamics": "daily",
        "interpretability": "high",
    },
}


# A team rule that makes rag an error: the built-in pack has none (no source says retrieval
# cannot meet a need), and tests of "no approach passes" need every approach ruled out.
BRAND_VOICE_POLICY = """\
id: ACME003
name: brand-voice-is-trained
title: Our brand voice must be trained into the model
criterion: 2
severity: error
pointer: /criteria/behavior_adaptation
when:
  required: [approach, criteria]
  properties:
    approach: {enum: [rag, prompting]}
    criteria: {properties: {behavior_adaptation: {const: high}}}
message: approach '{approach}' cannot carry the brand voice
rationale: The brand team signs off only on trained voices.
remediation: Fine-tune the voice in.
evidence:
  - {source: openai-devday-2023, strength: weak, claim: Retrieval is not the tool for a style.}
examples:
  fail:
    - {schema_version: 1, project: p, approach: rag,
       criteria: {external_data: {required: false}, behavior_adaptation: high,
                  hallucination_tolerance: medium, labeled_examples: 0,
                  data_dynamics: static, interpretability: low}}
  pass:
    - {schema_version: 1, project: p, approach: fine-tune,
       criteria: {external_data: {required: false}, behavior_adaptation: high,
                  hallucination_tolerance: medium, labeled_examples: 20000,
                  data_dynamics: static, interpretability: low}}
"""


def add_brand_voice_pack(folder: Path) -> None:
    """A team pack with BRAND_VOICE_POLICY, configured for `folder`."""
    (folder / "team").mkdir()
    (folder / "team" / "ACME003-brand-voice.yaml").write_text(BRAND_VOICE_POLICY,
                                                               encoding="utf-8")
    (folder / ".ragft-lint.toml").write_text('policy-paths = ["team"]\n', encoding="utf-8")


def make_manifest(**changes: Any) -> dict[str, Any]:
    """BASE_MANIFEST with changes; `criteria__x=v` sets criteria.x, `None` deletes a key."""
    return changed(BASE_MANIFEST, **changes)


def changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `base` with changes; `criteria__x=v` sets criteria.x, `None` deletes a key."""
    data = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def to_yaml(data: Any) -> str:
    """Block YAML for plain data (JSON is YAML too, but block style is what users write)."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # keep the order a person would write
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@pytest.fixture
def write_manifest(tmp_path: Path):
    """write_manifest(data_or_text, name='llm-project.yaml', folder=None) -> Path"""

    def write(content: Any, name: str = "llm-project.yaml", folder: str | None = None) -> Path:
        target = tmp_path / folder if folder else tmp_path
        target.mkdir(parents=True, exist_ok=True)
        path = target / name
        path.write_text(content if isinstance(content, str) else to_yaml(content),
                        encoding="utf-8")
        return path

    return write


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run the CLI in-process the way the console script does (exit codes included)."""
    runner = CliRunner()
    # CliRunner.invoke calls cli.main(); route through our main() so error handling is the same.
    return runner.invoke(_MainWrapper(), list(args), env=env, input=input, catch_exceptions=False)


class _MainWrapper:
    """Adapter so CliRunner runs ragft_lint.cli.main (which owns exit codes)."""

    name = "ragft-lint"

    def main(self, args: list[str], prog_name: str | None = None, **_: Any) -> None:
        from ragft_lint.cli import main

        raise SystemExit(main(args))


def console_script() -> str:
    """The installed `ragft-lint` script of the interpreter running the tests.

    Looked up beside sys.executable, not on PATH: CI runs `.venv/bin/python -m pytest`
    without activating the venv.
    """
    import sys

    script = Path(sys.executable).parent / "ragft-lint"
    assert script.exists(), f"{script} missing: install the package (pip install -e '.[test]')"
    return str(script)


def installed_script() -> str | None:
    """The `ragft-lint` script beside sys.executable, else on PATH, else None (for suites
    that run only through it and are skipped, not failed, without it)."""
    import shutil
    import sys

    here = Path(sys.executable).with_name("ragft-lint")
    return str(here) if here.exists() else shutil.which("ragft-lint")


#: Skips a test (or, as `pytestmark`, a module) when the console script is not installed.
needs_console_script = pytest.mark.skipif(
    installed_script() is None,
    reason="the ragft-lint console script is not installed (pip install -e .)")


def check_json(*paths: str | Path, extra: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    """Run `check --format json` in-process; (exit code, parsed report)."""
    result = run_cli("check", "--format", "json", *map(str, paths), *extra)
    return result.exit_code, json.loads(result.stdout)


def assert_valid_recommendation(report: dict[str, Any]) -> None:
    """`report` (recommend's JSON) is valid against the recommendation schema it promises."""
    from jsonschema import Draft202012Validator

    from ragft_lint.core.resources import load_schema

    schema = load_schema("recommendation.schema.json")
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in Draft202012Validator(schema).iter_errors(report)]
    assert errors == []


__all__ = ["BASE_MANIFEST", "assert_valid_recommendation", "changed", "check_json", "cli",
           "console_script", "installed_script", "make_manifest", "needs_console_script",
           "run_cli", "to_yaml"]


# Coverage floors, line and branch apart ([tool.pytest.ini_options] in pyproject.toml): the
# issue's targets are one number each, and coverage's own fail_under is a single combined
# one, which a surplus of covered lines can hide a shortfall of branches behind.
LINE_FLOOR, BRANCH_FLOOR = "coverage_line_floor", "coverage_branch_floor"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(LINE_FLOOR, "fail a whole-suite run whose line coverage (%) is below this",
                  default="0")
    parser.addini(BRANCH_FLOOR, "fail a whole-suite run whose branch coverage (%) is below "
                  "this", default="0")


def coverage_totals(cov: Any, scratch: Path) -> tuple[float, float]:
    """(line %, branch %) of the coverage data `cov` holds, as coverage's JSON report counts."""
    cov.json_report(outfile=str(scratch), pretty_print=False)
    totals = json.loads(scratch.read_text(encoding="utf-8"))["totals"]
    return (100 * totals["covered_lines"] / max(totals["num_statements"], 1),
            100 * totals["covered_branches"] / max(totals["num_branches"], 1))


def ran_whole_suite(session: pytest.Session) -> bool:
    """The suite as `pytest` runs it with no paths: every test collected, none deselected
    (-k, -m, --lf), none failed. A run of some tests measures only what they cover."""
    reporter = session.config.pluginmanager.getplugin("terminalreporter")
    deselected = reporter.stats.get("deselected", []) if reporter else []
    return (session.config.args_source == pytest.Config.ArgsSource.TESTPATHS
            and not deselected and not session.testsfailed
            and not session.config.option.collectonly)


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after pytest-cov has combined
def pytest_runtestloop(session: pytest.Session) -> Any:
    result = yield
    plugin = session.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    if controller is None or controller.cov is None or not ran_whole_suite(session):
        return result
    floors = {"line": float(session.config.getini(LINE_FLOOR)),
              "branch": float(session.config.getini(BRANCH_FLOOR))}
    with tempfile.TemporaryDirectory() as scratch:
        totals = coverage_totals(controller.cov, Path(scratch, "coverage.json"))
    measured = dict(zip(floors, totals, strict=True))
    reporter = session.config.pluginmanager.getplugin("terminalreporter")
    for kind, floor in floors.items():
        shortfall = round(measured[kind], 2) < floor  # at two decimals, as fail_under is
        message = (f"{kind} coverage {measured[kind]:.2f}% is "
                   f"{'below' if shortfall else 'at or above'} its floor {floor:.2f}%")
        if shortfall:
            reporter.write(f"\nERROR: Coverage failure: {message}\n", red=True, bold=True)
            session.testsfailed += 1  # exit 1, as pytest-cov's fail_under does
        else:
            reporter.write(f"\n{message}\n", green=True)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A test marked `untraced` runs with coverage paused: pytest-cov's own `no_cover` marker
    fails every test it marks when the run has --no-cov (its controller is then None)."""
    controller = getattr(item.config.pluginmanager.getplugin("_cov"), "cov_controller", None)
    if controller is None or item.get_closest_marker("untraced") is None:
        return (yield)
    controller.pause()
    try:
        return (yield)
    finally:
        controller.resume()


def release_repository(folder: Path) -> str:
    """This repository's files (committed or not) as a git repository of its own in
    `folder`, committed and tagged as the release of this version: what the README's
    pre-commit `rev:` and the action's `uses: …@` name once a release is made
    (docs/RELEASING.md). Returns the tag."""
    import shutil
    import subprocess

    from ragft_lint import __version__
    from tests.monorepo import run_git

    root = Path(__file__).resolve().parent.parent
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=root, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = root / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    tag = f"v{__version__}"
    run_git(folder, "init", "-q")
    run_git(folder, "add", "-A")
    run_git(folder, "commit", "-q", "-m", "release under test")
    run_git(folder, "tag", "-a", tag, "-m", f"ragft-lint {__version__}")
    return tag
