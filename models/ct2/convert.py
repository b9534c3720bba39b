"""Converting a HF model folder to CTranslate2 int8 once, and finding that conversion again."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from models.base import ModelUnavailable, cache_root

QUANTIZATION = "int8"
LOCAL_SUBDIR = f"ctranslate2-{QUANTIZATION}"


def _in_hf_cache(path: Path) -> bool:
    # Hub snapshots live under .../models--org--name/snapshots/<rev>; never write in there.
    return any(part.startswith("models--") for part in path.parts)


def _safe_id(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "--", model_id).strip("-") or "model"


def converted_dir(hf_path: Path, model_id: str) -> Path:
    """Where the int8 conversion of this model lives (it may not exist yet)."""
    hf_path = Path(hf_path)
    if _in_hf_cache(hf_path.resolve()):
        return cache_root() / "ct2" / f"{_safe_id(model_id)}-{QUANTIZATION}"
    return hf_path / LOCAL_SUBDIR


def is_converted(ct2_path: Path) -> bool:
    """True when a finished conversion is there (conversions appear atomically)."""
    return (Path(ct2_path) / "model.bin").is_file()


def convert(hf_path: Path, model_id: str) -> Path:
    """Convert a local HF model folder to CTranslate2 int8 next to it; a no-op when done."""
    out = converted_dir(hf_path, model_id)
    if is_converted(out):
        return out
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".ct2-", dir=out.parent))
    except OSError as err:
        raise ModelUnavailable(
            f"cannot write the CTranslate2 copy of {model_id} to {out.parent} ({err.strerror}); "
            "make that folder writable or set REVIEW_CACHE") from err
    try:
        _run_converter(Path(hf_path), work / "model", model_id)
        try:
            os.rename(work / "model", out)
        except OSError:
            if not is_converted(out):  # else another process finished first: keep theirs
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _run_converter(hf_path: Path, out: Path, model_id: str) -> None:
    import ctranslate2

    from models.ct2 import loaders

    loaders.install()
    try:
        ctranslate2.converters.TransformersConverter(str(hf_path)).convert(
            str(out), quantization=QUANTIZATION)
    except (ValueError, KeyError, OSError) as err:
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ModelUnavailable(
            f"cannot convert {model_id} to CTranslate2 ({first_line}); "
            "use the transformers engine for this model") from err
