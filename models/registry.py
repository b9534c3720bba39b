"""Which model each role uses, which engine runs it, and one loaded engine per process.

A model is named by a hub id or a local folder: explicit argument > environment variable >
default. The engine is CTranslate2 when a converted copy exists (see ``models pull``), else
transformers, unless the caller forces one.
"""
from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from models import hub
from models.base import ModelUnavailable, Summarizer, Translator, one_line

DEFAULT_MT_MODEL = "Helsinki-NLP/opus-mt-de-en"
DEFAULT_SUM_MODEL = "sshleifer/distilbart-cnn-12-6"
ROLES = ("translation", "summary")
# The one table of engines: module and class per role, which build the engine from
# (CTranslate2 folder or None, model folder, model id). The CLI's --engine choices come from it.
ENGINE_TABLE = {
    "transformers": {"translation": ("models.marian", "MarianTranslator"),
                     "summary": ("models.bart", "BartSummarizer")},
    "ctranslate2": {"translation": ("models.ct2", "CT2Translator"),
                    "summary": ("models.ct2", "CT2Summarizer")},
}
ENGINES = tuple(ENGINE_TABLE)
_DEFAULTS = {"translation": DEFAULT_MT_MODEL, "summary": DEFAULT_SUM_MODEL}
# A second translation model, for a second opinion on every segment; none unless configured.
SECOND_ROLE = hub.SECOND_ROLE
SECOND_MODEL_ENV = hub.ROLE_ENV[SECOND_ROLE]

_lock = threading.Lock()
_loaded: dict[tuple[str, str, str], Translator | Summarizer] = {}


def model_id(role: str, explicit: str | None = None) -> str:
    """The model for ``role``: explicit > env (REVIEW_MT_MODEL / REVIEW_SUM_MODEL) > default."""
    for candidate in (explicit, os.environ.get(hub.ROLE_ENV[role])):
        if candidate and candidate.strip():
            return candidate.strip()
    return _DEFAULTS[role]


def mt_model_id(explicit: str | None = None) -> str:
    """The translation model id or folder to use."""
    return model_id("translation", explicit)


def sum_model_id(explicit: str | None = None) -> str:
    """The summary model id or folder to use."""
    return model_id("summary", explicit)


def second_model_id(explicit: str | None = None) -> str | None:
    """The second-opinion translation model: explicit > env REVIEW_SECOND_MODEL > None.

    "none" (any case) turns it off, also when the environment sets one.
    """
    for candidate in (explicit, os.environ.get(SECOND_MODEL_ENV)):
        if candidate and candidate.strip():
            return None if candidate.strip().lower() == "none" else candidate.strip()
    return None


def configured_by(role: str) -> str:
    """Where the configured model for ``role`` comes from, for `models list`."""
    env = hub.ROLE_ENV[role]
    return f"env {env}" if (os.environ.get(env) or "").strip() else "default"


def resolve(model: str, role: str = "translation", download: bool = True) -> Path:
    """The folder holding ``model``: local folder, HF cache, or a download (unless offline)."""
    return hub.locate(model, role, download).path


def get_translator(model: str | None = None, engine: str | None = None) -> Translator:
    """The translator for ``model`` (see ``mt_model_id``), loaded once per process."""
    return _get("translation", mt_model_id(model), engine)


def get_second_translator(model: str | None = None, engine: str | None = None) -> Translator:
    """The second-opinion translator for ``model`` (see ``second_model_id``), loaded once
    (shared with the main translator when both are the same model)."""
    name = second_model_id(model)
    if name is None:
        raise ModelUnavailable(f"no second translation model: set {SECOND_MODEL_ENV} or give "
                               "--second-model")
    return _get(SECOND_ROLE, name, engine, builds="translation")


def get_summarizer(model: str | None = None, engine: str | None = None) -> Summarizer:
    """The abstractive summarizer for ``model`` (see ``sum_model_id``), loaded once."""
    return _get("summary", sum_model_id(model), engine)


def loaded_translator(model: str | None = None) -> Translator | None:
    """The translator for ``model`` if this process has already loaded it, else None.

    For work that may use a model but must not pay for loading one (a reviewer's click).
    """
    wanted = mt_model_id(model)
    with _lock:
        return next((engine for (role, name, _), engine in _loaded.items()
                     if role == "translation" and name == wanted), None)


def cache_clear() -> None:
    """Forget loaded engines, e.g. after converting a model or in tests."""
    with _lock:
        _loaded.clear()


