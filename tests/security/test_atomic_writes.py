"""§3: reports and the baseline are written whole or not at all, never through a link."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ragft_lint.core.errors import SetupError
from ragft_lint.core.files import FileWriteError, atomic_writer, write_atomic
from tests.conftest import needs_console_script
from tests.security.attack import assert_one_line_error, ragft, repository


def test_write_atomic_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    write_atomic(target, b"bytes\r\n")
    assert target.read_bytes() == b"bytes\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old\n")

    def interrupted_write() -> None:
        with atomic_writer(target) as handle:
            handle.write("half of the new")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_write()
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.json"]


def test_write_atomic_refuses_a_symbolic_link(tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("precious\n")
    link = tmp_path / "report.txt"
    link.symlink_to(secret)
    with pytest.raises(FileWriteError) as caught:
        write_atomic(link, "overwritten\n")
    assert isinstance(caught.value, SetupError)
    assert "symbolic link" in str(caught.value) and str(link) in str(caught.value)
    assert secret.read_text() == "precious\n" and link.is_symlink()


@needs_console_script
@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_a_committed_link_cannot_aim_a_report_outside(tmp_path: Path, option: str) -> None:
    repo = repository(tmp_path / "repo")
    victim = tmp_path / "victim.txt"  # e.g. ~/.bashrc of the CI user
    victim.write_text("precious\n")
    (repo / "out.sarif").symlink_to(victim)
    args = ["--output", "sarif=out.sarif"] if option == "--output" else [option, "out.sarif"]
    run = ragft("check", "svc", *args, cwd=repo)
    assert_one_line_error(run)
    assert "out.sarif" in run.stderr and "symbolic link" in run.stderr
    assert victim.read_text() == "precious\n"
    assert (repo / "out.sarif").is_symlink()


@needs_console_script
def test_reports_and_baseline_appear_whole_with_no_temporary_left(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    before = set(repo.iterdir())
    run = ragft("check", "svc", "--output", "json=r.json", "--output", "junit=r.xml", cwd=repo)
    assert run.returncode == 0, run.describe()
    assert json.loads((repo / "r.json").read_text())["summary"]["files_checked"] == 1
    run = ragft("check", "svc", "--write-baseline", "b.json", cwd=repo)
    assert run.returncode == 0, run.describe()
    assert json.loads((repo / "b.json").read_text())["version"] == 1
    assert set(repo.iterdir()) - before == {repo / "r.json", repo / "r.xml", repo / "b.json"}


@needs_console_script
def test_an_unwritable_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    repo = repository(tmp_path / "repo")
    (repo / "ro").mkdir()
    (repo / "ro").chmod(0o500)
    try:
        run = ragft("check", "svc", "--write-baseline", "ro/b.json", cwd=repo)
    finally:
        (repo / "ro").chmod(0o700)
    assert_one_line_error(run)
    assert "ro/b.json: cannot write the baseline file" in run.stderr


def test_a_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.json", "{}\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_a_failed_rename_is_one_error_and_leaves_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(FileWriteError, match="cannot write the report: Permission denied"):
        write_atomic(tmp_path / "r.sarif", "{}", what="the report")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="it is a folder"):
        write_atomic(tmp_path, "x")
    with pytest.raises(FileWriteError, match="No such file or directory"):
        write_atomic(tmp_path / "missing" / "r.json", "x")


@needs_console_script
@pytest.mark.parametrize(("args", "victim"), [
    (["--output", "json=svc/llm-project.yaml"], "svc/llm-project.yaml"),
    (["--output", "sarif=other.yml"], "other.yml"),  # named as a manifest on the command line
    (["--output", "markdown=.ragft-lint.toml"], ".ragft-lint.toml"),
    (["--output", "text=pyproject.toml"], "pyproject.toml"),
    (["--baseline", "b.json", "--output", "json=b.json"], "b.json"),
    (["--write-baseline", "svc/llm-project.yaml"], "svc/llm-project.yaml"),
    (["--output", "json=policies/ACME001.yaml"], "policies/ACME001.yaml"),
    (["--output", "json=./svc/../b.json", "--baseline", "b.json"], "b.json"),
])
def test_no_report_is_written_over_a_file_the_run_reads(tmp_path: Path, args: list[str],
                                                        victim: str) -> None:
    repo = repository(tmp_path / "repo")
    (repo / "other.yml").write_text((repo / "svc" / "llm-project.yaml").read_text())
    (repo / ".ragft-lint.toml").write_text('policy-paths = ["policies"]\n')
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (repo / "policies").mkdir()
    pack = Path(__file__).resolve().parents[2] / "examples" / "policies"
    for policy in pack.glob("*.yaml"):
        (repo / "policies" / "ACME001.yaml").write_text(policy.read_text())
    baseline = ragft("check", "svc", "--write-baseline", "b.json", cwd=repo)
    assert baseline.returncode == 0, baseline.describe()
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    named = ["svc", "other.yml"]
    run = ragft("check", *named, *args, cwd=repo)
    assert_one_line_error(run)
    assert "refusing to write a report over" in run.stderr, run.describe()
    assert victim in run.stderr or "file ragft-lint reads" in run.stderr
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
