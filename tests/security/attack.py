"""Run the installed console script the way CI runs it on a pull request, against a
repository an attacker wrote: real subprocesses, real files, real symbolic links."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import installed_script, make_manifest, to_yaml

SCRIPT = installed_script()

#: What a clean manifest looks like (no findings with the built-in pack).
CLEAN = to_yaml(make_manifest())


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    raw: bytes = b""  # stdout and stderr as written, for tests of their bytes

    @property
    def strict_utf8(self) -> bool:
        """Whether all that was written is valid UTF-8 (no raw byte of a file name)."""
        try:
            self.raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return f"exit {self.returncode}\nstdout: {self.stdout[:3000]}\nstderr: {self.stderr[:3000]}"


def ragft(*args: str | os.PathLike[str], cwd: Path, env: Mapping[str, str] | None = None,
          timeout: float = 60) -> Run:
    """`ragft-lint ARGS` in `cwd`; output decoded leniently (a test inspects raw bytes)."""
    assert SCRIPT is not None
    environ = {k: v for k, v in os.environ.items()
               if k not in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "CI_PROJECT_DIR",
                            "RAGFT_LINT_DEBUG")}
    environ.update(env or {})
    proc = subprocess.run([SCRIPT, *map(os.fsdecode, args)], cwd=cwd, env=environ,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                          check=False)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "backslashreplace"),
               proc.stderr.decode("utf-8", "backslashreplace"), proc.stdout + proc.stderr)


def repository(root: Path) -> Path:
    """A git checkout (a folder holding `.git`) with one clean manifest in svc/."""
    (root / ".git").mkdir(parents=True)
    (root / "svc").mkdir()
    (root / "svc" / "llm-project.yaml").write_text(CLEAN, encoding="utf-8")
    return root


def assert_one_line_error(run: Run) -> None:
    """Exit 2, one `ragft-lint: error:` line on stderr, never a traceback or internal error."""
    assert run.returncode == 2, run.describe()
    assert "Traceback" not in run.output, run.describe()
    assert "internal error" not in run.output, run.describe()
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(("ragft-lint: error:", "Error:")), \
        run.describe()
