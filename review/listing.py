"""The listing index: a summary of every article file, so a listing need not parse them all.

`status`, the app's article list, `translate` with no ids and the store's duplicate check
(``ArticleStore.add``) read ``summaries(store)``: one stat per article file, and only files
that changed since the index saw them are parsed. The index, ``<store>/.index/listing.json``,
is derived data and never the source of truth:

- an entry is used only while its file has the same signature as when it was read, and only
  if the file was settled then (``review.store_files``: the rule the store's ids and the
  translation memory's cache share);
- a missing, corrupt or foreign index is rebuilt from the files, silently;
- unreadable files are never indexed: they are read again each time and reported with the
  same one-line message as ``ArticleStore.scan``;
- the index is written atomically by whoever refreshed it, under a lock taken without waiting:
  when another process is writing it, this one leaves it to them.

Each process also keeps the index it last read or wrote in memory, checked against the
index file's own stat, so the app's reruns do not even re-read it.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable

from review import store_files
from review.article import STATUSES, Article
from review.remaining import Remaining, untranslated
from review.store_files import Signature, look, signature

INDEX = Path(".index") / "listing.json"
FORMAT = "review-listing"
VERSION = 3  # bump when ArticleSummary changes: an index of another version is rebuilt
LABEL_TITLE = 48  # characters of the title in an entry's label
RISKIEST = 5  # pending segments per article kept for the overview, riskiest first


@dataclass(frozen=True)
class ArticleEntry:
    """One line of the app's article list: progress, summary state and flags."""
    id: str
    title: str
    reviewed: int
    total: int
    summary_state: str  # pending | accepted | corrected | rejected | missing
    flagged: int  # pending segments with active check flags
    untranslated: int  # pending segments with German but no machine output

    @classmethod
    def of(cls, article: Article) -> ArticleEntry:
        """The entry of an article at hand, as its ``ArticleSummary.to_entry`` would give."""
        reviewable = article.reviewable()
        pending = [s for s in reviewable if s.decision.status == "pending"]
        return cls(id=article.id, title=article.title or article.id,
                   reviewed=len(reviewable) - len(pending), total=len(reviewable),
                   summary_state=article.summary_state(), flagged=_flagged(pending),
                   untranslated=sum(map(untranslated, pending)))

    @property
    def needs_review(self) -> bool:
        return self.reviewed < self.total or self.summary_state == "pending"

    @property
    def short_title(self) -> str:
        """The title cut to LABEL_TITLE characters."""
        if len(self.title) <= LABEL_TITLE:
            return self.title
        return self.title[:LABEL_TITLE - 1].rstrip() + "…"

    @property
    def label(self) -> str:
        """One line: title, progress, summary state and flags."""
        flags = f" · ⚑ {self.flagged}" if self.flagged else ""
        return (f"{self.short_title} — {self.reviewed}/{self.total} reviewed · "
                f"summary {self.summary_state}{flags}")


