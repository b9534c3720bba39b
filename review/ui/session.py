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
    """The reviewer's name: signed in, else typed in the sidebar; None when none is given.

    The name is checked as it is read (``auth.check_name``): one with control characters,
    line breaks or markup raises ``auth.BadNameError`` saying why, so the click that needed
    a name shows the reason instead of recording it.
    """
    name = st.session_state.get(state.SIGNED_IN) or st.session_state.get(state.REVIEWER)
    return auth.check_name(name) if name and name.strip() else None


def usable_reviewer() -> str | None:
    """``reviewer()``, or None when the name given is refused (drafts, links: no message)."""
    try:
        return reviewer()
    except ReviewError:
        return None


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


def keep(box: state.OpenBox, text: str) -> None:
    """Keep ``text`` typed into ``box`` as a draft: in this session, and on the server
    (``review.drafts``) when the reviewer is known. The text the box started with is none."""
    from review.drafts import Drafts
    from review.store import ArticleStore

    if text == box.prefill:
        drafts().pop(box.key, None)
    else:
        drafts()[box.key] = text
    name = usable_reviewer()
    if not name:
        return  # a server draft needs its reviewer; the session keeps it meanwhile
    try:
        if text == box.prefill:
            Drafts(ArticleStore()).discard(box.article_id, box.target, name)
        else:
            Drafts(ArticleStore()).save(box.article_id, box.target, name, text)
    except ReviewError as err:
        flash(f"{box.article_id}:{box.target}", "warning",
              f"Your text is kept in this tab only: {err}")


def server_drafts(article_id: str) -> dict[int | str, str]:
    """The reviewer's drafts of an article on the server: target -> text (none without a
    reviewer name, or when the drafts file cannot be read)."""
    from review.drafts import Drafts
    from review.store import ArticleStore

    name = usable_reviewer()
    if not name:
        return {}
    try:
        return {d.target: d.text for d in Drafts(ArticleStore()).of(article_id, name)}
    except ReviewError:
        return {}


def fill_box(box_key: str, text: str) -> None:
    """Put ``text`` into an editor box (a callback: before the box is drawn again).

    What the reviewer had typed there is kept as a draft first, so it can be restored, and the
    editor takes the focus again once drawn.
    """
    typed = st.session_state.get(box_key)
    box = next((b for b in (st.session_state.get(state.OPEN_BOXES) or {}).values()
                if b.key == box_key), None)
    if box is not None and typed is not None and typed not in (box.prefill, text):
        keep(box, typed)
    st.session_state[box_key] = text
    if box is None or box.target != "summary":
        refocus()


def counts_changed() -> None:
    """End a click that changed what the sidebar's article list counts (decisions, flags):
    redraw the article and the list in one run (a click in the article's fragment otherwise
    redraws it alone). Raises Streamlit's rerun signal, so it comes last; without a list
    drawn in this session, the click's own redraw stands."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.rerun([state.ARTICLE_FRAGMENT, state.LIST_FRAGMENT])
    except StreamlitAPIException:
        return


def refocus() -> None:
    """Give the open segment's editor the focus again once it is drawn (after a button)."""
    st.session_state.pop(state.FOCUSED, None)
    st.session_state[state.REFOCUS] = st.session_state.get(state.REFOCUS, 0) + 1


def go(article_id: str, index: int | None) -> None:
    """Make ``index`` the current segment (its editor takes the focus when shown).

    What was typed in the editors open now stays as a draft (``keep``): shown in its row,
    back in the box when the reviewer returns, never saved without a Confirm.
    """
    for box in (st.session_state.get(state.OPEN_BOXES) or {}).values():
        typed = st.session_state.get(box.key)
        if typed is not None and typed != box.prefill:
            keep(box, typed)
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
        try:
            st.session_state[state.REVIEWER] = auth.check_name(name)
        except ReviewError as err:
            flash("top", "warning", f"The link's reviewer name was not used: {err}")


def write_url(article_id: str, segment: int | str | None) -> None:
    """Keep the address bar on the reviewer's place, so a reload or a shared link returns."""
    wanted = {"article": article_id}
    if segment is not None:
        wanted["segment"] = str(segment)
    name = usable_reviewer() if auth.mode() == "open" else None
    if name:
        wanted["reviewer"] = name
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
