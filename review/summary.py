"""Article summaries: extractive (chosen German sentences, shown in their English) and abstractive.

The extractive summary ranks the German sentences with multilingual-e5-small embeddings, so it
works offline and before translation; its English is the reviewed translation of those
sentences, so it follows reviewers' corrections and cannot say what the article does not.
"""
from __future__ import annotations

import math
import re

from models.base import Summarizer
from review.article import Article, Segment, Summary
from review.errors import NothingToDoError
from review.faithfulness import faithfulness_flags  # part of this module's contract
from review.summary_sentences import derive_extractive, fill, resplit
from review.summary_sentences import usable_english as _english

__all__ = ["extractive", "abstractive", "refresh", "rederive", "reflag", "selection",
           "faithfulness_flags"]

RANKER = "intfloat/multilingual-e5-small"
MIN_PICK, MAX_PICK = 2, 6
MIN_SENTENCES = 3  # below this, the whole article is its own summary
LEAD_BONUS = 0.02  # centrality scores spread over ~0.05, so this favours the lead, gently
SHORT_WORDS = 6  # sentences shorter than this say little on their own
SHORT_PENALTY = 0.02
DUPLICATE = 0.95  # cosine similarity above which two sentences say the same
GAP = "no English yet for segment(s) "
REJECTED = "rejected segment(s) "  # begins the note on chosen segments left out as rejected


def extractive(article: Article) -> Summary:
    """Pick 2-6 central sentences (in article order); the summary is their English, one
    summary sentence each, with its evidence."""
    _require_english(article)
    chosen, note = selection(article)
    summary = Summary(method="extractive", text=None, model=RANKER, source_segments=chosen,
                      note=note)
    _derive_text(article, summary)
    fill(article, summary)
    return summary


def selection(article: Article) -> tuple[list[int], str | None]:
    """The segments an extractive summary shows, and a note when it is the whole article.

    Needs only the German, so it works before translation."""
    candidates = candidates_for(article)
    if len(candidates) >= MIN_SENTENCES:
        return choose(candidates), None
    whole = [s.index for s in article.segments if s.kind != "boilerplate" and _has_words(s)]
    return whole, (f"the article has only {len(candidates)} sentence(s), so the summary is "
                   "its whole text")


def choose(candidates: list[Segment]) -> list[int]:
    """Indices of the most central candidates, more for longer articles, in article order."""
    from models.embed import embed

    vectors = embed([s.source for s in candidates])
    centroid = vectors.mean(axis=0)
    centroid /= max(float((centroid ** 2).sum()) ** 0.5, 1e-9)
    scores = [float(vectors[i] @ centroid) + _prior(i, seg, len(candidates))
              for i, seg in enumerate(candidates)]
    # Ties go to the earlier sentence, so the choice is the same on every run.
    order = sorted(range(len(candidates)), key=lambda i: (-round(scores[i], 6), i))
    picked: list[int] = []
    for i in order:
        if len(picked) < pick_count(len(candidates)) and not _repeats(vectors, i, picked):
            picked.append(i)
    if len(picked) < MIN_PICK:  # an article of near-copies: repeat rather than say too little
        picked = order[:MIN_PICK]
    return sorted(candidates[i].index for i in picked)


def _repeats(vectors, i: int, picked: list[int]) -> bool:
    """Whether sentence ``i`` says what an already picked sentence says."""
    return any(float(vectors[i] @ vectors[j]) >= DUPLICATE for j in picked)


def pick_count(sentences: int) -> int:
    """About the square root of the article's length: 9 sentences give 3, 36 or more give 6."""
    return max(MIN_PICK, min(MAX_PICK, round(math.sqrt(sentences))))


def candidates_for(article: Article) -> list[Segment]:
    """Body sentences worth choosing: no headings, boilerplate, rejected or repeated headings."""
    headings = {_plain(s.source) for s in article.segments if s.kind == "heading"}
    return [s for s in article.segments
            if s.kind == "text" and s.decision.status != "rejected" and _has_words(s)
            and _plain(s.source) not in headings]


