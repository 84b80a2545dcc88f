"""Fuzzing of the whole `check` path, bounded in time for CI.

Whatever the bytes, the reader, the engine and the CLI end in a result (findings or none),
never an exception: hypothesis throws bytes, text and manifest-shaped YAML at them, and a
short coverage-guided atheris session runs when atheris is installed (fuzz/fuzz_check.py;
longer sessions are run by hand). RAGFT_FUZZ_EXAMPLES scales the hypothesis runs.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragft_lint.core.engine import Engine
from ragft_lint.core.errors import ManifestError
from ragft_lint.core.manifest import Limits, compose, decode
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.core.result import FileResult
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("RAGFT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
ENGINE = Engine(PolicyPack(load_builtin_policies()), limits=Limits(max_bytes=1 << 16))

# --- manifest-shaped YAML, built from the pieces YAML and the schema are made of ----------

KEYS = ["schema_version", "project", "owner", "description", "approach", "criteria",
        "external_data", "required", "sources", "name", "kind", "behavior_adaptation",
        "hallucination_tolerance", "labeled_examples", "data_dynamics", "interpretability",
        "constraints", "compute_budget", "deployment", "waivers", "rule", "reason", "expires",
        "metadata", "<<", "? x", "1", "null", "'quoted'", '"dq"', "", "ü"]
SCALARS = ["1", "0", "-1", "1000", "999", "1.0", ".nan", ".inf", "true", "false", "yes", "~",
           "null", "rag", "fine-tune", "hybrid", "none", "low", "high", "daily", "static",
           "api", "RFT401", "2099-12-31", "2024-02-30", "'x'", '"a\\tb"', '"\\u263a"', "|\n  x",
           ">-\n  y", "*a", "&a v", "!!str 1", "!!int x", "!tag v", "!!python/name:os.system",
           "[a, b]", "{a: 1}", "[", "{", "]", "- x", "\t", "'unterminated", "0x1F", "0o17",
           "1_000", "9" * 50, "-", "?", ":", "#", "%", "@", "`", "--- ", "..."]


@st.composite
def yaml_documents(draw: st.DrawFn, depth: int = 0) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        indent = "  " * depth + draw(st.sampled_from(["", "", "", " ", "\t", "- "]))
        key = draw(st.sampled_from(KEYS))
        if depth < 3 and draw(st.integers(min_value=0, max_value=3)) == 0:
            lines.append(f"{indent}{key}:")
            lines.append(draw(yaml_documents(depth + 1)))
        else:
            anchor = draw(st.sampled_from(["", "", "", "&a ", "&b "]))
            lines.append(f"{indent}{key}: {anchor}{draw(st.sampled_from(SCALARS))}")
        if draw(st.integers(min_value=0, max_value=12)) == 0:
            lines.append(draw(st.sampled_from(["# comment", "---", "...", "%YAML 1.2", ""])))
    return "\n".join(lines)


def _valid_manifest_text() -> str:
    return (ROOT / "examples" / "rag" / "pass" / "llm-project.yaml").read_text(encoding="utf-8")


@st.composite
def mutated_manifests(draw: st.DrawFn) -> bytes:
    """A real manifest with a few bytes inserted, deleted or replaced."""
    data = bytearray(_valid_manifest_text().encode())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(st.one_of(st.binary(max_size=4),
                               st.sampled_from([b": ", b"\n", b"  ", b"\t", b"- ", b"&a",
                                                b"*a", b"!!", b"'", b'"', b"{", b"[", b"#",
                                                b"\xff", b"\x00", b"\xe2\x98"])))
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at:at + len(chunk) + 1]
        else:
            data[at:at + len(chunk)] = chunk
    return bytes(data)


def _check_bytes(tmp_path: Path, data: bytes) -> FileResult:
    path = tmp_path / "llm-project.yaml"
    path.write_bytes(data)
    result = ENGINE.check(str(path))
    assert isinstance(result, FileResult)
    for finding in result.findings:
        assert finding.file == str(path)
        assert finding.line >= 1 and finding.column >= 1
        assert finding.message
    return result


# --- properties -----------------------------------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=2048))
def test_any_bytes_end_in_a_result(tmp_path: Path, data: bytes) -> None:
    _check_bytes(tmp_path, data)


@FUZZ
@given(text=st.text(max_size=1024))
def test_any_text_composes_or_is_a_manifest_error(text: str) -> None:
    try:
        compose(text)
    except ManifestError as exc:
        assert exc.line >= 1 and exc.column >= 1 and exc.message


@FUZZ
@given(data=st.binary(max_size=512))
def test_decode_accepts_or_refuses_with_reason(data: bytes) -> None:
    try:
        text = decode(data)
    except ManifestError as exc:
        assert exc.rule == "RFT001"
    else:
        assert "\x00" not in text


@FUZZ
@given(text=yaml_documents())
def test_manifest_shaped_yaml_ends_in_a_result(tmp_path: Path, text: str) -> None:
    _check_bytes(tmp_path, text.encode())


@FUZZ
@given(data=mutated_manifests())
def test_mutated_manifests_end_in_a_result(tmp_path: Path, data: bytes) -> None:
    _check_bytes(tmp_path, data)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 5))
@given(data=st.one_of(mutated_manifests(), yaml_documents().map(str.encode),
                      st.binary(max_size=256)),
       fmt=st.sampled_from(["text", "json"]))
def test_cli_ends_in_findings_or_success(tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / "llm-project.yaml"
    path.write_bytes(data)
    result = run_cli("check", "--format", fmt, "--show-fixes", str(path))
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output


# --- atheris --------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                    reason="atheris is not installed (pip install atheris; Linux, CPython "
                           "3.8-3.12 wheels)")
def test_atheris_bounded_session(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index, example in enumerate(sorted((ROOT / "examples").glob("*/*/llm-project.yaml"))):
        shutil.copyfile(example, corpus / f"example-{index}.yaml")
    seconds = os.environ.get("RAGFT_ATHERIS_SECONDS", "20")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_check.py"), f"-max_total_time={seconds}",
         "-runs=200000", f"-dict={ROOT / 'fuzz' / 'yaml.dict'}", "-max_len=4096",
         f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=int(seconds) + 120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Done" in proc.stderr, proc.stderr[-4000:]
