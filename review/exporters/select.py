"""What counts as approved work, and who decided it when: shared by every format."""
from __future__ import annotations

from dataclasses import dataclass

from review.article import Article, HistoryEntry, Segment, Summary


@dataclass(frozen=True)
class Approved:
    """One approved segment of one article, with its final English."""

    article: Article
    segment: Segment
    target: str


def sorted_articles(articles: list[Article]) -> list[Article]:
    """Articles in id order, so the same store always exports the same bytes."""
    return sorted(articles, key=lambda article: article.id)


def approved_segments(article: Article) -> list[Approved]:
    """Accepted or corrected segments in index order; boilerplate never counts."""
    found = []
    for seg in sorted(article.segments, key=lambda s: s.index):
        if seg.kind != "boilerplate" and seg.approved is not None:
            found.append(Approved(article, seg, seg.approved))
    return found


def approved_summary(article: Article) -> tuple[Summary, str] | None:
    """The article's summary and its final text when a reviewer approved it, else None."""
    summary = article.summary
    if summary is None or summary.approved is None:
        return None
    return summary, summary.approved


def decisions_on(article: Article, target: str) -> list[HistoryEntry]:
    """History entries for ``target`` ("segment:N" or "summary"), oldest first."""
    return [entry for entry in article.history if entry.target == target]

