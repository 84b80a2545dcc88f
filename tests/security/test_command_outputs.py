"""§2 for every command, not only `check`'s reports: `--show-config`, `explain`, `rules`,
`recommend`, `migrate`, `check --diff` and the language server's log print paths, values
and policy text from the pull request. Run under `GITHUB_ACTIONS=true`, no line they print
may forge a workflow command, carry a raw newline from a path or value, or hold a raw byte
of a file name that is not UTF-8, except inside a diff, which is written exactly (`git
apply` reads it) and fenced off from command parsing with a random `stop-commands` token.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

import pytest

from ragft_lint.editor.server import InertFormatter
from tests.conftest import needs_console_script
from tests.security.attack import Run, make_manifest, ragft, to_yaml
from tests.security.test_output_sinks import forged_lines

pytestmark = needs_console_script

ACTIONS = {"GITHUB_ACTIONS": "true"}
NAMES = [b"x\n::error::forged", b"  ::notice::indented", b"bad-\xff-name", b"##[error]legacy"]
# A project name GitHub would read as two commands if printed raw: written as a block
# scalar, its lines are also lines of the manifest, so they reach every diff of it.
PROJECT = "::error::project\n::warning::second"
EXAMPLE_PACK = Path(__file__).resolve().parents[2] / "examples" / "policies"
FENCE = re.compile(r"^::stop-commands::([0-9a-f]{32})$\n(.*?)^::\1::$\n", re.M | re.S)


def manifest_text(fixable: bool = False) -> str:
    """A schema_version 1 manifest (what migrate changes) naming PROJECT; `fixable`: its
    interpretability is `High`, which `check --diff` shows fixed to `high`."""
    data = make_manifest(project="PROJECT",
                         criteria__interpretability="High" if fixable else "high")
    if fixable:  # the project block right after the fixed line: in the diff's context
        data["project"] = data.pop("project")
    block = "project: |-\n" + "".join(f"  {line}\n" for line in PROJECT.splitlines())
    return to_yaml(data).replace("project: PROJECT\n", block)


def write_hostile_tree(root: Path) -> None:
    """Each hostile folder name holds a valid manifest, and a fixable one below it."""
    (root / ".git").mkdir(parents=True)
    for name in NAMES:
        folder = os.path.join(os.fsencode(root), name)
        os.makedirs(os.path.join(folder, b"fix"))
        for where, fixable in ((folder, False), (os.path.join(folder, b"fix"), True)):
            with open(os.path.join(where, b"llm-project.yaml"), "w", encoding="utf-8") as out:
                out.write(manifest_text(fixable))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("commands") / "repo"
    write_hostile_tree(root)
    # A team policy whose prose (shown by explain and rules) holds commands of its own.
    pack = root / "team"
    shutil.copytree(EXAMPLE_PACK, pack)
    [policy] = pack.glob("*.yaml")
    text = re.sub(r"^title: .*$", 'title: "##[error]forged title"',
                  policy.read_text(encoding="utf-8"), count=1, flags=re.M)
    policy.write_text(text.replace(
        "rationale: >-\n", "rationale: |-\n  ::error::rationale\n  ##[group]x\n", 1),
        encoding="utf-8")
    (root / ".ragft-lint.toml").write_text('policy-paths = ["team"]\n')
    return root


def unfenced(text: str) -> str:
    """`text` without its stop-commands fences (each must be closed by its own token)."""
    return FENCE.sub("", text)


def assert_inert(run: Run) -> None:
    assert "Traceback" not in run.output and "internal error" not in run.output, run.describe()
    for stream in (run.stdout, run.stderr):
        outside = unfenced(stream)
        assert "stop-commands" not in outside, run.describe()  # every fence is closed
        assert forged_lines(outside) == [], run.describe()


def folders(repo: Path) -> list[str]:
    return [os.fsdecode(name) for name in NAMES]


@pytest.mark.parametrize("command", [
    ("check", "{dir}", "--show-config"),
    ("explain", "ACME001", "{dir}"),
    ("rules",),
    ("rules", "--format", "markdown"),
    ("recommend", "{dir}/llm-project.yaml"),
    ("recommend", "{dir}/llm-project.yaml", "--format", "markdown"),
    ("recommend", "{dir}/llm-project.yaml", "--format", "json"),
    ("check", "{dir}", "--diff"),
    ("check", "{dir}", "--fix", "--diff"),
    ("migrate", "--diff", "{dir}"),
    ("test-policies", "team"),
])
def test_every_command_prints_inert_lines(repo: Path, command: tuple[str, ...]) -> None:
    for folder in folders(repo):
        run = ragft(*(part.replace("{dir}", folder) for part in command), cwd=repo,
                    env=ACTIONS)
        assert run.returncode in (0, 1), run.describe()
        assert_inert(run)
        if "--diff" not in command:  # a diff is exact: it may name the file's own bytes
            assert run.strict_utf8, run.describe()
            assert "x\n::error::forged" not in run.output, run.describe()


def test_diffs_are_exact_and_fenced(repo: Path) -> None:
    for command in (("check", "--diff", "."), ("migrate", "--diff", ".")):
        run = ragft(*command, cwd=repo, env=ACTIONS)
        assert run.returncode == 1, run.describe()
        fences = FENCE.findall(run.stdout)
        assert len(fences) == 1, run.describe()  # one fence around all the diffs
        _token, body = fences[0]
        assert "\n   ::error::project\n   ::warning::second\n" in body, body
        assert unfenced(run.stdout).strip() == "", run.describe()
        # Outside GitHub Actions nothing is added: the diff alone, for `git apply`.
        plain = ragft(*command, cwd=repo)
        assert plain.stdout == body and "stop-commands" not in plain.stdout, plain.describe()


def test_migrate_names_hostile_paths_on_one_line_each(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_hostile_tree(root)
    run = ragft("migrate", ".", cwd=root, env=ACTIONS)
    assert run.returncode == 0, run.describe()
    assert_inert(run)
    assert run.strict_utf8, run.describe()
    assert len(run.stdout.splitlines()) == 2 * len(NAMES) + 1, run.describe()
    assert "migrated x\\n::error::forged/llm-project.yaml" in run.stdout
    assert "migrated bad-\\xff-name/llm-project.yaml" in run.stdout


def test_recommend_quotes_the_project_name_as_a_value(repo: Path) -> None:
    run = ragft("recommend", f"{folders(repo)[0]}/llm-project.yaml", cwd=repo)
    assert r"(project ::error::project\n::warning::second)" in run.stdout, run.describe()
    run = ragft("recommend", f"{folders(repo)[0]}/llm-project.yaml", "--format", "markdown",
                cwd=repo)
    assert run.stdout.startswith(r"### ragft-lint recommendation for `::error::project\n"
                                 r"::warning::second`: "), run.describe()


@pytest.mark.parametrize("fmt", ["text", "github", "markdown", "junit", "json", "sarif",
                                 "gitlab"])
def test_a_name_that_is_not_utf8_is_escaped_in_every_format(repo: Path, fmt: str) -> None:
    report = repo.parent / f"out-{fmt}"
    run = ragft("check", "bad-\udcff-name", "--format", fmt, "--output", f"{fmt}={report}",
                cwd=repo)
    assert run.returncode == 1, run.describe()
    assert run.strict_utf8, run.describe()
    data = report.read_bytes()
    data.decode("utf-8")  # strict
    # Readable formats show the byte; JSON formats carry it as an escape that reads back as
    # the same name.
    shown = "\\\\udcff" if fmt in ("json", "sarif", "gitlab") else "\\\\xff"
    assert re.search(shown, run.stdout) and re.search(shown.encode(), data), run.describe()


def test_the_language_servers_log_lines_are_inert() -> None:
    record = logging.LogRecord("ragft_lint", logging.ERROR, __file__, 1,
                               "ragft-lint: internal error on %s:\n%s", (
                                   "file:///x/%0A::error::uri", "line\n::warning::tb ##[x]"),
                               None)
    text = InertFormatter("%(message)s").format(record)
    assert forged_lines(text) == [] and "\\x3a:warning::tb" in text
    bad = logging.LogRecord("ragft_lint", logging.ERROR, __file__, 1, "%s",
                            ("bad-\udcff",), None)
    assert InertFormatter("%(message)s").format(bad) == "bad-\\xff"
