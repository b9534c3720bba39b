"""Spelling of a reviewer's English: corrections, text typed in an editor, and summaries.

Machine output is never spell-checked: the check needs a reviewer's English (``Pair.reviewed``,
set by ``review.checks.core.check_pairs``; ``core.apply_result`` keeps no spelling flag on a
segment whose English is its machine output). A summary's text is checked by
``summary_flags`` (``review.faithfulness.summary_spelling_flags``). Each word the English word
list does not know becomes one ``spelling`` flag whose detail names it with up to three
suggestions: ``"goverment": did you mean government?``.

Never flagged: a word found in the German (names, codes), in the glossary (either side) or in
the English of the translation memory (a segment's own approval aside); a capitalised word
inside a sentence (a name), a word in capitals (an acronym) or with a capital inside
(``iPhone``); a word with a digit or letters outside English (``Gönningen``); a link or e-mail
address; an abbreviation with dots (``U.S.``) or a common one (``etc``, ``km``); a possessive
or contraction of a known word; a hyphenated compound whose parts are words; British
spellings of American words (``colour``, ``organise``, ``centre``, ``travelled``); a listed
word with an English ending or two run together ("carmaker") unless one edit from another
listed word ("posession").

The word list is pyspellchecker's English one, loaded once per process on first use (about
0.2 s); a segment then takes well under a millisecond unless a word is unknown, and
suggestions a few milliseconds. The memory's English words are gathered once per ``Memory``
(``review.memory.memory_for`` hands out a new one only when the store changed; the imported
units' words are kept across those) and only when a word is not in the word list.
``scripts/eval_spelling.py`` measures the false flags on newstest2014's English references.
"""
from __future__ import annotations

import functools
import itertools
import re
import threading
import weakref
from collections.abc import Container

from review.article import Flag
from review.checks.base import Check, Code

CODE = "spelling"
MAX_SUGGESTIONS = 3
SHORTEST = 2  # words of one letter ("e" of "e-mail", "x") are never flagged

_LINKS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Words and what joins them into one token: apostrophes, hyphens, dots ("U.S.", "e-mail").
_TOKEN = re.compile(r"\w+(?:['’.\-‐]\w+)*")
_WORDS = re.compile(r"[^\W\d_]+")
_OPENERS = " \t\"'“‘„«‹([{"
_SENTENCE_ENDS = ".!?:…\n\r"
LOOK_BACK = 80  # characters before a word searched for the end of the previous sentence
# Abbreviations whose dot ends no sentence ("Mr. Obeid" is a name inside one).
_TITLES = frozenset("mr mrs ms dr st prof gen col lt sgt rev jr sr no vs ca".split())
# The ends a contraction adds to a word: it's, we'd, they'll, you're, we've, I'm, isn't.
_CONTRACTED = ("s", "d", "ll", "re", "ve", "m", "t")
# Common abbreviations written without dots that the word list lacks.
ABBREVIATIONS = frozenset("""etc approx dept km kg mg ml mm mph kmh kph hr hrs min mins sec secs
    ie eg cf vs ft lb lbs oz sq yr yrs jan feb mar apr jun jul aug sep sept oct nov dec mon tue
    tues wed thu thur thurs fri sat sun""".split())
# British spellings of words the (American) word list knows: (British, American) patterns,
# each tried alone and with the others ("manoeuvred" needs two).
_BRITISH = (
    (r"our(?=(?:s|ed|ing|ite|able|ably|er|ful|less|hood|al|ally|ism|ist|ant|ly)?s?$)", "or"),
    (r"is(?=(?:e|es|ed|er|ers|ing|ation|ations|ational)$)", "iz"),
    (r"ys(?=(?:e|es|ed|ing)$)", "yz"), (r"([tv])re(s?)$", r"\1er\2"), (r"([tv])red$", r"\1ered"),
    (r"ence(s?)$", r"ense\1"), (r"ogue(s?)$", r"og\1"),
    (r"ll(?=(?:ed|ing|er|ers|or|ors|ous|ously)$)", "l"), (r"ellery$", "elry"), (r"ae", "e"),
    (r"oe", "e"), (r"mme(s?)$", r"m\1"), (r"nne(s?)$", r"n\1"), (r"eable$", "able"),
    (r"^scep", "skep"), (r"^maths$", "math"))
