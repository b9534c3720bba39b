"""The translation memory: approved store segments plus imported units, and what it answers.

Store units come from the article files at load time (accepted or corrected segments that are
not boilerplate and have German and English), so decisions and undos show up as soon as the
memory is loaded again; ``memory_for`` does that automatically and cheaply (see there).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from review.memory.index import Index
from review.memory.storage import imported_path, memory_files, read_imported, signature
from review.memory.text import normalize, search_pattern, spans
from review.memory.units import (IMPORTED, STORE_PREFIX, Conflict, Hit, Match, Unit,
                                 newest_first, origin_of)


@dataclass
class ArticleUnits:
    """What one article gives the memory: approved units and the other segments (drafts)."""

    approved: list[tuple[Unit, str]] = field(default_factory=list)  # (unit, status)
    drafts: list[tuple[Unit, str]] = field(default_factory=list)  # pending/rejected, for search


class Memory:
    """Store units (approved segments) first, then imported units; see the module docstring."""

    def __init__(self, store_units: list[tuple[Unit, str]] = (),
                 imported: list[Unit] | Index = (), drafts: list[tuple[Unit, str]] = (),
                 problems: list[str] = (), previous: Memory | None = None):
        """``previous``: the memory this one replaces, whose work on unchanged units is
        reused (``Index``)."""
        self._store_status = list(store_units)
        self._store = Index([unit for unit, _ in self._store_status],
                            previous._store if previous is not None else None)
        self._imported = imported if isinstance(imported, Index) else Index(list(imported))
        self._drafts = list(drafts)
        self.problems = list(problems)  # one line per article file that could not be read
        self.units: list[Unit] = self._store.units + self._imported.units

    @classmethod
    def load(cls, store) -> Memory:
        """Every approved segment of every readable article, plus the imported units.

        Unreadable articles are skipped and listed in ``problems``; an unreadable memory
        file raises CorruptMemoryError.
        """
        approved, drafts, problems = [], [], []
        for article_id in store.ids():
            units = _article_units(store, article_id, problems)
            if units:
                approved += units.approved
                drafts += units.drafts
        return cls(approved, read_imported(imported_path(store)), drafts, problems)

    @property
    def store_units(self) -> list[Unit]:
        return self._store.units

    def exact(self, source: str, exclude_origin: str | None = None) -> list[Unit]:
        """Units whose German equals ``source`` after normalize(), newest first."""
        key = normalize(source)
        found = self._store.exact(key) + self._imported.exact(key)
        return [unit for unit in newest_first(found) if unit.origin != exclude_origin]

    def exact_target(self, target: str, exclude_origin: str | None = None) -> list[Unit]:
        """Units whose English equals ``target`` after normalize(), newest first.

        The imported units' reverse index is built once and shared by the Memory objects
        ``memory_for`` hands out after each decision, so this stays cheap on big memories.
        """
        key = normalize(target)
        found = self._store.by_target(key) + self._imported.by_target(key)
        return [unit for unit in newest_first(found) if unit.origin != exclude_origin]

    def lookup(self, source: str, limit: int = 5, threshold: float = 0.5,
               exclude_origin: str | None = None) -> list[Match]:
        """Exact matches first (score 1.0), then fuzzy ones by rapidfuzz ratio, best first.

        A (German, English) pair met twice is given once, at its best score and newest.
        """
        key = normalize(source)
        if not key or limit <= 0:
            return []
        matches, seen = [], set()
        _add(matches, seen, self.exact(key, exclude_origin), 1.0, limit)
        if len(matches) >= limit:
            return matches
        wanted = limit - len(matches)
        cutoff = max(0.0, min(threshold, 1.0)) * 100
        # A few more keys than needed, in case some hold only the excluded unit or repeats.
        scored = self._store.fuzzy(key, cutoff, wanted + 2) + \
            self._imported.fuzzy(key, cutoff, wanted + 2)
        scored.sort(key=lambda pair: -pair[1])
        for found_key, score in scored:
            units = self._store.exact(found_key) + self._imported.exact(found_key)
            units = [u for u in newest_first(units) if u.origin != exclude_origin]
            _add(matches, seen, units, score / 100, limit)
            if len(matches) >= limit:
                break
        return matches

    def search(self, text: str, limit: int = 100) -> list[Hit]:
        """Case-insensitive occurrences of ``text`` in German or English.

        Searches the approved store segments (newest first), the store's other segments
        (pending or rejected, with their machine English if any, in article order), then the
        imported units. Quotes, dashes and spaces match their typographic variants.
        """
        pattern = search_pattern(text)
        if pattern is None or limit <= 0:
            return []
        hits: list[Hit] = []
        approved = sorted(self._store_status, key=lambda pair: pair[0].time or "",
                          reverse=True)
        imported = ((unit, IMPORTED) for unit in self._imported.units)
        for group in (approved, self._drafts, imported):
            for unit, status in group:
                if pattern.search(unit.source) or pattern.search(unit.target):
                    hits.append(Hit(unit, spans(pattern, unit.source),
                                    spans(pattern, unit.target), status))
                    if len(hits) >= limit:
                        return hits
        return hits

    def conflicts(self, article_id: str | None = None) -> list[Conflict]:
        """The same German approved with different English, and one English approved for
        different German.

        Only groups with at least one store segment count: imported memories often disagree
        with themselves, and that is nothing a reviewer of this store can act on. With
        ``article_id``, only groups involving one of that article's segments.
        """
        found = []
        by_source, by_target = {}, {}
        for unit in self._store.units:
            by_source.setdefault(normalize(unit.source), []).append(unit)
            by_target.setdefault(normalize(unit.target), []).append(unit)
        for key, units in by_source.items():
            units = units + self._imported.exact(key)
            if len({normalize(u.target) for u in units}) > 1:
                found.append(Conflict("same_source", key, _ordered(units)))
        for key, units in by_target.items():
            units = units + self._imported.by_target(key)
            if len({normalize(u.source) for u in units}) > 1:
                found.append(Conflict("same_target", key, _ordered(units)))
        if article_id is not None:
            prefix = f"{STORE_PREFIX}{article_id}#"
            found = [c for c in found if any(u.origin.startswith(prefix) for u in c.units)]
        return sorted(found, key=lambda c: (c.kind, c.text))

    def __len__(self) -> int:
        return len(self.units)


def _add(matches: list[Match], seen: set, units: list[Unit], score: float, limit: int) -> None:
    for unit in units:
        pair = (normalize(unit.source), normalize(unit.target))
        if pair in seen:
            continue
        seen.add(pair)
        matches.append(Match(unit, score))
        if len(matches) >= limit:
            return


def _ordered(units: list[Unit]) -> tuple[Unit, ...]:
    """Store segments in article and segment order, then imported units."""
    def key(unit: Unit):
        if unit.from_store:
            article, _, index = unit.origin[len(STORE_PREFIX):].rpartition("#")
            return (0, article, int(index) if index.isdigit() else 0)
        return (1, unit.origin, 0)

    return tuple(sorted(units, key=key))


def _article_units(store, article_id: str, problems: list[str]) -> ArticleUnits | None:
    from review.errors import CorruptArticleError, UnknownArticleError
    from review.exporters.select import approved_segments

    try:
        article = store.view(article_id)
    except (CorruptArticleError, UnknownArticleError) as err:
        problems.append(str(err))
        return None
    found = ArticleUnits()
    approved = set()
    for item in approved_segments(article):
        seg = item.segment
        if seg.source.strip() and item.target.strip():
            unit = Unit(seg.source, item.target, origin_of(article.id, seg.index),
                        seg.decision.reviewer, seg.decision.time)
            found.approved.append((unit, seg.decision.status))
            approved.add(seg.index)
    for seg in article.reviewable():
        if seg.index in approved or not seg.source.strip():
            continue
        status = seg.decision.status
        english = seg.machine.text if seg.machine else ""
        found.drafts.append((Unit(seg.source, english or "",
                                  origin_of(article.id, seg.index),
                                  seg.decision.reviewer, seg.decision.time), status))
    return found


class _Cache:
    """One store's memory in this process, with the parts it was built from."""

    def __init__(self):
        self.lock = threading.Lock()
        self.articles: dict[str, tuple[tuple, ArticleUnits | None, str | None]] = {}
        self.imported: tuple[tuple, Index] | None = None
        self.signature: tuple | None = None
        self.memory: Memory | None = None


