"""What counts as approved work, and who decided it when: shared by every format."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

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



@dataclass(frozen=True)
class SummaryChoice:
    """An approved summary and the export's verdict on it (``summary_choice``)."""

    article: Article
    summary: Summary
    text: str
    stamp: str | None  # e.g. "approved with 2 segments unreviewed and 1 rejected"; None: all
    problem: str | None  # why it is left out (one line with the fix); None when exported


def summary_choice(article: Article) -> SummaryChoice | None:
    """The one rule for every format: an approved summary is exported unless a rejected or
    pending segment was decided on (rejected, or reopened by an undo) after the summary was
    approved; an exported one is stamped with the segments still open. None: not approved."""
    found = approved_summary(article)
    if found is None:
        return None
    summary, text = found
    approved_at = _moment(summary.decision.time)
    open_segments = [seg for seg in article.reviewable()
                     if seg.decision.status in ("pending", "rejected")]
    later = [seg.index for seg in open_segments
             if _later(_last_decided(article, seg), approved_at)]
    if later:
        return SummaryChoice(article, summary, text, None, _left_out(article, later))
    return SummaryChoice(article, summary, text, _stamp(open_segments), None)


def summary_choices(articles: list[Article]) -> list[SummaryChoice]:
    """``summary_choice`` of each article with an approved summary, in the given order."""
    choices = (summary_choice(article) for article in articles)
    return [choice for choice in choices if choice is not None]


def _last_decided(article: Article, seg: Segment) -> datetime | None:
    """When the segment's last decision (or undo) was made: its history, else its decision."""
    history = decisions_on(article, f"segment:{seg.index}")
    return _moment(history[-1].time if history else seg.decision.time)


def _later(moment: datetime | None, approved_at: datetime | None) -> bool:
    if moment is None:  # never decided on: the reviewer saw it open when approving
        return False
    return approved_at is None or moment > approved_at


def _moment(text: str | None) -> datetime | None:
    """An ISO 8601 time (a naive one taken as UTC); None when missing or unreadable."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _stamp(open_segments: list[Segment]) -> str | None:
    pending = sum(seg.decision.status == "pending" for seg in open_segments)
    rejected = len(open_segments) - pending
    if not open_segments:
        return None
    first = pending or rejected
    noun = "segment" if first == 1 else "segments"
    if pending and rejected:
        return f"approved with {pending} {noun} unreviewed and {rejected} rejected"
    return f"approved with {first} {noun} {'unreviewed' if pending else 'rejected'}"


def _left_out(article: Article, indices: list[int]) -> str:
    which = ", ".join(map(str, indices))
    return (f"article {article.id}: summary left out: segment(s) {which} were rejected or "
            f"reopened after the summary was approved; review the summary again (python -m "
            f"review decide {article.id} --summary --accept --reviewer NAME, or --correct TEXT)")
