"""Every printed line is inert to the CI system reading it: no forged workflow commands.

GitHub Actions parses every line a step prints, on stdout and stderr, for workflow commands
(actions/runner, `ActionCommand.cs`): a line whose first non-blank characters are `::`
(`::error ...::`, `::stop-commands::TOKEN`, `::add-mask::`), and, in the legacy form, `##[`
*anywhere* in a line (`##[stop-commands]TOKEN`). Text from a pull request (a folder named
`::stop-commands::x`, a waiver reason holding `##[error]`) must never form one, or it could
forge annotations or switch every later one off.

So every stream a reporter writes to, and stderr, goes through `CommandGuard`: it holds a
line until it is complete, then writes it with `##[` broken and a leading `::` broken, each
by writing one character the way the format escapes it (`&#35;` in XML, `\\u0023` in JSON,
`\\#` in Markdown, `\\x23` in text), so the report means exactly what it meant and no CI
reads a command in it. The `github` reporter alone writes real commands; its untrusted
parts are escaped as properties and data instead (reporters/github.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, TextIO, cast

_LEGACY = "##["
# The runner reads lines as .NET's ReadLine does: CR, LF and CRLF all end one; then it
# trims leading white space before looking for `::`.
_LEADING_COMMAND = re.compile(r"(\A|[\r\n])([^\S\r\n]*):(?=:)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

Escape = Callable[[str], str]


def text_escape(char: str) -> str:
    """`#` -> `\\x23`: how the text format shows a character it must not print as it is."""
    return f"\\x{ord(char):02x}"


def json_escape(char: str) -> str:
    return f"\\u{ord(char):04x}"


def xml_escape(char: str) -> str:
    return f"&#{ord(char)};"


def markdown_escape(char: str) -> str:
    return "\\" + char


def neutralize(text: str, escape: Escape = text_escape) -> str:
    """`text` (whole lines) with no workflow command in it: `##[` and a line-leading `::`
    broken by escaping one character with `escape`."""
    if _LEGACY in text:
        text = text.replace(_LEGACY, "#" + escape("#") + "[")
    if "::" in text:
        text = _LEADING_COMMAND.sub(lambda m: m.group(1) + m.group(2) + escape(":"), text)
    return text


def one_line(text: str) -> str:
    """A message for stderr: one line, control characters and bytes that are not UTF-8
    shown as escapes, inert."""
    text = _CONTROL.sub(lambda m: text_escape(m.group()), text.replace("\r\n", "\n"))
    return neutralize(show_undecodable(text.replace("\n", "\\n")))


# Python holds each byte of a file name that is not UTF-8 as a lone surrogate, U+DC80 to
# U+DCFF (PEP 383). Printed through a stream that passes them back (a C or C.UTF-8 locale,
# as on CI runners) the raw byte reaches the log, which reads it as U+FFFD.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def show_undecodable(text: str) -> str:
    """`text` with each byte that was not UTF-8 (a lone surrogate) shown as `\\xNN`, so a
    human-readable report is valid UTF-8 and names the byte. Machine formats keep the
    surrogate as a JSON escape instead, which reads back as the same file name."""
    if not _UNDECODABLE.search(text):
        return text
    return _UNDECODABLE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


class CommandGuard:
    """A text stream that writes whole lines to `stream`, each `neutralize`d, with every
    byte of a file name that is not UTF-8 shown as `\\xNN` (`show_undecodable`)."""

    def __init__(self, stream: TextIO, escape: Escape = text_escape):
        self._stream = stream
        self._escape = escape
        self._pending = ""

    def write(self, text: str) -> int:
        data = self._pending + text
        end = data.rfind("\n") + 1
        self._pending = data[end:]
        if end:
            self._stream.write(neutralize(show_undecodable(data[:end]), self._escape))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(neutralize(show_undecodable(self._pending), self._escape))
            self._pending = ""
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # fileno, isatty, encoding, close...
        return getattr(self._stream, name)


#: How each format writes a character that must not appear as it is. `github` is absent:
#: it writes real workflow commands, its untrusted parts escaped as properties and data.
ESCAPE_BY_FORMAT: dict[str, Escape] = {
    "text": text_escape, "json": json_escape, "sarif": json_escape, "gitlab": json_escape,
    "junit": xml_escape, "markdown": markdown_escape,
}


def guarded(stream: TextIO, fmt: str) -> TextIO:
    """`stream` for a reporter of format `fmt`: behind a CommandGuard unless `fmt` writes
    workflow commands itself."""
    escape = ESCAPE_BY_FORMAT.get(fmt)
    if escape is None:
        return stream
    return cast(TextIO, CommandGuard(stream, escape))


class CommandsStopped:
    """A text stream for text that must reach `stream` exactly as it is (a manifest's diff,
    which `git apply` reads, so no character of it may be escaped): inside GitHub Actions
    (`GITHUB_ACTIONS=true`) it is wrapped in `::stop-commands::TOKEN` and `::TOKEN::`, with
    a random token the text cannot know, so the runner reads no workflow command in it
    whatever it holds (a context line ` ::error::x`). Elsewhere it writes straight through.
    The markers are written only around text that was written; `close` writes the last.
    """

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._token: str | None = None
        self._stop = os.environ.get("GITHUB_ACTIONS") == "true"
        self._line_open = False

    def write(self, text: str) -> int:
        if self._stop and self._token is None and text:
            import secrets

            self._token = secrets.token_hex(16)
            self._stream.write(f"::stop-commands::{self._token}\n")
        if text:
            self._line_open = not text.endswith("\n")
        return self._stream.write(text)

    def close(self) -> None:
        """Resume command processing (a run's own annotations may follow)."""
        if self._token is not None:
            # The marker must be a line of its own to be read.
            self._stream.write(("\n" if self._line_open else "") + f"::{self._token}::\n")
            self._token = None
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding...
        return getattr(self._stream, name)
