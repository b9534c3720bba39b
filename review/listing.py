"""The listing index: a summary of every article file, so a listing need not parse them all.

`status`, the app's article list, `translate` with no ids and the store's duplicate check
(``ArticleStore.add``) read ``summaries(store)``: one stat per article file, and only files
that changed since the index saw them are parsed. The index, ``<store>/.index/listing.json``,
is derived data and never trusted beyond what it can be checked against:

- an entry is used only while its file has the same signature as when it was read, and only
  if the file was settled then (``review.store_files``: the rule the store's ids and the
  translation memory's cache share);
- every field of every entry is checked by type and range, against the other fields and the
  file's size (``store_files.valid_summary``): one entry that fails puts the whole index in
  doubt, and it is rebuilt;
- what is shown first is checked against the file where that is cheap: when a process first
  reads the index, each file must still begin with its entry's id and title, else that
  article is read again;
- a missing, corrupt or foreign index, or anything but a regular file in its place (a FIFO
  is never waited on), is rebuilt from the files, silently;
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
from review.article import ERRORS, STATUSES, Article
from review.article_validation import no_surrogates
from review.remaining import Remaining, untranslated
from review.store_files import Signature, is_finite, is_int, look, signature

INDEX = Path(".index") / "listing.json"
FORMAT = "review-listing"
VERSION = 4  # bump when ArticleSummary changes: an index of another version is rebuilt
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
    # For the overview page: [reviewer, day, action, count] per history entry kind (undos and
    # verdicts included, errors noted on a summary sentence not), and [status, chrF bin,
    # segments] of approved segments' post-edit chrF, where a bin is the lower edge of ten
    # points (0, 10 … 90) and 100 is untouched machine output.
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
        decisions = Counter((e.reviewer, (e.time or "")[:10], e.action) for e in article.history
                            if e.action != ERRORS)  # errors noted on a claim decide nothing
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
    def from_dict(cls, data: dict, size: int) -> ArticleSummary:
        """From ``to_dict``'s JSON of an article file of ``size`` bytes; ValueError unless it
        could be the summary of one (a corrupt or forged index): see
        ``review.store_files.valid_summary``."""
        if not (isinstance(data, dict) and set(data) == _FIELDS
                and store_files.valid_summary(data, size, RISKIEST)):
            raise ValueError("not a summary of the file")
        return cls(**data)


_FIELD_ORDER = tuple(f.name for f in fields(ArticleSummary))
_FIELDS = set(_FIELD_ORDER)


def summaries(store, reread: bool = False) -> tuple[list[ArticleSummary], list[str]]:
    """Every readable article of ``store`` (an ArticleStore) summarized, sorted by id, plus one
    line per article file that cannot be read: what ``store.scan()`` gives, as summaries.

    With ``reread``, for a caller that caught the index lying, the index is not used: every
    file is parsed and the index written anew. Also removes temp files of killed writers, as
    ``scan`` does.
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

    if reread:
        forget(store.root)
    known, rewrite = ({}, True) if reread else _known(store.root)
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
            article, stat = store.read(article_id, shared=True)
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
    """The indexed entries, and whether the index file needs writing (missing, corrupt, or
    not a regular file: a FIFO there is never waited on)."""
    handle = store_files.open_regular(root / INDEX)
    if handle is None:
        return {}, True
    with handle:
        try:
            stat = os.fstat(handle.fileno())
            with _MEMORY_LOCK:
                held = _MEMORY.get(_key(root))
            if held is not None and held[0] == signature(stat):
                return held[1], False
            entries = _parse(handle.read(), root)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return {}, True
    with _MEMORY_LOCK:
        _MEMORY[_key(root)] = (signature(stat), entries)
    return entries, False


def _parse(data: bytes, root: Path) -> dict[str, _Entry]:
    """The entries of an index file; ValueError when it is not one, or when any entry could
    not be the summary of the file it names (``ArticleSummary.from_dict``): then the whole
    index is in doubt. An entry whose file changed since, or does not begin with the entry's
    id and title as the store writes them, is left out: that article is read again."""
    index = json.loads(data.decode("utf-8"))
    if index.get("format") != FORMAT or index.get("version") != VERSION:
        raise ValueError("another format or version")
    no_surrogates(index)
    entries = {}
    for article_id, item in index["entries"].items():
        sig = tuple(item["signature"])
        if len(sig) != 3 or not all(is_int(n) and n >= 0 for n in sig):
            raise ValueError("malformed signature")
        summary = ArticleSummary.from_dict(item["summary"], sig[0])
        if summary.id != article_id:
            raise ValueError("entry under another id")
        if store_files.starts_with(root / f"{article_id}.json", _head(summary), sig):
            entries[article_id] = _Entry(sig, summary)
    return entries


def _head(summary: ArticleSummary) -> bytes:
    """The first bytes of the article's file as the store writes it (``ArticleStore._write``:
    indented JSON of ``Article.to_dict``, whose first fields are the id and the title)."""
    fields = (json.dumps(summary.id, ensure_ascii=False),
              json.dumps(summary.title, ensure_ascii=False))
    return ('{\n "id": %s,\n "title": %s,\n' % fields).encode("utf-8")


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


def _flagged(pending: list) -> int:
    """Pending segments with active (not dismissed) flags."""
    return sum(1 for s in pending if s.active_flags)


def _riskiest(pending: list) -> list:
    """``ArticleSummary.riskiest`` of an article's pending segments (a risk outside (0, 1],
    possible only in a hand-edited file, is no score and is left out)."""
    risky = sorted((s for s in pending if is_finite(s.risk) and 0 < s.risk <= 1),
                   key=lambda s: (-s.risk, s.index))
    return [[s.index, s.risk, sorted({f.code for f in s.active_flags})]
            for s in risky[:RISKIEST]]
