"""Repetitions: an approved segment's English offered to the same German pending elsewhere.

Offers are machine output (engine "memory", origin "article:<id>#<index>"): the segments
stay pending for a reviewer to confirm, and an undone or rejected approval takes its offers
back (``withdraw_repetition``).
"""
from __future__ import annotations

import json
import re
from typing import Callable, Iterable

from models.base import Translator
from review.article import Article, MachineOutput, Segment
from review.pipeline import MEMORY_MODEL, memory_output, store_memory
from review.recheck import recheck_segment
from review.store import ArticleStore


class _NothingToOffer(Exception):
    """Raised inside store.update to leave an article unwritten."""


def offer_repetition(store: ArticleStore, article_id: str, index: int, glossary=None,
                     memory=None, translator: Translator | None = None,
                     seg: Segment | None = None) -> tuple[int, int]:
    """Offer an approved segment's English to the same German pending in other articles.

    Every other article's pending, non-boilerplate segment whose German equals this one's
    (after ``review.memory.normalize``) gets the approved English as machine output (engine
    "memory", origin "article:<id>#<index>") unless its machine output already is that text,
    and is re-checked. Decisions stay as they are: the segments stay pending, for a reviewer
    to confirm; decided segments and the source article are not touched. Each article is
    changed in one locked write that re-reads it, so a decision made meanwhile is respected.

    ``glossary`` None means the store's glossary.csv; ``memory`` None the store's memory; a
    ``translator`` scores the offered English (its agreement); ``seg``: the segment as just
    read by the caller (a long article is not read twice).
    Returns (segments offered, articles changed); (0, 0) when the segment is not approved.
    """
    from review.memory import normalize
    from review.memory.units import origin_of

    seg = seg if seg is not None else store.get(article_id).segment(index)
    english = seg.approved
    if (seg.kind == "boilerplate" or not english
            or not english.strip() or not seg.source.strip()):
        return 0, 0
    key = normalize(seg.source)
    output = MachineOutput(english, MEMORY_MODEL, None, "memory", origin_of(article_id, index))

    def offerable(other: Segment) -> bool:
        return (other.kind != "boilerplate" and other.decision.status == "pending"
                and not (other.machine and other.machine.text == english)
                and normalize(other.source) == key)

    def offer(article: Article, target: Segment, terms, tm) -> None:
        target.machine = output
        recheck_segment(article, target, terms, tm, translator)

    return _change_pending(store, repetition_candidates(store, seg.source, skip=article_id),
                           offerable, offer, glossary, memory)


def withdraw_repetition(store: ArticleStore, article_id: str, index: int, glossary=None,
                        memory=None, translator: Translator | None = None) -> tuple[int, int]:
    """Take back the offers a segment made that are still pending in other articles.

    For when its approval is undone or rejected: a segment still holding that English as a
    memory match (origin "article:<id>#<index>") gets the newest other exact match from the
    translation memory if there is one, else loses its machine output (and its checks), so
    it shows as untranslated and the next translation run fills it. Returns (segments,
    articles changed).
    """
    from review.memory.units import origin_of

    origin = origin_of(article_id, index)
    needle = json.dumps(origin, ensure_ascii=False)[1:-1].encode("utf-8")
    ids = []
    for other_id in store.ids():
        try:
            if other_id != article_id and needle in store.path(other_id).read_bytes():
                ids.append(other_id)
        except OSError:
            continue

    def withdrawable(other: Segment) -> bool:
        return (other.decision.status == "pending" and other.machine is not None
                and other.machine.engine == "memory" and other.machine.origin == origin)

    def withdraw(article: Article, target: Segment, terms, tm) -> None:
        units = tm.exact(target.source, exclude_origin=origin_of(article.id, target.index))
        units = [u for u in units if u.origin != origin and u.target.strip()]
        if units:
            target.machine = memory_output(units[0])
            recheck_segment(article, target, terms, tm, translator)
        else:
            target.machine, target.flags, target.risk = None, [], None
            target.similarity = target.similarity_of = None
            target.agreement = target.agreement_of = None

    return _change_pending(store, ids, withdrawable, withdraw, glossary, memory)


def _change_pending(store: ArticleStore, ids: Iterable[str], wanted: Callable[[Segment], bool],
                    change: Callable, glossary, memory) -> tuple[int, int]:
    """``change(article, segment, glossary, memory)`` every ``wanted`` segment of the articles
    ``ids``, one locked write per article that has one; returns (segments, articles)."""
    from review.checks import load_glossary
    from review.errors import ReviewError

    changed = touched = 0
    for other_id in ids:
        try:
            if not any(wanted(s) for s in store.view(other_id).segments):
                continue
        except ReviewError:
            continue  # unreadable or gone: nothing to change there
        if glossary is None:
            glossary = load_glossary(store.glossary_path)
        if memory is None:
            memory = store_memory(store)
        count = 0

        def put(article: Article, terms=glossary, tm=memory) -> None:
            nonlocal count
            count = 0
            for target in article.segments:
                if target.kind != "boilerplate" and wanted(target):
                    change(article, target, terms, tm)
                    count += 1
            if not count:
                raise _NothingToOffer

        try:
            store.update(other_id, put)
        except _NothingToOffer:
            continue  # decided meanwhile
        except ReviewError:
            continue  # gone or unreadable since
        changed += count
        touched += 1
    return changed, touched


def repetition_candidates(store: ArticleStore, source: str, skip: str | None = None) -> list[str]:
    """Ids of the articles whose file may hold ``source`` (after normalisation), but ``skip``.

    Files are read as bytes and only those containing one of the source's two longest words
    (as JSON writes them; words normalisation leaves alone) are candidates: a variant that
    differs in spaces, quotes or dashes still contains them, and only one with invisible
    characters inside both words is missed. A source without such a word makes every article
    a candidate.
    """
    needles = [json.dumps(word, ensure_ascii=False)[1:-1].encode("utf-8")
               for word in _longest_words(source)]
    ids = []
    for other_id in store.ids():
        if other_id == skip:
            continue
        if needles:
            try:
                data = store.path(other_id).read_bytes()
            except OSError:
                continue
            if not any(needle in data for needle in needles):
                continue
        ids.append(other_id)
    return ids


def _longest_words(source: str, n: int = 2) -> list[str]:
    """The ``n`` longest words of ``source`` that normalisation leaves as they are."""
    from review.memory import normalize

    normalized = set(re.findall(r"\w+", normalize(source)))
    words = dict.fromkeys(w for w in re.findall(r"\w+", source) if w in normalized)
    return sorted(words, key=len, reverse=True)[:n]
