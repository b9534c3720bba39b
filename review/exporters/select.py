"""What counts as approved work, and who decided it when: shared by every format."""
from __future__ import annotations

from dataclasses import dataclass

from review.article import APPROVED, Article, HistoryEntry, Segment, Summary


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
        if seg.kind != "boilerplate" and seg.decision.status in APPROVED:
            machine = seg.machine.text if seg.machine else None
            target = _final_text(seg.decision.text, machine)
            if target is not None:
                found.append(Approved(article, seg, target))
    return found


def approved_summary(article: Article) -> tuple[Summary, str] | None:
    """The article's summary and its final text when a reviewer approved it, else None."""
    summary = article.summary
    if summary is None or summary.decision.status not in APPROVED:
        return None
    text = _final_text(summary.decision.text, summary.text)
    return (summary, text) if text is not None else None


def decisions_on(article: Article, target: str) -> list[HistoryEntry]:
    """History entries for ``target`` ("segment:N" or "summary"), oldest first."""
    return [entry for entry in article.history if entry.target == target]


def _final_text(decided: str | None, machine: str | None) -> str | None:
    # An accept may leave decision.text empty and mean "the machine output as it stands".
    return decided if decided is not None else machine
