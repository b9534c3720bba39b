"""One line per model for the sidebar: ready to use, or missing and how to get it.

With login on (``auth.mode() != "open"``) only allowed models can be chosen: ids or paths in
env ``REVIEW_MODELS`` (comma-separated), the configured REVIEW_MT_MODEL / REVIEW_SUM_MODEL and
the defaults, or folders under env ``REVIEW_MODELS_DIR``. Anything else is refused before the
file system or the hub is asked, so the box cannot probe paths on the server.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from review.errors import ReviewError

ROLE_NAMES = {"translation": "Translation model", "summary": "Summary model (abstractive)"}
MODELS_ENV = "REVIEW_MODELS"
MODELS_DIR_ENV = "REVIEW_MODELS_DIR"


class ModelNotAllowed(ReviewError):
    """A typed model that login mode does not allow."""


def allowed_models(env: Mapping[str, str] | None = None) -> list[str]:
    """REVIEW_MODELS, plus the configured and default model of each role."""
    from models import hub, registry

    env = os.environ if env is None else env
    names = [m.strip() for m in (env.get(MODELS_ENV) or "").split(",")]
    names += [(env.get(hub.ROLE_ENV[role]) or "").strip() for role in registry.ROLES]
    names += [registry.DEFAULT_MT_MODEL, registry.DEFAULT_SUM_MODEL]
    return list(dict.fromkeys(n for n in names if n))


def _under_models_dir(model: str, env: Mapping[str, str]) -> str | None:
    folder = (env.get(MODELS_DIR_ENV) or "").strip()
    if not folder:
        return None
    from models import hub

    root = Path(os.path.realpath(hub.folder_of(folder)))
    given = hub.folder_of(model)  # never ~name: a typed name must not probe the users
    # realpath follows symlinks and '..', so a link inside the folder cannot lead out of it.
    target = Path(os.path.realpath(given if given.is_absolute() else root / given))
    # Only existing folders inside it: a hub id like org/name must not turn into a path there.
    if target != root and target.is_relative_to(root) and target.is_dir():
        return str(target)
    return None


def allowed_choice(model: str | None, role: str, env: Mapping[str, str] | None = None) -> str:
    """The model id or folder to use for a typed ``model``; raises ModelNotAllowed.

    Open mode (no login) allows anything; an empty box means the configured model.
    """
    from review import auth

    env = os.environ if env is None else env
    model = (model or "").strip()
    if auth.mode(env) == "open":
        return model
    if not model:
        return ""  # the configured model (registry.model_id), which is always allowed
    from models import hub

    allowed = allowed_models(env)
    if model in allowed:
        return model
    typed = hub.folder_of(model)
    for entry in allowed:  # a listed folder may be typed with another spelling of its path
        listed = hub.folder_of(entry)
        if listed.is_absolute() and typed.is_absolute() \
                and os.path.realpath(listed) == os.path.realpath(typed):
            return entry
    inside = _under_models_dir(model, env)
    if inside is not None:
        return inside
    raise ModelNotAllowed(f"model {model} is not in the allowed list; ask an admin to add it "
                          f"to {MODELS_ENV}")


def report(mt_model: str, sum_model: str, summary_method: str,
           env: Mapping[str, str] | None = None) -> list[tuple[bool, str]]:
    """(fine, line) for the translation and summary models; checks files, loads nothing.

    A missing summary model is fine unless abstractive summaries are chosen. With login on, a
    model outside the allowed list is reported as such and never looked up.
    """
    from models.registry import model_status

    lines = []
    for role, model in (("translation", mt_model), ("summary", sum_model)):
        name = ROLE_NAMES[role]
        try:
            model = allowed_choice(model, role, env)
        except ModelNotAllowed as err:
            fine = role == "summary" and summary_method != "abstractive"
            lines.append((fine, f"✗ {name}: {err}"))
            continue
        status = model_status(role, model or None)
        if not status.usable and role == "summary" and summary_method != "abstractive":
            lines.append((True, f"{name} not available; not needed for {summary_method} "
                                "summaries"))
        elif status.usable:
            lines.append((True, f"✓ {name} {status.model_id}: ready ({status.engine}, "
                                f"from {status.source})"))
        else:
            lines.append((False, f"✗ {name} missing: {status.problem}"))
    return lines


def unavailable(model: str | None, role: str = "translation") -> str | None:
    """Why ``role``'s model (a hub id or folder; empty: the configured one) cannot be had, in
    one line naming the fix; None when it is on disk, or a job may still download it.

    Looks at files only (the folder, the Hugging Face cache): it loads and downloads nothing.
    """
    from models import hub, registry
    from models.base import ModelUnavailable

    name = registry.model_id(role, model or None)
    try:
        registry.resolve(name, role, download=False)
    except hub.NotOffline as err:
        return str(err)
    except ModelUnavailable as err:
        return None if _downloadable(name) else str(err)
    return None


def _downloadable(name: str) -> bool:
    """A hub id (not a path, as ``models.hub`` tells them apart) while downloads are on."""
    from huggingface_hub.utils import validate_repo_id

    from models import hub

    if hub.offline() or name.startswith(("/", ".", "~")) or "\\" in name:
        return False
    try:
        if Path(name).exists():
            return False
    except OSError:  # a name too long for the file system is no hub id either
        return False
    try:
        validate_repo_id(name)
    except ValueError:
        return False
    return True
