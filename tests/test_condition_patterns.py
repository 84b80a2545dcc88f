"""A team policy's condition may name keys by pattern (`patternProperties`) and say what
other keys may be (`additionalProperties`): matched by RE2 (core/patterns.py), with the
verdicts JSON Schema gives them, on the free-form `metadata` teams describe projects in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import check_json, make_manifest, run_cli, to_yaml

EXAMPLE = next((Path(__file__).resolve().parents[1] / "examples" / "policies").glob("*.yaml"))
RULE = "ACME001"


def write_pack(tmp_path: Path, when: str) -> Path:
    """A pack of the example policy, its condition replaced by `when` (from line 20 on)."""
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("when:\n"), text.index("message:")
    (pack / EXAMPLE.name).write_text(text[:start] + when + text[end:], encoding="utf-8")
    return pack


def fires(tmp_path: Path, when: str, metadata: Any) -> bool:
    """Whether the example policy, its condition replaced by `when`, fires on a manifest
    whose `metadata` is `metadata`."""
    pack = write_pack(tmp_path, when)
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

NO_OTHER_KEYS = """\
when:
  required: [metadata]
  properties:
    metadata:
      properties:
        customer_facing: {}
      additionalProperties: false
"""

BY_VALUE = """\
when:
  required: [metadata]
  properties:
    metadata:
      properties:
        owner: {pattern: '^team-'}
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
    # Without patterns, the listed keys are the only ones allowed.
    (NO_OTHER_KEYS, {"customer_facing": True}, True),
    (NO_OTHER_KEYS, {"customer_facing": True, "x-cost-centre": "42"}, False),
    # `pattern` on a value: a string must match it; any other type passes.
    (BY_VALUE, {"owner": "team-search"}, True),
    (BY_VALUE, {"owner": "billing"}, False),
    (BY_VALUE, {"owner": 7}, True),
])
def test_a_condition_on_keys_by_pattern(tmp_path: Path, when: str, metadata: Any,
                                        expected: bool) -> None:
    assert fires(tmp_path, when, metadata) is expected


def test_a_pattern_re2_cannot_run_is_refused_naming_it_and_why(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "when:\n  properties:\n    project:\n      pattern: '(a)\\1'\n")
    result = run_cli("test-policies", str(pack))
    assert result.exit_code == 2
    assert result.stderr == (
        f"ragft-lint: error: {pack / EXAMPLE.name}:23: invalid policy: pattern '(a)\\\\1' "
        "cannot be matched in linear time by RE2 (invalid escape sequence: \\1); policies "
        "may not use back-references or look-around\n")


def test_without_google_re2_a_pattern_is_refused_rather_than_risk_a_hang(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "re2", None)  # as where no wheel installs: ImportError
    pack = write_pack(tmp_path, "when:\n  properties:\n    project:\n      pattern: '^no-re2-'\n")
    result = run_cli("test-policies", str(pack))
    assert result.exit_code == 2
    assert result.stderr == (
        f"ragft-lint: error: {pack / EXAMPLE.name}:23: invalid policy: pattern '^no-re2-' "
        "needs the linear-time engine google-re2, which is not installed here "
        "(pip install google-re2)\n")
