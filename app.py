"""Streamlit review app: page layout and the sidebar; the article page is review/ui/page.py.

Run: streamlit run app.py   (store: env REVIEW_STORE, default ./reviews)
Links: ?article=ID&segment=N&reviewer=NAME open a segment (the address follows the reviewer).
"""
from __future__ import annotations

import streamlit as st

from review import auth
from review.errors import ReviewError
from review.pipeline import SUMMARY_METHODS
from review.listing import summaries as article_summaries
from review.store import ArticleStore
from review.ui import (actions, draft_sink, jobs_panel, key_scope, keyboard, listing,
                       overview_page, page, state, translate_bar)
from review.ui.glossary_dialog import glossary_dialog
from review.ui.models import allowed_choice
from review.ui.session import flash, md, read_url, reviewer, settings, show_flash

PAGE = 25  # articles listed in the sidebar at once


@st.cache_data(ttl=60, show_spinner=False)
def model_report(mt_model: str, sum_model: str, method: str) -> list[tuple[bool, str]]:
    from review.ui.models import report

    return report(mt_model, sum_model, method)


def on_add(kind: str) -> None:
    store = ArticleStore()
    try:
        if kind == "seeds":
            ids, errors = actions.add_seeds(store)
        elif kind == "paste":
            ids = [actions.add_pasted(store, st.session_state.get(state.PASTE_TEXT, ""),
                                      st.session_state.get(state.PASTE_TITLE))]
            errors = []
        else:
            files = st.session_state.get(state.UPLOADS) or []
            ids, errors = actions.add_uploads(store, [(f.name, f.getvalue()) for f in files])
    except ReviewError as err:
        return flash("top", "error", str(err))
    if ids:
        st.session_state[state.ARTICLE_PICK] = ids[0]
        st.session_state[state.ARTICLE_FILTER] = "all"
    text = f"Added {len(ids)} article(s). Press Translate to run the model."
    flash("top", "warning" if errors else "success", " ".join([text, *errors]))


# -- page parts ---------------------------------------------------------------------------------

