"""The configuration that applies to each manifest an editor has open, read once.

`check` reads its configuration and policies once per run; a language server runs for
hours and checks on every keystroke, so it keeps each session (settings, pack, engine) and
asks the file system only whether the files it was built from changed: a `stat()` of each
candidate configuration file on the way up from the manifest (to the repository root, where
`check` stops looking), of the configuration file and every file it extends, and of the
policy files in the configured policy folders. Nothing is re-read until one
of those changes. A broken configuration is remembered the same way, so it is reported on
every round without being parsed again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from ragft_lint.check.config import CONFIG_FILE, PYPROJECT, find_config_file
from ragft_lint.check.session import Session, open_session
from ragft_lint.core.errors import SetupError
from ragft_lint.core.policy import POLICY_SUFFIXES

# What a file looked like: (mtime in ns, size), or None when it does not exist.
Stamp = tuple[int, int] | None
Signature = tuple[Stamp, ...]


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def folder_signature(folder: str) -> Signature:
    """The folder's own stamp (a file added or removed changes it) and each policy file's."""
    stamps: list[Stamp] = [stamp(folder)]
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(POLICY_SUFFIXES))
    except OSError:
        return tuple(stamps)
    stamps.extend(stamp(os.path.join(folder, name)) for name in names)
    return tuple(stamps)


@dataclass
class _Built:
    signature: Signature
    session: Session | None
    error: SetupError | None


class SessionCache:
    """Sessions by configuration file, rebuilt only when a file they came from changes."""

    def __init__(self, opener: Callable[..., Session] = open_session,
                 on_build: Callable[[str | None, SetupError | None], None] | None = None):
        self._open = opener
        self._on_build = on_build
        # folder -> (stamps of the candidate configuration files above it, the one found)
        self._config_by_folder: dict[str, tuple[Signature, str | None]] = {}
        self._built_by_config: dict[str | None, _Built] = {}
        self.builds = 0  # how many times configuration and policies were read

    def config_for(self, folder: str) -> str | None:
        """The configuration file that applies in `folder` (as `check` run there finds it)."""
        folder = os.path.abspath(folder)
        signature = _candidates_signature(folder)
        known = self._config_by_folder.get(folder)
        if known is not None and known[0] == signature:
            return known[1]
        found = find_config_file(folder)
        self._config_by_folder[folder] = (signature, found)
        return found

    def session_for(self, folder: str) -> Session:
        """The session for a manifest in `folder`; raises the SetupError `check` would."""
        config = self.config_for(folder)
        built = self._built_by_config.get(config)
        if built is None or built.signature != self._signature(config, built):
            built = self._build(config, folder)
            self._built_by_config[config] = built
        if built.error is not None:
            raise built.error
        assert built.session is not None
        return built.session

    def _build(self, config: str | None, folder: str) -> _Built:
        self.builds += 1
        try:
            session = self._open(config, cwd=folder)
        except SetupError as exc:
            built = _Built((), None, exc)
        else:
            built = _Built((), session, None)
        built.signature = self._signature(config, built)
        if self._on_build is not None:
            self._on_build(config, built.error)
        return built

    @staticmethod
    def _signature(config: str | None, built: _Built) -> Signature:
        stamps: list[Stamp] = [stamp(config) if config else None]
        if built.session is not None:
            settings = built.session.settings
            stamps.extend(stamp(path) for path in settings.files)  # `extend` chain
            for policy_folder in settings.policy_paths:
                stamps.extend(folder_signature(policy_folder))
        return tuple(stamps)


def _candidates_signature(folder: str) -> Signature:
    """Stamps of every file that could be the configuration for `folder`: creating,
    editing or deleting any of them may change which one applies."""
    stamps: list[Stamp] = []
    while True:
        stamps.append(stamp(os.path.join(folder, CONFIG_FILE)))
        stamps.append(stamp(os.path.join(folder, PYPROJECT)))
        repository = stamp(os.path.join(folder, ".git"))
        stamps.append(repository)
        parent = os.path.dirname(folder)
        if parent == folder or repository is not None:  # as find_config_file stops
            return tuple(stamps)
        folder = parent
