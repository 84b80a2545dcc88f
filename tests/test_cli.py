"""`ragft-lint check` as a user drives it: paths, formats, thresholds, exit codes, colour."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ragft_lint import __version__
from ragft_lint.cli import FORMATS
from ragft_lint.reporters import REPORTER_BY_NAME
from tests.conftest import check_json, console_script, make_manifest, run_cli, to_yaml

ROOT = Path(__file__).resolve().parent.parent
TEXT_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
                       r"(?P<rule>RFT\d{3}) (?P<msg>.+)$")


def test_formats_match_reporters() -> None:
    assert set(FORMATS) == set(REPORTER_BY_NAME)


def test_text_output_is_one_line_per_finding_then_summary(write_manifest) -> None:
    path = write_manifest(make_manifest(approach="fine-tune", criteria__labeled_examples=20))
    result = run_cli("check", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    *finding_lines, summary = lines
    parsed = [TEXT_LINE.match(line) for line in finding_lines]
    assert all(parsed), finding_lines
    assert {m["rule"] for m in parsed if m} == {"RFT101", "RFT301", "RFT401", "RFT501", "RFT601"}
    assert {m["rule"] for m in parsed if m and m["sev"] == "warning"} == {"RFT301"}
    assert all(m["path"] == str(path) for m in parsed if m)
    assert summary.startswith("Found 4 errors, 1 warning in 1 file checked")
    assert "\033[" not in result.stdout  # not a terminal: no colour


def test_clean_manifest_exits_zero(write_manifest) -> None:
    result = run_cli("check", str(write_manifest(make_manifest())))
    assert result.exit_code == 0
    assert result.stdout == "All checks passed: 1 file checked.\n"


def test_json_report_shape(write_manifest) -> None:
    path = write_manifest(make_manifest(approach="hybrid", criteria__labeled_examples=20))
    code, report = check_json(path)
    assert code == 1
    assert set(report) == {"version", "findings", "summary"}
    finding = report["findings"][0]
    assert {"file", "line", "column", "pointer", "rule", "severity", "criterion", "message",
            "waived"} <= set(finding)
    assert report["summary"]["files_checked"] == 1
    assert report["summary"]["counts"] == {"error": 1, "warning": 1, "info": 0}


def test_show_fixes_prints_remediation(write_manifest) -> None:
    path = write_manifest(make_manifest(approach="fine-tune"))
    result = run_cli("check", "--show-fixes", str(path))
    assert "    help: Switch approach to 'rag'" in result.stdout


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_threshold(write_manifest, fail_on: str, code: int) -> None:
    # rag with medium behaviour adaptation: one warning (RFT202), no error
    path = write_manifest(make_manifest(criteria__behavior_adaptation="medium"))
    assert run_cli("check", "--fail-on", fail_on, str(path)).exit_code == code


def test_info_threshold_counts_skipped_policies(write_manifest) -> None:
    path = write_manifest(make_manifest(criteria__labeled_examples="many"))
    code, report = check_json(path, extra=("--fail-on", "info"))
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["RFT004", "RFT003"]
    assert report["summary"]["files_skipped_policies"] == 1


def test_summary_counts_files_by_what_was_found_in_each(write_manifest, tmp_path: Path) -> None:
    for folder in ("invalid-a", "invalid-b"):  # not matching the schema: policies skipped
        write_manifest(make_manifest(criteria__labeled_examples="many"), folder=folder)
    write_manifest(make_manifest(approach="hybrid", criteria__labeled_examples=20),
                   folder="findings")
    write_manifest(make_manifest(), folder="clean")
    code, report = check_json(tmp_path)
    assert code == 1
    summary = report["summary"]
    assert (summary["files_checked"], summary["files_with_findings"],
            summary["files_skipped_policies"]) == (4, 3, 2)
    text = run_cli("check", str(tmp_path)).stdout.splitlines()[-1]
    assert text == ("Found 3 errors, 1 warning, 2 info in 4 files checked. Policies were not "
                    "run on 2 files that failed to read or validate. 3 at or above "
                    "--fail-on=error; `ragft-lint explain RULE` says why and how to fix.")


def test_each_file_fails_at_its_own_configurations_threshold(write_manifest,
                                                              tmp_path: Path) -> None:
    # One warning in each service; only the service whose configuration fails on warnings
    # fails the run, and the summary names both thresholds.
    for folder in ("strict", "lax"):
        write_manifest(make_manifest(criteria__behavior_adaptation="medium"), folder=folder)
    (tmp_path / "strict" / ".ragft-lint.toml").write_text('fail-on = "warning"\n')
    result = run_cli("check", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        "Found 2 warnings in 2 files checked. 1 at or above their configuration's fail-on "
        "(error, warning); `ragft-lint explain RULE` says why and how to fix.")


def test_schema_error_message_and_position(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(make_manifest()).replace("approach: rag", "approach: finetune"),
                    encoding="utf-8")
    code, report = check_json(path)
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "RFT003"]
    line = path.read_text().splitlines().index("approach: finetune") + 1
    assert (finding["line"], finding["column"]) == (line, 11)
    # A schema_version 1 manifest: prompting (version 2) is not offered.
    assert finding["message"] == ("approach: 'finetune' is not one of rag, fine-tune, hybrid "
                                  "(did you mean 'fine-tune'?)")


def test_unknown_key_points_at_the_key(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    text = to_yaml(make_manifest()).replace("  interpretability: high",
                                            "  interpretability: high\n  interpretabilty: low")
    path.write_text(text, encoding="utf-8")
    _, report = check_json(path)
    [finding] = [f for f in report["findings"] if f["rule"] == "RFT003"]
    assert finding["pointer"] == "/criteria/interpretabilty"
    assert "unknown key 'interpretabilty' (did you mean 'interpretability'?)" in finding["message"]
    assert path.read_text().splitlines()[finding["line"] - 1] == "  interpretabilty: low"


def test_directory_search_skips_vcs_venvs_and_node_modules(tmp_path: Path) -> None:
    good = to_yaml(make_manifest())
    bad = to_yaml(make_manifest(approach="fine-tune"))
    for folder, text in [("svc/a", good), ("svc/b", good), (".git/x", bad),
                         ("node_modules/pkg", bad), (".venv", bad), ("env", bad)]:
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "llm-project.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (tmp_path / "svc" / "b" / "llm-project.yml").write_text(good, encoding="utf-8")
    (tmp_path / "svc" / "other.yaml").write_text(bad, encoding="utf-8")
    code, report = check_json(tmp_path)
    assert code == 0
    assert report["summary"]["files_checked"] == 3


def test_no_path_means_current_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "llm-project.yaml").write_text(to_yaml(make_manifest(approach="fine-tune")),
                                               encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, report = check_json()
    assert code == 1
    assert report["findings"][0]["file"] == "llm-project.yaml"


def test_same_file_twice_is_checked_once(write_manifest) -> None:
    path = write_manifest(make_manifest())
    _, report = check_json(path, path, path.parent)
    assert report["summary"]["files_checked"] == 1


def test_no_manifest_found_is_exit_2_unless_allowed(tmp_path: Path) -> None:
    # A gate that checked nothing must not pass quietly (issue 9 §5).
    result = run_cli("check", str(tmp_path))
    assert result.exit_code == 2
    assert f"no llm-project.yaml found under {tmp_path}; nothing was checked" in result.stderr
    result = run_cli("check", str(tmp_path), "--allow-empty")
    assert result.exit_code == 0
    assert "warning: no llm-project.yaml found" in result.stderr


@pytest.mark.parametrize("args", [
    ["check", "does-not-exist.yaml"],
    ["check", "--format", "xml"],
    ["check", "--fail-on", "fatal"],
    ["check", "--no-such-option"],
    ["check", "--max-size", "0"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.strip()


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.strip() == f"ragft-lint, version {__version__}"
    help_text = run_cli("check", "--help").stdout
    assert "--fail-on" in help_text and "Examples:" in help_text


@pytest.mark.parametrize(("color", "env", "expect"), [
    ("always", {}, True), ("never", {}, False), ("auto", {}, False),
])
def test_colour_choice(write_manifest, color: str, env: dict[str, str], expect: bool) -> None:
    path = write_manifest(make_manifest(approach="fine-tune"))
    result = run_cli("check", "--color", color, str(path), env=env)
    assert ("\033[" in result.stdout) is expect


def test_colour_on_a_terminal_unless_no_color(write_manifest) -> None:
    """A real pseudo-terminal: colour by default, none when NO_COLOR is set."""
    pty = pytest.importorskip("pty")
    path = write_manifest(make_manifest(approach="fine-tune"))
    script = console_script()

    def run_in_pty(env: dict[str, str]) -> bytes:
        main, child = pty.openpty()
        proc = subprocess.Popen([script, "check", str(path)], stdout=child, stderr=child,
                                env={**os.environ, **env})
        os.close(child)
        chunks = []
        while True:
            try:
                data = os.read(main, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=30)
        os.close(main)
        return b"".join(chunks)

    clean_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\033[" in run_in_pty({**clean_env, "NO_COLOR": ""})
    assert b"\033[" not in run_in_pty({"NO_COLOR": "1"})


def test_installed_console_script_end_to_end(tmp_path: Path) -> None:
    """The real console script, from a folder unrelated to the checkout."""
    script = console_script()
    (tmp_path / "llm-project.yaml").write_text(to_yaml(make_manifest(approach="fine-tune")),
                                               encoding="utf-8")
    proc = subprocess.run([script, "check", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert "RFT501" in {f["rule"] for f in report["findings"]}
    proc = subprocess.run([sys.executable, "-m", "ragft_lint", "check", "missing.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "ragft-lint: error: path does not exist: missing.yaml"


def test_internal_errors_are_one_line(monkeypatch, write_manifest) -> None:
    import ragft_lint.core.engine

    def boom(self, path):  # stands in for a bug anywhere in the core
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(ragft_lint.core.engine.Engine, "check", boom)
    monkeypatch.delenv("RAGFT_LINT_DEBUG", raising=False)
    result = run_cli("check", str(write_manifest(make_manifest())))
    assert result.exit_code == 2
    assert "internal error: RuntimeError: simulated bug" in result.stderr
    assert "Traceback" not in result.output


def test_examples_folder_verdicts() -> None:
    code, report = check_json(ROOT / "examples")
    assert code == 1
    failing = {f["file"].split("examples/")[1].rsplit("/", 1)[0]
               for f in report["findings"] if f["severity"] == "error" and not f["waived"]}
    assert failing == {"fine-tune/fail", "hybrid/fail"}
    # No source says retrieval cannot meet a need (docs/evidence.md): rag/fail fails only a
    # build that also fails on warnings.
    rag_fail = [(f["rule"], f["severity"]) for f in report["findings"]
                if "examples/rag/fail/" in f["file"]]
    assert rag_fail == [("RFT102", "warning"), ("RFT201", "warning")]
    passing = [str(p) for p in (ROOT / "examples").glob("*/pass/llm-project.yaml")]
    code, report = check_json(*passing, extra=("--fail-on", "info"))
    assert (code, report["findings"]) == (0, [])


def test_each_unknown_key_gets_its_own_finding(tmp_path: Path) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text(to_yaml(make_manifest()) + "tags: [a]\nteam: x\n", encoding="utf-8")
    _, report = check_json(path)
    schema = [f for f in report["findings"] if f["rule"] == "RFT003"]
    assert [(f["pointer"], f["line"]) for f in schema] == [
        ("/tags", len(path.read_text().splitlines()) - 1),
        ("/team", len(path.read_text().splitlines()))]
