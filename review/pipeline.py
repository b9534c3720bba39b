"""Translate, check and summarize stored articles, saving as it goes so work survives a kill.

Model work happens outside the article lock on a snapshot; results are merged back under the
lock, so reviewers' decisions made meanwhile are never overwritten.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from models.base import Summarizer, Translator
from review.article import Article, MachineOutput, Segment
from review.store import ArticleStore

SUMMARY_METHODS = ("extractive", "abstractive", "none")
MEMORY_MODEL = "translation memory"  # MachineOutput.model of a memory match (engine "memory")
CHUNK = 32  # segments translated between saves: bounds what an interruption can lose
JOB_LOCK_SUFFIX = ".job.lock"  # <store>/.locks/<id>.job.lock, beside the store's <id>.lock

Progress = Callable[[int, int], None]


@dataclass
class ArticleResult:
    id: str
    status: str  # translated | skipped | failed
    segments: int = 0
    translated: int = 0
    flagged: int = 0
    summary: str | None = None
    error: str | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def todo_segments(article: Article) -> list[Segment]:
    """Segments still waiting for the model: pending, not boilerplate, not blank."""
    return [s for s in article.reviewable() if s.machine is None and s.source.strip()
            and s.decision.status == "pending"]


def is_done(article: Article, summary: str, second: bool = False) -> bool:
    """True when every segment is translated and checked and the requested summary exists;
    with ``second``, every pending model output also has its second opinion."""
    unchecked = [s for s in article.reviewable() if s.english is not None and s.risk is None]
    if second and any(s.second_due for s in article.segments):
        return False
    return not todo_segments(article) and not unchecked and _has_summary(article, summary)


def _has_summary(article: Article, method: str) -> bool:
    if method == "none":
        return True
    current = article.summary
    # A summary a reviewer decided on is final; a pending one must be of the method asked for.
    return current is not None and (current.method == method
                                    or current.decision.status != "pending")


@contextmanager
def job_lock(store: ArticleStore, article_id: str, wait: bool = True,
             timeout: float | None = None) -> Iterator[bool]:
    """Hold ``article_id``'s job lock: one translation of an article at a time, anywhere.

    Yields True once held. With ``wait=False`` (or when ``timeout`` seconds pass) it yields
    False at once if another job holds it: another process (a CLI run, another app server) or
    another thread of this one (the app's job runner, a second batch). ``wait=True`` without
    a timeout waits as long as the other job runs; a holder that dies releases the lock.

    It is separate from the store's write lock ``<id>.lock``, which every write takes for
    milliseconds, so reviewers keep deciding while an article is being translated. Each call
    opens its own lock (not a singleton, not thread-local): flock locks on separate opens
    conflict between the threads of one process just as between processes, whereas a shared
    singleton would let a second thread "re-enter" it. So it is not reentrant: never nest two
    job locks on the same article in one thread.
    """
    from filelock import FileLock, Timeout

    from review.errors import UnknownArticleError
    from review.ingest import safe_id
    from review.store import StoreUnwritableError

    if not article_id or safe_id(str(article_id)) != article_id:
        store.get(str(article_id))  # raises UnknownArticleError naming the store's articles
        raise UnknownArticleError(f"no article {article_id!r} in {store.root}")
    folder = store.root / ".locks"
    lock = FileLock(folder / f"{article_id}{JOB_LOCK_SUFFIX}", thread_local=False,
                    is_singleton=False, preserve_lock_file=True)
    limit = 0 if not wait else (-1 if timeout is None else timeout)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=limit)
        held = True
    except Timeout:  # a TimeoutError, so an OSError: caught first
        held = False
    except OSError as err:
        raise StoreUnwritableError(
            f"cannot write to the store {store.root} ({err.strerror or err}); check that it is "
            "a writable folder, or pass --store DIR") from None
    if not held:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def translate_article(store: ArticleStore, article_id: str, translator: Translator | None,
                      summary: str = "extractive", summarizer: Summarizer | None = None,
                      glossary=None, progress: Progress | None = None,
                      save_every: int = CHUNK, memory=None,
                      second: Translator | None = None) -> Article:
    """Translate the pending segments of one article, then check and summarize it.

    Segments whose German has an exact match in the translation memory (``memory``, default
    the store's: ``review.memory.memory_for``) get the approved English as machine output
    (engine "memory", with its origin) and never reach the model; when every segment has a
    match, the translator is not used at all (it may then be None). The model's output is
    saved after every ``save_every`` segments, so an interruption loses at most that many.
    Progress counts memory matches as translated. With a ``second`` translator, each
    pending model output also gets that model's English (``Segment.second``, a second
    opinion the checks compare with), saved in the same chunks. The caller should hold the
    article's ``job_lock``.
    """
    from models.embed import using_all_cores
    from review import source_embeddings

    if save_every < 1:
        raise ValueError(f"save_every must be at least 1, not {save_every}")
    article = store.get(article_id)
    todo = todo_segments(article)
    matched = memory_matches(store_memory(store) if memory is None else memory, article_id,
                             todo)
    if matched:
        store.update(article_id, lambda a: _set_machine(a, matched))
        if progress:
            progress(len(matched), len(todo))
    rest = [s for s in todo if s.index not in matched]
    if rest and translator is None:
        raise ValueError(f"article {article_id}: {len(rest)} segments have no translation "
                         "memory match and need a translator")
    done = len(matched)
    for start in range(0, len(rest), save_every):
        chunk = rest[start:start + save_every]

        def chunk_progress(n: int, _total: int, base=done) -> None:
            if progress:
                progress(base + n, len(todo))

        outputs = translator.translate([s.source for s in chunk], progress=chunk_progress)
        machine = {s.index: MachineOutput.from_output(o)
                   for s, o in zip(chunk, outputs)}
        store.update(article_id, lambda a: _set_machine(a, machine))
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    if second is not None:
        second_opinions(store, article_id, second, save_every)
    with using_all_cores():  # the translator is idle now; embeddings may take every core
        # The German is embedded after translating, so a huge article's first batch is
        # saved at once rather than after embedding all of it.
        source_embeddings.keep(store, store.get(article_id))
        # With no memory given, the checks read it afresh: reviewers may have approved
        # segments elsewhere while the model ran.
        # The translator also scores each segment's English (its agreement), memory
        # matches included; with none (all matched), agreements stay unset.
        article = run_checks(store, article_id, glossary, memory=memory,
                             translator=translator)
        if summary != "none":
            article = make_summary(store, article_id, summary, summarizer)
    return article


def second_opinions(store: ArticleStore, article_id: str, second: Translator,
                    save_every: int = CHUNK) -> None:
    """Give every segment that is ``second_due`` the ``second`` model's English, saved after
    every ``save_every`` segments; a segment decided meanwhile gets none."""
    due = [s for s in store.get(article_id).segments if s.second_due]
    for start in range(0, len(due), save_every):
        chunk = due[start:start + save_every]
        outputs = second.translate([s.source for s in chunk])
        found = {s.index: MachineOutput.from_output(o) for s, o in zip(chunk, outputs)}

        def put(article: Article) -> None:
            for seg in article.segments:
                if seg.index in found and seg.second_due:
                    seg.second = found[seg.index]

        store.update(article_id, put)


def store_memory(store: ArticleStore):
    """The store's translation memory (``review.memory.memory_for``: cached per process)."""
    from review.memory import memory_for

    return memory_for(store)


def memory_output(unit) -> MachineOutput:
    """A translation memory unit as the machine output of a segment: engine "memory"."""
    return MachineOutput(unit.target, MEMORY_MODEL, None, "memory", unit.origin)


def memory_matches(memory, article_id: str,
                   segments: Iterable[Segment]) -> dict[int, MachineOutput]:
    """Machine output for each segment whose German has an exact match in ``memory``.

    The newest approval wins; a segment's own origin never matches itself.
    """
    from review.memory.units import origin_of

    matched = {}
    for seg in segments:
        units = memory.exact(seg.source, exclude_origin=origin_of(article_id, seg.index))
        if units and units[0].target.strip():
            matched[seg.index] = memory_output(units[0])
    return matched


def _set_machine(article: Article, machine: dict[int, MachineOutput]) -> None:
    for seg in article.segments:
        if seg.index in machine and seg.machine is None:
            seg.machine = machine[seg.index]


def run_checks(store: ArticleStore, article_id: str, glossary=None, memory=None,
               translator: Translator | None = None) -> Article:
    """Run the quality checks on a snapshot and store them for segments still unchanged.

    The consistency checks use ``memory`` (default: the store's translation memory). With a
    ``translator`` the agreement of every English not yet scored is computed; without one an
    agreement is kept only while its English is unchanged.
    """
    from review.checks import check_article
    from review.checks.core import apply_result

    snapshot = store.get(article_id)
    memory = store_memory(store) if memory is None else memory
    check_article(snapshot, glossary=glossary, memory=memory, translator=translator)
    checked = {s.index: s for s in snapshot.segments}

    def merge(article: Article) -> None:
        for seg in article.segments:
            new = checked.get(seg.index)
            if new is not None and new.english == seg.english:
                seg.agreement, seg.agreement_of = new.agreement, new.agreement_of
                apply_result(seg, new)

    return store.update(article_id, merge)


def make_summary(store: ArticleStore, article_id: str, method: str,
                 summarizer: Summarizer | None = None) -> Article:
    """(Re)build the summary unless a reviewer already approved or rejected one."""
    from review import summary as summaries

    snapshot = store.get(article_id)
    if snapshot.summary and snapshot.summary.decision.status != "pending":
        return snapshot
    if method == "abstractive":
        if summarizer is None:
            raise ValueError("abstractive summaries need a summarizer")
        new = summaries.abstractive(snapshot, summarizer)
    else:
        new = summaries.extractive(snapshot)

    def put(article: Article) -> None:
        if article.summary is None or article.summary.decision.status == "pending":
            article.summary = new

    return store.update(article_id, put)


def retranslate_segment(store: ArticleStore, article_id: str, index: int,
                        translator: Translator, glossary=None, memory=None) -> Article:
    """Run the model again on one segment (the reviewer's decision is kept)."""
    article = store.get(article_id)
    seg = article.segment(index)
    out = translator.translate([seg.source])[0]
    machine = MachineOutput.from_output(out)

    def put(a: Article) -> None:
        target = a.segment(index)
        target.machine = machine
        recheck_segment(a, target, glossary, memory, translator)

    return store.update(article_id, put)


def recheck_segment(article: Article, seg: Segment, glossary=None, memory=None,
                    translator: Translator | None = None) -> None:
    """Re-run the checks on one segment's current English, in place.

    With a translation ``memory`` (``store_memory(store)``) the consistency checks run too;
    without one, flags they raised earlier are dropped like any other stale flag. With a
    ``translator`` a changed English gets a new agreement; without one the stored agreement is
    kept only if the English is the one it was computed for, else it becomes None.
    """
    from review.checks import check_pairs
    from review.memory.units import origin_of
    from review.checks.core import apply_result, refresh_agreement

    english = seg.english
    if seg.kind == "boilerplate" or english is None:
        return
    refresh_agreement([seg], translator)
    confidence = seg.machine.confidence if seg.machine and english == seg.machine.text else None
    result = check_pairs([seg.source], [english], [confidence], glossary=glossary,
                         memory=memory, origins=[origin_of(article.id, seg.index)],
                         agreements=[seg.agreement], seconds=[seg.second])[0]
    apply_result(seg, result)


def after_decision(article: Article, target, glossary=None, memory=None,
                   translator: Translator | None = None) -> None:
    """Store hook: re-check a corrected segment and refresh a pending extractive summary.

    Pass the store's translation memory (``store_memory(store)``) to keep the consistency
    flags; the hook runs inside ``store.update``, which knows no store. A ``translator``
    scores a corrected English (its agreement); without one a changed English loses it.
    """
    from review import summary as summaries

    if target != "summary":
        recheck_segment(article, article.segment(int(target)), glossary, memory, translator)
        summaries.refresh(article)


class _NothingToOffer(Exception):
    """Raised inside store.update to leave an article unwritten."""


def offer_repetition(store: ArticleStore, article_id: str, index: int, glossary=None,
                     memory=None, translator: Translator | None = None) -> tuple[int, int]:
    """Offer an approved segment's English to the same German pending in other articles.

    Every other article's pending, non-boilerplate segment whose German equals this one's
    (after ``review.memory.normalize``) gets the approved English as machine output (engine
    "memory", origin "article:<id>#<index>") unless its machine output already is that text,
    and is re-checked. Decisions stay as they are: the segments stay pending, for a reviewer
    to confirm; decided segments and the source article are not touched. Each article is
    changed in one locked write that re-reads it, so a decision made meanwhile is respected.

    ``glossary`` None means the store's glossary.csv; ``memory`` None the store's memory; a
    ``translator`` scores the offered English (its agreement).
    Returns (segments offered, articles changed); (0, 0) when the segment is not approved.
    """
    from review.article import APPROVED
    from review.memory import normalize
    from review.memory.units import origin_of

    seg = store.get(article_id).segment(index)
    english = seg.decision.text if seg.decision.text is not None else \
        seg.machine.text if seg.machine else None
    if (seg.kind == "boilerplate" or seg.decision.status not in APPROVED or not english
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
            target.machine, target.flags, target.risk, target.similarity = None, [], None, None
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
            if not any(wanted(s) for s in store.get(other_id).segments):
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


def ingest_paths(store: ArticleStore, paths: Sequence[Path]) -> tuple[list[str], list[str]]:
    """Add files/folders to the store; returns (ids to work on, error lines)."""
    from review import ingest
    from review.errors import DuplicateArticleError

    articles, errors = ingest.collect(list(paths))
    ids = []
    for article in articles:
        try:
            ids.append(store.add(article).id)
        except DuplicateArticleError:
            ids.append(store.id_of(article.content_hash))  # already stored: work on that one
    return ids, errors


def pending_ids(store: ArticleStore, summary: str, second: bool = False) -> Iterable[str]:
    """Ids of readable articles not ``is_done``, from the listing index (no article parsed
    unless it changed since the index saw it)."""
    from review.listing import summaries

    articles, _problems = summaries(store)
    return [a.id for a in articles if not a.is_done(summary, second)]
