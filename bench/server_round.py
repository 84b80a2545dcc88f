#!/usr/bin/env python3
"""Time one diagnostic round of `ragft-lint server`, as it runs on every keystroke.

    pip install -e '.[server]'
    python bench/server_round.py            # prints median, p95 and max, in ms
    python bench/server_round.py --rounds 5000

A round is what the server does for a didChange: find the session that applies (a stat()
of each candidate configuration file, nothing re-read), check the buffer's text with the
engine and turn the findings into LSP diagnostics with ranges in the client's units. The
manifests are the shipped examples (one clean, one with findings, one with a schema error),
each edited a little every round, as typing does. The first round, which reads the
configuration and policies, is reported apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MANIFESTS = {
    "clean": ROOT / "examples" / "rag" / "pass" / "llm-project.yaml",
    "findings": ROOT / "examples" / "rag" / "fail" / "llm-project.yaml",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()

    from pygls.workspace import PositionCodec

    from ragft_lint.editor.language import Lines
    from ragft_lint.editor.server import to_diagnostic
    from ragft_lint.editor.sessions import SessionCache

    texts = {name: path.read_text(encoding="utf-8") for name, path in MANIFESTS.items()}
    texts["schema error"] = texts["clean"].replace("approach: rag", "approach: finetune")
    codec = PositionCodec()
    with tempfile.TemporaryDirectory() as folder:
        cache = SessionCache()
        path = str(Path(folder) / "llm-project.yaml")

        def round_trip(text: str) -> int:
            session = cache.session_for(folder)
            result = session.engine.check_text(path, text)
            lines = Lines(text)
            return len([to_diagnostic(f, lines, codec) for f in result.findings])

        start = time.perf_counter()
        round_trip(texts["clean"])
        first = (time.perf_counter() - start) * 1000
        print(f"first round (reads configuration and policies): {first:.2f} ms")
        for name, text in texts.items():
            times = []
            for number in range(args.rounds):
                edited = text + f"# typing {number}\n"
                start = time.perf_counter()
                count = round_trip(edited)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95)]
            print(f"{name:>12}: {count} diagnostics; median {statistics.median(times):.3f} ms, "
                  f"p95 {p95:.3f} ms, max {times[-1]:.3f} ms over {args.rounds} rounds")
        assert cache.builds == 1, "configuration was read again although nothing changed"
    return 0


if __name__ == "__main__":
    sys.exit(main())
