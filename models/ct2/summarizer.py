"""Abstractive summaries with a CTranslate2 int8 BART-family model, chunked like models.bart.

The chunking and staging are ``models.staging``'s, shared with the transformers engine; this
module only runs the CTranslate2 model on a batch of chunks, with the HF model's own settings.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

from models import staging
from models.base import Output, Summarizer
from models.ct2 import runtime

NUM_BEAMS = 2  # as models.bart: as good as 4 on news, and about twice as fast
# Generation settings a HF model carries in config.json or generation_config.json and that
# transformers' generate applies on its own; we pass the same ones to CTranslate2.
_GENERATION_KEYS = ("max_length", "min_length", "no_repeat_ngram_size", "length_penalty",
                    "forced_bos_token_id")


class CT2Summarizer(Summarizer):
    """Summarizer on CTranslate2; same contract and chunking as BartSummarizer."""

    engine = runtime.ENGINE

    def __init__(self, ct2_path: Path, hf_path: Path, model_id: str, num_beams: int = NUM_BEAMS,
                 threads: tuple[int, int] | None = None):
        self.model_id = model_id
        self.num_beams = num_beams
        self.tokenizer = runtime.load_tokenizer(hf_path, model_id)
        # Most articles fit in one chunk: one decode using every core beats parallel decodes.
        self.model = runtime.load_model(ct2_path, model_id,
                                        threads or runtime.single_stream_layout())
        self.input_limit = runtime.input_limit(hf_path, self.tokenizer)
        self.settings = generation_settings(hf_path)
        self.last_stages: list[int] = []  # chunks per stage of the last call, for diagnostics

    def summarize(self, segments: Sequence[str]) -> Output:
        """One summary of all segments; confidence is the final stage's mean token log-prob."""
        out, self.last_stages = staging.summarize(
            staging.texts_of(segments), self._count, self.input_limit, self._generate,
            self.model_id, self.engine)
        return out

    def _count(self, text: str) -> int:
        return len(runtime.token_ids(self.tokenizer, text))

    def lengths(self) -> tuple[int, int]:
        """(min, max) new tokens from the model's settings (see staging.new_tokens)."""
        return staging.new_tokens(self.input_limit, self.settings.get("max_length"),
                                  self.settings.get("min_length"))

    def _generate(self, chunks: list[str]) -> list[tuple[str, float | None]]:
        least, most = self.lengths()
        penalty = float(self.settings.get("length_penalty", 1.0))
        sources = [runtime.source_tokens(self.tokenizer, chunk) for chunk in chunks]
        prefix = self.forced_prefix()
        results = self.model.translate_batch(
            sources, target_prefix=[prefix] * len(sources) if prefix else None,
            beam_size=self.num_beams, length_penalty=penalty, return_scores=True,
            no_repeat_ngram_size=int(self.settings.get("no_repeat_ngram_size") or 0),
            min_decoding_length=least + len(prefix), max_decoding_length=most + len(prefix),
            max_input_length=0, max_batch_size=math.ceil(len(sources) / self.model.num_translators))
        return [self._result(r, penalty) for r in results]

    def forced_prefix(self) -> list[str]:
        # BART-CNN forces <s> right after the decoder start token; CTranslate2 does not read
        # that setting, so we give it as a target prefix.
        forced = self.settings.get("forced_bos_token_id")
        return [self.tokenizer.convert_ids_to_tokens(forced)] if forced is not None else []

    def _result(self, result, penalty: float) -> tuple[str, float | None]:
        tokens = result.hypotheses[0]
        text = runtime.detokenize(self.tokenizer, tokens)
        if not text:
            return "", None
        # The score is sum(log p) / length ** penalty; the +1 counts the end-of-sentence token.
        length = len(tokens) + 1
        return text, result.scores[0] * length ** penalty / length


def generation_settings(hf_path: Path) -> dict:
    """The generation settings of a HF model folder; generation_config.json wins over config."""
    settings = {k: v for k, v in runtime.model_config(hf_path).items() if k in _GENERATION_KEYS}
    generation = runtime.read_json(Path(hf_path) / "generation_config.json")
    settings.update({k: v for k, v in generation.items() if k in _GENERATION_KEYS})
    return settings
