"""Background jobs for the app: translate, re-check, offer repetitions, in one worker thread.

A ``JobRunner`` runs jobs one after another in a plain daemon thread (the models are CPU-bound,
so two at once would only halve each other's speed). Nothing here belongs to a browser session:
a job keeps going when the tab that started it closes or reruns, and any session can follow it
through ``active()`` and ``views()``, which return frozen snapshots (``JobView``). The app keeps
one runner per server process (``st.cache_resource``); there is no Streamlit import here.

Every article is translated under its job lock, like the CLI's, so the app and a
``python -m review translate`` on the same store never translate an article twice: an article
a CLI run is working on is awaited, then skipped if that run finished it. App jobs save after
every ``SAVE_EVERY`` segments, so a server that dies loses at most that many per article.

A repetitions job (``JobRunner.repetitions``) offers a just-approved segment's English to the
same German pending in other articles (``review.repetitions.offer_repetition``), so a Confirm
does not wait for the store to be searched.

This module queues jobs and runs them; what each kind does, and the job record behind a
``JobView``, are in ``review.job_kinds``.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from models.base import ModelUnavailable, one_line
from review.errors import BadInputError, ReviewError
from review.job_kinds import (KINDS, SAVE_EVERY, STATES, Job, JobView, Titles, count,
                              download_message, offered_message, run_job)
from review.run_options import TranslateOptions
from review.store import ArticleStore

KEEP = 20  # finished jobs remembered for views()


class JobRunner:
    """Queue of translate, re-check and repetitions jobs on one store, run by one daemon
    worker thread."""

    def __init__(self, store_root: str | Path | ArticleStore | None = None, keep: int = KEEP):
        # A folder (None: REVIEW_STORE or ./reviews, as the CLI), or a store to use as it is.
        self.store = store_root if isinstance(store_root, ArticleStore) \
            else ArticleStore(store_root)
        self.store_root = self.store.root
        self.keep = keep
        self._cond = threading.Condition()
        self._jobs: list[Job] = []  # oldest first
        self._next_id = 1
        self._closed = False
        self._worker = threading.Thread(target=self._work, name="review-jobs", daemon=True)
        self._worker.start()

    # -- submitting ------------------------------------------------------------------------

    def translate(self, ids, mt_model: str | None, summary: str, sum_model: str | None = None,
                  engine: str | None = None) -> JobView:
        """Queue translating, checking and summarizing ``ids`` (finished ones are skipped).

        Ids already in an unfinished translate job are not queued again; when all are, the
        view of the job that has the first of them comes back instead of a new job.
        """
        from review.pipeline import SUMMARY_METHODS

        if summary not in SUMMARY_METHODS:
            raise BadInputError(f"summary {summary!r}: choose one of "
                                f"{', '.join(SUMMARY_METHODS)}")
        ids = _unique(ids, "translate")
        options = TranslateOptions(store=self.store, mt_model=mt_model, summary=summary,
                                   sum_model=sum_model, save_every=SAVE_EVERY,
                                   engine=None if engine in (None, "", "auto") else engine)
        with self._cond:
            busy = {i: job for job in self._unfinished("translate") for i in job.ids}
            new = [i for i in ids if i not in busy]
            if not new:
                return busy[ids[0]].view()
            label = f"Translate {count(len(new))}"
            return self._submit("translate", label, new, {"options": options})

    def recheck(self, ids=None, reason: str | None = None) -> JobView:
        """Queue re-running the checks, with the store's glossary as it is when the job starts.

        ``ids`` None means every article in the store now (none: a job that finishes at once,
        so saving a glossary in an empty store needs no special case). Ids already in a
        re-check job that has not started yet are not queued again (that job reads the glossary
        when it starts); a running one may have read an older glossary, so they are queued again.
        ``reason`` ends the label: "Re-check 5 articles (glossary changed)".
        """
        ids = _unique(self.store.ids() if ids is None else ids, "re-check", empty_ok=True)
        with self._cond:
            queued = {i: job for job in self._unfinished("recheck") if job.state == "queued"
                      for i in job.ids}
            new = [i for i in ids if i not in queued]
            if ids and not new:
                return queued[ids[0]].view()
            label = f"Re-check {count(len(new))}" + (f" ({reason})" if reason else "")
            return self._submit("recheck", label, new, {})

    def repetitions(self, article_id: str, index: int, title: str | None = None) -> JobView:
        """Queue offering segment ``index``'s approved English to the same German pending in
        other articles (``review.repetitions.offer_repetition``); run it after a Confirm, and
        after an undo or reject, which takes the segment's pending offers back
        (``review.repetitions.withdraw_repetition``).

        The job reads the segment when it starts, so an approval undone meanwhile offers
        nothing and takes back what it offered. It lists no ``ids``: no article looks busy
        because of it. A job for the same segment that has not started yet is not queued
        twice. ``title`` (the article's, for the label) is read from the store when not given.
        """
        article_id, index = str(article_id), int(index)
        if title is None:
            title = Titles(self.store)[article_id]
        params = {"article_id": article_id, "index": index}
        with self._cond:
            for job in self._unfinished("repetitions"):
                if job.state == "queued" and job.params == params:
                    return job.view()
            return self._submit("repetitions", f"Repetitions of \"{title}\" §{index}", [],
                                params)

    # -- following -------------------------------------------------------------------------

    def active(self) -> JobView | None:
        """The running job, else the first queued one, else None."""
        with self._cond:
            for state in ("running", "queued"):
                for job in self._jobs:
                    if job.state == state:
                        return job.view()
        return None

    def views(self) -> list[JobView]:
        """Recent jobs, newest first: every unfinished one and the last finished ones."""
        with self._cond:
            return [job.view() for job in reversed(self._jobs)]

    def get(self, job_id: int) -> JobView | None:
        """One job's view, while it is remembered."""
        with self._cond:
            job = self._find(job_id)
            return job.view() if job else None

    def busy_ids(self) -> set[str]:
        """Ids of articles in queued or running jobs."""
        with self._cond:
            return {i for job in self._jobs if job.state in ("queued", "running")
                    for i in job.ids}

    def wait(self, job_id: int, timeout: float | None = None) -> JobView | None:
        """Block until the job is done or failed (or ``timeout`` passes); its view."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                job = self._find(job_id)
                if job is None or job.state in ("done", "failed"):
                    return job.view() if job else None
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return job.view()
                self._cond.wait(left)

    def close(self, timeout: float | None = None) -> None:
        """Stop taking queued jobs; the running one finishes first. For tests and shutdown."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._worker.join(timeout)

    # -- internals -------------------------------------------------------------------------

    def _unfinished(self, kind: str) -> list[Job]:
        return [j for j in self._jobs if j.kind == kind and j.state in ("queued", "running")]

    def _find(self, job_id: int) -> Job | None:
        return next((j for j in self._jobs if j.id == job_id), None)

    def _submit(self, kind: str, label: str, ids: list[str], params: dict) -> JobView:
        job = Job(self._next_id, kind, label, ids, self._cond, params)
        self._next_id += 1
        self._jobs.append(job)
        finished = [j for j in self._jobs if j.state in ("done", "failed")]
        for old in finished[:max(0, len(finished) - self.keep)]:
            self._jobs.remove(old)
        self._cond.notify_all()
        return job.view()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not any(j.state == "queued" for j in self._jobs):
                    self._cond.wait()
                if self._closed:
                    return
                job = next(j for j in self._jobs if j.state == "queued")
                job.state, job.started, job.message = "running", time.time(), "Starting…"
            try:
                state, message = run_job(self.store, job)
            except (ReviewError, ModelUnavailable) as err:
                state, message = "failed", str(err)
                job.add_error(message)
            except Exception as err:  # the worker must outlive any one job
                state, message = "failed", f"{type(err).__name__}: {one_line(err)}"
                job.add_error(message)
            job.set(state=state, message=message, finished=time.time(), article_id=None,
                    article_title=None)


def _unique(ids, what: str, empty_ok: bool = False) -> list[str]:
    if isinstance(ids, str):
        ids = [ids]
    ids = list(dict.fromkeys(str(i) for i in ids or []))
    if not ids and not empty_ok:
        raise BadInputError(f"nothing to {what}: choose one or more articles first")
    return ids


__all__ = ["JobRunner", "JobView", "KINDS", "STATES", "SAVE_EVERY", "download_message",
           "offered_message"]
