"""Files in and out: the one bounded reader every input goes through, and atomic writes.

Everything ragft-lint reads (manifests, configuration, baselines, policies) may come from a
pull request, so it is read one way: a regular file only (a FIFO or a device is refused
after `stat()`, before it is opened, so nothing blocks on `/dev/zero` or a pipe with no
writer), opened non-blocking and re-checked with `fstat()`, and never more than a size cap.
Every failure is a `FileReadError`: one line naming the file, never a traceback.

Everything it writes (reports, the baseline, a manifest edited by `check --fix`) is written
to a temporary file in the target's folder, flushed to disk and renamed over the target in
one step, so a reader (a later CI step, a concurrent run, an editor) sees the old file or
the whole new one, never half of one; a target that is a symbolic link is refused, so a
committed link cannot aim a write at a file outside the repository.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from typing import IO, Any, Literal, overload

from ragft_lint.core.errors import SetupError

#: The size cap for files that are not manifests (configuration, baselines, policies).
DEFAULT_MAX_BYTES = 1 << 20
# A baseline of a large monorepo records one line per finding: allow it more room.
BASELINE_MAX_BYTES = 64 << 20


# Non-blocking, so a FIFO swapped in after stat() opens at once (and fstat() refuses it)
# instead of waiting for a writer; no controlling terminal, not inherited by children.
# Computed once, not per file read.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class FileReadError(SetupError):
    """A file cannot be read as an input: not found, not a regular file, too large, not
    UTF-8. `where` is the file; `message` says why, in one line without the path."""


class FileWriteError(SetupError):
    """A file cannot be written (a symbolic link, a folder, no permission)."""


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES, *,
               what: str = "file", hint: str = "") -> bytes:
    """The content of the regular file at `path`, at most `max_bytes` long.

    The type is checked with stat() first (opening a FIFO blocks until a writer appears,
    reading a device may never end); the open itself is non-blocking and re-checked with
    fstat(), so a file swapped in between cannot hang the run either. `what` names the
    kind of file in the too-large message ("manifest"), `hint` says how to raise the cap.
    """
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except OSError as exc:
        raise FileReadError(_describe_stat_error(name, exc), where=name) from None
    _require_regular(st.st_mode, name)
    if st.st_size > max_bytes:
        raise FileReadError(_too_large(st.st_size, max_bytes, what, hint), where=name)
    try:
        fd = os.open(name, _READ_FLAGS)
    except OSError as exc:
        raise FileReadError(f"cannot open: {exc.strerror or exc}", where=name) from None
    chunks: list[bytes] = []
    try:
        opened = os.fstat(fd)
        _require_regular(opened.st_mode, name)
        remaining = max_bytes + 1
        # Buffers sized to the file: a 1 MiB read buffer per manifest cost more than the read.
        # (Files that report no size, such as those under /proc, are read 64 KiB at a time.)
        # The size changes how many reads it takes, never what is read: mutmut's changes of
        # it are equivalent, hence the pragma.
        size = opened.st_size  # pragma: no mutate
        step = min(size + 1 if size else 1 << 16, max_bytes + 1)  # pragma: no mutate
        while remaining > 0:
            chunk = os.read(fd, min(remaining, step))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}", where=name) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:  # the file grew after stat()
        raise FileReadError(_too_large(len(raw), max_bytes, what, hint), where=name)
    return raw


def read_text(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES, *,
              what: str = "file", hint: str = "") -> str:
    """`read_bytes` decoded as UTF-8 (a BOM is dropped); any other encoding is refused."""
    raw = read_bytes(path, max_bytes, what=what, hint=hint)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileReadError(f"{what} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                            f"offset {exc.start}); save it as UTF-8",
                            where=os.fspath(path)) from None
    return text[1:] if text.startswith("\ufeff") else text


def _describe_stat_error(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop: the link cannot be resolved"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        from ragft_lint.core.text import show_value

        return (f"dangling symbolic link (points to {show_value(os.readlink(path))}, "
                "which does not exist)")
    if exc.errno == errno.ENOENT:
        return "no such file"
    return f"cannot read: {exc.strerror or exc}"


_KIND_BY_TEST: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

_OTHER = "not a regular file"


def _require_regular(mode: int, path: str) -> None:
    if stat.S_ISREG(mode):
        return
    # The fallback is for file types Linux's stat() never reports (Solaris doors): no test
    # reaches it, hence the pragma.
    kind = next((name for test, name in _KIND_BY_TEST if test(mode)), _OTHER)  # pragma: no mutate
    raise FileReadError(f"not a regular file: it is {kind}; refused without opening it",
                        where=path)


def _too_large(size: int, limit: int, what: str, hint: str) -> str:
    return f"{what} is {size:,} bytes, over the {limit:,}-byte limit{hint}"


def nesting_within(data: Any, limit: int) -> bool:
    """Whether `data` (parsed JSON or TOML) nests lists and mappings at most `limit` deep;
    checked without recursion, so any depth is safe to ask about."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth >= limit:
                return False
            values = node.values() if isinstance(node, dict) else node
            stack.extend((value, depth + 1) for value in values)
    return True