def _get(role: str, model: str, engine: str | None, builds: str | None = None):
    """The engine for ``model``; ``role`` names it in messages, ``builds`` (default the
    role) is the ENGINE_TABLE role it is built as."""
    builds = builds or role
    path = resolve(model, role)
    chosen, ct2_path = choose_engine(path, model, role, engine)
    key = (builds, model, chosen)
    with _lock:  # Streamlit runs sessions in threads: never load the same model twice
        if key not in _loaded:
            _loaded[key] = _build(builds, chosen, path, ct2_path, model)
        return _loaded[key]


def choose_engine(path: Path, model: str, role: str, engine: str | None = None
                  ) -> tuple[str, Path | None]:
    """(engine, CTranslate2 folder or None); None or "auto" prefers a converted copy."""
    engine = engine or "auto"
    if engine not in ("auto",) + ENGINES:
        raise ModelUnavailable(f"unknown engine {engine!r}: use auto, {', '.join(ENGINES)}")
    if engine == "transformers":
        return "transformers", None
    ct2_path = _converted(path, model)
    if ct2_path is not None:
        return "ctranslate2", ct2_path
    if engine == "ctranslate2":
        raise ModelUnavailable(
            f"{role} model {model} has no CTranslate2 copy: run {hub.PULL} to convert it, "
            "or use the transformers engine")
    return "transformers", None


def _converted(path: Path, model: str) -> Path | None:
    if not _ct2_installed():
        return None
    from models import ct2

    folder = ct2.converted_dir(path, model)
    return folder if ct2.is_converted(folder) else None


def _ct2_installed() -> bool:
    return bool(importlib.util.find_spec("models.ct2") and importlib.util.find_spec("ctranslate2"))


def _build(role: str, engine: str, path: Path, ct2_path: Path | None, model: str):
    module, name = ENGINE_TABLE[engine][role]
    cls = getattr(importlib.import_module(module), name)
    if engine == "ctranslate2":
        return cls(ct2_path, path, model)
    return cls(path, model)


@dataclass(frozen=True)
class ModelStatus:
    role: str
    model_id: str
    engine: str | None  # the engine `auto` would pick; None when the model is unavailable
    path: Path | None
    source: str  # "folder", "cache" or "missing"
    problem: str | None = None  # one line naming the fix, when not usable

    @property
    def usable(self) -> bool:
        return self.problem is None


def model_status(role: str, model: str | None = None) -> ModelStatus:
    """Whether ``role``'s model can be used right now, without downloading or loading it."""
    name = model_id(role, model)
    try:
        location = hub.locate(name, role, download=False)
        engine, _ = choose_engine(location.path, name, role)
    except ModelUnavailable as err:
        return ModelStatus(role, name, None, None, "missing", str(err))
    return ModelStatus(role, name, engine, location.path, location.source)


def check_models() -> list[ModelStatus]:
    """The status of every role's configured model, and of the second model if one is set."""
    statuses = [model_status(role) for role in ROLES]
    if second_model_id():
        statuses.append(model_status(SECOND_ROLE, second_model_id()))
    return statuses


@dataclass(frozen=True)
class PullResult:
    role: str
    model_id: str
    path: Path | None
    converted: Path | None = None
    problem: str | None = None


def pull_models(convert: bool = True, on_result: Callable[[PullResult], None] | None = None
                ) -> list[PullResult]:
    """Fetch every role's configured model into the HF cache, and convert it for CTranslate2."""
    results = []
    wanted = [(role, model_id(role)) for role in ROLES]
    if second_model_id():
        wanted.append((SECOND_ROLE, second_model_id()))
    for role, model in wanted:
        result = _pull(role, model, convert)
        results.append(result)
        if on_result:
            on_result(result)
    cache_clear()  # a new conversion changes which engine `auto` picks
    return results


def _pull(role: str, model: str, convert: bool) -> PullResult:
    try:
        path = resolve(model, role)
    except hub.NotOffline:
        return PullResult(role, model, None, problem=hub.offline_pull_problem(model, role))
    except ModelUnavailable as err:
        return PullResult(role, model, None, problem=str(err))
    if not convert or not _ct2_installed():
        return PullResult(role, model, path)
    from models import ct2

    try:
        return PullResult(role, model, path, converted=ct2.convert(path, model))
    except ModelUnavailable as err:
        return PullResult(role, model, path, problem=str(err))
    except Exception as err:  # a failed conversion must not stop the other models' pulls
        return PullResult(role, model, path, problem=(
            f"{role} model {model} was fetched but not converted to CTranslate2 "
            f"({one_line(err)}): the transformers engine still works"))
