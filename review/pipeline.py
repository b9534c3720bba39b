"""Translate, check and summarize stored articles, saving as it goes so work survives a kill.

Model work happens outside the article lock on a snapshot; results are merged back under the
lock, so reviewers' decisions made meanwhile are never overwritten.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from models.base import Summarizer, Translator
from review.article import Article, MachineOutput, Segment
from review.remaining import Remaining, untranslated
from review.store import ArticleStore

SUMMARY_METHODS = ("extractive", "abstractive", "none")
MEMORY_MODEL = "translation memory"  # MachineOutput.model of a memory match (engine "memory")
CHUNK = 32  # segments translated between saves: bounds what an interruption can lose

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
    """Segments still waiting for the model (``review.remaining.untranslated``)."""
    return [s for s in article.segments if untranslated(s)]


def is_done(article: Article, summary: str, second: bool = False) -> bool:
    """``review.remaining.Remaining.is_done``: translated, checked and summarized by
    ``summary``; with ``second``, every pending model output has its second opinion."""
    return Remaining.of(article).is_done(summary, second)


@dataclass(frozen=True)
class Engines:
    """The models and the glossary a run loads once and uses for each of its articles."""
    translator: Translator | None = None  # None: every segment has a translation memory match
    summarizer: Summarizer | None = None  # for abstractive summaries
    glossary: object = None  # ``review.checks.load_glossary``'s; None: no glossary checks
    second: Translator | None = None  # the second-opinion model, if any

    @classmethod
    def of(cls, engines: Engines | Translator | None) -> Engines:
        """``engines`` as they are; a bare translator (or None) as engines of its own."""
        return engines if isinstance(engines, cls) else cls(engines)


def translate_article(store: ArticleStore, article_id: str,
                      engines: Engines | Translator | None, summary: str = "extractive",
                      progress: Progress | None = None, save_every: int = CHUNK, memory=None,
                      second: Translator | None = None) -> Article:
    """Translate the pending segments of one article, then check and summarize it.

    ``engines`` are the run's models and glossary, or only a translator (then no summarizer
    and no glossary); ``second`` adds a second-opinion model to them. Segments whose German
    has an exact match in the translation memory (``memory``, default the store's:
    ``review.memory.memory_for``) get the approved English as machine output (engine
    "memory", with its origin) and never reach the model; when every segment has a match, the
    translator is not used at all (it may then be None). The model's output is saved after
    every ``save_every`` segments, so an interruption loses at most that many. Progress counts
    memory matches as translated. With a second model, each pending model output also gets
    that model's English (``Segment.second``, a second opinion the checks compare with), saved
    in the same chunks. The caller should hold the article's ``job_lock``.
    """
    if save_every < 1:
        raise ValueError(f"save_every must be at least 1, not {save_every}")
    engines = Engines.of(engines)
    if second is not None:
        engines = replace(engines, second=second)
    _fill_machine(store, article_id, engines.translator, progress, save_every, memory)
    if engines.second is not None:
        second_opinions(store, article_id, engines.second, save_every)
    return _check_and_summarize(store, article_id, engines, summary, memory)


def _fill_machine(store: ArticleStore, article_id: str, translator: Translator | None,
                  progress: Progress | None, save_every: int, memory) -> None:
    """Machine output for every segment still waiting: memory matches first, then the model's
    in chunks of ``save_every``, each saved at once."""
    report = progress or (lambda _done, _total: None)
    todo = todo_segments(store.get(article_id))
    matched = memory_matches(store_memory(store) if memory is None else memory, article_id,
                             todo)
    if matched:
        store.update(article_id, lambda a: _set_machine(a, matched))
        report(len(matched), len(todo))
    rest = [s for s in todo if s.index not in matched]
    if rest and translator is None:
        raise ValueError(f"article {article_id}: {len(rest)} segments have no translation "
                         "memory match and need a translator")
    done = len(matched)
    for start in range(0, len(rest), save_every):
        chunk = rest[start:start + save_every]
        outputs = translator.translate([s.source for s in chunk],
                                       progress=lambda n, _t, base=done: report(base + n,
                                                                                len(todo)))
        machine = {s.index: MachineOutput.from_output(o) for s, o in zip(chunk, outputs)}
        store.update(article_id, lambda a: _set_machine(a, machine))
        done += len(chunk)
        report(done, len(todo))


def _check_and_summarize(store: ArticleStore, article_id: str, engines: Engines,
                         summary: str, memory) -> Article:
    from models.embed import using_all_cores
    from review import source_embeddings

    with using_all_cores():  # the translator is idle now; embeddings may take every core
        # The German is embedded after translating, so a huge article's first batch is
        # saved at once rather than after embedding all of it.
        source_embeddings.keep(store, store.get(article_id))
        # With no memory given, the checks read it afresh: reviewers may have approved
        # segments elsewhere while the model ran.
        # The translator also scores each segment's English (its agreement), memory
        # matches included; with none (all matched), agreements stay unset.
        article = run_checks(store, article_id, engines.glossary, memory=memory,
                             translator=engines.translator)
        if summary != "none":
            article = make_summary(store, article_id, summary, engines.summarizer)
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
        from review.recheck import recheck_segment

        target = a.segment(index)
        target.machine = machine
        recheck_segment(a, target, glossary, memory, translator)

    return store.update(article_id, put)


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
