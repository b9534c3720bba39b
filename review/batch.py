"""Batch translation for scripts and the CLI: many articles, resumable, one failure isolated.

Each article is translated under its job lock (``review.job_lock.job_lock``), so two runs on
one store (two CLI runs, the app and a CLI run) never translate the same article at once: an
article another run is working on is put off to the end, then awaited, and skipped if that
run finished it.

Segments with an exact match in the store's translation memory get the approved English
instead of the model's (``review.pipeline.translate_article``); a run where the memory covers
every segment to translate does not load the translation model.

With ``ray`` ("local" or a cluster's address) only the model runs elsewhere, in a pool of Ray
actors (``review.distributed.RayTranslator``); everything else, every store write included,
stays in this process, so resuming, the job lock and the results are as in a local run.

A run is one ``TranslateOptions`` and one ``RunObserver`` (``review.run_options``): ``run``
takes them, as the CLI and the app's jobs build them; ``translate_articles`` builds them from
keywords for scripts.
"""
from __future__ import annotations

import os
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from models.base import Translator
from review.errors import ReviewError, UnknownArticleError
from review.job_lock import job_lock
from review.pipeline import (CHUNK, ArticleResult, Engines, ingest_paths, is_done,
                             memory_matches, pending_ids, store_memory, todo_segments,
                             translate_article)
from review.run_options import NO_OBSERVER, RunObserver, TranslateOptions, from_keywords
from review.store import ArticleStore


def run(options: TranslateOptions, observer: RunObserver = NO_OBSERVER,
        errors: list[str] | None = None) -> list[ArticleResult]:
    """Translate, check and summarize articles; finished ones are skipped unless ``force``.

    ``options.targets`` are article ids or files/folders (ingested first); none means every
    article in the store that is not finished. Bad input files are reported in ``errors``.

    An article that another run (process or thread) is translating is put off to the end of
    the run; ``observer.article_waiting`` is called before its lock is awaited, then it is read
    again: skipped if the other run finished it, else translated. Results come in the order
    articles finish. Machine output is saved after every ``save_every`` segments.

    ``ray`` runs the translation model on Ray instead of in this process: "local" starts Ray
    here, an address ("HOST:PORT" of a cluster's head, or "auto") joins a running cluster.
    ``ray_actors`` sets the pool size (default one actor per GPU, else per CPU); the observer
    gets a one-line ``message`` describing the pool once it is up. Ray is started only when
    there is something for the model to do, and stopped at the end if it was started here.

    ``second_model`` (default: env REVIEW_SECOND_MODEL, else none; "none" turns it off) is a
    second translation model: every pending model output also gets its English, a second
    opinion the checks compare with (``review.checks.second_opinion``). An article translated
    without one is not finished while a second model is configured. It runs in this process,
    also with ``ray``, loaded only when a segment needs it.
    """
    options = options.resolved()
    ids = _resolve_targets(options, errors if errors is not None else [])
    return run_ids(ids, options, observer)


def translate_articles(targets: Sequence[str | Path] | None = None, *,
                       errors: list[str] | None = None, observer: RunObserver | None = None,
                       **keywords) -> list[ArticleResult]:
    """``run`` for scripts, the options as keywords.

    ``keywords`` are the fields of ``TranslateOptions`` (store, mt_model, engine, summary,
    sum_model, glossary, force, save_every, second_model, ray, ray_actors) and, instead of an
    ``observer``, the callbacks on_article, on_segment, on_result, on_wait and on_note
    (``review.run_options.CallbackObserver``).
    """
    options, observer = from_keywords(observer, targets=targets, **keywords)
    return run(options, observer, errors)


def translate_ids(ids: Sequence[str], *, store: ArticleStore, observer: RunObserver | None = None,
                  **keywords) -> list[ArticleResult]:
    """``translate_articles`` for ids of stored articles, taken as ids (never as file names)."""
    options, observer = from_keywords(observer, store=store, **keywords)
    return run_ids(list(ids), options, observer)


def run_ids(ids: Sequence[str], options: TranslateOptions,
            observer: RunObserver = NO_OBSERVER) -> list[ArticleResult]:
    """``run`` for ids of stored articles, taken as ids; ``options.targets`` is not read."""
    from models import registry

    options = options.resolved()
    second_id = options.second_id
    work = _work_needed(ids, options, second_id is not None)
    if work is None:
        engines = Engines()  # nothing to do: don't pay for loading a model
    else:
        if second_id is not None:
            registry.resolve(second_id, registry.SECOND_ROLE)  # a wrong name fails here, at once
        # When the translation memory covers every segment to translate, the model is loaded
        # only if a match goes away before its article's turn (an approval undone meanwhile).
        engines = _load_engines(options, work == MODEL, second_id, observer)
    try:
        return _run_turns(ids, options, engines, observer)
    finally:
        close = getattr(engines.translator, "close", None)
        if close:
            close()  # a Ray pool: its actors, and Ray itself when this run started it


