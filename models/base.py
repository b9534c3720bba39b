"""The small interfaces every engine implements."""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

Progress = Callable[[int, int], None]  # (done, total), called as outputs are produced


class ModelUnavailable(Exception):
    """A model that cannot be loaded right now; the message is one line with the fix."""


def one_line(err: Exception) -> str:
    """A library's error as one short line; the type names the cause when the text is empty."""
    text = " ".join(str(err).split())
    text = text if len(text) <= 160 else text[:157] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


@dataclass
class Output:
    text: str
    confidence: float | None  # mean log-probability of the generated tokens
    model: str  # the model id as the user named it (hub id or folder)
    engine: str  # "transformers" or "ctranslate2"


class Translator(ABC):
    model_id: str
    engine: str

    @abstractmethod
    def translate(self, segments: Sequence[str], progress: Progress | None = None) -> list[Output]:
        """One output per input, in input order; blank inputs give an empty output, unsent."""

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float | None]:
        """Agreement: the mean log-probability per target token (EOS included) of each English
        given its German, by force-decoding; over-long German is split as for translation
        (``models.chunking.plan_pairs``). None for a blank English or a German without letters,
        and for engines that cannot score (this default)."""
        if len(sources) != len(targets):
            raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
        return [None] * len(sources)


class Summarizer(ABC):
    model_id: str
    engine: str

    @abstractmethod
    def summarize(self, segments: Sequence[str]) -> Output:
        """Summarize English text given as segments (chunked by segment when too long)."""


def cache_root() -> Path:
    """The tool's cache folder: env REVIEW_CACHE, else ~/.cache/review (never created here)."""
    return Path(os.environ.get("REVIEW_CACHE") or "~/.cache/review").expanduser()
