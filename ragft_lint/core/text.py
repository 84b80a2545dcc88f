"""How values and suggestions appear in messages: one wording everywhere.

Every message that quotes something from a user's file (a key, a value, a rule id) goes
through `show_value`, so a 1 MiB string or a line of terminal escape codes in a manifest
becomes a short, escaped excerpt rather than a wall of text or a repainted terminal; and
every "did you mean" hint comes from `did_you_mean`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

#: The most characters of a value a message shows; longer ones are cut, visibly.
MAX_SHOWN = 60
_SHOWN_INT_BOUND = 10**MAX_SHOWN
_DIGITS_PER_BIT = 0.30103  # log10(2)
_NOT_FINITE = {float("inf"): ".inf", float("-inf"): "-.inf"}  # YAML's words


def show_value(value: Any, *, quote: bool = True) -> str:
    """`value` as a message shows it: YAML's words for null, booleans, infinities and NaN,
    strings quoted and escaped (`quote=False`: bare, for a template that supplies its own
    quotes), collections by kind; anything longer than MAX_SHOWN characters cut visibly:
    `'aaaa…' (cut, 300 characters)`."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        if quote:
            return _excerpt(value, repr)
        # Bare text is still escaped: control characters never reach a terminal as they are.
        return _excerpt(value, lambda s: s if s.isprintable() else repr(s)[1:-1])
    if isinstance(value, int):
        if abs(value) < _SHOWN_INT_BOUND:
            return str(value)
        # str() of a huge int is slow and, past 4,300 digits, refused by Python itself.
        return f"an integer of about {int(value.bit_length() * _DIGITS_PER_BIT) + 1:,} digits"
    if isinstance(value, float) and value - value != 0:  # inf, -inf and nan (inf - inf is nan)
        return _NOT_FINITE.get(value, ".nan")  # nan is equal to no key, itself included
    return _excerpt(repr(value), str)


def _excerpt(text: str, render: Any) -> str:
    shown: str = render(text)
    if len(shown) <= MAX_SHOWN + 2:  # +2: the quotes
        return shown
    # Cut the text, not its rendering, so an escape sequence is never split in half.
    # Halving ends: an escape is at most 10 characters, so 6 characters always fit.
    keep = MAX_SHOWN
    while len(shown := render(text[:keep])) > MAX_SHOWN + 2:
        keep //= 2
    if shown[-1:] in ("'", '"') and shown[:1] == shown[-1:]:
        shown = f"{shown[:-1]}…{shown[-1]}"
    else:
        shown += "…"
    return f"{shown} (cut, {len(text):,} characters)"


def did_you_mean(word: str, options: Iterable[str], *, quote: bool = True) -> str:
    """` (did you mean 'x'?)` for the option closest to `word`, or "" when none is close.

    `quote=False` for identifiers shown bare everywhere else (rule ids such as RFT401).
    """
    return suggest(close_matches(word, options), quote=quote)


def close_matches(word: str, options: Iterable[str], *, n: int = 1,
                  cutoff: float = 0.6) -> list[str]:
    """The `n` options closest to `word` (difflib's ratio at least `cutoff`), best first."""
    import difflib  # only on the error path: it costs import time every run otherwise

    return difflib.get_close_matches(word, list(options), n=n, cutoff=cutoff)


def suggest(names: Sequence[str], *, quote: bool = True) -> str:
    """` (did you mean a, b or c?)`, or "" for no names."""
    if not names:
        return ""
    shown = [show_value(name, quote=quote) for name in names]
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
    return f" (did you mean {listed}?)"
