"""A summary's sentences (its claims) and the segments that support each (their evidence).

An extractive summary has one sentence per segment it shows, in that segment's English; its
evidence is that segment first, then the segments whose German is most like that segment's.
Any other summary (abstractive, corrected, written by a reviewer) is split into sentences, and
each gets the segments most like it (multilingual-e5-small, against a segment's English and
its German, the better of the two) plus every segment holding a number or a name it uses.

Working out evidence embeds text, so it is done before the store's lock where it can be:
``fill`` takes what ``known`` collected from the same summary on a snapshot.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

from review.article import APPROVED, Article, Segment, Summary, SummarySentence
from review.faithfulness import sentence_flags  # noqa: F401 - part of this module's contract

# Calibrated with scripts/eval_evidence.py: a summary sentence's own segment scores 0.91 and
# more for a whole sentence and mostly over 0.85 for half of one; the other segments of an
# article score 0.81 (median), 0.85 at the 95th percentile.
TOP = 3  # segments found by similarity alone, at most (the best one always counts)
FLOOR = 0.85  # cosine similarity under which a segment is no evidence, unless it is the best
MARGIN = 0.05  # nor is one this far below the best

Key = tuple  # ("segment", index) for an extractive sentence, ("text", squashed text) otherwise

# -- splitting -------------------------------------------------------------------------------

# A run of sentence-final marks, the closing quotes/brackets glued to it, then whitespace: a
# decimal ("3.5") has none after its point, so it never splits.
_CANDIDATE = re.compile(r"([.!?…]+)([\"'”’)\]]*)\s+")
_NEXT_WORD = re.compile(r"[\"'“‘(\[]*([^\W_][\w'’-]*)")
_OPENERS = "\"'“‘(["
# Never end a sentence: titles before a name, "No. 5", "vs.", "e.g.", "i.e.".
_ABBREVIATIONS = frozenset("""Mr Mrs Ms Dr Prof St Gen Gov Sen Rep Col Lt Capt Sgt Maj Rev Hon
    Mt Ft No Nos vs cf al approx Fig e.g i.e""".split())
# May end a sentence: they split only before a word that typically starts one.
_END_ABBREVIATIONS = frozenset("""etc Inc Ltd Co Corp Bros Jr Sr Jan Feb Mar Apr Jun Jul Aug
    Sep Sept Oct Nov Dec a.m p.m U.S U.K U.N E.U""".split())
_STARTS = frozenset("""The A An This That These Those It Its He She They We I You His Her
    Their Our There Here But And Or So Yet In On At For From After Before Since When While If
    As Although However Meanwhile Also Then Now Today Yesterday Some Many Most Several Both
    No None One Two Three Police Officials""".split())


def split(text: str | None) -> list[str]:
    """The sentences of English ``text``: lines apart, then at sentence-final marks that are
    not an abbreviation, an initial or a decimal point."""
    sentences = []
    for line in (text or "").splitlines():
        start = 0
        for match in _CANDIDATE.finditer(line):
            if _is_boundary(line, match):
                sentences.append(line[start:match.end(2)].strip())
                start = match.end()
        sentences.append(line[start:].strip())
    return [s for s in sentences if s]


def _is_boundary(line: str, match: re.Match) -> bool:
    ahead = _NEXT_WORD.match(line, match.end())
    following = ahead.group(1) if ahead else ""
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False  # a lowercase word goes on the same sentence
    if match.group(1) != ".":
        return True
    words = line[:match.start(1)].split()
    word = words[-1].lstrip(_OPENERS) if words else ""
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False  # "Dr. Smith", "J. Smith"
    if word in _END_ABBREVIATIONS:
        return following in _STARTS
    return True


def squashed(text: str | None) -> str:
    return " ".join((text or "").split())


# -- keeping sentences in step with the summary ----------------------------------------------

def usable_english(segment: Segment) -> str | None:
    """A segment's English as a summary uses it: none while rejected (until corrected)."""
    if segment.decision.status == "rejected":
        return None
    text = segment.english
    return text.strip() if text and text.strip() else None