def _work_needed(ids: Sequence[str], options: TranslateOptions, second: bool) -> str | None:
    """MODEL when an article needs the translation model, else MEMORY when one needs a run at
    all, else None (every article is done)."""
    try:  # one look at the store for all articles, not one per article
        memory = store_memory(options.store) if ids else None
    except ReviewError:
        memory = None  # an unreadable memory: each article's run reports it
    work = None
    for article_id in ids:
        work = _work_of(options.store, article_id, options.summary, options.force, second,
                        memory) or work
        if work == MODEL:
            break
    return work


def _run_turns(ids: Sequence[str], options: TranslateOptions, engines: Engines,
               observer: RunObserver) -> list[ArticleResult]:
    store, total, translator = options.store, len(ids), engines.translator
    expect = getattr(translator, "expect", None)
    if expect:  # a Ray pool: keep its actors busy with the chunks to come
        expect(chunks_ahead(store, ids, options.summary, options.force, options.save_every,
                            engines.second is not None))
    results = []

    def wait(article_id: str, number: int) -> None:
        observer.article_waiting(article_id, number, total)

    with closing(in_lock_order(store, ids, wait)) as turns:  # an exception releases the lock
        for number, turn in enumerate(turns, 1):
            if turn.error:
                result = ArticleResult(turn.id, "failed", error=turn.error)
            else:
                # Under --force, an article another run changed while we waited is fresh.
                result = translate_one(store, turn.id, engines, options.summary,
                                       options.force and not turn.changed,
                                       save_every=options.save_every, observer=observer,
                                       place=(number, total))
            if expect:
                translator.forget(turn.id)  # guesses for it never asked for: not needed now
            results.append(result)
            observer.article_finished(result)
    return results


def chunks_ahead(store: ArticleStore, ids: Sequence[str], summary: str, force: bool,
                 save_every: int, second: bool = False) -> Iterator[tuple[str, list[str]]]:
    """(id, German texts) of each model call the run will probably make, in order.

    The same selection ``pipeline.translate_article`` makes (pending segments, less exact
    translation memory matches, in chunks of ``save_every``), read lazily as a translator
    asks for more; an article changed meanwhile only makes a guess wrong, never a result.
    """
    memory = store_memory(store)  # taken once: a change meanwhile only makes a guess wrong
    for article_id in ids:
        try:
            article = store.get(article_id)
        except ReviewError:
            continue
        if not force and is_done(article, summary, second):
            continue
        todo = _todo(article, force)
        matched = memory_matches(memory, article_id, todo) if todo else {}
        rest = [s for s in todo if s.index not in matched]
        for start in range(0, len(rest), save_every):
            yield article_id, [s.source for s in rest[start:start + save_every]]


@dataclass(frozen=True)
class Turn:
    """An article whose job lock the caller holds now (unless ``error`` says why not)."""
    id: str
    waited: bool = False  # another run held it; we waited for it to finish
    changed: bool = False  # it was written meanwhile (its revision moved while we waited)
    error: str | None = None  # the lock could not be taken (bad id, unwritable store)


def in_lock_order(store: ArticleStore, ids: Sequence[str],
                  on_wait: Callable[[str, int], None] | None = None) -> Iterator[Turn]:
    """Yield each article while holding its job lock; articles busy elsewhere come last.

    Each article's lock is tried without waiting; a busy one is put off. The put-off ones are
    then awaited in turn (``on_wait(id, number)`` first, numbering articles in the order they
    are yielded). The lock is released when the caller asks for the next article.
    """
    deferred: list[tuple[str, int | None]] = []
    number = 0
    for article_id in ids:
        try:
            with job_lock(store, article_id, wait=False) as held:
                if held:
                    number += 1
                    yield Turn(article_id)
                    continue
        except ReviewError as err:
            number += 1
            yield Turn(article_id, error=str(err))
            continue
        deferred.append((article_id, _revision(store, article_id)))
    for article_id, seen in deferred:
        number += 1
        if on_wait:
            on_wait(article_id, number)
        try:
            with job_lock(store, article_id, wait=True):
                yield Turn(article_id, waited=True,
                           changed=_revision(store, article_id) != seen)
        except ReviewError as err:
            yield Turn(article_id, error=str(err))


def _revision(store: ArticleStore, article_id: str) -> int | None:
    try:
        return store.get(article_id).revision
    except ReviewError:
        return None


def _resolve_targets(options: TranslateOptions, errors: list[str]) -> list[str]:
    store = options.store
    if not options.targets:
        return list(pending_ids(store, options.summary, options.second_id is not None))
    targets = options.targets
    paths = [Path(t) for t in targets if _is_path(str(t))]
    ids = [str(t) for t in targets if not _is_path(str(t))]
    known = set(store.ids())
    for article_id in ids:
        if article_id not in known:
            raise UnknownArticleError(
                f"{article_id}: no such article or file; see `python -m review status` for ids")
    added, bad = ingest_paths(store, paths)
    errors.extend(bad)
    return list(dict.fromkeys(ids + added))


