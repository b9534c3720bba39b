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
same German pending in other articles (``review.pipeline.offer_repetition``), so a Confirm
does not wait for the store to be searched.
"""
from __future__ import annotations

import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from models.base import ModelUnavailable, one_line
from review.errors import BadInputError, ReviewError
from review.store import ArticleStore

KINDS = ("translate", "recheck", "repetitions")
STATES = ("queued", "running", "done", "failed")
SAVE_EVERY = 8  # segments translated between saves in app jobs
KEEP = 20  # finished jobs remembered for views()


@dataclass(frozen=True)
class JobView:
    """A snapshot of one job, safe to read from any thread.

    ``state`` is "queued", "running", "done" (ran to the end; ``errors`` may still list
    articles that failed) or "failed" (could not run: model unavailable, unreadable glossary;
    or every article in it failed). ``done``/``total`` count the current article's segments
    for a translate job and the job's articles for a re-check. A repetitions job has no
    ``ids`` (it works on whichever articles share the German) and, once done, its
    ``result``: (segments offered, articles changed).
    """
    id: int
    kind: str  # "translate" | "recheck" | "repetitions"
    label: str  # "Translate 3 articles", "Re-check 5 articles (glossary changed)",
    # 'Repetitions of "Title" §3'
    state: str  # "queued" | "running" | "done" | "failed"
    article_id: str | None
    article_title: str | None
    done: int
    total: int
    articles_done: int
    articles_total: int
    message: str  # one line: download, loading, "article 2 of 5: translated 16 of 40 segments"
    errors: tuple[str, ...]
    started: float | None
    finished: float | None
    ids: tuple[str, ...] = ()  # the articles this job works on
    result: tuple[int, int] | None = None  # repetitions: (segments offered, articles changed)

    @property
    def unfinished(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def fraction(self) -> float:
        """Share of the job done, 0..1; never goes down while the job runs."""
        if self.state == "done":
            return 1.0
        if not self.articles_total:
            return 0.0
        current = self.done / self.total if self.kind == "translate" and self.total else 0.0
        articles = self.articles_done + min(current, 1.0)
        return min(articles / self.articles_total, 1.0)


@dataclass
class _Job:
    id: int
    kind: str
    label: str
    ids: list[str]
    params: dict = field(default_factory=dict)
    state: str = "queued"
    article_id: str | None = None
    article_title: str | None = None
    done: int = 0
    total: int = 0
    articles_done: int = 0
    message: str = "Waiting for the jobs before it"
    errors: list[str] = field(default_factory=list)
    started: float | None = None
    finished: float | None = None
    result: tuple[int, int] | None = None

    def view(self) -> JobView:
        return JobView(self.id, self.kind, self.label, self.state, self.article_id,
                       self.article_title, self.done, self.total, self.articles_done,
                       len(self.ids), self.message, tuple(self.errors), self.started,
                       self.finished, tuple(self.ids), self.result)


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
        self._jobs: list[_Job] = []  # oldest first
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
        params = dict(mt_model=mt_model, summary=summary, sum_model=sum_model,
                      engine=None if engine in (None, "", "auto") else engine)
        with self._cond:
            busy = {i: job for job in self._unfinished("translate") for i in job.ids}
            new = [i for i in ids if i not in busy]
            if not new:
                return busy[ids[0]].view()
            label = f"Translate {_count(len(new))}"
            return self._submit("translate", label, new, params)

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
            label = f"Re-check {_count(len(new))}" + (f" ({reason})" if reason else "")
            return self._submit("recheck", label, new, {})

    def repetitions(self, article_id: str, index: int, title: str | None = None) -> JobView:
        """Queue offering segment ``index``'s approved English to the same German pending in
        other articles (``review.pipeline.offer_repetition``); run it after a Confirm, and
        after an undo or reject, which takes the segment's pending offers back
        (``review.pipeline.withdraw_repetition``).

        The job reads the segment when it starts, so an approval undone meanwhile offers
        nothing and takes back what it offered. It lists no ``ids``: no article looks busy because of it. A job for the same
        segment that has not started yet is not queued twice. ``title`` (the article's, for
        the label) is read from the store when not given.
        """
        article_id, index = str(article_id), int(index)
        if title is None:
            title = _Titles(self.store)[article_id]
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

    def _unfinished(self, kind: str) -> list[_Job]:
        return [j for j in self._jobs if j.kind == kind and j.state in ("queued", "running")]

    def _find(self, job_id: int) -> _Job | None:
        return next((j for j in self._jobs if j.id == job_id), None)

    def _submit(self, kind: str, label: str, ids: list[str], params: dict) -> JobView:
        job = _Job(self._next_id, kind, label, ids, params)
        self._next_id += 1
        self._jobs.append(job)
        finished = [j for j in self._jobs if j.state in ("done", "failed")]
        for old in finished[:max(0, len(finished) - self.keep)]:
            self._jobs.remove(old)
        self._cond.notify_all()
        return job.view()

    def _set(self, job: _Job, **changes) -> None:
        with self._cond:
            for name, value in changes.items():
                setattr(job, name, value)
            self._cond.notify_all()

    def _add_error(self, job: _Job, line: str) -> None:
        with self._cond:
            job.errors.append(line)

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
                if job.kind == "translate":
                    state, message = self._translate(job)
                elif job.kind == "repetitions":
                    state, message = self._repetitions(job)
                else:
                    state, message = self._recheck(job)
            except (ReviewError, ModelUnavailable) as err:
                state, message = "failed", str(err)
                self._add_error(job, message)
            except Exception as err:  # the worker must outlive any one job
                state, message = "failed", f"{type(err).__name__}: {one_line(err)}"
                self._add_error(job, message)
            self._set(job, state=state, message=message, finished=time.time(),
                      article_id=None, article_title=None)

    def _translate(self, job: _Job) -> tuple[str, str]:
        from models import hub
        from review.batch import translate_ids

        store = self.store
        ids = self._known(store, job)
        titles = _Titles(store)
        counts = {"translated": 0, "skipped": 0, "failed": 0}
        total = len(ids)
        current = {"number": 0}
        finishing = "checking" + (" and summarizing" if job.params["summary"] != "none" else "")

        def downloading(done: int, size: int, model: str) -> None:
            self._set(job, message=download_message(model, done, size))

        def article(article_id: str, todo: int, number: int, _of: int) -> None:
            current["number"] = number
            self._set(job, article_id=article_id, article_title=titles[article_id], done=0,
                      total=todo, message=f"{_of_n(number, total)}: translating {todo} "
                                          f"segment{'s' if todo != 1 else ''}")

        def segment(done: int, todo: int) -> None:
            step = (f"translated {done} of {todo} segments" if done < todo
                    else f"translated {todo} of {todo} segments; {finishing}")
            self._set(job, done=done, total=todo,
                      message=f"{_of_n(current['number'], total)}: {step}")

        def waiting(article_id: str, number: int, _of: int) -> None:
            self._set(job, article_id=article_id, article_title=titles[article_id], done=0,
                      total=0, message=f"{_of_n(number, total)}: waiting for another run "
                                       "(e.g. the command line) that is translating it")

        def result(res) -> None:
            counts[res.status] = counts.get(res.status, 0) + 1
            if res.status == "failed":
                self._add_error(job, f"{titles[res.id]}: {res.error}")
            with self._cond:
                job.articles_done += 1
                job.done = job.total = 0  # the next article starts from 0
                finished = sum(counts.values())
                job.message = f"{_of_n(finished, total)}: {res.status}"
                self._cond.notify_all()

        self._set(job, articles_done=len(job.ids) - len(ids))  # gone ones count as done
        if ids:
            self._set(job, message="Loading the model…")
            p = job.params
            with hub.download_progress(downloading):
                translate_ids(ids, store=store, mt_model=p["mt_model"], engine=p["engine"],
                              summary=p["summary"], sum_model=p["sum_model"],
                              on_article=article, on_segment=segment, on_result=result,
                              on_wait=waiting, save_every=SAVE_EVERY)
        failed = counts["failed"] + (len(job.ids) - len(ids))
        parts = [f"{counts['translated']} translated"]
        if counts["skipped"]:
            parts.append(f"{counts['skipped']} already done")
        if failed:
            parts.append(f"{failed} failed")
        ok = counts["translated"] + counts["skipped"]
        return ("done" if ok or not failed else "failed"), "Finished: " + ", ".join(parts)

    def _recheck(self, job: _Job) -> tuple[str, str]:
        from review.batch import in_lock_order
        from review.checks import load_glossary
        from review.pipeline import run_checks

        store = self.store
        ids = self._known(store, job)
        titles = _Titles(store)
        total = len(job.ids)
        self._set(job, message="Reading the glossary", total=total,
                  done=len(job.ids) - len(ids), articles_done=len(job.ids) - len(ids))
        glossary = load_glossary(store.glossary_path)
        checked = 0

        def waiting(article_id: str, _number: int) -> None:
            self._set(job, article_id=article_id, article_title=titles[article_id],
                      message=f"{_of_n(job.articles_done + 1, total)}: waiting for another "
                              "run (e.g. the command line) that is translating it")

        with closing(in_lock_order(store, ids, waiting)) as turns:
            for turn in turns:
                number = job.articles_done + 1
                self._set(job, article_id=turn.id, article_title=titles[turn.id],
                          message=f"{_of_n(number, total)}: re-checking")
                try:
                    if turn.error:
                        raise ReviewError(turn.error)
                    article = store.get(turn.id)
                    if any(s.english is not None for s in article.reviewable()):
                        run_checks(store, turn.id, glossary)
                    checked += 1
                except ReviewError as err:
                    self._add_error(job, f"{titles[turn.id]}: {err}")
                except Exception as err:  # one broken article must not stop the others
                    self._add_error(job, f"{titles[turn.id]}: {type(err).__name__}: "
                                         f"{one_line(err)}")
                with self._cond:
                    job.articles_done += 1
                    job.done = job.articles_done
                    self._cond.notify_all()
        failed = total - checked
        message = f"Finished: re-checked {_count(checked)}" + (f", {failed} failed"
                                                               if failed else "")
        return ("done" if checked or not failed else "failed"), message

    def _repetitions(self, job: _Job) -> tuple[str, str]:
        from review.article import APPROVED
        from review.checks import load_glossary
        from review.pipeline import offer_repetition, withdraw_repetition

        article_id, index = job.params["article_id"], job.params["index"]
        self._set(job, article_id=article_id, article_title=_Titles(self.store)[article_id],
                  message=f"Looking for §{index}'s German in other articles")
        glossary = load_glossary(self.store.glossary_path)
        if self.store.get(article_id).segment(index).decision.status not in APPROVED:
            withdrawn, articles = withdraw_repetition(self.store, article_id, index, glossary)
            self._set(job, result=(0, articles))
            return "done", f"Finished: {withdrawn_message(withdrawn, articles)}"
        offered, articles = offer_repetition(self.store, article_id, index, glossary=glossary)
        self._set(job, result=(offered, articles))
        return "done", f"Finished: {offered_message(offered, articles)}"

    def _known(self, store: ArticleStore, job: _Job) -> list[str]:
        """The job's ids still in the store; one error line for each that is gone."""
        known = set(store.ids())
        for article_id in job.ids:
            if article_id not in known:
                self._add_error(job, f"{article_id}: no such article in {store.root} (deleted "
                                     "or moved since the job was queued)")
        return [i for i in job.ids if i in known]


