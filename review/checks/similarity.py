"""Cross-lingual similarity of German and English with multilingual-e5-small.

Embeddings are kept in a process-level cache keyed by the text, so re-checking one corrected
segment embeds only that segment's English, never the article again.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

from review.article import Flag

# Cosine similarity below which a human translation is rare (0.4% of newstest2014, see
# scripts/calibrate_checks.py): the English likely says something else or leaves much out.
LOW_SIMILARITY = 0.835
# Similarity at and above which a translation adds no risk at all (95% of human ones).
COMFORTABLE_SIMILARITY = 0.87
CACHE_SIZE = 20_000

_cache: OrderedDict = OrderedDict()


def embeddings(texts: Sequence[str]):
    """Embeddings of ``texts`` (n, 384), computing only the ones not cached, in one batch."""
    import numpy as np

    from models import embed as embedder

    missing = list(dict.fromkeys(t for t in texts if t not in _cache))
    if missing:
        for text, vector in zip(missing, embedder.embed(missing)):
            _remember(text, vector)
    rows = [_cache[t] for t in texts]
    for t in texts:
        _cache.move_to_end(t)
    return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)


def _remember(text: str, vector) -> None:
    _cache[text] = vector
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)


def remember(texts: Sequence[str], vectors) -> None:
    """Seed the cache with embeddings computed elsewhere (the calibration script does)."""
    for text, vector in zip(texts, vectors):
        _remember(text, vector)


def similarities(sources: Sequence[str], targets: Sequence[str]) -> list[float]:
    """Cosine similarity of each pair; one batch for the sources, one for the targets."""
    if not sources:
        return []
    src = embeddings(sources)
    tgt = embeddings(targets)
    return [float(v) for v in (src * tgt).sum(axis=1)]


def similarity_flags(similarity: float | None) -> list[Flag]:
    if similarity is not None and similarity < LOW_SIMILARITY:
        return [Flag("low_similarity", f"the English means something else or leaves much out "
                                       f"(similarity {similarity:.2f} < {LOW_SIMILARITY:.2f})")]
    return []


def cached() -> tuple[list[str], list]:
    """Every cached text and its embedding (the calibration script saves them to disk)."""
    return list(_cache.keys()), list(_cache.values())
