"""`ragft-lint check --fix`, `--diff` and `--unsafe-fixes` (issue 12 §2), as a user runs them.

Manifests full of comments go through `--fix` and come back byte for byte the same outside
the fixed values; `--fix` is idempotent; `--diff` writes nothing; fuzzed manifests through
the fixer never raise and never come out unparsable; the installed console script does it
for real in a subprocess.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragft_lint.core.engine import Engine
from ragft_lint.core.manifest import Limits
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.editor.fixer import fix_text
from ragft_lint.reporters.text import unified_diff
from tests.conftest import console_script, run_cli
from tests.test_fuzz import yaml_documents

COMMENTED = """\
# yaml-language-server: $schema=llm-project.schema.json
# The support assistant's needs, reviewed by the ML guild.
schema_version: 1              # the manifest format
project: "support-assistant"   # quoted on purpose
owner: customer-care-ml
approach: finetune             # TYPO: fine-tune
criteria:
  # Criterion 1
  external_data:
    required: yes              # YAML 1.1 habit
    sources:
      - name: product-docs     # the docs site
        kind: 'Document-Store'
  behavior_adaptation: high
  halucination_tolerance: high # misspelt key
  labeled_examples: 50000
  data_dynamics: static
  interpretability: low

# Accepted exceptions.
waivers:
  - rule: RFT101   # fine-tune cannot query the docs: accepted
    reason: the docs are baked in at training time
    expires: 2099-12-31
  - rule: RFT501           # stale: the data is static now
    reason: nightly retraining
    expires: 2099-12-31
