"""The compiled fast path decides and says exactly what the generic (jsonschema) path does.

- the committed `ragft_lint/core/_generated.py` is what `python -m ragft_lint.core._codegen` writes
  from today's schemas/ and policies/, and it is in use;
- on many generated manifests: the compiled schema and jsonschema agree on validity, our
  explainer and jsonschema give the same findings, each compiled policy condition agrees with
  jsonschema, and whole-file results (messages, positions, waivers) are identical both ways.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragft_lint.core import _codegen, _generated, fastpath
from ragft_lint.core.engine import Engine
from ragft_lint.core.manifest import Manifest, compose
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.core.resources import MANIFEST_SCHEMA, load_schema
from ragft_lint.core.schema import compile_schema, validate_manifest
from tests.conftest import BASE_MANIFEST, to_yaml

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=400, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def generic_path() -> Iterator[None]:
    """Run the block as if no generated module existed."""
    # The same switch a user has (RAGFT_LINT_NO_FASTPATH), read afresh on both sides.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(fastpath.DISABLE_ENV, "1")
        fastpath.generated.cache_clear()
        try:
            yield
        finally:
            patch.undo()
            fastpath.generated.cache_clear()


# --- the module is fresh and used ------------------------------------------------------------

def test_generated_module_is_up_to_date() -> None:
    schema_dir, policy_dir, output = _codegen.default_paths()
    expected = _codegen.render(schema_dir, policy_dir)
    assert Path(output).read_text(encoding="utf-8") == expected, (
        "ragft_lint/core/_generated.py is stale: run `python -m ragft_lint.core._codegen`")


def test_fast_path_is_active_for_the_packaged_data() -> None:
    fastpath.generated.cache_clear()
    assert fastpath.packaged_digest() == _generated.SOURCE_DIGEST
    assert fastpath.generated() is _generated


def test_runtime_digest_matches_the_generator() -> None:
    schema_dir, policy_dir, _ = _codegen.default_paths()
    contents = [(label, Path(path).read_bytes())
                for label, path in _codegen.source_files(schema_dir, policy_dir)]
    assert _codegen.digest(contents) == fastpath.packaged_digest()


def test_edited_data_turns_the_fast_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_generated, "SOURCE_DIGEST", "00000000-0")
    fastpath.generated.cache_clear()
    try:
        assert fastpath.generated() is None
        assert fastpath.matcher_for({}) is None
        policies = load_builtin_policies()  # from the YAML files instead
        assert [p.id for p in policies] == [p["id"] for p in _generated.policy_data()]
    finally:
        monkeypatch.undo()
        fastpath.generated.cache_clear()


def test_disable_variable_turns_the_fast_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fastpath.DISABLE_ENV, "1")
    fastpath.generated.cache_clear()
    try:
        assert fastpath.generated() is None
    finally:
        monkeypatch.delenv(fastpath.DISABLE_ENV)
        fastpath.generated.cache_clear()


def test_builtin_policies_are_the_same_objects_either_way() -> None:
    fast = load_builtin_policies()
    with generic_path():
        slow = load_builtin_policies()
    assert fast == slow


def test_changed_parameters_use_jsonschema() -> None:
    pack = PolicyPack(load_builtin_policies(), {"min_labeled_examples": 60})
    policy = pack.policy_by_id["RFT401"]
    assert fastpath.matcher_for(policy.condition(pack.params)) is None
    data = copy.deepcopy(BASE_MANIFEST)
    data["approach"] = "fine-tune"
    data["criteria"]["labeled_examples"] = 70

    def fired() -> list[str]:
        return [finding.rule for finding in pack.evaluate(Manifest("llm-project.yaml", data))]

    assert "RFT401" not in fired()
    data["criteria"]["labeled_examples"] = 55
    assert "RFT401" in fired()


def test_unsupported_keyword_is_a_generation_error() -> None:
    with pytest.raises(_codegen.UnsupportedSchema):
        _codegen._Compiler().function({"patternProperties": {"^x": {}}})


# --- manifests to compare on -----------------------------------------------------------------

WORDS = ["rag", "fine-tune", "hybrid", "RAG", "none", "low", "medium", "high", "static",
         "yearly", "quarterly", "monthly", "weekly", "daily", "realtime", "cloud", "on-prem",
         "edge", "database", "document-store", "api", "web", "file-share", "other", "yes",
         "no", "", " ", "\t\n", "x", "RFT401", "RFT999", "RFT004", "2024-01-01", "2099-12-31",
         "2024-02-30", "2024-1-01", "2024-01-01\n", "\u0662\u0660\u0662\u0664-01-01", "1",
         "unknown", "Unknown", "prompting", "curated", "raw", "style", "domain-knowledge",
         "open", "hosted"]
NUMBERS = [0, 1, -1, 49, 50, 99, 100, 999, 1000, 1001, 5000, 10**30, 1.0, 0.0, -0.0, 999.5,
           1000.0, 1e300, math.inf, -math.inf, math.nan]

scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(WORDS), st.sampled_from(NUMBERS),
    st.integers(min_value=-10, max_value=2000), st.text(max_size=6),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["name", "kind", "required", "x"]),
                                            inner, max_size=3)),
    max_leaves=6,
)

PATHS = [
    ("schema_version",), ("project",), ("owner",), ("description",), ("approach",),
    ("criteria",), ("criteria", "external_data"), ("criteria", "external_data", "required"),
    ("criteria", "external_data", "sources"), ("criteria", "external_data", "sources", 0),
    ("criteria", "external_data", "sources", 0, "name"),
    ("criteria", "external_data", "sources", 0, "kind"),
    ("criteria", "behavior_adaptation"), ("criteria", "hallucination_tolerance"),
    ("criteria", "labeled_examples"), ("criteria", "data_dynamics"),
    ("criteria", "interpretability"), ("constraints",), ("constraints", "compute_budget"),
    ("constraints", "deployment"), ("waivers",), ("waivers", 0), ("waivers", 0, "rule"),
    ("waivers", 0, "reason"), ("waivers", 0, "expires"), ("metadata",), ("unknown",),
    ("criteria", "typo_key"), ("constraints", "gpu"), ("waivers", 0, "extra"),
    # schema_version 2
    ("criteria", "external_data", "size_tokens"), ("criteria", "adaptation_goals"),
    ("criteria", "adaptation_goals", 0), ("criteria", "labeled_data_quality"),
    ("constraints", "context_window_tokens"), ("constraints", "latency_budget_ms"),
    ("constraints", "queries_per_day"), ("constraints", "eval_set"),
    ("constraints", "base_model"), ("constraints", "base_model", "name"),
    ("constraints", "base_model", "parameters_billion"), ("constraints", "base_model", "weights"),
]


@st.composite
def manifests(draw: st.DrawFn) -> Any:
    """A plausible manifest, then a few edits at the places the schema and policies look."""
    data: dict[str, Any] = {
        "schema_version": draw(st.sampled_from([1, 2])),
        "project": draw(st.sampled_from(["svc", "x y", "émoji ☃"])),
        "approach": draw(st.sampled_from(["rag", "fine-tune", "hybrid", "prompting"])),
        "criteria": {
            "external_data": {"required": draw(st.booleans())},
            "behavior_adaptation": draw(st.sampled_from(["none", "low", "medium", "high"])),
            "hallucination_tolerance": draw(st.sampled_from(["none", "low", "medium", "high"])),
            "labeled_examples": draw(st.sampled_from([0, 50, 99, 100, 999, 1000, 20000])),
            "data_dynamics": draw(st.sampled_from(["static", "monthly", "daily", "realtime"])),
            "interpretability": draw(st.sampled_from(["low", "medium", "high"])),
        },
    }
    if draw(st.booleans()):
        data["criteria"]["external_data"]["sources"] = [
            {"name": "docs", "kind": draw(st.sampled_from(["api", "web", "database"]))}]
    if draw(st.booleans()):
        data["constraints"] = {"compute_budget": draw(st.sampled_from(["low", "high"]))}
    if draw(st.booleans()):
        data["waivers"] = [{"rule": draw(st.sampled_from(["RFT401", "RFT501", "RFT999",
                                                           "RFT004"])),
                            "reason": draw(st.sampled_from(["accepted", " "])),
                            "expires": draw(st.sampled_from(["2099-12-31", "2020-01-01"]))}]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        path = draw(st.sampled_from(PATHS))
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            _delete(data, path)
        else:
            _set(data, path, draw(values))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(values)  # sometimes not even a mapping
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        if isinstance(node, dict):
            node = node.setdefault(part, [{}] if isinstance(path[len(path) - 1], int)
                                   or part in ("sources", "waivers") else {})
        elif isinstance(node, list) and isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            return
    last = path[-1]
    if isinstance(node, dict) and isinstance(last, str):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value


def _delete(data: Any, path: tuple[Any, ...]) -> None:
    node = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, dict):
        node.pop(path[-1], None)


TRICKY = [None, True, False, 0, 1, -1, 1.0, 0.0, -0.0, 49, 50, 99, 100, 999, 1000, 1001,
          999.5, 1000.0, 10**30, 1e300, math.inf, -math.inf, math.nan, "", " ", "\t", "1",
          "true", "rag", "hybrid", "fine-tune", "none", "low", "high", "daily", "static",
          "unknown", "prompting", "raw", ["style"], ["skill", "x"],
          "document-store", "RFT401", "2024-01-01", "2024-02-30", "2024-01-01\n",
          "\uff12\uff10\uff12\uff14-01-01",
          [], [{}], [{"name": "n", "kind": "api"}], [{"name": "", "kind": "api"}],
          [{"rule": "RFT401", "reason": "r", "expires": "2099-12-31"}], {}, {"required": True},
          {"required": 1}, {"required": False, "sources": []}, {"x": 1}]


def _tricky_manifests() -> Iterator[Any]:
    """Every tricky value at every path the schema or a policy looks at: boundaries of
    type (bool vs int, 1 vs 1.0, NaN), enum, const, thresholds, dates and shapes."""
    for path in PATHS:
        for value in TRICKY:
            for version, approach in ((1, "rag"), (1, "fine-tune"), (1, "hybrid"),
                                      (2, "prompting"), (2, "fine-tune")):
                data = copy.deepcopy(BASE_MANIFEST)
                data["schema_version"] = version
                data["approach"] = approach
                _set(data, path, copy.deepcopy(value))
                yield data
        data = copy.deepcopy(BASE_MANIFEST)
        _delete(data, path)
        yield data


TRICKY_MANIFESTS = list(_tricky_manifests())


def test_tricky_values_everywhere(jsonschema_manifest_validator: Any,
                                  jsonschema_conditions: dict[str, Any]) -> None:
    policies = load_builtin_policies()
    for data in TRICKY_MANIFESTS:
        assert _generated.manifest_is_valid(data) == jsonschema_manifest_validator.is_valid(
            data), data
        fast = _schema_findings(data)
        with generic_path():
            assert fast == _schema_findings(data), data
        for policy in policies:
            matcher = fastpath.matcher_for(policy.condition(policy.params))
            assert matcher is not None
            assert matcher(data) == jsonschema_conditions[policy.id].is_valid(data), (
                policy.id, data)


# --- differential tests ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def jsonschema_manifest_validator() -> Any:
    return compile_schema(load_schema(MANIFEST_SCHEMA))


@SETTINGS
@given(data=manifests())
def test_compiled_schema_agrees_with_jsonschema(data: Any,
                                                jsonschema_manifest_validator: Any) -> None:
    assert _generated.manifest_is_valid(data) == jsonschema_manifest_validator.is_valid(data)


def _schema_findings(data: Any) -> list[tuple[Any, ...]]:
    manifest = Manifest("m.yaml", data)
    return [(f.line, f.column, f.rule, f.pointer, f.message)
            for f in validate_manifest(manifest)]


@SETTINGS
@given(data=manifests())
def test_explainer_gives_jsonschema_findings(data: Any) -> None:
    fast = _schema_findings(data)
    with generic_path():
        slow = _schema_findings(data)
    assert sorted(fast) == sorted(slow)
    assert fast == slow  # same order too


@pytest.fixture(scope="module")
def jsonschema_conditions() -> dict[str, Any]:
    return {p.id: compile_schema(p.condition(p.params)) for p in load_builtin_policies()}


@SETTINGS
@given(data=manifests())
def test_compiled_conditions_agree_with_jsonschema(data: Any,
                                                   jsonschema_conditions: Any) -> None:
    for policy in load_builtin_policies():
        matcher = fastpath.matcher_for(policy.condition(policy.params))
        assert matcher is not None
        assert matcher(data) == jsonschema_conditions[policy.id].is_valid(data), policy.id


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    today = dt.date(2025, 1, 1)
    fast = Engine(PolicyPack(load_builtin_policies()), today=today)
    with generic_path():
        slow = Engine(PolicyPack(load_builtin_policies()), today=today)
    return fast, slow


@SETTINGS
@given(data=manifests())
def test_whole_file_results_are_identical(data: Any, engines: tuple[Engine, Engine]) -> None:
    """Through YAML text, so positions are real: every finding field must match."""
    if not isinstance(data, (dict, list)):
        return
    try:
        text = to_yaml(data)
        parsed, values_, keys = compose(text)
    except Exception:  # not representable as a manifest (e.g. a float YAML cannot hold)
        return
    fast_engine, slow_engine = engines
    fast = fast_engine.check_manifest(Manifest("m.yaml", parsed, values_, keys))
    with generic_path():
        slow = slow_engine.check_manifest(Manifest("m.yaml", parsed, values_, keys))
    assert [vars(f) for f in fast.findings] == [vars(f) for f in slow.findings]
    assert fast == slow


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*/*/llm-project.yaml")),
                         ids=lambda p: f"{p.parent.parent.name}-{p.parent.name}")
def test_examples_identical_both_ways(example: Path, engines: tuple[Engine, Engine]) -> None:
    fast_engine, slow_engine = engines
    fast = fast_engine.check(str(example))
    with generic_path():
        slow = slow_engine.check(str(example))
    assert fast == slow