def current_text(summary: Summary) -> str | None:
    """The summary as it stands: the approved text, else the generated one."""
    return summary.approved if summary.decision.status in APPROVED else summary.text


def resplit(summary: Summary, text: str | None) -> list[SummarySentence]:
    """``text``'s sentences: one the summary already has (same text, spaces aside) is kept
    with its evidence, verdict and note (a copy); a new one has no evidence yet (``fill``)."""
    old = {squashed(s.text): s for s in reversed(summary.sentences)}
    return [_copy(old[squashed(t)]) if squashed(t) in old else SummarySentence(t)
            for t in split(text)]


def synced(summary: Summary) -> list[SummarySentence]:
    """A copy of the summary's sentences, split afresh (``resplit``) if they no longer make
    up its current text (a file from before sentences were kept)."""
    if squashed(" ".join(s.text for s in summary.sentences)) == squashed(current_text(summary)):
        return [_copy(s) for s in summary.sentences]
    return resplit(summary, current_text(summary))


def derive_extractive(summary: Summary, used: list[tuple[int, str]]) -> None:
    """One sentence per (segment, English) the extractive summary shows. A sentence whose
    segment and text are unchanged is kept; a changed text keeps its segment's evidence
    (it comes from the German) but not the verdict given to the old text."""
    old = {s.evidence[0]: s for s in summary.sentences if s.evidence}
    sentences = []
    for index, text in used:
        before = old.get(index)
        if before is not None and before.text == text:
            sentences.append(before)
        else:
            sentences.append(SummarySentence(text, list(before.evidence) if before else []))
    summary.sentences = sentences


def _copy(sentence: SummarySentence) -> SummarySentence:
    return replace(sentence, evidence=list(sentence.evidence))


# -- evidence --------------------------------------------------------------------------------

def fill(article: Article, summary: Summary, known: dict[Key, list[int]] | None = None) -> None:
    """Evidence for every sentence that has none: from ``known`` where it holds the sentence,
    else worked out now (one embedding batch for all of them)."""
    keys = _keys(article, summary)
    todo = [(s, key) for s, key in zip(summary.sentences, keys) if not s.evidence]
    for sentence, key in todo:
        sentence.evidence = list((known or {}).get(key, []))
    rest = [(s, key) for s, key in todo if not s.evidence]
    if rest:
        found = evidence(article, [key for _, key in rest])
        for sentence, key in rest:
            sentence.evidence = list(found[key])


def unfilled(summary: Summary | None) -> bool:
    """Whether some sentence of ``summary`` still waits for its evidence."""
    return summary is not None and any(not s.evidence for s in summary.sentences)


def known(article: Article, summary: Summary | None) -> dict[Key, list[int]]:
    """Each sentence's evidence by its key, for ``fill`` on the same summary elsewhere."""
    if summary is None:
        return {}
    return {key: list(s.evidence)
            for s, key in zip(summary.sentences, _keys(article, summary)) if s.evidence}


def _keys(article: Article, summary: Summary) -> list[Key]:
    """("segment", i) for sentences that are the English of the extractive summary's
    segments, one each in order; ("text", the squashed sentence) for any other."""
    texts = [s.text for s in summary.sentences]
    if summary.method == "extractive":
        by_index = {s.index: s for s in article.segments}
        used = [(i, usable_english(by_index[i])) for i in summary.source_segments
                if i in by_index]
        used = [(i, text) for i, text in used if text]
        if [text for _, text in used] == texts:
            return [("segment", i) for i, _ in used]
    return [("text", squashed(text)) for text in texts]


