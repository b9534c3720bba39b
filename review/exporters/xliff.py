"""Approved segment pairs as XLIFF 2.1 (de → en): one ``<file>`` per article.

Each approved segment is a ``<unit>`` holding one ``<segment>``. Only accepted and corrected
segments are exported (pending and rejected ones are not approved work), and both are
``state="final"``: XLIFF 2 defines final as "finalized and ready to be used", which is what a
reviewer's accept or correction means here. ``subState`` keeps the exact decision
(``review:accepted`` or ``review:corrected``). The machine output is kept as an ``mt``
candidate (Translation Candidates module), and reviewer, time and kind as metadata
(Metadata module); the article id and title are file metadata.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from review.article import Article
from review.exporters.select import Approved, approved_segments
from review.exporters.xmlutil import XML_SPACE, serialize, sub

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
_NMTOKEN = re.compile(r"[\w.:-]+")


def translations_xliff(articles: list[Article]) -> str:
    # Prefixed tag names with the namespaces declared on the root give stable, readable
    # prefixes without touching ElementTree's process-wide namespace registry.
    root = ET.Element("xliff", {"xmlns": XLIFF_NS, "xmlns:mtc": MTC_NS, "xmlns:mda": MDA_NS,
                                "version": "2.1", "srcLang": "de", "trgLang": "en"})
    for article in articles:
        items = approved_segments(article)
        if items:
            _file(root, article, items)
    return serialize(root)


def file_id(article_id: str) -> str:
    """The article id when it is a valid XML NMTOKEN (ids are file names, so nearly always)."""
    if _NMTOKEN.fullmatch(article_id):
        return article_id
    return "x-" + article_id.encode("utf-8").hex()


def _file(root: ET.Element, article: Article, items: list[Approved]) -> None:
    # xml:space keeps line breaks and runs of spaces in corrections as the reviewer typed them.
    file = sub(root, "file", id=file_id(article.id), original=article.source_path,
               **{XML_SPACE: "preserve"})
    _metadata(file, "article", {"id": article.id, "title": article.title})
    for item in items:
        _unit(file, item)


def _unit(file: ET.Element, item: Approved) -> None:
    seg = item.segment
    unit = sub(file, "unit", id=f"u{seg.index}", name=str(seg.index))
    if seg.machine is not None:
        matches = sub(unit, "mtc:matches")
        match = sub(matches, "mtc:match", ref=f"#s{seg.index}", type="mt",
                    origin=seg.machine.model)
        sub(match, "source", seg.source)
        sub(match, "target", seg.machine.text)
    decision = seg.decision
    _metadata(unit, "review", {"reviewer": decision.reviewer, "time": decision.time,
                               "kind": seg.kind})
    segment = sub(unit, "segment", id=f"s{seg.index}", state="final",
                  subState=f"review:{decision.status}")
    sub(segment, "source", seg.source)
    sub(segment, "target", item.target)


def _metadata(parent: ET.Element, category: str, values: dict[str, str | None]) -> None:
    group = sub(sub(parent, "mda:metadata"), "mda:metaGroup", category=category)
    for kind, value in values.items():
        if value is not None:
            sub(group, "mda:meta", value, type=kind)
