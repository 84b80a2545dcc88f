"""Packaged data: the manifest schema and the built-in policy pack.

They live at the top of the repository (`schemas/`, `policies/`) and are mapped into the
package by pyproject.toml, so they are read the same way from a wheel, an editable install
or pre-commit's environment.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Traversable  # importlib.resources.abc from 3.11 on

MANIFEST_SCHEMA = "llm-project.schema.json"


def schema_file(name: str) -> Traversable:
    return files("ragft_lint.schemas") / name


@cache
def load_schema(name: str = MANIFEST_SCHEMA) -> dict[str, Any]:
    """A packaged JSON Schema, parsed once per process."""
    result: dict[str, Any] = json.loads(schema_file(name).read_text(encoding="utf-8"))
    return result


def builtin_policy_dir() -> Traversable:
    return files("ragft_lint.policies")
