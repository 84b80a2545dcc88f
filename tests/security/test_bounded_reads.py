"""§1: every input goes through one bounded reader: no blocking on a FIFO or a device, a
size cap, and a one-line error naming the file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ragft_lint.core.files import FileReadError, read_bytes, read_text
from tests.conftest import needs_console_script
from tests.security.attack import assert_one_line_error, ragft, repository


def test_reader_refuses_fifo_and_devices_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    start = time.monotonic()
    for path, kind in ((fifo, "FIFO"), ("/dev/zero", "character device"), (tmp_path, "directory")):
        with pytest.raises(FileReadError) as caught:
            read_bytes(path)
        assert kind in caught.value.message and caught.value.where == str(path)
    assert time.monotonic() - start < 1


def test_reader_caps_size_and_decodes_utf8_only(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(FileReadError, match="101 bytes, over the 100-byte limit"):
        read_bytes(big, 100)
    latin = tmp_path / "latin"
    latin.write_bytes(b"caf\xe9")
    with pytest.raises(FileReadError, match="not valid UTF-8"):
        read_text(latin)
    bom = tmp_path / "bom"
    bom.write_bytes(b"\xef\xbb\xbfok")
    assert read_text(bom) == "ok"


@needs_console_script
def test_a_fifo_baseline_is_refused_at_once(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    os.mkfifo(repo / "baseline.json")
    start = time.monotonic()
    run = ragft("check", "svc", "--baseline", "baseline.json", cwd=repo, timeout=20)
    assert time.monotonic() - start < 10
    assert_one_line_error(run)
    assert "baseline.json: cannot read baseline file: not a regular file" in run.stderr


@needs_console_script
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "huge"])
def test_a_config_that_is_not_a_small_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    repo = repository(tmp_path / "repo")
    config = repo / "ragft.toml"
    if kind == "fifo":
        os.mkfifo(config)
    elif kind == "huge":
        config.write_text("# padding\n" * 200_000)
    else:
        config = Path(kind)
    start = time.monotonic()
    run = ragft("check", "svc", "--config", config, cwd=repo, timeout=20)
    assert time.monotonic() - start < 10
    assert_one_line_error(run)
    assert f"{config}: cannot read configuration file:" in run.stderr


def test_reader_errors_are_one_line_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text("x = 1\n")
    real_read = os.read

    def failing_read(fd: int, size: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "read", failing_read)
    with pytest.raises(FileReadError, match="cannot read: Input/output error"):
        read_bytes(path)

    def growing_read(fd: int, size: int) -> bytes:  # the file grows after stat()
        return real_read(fd, size) or b"y" * size

    monkeypatch.setattr(os, "read", growing_read)
    with pytest.raises(FileReadError, match="over the 10-byte limit"):
        read_bytes(path, 10)
    monkeypatch.undo()

    def failing_open(name: str, flags: int) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", failing_open)
    with pytest.raises(FileReadError, match="cannot open: Permission denied"):
        read_bytes(path)
    monkeypatch.undo()
    with pytest.raises(FileReadError, match="cannot read: Not a directory"):
        read_bytes(path / "below-a-file")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(FileReadError, match="symbolic link loop"):
        read_bytes(tmp_path / "loop")
