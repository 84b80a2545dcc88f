"""Configuration: finding the file, its keys, validation errors, command-line overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_manifest, run_cli, to_yaml

# 30 labelled examples for a hybrid: RFT401 (error) at the default minimum of 50;
# RFT402 (warning) once the minimum is lowered below 30.
FEW_EXAMPLES = make_manifest(approach="hybrid", criteria__behavior_adaptation="high",
                             criteria__labeled_examples=30)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with one manifest, made the working directory."""
    (tmp_path / "llm-project.yaml").write_text(to_yaml(FEW_EXAMPLES), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules_found(*args: str) -> tuple[int, list[tuple[str, str]]]:
    result = run_cli("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    return result.exit_code, [(f["rule"], f["severity"]) for f in report["findings"]]


# --- acceptance: fail-on and a threshold from the configuration change the exit code --------

def test_default_run_fails_on_the_error(project: Path) -> None:
    assert rules_found() == (1, [("RFT401", "error")])


def test_threshold_override_turns_the_error_into_a_warning_that_passes(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text("[params]\nmin-labeled-examples = 20\n")
    assert rules_found() == (0, [("RFT402", "warning")])


def test_fail_on_warning_with_the_threshold_override_fails_again(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text(
        'fail-on = "warning"\n\n[params]\nmin-labeled-examples = 20\n')
    assert rules_found() == (1, [("RFT402", "warning")])


def test_command_line_overrides_the_configuration(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text(
        'fail-on = "warning"\n[params]\nmin-labeled-examples = 20\n')
    assert rules_found("--fail-on", "error") == (0, [("RFT402", "warning")])


def test_pyproject_table_is_read(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ragft-lint]\nfail-on = "warning"\n\n'
        "[tool.ragft-lint.params]\nmin-labeled-examples = 20\n")
    assert rules_found() == (1, [("RFT402", "warning")])


# --- finding the file -----------------------------------------------------------------------

def test_found_by_walking_up_from_a_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    (project / ".ragft-lint.toml").write_text("[params]\nmin-labeled-examples = 20\n")
    sub = project / "services" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert rules_found(str(project)) == (0, [("RFT402", "warning")])


def test_dedicated_file_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.ragft-lint]\nfail-on = "info"\n')
    (project / ".ragft-lint.toml").write_text('fail-on = "warning"\n')
    result = run_cli("check", "--show-config")
    assert result.exit_code == 0
    assert f'fail-on = "warning"  # {project / ".ragft-lint.toml"}' in result.stdout


def test_pyproject_without_our_table_does_not_stop_the_search(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".ragft-lint.toml").write_text('fail-on = "warning"\n')
    sub = project / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "pkg"\n[tool.ruff]\nline-length = 9\n')
    monkeypatch.chdir(sub)
    result = run_cli("check", "--show-config")
    assert f"# configuration file: {project / '.ragft-lint.toml'}" in result.stdout


def test_config_option_names_the_file(project: Path, tmp_path_factory: pytest.TempPathFactory
                                      ) -> None:
    (project / ".ragft-lint.toml").write_text('fail-on = "info"\n')
    elsewhere = tmp_path_factory.mktemp("conf") / "strict.toml"
    elsewhere.write_text("[params]\nmin-labeled-examples = 20\n")
    assert rules_found("--config", str(elsewhere)) == (0, [("RFT402", "warning")])


def test_missing_config_option_file_is_an_error(project: Path) -> None:
    result = run_cli("check", "--config", "nope.toml")
    assert result.exit_code == 2
    assert "nope.toml: configuration file does not exist" in result.stderr


# --- acceptance: a bad configuration exits 2 naming the file and the key -------------------

BAD_CONFIGS = [
    ('fial-on = "warning"\n', ":1: unknown key 'fial-on' (did you mean 'fail-on'?)"),
    ('\n\nfail-on = "warn"\n', ":3: fail-on: 'warn' is not one of error, warning, info "
                               "(did you mean 'warning'?)"),
    ('select = "RFT4"\n', ":1: select: expected a list, got the string 'RFT4'"),
    ('select = ["rft4"]\n', ":1: select: 'rft4' is not a rule id or prefix"),
    ('select = ["RFT9"]\n', ":1: select: 'RFT9' matches no rule id"),
    ('ignore = ["RFT41"]\n', ":1: ignore: 'RFT41' matches no rule id (did you mean RFT401?)"),
    ('ignore = ["RFT003"]\n', ":1: ignore: RFT003 names core rules only"),
    ('ignore = ["RFT00"]\n', ":1: ignore: RFT00 names core rules only"),
    ('[severity]\nRFT499 = "info"\n', ":2: severity.RFT499: unknown rule id"),
    ('[severity]\nRFT401 = "low"\n', ":2: severity.RFT401: 'low' is not one of error, warning"),
    ('[severity]\nRFT002 = "info"\n', ":2: severity.RFT002: core rules (RFT001-RFT008) keep "
                                      "their severity"),
    ('severity = {rft = "info"}\n', ":1: severity: 'rft' is not a rule id"),
    ('[params]\nmin-labeled-exmples = 5\n', ":2: params.min-labeled-exmples: unknown policy "
                                            "parameter (did you mean min-labeled-examples?)"),
    ('[params]\nmin_labeled_examples = 5\n', ":2: params: 'min_labeled_examples' is not "
                                             "kebab-case; write 'min-labeled-examples'"),
    ('[params]\nmin-labeled-examples = "lots"\n', ":2: params.min-labeled-examples: expected "
                                                  "a number (the default is 50), got 'lots'"),
    ('[params]\nmin-labeled-examples = [1]\n', ":2: params.min-labeled-examples: expected a "
                                               "number or a string"),
    ('[params]\nmin-labeled-examples = true\n', ":2: params.min-labeled-examples: expected "
                                                "a number (the default is 50), got true"),
    # An inline table before a [table]: the line is the inline table's, not lost.
    ('severity = {RFT499 = "info"}\n[params]\nmin-labeled-examples = 20\n',
     ":1: severity.RFT499: unknown rule id (did you mean RFT403?)"),
    ("exclude = [1]\n", ":1: exclude[0]: expected a string, got the integer 1"),
    ('policy-paths = ["missing"]\n', ":1: policy-paths: 'missing' is not a folder"),
    ("entry-points = 1\n", ":1: entry-points: expected a boolean"),
    ('fail-on = "error\n', ": not valid TOML: "),
]


# Ids without square brackets: pytest cannot select a case such as `[severity]` by its node
# id, which is how mutmut runs the tests that cover a mutant.
@pytest.mark.parametrize(("text", "expected"), BAD_CONFIGS,
                         ids=[" ".join(c[0].split()).translate(str.maketrans("[]", "()"))
                              for c in BAD_CONFIGS])
def test_bad_configuration_exits_2_naming_file_and_key(project: Path, text: str,
                                                       expected: str) -> None:
    config = project / ".ragft-lint.toml"
    config.write_text(text)
    result = run_cli("check")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ragft-lint: error: {config}")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # nothing reported before the setup is known to be right


def test_bad_key_in_pyproject_names_the_table(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.ragft-lint]\n'
                                            'fail-on = "error"\nselekt = ["RFT4"]\n')
    result = run_cli("check")
    assert result.exit_code == 2
    assert (f"{project / 'pyproject.toml'}:6: [tool.ragft-lint] unknown key 'selekt' "
            "(did you mean 'select'?)") in result.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ("[tool]\nragft-lint = 1\n", "tool.ragft-lint must be a table"),
    ('[tool.ragft-lint]\nfail-on = "error\n', "not valid TOML: "),
    # Too large to read: refused by name, not skipped as if it had no table of ours.
    ("# ragft-lint\n" + "#" * (1 << 20) + "\n", "cannot read configuration file: "),
], ids=["not-a-table", "broken-toml", "too-large"])
def test_a_pyproject_that_may_hold_our_table_but_cannot_be_read_is_exit_2(
        project: Path, text: str, expected: str) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(text)
    result = run_cli("check")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ragft-lint: error: {pyproject}: {expected}")
    assert result.stdout == ""


