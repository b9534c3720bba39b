"""Approved summaries as a finished product: what each summary format shows of an article.

Every format (records, Markdown, html, docx) renders the same ``SummaryItem``s: the English
title, where the article came from (``Article.source_name``: a URL or a file name, never a
folder of the server), its date, the approved text with who approved it when, how it was
made, and the stamp of ``select.summary_choice``.

How it was made says who wrote the words that are exported. An extractive summary is the
English of chosen segments, ranked by the embedding model; once a reviewer corrects it into
words of their own it is a "human" summary, and the embedding model wrote none of it. A
generated summary that had no text, corrected, is "human" too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from review.article import Article, Summary
from review.exporters.select import SummaryChoice, summary_choices


@dataclass(frozen=True)
class SummaryItem:
    """One exported summary with everything a reader of the product sees."""

    article: Article
    summary: Summary
    text: str
    english_title: str
    title_state: str  # reviewed | machine | german (Article.english_title)
    source: str | None
    date: str | None
    method: str  # extractive | abstractive | human
    model: str | None
    source_segments: list[int]
    stamp: str | None


def summary_items(articles: list[Article]) -> list[SummaryItem]:
    """The summaries the export carries (``summary_choice`` lets them), in article order."""
    return [_item(choice) for choice in summary_choices(articles) if choice.problem is None]


def _item(choice: SummaryChoice) -> SummaryItem:
    article, summary, text = choice.article, choice.summary, choice.text
    method, model = origin(article, summary, text)
    title, state = article.english_title()
    return SummaryItem(article, summary, text, title, state, article.source_name(),
                       article.date, method, model, sources(article, summary, text, method),
                       choice.stamp)


def origin(article: Article, summary: Summary, text: str) -> tuple[str, str | None]:
    """(method, model) of the words exported: the embedding model only for an extractive
    summary still made of its segments' English, the summarizer for a generated one."""
    from review.summary import RANKER

    method, model = summary.method, summary.model
    if summary.decision.status == "corrected":
        if method == "extractive" and not made_of_segments(article, text):
            method = "human"
        elif method == "abstractive" and not (summary.text or "").strip():
            method = "human"
    if method == "human" or (method != "extractive" and model == RANKER):
        model = None
    return method, model


def made_of_segments(article: Article, text: str) -> bool:
    """Whether ``text`` is nothing but English of the article's segments (rejected ones
    aside), as an extractive summary is; spacing and punctuation between them aside."""
    pieces = {(seg.english or "").strip() for seg in article.reviewable()
              if seg.decision.status != "rejected"}
    rest = text
    for piece in sorted(filter(None, pieces), key=len, reverse=True):
        rest = rest.replace(piece, " ")
    return rest != text and not re.search(r"\w", rest)


def sources(article: Article, summary: Summary, text: str, method: str) -> list[int]:
    """The summary's segments whose approved English backs it: rejected and unreviewed ones
    dropped; for a summary made of sentences, only those whose English is in ``text``."""
    by_index = {seg.index: seg for seg in article.segments}
    kept = []
    for index in summary.source_segments:
        seg = by_index.get(index)
        english = (seg.approved or "").strip() if seg else ""
        if english and (method == "abstractive" or english in text):
            kept.append(index)
    return kept


def made_by(item: SummaryItem) -> str:
    """E.g. "extractive summary (intfloat/multilingual-e5-small)" or "summary written by a
    reviewer"."""
    if item.method == "human":
        return "summary written by a reviewer"
    return f"{item.method} summary" + (f" ({item.model})" if item.model else "")


def approval(item: SummaryItem) -> str:
    """E.g. "corrected by carl on 2024-05-01T10:00:00+00:00"."""
    decision = item.summary.decision
    who = decision.reviewer or "unknown reviewer"
    return f"{decision.status} by {who}" + (f" on {decision.time}" if decision.time else "")
