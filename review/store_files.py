"""One look at a store folder: every article file with its signature, and left-over temp files.

The store's ids, the listing index and the translation memory's cache all read the folder
through ``look``, so they agree on what an article file is and on when a cached reading of
one is still good: while the file has the same (size, mtime_ns, inode), and only if it was
already older than ``RACY_NS`` when it was read. Every store write replaces the file (a new
inode); a file written in the same clock tick as it was read could change again without its
mtime moving, so such a reading is not kept.

What a cached reading may hold is checked too: ``valid_summary`` takes a summary read back from
the listing index only if it could be that of a valid article file of its size.

Files derived from the articles (the listing index, the added log) are opened only through
``open_regular``: a FIFO, device, folder or link in their place is taken for a missing file and
rebuilt, never waited on or followed.
"""
from __future__ import annotations

import math
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

from review.article import APPROVED, STATUSES

RACY_NS = 2_000_000_000  # files younger than this when read are read again next time

Signature = tuple[int, int, int]  # (size, mtime_ns, inode) of an article file
# open_regular never waits: opening a FIFO with no writer would block forever.
_NO_WAIT = os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


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


def open_regular(path: str | os.PathLike, flags: int = os.O_RDONLY,
                 follow: bool = False) -> BinaryIO | None:
    """``path`` opened in binary mode if it is a regular file (``flags`` as for ``os.open``:
    read-only by default; with ``os.O_APPEND`` for appending); None when it is missing,
    cannot be opened, or is anything else: a FIFO, device, socket, folder, or a symbolic link
    unless ``follow``.

    Opened without waiting, then checked with ``os.fstat`` on the open file itself, so nothing
    can be swapped in between the check and the read.
    """
    safe = _NO_WAIT if follow else _NO_WAIT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | safe, 0o666)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return os.fdopen(fd, "ab" if flags & os.O_APPEND else "rb")
    except OSError:
        pass
    os.close(fd)
    return None


def starts_with(path: str | os.PathLike, head: bytes, expected: Signature) -> bool:
    """Whether the article file at ``path`` still has the signature ``expected`` and begins
    with ``head``: a cheap check of a cached reading against the file itself (links are
    followed, as ``look`` follows them)."""
    handle = open_regular(path, follow=True)
    if handle is None:
        return False
    with handle:
        return signature(os.fstat(handle.fileno())) == expected and handle.read(len(head)) == head


# -- what a summary read back from the listing index may hold ---------------------------------
# A summary (review.listing.ArticleSummary.to_dict) is used only if it could be the summary of a
# valid article file (review.article_validation.validate) of the size its signature names; anything else
# means the index is corrupt or forged, and it is rebuilt from the files.

MIN_RECORD = 20  # bytes a segment, flag or history entry takes at least in an article file
CHRF_STATS, TER_STATS = 18, 2  # corpus statistics of sacrebleu's CHRF() and TER() (_pair_stats)
BINS = range(0, 101, 10)  # chrF bins of effort_bins
_COUNTS = STATUSES + ("segments", "boilerplate", "translated", "flagged", "untranslated",
                      "unchecked", "second_due", "revision")


def valid_summary(data: dict, size: int, riskiest: int) -> bool:
    """Whether ``data``, with the fields of an ArticleSummary, has every field of its type and
    in its range, the fields agreeing with each other, at most ``riskiest`` riskiest segments,
    and no more in them than an article file of ``size`` bytes can hold."""
    return (_valid_texts(data) and _valid_counts(data) and _valid_flags(data["flags"])
            and _valid_rows(data["decisions"], (str, str, str, int))
            and _valid_effort(data) and _valid_riskiest(data, riskiest) and _fits(data, size))


def _valid_texts(data: dict) -> bool:
    """Texts are text (an optional one for the summary method, missing only with the summary),
    and the id is a safe file name."""
    from review.ingest import safe_id

    state, method = data["summary_state"], data["summary_method"]
    return (all(isinstance(data[name], str) for name in ("id", "title", "content_hash", "updated"))
            and data["id"] != "" and safe_id(data["id"]) == data["id"]
            and state in (*STATUSES, "missing")
            and (method is None if state == "missing" else isinstance(method, str)))


