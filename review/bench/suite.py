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


FULL = Plan(sentences=None, tokens=SENTENCE_TOKENS, beams=(1, 2))
QUICK = Plan(sentences=24, tokens=16, beams=())


def default_cache() -> Path:
    from models.ct2.convert import cache_root

    return cache_root() / "bench"


def run(cache: Path | None = None, quick: bool = False, log=None) -> dict:
    """Measure and return the figures (see ``report.KEYS`` for their meaning)."""
    from models.ct2 import CT2Summarizer, CT2Translator, converted_dir
    from models.ct2.summarizer import NUM_BEAMS
    from models.ct2.translator import DEFAULT_BEAM
    from review.bench import measure

    log = log or (lambda message: None)
    plan = QUICK if quick else FULL
    folders = _models(Path(cache or default_cache()), log)
    marian, bart = folders["marian"], folders["bart"]
    sentences = measure.seed_sentences(plan.sentences)
    result = {"sentences": len(sentences), "forced_tokens": plan.tokens, "beam": DEFAULT_BEAM,
              "summary_beam": NUM_BEAMS,
              "summary_tokens_in": SUMMARY_IN, "summary_tokens_out": SUMMARY_OUT, "cores": measure.cores(), "quick": quick}

    log(f"transformers fp32, beam {DEFAULT_BEAM}, {len(sentences)} sentences")
    result["baseline_tok_s"] = measure.transformers_tok_s(
        marian, sentences, DEFAULT_BEAM, plan.tokens)
    translator = CT2Translator(converted_dir(marian, marian.name), marian, marian.name)
    log(f"ctranslate2 int8, beam {DEFAULT_BEAM}")
    result["engine_tok_s"] = measure.engine_tok_s(translator, sentences, plan.tokens)
    result["ratio"] = result["engine_tok_s"] / result["baseline_tok_s"]
    for beam in plan.beams:
        log(f"ctranslate2 int8, beam {beam}")
        translator.beam_size = beam
        result[f"engine_tok_s_beam{beam}"] = measure.engine_tok_s(translator, sentences,
                                                                 plan.tokens)
    del translator

    log(f"summary of {SUMMARY_IN} tokens into {SUMMARY_OUT}, beam {NUM_BEAMS}: transformers")
    result["baseline_summary_s"] = measure.transformers_summary_s(
        bart, SUMMARY_IN, SUMMARY_OUT, NUM_BEAMS)
    log("summary: ctranslate2")
    summarizer = CT2Summarizer(converted_dir(bart, bart.name), bart, bart.name)
    result["summary_s"] = measure.engine_summary_s(summarizer, SUMMARY_IN, SUMMARY_OUT,
                                                   NUM_BEAMS)
    del summarizer

    log("load time, peak memory and a 60-segment article, in a fresh process")
    result.update(_probe(marian, plan.tokens, len(sentences)))
    return result


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


def _probe(marian: Path, tokens: int, sentences: int) -> dict:
    """Run review.bench.probe in a fresh interpreter and read its JSON line."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(root), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run(
        [sys.executable, "-m", "review.bench.probe", str(marian), str(tokens), str(sentences)],
        capture_output=True, text=True, env=env, cwd=root)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"the translation probe failed ({last}); rerun with --debug")
    return json.loads(done.stdout.strip().splitlines()[-1])
