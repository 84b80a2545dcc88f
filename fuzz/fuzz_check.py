#!/usr/bin/env python3
"""Coverage-guided fuzzing of the whole `check` path of one file, with atheris.

    pip install atheris                      # Linux, CPython <= 3.12 wheels
    python fuzz/fuzz_check.py -runs=100000   # any libFuzzer flags; -max_total_time=SECONDS
    python fuzz/fuzz_check.py corpus/        # grow a corpus folder

Each input is written to a file named llm-project.yaml and checked by the same engine the
CLI uses (read, decode, parse, schema, policies, waivers) and reported in both formats. The
contract: a `FileResult` every time; any exception is a bug and stops the run with the input
that caused it. tests/test_fuzz.py runs a short bounded session when atheris is installed.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from ragft_lint.core.engine import Engine
    from ragft_lint.core.manifest import Limits
    from ragft_lint.core.policy import PolicyPack, load_builtin_policies
    from ragft_lint.core.result import FileResult, Summary
    from ragft_lint.reporters import ReportContext, reporter_class

ENGINE = Engine(PolicyPack(load_builtin_policies()), limits=Limits(max_bytes=64 << 10))
FOLDER = tempfile.mkdtemp(prefix="ragft-fuzz-")
PATH = os.path.join(FOLDER, "llm-project.yaml")


def test_one_input(data: bytes) -> None:
    with open(PATH, "wb") as handle:
        handle.write(data)
    result = ENGINE.check(PATH)
    assert isinstance(result, FileResult)
    assert all(f.file == PATH and f.line >= 1 and f.column >= 1 for f in result.findings)
    summary = Summary()
    summary.add(result)
    for name in ("text", "json"):
        reporter = reporter_class(name)(io.StringIO(), ReportContext(show_fixes=True))
        reporter.start()
        reporter.file(result)
        reporter.finish(summary)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
