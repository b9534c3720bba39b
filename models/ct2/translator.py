"""Translation with a CTranslate2 int8 model, tokenized by the model's own HF tokenizer.

Cleaning, splitting and rejoining are ``models.chunking``'s, as in the transformers engine; only
the batching differs: every piece is queued at once, so each worker thread always has a batch.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

from models import chunking, languages
from models.base import Output, Progress, Translator
from models.chunking import OUTPUT_FACTOR, OUTPUT_MARGIN
from models.ct2 import runtime

DEFAULT_BEAM = 4  # see docs/engine-choice.md: quality first, and beam 4 still beats the target
# Pieces per batch (CTranslate2 sorts them by length first). On 2 cores at beam 4, batches of 8
# decoded ~15% faster than 16 or 32 and ~10% faster than 4 (review bench, seeds).
MAX_BATCH = 8


class CT2Translator(Translator):
    """Translator on CTranslate2; same contract as the transformers Marian engine."""

    engine = runtime.ENGINE

    def __init__(self, ct2_path: Path, hf_path: Path, model_id: str,
                 beam_size: int = DEFAULT_BEAM, threads: tuple[int, int] | None = None):
        self.model_id = model_id
        self.beam_size = beam_size
        self.tokenizer = runtime.load_tokenizer(hf_path, model_id)
        # A multilingual model (NLLB, M2M100) is set to German in, English out.
        self.english_start = languages.german_to_english(self.tokenizer)
        self.model = runtime.load_model(ct2_path, model_id, threads)
        self.max_input_tokens = runtime.input_limit(hf_path, self.tokenizer)
        # Extra translate_batch options, e.g. the bench forcing equal output lengths.
        self.decoding_overrides: dict = {}

    def count_tokens(self, text: str) -> int:
        """Tokens the encoder would see for ``text``, special tokens included."""
        return len(runtime.token_ids(self.tokenizer, text))

    def translate(self, segments: Sequence[str], progress: Progress | None = None) -> list[Output]:
        """One output per segment, in order; see ``chunking.rejoin`` for blank and odd input."""
        segments = list(segments)
        pieces = chunking.plan(segments, self.count_tokens, self.max_input_tokens)
        pending = self._submit([p.text for p in pieces]) if pieces else []
        results = []
        for i, (piece, job) in enumerate(zip(pieces, pending)):
            results.append(self._piece_result(job.result()))
            last_of_segment = i + 1 == len(pieces) or pieces[i + 1].owner != piece.owner
            if progress and last_of_segment:
                progress(_segments_done(segments, pieces, piece.owner), len(segments))
        if progress and not pieces:
            progress(len(segments), len(segments))
        return chunking.rejoin(segments, pieces, results, self.model_id, self.engine)

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float | None]:
        """Mean log-probability per English token given the German (see ``Translator.score``),
        by ``score_batch``; its log-probs include the end-of-sentence token it appends."""
        pairs = chunking.plan_pairs(list(sources), list(targets), self.count_tokens,
                                    self.max_input_tokens)
        if not pairs:
            return [None] * len(sources)
        src = [runtime.source_tokens(self.tokenizer, p.source) for p in pairs]
        tgt = [_target_tokens(self.tokenizer, p.target)[:self.max_input_tokens - 2]
               for p in pairs]
        batch = max(1, min(MAX_BATCH, math.ceil(len(src) / self.model.num_translators)))
        results = self.model.score_batch(src, tgt, max_batch_size=batch, max_input_length=0)
        scores = [(sum(r.log_probs) / max(len(r.log_probs), 1), len(r.log_probs))
                  for r in results]
        return chunking.combine_scores(len(sources), pairs, scores)

    def _submit(self, texts: list[str]):
        """Queue all pieces; enough batches that every worker thread gets one."""
        sources = [runtime.source_tokens(self.tokenizer, t) for t in texts]
        batch = max(1, min(MAX_BATCH, math.ceil(len(sources) / self.model.num_translators)))
        longest = max(len(tokens) for tokens in sources)
        max_new = min(self.max_input_tokens - 1, OUTPUT_FACTOR * longest + OUTPUT_MARGIN)
        options = dict(max_batch_size=batch, beam_size=self.beam_size, length_penalty=1.0,
                       max_input_length=0, max_decoding_length=max_new)
        if self.english_start is not None:
            options["target_prefix"] = [[self.english_start]] * len(sources)
        options.update(self.decoding_overrides)
        return self.model.translate_batch(sources, asynchronous=True, return_scores=True,
                                          **options)

    def _piece_result(self, result) -> chunking.PieceResult:
        tokens = result.hypotheses[0]
        text = runtime.detokenize(self.tokenizer, tokens)
        # With length_penalty 1 the score is the mean log-probability per token already.
        return chunking.PieceResult(text.strip(), result.scores[0], len(tokens) + 1)


def _target_tokens(tokenizer, text: str) -> list[str]:
    """The English token strings ``score_batch`` takes: without the end-of-sentence token,
    which it appends (and scores) itself."""
    ids = tokenizer(text_target=text, verbose=False)["input_ids"]
    if ids and ids[-1] == tokenizer.eos_token_id:
        ids = ids[:-1]
    return tokenizer.convert_ids_to_tokens(ids)


def _segments_done(segments: list[str], pieces: list[chunking.Piece], last_owner: int) -> int:
    """Segments finished once every piece up to ``last_owner``'s last one has a result."""
    sent = {p.owner for p in pieces}
    return sum(1 for owner in range(len(segments)) if owner <= last_owner or owner not in sent)
