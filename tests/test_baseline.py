"""Baseline: record today's findings, then report only new ones."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_manifest, run_cli, to_yaml

# A fine-tune project that trips several policies at once.
LEGACY = make_manifest(approach="fine-tune", criteria__labeled_examples=30)


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two services with findings and one clean one; the working directory is the root."""
    for name in ("billing", "search"):
        folder = tmp_path / "services" / name
        folder.mkdir(parents=True)
        (folder / "llm-project.yaml").write_text(to_yaml(LEGACY), encoding="utf-8")
    clean = tmp_path / "services" / "docs"
    clean.mkdir()
    (clean / "llm-project.yaml").write_text(to_yaml(make_manifest()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(*args: str) -> tuple[int, dict]:
    result = run_cli("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_round_trip_reports_zero_then_exactly_the_new_finding(monorepo: Path) -> None:
    code, before = report()
    assert code == 1
    assert len(before["findings"]) >= 6

    written = run_cli("check", "--write-baseline", "ragft-baseline.json")
    assert written.exit_code == 0
    assert written.stdout == (f"Wrote ragft-baseline.json: {len(before['findings'])} findings "
                              "recorded from 3 files.\n")

    code, after = report("--baseline", "ragft-baseline.json")
    assert (code, after["findings"]) == (0, [])
    assert after["summary"]["baselined"] == len(before["findings"])

    # One more violation: the clean service starts fine-tuning on daily data.
    docs = monorepo / "services" / "docs" / "llm-project.yaml"
    docs.write_text(to_yaml(make_manifest(approach="hybrid", criteria__behavior_adaptation="high",
                                          criteria__labeled_examples=30)))
    code, new = report("--baseline", "ragft-baseline.json")
    assert code == 1
    assert [(f["file"], f["rule"]) for f in new["findings"]] == [
        ("services/docs/llm-project.yaml", "RFT401")]
    assert new["summary"]["baselined"] == len(before["findings"])


def test_text_summary_counts_baselined_findings(monorepo: Path) -> None:
    run_cli("check", "--write-baseline", "b.json")
    result = run_cli("check", "--baseline", "b.json")
    assert result.exit_code == 0
    assert result.stdout.startswith("All checks passed: 3 files checked, ")
    assert " baselined." in result.stdout


def test_moving_lines_does_not_invalidate_the_baseline(monorepo: Path) -> None:
    run_cli("check", "--write-baseline", "b.json")
    manifest = monorepo / "services" / "billing" / "llm-project.yaml"
    text = manifest.read_text()
    # Comments and blank lines on top, keys reordered: every finding moves to another line.
    data = json.loads(json.dumps(LEGACY))
    reordered = {"criteria": data["criteria"], **{k: v for k, v in data.items()
                                                  if k != "criteria"}}
    manifest.write_text("# moved\n\n# around\n" + to_yaml(reordered))
    assert manifest.read_text() != text
    code, result = report("--baseline", "b.json")
    assert (code, result["findings"]) == (0, [])


def test_baseline_works_from_another_working_directory(monorepo: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    run_cli("check", "--write-baseline", "b.json")
    monkeypatch.chdir(monorepo / "services")
    code, result = report("--baseline", "../b.json", "billing")
    assert (code, result["findings"]) == (0, [])


def test_baseline_file_is_reviewable_json_with_a_version(monorepo: Path) -> None:
    run_cli("check", "--write-baseline", "b.json")
    text = (monorepo / "b.json").read_text()
    data = json.loads(text)
    assert data["version"] == 1
    entry = {"file": "services/billing/llm-project.yaml", "rule": "RFT401",
             "pointer": "/criteria/labeled_examples", "count": 1}
    assert entry in data["findings"]
    # One finding per line, no line numbers: a baseline diff reads like a list of changes.
    assert f"\n    {json.dumps(entry)}" in text
    assert all(set(e) == {"file", "rule", "pointer", "count"} for e in data["findings"])


# labeled_examples: -.inf breaks two schema rules at one key (not an integer, below the
# minimum): two findings with one identity (file, rule, pointer).
TWICE_AT_ONE_KEY = to_yaml(make_manifest()).replace("labeled_examples: 800",
                                                    "labeled_examples: -.inf")


def test_repeated_findings_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("llm-project.yaml").write_text(TWICE_AT_ONE_KEY, encoding="utf-8")
    written = run_cli("check", "--write-baseline", "b.json")
    assert written.stdout == "Wrote b.json: 3 findings recorded from 1 file.\n"
    assert json.loads(Path("b.json").read_text())["findings"] == [
        {"file": "llm-project.yaml", "rule": "RFT003", "pointer": "/criteria/labeled_examples",
         "count": 2},
        {"file": "llm-project.yaml", "rule": "RFT004", "pointer": "", "count": 1}]
    code, result = report("--baseline", "b.json")
    assert (code, result["findings"], result["summary"]["baselined"]) == (0, [], 3)


@pytest.mark.parametrize(("entries", "reported"), [
    # The same entry written twice counts twice: it covers both findings.
    ([1, 1], 0),
    ([1], 1),
    ([2, 5], 0),
])
def test_duplicate_baseline_entries_are_added_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 entries: list[int], reported: int) -> None:
    monkeypatch.chdir(tmp_path)
    Path("llm-project.yaml").write_text(TWICE_AT_ONE_KEY, encoding="utf-8")
    findings = [{"file": "llm-project.yaml", "rule": "RFT003",
                 "pointer": "/criteria/labeled_examples", "count": count} for count in entries]
    findings.append({"file": "llm-project.yaml", "rule": "RFT004", "pointer": "", "count": 1})
    Path("b.json").write_text(json.dumps({"version": 1, "findings": findings}))
    code, result = report("--baseline", "b.json")
    assert [f["rule"] for f in result["findings"]] == ["RFT003"] * reported
    assert result["summary"]["baselined"] == 3 - reported
    assert code == (1 if reported else 0)


def test_empty_baseline_is_written_and_read_back(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("llm-project.yaml").write_text(to_yaml(make_manifest()), encoding="utf-8")
    written = run_cli("check", "--write-baseline", "b.json")
    assert (written.exit_code, written.stdout) == (
        0, "Wrote b.json: 0 findings recorded from 1 file.\n")
    assert json.loads(Path("b.json").read_text()) == {
        "version": 1, "tool": "ragft-lint", "findings": []}
    code, result = report("--baseline", "b.json")
    assert (code, result["findings"], result["summary"]["baselined"]) == (0, [], 0)
    # A finding that appears later is new: an empty baseline hides nothing.
    Path("llm-project.yaml").write_text(TWICE_AT_ONE_KEY, encoding="utf-8")
    code, result = report("--baseline", "b.json")
    assert (code, result["summary"]["baselined"]) == (1, 0)


def test_failed_baseline_write_leaves_nothing_behind(monorepo: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The file is written whole beside its target, then renamed into place: make the rename
    # fail (as it does across devices or on a full disk) and nothing may be left behind.
    (monorepo / "b.json").write_text("the previous baseline")
    before = sorted(p.name for p in monorepo.iterdir())

    def fail(source: str, target: str) -> None:
        assert Path(source).read_text().startswith('{\n  "version": 1,')
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = run_cli("check", "--write-baseline", "b.json")
    assert result.exit_code == 2
    assert result.stderr == ("ragft-lint: error: b.json: cannot write the baseline file: "
                             "No space left on device\n")
    assert sorted(p.name for p in monorepo.iterdir()) == before
    assert (monorepo / "b.json").read_text() == "the previous baseline"


def test_unreadable_files_are_never_baselined(monorepo: Path) -> None:
    broken = monorepo / "services" / "docs" / "llm-project.yaml"
    broken.write_text("project: [unclosed\n")
    run_cli("check", "--write-baseline", "b.json")
    entries = json.loads((monorepo / "b.json").read_text())["findings"]
    assert "RFT002" not in {e["rule"] for e in entries}
    code, result = report("--baseline", "b.json")
    assert code == 1
    assert [f["rule"] for f in result["findings"]] == ["RFT002"]


def test_waived_findings_are_not_recorded(monorepo: Path) -> None:
    waived = make_manifest(approach="hybrid", criteria__behavior_adaptation="high",
                           criteria__labeled_examples=30,
                           waivers=[{"rule": "RFT401", "reason": "vendor",
                                     "expires": "2999-12-31"}])
    (monorepo / "services" / "docs" / "llm-project.yaml").write_text(to_yaml(waived))
    run_cli("check", "--write-baseline", "b.json")
    entries = json.loads((monorepo / "b.json").read_text())["findings"]
    assert not [e for e in entries if e["file"] == "services/docs/llm-project.yaml"]


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", ":1: baseline file is not valid JSON: Expecting property name"),
    ('{"version": 2, "findings": []}', "version is 2; this ragft-lint reads version 1"),
    ('{"findings": []}', "version is null"),
    ("[]", "not a ragft-lint baseline: expected a JSON object"),
    ('{"version": 1, "findings": [{"file": "a"}]}', "findings[0] must be an object"),
    ('{"version": 1, "findings": {}}', "'findings' must be a list"),
    ('{"version": 1, "findings": [], "extra": 1}', "unknown key 'extra'"),
    ('{"version": 1, "findings": [{"file": "a", "rule": "R1", "pointer": "", "count": 0}]}',
     "positive integer count"),
])
def test_corrupt_baseline_exits_2_naming_the_file(monorepo: Path, content: str,
                                                  expected: str) -> None:
    (monorepo / "b.json").write_text(content)
    result = run_cli("check", "--baseline", "b.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("ragft-lint: error: b.json")
    assert expected in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("checkout", [False, True])
def test_missing_baseline_exits_2(monorepo: Path, monkeypatch: pytest.MonkeyPatch,
                                  checkout: bool) -> None:
    # In a checkout the baseline is first asked whether it links out: a missing one does not.
    for variable in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        monkeypatch.delenv(variable, raising=False)
    if checkout:
        (monorepo / ".git").mkdir()
    result = run_cli("check", "--baseline", "nope.json")
    assert result.exit_code == 2
    assert "nope.json: cannot read baseline file: no such file" in result.stderr


def test_baseline_and_write_baseline_together_is_a_usage_error(monorepo: Path) -> None:
    result = run_cli("check", "--baseline", "a.json", "--write-baseline", "b.json")
    assert result.exit_code == 2
    assert "cannot be used together" in result.stderr


@pytest.mark.slow
def test_round_trip_with_the_installed_console_script(monorepo: Path) -> None:
    script = shutil.which("ragft-lint", path=os.path.dirname(sys.executable))
    assert script is not None

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, "check", *args], capture_output=True, text=True,
                              cwd=monorepo, timeout=60, check=False)

    assert run("--write-baseline", "b.json").returncode == 0
    clean = run("--baseline", "b.json")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (monorepo / "services" / "docs" / "llm-project.yaml").write_text(to_yaml(make_manifest(
        approach="hybrid", criteria__behavior_adaptation="high", criteria__labeled_examples=30)))
    new = run("--baseline", "b.json")
    assert new.returncode == 1
    assert new.stdout.splitlines()[0].startswith("services/docs/llm-project.yaml:")
    assert " error RFT401 " in new.stdout
    assert len([line for line in new.stdout.splitlines() if " RFT" in line]) == 1
