"""Fixes as data (issue 12): which findings carry one, what it edits, and applying it.

Every test reads the fix off a real check of a real manifest text and applies it with
`apply_fixes`, the function `check --fix`, `--diff` and the language server share.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ragft_lint.core.engine import Engine
from ragft_lint.core.finding import Applicability, Edit, Finding, Fix, Span
from ragft_lint.core.fixes import apply_fixes, line_starts, one_close_match
from ragft_lint.core.manifest import compose
from ragft_lint.core.policy import PolicyPack, load_builtin_policies

ENGINE = Engine(PolicyPack(load_builtin_policies()), today=dt.date(2027, 1, 1))

VALID = """\
# A manifest full of comments: every one must survive a fix.
schema_version: 1          # format version
project: support-assistant
approach: rag              # the chosen approach
criteria:
  external_data:
    required: true         # answers cite the docs
    sources:
      - name: product-docs
        kind: document-store
  behavior_adaptation: low
  hallucination_tolerance: none
  labeled_examples: 800
  data_dynamics: daily     # docs change every day
  interpretability: high
"""


def findings(text: str) -> list[Finding]:
    return list(ENGINE.check_text("llm-project.yaml", text).findings)


def fixable(text: str) -> list[Finding]:
    return [f for f in findings(text) if f.fix is not None]


def fix_all(text: str, *, unsafe: bool = False) -> str:
    fixes = [f.fix for f in findings(text) if f.fix is not None and f.fix.applies(unsafe)]
    fixed, applied = apply_fixes(text, fixes)
    assert applied == fixes
    return fixed


def test_a_valid_manifest_has_nothing_to_fix() -> None:
    assert findings(VALID) == []


@pytest.mark.parametrize(("before", "broken", "fixed"), [
    ("approach: rag ", "approach: RAG ", "approach: rag "),    # case alone
    ("approach: rag ", "approach: finetune ", "approach: fine-tune "),  # one close match
    ("approach: rag ", "approach: 'fine_tune' ", "approach: 'fine-tune' "),  # quoting kept
    ("approach: rag ", 'approach: "hybird" ', 'approach: "hybrid" '),
    ("kind: document-store", "kind: documentstore", "kind: document-store"),  # in a list
    ("data_dynamics: daily ", "data_dynamics: dayly ", "data_dynamics: daily "),
    ("required: true ", "required: yes ", "required: true "),  # YAML 1.1 booleans
    ("required: true ", "required: Y ", "required: true "),
    ("approach: rag ", "aproach: rag ", "approach: rag "),     # a misspelt key
    ("  interpretability:", "  interpretabilty:", "  interpretability:"),
    ("  external_data:", "  'external-data':", "  'external_data':"),
])
def test_a_safe_fix_changes_only_the_bytes_of_the_value(before: str, broken: str,
                                                       fixed: str) -> None:
    text = VALID.replace(before, broken, 1)
    [finding] = fixable(text)
    assert finding.rule == "RFT003"
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert fix_all(text) == VALID.replace(before, fixed, 1)


def test_the_fix_names_the_replacement_and_its_range() -> None:
    [finding] = fixable(VALID.replace("approach: rag ", "approach: finetune "))
    assert finding.fix == Fix("Replace 'finetune' with 'fine-tune'",
                              (Edit(Span(4, 11, 4, 19), "fine-tune"),))
    fixed = fix_all(VALID.replace("approach: rag ", "approach: finetune "))
    assert "\napproach: fine-tune              # the chosen approach\n" in fixed


def test_several_fixes_in_one_manifest_apply_together() -> None:
    broken = (VALID.replace("approach: rag ", "approach: RAG ")
              .replace("required: true ", "required: yes ")
              .replace("  interpretability", "  interpretabilty"))
    assert len(fixable(broken)) == 3
    assert fix_all(broken) == VALID


@pytest.mark.parametrize("after", [
    "approach: retrieval ",     # no close option
    "approach: lo ",            # none close enough to one
    "approach: 42 ",            # not a string
    'required: "yes" ',         # a quoted yes was a string in YAML 1.1 too
    "required: maybe ",
    'approach: "fine\\x2Dtun" ',  # an escape: not a simple rendering of the value
    "approach: fine\n  tune ",  # over two lines: a one-line replacement cannot hold it
    "required: 1 ",             # a number where a boolean goes: no word to read as one
    'approach: "" ',            # nothing written: no intent to read
])
def test_no_fix_without_one_evident_intent(after: str) -> None:
    key = after.split(":")[0]
    line = next(line for line in VALID.splitlines() if line.strip().startswith(key + ":"))
    broken = VALID.replace(line.strip().split("#")[0].rstrip() + " ", after, 1)
    assert broken != VALID
    assert any(f.rule == "RFT003" for f in findings(broken))
    assert fixable(broken) == []


def test_a_misspelt_goal_in_a_list_is_fixed_in_place() -> None:
    """An enum inside a list (schema_version 2's adaptation_goals): the fix replaces the
    member, in a flow list and in a block list alike, and leaves its neighbours."""
    v2 = VALID.replace("schema_version: 1 ", "schema_version: 2 ")
    for before, after in (("[stlye, tone]   # flow", "[style, tone]   # flow"),
                          ("\n    - tone\n    - Stlye  # block",
                           "\n    - tone\n    - style  # block")):
        text = v2.replace("  hallucination_tolerance",
                          f"  adaptation_goals: {before}\n  hallucination_tolerance")
        [finding] = fixable(text)
        assert finding.pointer.startswith("/criteria/adaptation_goals/")
        assert fix_all(text) == text.replace(before, after)
        assert findings(fix_all(text)) == []


def test_two_equally_close_options_are_not_guessed() -> None:
    assert one_close_match("mediun", ["medium", "median"]) is None
    assert one_close_match("mediun", ["medium", "low"]) == "medium"
    assert one_close_match("HiGh", ["low", "high"]) == "high"


def test_a_key_is_not_renamed_onto_one_already_there() -> None:
    broken = VALID.replace("approach: rag ", "approach: rag\naproach: rag ")
    assert [f.message for f in findings(broken) if f.rule == "RFT003"] == [
        "unknown key 'aproach' (did you mean 'approach'?)"]
    assert fixable(broken) == []


def test_a_value_reached_through_an_alias_is_not_fixed_at_the_alias() -> None:
    broken = VALID.replace("hallucination_tolerance: none", "hallucination_tolerance: &t nne")
    broken = broken.replace("interpretability: high", "interpretability: *t")
    fixes = fixable(broken)
    # The anchored value's own span starts at the anchor: no simple rendering, no fix.
    assert all(f.pointer != "/criteria/interpretability" for f in fixes)


# --- unused waivers: unsafe ---------------------------------------------------------------

WAIVED = VALID + """\
waivers:                   # accepted exceptions
  - rule: RFT201           # unused: rag with low adaptation reports nothing
    reason: kept for the audit   # why
    expires: 2099-12-31
"""

TWO_WAIVERS = WAIVED + """\
  # the second one
  - rule: RFT601
    reason: |
      A block scalar
      over two lines.
    expires: 2099-12-31
# the end
"""


def test_an_unused_waiver_is_removed_only_as_an_unsafe_fix() -> None:
    [finding] = fixable(WAIVED)
    assert finding.rule == "RFT007" and finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert not finding.fix.applies(unsafe=False) and finding.fix.applies(unsafe=True)
    assert fix_all(WAIVED) == WAIVED
    # The only waiver: the whole `waivers` entry goes, so no empty list is left behind.
    assert fix_all(WAIVED, unsafe=True) == VALID


def test_removing_one_of_two_waivers_keeps_the_other_and_the_comments() -> None:
    fixes = [f.fix for f in fixable(TWO_WAIVERS)]
    assert len(fixes) == 2 and all(f is not None for f in fixes)
    # Both are unused, but they are isolated: one pass removes one of them.
    fixed, applied = apply_fixes(TWO_WAIVERS, [f for f in fixes if f is not None])
    assert len(applied) == 1
    assert fixed == TWO_WAIVERS.replace(
        "  - rule: RFT201           # unused: rag with low adaptation reports nothing\n"
        "    reason: kept for the audit   # why\n    expires: 2099-12-31\n", "")
    # The next pass removes the other, and with it the `waivers` key it would leave empty
    # (and the comment inside that entry); the comment after it stays.
    again = fix_all(fixed, unsafe=True)
    assert again == VALID + "# the end\n"
    assert findings(again) == []


@pytest.mark.parametrize("waivers", [
    "waivers: [{rule: RFT201, reason: r, expires: 2099-12-31}]\n",
    # one entry a line: the last one owns its line, but not as a block list's `- ` entry
    "waivers: [\n  {rule: RFT201, reason: r, expires: 2099-12-31},\n"
    "  {rule: RFT601, reason: s, expires: 2099-12-31}\n  ]\n",
], ids=["one-line", "one-entry-a-line"])
def test_a_waiver_in_a_flow_list_is_not_offered_a_fix(waivers: str) -> None:
    unused = findings(VALID + waivers)
    assert unused and all(f.rule == "RFT007" and f.fix is None for f in unused)


def test_a_waiver_holding_an_anchor_another_uses_is_not_removed() -> None:
    """Removing it would leave `*until` pointing at nothing (invalid YAML): the proof
    fails, so only the waiver that uses the anchor is offered for removal."""
    text = VALID + (
        "waivers:\n"
        "  - rule: RFT201\n    reason: kept for the audit\n    expires: &until 2099-12-31\n"
        "  - rule: RFT601\n    reason: also kept\n    expires: *until\n")
    by_pointer = {f.pointer: f.fix for f in findings(text) if f.rule == "RFT007"}
    assert by_pointer["/waivers/0/rule"] is None
    fix = by_pointer["/waivers/1/rule"]
    assert fix is not None
    fixed = apply_fixes(text, [fix])[0]
    assert fixed == text.replace("  - rule: RFT601\n    reason: also kept\n"
                                 "    expires: *until\n", "")


def test_a_duplicate_waiver_is_removed_by_its_fix() -> None:
    text = VALID.replace("interpretability: high", "interpretability: medium") + (
        "waivers:\n"
        "  - {rule: RFT602, reason: first, expires: 2099-12-31}\n"
        "  - {rule: RFT602, reason: again, expires: 2099-12-31}  # copied by mistake\n")
    [finding] = [f for f in fixable(text) if "already covers it" in f.message]
    assert finding.fix is not None
    assert apply_fixes(text, [finding.fix])[0] == text.replace(
        "  - {rule: RFT602, reason: again, expires: 2099-12-31}  # copied by mistake\n", "")


# --- apply_fixes --------------------------------------------------------------------------

def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    one = Fix("a", (Edit(Span(1, 1, 1, 4), "xyz"),))
    two = Fix("b", (Edit(Span(1, 3, 1, 6), "!"),))
    three = Fix("c", (Edit(Span(2, 1, 2, 2), "B"),))
    fixed, applied = apply_fixes("abcdef\nb\n", [one, two, three])
    assert applied == [one, three]
    assert fixed == "xyzdef\nB\n"


def test_offsets_count_yaml_line_breaks_and_code_points() -> None:
    text = "a: é😀\r\nb: x\rc: y\u2028d: z"
    assert line_starts(text) == [0, 7, 12, 17]
    fixed, _ = apply_fixes(text, [Fix("d", (Edit(Span(4, 4, 4, 5), "w"),)),
                                  Fix("b", (Edit(Span(2, 4, 2, 5), "v"),))])
    assert fixed == "a: é😀\r\nb: v\rc: y\u2028d: w"


def test_fixes_work_on_windows_line_endings() -> None:
    crlf = VALID.replace("\n", "\r\n")
    broken = crlf.replace("approach: rag ", "approach: finetune ")
    assert fix_all(broken) == crlf.replace("approach: rag ", "approach: fine-tune ")


def test_a_manifest_read_without_its_text_offers_no_fix() -> None:
    from ragft_lint.core.manifest import Manifest

    data, values, keys = compose(VALID.replace("approach: rag ", "approach: finetune "))
    result = ENGINE.check_manifest(Manifest("llm-project.yaml", data, values, keys))
    assert [f.fix for f in result.findings if f.rule == "RFT003"] == [None]


def test_check_text_judges_text_as_check_judges_the_file(tmp_path) -> None:
    broken = VALID.replace("approach: rag ", "approach: finetune ")
    path = tmp_path / "llm-project.yaml"
    path.write_text(broken, encoding="utf-8")
    assert ENGINE.check(str(path)).findings == ENGINE.check_text(str(path), broken).findings
    [unreadable] = ENGINE.check_text("x.yaml", "a: \ud800\n").findings
    assert unreadable.rule == "RFT001"


def test_check_text_keeps_the_size_bound_of_a_file_read() -> None:
    from ragft_lint.core.manifest import Limits

    small = Engine(ENGINE.pack, limits=Limits(max_bytes=100))
    [refused] = small.check_text("llm-project.yaml", VALID).findings
    assert refused.rule == "RFT001" and "over the 100-byte limit" in refused.message


def test_fixes_stay_cheap_on_a_huge_manifest() -> None:
    from ragft_lint.core.fixes import MAX_FIXES_PER_MANIFEST, MAX_PROVED_CHARS

    sources = "".join(f"      - name: s{i}\n        kind: databse\n" for i in range(150))
    text = VALID.replace("    sources:\n", "    sources:\n" + sources)
    found = findings(text)
    assert len(found) == 151  # every typo reported (and RFT004)...
    assert sum(f.fix is not None for f in found) == MAX_FIXES_PER_MANIFEST  # ...100 fixed
    # Removing lines is proved by composing the whole text: not offered in a huge one.
    padded = WAIVED.replace("project: support-assistant",
                            "project: support-assistant\ndescription: " + "x" * MAX_PROVED_CHARS)
    [unused] = findings(padded)
    assert unused.rule == "RFT007" and unused.fix is None
    assert [f.fix is not None for f in findings(padded.replace("approach: rag ", "approach: RAG "))
            ] == [False, True]


def test_a_waiver_ending_in_a_block_scalar_is_removed_to_its_last_line() -> None:
    first = ("  - rule: RFT201\n    expires: 2099-12-31\n    reason: |\n"
             "      kept for the audit,\n      over two lines\n")
    second = "  - rule: RFT101   # still needed? no: rag reports nothing for it\n" \
             "    reason: r\n    expires: 2099-12-31\n"
    text = VALID + "waivers:\n" + first + second
    fixes = {f.message: f.fix for f in fixable(text)}
    fix = fixes["unused waiver: RFT201 reports nothing in this manifest; remove the waiver"]
    assert fix is not None
    assert apply_fixes(text, [fix])[0] == VALID + "waivers:\n" + second


def test_a_fix_at_the_end_of_a_file_without_a_final_newline() -> None:
    text = VALID.rstrip("\n").replace("interpretability: high", "interpretability: hihg")
    assert fix_all(text) == VALID.rstrip("\n")
    waived = WAIVED.rstrip("\n")
    assert fix_all(waived, unsafe=True) == VALID
