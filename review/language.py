"""A fast check that a text is German: function-word counts per language plus letter hints."""
from __future__ import annotations

import re

from review.errors import BadInputError

# The most frequent function words of each language. Words shared between languages ("in",
# "die", "de") count for each of them; the distinctive ones decide.
_STOPWORDS = {
    "German": """der die das und in ist nicht ein eine einen einem einer zu den von mit sich des
        auf für im dem auch es an als er sie wird bei nach aus wie hat noch über so dass sind
        oder zum zur nur am vor werden kann um durch haben man wurde seine war wir ich aber
        wenn wo was wer diese dieser dieses sei habe hatte hätten soll sollen will gegen seit
        unter zwischen ohne mehr schon sehr jetzt heute ihre ihr ihrem ihren uns kein keine
        nicht doch""",
    "English": """the and of to in is that for it with as was on be by at this are from or have
        an but not which has were they their you he his its will would been said who more
        there what when we our can about than after into also had one other these some only
        new could should""",
    "French": """le la les de des et est un une du en que qui dans pour pas sur au ce avec il
        elle se plus par sont ont été aux ne cette nous vous mais leur comme ses fait être""",
    "Spanish": """el la los las de del y que en un una es por con para se no al lo como más
        pero sus su fue son está han ha muy también sobre entre cuando este esta""",
    "Italian": """il la le di del della che e è un una per con non si sono gli dei nel alla da
        come più anche ha questo questa delle degli nella sul ma loro""",
    "Dutch": """de het een en van is dat op te in voor niet met zijn er aan ook als door maar
        bij naar om dan wordt heeft werd hij zij ze wij nog geen meer deze dit""",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_EVERY_STOPWORD = frozenset().union(*_WORDS.values())

# Letters and letter groups typical of one language's words ("Außenministerin", "besucht").
_HINTS = {
    "German": re.compile(r"[äöüßz]|ch|ei|ie|en\b|ung\b|lich"),
    "English": re.compile(r"th|wh|y|ght|ough|ing\b|ly\b"),
    "French": re.compile(r"[éèêàçùâîôœ]|eau"),
    "Spanish": re.compile(r"[ñ¿¡áíóú]|ción\b"),
    "Italian": re.compile(r"[òìàù]|zione\b|gli|cch"),
    "Dutch": re.compile(r"ij|aa|uu|oe|ee"),
}
HINT_WEIGHT = 0.5  # a function word is stronger evidence than a letter pattern
_WORD = re.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 20_000  # a few pages decide; keeps the check instant on long texts
MIN_LETTER_SHARE = 0.5
MIN_STOPWORD_SHARE = 0.08  # German news runs at 30-45 %; junk and word lists near 0


def guess_language(text: str) -> str | None:
    """The language with the most evidence, or None when the text is not language at all."""
    text = text[:SAMPLE_CHARS]
    if not text.strip():
        return None
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or letters < MIN_LETTER_SHARE * visible:
        return None
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _WORDS.items()}
    for lang, pattern in _HINTS.items():
        scores[lang] += HINT_WEIGHT * sum(bool(pattern.search(w)) for w in words)
    best = max(scores, key=scores.get)  # on a tie German wins: it comes first
    if scores[best] < 1 or (len(words) >= 8 and _stopword_share(words) < MIN_STOPWORD_SHARE):
        return None
    return best


def _stopword_share(words: list[str]) -> float:
    return sum(w in _EVERY_STOPWORD for w in words) / len(words)


def looks_german(text: str) -> bool:
    """True when the text reads as German (headlines included), False for other text or junk."""
    return guess_language(text) == "German"


def ensure_german(text: str, name: str) -> None:
    """Raise BadInputError naming ``name`` when the text is not German."""
    language = guess_language(text)
    if language == "German":
        return
    looks = f"it looks like {language}" if language else "it does not read as any language"
    raise BadInputError(f"{name}: text does not look like German ({looks}); this tool "
                        "translates German news into English")
