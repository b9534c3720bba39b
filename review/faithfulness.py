"""Flag numbers and names in a machine summary that the article does not support.

A number is supported when the English article or the German source has the same value (the
translation may have mangled it). A name is supported when it appears in the English article,
or in the German source allowing for transliteration (Peskow/Peskov, Pjöngjang/Pyongyang).
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata

from review.article import Flag

NUMBER_CODE = "summary_number_unsupported"
NAME_CODE = "summary_name_unsupported"
SPELLING_CODE = "spelling"  # review.checks.spelling, on the summary's text too

_SENTENCES = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")
_QUOTED = re.compile(r"'(.+)'")  # the number or name a flag's detail quotes
_WORD_QUOTED = re.compile(r'"([^"]+)"')  # the word a spelling flag's detail begins with
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_OPENERS = "\"'“‘„«(:"
# Capitalised words that are never names, wherever they stand (after a colon, inside a quote).
_COMMON = set("""a an the this that these those it its he she they we i you his her their our
    my in on at of for from to by with as and but or if when while after before since during
    there here what who which where why how mr mrs ms dr""".split())
# Transliteration between German and English spellings of foreign names, longest first.
_TRANSLIT = (("tsch", "ch"), ("sch", "sh"), ("ck", "k"), ("w", "v"), ("j", "i"), ("y", "i"),
             ("z", "s"))
FUZZY = 0.8  # similarity of transliteration keys that still counts as the same name


def faithfulness_flags(summary_en: str, article_en: str, article_de: str = "") -> list[Flag]:
    """Flags for each number and name in ``summary_en`` that the article does not support."""
    if not summary_en or not summary_en.strip():
        return []
    return (_number_flags(summary_en, article_en, article_de)
            + _name_flags(summary_en, article_en, article_de))


def summary_spelling_flags(summary_en: str, article_en: str = "", article_de: str = "",
                           glossary=None, memory=None) -> list[Flag]:
    """``spelling`` flags for the summary's misspelt words (``review.checks.spelling``): a
    word the article (English or German), the ``glossary`` or the translation ``memory`` uses
    is never one."""
    from review.checks.spelling import summary_flags

    return summary_flags(summary_en, article_en, article_de, glossary, memory)


def sentence_flags(summary) -> list[list[Flag]]:
    """For each of the summary's sentences, the summary's flags whose number, name or
    misspelt word it holds."""
    return [[flag for flag in summary.flags if _flag_in(flag, sentence.text)]
            for sentence in summary.sentences]


def _flag_in(flag: Flag, sentence: str) -> bool:
    if flag.code == SPELLING_CODE:
        word = _WORD_QUOTED.match(flag.detail)
        return word is not None and re.search(rf"\b{re.escape(word.group(1))}\b",
                                              sentence) is not None
    quoted = _QUOTED.search(flag.detail)
    if quoted is None:
        return False
    if flag.code == NUMBER_CODE:
        number = rf"(?<![\d.,]){re.escape(quoted.group(1))}(?![\d]|[.,]\d)"
        return re.search(number, sentence) is not None
    return flag.code == NAME_CODE and _phrase_in(quoted.group(1), sentence)


def names_in(text: str) -> list[str]:
    """The names ``text`` uses, as the flags check them: runs of capitalised words, without
    the first word of a sentence (capitalised anyway)."""
    names = []
    for run, starts_sentence in _runs(text):
        name = " ".join(run[1:] if starts_sentence else run)
        if name not in names:
            names.append(name)
    return names


def german_keys(german: str) -> set[str]:
    """German text's words as spelling-tolerant keys, for ``mentions``."""
    return {_key(w) for w in _parts(german)}


def mentions(name: str, english: str, keys: set[str]) -> bool:
    """Whether a segment holds ``name``: in its English, or every part in its German (as
    ``german_keys``, transliteration allowed)."""
    if _phrase_in(name, english):
        return True
    parts = _parts(name)
    return bool(parts) and all(_key(part) in keys for part in parts)


def _number_flags(summary: str, english: str, german: str) -> list[Flag]:
    from review.checks.numbers import extract_numbers

    known = [v for v, _ in extract_numbers(english, "en")]
    known += [v for v, _ in extract_numbers(german, "de")] if german else []
    flags, seen = [], set()
    for value, surface in extract_numbers(summary, "en"):
        if surface in seen or any(math.isclose(value, k, rel_tol=1e-6) for k in known):
            continue
        seen.add(surface)
        flags.append(Flag(NUMBER_CODE, f"the number '{surface}' is not in the article"))
    return flags


def _name_flags(summary: str, english: str, german: str) -> list[Flag]:
    english_words = {w.casefold() for w in _parts(english)}
    keys = german_keys(german)
    flags, seen = [], set()
    for run, starts_sentence in _runs(summary):
        name = " ".join(run)
        if name in seen or _phrase_in(name, english):
            continue
        seen.add(name)
        # A first word is capitalised anyway ("Yesterday Mayor Smith"): only the rest must be
        # found; it is still shown as part of the name.
        checked = run[1:] if starts_sentence else run
        if any(not _supported(w, english_words, keys) for w in _parts(" ".join(checked))):
            flags.append(Flag(NAME_CODE, f"the name '{name}' is not in the article"))
    return flags


def _runs(text: str) -> list[tuple[list[str], bool]]:
    """(words, starts_sentence) for each run of capitalised words worth checking."""
    runs = []
    for sentence in _SENTENCES.split(text):
        run: list[str] = []
        starts = False
        for position, match in enumerate(_WORD.finditer(sentence)):
            word = _strip_possessive(match.group())
            if len(word) < 2 or not word[0].isupper() or word.casefold() in _COMMON:
                runs += _finish(run, starts)
                run = []
                continue
            if not run:
                opener = sentence[:match.start()].rstrip()[-1:]
                starts = position == 0 or (opener != "" and opener in _OPENERS)
            run.append(word)
        runs += _finish(run, starts)
    return runs


def _finish(run: list[str], starts_sentence: bool) -> list[tuple[list[str], bool]]:
    if not run or (starts_sentence and len(run) == 1):
        return []  # a lone capitalised first word is how sentences begin, not a name
    return [(run, starts_sentence)]


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s$", "", word).rstrip("'’-")


def _parts(text: str) -> list[str]:
    """Words split at hyphens and apostrophes: "Jong-un" and "Jong Un" share their parts."""
    return [p for w in _WORD.findall(text) for p in re.split(r"[-'’]", w) if p]


def _phrase_in(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def _supported(word: str, english_words: set[str], german_keys: set[str]) -> bool:
    if word.casefold() in english_words:
        return True
    key = _key(word)
    if key in german_keys:
        return True
    return len(key) >= 3 and bool(difflib.get_close_matches(key, german_keys, n=1, cutoff=FUZZY))


def _key(word: str) -> str:
    """A spelling-tolerant key: no case, no accents, German and English spellings merged."""
    plain = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    for german, english in _TRANSLIT:
        plain = plain.replace(german, english)
    return re.sub(r"(.)\1+", r"\1", plain)
