"""One risk score in [0, 1] per segment: how likely its English is wrong, learned on WMT22.

    risk = 1 - (1 - p) (1 - h) (1 - w_1)(1 - w_2)...(1 - w_n)

``p`` is learned: p = 1 / (1 + exp(-(b + sum_f c_f x_f))) over the features x_f of
``review.checks.features`` (similarity, lengths, copying, punctuation, number and name flags,
second-opinion chrF, memory origin), with the intercept b and coefficients c_f read from
``data/risk_model.json``. ``scripts/fit_risk.py`` writes that file: a logistic regression on the
WMT22 German→English outputs of nine real systems, whose target is being among the worst tenth
by chrF against the two human references, so p is the chance of such a translation. Its
coefficients keep the sign that makes sense (a lower similarity or one more number or name flag
never lowers p), so every segment is ordered, flagged or not.

``h`` is a hand-set term for what WMT22 cannot calibrate, the model's own confidence and the
agreement (the English scored under the translation model, ``review.checks.agreement``):

    h = 0.15 * clip((-0.8 - confidence) / 0.7, 0, 1)
      + 0.35 * clip((COMFORTABLE_AGREEMENT - agreement) / 1.5, 0, 1)

and w_i is the registry weight of each standing flag code (counted once per code; the weights
``python -m review check --list`` shows). The flags multiply on top, so a flag never lowers the
risk and an unflagged segment keeps its learned order. A stored segment's risk
(``segment_risk``) counts only its active flags: one a reviewer dismissed adds nothing.
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from review.article import Flag, Segment
from review.checks import features as feature_table
from review.checks.agreement import AGREEMENT_THRESHOLD, COMFORTABLE_AGREEMENT
from review.checks.agreement import agreement_flags  # noqa: F401 - callers still read it here
from review.checks.registry import WEIGHTS
from review.checks.second_opinion import segment_chrf

MODEL_FILE = Path(__file__).parent / "data" / "risk_model.json"
# A stored flag whose code is no longer registered (an older version's) still counts this much;
# the checks themselves cannot raise an unregistered code (review.checks.registry.run).
DEFAULT_WEIGHT = 0.4
# Digits a risk is rounded to: fine enough to order unflagged segments, and one value in every
# process for the same inputs.
DIGITS = 4


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


@functools.lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> dict:
    """The fitted coefficients (``scripts/fit_risk.py``): intercept, one coefficient per
    feature, and the bulk-accept threshold; a file that lacks any is a ValueError naming it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as err:
        raise ValueError(f"{path}: not a risk model ({err}); rerun scripts/fit_risk.py") from None
    coefficients = data.get("coefficients", {}) if isinstance(data, dict) else {}
    missing = [name for name in feature_table.FEATURES if name not in coefficients]
    if missing or "intercept" not in data or "bulk_accept_below" not in data:
        raise ValueError(f"{path}: not a risk model (missing {', '.join(missing) or 'keys'}); "
                         "rerun scripts/fit_risk.py")
    return data


def learned_risk(values: dict[str, float], model: dict | None = None) -> float:
    """p: the learned chance that a translation with these feature ``values`` is among the
    worst (``review.checks.features.features`` gives them)."""
    model = model or load_model()
    score = model["intercept"] + sum(model["coefficients"][name] * values[name]
                                     for name in feature_table.FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


def hand_risk(confidence: float | None, agreement: float | None) -> float:
    """h: the hand-set term for a low confidence or agreement (no WMT22 data to learn it)."""
    soft = 0.0
    if confidence is not None:
        soft += 0.15 * _clip((-0.8 - confidence) / 0.7)
    if agreement is not None:
        span = COMFORTABLE_AGREEMENT - AGREEMENT_THRESHOLD
        soft += 0.35 * _clip((COMFORTABLE_AGREEMENT - agreement) / span)
    return min(soft, 1.0)


def flag_keep(codes) -> float:
    """The product of (1 - weight) over the distinct flag ``codes``: what the flags leave."""
    keep = 1.0
    for code in sorted(set(codes)):  # one order: the same risk in every process
        keep *= 1.0 - WEIGHTS.get(code, DEFAULT_WEIGHT)
    return keep


def combine(p: float, codes, confidence: float | None = None,
            agreement: float | None = None) -> float:
    """The risk from the learned ``p``, the flag ``codes`` on top and the hand-set term."""
    keep = (1.0 - p) * (1.0 - hand_risk(confidence, agreement)) * flag_keep(codes)
    return round(_clip(1.0 - keep), DIGITS)


def risk(flags: list[Flag], similarity: float | None = None,
         confidence: float | None = None, agreement: float | None = None,
         second: float | None = None, *, source: str | None = None,
         target: str | None = None, memory: bool = False) -> float:
    """One score in [0, 1] from the fired flags and what else is known of the pair: its
    similarity, the model's confidence, the agreement, the second-opinion chrF, the German
    ``source`` and English ``target`` and whether the English is a ``memory`` match (each
    None or absent takes the default documented in ``review.checks.features``)."""
    codes = [f.code for f in flags]
    values = feature_table.features(codes, similarity, source, target, second, memory)
    return combine(learned_risk(values), codes, confidence, agreement)


def bulk_accept_below() -> float:
    """Bulk accept leaves every segment at or above this risk for a reader (the riskiest
    fifth of the WMT22 systems' output; see scripts/fit_risk.py)."""
    return float(load_model()["bulk_accept_below"])


def english_confidence(seg: Segment) -> float | None:
    """The model's confidence, when the segment's English is still the machine output."""
    english = seg.english
    if seg.machine is None or english is None or english != seg.machine.text:
        return None
    return seg.machine.confidence


def from_memory(seg: Segment) -> bool:
    """Whether the segment's English is still a translation-memory match."""
    return (seg.machine is not None and seg.machine.engine == "memory"
            and seg.english == seg.machine.text)


def segment_risk(seg: Segment, second: float | None = None) -> float:
    """The risk of a checked segment from its active flags, similarity, confidence,
    agreement, second opinion (``second``: its chrF when already known), German, English and
    memory origin."""
    if not seg.source.strip():
        return 0.0
    return risk(seg.active_flags, seg.similarity, english_confidence(seg), seg.agreement,
                segment_chrf(seg) if second is None else second, source=seg.source,
                target=seg.english, memory=from_memory(seg))
