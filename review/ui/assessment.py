"""Under the open segment (and the summary): the errors recorded with its decision, each
removable, a button that opens the error picker, and its comment thread. All plain text."""
from __future__ import annotations

import streamlit as st

from review.article import Article
from review.store import ArticleStore
from review.ui import keyboard
from review.ui.error_picker import offer
from review.ui.session import counts_changed, guarded, md, refocus, reviewer

WITH_ERRORS = ("rejected", "corrected")  # the decisions errors are recorded with


# -- callbacks ----------------------------------------------------------------------------------

def on_remove_error(article_id: str, target: int | str, position: int, revision: int) -> None:
    from review.annotations import unannotate

    refocus()
    if guarded(_where(article_id, target), lambda: unannotate(
            ArticleStore(), article_id, target, position, reviewer(), revision)):
        counts_changed()


def on_comment(article_id: str, target: int | str, key: str) -> None:
    from review.annotations import comment

    text = (st.session_state.get(key) or "").strip()
    if text and guarded(_where(article_id, target), lambda: comment(
            ArticleStore(), article_id, target, text, reviewer())):
        st.session_state[key] = ""
        counts_changed()


def on_resolve(article_id: str, target: int | str, position: int, resolved: bool) -> None:
    from review.annotations import resolve

    if guarded(_where(article_id, target), lambda: resolve(
            ArticleStore(), article_id, target, position, resolved)):
        counts_changed()


# -- drawing ------------------------------------------------------------------------------------

def errors(article: Article, target: int | str) -> None:
    """The errors of ``target``'s decision, and "+ Error" (Alt+E) when it can take some."""
    owner = article.summary if target == "summary" else article.segment(target)
    decision = owner.decision
    if not decision.errors and decision.status not in WITH_ERRORS:
        return  # nothing to show: no room taken
    with st.container(key=f"errors-{article.id}-{target}"):
        for position, error in enumerate(decision.errors):
            line = st.container(horizontal=True, vertical_alignment="center", gap="small")
            text = f"{error.type} · {error.severity}"
            extra = " · ".join(part for part in (f"“{error.span}”" if error.span else "",
                                                  error.note or "", error.reviewer or "") if part)
            line.markdown(f":red-badge[✎ {md(text)}]" + (f" :gray[{md(extra)}]" if extra else ""),
                          width="stretch")
            line.button("✕", key=f"unerror:{article.id}:{target}:{position}", type="tertiary",
                        on_click=on_remove_error,
                        args=(article.id, target, position, decision.revision),
                        help="Remove this error")
        if decision.status in WITH_ERRORS:
            st.button("＋ Error", key=f"error:{article.id}:{target}", type="tertiary",
                      shortcut=keyboard.ADD_ERROR if target != "summary" else None,
                      on_click=offer, args=(article.id, target, decision.revision - 1,
                                            "reject" if decision.status == "rejected"
                                            else "correct"),
                      help="Record what was wrong (MQM type and severity)")


def comments(article: Article, target: int | str) -> None:
    """The comment thread of ``target`` behind a button that counts the open comments;
    resolved ones struck through."""
    owner = article.summary if target == "summary" else article.segment(target)
    thread = owner.comments
    opened = sum(1 for c in thread if not c.resolved)
    label = f"{opened} open" if opened else ("Comments" if thread else "Comment")
    with st.popover(label, icon=":material/chat_bubble:", type="tertiary",
                    help="The comment thread: questions and notes for others"):
        for position, item in enumerate(thread):
            line = st.container(horizontal=True, vertical_alignment="center", gap="small")
            words = f"{item.author} · {item.time}: {item.text}"
            line.markdown(f"~~{md(words)}~~" if item.resolved else md(words), width="stretch")
            line.button("↺" if item.resolved else "✓",
                        key=f"resolve:{article.id}:{target}:{position}", type="tertiary",
                        on_click=on_resolve,
                        args=(article.id, target, position, not item.resolved),
                        help="Open again" if item.resolved else "Resolve")
        key = f"comment-box:{article.id}:{target}"
        st.text_input("New comment", key=key, placeholder="a question or a note for others",
                      on_change=on_comment, args=(article.id, target, key),
                      label_visibility="collapsed")


def _where(article_id: str, target: int | str) -> str:
    return f"{article_id}:{target}"