def _valid_counts(data: dict) -> bool:
    """Non-negative integers; the statuses add up to the segments, and no part of the pending
    or of all segments is bigger than they."""
    if not all(is_int(data[name]) and data[name] >= 0 for name in _COUNTS):
        return False
    pending, segments = data["pending"], data["segments"]
    return (sum(data[status] for status in STATUSES) == segments
            and max(data["flagged"], data["untranslated"] + data["second_due"]) <= pending
            and max(data["translated"] + data["untranslated"], data["unchecked"]) <= segments)


def _valid_flags(flags) -> bool:
    """Code -> [raised, dismissed]: raised at least once, dismissed at most as often."""
    return isinstance(flags, dict) and _valid_rows(list(flags.values()), (int, int)) and all(
        raised >= 1 and 0 <= dismissed <= raised for raised, dismissed in flags.values())


def _valid_effort(data: dict) -> bool:
    """chrF bins of approved segments, as many as the effort statistics' pairs (no statistics
    and no scores without pairs); statistics and scores finite and in range."""
    effort, bins, chrf, ter = data["effort"], data["effort_bins"], data["chrf"], data["ter"]
    if not (_valid_rows(bins, (str, int, int))
            and all(status in APPROVED and low in BINS and n >= 1 for status, low, n in bins)):
        return False
    if effort is None:
        return bins == [] and chrf is None and ter is None
    return (isinstance(effort, dict) and set(effort) == {"pairs", "chrf", "ter"}
            and is_int(effort["pairs"]) and effort["pairs"] == sum(n for _, _, n in bins)
            and effort["pairs"] <= data["accepted"] + data["corrected"]
            and _statistics(effort["chrf"], CHRF_STATS) and _statistics(effort["ter"], TER_STATS)
            and is_finite(chrf) and 0 <= chrf <= 100 and is_finite(ter) and ter >= 0)


def _statistics(values, length: int) -> bool:
    return (isinstance(values, list) and len(values) == length
            and all(is_finite(v) and v >= 0 for v in values))


def _valid_riskiest(data: dict, limit: int) -> bool:
    """At most ``limit`` pending segments, riskiest first, each at its own index, with a risk
    in (0, 1] and active flag codes that the article's flag counts hold."""
    rows = data["riskiest"]
    active = {code for code, (raised, dismissed) in data["flags"].items() if raised > dismissed}
    return (isinstance(rows, list) and len(rows) <= min(limit, data["pending"])
            and all(isinstance(row, list) and len(row) == 3 and is_int(row[0]) and row[0] >= 0
                    and is_finite(row[1]) and 0 < row[1] <= 1 and isinstance(row[2], list)
                    and all(isinstance(code, str) and code in active for code in row[2])
                    and row[2] == sorted(set(row[2])) for row in rows)
            and len({row[0] for row in rows}) == len(rows)
            and rows == sorted(rows, key=lambda row: (-row[1], row[0]))
            and sum(bool(row[2]) for row in rows) <= data["flagged"])


def _fits(data: dict, size: int) -> bool:
    """No more segments, flags and history entries, nor a longer title, than the file holds."""
    records = (data["segments"] + data["boilerplate"]
               + sum(raised for raised, _ in data["flags"].values())
               + sum(row[3] for row in data["decisions"]))
    return (all(row[3] >= 1 for row in data["decisions"])
            and records * MIN_RECORD + len(data["title"].encode("utf-8")) <= size)


def _valid_rows(rows, types: tuple) -> bool:
    """A list of lists whose items have ``types`` (bools are not ints)."""
    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == len(types)
        and all(isinstance(v, t) and not (t is int and isinstance(v, bool))
                for v, t in zip(row, types)) for row in rows)


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_finite(value) -> bool:
    """A finite int or float (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def settled_reading(memo: dict, path: str | os.PathLike, load: Callable, absent):
    """``load(path)``, kept in ``memo`` and read again only when the file changed (same rule
    as article files: kept while its signature stays, and only if older than RACY_NS when
    read); ``absent()`` when there is no file."""
    path = Path(path)
    key = str(path.resolve())
    try:
        sig = signature(os.stat(path))
    except OSError:
        memo.pop(key, None)
        return absent()
    known = memo.get(key)
    if known is not None and known[0] == sig:
        return known[1]
    read_at = time.time_ns()
    value = load(path)
    if read_at - sig[1] > RACY_NS:
        memo[key] = (sig, value)
    return value
