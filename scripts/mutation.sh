#!/usr/bin/env bash
# Mutation testing of ragft_lint/core with mutmut: a documented script, not part of CI (a
# full run takes hours on two cores).
#
#   pip install -e '.[test,mutation]'
#   scripts/mutation.sh                     # every module of core/, one after the other
#   scripts/mutation.sh text pointer        # only core/text.py and core/pointer.py
#   scripts/mutation.sh --report            # the scores of what has been run so far
#
# Configuration is [tool.mutmut] in pyproject.toml: which files are mutated (core/, not the
# generated fast path) and which tests run (the in-process tests of what core/ does for a
# user). mutmut works in mutants/ (git-ignored) and keeps its results there, so a module
# already run is not run again unless its code or its tests changed. Each module's score
# is killed / (killed + survived + no tests), timeouts counted as killed; `mutmut results`
# lists the survivors and `mutmut show NAME` shows one.
#
# Runs at nice 10: the machine it was written on is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
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
    meta = Path("mutants/ragft_lint/core") / f"{module}.py.meta"
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

if [[ $# -gt 0 ]]; then
    modules=("$@")
else
    modules=()
    for path in ragft_lint/core/*.py; do
        name="$(basename "$path" .py)"
        [[ "$name" == _* ]] || modules+=("$name")
    done
fi

for module in "${modules[@]}"; do
    echo "== ragft_lint/core/$module.py" >&2
    # Mutant names are module.function__mutmut_N: one module's mutants at a time.
    nice -n 10 "$mutmut" run "ragft_lint.core.$module.*" || true
done
report "${modules[@]}"
