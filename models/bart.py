"""Abstractive summaries with a BART-family model (transformers), chunked by segment.

The chunking and staging are ``models.staging``'s, shared with the CTranslate2 engine; this
module only loads the model and runs ``generate`` on a batch of chunks.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from models import chunking, staging
from models.base import Output, Summarizer

NUM_BEAMS = 2  # the choice over distilbart's 4: half the beams to run per step
BATCH = 4  # chunks generated together


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
        texts = staging.texts_of(segments)
        if not texts:  # answered without loading the model
            self.last_stages = []
            return Output("", None, self.model_id, self.engine)
        with self._lock:
            self._load()
            out, self.last_stages = staging.summarize(
                texts, self._count, self.input_limit, self._generate, self.model_id, self.engine)
            return out

    @property
    def input_limit(self) -> int:
        """Most tokens (special tokens included) the encoder takes at once."""
        self._load()
        return chunking.input_limit(self._model.config.max_position_embeddings,
                                    self._tokenizer.model_max_length)

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch

        from models.marian import load_seq2seq  # the transformers engines load alike

        tokenizer, model = load_seq2seq(self.path, self.model_id, "summary")
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = model.to(self.device).eval()
        self._tokenizer = tokenizer

    def _count(self, text: str) -> int:
        # verbose=False: over-long texts are expected here, they are what we measure.
        return len(self._tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def pack(self, texts: list[str]) -> list[str]:
        """The chunks ``texts`` are summarized in at the first stage (see ``staging.pack``)."""
        return staging.pack(texts, self._count, self.input_limit)

    def _lengths(self) -> tuple[int, int]:
        """(min, max) new tokens from the model's generation config (see staging.new_tokens)."""
        config = self._model.generation_config.to_diff_dict()
        return staging.new_tokens(self.input_limit, config.get("max_length"),
                                  config.get("min_length"))

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
