"""The YAML project's conformance suite through `ragft-lint check`.

None of its 402 inputs is a valid llm-project.yaml, so each one, copied to a file named
llm-project.yaml, must end in exit 1 with a finding that names the file: a parse finding
(RFT002, or RFT001 where the bytes themselves are refused) for the 94 invalid ones, a parse or
schema finding for the rest. Never a traceback, a hang, exit 0 or exit 2.

The suite lives in the shared folder beside the repository (`<repo>/../shared`), as it does in
CI; where it is absent these tests are skipped.

Where ragft-lint's verdict differs from the suite's, the difference is libyaml's (the C
parser inside ruamel.yaml.clib, through which every manifest is read): the lists below record
each case (an expected failure), and a new disagreement fails the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import check_json

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "yaml-test-suite"
MANIFEST = "llm-project.yaml"
PARSE_RULES = {"RFT001", "RFT002"}

# Invalid YAML that libyaml parses without error. ragft-lint reads whatever events the parser
# yields, so it accepts these too; each then fails the schema (RFT003) instead. Checked with
# PyYAML's libyaml 0.2.5 as well: all twelve are libyaml's own leniencies.
LIBYAML_ACCEPTS_INVALID = {
    "9C9N": "flow sequence indented less than its parent key",
    "9JBA": "comment without a space after the end of a flow sequence",
    "CVW2": "comment without a space after a comma",
    "DK95/01": "tab used as indentation before a value",
    "G5U8": "'-' entries inside a flow sequence",
    "MUS6/00": "%YAML directive followed by a comment without a space",
    "QB6E": "multi-line quoted scalar indented less than its key",
    "S98Z": "block scalar whose leading empty line is more indented than its content",
    "SU5Z": "comment without a space after a double-quoted scalar",
    "X4QW": "comment without a space after a block scalar indicator",
    "Y79Y/003": "tab before a flow sequence entry",
    "YJV2": "'-' as a flow sequence entry",
}

# Valid YAML that libyaml refuses with a syntax error (tabs as separation, bare documents after
# `...`, flow-mapping edge cases, %YAML 1.3, unknown directives, non-ASCII anchors, ...).
# ragft-lint reports these as invalid YAML (RFT002): still a finding, but the wrong reason.
# JR7V and UDM2 are refused only by the older libyaml bundled in ruamel.yaml.clib (PyYAML's
# libyaml 0.2.5 reads them); the rest by both.
LIBYAML_REJECTS_VALID = frozenset({
    "2JQS", "2LFX", "4ABK", "4MUZ/00", "4MUZ/01", "4MUZ/02", "58MP", "5MUD", "5T43", "6BCT",
    "6CA3", "6LVF", "6M2F", "7Z25", "8XYN", "96NN/00", "96NN/01", "9SA2", "A2M4", "BEC7",
    "CFD4", "DBG4", "DK3J", "DK95/00", "DK95/03", "DK95/04", "FP8R", "FRK4", "HM87/00", "HWV9",
    "JR7V", "K3WX", "M7A3", "MUS6/05", "MUS6/06", "NHX8", "NJ66", "NKF9", "Q5MG", "QT73",
    "R4YG", "S3PD", "SM9W/01", "UDM2", "UKK6/00", "UT92", "VJP3/01", "W4TN", "W5VH",
    "Y79Y/001", "Y79Y/010",
})


def _cases() -> list[tuple[str, bool]]:
    if not SUITE.is_dir():
        return []
    found = []
    for path in sorted(SUITE.rglob("in.yaml")):
        name = path.parent.relative_to(SUITE).as_posix()
        found.append((name, (path.parent / "error").exists()))
    return found


CASES = _cases()
INVALID = [name for name, invalid in CASES if invalid]
VALID = [name for name, invalid in CASES if not invalid]
pytestmark = pytest.mark.skipif(
    not CASES, reason=f"the YAML test suite is not at {SUITE} (it is in the shared folder "
                      "beside the repository in CI)")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("yaml-test-suite")


@cache
def _result(name: str, root: str) -> tuple[int, str, list[dict[str, Any]]]:
    """(exit code, manifest path, findings) of one case, run in-process once."""
    folder = Path(root) / name.replace("/", "-")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MANIFEST
    shutil.copyfile(SUITE / name / "in.yaml", target)
    code, report = check_json(target)
    return code, str(target), report["findings"]


def test_suite_is_complete() -> None:
    assert (len(CASES), len(INVALID)) == (402, 94)


@pytest.mark.parametrize("name", [name for name, _ in CASES])
def test_every_case_ends_in_a_finding_naming_the_file(name: str, workdir: Path) -> None:
    code, target, findings = _result(name, str(workdir))
    assert code == 1, findings
    assert findings and all(f["file"] == target for f in findings), findings
    assert {f["rule"] for f in findings} <= {"RFT001", "RFT002", "RFT003", "RFT004"}, findings


@pytest.mark.parametrize("name", INVALID)
def test_invalid_case_is_a_parse_finding(name: str, workdir: Path) -> None:
    _, _, findings = _result(name, str(workdir))
    if not {f["rule"] for f in findings} & PARSE_RULES and name in LIBYAML_ACCEPTS_INVALID:
        pytest.xfail(f"libyaml accepts it: {LIBYAML_ACCEPTS_INVALID[name]}")
    assert {f["rule"] for f in findings} & PARSE_RULES, findings


@pytest.mark.parametrize("name", VALID)
def test_valid_case_is_not_a_syntax_error(name: str, workdir: Path) -> None:
    """Valid YAML may still be refused (tags, non-string keys, several documents), but never
    as a syntax error except where libyaml itself refuses it."""
    _, _, findings = _result(name, str(workdir))
    syntax = [f for f in findings if f["message"].startswith("invalid YAML")]
    if syntax and name in LIBYAML_REJECTS_VALID:
        pytest.xfail("libyaml refuses this valid YAML")
    assert not syntax, syntax


def test_no_disagreement_beyond_the_known_libyaml_ones(workdir: Path) -> None:
    """One list in a single line each, for the record; a reader change that adds a
    disagreement fails here (and above), one that removes it only shortens the list."""
    accepted = {n for n in INVALID if not {f["rule"] for f in _result(n, str(workdir))[2]}
                & PARSE_RULES}
    refused = {n for n in VALID if any(f["message"].startswith("invalid YAML")
                                       for f in _result(n, str(workdir))[2])}
    assert accepted <= set(LIBYAML_ACCEPTS_INVALID)
    assert refused <= LIBYAML_REJECTS_VALID


def test_known_lists_name_real_cases() -> None:
    assert set(LIBYAML_ACCEPTS_INVALID) <= set(INVALID)
    assert set(LIBYAML_REJECTS_VALID) <= set(VALID)


SUBPROCESS_SAMPLE = ["229Q", "2JQS", "4HVU", "6BCT", "SU5Z", "ZXT5"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_through_the_console_script(name: str, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("ragft-lint")
    if not script.exists():
        pytest.skip("the ragft-lint console script is not installed")
    target = tmp_path / MANIFEST
    shutil.copyfile(SUITE / name / "in.yaml", target)
    proc = subprocess.run([str(script), "check", str(target)], capture_output=True, text=True,
                          timeout=30, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"{target}:"), proc.stdout
