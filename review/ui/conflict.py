"""When someone else decided first: the reviewer's refused text beside theirs, and a choice.

A decision refused as stale keeps its text as the reviewer's draft (``review.recheck``);
this panel shows both versions with a word diff and two buttons: keep mine (``mine:ID:N``)
saves the reviewer's text over theirs as a new decision, in the history; take theirs
(``theirs:ID:N``) discards the draft. The summary the same (``mine:ID:summary``).
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from review.diff import diff_markdown, word_diff
from review.drafts import Drafts
from review.errors import ReviewError
from review.store import ArticleStore
from review.ui import state
from review.ui.session import drafts, fill_box, flash, md, reviewer


def refused(where: str, text: str) -> None:
    """Remember that the reviewer's ``text`` for ``where`` (ARTICLE:TARGET) was refused."""
    st.session_state.setdefault(state.CONFLICTS, {})[where] = text


def conflict_panel(subject, keep_mine: Callable) -> None:
    """Both versions and the choice, while a refused text of this tab waits for an answer;
    ``keep_mine(subject, text)`` is the bar's own correction (refused again if it changed)."""
    mine = (st.session_state.get(state.CONFLICTS) or {}).get(subject.where)
    if mine is None:
        return
    theirs = subject.decided if subject.decided is not None else subject.machine or ""
    st.warning("Someone else decided this first. Your text is kept as your draft: keep yours "
               "(saved over theirs, both stay in the history) or take theirs.")
    yours, other = st.columns(2)
    yours.markdown(f"**Yours**  \n{md(mine)}")
    other.markdown(f"**Theirs** :gray[({md(subject.status)})]  \n{md(theirs)}")
    st.markdown(f"**Theirs → yours**  \n{diff_markdown(word_diff(theirs, mine))}")
    with st.container(horizontal=True, gap="small"):
        st.button("Keep mine", key=f"mine:{subject.where}", type="primary",
                  on_click=keep_mine, args=(subject, mine))
        st.button("Take theirs", key=f"theirs:{subject.where}", on_click=on_take_theirs,
                  args=(subject, theirs))


def on_take_theirs(subject, theirs: str) -> None:
    """Drop the reviewer's draft and show theirs in the box."""
    fill_box(subject.box_key, theirs)
    drafts().pop(subject.box_key, None)
    try:
        Drafts(ArticleStore()).discard(subject.article_id, subject.target, reviewer() or "")
    except ReviewError as err:
        return flash(subject.where, "error", str(err))
    settled(subject.where)


def settled(where: str) -> None:
    """The refused text of ``where`` got its answer."""
    (st.session_state.get(state.CONFLICTS) or {}).pop(where, None)