"""

SAFELY_FIXED = (COMMENTED
                .replace("approach: finetune", "approach: fine-tune")
                .replace("required: yes", "required: true")
                .replace("kind: 'Document-Store'", "kind: 'document-store'")
                .replace("  halucination_tolerance: high", "  hallucination_tolerance: high"))

WITH_UNSAFE = SAFELY_FIXED.replace(
    "  - rule: RFT501           # stale: the data is static now\n"
    "    reason: nightly retraining\n    expires: 2099-12-31\n", "")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llm-project.yaml").write_text(COMMENTED, encoding="utf-8")
    return tmp_path / "llm-project.yaml"


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_check_marks_each_fixable_finding(project: Path) -> None:
    result = run_cli("check", "--color", "never")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    marked = [line for line in lines if " [*] " in line and line.startswith("llm-project")]
    assert [line.split(":")[1] for line in marked] == ["6", "10", "13", "15"]
    assert "unknown key 'halucination_tolerance'" in marked[3]
    assert all(" RFT003 [*] " in line for line in marked)
    assert lines[-1].endswith(" [*] 4 fixable with `ragft-lint check --fix`.")
    assert read(project) == COMMENTED  # check alone writes nothing


def test_fix_keeps_every_byte_but_the_fixed_values(project: Path) -> None:
    result = run_cli("check", "--fix", "--color", "never")
    assert read(project) == SAFELY_FIXED
    # The remaining finding (an unused waiver: its fix is unsafe) decides the exit code.
    assert result.exit_code == 0, result.stdout
    assert "RFT007" in result.stdout and "RFT003" not in result.stdout
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("Found 1 warning in 1 file checked, 1 waived, 4 fixed.")
    assert summary.endswith(" 1 fix available with `ragft-lint check --fix --unsafe-fixes`.")


def test_fix_is_idempotent(project: Path) -> None:
    run_cli("check", "--fix")
    first = project.read_bytes()
    again = run_cli("check", "--fix", "--color", "never")
    assert project.read_bytes() == first
    assert "fixed" not in again.stdout.splitlines()[-1]


def test_unsafe_fixes_remove_the_unused_waiver(project: Path) -> None:
    result = run_cli("check", "--fix", "--unsafe-fixes", "--color", "never")
    assert read(project) == WITH_UNSAFE
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "All checks passed: 1 file checked, 1 waived, 5 fixed.")


def test_a_fix_that_reveals_another_is_applied_in_a_second_pass(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    # The value under a misspelt key is judged only once the key is known.
    path.write_text(SAFELY_FIXED.replace("approach: fine-tune", "aproach: finetune"),
                    encoding="utf-8")
    result = run_cli("check", "--fix", str(path))
    assert read(path) == SAFELY_FIXED
    assert ", 2 fixed." in result.stdout


def test_fixes_are_counted_across_files(tmp_path: Path) -> None:
    for folder, value in (("one", "hihg"), ("two", "hihg"), ("three", "high")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "llm-project.yaml").write_text(
            SAFELY_FIXED.replace("interpretability: low", f"interpretability: {value}"),
            encoding="utf-8")
    result = run_cli("check", "--fix", "--format", "json", str(tmp_path))
    # Each file now: RFT601 (fine-tune cannot trace answers), a waived finding and an unused
    # waiver, whose removal is an unsafe fix.
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"] == {
        "files_checked": 3, "files_with_findings": 3, "files_skipped_policies": 0,
        "counts": {"info": 0, "warning": 3, "error": 3}, "waived": 3, "baselined": 0,
        "fail_on": "error", "failing": 3, "fixed": 2, "fixable": 0, "unsafe_fixable": 3}


def test_fix_exits_1_when_findings_remain(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = SAFELY_FIXED.replace("interpretability: low", "interpretability: hihg")
    path.write_text(text.replace("data_dynamics: static", "data_dynamics: daily"),
                    encoding="utf-8")
    result = run_cli("check", "--fix", "--color", "never", str(path))
    assert result.exit_code == 1
    assert "interpretability: high" in read(path)
    # The fixed value is judged: fine-tuning cannot trace answers (RFT601, an error).
    assert " error RFT601 " in result.stdout and ", 1 fixed." in result.stdout


def test_diff_shows_the_fixes_and_writes_nothing(project: Path) -> None:
    before = os.stat(project)
    result = run_cli("check", "--diff")
    assert result.exit_code == 1
    assert project.read_bytes() == COMMENTED.encode()
    assert os.stat(project).st_mtime_ns == before.st_mtime_ns
    assert result.stdout == unified_diff("llm-project.yaml", COMMENTED, SAFELY_FIXED)
    assert result.stdout.startswith("--- llm-project.yaml\n+++ llm-project.yaml\n@@ ")
    assert "-approach: finetune             # TYPO: fine-tune\n" in result.stdout
    assert "+approach: fine-tune             # TYPO: fine-tune\n" in result.stdout
    assert result.stderr == ("Would apply 4 fixes to 1 file; `ragft-lint check --fix` "
                             "writes them.\n")


def test_diff_with_unsafe_fixes_shows_the_waiver_going(project: Path) -> None:
    result = run_cli("check", "--diff", "--unsafe-fixes")
    assert result.stdout == unified_diff("llm-project.yaml", COMMENTED, WITH_UNSAFE)
    assert "-  - rule: RFT501           # stale: the data is static now\n" in result.stdout


def test_diff_exits_0_when_there_is_nothing_to_fix(project: Path) -> None:
    project.write_text(WITH_UNSAFE, encoding="utf-8")
    result = run_cli("check", "--diff")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No fixes to apply.\n")
    project.write_text(SAFELY_FIXED, encoding="utf-8")
    result = run_cli("check", "--diff")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "No fixes to apply (1 unsafe: --unsafe-fixes).\n"


def test_json_carries_the_fix_and_its_range(project: Path) -> None:
    result = run_cli("check", "--format", "json")
    report = json.loads(result.stdout)
    by_line = {f["line"]: f for f in report["findings"]}
    assert by_line[6]["fix"] == {
        "message": "Replace 'finetune' with 'fine-tune'", "applicability": "safe",
        "edits": [{"replacement": "fine-tune", "line": 6, "column": 11, "end_line": 6,
                   "end_column": 19}]}
    assert report["summary"]["fixable"] == 4 and report["summary"]["fixed"] == 0
    fixed = json.loads(run_cli("check", "--fix", "--format", "json").stdout)
    [waiver] = fixed["findings"][1:]
    assert waiver["rule"] == "RFT007" and waiver["fix"]["applicability"] == "unsafe"
    assert waiver["fix"]["edits"] == [{"replacement": "", "line": 25, "column": 1,
                                       "end_line": 28, "end_column": 1}]
    assert fixed["summary"]["fixed"] == 4 and fixed["summary"]["unsafe_fixable"] == 1


def test_show_fixes_says_what_the_fix_does(project: Path) -> None:
    project.write_text(SAFELY_FIXED, encoding="utf-8")
    out = run_cli("check", "--show-fixes", "--color", "never").stdout
    assert ("    fix: Remove the unused waiver for RFT501 (unsafe: applied with "
            "--unsafe-fixes)\n") in out
    # An unsafe fix is marked [*] only when --unsafe-fixes would apply it.
    assert " RFT007 [*] " not in out
    assert " RFT007 [*] " in run_cli("check", "--unsafe-fixes", "--color", "never").stdout


# --- what is never written ----------------------------------------------------------------

def test_an_unparsable_manifest_is_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text(COMMENTED + "  bad: [unclosed\n", encoding="utf-8")
    before = os.stat(path)
    result = run_cli("check", "--fix", str(path))
    assert result.exit_code == 1 and "RFT002" in result.stdout
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert read(path) == COMMENTED + "  bad: [unclosed\n"


def test_a_symbolic_link_is_not_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(COMMENTED, encoding="utf-8")
    link = tmp_path / "llm-project.yaml"
    link.symlink_to(real)
    result = run_cli("check", "--fix", str(link))
    assert read(real) == COMMENTED and link.is_symlink()
    assert result.exit_code == 1
    assert result.stderr == (f"ragft-lint: warning: {link}: not fixed: it is a symbolic link, "
                             "and ragft-lint never writes through one (run --fix on the file it "
                             "points to)\n")
    assert " [*] " in result.stdout  # still fixable, and said so


def test_bom_line_endings_and_mode_survive(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    run_cli("check", "--fix", str(path))
    assert path.read_bytes() == b"\xef\xbb\xbf" + SAFELY_FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["llm-project.yaml"]  # no temporary left


def test_fix_cannot_be_combined_with_write_baseline(project: Path) -> None:
    result = run_cli("check", "--fix", "--write-baseline", "b.json")
    assert result.exit_code == 2 and "--write-baseline" in result.stderr
    assert read(project) == COMMENTED


# --- SARIF --------------------------------------------------------------------------------

def test_sarif_fixes_are_valid_sarif_and_pass_the_multitool(project: Path,
                                                            tmp_path: Path) -> None:
    from tests.test_reporters import multitool_results, sarif_schema_errors

    (tmp_path / ".git").mkdir()
    result = run_cli("check", "--format", "sarif", "--unsafe-fixes")
    log = json.loads(result.stdout)
    assert sarif_schema_errors(log) == []
    assert sarif_schema_errors(log, "jest-sarif") == []
    results = log["runs"][0]["results"]
    [approach] = [r for r in results if r["locations"][0]["physicalLocation"]["region"]
                  ["startLine"] == 6]
    assert approach["fixes"] == [{
        "description": {"text": "Replace 'finetune' with 'fine-tune'."},
        "artifactChanges": [{"artifactLocation": {"uri": "llm-project.yaml",
                                                  "uriBaseId": "%SRCROOT%"}, "replacements": [
            {"deletedRegion": {"startLine": 6, "startColumn": 11, "endLine": 6,
                               "endColumn": 19},
             "insertedContent": {"text": "fine-tune"}}]}],
        "properties": {"applicability": "safe"}}]
    assert sum("fixes" in r for r in results) == 4
    target = tmp_path / "fixes.sarif"
    target.write_text(result.stdout, encoding="utf-8")
    problems = [r for r in multitool_results(target, tmp_path)
                if r.get("level", "warning") in ("error", "warning")]
    assert problems == []


# --- the installed console script, for real ----------------------------------------------

@pytest.mark.slow
def test_console_script_fixes_and_diffs(project: Path) -> None:
    script = console_script()
    diff = subprocess.run([script, "check", "--diff"], capture_output=True, text=True,
                          timeout=120, cwd=project.parent)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout == unified_diff("llm-project.yaml", COMMENTED, SAFELY_FIXED)
    assert read(project) == COMMENTED
    fixed = subprocess.run([script, "check", "--fix", "--unsafe-fixes", "--color", "never"],
                           capture_output=True, text=True, timeout=120, cwd=project.parent)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert read(project) == WITH_UNSAFE
    assert fixed.stdout.endswith("5 fixed.\n")
    again = subprocess.run([script, "check", "--diff"], capture_output=True, text=True,
                           timeout=120, cwd=project.parent)
    assert (again.returncode, again.stdout) == (0, "")


# --- fuzzed manifests ---------------------------------------------------------------------

ENGINE = Engine(PolicyPack(load_builtin_policies()), limits=Limits(max_bytes=1 << 16))
FUZZ = settings(max_examples=int(os.environ.get("RAGFT_FUZZ_EXAMPLES", "300")) // 2,
                deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_WORDS = ["rag", "fine-tune", "hybrid", "document-store", "database", "none", "low", "medium",
          "high", "daily", "static", "monthly", "realtime", "true", "false", "RFT501",
          "approach", "criteria", "interpretability", "data_dynamics", "labeled_examples",
          "external_data", "required", "sources", "waivers", "kind", "name"]


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A commented manifest with its words mangled the ways people mangle them."""
    text = COMMENTED if draw(st.booleans()) else WITH_UNSAFE
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        word = draw(st.sampled_from(_WORDS))
        if word not in text:
            continue
        mangle = draw(st.sampled_from(["drop", "swap", "upper", "quote", "dquote", "yes",
                                       "double", "comment"]))
        at = draw(st.integers(min_value=0, max_value=max(len(word) - 2, 0)))
        new = {
            "drop": word[:at] + word[at + 1:],
            "swap": word[:at] + word[at + 1:at + 2] + word[at:at + 1] + word[at + 2:],
            "upper": word.upper(),
            "quote": f"'{word}'",
            "dquote": f'"{word}"',
            "yes": draw(st.sampled_from(["yes", "No", "ON", "off", "y"])),
            "double": word + word[-1],
            "comment": f"{word} # {word}",
        }[mangle]
        text = text.replace(word, new, draw(st.integers(min_value=1, max_value=3)))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


