"""Turn the paths given on the command line into the manifest files to check."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence

from ragft_lint.core.errors import ConfigError
from ragft_lint.core.manifest import MANIFEST_NAMES
from ragft_lint.core.paths import escapes, refusal_outside, source_root
from ragft_lint.core.records import record

# Folders that never hold a project's own manifest and can be huge.
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".jj", "node_modules", ".venv", "venv", "__pycache__", ".tox",
    ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages",
})


# excluded(path, folder): whether `path`, a file or folder found in `folder` (both as
# displayed), is excluded by the configuration that applies in `folder`.
Excluded = Callable[[str, str], bool]


def _never(_path: str, _folder: str) -> bool:
    return False


# on_folder(folder, files, dirs): told each folder a search enters, with what it holds, so a
# per-folder lookup (the configuration that applies there) can skip its own stat() calls.
OnFolder = Callable[[str, Sequence[str], Sequence[str]], None]


@record(frozen=True)
class Target:
    """A file to check; `refusal` says why it must not be read, when it must not."""

    path: str
    refusal: str | None = None
    content: bytes | None = None  # standard input's, checked under the name `path`

    def __init__(self, path: str, refusal: str | None = None, content: bytes | None = None
                 ) -> None:
        # Written out (one Target per file): core/records.py.
        self.__dict__.update(path=path, refusal=refusal, content=content)


def iter_targets(paths: Sequence[str], excluded: Excluded = _never,
                 force_excluded: Callable[[str], bool] | None = None,
                 on_folder: OnFolder | None = None) -> Iterator[Target]:
    """Files to check, each once however many ways it is reached, in a stable order.

    A file named explicitly is checked whatever its name (pre-commit passes exactly the files
    its `files:` pattern matched). A directory is searched recursively for llm-project.yaml /
    .yml, skipping VCS folders, virtualenvs and node_modules and never following a symbolic
    link to a folder; a manifest that is a link to a file outside the searched tree is
    yielded with a refusal instead of being read, and so is a path named explicitly that
    leads out of the source root through a link (core.paths). Paths are checked to exist
    before anything is yielded, so a typo fails the run before any report is written.

    `excluded` decides what a folder search skips; `force_excluded`, when given, decides
    which files named explicitly are skipped too (`--force-exclude`, for pre-commit).
    """
    given_paths = list(paths) or ["."]
    for given in given_paths:
        if not os.path.lexists(given):
            raise ConfigError(f"path does not exist: {given}")
    return _iter_targets(given_paths, excluded, force_excluded, on_folder)


def _iter_targets(paths: Sequence[str], excluded: Excluded,
                  force_excluded: Callable[[str], bool] | None,
                  on_folder: OnFolder | None) -> Iterator[Target]:
    # A file is read once however it is reached: named twice, spelled two ways, or through
    # a link inside the tree (or a hard link). Identity is the inode where it can be known.
    seen: set[object] = set()
    root = source_root()
    real_folders: dict[str, str] = {}  # for escapes(): each folder resolved once
    for given in paths:
        if force_excluded is not None and force_excluded(given):
            continue
        if escapes(given, root, real_folders):
            # However it reached the command line (typed, a changed-files list, xargs, the
            # action's `paths`), a link out of the repository is refused as discovery
            # refuses it: its target would be read, and quoted in messages, in the CI log.
            refused = Target(given, refusal_outside(given, root))
            key = _identity(refused)
            if key not in seen:
                seen.add(key)
                yield refused
            continue
        # One stat for a file named on the command line (pre-commit names thousands):
        # it tells a folder from a file and gives the file's identity.
        try:
            st: os.stat_result | None = os.stat(given)
        except OSError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode) and not os.path.islink(given):
            for candidate in _walk(given, excluded, on_folder):
                key = _identity(candidate)
                if key not in seen:
                    seen.add(key)
                    yield candidate
            continue
        key = (st.st_dev, st.st_ino) if st is not None else _path_key(given)
        if key not in seen:
            seen.add(key)
            yield Target(given)


def _identity(target: Target) -> object:
    if target.refusal is None:
        try:
            st = os.stat(target.path)
        except OSError:
            pass
        else:
            return (st.st_dev, st.st_ino)
    return _path_key(target.path)


def _path_key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _walk(top: str, excluded: Excluded, on_folder: OnFolder | None) -> Iterator[Target]:
    real_top = os.path.realpath(top)
    for root, dirs, files in os.walk(top):
        if on_folder is not None:
            on_folder(root, files, dirs)
        dirs[:] = sorted(d for d in dirs if not _skip_dir(root, d, excluded))
        # A folder named like a manifest is listed among dirs; it is still reported (and
        # refused by the reader) so a misplaced folder does not silently pass.
        for name in sorted(set(files) | {d for d in dirs if d in MANIFEST_NAMES}):
            if name not in MANIFEST_NAMES:
                continue
            path = _display(os.path.join(root, name))
            if excluded(path, root):
                continue
            if os.path.islink(path) and _outside(path, real_top):
                yield Target(path, "symbolic link to a file outside the searched folder "
                                   f"({top}); not followed")
            else:
                yield Target(path)


def _skip_dir(root: str, name: str, excluded: Excluded) -> bool:
    if name in SKIPPED_DIRS:
        return True
    path = os.path.join(root, name)
    # Any virtualenv, whatever it is called, has a pyvenv.cfg at its top.
    return os.path.isfile(os.path.join(path, "pyvenv.cfg")) or excluded(_display(path), root)


def _display(path: str) -> str:
    path = os.path.normpath(path)
    return path.replace(os.sep, "/")


def _outside(path: str, real_top: str) -> bool:
    real = os.path.realpath(path)
    return os.path.commonpath([real, real_top]) != real_top
