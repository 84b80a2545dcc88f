"""Where a run's policies come from: the built-in pack, policy folders, installed packs.

An installed pack is a Python distribution that declares an entry point in the group
`ragft_lint.policies`. The entry point's object is one of:

- a module or package: its folder holds the policy files (`acme = "acme_policies"`);
- a folder: a `str`/`os.PathLike` path or an `importlib.resources` `Traversable`;
- a callable taking no arguments and returning one of the above.

Looking up entry points through `importlib.metadata` costs about 25 ms (mostly importing it),
a sixth of a whole run, on every run and every pre-commit hook call. So the metadata folders
on `sys.path` are first scanned as plain text for the group's name (under 1 ms); only when
some distribution declares it is `importlib.metadata` imported and the pack loaded.
Configuration can switch installed packs off (`entry-points = false`) for a run that must
not depend on what happens to be installed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import PolicyError
from ragft_lint.core.policy import Policy, PolicyPack, load_builtin_policies, load_policy_dir
from ragft_lint.core.records import record
from ragft_lint.core.rules import CORE_RULE_BY_ID

if TYPE_CHECKING:
    from importlib.abc import Traversable  # importlib.resources.abc from 3.11 on
    from importlib.metadata import EntryPoint

    from ragft_lint.check.config import Settings

ENTRY_POINT_GROUP = "ragft_lint.policies"
BUILTIN = "built-in pack"


@record(frozen=True)
class PolicySource:
    """Policies from one place, with a label saying where (for --show-config and errors)."""

    label: str
    policies: tuple[Policy, ...]


def build_pack(settings: Settings) -> tuple[PolicyPack, list[PolicySource]]:
    """The run's `PolicyPack`, with the configuration's parameters checked and applied."""
    sources = load_sources(settings.policy_paths, entry_points=settings.entry_points)
    policies = [policy for source in sources for policy in source.policies]
    defaults_only = PolicyPack(policies)  # raises for a duplicate id, naming both files
    params = settings.policy_params(defaults_only)
    pack = PolicyPack(policies, params)
    _check_overridden_conditions(pack, params, settings)
    return pack, sources


def _check_overridden_conditions(pack: PolicyPack, params: dict[str, Any],
                                 settings: Settings) -> None:
    """A configured value must keep each condition that uses it a valid JSON Schema (a
    string parameter used as a `pattern` must still be a regular expression)."""
    if not params:
        return
    from jsonschema import Draft202012Validator

    from ragft_lint.core.patterns import check_patterns
    from ragft_lint.core.schema import error_text

    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)
    for policy in pack.policies:
        used = sorted(set(policy.params) & set(params))
        if not used:
            continue
        condition = policy.condition(pack.params)
        error = next(iter(meta.iter_errors(condition)), None)
        problem = error_text(error) if error is not None else next(
            (text for _, text in check_patterns(condition)), None)
        if problem is not None:
            key = "params." + used[0].replace("_", "-")
            raise settings.error(key, f"makes the condition of {policy.id} ({policy.source}) "
                                 f"invalid: {problem}")


def load_sources(folders: Sequence[str] = (), *, entry_points: bool = True) -> list[PolicySource]:
    """The built-in pack, then each folder, then each installed pack."""
    sources = [PolicySource(BUILTIN, tuple(load_builtin_policies()))]
    for folder in folders:
        sources.append(PolicySource(f"folder {folder}", _load_folder(folder, f"folder {folder}")))
    if entry_points:
        sources.extend(iter_installed_packs())
    for source in sources[1:]:
        for policy in source.policies:
            if policy.id in CORE_RULE_BY_ID:
                raise PolicyError(f"policy id {policy.id} is the id of a core rule; choose "
                                  "another id (a team prefix such as ACME001 avoids clashes)",
                                  where=policy.source)
    return sources


def iter_installed_packs() -> Iterator[PolicySource]:
    """A source for each entry point in the `ragft_lint.policies` group, by name."""
    if not entry_points_declared():
        return
    from importlib.metadata import entry_points

    seen: set[tuple[str, str]] = set()
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        # The same distribution can be visible twice on sys.path (editable + site-packages).
        if (entry_point.name, entry_point.value) in seen:
            continue
        seen.add((entry_point.name, entry_point.value))
        label = f"installed pack {entry_point.name} = {entry_point.value}"
        folder = _resolve(entry_point, label)
        yield PolicySource(label, _load_folder(folder, label))


def entry_points_declared(path: Sequence[str] | None = None) -> bool:
    """Whether any distribution on `path` (default sys.path) declares our entry point group.

    A conservative text search: it may say yes for a mention elsewhere in entry_points.txt,
    and then the real lookup decides; it never says no when the group is declared in the
    metadata folders importlib.metadata reads from sys.path.
    """
    for folder in (sys.path if path is None else path):
        try:
            entries = os.scandir(folder or ".")
        except OSError:  # a zip file, a missing folder
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8",
                              errors="replace") as handle:
                        if ENTRY_POINT_GROUP in handle.read():
                            return True
                except OSError:
                    continue
    return False


def _resolve(entry_point: EntryPoint, label: str) -> Traversable | str:
    try:
        obj: Any = entry_point.load()
    except Exception as exc:  # a third party's import failing is their setup error, not ours
        raise PolicyError(f"cannot load {label}: {type(exc).__name__}: {exc}") from None
    if callable(obj) and not isinstance(obj, type(sys)):
        try:
            obj = obj()
        except Exception as exc:
            raise PolicyError(f"{label}: calling it failed: {type(exc).__name__}: {exc}") from None
    if isinstance(obj, type(sys)):  # a module or package: its own folder
        from importlib.resources import files

        try:
            return files(obj)
        except (TypeError, ValueError) as exc:
            raise PolicyError(f"{label}: module {obj.__name__} has no folder ({exc})") from None
    if isinstance(obj, (str, os.PathLike)):
        return os.fsdecode(os.fspath(obj))
    if hasattr(obj, "iterdir") and hasattr(obj, "is_dir"):
        folder: Traversable = obj
        return folder
    raise PolicyError(f"{label}: expected a module, a folder path or an importlib.resources "
                      f"Traversable (or a callable returning one), got {type(obj).__name__}")


def _load_folder(folder: Traversable | str, label: str) -> tuple[Policy, ...]:
    if not isinstance(folder, str) and not folder.is_dir():
        raise PolicyError(f"{label}: not a folder", where=str(folder))
    policies = tuple(load_policy_dir(folder))
    if not policies:
        # An empty pack is nearly always a mistake: a wrong path, or a wheel built without
        # its policy files as package data.
        raise PolicyError(f"{label}: no policy files (*.yaml, *.yml) in it", where=str(folder))
    return policies
