"""The article's Translate buttons, and the one line under the toolbar that says why they are
off (no translation model to be had) or how the article's last translation went.

Translate is on while the article has any work a translate run does (``review.remaining``):
segments to translate, and also checks, the summary or second opinions a stopped job left
undone; then it is labelled "Finish (…)" and its job translates nothing again.

The model is looked for on disk only (``models.unavailable``), once per CHECK_EVERY seconds
per model, so a rerun never loads or downloads one. An article whose every segment to
translate has an exact translation memory match needs no model, and keeps its Translate.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from review.article import Article
from review.errors import ReviewError
from review.remaining import Remaining
from review.store import ArticleStore
from review.ui import jobs_panel
from review.ui.markup import with_code
from review.ui.models import unavailable
from review.ui.session import md, settings

CHECK_EVERY = 30  # seconds a model's answer is kept: a pulled model shows up soon after


@dataclass(frozen=True)
class Blocked:
    """What the missing model turns off, and why (``problem``: one line naming the fix)."""
    problem: str | None = None
    this_article: bool = False  # its Translate: it has segments the memory cannot fill
    all_waiting: bool = False  # Translate all


@st.cache_data(ttl=CHECK_EVERY, max_entries=32, show_spinner=False)
def _problem(name: str, offline: bool) -> str | None:
    # ``offline`` (HF_HUB_OFFLINE) is part of the key only: the answer changes with it.
    return unavailable(name)


def model_problem(mt_model: str) -> str | None:
    """Why the translation model ``mt_model`` (empty: the configured one) cannot be had."""
    from models import hub, registry
    from models.base import ModelUnavailable

    name = registry.mt_model_id(mt_model or None)
    try:
        hub.check_name(name, "translation", "the translation model box")
    except ModelUnavailable as err:  # too long to look for: never handed to the file system
        return str(err)
    return _problem(name, hub.offline())


def second_configured() -> bool:
    """Whether app jobs give second opinions (env REVIEW_SECOND_MODEL names a model)."""
    from models import registry

    return registry.second_model_id() is not None


def work_left(remaining: Remaining) -> tuple[str, ...]:
    """What a translate job would still do for an article (``Remaining.left``), with the
    app's summary method and second model."""
    return remaining.left(settings()["summary"], second_configured())


@dataclass(frozen=True)
class Waiting:
    """The articles Translate all works on (``ids``: work left), and which of them have
    segments to translate (``untranslated``: only those need the model)."""
    ids: tuple[str, ...] = ()
    untranslated: frozenset[str] = frozenset()


def waiting(summaries, summary: str) -> Waiting:
    """What Translate all works on, from ``summaries`` (the listing's ``ArticleSummary`` rows)
    with ``summary`` and the configured second model."""
    second = second_configured()
    return Waiting(tuple(s.id for s in summaries if not s.is_done(summary, second)),
                   frozenset(s.id for s in summaries if s.untranslated))


def needs_model(article: Article) -> bool:
    """Whether translating the article needs the model: the translation memory has no exact
    match for some segment still to translate."""
    from review.pipeline import memory_matches, store_memory, todo_segments

    todo = todo_segments(article)
    if not todo:
        return False
    try:
        memory = store_memory(ArticleStore())
    except ReviewError:
        return True  # an unreadable memory fills nothing
    return len(memory_matches(memory, article.id, todo)) < len(todo)


def blocked(article: Article, untranslated: int, others: list[str], mt_model: str,
            others_untranslated: bool) -> Blocked:
    """What the model's absence turns off in this article's toolbar (``untranslated``: its
    segments still to translate; ``others_untranslated``: whether another waiting article has
    some; finishing checks and summaries needs no model)."""
    if not untranslated and not others_untranslated:
        return Blocked()  # nothing to translate: no need to ask
    problem = model_problem(mt_model)
    if problem is None:
        return Blocked()
    # Only with no model is the memory asked: the usual rerun pays for nothing.
    return Blocked(problem, this_article=bool(untranslated) and needs_model(article),
                   all_waiting=others_untranslated)


def label_and_help(left: tuple[str, ...], untranslated: int) -> tuple[str, str]:
    """The Translate button's label and help for the work ``left`` (``work_left``)."""
    if untranslated or not left:
        return (f"Translate ({untranslated})", "Translate this article's untranslated "
                "segments in the background (progress in the sidebar)")
    return (f"Finish ({', '.join(left)})", "Finish what an earlier translation left undone "
            f"({', '.join(left)}) in the background; no segment is translated again")


def buttons(article: Article, waiting: Waiting, mt_model: str) -> Blocked:
    """Translate this article, or every article waiting, as a background job; what is off."""
    remaining = Remaining.of(article)
    left, untranslated = work_left(remaining), remaining.untranslated
    others = [i for i in waiting.ids if i != article.id]
    off = blocked(article, untranslated, others, mt_model,
                  any(i in waiting.untranslated for i in others))
    busy = jobs_panel.job_on(article.id)
    label, explained = label_and_help(left, untranslated)
    if busy:
        label = jobs_panel.BUSY_LABELS.get(busy.kind, "Busy…")
    st.button(label, type="primary", key="translate", on_click=jobs_panel.start_translation,
              disabled=bool(busy) or not left or off.this_article, args=([article.id],),
              help=explained)
    if others:
        # Without this article in it, the job is not followed on this page: say it started.
        ids = [article.id, *others] if left else others
        st.button(f"Translate all ({len(ids)})", key="translate_all", disabled=off.all_waiting,
                  on_click=jobs_panel.start_translation, args=(ids, not left),
                  help="Every article with work left (segments to translate, checks, "
                       "summaries), in the background")
    return off


def note(article: Article, off: Blocked) -> None:
    """One line: why Translate is off, else how the article's last translation goes."""
    if off.this_article or off.all_waiting:
        which = "Translate" if off.this_article else "Translate all"
        st.warning(with_code(f"{which} is off because the {off.problem}."), icon="⚠️")
        return
    job = last_translation(article.id)
    if job is None:
        return
    if job.unfinished:
        st.caption(md(f"{job.label}: running in the background; you can keep reviewing."))
    elif job.errors and work_left(Remaining.of(article)):
        # Kept while the article still waits for its work: the reason stays in view.
        how = "failed" if job.state == "failed" else "finished with problems"
        st.error(with_code(f"{job.label} {how}: " + "; ".join(job.errors)))


def last_translation(article_id: str):
    """The newest translate job that includes the article, while the runner keeps it."""
    return next((view for view in jobs_panel.runner().views()
                 if view.kind == "translate" and article_id in view.ids), None)
