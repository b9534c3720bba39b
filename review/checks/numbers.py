"""Numbers in German and English text read as values, so "10.000" and "10,000" compare equal.

Digits are binding: every number written with digits on one side must be found on the other,
as digits or as a number word. Number words ("zwei", "second", "seventies") are only there to
be found, since a translator may write "two" or "2". German formats are understood ("10.000",
"3,5", "1,2 Millionen", "21. Januar", "14.13 Uhr", "70er", "2013/14"); the English side gets
the English ones ("10,000", "3.5", "$1.2bn", "January 21st", "2:13 p.m.", "1970s").
"""
from __future__ import annotations

import math
import re
from collections import Counter

from review.article import Flag
from review.checks.base import Check, Code
from review.checks import scales, words
from review.checks.scales import Quantity


SPACE = r"[ \u00a0\u202f]"
DE_SCALES = scales.after_numbers("de")
EN_SCALES = scales.after_numbers("en")
EN_SUFFIXES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}

DE_NUMBER = re.compile(
    rf"\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?(?![\d.]\d)|\d{{1,3}}(?:{SPACE}\d{{3}})+(?:,\d+)?(?!\d)"
    r"|\d+,\d+|\d+\.\d+|\d+")
EN_NUMBER = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)|\d{{1,3}}(?:{SPACE}\d{{3}})+(?!\d)"
                       r"|\d+\.\d+|\d+")
DE_TIME = re.compile(r"(?<![\d.,])(\d{1,2})(?:[.:](\d{2}))?\s*Uhr\b")
EN_TIME = re.compile(r"(?<![\d.,])(\d{1,2})(?:[.:](\d{2}))?\s*(a\.m\.|p\.m\.|am\b|pm\b|o'clock\b)",
                     re.IGNORECASE)
EN_CLOCK = re.compile(r"(?<![\d.,])(\d{1,2}):(\d{2})(?![\d:])")
DE_DATE = re.compile(r"(?<![\d.,])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?![\d])")
DE_DECADE = re.compile(r"(?<![\d.,])(\d{2}|\d{4})er(?![a-zäöüß])")
EN_DECADE = re.compile(r"(?<![\d.,])'?(\d{2}|\d{4})['’]?s\b")
# German-style numbers written in English: "12.000" for 12,000, "3,5" for 3.5.
EN_GERMAN_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,]\d)")
EN_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d])")


def extract_numbers(text: str, lang: str) -> list[tuple[float, str]]:
    """The numbers written with digits in ``text`` ("de" or "en"), as (value, surface)."""
    return [(q.value, q.surface) for q in extract(text, lang) if q.required]


def extract(text: str, lang: str) -> list[Quantity]:
    """Every quantity in ``text``: digits (required) and number words (optional)."""
    if lang == "de":
        return _extract_de(text)
    return _extract_en(text)


def _hour_alts(hour: int) -> frozenset:
    base = hour % 12
    return frozenset({float(hour), float(base), float(base + 12)})


def _century_alts(value: float, text: str, start: int) -> frozenset:
    """A two-digit year after "2013/" or "2013-" also stands for 2014."""
    before = re.search(r"(\d\d)\d\d\s?[/–-]\s?$", text[max(0, start - 8):start])
    if before and value < 100:
        return frozenset({value, float(before.group(1) + f"{int(value):02d}")})
    return frozenset({value})


def _decade(match: re.Match, required: bool) -> Quantity:
    digits = match.group(1)
    value = float(digits)
    # "70er" may be the 1970s; a four-digit decade is exactly that one.
    alts = {value, 1900 + value, 2000 + value} if len(digits) == 2 else {value}
    return Quantity(value, match.group(0), match.start(), frozenset(alts), required)


class _Reader:
    """Collects quantities and masks the text they came from, so nothing is read twice."""

    def __init__(self, text: str):
        self.text = text
        self.masked = text
        self.found: list[Quantity] = []

    def take(self, start: int, end: int) -> None:
        self.masked = self.masked[:start] + " " * (end - start) + self.masked[end:]

    def add(self, quantity: Quantity, end: int | None = None) -> None:
        self.found.append(quantity)
        if end is not None:
            self.take(quantity.start, end)

    def number(self, surface: str, start: int, value: float, alts=None, required=True) -> None:
        alts = frozenset(alts) if alts is not None else frozenset({value})
        self.found.append(Quantity(value, surface, start, alts, required))


