"""The package as a release publishes it: sdist, the wheel built from it, the metadata, the
version every surface shows, and the test extra on every Python the classifiers claim.

The sdist ships no tests (they need the repository: README, examples, action.yml, golden
files), so "complete" means: the wheel built from the unpacked sdist has everything the
program reads at run time, and it runs.
"""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from ragft_lint import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# The Pythons the package claims (classifiers) and the tests below install the extras on.
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
# Setuptools' own complaints; "byte-compiling is disabled" only echoes PYTHONDONTWRITEBYTECODE.
SETUPTOOLS_WARNING = re.compile(r"(?im)^.*(?:warning|deprecat).*$")
BENIGN = re.compile(r"byte-compiling is disabled|Location '.*' is ignored")


def _source_copy(tmp_path: Path) -> Path:
    """The repository's files as a clone has them, so the build never writes into ROOT."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
        ".hypothesis", ".coverage*"))
    return source


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """`python -m build`: the sdist, then the wheel built from the unpacked sdist."""
    tmp_path = tmp_path_factory.mktemp("dist")
    out = tmp_path / "dist"
    run = subprocess.run([sys.executable, "-m", "build", "-o", str(out), str(_source_copy(
        tmp_path))], capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    [sdist] = out.glob("ragft_lint-*.tar.gz")
    [wheel] = out.glob("ragft_lint-*.whl")
    return sdist, wheel, run.stdout + run.stderr


@pytest.mark.slow
def test_build_gives_no_setuptools_warning(distributions: tuple[Path, Path, str]) -> None:
    warnings = [line for line in SETUPTOOLS_WARNING.findall(distributions[2])
                if not BENIGN.search(line)]
    assert warnings == []


@pytest.mark.slow
def test_sdist_carries_licence_and_changelog_and_no_tests(
        distributions: tuple[Path, Path, str]) -> None:
    sdist = distributions[0]
    assert sdist.name == f"ragft_lint-{__version__}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "MANIFEST.in",
            "policies/scoring/weights.yaml", "schemas/llm-project.schema.json"} <= names
    assert not [name for name in names if name.startswith("tests")]


@pytest.mark.slow
def test_wheel_ships_licence_data_and_metadata(distributions: tuple[Path, Path, str]) -> None:
    wheel = zipfile.ZipFile(distributions[1])
    names = set(wheel.namelist())
    expected = {f"ragft_lint/schemas/{p.name}" for p in (ROOT / "schemas").glob("*.json")}
    expected |= {f"ragft_lint/policies/{p.name}" for p in (ROOT / "policies").glob("*.yaml")}
    expected |= {f"ragft_lint/policies/scoring/{p.name}"
                 for p in (ROOT / "policies" / "scoring").glob("*.yaml")}
    expected.add(f"ragft_lint-{__version__}.dist-info/licenses/LICENSE")
    assert expected <= names
    assert not [name for name in names if name.startswith("tests/")]
    dist_info = f"ragft_lint-{__version__}.dist-info"
    assert "ragft-lint = ragft_lint.cli:main" in wheel.read(
        f"{dist_info}/entry_points.txt").decode()
    metadata = email.message_from_bytes(wheel.read(f"{dist_info}/METADATA"))
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier")
    assert {c.rsplit(" :: ", 1)[1] for c in classifiers
            if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)} == set(SUPPORTED)
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://github.com/ragft-lint/ragft-lint") for u in urls.values())
    assert "policy-as-code" in metadata["Keywords"]
    assert metadata.get_payload().startswith("# ragft-lint")  # the README is the description


@pytest.mark.slow
def test_the_wheel_runs_without_the_repository(distributions: tuple[Path, Path, str],
                                               tmp_path: Path) -> None:
    """Installed from the wheel alone (dependencies from this environment), every command
    finds its data: the schema, the policies and recommend's weights."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), str(distributions[1])], check=True, capture_output=True,
                   timeout=300)
    shutil.copytree(ROOT / "examples", tmp_path / "work" / "examples")
    environ = {**os.environ, "PYTHONPATH": str(site)}
    # Not measured: coverage would record a copy of the package that is gone after the test.
    environ.pop("COVERAGE_PROCESS_CONFIG", None)

    def ragft_lint(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ragft_lint", *argv], cwd=tmp_path / "work",
                              env=environ, capture_output=True, text=True, timeout=120,
                              check=False)

    where = subprocess.run([sys.executable, "-c", "import ragft_lint; print(ragft_lint.__file__)"],
                           cwd=tmp_path, env=environ, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    assert ragft_lint("--version").stdout.strip() == f"ragft-lint, version {__version__}"
    check = ragft_lint("check", "examples/")
    assert check.returncode == 1 and "RFT" in check.stdout, check.stderr
    recommend = ragft_lint("recommend", "examples/rag/pass/llm-project.yaml")
    assert recommend.returncode == 0, recommend.stderr
    schema = ragft_lint("schema")
    assert schema.returncode == 0 and json.loads(schema.stdout)["$schema"]


# --- the version and the tags the README pins -------------------------------------------------

def test_the_version_has_one_source() -> None:
    from importlib.metadata import version

    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "ragft_lint.__version__"}
    assert version("ragft-lint") == __version__


