"""The bounded reader and the atomic writer (core/files.py), called as the package calls them:
the messages and file names a user is shown when an input cannot be read or an output cannot
be written, and what ends up on disk. (tests/security/ drives the same code through the
command line.)"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from ragft_lint.core import files
from ragft_lint.core.errors import SetupError
from ragft_lint.core.files import (
    FileReadError,
    FileWriteError,
    atomic_writer,
    check_writable_target,
    commit,
    nesting_within,
    open_temporary,
    read_bytes,
    read_text,
    write_atomic,
)


def refused(call, *args, **kwargs) -> SetupError:  # type: ignore[no-untyped-def]
    """The error `call` fails with: a FileReadError or a FileWriteError."""
    with pytest.raises((FileReadError, FileWriteError)) as caught:
        call(*args, **kwargs)
    return caught.value


def stat_saying(monkeypatch: pytest.MonkeyPatch, path: Path, **fields: int) -> None:
    """Make os.stat() report other `fields` for `path`: the file as it was when the reader
    looked, before it changed (grew, or was swapped for a FIFO) and was opened."""
    real = os.stat

    def fake(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(name, *args, **kwargs)
        if os.fspath(name) != str(path):
            return result
        values = list(result[:10])
        for field, value in fields.items():
            values[("st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size")
                   .index(field)] = value
        return os.stat_result(values)

    monkeypatch.setattr(os, "stat", fake)


# --- reading ------------------------------------------------------------------------------

def test_the_size_limit_admits_a_file_of_exactly_that_size(tmp_path: Path) -> None:
    path = tmp_path / "ten"
    path.write_bytes(b"0123456789")
    assert read_bytes(path, 10) == b"0123456789"
    assert read_text(path, 10) == "0123456789"
    path.write_bytes(b"0123456789a")
    assert refused(read_bytes, path, 10).message == "file is 11 bytes, over the 10-byte limit"
    assert refused(read_text, path, 10).message == "file is 11 bytes, over the 10-byte limit"


def test_the_too_large_message_names_the_kind_of_file_and_how_to_raise_the_cap(
        tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(b"x" * 2000)
    for read in (read_bytes, read_text):
        error = refused(read, path, 1000, what="baseline file", hint=" (raise it with --x)")
        assert error.message == ("baseline file is 2,000 bytes, over the 1,000-byte limit "
                                 "(raise it with --x)")
        assert str(error) == f"{path}: {error.message}"


def test_every_read_failure_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "missing.yaml"
    error = refused(read_bytes, missing)
    assert (error.where, error.message) == (str(missing), "no such file")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 11)
    assert refused(read_bytes, big, 10).where == str(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"ok: caf\xe9\n")
    error = refused(read_text, latin, what="manifest")
    assert error.where == str(latin)
    assert error.message == ("manifest is not valid UTF-8 (byte 0xe9 at offset 7); save it as "
                             "UTF-8")


def test_a_file_that_cannot_be_opened_or_read_is_one_error_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_text("approach: rag\n", encoding="utf-8")

    def deny(*args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr(os, "open", deny)
        error = refused(read_bytes, path)
    assert (error.where, error.message) == (str(path), "cannot open: Permission denied")

    def fail(*args: object) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(os, "read", fail)
        error = refused(read_bytes, path)
    assert (error.where, error.message) == (str(path), "cannot read: Input/output error")


def test_short_reads_are_joined_into_the_whole_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # A network filesystem may return fewer bytes than asked for; the reader keeps reading.
    path = tmp_path / "llm-project.yaml"
    content = b"approach: rag\n" * 3
    # 42 bytes in reads of 3: the reader reaches exactly the cap and must read once more
    # to see a byte past it.
    assert len(content) % 3 == 0
    path.write_bytes(content)
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: real(fd, min(size, 3)))
    assert read_bytes(path) == content
    assert read_bytes(path, len(content)) == content
    # One byte more than stat() saw (the file grew): only the last read finds it.
    path.write_bytes(content + b"#")
    stat_saying(monkeypatch, path, st_size=len(content))
    assert refused(read_bytes, path, len(content)).message == (
        f"file is {len(content) + 1:,} bytes, over the {len(content):,}-byte limit")


def test_a_file_that_grew_after_it_was_measured_is_still_capped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"x" * 50)
    stat_saying(monkeypatch, path, st_size=5)
    error = refused(read_bytes, path, 10, what="manifest", hint="; see --max-size")
    # The reader stops one byte past the cap: it says what it read, not the whole size.
    assert error.message == "manifest is 11 bytes, over the 10-byte limit; see --max-size"
    assert error.where == str(path)


def test_a_fifo_swapped_in_after_stat_is_refused_without_waiting_for_a_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "llm-project.yaml"
    os.mkfifo(fifo)
    # stat() saw a regular file; by open() it is a FIFO with no writer: a blocking open
    # would hang here forever.
    stat_saying(monkeypatch, fifo, st_mode=stat.S_IFREG | 0o644, st_size=10)
    error = refused(read_bytes, fifo)
    assert error.where == str(fifo)
    assert error.message == ("not a regular file: it is a FIFO (named pipe); refused without "
                             "opening it")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_file_that_reports_no_size_is_read_whole() -> None:
    # Files under /proc say st_size 0 and still have content.
    assert os.stat("/proc/self/cmdline").st_size == 0
    assert read_bytes("/proc/self/cmdline") == Path("/proc/self/cmdline").read_bytes()
    assert read_bytes("/proc/self/cmdline") != b""


def test_a_one_byte_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "one"
    path.write_bytes(b"x")
    assert read_bytes(path) == b"x"


def test_links_that_lead_nowhere_are_described(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to("gone.yaml")
    error = refused(read_bytes, dangling)
    assert error.message == "dangling symbolic link (points to 'gone.yaml', which does not exist)"
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    error = refused(read_bytes, loop)
    assert (error.where, error.message) == (
        str(loop), "symbolic link loop: the link cannot be resolved")


def test_nesting_is_measured_from_the_top_level(tmp_path: Path) -> None:
    assert nesting_within("a scalar", 0)
    assert not nesting_within([], 0)
    assert nesting_within({"a": [1, 2]}, 2)
    assert not nesting_within({"a": [1, 2]}, 1)
    assert not nesting_within({"a": 1, "b": {"c": {"d": 1}}}, 2)
    assert nesting_within([[1], {"x": [2]}], 3)
    assert not nesting_within([[1], {"x": [2]}], 2)
    deep: list[object] = []
    for _ in range(100_000):  # far past the recursion limit: answered without recursing
        deep = [deep]
    assert not nesting_within(deep, 64)
    assert nesting_within(deep, 100_002)


# --- writing ------------------------------------------------------------------------------

def test_write_refusals_name_what_and_where(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("{}", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real.json")
    link_message = ("cannot write {}: it is a symbolic link, and ragft-lint never writes "
                    "through one (name the real file)")
    for what, call in (("the file", lambda: check_writable_target(str(link))),
                       ("the file", lambda: write_atomic(link, "{}")),
                       ("the baseline", lambda: write_atomic(link, b"{}", what="the baseline")),
                       ("the file", lambda: atomic_writer(link).__enter__()),
                       ("the file", lambda: open_temporary(str(link))),
                       ("the report", lambda: open_temporary(str(link), what="the report"))):
        error = refused(call)
        assert (error.where, error.message) == (str(link), link_message.format(what))
    error = refused(check_writable_target, str(tmp_path), "the report")
    assert (error.where, error.message) == (str(tmp_path),
                                            "cannot write the report: it is a folder")
    assert (tmp_path / "real.json").read_text(encoding="utf-8") == "{}"


def test_a_temporary_file_is_made_beside_the_target_and_named_after_it(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    handle, temporary = open_temporary(str(target))
    with handle:
        handle.write("é\n")  # text by default, UTF-8
    name = os.path.basename(temporary)
    assert os.path.dirname(temporary) == str(tmp_path)
    assert name.startswith(".report.json.") and name.endswith(".tmp")
    commit(temporary, str(target))
    assert target.read_bytes() == "é\n".encode()
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


def test_a_report_writer_escapes_what_utf8_cannot_hold(tmp_path: Path) -> None:
    # A file name that is not UTF-8 reaches a report as a surrogate escape.
    target = tmp_path / "report.txt"
    handle, temporary = open_temporary(str(target), errors="backslashreplace")
    with handle:
        handle.write("bad-\udcff.yaml\n")
    commit(temporary, str(target))
    assert target.read_bytes() == b"bad-\\udcff.yaml\n"
    handle, temporary = open_temporary(str(target))  # strict by default
    with handle:
        with pytest.raises(UnicodeEncodeError):
            handle.write("bad-\udcff.yaml\n")
        handle.write("ok\n")
    files.discard(temporary)


def test_a_binary_temporary_takes_bytes_as_they_are(tmp_path: Path) -> None:
    target = tmp_path / "llm-project.yaml"
    handle, temporary = open_temporary(str(target), binary=True)
    with handle:
        handle.write(b"\xef\xbb\xbfapproach: rag\r\n")
    commit(temporary, str(target))
    assert target.read_bytes() == b"\xef\xbb\xbfapproach: rag\r\n"


def test_an_unwritable_folder_is_named_with_the_reason(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def deny(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", deny)
    target = tmp_path / "report.sarif"
    error = refused(open_temporary, str(target), what="the report")
    assert (error.where, error.message) == (str(target),
                                            "cannot write the report: Permission denied")


def test_a_failure_after_the_temporary_exists_removes_it_and_is_raised_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("out of memory")

    monkeypatch.setattr(os, "fdopen", broken)
    with pytest.raises(MemoryError, match="out of memory"):
        open_temporary(str(tmp_path / "report.json"))
    assert os.listdir(tmp_path) == []


def test_a_failed_rename_names_the_file_by_default(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    handle, temporary = open_temporary(str(tmp_path / "out.json"))
    handle.close()

    def refuse(source: str, target: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    error = refused(commit, temporary, str(tmp_path / "out.json"))
    assert error.message == "cannot write the file: Permission denied"
    assert os.listdir(tmp_path) == []


def test_a_filesystem_that_refuses_chmod_still_gets_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Some network and FUSE mounts refuse chmod; the content matters more than the mode.
    def refuse(fd: int, mode: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", refuse)
    write_atomic(tmp_path / "report.json", "{}\n")
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "{}\n"

