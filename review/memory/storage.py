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
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from review.memory.units import CorruptMemoryError, Unit

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
    return [path] if path.exists() else []


def read_imported(path: Path) -> list[Unit]:
    """The imported units; [] when there is no file; CorruptMemoryError naming a bad one."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as err:
        raise _corrupt(path, err.strerror or str(err)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _corrupt(path, f"not UTF-8 at byte {err.start}") from None
    numbered = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    lines = [line for _, line in numbered]
    try:
        # One parse of all lines as a JSON array is ~2x faster than one json.loads a line.
        records = json.loads("[" + ",".join(lines) + "]")
        if len(records) != len(lines):  # a line holding "1, 2" parses as two values
            raise ValueError
    except ValueError:
        records = _records_one_by_one(path, text)
    units = []
    append = units.append
    for (number, _), record in zip(numbered, records):
        try:
            source, target, origin = record["source"], record["target"], record["origin"]
            reviewer, time = record.get("reviewer"), record.get("time")
        except (TypeError, KeyError, AttributeError):
            raise _corrupt(path, f"line {number} is not an object with source, target and "
                                 "origin") from None
        if not (type(source) is str and type(target) is str and type(origin) is str
                and source and target and _optional_text(reviewer) and _optional_text(time)):
            raise _corrupt(path, f"line {number} has empty or non-text fields")
        append(Unit(source, target, origin, reviewer, time))
    return units


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
    """Names, sizes and modification times: changes whenever a file is written."""
    found = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _records_one_by_one(path: Path, text: str) -> list:
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError as err:
            reason = str(err).splitlines()[0][:80]
            raise _corrupt(path, f"line {number} is not JSON: {reason}") from None
    return records


def _optional_text(value) -> bool:
    return value is None or type(value) is str


def _corrupt(path: Path, reason: str) -> CorruptMemoryError:
    return CorruptMemoryError(f"{path}: unreadable memory file ({reason}); it is left "
                              "untouched: fix it or move it out of the store")
