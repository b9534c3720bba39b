"""Approved segment pairs as a TMX 1.4b translation memory (de-DE → en-US).

One ``<tu>`` per approved segment. ``creationid``/``creationdate`` come from the first
decision on that segment in the article's history and ``changeid``/``changedate`` from the
last; an article without history falls back to the current decision for both. Provenance
travels in ``x-`` props: article id and title, segment index, status and MT model.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from review.article import Article
from review.exporters.select import Approved, approved_segments, decisions_on
from review.exporters.xmlutil import TOOL, TOOL_VERSION, XML_LANG, compact_utc, serialize, sub

SOURCE_LANG = "de-DE"
TARGET_LANG = "en-US"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def translations_tmx(articles: list[Article]) -> str:
    root = ET.Element("tmx", version="1.4")
    sub(root, "header", creationtool=TOOL, creationtoolversion=TOOL_VERSION,
        datatype="plaintext", segtype="sentence", adminlang="en-US", srclang=SOURCE_LANG,
        **{"o-tmf": "review-json"})
    body = sub(root, "body")
    for article in articles:
        for item in approved_segments(article):
            _translation_unit(body, item)
    return serialize(root, DOCTYPE)


def _translation_unit(body: ET.Element, item: Approved) -> None:
    article, seg = item.article, item.segment
    tu = sub(body, "tu", tuid=f"{article.id}:{seg.index}", **_provenance(item))
    props = {"x-article-id": article.id, "x-title": article.title,
             "x-segment": str(seg.index), "x-kind": seg.kind, "x-status": seg.decision.status,
             "x-model": seg.machine.model if seg.machine else None}
    for kind, value in props.items():
        if value is not None:
            sub(tu, "prop", value, type=kind)
    sub(sub(tu, "tuv", **{XML_LANG: SOURCE_LANG}), "seg", seg.source)
    sub(sub(tu, "tuv", **{XML_LANG: TARGET_LANG}), "seg", item.target)


def _provenance(item: Approved) -> dict[str, str | None]:
    """Who first decided on the segment and when, and who last changed it and when."""
    history = decisions_on(item.article, f"segment:{item.segment.index}")
    # A HistoryEntry and a Decision both carry .reviewer and .time.
    first = history[0] if history else item.segment.decision
    last = history[-1] if history else item.segment.decision
    return {"creationid": first.reviewer, "creationdate": compact_utc(first.time),
            "changeid": last.reviewer, "changedate": compact_utc(last.time)}