# Endings an English word may add to a listed one ("treaters", "unloaders").
_DERIVED = ("s", "es", "er", "ers", "ness")
COMPOUND_PART = 3  # "carmaker", "whistleblower": two listed words of three letters or more
# Parts that open a hyphenated compound without being words themselves ("multi-storey").
PREFIXES = frozenset("""multi pre post un non anti co cyber astro robo semi sub super inter
    mid ex self re de pro bi tri mono neo quasi pseudo micro macro mega mini e""".split())
# How a word of the German, the glossary or the memory may differ from the English one: an
# English ending added ("Gutach's"), a German one dropped ("Falkenberger" → "Falkenberg").
_ENGLISH_ENDINGS = ("s", "es")
_GERMAN_ENDINGS = ("e", "en", "er", "ern", "es", "s", "n", "ns", "em")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e",
                       "à": "a"})
_FOLD_LONG = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})

_LOCK = threading.Lock()
_MEMORY_WORDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
KEPT_IMPORTS = 4  # imported memories whose words are kept (one per store in use)
# (count, id of the first unit, id of the last) -> (first unit, last unit, their words)
_IMPORTED_WORDS: dict[tuple[int, int, int], tuple] = {}


@functools.lru_cache(maxsize=1)
def _checker():
    """pyspellchecker's English word list, loaded on first use and kept for the process."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def spelling_flags(source: str, target: str, glossary=None, memory=None,
                   origin: str | None = None) -> list[Flag]:
    """A ``spelling`` flag for each distinct misspelt word of a reviewer's English ``target``
    (the words of the German ``source``, the ``glossary`` and the ``memory`` allowed, but
    not those only the pair's own approval, memory ``origin``, uses)."""
    return misspellings(target, source, glossary, memory, origin)


def summary_flags(summary_en: str, article_en: str = "", article_de: str = "", glossary=None,
                  memory=None) -> list[Flag]:
    """``spelling`` flags for a summary: its words are allowed when the article (English or
    German), the glossary or the memory uses them."""
    return misspellings(summary_en or "", f"{article_de}\n{article_en}", glossary, memory)


def misspellings(english: str, allowed: str = "", glossary=None, memory=None,
                 origin: str | None = None) -> list[Flag]:
    """One ``spelling`` flag per distinct word of ``english`` that is misspelt: unknown to the
    word list and used neither in the text ``allowed`` nor in the glossary or memory (other
    than by the approval of memory ``origin``)."""
    unknown = [word for word in candidates(english) if not known(word)]
    if unknown:
        nearby = _words(allowed) | glossary_words(glossary)
        unknown = [word for word in unknown if not _allowed(word, nearby)]
    if unknown:
        others = memory_words(memory).besides(origin)
        unknown = [word for word in unknown if not _allowed(word, others)]
    return [Flag(CODE, detail(word)) for word in unknown]


def candidates(text: str) -> list[str]:
    """The distinct words of ``text`` worth looking up, as written: links, acronyms, names
    inside a sentence, words with digits and dotted abbreviations left out, possessives and
    contractions taken off, hyphenated compounds split into their parts."""
    text = _LINKS.sub(" ", text or "").replace("’", "'").replace("‐", "-")
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        starts = _starts_sentence(text, match.start())
        for word in _token_words(match.group(), starts):
            if word not in found:
                found.append(word)
    return found


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the token at ``start`` opens a sentence (or the text, a line, a quotation)."""
    before = text[max(0, start - LOOK_BACK):start].rstrip(_OPENERS)
    if not before:
        return start <= LOOK_BACK
    if before[-1] == ".":
        last = before[:-1].rsplit(None, 1)[-1:] or [""]
        return last[0].lower().lstrip(_OPENERS) not in _TITLES
    return before[-1] in _SENTENCE_ENDS


def _token_words(token: str, starts: bool) -> list[str]:
    """The words of one token that must be looked up (none for a number or abbreviation;
    a hyphenated compound's parts but its opening prefixes, none when it is a word joined)."""
    if any(ch.isdigit() or ch == "_" for ch in token) or "." in token:
        return []
    parts = token.split("-")
    if len(parts) > 1 and _listed(_without_endings("".join(parts)).lower()):
        return []  # "e-mail", "post-mortem"
    words = []
    for place, part in enumerate(parts):
        word = _without_endings(part)
        opens = place < len(parts) - 1 and word.lower() in PREFIXES
        if not opens and _checkable(word, starts and place == 0):
            words.append(word)
    return words


def _without_endings(word: str) -> str:
    """``word`` without a possessive or a contraction's end ("Merkel's", "they'd" → "they")."""
    head, mark, tail = word.rpartition("'")
    if not mark:
        return word
    if tail.lower() == "t" and head.lower().endswith("n"):
        return word  # "isn't", "can't": the word list has them whole
    return head if tail.lower() in _CONTRACTED or not tail else word


def _checkable(word: str, starts_sentence: bool) -> bool:
    """Whether ``word`` may be misspelt at all: long enough, not an acronym, not a name."""
    if len(word) < SHORTEST or ("'" in word and known(word)):
        return False
    if word.isupper() or any(ch.isupper() for ch in word[1:]):
        return False  # "NATO", "iPhone", "McDonald"
    if not word.isascii():
        return False  # "début", "Gönningen": a foreign name or loanword the list lacks
    return not word[0].isupper() or starts_sentence


def known(word: str) -> bool:
    """Whether ``word`` is English: listed (``_listed``), or built of listed words (a listed
    word with an English ending, "incorporations", or two run together, "carmaker") and not
    one edit from another listed word ("posession" is "possession" misspelt, not "pose" +
    "session"; "tomatos" is "tomatoes")."""
    lower = word.lower()
    if _listed(lower):
        return True
    return _built(lower) and all(lower.startswith(near) or near.replace("'", "") == lower
                                 for near in _neighbours(lower))


def _built(lower: str) -> bool:
    """Whether ``lower`` is a listed word with an English ending or two listed words."""
    if any(lower.endswith(end) and _listed(lower[:-len(end)]) for end in _DERIVED):
        return True
    return any(_listed(lower[:cut]) and _listed(lower[cut:])
               for cut in range(COMPOUND_PART, len(lower) - COMPOUND_PART + 1))


@functools.lru_cache(maxsize=4096)
def _neighbours(lower: str) -> frozenset[str]:
    """The listed words one edit (a letter added, dropped, changed or two swapped) away."""
    checker = _checker()
    return frozenset(checker.known(checker.edit_distance_1(lower)))


def _listed(lower: str) -> bool:
    """Whether the English word list has ``lower``: as it is, as the American spelling of a
    British one, without its accents ("cafe"), or as a common abbreviation."""
    checker = _checker()
    if lower in checker or lower in ABBREVIATIONS or lower in _unaccented():
        return True
    return any(variant in checker for variant in _american(lower))


@functools.lru_cache(maxsize=1)
def _unaccented() -> frozenset[str]:
    """The word list's accented words ("café") written without their accents."""
    import unicodedata

    def plain(word: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                       if not unicodedata.combining(ch))

    return frozenset(plain(w) for w in _checker().word_frequency.dictionary if not w.isascii())


def _american(word: str) -> set[str]:
    """American spellings ``word`` may be the British form of (none when nothing applies)."""
    rules = [rule for rule in _BRITISH if re.search(rule[0], word)]
    variants = set()
    for size in range(1, min(len(rules), 3) + 1):
        for chosen in itertools.combinations(rules, size):
            variant = word
            for british, american in chosen:
                variant = re.sub(british, american, variant)
            variants.add(variant)
    variants.discard(word)
    return variants


def _words(text: str) -> set[str]:
    """The words of a text, without case, also without their umlauts and accents ("Döner"
    gives "döner", "doner" and "doener")."""
    if not text:
        return set()
    words = set(_WORDS.findall(text.casefold()))
    return words | {w.translate(_FOLD) for w in words} | {w.translate(_FOLD_LONG) for w in words}


def _allowed(word: str, words: Container[str]) -> bool:
    """Whether ``word`` is among ``words``, allowing an English ending on it or a German one
    on theirs."""
    lower = word.casefold()
    if lower in words:
        return True
    if any(lower.endswith(end) and lower[:-len(end)] in words for end in _ENGLISH_ENDINGS):
        return True
    return any(lower + end in words for end in _GERMAN_ENDINGS)


def glossary_words(glossary) -> set[str]:
    """Every word of the glossary's terms, German and English (none without a glossary)."""
    if not glossary:
        return set()
    terms = [term for entry in glossary.entries for term in [entry.de, *entry.en]]
    return _words("\n".join(terms))


class MemoryWords:
    """The words of a translation memory's English: those of imported units, and those of the
    store's approved segments with the one segment using each (None: several)."""

    def __init__(self, imported: frozenset[str] = frozenset(),
                 approved: dict[str, str | None] | None = None, origin: str | None = None):
        self.imported, self.approved, self.origin = imported, approved or {}, origin

    def besides(self, origin: str | None) -> MemoryWords:
        """These words less those only the segment of memory ``origin`` uses: a segment's
        own approval never vouches for its spelling."""
        return MemoryWords(self.imported, self.approved, origin)

    def __contains__(self, word: str) -> bool:
        if word in self.imported:
            return True
        return word in self.approved and (self.origin is None
                                          or self.approved[word] != self.origin)


def memory_words(memory) -> MemoryWords:
    """The words of the English the translation ``memory`` holds, gathered once per memory;
    the imported units' part once while the same units are imported."""
    if memory is None:
        return MemoryWords()
    with _LOCK:
        found = _MEMORY_WORDS.get(memory)
    if found is None:
        store_units = memory.store_units  # a Memory lists its store units first
        found = MemoryWords(_imported_words(memory.units[len(store_units):]),
                            _approved_words(store_units))
        with _LOCK:
            _MEMORY_WORDS[memory] = found
    return found


def _approved_words(units) -> dict[str, str | None]:
    """Each word of the store units' English, with the origin of the one unit using it, or
    None when several do."""
    found: dict[str, str | None] = {}
    for unit in units:
        for word in _words(unit.target):
            if found.setdefault(word, unit.origin) != unit.origin:
                found[word] = None
    return found


def _imported_words(units: list) -> frozenset[str]:
    """The words of imported units' English, kept for the same units: ``memory_for`` hands
    the same ones to each memory it builds until the memory file changes, so a decision does
    not gather 100,000 units' words again (about half a second)."""
    if not units:
        return frozenset()
    key = (len(units), id(units[0]), id(units[-1]))
    with _LOCK:
        kept = _IMPORTED_WORDS.get(key)
    if kept is not None and kept[0] is units[0] and kept[1] is units[-1]:
        return kept[2]
    words = frozenset(_words("\n".join(unit.target for unit in units)))
    with _LOCK:
        while len(_IMPORTED_WORDS) >= KEPT_IMPORTS:
            _IMPORTED_WORDS.pop(next(iter(_IMPORTED_WORDS)))
        _IMPORTED_WORDS[key] = (units[0], units[-1], words)  # the units kept: ids stay theirs
    return words


def detail(word: str) -> str:
    """The flag's detail: the word and what it may have been meant as."""
    offered = suggestions(word)
    if not offered:
        return f'"{word}": not an English word (no suggestion)'
    options = ", ".join(offered[:-1]) + (" or " if len(offered) > 1 else "") + offered[-1]
    return f'"{word}": did you mean {options}?'


def suggestions(word: str) -> list[str]:
    """Up to MAX_SUGGESTIONS known words close to ``word``: one edit away, else two (same
    first letter), most frequent first, capitalised as ``word`` is."""
    return [_cased_as(word, near) for near in _nearest(word.lower())]


@functools.lru_cache(maxsize=4096)
def _nearest(lower: str) -> tuple[str, ...]:
    """``suggestions`` in lower case, kept: typed text is checked again and again."""
    checker = _checker()
    near = _neighbours(lower) or _two_edits(lower)
    ranked = sorted(near, key=lambda w: (-checker.word_usage_frequency(w), w))
    return tuple(ranked[:MAX_SUGGESTIONS])


def _two_edits(word: str) -> set[str]:
    """Known words two edits from ``word`` that share its first letter and nearly its
    length (rapidfuzz over a few thousand words, not the word list's ~10^5 edits)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    pool = [w for size in range(len(word) - 2, len(word) + 3)
            for w in _by_start_and_length().get((word[:1], size), ())]
    found = process.extract(word, pool, scorer=Levenshtein.distance, score_cutoff=2,
                            limit=None)
    return {w for w, _, _ in found}


@functools.lru_cache(maxsize=1)
def _by_start_and_length() -> dict[tuple[str, int], list[str]]:
    """The word list's words by (first letter, length), built once on first need."""
    table: dict[tuple[str, int], list[str]] = {}
    for word in _checker().word_frequency.dictionary:
        table.setdefault((word[:1], len(word)), []).append(word)
    return table


def _cased_as(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


CHECKS = (
    Check(spelling_flags, (
        Code(CODE, 0.2, "A word may be misspelt",
             "A reviewer's English (a correction, or a summary) has a word the English word "
             "list does not know and that neither the German, the glossary nor the "
             "translation memory uses: fix the spelling, or dismiss the flag if the word is "
             "meant."),),
          reads=("source", "target", "glossary", "memory", "origin"), needs=("reviewer",),
          rank=150),
)
