#!/usr/bin/env bash
# Mutation testing of ragft_lint/core with mutmut: a documented script, not part of CI (a
# full run takes hours on two cores).
#
#   pip install -e '.[test,mutation]'
#   scripts/mutation.sh                     # every module of core/, one after the other
#   scripts/mutation.sh text pointer        # only core/text.py and core/pointer.py
#   scripts/mutation.sh --report            # the scores of what has been run so far
#   scripts/mutation.sh --survivors engine  # judge engine's survivors again (tests changed)
#   MUTATION_TESTS="tests/test_text.py" scripts/mutation.sh text    # other tests judge it
#
# Configuration is [tool.mutmut] in pyproject.toml: which files are mutated (core/, not the
# generated fast path) and how the tests run (in-process, not the slow console-script tests).
# Each module runs in a folder of its own, mutants.d/MODULE/ (git-ignored), judged only by
# the tests that pin it: those JUDGES below names for it (fast in-process tests of what it
# does, so a run takes minutes, not hours), or, for a module it does not name, the tests that
# import it, those EXTRA_TESTS names for it (they reach it through the command line), plus
# the two tables every module of core/ is run through (tests/test_positions.py,
# tests/test_bad_input.py). A folder each,
# because mutmut keeps one result cache per folder and starts it again whenever its test
# selection changes: in one folder, a module's selection would wipe every other's results.
# mutmut keeps its results there, so a module already run is not run again unless its code
# or its tests changed. Each module's score is killed / (killed + survived + no tests),
# timeouts counted as killed; `cd mutants.d/MODULE && mutmut results` lists the survivors
# and `mutmut show NAME` shows one.
#
# Runs at nice 19 (the machine it was written on is shared) with MUTATION_JOBS workers
# (default 1) and stops a module after MUTATION_SECONDS (default: no limit); a module cut
# short keeps the results it reached, and the report counts only the mutants that ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
python="${PYTHON:-.venv/bin/python}"
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"  # absolute, links kept (a venv)
mutmut="$(dirname "$python")/mutmut"
if ! "$python" -c "import mutmut" 2>/dev/null; then
    echo "mutation.sh: mutmut is not installed; run: pip install -e '.[test,mutation]'" >&2
    exit 2
fi

report() {
    "$python" - "$@" <<'PY'
import json, sys
from pathlib import Path

# mutmut's exit codes per mutant (mutmut/stats.py): 1 and 3 killed, 0 survived, 33 and 5
# no test ran it, 36/24/-24/152/255 timeouts (a mutant that loops forever is caught).
KILLED, SURVIVED, NO_TESTS = {1, 3}, {0}, {5, 33}
TIMEOUT = {36, 24, -24, 152, 255}
modules = sys.argv[1:] or sorted(p.stem for p in Path("ragft_lint/core").glob("*.py")
                                 if not p.stem.startswith("_"))
total = {"killed": 0, "survived": 0, "no tests": 0}
print(f"{'module':18} {'killed':>7} {'survived':>9} {'no tests':>9} {'score':>7}")
for module in modules:
    meta = Path("mutants.d", module, "mutants/ragft_lint/core", f"{module}.py.meta")
    if not meta.exists():
        print(f"{module:18} {'not run':>7}")
        continue
    codes = json.loads(meta.read_text())["exit_code_by_key"].values()
    counts = {"killed": sum(c in KILLED or c in TIMEOUT for c in codes),
              "survived": sum(c in SURVIVED for c in codes),
              "no tests": sum(c in NO_TESTS for c in codes)}
    judged = sum(counts.values())
    if not judged:
        print(f"{module:18} {'not run':>7}")
        continue
    for key in total:
        total[key] += counts[key]
    print(f"{module:18} {counts['killed']:7} {counts['survived']:9} {counts['no tests']:9} "
          f"{100 * counts['killed'] / judged:6.1f}%")
judged = sum(total.values())
if judged:
    print(f"{'core/ (run so far)':18} {total['killed']:7} {total['survived']:9} "
          f"{total['no tests']:9} {100 * total['killed'] / judged:6.1f}%")
PY
}

if [[ "${1:-}" == "--report" ]]; then
    shift
    report "$@"
    exit 0
