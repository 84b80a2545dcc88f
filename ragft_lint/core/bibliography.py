"""Reading bibliographies (`sources.yaml`): the built-in one and a pack folder's own.

Kept apart from `evidence` (the values) so that `rules` can name `Evidence` without
depending on the YAML reader and the schema validator.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from ragft_lint.core.errors import ManifestError, PolicyError
from ragft_lint.core.evidence import SOURCES_FILE, Source
from ragft_lint.core.text import show_value

if TYPE_CHECKING:
    from importlib.abc import Traversable  # importlib.resources.abc from 3.11 on

SOURCES_SCHEMA = "sources.schema.json"


def parse_sources(data: Any, where: str) -> dict[str, Source]:
    """The `Source` by id of one bibliography's data (already read as YAML)."""
    from ragft_lint.core.resources import load_schema
    from ragft_lint.core.schema import compile_schema, describe

    validator = compile_schema(load_schema(SOURCES_SCHEMA))
    for error in validator.iter_errors(data):
        pointer, message, _ = describe(error)[0]
        raise PolicyError(f"invalid bibliography at {pointer or '/'}: {message}", where=where)
    out: dict[str, Source] = {}
    for entry in data["sources"]:
        if entry["id"] in out:
            raise PolicyError(f"source id {show_value(entry['id'])} is listed twice", where=where)
        out[entry["id"]] = Source(id=entry["id"], title=entry["title"].strip(),
                                  author=entry["author"].strip(), year=entry["year"],
                                  url=entry["url"].strip())
    return out


def read_sources_file(path: Traversable | str) -> dict[str, Source]:
    """A bibliography file, read with the same safe YAML reader as a manifest."""
    from ragft_lint.core.manifest import compose, read_manifest

    where = str(path)
    try:
        if isinstance(path, str) or os.path.exists(where):
            data = read_manifest(where).data
        else:  # inside a zip or other non-file resource
            data = compose(path.read_text(encoding="utf-8"))[0]
    except ManifestError as exc:
        raise PolicyError(exc.message, where=f"{where}:{exc.line}") from None
    return parse_sources(data, where)


@cache
def builtin_sources() -> Mapping[str, Source]:
    """The built-in bibliography (`policies/sources.yaml`), from the fast path when it
    matches the packaged files, else read from the file."""
    from ragft_lint.core import fastpath

    module = fastpath.generated()
    if module is not None:
        return {entry["id"]: Source(**entry) for entry in module.source_data()}
    from ragft_lint.core.resources import builtin_policy_dir

    return read_sources_file(builtin_policy_dir() / SOURCES_FILE)


def folder_sources(folder: Traversable | str) -> dict[str, Source]:
    """A policy folder's own bibliography (its `sources.yaml`), or nothing if it has none."""
    entry: Any = os.path.join(folder, SOURCES_FILE) if isinstance(folder, str) \
        else folder / SOURCES_FILE
    # A FIFO or a dangling link named sources.yaml is read, so that the reader refuses it by
    # name, as it refuses such a policy file, instead of the folder losing its sources.
    exists = (os.path.lexists(entry) and not os.path.isdir(entry)) if isinstance(entry, str) \
        else entry.is_file()
    return read_sources_file(entry) if exists else {}


def merge_sources(builtin: Mapping[str, Source], own: Mapping[str, Source],
                  where: str) -> dict[str, Source]:
    """The sources a pack may cite: the built-in ones and its own. A pack may not redefine
    a built-in id: one id names one work everywhere."""
    for key, source in own.items():
        if key in builtin and builtin[key] != source:
            raise PolicyError(f"source id {show_value(key)} is already a built-in source "
                              f"({builtin[key].cite()}); choose another id", where=where)
    return {**builtin, **own}
