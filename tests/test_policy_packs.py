"""Team policy packs: picked up by flag, by configuration and by an installed entry point;
clashes and malformed policies are setup errors (exit 2) naming file and line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import make_manifest, run_cli, to_yaml

REPO = Path(__file__).resolve().parents[1]
ACME001 = REPO / "examples" / "policies" / "ACME001-customer-facing-needs-interpretability.yaml"

# Customer-facing with interpretability medium: only the team policy ACME001 fires.
CUSTOMER_FACING = make_manifest(criteria__interpretability="medium",
                                metadata={"customer_facing": True, "owner_team": "web"})


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "llm-project.yaml").write_text(to_yaml(CUSTOMER_FACING), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A custom pack in a temporary folder: the worked example policy."""
    folder = tmp_path / "team-policies"
    folder.mkdir()
    shutil.copy(ACME001, folder)
    return folder


def found(*args: str) -> tuple[int, list[str]]:
    result = run_cli("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, [f["rule"] for f in json.loads(result.stdout)["findings"]]


# --- acceptance: picked up by flag, by configuration, by an installed entry point -------------

def test_builtin_pack_alone_passes_the_manifest(project: Path) -> None:
    assert found() == (0, [])


def test_pack_by_flag(project: Path, pack: Path) -> None:
    result = run_cli("check", "--policies", str(pack))
    assert result.exit_code == 1
    assert ("llm-project.yaml:14:3: error ACME001 project 'support-assistant' is "
            "customer-facing (metadata.customer_facing is true), so interpretability must be "
            "'high', but it is 'medium'") in result.stdout


def test_bibliography_beside_a_pack_is_not_taken_for_a_policy(project: Path, pack: Path) -> None:
    # sources.yaml holds the works a pack's evidence cites; it is data, not a rule, so a
    # pack folder that carries one still loads and runs exactly its policies.
    (pack / "sources.yaml").write_text(
        "sources:\n  - id: acme-handbook\n    title: Acme AI handbook\n    author: Acme\n"
        "    year: 2026\n    url: https://wiki.acme.example/handbook\n", encoding="utf-8")
    assert found("--policies", str(pack)) == (1, ["ACME001"])


def test_builtin_bibliography_ships_beside_the_policies_and_is_no_policy() -> None:
    from ragft_lint.core.policy import load_policy_dir
    from ragft_lint.core.resources import builtin_policy_dir

    folder = builtin_policy_dir()
    assert (folder / "sources.yaml").is_file()
    assert all(policy.id.startswith("RFT") for policy in load_policy_dir(folder))


def test_pack_by_configuration_relative_to_the_config_file(
        project: Path, pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".ragft-lint.toml").write_text('policy-paths = ["team-policies"]\n')
    sub = project / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)  # the path is relative to the configuration file, not the cwd
    assert found(str(project)) == (1, ["ACME001"])


def test_configuration_overrides_a_custom_policy_parameter(project: Path, pack: Path) -> None:
    (project / ".ragft-lint.toml").write_text(
        'policy-paths = ["team-policies"]\n[params]\ncustomer-facing-interpretability = '
        '"medium"\n')
    assert found() == (0, [])


def test_custom_policy_rules_can_be_selected_and_overridden(project: Path, pack: Path) -> None:
    (project / ".ragft-lint.toml").write_text(
        'policy-paths = ["team-policies"]\nselect = ["ACME"]\n[severity]\nACME001 = "info"\n')
    result = run_cli("check", "--format", "json")
    assert result.exit_code == 0
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("ACME001", "info")]


def _write_distribution(site: Path, module: str, entry_value: str, files: dict[str, str]
                        ) -> None:
    """What pip leaves in site-packages for a tiny pack: the package and its .dist-info."""
    package = site / module
    package.mkdir(parents=True)
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    info = site / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[ragft_lint.policies]\nacme = {entry_value}\n")


