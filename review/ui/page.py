"""The article page: compact rows, one open editor, the summary beside them, keyboard flow.

Everything here runs inside one fragment, so a decision re-renders this article, not the
sidebar and its article list. The editor box and its buttons, for a segment and for the
summary alike, are the ``decision_bar``; the decision logic itself is in ``actions``.
"""
from __future__ import annotations

from functools import partial

import streamlit as st

from review.article import Article
from review.checks.describe import describe
from review.diff import changed, diff_markdown, word_diff
from review.errors import ReviewError
from review.listing import ArticleEntry
from review.store import ArticleStore
from review.ui import (actions, assessment, jobs_panel, keyboard, listing, memory_panel,
                       navigation, rows, state, translate_bar)
from review.ui.markup import german_with_terms
from review.ui.decision_bar import BoxLook, decision_bar, for_segment
from review.ui.done_cue import done_cue
from review.ui.error_picker import picker
from review.ui.history_view import history
from review.ui.summary_panel import evidence, summary_panel
from review.ui.session import (drafts, fill_box, flash, go, guarded, md, counts_changed,
                               refocus, reviewer, server_drafts, show_flash, write_url)

WINDOW = 60  # rows drawn at once around the open one: a long article stays as fast as a short


# -- callbacks: run before the fragment re-renders ----------------------------------------------

def on_dismiss(article_id: str, index: int, code: str, detail: str, restore: bool) -> None:
    refocus()  # the reviewer goes on typing where they were
    if guarded(f"{article_id}:{index}", lambda: actions.dismiss(
            ArticleStore(), article_id, index, code, detail, reviewer(), restore)):
        counts_changed()  # the article list counts flags


def on_accept_unflagged(article_id: str, targets: list[tuple[int, int]]) -> None:
    try:
        done, stale = actions.accept_unflagged(ArticleStore(), article_id, reviewer(), targets)
    except ReviewError as err:
        return flash("top", "error", str(err))
    late = f"; {stale} changed in another tab and were left for you" if stale else ""
    flash("top", "success", f"Accepted {done} unflagged segments{late}.")
    st.session_state.pop(state.current(article_id), None)  # open the first one still pending
    counts_changed()


def on_rerun_model(article_id: str, index: int, mt_model: str) -> None:
    from models import registry
    from models.base import ModelUnavailable
    from review.pipeline import retranslate_segment

    store = ArticleStore()
    try:
        retranslate_segment(store, article_id, index, registry.get_translator(mt_model or None),
                            actions.glossary(store))
    except (ReviewError, ModelUnavailable) as err:
        flash(f"{article_id}:{index}", "error", str(err))


# -- the page -----------------------------------------------------------------------------------

@st.fragment(key=state.ARTICLE_FRAGMENT)
def article_page(article_id: str, waiting: translate_bar.Waiting, mt_model: str) -> None:
    """One article: header, toolbar, segments with the current one open, summary panel."""
    try:
        article = ArticleStore().view(article_id)  # the page only reads it
    except ReviewError as err:
        return st.warning(md(str(err)))
    blocks = rows.blocks(article, st.session_state.get(state.ORDER, rows.ORDERS[0]))
    review = rows.review_rows(blocks)
    current = navigation.opening(review, st.session_state.get(state.current(article_id)))
    st.session_state[state.current(article_id)] = current
    header(article, review)
    toolbar(article, review, current, waiting, mt_model)
    done_cue(article, review)
    segments, summary = st.columns([5, 2], gap="medium")
    with segments, st.container(key="segment-list"):
        segment_list(article, blocks, review, current, mt_model)
    with summary, st.container(key="summary-panel"):
        summary_panel(article)
    write_url(article_id, current)
    jobs_panel.announce_repetitions()
    drawn_mark()


def drawn_mark() -> None:
    """The page's last element, counting its drawings: a key pressed while the page answers
    the one before waits for a higher count (review.ui.key_scope)."""
    count = st.session_state[state.DRAWN] = st.session_state.get(state.DRAWN, 0) + 1
    with st.container(key=f"drawn-{count}"):
        st.html("<span></span>")


@st.cache_data(max_entries=256, show_spinner=False)
def _effort(article_id: str, revision: int, profile, _article: Article) -> str:
    """Post-edit effort (chrF/TER over every decision), scored once per article revision,
    and the article's LQA scorecard under ``profile`` once a segment is decided."""
    from review.lqa.scorecard import article_card

    effort = listing.effort_text(_article)
    card = article_card(_article, profile)
    if not card.words:
        return effort
    verdict = "pass" if card.passed else "FAIL"
    lqa = (f"LQA {card.score:.1f} ({card.per_thousand:.1f} points per 1,000 words, "
           f"{verdict})")
    return " · ".join(filter(None, (effort, lqa)))