def _parses(result: Any) -> bool:
    return not any(f.rule in ("RFT001", "RFT002") for f in result.findings)


def _comments(text: str) -> list[str]:
    # (A line with quotes may hold a " #" inside a quoted value, which a fix may change.)
    return [line.partition(" #")[2] if "'" not in line and '"' not in line else ""
            for line in text.splitlines()]


def _assert_fixes_well(text: str, unsafe: bool) -> None:
    before = ENGINE.check_text("llm-project.yaml", text)
    outcome = fix_text(ENGINE, "llm-project.yaml", text, unsafe=unsafe)
    if not _parses(before):
        assert outcome.fixed == 0 and outcome.text == text
        return
    assert _parses(outcome.result)
    if not unsafe:  # safe fixes change values and keys in place: no line comes or goes
        assert _comments(outcome.text) == _comments(text)
    again = fix_text(ENGINE, "llm-project.yaml", outcome.text, unsafe=unsafe)
    assert (again.fixed, again.text) == (0, outcome.text)  # idempotent


@FUZZ
@given(near_misses(), st.booleans())
def test_fuzzed_near_misses_fix_cleanly(text: str, unsafe: bool) -> None:
    _assert_fixes_well(text, unsafe)


@FUZZ
@given(st.data())
def test_fuzzed_yaml_never_breaks_the_fixer(data: st.DataObject) -> None:
    _assert_fixes_well(data.draw(yaml_documents()), data.draw(st.booleans()))


