"""The small interfaces every engine implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
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


class Summarizer(ABC):
    model_id: str
    engine: str

    @abstractmethod
    def summarize(self, segments: Sequence[str]) -> Output:
        """Summarize English text given as segments (chunked by segment when too long)."""
