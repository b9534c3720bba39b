"""Background jobs in the app: start them, and show their progress on every page.

The runner is one per server process (shared by every tab), so a job keeps going when the
reviewer clicks, navigates or closes the tab.
"""
from __future__ import annotations

import time

import streamlit as st

from review.store import ArticleStore
from review.ui import state
from review.ui.markup import with_code
from review.ui.session import flash, md, settings

SHOW_FINISHED = 120  # seconds a finished job's result stays in the sidebar
POLL = 1.0  # seconds between progress updates while a job runs
BUSY_LABELS = {"translate": "Translating…", "recheck": "Re-checking…"}


@st.cache_resource(show_spinner=False)
def _runner(root: str):
    from review.jobs import JobRunner

    return JobRunner(root)


def runner():
    """The job runner of the store this server works on."""
    return _runner(str(ArticleStore().root.resolve()))


def job_on(article_id: str):
    """The queued or running job that includes the article, if any."""
    return next((v for v in runner().views() if v.unfinished and article_id in v.ids), None)


def start_translation(ids: list[str], announce: bool = False) -> None:
    """Queue a translation job for ``ids`` and re-render the page with its progress.

    A button's callback: its ``st.rerun()`` redraws the whole app, not only the article's
    fragment, so the sidebar shows the job too. The open article's page follows a job that
    includes it (``translate_bar.note``), so it can say when the job failed; ``announce``
    says once that a job without it started.
    """
    from review.errors import ReviewError
    from review.ui.models import allowed_choice

    chosen = settings()
    try:
        mt_model = allowed_choice(chosen["mt_model"], "translation")
        sum_model = allowed_choice(chosen["sum_model"], "summary")
    except ReviewError as err:
        flash("top", "error", str(err))
        st.rerun()
    job = runner().translate(ids, mt_model=mt_model or None, summary=chosen["summary"],
                             sum_model=sum_model or None)
    if announce:
        flash("top", "info", f"{job.label}: running in the background; you can keep "
                             "reviewing.")
    st.rerun()


def start_recheck() -> None:
    job = runner().recheck(None, reason="glossary changed")
    flash("top", "info", f"{job.label}: running in the background.")


def offer_repetitions(article_id: str, index: int) -> None:
    """Offer an approved English to identical pending segments elsewhere, in the background."""
    job = runner().repetitions(article_id, index)
    st.session_state.setdefault(state.REPETITIONS, []).append(job.id)


def announce_repetitions() -> None:
    """Say once, as a toast, how many segments each finished repetition job offered to (or
    took an offer back from); a job that changed nothing says nothing."""
    waiting = st.session_state.get(state.REPETITIONS) or []
    for job_id in list(waiting):
        job = runner().get(job_id)
        if job is None or not job.unfinished:
            waiting.remove(job_id)
        # Only a job that changed other articles is worth a word: most segments have no twin.
        if job is not None and not job.unfinished and job.message and job.result \
                and job.result[1]:
            st.toast(md(f"{job.label}: {job.message}"), icon="🔁")


def panel() -> None:
    """Sidebar: the running job live, else the last finished one for a while.

    Only a translation or a re-check is followed live (a fragment redrawn every POLL seconds
    until the next full run): a repetition job is over in a moment and says what it did in a
    toast, and a page polled for it would redraw while the reviewer works.
    """
    if any(view.unfinished and view.kind != "repetitions" for view in runner().views()):
        live()
        return
    views = runner().views()
    if views and views[0].finished and time.time() - views[0].finished < SHOW_FINISHED:
        finished(views[0])


@st.fragment(run_every=POLL)
def live() -> None:
    job = runner().active()
    # Repetition jobs change other articles only: they need no redraw of the page, which
    # would also drop what the reviewer is typing into an open dialog (the glossary).
    mark = (job.id, job.articles_done) if job and job.kind != "repetitions" else None
    seen = st.session_state.get(state.JOB_SEEN)
    st.session_state[state.JOB_SEEN] = mark
    if seen is not None and mark != seen and not st.session_state.get(state.DIALOG_OPEN):
        st.rerun()  # an article finished, or the job: show what it stored
    if job is None:
        return
    st.progress(job.done / job.total if job.total else 0.0,
                text=md(f"{job.label}: {job.article_title or job.article_id or 'starting'}"))
    st.caption(md(job.message))


def finished(job) -> None:
    if job.errors:  # the errors quote commands: shown as code, not as literal backticks
        st.error(with_code(f"{job.label}: {len(job.errors)} problem(s): "
                           + "; ".join(job.errors)))
    else:
        st.success(md(f"{job.label}: done."))
