"""What one browser session keeps: reviewer, messages of the last click, drafts, the URL.

Streamlit code shared by app.py and the page modules; the decisions themselves live in the
store, never here. The session-state keys are named in ``state``.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from review import auth
from review.diff import escape_markdown
from review.errors import ReviewError, StaleRevisionError
from review.ui import actions, state


def md(text: str | None) -> str:
    return escape_markdown(text or "")


def reviewer() -> str | None:
    return st.session_state.get(state.SIGNED_IN) or st.session_state.get(state.REVIEWER)


def flash(where: str, kind: str, text: str) -> None:
    st.session_state[state.FLASH] = {"where": where, "kind": kind, "text": text}


def clear_flash() -> None:
    st.session_state.pop(state.FLASH, None)


def show_flash(where: str) -> None:
    """The message of the last click, shown once, where the click happened."""
    note = st.session_state.get(state.FLASH)
    if not note or note["where"] != where:
        return
    st.session_state.pop(state.FLASH)
    if note["kind"] == "stale":
        st.warning(md(note["text"]), icon="⚠️")
        st.button("Reload", key=f"reload:{where}", help="Show what is stored now")
    else:
        getattr(st, note["kind"])(md(note["text"]))


def settings() -> dict[str, str]:
    return {"mt_model": st.session_state.get(state.MT_MODEL) or "",
            "sum_model": st.session_state.get(state.SUM_MODEL) or "",
            "summary": st.session_state.get(state.SUMMARY_METHOD, "extractive")}


def drafts() -> dict[str, str]:
    return st.session_state.setdefault(state.DRAFTS, {})


def fill_box(box_key: str, text: str) -> None:
    """Put ``text`` into an editor box (a callback: before the box is drawn again)."""
    st.session_state[box_key] = text


def go(article_id: str, index: int | None) -> None:
    """Make ``index`` the current segment (its editor takes the focus when shown).

    What was typed in the editors open now stays as a draft: shown in its row, back in the
    box when the reviewer returns, never saved without a Confirm.
    """
    for box_key, prefill in (st.session_state.get(state.OPEN_BOXES) or {}).values():
        typed = st.session_state.get(box_key)
        if typed is not None and typed != prefill:
            drafts()[box_key] = typed
    if index is not None:
        st.session_state[state.current(article_id)] = index


def guarded(where: str, work: Callable[[], object]) -> bool:
    """Run a store action; a refusal becomes a message where the reviewer clicked."""
    try:
        work()
    except StaleRevisionError as err:
        flash(where, "stale", str(err))
    except actions.ReplacesCorrectionError:
        return False  # the replace question asks instead
    except ReviewError as err:
        flash(where, "error", str(err))
    else:
        clear_flash()
        return True
    return False


def read_url() -> None:
    """Once per browser session: ?article=ID&segment=N&reviewer=NAME say where to start."""
    if st.session_state.get(state.URL_READ):
        return
    st.session_state[state.URL_READ] = True
    query = st.query_params
    article = query.get("article")
    if article:
        st.session_state[state.ARTICLE_PICK] = article
        try:
            st.session_state[state.current(article)] = int(query.get("segment", ""))
        except ValueError:
            pass
    name = (query.get("reviewer") or "").strip()
    if name and auth.mode() == "open" and not st.session_state.get(state.REVIEWER):
        st.session_state[state.REVIEWER] = name[:80]


def write_url(article_id: str, segment: int | str | None) -> None:
    """Keep the address bar on the reviewer's place, so a reload or a shared link returns."""
    wanted = {"article": article_id}
    if segment is not None:
        wanted["segment"] = str(segment)
    if auth.mode() == "open" and st.session_state.get(state.REVIEWER):
        wanted["reviewer"] = st.session_state[state.REVIEWER].strip()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
