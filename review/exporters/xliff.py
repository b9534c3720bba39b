"""Approved segment pairs as XLIFF 2.0 (de → en): one ``<file>`` per article.

Only XLIFF 2.0 core plus its Translation Candidates and Metadata modules is used, so the
document says version="2.0" and tools that know only 2.0 read it; a document that carries
errors a reviewer recorded says version="2.1", as they are ITS module annotations
(``xliff_review``). Comments on a segment are its unit's ``<notes>``. Unit ids are unique in the
whole document, not just within each ``<file>`` as XLIFF requires: ``<article id>-<segment
index>`` when that is an XML NCName, else a hex spelling of the article id, so tools that
key translation units on their id alone do not merge units of different articles.

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
from review.exporters import xliff_review
from review.exporters.select import Approved, approved_segments
from review.exporters.xmlutil import XML_SPACE, serialize, sub
from review.lqa.profile import DEFAULT, Profile

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
_NMTOKEN = re.compile(r"[\w.:-]+")


def translations_xliff(articles: list[Article], profile: Profile = DEFAULT) -> str:
    """The approved segments of ``articles``, with their review (errors weighed by
    ``profile`` for ITS's 0-100 severity, comments)."""
    # Prefixed tag names with the namespaces declared on the root give stable, readable
    # prefixes without touching ElementTree's process-wide namespace registry.
    root = ET.Element("xliff", {"xmlns": XLIFF_NS, "xmlns:mtc": MTC_NS, "xmlns:mda": MDA_NS,
                                "version": "2.0", "srcLang": "de", "trgLang": "en"})
    used: set[str] = set()
    for article in articles:
        items = approved_segments(article)
        if items:
            _file(root, article, items, used, profile)
    if root.find(".//mrk") is not None:
        root.set("version", "2.1")
        root.set("xmlns:its", xliff_review.ITS_NS)
    return serialize(root, inline=("source", "target", "note"))


def file_id(article_id: str) -> str:
    """The article id when it is a valid XML NMTOKEN (ids are file names, so nearly always)."""
    if _NMTOKEN.fullmatch(article_id):
        return article_id
    return "x-" + article_id.encode("utf-8").hex()


def unit_id(article_id: str, index: int) -> str:
    """``<article id>-<index>`` when that is an XML NCName, else ``u<hex of the id>-<index>``.

    The segment index is the part after the last ``-`` and holds no ``-``, so different
    (article, segment) pairs never give the same id.
    """
    candidate = f"{article_id}-{index}"
    if _is_ncname(candidate):
        return candidate
    return f"u{article_id.encode('utf-8').hex()}-{index}"


def _is_ncname(text: str) -> bool:
    # Python identifiers (XID_Start/XID_Continue) are a subset of XML's name characters;
    # "-" and "." are name characters too, but not at the start.
    return text[:1] not in ("-", ".") and text.replace("-", "_").replace(".", "_").isidentifier()


def _unique(candidate: str, used: set[str]) -> str:
    # Only an id from the hex spelling could meet a real article id; "_N" never ends a
    # generated id (they end in "-<digits>"), so a renamed one cannot meet a later one.
    found, count = candidate, 1
    while found in used:
        count += 1
        found = f"{candidate}_{count}"
    used.add(found)
    return found


def _file(root: ET.Element, article: Article, items: list[Approved], used: set[str],
          profile: Profile) -> None:
    # xml:space keeps line breaks and runs of spaces in corrections as the reviewer typed them.
    # original names where the article came from for its readers (a URL or a file name),
    # never the folder of the server it was added on.
    file = sub(root, "file", id=file_id(article.id),
               original=article.source_name() or article.id, **{XML_SPACE: "preserve"})
    _metadata(file, "article", {"id": article.id, "title": article.title})
    for item in items:
        _unit(file, item, _unique(unit_id(article.id, item.segment.index), used), profile)


def _unit(file: ET.Element, item: Approved, unit_name: str, profile: Profile) -> None:
    seg = item.segment
    unit = sub(file, "unit", id=unit_name, name=str(seg.index))
    marks = xliff_review.marks(seg, item.target, profile)
    if seg.machine is not None:
        matches = sub(unit, "mtc:matches")
        match = sub(matches, "mtc:match", ref=f"#s{seg.index}", type="mt",
                    origin=seg.machine.model)
        sub(match, "source", seg.source)
        xliff_review.fill(sub(match, "target"), seg.machine.text, marks[xliff_review.MACHINE])
    decision = seg.decision
    _metadata(unit, "review", {"reviewer": decision.reviewer, "time": decision.time,
                               "kind": seg.kind})
    xliff_review.notes(unit, seg)
    segment = sub(unit, "segment", id=f"s{seg.index}", state="final",
                  subState=f"review:{decision.status}")
    sub(segment, "source", seg.source)
    xliff_review.fill(sub(segment, "target"), item.target, marks[xliff_review.FINAL])


def _metadata(parent: ET.Element, category: str, values: dict[str, str | None]) -> None:
    group = sub(sub(parent, "mda:metadata"), "mda:metaGroup", category=category)
    for kind, value in values.items():
        if value is not None:
            sub(group, "mda:meta", value, type=kind)
