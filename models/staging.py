"""Staged summaries, shared by the transformers and CTranslate2 summarizers.

An input longer than the model's limit is packed into chunks of whole segments; each chunk is
summarized, and the joined chunk summaries are summarized again, so nothing is cut off. An
engine supplies only ``count(text) -> int`` (special tokens included), its input ``limit`` and
``generate(chunks) -> [(text, mean log-prob or None)]``; both engines thus chunk alike.
"""
from __future__ import annotations

from typing import Callable, Sequence

from models.base import Output
from models.chunking import CountTokens, clean, split_to_fit

DEFAULT_MAX_NEW_TOKENS = 142  # distilbart-cnn's own setting
DEFAULT_MIN_NEW_TOKENS = 30
MAX_STAGES = 6  # safety net: each stage shrinks the text at least threefold (see new_tokens)

Result = tuple[str, float | None]
Generate = Callable[[list[str]], list[Result]]


def texts_of(segments: Sequence[str]) -> list[str]:
    """The cleaned, non-empty segments; none means there is nothing to summarize."""
    return [text for text in (clean(s) for s in segments if s) if text]


def pack(texts: list[str], count: CountTokens, limit: int) -> list[str]:
    """Greedy packing of whole segments into chunks that fit; a segment too long on its own
    is split at its most natural breaks (models.chunking)."""
    chunks: list[str] = []
    current = ""
    for piece in (p for text in texts for p in split_to_fit(text, count, limit)):
        joined = f"{current} {piece}" if current else piece
        if current and count(joined) > limit:
            chunks.append(current)
            joined = piece
        current = joined
    return chunks + [current]


def summarize(texts: list[str], count: CountTokens, limit: int, generate: Generate,
              model: str, engine: str) -> tuple[Output, list[int]]:
    """(one summary of ``texts``, chunks per stage); confidence is the final stage's mean."""
    stages: list[int] = []
    results: list[Result] = []
    while texts:  # all-empty chunk summaries leave nothing to summarize: keep what we have
        chunks = pack(texts, count, limit)
        stages.append(len(chunks))
        results = generate(chunks)
        if len(results) == 1 or len(stages) >= MAX_STAGES:
            break
        texts = texts_of(text for text, _ in results)
    text = " ".join(t for t, _ in results if t).strip()
    scores = [c for _, c in results if c is not None]
    confidence = sum(scores) / len(scores) if scores else None
    return Output(text, confidence, model, engine), stages


def new_tokens(limit: int, most: int | None = None, least: int | None = None) -> tuple[int, int]:
    """(min, max) new tokens: the model's own settings (or distilbart's), with max at most a
    third of the input limit so that every stage shrinks the text."""
    most = min(most or DEFAULT_MAX_NEW_TOKENS, limit // 3)
    least = min(least or DEFAULT_MIN_NEW_TOKENS, most // 2)
    return least, most
