"""The review store: one JSON file per article, written atomically under a per-article lock.

Every change is a locked read-modify-write of the file (``update``), so any number of tabs,
app instances and CLI runs can decide at once without losing each other's work. A file that
cannot be read is reported by name and never written over.

Adding is linear in the number of articles: each store object keeps a content hash -> id map,
filled once from the listing index (``review.listing``) and then kept current from
``.index/added.log``, a line per article added, appended under the ``_add`` lock by every
process. The log and the index are leads, never the truth: a duplicate is refused only once
the named article's own file holds that hash. When the log is missing, rewritten or not a
regular file, the map is rebuilt from the index; when a lead proves wrong, from the article
files themselves.
"""
from __future__ import annotations

import errno
import fnmatch
import json
import os
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from review import article_file, decisions
from review.article import Article, now
from review.store_files import StoreFiles, look, open_regular
from review.errors import (BadInputError, CorruptArticleError, DuplicateArticleError,
                           ReviewError, UnknownArticleError)

DEFAULT_ROOT = "reviews"
ADDED_LOG = ".index/added.log"  # one JSON line {"id", "hash"} per added article
TEMP_PATTERN = ".*.json.*.tmp"  # review.atomic's temp file beside <id>.json
LOCK_TIMEOUT = 30.0  # seconds; a write takes milliseconds, so this only trips on a hung writer


class LockTimeoutError(ReviewError):
    exit_code = 1


class StoreUnwritableError(ReviewError):
    """The store folder cannot be created or written (permissions, a file in the way...)."""


