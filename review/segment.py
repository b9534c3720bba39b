"""German news segmentation: lines are paragraphs; headings and page furniture stay whole;
paragraphs are split into sentences; no segment is longer than MAX_SEGMENT_CHARS. Every span is
an exact slice of the input text."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from review.boilerplate import is_boilerplate

# Line breaks of every kind end a paragraph; a paragraph never spans two lines.
_LINE = re.compile(r"[^\n\r\u2028\u2029\x85\x0b\x0c]+")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_BULLETS = "•·▪▸►◦‣"
# A run of sentence-final marks, the closing quotes/brackets glued to it, then whitespace.
_CANDIDATE = re.compile(r"([.!?…]+)([\"'“”‘’«»‹›)\]]*)\s+")
# The next word, past opening quotes or brackets and at most one stray token such as a dash.
_WORD_AHEAD = re.compile(r"(?:[^\w\s]+\s+)?[^\w\s]*([^\W_][\w'’-]*)")
_LOOKBEHIND = 16  # longer than any abbreviation; keeps long paragraphs linear
_OPENERS = "\"'„“‚‘«»‹›([{"
_CLOSERS = "\"'“”‘’«»‹›)]}"
_FINAL_MARKS = ".!?…:;"

HEADING_MAX_CHARS = 160
HEADING_MAX_WORDS = 24

# The longest segment. Real news sentences are far shorter (newstest2014 German: median 116
# characters, 99.9th percentile 409, longest 467), so only run-on input is split: a pasted
# dump, a line of list items joined by commas, a single 990,000-character token. Each segment
# is one row in the review page and one unit of translation and saving, so a segment of
# unbounded length makes a page that never renders and a translation that never saves.
# At the usual 3-4 characters per subword token, 1,000 characters are some 250-350 Marian
# tokens (an estimate: no real Marian vocabulary was at hand), within the 512-token input
# that models/chunking fits segments to; it still splits anything longer for the model.
MAX_SEGMENT_CHARS = 1000
# Where an over-long segment is split, strongest first: a sentence-like end the sentence
# splitter declined (". " before a lowercase word, after an abbreviation, inside quotes) or a
# semicolon; a colon or a dash between spaces; a comma; any whitespace. Text with no
# whitespace at all is cut at the limit, never inside a character sequence (see _can_cut).
_LONG_BREAKS = (
    re.compile(r"(?:[.!?…]+[\"'“”‘’«»‹›)\]]*|;)(?=\s)"),
    re.compile(r"[:\u2013\u2014](?=\s)|(?<=\s)[-\u2012](?=\s)"),
    re.compile(r",(?=\s)"),
)
_WHITESPACE = re.compile(r"\s+")

# Abbreviations (case-sensitive, without the final dot) that never end a sentence.
_ABBREVIATIONS = frozenset("""
    Dr Prof Nr Nrn St Str Hr Hrn Fr Frl Mr Mrs Ms Gen Lt Kap Abs Art Bd Bde Abb Tab Anm Bsp
    bspw Bspw ca Ca bzw Bzw vgl Vgl ggf Ggf evtl Evtl inkl Inkl exkl zzgl sog Sog geb gest verh
    gegr urspr ehem Ehem ebd Ebd Hrsg hrsg Jan Febr Feb Apr Aug Sep Sept Okt Nov Dez Mo Di Mi
    Do Sa Tel Dipl Ing Mag Dir Pfr Bhf Hbf Pkt Ziff Verf Red Übers übers Aufl Ausg Jg Std Min
    Sek ggü bzgl Bzgl gem lt vs Vs dt engl franz frz lat griech ital span russ amerik ev kath
    evang Kr Lkr Bez Gde Abg Abt Vol vol Nachf stellv Stellv stv Stv sen jun Hl hl max min
    Mill Reg Verw Präs Vors allg Allg Bsp bes insb Insb Ld Ldkr Jahrg Gebr Kfm ff f v
""".split())

# Abbreviations that may also end a sentence: they split only before a typical sentence start.
_END_ABBREVIATIONS = frozenset("""
    usw usf etc Chr Co Inc Ltd Corp Jr Sr Tsd Mio Mrd Jh Jhd Jhdt AG GmbH
