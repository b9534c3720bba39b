"""The translation-only process the bench watches: load time, peak memory, one whole article.

Run as ``python -m review.bench.probe HF_DIR LENGTH SENTENCES SEGMENTS`` (0 sentences: all) in a fresh process,
so the memory figure holds only what translating needs; prints one JSON object.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from models.base import Translator

def peak_rss_mb() -> float:
    """Peak resident memory of this process so far.

    VmHWM, not getrusage: Linux carries ru_maxrss over exec, so a child of the bench would
    report the bench's own peak (the fp32 models) instead of its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def probe(hf_dir: Path, length: int, sentences: int, article_segments: int) -> dict:
    from models.ct2 import CT2Translator, converted_dir, runtime
    from review.bench.measure import fitting, seed_sentences

    start = time.perf_counter()
    tokenizer = runtime.load_tokenizer(hf_dir, hf_dir.name)
    tokenizer_s = time.perf_counter() - start
    start = time.perf_counter()
    runtime.load_model(converted_dir(hf_dir, hf_dir.name), hf_dir.name)
    load_s = time.perf_counter() - start
    del tokenizer
    translator = CT2Translator(converted_dir(hf_dir, hf_dir.name), hf_dir, hf_dir.name)
    translator.decoding_overrides = {"min_decoding_length": length,
                                     "max_decoding_length": length}
    translator.translate(fitting(seed_sentences(sentences or None), translator))
    result = {"load_s": load_s, "tokenizer_load_s": tokenizer_s, "peak_rss_mb": peak_rss_mb()}
    result.update(article_run(translator, article_segments))
    return result


def article_text(segments: int) -> str:
    """German text of about ``segments`` sentences from the seeds, four to a paragraph."""
    from review.bench.measure import seed_sentences

    sentences = seed_sentences(segments)
    return "\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def article_run(translator, segments: int) -> dict:
    """Seconds to translate, check and summarize (extractive) one stored article end to end."""
    from review.ingest import article_from_text
    from review.pipeline import translate_article
    from review.store import ArticleStore

    timed = TimedTranslator(translator)
    with tempfile.TemporaryDirectory() as folder:
        store = ArticleStore(folder)
        article = store.add(article_from_text(article_text(segments), id="bench"))
        start = time.perf_counter()
        done = translate_article(store, article.id, timed, summary="extractive")
        seconds = time.perf_counter() - start
    return {"article_s": seconds, "article_translate_s": timed.seconds,
            "article_segments": len(done.segments), "article_summary": done.summary is not None}


class TimedTranslator(Translator):
    """Any translator, adding up the seconds spent in it (the rest is checks and summary)."""

    def __init__(self, inner: Translator):
        self.inner, self.model_id, self.engine = inner, inner.model_id, inner.engine
        self.seconds = 0.0

    def translate(self, segments, progress=None):
        start = time.perf_counter()
        try:
            return self.inner.translate(segments, progress)
        finally:
            self.seconds += time.perf_counter() - start


def main(argv: list[str]) -> None:
    hf_dir, length, sentences, segments = Path(argv[0]), *map(int, argv[1:4])
    print(json.dumps(probe(hf_dir, length, sentences, segments)))


if __name__ == "__main__":
    main(sys.argv[1:])
