"""The conventions linters follow, through the installed console script: one error style,
help that is not cut off, --quiet, --statistics, --exit-zero."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import console_script, make_manifest, to_yaml

FAILING = make_manifest(approach="fine-tune")  # RFT101, RFT501, RFT601 (errors), RFT301, ...
WARNING_ONLY = make_manifest(criteria__external_data={"required": False})  # RFT102 (warning)


def ragft(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "COLUMNS")}
    return subprocess.run([console_script(), *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "llm-project.yaml").write_text(to_yaml(FAILING), encoding="utf-8")
    (tmp_path / "warn").mkdir()
    (tmp_path / "warn" / "llm-project.yaml").write_text(to_yaml(WARNING_ONLY), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("args", "message"), [
    (["check", "--bogus"], "no such option '--bogus' (see 'ragft-lint check --help')"),
    (["check", "--fail-on", "fatal"], "invalid value for '--fail-on': 'fatal' is not one of "
                                      "'error', 'warning', 'info' (see 'ragft-lint check --help')"),
    (["chek"], "no such command 'chek' (did you mean one of: 'check', 'schema'?) "
               "(see 'ragft-lint --help')"),
    (["explain"], "missing argument 'RULE' (see 'ragft-lint explain --help')"),
    (["check", "--baseline", "a.json", "--write-baseline", "b.json"],
     "--baseline and --write-baseline cannot be used together"),
    (["check", "no/such/folder"], "path does not exist: no/such/folder"),
    (["check", "--output", "pdf=x.pdf"], "--output 'pdf=x.pdf': unknown format 'pdf'"),
    (["check", "--statistics", "--format", "json"], "--statistics prints a table of counts"),
])
def test_every_usage_error_is_one_line_in_one_style(project: Path, args: list[str],
                                                    message: str) -> None:
    proc = ragft(project, *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"ragft-lint: error: {message}")


def test_top_level_help_shows_each_command_s_first_sentence_whole(project: Path) -> None:
    from ragft_lint.cli import cli

    proc = ragft(project, "--help")
    assert proc.returncode == 0
    cut = [line for line in proc.stdout.splitlines()
           if line.endswith("...") and not line.startswith("Usage:")]
    assert cut == []
    flat = " ".join(proc.stdout.split())
    for name, command in cli.commands.items():
        first = " ".join((command.help or "").split("\n\n")[0].split())
        sentence = re.match(r".*?\.(?=\s|$)", first)
        assert sentence is not None
        assert f"{name} {sentence.group()}" in flat


def test_quiet_prints_the_findings_only(project: Path) -> None:
    proc = ragft(project, "check", "--quiet")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines and all(re.match(r"(bad|warn)/llm-project\.yaml:\d+:\d+: ", line)
                         for line in lines), proc.stdout
    empty = project / "empty"
    empty.mkdir()
    # Checking nothing is exit 2 even when quiet (issue 9 §5); allowed, it is silent.
    nothing = ragft(empty, "check", "-q")
    assert (nothing.returncode, nothing.stdout) == (2, "")
    assert "nothing was checked" in nothing.stderr
    allowed = ragft(empty, "check", "-q", "--allow-empty")
    assert (allowed.returncode, allowed.stdout, allowed.stderr) == (0, "", "")


def test_statistics_counts_each_rule_most_frequent_first(project: Path) -> None:
    (project / "bad2").mkdir()
    (project / "bad2" / "llm-project.yaml").write_text(
        to_yaml(make_manifest(approach="fine-tune", criteria__interpretability="low")))
    proc = ragft(project, "check", "--statistics")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    # Fine-tuning on 800 examples is also RFT402 in both failing manifests.
    assert lines[:6] == [
        "2  RFT101  error    external-data-needs-retrieval",
        "2  RFT301  warning  zero-hallucination-needs-grounding",
        "2  RFT402  warning  few-labeled-examples",
        "2  RFT501  error    frozen-weights-fast-changing-data",
        "1  RFT102  warning  retrieval-without-external-data",
        "1  RFT601  error    traceability-needs-retrieval",
    ]
    assert lines[6].startswith("Found 5 errors, 5 warnings in 3 files checked.")
    assert len(lines) == 7  # no finding lines
    assert ragft(project, "check", "--statistics", "-q").stdout.splitlines() == lines[:6]


def test_exit_zero_reports_but_never_fails(project: Path) -> None:
    proc = ragft(project, "check", "--exit-zero")
    assert proc.returncode == 0
    assert "error RFT501" in proc.stdout
    # It is about findings only: a run that could not happen still exits 2.
    assert ragft(project, "check", "--exit-zero", "missing").returncode == 2


# --- check - : a manifest on standard input ----------------------------------------------------

def test_check_dash_reads_the_manifest_from_standard_input(project: Path) -> None:
    proc = ragft(project, "check", "-", stdin=to_yaml(WARNING_ONLY))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("-:")
    assert " warning RFT102 " in proc.stdout


def test_stdin_filename_names_the_findings_and_picks_the_configuration(tmp_path: Path) -> None:
    from tests.monorepo import BILLING, build_monorepo

    repo = build_monorepo(tmp_path)
    # The same text, named as billing's manifest, gets billing's configuration (RFT502 is
    # ignored there); named as a file of search, the team's (a warning fails).
    as_billing = ragft(repo, "check", "-", "--stdin-filename",
                       "services/billing/llm-project.yaml", stdin=BILLING)
    assert (as_billing.returncode, as_billing.stdout.startswith("All checks passed")) == (0, True)
    as_search = ragft(repo, "check", "--stdin-filename", "services/search/llm-project.yaml",
                      stdin=BILLING)
    assert as_search.returncode == 1
    assert as_search.stdout.startswith("services/search/llm-project.yaml:10:3: warning RFT502")
    excluded = ragft(repo, "check", "-", "--force-exclude", "--stdin-filename",
                     "services/legacy/llm-project.yaml", stdin=BILLING)
    assert excluded.returncode == 0
    assert excluded.stdout == "All checks passed: 0 files checked.\n"
    assert "every file named is excluded" in excluded.stderr
    shown = ragft(repo, "check", "--show-config", "--stdin-filename",
                  "services/billing/llm-project.yaml")
    assert f"# configuration file: {repo / 'services/billing/pyproject.toml'}" in shown.stdout


def test_standard_input_has_the_same_bounds_as_a_file(project: Path) -> None:
    proc = ragft(project, "check", "-", "--max-size", "100", stdin=to_yaml(FAILING))
    assert proc.returncode == 1
    assert "-:1:1: error RFT001 standard input is over the 100-byte limit" in proc.stdout


@pytest.mark.parametrize("args", [["-", "bad"], ["bad", "--stdin-filename", "x.yaml"]])
def test_standard_input_is_not_mixed_with_paths(project: Path, args: list[str]) -> None:
    proc = ragft(project, "check", *args, stdin="")
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("ragft-lint: error: ")


# --- --write-baseline says what it could not record -------------------------------------------

def test_write_baseline_names_what_it_cannot_record_and_exits_1(project: Path) -> None:
    (project / "broken").mkdir()
    (project / "broken" / "llm-project.yaml").write_text("approach: [rag\n", encoding="utf-8")
    proc = ragft(project, "check", "--write-baseline", "ragft-baseline.json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Wrote ragft-baseline.json: ")
    assert lines[1].startswith("Not recorded: 1 finding in files that cannot be read or parsed")
    assert lines[2].startswith("  broken/llm-project.yaml:2:1: error RFT002 invalid YAML")
    assert len(lines) == 3
    # What it did record holds: the next run fails on the unparsable file alone.
    again = ragft(project, "check", "--baseline", "ragft-baseline.json", "--format", "json")
    import json

    assert [f["rule"] for f in json.loads(again.stdout)["findings"]] == ["RFT002"]
    # Once the file is fixed, the baseline is written whole and the run exits 0.
    (project / "broken" / "llm-project.yaml").unlink()
    clean = ragft(project, "check", "--write-baseline", "ragft-baseline.json")
    assert clean.returncode == 0 and "Not recorded" not in clean.stdout
