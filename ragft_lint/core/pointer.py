"""JSON pointers (RFC 6901): how findings name a place in a manifest, independent of YAML."""

from __future__ import annotations

from collections.abc import Iterable


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
