"""The ready-made CI: action.yml and the README's CI snippets.

action.yml is read as GitHub reads it (YAML, the action-metadata schema that
check-jsonschema vendors from SchemaStore, every `${{ inputs.x }}` declared), and its check
step's script is run with bash the way the runner runs it: the step's environment with the
inputs filled in, GITHUB_* files in a temporary folder. The README's workflow and GitLab
snippets are validated against the workflow and .gitlab-ci.yml schemas, and its shell
snippet's ragft-lint command is run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INPUT = re.compile(r"^inputs\.([A-Za-z_][A-Za-z0-9_-]*)$")


def load_yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(text)


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml((REPO / "action.yml").read_text(encoding="utf-8"))
    return data


def builtin_schema_errors(name: str, document: Any) -> list[str]:
    """Errors of `document` against one of check-jsonschema's vendored schemas."""
    from importlib.resources import files

    from jsonschema.validators import validator_for

    resource = files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json")
    schema = json.loads(resource.read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_action_is_a_valid_composite_action(action: dict[str, Any]) -> None:
    assert builtin_schema_errors("github-actions", action) == []
    assert action["name"]
    assert action["description"]
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "fail-on", "config", "baseline", "args",
                                     "sarif-file", "summary-file", "category"}
    assert action["inputs"]["fail-on"]["default"] == ""  # the configuration decides
    for name, spec in action["inputs"].items():
        assert spec["description"], name
        assert isinstance(spec.get("default", ""), str), name
    for step in action["runs"]["steps"]:
        assert "uses" in step or ("run" in step and step.get("shell")), step.get("name")


def test_every_input_used_is_declared_and_every_declared_input_used(
        action: dict[str, Any]) -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    used = set()
    for expression in EXPRESSION.findall(text):
        match = INPUT.match(expression)
        if match:
            used.add(match.group(1))
    assert used == set(action["inputs"])
    for step in action["runs"]["steps"]:
        # Inputs pasted into a script could inject shell code; they must come through env.
        assert "inputs." not in step.get("run", ""), step.get("name")


def check_step(action: dict[str, Any]) -> dict[str, Any]:
    steps = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    assert len(steps) == 1
    return steps[0]


def step_environment(action: dict[str, Any], step: dict[str, Any], given: dict[str, str],
                     ) -> dict[str, str]:
    """The step's `env:` with `${{ inputs.x }}` evaluated as the runner does: the value the
    workflow gave, else the input's default (and no other expression allowed)."""
    unknown = set(given) - set(action["inputs"])
    assert not unknown, f"not inputs of the action: {unknown}"
    inputs = {name: given.get(name, spec.get("default", ""))
              for name, spec in action["inputs"].items()}

    def evaluate(match: re.Match[str]) -> str:
        name = INPUT.match(match.group(1))
        assert name, f"the check step uses {match.group(0)}, which this test cannot evaluate"
        return inputs[name.group(1)]

    return {key: EXPRESSION.sub(evaluate, str(value)) for key, value in step["env"].items()}


def run_step(step: dict[str, Any], cwd: Path, runner: Path, environ: dict[str, str],
             ) -> subprocess.CompletedProcess[str]:
    """Run a `run:` step as the runner does for `shell: bash`."""
    script = runner / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=cwd, env=environ, capture_output=True, text=True, timeout=600,
                          check=False)


