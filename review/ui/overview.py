"""The overview's tables: progress per article, flags by code, decisions per reviewer and day,
post-edit effort, and quality (errors by type and severity, scorecards per reviewer and
model). Plain rows, so the charts and CSVs share them.

All but the per-segment effort table and the quality tables come from the listing index
(``review.listing.ArticleSummary``), so the page costs one stat per article file, not a parse;
those two read the articles.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from review.article import STATUSES, Article

TABLES = ("progress", "flags", "decisions", "effort")


def progress_rows(summaries: Iterable) -> list[dict]:
    """One row per article and status: how many reviewable segments are in it."""
    return [{"article": s.id, "title": s.title, "status": status, "segments": count}
            for s in summaries for status, count in s.counts().items()]


def most_to_review(summaries: Iterable, limit: int) -> list:
    """The ``limit`` articles with the most pending segments (then by id)."""
    return sorted(summaries, key=lambda s: (-s.pending, s.id))[:limit]


def totals(summaries: Iterable) -> dict[str, int]:
    """Reviewable segments per status over every article."""
    counts = Counter()
    for summary in summaries:
        counts.update(summary.counts())
    return {status: counts[status] for status in STATUSES}


def riskiest_rows(summaries: Iterable, limit: int) -> list[dict]:
    """The ``limit`` riskiest pending segments of the store: where to look first."""
    from review.checks.describe import describe

    rows = [{"article": s.id, "title": s.title, "segment": index, "risk": risk,
             "flags": "; ".join(describe(code)[0] for code in codes)}
            for s in summaries for index, risk, codes in s.riskiest]
    return sorted(rows, key=lambda r: (-r["risk"], r["article"], r["segment"]))[:limit]


def flag_rows(summaries: Iterable) -> list[dict]:
    """Per flag code: raised on reviewable segments, and how many of those were dismissed."""
    raised, dismissed = Counter(), Counter()
    for summary in summaries:
        for code, (up, gone) in summary.flags.items():
            raised[code] += up
            dismissed[code] += gone
    return [{"code": code, "raised": raised[code], "dismissed": dismissed[code]}
            for code in sorted(raised, key=lambda c: (-raised[c], c))]


def decision_rows(summaries: Iterable) -> list[dict]:
    """Decisions (undos included) per reviewer, day and action, from every history."""
    counts = Counter()
    for summary in summaries:
        for who, day, action, n in summary.decisions:
            counts[(who, day, action)] += n
    return [{"reviewer": who, "day": day, "action": action, "decisions": n}
            for (who, day, action), n in sorted(counts.items())]


def effort_bin_rows(summaries: Iterable) -> list[dict]:
    """Approved segments per status and post-edit chrF bin (lower edge; 100 = untouched)."""
    counts = Counter()
    for summary in summaries:
        for status, low, n in summary.effort_bins:
            counts[(status, low)] += n
    return [{"status": status, "chrf": low, "segments": n}
            for (status, low), n in sorted(counts.items())]


def effort_rows(articles: Iterable[Article]) -> list[dict]:
    """chrF and TER of each approved segment's machine output against its final English
    (reads the articles: for the CSV download, made when it is asked for)."""
    from sacrebleu.metrics import CHRF, TER

    from review.metrics import edit_segments

    chrf, ter = CHRF(), TER()
    return [{"article": article.id, "segment": seg.index, "status": seg.decision.status,
             "chrf": round(chrf.sentence_score(seg.machine.text, [seg.decision.text]).score, 1),
             "ter": round(ter.sentence_score(seg.machine.text, [seg.decision.text]).score, 1)}
            for article in articles for seg in edit_segments(article)]


def tables(summaries: list) -> dict[str, list[dict]]:
    """The tables the charts draw, from listing summaries (effort as chrF bins)."""
    return {"progress": progress_rows(summaries), "flags": flag_rows(summaries),
            "decisions": decision_rows(summaries), "effort": effort_bin_rows(summaries)}


def csv_text(rows: list[dict]) -> str:
    """The rows as CSV (with the exports' guard against cells a spreadsheet would run)."""
    from review.exporters.tabular import to_csv

    return to_csv(rows, tuple(rows[0])) if rows else ""


QUALITY = ("errors", "reviewers", "models")


def quality_tables(articles: Iterable[Article], profile=None) -> dict[str, list[dict]]:
    """Errors in effect per type and severity over ``articles``, and the scorecards per
    reviewer and per model under ``profile`` (the default when None)."""
    from review.lqa.profile import DEFAULT
    from review.lqa.scorecard import scorecards

    cards = scorecards(articles, profile or DEFAULT)
    errors = [{"type": type_, "severity": severity, "errors": n}
              for type_, row in cards.total.errors.items() for severity, n in row.items()]
    return {"errors": errors, "reviewers": card_rows("reviewer", cards.reviewers),
            "models": card_rows("model", cards.models)}


def card_rows(kind: str, cards: list) -> list[dict]:
    """One row per (name, scorecard): words, penalty, per 1,000 words, score, pass."""
    return [{kind: name, "words": card.words, "penalty": card.penalty,
             "per_thousand": card.per_thousand, "score": card.score, "pass": card.passed}
            for name, card in cards]