# --- real pre-commit: `args: [--fix]`, as with ruff's hook ---------------------------------

@pytest.mark.slow
def test_precommit_hook_with_fix_fixes_and_fails_the_commit(tmp_path: Path) -> None:
    """The shipped hook (its entry, files pattern and serial run) with `args: [--fix]`,
    through the real pre-commit: the manifest is fixed and the hook fails, because
    pre-commit fails a hook that changed a file, so the fix is reviewed before commit."""
    import shutil
    import sys

    from ruamel.yaml import YAML

    if shutil.which("git") is None:
        pytest.skip("pre-commit needs git")
    hooks_file = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    [hook] = YAML(typ="safe", pure=True).load(hooks_file.read_text(encoding="utf-8"))
    # `language: system` runs the installed console script (the hook's own environment is
    # built by tests/test_precommit.py; the behaviour under test here is --fix's).
    entry = hook["entry"].replace("ragft-lint", console_script(), 1)
    config = {"repos": [{"repo": "local", "hooks": [{
        "id": hook["id"], "name": hook["name"], "entry": entry, "language": "system",
        "files": hook["files"], "require_serial": hook["require_serial"],
        "args": ["--fix"]}]}]}
    (tmp_path / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    (tmp_path / "svc").mkdir()
    manifest = tmp_path / "svc" / "llm-project.yaml"
    manifest.write_text(COMMENTED, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".cache"),
           "PRE_COMMIT_COLOR": "never"}
    run = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    first = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=600)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert read(manifest) == SAFELY_FIXED
    assert "4 fixed" in first.stdout
    # Reviewed and staged, the commit goes through: what remains is a warning.
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    second = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert read(manifest) == SAFELY_FIXED


