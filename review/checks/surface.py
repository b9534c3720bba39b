"""Checks on the English text itself: empty, copied or still German, odd length, loops, confidence."""
from __future__ import annotations

import difflib
import re

from review.article import Flag
from review.checks.base import Check, Code

# English characters per German character in human news translation: 0.2% of newstest2014
# lies below SHORT_RATIO and 0.3% above LONG_RATIO (scripts/calibrate_checks.py); a shorter
# English usually lost a clause, a longer one repeats or invents.
SHORT_RATIO = 0.55
LONG_RATIO = 1.75
# An English that lost the German's closing punctuation and is somewhat short was cut off:
# 94% of English halves look like that, and 0.5% of human translations.
CUT_RATIO = 0.85
CLOSING = re.compile(r"[.!?…:;\"“”'’»«)]\s*$")
MIN_CHARS_FOR_RATIO = 20  # short headlines vary too much to judge by length
# Mean log-probability per token below which a Marian translation is usually garbled.
LOW_CONFIDENCE = -1.5

GERMAN_WORDS = set("""der die das den dem des und ist nicht mit von sich auf für im ein eine einen
einem einer eines zu auch es wird wurde wurden sind war waren hat haben hatte nach bei aus wie
oder aber noch nur vor über unter durch gegen ohne um zum zur beim vom ins dass daß werden kann
können soll sollen muss müssen wir ihr sie er uns ihm ihn ihre seine sein seiner diese dieser
dieses jetzt schon sehr mehr immer wieder heute gestern hier dort denn doch weil wenn als""".split())
ENGLISH_WORDS = set("""the and is not with of to in on for a an it was were be been has have had
by from as at or but this that these those which who will would can could should their his her
they we you our its are after before about over under through against without into than more
very also only just there here when because if""".split())


def empty_source_flags(source: str, target: str) -> list[Flag]:
    """English where the German is blank: it cannot translate anything."""
    if not source.strip() and target.strip():
        return [Flag("empty_source", "the German is empty but the English is not")]
    return []


def empty_flags(source: str, target: str) -> list[Flag]:
    if source.strip() and not target.strip():
        return [Flag("empty_output", "the English is empty")]
    return []


def german_share(text: str) -> float:
    """Share of function words that are German rather than English (0.5 when there are none)."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    german = sum(w in GERMAN_WORDS for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    return german / (german + english) if german + english else 0.5


def not_plain_english(text: str) -> bool:
    """German function words, umlauts, or a lower-case word that is not English.

    Looser than ``review.language.looks_german`` (which asks whether text reads as German):
    a copied line only has to fail to be English for the copy to matter.
    """
    from review.checks.entities import english_words

    if german_share(text) > 0.5 or re.search(r"[äöüß]", text):
        return True
    vocabulary = english_words()
    return any(w not in vocabulary for w in re.findall(r"\b[a-z]{3,}\b", text))


def copy_of(src: str, tgt: str) -> bool:
    """Whether ``tgt`` is (nearly: a 0.9 difflib ratio, case aside) a copy of ``src``; the
    ratio's cheap upper bounds settle most pairs without the full comparison."""
    if src == tgt:
        return True
    matcher = difflib.SequenceMatcher(None, src.lower(), tgt.lower())
    return (matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9
            and matcher.ratio() >= 0.9)


def untranslated_flags(source: str, target: str) -> list[Flag]:
    """A copy of the German, or English that is still mostly German."""
    src, tgt = " ".join(source.split()), " ".join(target.split())
    if not tgt:
        return []
    german = german_share(tgt) > 0.6 and len(re.findall(r"\w+", tgt)) >= 4
    # A copied line of names only ("Anke Gellert-Helpenstein") is a correct translation.
    if copy_of(src, tgt) and (german or not_plain_english(tgt)):
        return [Flag("untranslated", "the English is a copy of the German")]
    if german:
        return [Flag("untranslated", "the English is still German")]
    return []


def length_flags(source: str, target: str) -> list[Flag]:
    src, tgt = len(source.strip()), len(target.strip())
    if not tgt or max(src, tgt) < MIN_CHARS_FOR_RATIO:
        return []
    ratio = tgt / max(src, 1)
    cut = CLOSING.search(source) is not None and CLOSING.search(target) is None
    if ratio < SHORT_RATIO or (cut and ratio < CUT_RATIO):
        return [Flag("length_short", f"the English is {ratio:.0%} as long as the German"
                                     f"{' and stops short' if cut else ''}; "
                                     "part of the sentence may be missing")]
    if ratio > LONG_RATIO:
        return [Flag("length_long", f"the English is {ratio:.0%} as long as the German; "
                                    "it may repeat or add text")]
    return []


def repetition_flags(target: str) -> list[Flag]:
    """A phrase said three times over: the typical loop of a translation model."""
    words = re.findall(r"\w+", target.lower())
    for size in range(1, 9):
        for i in range(len(words) - 3 * size + 1):
            phrase = words[i:i + size]
            if phrase == words[i + size:i + 2 * size] == words[i + 2 * size:i + 3 * size]:
                if size == 1 and len(phrase[0]) < 3 and not phrase[0].isalpha():
                    continue
                return [Flag("repetition", f'"{" ".join(phrase)}" repeats three times or more')]
    counts: dict[tuple, int] = {}
    for i in range(len(words) - 3):
        key = tuple(words[i:i + 4])
        counts[key] = counts.get(key, 0) + 1
        if counts[key] >= 3:
            return [Flag("repetition", f'"{" ".join(key)}" repeats three times or more')]
    return []


def confidence_flags(confidence: float | None) -> list[Flag]:
    if confidence is not None and confidence < LOW_CONFIDENCE:
        return [Flag("low_confidence", f"the model was unsure (mean log-probability "
                                       f"{confidence:.2f} < {LOW_CONFIDENCE})")]
    return []


# The first three are final: nothing else is worth reading in English without German, an
# empty English or a copied one (the memory's consistency included). Ranks: the run order
# among every module's checks (review.checks.registry).
CHECKS = (
    Check(empty_source_flags, (
        Code("empty_source", 0.5, "English without any German",
             "The German of this segment is empty, yet there is English: it cannot be a "
             "translation of anything here."),), needs=(), final=True, rank=10),
    Check(empty_flags, (
        Code("empty_output", 1.0, "The English is empty",
             "The model produced nothing for this German sentence: translate it yourself or "
             "retranslate the segment."),), final=True, rank=20),
    Check(untranslated_flags, (
        Code("untranslated", 0.95, "The English is still German",
             "The output copies the German or is mostly German words, so the reader gets no "
             "translation at all (a line of names only is not flagged)."),), final=True, rank=30),
    Check(length_flags, (
        Code("length_short", 0.6, "The English is much shorter than the German",
             "Human translations are rarely this short, and one that loses the German's "
             "closing punctuation was usually cut off: part of the sentence may be missing."),
        Code("length_long", 0.5, "The English is much longer than the German",
             "Human translations are rarely this long: the English may repeat itself or add "
             "words the German does not have.")), rank=70),
    Check(repetition_flags, (
        Code("repetition", 0.8, "A phrase repeats over and over",
             "Translation models sometimes get stuck in a loop; the repeats replace the rest "
             "of the sentence, so compare what is left with the German."),),
          reads=("target",), rank=80),
    Check(confidence_flags, (
        Code("low_confidence", 0.3, "The model was unsure",
             "The translation model gave its own words a low probability, which often goes "
             "with garbled or wrong output: read this segment carefully."),),
          reads=("confidence",), needs=("german", "confidence"), rank=100),
)
