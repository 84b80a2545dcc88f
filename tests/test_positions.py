"""Where every finding points and what it says, pinned in one table (as yamllint's tests do).

Each row is a manifest as a team writes it (comments, a folded description, a flow mapping)
with one change, and every finding `check --format json` reports for it: (rule, line,
column, end_line, end_column, message). Lines and columns are 1-based, the end exclusive.
When a rule's wording or span changes on purpose, its row here changes with it; a new rule
needs a row (test_every_rule_has_a_row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

TEMPLATE = """\
# yaml-language-server: $schema=llm-project.schema.json
# The support assistant of the customer-care team.
schema_version: 1
project: support-assistant
owner: customer-care-ml  # on call: #cc-ml
description: >-
  Answers customer questions from the product docs,
  in the team's own words.
approach: {approach}
criteria:
  external_data:
    required: {required}
    sources:
      - name: product-docs
        kind: document-store
      - {{name: order-status, kind: api}}
  behavior_adaptation: {behavior}  # tone of voice
  hallucination_tolerance: {hallucination}
  labeled_examples: {labeled}  # reviewed by support leads
  data_dynamics: {dynamics}
  interpretability: {interpretability}
constraints:
  compute_budget: {compute}
  deployment: cloud
"""
# Two manifests with no finding: the needs of a retrieval project, and of a fine-tuning one.
RAG = dict(approach="rag", required="true", behavior="low", hallucination="none",
           labeled="800", dynamics="daily", interpretability="high", compute="medium")
FINE_TUNE = dict(approach="fine-tune", required="false", behavior="high", hallucination="high",
                 labeled="20000", dynamics="static", interpretability="low", compute="high")


def rag(**needs: str) -> str:
    return TEMPLATE.format(**{**RAG, **needs})


def fine_tune(**needs: str) -> str:
    return TEMPLATE.format(**{**FINE_TUNE, **needs})


def v2(text: str) -> str:
    """The manifest as schema_version 2."""
    return edit(text, "schema_version: 1", "schema_version: 2")


def edit(text: str, old: str, new: str) -> str:
    """`text` with its one occurrence of `old` replaced (a typo in a row fails loudly)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def with_waivers(text: str, *entries: tuple[str, str, str]) -> str:
    """`text` with a `waivers:` list at its end, one (rule, reason, expires) per entry."""
    out = text + "waivers:\n"
    for rule, reason, expires in entries:
        out += f"  - rule: {rule}\n    reason: {reason}\n    expires: {expires}\n"
    return out


Row = tuple[str, int, int, "int | None", "int | None", str]


@dataclass(frozen=True)
class Case:
    id: str
    content: str | bytes
    findings: tuple[Row, ...]


def report(case: Case, folder: Path) -> list[dict[str, Any]]:
    """The findings `check --format json` reports for the case's file."""
    path = folder / "llm-project.yaml"
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        # newline="": Windows line endings reach the file as written.
        path.write_text(case.content, encoding="utf-8", newline="")
    result = run_cli("check", "--format", "json", str(path))
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    # Exit 1 exactly when an error is reported and not waived (the default --fail-on).
    failing = any(f["severity"] == "error" and not f["waived"] for f in findings)
    assert result.exit_code == (1 if failing else 0), result.output
    assert all(f["file"] == str(path) for f in findings)
    return findings


def rows(findings: list[dict[str, Any]]) -> list[Row]:
    return [(f["rule"], f["line"], f["column"], f["end_line"], f["end_column"], f["message"])
            for f in findings]


