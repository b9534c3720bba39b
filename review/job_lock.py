"""The per-article job lock: one translation of an article at a time, in any process."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from review.store import ArticleStore

JOB_LOCK_SUFFIX = ".job.lock"  # <store>/.locks/<id>.job.lock, beside the store's <id>.lock


@contextmanager
def job_lock(store: ArticleStore, article_id: str, wait: bool = True,
             timeout: float | None = None) -> Iterator[bool]:
    """Hold ``article_id``'s job lock: one translation of an article at a time, anywhere.

    Yields True once held. With ``wait=False`` (or when ``timeout`` seconds pass) it yields
    False at once if another job holds it: another process (a CLI run, another app server) or
    another thread of this one (the app's job runner, a second batch). ``wait=True`` without
    a timeout waits as long as the other job runs; a holder that dies releases the lock.

    It is separate from the store's write lock ``<id>.lock``, which every write takes for
    milliseconds, so reviewers keep deciding while an article is being translated. Each call
    opens its own lock (not a singleton, not thread-local): flock locks on separate opens
    conflict between the threads of one process just as between processes, whereas a shared
    singleton would let a second thread "re-enter" it. So it is not reentrant: never nest two
    job locks on the same article in one thread.
    """
    from filelock import FileLock, Timeout

    from review.errors import UnknownArticleError
    from review.ingest import safe_id
    from review.store import StoreUnwritableError

    if not article_id or safe_id(str(article_id)) != article_id:
        store.get(str(article_id))  # raises UnknownArticleError naming the store's articles
        raise UnknownArticleError(f"no article {article_id!r} in {store.root}")
    folder = store.root / ".locks"
    lock = FileLock(folder / f"{article_id}{JOB_LOCK_SUFFIX}", thread_local=False,
                    is_singleton=False, preserve_lock_file=True)
    limit = 0 if not wait else (-1 if timeout is None else timeout)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=limit)
        held = True
    except Timeout:  # a TimeoutError, so an OSError: caught first
        held = False
    except OSError as err:
        raise StoreUnwritableError(
            f"cannot write to the store {store.root} ({err.strerror or err}); check that it is "
            "a writable folder, or pass --store DIR") from None
    if not held:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
