"""Streamlit review app: widgets and layout only; the work happens in review/ and models/.

Run: streamlit run app.py   (store: env REVIEW_STORE, default ./reviews)
"""
from __future__ import annotations

import streamlit as st

from models.base import ModelUnavailable
from review import auth
from review.diff import changed, diff_markdown, escape_markdown, word_diff
from review.errors import ReviewError, StaleRevisionError
from review.pipeline import SUMMARY_METHODS
from review.store import ArticleStore
from review.ui import actions, listing, rows

FLASH = "flash"  # session key: {"where": place, "kind": ..., "text": ...} from the last click


# -- models: loaded once per server process, never on a click that does not need them ---------

@st.cache_resource(show_spinner="Loading the model (once per server)…")
def engine(role: str, model_id: str):
    from models import registry

    return (registry.get_translator if role == "mt" else registry.get_summarizer)(model_id)


@st.cache_data(ttl=60, show_spinner=False)
def model_report(mt_model: str, sum_model: str, method: str) -> list[tuple[bool, str]]:
    from review.ui.models import report

    return report(mt_model, sum_model, method)


def md(text: str | None) -> str:
    return escape_markdown(text or "")


def reviewer() -> str | None:
    return st.session_state.get("signed_in") or st.session_state.get("reviewer")


def flash(where: str, kind: str, text: str) -> None:
    st.session_state[FLASH] = {"where": where, "kind": kind, "text": text}


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


# -- callbacks: run before the rerun, with the revision the reviewer saw in this tab ------------

def on_decide(article_id: str, target, action: str, revision: int, box_key: str) -> None:
    where = f"{article_id}:{target}"
    text = st.session_state.get(box_key) if action == "correct" else None
    try:
        actions.decide(ArticleStore(), article_id, target, action, reviewer(), text, revision)
    except StaleRevisionError as err:
        flash(where, "stale", str(err))
    except ReviewError as err:
        flash(where, "error", str(err))
    else:
        st.session_state.pop(FLASH, None)


def on_accept_unflagged(article_id: str, targets: list[tuple[int, int]]) -> None:
    try:
        done, stale = actions.accept_unflagged(ArticleStore(), article_id, reviewer(), targets)
    except ReviewError as err:
        return flash("top", "error", str(err))
    late = f"; {stale} changed in another tab and were left for you" if stale else ""
    flash("top", "success", f"Accepted {done} unflagged segments{late}.")


def on_rerun_model(article_id: str, index: int) -> None:
    from review.pipeline import retranslate_segment

    store = ArticleStore()
    try:
        retranslate_segment(store, article_id, index, engine("mt", settings()["mt_model"]),
                            actions.glossary(store))
    except (ReviewError, ModelUnavailable) as err:
        flash(f"{article_id}:{index}", "error", str(err))


def on_add(kind: str) -> None:
    store = ArticleStore()
    try:
        if kind == "seeds":
            ids, errors = actions.add_seeds(store)
        elif kind == "paste":
            ids = [actions.add_pasted(store, st.session_state.get("paste_text", ""),
                                      st.session_state.get("paste_title"))]
            errors = []
        else:
            files = st.session_state.get("uploads") or []
            ids, errors = actions.add_uploads(store, [(f.name, f.getvalue()) for f in files])
    except ReviewError as err:
        return flash("top", "error", str(err))
    if ids:
        st.session_state["article_pick"] = ids[0]
        st.session_state["article_filter"] = "all"
    text = f"Added {len(ids)} article(s). Press Translate to run the model."
    flash("top", "warning" if errors else "success", " ".join([text, *errors]))


# -- page parts ---------------------------------------------------------------------------------

