"""What one browser session keeps: reviewer, messages of the last click, drafts, the URL.

Streamlit code shared by app.py and the page modules; the decisions themselves live in the
store, never here.
"""
from __future__ import annotations

import streamlit as st

from review import auth
from review.diff import escape_markdown

FLASH = "flash"  # {"where": place, "kind": ..., "text": ...} from the last click
DRAFTS = "drafts"  # English box key -> text typed but not confirmed yet


# Set while a dialog (the glossary) is open: a redraw of the whole app would leave it stale
# and drop what the reviewer is typing into it, so the live job panel waits.
DIALOG_OPEN = "dialog_open"


def md(text: str | None) -> str:
    return escape_markdown(text or "")


def reviewer() -> str | None:
    return st.session_state.get("signed_in") or st.session_state.get("reviewer")


def flash(where: str, kind: str, text: str) -> None:
    st.session_state[FLASH] = {"where": where, "kind": kind, "text": text}


def clear_flash() -> None:
    st.session_state.pop(FLASH, None)


def show_flash(where: str) -> None:
    """The message of the last click, shown once, where the click happened."""
    note = st.session_state.get(FLASH)
    if not note or note["where"] != where:
        return
    st.session_state.pop(FLASH)
    if note["kind"] == "stale":
        st.warning(md(note["text"]), icon="⚠️")
        st.button("Reload", key=f"reload:{where}", help="Show what is stored now")
    else:
        getattr(st, note["kind"])(md(note["text"]))


def settings() -> dict[str, str]:
    return {"mt_model": st.session_state.get("mt_model") or "",
            "sum_model": st.session_state.get("sum_model") or "",
            "summary": st.session_state.get("summary_method", "extractive")}


def drafts() -> dict[str, str]:
    return st.session_state.setdefault(DRAFTS, {})


def current_key(article_id: str) -> str:
    """Session key of the article's current segment, kept per article."""
    return f"seg:{article_id}"


def read_url() -> None:
    """Once per browser session: ?article=ID&segment=N&reviewer=NAME say where to start."""
    if st.session_state.get("url_read"):
        return
    st.session_state["url_read"] = True
    query = st.query_params
    article = query.get("article")
    if article:
        st.session_state["article_pick"] = article
        try:
            st.session_state[current_key(article)] = int(query.get("segment", ""))
        except ValueError:
            pass
    name = (query.get("reviewer") or "").strip()
    if name and auth.mode() == "open" and not st.session_state.get("reviewer"):
        st.session_state["reviewer"] = name[:80]


def write_url(article_id: str, segment: int | str | None) -> None:
    """Keep the address bar on the reviewer's place, so a reload or a shared link returns."""
    wanted = {"article": article_id}
    if segment is not None:
        wanted["segment"] = str(segment)
    if auth.mode() == "open" and st.session_state.get("reviewer"):
        wanted["reviewer"] = st.session_state["reviewer"].strip()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