_CACHES: dict[str, _Cache] = {}
_CACHES_LOCK = threading.Lock()


def memory_for(store) -> Memory:
    """The store's memory, kept per process and rebuilt only from what changed.

    A cheap signature (the article files' signatures from ``store.files()``, and the memory
    file's) tells whether anything changed since the last call. If so, only changed article files are
    read again, and the imported units (and their index) are reloaded only when the memory
    file changed, so a decision in a store with 100,000 imported units costs milliseconds.
    """
    root = str(Path(store.root).resolve())
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(root, _Cache())
    with cache.lock:
        folder = store.files()
        articles = folder.files
        memory_sig = signature(memory_files(store))
        current = (tuple(articles.items()), memory_sig)
        if cache.memory is not None and cache.signature == current:
            return cache.memory
        if cache.imported is None or cache.imported[0] != memory_sig:
            cache.imported = (memory_sig, Index(read_imported(imported_path(store))))
        approved, drafts, problems = [], [], []
        fresh = {}
        for article_id, sig in articles.items():
            known = cache.articles.get(article_id)
            if known is not None and known[0] == sig:
                units, problem = known[1], known[2]
            else:
                found_problems: list[str] = []
                units = _article_units(store, article_id, found_problems)
                problem = found_problems[0] if found_problems else None
            # A file read while racy is read again at the next rebuild (review.store_files).
            fresh[article_id] = (sig if folder.settled(article_id) else None, units, problem)
            if units:
                approved += units.approved
                drafts += units.drafts
            if problem:
                problems.append(problem)
        cache.articles = fresh
        cache.memory = Memory(approved, cache.imported[1], drafts, problems, cache.memory)
        cache.signature = current
        return cache.memory