def _times(reader: _Reader, pattern: re.Pattern) -> None:
    """A clock time is one quantity, hour + minutes/100, so "14.13 Uhr" equals "2:13 p.m."."""
    for m in pattern.finditer(reader.masked):
        hour = int(m.group(1))
        marker = (m.group(3) or "").lower() if pattern.groups >= 3 else ""
        if hour > 24 or (marker.rstrip(".") in ("am", "pm", "a.m", "p.m") and hour > 12):
            continue
        minutes = int(m.group(2) or 0) / 100
        alts = {h + minutes for h in _hour_alts(hour)}
        reader.add(Quantity(hour + minutes, m.group(0).strip(), m.start(), frozenset(alts), True),
                   m.end())


def _extract_de(text: str) -> list[Quantity]:
    reader = _Reader(text)
    _times(reader, DE_TIME)
    for m in DE_DATE.finditer(reader.masked):
        day, month = int(m.group(1)), int(m.group(2))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        reader.number(m.group(1), m.start(1), float(day))
        reader.number(m.group(2), m.start(2), float(month), required=False)
        if m.group(3):
            year = float(m.group(3))
            alts = {year, 1900 + year, 2000 + year} if year < 100 else {year}
            reader.number(m.group(3), m.start(3), year, alts)
        reader.take(m.start(), m.end())
    for m in DE_DECADE.finditer(reader.masked):
        reader.add(_decade(m, True), m.end())
    _plain_numbers(reader, DE_NUMBER, _de_value, _de_scale, glued_optional=True)
    reader.found += words.german_quantities(text)
    return sorted(reader.found, key=lambda q: q.start)


def _extract_en(text: str) -> list[Quantity]:
    reader = _Reader(text)
    _times(reader, EN_TIME)
    _times(reader, EN_CLOCK)
    for m in EN_DECADE.finditer(reader.masked):
        reader.add(_decade(m, True), m.end())
    _plain_numbers(reader, EN_NUMBER, _en_value, _en_scale, glued_optional=False)
    reader.found += words.english_quantities(text)
    return sorted(reader.found, key=lambda q: q.start)


def _plain_numbers(reader: _Reader, pattern: re.Pattern, read, scale_after, glued_optional) -> None:
    for m in pattern.finditer(reader.masked):
        value = read(m.group(0))
        scale, scale_alts = scale_after(reader.masked, m.end())
        alts = _century_alts(value, reader.text, m.start()) if scale == 1 else frozenset()
        alts = alts | {value * s for s in scale_alts} | {value * scale}
        # "CO2", "A380": a translation may name the thing without its digits.
        glued = m.start() > 0 and reader.text[m.start() - 1].isalpha()
        reader.number(m.group(0), m.start(), value * scale, alts,
                      required=not (glued and glued_optional))


def _range_scale(text: str, end: int, scales) -> float | None:
    """ "von 4,2 auf 4,1 Milliarden", "between 325 and 340 million": the scale is shared."""
    m = re.match(r"\s*(?:bis|und|oder|auf|and|or|to|-|–|/)\s*[\d.,]+\s*-?(\w+\.?)", text[end:])
    if not m:
        return None
    for pattern, scale in scales:
        if re.fullmatch(rf"(?:{pattern})", m.group(1), re.IGNORECASE):
            return scale
    return None


def _de_value(surface: str) -> float:
    plain = re.sub(r"[ \u00a0\u202f]", "", surface)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", plain):
        plain = plain.replace(".", "")
    return float(plain.replace(",", "."))


def _en_value(surface: str) -> float:
    return float(re.sub(r"[ \u00a0\u202f,]", "", surface))


def _de_scale(text: str, end: int) -> tuple[float, tuple]:
    for pattern, scale in DE_SCALES:
        if re.match(rf"\s*-?(?:{pattern})(?![a-zäöüß])", text[end:]):
            return scale, ()
    shared = _range_scale(text, end, DE_SCALES)
    return 1.0, (shared,) if shared else ()


def _en_scale(text: str, end: int) -> tuple[float, tuple]:
    for pattern, scale in EN_SCALES:
        if re.match(rf"\s*-?(?:{pattern})\b", text[end:], re.IGNORECASE):
            return scale, ()
    suffix = re.match(r"(k|m|mn|bn|b|tn)\b", text[end:])
    if suffix:
        # "3m" may be three metres, "10k" a ten-kilometre run: keep the plain reading too.
        return EN_SUFFIXES[suffix.group(1)], (1.0,)
    shared = _range_scale(text, end, EN_SCALES)
    return 1.0, (shared,) if shared else ()


