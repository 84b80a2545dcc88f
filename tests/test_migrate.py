"""`ragft-lint migrate`: a v1 manifest becomes v2 with one token changed, nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

V1 = """\
# Support assistant: reviewed by the ML guild.
schema_version: 1   # the manifest format
project: 'support-assistant'
approach: fine-tune
criteria:
  external_data: {required: true, sources: [{name: "docs", kind: document-store}]}
  behavior_adaptation: low      # tone only
  hallucination_tolerance: none
  labeled_examples: 200
  data_dynamics: daily
  interpretability: high
waivers:
  - rule: RFT501
    reason: >-
      Nightly retraining.
    expires: 2099-12-31
"""


def _write(folder: Path, text: str, name: str = "llm-project.yaml", newline: str = "\n",
           bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return path


def test_migrate_changes_only_the_version_token(tmp_path: Path) -> None:
    path = _write(tmp_path, V1)
    before = run_cli("check", "--format", "json", str(path)).stdout
    result = run_cli("migrate", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"migrated {path} to schema_version 2\n1 file migrated.\n"
    assert path.read_text(encoding="utf-8") == V1.replace(
        "schema_version: 1   #", "schema_version: 2   #")
    # Same needs, same verdicts: v2 gives every v1 key the same meaning.
    assert run_cli("check", "--format", "json", str(path)).stdout == before


@pytest.mark.parametrize(("newline", "bom"), [("\r\n", False), ("\n", True), ("\r\n", True)])
def test_line_endings_and_byte_order_mark_survive(tmp_path: Path, newline: str,
                                                  bom: bool) -> None:
    path = _write(tmp_path, V1, newline=newline, bom=bom)
    assert run_cli("migrate", str(path)).exit_code == 0
    expected = V1.replace("schema_version: 1", "schema_version: 2").replace("\n", newline)
    assert path.read_bytes() == (b"\xef\xbb\xbf" if bom else b"") + expected.encode()


def test_diff_previews_and_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, V1)
    result = run_cli("migrate", "--diff", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [f"--- {path}", f"+++ {path}"]
    assert "-schema_version: 1   # the manifest format" in result.stdout.splitlines()
    assert "+schema_version: 2   # the manifest format" in result.stdout.splitlines()
    assert result.stderr == "1 file would be migrated.\n"
    assert path.read_text(encoding="utf-8") == V1


def test_a_version_2_manifest_is_left_alone(tmp_path: Path) -> None:
    text = V1.replace("schema_version: 1", "schema_version: 2")
    path = _write(tmp_path, text)
    mtime = path.stat().st_mtime_ns
    assert run_cli("migrate", "--diff", str(path)).exit_code == 0
    result = run_cli("migrate", str(path))
    assert result.exit_code == 0
    assert result.stdout == "0 files migrated, 1 file already at schema_version 2.\n"
    assert path.stat().st_mtime_ns == mtime


def test_folders_are_searched_as_check_searches_them(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    one = _write(tmp_path / "svc-a", V1)
    two = _write(tmp_path / "svc-b", V1, name="llm-project.yml")
    _write(tmp_path / "node_modules" / "x", V1)
    monkeypatch.chdir(tmp_path)
    result = run_cli("migrate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("2 files migrated.\n")
    assert "schema_version: 2" in one.read_text() and "schema_version: 2" in two.read_text()
    assert "schema_version: 1" in (tmp_path / "node_modules" / "x" / "llm-project.yaml"
                                   ).read_text()


@pytest.mark.parametrize(("text", "message"), [
    ("schema_version: 1\nproject: [unclosed\n", "llm-project.yaml:"),
    (V1.replace("schema_version: 1", "schema_version: 3"),
     "schema_version is 3; migrate reads schema_version 1 manifests"),
    ("project: p\n", "schema_version is missing"),
])
def test_what_cannot_be_migrated_is_an_error_naming_the_file(tmp_path: Path, text: str,
                                                              message: str) -> None:
    path = _write(tmp_path, text)
    good = _write(tmp_path / "other", V1)
    result = run_cli("migrate", str(path), str(good))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"ragft-lint: error: {path}") and message in line
    assert path.read_text(encoding="utf-8") == text
    assert "schema_version: 2" in good.read_text(), "the other files are still migrated"
    assert "1 file migrated, 1 file not migrated (errors above)." in result.stdout


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_is_never_written_through(tmp_path: Path) -> None:
    real = _write(tmp_path / "real", V1)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = run_cli("migrate", str(link))
    assert result.exit_code == 2
    assert "symbolic link" in result.stderr
    assert real.read_text(encoding="utf-8") == V1


@pytest.mark.slow
def test_installed_console_script_migrates(tmp_path: Path) -> None:
    script = shutil.which("ragft-lint", path=os.path.dirname(sys.executable))
    assert script, "the console script is installed next to the interpreter"
    path = _write(tmp_path, V1)
    run = subprocess.run([script, "migrate", "--diff", str(path)], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 1
    assert run.stdout.startswith(f"--- {path}\n+++ {path}\n")
    run = subprocess.run([script, "migrate", str(path)], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0
    assert path.read_text(encoding="utf-8").count("schema_version: 2") == 1
