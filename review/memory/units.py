"""What the memory holds and answers: units, matches, concordance hits, conflicts."""
from __future__ import annotations

from dataclasses import dataclass

from review.errors import ReviewError

STORE_PREFIX = "article:"
TMX_PREFIX = "tmx:"
IMPORTED = "imported"  # the status a concordance hit on an imported unit carries


def origin_of(article_id: str, index: int) -> str:
    """The memory origin of a stored segment: "article:<id>#<index>"."""
    return f"{STORE_PREFIX}{article_id}#{index}"


class CorruptMemoryError(ReviewError):
    """A memory file that cannot be read; it is named and never overwritten."""

    exit_code = 1


@dataclass(frozen=True)
class Unit:
    """One German sentence and its approved English."""

    source: str
    target: str
    origin: str  # "article:<article id>#<segment index>" or "tmx:<file name>"
    reviewer: str | None = None
    time: str | None = None  # ISO 8601, UTC

    @property
    def from_store(self) -> bool:
        return self.origin.startswith(STORE_PREFIX)

    def to_json(self) -> dict:
        """The unit as stored in a memory file."""
        return {"source": self.source, "target": self.target, "origin": self.origin,
                "reviewer": self.reviewer, "time": self.time}


@dataclass(frozen=True)
class Match:
    unit: Unit
    score: float  # 1.0 exact after normalize(); otherwise rapidfuzz ratio / 100, below 1

    def to_dict(self) -> dict:
        score = round(self.score, 3)
        if self.score < 1.0:
            score = min(score, 0.999)  # a near-exact fuzzy match must never print as 1.0
        return {"source": self.unit.source, "target": self.unit.target, "score": score,
                "origin": self.unit.origin}


@dataclass(frozen=True)
class Hit:
    """A concordance hit: where the term occurs in the unit's German and English."""

    unit: Unit
    source_spans: tuple[tuple[int, int], ...]
    target_spans: tuple[tuple[int, int], ...]
    # accepted | corrected (approved store segments), pending | rejected (other store
    # segments, with their machine text if any), imported (TMX units)
    status: str | None = None

    def to_dict(self) -> dict:
        return {"source": self.unit.source, "target": self.unit.target,
                "origin": self.unit.origin, "status": self.status,
                "source_spans": [list(span) for span in self.source_spans],
                "target_spans": [list(span) for span in self.target_spans]}


@dataclass(frozen=True)
class Conflict:
    kind: str  # "same_source" | "same_target"
    text: str  # the shared German (same_source) or English (same_target), normalized
    units: tuple[Unit, ...]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text,
                "units": [{"source": u.source, "target": u.target, "origin": u.origin}
                          for u in self.units]}


def newest_first(units) -> list[Unit]:
    """Newest first; among equally new (or undated) units, store segments before imported."""
    return sorted(units, key=lambda u: (u.time or "", u.from_store), reverse=True)
