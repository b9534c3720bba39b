"""Approved work as flat records: the rows behind JSON, JSONL and CSV."""
from __future__ import annotations

from typing import Any

from review.article import Article
from review.exporters.select import approved_segments, approved_summary

SUMMARY_FIELDS = ("article_id", "title", "summary", "method", "model", "source_segments",
                  "status", "reviewer", "time")
TRANSLATION_FIELDS = ("article_id", "title", "segment", "kind", "source", "target", "status",
                      "reviewer", "time", "machine", "model")


def summary_records(articles: list[Article]) -> list[dict[str, Any]]:
    """One record per article whose summary is approved, keys in SUMMARY_FIELDS order."""
    records = []
    for article in articles:
        found = approved_summary(article)
        if found is None:
            continue
        summary, text = found
        decision = summary.decision
        records.append({
            "article_id": article.id, "title": article.title, "summary": text,
            "method": summary.method, "model": summary.model,
            "source_segments": list(summary.source_segments), "status": decision.status,
            "reviewer": decision.reviewer, "time": decision.time,
        })
    return records


def translation_records(articles: list[Article]) -> list[dict[str, Any]]:
    """One record per approved segment, keys in TRANSLATION_FIELDS order."""
    records = []
    for article in articles:
        for item in approved_segments(article):
            seg, decision = item.segment, item.segment.decision
            records.append({
                "article_id": article.id, "title": article.title, "segment": seg.index,
                "kind": seg.kind, "source": seg.source, "target": item.target,
                "status": decision.status, "reviewer": decision.reviewer,
                "time": decision.time, "machine": seg.machine.text if seg.machine else None,
                "model": seg.machine.model if seg.machine else None,
            })
    return records
