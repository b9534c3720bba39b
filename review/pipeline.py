"""Translate, check and summarize stored articles, saving as it goes so work survives a kill.

Model work happens outside the article lock on a snapshot; results are merged back under the
lock, so reviewers' decisions made meanwhile are never overwritten.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from models.base import Summarizer, Translator
from review.article import Article, MachineOutput, Segment
from review.store import ArticleStore

SUMMARY_METHODS = ("extractive", "abstractive", "none")
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


def is_done(article: Article, summary: str) -> bool:
    """True when every segment is translated and checked and the requested summary exists."""
    unchecked = [s for s in article.reviewable() if s.english is not None and s.risk is None]
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


def translate_article(store: ArticleStore, article_id: str, translator: Translator,
                      summary: str = "extractive", summarizer: Summarizer | None = None,
                      glossary=None, progress: Progress | None = None,
                      save_every: int = CHUNK) -> Article:
    """Translate the pending segments of one article, then check and summarize it.

    The machine output is saved after every ``save_every`` segments, so an interruption loses
    at most that many. The caller should hold the article's ``job_lock``.
    """
    from models.embed import using_all_cores
    from review import source_embeddings

    if save_every < 1:
        raise ValueError(f"save_every must be at least 1, not {save_every}")
    article = store.get(article_id)
    with using_all_cores():  # nothing is generating yet
        source_embeddings.keep(store, article)
    todo = todo_segments(article)
    done = 0
    for start in range(0, len(todo), save_every):
        chunk = todo[start:start + save_every]

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
    with using_all_cores():  # the translator is idle now; embeddings may take every core
        article = run_checks(store, article_id, glossary)
        if summary != "none":
            article = make_summary(store, article_id, summary, summarizer)
    return article


def _set_machine(article: Article, machine: dict[int, MachineOutput]) -> None:
    for seg in article.segments:
        if seg.index in machine and seg.machine is None:
            seg.machine = machine[seg.index]


def run_checks(store: ArticleStore, article_id: str, glossary=None) -> Article:
    """Run the quality checks on a snapshot and store them for segments still unchanged."""
    from review.checks import check_article
    from review.checks.core import apply_result

    snapshot = store.get(article_id)
    check_article(snapshot, glossary=glossary)
    checked = {s.index: s for s in snapshot.segments}

    def merge(article: Article) -> None:
        for seg in article.segments:
            new = checked.get(seg.index)
            if new is not None and new.english == seg.english:
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
                        translator: Translator, glossary=None) -> Article:
    """Run the model again on one segment (the reviewer's decision is kept)."""
    article = store.get(article_id)
    seg = article.segment(index)
    out = translator.translate([seg.source])[0]
    machine = MachineOutput.from_output(out)

    def put(a: Article) -> None:
        target = a.segment(index)
        target.machine = machine
        recheck_segment(a, target, glossary)

    return store.update(article_id, put)


def recheck_segment(article: Article, seg: Segment, glossary=None) -> None:
    """Re-run the checks on one segment's current English, in place."""
    from review.checks import check_pairs
    from review.checks.core import apply_result

    english = seg.english
    if seg.kind == "boilerplate" or english is None:
        return
    confidence = seg.machine.confidence if seg.machine and english == seg.machine.text else None
    result = check_pairs([seg.source], [english], [confidence], glossary=glossary)[0]
    apply_result(seg, result)


def after_decision(article: Article, target, glossary=None) -> None:
    """Store hook: re-check a corrected segment and refresh a pending extractive summary."""
    from review import summary as summaries

    if target != "summary":
        recheck_segment(article, article.segment(int(target)), glossary)
        summaries.refresh(article)


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


def pending_ids(store: ArticleStore, summary: str) -> Iterable[str]:
    articles, _problems = store.scan()
    return [a.id for a in articles if not is_done(a, summary)]
