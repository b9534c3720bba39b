"""Fit segments to a model's input limit: clean, split at sensible points, run, rejoin.

Engine-agnostic, so the transformers and CTranslate2 engines clean, split, batch and rejoin the
same way. An engine supplies ``count_tokens(text) -> int`` (special tokens included), its input
``limit`` in tokens, and ``run_batch(texts) -> list[PieceResult]``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from models.base import Output, Progress

CountTokens = Callable[[str], int]

# Strongest break first. Sentence ends and semicolons read best; then colons and dashes; then
# commas; then any word boundary. A break inside a word happens only in text with no spaces.
_BREAKS = (
    re.compile(r"[.!?;](?=\s)"),
    re.compile(r"[:\u2013\u2014](?=\s)|\s-(?=\s)"),
    re.compile(r",(?=\s)"),
    re.compile(r"\s"),
)
# Punctuation breaks are only taken in the middle half, so a split never leaves a sliver that
# costs a whole extra model call; word boundaries are taken anywhere, nearest the middle first.
_MIDDLE = (0.25, 0.75)

# A degenerate model may never emit end-of-sentence: bound a translation's new tokens by the
# input length. English from German rarely needs more tokens than the German had; twice that
# plus a margin leaves room for any real translation. Both translation engines use these.
OUTPUT_FACTOR, OUTPUT_MARGIN = 2, 16
# Tokenizers without a limit report a huge sentinel (about 1e30); limits at or above this are
# not real, so the other limits (or the fallback) decide.
_NO_LIMIT = 100_000
_FALLBACK_LIMIT = 512

# Characters that carry no meaning for a translation model and trip up tokenizers: control
# characters, soft hyphens and other format marks, private-use and unassigned code points,
# surrogates left over from bad decoding, and the replacement character.
_JUNK_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs"}


@dataclass(frozen=True)
class Piece:
    owner: int  # index of the segment this piece belongs to
    text: str
    tokens: int


@dataclass(frozen=True)
class PieceResult:
    text: str
    confidence: float  # mean log-probability of the generated tokens
    tokens: int  # generated tokens, the weight of this piece in its segment's confidence


def clean(text: str) -> str:
    """The text a model should see: junk characters dropped, whitespace collapsed."""
    kept = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or (unicodedata.category(ch) not in _JUNK_CATEGORIES
                                       and ch != "\ufffd"))
    return " ".join(kept.split())


def has_letters(text: str) -> bool:
    """Whether there is anything to translate; numbers and symbols read the same in English."""
    return any(ch.isalpha() for ch in text)


def input_limit(*limits) -> int:
    """The encoder's input limit in tokens: the smallest real one of ``limits`` (e.g. the
    config's max_position_embeddings and the tokenizer's model_max_length; None is skipped)."""
    real = [int(n) for n in limits
            if isinstance(n, (int, float)) and not isinstance(n, bool) and 0 < n < _NO_LIMIT]
    return min(real) if real else _FALLBACK_LIMIT


def split_to_fit(text: str, count_tokens: CountTokens, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` tokens, at the most natural breaks."""
    if len(text) <= 1 or count_tokens(text) <= limit:
        return [text]
    cut = _split_point(text)
    left, right = text[:cut].strip(), text[cut:].strip()
    if not left or not right:  # only whitespace on one side: nothing sensible to split
        return [text]
    return split_to_fit(left, count_tokens, limit) + split_to_fit(right, count_tokens, limit)


def _split_point(text: str) -> int:
    middle = len(text) / 2
    low, high = (len(text) * share for share in _MIDDLE)
    for rank, pattern in enumerate(_BREAKS):
        is_word_boundary = rank == len(_BREAKS) - 1
        cuts = [m.end() for m in pattern.finditer(text)
                if is_word_boundary or low <= m.end() <= high]
        cuts = [c for c in cuts if 0 < c < len(text)]
        if cuts:
            return min(cuts, key=lambda c: abs(c - middle))
    return len(text) // 2


def plan(segments: Sequence[str], count_tokens: CountTokens, limit: int) -> list[Piece]:
    """The pieces to send to the model; blank and letterless segments send none."""
    pieces = []
    for owner, segment in enumerate(segments):
        text = clean(segment)
        if not has_letters(text):
            continue
        for part in split_to_fit(text, count_tokens, limit):
            pieces.append(Piece(owner, part, count_tokens(part)))
    return pieces


def run_sorted(pieces: list[Piece], run_batch: Callable[[list[str]], list[PieceResult]],
               batch_size: int, on_batch: Callable[[list[int]], None] | None = None
               ) -> list[PieceResult]:
    """Run pieces in batches of similar length (little padding); results in piece order."""
    order = sorted(range(len(pieces)), key=lambda i: pieces[i].tokens)
    results: list[PieceResult | None] = [None] * len(pieces)
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        for i, result in zip(batch, run_batch([pieces[i].text for i in batch])):
            results[i] = result
        if on_batch:
            on_batch(batch)
    return results  # type: ignore[return-value]


