"""Scale words (thousand, Million, Milliarde…) in one table, and the Quantity both number
readers return: digits with their scale (numbers.py) and number words (words.py).

One row per scale; the number readers, the word readers and the scale check each take the
patterns they need from it, so a scale word is added in one place.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    value: float
    surface: str
    start: int
    alts: frozenset  # every value the surface may stand for (an hour is also read on a 12h clock)
    required: bool  # digits must be found on the other side; number words need not be


@dataclass(frozen=True)
class Scale:
    value: float
    de: str  # the German words, as a regex alternation
    en: str  # the English words
    de_short: str = ""  # the German abbreviation ("Mio"), written with or without a dot
    de_people: str = ""  # "Millionär…": a word that carries the scale without a number
    en_people: str = ""
    en_suffix: str = ""  # glued to digits: "5bn", "3mn"


SCALES = (
    Scale(1e3, "Tausend", "thousand", de_short="Tsd"),
    Scale(1e6, "Millionen|Million", "millions?", de_short="Mio", de_people=r"Millionär\w*",
          en_people="millionaires?", en_suffix="mn?"),
    Scale(1e9, "Milliarden|Milliarde", "billions?", de_short="Mrd", de_people=r"Milliardär\w*",
          en_people="billionaires?", en_suffix="bn"),
    Scale(1e12, "Billionen|Billion", "trillions?", en_suffix="tn"),
)


def after_numbers(language: str) -> list[tuple[str, float]]:
    """(pattern, value) of the words that scale a number before them: "4,2 Mio.", "3 billion"."""
    if language == "de":
        return [(s.de + (rf"|{s.de_short}\.?" if s.de_short else ""), s.value) for s in SCALES]
    return [(s.en, s.value) for s in SCALES]


def in_text(language: str) -> list[tuple[str, float]]:
    """(pattern, value) of every word that carries a scale of a million or more, with or
    without a number: what the scale check counts on both sides."""
    rows = []
    for s in SCALES:
        if s.value < 1e6:
            continue
        if language == "de":
            parts = [s.de, rf"{s.de_short}\b" if s.de_short else "", s.de_people]
        else:
            parts = [s.en, s.en_people, rf"(?<=\d){s.en_suffix}" if s.en_suffix else ""]
        rows.append(("|".join(p for p in parts if p), s.value))
    return rows
