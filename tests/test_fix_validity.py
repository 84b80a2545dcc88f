"""A fix never makes a manifest fail the schema (issue 10): not with a value or key its own
schema_version refuses (`unknown`, `prompting`, `adaptation_goals` in version 1), not with a
value that draws a problem the manifest did not have.

Exhaustive over the built-in policies' own example manifests, version 1 and 2: each one is
broken once in every way a fix exists for (a misspelt or miscased value, a misspelt key, a
YAML 1.1 boolean word), and every fix then offered is applied, alone and as `check --fix`
applies them, to a text that must pass the schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ragft_lint.core.engine import Engine
from ragft_lint.core.fixes import apply_fixes
from ragft_lint.core.policy import PolicyPack, load_builtin_policies
from ragft_lint.core.rules import SCHEMA_VIOLATION
from ragft_lint.editor.fixer import fix_text
from tests.conftest import to_yaml

PACK = PolicyPack(load_builtin_policies())
ENGINE = Engine(PACK, today=dt.date(2027, 1, 1))
EXAMPLES = [(f"{p.id}-{kind}{i}", example) for p in PACK.policies
            for kind, examples in (("fail", p.examples_fail), ("pass", p.examples_pass))
            for i, example in enumerate(examples)]
# Leaves whose value is a word from a list (the fixes' targets), and their neighbours.
ENUM_LEAVES = ("approach", "criteria/behavior_adaptation", "criteria/hallucination_tolerance",
               "criteria/data_dynamics", "criteria/interpretability",
               "criteria/labeled_data_quality", "constraints/compute_budget",
               "constraints/deployment", "constraints/base_model/weights")


def schema_problems(text: str) -> list[str]:
    return [f.message for f in ENGINE.check_text("llm-project.yaml", text).findings
            if f.rule == SCHEMA_VIOLATION.id]


def _misspelt(word: str) -> Iterator[str]:
    yield word.upper()
    if len(word) > 3:
        yield word[:-1]                          # a letter left out
        yield word[0] + word[2] + word[1] + word[3:]  # two letters swapped


def _get(data: Any, path: str) -> Any:
    for key in path.split("/"):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _with(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition("/")
    return {k: (_with(v, rest, value) if rest and k == head else
                value if k == head else v) for k, v in data.items()}


def _renamed(data: dict[str, Any], path: str, new: str) -> dict[str, Any]:
    head, _, rest = path.partition("/")
    if rest:
        return {k: (_renamed(v, rest, new) if k == head else v) for k, v in data.items()}
    return {(new if k == head else k): v for k, v in data.items()}


def broken(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(what was broken, text) for each single break of `data` that a fix may answer."""
    text = to_yaml(data)
    for path in ENUM_LEAVES:
        value = _get(data, path)
        if isinstance(value, str):
            for typo in _misspelt(value):
                yield f"{path}={typo}", to_yaml(_with(data, path, typo))
            # The v2-only word, misspelt: version 2 may be fixed to it, version 1 never.
            if path.startswith("criteria/"):
                yield f"{path}=unknwn", to_yaml(_with(data, path, "unknwn"))
    for path in ("approach", "project", "criteria", "criteria/interpretability",
                 "criteria/external_data/required", "criteria/labeled_examples",
                 "constraints", "constraints/base_model"):
        if _get(data, path) is not None:
            key = path.rpartition("/")[2]
            yield f"key {path}", to_yaml(_renamed(data, path, key[:-1] + "x"))
    for word, boolean in (("yes", "true"), ("no", "false")):
        for key in ("required", "eval_set"):
            if f"{key}: {boolean}\n" in text:
                yield f"{key}: {word}", text.replace(f"{key}: {boolean}\n", f"{key}: {word}\n")
    # Keys version 2 adds, misspelt, in a version 1 manifest: no fix may write them there.
    if data.get("schema_version") == 1:
        yield "v2 key in v1", text.replace("criteria:\n", "criteria:\n  adaption_goals: [style]\n")


@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_every_fix_offered_gives_a_manifest_that_passes_the_schema(name: str,
                                                                   example: Any) -> None:
    assert schema_problems(to_yaml(example)) == [], "the examples are valid manifests"
    offered = 0
    for what, text in broken(example):
        findings = ENGINE.check_text("llm-project.yaml", text).findings
        fixes = [f.fix for f in findings if f.fix is not None]
        for fix in fixes:
            fixed, applied = apply_fixes(text, [fix])
            assert applied == [fix]
            assert schema_problems(fixed) == [], (what, fix.message)
        if fixes:
            offered += 1
            assert schema_problems(fix_text(ENGINE, "llm-project.yaml", text,
                                            unsafe=True).text) == [], what
    assert offered, "every example can be broken in some way a fix repairs"


def _v(version: int, **changes: Any) -> str:
    data: dict[str, Any] = {
        "schema_version": version, "project": "p", "approach": "rag",
        "criteria": {"external_data": {"required": True,
                                       "sources": [{"name": "docs", "kind": "database"}]},
                     "behavior_adaptation": "low", "hallucination_tolerance": "low",
                     "labeled_examples": 10, "data_dynamics": "daily",
                     "interpretability": "high"}}
    for path, value in changes.items():
        data = _with(data, path.replace("__", "/"), value)
    return to_yaml(data)


def _fixes(text: str) -> list[str]:
    return [f.fix.message for f in ENGINE.check_text("p.yaml", text).findings if f.fix]


def test_version_1_is_never_offered_unknown() -> None:
    text = _v(1, criteria__behavior_adaptation="unknwn")
    assert _fixes(text) == []
    # Neither listed nor suggested: version 1 does not take it.
    assert schema_problems(text) == [
        "criteria.behavior_adaptation: 'unknwn' is not one of none, low, medium, high"]
    # Version 2 does: the same typo is fixed there.
    assert _fixes(_v(2, criteria__behavior_adaptation="unknwn")) == [
        "Replace 'unknwn' with 'unknown'"]


def test_version_1_is_never_offered_prompting_or_a_version_2_key() -> None:
    assert _fixes(_v(1, approach="Prompting")) == []
    assert _fixes(_v(2, approach="Prompting")) == ["Replace 'Prompting' with 'prompting'"]
    v1 = _v(1).replace("criteria:\n", "criteria:\n  adaption_goals: [style]\n")
    assert _fixes(v1) == []
    assert "did you mean" not in " ".join(schema_problems(v1))
    v2 = _v(2).replace("criteria:\n", "criteria:\n  adaption_goals: [style]\n")
    assert _fixes(v2) == ["Rename 'adaption_goals' to 'adaptation_goals'"]


def test_a_fix_that_would_add_a_problem_is_not_offered() -> None:
    # `yes` would become true, and true asks for a list of sources that is not there.
    text = _v(1).replace("    sources:\n    - name: docs\n      kind: database\n", "")
    text = text.replace("required: true", "required: yes")
    assert "sources" not in text and "required: yes" in text
    assert _fixes(text) == []
    assert _fixes(text.replace("required: yes", "required: no")) == [
        "Replace 'no' with false"]
    # Only the fix to blame is dropped: one elsewhere in the manifest is still offered.
    assert _fixes(text.replace("approach: rag", "approach: Rag")) == ["Replace 'Rag' with 'rag'"]
