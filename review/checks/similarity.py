"""Cross-lingual similarity of German and English with multilingual-e5-small.

models.embed caches embeddings by text, so re-checking one corrected segment embeds only that
segment's English, never the article again.
"""
from __future__ import annotations

from typing import Sequence

from review.article import Flag
from review.checks.base import Check, Code
from review.checks.similarity_scale import (COMFORTABLE_SIMILARITY,  # noqa: F401 - named here
                                           LOW_SIMILARITY, low_similarity_detail)


def embeddings(texts: Sequence[str]):
    """Embeddings of ``texts`` (n, 384); cached per process by models.embed."""
    from models.embed import embed

    return embed(texts)


def similarities(sources: Sequence[str], targets: Sequence[str],
                 known: Sequence[float | None] | None = None) -> list[float]:
    """Cosine similarity of each pair; one batch for the sources, one for the targets.

    ``known`` (one per pair, or None) holds similarities already computed for the very same
    German and English, as a re-check of unchanged English has them stored: those pairs are
    returned as they are and not embedded at all.
    """
    known = list(known) if known is not None else [None] * len(sources)
    if len(known) != len(sources):
        raise ValueError(f"{len(sources)} sources but {len(known)} known similarities")
    todo = [i for i, value in enumerate(known) if value is None]
    out = [float(v) if v is not None else 0.0 for v in known]
    if todo:
        src = embeddings([sources[i] for i in todo])
        tgt = embeddings([targets[i] for i in todo])
        for i, value in zip(todo, (src * tgt).sum(axis=1)):
            out[i] = float(value)
    return out


def similarity_flags(similarity: float | None) -> list[Flag]:
    if similarity is not None and similarity < LOW_SIMILARITY:
        return [Flag("low_similarity", low_similarity_detail(similarity))]
    return []


CHECKS = (
    Check(similarity_flags, (
        Code("low_similarity", 0.6, "The English may mean something else",
             "A multilingual model finds the German and the English far apart in meaning, as "
             "in few human translations: read both in full."),),
          reads=("similarity",), needs=("german", "similarity"), rank=90),
)