def login_gate() -> None:
    """With a password configured, nothing but this form is shown until sign-in."""
    how = auth.mode()
    if how == "open" or st.session_state.get(state.SIGNED_IN):
        return
    st.title("Sign in to review translations")
    with st.form("login_form", width=520):
        label = "Name" if how == "users" else "Your name (recorded with your decisions)"
        name = st.text_input(label, key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        if st.form_submit_button("Sign in", type="primary", key="sign_in"):
            try:
                st.session_state[state.SIGNED_IN] = auth.login(name, password,
                                                               client=st.context.ip_address)
                st.rerun()
            except ReviewError as err:
                st.error(md(str(err)))
    st.stop()


def sidebar_reviewer() -> None:
    if st.session_state.get(state.SIGNED_IN):
        st.markdown(f"Signed in as **{md(st.session_state[state.SIGNED_IN])}**")
        st.button("Sign out", on_click=st.session_state.clear)
        return
    st.text_input("Reviewer name", key=state.REVIEWER, placeholder="required before deciding",
                  help="Recorded with every decision; kept in the page address (&reviewer=), "
                       "so it survives a reload.")
    try:
        reviewer()
    except ReviewError as err:  # said at once, not first at the next click
        st.caption(md(str(err)))


def pick_article(entries: list[listing.ArticleEntry]) -> str | None:
    """The filter, and the article to open (the first needing review, unless one is open and
    shown); None when no article is shown."""
    if not entries:
        return None
    st.radio("Show", listing.FILTERS, horizontal=True, key=state.ARTICLE_FILTER)
    shown = listing.filtered(entries, st.session_state[state.ARTICLE_FILTER])
    if not shown:
        st.caption("No article matches this filter.")
        return None
    if st.session_state.get(state.ARTICLE_PICK) not in {e.id for e in shown}:
        st.session_state[state.ARTICLE_PICK] = listing.opening_article(shown)
    return st.session_state[state.ARTICLE_PICK]


def on_open(article_id: str) -> None:
    st.session_state[state.ARTICLE_PICK] = article_id
    st.rerun()  # the whole app: the list is a fragment, the page shows another article


@st.fragment(key=state.LIST_FRAGMENT)
def article_list() -> None:
    """Search, a page of the article list, and the export. A fragment that reads the store
    itself, so a decision redraws its counts (review.ui.session.counts_changed) without
    rerunning the app."""
    store = ArticleStore()
    summaries = article_summaries(store)[0]
    entries = [s.to_entry() for s in summaries]
    shown = listing.filtered(entries, st.session_state.get(state.ARTICLE_FILTER) or "all")
    if shown:
        list_page(shown)
    sidebar_export(store, summaries)


def list_page(shown: list[listing.ArticleEntry]) -> None:
    found = listing.search(shown, st.text_input(
        "Find article", key="article_search", placeholder="id or words of the title"))
    items, pages = listing.page_of(found, st.session_state.get(state.ARTICLE_PAGE, 0), PAGE)
    for item in items:
        current = item.id == st.session_state.get(state.ARTICLE_PICK)
        st.button(md(item.label), key=f"open:{item.id}", width="stretch",
                  type="primary" if current else "secondary", on_click=on_open, args=(item.id,))
    if pages > 1:
        page_number = min(st.session_state.get(state.ARTICLE_PAGE, 0), pages - 1)
        with st.container(horizontal=True, vertical_alignment="center"):
            st.button("‹", key="articles_back", disabled=page_number == 0,
                      on_click=st.session_state.__setitem__,
                      args=(state.ARTICLE_PAGE, page_number - 1))
            st.caption(f"page {page_number + 1} of {pages} · {len(found)} articles")
            st.button("›", key="articles_on", disabled=page_number >= pages - 1,
                      on_click=st.session_state.__setitem__,
                      args=(state.ARTICLE_PAGE, page_number + 1))
    elif not found:
        st.caption("No article matches this search.")


def sidebar_add() -> None:
    with st.expander("Add articles"):
        st.file_uploader("German articles", type=["txt", "md", "json", "jsonl"],
                         accept_multiple_files=True, key=state.UPLOADS)
        st.button("Add uploaded files", on_click=on_add, args=("uploads",), key="add_uploads")
        st.text_input("Title (optional)", key=state.PASTE_TITLE)
        st.text_area("…or paste German text", key=state.PASTE_TEXT, height=120)
        st.button("Add pasted text", on_click=on_add, args=("paste",), key="add_paste")


def sidebar_export(store: ArticleStore, summaries) -> None:
    with st.expander("Export approved work"):
        what = st.selectbox("What", ("summaries", "translations", "articles", "lqa"),
                            key="export_what", help="Articles: the whole article in reviewed "
                            "English; lqa: the quality report (scorecards, every error)")
        fmt = st.selectbox("Format", actions.export_formats(what), key="export_format")
        drafts = what == "articles" and st.checkbox(
            "With drafts", key="export_drafts",
            help="Show unreviewed machine English too, marked [draft]")
        try:
            name, data, mime = actions.export_file(store, summaries, what, fmt, drafts=drafts)
        except ReviewError as err:
            return st.caption(md(str(err)))
        # The maker gives text or, for docx, bytes: download_button takes either.
        st.download_button(f"Download {name}", data, file_name=name, mime=mime, on_click="ignore")


def sidebar_settings(store: ArticleStore) -> None:
    from models import registry

    with st.expander("Models and settings"):
        st.session_state.setdefault(state.MT_MODEL, registry.mt_model_id())
        st.session_state.setdefault(state.SUM_MODEL, registry.sum_model_id())
        st.text_input("Translation model (hub id or folder)", key=state.MT_MODEL)
        st.selectbox("Summary", SUMMARY_METHODS, key=state.SUMMARY_METHOD)
        st.text_input("Summary model (for abstractive)", key=state.SUM_MODEL)
        st.caption(f"Store: `{store.root.resolve()}`")
    chosen = settings()
    for ok, line in model_report(chosen["mt_model"], chosen["sum_model"], chosen["summary"]):
        (st.caption if ok else st.warning)(md(line))


def sidebar_glossary() -> None:
    # Inline, not on_click: the dialog must open after main() cleared the open-dialog mark
    # for this run; opened from a callback, it would open before, lose its mark, and the
    # live job panel could redraw the app under it.
    if st.button("Edit glossary", key="open_glossary", width="stretch",
                 help="Required English for German terms, and terms to keep as they are"):
        glossary_dialog()


def first_start() -> None:
    st.title("Review German→English news translations")
    st.info("The store is empty. Start with the five sample German news articles, or add your "
            "own under **Add articles** in the sidebar.")
    st.button("Add the sample articles", type="primary", on_click=on_add, args=("seeds",),
              key="seed_articles")
    show_flash("top")


def review_page() -> None:
    """The articles in the sidebar, the open one in the main area."""
    store = ArticleStore()
    summaries, problems = article_summaries(store)
    entries = [s.to_entry() for s in summaries]
    with st.sidebar:
        chosen = pick_article(entries)
        article_list()
        sidebar_add()
        sidebar_settings(store)
        sidebar_glossary()
    for problem in problems:
        st.warning(md(problem))
    if not entries:
        return first_start()
    if chosen is None:
        show_flash("top")
        return st.info("Pick another filter in the sidebar to see articles.")
    waiting = translate_bar.waiting(summaries, settings()["summary"])
    try:
        mt_model = allowed_choice(settings()["mt_model"], "translation")
    except ReviewError as err:
        return st.error(md(str(err)))
    page.article_page(chosen, waiting, mt_model)


def main() -> None:
    st.set_page_config(page_title="Translation review", page_icon="📰", layout="wide")
    st.html(keyboard.CSS)
    with st.container(key="keys-script"):
        st.html(key_scope.SCRIPT + draft_sink.SCRIPT, unsafe_allow_javascript=True)
    refusal = auth.foreign_origin(st.context.headers)
    if refusal:  # a page on another origin (or a rebound host name) opened this session
        st.error(refusal)
        st.stop()
    login_gate()
    # A full run closes any dialog it does not open again (the glossary button reopens it).
    st.session_state.pop(state.DIALOG_OPEN, None)
    read_url()  # before the reviewer box: a link may fill it in
    pages = st.navigation([st.Page(review_page, title="Review", icon="📝", default=True),
                           st.Page(overview_page.page, title="Overview", icon="📊",
                                   url_path="overview")])
    with st.sidebar:
        jobs_panel.panel()  # a running job shows on every page
        sidebar_reviewer()
    pages.run()


main()
