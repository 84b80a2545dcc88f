"""The compiled fast path, used only when it was generated from exactly the packaged data.

`ragft_lint.core._generated` (written by `python -m ragft_lint.core._codegen`) holds the
manifest schema and the built-in policy conditions compiled to plain Python, and the built-
in policies as data. With it, checking a valid manifest needs neither jsonschema nor a YAML
read of the policy files, which is most of what a run used to cost. It is an internal
detail: callers ask `generated`, `builtin_policy_data` and `matcher_for`, and fall back to
the generic path (jsonschema, policy files) whenever they answer None.

(A mutant that only turns the fast path off costs speed, never a finding, so no test can
tell it apart: the lines where mutmut makes nothing else carry its no-mutate pragma.)

Safety: the module records a checksum of the files it was generated from; it is used only
when the packaged files have that checksum now, so an edited schema or policy that was not
regenerated costs speed, never a wrong finding.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

Matcher = Callable[[Any], bool]

# Set to disable the fast path (used by the differential tests and the benchmark).
DISABLE_ENV = "RAGFT_LINT_NO_FASTPATH"


@functools.lru_cache(maxsize=1)
def generated() -> ModuleType | None:
    """The generated module when it matches the packaged data, else None (checked once per
    process; `generated.cache_clear()` asks again)."""
    if os.environ.get(DISABLE_ENV):
        return None
    try:
        from ragft_lint.core import _generated
    except ImportError:  # pragma: no cover - the module is committed
        return None
    current = packaged_digest()
    if current is None or current != _generated.SOURCE_DIGEST:
        return None
    return _generated


def packaged_digest() -> str | None:
    """The checksum of the packaged schemas and policies, as `_codegen.digest` computes it.

    None when the data is not in plain folders (a zipped install): no fast path there.
    """
    import zlib
    from importlib import import_module

    # Mapped into the package from the repository's top-level folders (pyproject.toml).
    schema_package = import_module("ragft_lint.schemas")
    policy_package = import_module("ragft_lint.policies")

    dirs = []
    # (The package ships no .yml policy, and its packages always have a __file__: the
    # pragmas.)
    for package, prefix, suffixes in ((schema_package, "schemas", (".json",)),
                                      (policy_package, "policies",
                                       (".yaml", ".yml"))):  # pragma: no mutate
        where = getattr(package, "__file__", None)  # pragma: no mutate
        if not where:
            return None
        folder = os.path.dirname(where)
        if not os.path.isdir(folder):
            return None
        dirs.append((folder, prefix, suffixes))
    crc = 0
    total = 0
    try:
        for folder, prefix, suffixes in dirs:
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                if not name.endswith(suffixes) or not os.path.isfile(path):
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
                crc = zlib.crc32(f"{prefix}/{name}".encode() + b"\0" + data + b"\0", crc)
                total += len(data)
    except OSError:
        return None
    return f"{crc:08x}-{total}"


def builtin_policy_data() -> list[dict[str, Any]] | None:
    """The built-in policies as data (see `_codegen.render`), or None."""
    module = generated()  # pragma: no mutate
    return None if module is None else module.policy_data()  # pragma: no mutate


def matcher_for(condition: dict[str, Any]) -> Matcher | None:
    """The compiled form of a policy condition (parameters substituted), if one was generated.

    Keyed on the condition's repr(), which tells True from 1 and 1 from 1.0, so a condition
    changed in any way by configuration or a custom policy gets no compiled matcher.
    """
    module = generated()
    if module is None:
        return None
    return module.MATCHER_BY_CONDITION.get(repr(condition))  # type: ignore[no-any-return]