def test_readme_pins_the_tag_of_this_version_and_the_changelog_names_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tag = f"v{__version__}"
    precommit = re.search(r"- repo: (\S+)\n\s+rev: (\S+)", readme)
    assert precommit and precommit.groups() == ("https://github.com/ragft-lint/ragft-lint", tag)
    uses = re.findall(r"uses: ragft-lint/ragft-lint@(\S+)", readme)
    assert uses and set(uses) == {tag}
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", changelog, flags=re.M)
    assert f"[{__version__}]: https://github.com/ragft-lint/ragft-lint/releases/tag/{tag}" \
        in changelog
    releasing = (ROOT / "docs" / "RELEASING.md").read_text(encoding="utf-8")
    assert "vX.Y.Z" in releasing and "rev:" in releasing and "uses:" in releasing


def test_readme_links_work_on_a_package_index() -> None:
    """PyPI renders the README without the repository beside it: every link is absolute,
    and those into this repository name files that exist."""
    from markdown_it import MarkdownIt

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = []
    for token in MarkdownIt("commonmark").parse(readme):
        for child in token.children or ():
            if child.type == "link_open":
                links.append(str(child.attrs["href"]))
            elif child.type == "image":
                links.append(str(child.attrs["src"]))
    assert links
    relative = [link for link in links if not re.match(r"https?://", link)]
    assert relative == []
    prefix = re.compile(r"https://github\.com/ragft-lint/ragft-lint/(?:blob|tree)/main/([^#]+)")
    for link in links:
        match = prefix.match(link)
        if match:
            assert (ROOT / match.group(1)).exists(), link


# --- Python versions --------------------------------------------------------------------------

def test_classifiers_name_the_supported_pythons_and_ci_prints_its_own() -> None:
    claimed = {c.rsplit(" :: ", 1)[1] for c in PYPROJECT["project"]["classifiers"]
               if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)}
    assert claimed == set(SUPPORTED)
    assert PYPROJECT["project"]["requires-python"] == f">={SUPPORTED[0]}"
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in SUPPORTED
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^python3 -c .*sys\.version", ci, flags=re.M)


def _interpreter(version: str) -> str | None:
    """A `python<version>` on this machine: this one, on PATH, or under pyenv."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(map(str, pyenv_root.glob(f"versions/{version}.*/bin/python{version}")))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True,
                                        check=False).returncode == 0:
            return candidate
    return None


@pytest.mark.slow
@pytest.mark.parametrize("version", SUPPORTED)
def test_the_test_extra_installs(version: str, tmp_path: Path) -> None:
    """pip resolves the runtime dependencies and the test extra on each supported Python
    (a dry run: nothing installed) to wheels only, atheris included exactly where its
    marker asks for it, so no install has to compile anything."""
    python = _interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    requirements = [*PYPROJECT["project"]["dependencies"],
                    *PYPROJECT["project"]["optional-dependencies"]["test"]]
    report = tmp_path / "report.json"
    # The interpreter's own pip, run for the new venv's Python (--python needs pip 22.3).
    run = subprocess.run([python, "-m", "pip", "--python", str(venv / "bin" / "python"),
                          "install", "--dry-run", "--quiet", "--ignore-installed",
                          "--only-binary=:all:", "--report", str(report), *requirements],
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    resolved = {item["metadata"]["name"].lower(): item
                for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
    assert {"pytest", "build", "jsonschema", "ruamel.yaml"} <= set(resolved)
    assert all(item["download_info"]["url"].endswith(".whl") for item in resolved.values())
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import platform, sys; print(sys.platform, platform.machine(), "
                            "platform.python_implementation())"],
                           capture_output=True, text=True, check=True)
    wants_atheris = probe.stdout.split() == ["linux", "x86_64", "CPython"]
    assert ("atheris" in resolved) == wants_atheris