def test_pack_by_entry_point_in_process(project: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _write_distribution(site, "acme_pack_inproc", "acme_pack_inproc",
                        {"__init__.py": "", ACME001.name: ACME001.read_text()})
    monkeypatch.syspath_prepend(str(site))
    assert found() == (1, ["ACME001"])
    show = run_cli("check", "--show-config").stdout
    assert "# policies: 1 from installed pack acme = acme_pack_inproc" in show
    # A run that must not depend on what is installed can switch packs off.
    (project / ".ragft-lint.toml").write_text("entry-points = false\n")
    assert found() == (0, [])


def test_entry_point_may_be_a_callable_returning_a_folder(project: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    code = textwrap.dedent("""
        from importlib.resources import files

        def policies():
            return files(__name__) / "data"
    """)
    _write_distribution(site, "acme_pack_callable", "acme_pack_callable:policies",
                        {"__init__.py": code})
    (site / "acme_pack_callable" / "data").mkdir()
    shutil.copy(ACME001, site / "acme_pack_callable" / "data")
    monkeypatch.syspath_prepend(str(site))
    assert found() == (1, ["ACME001"])


def test_broken_entry_point_is_a_setup_error(project: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _write_distribution(site, "acme_pack_broken", "acme_pack_broken:missing",
                        {"__init__.py": ""})
    monkeypatch.syspath_prepend(str(site))
    result = run_cli("check")
    assert result.exit_code == 2
    # No file to name: the message starts at once (no "None: " where a file would stand).
    assert result.stderr.startswith("ragft-lint: error: cannot load installed pack acme = "
                                    "acme_pack_broken:missing: AttributeError")


def test_entry_point_with_no_policy_files_is_a_setup_error(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _write_distribution(site, "acme_pack_empty", "acme_pack_empty", {"__init__.py": ""})
    monkeypatch.syspath_prepend(str(site))
    result = run_cli("check")
    assert result.exit_code == 2
    assert "installed pack acme = acme_pack_empty: no policy files" in result.stderr


def _build_wheel(folder: Path) -> Path:
    """A real wheel of a tiny pack, made as a zip (PEP 427) so no build backend is needed."""
    import base64
    import hashlib
    import zipfile

    name = "acme_ragft_policies"
    info = f"{name}-1.0.dist-info"
    files = {
        f"{name}/__init__.py": '"""The Acme ragft-lint policy pack."""\n',
        f"{name}/{ACME001.name}": ACME001.read_text(),
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: acme-ragft-policies\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[ragft_lint.policies]\nacme = {name}\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


@pytest.mark.slow
def test_pack_by_entry_point_of_a_pip_installed_package(project: Path, tmp_path: Path) -> None:
    """pip installs a real wheel of a pack; the console script then applies its policy."""
    wheel = _build_wheel(tmp_path)
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    assert (target / "acme_ragft_policies" / ACME001.name).is_file()
    script = shutil.which("ragft-lint", path=os.path.dirname(sys.executable))
    assert script is not None
    env = {**os.environ, "PYTHONPATH": str(target)}
    with_pack = subprocess.run([script, "check"], cwd=project, env=env, capture_output=True,
                               text=True, timeout=60, check=False)
    assert with_pack.returncode == 1, with_pack.stderr
    assert " error ACME001 " in with_pack.stdout
    without = subprocess.run([script, "check"], cwd=project, capture_output=True, text=True,
                             timeout=60, check=False)
    assert without.returncode == 0, without.stdout + without.stderr


@pytest.mark.slow
def test_default_run_does_not_import_importlib_metadata(project: Path) -> None:
    """The entry point lookup (~25 ms) happens only when some distribution declares a pack."""
    probe = ("import sys; from ragft_lint.cli import main; code = main(['check']); "
             "print(code, 'importlib.metadata' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.stdout.splitlines()[-1] == "0 False", run.stdout + run.stderr


# --- clashes ---------------------------------------------------------------------------------

def test_id_clash_between_two_packs_names_both_files(project: Path, pack: Path,
                                                     tmp_path: Path) -> None:
    other = tmp_path / "other-pack"
    other.mkdir()
    clone = other / "copy.yaml"
    clone.write_text(ACME001.read_text().replace("name: customer-facing-needs-interpretability",
                                                 "name: another-rule"))
    result = run_cli("check", "--policies", str(pack), "--policies", str(other))
    assert result.exit_code == 2
    assert str(clone) in result.stderr
    assert str(pack / ACME001.name) in result.stderr
    assert "policy id ACME001 is already defined in" in result.stderr


def test_one_parameter_with_two_defaults_names_both_files(project: Path, pack: Path,
                                                         tmp_path: Path) -> None:
    other = tmp_path / "other-pack"
    other.mkdir()
    clone = other / "ACME002.yaml"
    clone.write_text(ACME001.read_text().replace("id: ACME001", "id: ACME002").replace(
        "customer_facing_interpretability: high", "customer_facing_interpretability: medium"))
    result = run_cli("check", "--policies", str(pack), "--policies", str(other))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"ragft-lint: error: {clone}: parameter 'customer_facing_interpretability' defaults "
        f"to 'medium' here but to 'high' in {pack / ACME001.name}; a parameter has one default")


def test_id_clash_with_a_builtin_policy_names_both_files(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "clash"
    folder.mkdir()
    (folder / "mine.yaml").write_text(ACME001.read_text().replace("id: ACME001", "id: RFT401"))
    result = run_cli("check", "--policies", str(folder))
    assert result.exit_code == 2
    assert "policy id RFT401 is already defined in" in result.stderr
    assert "RFT401-too-few-labeled-examples.yaml" in result.stderr
    assert str(folder / "mine.yaml") in result.stderr


def test_id_of_a_core_rule_is_refused(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "core"
    folder.mkdir()
    (folder / "mine.yaml").write_text(ACME001.read_text().replace("id: ACME001", "id: RFT003"))
    result = run_cli("check", "--policies", str(folder))
    assert result.exit_code == 2
    assert f"{folder / 'mine.yaml'}: policy id RFT003 is the id of a core rule" in result.stderr


def test_missing_policies_folder_is_a_usage_error(project: Path) -> None:
    result = run_cli("check", "--policies", "no-such-folder")
    assert result.exit_code == 2
    assert "no-such-folder" in result.stderr


# --- acceptance: a broken policy gives exit 2 with file and line ------------------------------

BASE = ACME001.read_text()


def _replace(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


WHEN_START = "when:\n  required: [metadata, criteria]\n"
MALFORMED = [
    ("bad-yaml", _replace("severity: error", "severity: [error"), 12,
     "invalid YAML: did not find expected ',' or ']'"),
    ("duplicate-key", _replace("severity: error", "severity: error\nseverity: info"), 11,
     "duplicate key 'severity'"),
    ("missing-key", _replace("rationale: >-", "rationals: >-"), 33,
     "invalid policy: unknown key 'rationals' (did you mean 'rationale'?)"),
    ("missing-when", BASE.replace(WHEN_START, "whence:\n  required: [metadata, criteria]\n"),
     20, "invalid policy: unknown key 'whence' (did you mean 'when'?)"),
    ("when-not-a-mapping", re.sub(r"(?ms)^when:.*?(?=^message:)", "when: [metadata]\n", BASE), 20,
     "invalid policy: when: expected a mapping, got a list"),
    ("when-bad-keyword-value", _replace(WHEN_START, WHEN_START + "  minProperties: many\n"), 22,
     "'when' is not a valid JSON Schema: 'many' is not of type 'integer'"),
    ("when-bad-regex", _replace("        customer_facing: {const: true}\n",
                                "        customer_facing: {const: true}\n"
                                "        team: {pattern: '(['}\n"), 27,
     "'when' is not a valid JSON Schema: '([' is not a 'regex'"),
    ("when-remote-ref", _replace(WHEN_START, WHEN_START + "  $ref: 'https://example.com/x'\n"),
     22, "'when' may only $ref inside itself"),
    ("when-dangling-ref", _replace(WHEN_START, WHEN_START + "  $ref: '#/$defs/nope'\n"), 22,
     "$ref '#/$defs/nope' points at nothing inside 'when'"),
    ("undeclared-param", _replace("{$param: customer_facing_interpretability}",
                                  "{$param: level}"), 30,
     "parameter 'level' is used but not declared under params"),
    ("param-bad-value", _replace("customer_facing_interpretability: high",
                                 "customer_facing_interpretability: [high]"), 17,
     "params.customer_facing_interpretability: expected a number or a string or a boolean"),
    ("message-unknown-field", _replace("'{project}'", "'{team}'"), 31,
     "message uses {team}; it may use {approach}, {base_model}, "
     "{customer_facing_interpretability}, {project}, {value}"),
    ("message-attribute-field", _replace("'{project}'", "'{project.__class__}'"), 31,
     "message uses {project.__class__}"),
    ("message-format-spec", _replace("'{project}'", "'{project!r}'"), 31,
     "message fields are plain names"),
    ("message-unbalanced", _replace("'{project}'", "'{project'"), 31,
     "message: unexpected '{' in field name"),
    ("remediation-unknown-field", _replace("to the required level", "to {level}"), 36,
     "invalid policy: remediation uses {level}; it may use only the params by name: "
     "{customer_facing_interpretability}"),
    ("remediation-unbalanced", _replace("to the required level", "to {the required level"),
     36, "(write literal braces as {{ and }})"),  # after Python's own words, which vary
    ("when-forbidden-keyword", _replace(WHEN_START, WHEN_START + "  $id: 'urn:x'\n"), 22,
     "'when' may not use $id: a condition is self-contained"),
    ("when-ref-cycle", _replace(WHEN_START, WHEN_START + "  $defs:\n    a: {$ref: '#/$defs/b'}\n"
                                "    b: {$ref: '#/$defs/a'}\n  $ref: '#/$defs/a'\n"), 23,
     "'when' refers to itself through $ref (/$defs/b -> /$defs/a -> /$defs/b); a recursive "
     "condition would never finish evaluating"),
    ("bad-id", _replace("id: ACME001", "id: acme-1"), 5,
     "id: 'acme-1' does not match '^[A-Z][A-Z0-9]*[0-9]$'"),
    ("bad-severity", _replace("severity: error", "severity: fatal"), 10,
     "severity: 'fatal' is not one of error, warning, info"),
    ("no-fail-examples", _replace("  fail:\n", "  fail: []\n  extra:\n"), 50,
     "examples: unknown key 'extra'"),
    ("no-evidence", re.sub(r"(?ms)^evidence:.*?(?=^examples:)", "", BASE), 5,
     "invalid policy: missing required key 'evidence'"),
    ("empty-evidence", re.sub(r"(?ms)^evidence:.*?(?=^examples:)", "evidence: []\n", BASE), 42,
     "evidence: must have at least 1 item"),
    ("unknown-source", _replace("source: hotz-2023", "source: hotz-2022"), 43,
     "evidence cites unknown source 'hotz-2022' (did you mean 'hotz-2023'?)"),
    ("bad-strength", _replace("strength: strong", "strength: certain"), 44,
     "strength: 'certain' is not one of strong, moderate, weak"),
    ("python-tag", _replace("severity: error", "severity: !!python/object/apply:os.system [id]"),
     10, "tag !!python/object/apply:os.system is not allowed"),
    ("not-a-mapping", "- just\n- a list\n", 1, "invalid policy: expected a mapping, got a list"),
]


@pytest.mark.parametrize(("name", "text", "line", "problem"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("command", ["check", "test-policies"])
def test_malformed_policy_exits_2_with_file_line_and_problem(
        project: Path, tmp_path: Path, command: str, name: str, text: str, line: int,
        problem: str) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    policy = folder / f"{name}.yaml"
    policy.write_text(text, encoding="utf-8")
    args = ["check", "--policies", str(folder)] if command == "check" else [command, str(folder)]
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ragft-lint: error: {policy}:{line}: "), result.stderr
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_configured_value_that_breaks_a_condition_is_a_config_error(project: Path,
                                                                    tmp_path: Path) -> None:
    folder = tmp_path / "pattern-pack"
    folder.mkdir()
    text = ACME001.read_text().replace(
        "customer_facing_interpretability: high",
        "customer_facing_interpretability: high\n  project_pattern: '^[a-z-]+$'").replace(
        "        customer_facing: {const: true}\n",
        "        customer_facing: {const: true}\n"
        "    project: {pattern: {$param: project_pattern}}\n")
    (folder / "p.yaml").write_text(text)
    assert found("--policies", str(folder)) == (1, ["ACME001"])
    config = project / ".ragft-lint.toml"
    config.write_text("[params]\nproject-pattern = '(['\n")
    result = run_cli("check", "--policies", str(folder))
    assert result.exit_code == 2
    assert (f"{config}:2: params.project-pattern: makes the condition of ACME001 "
            f"({folder / 'p.yaml'}) invalid: '([' is not a 'regex'") in result.stderr


def test_the_files_a_policy_folder_is_read_from_are_its_policies_and_bibliography(
        tmp_path: Path) -> None:
    # What the link check looks at before a folder is loaded: exactly what loading reads.
    from ragft_lint.core.policy import iter_folder_files

    folder = tmp_path / "team-policies"
    folder.mkdir()
    for name in ("b.yml", "a.yaml", "sources.yaml", "README.md", "notes.yaml.bak"):
        (folder / name).write_text("", encoding="utf-8")
    (folder / "scoring.yaml").mkdir()  # a folder named like a policy is never read
    (folder / "scoring.yaml" / "x.yaml").write_text("", encoding="utf-8")
    assert list(iter_folder_files(str(folder))) == [
        str(folder / name) for name in ("a.yaml", "b.yml", "sources.yaml")]