CASES: list[Case] = [
    Case("clean rag", rag(), ()),
    Case("clean fine-tune", fine_tune(), ()),
    # --- policies: each rule from a manifest that has no other finding
    Case("RFT101", fine_tune(required="true"), (
        ('RFT101', 12, 5, 12, 19, "approach 'fine-tune' cannot query external data sources at answer time, but external_data.required is true"),
    )),
    Case("RFT102", rag(required="false"), (
        ('RFT102', 12, 5, 12, 20, "approach 'rag' retrieves from external data, but external_data.required is false: there is nothing to retrieve from"),
    )),
    Case("RFT201", rag(behavior="high"), (
        ('RFT201', 17, 3, 17, 28, "approach 'rag' does not change how the model writes, but behavior_adaptation is 'high'"),
    )),
    Case("RFT202", rag(behavior="medium"), (
        ('RFT202', 17, 3, 17, 30, "approach 'rag' does not change how the model writes, but behavior_adaptation is 'medium'"),
    )),
    Case("RFT203", rag(approach="hybrid", behavior="none", labeled="5000"), (
        ('RFT203', 17, 3, 17, 28, "approach 'hybrid' fine-tunes the model, but behavior_adaptation is 'none': the fine-tuning half has no declared purpose"),
    )),
    Case("RFT301", fine_tune(hallucination="none"), (
        ('RFT301', 18, 3, 18, 32, "approach 'fine-tune' answers from its weights without evidence, but hallucination_tolerance is 'none'"),
    )),
    Case("RFT302", fine_tune(hallucination="low"), (
        ('RFT302', 18, 3, 18, 31, "approach 'fine-tune' answers from its weights without evidence, but hallucination_tolerance is 'low'"),
    )),
    Case("RFT401", fine_tune(labeled="10"), (
        ('RFT401', 19, 3, 19, 23, "approach 'fine-tune' trains on labelled examples, but labeled_examples is 10 (fewer than 50)"),
    )),
    Case("RFT402", fine_tune(labeled="300"), (
        ('RFT402', 19, 3, 19, 24, "approach 'fine-tune' trains on labelled examples, but labeled_examples is 300 (fewer than the 1000 recommended)"),
    )),
    Case("RFT501", fine_tune(dynamics="daily"), (
        ('RFT501', 20, 3, 20, 23, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'daily'"),
    )),
    Case("RFT502", fine_tune(dynamics="monthly"), (
        ('RFT502', 20, 3, 20, 25, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'monthly'"),
    )),
    Case("RFT601", fine_tune(interpretability="high"), (
        ('RFT601', 21, 3, 21, 25, "approach 'fine-tune' cannot trace an answer to its sources, but interpretability is 'high'"),
    )),
    Case("RFT602", fine_tune(interpretability="medium"), (
        ('RFT602', 21, 3, 21, 27, "approach 'fine-tune' cannot trace an answer to its sources, but interpretability is 'medium'"),
    )),
    Case("RFT701", fine_tune(compute="low"), (
        ('RFT701', 23, 3, 23, 22, "approach 'fine-tune' needs compute to train and retrain, but compute_budget is 'low'"),
    )),
    # --- schema_version 2 policies and the unknown-need rule
    Case("RFT008", v2(fine_tune(labeled="unknown")), (
        ('RFT008', 19, 3, 19, 28, "labeled_examples is unknown, and approach 'fine-tune' depends on it (RFT401, RFT402): declare it"),
    )),
    Case("RFT103", v2(edit(edit(rag(approach="prompting"), "kind: api}\n",
                               "kind: api}\n    size_tokens: 500000\n"),
                          "deployment: cloud\n", "deployment: cloud\n  context_window_tokens: 200000\n")), (
        ('RFT103', 17, 5, 17, 24, "approach 'prompting' gives the model its knowledge in the prompt, but size_tokens is 500000, more than context_window_tokens (200000)"),
    )),
    Case("RFT204", v2(rag(approach="prompting", behavior="high")), (
        ('RFT204', 17, 3, 17, 28, "approach 'prompting' steers the model only through its prompt, but behavior_adaptation is 'high'"),
    )),
    Case("RFT205", v2(edit(fine_tune(), "# tone of voice\n",
                           "# tone of voice\n  adaptation_goals: [tone, domain-knowledge]\n")), (
        ('RFT205', 18, 3, 18, 45, "approach 'fine-tune' trains facts into the weights, but adaptation_goals lists 'domain-knowledge', which retrieval injects better"),
    )),
    Case("RFT403", v2(edit(fine_tune(), "# reviewed by support leads\n",
                           "# reviewed by support leads\n  labeled_data_quality: raw\n")), (
        ('RFT403', 20, 3, 20, 28, "approach 'fine-tune' learns from its labelled examples, but labeled_data_quality is 'raw'"),
    )),
    Case("RFT702", v2(edit(fine_tune(), "deployment: cloud\n",
                           "deployment: cloud\n  eval_set: false\n")), (
        ('RFT702', 25, 3, 25, 18, "approach 'fine-tune' trains a model, but eval_set is false: evals first"),
    )),
    Case("RFT703", v2(edit(fine_tune(), "deployment: cloud\n",
                           "deployment: cloud\n  base_model: {name: gpt-x, weights: hosted}\n")), (
        ('RFT703', 25, 29, 25, 44, "approach 'fine-tune' trains the base model 'gpt-x', but its weights are 'hosted': only its provider can fine-tune it, and only while it lists that model"),
    )),
    Case("several policies, in line order", fine_tune(required="true", dynamics="daily",
                                                      labeled="0"), (
        ('RFT101', 12, 5, 12, 19, "approach 'fine-tune' cannot query external data sources at answer time, but external_data.required is true"),
        ('RFT401', 19, 3, 19, 22, "approach 'fine-tune' trains on labelled examples, but labeled_examples is 0 (fewer than 50)"),
        ('RFT501', 20, 3, 20, 23, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'daily'"),
    )),
    # --- schema
    Case("enum, wrong case", rag(approach="RAG"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        # schema_version 1: prompting, a version 2 value, is neither listed nor suggested.
        ('RFT003', 9, 11, 9, 14, "approach: 'RAG' is not one of rag, fine-tune, hybrid"),
    )),
    Case("typo in a key", edit(rag(), "hallucination_tolerance", "hallucination_tolerence"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 2 schema errors to fix first'),
        ('RFT003', 10, 1, 10, 9, "criteria: missing required key 'hallucination_tolerance'"),
        ('RFT003', 18, 3, 18, 26, "criteria: unknown key 'hallucination_tolerence' (did you mean 'hallucination_tolerance'?)"),
    )),
    Case("typo at the top", edit(rag(), "owner:", "ower:"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 5, 1, 5, 5, "unknown key 'ower' (did you mean 'owner'?)"),
    )),
    Case("string for an integer", rag(labeled="plenty"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 27, "criteria.labeled_examples: expected an integer, got the string 'plenty'"),
    )),
    Case("negative count", rag(labeled="-5"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 23, 'criteria.labeled_examples: -5 is less than the minimum 0'),
    )),
    Case("float for an integer", rag(labeled="12.5"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 25, 'criteria.labeled_examples: expected an integer, got the number 12.5'),
    )),
    Case(".inf is a number", rag(labeled=".inf"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 25, 'criteria.labeled_examples: expected an integer, got the number .inf'),
    )),
    Case("-.inf is a number", rag(labeled="-.inf"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 2 schema errors to fix first'),
        ('RFT003', 19, 21, 19, 26, 'criteria.labeled_examples: expected an integer, got the number -.inf'),
        ('RFT003', 19, 21, 19, 26, 'criteria.labeled_examples: -.inf is less than the minimum 0'),
    )),
    Case(".nan is a number", rag(labeled=".nan"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 25, 'criteria.labeled_examples: expected an integer, got the number .nan'),
    )),
    # YAML 1.2 core schema numbers: hexadecimal, octal, exponent, explicit sign, a float
    # that is a whole number (JSON Schema's integer)
    Case("hexadecimal count", rag(labeled="0x320"), ()),
    Case("octal count", rag(labeled="0o1440"), ()),
    Case("count with an exponent", rag(labeled="1e3"), ()),
    Case("count with a sign", rag(labeled="+800"), ()),
    Case("!!float on a whole number", rag(labeled="!!float 800"), ()),
    Case("quoted .inf is a string", rag(labeled="'.inf'"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 27, "criteria.labeled_examples: expected an integer, got the string '.inf'"),
    )),
    Case("YAML 1.1 boolean", rag(required="yes"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 12, 15, 12, 18, "criteria.external_data.required: expected a boolean (true or false), got the string 'yes'; YAML 1.2 reads 'yes' as a string, not a boolean (it was one in YAML 1.1): write true or false"),
    )),
    Case("missing criterion", edit(rag(), "  data_dynamics: daily\n", "  # data_dynamics: tbd\n"),
         (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 10, 1, 10, 9, "criteria: missing required key 'data_dynamics'"),
    )),
    Case("empty project", edit(rag(), "project: support-assistant", 'project: ""'), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 4, 10, 4, 12, 'project: must not be empty'),
    )),
    Case("no sources when required", edit(rag(), "    sources:\n      - name: product-docs\n"
                                          "        kind: document-store\n"
                                          "      - {name: order-status, kind: api}\n", ""), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 11, 3, 11, 16, "criteria.external_data: 'sources' is required when required is true: list the external data sources"),
    )),
    Case("empty sources when required",
         edit(rag(), "    sources:\n      - name: product-docs\n        kind: document-store\n"
              "      - {name: order-status, kind: api}\n", "    sources: []\n"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 13, 14, 13, 16, 'criteria.external_data.sources: must list at least one source when required is true'),
    )),
    Case("unknown source kind", edit(rag(), "kind: api", "kind: ftp"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 16, 36, 16, 39, "criteria.external_data.sources[1].kind: 'ftp' is not one of database, document-store, api, web, file-share, other"),
    )),
    Case("list for an integer", rag(labeled="[800]"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 26, 'criteria.labeled_examples: expected an integer, got a list'),
    )),
    Case("not a mapping", "- just\n- a list\n", (
        ('RFT003', 1, 1, 3, 1, 'expected a mapping, got a list'),
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
    )),
    Case("a string", "just a string\n", (
        ('RFT003', 1, 1, 1, 14, "expected a mapping, got the string 'just a string'"),
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
    )),
    # --- explicit tags: YAML 1.2's core tags resolve, anything else is refused
    Case("!!int on a quoted number", rag(labeled='!!int "800"'), ()),
    Case("!!str on a number", rag(labeled="!!str 800"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 30, "criteria.labeled_examples: expected an integer, got the string '800'"),
    )),
    Case("!!bool on yes", rag(required="!!bool yes"), (
        ('RFT002', 12, 15, None, None, "'yes' is not a valid !!bool"),
    )),
    Case("!!int on a decimal", rag(labeled="!!int 12.5"), (
        ('RFT002', 19, 21, None, None, "'12.5' is not a valid !!int"),
    )),
    Case("!!float on a decimal", rag(labeled="!!float 12.5"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 33, 'criteria.labeled_examples: expected an integer, got the number 12.5'),
    )),
    Case("!!float on a word", rag(labeled="!!float many"), (
        ('RFT002', 19, 21, None, None, "'many' is not a valid !!float"),
    )),
    Case("!!null on a word", edit(rag(), "deployment: cloud", "deployment: !!null none"), (
        ('RFT002', 24, 15, None, None, "'none' is not a valid !!null"),
    )),
    Case("!!bool true", rag(required="!!bool true"), ()),
    Case("!!null on null", edit(rag(), "deployment: cloud", "deployment: !!null null"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 24, 15, 24, 26, 'constraints.deployment: null is not one of cloud, on-prem, edge'),
    )),
    # `!` (the non-specific tag) makes a plain scalar a string, as quoting does
    Case("! on a word", rag(approach="! rag"), ()),
    Case("! on a number", rag(labeled="! 800"), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 19, 21, 19, 26, "criteria.labeled_examples: expected an integer, got the string '800'"),
    )),
    Case("!!int on a huge integer", rag(labeled="!!int " + "9" * 5000), (
        ('RFT002', 19, 21, None, None, 'integer with 5,000 digits is too large'),
    )),
    Case("a local tag", rag(approach="!approach rag"), (
        ('RFT002', 9, 11, None, None, 'tag !approach is not allowed: a manifest holds plain YAML 1.2 values and ragft-lint constructs no tagged objects'),
    )),
    Case("a python tag", edit(rag(), "owner: customer-care-ml",
                              "owner: !!python/object/apply:os.system ['true']"), (
        ('RFT002', 5, 8, None, None, 'tag !!python/object/apply:os.system is not allowed: Python tags are never constructed'),
    )),
    Case("!!set", edit(rag(), "deployment: cloud", "deployment: !!set {cloud}"), (
        ('RFT002', 24, 15, None, None, 'tag !!set is not allowed: a manifest holds plain YAML 1.2 values and ragft-lint constructs no tagged objects'),
    )),
    Case("!!map on a mapping", edit(rag(), "constraints:\n", "constraints: !!map\n"), ()),
    # --- YAML syntax
    Case("unclosed flow sequence", edit(rag(), "project: support-assistant",
                                        "project: [support-assistant"), (
        ('RFT002', 5, 6, None, None, "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence started at line 4)"),
    )),
    Case("unclosed flow mapping", edit(rag(), "      - {name: order-status, kind: api}",
                                       "      - {name: order-status, kind: api"), (
        ('RFT002', 17, 22, None, None, "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping started at line 16)"),
    )),
    Case("unterminated quote", rag() + 'notes: "unterminated\n', (
        ('RFT002', 26, 1, None, None, 'invalid YAML: found unexpected end of stream (while scanning a quoted scalar started at line 25)'),
    )),
    Case("tab indentation", edit(rag(), "  interpretability:", "\tinterpretability:"), (
        ('RFT002', 21, 1, None, None, 'invalid YAML: found a tab character that violates indentation (while scanning a plain scalar started at line 20)'),
    )),
    Case("tab at the start of a line", rag() + "metadata:\n\ttier: 1\n", (
        ('RFT002', 26, 1, None, None, 'invalid YAML: found character that cannot start any token (while scanning for the next token started at line 26); YAML does not allow tabs for indentation'),
    )),
    Case("a tab after a colon is white space", edit(rag(), "  deployment: cloud",
                                                    "  deployment:\tcloud"), ()),
    Case("Windows line endings", rag().replace("\n", "\r\n"), ()),
    Case("Windows line endings, a finding",
         fine_tune(dynamics="daily").replace("\n", "\r\n"), (
        ('RFT501', 20, 3, 20, 23, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'daily'"),
    )),
    Case("stray indentation", edit(rag(), "  deployment: cloud", "  deployment: cloud\n"
                                   "   stray: indentation"), (
        ('RFT002', 25, 9, None, None, 'invalid YAML: mapping values are not allowed in this context'),
    )),
    Case("duplicate key", edit(rag(), "  data_dynamics: daily\n",
                               "  data_dynamics: daily\n  data_dynamics: weekly\n"), (
        ('RFT002', 21, 3, None, None, "duplicate key 'data_dynamics' (first defined at line 20)"),
    )),
    Case("second document", rag() + "---\nschema_version: 1\n", (
        ('RFT002', 25, 1, None, None, 'file holds more than one YAML document; a manifest is exactly one (the second starts at line 25)'),
    )),
    Case("empty file", "", (
        ('RFT002', 1, 1, None, None, 'file holds no YAML document (it is empty or only comments); expected a manifest mapping'),
    )),
    Case("only comments", "# to be written\n\n", (
        ('RFT002', 1, 1, None, None, 'file holds no YAML document (it is empty or only comments); expected a manifest mapping'),
    )),
    Case("collection as a key", "? [a, b]\n: c\n", (
        ('RFT002', 1, 3, None, None, 'mapping key is a collection; keys must be strings'),
    )),
    Case("integer key", edit(rag(), "  deployment: cloud", "  1: cloud"), (
        ('RFT002', 24, 3, None, None, 'mapping key 1 is not a string; quote it'),
    )),
    Case("null key", edit(rag(), "  deployment: cloud", "  null: cloud"), (
        ('RFT002', 24, 3, None, None, 'mapping key null is not a string; quote it'),
    )),
    Case("unknown alias", edit(rag(), "deployment: cloud", "deployment: *where"), (
        ('RFT002', 24, 15, None, None, 'alias *where refers to no anchor defined before it'),
    )),
    Case("huge integer", rag(labeled="9" * 5000), (
        ('RFT002', 19, 21, None, None, 'integer with 5,000 digits is too large'),
    )),
    Case("deep nesting", "metadata: " + "[" * 70 + "]" * 70 + "\n", (
        ('RFT002', 1, 74, None, None, 'nesting deeper than 64 levels; refused'),
    )),
    Case("control character", edit(rag(), "deployment: cloud", "deployment: \x07"), (
        ('RFT002', 24, 15, None, None, 'invalid YAML: unacceptable character #x0007: control characters are not allowed'),
    )),
    Case("glued comment", edit(rag(), "deployment: cloud", 'deployment: "cloud"# edge soon'),
         (
        ('RFT002', 24, 22, None, None, 'invalid YAML: a comment must be separated from what precedes it by a space'),
    )),
    Case("block scalar header", edit(rag(), "description: >-", "description: >-# folded"), (
        ('RFT002', 6, 16, None, None, 'invalid YAML: a block scalar header must be followed by a space or the end of the line'),
    )),
    Case("dash in a flow sequence", rag() + "metadata: {tags: [-, b]}\n", (
        ('RFT002', 25, 19, None, None, "invalid YAML: '-' cannot start a plain scalar inside a flow collection (quote it, or use a block sequence)"),
    )),
    Case("flow sequence under-indented", rag() + "metadata:\n  tags: [a,\n  b]\n", (
        ('RFT002', 27, 1, None, None, 'invalid YAML: this flow collection continues on a line indented no more than its parent (column 3); indent it with spaces'),
    )),
    Case("quoted scalar under-indented", rag() + 'notes: "a\nb"\n', (
        ('RFT002', 26, 1, None, None, 'invalid YAML: this quoted scalar continues on a line indented no more than its parent (column 1); indent it with spaces'),
    )),
    # --- unreadable files
    Case("NUL byte", rag().encode() + b"metadata: {x: \x00}\n", (
        ('RFT001', 25, 15, None, None, 'binary file (it contains NUL bytes), not a YAML manifest'),
    )),
    Case("NUL byte after a blank first line", b"\nmetadata: {x: \x00}\n", (
        ('RFT001', 2, 15, None, None, 'binary file (it contains NUL bytes), not a YAML manifest'),
    )),
    Case("NUL byte after blank lines", b"\n\n\x00\n", (
        ('RFT001', 3, 1, None, None, 'binary file (it contains NUL bytes), not a YAML manifest'),
    )),
    Case("invalid UTF-8", rag().replace("cloud", "cl\u00f6ud").encode("latin-1"), (
        ('RFT001', 24, 17, None, None, 'file is not valid UTF-8 (byte 0xf6 at offset 690); save it as UTF-8'),
    )),
    Case("UTF-16", rag().encode("utf-16"), (
        ('RFT001', 1, 1, None, None, 'file is UTF-16-encoded; save it as UTF-8'),
    )),
    # --- waivers
    Case("waived finding", with_waivers(fine_tune(dynamics="daily"),
                                        ("RFT501", "Nightly retraining.", "2099-12-31")), (
        ('RFT501', 20, 3, 20, 23, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'daily'"),
    )),
    Case("expired waiver", with_waivers(fine_tune(dynamics="daily"),
                                        ("RFT501", "Nightly retraining.", "2024-01-31")), (
        ('RFT501', 20, 3, 20, 23, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'daily'"),
        ('RFT005', 28, 5, 28, 24, 'waiver for RFT501 expired on 2024-01-31; the finding counts again (reason given: Nightly retraining.)'),
    )),
    Case("unknown rule in a waiver", with_waivers(rag(), ("RFT5O1", "Typo.", "2099-12-31")),
         (
        ('RFT006', 26, 5, 26, 17, "waiver names unknown rule 'RFT5O1' (did you mean RFT501?); it would waive nothing"),
    )),
    Case("core rule in a waiver", with_waivers(rag(), ("RFT003", "No.", "2099-12-31")), (
        ('RFT006', 26, 5, 26, 17, 'rule RFT003 cannot be waived: waivers apply to policy rules only'),
    )),
    Case("unused waiver", with_waivers(rag(), ("RFT501", "Nightly retraining.", "2099-12-31")),
         (
        ('RFT007', 26, 5, 26, 17, 'unused waiver: RFT501 reports nothing in this manifest; remove the waiver'),
    )),
    Case("duplicate waiver", with_waivers(fine_tune(dynamics="daily"),
                                          ("RFT501", "Nightly retraining.", "2099-12-31"),
                                          ("RFT501", "Again.", "2099-12-31")), (
        ('RFT501', 20, 3, 20, 23, "approach 'fine-tune' freezes knowledge at training time, but data_dynamics is 'daily'"),
        ('RFT007', 29, 5, 29, 17, 'waiver for RFT501 is unused: the waiver at line 26 already covers it'),
    )),
    Case("waiver without a reason", with_waivers(rag(), ("RFT501", '""', "2099-12-31")), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 27, 13, 27, 15, 'waivers[0].reason: must not be empty'),
    )),
    Case("waiver date not a date", with_waivers(rag(), ("RFT501", "Soon.", "next-year")), (
        ('RFT004', 1, 1, None, None, 'policies not run: the manifest has 1 schema error to fix first'),
        ('RFT003', 28, 14, 28, 23, "waivers[0].expires: 'next-year' is not a valid date (YYYY-MM-DD)"),
    )),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_positions_and_messages(case: Case, tmp_path: Path) -> None:
    assert rows(report(case, tmp_path)) == list(case.findings)


def test_every_rule_has_a_row() -> None:
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    pinned = {row[0] for case in CASES for row in case.findings}
    assert sorted(rule["id"] for rule in listed if rule["id"] not in pinned) == []


def test_case_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


CASE_BY_ID = {case.id: case for case in CASES}


@pytest.mark.parametrize(("case_id", "expected"), [
    ("expired waiver", [
        ("RFT501", False, None, "Switch approach to 'rag' or 'hybrid' so current data is "
         "retrieved at answer time."),
        ("RFT005", False, None, "Resolve the finding, or renew the waiver with a new date and "
         "a current reason."),
    ]),
    ("waived finding", [
        ("RFT501", True, "Nightly retraining.", "Switch approach to 'rag' or 'hybrid' so "
         "current data is retrieved at answer time."),
    ]),
    ("unknown rule in a waiver", [
        ("RFT006", False, None, "Use the id of a policy rule (`ragft-lint rules` lists them)."),
    ]),
    ("unused waiver", [("RFT007", False, None, "Remove the waiver.")]),
    ("duplicate waiver", [
        ("RFT501", True, "Nightly retraining.", "Switch approach to 'rag' or 'hybrid' so "
         "current data is retrieved at answer time."),
        ("RFT007", False, None, "Remove the waiver."),
    ]),
])
def test_waiver_findings_say_how_to_fix_them(case_id: str, expected: list[Any],
                                             tmp_path: Path) -> None:
    findings = report(CASE_BY_ID[case_id], tmp_path)
    # A policy finding's remediation also says how to waive it: only its first sentence here.
    assert [(f["rule"], f["waived"], f["waiver_reason"],
             f["remediation"].split(" To accept the risk")[0]) for f in findings] == expected


def test_waiver_findings_point_at_the_waiver_entry(tmp_path: Path) -> None:
    # The whole `key: value` entry: an editor underlines `expires: 2024-01-31`, not a column.
    case = CASE_BY_ID["expired waiver"]
    [_, expired] = report(case, tmp_path)
    lines = str(case.content).split("\n")
    line = lines[expired["line"] - 1]
    assert line[expired["column"] - 1:expired["end_column"] - 1] == "expires: 2024-01-31"
    assert expired["pointer"] == "/waivers/0/expires"


@pytest.mark.parametrize("case", [c for c in CASES if c.findings and isinstance(c.content, str)
                                  and "\r" not in c.content],
                         ids=lambda c: c.id)
def test_spans_start_inside_the_file(case: Case) -> None:
    # Every pinned position exists in its file: a line that is there, a column within it
    # (one past the end for an error at a line's end).
    lines = case.content.split("\n") if isinstance(case.content, str) else []
    for rule, line, column, end_line, end_column, _ in case.findings:
        assert 1 <= line <= max(len(lines), 1), (rule, line)
        assert 1 <= column <= len(lines[line - 1]) + 1 if lines else column == 1, (rule, column)
        if end_line is not None:
            assert (end_line, end_column) > (line, column), rule


# The pure-Python parser refuses what libyaml and YAML 1.2 accept here.
PURE_PARSER_DIFFERS = {"a tab after a colon is white space": "ruamel.yaml's pure-Python "
                       "scanner refuses a tab after `key:`; libyaml and YAML 1.2 allow it"}


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=PURE_PARSER_DIFFERS[c.id],
                                                      strict=True)]
                 if c.id in PURE_PARSER_DIFFERS else [])
    for c in CASES if isinstance(c.content, str)
    and not any(row[0] in ("RFT001", "RFT002") for row in c.findings)])