class ArticleStore:
    """Articles as ``<root>/<id>.json``; locks in ``<root>/.locks/<id>.lock``."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root or os.environ.get("REVIEW_STORE") or DEFAULT_ROOT)
        # content hash -> id of every readable article (an article's text never changes);
        # None until the first add or id_of fills it. _log_at: (dev, inode) of ADDED_LOG and
        # the offset read up to when the map was last brought up to date.
        self._by_hash: dict[str, str] | None = None
        self._log_at: tuple[tuple[int, int] | None, int] = (None, 0)
        # content hash -> id of a stored article whose older-style hash (review.ingest's
        # legacy_content_hash) matched text added later: lets id_of find it by the new hash.
        self._aliases: dict[str, str] = {}

    @property
    def glossary_path(self) -> Path:
        return self.root / "glossary.csv"

    def path(self, article_id: str) -> Path:
        return self.root / f"{article_id}.json"

    def ids(self) -> list[str]:
        """Ids of all article files (readable or not), sorted."""
        return self.files().ids

    def files(self) -> StoreFiles:
        """One look at the store folder (``review.store_files``); empty when it is missing."""
        return look(self.root) or StoreFiles()

    def get(self, article_id: str) -> Article:
        """The stored article; UnknownArticleError or CorruptArticleError naming the file."""
        return self.read(article_id)[0]

    def view(self, article_id: str) -> Article:
        """``get`` for readers: the same object, parsed once, while the file's bytes stay the
        same. Never change it (``get`` gives one's own copy): the page, the jobs share it."""
        return self.read(article_id, shared=True)[0]

    def read(self, article_id: str, shared: bool = False) -> tuple[Article, os.stat_result]:
        """``get`` (``view`` when ``shared``), plus the stat of the very file version that was
        read (for the listing index: a write replaces the file, so the stat of the open file
        matches its content)."""
        path = self.existing_path(article_id)
        try:
            with open(path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                raw = handle.read()
                known = article_file.shared(path, raw) if shared else None
                if known is not None:
                    return known, stat
                data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            raise CorruptArticleError(f"{path}: unreadable ({article_file.reason(err)}); it is left "
                                      "untouched: fix it or move it out of the store") from None
        article = article_file.parse(data, path, article_id,
                                     validated=article_file.validated(path, raw))
        article_file.remember(path, raw)
        if shared:
            article_file.share(path, raw, article)
        return article, stat

    def title(self, article_id: str) -> str:
        """The article's title from the head of its file (``article_json`` writes it second),
        without reading the rest; the whole file is read only when the head is not so."""
        title = article_file.head_title(self.existing_path(article_id), article_id)
        return title if title is not None else self.get(article_id).title

    def scan(self) -> tuple[list[Article], list[str]]:
        """All readable articles, plus one line per file that could not be read."""
        try:
            self.clean_temp_files()
        except OSError:
            pass  # a read-only store can still be scanned; temp files are ignored anyway
        articles, problems = [], []
        for article_id in self.ids():
            try:
                articles.append(self.get(article_id))
            except (CorruptArticleError, UnknownArticleError) as err:
                problems.append(str(err))
        return articles, problems

    def id_of(self, digest: str) -> str | None:
        """The id of the stored article with content hash ``digest``, if any."""
        if not self.root.is_dir():
            return None
        with self._lock("_add"):
            return self._find_hash(digest)

    def add(self, article: Article) -> Article:
        """Store a new article; DuplicateArticleError when the same text is already stored.

        An id already taken by different text gets a suffix, so nothing is ever replaced.
        Costs the same whatever the size of the store, after the first add of a store object
        (which reads the listing index: one stat per article file).
        """
        with self._lock("_add"):
            duplicate = self._find_hash(article.content_hash) or self._find_older(article)
            if duplicate:
                raise DuplicateArticleError(
                    f"{article.source_path or article.id}: duplicate of {duplicate}")
            article.id = self._free_id(article.id, article.content_hash)
            # Logged before the file is written: a crash in between leaves a line naming a
            # missing file, which _find_hash checks, never an article other processes miss.
            self._log_added(article.id, article.content_hash)
            with self._lock(article.id):
                self._write(article)
        return article

    def update(self, article_id: str, fn: Callable[[Article], None]) -> Article:
        """Locked read-modify-write: ``fn`` mutates the article, which is then saved atomically.

        If ``fn`` raises, nothing is written.
        """
        with self._lock(article_id):
            article = self.get(article_id)
            fn(article)
            article.revision += 1
            article.updated = now()
            self._write(article)
        return article

    def decide(self, article_id: str, target: int | str, action: str, reviewer: str,
               text: str | None = None, expected_revision: int | None = None,
               on_change: Callable[[Article, int | str], None] | None = None) -> Article:
        """Record a reviewer's decision on a segment (``Segment.index``) or ``"summary"``."""
        decisions.check_decision_args(action, reviewer, text)

        def apply(article: Article) -> None:
            decisions.decide(article, target, action, reviewer.strip(), text, expected_revision)
            if on_change:
                on_change(article, target)

        return self.update(article_id, apply)

    def undo(self, article_id: str, target: int | str, reviewer: str,
             expected_revision: int | None = None,
             on_change: Callable[[Article, int | str], None] | None = None) -> Article:
        """Revert the last decision on a segment or ``"summary"`` not undone yet.

        Repeated undos walk back through earlier decisions. The undo is recorded in the
        history and bumps the decision's revision, so tabs that saw the undone one are stale.
        NothingToUndoError when no decision is left to revert.
        """
        decisions.check_reviewer(reviewer)

        def apply(article: Article) -> None:
            decisions.undo(article, target, reviewer.strip(), expected_revision)
            if on_change:
                on_change(article, target)

        return self.update(article_id, apply)

    def verdict(self, article_id: str, k: int, verdict: str, reviewer: str,
                note: str | None = None, expected_revision: int | None = None) -> Article:
        """Record a reviewer's verdict (and note) on summary sentence ``k``."""
        return self.update(article_id, lambda article: decisions.set_verdict(
            article, k, verdict, reviewer, note=note, expected_revision=expected_revision))

    def dismiss(self, article_id: str, index: int, code: str, detail: str,
                reviewer: str) -> Article:
        """Record that the flag (code, detail) on segment ``index`` is a false alarm.

        The segment's risk is recomputed without it; dismissing a flag twice keeps the first
        dismissal. The decision and the history are left alone.
        """
        decisions.check_reviewer(reviewer)
        return self.update(article_id, lambda article: decisions.dismiss(
            article, index, code, detail, reviewer.strip()))

    def restore_flag(self, article_id: str, index: int, code: str, detail: str,
                     reviewer: str) -> Article:
        """Take back the dismissal of the flag (code, detail) on segment ``index``."""
        decisions.check_reviewer(reviewer)
        return self.update(article_id, lambda article: decisions.restore_flag(
            article, index, code, detail))

    def clean_temp_files(self, candidates: list[Path] | None = None) -> list[Path]:
        """Delete temp files left by killed writers (among ``candidates``, found by the
        caller's own listing of the folder; by default all in the store folder).

        A writer holds the article's lock for as long as its temp file exists, so a temp file
        whose lock we can take belongs to a writer that died.
        """
        removed: list[Path] = []
        if candidates is None:
            if not self.root.is_dir():
                return removed
            candidates = list(self.root.glob(TEMP_PATTERN))
        for temp in candidates:
            if not fnmatch.fnmatchcase(temp.name, TEMP_PATTERN):
                continue
            article_id = temp.name[1:].split(".json.", 1)[0]
            with self._lock(article_id, timeout=0, quiet=True) as held:
                if held:
                    temp.unlink(missing_ok=True)
                    removed.append(temp)
        return removed

    # -- internals -------------------------------------------------------------------------

    def existing_path(self, article_id: str) -> Path:
        """The file of a stored article; UnknownArticleError naming some known ids."""
        path = self.path(str(article_id))
        if not _is_safe(str(article_id)) or not path.is_file():
            known = ", ".join(self.ids()[:5]) or "none yet"
            raise UnknownArticleError(f"no article {article_id!r} in {self.root} (known: "
                                      f"{known}); see: python -m review status")
        return path

    def _find_hash(self, digest: str) -> str | None:
        """The id holding text with hash ``digest``, as its own file says; call under the
        ``_add`` lock. The map is only a lead: a stale or forged one is rebuilt from the files."""
        self._sync_hashes()
        found = self._by_hash.get(digest) or self._aliases.get(digest)
        if found is None or self._holds(found, digest):
            return found
        self._aliases.pop(digest, None)
        self._sync_hashes(full=True)  # removed by hand, its writer crashed, or the index lied
        found = self._by_hash.get(digest)
        return found if found is not None and self._holds(found, digest) else None

    def _find_older(self, article: Article) -> str | None:
        """The id holding the article's text under a hash an earlier version of content_hash
        gave it (review.ingest.previous_hashes), remembered under today's hash for id_of."""
        from review.ingest import previous_hashes

        for digest in previous_hashes(article.text):
            found = self._find_hash(digest)
            if found:
                self._aliases[article.content_hash] = found
                return found
        return None

    def _holds(self, article_id: str, digest: str) -> bool:
        """Whether ``article_id`` is stored, readable, with text of hash ``digest``."""
        from review.ingest import content_hash

        try:
            article = self.get(article_id)
            return digest in (article.content_hash, content_hash(article.text))
        except ReviewError:
            return False

    def _sync_hashes(self, full: bool = False) -> None:
        """Bring the hash map up to date with every add so far, by any process.

        Every add appends to ADDED_LOG under the ``_add`` lock we hold, so the log's lines past
        our offset are exactly the articles added since we last looked. Without a map, or when
        the log was replaced, truncated or garbled, or is no regular file, the map is rebuilt
        from the listing index; with ``full``, from the article files themselves.
        """
        where, size = None, 0
        log = open_regular(self.root / ADDED_LOG)  # a FIFO or link there: as if missing
        with log or nullcontext():
            if log is not None:
                stat = os.fstat(log.fileno())
                where, size = (stat.st_dev, stat.st_ino), stat.st_size
            known, offset = self._log_at
            if not full and self._by_hash is not None and where == known and size >= offset:
                if size == offset or self._read_log(log, offset):
                    return
        from review import listing

        by_hash: dict[str, str] = {}
        for summary in listing.summaries(self, reread=full)[0]:  # by id: the first id wins
            by_hash.setdefault(summary.content_hash, summary.id)
        self._by_hash, self._log_at = by_hash, (where, size)

    def _read_log(self, log: BinaryIO, offset: int) -> bool:
        """Add the open log's complete lines from ``offset`` to the map; False if unreadable."""
        try:
            log.seek(offset)
            tail = log.read()
            end = tail.rfind(b"\n") + 1
            added = [json.loads(line) for line in tail[:end].splitlines() if line.strip()]
            pairs = [(str(item["hash"]), str(item["id"])) for item in added]
        except (OSError, ValueError, TypeError, KeyError):
            return False
        for digest, article_id in pairs:
            self._by_hash.setdefault(digest, article_id)
        self._log_at = (self._log_at[0], offset + end)
        return True

    def _log_added(self, article_id: str, digest: str) -> None:
        """Append the new article to ADDED_LOG and to the map; call under the ``_add`` lock."""
        log = self.root / ADDED_LOG
        line = json.dumps({"id": article_id, "hash": digest}, ensure_ascii=False) + "\n"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with _open_log(log) as handle:
                start = handle.tell()
                handle.write(line.encode("utf-8"))
                handle.flush()
                stat = os.fstat(handle.fileno())
        except OSError as err:
            raise self._unwritable(err) from None
        self._by_hash.setdefault(digest, article_id)
        known, offset = self._log_at
        here = (stat.st_dev, stat.st_ino)
        if start == offset and known in (None, here):  # only our line is new (or the log is)
            self._log_at = (here, stat.st_size)
        else:
            self._log_at = (None, -1)  # not the log we followed: rebuild the map next time

    def _free_id(self, article_id: str, digest: str) -> str:
        if not _is_safe(article_id):
            raise BadInputError(f"article id {article_id!r} is not a safe file name; use "
                                "letters, digits, '_' and '-'")
        candidate, n = article_id, 1
        if self.path(candidate).exists():
            candidate = f"{article_id}-{digest.split(':')[-1][:8]}"
        while self.path(candidate).exists():
            n += 1
            candidate = f"{article_id}-{n}"
        return candidate

    def _write(self, article: Article) -> None:
        from review.atomic import write_atomic

        data = article_file.article_json(article).encode("utf-8")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path(article.id), data)
        except OSError as err:
            raise self._unwritable(err) from None
        # Made here from an Article, so it reads back as one: its next reading (the page's,
        # right after a decision) need not validate it again.
        article_file.remember(self.path(article.id), data)

    def _unwritable(self, err: OSError) -> StoreUnwritableError:
        reason = err.strerror or str(err)
        return StoreUnwritableError(f"cannot write to the store {self.root} ({reason}); check "
                                    "that it is a writable folder, or pass --store DIR")

    @contextmanager
    def _lock(self, name: str, timeout: float = LOCK_TIMEOUT,
              quiet: bool = False) -> Iterator[bool]:
        from filelock import FileLock, Timeout

        folder = self.root / ".locks"
        lock = FileLock(folder / f"{name}.lock", timeout=timeout)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            if quiet:
                yield False
                return
            raise LockTimeoutError(f"{self.root}: {name} is locked by another writer for over "
                                   f"{timeout:.0f}s; try again in a moment") from None
        except OSError as err:
            if quiet:
                yield False
                return
            raise self._unwritable(err) from None
        try:
            yield True
        finally:
            lock.release()


def _open_log(log: Path) -> BinaryIO:
    """ADDED_LOG opened for appending. Anything but a regular file in its place (a FIFO, a
    link) is removed first: the log is derived, and readers rebuild their maps when it is new.
    OSError when that cannot be done (a folder there)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    handle = open_regular(log, flags)
    if handle is None:
        try:
            log.unlink(missing_ok=True)
        except OSError:
            pass  # a folder: said below
        handle = open_regular(log, flags)
    if handle is None:
        raise OSError(errno.EEXIST, f"{log} is not a regular file; remove it")
    return handle


def _is_safe(article_id: str) -> bool:
    from review.ingest import safe_id

    return bool(article_id) and safe_id(article_id) == article_id
