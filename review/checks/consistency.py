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
from review.checks.base import Check, Code

CODES = ("inconsistent_translation", "inconsistent_source")
MAX_FLAGS = 3  # per code: the newest distinct other versions
MIN_WORDS = 3  # shorter English ("Thank you.") is legitimately shared by different German
QUOTE_CHARS = 80  # longer English or German is shortened in the flag's detail


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
    flags = _disagreements(memory.exact(source, exclude_origin=exclude_origin),
                           lambda unit: unit.target, normalize(english),
                           "inconsistent_translation", "approved elsewhere as")
    if len(normalize(english).split()) >= MIN_WORDS:
        flags += _disagreements(memory.exact_target(english, exclude_origin=exclude_origin),
                                lambda unit: unit.source, normalize(source),
                                "inconsistent_source", "the same English was approved for")
    return flags


def _disagreements(units, other_side, mine: str, code: str, wording: str) -> list[Flag]:
    """One flag per distinct other text (at most MAX_FLAGS), newest first."""
    from review.memory import normalize

    flags, seen = [], set()
    for unit in units:
        other = normalize(other_side(unit))
        if not other or other == mine or other in seen:
            continue
        seen.add(other)
        if len(seen) > MAX_FLAGS:
            break
        flags.append(Flag(code, f"{wording} {_quote(other_side(unit))} ({where(unit.origin)})"))
    return flags


def _quote(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS - 1].rstrip() + "…"
    return f"\"{text}\""


CHECKS = (
    Check(consistency_flags, (
        Code("inconsistent_translation", 0.5,
             "This German was approved elsewhere with other English",
             "Translation memory: a reviewer approved the same German (in another segment, "
             "article or an imported TMX file) with different English; use the same wording, "
             "or make sure the difference is meant."),
        Code("inconsistent_source", 0.3, "This English was approved elsewhere for other German",
             "Translation memory: the same English was approved for a different German "
             "sentence, so one of the two may be a pasted or reused translation that does not "
             "fit its German.")),
          reads=("source", "target", "memory", "origin"), needs=("german", "memory"), rank=140),
)
