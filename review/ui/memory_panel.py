"""Translation memory on the review page: fuzzy suggestions for the open segment, concordance.

The memory is built once per store state and shared by every tab (``memory_for``), so a
suggestion costs a lookup, not a scan of the store.
"""
from __future__ import annotations

import streamlit as st

from review.diff import diff_markdown, highlight_markdown, word_diff
from review.errors import ReviewError
from review.memory.units import origin_of
from review.store import ArticleStore
from review.ui import keyboard
from review.ui.rows import origin_label
from review.ui.session import fill_box, md

SUGGESTIONS = 3  # fuzzy matches shown beside the open segment
SEARCH_LIMIT = 50


def suggestions(article_id: str, index: int, source: str, box_key: str) -> None:
    """The best memory matches for the open segment, each one key press from the editor."""
    from review.memory import memory_for

    try:
        matches = memory_for(ArticleStore()).lookup(
            source, limit=SUGGESTIONS, exclude_origin=origin_of(article_id, index))
    except ReviewError as err:
        return st.caption(md(f"Translation memory unavailable: {err}"))
    if not matches:
        return
    with st.container(key=f"memory-{article_id}-{index}"):
        st.caption("**Translation memory**")
        for number, match in enumerate(matches, 1):
            _suggestion(article_id, index, source, box_key, number, match)


def _suggestion(article_id: str, index: int, source: str, box_key: str, number: int,
                match) -> None:
    """One match: its score as the button that takes it, the English, then the German (a
    diff against this segment's unless identical) and where it came from."""
    unit = match.unit
    line = st.container(horizontal=True, vertical_alignment="top", gap="small")
    line.button(f"{match.score:.0%}", key=f"tm:{article_id}:{index}:{number}",
                shortcut=keyboard.suggestion(number), on_click=fill_box,
                args=(box_key, unit.target), type="secondary", width="content",
                help="Put this English into the editor")
    german = md(unit.source) if match.score >= 1.0 \
        else diff_markdown(word_diff(source, unit.source))
    line.markdown(f"→ {md(unit.target)}  \n{german} :gray[· {md(origin_label(unit.origin))}]",
                  width="stretch")


@st.dialog("Concordance: search the memory and every article", width="large")
def concordance() -> None:
    query = st.text_input("German or English word or phrase", key="concordance_query")
    if not (query or "").strip():
        return st.caption("Type a term: every approved segment, imported TMX unit and article "
                          "segment that contains it is listed, best known first.")
    from review.memory import memory_for

    try:
        hits = [hit.to_dict() for hit in
                memory_for(ArticleStore()).search(query.strip(), limit=SEARCH_LIMIT)]
    except ReviewError as err:
        return st.error(md(str(err)))
    st.caption(f"{len(hits)} hit(s)" + (" (first 50)" if len(hits) >= SEARCH_LIMIT else ""))
    for hit in hits:
        german, english = st.columns(2, gap="medium")
        german.markdown(highlight_markdown(hit["source"], hit["source_spans"]))
        english.markdown(highlight_markdown(hit["target"] or "", hit["target_spans"])
                         + f"  \n:gray[{md(origin_label(hit['origin']))}"
                         + (f" · {md(hit['status'])}" if hit.get("status") else "") + "]")
