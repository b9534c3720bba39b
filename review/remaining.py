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

    def summary_due(self, summary: str) -> bool:
        """Whether a summary by ``summary`` is still to be made (a summary a reviewer decided
        on counts whatever its method; "none" wants none)."""
        if summary == "none":
            return False
        return self.summary_method is None or (self.summary_method != summary
                                               and self.summary_state == "pending")

    def left(self, summary: str, second: bool = False) -> tuple[str, ...]:
        """What a translate run still does, in its order: "translate", "check", "summary",
        and with ``second`` "second opinions"; empty when it is done."""
        due = (("translate", self.untranslated), ("check", self.unchecked),
               ("summary", self.summary_due(summary)),
               ("second opinions", second and self.second_due))
        return tuple(name for name, is_due in due if is_due)

    def is_done(self, summary: str, second: bool = False) -> bool:
        """Translated, checked, and summarized by ``summary`` (a summary a reviewer decided on
        counts whatever its method); with ``second``, every pending model output has its
        second opinion."""
        return not self.left(summary, second)