@dataclass(frozen=True)
class ArticleSummary:
    """What listings need of one article, without its text, segments or history."""
    id: str
    title: str
    content_hash: str
    revision: int
    updated: str
    # Reviewable segments (boilerplate aside) by decision status; ``segments`` is their sum.
    pending: int
    accepted: int
    corrected: int
    rejected: int
    segments: int
    boilerplate: int
    translated: int  # reviewable segments with machine output
    flagged: int  # pending reviewable segments with active (not dismissed) flags
    untranslated: int  # pending reviewable segments with no machine output and German text
    unchecked: int  # reviewable segments with English that the checks have not scored
    second_due: int  # pending model output with no second opinion yet (Segment.second_due)
    summary_state: str  # pending | accepted | corrected | rejected | missing
    summary_method: str | None  # extractive | abstractive | human; None when missing
    chrf: float | None  # post-edit effort of this article (review.metrics.post_edit_effort)
    ter: float | None
    # Summed sacrebleu statistics of this article's edit pairs, to score any set of articles
    # as one corpus: {"pairs": n, "chrf": [...], "ter": [edits, reference words]}; or None.
    effort: dict | None
    flags: dict[str, list[int]]  # check code -> [raised, dismissed] over reviewable segments
    # For the overview page: [reviewer, day, action, count] per history entry kind (undos
    # included), and [status, chrF bin, segments] of approved segments' post-edit chrF, where
    # a bin is the lower edge of ten points (0, 10 … 90) and 100 is untouched machine output.
    decisions: list
    effort_bins: list
    # The RISKIEST pending segments with a risk above 0: [index, risk, [active flag codes]],
    # riskiest first, for the overview's "where to look first".
    riskiest: list

    @classmethod
    def from_article(cls, article: Article) -> ArticleSummary:
        """Every field from the article itself (its effort statistics are the costly part)."""
        reviewable = article.reviewable()
        pending = [s for s in reviewable if s.decision.status == "pending"]
        counts = article.counts()
        flags: dict[str, list[int]] = {}
        for seg in reviewable:
            for flag in seg.flags:
                count = flags.setdefault(flag.code, [0, 0])
                count[0] += 1
                count[1] += seg.dismissal_of(flag.code, flag.detail) is not None
        effort, bins = _effort(article)
        score = effort_score([effort])
        decisions = Counter((e.reviewer, (e.time or "")[:10], e.action) for e in article.history)
        return cls(
            id=article.id, title=article.title, content_hash=article.content_hash,
            revision=article.revision, updated=article.updated, **counts,
            segments=len(reviewable), boilerplate=len(article.segments) - len(reviewable),
            translated=sum(s.machine is not None for s in reviewable),
            flagged=_flagged(pending), **asdict(Remaining.of(article)),
            chrf=score["chrf"], ter=score["ter"], effort=effort, flags=dict(sorted(flags.items())),
            decisions=[[*key, n] for key, n in sorted(decisions.items())], effort_bins=bins,
            riskiest=_riskiest(pending))

    # -- what the app's article list shows ----------------------------------------------------

    @property
    def total(self) -> int:
        return self.segments

    @property
    def reviewed(self) -> int:
        return self.segments - self.pending

    def to_entry(self) -> ArticleEntry:
        """The article list's entry for this article."""
        return ArticleEntry(id=self.id, title=self.title or self.id, reviewed=self.reviewed,
                            total=self.total, summary_state=self.summary_state,
                            flagged=self.flagged, untranslated=self.untranslated)

    # -- status and translate ------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Reviewable segments per status, as ``Article.counts``."""
        return {status: getattr(self, status) for status in STATUSES}

    def is_done(self, summary: str, second: bool = False) -> bool:
        """``review.remaining.Remaining.is_done`` of the article."""
        return Remaining(self.untranslated, self.unchecked, self.second_due, self.summary_state,
                         self.summary_method).is_done(summary, second)

    def to_dict(self) -> dict:
        """JSON-ready fields (dataclasses.asdict, at a tenth of its cost on an index)."""
        data = {name: getattr(self, name) for name in _FIELD_ORDER}
        data["flags"] = {code: list(count) for code, count in self.flags.items()}
        if self.effort is not None:
            data["effort"] = {key: list(value) if isinstance(value, list) else value
                              for key, value in self.effort.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ArticleSummary:
        """From ``to_dict``'s JSON; ValueError when it is not one (a corrupt index)."""
        if not isinstance(data, dict) or set(data) != _FIELDS:
            raise ValueError("not a summary")
        if not all(_is_int(data[name]) for name in _COUNTS):
            raise ValueError("counts must be integers")
        if not (isinstance(data["id"], str) and isinstance(data["summary_state"], str)
                and isinstance(data["summary_method"], (str, type(None)))
                and all(_is_number(data[name]) or data[name] is None for name in ("chrf", "ter"))
                and _valid_flags(data["flags"]) and _valid_effort(data["effort"])
                and _valid_rows(data["decisions"], (str, str, str, int))
                and _valid_rows(data["effort_bins"], (str, int, int))
                and _valid_riskiest(data["riskiest"])):
            raise ValueError("malformed summary")
        return cls(**data)


_FIELD_ORDER = tuple(f.name for f in fields(ArticleSummary))
_FIELDS = set(_FIELD_ORDER)
_COUNTS = STATUSES + ("segments", "boilerplate", "translated", "flagged", "untranslated",
                      "unchecked", "second_due")


def summaries(store) -> tuple[list[ArticleSummary], list[str]]:
    """Every readable article of ``store`` (an ArticleStore) summarized, sorted by id, plus one
    line per article file that cannot be read: what ``store.scan()`` gives, as summaries.

    Also removes temp files of killed writers, as ``scan`` does.
    """
    folder = look(store.root)
    if folder is None:
        return [], []
    files = folder.files
    if folder.temps:
        try:
            store.clean_temp_files(folder.temps)
        except OSError:
            pass  # a read-only store can still be listed; temp files are ignored anyway
    from review.errors import CorruptArticleError, UnknownArticleError

    known, rewrite = _known(store.root)
    kept: dict[str, _Entry] = {}
    found: list[ArticleSummary] = []
    problems: list[str] = []
    for article_id in sorted(files):
        entry = known.get(article_id)
        if entry is not None and entry.signature == files[article_id]:
            kept[article_id] = entry
            found.append(entry.summary)
            continue
        read_at = time.time_ns()
        try:
            article, stat = store.read(article_id)
        except (CorruptArticleError, UnknownArticleError) as err:
            problems.append(str(err))
            continue
        summary = ArticleSummary.from_article(article)
        found.append(summary)
        if read_at - stat.st_mtime_ns > store_files.RACY_NS:
            kept[article_id] = _Entry(signature(stat), summary)
    if rewrite or kept.keys() != known.keys() or any(kept[k] is not known[k] for k in kept):
        _save(store, kept)
    return found, problems


def forget(root: str | os.PathLike | None = None) -> None:
    """Drop this process's in-memory copy of the index of ``root`` (of every store if None),
    as a fresh process would start; the index file is left as it is."""
    with _MEMORY_LOCK:
        if root is None:
            _MEMORY.clear()
        else:
            _MEMORY.pop(_key(Path(root)), None)


# -- post-edit effort from summed statistics --------------------------------------------------

def effort_stats(pairs: list[tuple[str, str]]) -> dict | None:
    """The summed sacrebleu chrF and TER statistics of (machine, final) pairs, or None.

    Both metrics score a corpus from the sum of its sentences' statistics, so the sums of
    several articles give exactly ``review.metrics.post_edit_effort`` of all their pairs.
    """
    return _pair_stats(pairs)[0]


def _pair_stats(pairs: list[tuple[str, str]]) -> tuple[dict | None, list]:
    """(``effort_stats`` of the pairs, each kept pair's chrF statistics)."""
    pairs = [(machine, final) for machine, final in pairs if machine is not None and final]
    if not pairs:
        return None, []
    from sacrebleu.metrics import CHRF, TER

    machine, final = [p[0] for p in pairs], [[p[1] for p in pairs]]
    chrf = CHRF()._extract_corpus_statistics(machine, final)
    ter = TER()._extract_corpus_statistics(machine, final)
    return ({"pairs": len(pairs), "chrf": [sum(col) for col in zip(*chrf)],
             "ter": [sum(col) for col in zip(*ter)]}, chrf)


def _effort(article: Article) -> tuple[dict | None, list]:
    """The article's ``effort_stats`` and its [status, chrF bin, segments] rows."""
    from review.metrics import edit_segments

    segments = edit_segments(article)
    stats, per_pair = _pair_stats([(s.machine.text, s.decision.text) for s in segments])
    if not per_pair:
        return stats, []
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    bins = Counter()
    for seg, pair in zip(segments, per_pair):
        score = chrf._compute_score_from_stats(pair).score
        bins[(seg.decision.status, 100 if score >= 100 else int(score // 10) * 10)] += 1
    return stats, [[*key, n] for key, n in sorted(bins.items())]


def effort_score(stats: Iterable[dict | None]) -> dict[str, float | None]:
    """chrF and TER, as ``post_edit_effort``, of the pairs behind ``effort_stats`` results."""
    stats = [s for s in stats if s]
    if not stats:
        return {"chrf": None, "ter": None}
    from sacrebleu.metrics import CHRF, TER

    chrf = [sum(col) for col in zip(*(s["chrf"] for s in stats))]
    ter = [sum(col) for col in zip(*(s["ter"] for s in stats))]
    return {"chrf": round(CHRF()._compute_score_from_stats(chrf).score, 1),
            "ter": round(TER()._compute_score_from_stats(ter).score, 1)}


# -- the index file ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    signature: Signature
    summary: ArticleSummary


# str(abspath of root) -> (signature of the index file, its entries); guarded by _MEMORY_LOCK
_MEMORY: dict[str, tuple[Signature, dict[str, _Entry]]] = {}
_MEMORY_LOCK = threading.Lock()


def _key(root: Path) -> str:
    return os.path.abspath(root)


def _known(root: Path) -> tuple[dict[str, _Entry], bool]:
    """The indexed entries, and whether the index file needs writing (missing or corrupt)."""
    path = root / INDEX
    try:
        stat = os.stat(path)
    except OSError:
        return {}, True
    with _MEMORY_LOCK:
        held = _MEMORY.get(_key(root))
    if held is not None and held[0] == signature(stat):
        return held[1], False
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            entries = _parse(handle.read())
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return {}, True
    with _MEMORY_LOCK:
        _MEMORY[_key(root)] = (signature(stat), entries)
    return entries, False


def _parse(data: bytes) -> dict[str, _Entry]:
    index = json.loads(data.decode("utf-8"))
    if index.get("format") != FORMAT or index.get("version") != VERSION:
        raise ValueError("another format or version")
    entries = {}
    for article_id, item in index["entries"].items():
        sig = tuple(item["signature"])
        if len(sig) != 3 or not all(_is_int(n) for n in sig):
            raise ValueError("malformed signature")
        summary = ArticleSummary.from_dict(item["summary"])
        if summary.id != article_id:
            raise ValueError("entry under another id")
        entries[article_id] = _Entry(sig, summary)
    return entries


def _save(store, entries: dict[str, _Entry]) -> None:
    """Write the index unless another process is writing it; never raises for it."""
    from review.atomic import write_atomic

    path = store.root / INDEX
    data = json.dumps({"format": FORMAT, "version": VERSION, "entries": {
        article_id: {"signature": list(entry.signature), "summary": entry.summary.to_dict()}
        for article_id, entry in entries.items()}}, ensure_ascii=False, separators=(",", ":"))
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError:
        return
    with store._lock("_index", timeout=0, quiet=True) as held:
        if not held:
            return
        try:
            for temp in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed writer
                temp.unlink(missing_ok=True)
            write_atomic(path, data)
            stat = os.stat(path)
        except OSError:
            return
    with _MEMORY_LOCK:
        _MEMORY[_key(store.root)] = (signature(stat), entries)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _valid_flags(flags) -> bool:
    return isinstance(flags, dict) and all(
        isinstance(v, list) and len(v) == 2 and all(_is_int(n) for n in v)
        for v in flags.values())


def _flagged(pending: list) -> int:
    """Pending segments with active (not dismissed) flags."""
    return sum(1 for s in pending if s.active_flags)


def _riskiest(pending: list) -> list:
    """``ArticleSummary.riskiest`` of an article's pending segments."""
    risky = sorted((s for s in pending if s.risk), key=lambda s: (-s.risk, s.index))
    return [[s.index, s.risk, sorted({f.code for f in s.active_flags})]
            for s in risky[:RISKIEST]]


def _valid_riskiest(rows) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == 3 and _is_int(row[0]) and _is_number(row[1])
        and isinstance(row[2], list) and all(isinstance(code, str) for code in row[2])
        for row in rows)


def _valid_rows(rows, types: tuple) -> bool:
    """A list of lists whose items have ``types`` (bools are not ints)."""
    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == len(types)
        and all(isinstance(v, t) and not (t is int and isinstance(v, bool))
                for v, t in zip(row, types)) for row in rows)


def _valid_effort(effort) -> bool:
    if effort is None:
        return True
    return (isinstance(effort, dict) and set(effort) == {"pairs", "chrf", "ter"}
            and _is_int(effort["pairs"]) and len(effort["ter"]) == 2
            and all(isinstance(effort[k], list) and all(_is_number(n) for n in effort[k])
                    for k in ("chrf", "ter")))
