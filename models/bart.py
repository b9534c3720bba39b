"""Abstractive summaries with a BART-family model (transformers), chunked by segment.

An input longer than the model's limit is packed into chunks of whole segments; each chunk is
summarized, and the joined chunk summaries are summarized again, so nothing is cut off.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from models.base import ModelUnavailable, Output, Summarizer
from models.chunking import clean, split_to_fit

DEFAULT_MAX_NEW_TOKENS = 142  # distilbart-cnn's own setting
DEFAULT_MIN_NEW_TOKENS = 30
NUM_BEAMS = 2  # the choice over distilbart's 4: half the beams to run per step
BATCH = 4  # chunks generated together
MAX_STAGES = 6  # safety net: each stage shrinks the text at least threefold


class BartSummarizer(Summarizer):
    """Summarize English segments with AutoModelForSeq2SeqLM + generate."""

    engine = "transformers"

    def __init__(self, path: Path, model_id: str, num_beams: int = NUM_BEAMS):
        self.path = Path(path)
        self.model_id = model_id
        self.num_beams = num_beams
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()  # the app calls from several threads; load and run once
        self.last_stages: list[int] = []  # chunks per stage of the last call, for diagnostics

    def summarize(self, segments: Sequence[str]) -> Output:
        """One summary of all segments; confidence is the final stage's mean token log-prob."""
        texts = [clean(s) for s in segments if s and clean(s)]
        if not texts:
            return Output("", None, self.model_id, self.engine)
        with self._lock:
            self._load()
            return self._summarize(texts)

    def _summarize(self, texts: list[str]) -> Output:
        self.last_stages = []
        while True:
            chunks = self.pack(texts)
            self.last_stages.append(len(chunks))
            results = self._generate(chunks)
            if len(results) == 1 or len(self.last_stages) >= MAX_STAGES:
                break
            texts = [text for text, _ in results if text]
            if not texts:
                break
        text = " ".join(t for t, _ in results).strip()
        scores = [c for _, c in results if c is not None]
        confidence = sum(scores) / len(scores) if scores else None
        return Output(text, confidence, self.model_id, self.engine)

    @property
    def input_limit(self) -> int:
        """Most tokens (special tokens included) the encoder takes at once."""
        self._load()
        limits = [self._model.config.max_position_embeddings, self._tokenizer.model_max_length]
        return min(int(n) for n in limits if n and n < 1_000_000)

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(self.path)
            model = AutoModelForSeq2SeqLM.from_pretrained(self.path)
        except (OSError, ValueError) as err:
            raise ModelUnavailable(
                f"summary model {self.model_id} in {self.path} cannot be loaded "
                f"({str(err).splitlines()[0]}): run `python -m review models pull`") from err
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = model.to(self.device).eval()
        self._tokenizer = tokenizer

    def _count(self, text: str) -> int:
        # verbose=False: over-long texts are expected here, they are what we measure.
        return len(self._tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def pack(self, texts: list[str]) -> list[str]:
        """Greedy packing of whole segments into chunks that fit; a segment too long on its own
        is split at its most natural breaks (models.chunking)."""
        limit = self.input_limit
        chunks: list[str] = []
        current = ""
        for piece in (p for text in texts for p in split_to_fit(text, self._count, limit)):
            joined = f"{current} {piece}" if current else piece
            if current and self._count(joined) > limit:
                chunks.append(current)
                joined = piece
            current = joined
        return chunks + [current]

    def _lengths(self) -> tuple[int, int]:
        """(min, max) new tokens: the model's generation config, bounded by a third of the input
        limit so that every stage shrinks the text."""
        config = self._model.generation_config.to_diff_dict()
        most = min(config.get("max_length") or DEFAULT_MAX_NEW_TOKENS, self.input_limit // 3)
        least = min(config.get("min_length") or DEFAULT_MIN_NEW_TOKENS, most // 2)
        return least, most

    def _generate(self, chunks: list[str]) -> list[tuple[str, float | None]]:
        results = []
        for start in range(0, len(chunks), BATCH):
            results += self._generate_batch(chunks[start:start + BATCH])
        return results

    def _generate_batch(self, chunks: list[str]) -> list[tuple[str, float | None]]:
        import torch

        least, most = self._lengths()
        enc = self._tokenizer(chunks, return_tensors="pt", padding=True).to(self.device)
        with torch.inference_mode():
            out = self._model.generate(
                **enc, num_beams=self.num_beams, max_new_tokens=most, min_new_tokens=least,
                return_dict_in_generate=True, output_scores=True)
            steps = self._model.compute_transition_scores(
                out.sequences, out.scores, getattr(out, "beam_indices", None),
                normalize_logits=False)
        texts = self._tokenizer.batch_decode(out.sequences, skip_special_tokens=True)
        return [(text.strip(), _mean_logprob(row, seq, self._tokenizer.pad_token_id))
                for text, row, seq in zip(texts, steps, out.sequences)]


def _mean_logprob(step_scores, sequence, pad_id) -> float | None:
    """Mean log-probability over the generated (non-padding) tokens of one output."""
    generated = sequence[-step_scores.shape[0]:]
    mask = generated != pad_id if pad_id is not None else generated == generated
    count = int(mask.sum())
    return float(step_scores[mask].sum()) / count if count else None