def test_bad_command_line_rule_id_is_named(project: Path) -> None:
    result = run_cli("check", "--select", "RFT4,nope")
    assert result.exit_code == 2
    assert "--select: 'nope' is not a rule id or prefix" in result.stderr


def test_unknown_rule_on_command_line_names_the_option(project: Path) -> None:
    result = run_cli("check", "--ignore", "RFT999")
    assert result.exit_code == 2
    assert "command line: --ignore: 'RFT999' matches no rule id" in result.stderr


# --- rule selection, severities, exclude ------------------------------------------------------

def test_select_by_prefix_runs_only_those_policy_rules(project: Path) -> None:
    (project / "llm-project.yaml").write_text(to_yaml(make_manifest(
        approach="fine-tune", criteria__labeled_examples=30)))
    _, everything = rules_found()
    assert {"RFT101", "RFT401", "RFT501"} <= {rule for rule, _ in everything}
    (project / ".ragft-lint.toml").write_text('select = ["RFT4", "RFT5"]\n')
    _, selected = rules_found()
    assert {rule for rule, _ in selected} == {rule for rule, _ in everything
                                               if rule.startswith(("RFT4", "RFT5"))}


def test_ignore_wins_over_select(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('select = ["RFT4"]\nignore = ["RFT401"]\n')
    assert rules_found() == (0, [])


def test_select_never_switches_off_core_rules(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('select = ["RFT401"]\n')
    (project / "llm-project.yaml").write_text("schema_version: 1\nproject: x\n")
    code, found = rules_found()
    assert code == 1
    assert ("RFT003", "error") in found


def test_severity_override(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('[severity]\nRFT401 = "warning"\n')
    assert rules_found() == (0, [("RFT401", "warning")])
    assert rules_found("--fail-on", "warning") == (1, [("RFT401", "warning")])


def test_waiver_for_an_ignored_rule_is_not_reported_unused(project: Path) -> None:
    manifest = dict(FEW_EXAMPLES, waivers=[
        {"rule": "RFT401", "reason": "vendor contracted", "expires": "2999-01-01"}])
    (project / "llm-project.yaml").write_text(to_yaml(manifest))
    (project / ".ragft-lint.toml").write_text('ignore = ["RFT401"]\n')
    assert rules_found() == (0, [])


def test_exclude_globs_skip_folders_during_discovery(project: Path) -> None:
    legacy = project / "legacy" / "old-bot"
    legacy.mkdir(parents=True)
    (legacy / "llm-project.yaml").write_text("not: [valid")
    (project / ".ragft-lint.toml").write_text('exclude = ["legacy"]\n')
    result = run_cli("check", "--format", "json")
    assert json.loads(result.stdout)["summary"]["files_checked"] == 1
    result = run_cli("check", "--format", "json", "--exclude", "nothing-here")
    assert json.loads(result.stdout)["summary"]["files_checked"] == 2


# --- --show-config ---------------------------------------------------------------------------

def test_show_config_says_where_each_value_came_from(project: Path) -> None:
    config = project / ".ragft-lint.toml"
    config.write_text('fail-on = "warning"\nselect = ["RFT4", "RFT6"]\nignore = ["RFT6"]\n'
                      'entry-points = true\n[severity]\nRFT402 = "error"\n[params]\n'
                      "min-labeled-examples = 20\n")
    result = run_cli("check", "--show-config", "--ignore", "RFT7")
    assert result.exit_code == 0
    out = result.stdout
    assert f'select = ["RFT4", "RFT6"]  # {config}' in out
    assert f"entry-points = true  # {config}" in out
    assert f'RFT402 = "error"  # {config}' in out
    assert f"# configuration file: {config}" in out
    assert f'fail-on = "warning"  # {config}' in out
    assert 'ignore = ["RFT7"]  # command line' in out
    assert "exclude = []  # default" in out
    assert f"min-labeled-examples = 20  # {config}; used by RFT401, RFT402" in out
    assert "recommended-labeled-examples = 1000  # default; used by RFT402" in out
    from ragft_lint.core.policy import load_builtin_policies

    ids = [p.id for p in load_builtin_policies()]
    run = [i for i in ids if i.startswith(("RFT4", "RFT6")) and not i.startswith("RFT7")]
    assert f"# rules run: {len(run)} of {len(ids)} policy rules" in out
    # What it prints is itself a configuration file ragft-lint accepts.
    shown = project / "shown.toml"
    shown.write_text(out)
    again = run_cli("check", "--show-config", "--config", str(shown))
    assert again.exit_code == 0
    assert 'ignore = ["RFT7"]' in again.stdout


def test_show_config_with_no_file(project: Path) -> None:
    result = run_cli("check", "--show-config")
    assert result.exit_code == 0
    assert "# configuration file: none" in result.stdout
    assert 'fail-on = "error"  # default' in result.stdout


def test_pyproject_mentioning_the_tool_elsewhere_is_not_a_configuration(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".ragft-lint.toml").write_text('fail-on = "warning"\n')
    sub = project / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "pkg"\n'
                                        'dependencies = ["ragft-lint>=0.1"]\n')
    monkeypatch.chdir(sub)
    assert f"# configuration file: {project / '.ragft-lint.toml'}" in run_cli(
        "check", "--show-config").stdout


def test_pyproject_table_in_dotted_spelling_is_found(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool]\nragft-lint.fail-on = "warning"\n'
                                            'ragft-lint.params.min-labeled-examples = 20\n')
    assert rules_found() == (1, [("RFT402", "warning")])


# --- extend and the nearest configuration per manifest ----------------------------------------

def test_extend_inherits_and_overrides_key_by_key(project: Path) -> None:
    (project / "team.toml").write_text('fail-on = "warning"\n[params]\n'
                                       "min-labeled-examples = 20\n"
                                       "recommended-labeled-examples = 25\n")
    (project / ".ragft-lint.toml").write_text('extend = "team.toml"\n[params]\n'
                                              "recommended-labeled-examples = 1000\n")
    # min 20 (inherited) keeps RFT401 away; recommended 1000 (own) makes 30 a warning,
    # which fails under the inherited fail-on = "warning".
    assert rules_found() == (1, [("RFT402", "warning")])
    shown = run_cli("check", "--show-config").stdout
    assert f"min-labeled-examples = 20  # {project / 'team.toml'}" in shown
    assert f"recommended-labeled-examples = 1000  # {project / '.ragft-lint.toml'}" in shown


def test_extend_cycle_is_refused_naming_the_files(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('extend = "a.toml"\n')
    (project / "a.toml").write_text('extend = "b.toml"\n')
    (project / "b.toml").write_text('\n\nextend = "a.toml"\n')
    result = run_cli("check")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"ragft-lint: error: {project / 'b.toml'}:3: extend: extends form a cycle: "
        f"{project / '.ragft-lint.toml'} -> {project / 'a.toml'} -> {project / 'b.toml'} -> "
        f"{project / 'a.toml'}")


def test_extend_of_a_missing_file_names_it(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('extend = "nowhere.toml"\n')
    result = run_cli("check")
    assert result.exit_code == 2
    assert f"{project / '.ragft-lint.toml'}:1: extend: 'nowhere.toml' does not exist" in (
        result.stderr)


def test_an_error_in_an_extended_file_names_that_file(project: Path) -> None:
    (project / "team.toml").write_text('[params]\nmin-labeled-exmples = 20\n')
    (project / ".ragft-lint.toml").write_text('extend = "team.toml"\n')
    result = run_cli("check")
    assert result.exit_code == 2
    assert f"{project / 'team.toml'}:2: params.min-labeled-exmples: unknown" in result.stderr


def test_each_manifest_gets_the_nearest_configuration(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('fail-on = "warning"\n')
    service = project / "svc"
    service.mkdir()
    (service / "llm-project.yaml").write_text(to_yaml(FEW_EXAMPLES), encoding="utf-8")
    (service / ".ragft-lint.toml").write_text('[params]\nmin-labeled-examples = 20\n')
    result = run_cli("check", "--format", "json")
    by_file = {(f["file"], f["rule"]) for f in json.loads(result.stdout)["findings"]}
    assert by_file == {("llm-project.yaml", "RFT401"), ("svc/llm-project.yaml", "RFT402")}
    # svc's own file does not say fail-on: the default (error) applies there, not the
    # parent's "warning": configurations are not merged without `extend`.
    alone = run_cli("check", "svc/llm-project.yaml")
    assert alone.exit_code == 0, alone.output


def test_the_search_stops_at_the_repository_root(project: Path) -> None:
    (project / ".ragft-lint.toml").write_text('fail-on = "warning"\n[params]\n'
                                              "min-labeled-examples = 20\n")
    repo = project / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "llm-project.yaml").write_text(to_yaml(FEW_EXAMPLES), encoding="utf-8")
    assert rules_found(str(repo)) == (1, [("RFT401", "error")])
