"""The cue when an article is done: all its segments are reviewed, and the way on to the
next article with pending work, or word that no other article has any."""
from __future__ import annotations

import streamlit as st

from review.article import Article
from review.listing import ArticleEntry, summaries
from review.store import ArticleStore
from review.ui import keyboard, listing, navigation, rows, state
from review.ui.session import go, md

DONE = ":material/task_alt:"  # Streamlit's own icon font: emoji are missing on some systems


def next_with_work(entries: list[ArticleEntry], article_id: str) -> ArticleEntry | None:
    """The first article after ``article_id`` in the list's order, wrapping, that needs review."""
    ids = [e.id for e in entries]
    start = ids.index(article_id) + 1 if article_id in ids else 0
    return next((e for e in entries[start:] + entries[:start]
                 if e.needs_review and e.id != article_id), None)


def open_article(article_id: str, entry: ArticleEntry) -> None:
    """Open ``entry``'s article as the sidebar's list does (a callback), and redraw it all."""
    go(article_id, None)  # what is typed in the open editor stays as a draft
    st.session_state[state.ARTICLE_PICK] = entry.id
    # A sidebar filter that hides the article would send the page back to another one.
    if not listing.matches(entry, st.session_state.get(state.ARTICLE_FILTER) or "all"):
        st.session_state[state.ARTICLE_FILTER] = "all"
    st.rerun()  # the whole app, not only the article's fragment: the page shows another one


def done_cue(article: Article, review: list[rows.SegmentRow]) -> None:
    """Once every segment is decided: say so, and offer the next article with pending work."""
    reviewed, total, _ = navigation.progress(review)
    if not total or reviewed < total:
        return
    line = f"All {total} segments of this article are reviewed."
    if article.summary_state() == "pending":
        line += " Its summary still waits for a decision."
    # Read only now, from the listing index (no article is parsed): the page's own list may
    # be a decision old, since a decision reruns only the article's fragment.
    entries = [s.to_entry() for s in summaries(ArticleStore())[0]]
    upcoming = next_with_work(entries, article.id)
    with st.container(key="done-cue", horizontal=True, vertical_alignment="center"):
        if upcoming is None:
            st.success(md(f"{line} No other article has pending work."), icon=DONE)
            return
        st.success(md(line), icon=DONE)
        st.button(md(f"Next article: {upcoming.short_title}"), key="next_article",
                  type="primary", shortcut=keyboard.NEXT_ARTICLE, on_click=open_article,
                  args=(article.id, upcoming),
                  help=f"Open the next article with pending work ({md(upcoming.label)})")

