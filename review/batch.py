"""Batch translation for scripts and the CLI: many articles, resumable, one failure isolated."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Sequence

from review.errors import BadInputError, ReviewError, UnknownArticleError
from review.pipeline import SUMMARY_METHODS, ArticleResult, ingest_paths, is_done, pending_ids
from review.store import ArticleStore

ArticleStart = Callable[[str, int, int, int], None]  # (id, segments to do, article no., of)
SegmentProgress = Callable[[int, int], None]


def translate_articles(targets: Sequence[str | Path] | None = None, *,
                       store: ArticleStore | str | Path | None = None,
                       mt_model: str | None = None, engine: str | None = None,
                       summary: str = "extractive", sum_model: str | None = None,
                       glossary: str | Path | None = None, force: bool = False,
                       on_article: ArticleStart | None = None,
                       on_segment: SegmentProgress | None = None,
                       on_result: Callable[[ArticleResult], None] | None = None,
                       errors: list[str] | None = None) -> list[ArticleResult]:
    """Translate, check and summarize articles; finished ones are skipped unless ``force``.

    ``targets`` are article ids or files/folders (ingested first); none means every article in
    the store that is not finished. Bad input files are reported in ``errors``.
    """
    if summary not in SUMMARY_METHODS:
        raise BadInputError(f"--summary {summary!r}: choose one of {', '.join(SUMMARY_METHODS)}")
    store = store if isinstance(store, ArticleStore) else ArticleStore(store)
    ids = _resolve_targets(store, targets, summary, errors if errors is not None else [])
    if not force and not any(_needs_work(store, i, summary) for i in ids):
        engines = (None, None, None)  # nothing to do: don't pay for loading a model
    else:
        engines = _engines(store, mt_model, engine, summary, sum_model, glossary)
    translator, summarizer, gloss = engines
    results = []
    for number, article_id in enumerate(ids, 1):
        start = (lambda aid, todo, n=number: on_article(aid, todo, n, len(ids))) if on_article \
            else None
        result = translate_one(store, article_id, translator, summary, summarizer, gloss, force,
                               start, on_segment)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _resolve_targets(store, targets, summary, errors) -> list[str]:
    if not targets:
        return list(pending_ids(store, summary))
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


def _needs_work(store: ArticleStore, article_id: str, summary: str) -> bool:
    try:
        return not is_done(store.get(article_id), summary)
    except ReviewError:
        return True  # let the article's own run report the problem


def _engines(store, mt_model, engine, summary, sum_model, glossary):
    from models import registry
    from review.checks import load_glossary

    translator = registry.get_translator(mt_model, engine)
    summarizer = registry.get_summarizer(sum_model, engine) if summary == "abstractive" else None
    gloss = load_glossary(Path(glossary) if glossary else store.glossary_path)
    return translator, summarizer, gloss


def translate_one(store: ArticleStore, article_id: str, translator, summary: str,
                  summarizer=None, glossary=None, force: bool = False,
                  on_article: Callable[[str, int], None] | None = None,
                  on_segment: SegmentProgress | None = None) -> ArticleResult:
    """One article, its failure caught and reported in the result, never raised."""
    from review.pipeline import todo_segments, translate_article

    started = time.perf_counter()
    try:
        article = store.get(article_id)
        if not force and is_done(article, summary):
            return ArticleResult(article_id, "skipped", segments=len(article.reviewable()))
        if force:
            article = store.update(article_id, _clear_pending_output)
        if on_article:
            on_article(article_id, len(todo_segments(article)))
        article = translate_article(store, article_id, translator, summary, summarizer,
                                    glossary, on_segment)
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
    if article.summary and article.summary.decision.status == "pending":
        article.summary = None
