"""Where a run may read from: the source root, and whether a path stays inside it.

On a pull request everything in the checkout is written by someone CI must not trust,
symbolic links included: a committed `svc/llm-project.yaml -> /home/runner/.ssh/id_rsa`
would otherwise be read and quoted in the log. So the files the repository names (a
manifest, however it reached the command line; a config's `policy-paths`) are read only
when, followed through every link, they stay inside the *source root*: the repository root
(the nearest folder holding `.git`), else the working folder. Files the operator names
outside the checkout (`--config /tmp/base.toml`) are the operator's and may be anywhere.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache

# Environment variables CI systems set to the root of the checked-out repository.
ROOT_VARIABLES = ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")


def source_root() -> str:
    """The CI checkout (GITHUB_WORKSPACE, CI_PROJECT_DIR), else the nearest folder holding
    `.git` at or above the working folder, else the working folder itself."""
    return ci_root() or repository_root() or os.getcwd()


def ci_root() -> str | None:
    """The checkout a CI system says it made (GITHUB_WORKSPACE, CI_PROJECT_DIR), or None."""
    for variable in ROOT_VARIABLES:
        value = os.environ.get(variable)
        if value and os.path.isdir(value):
            return os.path.abspath(value)
    return None


def repository_of(path: str) -> str | None:
    """The checkout `path` lies in (the CI checkout, else the nearest folder holding `.git`
    above it), or None when it lies in none: a tree that is no checkout was not sent by
    a pull request."""
    return ci_root() or repository_root(os.path.dirname(os.path.abspath(path)))


def repository_root(start: str | None = None) -> str | None:
    """The nearest folder at or above `start` that holds `.git`, or None."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def is_inside(path: str, root: str) -> bool:
    """Whether `path` is `root` or lies below it, both followed through every link."""
    return _under(os.path.realpath(path), _real(root))


@lru_cache(maxsize=64)
def _real(root: str) -> str:
    # The root is asked about once per file named (pre-commit names thousands).
    return os.path.realpath(root)


def escapes(path: str, root: str | None = None,
            real_folders: dict[str, str] | None = None) -> bool:
    """Whether `path`, written as lying inside `root` (default: `source_root()`), leads
    outside it through a symbolic link (the file itself or any folder on the way).

    A path written outside the root is the operator's choice and never escapes; nor does a
    dangling link (the reader says what is wrong with it). `real_folders` (folder as
    written -> its real path), kept by a caller that asks about many paths, spares
    resolving the same folders again.
    """
    root = root or source_root()
    if not written_inside(path, root):
        return False
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return False
    if stat.S_ISLNK(st.st_mode):  # the file itself is a link: follow it all the way
        return os.path.exists(path) and not is_inside(path, root)
    folder, name = os.path.split(path)
    # (The no-mutate pragmas here and in _real_folder mark shortcuts: without them the
    # answer is the same, only slower, which no test can tell apart.)
    if name in ("", os.curdir, os.pardir):  # pragma: no mutate
        return not is_inside(path, root)
    # Not a link itself: its real path is its folder's, followed by its name. pre-commit
    # names thousands of files, and os.path.realpath costs an lstat() per folder on the way.
    known = {} if real_folders is None else real_folders  # pragma: no mutate
    real = os.path.join(_real_folder(folder, known), name)
    return not _under(real, _real(root))


def _real_folder(folder: str, known: dict[str, str]) -> str:
    """os.path.realpath(folder), resolving each folder on the way once per `known`."""
    real = known.get(folder)  # pragma: no mutate
    if real is None:
        parent, name = os.path.split(folder)
        if not parent or name in ("", os.curdir, os.pardir):  # pragma: no mutate
            real = os.path.realpath(folder or os.curdir)
        else:
            # The parent's real path has no link left in it: only `name` may be one.
            candidate = os.path.join(_real_folder(parent, known), name)
            real = candidate
            if os.path.islink(candidate):  # pragma: no mutate
                real = os.path.realpath(candidate)
        known[folder] = real  # pragma: no mutate
    return real


def written_inside(path: str, root: str) -> bool:
    """Whether `path` as written (links not followed) lies inside `root`: whether it is
    repository content, whatever it leads to."""
    written = os.path.abspath(path)
    return _under(written, os.path.abspath(root)) or _under(written, _real(root))


def link_out_of_checkout(path: str) -> str | None:
    """The checkout (`repository_of`) that `path` is written inside but leads out of through
    a symbolic link, else None. For the files a run reads besides manifests (a
    configuration, a baseline): written in the checkout, their target is the pull
    request's choice, however the file was named."""
    root = repository_of(path)
    return root if root is not None and escapes(path, root) else None


def _under(path: str, root: str) -> bool:
    # Both are absolute and normalised (abspath, realpath): a prefix of whole names is
    # what os.path.commonpath would find, at a fraction of its cost per file named.
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def refusal_outside(path: str, root: str) -> str:
    """The message for a link that leads outside `root` (a finding's or an error's)."""
    from ragft_lint.core.text import show_value

    return (f"symbolic link to a file outside the repository ({show_value(root, quote=False)}); "
            "not followed")
