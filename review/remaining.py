"""What an article still lacks before a translate run is done with it: the one ``is_done``."""
from __future__ import annotations

from dataclasses import dataclass

from review.article import Article, Segment


def untranslated(seg: Segment) -> bool:
    """A segment still waiting for the model: pending, not boilerplate, German, no English."""
    return (seg.kind != "boilerplate" and seg.decision.status == "pending"
            and seg.machine is None and bool(seg.source.strip()))


def unchecked(seg: Segment) -> bool:
    """A reviewable segment with English that the checks have not scored."""
    return seg.kind != "boilerplate" and seg.english is not None and seg.risk is None


@dataclass(frozen=True)
class Remaining:
    untranslated: int
    unchecked: int
    second_due: int  # pending model output with no second opinion yet (Segment.second_due)
    summary_state: str  # pending | accepted | corrected | rejected | missing
    summary_method: str | None  # extractive | abstractive | human; None when missing

    @classmethod
    def of(cls, article: Article) -> Remaining:
        segments = article.segments
        return cls(untranslated=sum(map(untranslated, segments)),
                   unchecked=sum(map(unchecked, segments)),
                   second_due=sum(s.second_due for s in segments),
                   summary_state=article.summary_state(),
                   summary_method=article.summary.method if article.summary else None)

    def is_done(self, summary: str, second: bool = False) -> bool:
        """Translated, checked, and summarized by ``summary`` (a summary a reviewer decided on
        counts whatever its method); with ``second``, every pending model output has its
        second opinion."""
        if self.untranslated or self.unchecked or (second and self.second_due):
            return False
        if summary == "none":
            return True
        return self.summary_method is not None and (self.summary_method == summary
                                                    or self.summary_state != "pending")