def login_gate() -> None:
    """With a password configured, nothing but this form is shown until sign-in."""
    how = auth.mode()
    if how == "open" or st.session_state.get("signed_in"):
        return
    st.title("Sign in to review translations")
    with st.form("login_form", width=520):
        label = "Name" if how == "users" else "Your name (recorded with your decisions)"
        name = st.text_input(label, key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        if st.form_submit_button("Sign in", type="primary", key="sign_in"):
            try:
                st.session_state["signed_in"] = auth.login(name, password)
                st.rerun()
            except ReviewError as err:
                st.error(md(str(err)))
    st.stop()


def sidebar_reviewer() -> None:
    if st.session_state.get("signed_in"):
        st.markdown(f"Signed in as **{md(st.session_state['signed_in'])}**")
        st.button("Sign out", on_click=st.session_state.clear)
        return
    st.text_input("Reviewer name", key="reviewer", placeholder="required before deciding",
                  help="Recorded with every decision; kept for this browser session.")


def sidebar_articles(entries: list[listing.ArticleEntry]) -> str | None:
    """The filter and the article list (one button each); returns the open article's id."""
    st.radio("Show", listing.FILTERS, horizontal=True, key="article_filter")
    shown = listing.filtered(entries, st.session_state["article_filter"])
    if not shown:
        st.caption("No article matches this filter.")
        return None
    if st.session_state.get("article_pick") not in {e.id for e in shown}:
        st.session_state["article_pick"] = listing.opening_article(shown)
    for item in shown:
        current = item.id == st.session_state["article_pick"]
        st.button(md(item.label), key=f"open:{item.id}", width="stretch",
                  type="primary" if current else "secondary",
                  on_click=st.session_state.__setitem__, args=("article_pick", item.id))
    return st.session_state["article_pick"]


def sidebar_add() -> None:
    with st.expander("Add articles"):
        st.file_uploader("German articles", type=["txt", "md", "json", "jsonl"],
                         accept_multiple_files=True, key="uploads")
        st.button("Add uploaded files", on_click=on_add, args=("uploads",), key="add_uploads")
        st.text_input("Title (optional)", key="paste_title")
        st.text_area("…or paste German text", key="paste_text", height=120)
        st.button("Add pasted text", on_click=on_add, args=("paste",), key="add_paste")


def sidebar_export(articles) -> None:
    with st.expander("Export approved work"):
        what = st.selectbox("What", ("summaries", "translations"), key="export_what")
        fmt = st.selectbox("Format", actions.export_formats(what), key="export_format")
        try:
            name, data, mime = actions.export_file(articles, what, fmt)
        except ReviewError as err:
            return st.caption(md(str(err)))
        st.download_button(f"Download {name}", data, file_name=name, mime=mime, on_click="ignore")


def sidebar_settings(store: ArticleStore) -> None:
    from models import registry

    with st.expander("Models and settings"):
        st.session_state.setdefault("mt_model", registry.mt_model_id())
        st.session_state.setdefault("sum_model", registry.sum_model_id())
        st.text_input("Translation model (hub id or folder)", key="mt_model")
        st.selectbox("Summary", SUMMARY_METHODS, key="summary_method")
        st.text_input("Summary model (for abstractive)", key="sum_model")
        st.caption(f"Store: `{store.root.resolve()}`")
    chosen = settings()
    for ok, line in model_report(chosen["mt_model"], chosen["sum_model"], chosen["summary"]):
        (st.caption if ok else st.warning)(md(line))


def sidebar_glossary(store: ArticleStore, article_id: str | None) -> None:
    with st.expander("Glossary"):
        st.caption("German term (any inflection) → required English; empty English or note "
                   "`dnt`: keep as is; `|` separates alternatives.")
        try:
            edited = st.data_editor(actions.glossary_table(store), num_rows="dynamic",
                                    key="glossary_rows", hide_index=True, width="stretch")
            if st.button("Save glossary and re-check this article", key="save_glossary"):
                st.success(f"Saved {actions.save_glossary(store, edited, article_id)} term(s).")
        except (ReviewError, OSError) as err:
            st.error(md(str(err)))


def first_start() -> None:
    st.title("Review German→English news translations")
    st.info("The store is empty. Start with the five sample German news articles, or add your "
            "own under **Add articles** in the sidebar.")
    st.button("Add the sample articles", type="primary", on_click=on_add, args=("seeds",),
              key="seed_articles")
    show_flash("top")


def translate(store: ArticleStore, ids: list[str]) -> None:
    """Run the model on the articles, with a progress bar updated per segment."""
    chosen = settings()
    bar = st.progress(0.0, text="Loading the model…")

    def tick(done: int, total: int, label: str) -> None:
        bar.progress(done / max(total, 1), text=rows.progress_text(done, total, label))

    try:
        summary_model = engine("sum", chosen["sum_model"]) \
            if chosen["summary"] == "abstractive" else None
        results = actions.translate_all(store, ids, engine("mt", chosen["mt_model"]),
                                        chosen["summary"], summary_model, tick)
    except (ReviewError, ModelUnavailable) as err:
        bar.empty()
        st.error(md(str(err)))
        return
    failed = "; ".join(f"{r.id}: {r.error}" for r in results if r.status == "failed")
    flash("top", "error" if failed else "success", failed or f"Translated {len(ids)} article(s).")
    st.rerun()


def toolbar(store: ArticleStore, article, entries: list[listing.ArticleEntry]) -> str:
    """Translate, bulk accept and the sort order; returns the chosen order."""
    entry = listing.entry(article)
    targets = rows.bulk_accept_targets(article)
    untranslated = [e.id for e in entries if e.untranslated]
    left, middle, right = st.columns([2, 2, 3], vertical_alignment="center")
    if left.button(f"Translate ({entry.untranslated} segments)", type="primary",
                   disabled=not entry.untranslated, key="translate"):
        translate(store, [article.id])
    if len(untranslated) > 1 and left.button(f"Translate all {len(untranslated)} articles"):
        translate(store, untranslated)
    middle.button(f"Accept all unflagged ({len(targets)})", disabled=not targets,
                  on_click=on_accept_unflagged, args=(article.id, targets), key="accept_all",
                  help="Accepts pending segments with machine output, no flags and low risk.")
    return right.radio("Order", rows.ORDERS, horizontal=True, key="order")


def segment_row(article_id: str, row: rows.SegmentRow) -> None:
    key = row.box_key(article_id)
    with st.container(border=True):
        st.markdown(f"**§{row.index}** " + badge_line(rows.badges(row)))
        show_flags(row.flags)
        german, english = st.columns(2, gap="medium")
        german.markdown(f"**{md(row.source)}**" if row.kind == "heading" else md(row.source))
        with english:
            text = st.text_area("English", value=row.prefill, key=key, height=box_height(row),
                                label_visibility="collapsed",
                                placeholder="No machine output: type the English translation")
            decision_buttons(article_id, row.index, row.revision, key, row.can_accept,
                             row.machine is not None)
            if row.machine is not None and changed(tokens := word_diff(row.machine, text)):
                st.markdown(diff_markdown(tokens))
        show_flash(f"{article_id}:{row.index}")


def decision_buttons(article_id: str, target, revision: int, box_key: str, can_accept: bool,
                     can_rerun: bool) -> None:
    """Accept / Save correction / Reject, keyed like "accept:<article>:<segment|summary>"."""
    with st.container(horizontal=True, gap="small"):
        for label, action, kind in (("Accept", "accept", "primary"),
                                    ("Save correction", "correct", "secondary"),
                                    ("Reject", "reject", "secondary")):
            st.button(label, key=f"{action}:{article_id}:{target}", type=kind,
                      disabled=action == "accept" and not can_accept, on_click=on_decide,
                      args=(article_id, target, action, revision, box_key))
        if target != "summary" and can_rerun:
            st.button("Re-run model", key=f"rerun:{article_id}:{target}", type="tertiary",
                      on_click=on_rerun_model, args=(article_id, target))


def show_flags(flags) -> None:
    for flag in flags:
        st.markdown(f":orange[⚑ **{md(flag.code)}**] {md(flag.detail)}")


def badge_line(badges: list[tuple[str, str]]) -> str:
    return " ".join(f":{color}-badge[{md(text)}]" for color, text in badges)


def box_height(row) -> int:
    # About 45 characters a line in half the main column; grow to fit, within limits.
    lines = len(row.prefill or row.source) // 45 + 2
    return max(68, min(240, 24 * lines))


def boilerplate(group: rows.BoilerplateGroup) -> None:
    with st.expander(md(group.title)):
        for item in group.rows:
            german, english = st.columns(2, gap="medium")
            german.markdown(md(item.source))
            english.markdown(md(item.machine) or "_not translated_")


def summary_panel(article) -> None:
    st.subheader("Summary")
    view = rows.summary_view(article)
    if view is None:
        st.info("No summary yet: translate the article, or write one here.")
        text_key = f"sum:{article.id}:new"
        st.text_area("Summary", key=text_key, label_visibility="collapsed", height=160)
        decision_buttons(article.id, "summary", 0, text_key, False, False)
        show_flash(f"{article.id}:summary")
        return
    st.caption(md(view.caption))
    show_flags(view.flags)
    key = view.box_key(article.id)
    text = st.text_area("Summary", value=view.prefill, key=key, height=220,
                        label_visibility="collapsed")
    decision_buttons(article.id, "summary", view.revision, key,
                     bool(view.text) and view.status != "accepted", False)
    if view.text and changed(tokens := word_diff(view.text, text)):
        st.markdown(diff_markdown(tokens))
    show_flash(f"{article.id}:summary")
    if view.note:
        st.caption(md(view.note))
    if view.sources:
        st.markdown("**Drawn from these German sentences** (marked *in summary* in the rows):")
        for index, german in view.sources:
            st.markdown(f"§{index}: {md(german)}")


def article_view(store: ArticleStore, article, entries: list[listing.ArticleEntry]) -> None:
    entry = listing.entry(article)
    st.subheader(md(article.title))
    effort = listing.effort_text(article)
    st.caption(md(f"{article.id} · {entry.reviewed}/{entry.total} segments reviewed · "
                  f"summary {entry.summary_state}" + (f" · {effort}" if effort else "")))
    show_flash("top")
    order = toolbar(store, article, entries)
    with st.expander("Reviewed English text (copy with the button at its top right)"):
        st.code(article.english_text() or "Nothing translated yet.", language=None,
                wrap_lines=True)
    segments, summary = st.columns([5, 2], gap="large")
    with segments:
        head_de, head_en = st.columns(2, gap="medium")
        head_de.markdown("##### German")
        head_en.markdown("##### English")
        for block in rows.blocks(article, order):
            if isinstance(block, rows.BoilerplateGroup):
                boilerplate(block)
            else:
                segment_row(article.id, block)
    with summary:
        summary_panel(article)


def main() -> None:
    st.set_page_config(page_title="Translation review", page_icon="📰", layout="wide")
    login_gate()
    store = ArticleStore()
    articles, problems = store.scan()
    entries = [listing.entry(a) for a in articles]
    with st.sidebar:
        st.header("Translation review")
        sidebar_reviewer()
        chosen = sidebar_articles(entries) if entries else None
        sidebar_add()
        sidebar_export(articles)
        sidebar_settings(store)
        sidebar_glossary(store, chosen)
    for problem in problems:
        st.warning(md(problem))
    if not articles:
        return first_start()
    if chosen is None:
        show_flash("top")
        return st.info("Pick another filter in the sidebar to see articles.")
    article_view(store, next(a for a in articles if a.id == chosen), entries)


main()
