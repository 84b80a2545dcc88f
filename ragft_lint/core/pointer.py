"""JSON pointers (RFC 6901): how findings name a place in a manifest, independent of YAML."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape_token(token: str) -> str:
    """One reference token escaped: `~` as `~0`, `/` as `~1`."""
    # Checked first: almost no key holds either character, and this runs for every key of
    # every manifest read.
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape_token(token: str) -> str:
    """The key a reference token names (the inverse of `escape_token`)."""
    if "~" in token:
        return token.replace("~1", "/").replace("~0", "~")
    return token


def join(pointer: str, token: str | int) -> str:
    """`pointer` extended by one key or list index."""
    return f"{pointer}/{escape_token(str(token))}"


def from_path(path: Iterable[object]) -> str:
    """The pointer of a path of keys and indices (such as jsonschema's `absolute_path`)."""
    return "".join(f"/{escape_token(str(part))}" for part in path)


def resolve(data: Any, pointer: str, default: Any = None) -> Any:
    """The value `pointer` names in `data` (mappings and lists), or `default` where it
    names none; the empty pointer names `data` itself."""
    for token in pointer.split("/")[1:]:
        key = unescape_token(token)
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return default
    return data


def show_pointer(pointer: str) -> str:
    """`pointer` as a report shows it: a reference token longer than MAX_SHOWN characters
    (a key of a manifest's own, never one the schema names) cut to MAX_SHOWN with `…`, so a
    100 kB key is an excerpt in the report, as it is in messages. The result is still a
    pointer, to a key whose name starts so; reports carry it, the engine keeps the exact one.
    """
    from ragft_lint.core.text import MAX_SHOWN

    if len(pointer) <= MAX_SHOWN:  # nearly every pointer: nothing to split
        return pointer
    return "/".join(_cut_token(token, MAX_SHOWN) for token in pointer.split("/"))


def _cut_token(token: str, limit: int) -> str:
    if len(token) <= limit:
        return token
    # Never end inside an escape (`~0`, `~1`): a lone `~` is not a valid pointer.
    kept = token[:limit]
    return (kept[:-1] if kept.endswith("~") else kept) + "…"