def _lqa_profile():
    """The store's LQA profile, or the reason it cannot be used (a bad lqa.toml)."""
    from review.annotations import profile_of

    try:
        return profile_of(ArticleStore()), None
    except ReviewError as err:
        return None, f"LQA: {err}"


def header(article: Article, review: list[rows.SegmentRow]) -> None:
    entry = ArticleEntry.of(article)
    reviewed, total, flagged = navigation.progress(review)
    profile, trouble = _lqa_profile()
    effort = trouble if profile is None else _effort(article.id, article.revision, profile,
                                                     article)
    english, state_of = article.english_title()
    with st.container(key="article-head", horizontal=True, gap="medium"):
        st.markdown(f"##### {md(article.title)}", help=md(article.title), width="stretch")
        if state_of != "german":  # the English title beside the German, as exports give it
            st.markdown(f"##### :blue[{md(english)}]" + (" :gray[(machine)]" if state_of ==
                        "machine" else ""), help=md(english), width="stretch")
    st.progress(reviewed / total if total else 0.0, text=md(
        f"{reviewed} of {total} segments reviewed"
        + (f" · {flagged} pending with flags" if flagged else "")
        + f" · summary {entry.summary_state} · {article.id}" + (f" · {effort}" if effort else "")))
    show_flash("top")


def toolbar(article: Article, review: list[rows.SegmentRow], current: int | None,
            waiting: translate_bar.Waiting, mt_model: str) -> None:
    targets = rows.bulk_accept_targets(article)
    visible = navigation.shown(review, st.session_state.get(state.SEG_FILTER) or "all", current)
    upcoming = navigation.next_pending(review, current)
    with st.container(key="toolbar", horizontal=True, vertical_alignment="center", gap="small"):
        off = translate_bar.buttons(article, waiting, mt_model)
        st.button(f"Accept unflagged ({len(targets)})", disabled=not targets,
                  on_click=on_accept_unflagged, args=(article.id, targets), key="accept_all",
                  help="Accepts pending segments with machine output, no flags and a risk "
                       "below the bulk-accept bar (the riskiest fifth of real MT output on "
                       "WMT22 is left for a reader).")
        st.button("↑", key=f"prev:{article.id}", shortcut=keyboard.PREVIOUS, on_click=go,
                  args=(article.id, navigation.step(visible, current, -1)),
                  help="Previous segment")
        st.button("↓", key=f"next:{article.id}", shortcut=keyboard.NEXT, on_click=go,
                  args=(article.id, navigation.step(visible, current, 1)), help="Next segment")
        st.button("Next pending", key="next_pending", shortcut=keyboard.NEXT_PENDING,
                  on_click=go, args=(article.id, upcoming), disabled=upcoming is None)
        st.segmented_control("Segments", navigation.SEGMENT_FILTERS, key=state.SEG_FILTER,
                             default="all", label_visibility="collapsed")
        st.button("Search", key="concordance", on_click=memory_panel.concordance,
                  help="Concordance: a word or phrase in German or English across the memory "
                       "and every article")
        view_menu()
    translate_bar.note(article, off)  # why Translate is off, or how its last job went
    if st.session_state.get(state.SHOW_TEXT):
        reviewed_text(article)


def view_menu() -> None:
    with st.popover("View"):
        st.radio("Order", rows.ORDERS, key=state.ORDER)
        st.toggle("Reviewed English text", key=state.SHOW_TEXT)
        st.checkbox("…with machine drafts (marked [draft])", key=state.WITH_DRAFTS)
        st.markdown("**Keyboard**")
        for keys, what in keyboard.SHORTCUTS:
            st.markdown(f"`{keys}` {md(what)}")


def reviewed_text(article: Article) -> None:
    drafts_too = st.session_state.get(state.WITH_DRAFTS, False)
    text = article.reviewed_text(drafts=drafts_too)
    empty = "Nothing translated yet." if drafts_too else "Nothing approved yet."
    st.code(text or empty, language=None, wrap_lines=True)


