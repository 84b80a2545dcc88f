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
    assert set(action["inputs"]) == {"paths", "fail-on", "sarif-file"}
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


def step_environment(step: dict[str, Any], inputs: dict[str, str]) -> dict[str, str]:
    """The step's `env:` with `${{ inputs.x }}` evaluated (and nothing else allowed)."""

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


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(GOLDEN / "manifests", root / "manifests")
    (root / ".git").mkdir()
    return root


def runner_environment(workspace: Path, runner: Path, python: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("GITHUB_", "RUNNER_", "RAGFT_LINT_"))}
    environ.update({
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(runner), "GITHUB_ENV": str(runner / "env"),
        "GITHUB_OUTPUT": str(runner / "output"), "GITHUB_STEP_SUMMARY": str(runner / "summary"),
        "RAGFT_LINT_PYTHON": python,
    })
    for name in ("env", "output", "summary"):
        (runner / name).touch()
    return environ


def outputs_of(runner: Path) -> dict[str, str]:
    lines = (runner / "output").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize(("inputs", "exit_code"), [
    ({"paths": "manifests/bad manifests/good", "fail-on": "error",
      "sarif-file": "ragft-lint.sarif"}, 1),
    ({"paths": "manifests/good manifests/waived", "fail-on": "info", "sarif-file": ""}, 0),
    ({"paths": "manifests/broken", "fail-on": "bogus", "sarif-file": "r.sarif"}, 2),
])
def test_the_check_step_runs_as_the_runner_would(
        action: dict[str, Any], workspace: Path, tmp_path: Path, inputs: dict[str, str],
        exit_code: int) -> None:
    step = check_step(action)
    runner = tmp_path / "runner"
    runner.mkdir()
    environ = runner_environment(workspace, runner, sys.executable)
    environ.update(step_environment(step, inputs))
    run = run_step(step, workspace, runner, environ)
    assert run.returncode == exit_code, run.stdout + run.stderr
    assert outputs_of(runner) == {"sarif-file": inputs["sarif-file"],
                                  "exit-code": str(exit_code)}
    summary = (runner / "summary").read_text(encoding="utf-8")
    sarif = workspace / inputs["sarif-file"] if inputs["sarif-file"] else None
    if exit_code == 2:
        assert "invalid value for '--fail-on'" in run.stderr.lower()
        return
    assert summary.startswith("## ragft-lint")
    if exit_code == 1:
        assert "::error file=manifests/bad/llm-project.yaml,line=13," in run.stdout
        assert "manifests/bad/llm-project.yaml:13:3: error RFT401" in run.stdout
        assert "### manifests/bad/llm-project.yaml" in summary
    else:
        assert "::error" not in run.stdout
    if sarif is not None:
        log = json.loads(sarif.read_text(encoding="utf-8"))
        assert log["version"] == "2.1.0"
        assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"RFT401", "RFT101"}
    assert not (workspace / "ragft-lint.sarif").exists() or sarif is not None


@pytest.mark.slow
def test_the_action_installs_itself_and_checks(action: dict[str, Any], workspace: Path,
                                               tmp_path: Path) -> None:
    """Both steps, install included: the action's own source, pip-installed into a venv."""
    source = tmp_path / "action"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".ci", "tests", "build", "*.egg-info", "__pycache__", ".*_cache"))
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
    environ.update(step_environment(step, {"paths": "manifests", "fail-on": "error",
                                           "sarif-file": "out.sarif"}))
    run = run_step(step, workspace, runner, environ)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "::error file=manifests/bad/llm-project.yaml" in run.stdout
    assert (workspace / "out.sarif").is_file()


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
    assert upload["with"]["sarif_file"] == ours["with"]["sarif-file"]


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
