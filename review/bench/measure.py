"""Timings of one engine at a time, with output lengths forced equal so engines compare fairly.

A random model never says end-of-sentence at the same place twice, so every timing here forces
the number of generated tokens (transformers min/max_new_tokens, CTranslate2
min/max_decoding_length) and reports target tokens per second.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from review.bench.build import SEEDS

BATCH = 16


def seed_sentences(limit: int | None = None) -> list[str]:
    """The German sentences (text segments) of the seed articles, in order."""
    from review.segment import segment_text

    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        spans = segment_text(path.read_text(encoding="utf-8"))
        sentences += [s.text for s in spans if s.kind == "text"]
    return sentences[:limit]


def fitting(sentences: list[str], translator) -> list[str]:
    """The sentences the model takes whole (plain generate cannot split the others)."""
    return [s for s in sentences if translator.count_tokens(s) <= translator.max_input_tokens]


def cores() -> int:
    return len(os.sched_getaffinity(0))


def transformers_tok_s(folder: Path, sentences: list[str], beam: int, length: int) -> float:
    """Target tokens/s of plain transformers fp32 generate, batches of 16 sorted by length."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(cores())
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForSeq2SeqLM.from_pretrained(str(folder)).eval()
    ordered = sorted(sentences, key=lambda s: len(tokenizer(s)["input_ids"]))

    def run(batch: list[str]) -> None:
        inputs = tokenizer(batch, return_tensors="pt", padding=True)
        with torch.inference_mode():
            out = model.generate(**inputs, num_beams=beam, do_sample=False,
                                 min_new_tokens=length, max_new_tokens=length)
        assert out.shape[1] == length + 1, "output length was not forced"

    run(ordered[:2])  # warm-up: first calls allocate
    start = time.perf_counter()
    for i in range(0, len(ordered), BATCH):
        run(ordered[i:i + BATCH])
    return len(sentences) * length / (time.perf_counter() - start)


def engine_tok_s(translator, sentences: list[str], length: int) -> float:
    """Target tokens/s of a CT2Translator's own translate(), lengths forced."""
    translator.decoding_overrides = {"min_decoding_length": length,
                                     "max_decoding_length": length}
    try:
        translator.translate(sentences[:2])  # warm-up
        start = time.perf_counter()
        translator.translate(sentences)
        return len(sentences) * length / (time.perf_counter() - start)
    finally:
        translator.decoding_overrides = {}


def summary_input(tokenizer, tokens: int) -> str:
    """English-model input of about ``tokens`` tokens, cut from the seed text."""
    from review.bench.build import seed_text

    ids = tokenizer(seed_text().replace("\n", " "), verbose=False)["input_ids"][:tokens - 1]
    return tokenizer.decode(ids, skip_special_tokens=True)


def transformers_summary_s(folder: Path, tokens_in: int, tokens_out: int, beam: int) -> float:
    """Seconds for one summary with transformers fp32, the summarizer's decoding settings."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(cores())
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForSeq2SeqLM.from_pretrained(str(folder)).eval()
    inputs = tokenizer([summary_input(tokenizer, tokens_in)], return_tensors="pt")

    def run(length: int) -> None:
        with torch.inference_mode():
            model.generate(**inputs, num_beams=beam, min_new_tokens=length,
                           max_new_tokens=length, no_repeat_ngram_size=3, length_penalty=2.0)

    run(2)
    start = time.perf_counter()
    run(tokens_out)
    return time.perf_counter() - start


def engine_summary_s(summarizer, tokens_in: int, tokens_out: int, beam: int) -> float:
    """Seconds for one summary with a CT2Summarizer's model, the same decoding settings."""
    from models.ct2 import runtime

    text = summary_input(summarizer.tokenizer, tokens_in)
    source = runtime.source_tokens(summarizer.tokenizer, text)
    prefix = summarizer.forced_prefix()

    def run(length: int) -> None:
        summarizer.model.translate_batch(
            [source], target_prefix=[prefix] if prefix else None, beam_size=beam,
            min_decoding_length=length + len(prefix), max_decoding_length=length + len(prefix),
            no_repeat_ngram_size=3, length_penalty=2.0, max_input_length=0)

    run(2)
    start = time.perf_counter()
    run(tokens_out)
    return time.perf_counter() - start
