"""The feature vector the learned risk reads: what a checked segment already has, no model run.

Each feature is a number computed from the German, the English, the flags the checks raised and
the scores stored beside them; none embeds or translates anything, so the risk of a stored
segment can be recomputed at any time (a dismissed flag, an undo) in microseconds.
``scripts/fit_risk.py`` fits the coefficients of these features on WMT22 and
``review.checks.risk`` combines them. What is absent takes the default below, chosen so that it
moves the score as little as possible:

  similarity        cosine of the e5 embeddings (review.checks.similarity); absent: 0.87, the
                    comfortable similarity of a typical human translation
  similarity_gap    how far the similarity is below 0.87 (0 when at or above, or absent)
  similarity_deep   how far it is below 0.835, the low_similarity flag's threshold
  length_ratio      log of English characters over German characters; absent text: 0
  length_off        how far that log ratio is from the usual -0.05 of German→English, either
                    way; absent text: 0
  german_words      log(1 + words in the German); absent text: log(1 + 15), a typical sentence
  identical         1 when the English is the German (blanks aside), else 0
  german_left       share of the German's lower-case words of three letters or more that are
                    still in the English (a partly untranslated sentence); absent text: 0
  punctuation       how many of ? ! : ; ( ) and quotation marks differ in number between the
                    two sides, capped at 4; absent text: 0
  numbers           number flags (number_*) still standing, capped at 3
  names             name_added flags still standing, capped at 3
  second_chrf       chrF between the English and a second model's English
                    (review.checks.second_opinion); absent: 0
  second_present    1 when there is a second opinion, else 0 (with second_chrf: a second
                    opinion of typical agreement moves the risk little, and none moves nothing)
  memory            1 when the English is a translation-memory match, else 0

Beyond the numbers and names counts (whose coefficients the fit keeps at 0 or above) the flags
are not features of the fitted part: each adds its registry weight on top
(``review.checks.risk``), so a flag never lowers the risk.
"""
from __future__ import annotations

import math
import re

from review.checks.similarity import COMFORTABLE_SIMILARITY as COMFORTABLE
from review.checks.similarity import LOW_SIMILARITY as DEEP

FEATURES = ("similarity", "similarity_gap", "similarity_deep", "length_ratio", "length_off",
            "german_words", "identical", "german_left", "punctuation", "numbers", "names",
            "second_chrf", "second_present", "memory")

USUAL_LENGTH_RATIO = -0.05
TYPICAL_WORDS = 15
CAP_PUNCTUATION, CAP_COUNT = 4, 3

PUNCTUATION = ("?", "!", ":", ";", "(", ")")
QUOTES = re.compile(r"[\"„“”«»‚‘’]|(?<!\w)'|'(?!\w)")
GERMAN_WORD = re.compile(r"\b[a-zäöüß]{3,}\b")
WORD = re.compile(r"\w+")


def similarity_features(similarity: float | None) -> dict[str, float]:
    """similarity, similarity_gap and similarity_deep (absent: the comfortable 0.87)."""
    sim = COMFORTABLE if similarity is None else float(similarity)
    return {"similarity": sim, "similarity_gap": max(0.0, COMFORTABLE - sim),
            "similarity_deep": max(0.0, DEEP - sim)}


def length_features(source: str | None, target: str | None) -> dict[str, float]:
    """length_ratio, length_off and german_words (absent text: a typical sentence)."""
    if source is None or target is None:
        return {"length_ratio": 0.0, "length_off": 0.0,
                "german_words": math.log1p(TYPICAL_WORDS)}
    ratio = math.log((len(target.strip()) + 1) / (len(source.strip()) + 1))
    return {"length_ratio": ratio, "length_off": abs(ratio - USUAL_LENGTH_RATIO),
            "german_words": math.log1p(len(WORD.findall(source)))}


def copy_features(source: str | None, target: str | None) -> dict[str, float]:
    """identical and german_left: how much of the German is still in the English."""
    if source is None or target is None:
        return {"identical": 0.0, "german_left": 0.0}
    same = " ".join(source.split()) == " ".join(target.split()) and bool(source.strip())
    german = GERMAN_WORD.findall(source)
    english = set(GERMAN_WORD.findall(target))
    left = sum(word in english for word in german) / len(german) if german else 0.0
    return {"identical": float(same), "german_left": left}


def punctuation_difference(source: str | None, target: str | None) -> float:
    """How many kinds of sentence punctuation and quotation marks differ in count, capped."""
    if source is None or target is None:
        return 0.0
    differ = sum(source.count(mark) != target.count(mark) for mark in PUNCTUATION)
    differ += len(QUOTES.findall(source)) != len(QUOTES.findall(target))
    return float(min(differ, CAP_PUNCTUATION))


def flag_counts(codes: list[str]) -> dict[str, float]:
    """numbers and names: standing number_* and name_added flags, each count capped at 3."""
    numbers = sum(code.startswith("number_") for code in codes)
    names = sum(code == "name_added" for code in codes)
    return {"numbers": float(min(numbers, CAP_COUNT)), "names": float(min(names, CAP_COUNT))}


def features(codes: list[str], similarity: float | None = None, source: str | None = None,
             target: str | None = None, second: float | None = None,
             memory: bool = False) -> dict[str, float]:
    """Every feature of FEATURES for one pair: ``codes`` are its standing flags' codes (one per
    flag, repeats kept), ``second`` its second-opinion chrF, ``memory`` whether its English is
    a translation-memory match; anything None takes its documented default."""
    values = similarity_features(similarity)
    values.update(length_features(source, target))
    values.update(copy_features(source, target))
    values["punctuation"] = punctuation_difference(source, target)
    values.update(flag_counts(codes))
    values["second_chrf"] = 0.0 if second is None else float(second)
    values["second_present"] = 0.0 if second is None else 1.0
    values["memory"] = 1.0 if memory else 0.0
    return values


def vector(values: dict[str, float]) -> list[float]:
    """``values`` in the order of FEATURES."""
    return [values[name] for name in FEATURES]
