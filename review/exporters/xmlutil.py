"""Helpers shared by the XML formats (TMX, XLIFF): clean text, dates, serialization."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

TOOL = "review"
TOOL_VERSION = "1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str | None) -> str:
    """Text that XML 1.0 can carry: forbidden characters removed, line ends as LF.

    XML parsers turn CR and CRLF into LF anyway, so doing it here keeps what we write equal
    to what a reader gets back.
    """
    if text is None:
        return ""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str | None) -> ET.Element:
    """Append a child with cleaned text; attributes whose value is None are left out."""
    child = ET.SubElement(parent, tag, {key: xml_text(value) for key, value in attrs.items()
                                        if value is not None})
    if text is not None:
        child.text = xml_text(text)
    return child


def compact_utc(iso_time: str | None) -> str | None:
    """An ISO 8601 time as TMX's YYYYMMDDThhmmssZ in UTC; None when missing or unreadable."""
    if not iso_time:
        return None
    try:
        moment = datetime.fromisoformat(iso_time)
    except ValueError:
        return None
    if moment.tzinfo is None:  # our own times are UTC; a naive one is taken as UTC too
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def serialize(root: ET.Element, doctype: str | None = None, inline: tuple[str, ...] = ()) -> str:
    """The document as indented UTF-8 XML text with its declaration; elements named in
    ``inline`` (local names) hold mixed content, kept exactly as it is."""
    if inline:
        _indent(root, set(inline))
    else:
        ET.indent(root, space="  ")
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + (doctype + "\n" if doctype else "")
    return head + ET.tostring(root, encoding="unicode") + "\n"


def _indent(elem: ET.Element, inline: set[str], level: int = 0) -> None:
    """``ET.indent`` with two spaces, except inside ``inline`` elements: their text and their
    children's tails are content (a line break there would change the text)."""
    if not len(elem) or elem.tag.rpartition(":")[2].rpartition("}")[2] in inline:
        return
    pad = "\n" + "  " * (level + 1)
    if not elem.text or not elem.text.strip():
        elem.text = pad
    for child in elem:
        _indent(child, inline, level + 1)
        if not child.tail or not child.tail.strip():
            child.tail = pad
    if not child.tail.strip():
        child.tail = "\n" + "  " * level
