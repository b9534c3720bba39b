"""Where the reviewer is inside an article: the current segment, the filter, next and previous.

Pure functions over the rows the page shows, so the keyboard flow is testable without a browser.
"""
from __future__ import annotations

from typing import Sequence

from review.ui.rows import SegmentRow

SEGMENT_FILTERS = ("all", "pending", "flagged", "decided")


def matches(row: SegmentRow, which: str) -> bool:
    """Whether a segment row belongs under the in-article filter ``which``."""
    if which == "pending":
        return row.status == "pending"
    if which == "flagged":
        return bool(row.flags)
    if which == "decided":
        return row.status != "pending"
    return True


def shown(rows: Sequence[SegmentRow], which: str, current: int | None) -> list[SegmentRow]:
    """The rows under the filter; the current one stays, so a decision never loses its place."""
    return [r for r in rows if matches(r, which) or r.index == current]


def opening(rows: Sequence[SegmentRow], wanted: int | None = None) -> int | None:
    """The segment to open: ``wanted`` if it is reviewable, else the first pending, else first."""
    indexes = [r.index for r in rows]
    if wanted in indexes:
        return wanted
    return next((r.index for r in rows if r.status == "pending"), indexes[0] if indexes else None)


def next_pending(rows: Sequence[SegmentRow], current: int | None) -> int | None:
    """The next pending segment after ``current`` in the shown order, wrapping; None if none."""
    order = list(rows)
    start = next((i for i, r in enumerate(order) if r.index == current), -1)
    for row in order[start + 1:] + order[:start + 1]:
        if row.status == "pending" and row.index != current:
            return row.index
    return None


def step(rows: Sequence[SegmentRow], current: int | None, delta: int) -> int | None:
    """The segment ``delta`` rows away from ``current`` in the shown order (clamped)."""
    indexes = [r.index for r in rows]
    if not indexes:
        return None
    if current not in indexes:
        return indexes[0]
    position = min(max(indexes.index(current) + delta, 0), len(indexes) - 1)
    return indexes[position]


def progress(rows: Sequence[SegmentRow]) -> tuple[int, int, int]:
    """(reviewed, total, pending with flags) over the reviewable rows."""
    reviewed = sum(1 for r in rows if r.status != "pending")
    flagged = sum(1 for r in rows if r.status == "pending" and r.flags)
    return reviewed, len(rows), flagged


def window(rows: Sequence[SegmentRow], current: int | None, size: int) -> list[SegmentRow]:
    """At most ``size`` rows around ``current``: a third before it, the rest after."""
    rows = list(rows)
    if len(rows) <= size:
        return rows
    position = next((i for i, r in enumerate(rows) if r.index == current), 0)
    start = min(max(position - size // 3, 0), len(rows) - size)
    return rows[start:start + size]