WARNED = """\
schema_version: 1
project: release-notes-writer
approach: rag
criteria:
  external_data:
    required: false
  behavior_adaptation: low
  hallucination_tolerance: high
  labeled_examples: 40000
  data_dynamics: static
  interpretability: low
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(GOLDEN / "manifests", root / "manifests")
    # A manifest whose only finding is a warning (RFT102), for the fail-on threshold.
    (root / "manifests" / "warned").mkdir()
    (root / "manifests" / "warned" / "llm-project.yaml").write_text(WARNED, encoding="utf-8")
    (root / ".git").mkdir()
    return root


def runner_environment(workspace: Path, runner: Path, python: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("GITHUB_", "RUNNER_", "RAGFT_LINT_"))}
    temp = runner / "temp"
    temp.mkdir(exist_ok=True)
    environ.update({
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(REPO), "RUNNER_TEMP": str(temp),
        "GITHUB_ENV": str(runner / "env"), "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary"), "RAGFT_LINT_PYTHON": python,
    })
    for name in ("env", "output", "summary"):
        (runner / name).touch()
    return environ


def outputs_of(runner: Path) -> dict[str, str]:
    lines = (runner / "output").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


class Run:
    """One simulated run of the check step: exit code, log, outputs, step summary."""

    def __init__(self, action: dict[str, Any], workspace: Path, runner: Path,
                 inputs: dict[str, str]):
        runner.mkdir(exist_ok=True)
        environ = runner_environment(workspace, runner, sys.executable)
        step = check_step(action)
        environ.update(step_environment(action, step, inputs))
        self.before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
        run = run_step(step, workspace, runner, environ)
        self.workspace_now = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
        self.code, self.stdout, self.stderr = run.returncode, run.stdout, run.stderr
        self.outputs = outputs_of(runner)
        self.summary = (runner / "summary").read_text(encoding="utf-8")
        self.temp = Path(environ["RUNNER_TEMP"])

    def commands(self, name: str) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith(f"::{name} ")]


@pytest.fixture
def run_action(action: dict[str, Any], workspace: Path, tmp_path: Path) -> Any:
    """run_action(input_name=value, ..., in_workspace=path): one run of the check step."""
    count = iter(range(100))

    def run(in_workspace: Path = workspace, **inputs: str) -> Run:
        return Run(action, in_workspace, tmp_path / f"runner{next(count)}",
                   {name.replace("_", "-"): value for name, value in inputs.items()})

    return run


def test_a_clean_run_writes_its_reports_under_runner_temp(run_action: Any) -> None:
    from ragft_lint import __version__

    run = run_action(paths="manifests/good manifests/waived")
    assert run.code == 0, run.stdout + run.stderr
    assert set(run.outputs) == {"exit-code", "version", "sarif-file", "summary-file"}
    assert run.outputs["exit-code"] == "0" and run.outputs["version"] == __version__
    assert f"ragft-lint {__version__}" in run.stdout
    sarif, summary = Path(run.outputs["sarif-file"]), Path(run.outputs["summary-file"])
    assert sarif.is_relative_to(run.temp) and summary.is_relative_to(run.temp)
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["runs"][0]["tool"]["driver"]["version"] == __version__
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["RFT102"]  # waived, suppressed
    assert run.summary == summary.read_text(encoding="utf-8")
    assert run.summary.startswith("## ragft-lint")
    assert run.commands("error") == [] and run.commands("warning") == []
    assert run.workspace_now == run.before  # nothing written into the checkout


def test_a_failing_run_annotates_and_writes_the_named_sarif(run_action: Any,
                                                           workspace: Path) -> None:
    run = run_action(paths="manifests/bad\nmanifests/good", sarif_file="ragft-lint.sarif")
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs["exit-code"] == "1"
    assert run.outputs["sarif-file"] == "ragft-lint.sarif"
    log = json.loads((workspace / "ragft-lint.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"RFT401", "RFT101"}
    assert any(line.startswith("::error file=manifests/bad/llm-project.yaml,line=13,")
               for line in run.commands("error"))
    assert "manifests/bad/llm-project.yaml:13:3: error RFT401" in run.stdout
    assert "### manifests/bad/llm-project.yaml" in run.summary
    assert Path(run.outputs["summary-file"]).is_relative_to(run.temp)


@pytest.mark.parametrize(("inputs", "reason"), [
    ({"fail-on": "bogus"}, "--fail-on"),
    ({"config": "missing.toml"}, "missing.toml"),
    ({"args": "--select 'RFT4"}, "args input: No closing quotation"),
    ({"args": "--no-such-option"}, "--no-such-option"),
])
def test_a_usage_error_is_an_annotation_and_a_summary(run_action: Any, inputs: dict[str, str],
                                                      reason: str) -> None:
    run = run_action(paths="manifests/bad", **{k.replace("-", "_"): v for k, v in inputs.items()})
    assert run.code == 2, run.stdout + run.stderr
    assert run.outputs == {"exit-code": "2", "version": run.outputs["version"]}
    [annotation] = run.commands("error")
    assert annotation.startswith("::error title=ragft-lint could not run::")
    assert reason.lower() in annotation.lower()
    assert "ragft-lint could not run" in run.summary and reason.lower() in run.summary.lower()
    assert "### manifests/bad" not in run.summary  # no report: nothing was checked


def test_fail_on_is_the_configurations_unless_the_workflow_sets_it(run_action: Any,
                                                                   workspace: Path) -> None:
    (workspace / ".ragft-lint.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    configured = run_action(paths="manifests/warned")
    assert configured.code == 1, configured.stdout + configured.stderr
    assert "--fail-on=warning" in configured.stdout
    assert configured.commands("warning")
    overridden = run_action(paths="manifests/warned", fail_on="error")
    assert overridden.code == 0, overridden.stdout + overridden.stderr
    (workspace / ".ragft-lint.toml").unlink()
    default = run_action(paths="manifests/warned")
    assert default.code == 0  # no configuration: error


def test_the_config_input_replaces_the_checkouts_configuration(
        run_action: Any, workspace: Path, tmp_path: Path) -> None:
    # The pull request's own configuration would switch its warning off...
    (workspace / ".ragft-lint.toml").write_text('ignore = ["RFT102"]\n', encoding="utf-8")
    assert run_action(paths="manifests/warned", fail_on="warning").code == 0
    # ...the base branch's, named by the workflow, keeps the gate.
    base = tmp_path / "base" / ".ragft-lint.toml"
    base.parent.mkdir()
    base.write_text('fail-on = "warning"\n', encoding="utf-8")
    run = run_action(paths="manifests/warned", config=str(base))
    assert run.code == 1, run.stdout + run.stderr


def test_the_baseline_input_reports_only_new_findings(run_action: Any, workspace: Path) -> None:
    recorded = subprocess.run([sys.executable, "-m", "ragft_lint", "check", "manifests/bad",
                               "--write-baseline", "baseline.json"], cwd=workspace,
                              capture_output=True, text=True, check=False, timeout=120)
    assert recorded.returncode == 0, recorded.stderr
    run = run_action(paths="manifests/bad", baseline="baseline.json")
    assert run.code == 0, run.stdout + run.stderr
    assert run.commands("error") == []


def test_args_are_words_never_shell_code(run_action: Any, workspace: Path) -> None:
    run = run_action(paths="manifests", args="--select RFT4 --exclude 'manifests/b*' "
                                             "--exclude \"$(touch pwned)\" --exclude '`touch x`'")
    assert not (workspace / "pwned").exists() and not (workspace / "x").exists()
    assert run.code == 0, run.stdout + run.stderr  # bad/ excluded, only RFT4 rules run
    assert "RFT401" not in run.stdout
    selected = run_action(paths="manifests/bad", args="--select RFT4")
    assert selected.code == 1
    assert {line.split("title=")[1].split("::")[0] for line in selected.commands("error")} == {
        "RFT401"}


def test_many_findings_are_capped_as_github_shows_them(run_action: Any, workspace: Path) -> None:
    for index in range(12):
        shutil.copytree(workspace / "manifests" / "bad", workspace / "many" / f"svc{index:02}")
    run = run_action(paths="many")
    assert run.code == 1
    assert len(run.commands("error")) == 10 and len(run.commands("warning")) == 10
    closing = run.commands("notice")[-1]
    assert "more not annotated" in closing and "step summary" in closing
    assert run.summary.count("### many/svc") == 12  # the summary has every manifest


def sarif_rules_by_file(run: Run) -> dict[str, list[str]]:
    log = json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        found.setdefault(uri, []).append(result["ruleId"])
    return found


def sarif_category(run: Run) -> str:
    log = json.loads(Path(run.outputs["sarif-file"]).read_text(encoding="utf-8"))
    category: str = log["runs"][0]["automationDetails"]["id"]
    return category


def test_the_category_input_names_the_sarif_run(run_action: Any) -> None:
    # Two runs over the same paths in one workflow (here: two thresholds) would replace
    # each other's results in code scanning; a category each keeps both.
    default = run_action(paths="manifests/good")
    strict = run_action(paths="manifests/good", category="ragft-lint/strict", fail_on="info")
    assert (default.code, strict.code) == (0, 0), strict.stdout + strict.stderr
    assert sarif_category(default) == "ragft-lint/manifests/good/"
    assert sarif_category(strict) == "ragft-lint/strict/"
    # Not a category code scanning can show: the step says so and writes no SARIF.
    bad = run_action(paths="manifests/good", category="two\nlines")
    assert bad.code == 2
    assert "sarif-file" not in bad.outputs
    assert "--sarif-category must be a non-empty line" in bad.commands("error")[0]


def test_each_service_of_a_monorepo_gets_its_own_verdict(run_action: Any,
                                                         tmp_path: Path) -> None:
    from tests.monorepo import ROOT_EXIT_CODE, SERVICES, build_monorepo

    repo = build_monorepo(tmp_path / "monorepo")
    whole = run_action(in_workspace=repo)
    assert whole.code == ROOT_EXIT_CODE, whole.stdout + whole.stderr
    assert sarif_rules_by_file(whole) == {
        s.manifest: list(s.rules) for s in SERVICES if s.rules and not s.excluded}
    assert [line.split("title=")[1].split("::")[0] for line in whole.commands("warning")] == [
        rule for s in SERVICES if not s.excluded for rule in s.rules]
    # The changed-files way: each manifest named on its own, from the root, gets the
    # verdict of its own configuration; the excluded one is not checked.
    changed = run_action(in_workspace=repo, paths=" ".join(s.manifest for s in SERVICES))
    assert changed.code == ROOT_EXIT_CODE
    assert sarif_rules_by_file(changed) == sarif_rules_by_file(whole)
    categories = {sarif_category(whole)}
    for service in (s for s in SERVICES if not s.excluded):
        alone = run_action(in_workspace=repo, paths=service.manifest)
        assert alone.code == int(service.fails), service.name
        assert sarif_rules_by_file(alone) == ({service.manifest: list(service.rules)}
                                              if service.rules else {})
        categories.add(sarif_category(alone))
    # One job per service uploads side by side: each SARIF has its own category.
    assert len(categories) == 1 + len([s for s in SERVICES if not s.excluded])


@pytest.mark.slow
def test_the_action_installs_itself_and_checks(action: dict[str, Any], workspace: Path,
                                               tmp_path: Path) -> None:
    """Both steps, install included, of the action as a workflow gets it from the README's
    `uses: ragft-lint/ragft-lint@TAG` once the release is tagged: the repository checked out
    at that tag (as the runner does into GITHUB_ACTION_PATH), pip-installed into a venv."""
    from tests.conftest import release_repository

    released = tmp_path / "released"
    released.mkdir()
    tag = release_repository(released)
    uses = re.findall(r"uses: ragft-lint/ragft-lint@(\S+)",
                      (REPO / "README.md").read_text(encoding="utf-8"))
    assert uses and set(uses) == {tag}
    source = tmp_path / "action"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", tag,
                    released.as_uri(), str(source)], check=True, capture_output=True)
    runner = tmp_path / "runner"
    runner.mkdir()
    environ = runner_environment(workspace, runner, python="")
    environ["GITHUB_ACTION_PATH"] = str(source)
    install = action["runs"]["steps"][0]
    run = run_step(install, workspace, runner, environ)
    assert run.returncode == 0, run.stdout + run.stderr
    exported = dict(line.split("=", 1) for line in
                    (runner / "env").read_text(encoding="utf-8").splitlines())
    environ.update(exported)
    step = check_step(action)
    environ.update(step_environment(action, step, {"paths": "manifests"}))
    run = run_step(step, workspace, runner, environ)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "::error file=manifests/bad/llm-project.yaml" in run.stdout
    assert Path(outputs_of(runner)["sarif-file"]).is_file()


# --- README ---------------------------------------------------------------------------------

def readme_blocks(language: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## CI integration", 1)[1]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


def test_readme_workflow_snippet_is_a_valid_workflow_using_this_action() -> None:
    workflow = load_yaml(readme_blocks("yaml")[0])
    assert builtin_schema_errors("github-workflows", workflow) == []
    steps = workflow["jobs"]["ragft-lint"]["steps"]
    ours = next(step for step in steps if "with" in step and "paths" in step["with"])
    action = load_yaml((REPO / "action.yml").read_text(encoding="utf-8"))
    assert set(ours["with"]) <= set(action["inputs"])
    upload = next(step for step in steps if "upload-sarif" in step["uses"])
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{ours['id']}.outputs.sarif-file }}}}"
    assert f"steps.{ours['id']}.outputs.sarif-file != ''" in upload["if"]
    assert "sarif-file" in action["outputs"]


def test_readme_gitlab_snippet_is_a_valid_gitlab_ci_job() -> None:
    pipeline = load_yaml(readme_blocks("yaml")[1])
    assert builtin_schema_errors("gitlab-ci", pipeline) == []
    job = pipeline["ragft-lint"]
    reports = job["artifacts"]["reports"]
    command = next(line for line in job["script"] if line.startswith("ragft-lint "))
    assert f"junit={reports['junit']}" in command
    assert f"gitlab={reports['codequality']}" in command


def test_readme_shell_commands_run(workspace: Path) -> None:
    script = Path(sys.executable).parent / "ragft-lint"
    if not script.exists():
        pytest.skip("the ragft-lint console script is not installed beside this Python")
    commands = [line for block in readme_blocks("sh") for line in block.splitlines()
                if line.startswith("ragft-lint ")]
    assert commands
    for command in commands:
        argv = shlex.split(command)
        run = subprocess.run([str(script), *argv[1:]], cwd=workspace, capture_output=True,
                             text=True, timeout=120, check=False)
        assert run.returncode == 1, run.stderr  # the example manifests include bad ones
        for option in argv:
            if "=" in option and not option.startswith("-"):
                assert (workspace / option.split("=", 1)[1]).is_file(), option
