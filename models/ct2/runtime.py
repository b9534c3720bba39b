"""Loading a converted model and its HF tokenizer, and the settings both CT2 engines share."""
from __future__ import annotations

import json
import os
from pathlib import Path

from models import chunking
from models.base import ModelUnavailable, one_line
from models.ct2.convert import is_converted

ENGINE = "ctranslate2"


def thread_layout(cores: int | None = None) -> tuple[int, int]:
    """(inter_threads, intra_threads) for this CPU.

    Independent batches on separate cores beat several threads on one batch: on 2 cores,
    2 workers of 1 thread decode about a third faster than 1 worker of 2 threads. Bigger CPUs
    give each worker a few threads so a single short request still uses more than one core.
    """
    cores = cores or len(os.sched_getaffinity(0))
    intra = 1 if cores <= 4 else 2 if cores <= 8 else 4
    return max(1, cores // intra), intra


def single_stream_layout(cores: int | None = None) -> tuple[int, int]:
    """(1, cores): for work that usually comes one long input at a time, like a summary."""
    return 1, cores or len(os.sched_getaffinity(0))


def load_model(ct2_path: Path, model_id: str, threads: tuple[int, int] | None = None):
    """A ``ctranslate2.Translator`` (it serves encoder-decoder summarizers too) on the CPU."""
    if not is_converted(ct2_path):
        raise ModelUnavailable(
            f"no CTranslate2 copy of {model_id} in {ct2_path}: run `python -m review models pull`")
    import ctranslate2

    inter, intra = threads or thread_layout()
    try:
        return ctranslate2.Translator(str(ct2_path), device="cpu", compute_type="default",
                                      inter_threads=inter, intra_threads=intra)
    except Exception as err:  # a corrupt or half-written model.bin fails in many ways
        raise ModelUnavailable(
            f"the CTranslate2 copy of {model_id} in {ct2_path} cannot be loaded "
            f"({one_line(err)}): delete that folder and run "
            "`python -m review models pull`") from err


def load_tokenizer(hf_path: Path, model_id: str):
    """The model's own HF tokenizer: CTranslate2 sees only its token strings."""
    if not Path(hf_path).is_dir():
        raise ModelUnavailable(
            f"{model_id}: folder {hf_path} is missing: run `python -m review models pull`")
    from transformers import AutoTokenizer

    try:  # a local folder always: never let transformers wander off to the hub
        return AutoTokenizer.from_pretrained(str(hf_path), local_files_only=True)
    except Exception as err:  # corrupt or half-downloaded files fail in many library ways
        raise ModelUnavailable(
            f"the tokenizer of {model_id} in {hf_path} cannot be loaded "
            f"({one_line(err)}): run `python -m review models pull` again") from err


def read_json(path: Path) -> dict:
    """A JSON object from a file; empty when missing or unreadable (settings have defaults)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def model_config(hf_path: Path) -> dict:
    """The HF config.json of the original model (empty when unreadable)."""
    return read_json(Path(hf_path) / "config.json")


def input_limit(hf_path: Path, tokenizer) -> int:
    """The encoder's input limit in tokens: the smaller of tokenizer and position limits."""
    return chunking.input_limit(model_config(hf_path).get("max_position_embeddings"),
                                getattr(tokenizer, "model_max_length", None))


def source_tokens(tokenizer, text: str) -> list[str]:
    """The token strings CTranslate2 expects for ``text``, special tokens included."""
    return tokenizer.convert_ids_to_tokens(token_ids(tokenizer, text))


def token_ids(tokenizer, text: str) -> list[int]:
    """Token ids of ``text`` with special tokens; no warning for over-long text (we split it)."""
    return tokenizer(text, verbose=False)["input_ids"]


def detokenize(tokenizer, tokens: list[str]) -> str:
    """Text of generated token strings, special tokens dropped."""
    ids = tokenizer.convert_tokens_to_ids(tokens)
    return tokenizer.decode(ids, skip_special_tokens=True).strip()
