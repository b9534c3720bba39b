"""The review domain: an article, its segments, machine output, checks and decisions.

These are plain dataclasses that round-trip through JSON (``to_dict``/``from_dict``); the store
decides where and how they are written.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

SCHEMA_VERSION = 1
STATUSES = ("pending", "accepted", "corrected", "rejected")
APPROVED = ("accepted", "corrected")
KINDS = ("heading", "text", "boilerplate")
ACTIONS = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Flag:
    code: str
    detail: str


@dataclass
class MachineOutput:
    text: str
    model: str
    confidence: float | None = None  # mean log-probability of the output tokens
    engine: str = "transformers"

    @classmethod
    def from_output(cls, output) -> MachineOutput:
        """From an engine's models.base.Output."""
        return cls(output.text, output.model, output.confidence, output.engine)


@dataclass
class Decision:
    status: str = "pending"
    text: str | None = None  # the approved English; None while pending or when rejected
    reviewer: str | None = None
    time: str | None = None
    revision: int = 0  # bumped by every decision; a write based on an older one is stale


@dataclass
class Segment:
    index: int
    start: int  # offsets into Article.text: source == text[start:end]
    end: int
    source: str
    kind: str = "text"
    paragraph: int = 0
    machine: MachineOutput | None = None
    flags: list[Flag] = field(default_factory=list)
    similarity: float | None = None
    risk: float | None = None
    decision: Decision = field(default_factory=Decision)

    @property
    def english(self) -> str | None:
        """The best English we have: the approved text, else the machine output."""
        if self.decision.status in APPROVED:
            return self.decision.text
        return self.machine.text if self.machine else None

    @property
    def needs_review(self) -> bool:
        return self.kind != "boilerplate" and self.decision.status == "pending"


@dataclass
class Summary:
    method: str  # extractive | abstractive | human
    text: str | None
    model: str | None = None
    source_segments: list[int] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    note: str | None = None
    decision: Decision = field(default_factory=Decision)


@dataclass
class HistoryEntry:
    target: str  # "segment:N" or "summary"
    action: str  # accept | correct | reject
    reviewer: str
    time: str
    before: dict[str, Any]
    after: dict[str, Any]
    machine: str | None = None  # the machine output the decision replaced or approved


@dataclass
class Article:
    id: str
    title: str
    text: str
    content_hash: str
    source_path: str | None = None
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    revision: int = 0
    segments: list[Segment] = field(default_factory=list)
    summary: Summary | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def segment(self, index: int) -> Segment:
        """The segment with ``index``; IndexError when there is none."""
        for seg in self.segments:
            if seg.index == index:
                return seg
        raise IndexError(index)

    def reviewable(self) -> list[Segment]:
        return [s for s in self.segments if s.kind != "boilerplate"]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for seg in self.reviewable():
            counts[seg.decision.status] += 1
        return counts

    def summary_state(self) -> str:
        return self.summary.decision.status if self.summary else "missing"

    def english_text(self) -> str:
        """The reviewed English article, paragraphs kept; untranslated segments are skipped."""
        paragraphs: dict[int, list[str]] = {}
        for seg in self.segments:
            if seg.kind != "boilerplate" and seg.decision.status != "rejected" and seg.english:
                paragraphs.setdefault(seg.paragraph, []).append(seg.english)
        return "\n".join(" ".join(parts) for _, parts in sorted(paragraphs.items()))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["segments"] = [_segment(s) for s in data.get("segments", [])]
        data["summary"] = _summary(data["summary"]) if data.get("summary") else None
        data["history"] = [HistoryEntry(**h) for h in data.get("history", [])]
        return cls(**data)


def _flags(items: list[dict]) -> list[Flag]:
    return [Flag(**f) for f in items or []]


def _segment(data: dict[str, Any]) -> Segment:
    data = dict(data)
    data["machine"] = MachineOutput(**data["machine"]) if data.get("machine") else None
    data["flags"] = _flags(data.get("flags"))
    data["decision"] = Decision(**data.get("decision", {}))
    return Segment(**data)


def _summary(data: dict[str, Any]) -> Summary:
    data = dict(data)
    data["flags"] = _flags(data.get("flags"))
    data["decision"] = Decision(**data.get("decision", {}))
    return Summary(**data)
