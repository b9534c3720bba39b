"""Where the memory lives in the store, and how its one file is read and written.

Layout::

    <store>/<article id>.json          approved segments: the memory's store units are read
                                       from the articles themselves, never copied, so every
                                       decision and undo is reflected at once
    <store>/memory/imported.jsonl      units imported from TMX, one JSON object a line:
                                       {"source", "target", "origin", "reviewer", "time"}
    <store>/.locks/memory.lock         held while imported.jsonl is rewritten

An import is a locked read-modify-write of ``imported.jsonl``: the file is read (and must be
valid), the new units are added, and the whole file is replaced atomically
(``review.atomic.write_atomic``). One file rather than one per import keeps duplicates out
across imports and costs little: 100,000 units are read, checked for duplicates and written
in about two seconds. A file that cannot be read is named in a ``CorruptMemoryError`` and
never written over. The lookup index is derived data, built in memory from these files.

The file is trusted no further than it can be checked: only a regular file is opened (a
symlink is not followed, a FIFO or device never waited on); each line is parsed alone and
must be one object whose fields are non-empty text (reviewer and time may be null) without
lone surrogates, and whose origin is a TMX one; a line nested too deeply for the parser is
named like any other broken line.
"""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from review.article import LONE_SURROGATE
from review.memory.units import TMX_PREFIX, CorruptMemoryError, Unit

FOLDER = "memory"
IMPORTED = "imported.jsonl"
LOCK = "memory"  # ArticleStore lock name: <store>/.locks/memory.lock


def memory_folder(store) -> Path:
    return Path(store.root) / FOLDER


def imported_path(store) -> Path:
    return memory_folder(store) / IMPORTED


def memory_files(store) -> list[Path]:
    """The memory's own files (not the articles), for change detection."""
    path = imported_path(store)
    return [path] if os.path.lexists(path) else []


def read_imported(path: Path) -> list[Unit]:
    """The imported units; [] when there is no file; CorruptMemoryError naming a bad one.

    Each line is parsed on its own (lines are never joined: a unit split over two lines, or
    two units on one, is a broken file, not a readable one).
    """
    raw = _read_regular(path)
    if raw is None:
        return []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _corrupt(path, f"not UTF-8 at byte {err.start}") from None
    return [_unit(path, number, line)
            for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


def write_imported(path: Path, units: list[Unit]) -> None:
    """Replace the file with ``units`` in one atomic step (call it under the memory lock).

    Temp files of writers killed mid-write are removed first: holding the lock, no other
    writer can be using one.
    """
    from review.atomic import write_atomic

    dumps = json.dumps
    payload = "".join(dumps(unit.to_json(), ensure_ascii=False) + "\n" for unit in units)
    path.parent.mkdir(parents=True, exist_ok=True)
    for temp in path.parent.glob(f".{path.name}.*.tmp"):
        temp.unlink(missing_ok=True)
    write_atomic(path, payload)


def signature(paths) -> tuple:
    """Names, kinds, inodes, sizes and modification times: changes whenever a file is
    written or replaced (an atomic replace gives a new inode even at the same size and time)."""
    found = []
    for path in paths:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        found.append((str(path), info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(found)


def _read_regular(path: Path) -> bytes | None:
    """The file's bytes; None when there is none. Only a regular file is read: a symlink is
    not followed and a FIFO or device is refused without waiting on it (O_NONBLOCK)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _corrupt(path, "a symbolic link, not a regular file") from None
        raise _corrupt(path, err.strerror or str(err)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _corrupt(path, "not a regular file")
        with open(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as err:
        raise _corrupt(path, err.strerror or str(err)) from None
    finally:
        os.close(fd)


def _unit(path: Path, number: int, line: str) -> Unit:
    """Line ``number`` of the file as a Unit, every field checked; CorruptMemoryError if not."""
    record = _record(path, number, line)
    try:
        source, target, origin = record["source"], record["target"], record["origin"]
        reviewer, time = record.get("reviewer"), record.get("time")
    except (TypeError, KeyError, AttributeError):
        raise _corrupt(path, f"line {number} is not an object with source, target and "
                             "origin") from None
    if not (type(source) is str and type(target) is str and type(origin) is str
            and source and target and _optional_text(reviewer) and _optional_text(time)):
        raise _corrupt(path, f"line {number} has empty or non-text fields")
    if not origin.startswith(TMX_PREFIX):
        raise _corrupt(path, f"line {number} has origin {origin[:40]!r}; an imported unit's "
                             f"origin starts with {TMX_PREFIX!r}")
    # Raw UTF-8 holds no surrogates: only a \u escape can bring one in.
    if "\\u" in line and any(LONE_SURROGATE.search(value or "")
                              for value in (source, target, origin, reviewer, time)):
        raise _corrupt(path, f"line {number} holds a lone surrogate (a \\ud800-\\udfff "
                             "escape), not valid Unicode")
    return Unit(source, target, origin, reviewer, time)


def _record(path: Path, number: int, line: str):
    """Line ``number`` parsed as JSON on its own; CorruptMemoryError naming it if it is not."""
    try:
        return json.loads(line)
    except ValueError as err:
        reason = str(err).splitlines()[0][:80]
        raise _corrupt(path, f"line {number} is not JSON: {reason}") from None
    except RecursionError:
        raise _corrupt(path, f"line {number} is nested too deeply to be a unit") from None


def _optional_text(value) -> bool:
    return value is None or type(value) is str


def _corrupt(path: Path, reason: str) -> CorruptMemoryError:
    return CorruptMemoryError(f"{path}: unreadable memory file ({reason}); it is left "
                              "untouched: fix it or move it out of the store")
