"""One article as the app shows it: segment rows in review order, and the summary panel."""
from __future__ import annotations

from dataclasses import dataclass

from review.article import APPROVED, Article, Flag, Segment
from review.ui import state

ORDERS = ("article order", "highest risk first")
# Risk levels of the badges. Bulk accept has its own, lower bar, fitted on WMT22
# (review.checks.risk.bulk_accept_below).
LOW_RISK = 0.3
HIGH_RISK = 0.6
STATUS_ICONS = {"pending": "○", "accepted": "✓", "corrected": "✎", "rejected": "✗"}
STATUS_COLORS = {"pending": "gray", "accepted": "green", "corrected": "blue", "rejected": "red"}


@dataclass(frozen=True)
class SegmentRow:
    index: int
    kind: str
    source: str
    machine: str | None
    model: str | None
    prefill: str  # what the English box starts with: the approved text, else the machine's
    status: str
    reviewer: str | None
    revision: int  # the decision revision this view was built from
    flags: tuple[Flag, ...]  # the flags still standing: dismissed ones are left out
    risk: float | None
    in_summary: bool
    decided_text: str | None = None  # the approved English, when accepted or corrected
    origin: str | None = None  # where a translation-memory match came from
    dismissed: tuple = ()  # Dismissal records of false alarms: who, when, which flag
    second: str | None = None  # a second model's English (a second opinion), if any
    second_model: str | None = None
    errors: int = 0  # errors recorded with its decision
    comments: int = 0  # open (unresolved) comments

    def box_key(self, article_id: str) -> str:
        """Widget key of the English box."""
        return state.segment_box(article_id, self.index, self.revision, self.machine)


@dataclass(frozen=True)
class BoilerplateGroup:
    """Consecutive boilerplate rows (bylines, comment notices): shown collapsed, not reviewed."""
    rows: tuple[SegmentRow, ...]

    @property
    def title(self) -> str:
        first = self.rows[0].source
        preview = first if len(first) <= 60 else first[:57] + "…"
        count = f"{len(self.rows)} segments" if len(self.rows) > 1 else "1 segment"
        return f"Boilerplate, not reviewed ({count}): {preview}"


@dataclass(frozen=True)
class SummaryView:
    text: str | None
    prefill: str
    method: str
    model: str | None
    status: str
    reviewer: str | None
    revision: int
    flags: tuple[Flag, ...]
    note: str | None
    sources: tuple[tuple[int, str], ...]  # (segment index, German sentence) it was drawn from

    @property
    def caption(self) -> str:
        who = f" by {self.reviewer}" if self.reviewer and self.status != "pending" else ""
        return f"{self.method} · {self.model or 'no model'} · {self.status}{who}"

    def box_key(self, article_id: str) -> str:
        return state.summary_box(article_id, self.revision, self.text)


def row(seg: Segment, in_summary: bool = False) -> SegmentRow:
    machine = seg.machine.text if seg.machine else None
    return SegmentRow(
        index=seg.index, kind=seg.kind, source=seg.source, machine=machine,
        model=seg.machine.model if seg.machine else None,
        prefill=seg.english or "",
        status=seg.decision.status, reviewer=seg.decision.reviewer,
        revision=seg.decision.revision, flags=tuple(seg.active_flags), risk=seg.risk,
        in_summary=in_summary,
        decided_text=seg.decision.text if seg.decision.status in APPROVED else None,
        origin=seg.machine.origin if seg.machine and seg.machine.engine == "memory" else None,
        dismissed=tuple(seg.dismissed),
        second=seg.second.text if seg.second else None,
        second_model=seg.second.model if seg.second else None,
        errors=len(seg.decision.errors),
        comments=sum(1 for c in seg.comments if not c.resolved),
    )


def blocks(article: Article, order: str = ORDERS[0]) -> list[SegmentRow | BoilerplateGroup]:
    """Rows to show; boilerplate runs are grouped, and sent to the end when sorting by risk."""
    in_summary = set(article.summary.source_segments) if article.summary else set()
    rows = [row(seg, seg.index in in_summary) for seg in article.segments]
    if order == ORDERS[1]:
        review = sorted((r for r in rows if r.kind != "boilerplate"), key=_risk_key)
        rest = [r for r in rows if r.kind == "boilerplate"]
        return [*review, *([BoilerplateGroup(tuple(rest))] if rest else [])]
    return _grouped(rows)


