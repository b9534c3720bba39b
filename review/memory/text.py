"""Text matching rules of the memory: one normal form for exact matches, words for fuzzy ones,
and a search pattern that finds a term whatever quotes, dashes and spaces the text uses."""
from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
DOUBLE_QUOTES = "„“”‟«»″"
SINGLE_QUOTES = "‚‘’‛‹›′"
DASHES = "‐‑‒–—―"

_TABLE = str.maketrans({**dict.fromkeys(ZERO_WIDTH, None), **dict.fromkeys(DOUBLE_QUOTES, '"'),
                        **dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DASHES, "-")})
# str.translate walks every character in Python-level dict lookups; most text has none of
# these characters, and one regex search says so much faster.
_SPECIAL = re.compile(f"[{ZERO_WIDTH}{DOUBLE_QUOTES}{SINGLE_QUOTES}{DASHES}]")
WORD = re.compile(r"\w+")
WORD_OR_BREAK = re.compile(r"\w+|\n")


def normalize(text: str) -> str:
    """The form exact matches compare: NFC, zero-width characters removed, typographic quotes
    and dashes made plain, every whitespace run (no-break spaces too) one space, stripped.

    Case is kept: "die Bank" and "Die Bank" are different sources.
    """
    if _SPECIAL.search(text):
        text = text.translate(_TABLE)
    # str.split() splits on every Unicode space (U+00A0, U+202F, U+3000...), not only ASCII.
    return " ".join(unicodedata.normalize("NFC", text).split())


def collapse_spaces(text: str) -> str:
    """Whitespace runs as one space, stripped; everything else kept as written."""
    return " ".join(text.split())


def words(text: str) -> set[str]:
    """Lower-cased words of a normalized text, for finding fuzzy-match candidates."""
    return set(WORD.findall(text.lower()))


def search_pattern(term: str) -> re.Pattern | None:
    """A case-insensitive pattern for ``term`` that also matches its typographic variants.

    The term is normalized; then a plain quote matches any double (or single) quote, a hyphen
    any dash, and a space any run of whitespace, so a phrase typed on a plain keyboard finds
    „Bundestag“ and a no-break space alike. None for an empty term.
    """
    term = normalize(term)
    if not term:
        return None
    parts = []
    for char in term:
        if char == '"':
            parts.append(f'["{DOUBLE_QUOTES}]')
        elif char == "'":
            parts.append(f"['{SINGLE_QUOTES}]")
        elif char == "-":
            parts.append(f"[-{DASHES}]")
        elif char == " ":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE)


def spans(pattern: re.Pattern, text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets of every match of ``pattern`` in ``text``."""
    return tuple(match.span() for match in pattern.finditer(text))
