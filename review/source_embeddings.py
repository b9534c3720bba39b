"""The German segments' embeddings, computed once per article and kept beside the store.

The checks, the extractive summary and later re-checks (in this process or another) then embed
only English. A missing, stale or unreadable file is simply computed again.
"""
from __future__ import annotations

import io
from pathlib import Path

from review.article import Article
from review.atomic import write_atomic
from review.store import ArticleStore


def path_for(store: ArticleStore, article_id: str) -> Path:
    return store.root / ".embeddings" / f"{article_id}.npz"


def keep(store: ArticleStore, article: Article) -> None:
    """Load the article's German embeddings into models.embed's cache, computing missing ones."""
    import numpy as np

    from models import embed

    texts = [s.source for s in article.reviewable() if s.source.strip()]
    if not texts:
        return
    path = path_for(store, article.id)
    try:
        with np.load(path) as saved:
            if list(saved["texts"]) == texts:
                embed.remember(texts, saved["vectors"])
                return
    except (OSError, ValueError, KeyError):
        pass  # none yet, or unreadable: computed again below
    buffer = io.BytesIO()
    np.savez(buffer, texts=np.array(texts), vectors=embed.embed(texts))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, buffer.getvalue())
    except OSError:
        pass  # a read-only store still works; the embeddings are only recomputed next time
