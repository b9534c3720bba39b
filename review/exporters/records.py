"""Approved work as flat records: the rows behind JSON, JSONL and CSV."""
from __future__ import annotations

from typing import Any

from review.article import Article
from review.exporters.digest import summary_items
from review.exporters.select import approved_segments

# The fields after "time" came with the finished product; they are last so that CSV columns
# read by position stay where they were.
SUMMARY_FIELDS = ("article_id", "title", "summary", "method", "model", "source_segments",
                  "status", "reviewer", "time", "english_title", "source", "date", "stamp")
TRANSLATION_FIELDS = ("article_id", "title", "segment", "kind", "source", "target", "status",
                      "reviewer", "time", "machine", "model")


def summary_records(articles: list[Article]) -> list[dict[str, Any]]:
    """One record per exported summary (``digest.summary_items``), keys in SUMMARY_FIELDS
    order; ``title`` is the German title, ``english_title`` the English one."""
    records = []
    for item in summary_items(articles):
        decision = item.summary.decision
        records.append({
            "article_id": item.article.id, "title": item.article.title, "summary": item.text,
            "method": item.method, "model": item.model,
            "source_segments": item.source_segments, "status": decision.status,
            "reviewer": decision.reviewer, "time": decision.time,
            "english_title": item.english_title, "source": item.source, "date": item.date,
            "stamp": item.stamp,
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