def review_rows(blocks_: list[SegmentRow | BoilerplateGroup]) -> list[SegmentRow]:
    """The reviewable rows among ``blocks``, in the order shown."""
    return [b for b in blocks_ if isinstance(b, SegmentRow)]


def _risk_key(item: SegmentRow) -> tuple:
    # Highest risk first; rows without a risk (not checked yet) after all checked ones.
    return (item.risk is None, -(item.risk or 0.0), item.index)


def _grouped(rows: list[SegmentRow]) -> list[SegmentRow | BoilerplateGroup]:
    out: list[SegmentRow | BoilerplateGroup] = []
    for item in rows:
        if item.kind != "boilerplate":
            out.append(item)
        elif out and isinstance(out[-1], BoilerplateGroup):
            out[-1] = BoilerplateGroup((*out[-1].rows, item))
        else:
            out.append(BoilerplateGroup((item,)))
    return out


def bulk_accept_targets(article: Article) -> list[tuple[int, int]]:
    """(segment index, decision revision) of every pending row safe to accept unread.

    Safe: machine output, checked (never unchecked rows), no standing flag, a risk below
    ``review.checks.risk.bulk_accept_below()`` (the riskiest fifth of real systems' output on
    WMT22 starts there, see scripts/fit_risk.py: those are left for a reader, flagged or not),
    and, where the model scored it, an agreement above the threshold.
    """
    from review.checks.risk import AGREEMENT_THRESHOLD, bulk_accept_below

    below = bulk_accept_below()
    return [(seg.index, seg.decision.revision) for seg in article.reviewable()
            if seg.decision.status == "pending" and seg.machine is not None
            and seg.machine.text.strip() and not seg.active_flags
            and seg.risk is not None and seg.risk < below
            and (seg.agreement is None or seg.agreement >= AGREEMENT_THRESHOLD)]


def risk_level(risk: float | None) -> str:
    if risk is None:
        return "unchecked"
    return "high" if risk >= HIGH_RISK else "medium" if risk >= LOW_RISK else "low"


def risk_label(risk: float | None) -> str:
    return "not checked" if risk is None else f"{risk_level(risk)} risk {risk:.2f}"


def risk_color(risk: float | None) -> str:
    return {"high": "red", "medium": "orange", "low": "green"}.get(risk_level(risk), "gray")


def badges(item: SegmentRow) -> list[tuple[str, str]]:
    """(color, text) badges above a row: status (and by whom), risk, summary use."""
    who = f" by {item.reviewer}" if item.reviewer and item.status != "pending" else ""
    out = [(STATUS_COLORS.get(item.status, "gray"),
            f"{STATUS_ICONS.get(item.status, '')} {item.status}{who}"),
           (risk_color(item.risk), risk_label(item.risk))]
    if item.kind != "text":
        out.append(("violet", item.kind))
    if item.machine is None:
        out.append(("gray", "no machine output"))
    if item.in_summary:
        out.append(("blue", "in summary"))
    if item.origin:
        out.append(("violet", f"from memory: {origin_label(item.origin)}"))
    return out


def origin_label(origin: str | None) -> str:
    """Where a memory unit came from, in words: "article ID §N" or "TMX file NAME"."""
    kind, _, where = (origin or "").partition(":")
    if kind == "article":
        article_id, _, index = where.rpartition("#")
        return f"article {article_id} §{index}"
    if kind == "tmx":
        return f"TMX {where}"
    return origin or "unknown"


def summary_view(article: Article) -> SummaryView | None:
    summary = article.summary
    if summary is None:
        return None
    german = {seg.index: seg.source for seg in article.segments}
    decided = summary.decision.text if summary.decision.status in APPROVED else None
    return SummaryView(
        text=summary.text, prefill=decided if decided is not None else (summary.text or ""),
        method=summary.method, model=summary.model, status=summary.decision.status,
        reviewer=summary.decision.reviewer, revision=summary.decision.revision,
        flags=tuple(summary.flags), note=summary.note,
        sources=tuple((i, german[i]) for i in summary.source_segments if i in german),
    )