def rejoin(segments: Sequence[str], pieces: list[Piece], results: list[PieceResult],
           model: str, engine: str) -> list[Output]:
    """One output per segment: its pieces' texts joined by a space, confidences token-weighted.

    Confidence None means the text did not come from the model: a blank segment (empty text),
    a segment without letters (copied as is), or a model that produced nothing (empty text).
    """
    parts: dict[int, list[PieceResult]] = {}
    for piece, result in zip(pieces, results):
        parts.setdefault(piece.owner, []).append(result)
    outputs = []
    for owner, segment in enumerate(segments):
        if owner in parts:
            text, confidence = _combine(parts[owner])
        else:
            text, confidence = clean(segment), None
        outputs.append(Output(text=text, confidence=confidence, model=model, engine=engine))
    return outputs


def _combine(results: list[PieceResult]) -> tuple[str, float | None]:
    text = " ".join(r.text.strip() for r in results if r.text.strip())
    if not text:
        return "", None
    weight = sum(max(r.tokens, 1) for r in results)
    return text, sum(r.confidence * max(r.tokens, 1) for r in results) / weight


def translate_segments(segments: Sequence[str], *, count_tokens: CountTokens, limit: int,
                       run_batch: Callable[[list[str]], list[PieceResult]], batch_size: int,
                       model: str, engine: str, progress: Progress | None = None
                       ) -> list[Output]:
    """The whole engine-independent flow: plan pieces, run them sorted, rejoin per segment."""
    segments = list(segments)
    pieces = plan(segments, count_tokens, limit)
    tracker = _SegmentProgress(segments, pieces, progress)
    results = run_sorted(pieces, run_batch, batch_size, tracker.pieces_done)
    tracker.finish()
    return rejoin(segments, pieces, results, model, engine)


class _SegmentProgress:
    """Reports progress in segments: a segment is done when all of its pieces are."""

    def __init__(self, segments: list[str], pieces: list[Piece], progress: Progress | None):
        self.total = len(segments)
        self.pieces = pieces
        self.progress = progress
        self.waiting: dict[int, int] = {}
        for piece in pieces:
            self.waiting[piece.owner] = self.waiting.get(piece.owner, 0) + 1
        self.done = self.total - len(self.waiting)  # blank and letterless ones are done already

    def pieces_done(self, indices: list[int]) -> None:
        for i in indices:
            owner = self.pieces[i].owner
            self.waiting[owner] -= 1
            if self.waiting[owner] == 0:
                self.done += 1
        if self.progress:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress and not self.pieces:  # nothing was sent: still say we are done
            self.progress(self.total, self.total)


# -- scoring English under the model (agreement) ----------------------------------------------
# The German is split exactly as for translation. When it needs k pieces, the English is cut
# into k pieces of the same character shares as the German pieces, each cut moved to the nearest
# sentence end, else comma, else word boundary: the model then scores each English piece given
# its German piece, as translation would have produced it. Pieces are weighted by their tokens.

_TARGET_BREAKS = (re.compile(r"[.!?;:](?=\s)"), re.compile(r",(?=\s)"), re.compile(r"\s"))


@dataclass(frozen=True)
class PairPiece:
    owner: int
    source: str
    target: str


def split_target(target: str, shares: Sequence[float]) -> list[str]:
    """``target`` cut into ``len(shares)`` pieces of about those character shares, at the most
    natural breaks near each cut; pieces may be empty when the English has too few breaks."""
    if len(shares) <= 1:
        return [target]
    total = sum(shares) or 1.0
    cuts, acc, last = [], 0.0, 0
    for share in shares[:-1]:
        acc += share / total
        want = acc * len(target)
        window = max(8.0, 0.15 * len(target))
        cut = None
        for pattern in _TARGET_BREAKS:
            ends = [m.end() for m in pattern.finditer(target)
                    if m.end() > last and abs(m.end() - want) <= window]
            if ends:
                cut = min(ends, key=lambda c: abs(c - want))
                break
        if cut is None:
            cut = max(last, min(len(target), round(want)))
        cuts.append(cut)
        last = cut
    bounds = [0] + cuts + [len(target)]
    return [target[a:b].strip() for a, b in zip(bounds, bounds[1:])]


def plan_pairs(sources: Sequence[str], targets: Sequence[str], count_tokens: CountTokens,
               limit: int) -> list[PairPiece]:
    """The (German, English) pieces to score; pairs with a blank English or a German without
    letters send none (their agreement is None)."""
    if len(sources) != len(targets):
        raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
    pairs = []
    for owner, (source, target) in enumerate(zip(sources, targets)):
        src, tgt = clean(source), clean(target or "")
        if not has_letters(src) or not tgt:
            continue
        parts = split_to_fit(src, count_tokens, limit)
        for s, t in zip(parts, split_target(tgt, [len(p) for p in parts])):
            if t:
                pairs.append(PairPiece(owner, s, t))
    return pairs


def combine_scores(count: int, pairs: list[PairPiece],
                   scores: list[tuple[float, int]]) -> list[float | None]:
    """Per owner: the token-weighted mean of its pieces' (mean log-prob, tokens) scores."""
    sums: dict[int, list[float]] = {}
    for pair, (mean, tokens) in zip(pairs, scores):
        acc = sums.setdefault(pair.owner, [0.0, 0.0])
        acc[0] += mean * max(tokens, 1)
        acc[1] += max(tokens, 1)
    return [sums[i][0] / sums[i][1] if i in sums else None for i in range(count)]
