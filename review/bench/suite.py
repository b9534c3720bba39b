"""The whole benchmark: transformers fp32 against the default CTranslate2 engine, same work."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from review.errors import ReviewError

# Forced target length per sentence: about a news sentence in subword tokens.
SENTENCE_TOKENS = 32
SUMMARY_IN, SUMMARY_OUT = 950, 80


class BenchError(ReviewError):
    """The benchmark could not run (e.g. the cache folder is not writable)."""


@dataclass(frozen=True)
class Plan:
    sentences: int | None  # None: every seed sentence
    tokens: int
    beams: tuple[int, ...]  # extra beam sizes measured for the engine choice
    article_segments: int = 60


FULL = Plan(sentences=None, tokens=SENTENCE_TOKENS, beams=(1, 2))
QUICK = Plan(sentences=24, tokens=16, beams=())


def default_cache() -> Path:
    from models.base import cache_root

    return cache_root() / "bench"


def run(cache: Path | None = None, quick: bool = False, log=None) -> dict:
    """Build (once) the bench models in ``cache``, then measure them (see ``measure_all``)."""
    log = log or (lambda message: None)
    folders = _models(Path(cache or default_cache()), log)
    return measure_all(folders["marian"], folders["bart"], QUICK if quick else FULL, log)


def measure_all(marian: Path, bart: Path, plan: Plan, log=None) -> dict:
    """The figures for a Marian and a BART folder, each converted already (``report.ROWS``)."""
    from models.ct2 import CT2Translator, converted_dir
    from models.ct2.summarizer import NUM_BEAMS
    from models.ct2.translator import DEFAULT_BEAM, MAX_BATCH
    from review.bench import measure

    log = log or (lambda message: None)
    translator = CT2Translator(converted_dir(marian, marian.name), marian, marian.name)
    sentences = measure.fitting(measure.seed_sentences(plan.sentences), translator)
    result = {"sentences": len(sentences), "forced_tokens": plan.tokens, "beam": DEFAULT_BEAM,
              "summary_beam": NUM_BEAMS, "summary_tokens_out": SUMMARY_OUT,
              "baseline_batch": measure.BATCH, "engine_batch": MAX_BATCH,
              "cores": measure.cores(), "quick": plan is QUICK}

    log(f"ctranslate2 int8, beam {DEFAULT_BEAM}, {len(sentences)} sentences")
    result["engine_tok_s"] = measure.engine_tok_s(translator, sentences, plan.tokens)
    for beam in plan.beams:
        log(f"ctranslate2 int8, beam {beam}")
        translator.beam_size = beam
        result[f"engine_tok_s_beam{beam}"] = measure.engine_tok_s(translator, sentences,
                                                                 plan.tokens)
    del translator
    log(f"transformers fp32, beam {DEFAULT_BEAM}")
    result["baseline_tok_s"] = measure.transformers_tok_s(
        marian, sentences, DEFAULT_BEAM, plan.tokens)
    result["ratio"] = result["engine_tok_s"] / result["baseline_tok_s"]
    result.update(_summaries(bart, NUM_BEAMS, log))
    log(f"load time, peak memory and a {plan.article_segments}-segment article, "
        "in a fresh process")
    result.update(_probe(marian, plan.tokens, plan.sentences or 0, plan.article_segments))
    return result


def _summaries(bart: Path, beam: int, log) -> dict:
    from models.ct2 import CT2Summarizer, converted_dir
    from review.bench import measure

    summarizer = CT2Summarizer(converted_dir(bart, bart.name), bart, bart.name)
    tokens_in = min(SUMMARY_IN, summarizer.input_limit)
    log(f"summary of {tokens_in} tokens into {SUMMARY_OUT}, beam {beam}: ctranslate2")
    seconds = measure.engine_summary_s(summarizer, tokens_in, SUMMARY_OUT, beam)
    del summarizer
    log("summary: transformers")
    baseline = measure.transformers_summary_s(bart, tokens_in, SUMMARY_OUT, beam)
    return {"summary_tokens_in": tokens_in, "summary_s": seconds, "baseline_summary_s": baseline}


def _models(cache: Path, log) -> dict[str, Path]:
    from models.base import ModelUnavailable
    from review.bench import build

    try:
        return build.ensure_models(cache, log)
    except OSError as err:
        raise BenchError(f"cannot build the bench models in {cache} ({err.strerror}): "
                         "pass --cache DIR with a writable folder") from err
    except ModelUnavailable as err:
        raise BenchError(str(err)) from err


def _probe(marian: Path, tokens: int, sentences: int, article_segments: int) -> dict:
    """Run review.bench.probe in a fresh interpreter and read its JSON line."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(root), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run(
        [sys.executable, "-m", "review.bench.probe", str(marian), str(tokens), str(sentences),
         str(article_segments)],
        capture_output=True, text=True, env=env, cwd=root)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"the translation probe failed ({last}); rerun with --debug")
    return json.loads(done.stdout.strip().splitlines()[-1])