def test_diff_marks_a_last_line_without_a_newline(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = SAFELY_FIXED.split("\n\n# Accepted")[0]  # no final newline
    path.write_text(text.replace("interpretability: low", "interpretability: lo"),
                    encoding="utf-8")
    result = run_cli("check", "--diff", str(path))
    assert result.stdout.endswith("-  interpretability: lo\n\\ No newline at end of file\n"
                                  "+  interpretability: low\n\\ No newline at end of file\n")


def test_a_file_changed_while_being_fixed_is_not_overwritten(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragft_lint.editor import fixer

    real = fixer.fix_text

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        outcome = real(*args, **kwargs)
        project.write_text(COMMENTED + "# edited in the editor meanwhile\n", encoding="utf-8")
        return outcome

    monkeypatch.setattr(fixer, "fix_text", meanwhile)
    result = run_cli("check", "--fix")
    assert read(project) == COMMENTED + "# edited in the editor meanwhile\n"
    assert result.stderr == ("ragft-lint: warning: llm-project.yaml: not fixed: the file "
                             "changed while it was being fixed\n")
    assert result.exit_code == 1 and " [*] " in result.stdout


def test_a_write_that_fails_is_a_warning_and_the_findings_stay(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragft_lint.core import files

    def refuse(path: str, data: Any, *, what: str = "the file") -> None:
        raise files.FileWriteError(f"cannot write {what}: Read-only file system", where=path)

    monkeypatch.setattr(files, "write_atomic", refuse)
    result = run_cli("check", "--fix")
    assert read(project) == COMMENTED
    assert result.stderr == ("ragft-lint: warning: llm-project.yaml: not fixed: cannot write "
                             "the manifest: Read-only file system\n")
    assert result.exit_code == 1


def test_show_config_with_diff_shows_the_configuration_and_writes_nothing(
        project: Path) -> None:
    result = run_cli("check", "--diff", "--show-config")
    assert result.exit_code == 0 and "fail-on" in result.stdout
    assert "+++" not in result.stdout and read(project) == COMMENTED


def test_diff_follows_quiet_and_exit_zero(project: Path) -> None:
    quiet = run_cli("check", "--diff", "--quiet")
    assert (quiet.exit_code, quiet.stderr) == (1, "")
    assert quiet.stdout == unified_diff("llm-project.yaml", COMMENTED, SAFELY_FIXED)
    assert run_cli("check", "--diff", "--exit-zero").exit_code == 0
    assert read(project) == COMMENTED


# --- standard input: the fixed manifest on standard output (ruff's `--fix -`) ------------

def test_fix_on_standard_input_prints_the_fixed_manifest(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--fix", "--stdin-filename", "svc/llm-project.yaml",
                     input=COMMENTED)
    assert result.stdout == SAFELY_FIXED
    assert result.exit_code == 0
    assert "svc/llm-project.yaml:" in result.stderr and " RFT007 " in result.stderr
    assert "4 fixed." in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


def test_unfixable_standard_input_is_echoed_unchanged(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    broken = COMMENTED + "  bad: [unclosed\n"
    result = run_cli("check", "--fix", "-", input=broken)
    assert result.stdout == broken  # an editor replacing its buffer loses nothing
    assert result.exit_code == 1 and " RFT002 " in result.stderr


def test_diff_on_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--diff", "-", input=COMMENTED)
    assert result.exit_code == 1
    assert result.stdout == unified_diff("-", COMMENTED, SAFELY_FIXED)
    assert result.stderr == ("Would apply 4 fixes to 1 file; `ragft-lint check --fix` "
                             "writes them.\n")
