"""The one way YAML is read: ruamel.yaml's C parser, as a stream of events with marks.

Its own module so that the reader (manifest.py) and the YAML 1.2 checks (conformance.py)
share it without importing each other.
"""

from __future__ import annotations

from typing import Any


def make_parser(text: str) -> Any:
    """ruamel.yaml's C parser over `text` (its pure-Python parser where the C one is missing)."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:  # no C extension (e.g. PyPy): the pure parser yields the same events
        from ruamel.yaml.loader import SafeLoader

        return SafeLoader(text)
    return CParser(text)
