"""A second opinion: how far a second translation model's English is from the English we have.

Two good translations of one sentence share most of their character n-grams; where two models
disagree strongly, one of them is usually wrong (a misread clause, a dropped negation, a
garbled name), so the segment is worth a reviewer's look whichever English is kept.

The distance is chrF (sacrebleu, 0-100), taken both ways and averaged, since chrF weighs
recall over precision and neither side is the reference. The thresholds are not calibrated
on real model pairs yet (no weights on the development machine): ``scripts/
calibrate_agreement.py --second-model`` prints the distribution on a line-aligned file so
they can be set where the weights exist. Two news MT systems of opus-mt quality typically
score 50-70 chrF against each other per sentence; below 35 they rarely say the same thing.
"""
from __future__ import annotations

from functools import lru_cache

from review.article import Flag, Segment
from review.checks.base import Check, Code

SECOND_OPINION_THRESHOLD = 35.0  # chrF below this: flagged "second_opinion_differs"
COMFORTABLE_SECOND_OPINION = 60.0  # chrF between the two: a soft risk term below this


@lru_cache(maxsize=4096)  # the checks and the risk of one segment ask for the same pair
def chrf_between(english: str, second: str) -> float:
    """chrF of two English texts, taken both ways and averaged (100 = the same)."""
    if english.strip() == second.strip():
        return 100.0
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    both = chrf.sentence_score(english, [second]).score + chrf.sentence_score(second,
                                                                            [english]).score
    return round(both / 2, 1)


def segment_chrf(seg: Segment) -> float | None:
    """``chrf_between`` the segment's English and its second opinion; None without one."""
    english = seg.english
    if seg.second is None or english is None or not english.strip():
        return None
    return chrf_between(english, seg.second.text)


def second_opinion_flags(score: float | None, model: str | None = None) -> list[Flag]:
    """"second_opinion_differs" when the second model's English is far from ours (``score``
    is ``chrf_between`` the two; None when there is no second opinion)."""
    if score is None or score >= SECOND_OPINION_THRESHOLD:
        return []
    who = f"the second model ({model})" if model else "a second translation model"
    return [Flag("second_opinion_differs",
                 f"{who} translates this German very differently (chrF {score:.0f} between "
                 f"the two < {SECOND_OPINION_THRESHOLD:.0f}): compare, and take the better one")]


CHECKS = (
    Check(second_opinion_flags, (
        Code("second_opinion_differs", 0.45, "A second model translates this differently",
             "A second translation model gives English far from this one; where two models "
             "disagree, one of them is usually wrong: compare the two and take the better "
             "one."),), reads=("second_chrf", "second_model"), needs=("german", "second opinion"),
          rank=120),
)