def _is_path(target: str) -> bool:
    return (Path(target).exists() or os.sep in target
            or Path(target).suffix.lower() in (".txt", ".md", ".json", ".jsonl"))


MODEL, MEMORY = "model", "memory"  # what an article's translation needs, from _work_of


def _todo(article, force: bool) -> list:
    """The segments a run will translate: under --force every pending one with German."""
    if not force:
        return todo_segments(article)
    return [s for s in article.reviewable() if s.source.strip()
            and s.decision.status == "pending"]


def _work_of(store: ArticleStore, article_id: str, summary: str, force: bool,
             second: bool = False, memory=None) -> str | None:
    """What translating the article needs: None (it is done), MEMORY (every segment to
    translate has an exact translation memory match: checks, summary and second opinions
    only) or MODEL. ``memory`` is the store's translation memory (read when None)."""
    try:
        article = store.get(article_id)
        if not force and is_done(article, summary, second):
            return None
        todo = _todo(article, force)
        memory = store_memory(store) if memory is None else memory
        if todo and len(memory_matches(memory, article_id, todo)) < len(todo):
            return MODEL
        return MEMORY
    except ReviewError:
        return MODEL  # let the article's own run report the problem


def _load_engines(options: TranslateOptions, load_translator: bool, second_id: str | None,
                  observer: RunObserver) -> Engines:
    from models import registry
    from review.checks import load_glossary

    translator = _translator(options, load_translator, observer)
    try:
        summarizer = registry.get_summarizer(options.sum_model, options.engine) \
            if options.summary == "abstractive" else None
        glossary = load_glossary(Path(options.glossary) if options.glossary
                                 else options.store.glossary_path)
    except BaseException:
        if options.ray:
            translator.close()
        raise
    second = None
    if second_id is not None:
        # Loaded on the first segment that needs a second opinion, in this process.
        second = OnDemandTranslator(
            lambda: registry.get_second_translator(second_id, options.engine))
    return Engines(translator, summarizer, glossary, second)


def _translator(options: TranslateOptions, load: bool, observer: RunObserver):
    """The run's translator: on Ray, local, or local and loaded on its first call."""
    from models import registry

    mt_model, engine = options.mt_model, options.engine
    if options.ray:
        from review.distributed import RayTranslator

        translator = RayTranslator(options.ray, mt_model, engine, actors=options.ray_actors,
                                   observer=observer)
        if load:  # else started on the first call, if a memory match goes away
            translator.start()
        return translator
    if load:
        return registry.get_translator(mt_model, engine)
    return OnDemandTranslator(lambda: registry.get_translator(mt_model, engine))


class OnDemandTranslator:
    """A translator loaded on its first ``translate`` call, then kept."""

    def __init__(self, load: Callable[[], object]):
        self._load = load
        self.loaded = None

    def translate(self, texts, *args, **kwargs):
        if self.loaded is None:
            self.loaded = self._load()
        return self.loaded.translate(texts, *args, **kwargs)


def translate_one(store: ArticleStore, article_id: str, engines: Engines | Translator | None,
                  summary: str = "extractive", force: bool = False, *,
                  save_every: int = CHUNK, observer: RunObserver = NO_OBSERVER,
                  place: tuple[int, int] = (1, 1)) -> ArticleResult:
    """One article whose job lock the caller holds (``in_lock_order``), its failure caught
    and reported in the result, never raised. Skipped when already done (unless ``force``).

    ``engines`` are the run's (``pipeline.Engines``) or only a translator. The observer hears
    of its start and its segments; ``place`` is (its number, of how many) in the run.
    """
    engines = Engines.of(engines)
    started = time.perf_counter()
    try:
        article = store.get(article_id)
        if not force and is_done(article, summary, engines.second is not None):
            return ArticleResult(article_id, "skipped", segments=len(article.reviewable()))
        if force:
            article = store.update(article_id, _clear_pending_output)
        observer.article_started(article_id, len(todo_segments(article)), *place)
        article = translate_article(
            store, article_id, engines, summary, save_every=save_every,
            progress=lambda done, total: observer.segments_done(article_id, done, total))
    except ReviewError as err:
        return ArticleResult(article_id, "failed", error=str(err))
    except Exception as err:  # one broken article must not stop the batch
        return ArticleResult(article_id, "failed", error=f"{type(err).__name__}: {err}")
    reviewable = article.reviewable()
    return ArticleResult(
        article_id, "translated", segments=len(reviewable),
        translated=sum(1 for s in reviewable if s.machine is not None),
        flagged=sum(1 for s in reviewable if s.flags),
        summary=article.summary.method if article.summary else None,
        seconds=round(time.perf_counter() - started, 2),
    )


def _clear_pending_output(article) -> None:
    """--force: forget machine output nobody has decided on yet, so it is produced again."""
    for seg in article.reviewable():
        if seg.decision.status == "pending":
            seg.machine, seg.flags, seg.similarity, seg.risk = None, [], None, None
            seg.similarity_of = None
            seg.second = None
    if article.summary and article.summary.decision.status == "pending":
        article.summary = None
