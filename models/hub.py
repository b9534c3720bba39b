"""Finding a model's files: a local folder, else the Hugging Face cache, else a download.

Every failure is a ``ModelUnavailable`` whose one-line message names the model and the fix.
"""
from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from models.base import ModelUnavailable, one_line

SECOND_ROLE = "second opinion"  # a second translation model, for a second opinion
ROLE_ENV = {"translation": "REVIEW_MT_MODEL", "summary": "REVIEW_SUM_MODEL",
            SECOND_ROLE: "REVIEW_SECOND_MODEL"}
PULL = "`python -m review models pull`"
# What a model needs to load; repos also hold TF/Flax/Rust weights we never use.
_CONFIG_FILES = ["*.json", "*.spm", "*.model", "*.txt", "vocab*", "merges*"]
_WEIGHTS = ("*.safetensors", "pytorch_model*.bin")
# The longest model name looked at, in UTF-8 bytes: a hub id is at most 96 characters, and no
# folder path is longer than PATH_MAX, nor any part of it than NAME_MAX (Linux's). Longer is
# refused before the file system is asked.
MAX_NAME_BYTES = 4096
MAX_PART_BYTES = 255
SHOWN_CHARS = 80  # of a longer name, only the start is shown in an error


# (bytes done, bytes in all so far, model id); the total grows as the hub starts each file.
DownloadListener = Callable[[int, int, str], None]
_listening = threading.local()


class NotOffline(ModelUnavailable):
    """A hub model that is not in the cache while HF_HUB_OFFLINE forbids downloading it."""


@dataclass(frozen=True)
class Location:
    path: Path
    source: str  # "folder" (the user's own), "cache" (HF cache) or "download" (just fetched)


