"""Whole articles in reviewed English: the document every article format renders, and txt.

An article is its English title, a line saying where it came from and when, then its
approved English in article order: each heading segment a heading, the other segments joined
into their paragraphs. Segments nobody decided on yet are left out, or with ``drafts`` shown
as their machine output marked ``[draft]`` (``review.article.DRAFT``); rejected segments and
boilerplate never show. The title's own segments are not repeated below it. The bilingual
formats show every segment instead: German beside English, with its status.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from review.article import APPROVED, DRAFT, GERMAN_TITLE, Article, Segment

# Control characters have no place in a document meant for reading (line breaks stay).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
STATUS_WORDS = {"accepted": "accepted", "corrected": "corrected", "rejected": "rejected",
                "pending": "unreviewed"}


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph
    text: str


@dataclass(frozen=True)
class ArticleDoc:
    """One article as a reader gets it."""

    article: Article
    title: str
    meta: str  # "Source: … · Date: …", "" when the article has neither
    blocks: list[Block]


@dataclass(frozen=True)
class Row:
    """One segment of the bilingual table."""

    index: int
    kind: str
    german: str
    english: str  # "" when there is no English to show
    status: str  # accepted | corrected | rejected | unreviewed | draft


def clean(text: str | None) -> str:
    """``text`` without control characters, CR/LF line ends as LF."""
    return CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def article_docs(articles: list[Article], drafts: bool = False) -> list[ArticleDoc]:
    """The documents of the articles that have English to show (``has_english``)."""
    return [ArticleDoc(article, doc_title(article, drafts), meta_line(article),
                       blocks(article, drafts))
            for article in articles if has_english(article, drafts)]


def has_english(article: Article, drafts: bool = False) -> bool:
    """Whether any segment has approved English (or, with ``drafts``, a draft)."""
    return any(english_piece(seg, drafts) for seg in article.reviewable())


def english_piece(seg: Segment, drafts: bool) -> str | None:
    """The segment's approved English; with ``drafts`` an undecided segment's machine output
    marked DRAFT; else None. Boilerplate never has any."""
    if seg.kind == "boilerplate":
        return None
    if seg.decision.status in APPROVED:
        return clean(seg.approved).strip() or None
    if drafts and seg.decision.status == "pending" and seg.machine:
        machine = clean(seg.machine.text).strip()
        return f"{DRAFT} {machine}" if machine else None
    return None


def doc_title(article: Article, drafts: bool) -> str:
    """The English title; one with unreviewed English is a draft (the German without drafts)."""
    title, state = article.english_title()
    if state == "machine":
        title = f"{DRAFT} {title}" if drafts else GERMAN_TITLE + article.title
    return " ".join(clean(title).split())


def meta_line(article: Article) -> str:
    """"Source: <URL or file name> · Date: <date>", with the parts the article has."""
    parts = [f"Source: {article.source_name()}" if article.source_name() else "",
             f"Date: {article.date}" if article.date else ""]
    return " · ".join(" ".join(clean(p).split()) for p in parts if p)


def blocks(article: Article, drafts: bool) -> list[Block]:
    """Headings and paragraphs of the English, the title's segments left out."""
    title = {seg.index for seg in article.headline()}
    found: list[Block] = []
    paragraph = None
    for seg in sorted(article.segments, key=lambda s: s.index):
        text = english_piece(seg, drafts) if seg.index not in title else None
        if not text:
            continue
        if seg.kind == "heading":
            found.append(Block("heading", " ".join(text.split())))
            paragraph = None
        elif paragraph == seg.paragraph:
            found[-1] = Block("paragraph", f"{found[-1].text} {text}")
        else:
            found.append(Block("paragraph", text))
            paragraph = seg.paragraph
    return found


def rows(article: Article, drafts: bool) -> list[Row]:
    """Every reviewable segment: German, the English to show and the segment's status."""
    found = []
    for seg in sorted(article.reviewable(), key=lambda s: s.index):
        english = english_piece(seg, drafts) or ""
        status = STATUS_WORDS.get(seg.decision.status, seg.decision.status)
        if english and seg.decision.status == "pending":
            status = "draft"
        found.append(Row(seg.index, seg.kind, clean(seg.source), english, status))
    return found


def articles_txt(docs: list[ArticleDoc]) -> str:
    """Plain text: title, source line, then headings and paragraphs, a blank line apart;
    articles apart by a line of three stars."""
    return "\n\n* * *\n\n".join(_txt(doc) for doc in docs) + "\n"


def _txt(doc: ArticleDoc) -> str:
    parts = [doc.title] + ([doc.meta] if doc.meta else [])
    head = "\n".join(parts)
    return "\n\n".join([head] + [block.text for block in doc.blocks])
