"""Number words in German and English ("zwei", "fünfundzwanzig", "second", "seventies").

They are optional quantities: a German "zwei" may become "two" or "2", so a word never has to be
found on the other side, but it lets a digit there be found.
"""
from __future__ import annotations

import re

from review.checks import scales
from review.checks.scales import Quantity

DE_UNITS = {"eins": 1, "ein": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5,
            "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
DE_TEENS = {"zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
            "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
DE_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
           "siebzig": 70, "achtzig": 80, "neunzig": 90}
DE_ORDINAL_STEMS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "sechst": 6,
                    "siebt": 7, "siebent": 7, "acht": 8, "neunt": 9, "zehnt": 10, "elft": 11,
                    "zwölft": 12}
DE_OTHER = {"dutzend": 12, "hälfte": 0.5, "halb": 0.5, "anderthalb": 1.5, "paar": 2,
            "hundert": 100, "tausend": 1000}

EN_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9}
EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
            "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90}
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
               "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
               "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
               "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
               "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
               "hundredth": 100}
EN_OTHER = {"dozen": 12, "half": 0.5, "a hundred": 100, "hundred": 100, "thousand": 1000,
            "noon": 12, "midday": 12, "midnight": 24, "once": 1, "twice": 2, "single": 1,
            "both": 2, "pair": 2, "couple": 2, "double": 2, "triple": 3}
MONTHS_DE = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
             "september", "oktober", "november", "dezember"]
MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"]

DE_SCALE_WORDS = scales.after_numbers("de")
EN_SCALE_WORDS = scales.after_numbers("en")

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-z]+)?")
_EN_TENS_UNIT = re.compile(rf"\b({'|'.join(EN_TENS)})\s+({'|'.join(EN_UNITS)})\b", re.IGNORECASE)


def _de_cardinal(word: str) -> float | None:
    """The value of a whole German cardinal word such as "zweihundertfünfundzwanzig"."""
    if not word:
        return None
    for big, factor in (("tausend", 1000), ("hundert", 100)):
        if big in word:
            head, _, tail = word.partition(big)
            left = _de_cardinal(head) if head else 1
            right = _de_cardinal(tail) if tail else 0
            if left is not None and right is not None:
                return left * factor + right
            return None
    if word in DE_UNITS:
        return DE_UNITS[word]
    if word in DE_TEENS:
        return DE_TEENS[word]
    if word in DE_TENS:
        return DE_TENS[word]
    m = re.fullmatch(r"(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und(\w+)", word)
    if m and m.group(2) in DE_TENS:
        return DE_UNITS[m.group(1)] + DE_TENS[m.group(2)]
    m = re.fullmatch(r"(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)einhalb", word)
    if m:
        return DE_UNITS[m.group(1)] + 0.5
    return None


def _de_value(word: str) -> float | None:
    """A German number word, ordinal or compound head ("zweijährige", "dritten")."""
    word = word.lower()
    if word in DE_OTHER:
        return DE_OTHER[word]
    value = _de_cardinal(word)
    if value is not None:
        return value
    ordinal = re.fullmatch(r"(\w+t)e[nrsm]?", word)
    if ordinal:
        stem = ordinal.group(1)
        value = DE_ORDINAL_STEMS.get(stem) or _de_cardinal(stem[:-1]) or (
            _de_cardinal(stem[:-2]) if stem.endswith("st") else None)
        if value:
            return value
    if word in MONTHS_DE or word.rstrip("s") in MONTHS_DE:
        return MONTHS_DE.index(word.rstrip("s")) + 1
    # A compound that starts with a number: "zweijährige", "dreimal", "Vierteljahr".
    for size in range(min(len(word) - 2, 12), 2, -1):
        value = _de_cardinal(word[:size])
        if value is not None and word[:size] != "ein":
            return value
    return None


