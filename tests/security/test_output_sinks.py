"""§2: every output sink neutralises what came from the pull request.

The repository below is what an attacker would commit: folders named like workflow
commands, a name with a newline, a name that is not UTF-8, and a waiver reason carrying a
legacy `##[` command, a mention, a bare URL and terminal escapes. Every format, on stdout,
on stderr and in --output files, must carry them as inert text.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import needs_console_script
from tests.security.attack import make_manifest, ragft, to_yaml

pytestmark = needs_console_script

FORMATS = ["text", "json", "sarif", "github", "junit", "gitlab", "markdown"]
# A message quotes a reason's first 60 characters only (the rest is cut): each attack fits in
# them, the workflow commands and control characters in one, mentions and links in another.
REASON = "##[add-mask]x \x1b[2J\x1b]0;title\x07 ##[stop-commands]tok"
LINKS = "@octocat @acme/admins https://evil.example www.evil.example"
# A workflow command GitHub would act on: `::name ...::` at a line's start (after blanks),
# or the legacy `##[name]` anywhere in a line (actions/runner, ActionCommand.cs).
LEGACY = "##["
ANNOTATION = re.compile(r"::(error|warning|notice) file=[^:]*,line=\d+,col=\d+"
                        r"(,endLine=\d+,endColumn=\d+)?,title=[A-Z0-9]+::"
                        r"|::notice title=[^:]*::")  # the closing count past GitHub's limit


def hostile_repo(root: Path, reason: str = REASON) -> Path:
    (root / ".git").mkdir(parents=True)
    # Fine-tuning on 10 examples fails RFT401; its expired waiver's reason is quoted.
    expired = make_manifest(approach="fine-tune", criteria__labeled_examples=10,
                            waivers=[{"rule": "RFT401", "reason": reason,
                                      "expires": "2020-01-01"}])
    names = [b"::stop-commands::pwned", b"##[error]forged", b"x\n::error::forged",
             b"\r::warning::cr", b"bad-\xff\xfe-name", b"  ::notice::indented"]
    for name in names:
        folder = os.path.join(os.fsencode(root), name)
        os.makedirs(folder)
        with open(os.path.join(folder, b"llm-project.yaml"), "w", encoding="utf-8") as out:
            out.write(to_yaml(expired))
    return root


def forged_lines(text: str) -> list[str]:
    """Lines the runner would read a workflow command from, but for real annotations."""
    lines = re.split(r"\r\n|\r|\n", text)
    return [line for line in lines
            if LEGACY in line or (line.lstrip().startswith("::") and not (
                ANNOTATION.match(line.lstrip()) and line == line.lstrip()))]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_repo(tmp_path_factory.mktemp("sinks") / "repo")


@pytest.mark.parametrize("fmt", [*FORMATS, "actions-default"])
def test_no_line_on_stdout_or_stderr_forges_a_command(repo: Path, fmt: str) -> None:
    args = [] if fmt == "actions-default" else ["--format", fmt]
    run = ragft("check", ".", "--select", "RFT401", *args, cwd=repo,
                env={"GITHUB_ACTIONS": "true"})
    assert run.returncode == 1, run.describe()
    assert "Traceback" not in run.output and "internal error" not in run.output
    assert forged_lines(run.stdout) == [], run.describe()
    assert forged_lines(run.stderr) == [], run.describe()
    assert "\x1b" not in run.output and "\x07" not in run.output
    if fmt in ("github", "actions-default"):
        annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
        assert len(annotations) >= 6, run.describe()  # every manifest is annotated


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_output_file_is_whole_and_inert(repo: Path, fmt: str) -> None:
    target = repo.parent / f"report-{fmt}"
    run = ragft("check", ".", "--select", "RFT401", "--format", "json", "--output",
                f"{fmt}={target}", cwd=repo)
    assert run.returncode == 1, run.describe()
    raw = target.read_bytes()
    text = raw.decode("utf-8")  # always valid UTF-8, whatever the file names
    assert forged_lines(text) == [], text[:3000]
    assert "\x1b" not in text
    if fmt in ("json", "sarif"):
        assert json.loads(text)
    elif fmt == "gitlab":
        assert len(json.loads(text)) == 12  # RFT401 and its expired waiver, 6 manifests
    elif fmt == "junit":
        assert len(ET.fromstring(raw).findall("testsuite")) == 6


def test_markdown_has_no_live_mention_link_or_control(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path / "repo", reason=LINKS)
    run = ragft("check", ".", "--select", "RFT401", "--format", "markdown", cwd=repo)
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(run.stdout)
    # GitHub turns `@name`, `https://...`, `www.` and e-mail addresses live only when they
    # are contiguous in the rendered text: each must be broken there.
    for live in ("@octocat", "@acme/admins", "https://evil.example", "www.evil.example"):
        assert live not in html, live
    assert 'href="https://evil' not in html
    assert "octocat" in html and "evil.example" in html  # still shown, as text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", run.stdout)


def test_github_annotations_escape_control_characters(repo: Path) -> None:
    run = ragft("check", ".", "--select", "RFT401", "--format", "github", cwd=repo)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", run.stdout), run.describe()
    assert "\\x1b[2J" in run.stdout


def test_baseline_of_a_name_that_is_not_utf8_round_trips(repo: Path) -> None:
    baseline = repo.parent / "baseline.json"
    run = ragft("check", ".", "--select", "RFT401", "--write-baseline", baseline, cwd=repo)
    assert run.returncode == 0, run.describe()
    assert json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    run = ragft("check", ".", "--select", "RFT401", "--baseline", baseline, cwd=repo)
    assert run.returncode == 0, run.describe()
    assert "12 baselined" in run.stdout, run.describe()


def test_errors_on_stderr_are_one_inert_line(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    run = ragft("check", "no-such\n::error::forged", "##[stop-commands]x", cwd=tmp_path,
                env={"GITHUB_ACTIONS": "true"})
    assert run.returncode == 2, run.describe()
    assert len(run.stderr.splitlines()) == 1 or run.stderr.startswith("Usage:"), run.describe()
    assert forged_lines(run.stderr) == [], run.describe()
    (tmp_path / ".ragft-lint.toml").write_text('select = ["##[error]x"]\n')
    run = ragft("check", ".", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert run.returncode == 2, run.describe()
    assert forged_lines(run.stderr) == [], run.describe()
