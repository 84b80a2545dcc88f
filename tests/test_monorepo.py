"""Each service of a monorepo gets its own verdict, from its own configuration, wherever the
run starts: the installed console script from several folders, and real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import console_script
from tests.monorepo import (
    PACK_RULES,
    ROOT_EXIT_CODE,
    SERVICE_BY_NAME,
    SERVICES,
    Service,
    build_monorepo,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_monorepo(tmp_path_factory.mktemp("monorepo"))


def ragft(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([console_script(), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def rules_by_file(proc: subprocess.CompletedProcess[str], base: Path) -> dict[str, list[str]]:
    """{manifest relative to `base`: [rule, ...]} from a `--format json` run."""
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    out: dict[str, list[str]] = {}
    for finding in json.loads(proc.stdout)["findings"]:
        relative = os.path.relpath(base / finding["file"], base).replace(os.sep, "/")
        out.setdefault(relative, []).append(finding["rule"])
    return out


def test_checked_from_the_root_each_service_has_its_own_verdict(monorepo: Path) -> None:
    proc = ragft(monorepo, "check", "--format", "json")
    assert proc.returncode == ROOT_EXIT_CODE, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["files_checked"] == 2  # legacy is excluded by the team's config
    found = rules_by_file(proc, monorepo)
    expected = {s.manifest: list(s.rules) for s in SERVICES if s.rules and not s.excluded}
    assert found == expected


def test_text_summary_counts_only_what_fails_under_each_configuration(monorepo: Path) -> None:
    proc = ragft(monorepo, "check")
    assert proc.returncode == 1
    assert "services/search/llm-project.yaml:6:5: warning RFT102" in proc.stdout
    assert "RFT502" not in proc.stdout  # billing ignores it
    assert proc.stdout.strip().splitlines()[-1].startswith(
        "Found 1 warning in 2 files checked. 1 at or above --fail-on=warning")


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
@pytest.mark.parametrize("start", [".", "services", "service"])
def test_a_service_named_alone_gets_the_same_verdict_from_any_folder(
        monorepo: Path, service: Service, start: str) -> None:
    manifest = monorepo / service.manifest
    cwd = manifest.parent if start == "service" else monorepo / start
    proc = ragft(cwd, "check", "--format", "json", os.path.relpath(manifest, cwd))
    assert proc.returncode == (1 if service.fails else 0), proc.stdout + proc.stderr
    assert [f["rule"] for f in json.loads(proc.stdout)["findings"]] == list(service.rules)


def test_force_exclude_skips_an_excluded_service_named_explicitly(monorepo: Path) -> None:
    legacy, search = SERVICE_BY_NAME["legacy"], SERVICE_BY_NAME["search"]
    proc = ragft(monorepo, "check", "--force-exclude", "--format", "json",
                 legacy.manifest, search.manifest)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert rules_by_file(proc, monorepo) == {search.manifest: list(search.rules)}
    # From inside the excluded folder, the team's glob (relative to its file) still applies.
    inside = ragft(monorepo / "services" / "legacy", "check", "--force-exclude",
                   "llm-project.yaml")
    assert inside.returncode == 0, inside.stdout + inside.stderr
    assert "nothing to check: every file named is excluded" in inside.stderr


def test_show_config_for_a_service_says_which_files_and_where_each_value_came_from(
        monorepo: Path) -> None:
    billing = SERVICE_BY_NAME["billing"]
    proc = ragft(monorepo, "check", "--show-config", billing.manifest)
    assert proc.returncode == 0, proc.stderr
    own, team = monorepo / billing.config, monorepo / ".ragft-lint.toml"
    assert f"# for: {billing.manifest}" in proc.stdout
    assert f"# configuration file: {own}" in proc.stdout
    assert f"# which extends: {team}" in proc.stdout
    assert f'fail-on = "warning"  # {team}' in proc.stdout
    assert f'ignore = ["RFT502"]  # {own}' in proc.stdout
    assert f'exclude = ["services/legacy"]  # {team}' in proc.stdout
    # Billing's own pack counts among the rules run; the core rules are those `rules` lists
    # beside the policies (RFT001-RFT008, no criterion).
    listed = [rule["id"] for rule in json.loads(ragft(monorepo, "rules", "--format",
                                                      "json").stdout)]
    core = [rule for rule in listed if rule.startswith("RFT00")]
    policies = len(listed) - len(core) + len(PACK_RULES)  # RFT502 is ignored
    assert (f"# rules run: {policies - 1} of {policies} policy rules, plus the {len(core)} "
            "core rules") in proc.stdout


def rule_ids(cwd: Path) -> list[str]:
    """The rules `ragft-lint rules` lists in `cwd` (its configuration's)."""
    proc = ragft(cwd, "rules", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return [rule["id"] for rule in json.loads(proc.stdout)]


def test_reports_list_the_rules_of_every_configuration_applied(monorepo: Path) -> None:
    """Billing's pack is loaded by billing's configuration alone; checked from the root
    (whose configuration does not load it), SARIF's driver still describes its rules, once
    each, and billing's JUnit suite has a test case per rule, named as the pack names it."""
    from lxml import etree

    proc = ragft(monorepo, "check", "--output", "sarif=r.sarif", "--output", "junit=r.xml",
                 "--format", "json")
    assert proc.returncode == ROOT_EXIT_CODE, proc.stdout + proc.stderr
    log = json.loads((monorepo / "r.sarif").read_text(encoding="utf-8"))
    driver_rules = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert len(driver_rules) == len(set(driver_rules))
    root_rules = rule_ids(monorepo)
    assert not set(PACK_RULES) & set(root_rules)
    assert set(driver_rules) == set(root_rules) | set(PACK_RULES)
    for result in log["runs"][0]["results"]:
        assert driver_rules[result["ruleIndex"]] == result["ruleId"]
    # The same rules in the same order on every run (the search is sorted).
    again = ragft(monorepo, "check", "--output", "sarif=r2.sarif", "--format", "json")
    log2 = json.loads((monorepo / "r2.sarif").read_text(encoding="utf-8"))
    assert [rule["id"] for rule in log2["runs"][0]["tool"]["driver"]["rules"]] == driver_rules
    assert again.returncode == ROOT_EXIT_CODE
    suites = {suite.get("name"): [case.get("name") for case in suite.findall("testcase")]
              for suite in etree.parse(str(monorepo / "r.xml")).getroot()}
    billing, search = SERVICE_BY_NAME["billing"], SERVICE_BY_NAME["search"]
    assert "ACME001 customer-facing-needs-interpretability" in suites[billing.manifest]
    assert not any(name.startswith(PACK_RULES) for name in suites[search.manifest])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_gives_each_service_its_verdict_in_one_summary(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    repo = build_monorepo(tmp_path_factory.mktemp("monorepo-git"), git=True)
    env = {**os.environ, "PRE_COMMIT_COLOR": "never",
           "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "ragft-lint", "--all-files"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "services/search/llm-project.yaml:6:5: warning RFT102" in out
    assert "help: " in out  # the hook's fix hints
    assert "services/billing" not in out and "services/legacy" not in out
    # require_serial: every manifest in one process, so one summary for the commit.
    summaries = [line for line in out.splitlines() if line.startswith(("Found ", "All checks"))]
    assert summaries == [summaries[0]] and summaries[0].startswith(
        "Found 1 warning in 2 files checked.")
