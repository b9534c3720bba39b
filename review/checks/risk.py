"""One risk score in [0, 1] per segment from the flags it got and how sure we are of it.

    risk = 1 - (1 - w_1)(1 - w_2)...(1 - w_n) (1 - s)

where w_i is the weight of each fired flag code (counted once per code; the weights are
``review.checks.registry``'s) and s is a soft term for a similarity or confidence that is low
but not low enough to be flagged:

    s = 0.25 * clip((COMFORTABLE - similarity) / (COMFORTABLE - LOW), 0, 1)
      + 0.15 * clip((-0.8 - confidence) / 0.7, 0, 1)
      + 0.35 * clip((COMFORTABLE_AGREEMENT - agreement) / 1.5, 0, 1)
      + 0.3 * clip((COMFORTABLE_SECOND_OPINION - second) / 25, 0, 1)

with the agreement span COMFORTABLE_AGREEMENT - AGREEMENT_THRESHOLD = 1.5 (both in
``review.checks.agreement``), and ``second`` the chrF between the English and a second model's
(``review.checks.second_opinion``), whose span COMFORTABLE_SECOND_OPINION -
SECOND_OPINION_THRESHOLD is 25.

So an unflagged segment with a comfortable similarity scores 0, one flag scores its weight,
and every further independent flag raises the score towards 1. A stored segment's risk
(``segment_risk``) counts only its active flags: one a reviewer dismissed adds nothing.
"""
from __future__ import annotations

from review.article import Flag, Segment
from review.checks.agreement import AGREEMENT_THRESHOLD, COMFORTABLE_AGREEMENT
from review.checks.agreement import agreement_flags  # noqa: F401 - callers still read it here
from review.checks.registry import WEIGHTS
from review.checks.second_opinion import (COMFORTABLE_SECOND_OPINION, SECOND_OPINION_THRESHOLD,
                                          segment_chrf)
from review.checks.similarity import COMFORTABLE_SIMILARITY, LOW_SIMILARITY

# A stored flag whose code is no longer registered (an older version's) still counts this much;
# the checks themselves cannot raise an unregistered code (review.checks.registry.run).
DEFAULT_WEIGHT = 0.4


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def soft_risk(similarity: float | None, confidence: float | None,
              agreement: float | None = None, second: float | None = None) -> float:
    """Risk from a similarity, confidence, agreement or second-opinion chrF that is low but
    below no threshold."""
    soft = 0.0
    if similarity is not None:
        span = COMFORTABLE_SIMILARITY - LOW_SIMILARITY
        soft += 0.25 * _clip((COMFORTABLE_SIMILARITY - similarity) / span)
    if confidence is not None:
        soft += 0.15 * _clip((-0.8 - confidence) / 0.7)
    if agreement is not None:
        span = COMFORTABLE_AGREEMENT - AGREEMENT_THRESHOLD
        soft += 0.35 * _clip((COMFORTABLE_AGREEMENT - agreement) / span)
    if second is not None:
        span = COMFORTABLE_SECOND_OPINION - SECOND_OPINION_THRESHOLD
        soft += 0.3 * _clip((COMFORTABLE_SECOND_OPINION - second) / span)
    return min(soft, 1.0)


def risk(flags: list[Flag], similarity: float | None = None,
         confidence: float | None = None, agreement: float | None = None,
         second: float | None = None) -> float:
    """Combine the fired flags and the soft signals into one score in [0, 1]."""
    keep = 1.0 - soft_risk(similarity, confidence, agreement, second)
    for code in sorted({f.code for f in flags}):  # one order: the same risk in every process
        keep *= 1.0 - WEIGHTS.get(code, DEFAULT_WEIGHT)
    return round(_clip(1.0 - keep), 3)


def english_confidence(seg: Segment) -> float | None:
    """The model's confidence, when the segment's English is still the machine output."""
    english = seg.english
    if seg.machine is None or english is None or english != seg.machine.text:
        return None
    return seg.machine.confidence


def segment_risk(seg: Segment, second: float | None = None) -> float:
    """The risk of a checked segment from its active flags, similarity, confidence,
    agreement and second opinion (``second``: its chrF when already known)."""
    if not seg.source.strip():
        return 0.0
    return risk(seg.active_flags, seg.similarity, english_confidence(seg), seg.agreement,
                segment_chrf(seg) if second is None else second)
