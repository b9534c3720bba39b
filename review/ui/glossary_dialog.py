"""The glossary editor: a full-width dialog; saving re-checks every article as a job."""
from __future__ import annotations

import streamlit as st

from review.errors import ReviewError
from review.store import ArticleStore
from review.ui import actions, jobs_panel, state
from review.ui.session import flash, md


def _closed() -> None:
    st.session_state.pop(state.DIALOG_OPEN, None)


@st.dialog("Glossary", width="large", on_dismiss=_closed)
def glossary_dialog() -> None:
    st.session_state[state.DIALOG_OPEN] = True
    store = ArticleStore()
    st.caption("German term (any inflection) → required English; `|` separates accepted "
               "alternatives. Tick *keep as is* for names and terms that must stay German.")
    try:
        table = actions.glossary_table(store)
    except (ReviewError, OSError) as err:
        return st.error(md(str(err)))
    edited = st.data_editor(
        table, num_rows="dynamic", key=state.GLOSSARY_ROWS, hide_index=True, width="stretch",
        column_config={
            "de": st.column_config.TextColumn("German term", required=True),
            "en": st.column_config.TextColumn("English"),
            "keep": st.column_config.CheckboxColumn("keep as is", default=False,
                                                    help="do not translate: the German term "
                                                         "must appear in the English"),
            "note": st.column_config.TextColumn("note")},
        column_order=("de", "en", "keep", "note"))
    rows = [dict(row) for row in edited]
    count = sum(1 for row in rows if str(row.get("de") or "").strip())
    st.caption(f"{count} term{'' if count == 1 else 's'}")
    unanswered = actions.unanswered_terms(rows)
    # Both buttons stay inline, not on_click: they save ``rows`` as the data editor returns
    # them in this run, an edit sent along with the click included, and a failed save shows
    # its error in the dialog. A callback would save the rows of the run before.
    if st.session_state.get(state.GLOSSARY_ASK) and unanswered:
        terms = ", ".join(unanswered)
        st.warning(md(f"No English for {terms}. Keep them as they are (do not translate), or "
                      "type the English?"))
        if st.button("Keep them as they are and save", key="glossary_keep", type="primary"):
            save(store, actions.keep_unanswered(rows))
    if st.button("Save and re-check all articles", key="save_glossary", type="primary"):
        if unanswered:
            st.session_state[state.GLOSSARY_ASK] = True
            st.rerun(scope="fragment")
        save(store, rows)


def save(store: ArticleStore, rows: list[dict]) -> None:
    try:
        count = actions.save_glossary(store, rows)
    except (ReviewError, OSError) as err:
        st.error(md(str(err)))
        return
    st.session_state.pop(state.GLOSSARY_ASK, None)
    st.session_state.pop(state.GLOSSARY_ROWS, None)
    st.session_state.pop(state.DIALOG_OPEN, None)
    jobs_panel.start_recheck()
    flash("top", "success", f"Saved {count} glossary term(s); every article is being "
                            "re-checked in the background.")
    st.rerun()