class _Titles(dict):
    """Article titles for messages, read once each; the id when the article is unreadable."""

    def __init__(self, store: ArticleStore):
        super().__init__()
        self.store = store

    def __missing__(self, article_id: str) -> str:
        try:
            title = self.store.get(article_id).title or article_id
        except ReviewError:
            title = article_id
        self[article_id] = title
        return title


def download_message(model: str, done: int, total: int) -> str:
    """"Downloading MODEL: X of Y MB" (decimal megabytes, like the hub's own bars)."""
    if total <= 0:
        return f"Downloading {model}…"
    digits = 1 if total < 10_000_000 else 0
    x, y = f"{done / 1e6:.{digits}f}", f"{total / 1e6:.{digits}f}"
    if done >= total:
        return f"Downloaded {model} ({y} MB); loading the model…"
    return f"Downloading {model}: {x} of {y} MB"


def offered_message(segments: int, articles: int) -> str:
    """"offered to 3 segments in 2 articles": what a repetitions job did."""
    return (f"offered to {segments} segment{'s' if segments != 1 else ''} in "
            f"{_count(articles)}")


def withdrawn_message(segments: int, articles: int) -> str:
    """"took back the offer from 3 segments in 2 articles": an undone approval's job."""
    return (f"took back the offer from {segments} segment{'s' if segments != 1 else ''} in "
            f"{_count(articles)}")


def _unique(ids, what: str, empty_ok: bool = False) -> list[str]:
    if isinstance(ids, str):
        ids = [ids]
    ids = list(dict.fromkeys(str(i) for i in ids or []))
    if not ids and not empty_ok:
        raise BadInputError(f"nothing to {what}: choose one or more articles first")
    return ids


def _count(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def _of_n(number: int, total: int) -> str:
    return f"article {number} of {total}"


__all__ = ["JobRunner", "JobView", "KINDS", "STATES", "SAVE_EVERY", "download_message",
           "offered_message"]