def offline() -> bool:
    """HF_HUB_OFFLINE, read now rather than when huggingface_hub was imported."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def locate(model_id: str, role: str, download: bool = True) -> Location:
    """Where ``model_id`` lives on disk, downloading it if allowed, online and not cached."""
    check_name(model_id, role)
    folder = folder_of(model_id)
    if _exists(folder, model_id, role):
        check_folder(folder, model_id, role)
        return Location(folder, "folder")
    _check_hub_id(model_id, role)
    cached = cached_snapshot(model_id)
    if cached is not None:
        return Location(cached, "cache")
    if offline():
        raise NotOffline(f"{role} model {model_id} is not available offline: {_fix(role)}")
    if not download:
        raise ModelUnavailable(f"{role} model {model_id} is not downloaded yet: {_fix(role)}")
    return Location(fetch(model_id, role), "download")


def check_name(model_id: str, role: str, where: str | None = None) -> None:
    """Raise unless ``model_id`` is short enough to be a hub id or a folder path.

    ``where`` names what to fix (a command's option); by default the role's variable or the
    model option. The message shows the start of the name only.
    """
    if not _too_long(model_id):
        return
    where = where or f"{ROLE_ENV[role]} or the model option"
    raise ModelUnavailable(
        f"{role} model {shown(model_id)} is {len(model_id)} characters long, too long for a "
        f"hub id (org/name) or a folder path (at most {MAX_NAME_BYTES} bytes, "
        f"{MAX_PART_BYTES} in each part): fix {where}")


def _too_long(model_id: str) -> bool:
    def size(text: str) -> int:
        return len(text.encode("utf-8", "surrogatepass"))

    return size(model_id) > MAX_NAME_BYTES or any(
        size(part) > MAX_PART_BYTES for part in model_id.replace("\\", "/").split("/"))


def shown(model_id: str) -> str:
    """``model_id`` for an error message: its start only when it is long."""
    return model_id if len(model_id) <= SHOWN_CHARS else model_id[:SHOWN_CHARS] + "…"


def folder_of(model_id: str) -> Path:
    """The folder ``model_id`` names if it is one: ``~`` and ``~/`` are this user's home;
    ``~name`` is never expanded, so the answer does not tell whether user name exists."""
    folder = Path(model_id)
    if model_id == "~" or model_id.startswith("~/"):
        try:
            return folder.expanduser()
        except RuntimeError:  # no home directory known: the name stays as it is
            return folder
    return folder


def _exists(folder: Path, model_id: str, role: str) -> bool:
    """Whether ``folder`` exists; a path the system cannot look at raises ModelUnavailable."""
    try:
        return folder.exists()
    except OSError as err:  # e.g. a part longer than a file name may be, or no permission
        raise ModelUnavailable(
            f"{role} model folder {shown(model_id)} cannot be read "
            f"({err.strerror or one_line(err)}): fix {ROLE_ENV[role]} or the model option, "
            "or unset it for the default model") from None


def check_folder(folder: Path, model_id: str, role: str) -> None:
    """Raise unless ``folder`` looks like a saved transformers model."""
    env = ROLE_ENV[role]
    if not folder.is_dir():
        raise ModelUnavailable(f"{role} model {model_id} is a file, not a model folder: "
                               f"set {env} to the folder save_pretrained wrote")
    config = folder / "config.json"
    if not config.is_file():
        raise ModelUnavailable(
            f"{role} model folder {model_id} has no config.json, so it holds no saved model: "
            f"set {env} to the folder save_pretrained wrote, or unset it for the default model")
    try:
        json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelUnavailable(
            f"{role} model folder {model_id} has an unreadable config.json ({one_line(err)}):"
            f" save the model again, or set {env} to another folder") from err
    if not any(any(folder.glob(pattern)) for pattern in _WEIGHTS):
        raise ModelUnavailable(
            f"{role} model folder {model_id} has no weights (model.safetensors or "
            f"pytorch_model.bin): save the model again, or set {env} to another folder")


def cached_snapshot(model_id: str) -> Path | None:
    """The complete snapshot of ``model_id`` in the HF cache, or None; never downloads."""
    from huggingface_hub import snapshot_download

    try:
        path = Path(snapshot_download(model_id, local_files_only=True, cache_dir=_cache_dir()))
    except Exception:  # not cached, or a cache we cannot read: both mean "not here"
        return None
    # A snapshot may hold only the files someone asked for (e.g. config.json alone).
    has_weights = any(any(path.glob(pattern)) for pattern in _WEIGHTS)
    return path if (path / "config.json").is_file() and has_weights else None


def fetch(model_id: str, role: str) -> Path:
    """Download what the model needs into the HF cache, with a progress bar.

    Inside ``download_progress(callback)`` in this thread, the bytes go to the callback
    instead of a bar on stderr.
    """
    from huggingface_hub import HfApi, snapshot_download

    _require_hub_reachable(model_id, role)
    listeners = tuple(_listeners())
    bars = progress_tqdm(model_id, listeners) if listeners else None
    try:
        files = HfApi().list_repo_files(model_id)
        weights = [f for f in files if f.endswith(".safetensors")] or \
                  [f for f in files if f.startswith("pytorch_model") and f.endswith(".bin")]
        path = snapshot_download(model_id, cache_dir=_cache_dir(),
                                 allow_patterns=_CONFIG_FILES + weights, tqdm_class=bars)
    except Exception as err:
        raise ModelUnavailable(f"{role} model {model_id} could not be downloaded "
                               f"({one_line(err)}): {_fix(role)}") from err
    return Path(path)


@contextmanager
def download_progress(callback: DownloadListener) -> Iterator[None]:
    """Report model downloads started in this thread to ``callback(done, total, model_id)``.

    Any ``fetch`` this thread makes inside the block (e.g. ``registry.get_translator`` for a
    model not cached yet) calls it as bytes arrive; ``done`` and ``total`` are bytes, and the
    total grows as each file starts. The hub downloads files in worker threads, so the callback
    is called from those: keep it quick and thread-safe (e.g. set a message under a lock). Its
    exceptions are ignored, so a broken listener never breaks a download. Blocks nest.
    """
    listeners = _listeners()
    listeners.append(callback)
    try:
        yield
    finally:
        for i in range(len(listeners) - 1, -1, -1):
            if listeners[i] is callback:
                del listeners[i]
                break


def _listeners() -> list[DownloadListener]:
    if not hasattr(_listening, "callbacks"):
        _listening.callbacks = []
    return _listening.callbacks


class _NullFile:
    """Where the listening bars print: nowhere (the listeners show the progress)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


class _Download:
    """One fetch's byte counts, gathered from its bars, which the hub updates from threads."""

    def __init__(self, model_id: str, listeners: tuple[DownloadListener, ...]):
        self.model_id, self.listeners = model_id, listeners
        self.lock = threading.Lock()
        self.bars: dict[int, list[int]] = {}  # bar id -> [bytes done, its total]

    def track(self, bar, added: float = 0, new_total_only: bool = False) -> None:
        total_now = int(getattr(bar, "total", 0) or 0)
        with self.lock:
            counts = self.bars.setdefault(id(bar), [0, -1])
            if new_total_only and counts[1] == total_now:
                return
            counts[0] += int(added or 0)
            counts[1] = total_now
            # The hub keeps two byte bars (bytes received, bytes written); they agree for plain
            # downloads. Report the one furthest along, never above its own total.
            done, total = max(self.bars.values())
            total = max(total, done)
        for listener in self.listeners:
            try:
                listener(done, total, self.model_id)
            except Exception:  # a listener's bug must not break the download
                pass


def progress_tqdm(model_id: str, listeners: tuple[DownloadListener, ...]) -> type:
    """A ``tqdm`` class for ``snapshot_download(tqdm_class=...)`` that forwards byte counts.

    The hub makes its byte bars (``unit="B"``) with this class, raises their ``total`` as
    files start and calls ``update(n)`` from its download threads; each update reaches every
    listener as ``(done, total, model_id)``. Other bars (files fetched) are ignored; nothing is
    printed.
    """
    from tqdm.auto import tqdm

    download = _Download(model_id, tuple(listeners))

    class ListeningTqdm(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs.pop("name", None)  # only the hub's own tqdm takes it
            kwargs["file"], kwargs["disable"] = _NullFile(), False
            self._counts_bytes = kwargs.get("unit") == "B"
            super().__init__(*args, **kwargs)
            if self._counts_bytes:
                download.track(self, kwargs.get("initial") or 0)

        def update(self, n=1):
            if self._counts_bytes:
                download.track(self, n)
            return super().update(n)

        def refresh(self, *args, **kwargs):  # the hub calls it after raising ``total``
            if getattr(self, "_counts_bytes", False):
                download.track(self, new_total_only=True)
            return super().refresh(*args, **kwargs)

    return ListeningTqdm


def _require_hub_reachable(model_id: str, role: str) -> None:
    """Fail at once when the hub's host does not even resolve: the hub client would retry for
    half a minute, printing each retry, before saying the same."""
    import socket
    from urllib.parse import urlparse

    host = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co").hostname
    try:
        socket.getaddrinfo(host, 443)
    except OSError as err:
        raise ModelUnavailable(f"{role} model {model_id} could not be downloaded ({host} is not "
                               f"reachable: {err.strerror or err}): {_fix(role)}") from err


def _check_hub_id(model_id: str, role: str) -> None:
    from huggingface_hub.utils import validate_repo_id

    env = ROLE_ENV[role]
    if model_id.startswith(("/", ".", "~")) or "\\" in model_id:
        raise ModelUnavailable(f"{role} model folder {shown(model_id)} does not exist: fix the "
                               f"path in {env} or the model option, or unset it for the default "
                               "model")
    try:
        validate_repo_id(model_id)
    except ValueError as err:  # HFValidationError is a ValueError
        raise ModelUnavailable(
            f"{role} model {shown(model_id)} is neither an existing folder nor a Hugging Face hub "
            f"id (org/name): fix {env} or the model option, or unset it for the default model"
        ) from err


def offline_pull_problem(model_id: str, role: str) -> str:
    """What `models pull` says when HF_HUB_OFFLINE keeps it from downloading."""
    return (f"{role} model {model_id} cannot be downloaded while HF_HUB_OFFLINE=1 is set: "
            f"unset it and run {PULL} again, or set {ROLE_ENV[role]} to a folder holding the model")


def _fix(role: str) -> str:
    return (f"run {PULL} on a connected machine, or set {ROLE_ENV[role]} to a folder "
            "holding the model")


def _cache_dir() -> str | None:
    # huggingface_hub reads these once at import; reading them now honours later changes.
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    if os.environ.get("HF_HOME"):
        return str(Path(os.environ["HF_HOME"]) / "hub")
    return None
