"""Write a file so that readers see the old content or the new, never half of either."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically; raise OSError on failure.

    The temp file lives in the target's folder because ``os.replace`` is only atomic within
    one file system; it is fsynced before the rename so a crash cannot leave an empty file,
    and removed again if anything fails.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        # BaseException too: a Ctrl-C mid-write must not leave the temp file behind.
        _remove_quietly(tmp)
        raise
    _fsync_folder(path.parent)
    return path


def _create_temp(path: Path) -> tuple[int, Path]:
    """Open a fresh hidden file beside ``path``; mode 0o666 so the umask applies as usual."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def _keep_mode(path: Path, tmp: Path) -> None:
    """Replacing a file keeps its permissions, as an in-place write would."""
    try:
        os.chmod(tmp, path.stat().st_mode & 0o7777)
    except FileNotFoundError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Persist the rename itself; some platforms cannot open a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(name: Path) -> None:
    try:
        os.remove(name)
    except FileNotFoundError:
        pass