def _en_value(word: str) -> float | None:
    word = word.lower()
    for table in (EN_UNITS, EN_TEENS, EN_TENS, EN_ORDINALS, EN_OTHER):
        if word in table:
            return table[word]
    if word in MONTHS_EN:
        return MONTHS_EN.index(word) + 1
    m = re.fullmatch(r"(\w+)-(\w+)", word)
    if m and m.group(1) in EN_TENS:
        unit = EN_UNITS.get(m.group(2)) or EN_ORDINALS.get(m.group(2))
        if unit and unit < 10:
            return EN_TENS[m.group(1)] + unit
        return EN_TENS[m.group(1)]
    m = re.fullmatch(r"(\w+?)ies", word)  # the seventies
    if m and m.group(1) + "y" in EN_TENS:
        return EN_TENS[m.group(1) + "y"]
    return None


def _quantities(text: str, value_of, decades: bool, scales):

    found = []
    for m in WORD.finditer(text):
        value = value_of(m.group(0))
        if value is None:
            continue
        alts = {float(value)}
        if decades and 20 <= value < 100 and value % 10 == 0:
            alts |= {1900.0 + value, 2000.0 + value}  # "the seventies", "die Siebziger"
        if value in (12, 24):
            alts |= {0.0, 12.0, 24.0}  # noon and midnight
        scaled = _scale_after(text, m.end(), scales)
        if scaled:
            alts = {value * scaled}  # "zwei Milliarden" is 2 billion, not 2
        found.append(Quantity(float(value), m.group(0), m.start(), frozenset(alts), False))
        if value in (100, 1000):
            found += _multiples(text, m, value)
    return found


def _scale_after(text: str, end: int, scales) -> float | None:
    for pattern, scale in scales:
        if re.match(rf"[\s-]*(?:{pattern})(?!\w)", text[end:], re.IGNORECASE):
            return scale
    return None


def _multiples(text: str, m: re.Match, value: float):
    """ "two hundred", "drei Tausend": the number before a hundred or thousand word."""

    before = re.search(r"(\d+)\s+$", text[max(0, m.start() - 12):m.start()])
    if not before:
        return []
    total = float(before.group(1)) * value
    return [Quantity(total, before.group(0).strip() + " " + m.group(0), m.start(),
                     frozenset({total}), False)]


def german_quantities(text: str):
    """Optional quantities from German number words."""
    return _quantities(text, _de_value, True, DE_SCALE_WORDS) + _de_decade_words(text)


def english_quantities(text: str):
    """Optional quantities from English number words ("one and a half" and "thirty five"
    included)."""
    found = _quantities(text, _en_value, True, EN_SCALE_WORDS)
    for m in _EN_TENS_UNIT.finditer(text):  # one number, not its two words
        found = [q for q in found if not m.start() <= q.start < m.end()]
        value = float(EN_TENS[m.group(1).lower()] + EN_UNITS[m.group(2).lower()])
        found.append(Quantity(value, m.group(0), m.start(), frozenset({value}), False))

    for m in re.finditer(r"\b(\w+) and a half\b", text, re.IGNORECASE):
        unit = _en_value(m.group(1)) if not m.group(1).isdigit() else float(m.group(1))
        if unit:
            found.append(Quantity(unit + 0.5, m.group(0), m.start(), frozenset({unit + 0.5}), False))
    return found


def _de_decade_words(text: str):
    """ "die Siebziger", "in den Achtzigern"."""

    found = []
    for m in re.finditer(r"\b(\w+zig)er(?:n|jahre\w*)?\b", text, re.IGNORECASE):
        tens = DE_TENS.get(m.group(1).lower())
        if tens:
            alts = frozenset({float(tens), 1900.0 + tens, 2000.0 + tens})
            found.append(Quantity(float(tens), m.group(0), m.start(), alts, False))
    return found


def cardinal_word(surface: str, language: str) -> bool:
    """Whether ``surface`` is a plain cardinal number word ("acht", "fünfunddreißig", "nine",
    "thirty-five", "thirty five"), not a month, an ordinal, a compound or "ein"/"one"."""
    word = surface.lower()
    if language == "de":
        return word not in ("ein", "eins") and _de_cardinal(word) is not None
    parts = re.split(r"[\s-]+", word)
    if len(parts) == 2:
        return parts[0] in EN_TENS and parts[1] in EN_UNITS
    return word != "one" and any(word in table for table in (EN_UNITS, EN_TEENS, EN_TENS))