def test_the_pure_python_parser_gives_the_same_positions(case: Case,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Where ruamel.yaml's C extension is missing (PyPy, a platform without a wheel), the
    # reader falls back to its pure-Python parser: the same data at the same positions.
    import sys

    from ragft_lint.core.manifest import compose

    def positions(text: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        data, values, keys = compose(text)
        return data, dict(values), dict(keys)

    with_c = positions(str(case.content))
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # `import` now raises ImportError
    pure = positions(str(case.content))
    assert repr(pure) == repr(with_c)  # repr: .nan is not equal to itself


def test_spans_of_places_that_are_not_there() -> None:
    # A finding about a key the manifest lacks points at its nearest ancestor; a pointer
    # that names nothing (a bad index, a path through a scalar) has no span of its own.
    from ragft_lint.core.manifest import Manifest, compose

    data, values, keys = compose(rag())
    manifest = Manifest("llm-project.yaml", data, values, keys)
    criteria = values["/criteria"]
    assert manifest.span("/criteria/data_quality") == criteria
    assert manifest.span("/criteria/data_quality", key=True) == keys["/criteria"]
    sources = "/criteria/external_data/sources"
    assert values[f"{sources}/1/kind"].line == 16
    for missing in (f"{sources}/2", f"{sources}/01", f"{sources}/-1", f"{sources}/x",
                    "/project/deeper", "criteria", "/nope"):
        assert missing not in values and values.get(missing) is None, missing
    assert f"{sources}/0" in values and f"{sources}/0" not in keys  # list items have no key
    assert "" in values and "" not in keys
    assert 1 not in values
    assert len(values) == len(list(values)) == len(set(values))
    assert set(keys) <= set(values)
    assert "" not in list(keys) and f"{sources}/0" not in list(keys)
    assert f"{sources}/0/name" in list(keys)
    assert list(values)[:3] == ["", "/schema_version", "/project"]
    with pytest.raises(KeyError):
        values["/nope"]
    # A manifest read from nothing (no spans at all) points at the start of the file.
    from ragft_lint.core.finding import Span

    empty = Manifest("llm-project.yaml", None)
    assert empty.span("/criteria") == empty.span("") == Span(1, 1)
    _, no_values, _ = compose("# only a comment\n[]\n")
    assert list(no_values) == [""] and len(no_values) == 1


def test_text_not_yet_saved_is_judged_like_the_file(tmp_path: Path) -> None:
    # An editor's buffer or a fix before it is written (Engine.check_text) has the bounds of
    # a file read: the size limit (exactly the limit passes) and the nesting limit.
    from ragft_lint.core.engine import Engine
    from ragft_lint.core.manifest import Limits
    from ragft_lint.core.policy import PolicyPack, load_builtin_policies

    text = rag()
    size = len(text.encode())
    engine = Engine(PolicyPack(load_builtin_policies()), limits=Limits(max_bytes=size,
                                                                      max_depth=6))
    path = str(tmp_path / "llm-project.yaml")
    assert [f.rule for f in engine.check_text(path, text).findings] == []
    [too_large] = engine.check_text(path, text + "#").findings
    assert (too_large.rule, too_large.message) == (
        "RFT001", f"file is {size + 1:,} bytes, over the {size:,}-byte limit for a manifest "
        "(raise it with --max-size if this is really a manifest)")
    [too_deep] = engine.check_text(path, "a: [[[[[[1]]]]]]\n").findings
    assert (too_deep.rule, too_deep.line, too_deep.column, too_deep.message) == (
        "RFT002", 1, 9, "nesting deeper than 6 levels; refused")


def test_syntax_error_messages_without_every_part() -> None:
    # The parts of a YAML error message come from what the parser knows: a problem and its
    # position always, the context ("while parsing a flow sequence") and where it started
    # when it has them. The table above has real ones; these are the parser's other shapes.
    from ruamel.yaml.error import MarkedYAMLError, StringMark, YAMLError

    from ragft_lint.core.manifest import _syntax_error

    text = "a: 1\nb: [2\n"
    at = StringMark("<file>", 8, 1, 3, text, 8)
    no_start = _syntax_error(MarkedYAMLError(context="while parsing a flow sequence",
                                             problem="expected ',' or ']'", problem_mark=at),
                             text)
    assert (no_start.message, no_start.line, no_start.column) == (
        "invalid YAML: expected ',' or ']' (while parsing a flow sequence)", 2, 4)
    bare = _syntax_error(MarkedYAMLError(problem="unexpected end", problem_mark=at), text)
    assert bare.message == "invalid YAML: unexpected end"
    unplaced = _syntax_error(YAMLError("the parser  gave up\n  here"), text)
    assert (unplaced.message, unplaced.line, unplaced.column) == (
        "invalid YAML: the parser gave up here", 1, 1)