# --- writing ------------------------------------------------------------------------------

@overload
def atomic_writer(path: str | os.PathLike[str], *, binary: Literal[False] = False,
                  what: str = ...) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_writer(path: str | os.PathLike[str], *, binary: Literal[True],
                  what: str = ...) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_writer(path: str | os.PathLike[str], *, binary: bool = False,
                  what: str = "the file") -> contextlib.AbstractContextManager[IO[str]] | \
        contextlib.AbstractContextManager[IO[bytes]]:
    """A file to write `path`'s new content to; it replaces `path` when the block ends.

    The content goes to a temporary file in the same folder (same filesystem, so the rename
    is atomic), is flushed and fsync'd, then renamed over `path`. If the block raises (any
    exception, Ctrl-C included) the temporary file is removed and `path` is untouched.
    Text is UTF-8 with `\\n` line ends on every platform (reports are compared byte for
    byte). A `path` that is a symbolic link or a folder is refused with a FileWriteError
    before anything is created. A file that exists keeps its permission bits. `what`
    names the file in errors ("cannot write the report: ...").
    """
    return _atomic_writer(os.fspath(path), binary, what)


@contextlib.contextmanager
def _atomic_writer(path: str, binary: bool, what: str) -> Iterator[IO[Any]]:
    handle, temporary = open_temporary(path, binary=binary, what=what)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        commit(temporary, path, what=what)
    except BaseException:
        discard(temporary)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes | str, *,
                 what: str = "the file") -> None:
    """Replace `path` with `data` in one step (see `atomic_writer`)."""
    if isinstance(data, bytes):
        with atomic_writer(path, binary=True, what=what) as binary_handle:
            binary_handle.write(data)
    else:
        with atomic_writer(path, what=what) as text_handle:
            text_handle.write(data)


def check_writable_target(path: str, what: str = "the file") -> None:
    """Refuse a write target that is a symbolic link or a folder (FileWriteError)."""
    if os.path.islink(path):
        raise FileWriteError(f"cannot write {what}: it is a symbolic link, and ragft-lint "
                             "never writes through one (name the real file)", where=path)
    if os.path.isdir(path):
        raise FileWriteError(f"cannot write {what}: it is a folder", where=path)


def open_temporary(path: str, *, binary: bool = False, what: str = "the file",
                   errors: str = "strict") -> tuple[IO[Any], str]:
    """An open temporary file beside `path` and its name, for `commit` or `discard`.

    For writers that must create their file before the work starts (reports are opened
    before the check, so an unwritable path fails the run before any work) and decide at
    the end whether it replaces `path`. `errors` is the text encoding's error handler
    (reports pass "backslashreplace", for file names that are not UTF-8).
    """
    import tempfile

    check_writable_target(path, what)
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileWriteError(f"cannot write {what}: {exc.strerror or exc}",
                             where=path) from None
    try:
        _copy_mode(path, fd)
        if binary:
            return os.fdopen(fd, "wb"), temporary
        return os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="\n"), temporary
    except BaseException:
        os.close(fd)
        discard(temporary)
        raise


def commit(temporary: str, path: str, *, what: str = "the file") -> None:
    """Rename a finished temporary file (from `open_temporary`) over `path`.

    (A link planted at `path` meanwhile would be replaced, not followed: rename never
    follows a link at its destination.)
    """
    try:
        os.replace(temporary, path)
    except OSError as exc:
        discard(temporary)
        raise FileWriteError(f"cannot write {what}: {exc.strerror or exc}",
                             where=path) from None


def discard(temporary: str) -> None:
    """Remove a temporary file that will not be committed (it may already be gone)."""
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def _copy_mode(path: str, fd: int) -> None:
    # mkstemp creates 0600; the file it replaces keeps its mode, a new one gets the usual
    # 0666 less the umask (what open() would have given it).
    if not hasattr(os, "fchmod"):  # pragma: no cover - Windows
        return
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.fchmod(fd, mode)

