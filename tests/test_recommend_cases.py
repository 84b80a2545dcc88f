"""The case library: `recommend` on each published use case (tests/cases/*.yaml), compared
with the conclusion its source states.

Nothing here is a hard-coded result. The README's case-library report (agreement n of N, a
row per case, each disagreement with its reason) is rendered from what `recommend` says now,
and a test fails when the README's copy differs. After changing weights, policies or cases:

    python -m tests.test_recommend_cases --write

rewrites the section between the README's case-library markers.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import assert_valid_recommendation, check_json, run_cli, to_yaml

# Not measured by coverage (the `untraced` marker, tests/conftest.py): recommend checks
# every completion of a case's unknown needs (over 12,000 checks for the anthropic case
# alone), which the tracer makes about five times slower, for lines the rest of the suite
# already covers. What these tests check is agreement, not reach.
pytestmark = pytest.mark.untraced

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
START, END = "<!-- case-library:start -->\n", "<!-- case-library:end -->\n"
REGENERATE = "python -m tests.test_recommend_cases --write"


@dataclass(frozen=True)
class CaseResult:
    """One case: what its source concluded and what `recommend` says."""

    name: str
    source: str
    conclusion: str
    manifest: dict[str, Any]
    report: dict[str, Any]

    @property
    def recommended(self) -> str | None:
        return self.report["recommended"]

    @property
    def agrees(self) -> bool:
        return self.recommended == self.conclusion

    def reason(self) -> str:
        """Why `recommend` does not give the source's conclusion, from its own report."""
        report, conclusion, recommended = self.report, self.conclusion, self.recommended
        if recommended is None:
            return ("no approach passes check for the needs as encoded: "
                    + "; ".join(f"{a} fails on {', '.join(keys)}"
                                for a, keys in report["blocking_criteria"].items()))
        if report["approaches"][conclusion]["fit"] == "unfit":
            line = next((e for e in report["explanation"]
                         if e.startswith((f"{conclusion} is unfit: ",
                                          f"{conclusion} fails on the needs alone: "))), None)
            if line is not None:
                return f"check refuses {line.split(': ', 1)[0].split()[0]}: " \
                       f"{line.split(': ', 1)[1].rstrip('.')}"
        unknown = report["unknown"]
        if unknown and conclusion in {o["recommended"] for o in unknown["outcomes"]}:
            share = sum(o["recommended"] == conclusion for o in unknown["outcomes"])
            why = (f"{recommended} has no error whatever they are"
                   if unknown["robust"] == recommended else
                   f"{recommended} is the choice while they are unknown")
            tried = (f"{len(unknown['outcomes'])} combinations of their values"
                     if unknown["exhaustive"] else
                     f"{len(unknown['outcomes'])} values tried one unknown at a time")
            return (f"the source leaves {_and(unknown['criteria'])} unknown; {conclusion} is "
                    f"the recommendation for {share} of the {tried}, and {why}")
        if unknown and report["approaches"][conclusion]["fit"] == "unfit":
            return (f"{conclusion} has an error for every completion of the unknown needs "
                    f"({unknown['dependence']})")
        penalties = report["penalties"]
        heavier = []
        for row in report["criteria"]:
            points = row["penalty"][conclusion] - row["penalty"][recommended]
            if points > 0:
                heavier.append(f"{row['key']} ({row['shown']}, +{points})")
        return (f"the weighted evidence is against {conclusion}: {penalties[conclusion]} "
                f"points against {recommended}'s {penalties[recommended]}; it weighs more "
                f"on " + (", ".join(heavier) or "its build cost"))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@cache
def results() -> tuple[CaseResult, ...]:
    """`recommend --format json` on every case's manifest, as a user would run it."""
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for path in CASES:
            case = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
            target = Path(folder) / f"{path.stem}.yaml"
            target.write_text(to_yaml(case["manifest"]), encoding="utf-8")
            result = run_cli("recommend", str(target), "--format", "json")
            assert result.exit_code == 0, (path.name, result.output)
            found.append(CaseResult(path.stem, case["source"], case["conclusion"],
                                    case["manifest"], json.loads(result.stdout)))
    return tuple(found)


def render(found: tuple[CaseResult, ...]) -> str:
    """The README's case-library report."""
    agreed = sum(r.agrees for r in found)
    lines = [f"`recommend` gives the approach the source concluded in **{agreed} of "
             f"{len(found)}** published cases (computed by `tests/test_recommend_cases.py`, "
             "which fails when this report is out of date).", "",
             "| Case | Source | Source's conclusion | `recommend` | Agrees |",
             "|---|---|---|---|---|"]
    for r in found:
        lines.append(f"| `{r.name}` | `{r.source}` | {r.conclusion} | "
                     f"{r.recommended or 'none'} | {'yes' if r.agrees else 'no'} |")
    disagreements = [r for r in found if not r.agrees]
    if disagreements:
        lines += ["", "Disagreements, each with the reason `recommend` gives:", ""]
        for r in disagreements:
            lines.append(f"- `{r.name}` ({r.source} concluded {r.conclusion}; recommend: "
                         f"{r.recommended or 'none'}): {r.reason()}.")
    return "\n".join(lines) + "\n"


def readme_section(text: str) -> str | None:
    match = re.search(re.escape(START) + r"(.*?)" + re.escape(END), text, re.S)
    return match.group(1) if match else None


@pytest.mark.parametrize("index", range(len(CASES)), ids=[p.stem for p in CASES])
def test_recommend_on_each_case_is_compared_with_its_conclusion(index: int,
                                                                write_manifest) -> None:
    found = results()[index]
    # Every case is a v2 manifest (unknown needs, prompting), and its report is the JSON the
    # recommendation schema promises.
    assert found.manifest["schema_version"] == 2
    assert_valid_recommendation(found.report)
    # The comparison the README reports for this case is the one recommend makes now.
    row = (f"| `{found.name}` | `{found.source}` | {found.conclusion} | "
           f"{found.recommended or 'none'} | {'yes' if found.agrees else 'no'} |")
    section = readme_section(README.read_text(encoding="utf-8")) or ""
    assert row in section.splitlines(), f"README is stale: run `{REGENERATE}`"
    if not found.agrees:
        assert f"- `{found.name}` (" in section
        assert found.reason()
    # Whatever it says, the recommendation passes check when written into the manifest.
    if found.recommended is not None:
        manifest = {**found.manifest, "approach": found.recommended}
        code, checked = check_json(write_manifest(manifest))
        assert code in (0, 1)
        assert [f["rule"] for f in checked["findings"] if f["severity"] == "error"] == []


def test_readme_case_library_report_is_up_to_date() -> None:
    section = readme_section(README.read_text(encoding="utf-8"))
    assert section is not None, "README.md has no case-library markers"
    assert section == render(results()), f"README's case-library report is stale: {REGENERATE}"


def test_the_report_counts_what_it_lists() -> None:
    found = results()
    text = render(found)
    agreed = sum(r.agrees for r in found)
    assert f"**{agreed} of {len(CASES)}**" in text
    assert text.count("| yes |") == agreed
    assert text.count("| no |") == len(CASES) - agreed == text.count("\n- `")


def main(argv: list[str]) -> int:
    """`--write` rewrites the README's report; without it, print the report."""
    report = render(results())
    if "--write" not in argv:
        sys.stdout.write(report)
        return 0
    text = README.read_text(encoding="utf-8")
    if readme_section(text) is None:
        sys.stderr.write("README.md has no case-library markers\n")
        return 2
    start = text.index(START) + len(START)
    README.write_text(text[:start] + report + text[text.index(END):], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
