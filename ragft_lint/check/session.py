"""What every command starts from: the effective configuration, the policy pack built from
it, and an `Engine` over that pack. One place, so `check`, `recommend`, `explain`, `rules`
and `init` judge with the same rules, custom packs and parameters included.

A monorepo has several configurations, so a run has several sessions: `Sessions` gives each
manifest the one of the configuration nearest above it (as ruff resolves settings per
file), building each once, however many manifests share it.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import field

from ragft_lint.check.config import (
    CONFIG_FILE,
    PYPROJECT,
    Overrides,
    Settings,
    find_config_file,
    resolve,
    settings_from,
)
from ragft_lint.check.packs import PolicySource, build_pack
from ragft_lint.core.engine import Engine
from ragft_lint.core.manifest import Limits
from ragft_lint.core.policy import PolicyPack
from ragft_lint.core.records import record
from ragft_lint.core.result import ResultFilter


@record
class Session:
    """The effective settings of a run and the engine built from them."""

    settings: Settings
    pack: PolicyPack
    sources: list[PolicySource]
    engine: Engine = field(repr=False)


def open_session(config_path: str | None = None, overrides: Overrides | None = None,
                 limits: Limits | None = None, cwd: str | None = None) -> Session:
    """The session in folder `cwd` (default: the working directory): the configuration
    found from there up (or `config_path`), then `overrides`, and the pack and engine."""
    return build_session(resolve(config_path, overrides or Overrides(), cwd), limits)


def open_session_for(path: str, config_path: str | None = None,
                     overrides: Overrides | None = None) -> Session:
    """The session for the manifest (or folder) at `path`: what `check` would use for it,
    whatever the working directory (for `recommend`, `explain` and `init`)."""
    return Sessions(config_path, overrides).for_path(path)


def build_session(settings: Settings, limits: Limits | None = None) -> Session:
    """The pack and engine for `settings`."""
    pack, sources = build_pack(settings)
    engine = Engine(pack, limits=limits or Limits(),
                    severity_by_rule=settings.severity_by_rule(pack),
                    disabled=settings.disabled_rules(pack),
                    waivers=settings.waiver_policy(pack))
    return Session(settings, pack, sources, engine)


class Sessions:
    """The session of each manifest: `--config` for all, else the nearest configuration.

    Command-line `overrides` apply over every configuration, key by key.
    """

    def __init__(self, config_path: str | None = None, overrides: Overrides | None = None,
                 limits: Limits | None = None, cwd: str | None = None, *,
                 isolated: bool = False):
        self.config_path = config_path
        self.overrides = overrides or Overrides()
        self.limits = limits or Limits()
        self.cwd = os.path.abspath(cwd or os.getcwd())
        # --isolated: no configuration file is read at all, wherever a manifest is.
        self.isolated = isolated
        self.baseline: ResultFilter | None = None  # given to every engine built
        self._config_by_folder: dict[str, str | None] = {}
        self._session_by_config: dict[str | None, Session] = {}
        self._session_by_folder: dict[str, Session] = {}  # by folder as asked (for_folder)
        self._settings_by_walked_folder: dict[str, Settings] = {}
        self._excluded_by_folder: dict[str, bool] = {}
        if config_path is not None:  # fails now, naming the file, if it does not exist
            self._session_by_config[config_path] = self._build(
                resolve(config_path, self.overrides, self.cwd))

    @property
    def here(self) -> Session:
        """The session of the working directory (for the run's summary and threshold)."""
        return self.for_folder(self.cwd)

    def for_path(self, path: str) -> Session:
        """The session of a manifest file (a folder: of the manifests directly in it)."""
        absolute = os.path.join(self.cwd, path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        return self.for_folder(folder)

    def for_file(self, path: str) -> Session:
        """The session of the manifest file at `path` (no stat: it is known to be a file)."""
        return self.for_folder(os.path.dirname(os.path.join(self.cwd, path)))

    def saw_folder(self, folder: str, files: Sequence[str], dirs: Sequence[str]) -> None:
        """A folder search entered `folder`: when it holds no configuration and is no
        repository root, its configuration is its parent's, known without a stat() call
        (a search enters a parent before its children)."""
        if self.config_path is not None or CONFIG_FILE in files or PYPROJECT in files:
            return
        if ".git" in dirs or ".git" in files:
            return
        absolute = os.path.abspath(os.path.join(self.cwd, folder))
        parent = os.path.dirname(absolute)
        if parent in self._config_by_folder and parent != absolute:
            self._config_by_folder[absolute] = self._config_by_folder[parent]

    def for_folder(self, folder: str) -> Session:
        if self.config_path is not None:
            return self._session_by_config[self.config_path]
        # Asked twice for every file of a run (to check it, then to catalogue its rules):
        # the second time, and for every other file of the folder, one look-up.
        session = self._session_by_folder.get(folder)
        if session is not None:
            return session
        config = (None if self.isolated else
                  find_config_file(os.path.join(self.cwd, folder), self._config_by_folder))
        session = self._session_by_config.get(config)
        if session is None:
            session = self._session_by_config[config] = self._build(
                settings_from(config, self.overrides, self.cwd))
        self._session_by_folder[folder] = session
        return session

    def _build(self, settings: Settings) -> Session:
        session = build_session(settings, self.limits)
        session.engine.baseline = self.baseline
        return session

    def set_baseline(self, baseline: ResultFilter) -> None:
        """Apply `baseline` to every manifest's result, whichever configuration it has."""
        self.baseline = baseline
        for session in self._session_by_config.values():
            session.engine.baseline = baseline

    # --- exclude -------------------------------------------------------------------------

    def excluded(self, path: str, folder: str) -> bool:
        """Whether `path` (a file or folder found in `folder`, as displayed) matches the
        `exclude` globs of the configuration that applies in `folder`."""
        # Asked for every file and folder of a search: keyed by the folder exactly as the
        # walk spells it, this is one dictionary look-up for all but the first in a folder.
        settings = self._settings_by_walked_folder.get(folder)
        if settings is None:
            settings = self._settings_by_walked_folder[folder] = self.for_folder(folder).settings
        return bool(settings.exclude) and matches(path, settings, self.cwd)

    def force_excluded(self, path: str) -> bool:
        """`--force-exclude`: whether a file named on the command line is excluded, itself
        or through a folder above it (up to the repository root), by the configuration
        that applies where each is found: what a search from the root would have skipped."""
        absolute = os.path.normpath(os.path.join(self.cwd, path))
        parent = os.path.dirname(absolute)
        return self.excluded(_display(path), parent) or self._folder_excluded(parent)

    def _folder_excluded(self, folder: str) -> bool:
        known = self._excluded_by_folder.get(folder)
        if known is None:
            parent = os.path.dirname(folder)
            if parent == folder or os.path.exists(os.path.join(folder, ".git")):
                known = False  # the root is where a search starts: never itself excluded
            else:
                known = (self.excluded(_display(os.path.relpath(folder, self.cwd)), parent)
                         or self._folder_excluded(parent))
            self._excluded_by_folder[folder] = known
        return known


def matches(path: str, settings: Settings, cwd: str) -> bool:
    """Whether `path` matches one of `settings.exclude`: as displayed (relative to the
    working directory), relative to the configuration file's folder, or by its name."""
    candidates = {path, os.path.basename(path)}
    root = settings.root
    if root is not None:
        absolute = os.path.normpath(os.path.join(cwd, path))
        if _inside(absolute, root):
            candidates.add(_display(os.path.relpath(absolute, root)))
    return any(fnmatch.fnmatch(candidate, pattern)
               for candidate in candidates for pattern in settings.exclude)


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")