def evidence(article: Article, keys: list[Key]) -> dict[Key, list[int]]:
    """The evidence of each key (``_keys``), segment numbers best first; one embedding batch."""
    pool = _Pool(article, [key[1] for key in keys if key[0] == "text"])
    found = {}
    for key in keys:
        if not pool.segments:
            found[key] = []
        elif key[0] == "segment":
            found[key] = pool.like_segment(key[1])
        else:
            found[key] = pool.like_sentence(key[1])
    return found


class _Pool:
    """The article's reviewable segments as evidence is found among them: their German and
    English embedded with the sentences in one batch, numbers and names read once."""

    def __init__(self, article: Article, sentences: list[str]):
        from models.embed import embed

        self.segments = [s for s in article.reviewable() if s.source.strip()]
        self.english = [usable_english(s) for s in self.segments]
        sentences = sentences if self.segments else []
        english = [e for e in self.english if e] if sentences else []
        vectors = embed([s.source for s in self.segments] + sentences + english)
        n, m = len(self.segments), len(sentences)
        self.german = vectors[:n]
        self.sentences = dict(zip(sentences, vectors[n:n + m]))
        rows = iter(vectors[n + m:])
        self.english_vectors = [next(rows) if e else None for e in self.english] if m else []
        self._numbers: list[list[float]] | None = None
        self._keys: list[set[str]] | None = None

    def like_segment(self, index: int) -> list[int]:
        """The segment itself, then up to TOP - 1 others whose German is like its German."""
        position = next((p for p, s in enumerate(self.segments) if s.index == index), None)
        if position is None:
            return [index]
        scores = [float(v @ self.german[position]) for v in self.german]
        others = [p for p in _order(scores) if p != position and scores[p] >= FLOOR]
        return [index] + [self.segments[p].index for p in others[:TOP - 1]]

    def like_sentence(self, sentence: str) -> list[int]:
        """The TOP segments most like ``sentence`` above FLOOR and within MARGIN of the best
        (the best always), plus every segment holding a number or a name it uses, best first."""
        claim = self.sentences[sentence]
        scores = [max(float(de @ claim), -1.0 if en is None else float(en @ claim))
                  for de, en in zip(self.german, self.english_vectors)]
        order = _order(scores)
        bar = max(FLOOR, scores[order[0]] - MARGIN)
        similar = {p for p in order[:TOP] if scores[p] >= bar} | {order[0]}
        mentioning = self.mentioning(sentence)
        return [self.segments[p].index for p in order if p in similar or p in mentioning]

    def mentioning(self, sentence: str) -> set[int]:
        """Positions of the segments holding a number (same value) or a name ``sentence``
        uses."""
        from review.checks.numbers import extract_numbers
        from review.faithfulness import mentions, names_in

        numbers = [value for value, _ in extract_numbers(sentence, "en")]
        names = names_in(sentence)
        found = set()
        if numbers:
            found |= {p for p, values in enumerate(self.numbers()) if any(
                math.isclose(n, v, rel_tol=1e-6) for n in numbers for v in values)}
        if names:
            found |= {p for p, (en, keys) in enumerate(zip(self.english, self.name_keys()))
                      if any(mentions(name, en or "", keys) for name in names)}
        return found

    def numbers(self) -> list[list[float]]:
        """Each segment's numbers, from its English and its German."""
        from review.checks.numbers import extract_numbers

        if self._numbers is None:
            self._numbers = [[v for v, _ in extract_numbers(en or "", "en")
                              + extract_numbers(seg.source, "de")]
                             for seg, en in zip(self.segments, self.english)]
        return self._numbers

    def name_keys(self) -> list[set[str]]:
        """Each segment's German words as spelling-tolerant keys (``faithfulness``)."""
        from review.faithfulness import german_keys

        if self._keys is None:
            self._keys = [german_keys(seg.source) for seg in self.segments]
        return self._keys


def _order(scores: list[float]) -> list[int]:
    """Positions by score, best first; ties to the earlier segment."""
    return sorted(range(len(scores)), key=lambda p: (-round(scores[p], 6), p))
