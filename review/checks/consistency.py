"""Consistency with the translation memory: one German, one English, across the whole store.

Two flags, both against what reviewers approved elsewhere (other segments of any article, and
imported TMX files), never against the segment's own approval:

``inconsistent_translation``
    this German (after ``review.memory.normalize``) was approved elsewhere with other English;
``inconsistent_source``
    this English was approved elsewhere for other German (a pasted or reused translation).

The memory is a ``review.memory.Memory``, whose indexes answer both questions.
"""
from __future__ import annotations

import re

from review.article import Flag

CODES = ("inconsistent_translation", "inconsistent_source")
MAX_FLAGS = 3  # per code: the newest distinct other versions
MIN_WORDS = 3  # shorter English ("Thank you.") is legitimately shared by different German
QUOTE_CHARS = 80  # longer English or German is shortened in the flag's detail



def origin_of(article_id: str, index: int) -> str:
    """The memory origin of a stored segment: "article:<id>#<index>"."""
    return f"article:{article_id}#{index}"


def where(origin: str) -> str:
    """An origin in words: "article ID §3" or "TMX file NAME"."""
    kind, _, rest = str(origin).partition(":")
    if kind == "article" and "#" in rest:
        article_id, _, index = rest.rpartition("#")
        return f"article {article_id} §{index}"
    if kind == "tmx":
        return f"TMX file {rest}"
    return str(origin)


def consistency_flags(source: str, english: str, memory,
                      exclude_origin: str | None = None) -> list[Flag]:
    """Flags for a German/English pair that disagrees with approvals elsewhere in ``memory``.

    ``exclude_origin`` is the pair's own origin ("article:<id>#<index>"), so a segment's own
    approval never counts against it. No memory, or an empty side, gives no flags.
    """
    from review.memory import normalize

    if memory is None or not source.strip() or not english.strip():
        return []
    key_de, key_en = normalize(source), normalize(english)
    flags: list[Flag] = []
    seen: set[str] = set()
    for unit in memory.exact(source, exclude_origin=exclude_origin):
        other = normalize(unit.target)
        if not other or other == key_en or other in seen:
            continue
        seen.add(other)
        if len(seen) > MAX_FLAGS:
            break
        flags.append(Flag("inconsistent_translation",
                          f"approved elsewhere as {_quote(unit.target)} ({where(unit.origin)})"))
    if len(key_en.split()) >= MIN_WORDS:
        seen = set()
        for unit in memory.exact_target(english, exclude_origin=exclude_origin):
            other = normalize(unit.source)
            if not other or other == key_de or other in seen:
                continue
            seen.add(other)
            if len(seen) > MAX_FLAGS:
                break
            flags.append(Flag("inconsistent_source",
                              f"the same English was approved for {_quote(unit.source)} "
                              f"({where(unit.origin)})"))
    return flags


def _quote(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS - 1].rstrip() + "…"
    return f"\"{text}\""
