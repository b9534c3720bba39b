"""Batch translation for scripts and the CLI: many articles, resumable, one failure isolated.

Each article is translated under its job lock (``review.pipeline.job_lock``), so two runs on
one store (two CLI runs, the app and a CLI run) never translate the same article at once: an
article another run is working on is put off to the end, then awaited, and skipped if that
run finished it.

Segments with an exact match in the store's translation memory get the approved English
instead of the model's (``review.pipeline.translate_article``); a run where the memory covers
every segment to translate does not load the translation model.

With ``ray`` ("local" or a cluster's address) only the model runs elsewhere, in a pool of Ray
actors (``review.distributed.RayTranslator``); everything else, every store write included,
stays in this process, so resuming, the job lock and the results are as in a local run.
"""
from __future__ import annotations

import os
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from review.errors import BadInputError, ReviewError, UnknownArticleError
from review.pipeline import (CHUNK, SUMMARY_METHODS, ArticleResult, ingest_paths, is_done,
                             job_lock, pending_ids, store_memory)
from review.store import ArticleStore

ArticleStart = Callable[[str, int, int, int], None]  # (id, segments to do, article no., of)
ArticleWait = Callable[[str, int, int], None]  # (id, article no., of): another run has it
SegmentProgress = Callable[[int, int], None]


def translate_articles(targets: Sequence[str | Path] | None = None, *,
                       store: ArticleStore | str | Path | None = None,
                       mt_model: str | None = None, engine: str | None = None,
                       summary: str = "extractive", sum_model: str | None = None,
                       glossary: str | Path | None = None, force: bool = False,
                       on_article: ArticleStart | None = None,
                       on_segment: SegmentProgress | None = None,
                       on_result: Callable[[ArticleResult], None] | None = None,
                       errors: list[str] | None = None,
                       on_wait: ArticleWait | None = None,
                       save_every: int = CHUNK, ray: str | None = None,
                       ray_actors: int | None = None,
                       on_note: Callable[[str], None] | None = None,
                       second_model: str | None = None) -> list[ArticleResult]:
    """Translate, check and summarize articles; finished ones are skipped unless ``force``.

    ``targets`` are article ids or files/folders (ingested first); none means every article in
    the store that is not finished. Bad input files are reported in ``errors``.

    An article that another run (process or thread) is translating is put off to the end of
    the run; ``on_wait`` is called before its lock is awaited, then it is read again: skipped
    if the other run finished it, else translated. Results come in the order articles finish.
    Machine output is saved after every ``save_every`` segments.

    ``ray`` runs the translation model on Ray instead of in this process: "local" starts Ray
    here, an address ("HOST:PORT" of a cluster's head, or "auto") joins a running cluster.
    ``ray_actors`` sets the pool size (default one actor per GPU, else per CPU); ``on_note``
    gets a one-line description of the pool once it is up. Ray is started only when there is
    something for the model to do, and stopped at the end if it was started here.

    ``second_model`` (default: env REVIEW_SECOND_MODEL, else none; "none" turns it off) is a
    second translation model: every pending model output also gets its English, a second
    opinion the checks compare with (``review.checks.second_opinion``). An article translated
    without one is not finished while a second model is configured. It runs in this process,
    also with ``ray``, loaded only when a segment needs it.
    """
    if summary not in SUMMARY_METHODS:
        raise BadInputError(f"--summary {summary!r}: choose one of {', '.join(SUMMARY_METHODS)}")
    store = store if isinstance(store, ArticleStore) else ArticleStore(store)
    second = _second_id(second_model)
    ids = _resolve_targets(store, targets, summary, errors if errors is not None else [],
                           second is not None)
    return translate_ids(ids, store=store, mt_model=mt_model, engine=engine, summary=summary,
                         sum_model=sum_model, glossary=glossary, force=force,
                         on_article=on_article, on_segment=on_segment, on_result=on_result,
                         on_wait=on_wait, save_every=save_every, ray=ray,
                         ray_actors=ray_actors, on_note=on_note, second_model=second or "none")


def translate_ids(ids: Sequence[str], *, store: ArticleStore, mt_model: str | None = None,
                  engine: str | None = None, summary: str = "extractive",
                  sum_model: str | None = None, glossary: str | Path | None = None,
                  force: bool = False, on_article: ArticleStart | None = None,
                  on_segment: SegmentProgress | None = None,
                  on_result: Callable[[ArticleResult], None] | None = None,
                  on_wait: ArticleWait | None = None,
                  save_every: int = CHUNK, ray: str | None = None,
                  ray_actors: int | None = None,
                  on_note: Callable[[str], None] | None = None,
                  second_model: str | None = None) -> list[ArticleResult]:
    """``translate_articles`` for ids of stored articles, taken as ids (never as file names)."""
    if summary not in SUMMARY_METHODS:
        raise BadInputError(f"--summary {summary!r}: choose one of {', '.join(SUMMARY_METHODS)}")
    from models import registry

    second_id = _second_id(second_model)
    try:  # one look at the store for all articles, not one per article
        memory = store_memory(store) if ids else None
    except ReviewError:
        memory = None  # an unreadable memory: each article's run reports it
    work = None
    for article_id in ids:
        work = _work_of(store, article_id, summary, force, second_id is not None,
                        memory) or work
        if work == MODEL:
            break
    if second_id is not None and work is not None:
        registry.resolve(second_id, registry.SECOND_ROLE)  # a wrong name fails here, at once
    if work is None:
        engines = (None, None, None)  # nothing to do: don't pay for loading a model
    else:
        # When the translation memory covers every segment to translate, the model is loaded
        # only if a match goes away before its article's turn (an approval undone meanwhile).
        engines = _engines(store, mt_model, engine, summary, sum_model, glossary,
                           load_translator=work == MODEL, ray=ray, ray_actors=ray_actors,
                           on_note=on_note)
    translator, summarizer, gloss = engines
    second = None
    if second_id is not None and work is not None:
        # Loaded on the first segment that needs a second opinion, in this process.
        second = OnDemandTranslator(lambda: registry.get_second_translator(second_id, engine))
    try:
        return _run_turns(ids, store, translator, summary, summarizer, gloss, force,
                          on_article, on_segment, on_result, on_wait, save_every, second)
    finally:
        close = getattr(translator, "close", None)
        if close:
            close()  # a Ray pool: its actors, and Ray itself when this run started it