def _same(a: frozenset, b: frozenset) -> bool:
    return any(math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9) for x in a for y in b)


def _match(left: list[Quantity], right: list[Quantity]) -> dict[int, int]:
    """Pair quantities with a common value, covering as many required ones as possible."""
    edges = {(i, j) for i, q in enumerate(left) for j, r in enumerate(right) if _same(q.alts, r.alts)}
    right_of: dict[int, int] = {}
    left_of: dict[int, int] = {}

    def augment(i: int, seen: set, required_only: bool) -> bool:
        for j, r in enumerate(right):
            if (i, j) not in edges or j in seen or (required_only and not r.required):
                continue
            seen.add(j)
            if j not in left_of or augment(left_of[j], seen, required_only):
                left_of[j], right_of[i] = i, j
                return True
        return False

    def augment_back(j: int, seen: set) -> bool:
        for i in range(len(left)):
            if (i, j) not in edges or i in seen:
                continue
            seen.add(i)
            if i not in right_of or augment_back(right_of[i], seen):
                right_of[i], left_of[j] = j, i
                return True
        return False

    # Required pairs first, then required ones with optional partners. An augmenting path
    # never unpairs anything, so each pass only adds covered quantities.
    for required_only in (True, False):
        for i, q in enumerate(left):
            if q.required and i not in right_of:
                augment(i, set(), required_only)
    for j, r in enumerate(right):
        if r.required and j not in left_of:
            augment_back(j, set())
    return left_of


def german_style_in_english(german: list[Quantity], english_text: str) -> list[tuple[str, float]]:
    """English numbers written the German way, with the value the German gives them."""
    found = []
    german_values = frozenset(v for q in german for v in q.alts)
    for pattern in (EN_GERMAN_THOUSANDS, EN_DECIMAL_COMMA):
        for m in pattern.finditer(english_text):
            as_german = _de_value(m.group(0))
            as_english = frozenset({_en_value(m.group(0).replace(",", "."))}) \
                if pattern is EN_DECIMAL_COMMA else frozenset({_en_value(m.group(0))}) \
                if m.group(0).count(".") == 1 else frozenset()
            if _same(frozenset({as_german}), german_values) and not _same(as_english, german_values):
                found.append((m.group(0), as_german))
            elif m.group(0).count(".") > 1:
                found.append((m.group(0), as_german))  # "1.200.000" is never English
    return found


def number_flags(source: str, target: str) -> list[Flag]:
    """Flags for numbers that differ between the German and the English."""
    german = extract(source, "de")
    english = extract(target, "en")
    flags = []
    for surface, value in german_style_in_english(german, target):
        flags.append(Flag("number_format", f'English "{surface}" is written the German way; '
                                           f'write "{_english_form(surface, value)}"'))
        english = _reread(english, surface, value)
    pairs = _match(german, english)
    matched_de = set(pairs.values())
    missing = [q for i, q in enumerate(german) if q.required and i not in matched_de]
    added = [q for j, q in enumerate(english) if q.required and j not in pairs]
    flags += _mismatch_flags(missing, added)
    if not flags:
        flags += _word_mismatch_flags(source, german, english, matched_de, set(pairs))
    if not flags:
        flags += scale_flags(source, target)
    return flags


def _word_mismatch_flags(source: str, german: list[Quantity], english: list[Quantity],
                         matched_de: set, matched_en: set) -> list[Flag]:
    """A cardinal number word left over on each side ("acht Uhr" as "nine"): a word need not
    be found on the other side, but one that became another number is flagged. Only when one
    is left on each side ("Sieben von zehn" may well be "seventy percent"), and a German word
    also stands for what its idiom makes of it ("halb acht", "zwei Dutzend", "vierzehn Tage")."""
    def left(found: list[Quantity], matched: set, language: str) -> list[Quantity]:
        return [q for i, q in enumerate(found) if i not in matched and not q.required
                and q.value % 1 == 0 and q.value in q.alts  # no scale word: scale_flags
                and words.cardinal_word(q.surface, language)]

    de_words, en_words = left(german, matched_de, "de"), left(english, matched_en, "en")
    for de in list(de_words):  # words of the same value on both sides match each other
        alts = de.alts | _idiom_values(source, de)
        same = next((en for en in en_words if _same(alts, en.alts)), None)
        if same is not None:
            de_words.remove(de)
            en_words.remove(same)
    if len(de_words) != 1 or len(en_words) != 1:
        return []
    return [Flag("number_mismatch", f'German "{de_words[0].surface}" became '
                                    f'"{en_words[0].surface}" in the English')]


