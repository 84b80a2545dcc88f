"""A monorepo fixture: three services, two configurations, one expected verdict each.

    repo/
      .ragft-lint.toml                 team defaults: fail-on = "warning",
                                       exclude = ["services/legacy"]
      services/search/llm-project.yaml     rag without external data: RFT102 (warning),
                                           which fails under the team's fail-on = "warning"
      services/billing/pyproject.toml      [tool.ragft-lint] extend = "../../.ragft-lint.toml",
                                           ignore = ["RFT502"], policy-paths = ["policies"]
      services/billing/policies/ACME001-*.yaml   billing's own pack: the worked team policy
                                           of examples/policies, which billing passes
      services/billing/llm-project.yaml    fine-tune on monthly data: RFT502 (warning),
                                           ignored by billing's own configuration: clean
      services/legacy/llm-project.yaml     fine-tune on daily data: RFT501 (error), but the
                                           team excludes the folder: never checked from a
                                           folder search, nor with --force-exclude

Checked from the root, the run fails (search) and reports exactly `SERVICES[i].rules` for each
service; a tool that read only the root's configuration would fail billing too (RFT502 at
fail-on = "warning"), and one that read none would pass search and check legacy. Billing's
pack adds `PACK_RULES` to the run: reports that list the rules (SARIF's driver, JUnit's test
cases) must list them, though the root's configuration never loads them.

Used by tests/test_monorepo.py (the CLI from several folders, and real pre-commit) and meant
for any other entry point that must give each service its own verdict (the GitHub Action).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

EXAMPLE_PACK = Path(__file__).resolve().parent.parent / "examples" / "policies"
# The rules of billing's own pack (policy-paths), which only billing's configuration loads.
PACK_RULES = ("ACME001",)

ROOT_CONFIG = """\
# Team defaults for every service.
fail-on = "warning"
exclude = ["services/legacy"]
"""

BILLING_PYPROJECT = """\
[project]
name = "billing"
version = "1.0"

[tool.ragft-lint]
extend = "../../.ragft-lint.toml"
# Billing retrains monthly by design; the warning is accepted for the whole service.
ignore = ["RFT502"]
# The company's policies, which billing is held to (customer-facing projects explain).
policy-paths = ["policies"]
"""

SEARCH = """\
schema_version: 1
project: search
approach: rag
criteria:
  external_data:
    required: false
  behavior_adaptation: low
  hallucination_tolerance: low
  labeled_examples: 0
  data_dynamics: daily
  interpretability: high
"""


def _fine_tune(project: str, data_dynamics: str) -> str:
    """A fine-tune manifest whose data changes `data_dynamics`: the one need billing and
    legacy differ in, and the one their verdicts turn on."""
    return f"""\
schema_version: 1
project: {project}
approach: fine-tune
criteria:
  external_data:
    required: false
  behavior_adaptation: high
  hallucination_tolerance: medium
  labeled_examples: 5000
  data_dynamics: {data_dynamics}
  interpretability: low
"""


BILLING = _fine_tune("billing", "monthly")
LEGACY = _fine_tune("legacy", "daily")


@dataclass(frozen=True)
class Service:
    """One service of the fixture and the verdict it must get, wherever the run starts."""

    name: str
    manifest: str  # relative to the repository root, `/`-separated
    config: str  # the configuration file that applies, relative to the root
    rules: tuple[str, ...]  # the rules reported for it when it is checked
    fails: bool  # exit 1 when it is checked alone
    excluded: bool  # skipped by a folder search and by --force-exclude


SERVICES = (
    Service("search", "services/search/llm-project.yaml", ".ragft-lint.toml",
            ("RFT102",), fails=True, excluded=False),
    Service("billing", "services/billing/llm-project.yaml", "services/billing/pyproject.toml",
            (), fails=False, excluded=False),
    Service("legacy", "services/legacy/llm-project.yaml", ".ragft-lint.toml",
            ("RFT501",), fails=True, excluded=True),
)
SERVICE_BY_NAME = {service.name: service for service in SERVICES}
# Checked from the root (`ragft-lint check`): search fails, so the run does.
ROOT_EXIT_CODE = 1

_FILES = {
    ".ragft-lint.toml": ROOT_CONFIG,
    "services/billing/pyproject.toml": BILLING_PYPROJECT,
    "services/search/llm-project.yaml": SEARCH,
    "services/billing/llm-project.yaml": BILLING,
    "services/legacy/llm-project.yaml": LEGACY,
}


def build_monorepo(root: Path, *, git: bool = False) -> Path:
    """Write the fixture into `root` (created if needed); with `git`, a git repository with
    every file added (what pre-commit needs). Returns `root`."""
    for name, text in _FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pack = root / "services" / "billing" / "policies"
    pack.mkdir(exist_ok=True)
    for policy in EXAMPLE_PACK.glob("*.yaml"):
        (pack / policy.name).write_bytes(policy.read_bytes())
    if git:
        run_git(root, "init", "-q")
        run_git(root, "add", "-A")
    return root


def run_git(repo: Path, *args: str) -> None:
    """git in `repo`, with an identity of its own (CI machines have none configured)."""
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                   capture_output=True)
