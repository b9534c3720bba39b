"""Names and quotations: a name in the English must come from the German, quotes stay quotes.

German capitalises every noun, so names are found on the English side: a capitalised word that
is not an English word (``data/english_words.txt.gz``) and not a known English exonym
("Germany", "Thursday") must appear in the German, allowing for spelling ("Morsi"/"Mursi",
"Cameroon"/"Kamerun") and endings ("Eckert's"/"Eckerts").
"""
from __future__ import annotations

import difflib
import functools
import gzip
import re
from pathlib import Path

from review.article import Flag
from review.checks.base import Check, Code

WORDS_FILE = Path(__file__).parent / "data" / "english_words.txt.gz"
NAME = re.compile(r"\b[A-ZÄÖÜ][\w'’-]*[\w]")
# English names of things whose German name differs; they never need to appear in the German.
EXONYMS = set("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mondays Tuesdays Wednesdays Thursdays
Fridays Saturdays Sundays January February March April May June July August September October
November December Christmas Easter Pentecost Whitsun Advent Lent Halloween God Jesus Christ
Bible Pope Catholic Catholics Protestant Protestants Christian Christians Muslim Muslims
Islam Islamic Islamist Islamists Jewish Jew Jews Arab Arabs Arabic Sunni Shiite Shia
Germany German Germans Austria Austrian Switzerland Swiss France French Italy Italian Spain
Spanish Portugal Portuguese Britain British Briton Britons England English Scotland Scottish
Scots Wales Welsh Ireland Irish UK US USA America American Americans Canada Canadian Mexico
Mexican Russia Russian Russians Ukraine Ukrainian Poland Polish Czech Slovakia Hungary
Hungarian Romania Romanian Bulgaria Bulgarian Greece Greek Turkey Turkish Cyprus Croatia
Croatian Serbia Serbian Bosnia Slovenia Netherlands Dutch Belgium Belgian Denmark Danish
Sweden Swedish Norway Norwegian Finland Finnish Iceland Europe European Europeans Asia Asian
Africa African Australia Australian Zealand Zealander China Chinese Japan Japanese Korea Korean
India Indian Pakistan Afghanistan Afghan Iran Iranian Iraq Iraqi Syria Syrian Lebanon Lebanese
Israel Israeli Palestine Palestinian Egypt Egyptian Libya Libyan Tunisia Morocco Algeria Saudi
Kenya Kenyan Nigeria Ethiopia Somalia Sudan Brazil Brazilian Argentina Chile Colombia Cuba
Cuban Venezuela Peru Indonesia Vietnam Thailand Philippines Antarctica Arctic Atlantic Pacific
Mediterranean Baltic Bavaria Bavarian Saxony Thuringia Hesse Swabia Swabian Franconia
Westphalia Rhineland Palatinate Brandenburg Pomerania Carinthia Tyrol Styria Alps Alpine
Danube Rhine Moselle Elbe Munich Cologne Vienna Zurich Geneva Lucerne Nuremberg Hanover
Brunswick Moscow Warsaw Prague Rome Athens Brussels Lisbon Venice Milan Naples Florence Turin
Copenhagen Jerusalem Cairo Beijing Peking Constance Black Forest Baden Württemberg Mecklenburg
Lower Upper North South East West Northern Southern Eastern Western Central Middle Near Far
Mr Mrs Ms Dr Prof Sir Lord Lady St Jr Sr Co Inc Ltd Corp PLC No Nos Q
EU UN NATO MP MPs TV CEO PM AM FM GDP FBI CIA NSA IMF ECB WHO UEFA FIFA OECD NGO NGOs AIDS
HIV DNA IT PR OK ID IQ PC GPS SMS USB VAT IOC UNESCO UNICEF CDU CSU SPD FDP AfD NPD
I I'm I've I'll I'd
""".split())
APOSTROPHE = re.compile(r"['’]\w*$")  # Eckert's, We're
QUOTE_DE = re.compile(r"[„\"“»«‚‘].{8,}?[“\"”«»‘’]")
QUOTE_EN = re.compile(r"[\"“”'‘’«»]")


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words; a capitalised one of them is a title word, not a name."""
    with gzip.open(WORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if not line.startswith("#"))


def _fold(text: str) -> str:
    text = text.lower()
    for a, b in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("é", "e"), ("è", "e"),
                 ("á", "a"), ("ç", "c"), ("c", "k"), ("z", "s"), ("y", "i"), ("ph", "f")):
        text = text.replace(a, b)
    return text


def _german_keys(source: str) -> tuple[str, list[str]]:
    folded = _fold(source)
    return folded, re.findall(r"\w+", folded)


def _in_german(name: str, folded: str, tokens: list[str]) -> bool:
    key = _fold(name)
    if key[:5] in folded or len(key) <= 2 and key in tokens:
        return True
    return any(difflib.SequenceMatcher(None, key, token).ratio() >= 0.7
               for token in tokens if abs(len(token) - len(key)) <= 3)


def names(text: str) -> list[str]:
    """Capitalised English words that look like names (not English words, not exonyms)."""
    vocabulary = english_words()
    found = []
    for m in NAME.finditer(text):
        word = APOSTROPHE.sub("", m.group(0))
        parts = [p for p in re.split(r"-", word) if p]
        if all(_not_a_name(p, vocabulary) for p in parts):
            continue
        found.append(word)
    return found


def _not_a_name(part: str, vocabulary: frozenset[str]) -> bool:
    # Acronyms ("BfV", "MDGs") are often spelled out or changed in translation. Three letters
    # are enough for a name ("Jon", "Ute"); "Mrs" and the like are exonyms or English words.
    acronym = sum(c.isupper() for c in part) >= 2
    return (not part[:1].isupper() or acronym or len(part) < 3 or part in EXONYMS
            or part.lower() in vocabulary or any(c.isdigit() for c in part))


def name_flags(source: str, target: str) -> list[Flag]:
    """A name in the English that the German does not have, e.g. swapped from elsewhere."""
    folded, tokens = _german_keys(source)
    flags = []
    for name in dict.fromkeys(names(target)):
        parts = [p for p in name.split("-") if not _not_a_name(p, english_words())]
        if not all(_in_german(p, folded, tokens) for p in parts):
            flags.append(Flag("name_added", f'the name "{name}" is not in the German'))
    return flags


def quote_flags(source: str, target: str) -> list[Flag]:
    """A quotation in the German that lost its quotation marks in the English."""
    if QUOTE_DE.search(source) and not QUOTE_EN.search(target.replace("'s", "")):
        return [Flag("quote_missing", "the German quotes someone but the English has no quotes")]
    return []


CHECKS = (
    Check(name_flags, (
        Code("name_added", 0.4, "A name in the English is not in the German",
             "The English names a person, place or organisation that the German does not "
             "mention, even allowing for spelling: it may be swapped or invented."),), rank=50),
    Check(quote_flags, (
        Code("quote_missing", 0.2, "A quotation lost its quotation marks",
             "The German quotes someone, but the English has no quotation marks, so words may "
             "be put in the reporter's mouth or the quote paraphrased."),), rank=60),
)