""".split())

# Capitalised function words that typically open a German sentence. After an ordinal, an
# initial or a Roman numeral they decide for a boundary; a capitalised noun decides against.
_SENTENCE_STARTS = frozenset("""
    Der Die Das Den Dem Des Ein Eine Einen Einem Einer Eines Kein Keine Keiner Er Sie Es Wir
    Ich Ihr Man Du Dies Diese Dieser Dieses Diesen Diesem Jene Jener Jeder Jede Jedes Alle
    Alles Viele Einige Manche Beide Mehrere Andere Solche Deren Dessen Sein Seine Seiner Ihre
    Ihrer Unser Unsere Mein Meine Ihm Ihn Ihnen Uns Sich Mir Mich
    In Im Ins Am An Ans Auf Aus Bei Beim Mit Nach Von Vom Vor Zu Zum Zur Für Über Unter Um
    Durch Gegen Ohne Seit Bis Während Wegen Trotz Laut Neben Zwischen Hinter Ab Außer Dank
    Gemäß Innerhalb Außerhalb Angesichts Aufgrund
    Und Oder Aber Doch Denn Sondern Sowie Also Dann Da Damit Dabei Dazu Daher Darum Deshalb
    Deswegen Dadurch Danach Davor Darauf Daraus Darüber Dagegen Dafür Dennoch Trotzdem Jedoch
    Zudem Außerdem Allerdings Ebenso Ebenfalls Auch Nur Noch Schon Bereits Erst Nun Jetzt
    Heute Gestern Morgen Damals Bisher Inzwischen Mittlerweile Zuletzt Zuvor Später Zunächst
    Schließlich Anschließend Dort Hier Als Wenn Wie Was Wer Wo Woher Wohin Warum Weshalb Wieso
    Welche Welcher Welches Ob Weil Obwohl Falls Sobald Solange Nachdem Bevor Indem So Sonst
    Nicht Nichts Niemand Jemand Etwa Vielleicht Wohl Ja Nein Immer Oft Mehr Weniger Insgesamt
    Gleichzeitig Stattdessen Hingegen Genau Gerade Natürlich Tatsächlich Offenbar Vor
    The It He She They We This That There