def segment_list(article: Article, blocks, review: list[rows.SegmentRow], current: int | None,
                 mt_model: str) -> None:
    which = st.session_state.get(state.SEG_FILTER) or navigation.SEGMENT_FILTERS[0]
    visible = navigation.shown(review, which, current)
    if not visible:
        st.caption("No segment matches this filter.")
    window = navigation.window(visible, current, WINDOW)
    if len(window) < len(visible):
        window_bar(article.id, visible, window)
    shown = {r.index for r in window}
    windowed = len(window) < len(visible)
    span = (min(shown), max(shown)) if shown else (0, -1)
    kept = server_drafts(article.id)  # read once for every row
    marked = set(evidence(article))
    for block in blocks:
        if isinstance(block, rows.BoilerplateGroup):
            if which == "all" and (not windowed or span[0] <= block.rows[0].index <= span[1]):
                boilerplate(block)
            continue
        if block.index not in shown:
            continue
        with st.container(key=f"seg-{article.id}-{block.index}"):
            if block.index == current:
                # What was wrong with the one just rejected or corrected: in a slot that is
                # always there, so the editor below keeps its place when the picker comes.
                with st.container(key="picker-slot"):
                    picker(article)
                editor(article, block, review, mt_model)
            elif block.index in marked:  # evidence of the summary sentence open beside
                with st.container(key=f"evidence-{article.id}-{block.index}"):
                    compact_row(article.id, block, kept.get(block.index))
            else:
                compact_row(article.id, block, kept.get(block.index))


def window_bar(article_id: str, visible: list[rows.SegmentRow],
               window: list[rows.SegmentRow]) -> None:
    """A long article shows a window of rows around the open one; these move the window."""
    first = visible.index(window[0])
    last = first + len(window) - 1
    jumps = (("⏮", "first", 0), ("◀ earlier", "earlier", max(first - 1, 0)),
             ("later ▶", "later", min(last + 1, len(visible) - 1)),
             ("⏭", "last", len(visible) - 1))
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(f"Rows {first + 1}–{last + 1} of {len(visible)}")
        for label, name, position in jumps:
            st.button(label, key=f"window-{name}", type="tertiary", on_click=go,
                      args=(article_id, visible[position].index))


def compact_row(article_id: str, row: rows.SegmentRow, kept: str | None = None) -> None:
    """German | English | status in a few lines; the number button opens it. A draft (this
    tab's, else ``kept`` on the server) is shown instead of the English and marked."""
    typed = drafts().get(row.box_key(article_id)) or kept
    with st.container(key=f"row-{article_id}-{row.index}"):
        number, german, english, status = st.columns([0.5, 4, 4, 2.5], gap="small")
        number.button(str(row.index), key=f"goto:{article_id}:{row.index}", type="tertiary",
                      on_click=go, args=(article_id, row.index), help="Open this segment")
        german.markdown(f"**{md(row.source)}**" if row.kind == "heading" else md(row.source))
        shown = typed or row.prefill
        english.markdown(md(shown) if shown else ":gray[_not translated_]")
        status.markdown(status_word(row) + (" ✎ draft" if typed else ""))


def status_word(row: rows.SegmentRow) -> str:
    color = rows.STATUS_COLORS.get(row.status, "gray")
    word = f":{color}-badge[{rows.STATUS_ICONS.get(row.status, '')} {row.status}]"
    if row.flags:
        word += f" :orange-badge[⚑ {len(row.flags)}]"
    if row.errors:
        word += f" :red-badge[✎ {row.errors} error{'s' if row.errors > 1 else ''}]"
    if row.comments:
        word += f" :violet-badge[💬 {row.comments}]"
    return word


def editor(article: Article, row: rows.SegmentRow, review: list[rows.SegmentRow],
           mt_model: str) -> None:
    """The current segment: flags, German beside the English editor, buttons, diff, history."""
    aid, index = article.id, row.index
    subject = for_segment(aid, row)
    rerun = partial(st.button, "Re-run", key=f"rerun:{aid}:{index}", type="tertiary",
                    on_click=on_rerun_model, args=(aid, index, mt_model))
    with st.container(key=f"current-{aid}-{index}"):
        with st.container(key=f"badges-{aid}-{index}"):
            st.markdown(f"**§{index}** " + badge_line(rows.badges(row)))
        german, english = st.columns(2, gap="medium")
        german.html(german_with_terms(row.source, _glossary(), bold=row.kind == "heading"))
        look = BoxLook("English", box_height(row),
                       placeholder="No machine output: type the English translation")
        text = decision_bar(subject, look, navigation.next_pending(review, index),
                            article.undoable(index), box_in=english,
                            extra=rerun if row.machine is not None else None)
        with german:  # under the German, where the box beside it leaves room
            assessment.comments(article, index)
        with english:  # the hidden focus script, beside the box it focuses
            take_focus(f"seg-{aid}-{index}", subject.box_key)
        flags_panel(aid, row, text, article.revision)
        if row.machine is not None and changed(tokens := word_diff(row.machine, text)):
            st.markdown(diff_markdown(tokens))
        assessment.errors(article, index)
        second_opinion(aid, index, row, text, subject.box_key)
        memory_panel.suggestions(aid, index, row.source, subject.box_key)
        history(article, index)


