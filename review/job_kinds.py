"""What the app's background jobs are and do: the job record and its snapshot (``JobView``),
and the work of each kind (translate, re-check, repetitions), which ``review.jobs.JobRunner``
runs one after another in its worker thread.

A translate job is a translate run (``review.batch.run_ids``) with the options the runner
built when it was queued; the job follows it as a ``RunObserver`` that turns each report into
the job's fields and its one-line message.
"""
from __future__ import annotations

import threading
import time
from contextlib import closing
from dataclasses import dataclass, field

from models.base import one_line
from review.errors import ReviewError
from review.pipeline import ArticleResult, store_memory
from review.run_options import RunObserver
from review.store import ArticleStore

KINDS = ("translate", "recheck", "repetitions")
STATES = ("queued", "running", "done", "failed")
SAVE_EVERY = 8  # segments translated between saves in app jobs
REPETITIONS_AFTER_S = 1.0  # a repetition job waits for the deciding page to draw first


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
class Job:
    """One job as the runner keeps it; changed only under ``cond``, the runner's condition,
    which ``set`` and ``add_error`` take (and notify, so waiting readers wake)."""
    id: int
    kind: str
    label: str
    ids: list[str]
    cond: threading.Condition = field(repr=False, compare=False)
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

    def set(self, **changes) -> None:
        with self.cond:
            for name, value in changes.items():
                setattr(self, name, value)
            self.cond.notify_all()

    def add_error(self, line: str) -> None:
        with self.cond:
            self.errors.append(line)


def run_job(store: ArticleStore, job: Job) -> tuple[str, str]:
    """Do the job's work; its final (state, message)."""
    if job.kind == "translate":
        return _translate(store, job)
    if job.kind == "repetitions":
        return _repetitions(store, job)
    return _recheck(store, job)


