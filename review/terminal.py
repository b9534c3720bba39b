"""Text from articles, memories and names made safe to print on a terminal.

Article text, translation-memory units and reviewer names are data from outside: an escape
sequence in them (ESC, CSI, OSC, or any other control character) would reach the terminal
through `add`, `status` or `memory lookup` and could retitle the window, rewrite lines or worse.
``printable`` shows every such character as a visible escape instead.
"""
from __future__ import annotations

import unicodedata

# Line breaks are data too on a one-line listing: shown as \n, like any other control.
_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def printable(text: str | None) -> str:
    """``text`` with control, format, surrogate and private-use characters shown as
    ``\\xNN``/``\\uNNNN`` escapes: nothing in it can act on a terminal."""
    return "".join(_escaped(char) if unicodedata.category(char) in _CATEGORIES else char
                   for char in (text or ""))


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF \
        else f"\\U{code:08x}"