""".split())

_LOWER_STARTS = frozenset(word.lower() for word in _SENTENCE_STARTS)

# Capitalised articles, pronouns, prepositions and adverbs that German writes in lowercase
# inside a sentence; after a word with no punctuation they mark a headline that runs into its
# text ("Noch mehr Sicherheit für Fußgänger Die neue Ampel ..."). Left out: "Sie" (polite
# "you"), "Den" (Den Haag), "Von"/"Zu" (von der Leyen, zu Guttenberg).
_RUN_IN_STARTS = """Der Die Das Dem Des Ein Eine Einen Einem Einer Er Es Wir Ich Im Am Auf Bei
    Mit Nach Seit Für Als Wenn Doch Aber Auch Dann Dabei Damit Deshalb Trotzdem Jedoch Zudem
    Außerdem Allerdings Bereits Nun Jetzt Heute Dort Hier Dies Diese Dieser Dieses Zuvor
    Zuletzt Danach Inzwischen Mittlerweile Daher Darum Dazu Laut Während Nachdem Obwohl Weil
    Durch Gegen Unter Über Vor In Bis Wie Was Wer Wo Warum An Wegen Zum Zur Beim Neben
    Zwischen Man""".split()
_RUN_IN = re.compile(r"(?<=[^\W_])\s+(?=(?:%s)\s)" % "|".join(_RUN_IN_STARTS))
_TITLES = frozenset("""Die Linke|Die Grünen|Die Welt|Die Zeit|Der Spiegel|Die Presse|Der Standard
    |Das Erste|Die Partei|Die Tageszeitung|Der Tagesspiegel|Der Freitag|Der Bund|Die Furche
    |Die Ärzte|Die Toten|Die Fantastischen|Der Pate|Die Simpsons""".replace("\n    ", "").split("|"))
_RUN_IN_LOOKBEHIND = 200  # enough to judge quotes and case; keeps long paragraphs linear
MIN_LOWERCASE_SHARE = 0.2  # German prose runs at about 60 %, Title Case headlines near 0

_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_DOTTED_LETTERS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # H.J  z.B  U.S  e.V
_DAY_MONTH = re.compile(r"\d{1,2}\.\d{1,2}")  # "am 12.3." is a date, like an ordinal
_SPACED_DATE = re.compile(r"\b\d{1,2}\.\s\d{1,2}$")  # "am 3. 10" before ". 1990"
# "z. B." and friends written with a space: the part before the last letter decides.
_SPACED_ABBREVIATION = re.compile(
    r"(?:\b[zZ]\.\s?B|\bu\.\s?U|\bi\.\s?d\.\s?R|\bo\.\s?Ä|\bi\.\s?[AV]|\bu\.\s?v\.\s?m)$")
_SPACED_END_ABBREVIATION = re.compile(r"(?:\b[vn]\.\s?Chr|\be\.\s?V|\ba\.\s?D)$")


@dataclass(frozen=True)
class Span:
    """A piece of the article: ``text == article_text[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # heading | text | boilerplate
    paragraph: int


def segment_text(text: str) -> list[Span]:
    """Split an article into headings, boilerplate lines and sentences, offsets kept."""
    spans: list[Span] = []
    paragraph = 0
    for line in _LINE.finditer(text):
        start, end = _content_bounds(text, line.start(), line.end())
        if start == end:
            continue
        spans += _line_spans(text, start, end, paragraph)
        paragraph += 1
    return spans


def _line_spans(text: str, start: int, end: int, paragraph: int) -> list[Span]:
    line = text[start:end]
    kind = "boilerplate" if is_boilerplate(line) else "heading" if is_heading(line) else "text"
    # A heading is at most HEADING_MAX_CHARS; an over-long boilerplate line ("Tags: ..."
    # with thousands of tags) is split like any other, its pieces staying boilerplate.
    pieces = split_sentences(line) if kind == "text" else split_long(line, 0, len(line))
    return [Span(start + s, start + e, line[s:e], kind, paragraph) for s, e in pieces]


def _content_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of a line without edge whitespace and without a leading list bullet."""
    start, end = _trim(text, start, end)
    if end - start > 1 and text[start] in _BULLETS and _is_blank(text[start + 1]):
        start, end = _trim(text, start + 1, end)
    return start, end


def _is_blank(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_blank(text[start]):
        start += 1
    while end > start and _is_blank(text[end - 1]):
        end -= 1
    return start, end


def is_heading(line: str) -> bool:
    """A short line that does not end like a sentence: a headline, subheading or caption."""
    line = line.strip()
    if not line or len(line) > HEADING_MAX_CHARS or len(line.split()) > HEADING_MAX_WORDS:
        return False
    last = line.rstrip(_CLOSERS)[-1:]
    return last != "" and last not in _FINAL_MARKS


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of one paragraph, edge whitespace excluded; a
    sentence longer than MAX_SEGMENT_CHARS comes in pieces (``split_long``)."""
    spans = []
    start, end = _trim(paragraph, 0, len(paragraph))
    for match in _CANDIDATE.finditer(paragraph, start, end):
        if _is_boundary(paragraph, match):
            spans.append(_trim(paragraph, start, match.end(2)))
            start = match.end()
    spans.append(_trim(paragraph, start, end))
    return [piece for s, e in spans if s < e for rs, re_ in _split_run_ins(paragraph, s, e)
            for piece in split_long(paragraph, rs, re_)]


def split_long(text: str, start: int, end: int,
               limit: int = MAX_SEGMENT_CHARS) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, edge whitespace excluded.

    A span within the limit comes back whole (trimmed). A longer one is cut at the strongest
    break of ``_LONG_BREAKS`` that leaves pieces of about even length, else at whitespace,
    else hard at the limit on a position ``_can_cut`` allows. Linear in the length: each
    piece looks at no more than ``limit`` characters.
    """
    pieces = []
    start, end = _trim(text, start, end)
    while end - start > limit:
        cut = _long_cut(text, start, end, limit)
        pieces.append(_trim(text, start, cut))
        start, _ = _trim(text, cut, end)
    if start < end:
        pieces.append((start, end))
    return [(s, e) for s, e in pieces if s < e]


def _long_cut(text: str, start: int, end: int, limit: int) -> int:
    """Where the piece starting at ``start`` (more than ``limit`` characters left) ends."""
    remaining = end - start
    pieces = -(-remaining // limit)  # as few pieces as the limit allows, of even length
    ideal = start + remaining / pieces
    low, high = start + limit // 4, start + limit  # no slivers from punctuation breaks
    for pattern in _LONG_BREAKS:
        cuts = [m.end() for m in pattern.finditer(text, low, high)
                if _can_cut(text, m.end(), start)
                and _can_cut(text, _trim(text, m.end(), end)[0], start)]
        if cuts:
            return min(cuts, key=lambda c: abs(c - ideal))
    # The last whitespace run that leaves the piece within the limit.
    cuts = [m.start() for m in _WHITESPACE.finditer(text, start + 1, high + 1)
            if _can_cut(text, m.end(), start)]
    if cuts:
        return cuts[-1]
    for cut in range(high, start, -1):  # no whitespace: the last position that splits nothing
        if _can_cut(text, cut, start):
            return cut
    return high  # a "character" of over ``limit`` code points is no character: cut anyway


def _can_cut(text: str, i: int, floor: int = 0) -> bool:
    """Whether ``text[:i]`` and ``text[i:]`` leave every user-perceived character whole;
    ``floor`` is a known character boundary before ``i`` (where the current piece starts).

    Python strings hold code points, so a cut never falls inside a UTF-8 or UTF-16 encoding;
    this also keeps a base letter with its combining marks ("e" + U+0301), emoji with their
    modifiers, variation selectors and zero-width joiners, flag pairs and surrogate halves.
    """
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    if _extends(after) or before == "\u200d" or (before, after) == ("\r", "\n"):
        return False
    if "\ud800" <= before <= "\udbff" and "\udc00" <= after <= "\udfff":
        return False  # a surrogate pair left undecoded
    if _regional(before) and _regional(after):
        run = i - 1  # flags are pairs of regional indicators: cut only between pairs
        while run > floor and _regional(text[run - 1]):
            run -= 1
        return (i - run) % 2 == 0
    return True


def _extends(char: str) -> bool:
    """A code point that belongs to the character before it."""
    code = ord(char)
    return (unicodedata.category(char) in ("Mn", "Mc", "Me") or char == "\u200d"
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors
            or 0x1F3FB <= code <= 0x1F3FF  # skin tones
            or 0xE0020 <= code <= 0xE007F)  # emoji tag sequences


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _split_run_ins(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split where a headline runs into its first sentence with no punctuation between."""
    pieces = []
    for match in _RUN_IN.finditer(text, start, end):
        before = text[max(start, match.start() - _RUN_IN_LOOKBEHIND):match.start()]
        if _inside_quote(before):
            continue  # a title in quotes: „Old Habits Die Hard“
        if _is_run_in(before.split(), text[match.end():match.end() + 40]):
            pieces.append((start, match.start()))
            start = match.end()
    pieces.append((start, end))
    return pieces


def _inside_quote(before: str) -> bool:
    return before.count("„") > before.count("“") or before.count('"') % 2 == 1


def _is_run_in(before: list[str], after: str) -> bool:
    """A capitalised "Der"/"Im"/"Doch"... after a plain word starts a sentence, unless it is
    part of a name ("Partei Die Linke") or the text is Title Case ("Russland Setzt Auf ...")."""
    if len(before) < 3 or not before[-1][-1:].isalnum() or before[-1].lower() in _LOWER_STARTS:
        return False
    if " ".join(after.split()[:2]) in _TITLES:
        return False
    lowercase = sum(word[:1].islower() for word in before)
    return lowercase >= MIN_LOWERCASE_SHARE * len(before)


def _is_boundary(text: str, match: re.Match) -> bool:
    """Decide one candidate: marks, closing quotes, whitespace, then the next word."""
    ahead = _WORD_AHEAD.match(text, match.end())
    following = ahead.group(1) if ahead else ""  # none: only a stray quote or dash follows
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False  # a lowercase word goes on the same sentence
    if match.group(1) != ".":
        return True  # "?", "!", "?!" and ellipses before a capital end the sentence
    before = text[max(0, match.start(1) - _LOOKBEHIND):match.start(1)]
    return _full_stop_ends_sentence(before, following)


def _full_stop_ends_sentence(before: str, following: str) -> bool:
    """Decide a single '.' by the word before it and the word after it."""
    if before[-1:] in _CLOSERS:
        return True  # "(Seite 33)." or "„Würgegriff“.": no abbreviation or ordinal ends so
    word = _previous_word(before)
    starts = following in _SENTENCE_STARTS
    spaced = len(word) <= 3  # "z. B.", "v. Chr.": only short words can end one
    if word in _ABBREVIATIONS or spaced and _SPACED_ABBREVIATION.search(before):
        return False
    if word in _END_ABBREVIATIONS or spaced and _SPACED_END_ABBREVIATION.search(before):
        return starts
    if word.isdigit() and len(word) <= 3 or _DAY_MONTH.fullmatch(word):
        # "am 2. Januar", "der 3. Platz", "77. 000", "am 3. 10. 1990" go on;
        # "um 5. Die", "auf France 24. 2011 unterzeichneten" end
        year = len(following) == 4 and following.isdigit() and not _SPACED_DATE.search(before)
        return starts or year
    if len(word) == 1 and word.isalpha():
        return word.isupper() and starts  # an initial ("H. Nerozzi") or part of "z. B."
    if _DOTTED_LETTERS.fullmatch(word):
        return word[0].isupper() and starts
    if len(word) > 1 and _ROMAN.fullmatch(word):
        return starts  # "Johannes Paul II. besuchte"
    return True


def _previous_word(before: str) -> str:
    """The word before a full stop, quotes and brackets around it removed."""
    if not before or before[-1].isspace():
        return ""
    return before.split()[-1].lstrip(_OPENERS).rstrip(_CLOSERS)