def second_opinion(aid: str, index: int, row: rows.SegmentRow, text: str, box_key: str) -> None:
    """The second model's English, when it differs from the box: what differs, and one key
    to take it into the editor (then Confirm saves it as a correction)."""
    from review.checks.second_opinion import SECOND_OPINION_THRESHOLD, chrf_between

    if row.second is None or row.second.strip() == (text or "").strip():
        return
    score = chrf_between(text, row.second) if text.strip() else None
    with st.container(key=f"opinion-{aid}-{index}"):
        take, body = st.columns([2.4, 11], vertical_alignment="top")
        take.button("Take", key=f"second:{aid}:{index}", shortcut=keyboard.SECOND_OPINION,
                    on_click=fill_box, args=(box_key, row.second),
                    help="Put the second model's English into the editor")
        close = score is not None and score >= SECOND_OPINION_THRESHOLD
        body.markdown(f"**Second opinion** :gray[{md(row.second_model or '')}"
                      + ("" if score is None else f" · chrF {score:.0f} with the box") + "]  \n"
                      # a diff helps where the two are close; far apart, it is only noise
                      + (diff_markdown(word_diff(text, row.second)) if close
                         else md(row.second)))


def take_focus(container_key: str, box_key: str) -> None:
    """Focus a newly shown editor (another segment, or this one after a decision)."""
    if st.session_state.get(state.FOCUSED) == box_key:
        return
    st.session_state[state.FOCUSED] = box_key
    with st.container(key="focus-script"):
        st.html(keyboard.focus_script(container_key, abs(hash(box_key))
                                      + st.session_state.get(state.REFOCUS, 0)),
                unsafe_allow_javascript=True)


def _glossary():
    from review.typed_checks import store_glossary

    return store_glossary(ArticleStore())  # read again only when the file changed


@st.cache_data(max_entries=128, show_spinner=False)
def _typed_flags(article_id: str, index: int, revision: int, text: str) -> list:
    """The flags of ``text`` typed into a segment, once per text and article revision."""
    from review.typed_checks import flags_as_typed

    return flags_as_typed(ArticleStore(), article_id, index, text)


def flags_panel(aid: str, row: rows.SegmentRow, text: str, revision: int) -> None:
    """Each flag of the text in the box (hover for why it matters), dismissable as a false
    alarm: the stored flags, or, once the reviewer has typed, those of the typed text."""
    from review.typed_checks import needs_live_flags

    flags = row.flags
    if needs_live_flags(row.prefill, text):
        try:
            flags = _typed_flags(aid, row.index, revision, text)
        except (ReviewError, IndexError):
            pass  # the stored flags, until the text can be checked
    with st.container(key=f"flags-{aid}-{row.index}"):
        _flag_lines(aid, row, flags)


def _flag_lines(aid: str, row: rows.SegmentRow, flags) -> None:
    for number, flag in enumerate(flags):
        title, why = describe(flag.code)
        text, dismiss = _flag_line()
        text.markdown(f":orange[⚑ **{md(title)}**]: {md(flag.detail)}", help=why)
        dismiss.button("✕", key=f"dismiss:{aid}:{row.index}:{number}", type="tertiary",
                       on_click=on_dismiss, args=(aid, row.index, flag.code, flag.detail, False),
                       help="Not an error: dismiss this flag (kept with your name; lowers "
                            "the risk)")
    for number, gone in enumerate(row.dismissed):
        text, restore = _flag_line()
        text.caption(md(f"Dismissed by {gone.reviewer} at {gone.time}: "
                        f"{describe(gone.code)[0]} ({gone.detail})"))
        restore.button("↺", key=f"restore:{aid}:{row.index}:{number}", type="tertiary",
                       on_click=on_dismiss, args=(aid, row.index, gone.code, gone.detail, True),
                       help="Restore this flag")


def _flag_line():
    """A flag's text, as wide as the line allows, and a button of its own width after it."""
    line = st.container(horizontal=True, vertical_alignment="center", gap="small")
    return line.container(width="stretch"), line.container(width="content")


def badge_line(badges: list[tuple[str, str]]) -> str:
    return " ".join(f":{color}-badge[{md(text)}]" for color, text in badges)


def box_height(row: rows.SegmentRow) -> int:
    # About 45 characters a line in half the column; grow to fit, within limits.
    lines = len(row.prefill or row.source) // 45 + 2
    return max(68, min(130, 24 * lines))


def boilerplate(group: rows.BoilerplateGroup) -> None:
    with st.expander(md(group.title)):
        for item in group.rows:
            german, english = st.columns(2, gap="medium")
            german.markdown(md(item.source))
            english.markdown(md(item.machine) or "_not translated_")