# A German number word and what an idiom around it makes of it in English.
_AFTER = ((re.compile(r"\s+Dutzend", re.I), lambda v: {v * 12}),
          (re.compile(r"\s+Jahrzehnt", re.I), lambda v: {v * 10}),
          (re.compile(r"\s+Jahrhundert", re.I), lambda v: {v * 100}),
          (re.compile(r"\s+Wochen", re.I), lambda v: {v * 7}),
          (re.compile(r"\s+Tage", re.I), lambda v: {v / 7} if v % 7 == 0 else set()))
_HALF_BEFORE = re.compile(r"\bhalb\s+$", re.I)  # "halb acht": half past seven


def _idiom_values(source: str, word: Quantity) -> frozenset:
    found = set()
    end = word.start + len(word.surface)
    for pattern, values in _AFTER:
        if pattern.match(source, end):
            found |= values(word.value)
    if _HALF_BEFORE.search(source[max(0, word.start - 8):word.start]):
        found |= {word.value - 1, word.value - 0.5}
    return frozenset(found)


def _reread(english: list[Quantity], surface: str, value: float) -> list[Quantity]:
    """Replace the pieces an English parser made of a German-style number by its German value."""
    start = next((q.start for q in english if surface.startswith(q.surface)), None)
    kept = [q for q in english
            if start is None or not (start <= q.start < start + len(surface)) or not q.required]
    return kept + [Quantity(value, surface, start or 0, frozenset({value}), True)]


def _english_form(surface: str, value: float) -> str:
    if "," in surface:
        return surface.replace(",", ".")
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _mismatch_flags(missing: list[Quantity], added: list[Quantity]) -> list[Flag]:
    flags = []
    for de, en in zip(missing, added):
        flags.append(Flag("number_mismatch",
                          f'German "{de.surface}" became "{en.surface}" in the English'))
    for de in missing[len(added):]:
        flags.append(Flag("number_missing", f'German "{de.surface}" is missing from the English'))
    for en in added[len(missing):]:
        flags.append(Flag("number_added", f'English "{en.surface}" is not in the German'))
    return flags


DE_SCALE_WORDS = scales.in_text("de")
EN_SCALE_WORDS = scales.in_text("en")


def _scales(text: str, table, flags=0) -> Counter:
    return Counter({scale: len(re.findall(rf"(?:{pattern})\b", text, flags))
                    for pattern, scale in table})


def scale_flags(source: str, target: str) -> list[Flag]:
    """"Milliarden" must stay "billion", never "million" (and the German "Billion" is a trillion)."""
    german = _scales(source, DE_SCALE_WORDS)
    english = _scales(target, EN_SCALE_WORDS, re.IGNORECASE)
    names = {1e6: "million", 1e9: "billion", 1e12: "trillion"}
    flags = []
    # Counted, not just seen: "20 Millionen ... eine Million" must not pass as
    # "20 million ... one billion" because both sides mention a million somewhere.
    if english - german and german - english:
        flags.append(Flag("number_scale", f"the German says {_names(german - english, names)} "
                                          f"but the English says {_names(english - german, names)}"))
    return flags


def _names(scales: set[float], names: dict) -> str:
    return " and ".join(names[s] for s in sorted(scales))


CHECKS = (
    Check(number_flags, (
        Code("number_mismatch", 0.7, "A number differs between German and English",
             "Numbers are the costliest error in news: check the figure, unit and scale, "
             "keeping in mind that German writes 10.000 for 10,000 and 3,5 for 3.5."),
        Code("number_missing", 0.6, "A number from the German is missing",
             "A figure, date or time in the German appears nowhere in the English, as digits "
             "or in words: the English may have dropped a fact."),
        Code("number_added", 0.5, "The English has a number the German lacks",
             "A figure in the English appears nowhere in the German: the model may have "
             "invented or garbled it."),
        Code("number_format", 0.5, "A number is written the German way",
             'English readers take "12.000" as twelve and "3,5" as thirty-five; write 12,000 '
             "and 3.5."),
        # Only when the digits agree (scale_flags).
        Code("number_scale", 0.7, "Million, billion or trillion changed",
             'German "Milliarde" is an English billion and "Billion" a trillion; a wrong scale '
             "word changes the figure a thousandfold.")), rank=40),
)
