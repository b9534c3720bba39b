"""The review inside XLIFF: comments as ``<notes>``, errors as ITS Localization Quality Issue
annotations (XLIFF 2.1 ITS module) on ``<mrk>`` spans.

An error marks the English it was found in: its span in the machine output (the ``mt``
candidate's target) or else in the final target; an error without a span marks the whole
machine output (the final target where there is none). Each error is one ``<mrk>`` with
``its:locQualityIssueType`` (the MQM type mapped to ITS's types), ``its:locQualityIssueSeverity``
(the severity's weight against the heaviest, 0-100) and ``its:locQualityIssueComment`` (the MQM
type and severity, and the reviewer's note). Marks nest; a span that would cross another
marks the whole text instead, its comment naming the span.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from review.article import Segment
from review.exporters.xmlutil import sub, xml_text
from review.lqa.mapping import its_type
from review.lqa.profile import Profile

ITS_NS = "http://www.w3.org/2005/11/its"
MACHINE, FINAL = "machine", "final"  # the two texts an error can mark


@dataclass
class Mark:
    """One ``<mrk>``: characters ``start``-``end`` of its text, its attributes, marks inside."""
    start: int
    end: int
    attrs: dict[str, str]
    span: str | None = None
    inner: list[Mark] = field(default_factory=list)


def notes(unit: ET.Element, seg: Segment) -> None:
    """The segment's comment thread as ``<notes>`` (none when it has no comment)."""
    if not seg.comments:
        return
    group = sub(unit, "notes")
    for number, comment in enumerate(seg.comments, 1):
        sub(group, "note", f"{comment.author} ({comment.time}): {comment.text}",
            id=f"c{number}", category="resolved-comment" if comment.resolved else "comment")


def marks(seg: Segment, final: str, profile: Profile) -> dict[str, list[Mark]]:
    """The marks of the segment's errors on its machine output and on its ``final`` English,
    each list nested (``nest``); ids q1, q2... in error order."""
    machine = seg.machine.text if seg.machine else None
    found: dict[str, list[Mark]] = {MACHINE: [], FINAL: []}
    for number, error in enumerate(seg.decision.errors, 1):
        where, text = _where(error.span, machine, final)
        start = text.find(error.span) if error.span else 0
        end = start + len(error.span) if error.span else len(text)
        found[where].append(Mark(start, end, _attributes(error, number, profile), error.span))
    texts = {MACHINE: machine or "", FINAL: final}
    return {where: nest(items, len(texts[where])) for where, items in found.items()}


def nest(items: list[Mark], length: int) -> list[Mark]:
    """``items`` as a forest: each mark inside the smallest mark that holds it (outermost and
    earliest first); a mark that crosses one before it covers all ``length`` characters."""
    placed: list[Mark] = []
    for mark in items:
        if any(_cross(mark, other) for other in placed):
            _widen(mark, length)
        placed.append(mark)
    roots: list[Mark] = []
    stack: list[Mark] = []
    for mark in sorted(placed, key=lambda m: (m.start, -m.end)):
        while stack and stack[-1].end <= mark.start < mark.end:
            stack.pop()
        (stack[-1].inner if stack else roots).append(mark)
        stack.append(mark)
    return roots


def fill(parent: ET.Element, text: str, forest: list[Mark], start: int = 0,
         end: int | None = None) -> None:
    """Put ``text[start:end]`` into ``parent`` with ``forest``'s marks as ``<mrk>`` children."""
    end = len(text) if end is None else end
    parent.text, last, at = None, None, start
    for mark in forest:
        _append(parent, last, text[at:mark.start])
        last = sub(parent, "mrk", **mark.attrs)
        fill(last, text, mark.inner, mark.start, mark.end)
        at = mark.end
    _append(parent, last, text[at:end])


def _append(parent: ET.Element, last: ET.Element | None, piece: str) -> None:
    if last is None:
        parent.text = xml_text(piece)
    else:
        last.tail = xml_text(piece)


def _where(span: str | None, machine: str | None, final: str) -> tuple[str, str]:
    """Which text an error marks: its span's (machine output first), else the machine output."""
    if span and machine is not None and span in machine:
        return MACHINE, machine
    if span and span in final:
        return FINAL, final
    return (MACHINE, machine) if machine is not None else (FINAL, final)


def _attributes(error, number: int, profile: Profile) -> dict[str, str]:
    comment = f"{error.type} ({error.severity})" + (f": {error.note}" if error.note else "")
    return {"id": f"q{number}", "type": "its:generic",
            "its:locQualityIssueType": its_type(error.type),
            "its:locQualityIssueSeverity": f"{profile.its_severity(error.severity):g}",
            "its:locQualityIssueComment": comment}


def _cross(one: Mark, other: Mark) -> bool:
    """Whether two marks overlap without one holding the other."""
    return (one.start < other.start < one.end < other.end
            or other.start < one.start < other.end < one.end)


def _widen(mark: Mark, length: int) -> None:
    """Make ``mark`` cover the whole text, its comment naming the span it was about."""
    comment = mark.attrs["its:locQualityIssueComment"]
    mark.attrs["its:locQualityIssueComment"] = f"{comment} [on: {mark.span}]"
    mark.start, mark.end = 0, length