fi
# --survivors: judge again only the mutants that survived (or that no test ran), with the
# tests as they are now: mutmut keeps every result until the module's code changes, so a
# test written to kill a survivor is not otherwise run against it.
again=""
if [[ "${1:-}" == "--survivors" ]]; then
    again=1
    shift
fi

if [[ $# -gt 0 ]]; then
    modules=("$@")
else
    modules=()
    for path in ragft_lint/core/*.py; do
        name="$(basename "$path" .py)"
        [[ "$name" == _* ]] || modules+=("$name")
    done
fi

# In-process tests that reach a module through the command line, not by importing it, and
# pin what it does for a user there; without them its behaviour would count as untested.
# (Tests that run the installed console script, tests/security/ mostly, never reach a mutant.)
declare -A EXTRA_TESTS=(
    [bibliography]="tests/test_policy_packs.py"
    [conformance]="tests/test_yaml_test_suite.py"
    [errors]="tests/test_cli.py tests/test_policy_packs.py"
    [files]="tests/test_baseline.py tests/test_migrate.py"
    [finding]="tests/test_cli.py tests/test_fix_command.py tests/test_waivers.py"
    [paths]="tests/test_baseline.py tests/test_config.py tests/test_fix_command.py
             tests/test_links.py tests/test_migrate.py tests/test_reporters.py"
    [patterns]="tests/test_condition_patterns.py tests/test_policy_packs.py"
    [result]="tests/test_baseline.py tests/test_cli.py tests/test_fix_command.py"
    [rules]="tests/test_cli.py tests/test_reporters.py"
    [schema]="tests/test_cli.py tests/test_schema_contract.py tests/test_schema_errors.py"
    [schema_errors]="tests/test_fastpath.py"
)

# The tests that judge a module, where the default selection would be slow (it takes in
# tests/test_fastpath.py's generated manifests, tens of seconds per mutant) or blind (the
# module is reached only through the command line). Each mutant runs only those of these
# that reach the function it changes.
declare -A JUDGES=(
    [engine]="tests/test_engine.py tests/test_waivers.py tests/test_unknown.py
              tests/test_policy_examples.py tests/test_positions.py tests/test_fixes.py"
    # Not test_tricky_values_everywhere: 24 s of generated manifests, for every mutant.
    [fastpath]="tests/test_fastpath.py::test_generated_module_is_up_to_date
                tests/test_fastpath.py::test_fast_path_is_active_for_the_packaged_data
                tests/test_fastpath.py::test_runtime_digest_matches_the_generator
                tests/test_fastpath.py::test_edited_data_turns_the_fast_path_off
                tests/test_fastpath.py::test_disable_variable_turns_the_fast_path_off
                tests/test_fastpath.py::test_builtin_policies_are_the_same_objects_either_way
                tests/test_fastpath.py::test_changed_parameters_use_jsonschema
                tests/test_fastpath.py::test_unsupported_keyword_is_a_generation_error
                tests/test_fastpath.py::test_compiled_schema_agrees_with_jsonschema
                tests/test_fastpath.py::test_explainer_gives_jsonschema_findings
                tests/test_fastpath.py::test_compiled_conditions_agree_with_jsonschema
                tests/test_fastpath.py::test_whole_file_results_are_identical
                tests/test_fastpath.py::test_examples_identical_both_ways"
    [files]="tests/test_files.py tests/security/test_bounded_reads.py
             tests/security/test_atomic_writes.py tests/test_baseline.py tests/test_migrate.py"
    [finding]="tests/test_records.py tests/test_text.py tests/test_waivers.py
               tests/test_positions.py tests/test_fixes.py tests/test_engine.py"
    [fixes]="tests/test_fixes.py tests/test_fix_validity.py tests/test_fix_command.py
             tests/test_waivers.py tests/test_positions.py"
    [manifest]="tests/test_manifest.py tests/test_bad_input.py tests/test_positions.py
                tests/test_text.py tests/test_fixes.py tests/test_waivers.py tests/test_engine.py"
    [policy]="tests/test_policy_examples.py tests/test_policy_packs.py
              tests/test_condition_patterns.py tests/test_evidence.py tests/test_unknown.py"
    [records]="tests/test_records.py tests/test_positions.py tests/test_bad_input.py"
    [resources]="tests/test_schema_contract.py tests/test_policy_packs.py tests/test_init.py"
    [result]="tests/test_records.py tests/test_summary.py tests/test_baseline.py
              tests/test_positions.py tests/test_engine.py"
    [schema]="tests/test_schema_messages.py tests/test_schema_errors.py
              tests/test_schema_contract.py tests/test_positions.py
              tests/test_bad_input.py tests/test_unknown.py tests/test_cli.py tests/test_fixes.py
              tests/test_fix_validity.py tests/test_fix_command.py"
    [schema_errors]="tests/test_schema_errors.py tests/test_positions.py tests/test_bad_input.py"
)

# The folder mutmut runs MODULE in: the repository's files linked in, and pyproject.toml with
# the module's own test selection.
prepare() {
    local module="$1" dir="mutants.d/$1" tests
    if [[ -n "${MUTATION_TESTS:-}" ]]; then
        tests="$MUTATION_TESTS"
    elif [[ -n "${JUDGES[$module]:-}" ]]; then
        tests="${JUDGES[$module]}"
    else
        # Not tests/test_server.py: it drives the installed `ragft-lint server`, never the mutant.
        # `|| true`: a module no test imports has only the two tables.
        tests="$({ grep -rlE "ragft_lint\.core\.$module\b|from ragft_lint\.core import .*\b$module\b" \
                   tests || true; } | { grep -v '^tests/test_server\.py$' || true; } | sort | tr '\n' ' ')"
        tests+="tests/test_positions.py tests/test_bad_input.py ${EXTRA_TESTS[$module]:-}"
    fi
    mkdir -p "$dir"
    for name in ragft_lint tests schemas policies examples docs README.md; do
        ln -sfn "$root/$name" "$dir/$name"
    done
    # tests/test_yaml_test_suite.py finds the shared suite beside the repository.
    ln -sfn "$(realpath "$root/../shared")" "$dir/shared"
    "$python" - "$dir/pyproject.toml" "$module" $tests <<'PY'
import re, sys
from pathlib import Path
target, module, tests = sys.argv[1], sys.argv[2], sorted(set(sys.argv[3:]))
text = Path("pyproject.toml").read_text(encoding="utf-8")
listed = "pytest_add_cli_args_test_selection = [" + ", ".join(f'"{t}"' for t in tests) + "]"
text = re.sub(r"pytest_add_cli_args_test_selection = \[.*?\]", listed, text, flags=re.S)
# Only this module is mutated here: mutmut would otherwise mutate the whole package again.
text = re.sub(r"only_mutate = \[.*?\]", f'only_mutate = ["ragft_lint/core/{module}.py"]', text,
              flags=re.S)
Path(target).write_text(text, encoding="utf-8")
print("tests:", " ".join(tests), file=sys.stderr)
PY
}

for module in "${modules[@]}"; do
    echo "== ragft_lint/core/$module.py" >&2
    prepare "$module"
    # mutmut maps each test to the functions it reaches once, and later adds only tests it
    # has not seen: a test edited to reach a function would not be run against its mutants.
    # The map is made again each run (a run of the selection, seconds); results are kept.
    rm -f "mutants.d/$module/mutants/mutmut-stats.json"
    # Mutant names are module.function__mutmut_N: one module's mutants at a time.
    names=("ragft_lint.core.$module.*")
    if [[ -n "$again" ]]; then
        meta="mutants.d/$module/mutants/ragft_lint/core/$module.py.meta"
        [[ -f "$meta" ]] || continue
        mapfile -t names < <("$python" -c '
import json, sys
codes = json.load(open(sys.argv[1]))["exit_code_by_key"]
print("\n".join(name for name, code in codes.items() if code in (0, 5, 33)))' "$meta")
        [[ ${#names[@]} -gt 0 ]] || continue
    fi
    # Temporary folders of its own: pytest removes all but its three latest, so two runs
    # side by side (another module, or a test run meanwhile) would delete each other's.
    temproot="$(mktemp -d)"
    (cd "mutants.d/$module" && PYTEST_DEBUG_TEMPROOT="$temproot" nice -n 19 \
        timeout --signal=INT "${MUTATION_SECONDS:-0}" \
        "$mutmut" run --max-children "${MUTATION_JOBS:-1}" "${names[@]}") || true
    rm -rf "$temproot"
done
report "${modules[@]}"
