"""The overview's tables: progress per article, flags by code, decisions per reviewer and day,
and post-edit effort per corrected segment. Plain rows, so the charts and CSVs share them.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from review.article import APPROVED, Article

TABLES = ("progress", "flags", "decisions", "effort")


def progress_rows(articles: Iterable[Article]) -> list[dict]:
    """One row per article and status: how many reviewable segments are in it."""
    rows = []
    for article in articles:
        for status, count in article.counts().items():
            rows.append({"article": article.id, "title": article.title, "status": status,
                         "segments": count})
    return rows


def flag_rows(articles: Iterable[Article]) -> list[dict]:
    """Per flag code: raised on reviewable segments, and how many of those were dismissed."""
    raised, dismissed = Counter(), Counter()
    for article in articles:
        for seg in article.reviewable():
            standing = {(f.code, f.detail) for f in seg.active_flags}
            for flag in seg.flags:
                raised[flag.code] += 1
                dismissed[flag.code] += (flag.code, flag.detail) not in standing
    return [{"code": code, "raised": raised[code], "dismissed": dismissed[code]}
            for code in sorted(raised, key=lambda c: (-raised[c], c))]


def decision_rows(articles: Iterable[Article]) -> list[dict]:
    """Decisions (undos included) per reviewer, day and action, from every history."""
    counts = Counter()
    for article in articles:
        for entry in article.history:
            counts[(entry.reviewer, (entry.time or "")[:10], entry.action)] += 1
    return [{"reviewer": who, "day": day, "action": action, "decisions": n}
            for (who, day, action), n in sorted(counts.items())]


def effort_rows(articles: Iterable[Article]) -> list[dict]:
    """chrF and TER of each approved segment's machine output against its final English."""
    from sacrebleu.metrics import CHRF, TER

    chrf, ter = CHRF(), TER()
    rows = []
    for article in articles:
        for seg in article.reviewable():
            final = seg.decision.text
            if seg.machine is None or seg.decision.status not in APPROVED or not final:
                continue
            rows.append({"article": article.id, "segment": seg.index,
                         "status": seg.decision.status,
                         "chrf": round(chrf.sentence_score(seg.machine.text, [final]).score, 1),
                         "ter": round(ter.sentence_score(seg.machine.text, [final]).score, 1)})
    return rows


def tables(articles: list[Article]) -> dict[str, list[dict]]:
    return {"progress": progress_rows(articles), "flags": flag_rows(articles),
            "decisions": decision_rows(articles), "effort": effort_rows(articles)}


def csv_text(rows: list[dict]) -> str:
    """The rows as CSV (with the exports' guard against cells a spreadsheet would run)."""
    from review.exporters.tabular import to_csv

    return to_csv(rows, tuple(rows[0])) if rows else ""