def _second_id(second_model: str | None) -> str | None:
    from models.registry import second_model_id

    return second_model_id(second_model)


def _run_turns(ids, store, translator, summary, summarizer, gloss, force, on_article,
               on_segment, on_result, on_wait, save_every, second=None) -> list[ArticleResult]:
    results = []
    total = len(ids)
    expect = getattr(translator, "expect", None)
    if expect:  # a Ray pool: keep its actors busy with the chunks to come
        expect(chunks_ahead(store, ids, summary, force, save_every, second is not None))

    def wait(article_id: str, number: int) -> None:
        if on_wait:
            on_wait(article_id, number, total)

    with closing(in_lock_order(store, ids, wait)) as turns:  # an exception releases the lock
        for number, turn in enumerate(turns, 1):
            if turn.error:
                result = ArticleResult(turn.id, "failed", error=turn.error)
            else:
                start = (lambda aid, todo, n=number: on_article(aid, todo, n, total)) \
                    if on_article else None
                # Under --force, an article another run changed while we waited is fresh.
                result = translate_one(store, turn.id, translator, summary, summarizer, gloss,
                                       force and not turn.changed, start, on_segment,
                                       save_every=save_every, second=second)
            if expect:
                translator.forget(turn.id)  # guesses for it never asked for: not needed now
            results.append(result)
            if on_result:
                on_result(result)
    return results


def chunks_ahead(store: ArticleStore, ids: Sequence[str], summary: str, force: bool,
                 save_every: int, second: bool = False) -> Iterator[tuple[str, list[str]]]:
    """(id, German texts) of each model call the run will probably make, in order.

    The same selection ``pipeline.translate_article`` makes (pending segments, less exact
    translation memory matches, in chunks of ``save_every``), read lazily as a translator
    asks for more; an article changed meanwhile only makes a guess wrong, never a result.
    """
    from review.pipeline import memory_matches

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


def _resolve_targets(store, targets, summary, errors, second: bool = False) -> list[str]:
    if not targets:
        return list(pending_ids(store, summary, second))
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
    from review.pipeline import todo_segments

    if not force:
        return todo_segments(article)
    return [s for s in article.reviewable() if s.source.strip()
            and s.decision.status == "pending"]


def _work_of(store: ArticleStore, article_id: str, summary: str, force: bool,
             second: bool = False, memory=None) -> str | None:
    """What translating the article needs: None (it is done), MEMORY (every segment to
    translate has an exact translation memory match: checks, summary and second opinions
    only) or MODEL. ``memory`` is the store's translation memory (read when None)."""
    from review.pipeline import memory_matches

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


def _engines(store, mt_model, engine, summary, sum_model, glossary, load_translator=True,
             ray=None, ray_actors=None, on_note=None):
    from models import registry
    from review.checks import load_glossary

    if ray:
        from review.distributed import RayTranslator

        translator = RayTranslator(ray, mt_model, engine, actors=ray_actors, on_note=on_note)
        if load_translator:  # else started on the first call, if a memory match goes away
            translator.start()
    elif load_translator:
        translator = registry.get_translator(mt_model, engine)
    else:
        translator = OnDemandTranslator(lambda: registry.get_translator(mt_model, engine))
    try:
        summarizer = registry.get_summarizer(sum_model, engine) \
            if summary == "abstractive" else None
        gloss = load_glossary(Path(glossary) if glossary else store.glossary_path)
    except BaseException:
        if ray:
            translator.close()
        raise
    return translator, summarizer, gloss


class OnDemandTranslator:
    """A translator loaded on its first ``translate`` call, then kept."""

    def __init__(self, load: Callable[[], object]):
        self._load = load
        self.loaded = None

    def translate(self, texts, *args, **kwargs):
        if self.loaded is None:
            self.loaded = self._load()
        return self.loaded.translate(texts, *args, **kwargs)


def translate_one(store: ArticleStore, article_id: str, translator, summary: str,
                  summarizer=None, glossary=None, force: bool = False,
                  on_article: Callable[[str, int], None] | None = None,
                  on_segment: SegmentProgress | None = None, *, save_every: int = CHUNK,
                  second=None) -> ArticleResult:
    """One article whose job lock the caller holds (``in_lock_order``), its failure caught
    and reported in the result, never raised. Skipped when already done (unless ``force``).
    ``second`` is the second-opinion translator, if any (``pipeline.translate_article``).
    """
    from review.pipeline import todo_segments, translate_article

    started = time.perf_counter()
    try:
        article = store.get(article_id)
        if not force and is_done(article, summary, second is not None):
            return ArticleResult(article_id, "skipped", segments=len(article.reviewable()))
        if force:
            article = store.update(article_id, _clear_pending_output)
        if on_article:
            on_article(article_id, len(todo_segments(article)))
        article = translate_article(store, article_id, translator, summary, summarizer,
                                    glossary, on_segment, save_every=save_every, second=second)
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
            seg.second = None
    if article.summary and article.summary.decision.status == "pending":
        article.summary = None
