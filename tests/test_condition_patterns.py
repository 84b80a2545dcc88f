"""A team policy's condition may name keys by pattern (`patternProperties`) and say what
other keys may be (`additionalProperties`): matched by RE2 (core/patterns.py), with the
verdicts JSON Schema gives them, on the free-form `metadata` teams describe projects in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import check_json, make_manifest, to_yaml

EXAMPLE = next((Path(__file__).resolve().parents[1] / "examples" / "policies").glob("*.yaml"))
RULE = "ACME001"


def fires(tmp_path: Path, when: str, metadata: Any) -> bool:
    """Whether the example policy, its condition replaced by `when`, fires on a manifest
    whose `metadata` is `metadata`."""
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("when:\n"), text.index("message:")
    (pack / EXAMPLE.name).write_text(text[:start] + when + text[end:], encoding="utf-8")
    manifest = tmp_path / "llm-project.yaml"
    manifest.write_text(to_yaml(make_manifest(metadata=metadata)), encoding="utf-8")
    code, report = check_json(manifest, extra=("--policies", str(pack)))
    assert code in (0, 1), report
    return RULE in {finding["rule"] for finding in report["findings"]}


BY_PATTERN = """\
when:
  required: [metadata]
  properties:
    metadata:
      patternProperties:
        '^team_': {const: search}
"""

ONLY_KNOWN_KEYS = """\
when:
  required: [metadata]
  properties:
    metadata:
      properties:
        customer_facing: {}
      patternProperties:
        '^x-': {}
      additionalProperties: false
"""

OTHER_KEYS_ARE_FLAGS = """\
when:
  required: [metadata]
  properties:
    metadata:
      patternProperties:
        '^x-': {}
      additionalProperties: {type: boolean}
"""

ON_A_STRING = """\
when:
  required: [project]
  properties:
    project:
      patternProperties:
        '.': false
      additionalProperties: false
"""


@pytest.mark.parametrize(("when", "metadata", "expected"), [
    # Every key the pattern matches must satisfy its schema; keys it does not match are free.
    (BY_PATTERN, {"team_owner": "search", "tier": 1}, True),
    (BY_PATTERN, {"team_owner": "billing"}, False),
    (BY_PATTERN, {"owner": "billing"}, True),  # no key matches: nothing to fail
    # Keys that are neither listed nor matched by a pattern are the additional ones.
    (ONLY_KNOWN_KEYS, {"customer_facing": True, "x-cost-centre": "42"}, True),
    (ONLY_KNOWN_KEYS, {"customer_facing": True, "owner": "billing"}, False),
    # Both constrain a mapping's keys only: on the project's name (a string) they hold.
    (ON_A_STRING, {"owner": "billing"}, True),
    (OTHER_KEYS_ARE_FLAGS, {"x-note": "any", "beta": True}, True),
    (OTHER_KEYS_ARE_FLAGS, {"x-note": "any", "beta": "yes"}, False),
])
def test_a_condition_on_keys_by_pattern(tmp_path: Path, when: str, metadata: Any,
                                        expected: bool) -> None:
    assert fires(tmp_path, when, metadata) is expected