def abstractive(article: Article, summarizer: Summarizer) -> Summary:
    """Summarize the article's English body (headings left out: they are fragments that run
    into the next sentence) and flag numbers and names the article does not support."""
    _require_english(article)
    used = [s for s in article.segments if s.kind == "text" and _english(s)]
    output = summarizer.summarize([_english(s) for s in used])
    flags = _flags_of(output.text, article)
    note = None if output.text.strip() else "the model produced no text; write the summary"
    summary = Summary(method="abstractive", text=output.text.strip() or None,
                      model=output.model, source_segments=[s.index for s in used], flags=flags,
                      note=note)
    summary.sentences = resplit(summary, summary.text)
    fill(article, summary)
    return summary


def refresh(article: Article, known: dict | None = None) -> None:
    """After a correction: re-derive a pending extractive summary from its sentences' English;
    sentences new or changed get their evidence from ``known`` (``summary_sentences.known``
    of the summary re-derived on a snapshot) or, failing that, worked out now."""
    if rederive(article):
        fill(article, article.summary, known)


def reflag(article: Article) -> None:
    """After a decision on the summary: its flags are those of the English it now holds (a
    numbers, names and spelling check of a corrected or generated text; an extractive
    summary as generated is the article's own English and has none)."""
    summary = article.summary
    if summary is None or summary.decision.status == "rejected":
        return
    corrected = summary.decision.status == "corrected"
    if summary.method == "extractive" and not corrected:
        summary.flags = []
        return
    summary.flags = _flags_of(summary.decision.text if corrected else summary.text, article)


def _flags_of(english: str | None, article: Article) -> list:
    from review.faithfulness import summary_spelling_flags

    if not english or not english.strip():
        return []
    article_en = article.english_text()
    return (faithfulness_flags(english, article_en, article.text)
            + summary_spelling_flags(english, article_en, article.text))


def rederive(article: Article) -> bool:
    """``refresh`` without the evidence of new sentences; whether there was anything to do
    (a pending extractive summary)."""
    summary = article.summary
    if summary and summary.method == "extractive" and summary.decision.status == "pending":
        _derive_text(article, summary)
        return True
    return False


def english_of(article: Article, indices: list[int]) -> list[str | None]:
    """The usable English of the given segments (None: not translated yet, or rejected)."""
    by_index = {s.index: s for s in article.segments}
    return [_english(by_index[i]) if i in by_index else None for i in indices]


def _derive_text(article: Article, summary: Summary) -> None:
    """The summary's text, sentences and note from its segments' English as it is now."""
    english = english_of(article, summary.source_segments)
    used = [(i, text) for i, text in zip(summary.source_segments, english) if text]
    missing = [i for i, text in zip(summary.source_segments, english) if not text]
    rejected = {s.index for s in article.segments if s.decision.status == "rejected"}
    summary.text = " ".join(text for _, text in used) or None
    summary.note = _with_gaps(summary.note, [i for i in missing if i not in rejected],
                              [i for i in missing if i in rejected])
    derive_extractive(summary, used)


def _with_gaps(note: str | None, untranslated: list[int], rejected: list[int]) -> str | None:
    """The note with its parts on untranslated and rejected segments replaced by the current
    ones (or dropped)."""
    parts = [p for p in (note or "").split("; ")
             if p and not p.startswith(GAP) and not p.startswith(REJECTED)]
    if untranslated:
        parts.append(f"{GAP}{_numbers(untranslated)}: translate or correct them to complete "
                     "the summary")
    if rejected:
        parts.append(f"{REJECTED}{_numbers(rejected)}: left out of the summary, correct them "
                     "to bring them back")
    return "; ".join(parts) or None


def _numbers(indices: list[int]) -> str:
    return ", ".join(map(str, indices))


def _require_english(article: Article) -> None:
    if not any(_english(s) for s in article.segments if s.kind != "boilerplate"):
        raise NothingToDoError(f"article {article.id} has no English yet: run "
                               f"`python -m review translate {article.id}` first")


def _prior(position: int, segment: Segment, total: int) -> float:
    lead = LEAD_BONUS * (1 - position / total)
    words = len(segment.source.split())
    short = SHORT_PENALTY * max(0, SHORT_WORDS - words) / SHORT_WORDS
    return lead - short


def _has_words(segment: Segment) -> bool:
    return any(ch.isalpha() for ch in segment.source)


def _plain(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()
