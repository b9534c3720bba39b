"""The summary beside the segments: its editor (the shared decision bar), then its sentences,
each a claim with its evidence segments, its faithfulness flags and a reviewer's verdict.

Clicking a sentence (or Alt+J, Alt+K for the next and previous one) marks its evidence rows in
the segment list and scrolls to the first; ``evidence`` tells the list which rows those are.
"""
from __future__ import annotations

import streamlit as st

from review.article import Article, SummarySentence, VERDICTS
from review.checks.describe import describe
from review.diff import changed, diff_markdown, word_diff
from review.store import ArticleStore
from review.ui import assessment, keyboard, rows, state
from review.ui.decision_bar import BoxLook, decision_bar, for_summary
from review.ui.error_picker import offer, picker
from review.ui.history_view import history
from review.ui.session import counts_changed, go, guarded, md, reviewer

VERDICT_ICONS = {"supported": "✓", "unsupported": "?", "contradicted": "✗", None: "·"}
VERDICT_COLORS = {"supported": "green", "unsupported": "orange", "contradicted": "red"}
SHOWN_EVIDENCE = 4  # evidence rows listed under the open sentence, best first


# -- callbacks ----------------------------------------------------------------------------------

def on_sentence(article_id: str, k: int | None) -> None:
    """Open sentence ``k`` (None: close it): its evidence is marked and scrolled to."""
    st.session_state[state.claim(article_id)] = k
    st.session_state[state.CLAIM_SCROLL] = st.session_state.get(state.CLAIM_SCROLL, 0) + 1


def on_verdict(article_id: str, k: int, key: str, note_key: str | None, revision: int) -> None:
    verdict = st.session_state.get(key)
    note = st.session_state.get(note_key) if note_key else None
    if verdict is None:
        return  # a segmented control clicked off: nothing to record
    if guarded(f"{article_id}:summary", lambda: ArticleStore().verdict(
            article_id, k, verdict, reviewer(), note=(note or "").strip() or None,
            expected_revision=revision)):
        counts_changed()


# -- what the page asks ---------------------------------------------------------------------------

def evidence(article: Article) -> list[int]:
    """The evidence segments of the open sentence, best first; [] when none is open."""
    sentence = _open_sentence(article)
    return list(sentence.evidence) if sentence else []


def _open_sentence(article: Article) -> SummarySentence | None:
    k = st.session_state.get(state.claim(article.id))
    sentences = article.summary.sentences if article.summary else []
    return sentences[k] if isinstance(k, int) and 0 <= k < len(sentences) else None


# -- the panel --------------------------------------------------------------------------------------

def summary_panel(article: Article) -> None:
    st.markdown("##### Summary")
    view = rows.summary_view(article)
    if view is None:
        st.info("No summary yet: translate the article, or write one here.")
        decision_bar(for_summary(article.id, None), BoxLook("Summary", 160), None, None)
        return
    st.caption(md(view.caption))
    # The editor first: its sentences, diff and note follow, so it is always in view.
    text = decision_bar(for_summary(article.id, view), BoxLook("Summary", 200), None,
                        article.undoable("summary"))
    if view.text and changed(tokens := word_diff(view.text, text)):
        st.markdown(diff_markdown(tokens))
    if view.note:
        st.caption(md(view.note))
    assessment.errors(article, "summary")
    if not _open_sentence(article):
        picker(article, in_summary=True)  # the summary's own errors (a sentence's: under it)
    assessment.comments(article, "summary")
    history(article, "summary")
    if article.summary.sentences:
        sentences(article, view.revision)
    else:  # a summary stored before sentences were kept
        _flag_lines(view.flags)
        for index, german in view.sources:
            st.caption(f"§{index}: {md(german)}")


def sentences(article: Article, revision: int) -> None:
    from review.summary_sentences import sentence_flags

    summary = article.summary
    flags = sentence_flags(summary)
    opened = _open_sentence(article)
    by_index = {seg.index: seg for seg in article.segments}
    with st.container(key="claims", horizontal=True, gap="small",
                      vertical_alignment="center"):
        st.markdown("**Sentences and their evidence**", width="stretch",
                    help="Click a sentence to mark the segments that support it. Alt+J / "
                         "Alt+K: next / previous sentence.")
        _stepper(article.id, len(summary.sentences))
    for k, sentence in enumerate(summary.sentences):
        with st.container(key=f"claim-{article.id}-{k}"):
            icon = VERDICT_ICONS.get(sentence.verdict, "·")
            st.button(f"{icon} S{k} {sentence.text}", key=f"sentence:{article.id}:{k}",
                      type="secondary" if sentence is opened else "tertiary",
                      on_click=on_sentence, args=(article.id, None if sentence is opened else k),
                      help=f"S{k}: {sentence.verdict or 'no verdict yet'}"
                           + (f" · {sentence.note}" if sentence.note else ""))
            _flag_lines(flags[k] if k < len(flags) else [])
            if sentence is opened:
                _evidence_lines(article.id, sentence, by_index)
                _verdict(article.id, k, sentence, revision)
                _sentence_errors(article.id, k, sentence, revision)
                picker(article, in_summary=True)
    _scroll_to_evidence(article)


