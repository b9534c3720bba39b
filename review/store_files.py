"""One look at a store folder: every article file with its signature, and left-over temp files.

The store's ids, the listing index and the translation memory's cache all read the folder
through ``look``, so they agree on what an article file is and on when a cached reading of
one is still good: while the file has the same (size, mtime_ns, inode), and only if it was
already older than ``RACY_NS`` when it was read. Every store write replaces the file (a new
inode); a file written in the same clock tick as it was read could change again without its
mtime moving, so such a reading is not kept.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

RACY_NS = 2_000_000_000  # files younger than this when read are read again next time

Signature = tuple[int, int, int]  # (size, mtime_ns, inode) of an article file


@dataclass(frozen=True)
class StoreFiles:
    files: dict[str, Signature] = field(default_factory=dict)  # article id -> signature, sorted
    temps: list[Path] = field(default_factory=list)  # temp files of writers (maybe killed)
    taken_ns: int = 0  # when the folder was listed: readings after it are at least as late

    @property
    def ids(self) -> list[str]:
        return list(self.files)

    def settled(self, article_id: str, read_at_ns: int | None = None) -> bool:
        """Whether a reading of the file (at ``read_at_ns``, default when the folder was
        listed) may be kept for as long as its signature stays the same."""
        read_at = self.taken_ns if read_at_ns is None else read_at_ns
        return read_at - self.files[article_id][1] > RACY_NS


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def look(root: str | os.PathLike) -> StoreFiles | None:
    """Article files ``<id>.json`` (not hidden, regular files) and temp files in ``root``;
    None when the folder does not exist or cannot be listed."""
    files: dict[str, Signature] = {}
    temps: list[Path] = []
    taken = time.time_ns()
    try:
        listing = os.scandir(root)
    except OSError:
        return None
    with listing:
        for item in listing:
            name = item.name
            if name.startswith("."):
                if name.endswith(".tmp"):
                    temps.append(Path(item.path))
                continue
            if not name.endswith(".json"):
                continue
            try:
                if item.is_file():
                    files[name[:-len(".json")]] = signature(item.stat())
            except OSError:
                continue  # gone since the folder was listed
    return StoreFiles(dict(sorted(files.items())), temps, taken)