class _TranslateProgress(RunObserver):
    """A translate job following its run: the current article, its segments, the counts."""

    def __init__(self, job: Job, titles: Titles, total: int):
        self.job, self.titles, self.total = job, titles, total
        self.number = 0
        self.counts = {"translated": 0, "skipped": 0, "failed": 0}
        summary = job.params["options"].summary
        self.finishing = "checking" + (" and summarizing" if summary != "none" else "")

    def downloading(self, done: int, size: int, model: str) -> None:
        """A ``models.hub.download_progress`` listener: the model download, in megabytes."""
        self.job.set(message=download_message(model, done, size))

    def article_waiting(self, article_id: str, number: int, total: int) -> None:
        self.job.set(article_id=article_id, article_title=self.titles[article_id], done=0,
                     total=0, message=f"{_of_n(number, total)}: waiting for another run "
                                      "(e.g. the command line) that is translating it")

    def article_started(self, article_id: str, todo: int, number: int, total: int) -> None:
        self.number = number
        # None to translate: a job stopped before its checks left them (or the summary).
        step = f"translating {todo} segment{'s' if todo != 1 else ''}" if todo \
            else self.finishing
        self.job.set(article_id=article_id, article_title=self.titles[article_id], done=0,
                     total=todo, message=f"{_of_n(number, total)}: {step}")

    def segments_done(self, article_id: str, done: int, total: int) -> None:
        step = (f"translated {done} of {total} segments" if done < total
                else f"translated {total} of {total} segments; {self.finishing}")
        self.job.set(done=done, total=total,
                     message=f"{_of_n(self.number, self.total)}: {step}")

    def article_finished(self, result: ArticleResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if result.status == "failed":
            self.job.add_error(f"{self.titles[result.id]}: {result.error}")
        finished = sum(self.counts.values())
        # The next article starts from 0.
        self.job.set(articles_done=self.job.articles_done + 1, done=0, total=0,
                     message=f"{_of_n(finished, self.total)}: {result.status}")

    def outcome(self, gone: int) -> tuple[str, str]:
        """The job's final (state, message); ``gone``: its articles no longer in the store."""
        failed = self.counts["failed"] + gone
        parts = [f"{self.counts['translated']} translated"]
        if self.counts["skipped"]:
            parts.append(f"{self.counts['skipped']} already done")
        if failed:
            parts.append(f"{failed} failed")
        ok = self.counts["translated"] + self.counts["skipped"]
        return ("done" if ok or not failed else "failed"), "Finished: " + ", ".join(parts)


def _translate(store: ArticleStore, job: Job) -> tuple[str, str]:
    from models import hub
    from review.batch import run_ids

    ids = known(store, job)
    gone = len(job.ids) - len(ids)
    progress = _TranslateProgress(job, Titles(store), len(ids))
    job.set(articles_done=gone)  # gone ones count as done
    if ids:
        job.set(message="Loading the model…")
        # Downloads are the job's own to show: the CLI leaves them to the hub's bars.
        with hub.download_progress(progress.downloading):
            run_ids(ids, job.params["options"], progress)
    return progress.outcome(gone)


def _recheck(store: ArticleStore, job: Job) -> tuple[str, str]:
    from review.batch import in_lock_order
    from review.checks import load_glossary

    ids = known(store, job)
    titles = Titles(store)
    total = len(job.ids)
    job.set(message="Reading the glossary", total=total, done=len(job.ids) - len(ids),
            articles_done=len(job.ids) - len(ids))
    glossary = load_glossary(store.glossary_path)
    # Built once: re-checking changes no approval, and rebuilding it after each article's
    # write would read the whole store again for every article. One that cannot be read is
    # left to each article's re-check to report.
    try:
        memory = store_memory(store)
    except ReviewError:
        memory = None
    checked = 0

    def waiting(article_id: str, _number: int) -> None:
        job.set(article_id=article_id, article_title=titles[article_id],
                message=f"{_of_n(job.articles_done + 1, total)}: waiting for another run "
                        "(e.g. the command line) that is translating it")

    with closing(in_lock_order(store, ids, waiting)) as turns:
        for turn in turns:
            job.set(article_id=turn.id, article_title=titles[turn.id],
                    message=f"{_of_n(job.articles_done + 1, total)}: re-checking")
            error = _recheck_turn(store, turn, glossary, memory)
            if error:
                job.add_error(f"{titles[turn.id]}: {error}")
            else:
                checked += 1
            job.set(articles_done=job.articles_done + 1, done=job.articles_done + 1)
    failed = total - checked
    message = f"Finished: re-checked {count(checked)}" + (f", {failed} failed"
                                                          if failed else "")
    return ("done" if checked or not failed else "failed"), message


def _recheck_turn(store: ArticleStore, turn, glossary, memory) -> str | None:
    """Re-check one article whose job lock is held against ``glossary`` and ``memory``; why
    it failed, or None."""
    from review.pipeline import run_checks

    try:
        if turn.error:
            raise ReviewError(turn.error)
        if any(s.english is not None for s in store.view(turn.id).reviewable()):
            run_checks(store, turn.id, glossary, memory)
    except ReviewError as err:
        return str(err)
    except Exception as err:  # one broken article must not stop the others
        return f"{type(err).__name__}: {one_line(err)}"
    return None


def _repetitions(store: ArticleStore, job: Job) -> tuple[str, str]:
    from review.article import APPROVED
    from review.checks import load_glossary
    from review.repetitions import offer_repetition, withdraw_repetition

    article_id, index = job.params["article_id"], job.params["index"]
    job.set(article_id=article_id, article_title=Titles(store)[article_id],
            message=f"Looking for §{index}'s German in other articles")
    # Started by a decision: the page that made it draws its next segment first (this job
    # reads every candidate article, and in one process it would slow that page down).
    time.sleep(REPETITIONS_AFTER_S)
    glossary = load_glossary(store.glossary_path)
    seg = store.view(article_id).segment(index)
    if seg.decision.status not in APPROVED:
        withdrawn, articles = withdraw_repetition(store, article_id, index, glossary)
        job.set(result=(0, articles))
        return "done", f"Finished: {withdrawn_message(withdrawn, articles)}"
    offered, articles = offer_repetition(store, article_id, index, glossary=glossary, seg=seg)
    job.set(result=(offered, articles))
    return "done", f"Finished: {offered_message(offered, articles)}"


def known(store: ArticleStore, job: Job) -> list[str]:
    """The job's ids still in the store; one error line for each that is gone."""
    present = set(store.ids())
    for article_id in job.ids:
        if article_id not in present:
            job.add_error(f"{article_id}: no such article in {store.root} (deleted or moved "
                          "since the job was queued)")
    return [i for i in job.ids if i in present]


class Titles(dict):
    """Article titles for messages, read once each; the id when the article is unreadable."""

    def __init__(self, store: ArticleStore):
        super().__init__()
        self.store = store

    def __missing__(self, article_id: str) -> str:
        try:
            title = self.store.title(article_id) or article_id  # the file's head only
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
            f"{count(articles)}")


def withdrawn_message(segments: int, articles: int) -> str:
    """"took back the offer from 3 segments in 2 articles": an undone approval's job."""
    return (f"took back the offer from {segments} segment{'s' if segments != 1 else ''} in "
            f"{count(articles)}")


def count(n: int) -> str:
    """"1 article", "3 articles"."""
    return f"{n} article{'s' if n != 1 else ''}"


def _of_n(number: int, total: int) -> str:
    return f"article {number} of {total}"