def _stepper(article_id: str, count: int) -> None:
    k = st.session_state.get(state.claim(article_id))
    here = k if isinstance(k, int) and 0 <= k < count else -1
    st.button("↓", key=f"claim-next:{article_id}", type="tertiary",
              shortcut=keyboard.NEXT_SENTENCE, on_click=on_sentence,
              args=(article_id, (here + 1) % count), help="Next sentence")
    st.button("↑", key=f"claim-prev:{article_id}", type="tertiary",
              shortcut=keyboard.PREVIOUS_SENTENCE, on_click=on_sentence,
              args=(article_id, (here - 1) % count if here >= 0 else count - 1),
              help="Previous sentence")


def _flag_lines(flags) -> None:
    for flag in flags:
        title, why = describe(flag.code)
        st.markdown(f":orange[⚑ **{md(title)}**]: {md(flag.detail)}", help=why)


def _evidence_lines(article_id: str, sentence: SummarySentence, by_index: dict) -> None:
    if not sentence.evidence:
        st.caption("No segment of the article supports this sentence.")
    for index in sentence.evidence[:SHOWN_EVIDENCE]:
        seg = by_index.get(index)
        if seg is None:
            continue
        english = seg.english if seg.decision.status != "rejected" else None
        line = st.container(horizontal=True, gap="small", key=f"proof-{article_id}-{index}")
        line.button(f"§{index}", key=f"proof:{article_id}:{index}", type="tertiary",
                    on_click=go, args=(article_id, index), help="Open this segment")
        line.caption(md(seg.source) + (f"  \n→ {md(english)}" if english else ""))
    rest = len(sentence.evidence) - SHOWN_EVIDENCE
    if rest > 0:
        st.caption(f"…and {rest} more, marked in the segment list")


def _verdict(article_id: str, k: int, sentence: SummarySentence, revision: int) -> None:
    key = f"verdict:{article_id}:{k}:{revision}"
    note_key = f"vnote:{article_id}:{k}:{revision}"
    st.segmented_control("Verdict", VERDICTS, key=key, default=sentence.verdict,
                         format_func=lambda v: f"{VERDICT_ICONS[v]} {v}",
                         on_change=on_verdict, args=(article_id, k, key, note_key, revision))
    st.text_input("Note (why)", value=sentence.note or "", key=note_key,
                  placeholder="optional: what is wrong, or where the article says it",
                  on_change=on_verdict, args=(article_id, k, key, note_key, revision))


def _sentence_errors(article_id: str, k: int, sentence: SummarySentence, revision: int) -> None:
    """The errors recorded on the sentence, and "+ Error" to record one (the picker)."""
    for error in sentence.errors:
        extra = " · ".join(part for part in (error.note, error.reviewer) if part)
        st.markdown(f":red-badge[✎ {md(error.type)} · {md(error.severity)}]"
                    + (f" :gray[{md(extra)}]" if extra else ""))
    st.button("＋ Error", key=f"error:{article_id}:summary:{k}", type="tertiary",
              on_click=offer, args=(article_id, f"summary:{k}", revision - 1, "judge"),
              help="Record what is wrong with this sentence (MQM type and severity)")


def _scroll_to_evidence(article: Article) -> None:
    """Scroll the first evidence row into view once per click on a sentence."""
    found, clicks = evidence(article), st.session_state.get(state.CLAIM_SCROLL, 0)
    if not found or st.session_state.get(state.CLAIM_SCROLLED) == clicks:
        return  # scrolled for this click already: a decision's redraw must not scroll back
    st.session_state[state.CLAIM_SCROLLED] = clicks
    with st.container(key="claim-script"):
        st.html(keyboard.scroll_script(f"seg-{article.id}-{found[0]}", clicks),
                unsafe_allow_javascript=True)
