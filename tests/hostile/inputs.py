"""Hostile inputs for `ragft-lint check`, generated at test time (nothing big is committed).

    python tests/hostile/inputs.py OUT_DIR     # write every case under OUT_DIR, list them

Each `Case` names the command-line arguments to pass after `check` and what must happen:
exit 1 with a finding of one of `rules` that names `names_file`, or exit 2 (`exit_2`).
`tests/hostile/test_hostile.py` runs each through the installed console script and also
requires: under 2 seconds, under 200 MB of memory, no traceback, nothing executed.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "llm-project.yaml"
MARKER = "PWNED-marker"  # a payload that ran would create this file in the case's folder

VALID = """\
schema_version: 1
project: hostile-suite
approach: rag
criteria:
  external_data:
    required: true
    sources:
      - name: docs
        kind: document-store
  behavior_adaptation: low
  hallucination_tolerance: none
  labeled_examples: 800
  data_dynamics: daily
  interpretability: high
"""


@dataclass
class Case:
    name: str
    args: list[str]
    rules: frozenset[str] = frozenset()  # exit 1 with one of these rules (empty: exit 2)
    names_file: str | None = None  # the path the finding must name (default: args[0])
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def exit_2(self) -> bool:
        return not self.rules


RFT001, RFT002, RFT003 = "RFT001", "RFT002", "RFT003"


def _write(folder: Path, data: bytes | str, name: str = MANIFEST) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def alias_bomb(levels: int, width: int, *, inside_manifest: bool = False) -> str:
    """The "billion laughs": each level is `width` aliases of the one before."""
    lines = ["l0: &l0 [lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    if inside_manifest:  # a valid manifest whose free-form metadata holds the bomb
        body = "\n".join("  " + line for line in lines)
        return VALID + "metadata:\n" + body + "\n"
    return "\n".join(lines) + "\n"


def build(root: Path) -> list[Case]:
    """Write every hostile input under `root`; return the cases."""
    cases: list[Case] = []

    def case(name: str, data: bytes | str, rules: set[str], **extra: object) -> None:
        path = _write(root / name, data)
        cases.append(Case(name, [path], frozenset(rules), extra=dict(extra)))

    # Alias bombs of several sizes: refused by the node budget (100,000 after expansion) or,
    # when small enough to be allowed, reported as not being a manifest.
    case("alias-bomb-small", alias_bomb(3, 10), {RFT003})
    case("alias-bomb-at-limit", alias_bomb(5, 10), {RFT002})
    case("alias-bomb-billion", alias_bomb(9, 10), {RFT002})
    case("alias-bomb-wide", alias_bomb(2, 1000), {RFT002})
    case("alias-bomb-in-metadata", alias_bomb(9, 10, inside_manifest=True), {RFT002})
    case("alias-bomb-mapping",
         "a: &a {x: 1, y: 2}\n" + "".join(
             f"b{i}: &b{i} {{" + ", ".join(f"k{j}: *{'a' if i == 0 else f'b{i - 1}'}"
                                           for j in range(10)) + "}\n" for i in range(8)),
         {RFT002})
    # 10,000-deep nesting, in each collection style.
    depth = 10_000
    case("deep-flow-seq", "[" * depth + "]" * depth + "\n", {RFT002})
    case("deep-flow-map", "{a: " * depth + "b" + "}" * depth + "\n", {RFT002})
    case("deep-block-seq", "- " * depth + "x\n", {RFT002})
    case("deep-unclosed", "[" * depth + "\n", {RFT002})
    case("deep-block-map",
         "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v: 1\n", {RFT002})
    # Big files: refused by size before they are read; with the limit raised, still bounded.
    big = root / "file-50mb"
    big.mkdir()
    with open(big / MANIFEST, "wb") as handle:
        line = b"key_%09d: a value that repeats to fill fifty megabytes of manifest\n"
        chunk = b"".join(line % i for i in range(10_000))
        for _ in range((50 << 20) // len(chunk) + 1):
            handle.write(chunk)
    cases.append(Case("file-50mb", [str(big / MANIFEST)], frozenset({RFT001})))
    cases.append(Case("file-50mb-limit-raised",
                      ["--max-size", str(60 << 20), str(big / MANIFEST)],
                      frozenset({RFT002}), names_file=str(big / MANIFEST)))
    line5 = "project: " + "x" * (5 << 20) + "\n"
    case("line-5mb", line5, {RFT001})
    cases.append(Case("line-5mb-limit-raised", ["--max-size", str(6 << 20),
                                                _write(root / "line-5mb-raised", line5)],
                      frozenset({RFT003}), names_file=str(root / "line-5mb-raised" / MANIFEST)))
    case("key-5mb", "x" * (5 << 20) + ": 1\n", {RFT001})
    cases.append(Case("key-5mb-limit-raised", ["--max-size", str(6 << 20), _write(
        root / "key-5mb-raised", "x" * (5 << 20) + ": 1\n")], frozenset({RFT002}),
        names_file=str(root / "key-5mb-raised" / MANIFEST)))
    case("many-small-nodes", "[" + "1," * 200_000 + "1]\n", {RFT002})
    # Encodings and bytes.
    case("latin-1", VALID.replace("hostile-suite", "caf\xe9").encode("latin-1"), {RFT001})
    case("utf-16-bom", VALID.encode("utf-16"), {RFT001})
    case("utf-16-le-no-bom", VALID.encode("utf-16-le"), {RFT001})
    case("utf-32-bom", VALID.encode("utf-32"), {RFT001})
    case("nul-bytes", VALID.encode() + b"\x00\x00evil: 1\n", {RFT001})
    case("binary-png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, {RFT001})
    case("binary-random", bytes((i * 7919) % 251 + 1 for i in range(65536)), {RFT001})
    case("utf-8-bom", "\ufeff" + VALID.replace("approach: rag", "approach: RAG"), {RFT003})
    case("control-chars", "project: \x1b[2Jcleared\n", {RFT002})
    case("lone-surrogate-escape", 'project: "\\ud800"\n', {RFT002, RFT003})
    case("crlf-invalid", VALID.replace("\n", "\r\n").replace("approach: rag", "approach: 7"),
         {RFT003})
    case("empty", "", {RFT002})
    case("only-comments", "# nothing here\n", {RFT002})
    case("two-documents", VALID + "---\n" + VALID, {RFT002})
    # Tags: nothing is ever constructed, so nothing can run.
    marker = root / "python-tag" / MARKER
    payload = f'!!python/object/apply:os.system ["touch {marker}"]'
    case("python-tag", f"project: {payload}\n", {RFT002}, marker=str(marker))
    marker_root = root / "python-tag-root" / MARKER
    case("python-tag-root", f'!!python/object/apply:os.system ["touch {marker_root}"]\n',
         {RFT002}, marker=str(marker_root))
    marker_new = root / "python-tag-new" / MARKER
    case("python-tag-new",
         "!!python/object/new:subprocess.Popen\nargs: [[touch, " + str(marker_new) + "]]\n",
         {RFT002}, marker=str(marker_new))
    case("python-name-tag", "project: !!python/name:os.system\n", {RFT002})
    case("unknown-local-tag", VALID.replace("approach: rag", "approach: !shell rag"), {RFT002})
    case("unknown-global-tag", "project: !<tag:evil.example,2024:x> y\n", {RFT002})
    case("binary-tag", "project: !!binary aGVsbG8=\n", {RFT002})
    case("set-tag", "!!set {a, b}\n", {RFT002})
    case("timestamp-tag", "project: !!timestamp 2024-01-01\n", {RFT002})
    case("bad-int-tag", "project: !!int twelve\n", {RFT002})
    # Numbers.
    case("huge-int", "labeled_examples: " + "9" * 100_000 + "\n", {RFT002})
    case("huge-hex", "labeled_examples: 0x" + "f" * 100_000 + "\n", {RFT002})
    case("huge-int-in-manifest",
         VALID.replace("labeled_examples: 800", "labeled_examples: " + "9" * 5000), {RFT002})
    case("huge-float", VALID.replace("labeled_examples: 800", "labeled_examples: 1e999"),
         {RFT003})
    case("nan", VALID.replace("labeled_examples: 800", "labeled_examples: .nan"), {RFT003})
    # Keys that are not strings.
    for name, text in (("int-key", "1: one\n"), ("null-key", "~: x\n"),
                       ("bool-key", "true: x\n"), ("float-key", "1.5: x\n"),
                       ("seq-key", "[a, b]: c\n"), ("map-key", "{a: b}: c\n"),
                       ("complex-key", "? [a, b]\n: c\n"), ("alias-key", "a: &k [x]\n*k : y\n"),
                       ("duplicate-key", VALID + "approach: hybrid\n"),
                       ("merge-key", "base: &b {x: 1}\nother:\n  <<: *b\n")):
        case(name, text, {RFT002} if name != "merge-key" else {RFT003})
    case("undefined-alias", "project: *nowhere\n", {RFT002})
    case("recursive-alias", "a: &a [*a]\n", {RFT002})
    # Files that are not regular files: refused before they are opened.
    fifo_dir = root / "fifo"
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / MANIFEST)
    cases.append(Case("fifo", [str(fifo_dir / MANIFEST)], frozenset({RFT001})))
    cases.append(Case("fifo-discovered", [str(fifo_dir)], frozenset({RFT001}),
                      names_file=_display(fifo_dir / MANIFEST)))
    sock_dir = root / "socket"
    sock_dir.mkdir()
    sock_path = sock_dir / MANIFEST
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_path))
    server.close()  # the socket file stays
    cases.append(Case("socket", [str(sock_path)], frozenset({RFT001})))
    cases.append(Case("socket-discovered", [str(sock_dir)], frozenset({RFT001}),
                      names_file=_display(sock_path)))
    cases.append(Case("char-device", ["/dev/zero"], frozenset({RFT001})))
    cases.append(Case("char-device-null", ["/dev/null"], frozenset({RFT001})))
    if os.path.exists("/proc/self/status"):  # a "regular" file that reports size 0
        cases.append(Case("proc-file", ["/proc/self/status"], frozenset({RFT002, RFT003})))
    dir_named = root / "dir-named-manifest"
    (dir_named / MANIFEST).mkdir(parents=True)
    cases.append(Case("directory-named-manifest", [str(dir_named)], frozenset({RFT001}),
                      names_file=_display(dir_named / MANIFEST)))
    # Symbolic links.
    links = root / "links"
    links.mkdir()
    (links / "dangling").mkdir()
    os.symlink("does-not-exist.yaml", links / "dangling" / MANIFEST)
    cases.append(Case("dangling-symlink", [str(links / "dangling" / MANIFEST)],
                      frozenset({RFT001})))
    cases.append(Case("dangling-symlink-discovered", [str(links / "dangling")],
                      frozenset({RFT001}), names_file=_display(links / "dangling" / MANIFEST)))
    (links / "loop").mkdir()
    os.symlink(MANIFEST, links / "loop" / MANIFEST)
    cases.append(Case("symlink-self-loop", [str(links / "loop" / MANIFEST)], frozenset({RFT001})))
    (links / "loop2").mkdir()
    os.symlink("b.yaml", links / "loop2" / MANIFEST)
    os.symlink(MANIFEST, links / "loop2" / "b.yaml")
    cases.append(Case("symlink-loop-discovered", [str(links / "loop2")], frozenset({RFT001}),
                      names_file=_display(links / "loop2" / MANIFEST)))
    # A folder whose sub-folder links back to it: discovery must not walk in circles.
    circle = root / "dir-loop"
    _write(circle / "svc", VALID.replace("approach: rag", "approach: bogus"))
    os.symlink("..", circle / "svc" / "back")
    os.symlink(str(circle), circle / "svc" / "absolute-back")
    cases.append(Case("dir-symlink-loop", [str(circle)], frozenset({RFT003}),
                      names_file=_display(circle / "svc" / MANIFEST)))
    # Names with spaces, non-ASCII characters and bytes that are not UTF-8.
    spaced = _write(root / "with space" / "ünïcødé ☃" / "-dash",
                    VALID.replace("approach: rag", "approach: bogus"))
    cases.append(Case("path-spaces-unicode", ["--", spaced], frozenset({RFT003}),
                      names_file=spaced))
    cases.append(Case("path-spaces-unicode-discovered", [str(root / "with space")],
                      frozenset({RFT003}), names_file=_display(Path(spaced))))
    weird = os.fsencode(root) + b"/bad-\xff\xfe-name"
    os.makedirs(weird)
    with open(weird + b"/" + MANIFEST.encode(), "wb") as handle:
        handle.write(VALID.replace("approach: rag", "approach: bogus").encode())
    weird_path = os.fsdecode(weird + b"/" + MANIFEST.encode())
    cases.append(Case("path-not-utf8", [os.fsdecode(weird)], frozenset({RFT003}),
                      names_file=weird_path))
    escapes = VALID + ('waivers:\n  - {rule: RFT102, reason: "ok\\e[2J\\e]0;pwned\\a\\n'
                       'x.yaml:1:1: error RFT000 forged", expires: 2020-01-01}\n')
    case("terminal-escapes", escapes, {RFT002, "RFT005", "RFT006"})
    escaped_dir = _write(root / "esc\x1b[2J\x1b]0;t\x07dir", "approach: [")
    cases.append(Case("path-terminal-escapes", [escaped_dir], frozenset({RFT002}),
                      names_file=escaped_dir))
    newline = _write(root / "new\nline", "approach: [")
    cases.append(Case("path-newline", [newline], frozenset({RFT002}), names_file=newline))
    # Usage errors end in exit 2 with a message, not a traceback.
    cases.append(Case("missing-path", [str(root / "no-such-folder")]))
    cases.append(Case("bad-max-size", ["--max-size", "-5", str(root)]))
    return cases


def _display(path: Path) -> str:
    return os.path.normpath(str(path)).replace(os.sep, "/")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/hostile/inputs.py OUT_DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    root.mkdir(parents=True, exist_ok=True)
    for item in build(root):
        expected = "exit 2" if item.exit_2 else "exit 1, " + "/".join(sorted(item.rules))
        print(f"{item.name:32} {expected:22} check {' '.join(item.args)[:80]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


__all__ = ["MARKER", "Case", "build"]
