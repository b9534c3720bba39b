"""What was wrong: the error picker offered after a reject or a correction (and by "+ Error"
on a decided segment, the summary or a summary sentence).

The picker is keyboard first (``review.ui.key_scope``): a digit picks an error type of the
store's LQA profile, then a digit its severity; Enter takes the one suggested by the
segment's flags (★), Escape closes it. Each pick is saved at once (``review.annotations``), and
the picker stays open for another error until Escape.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from review.article import Article, Segment
from review.errors import ReviewError
from review.store import ArticleStore
from review.ui import state
from review.ui.session import counts_changed, flash, guarded, md, refocus, reviewer

KEYS = "1234567890"  # the digit that picks the n-th type or severity
SPAN, NOTE = "pick-span", "pick-note"  # the severity step's optional span and note boxes


@dataclass(frozen=True)
class Picking:
    """The decision the picker annotates, as the reviewer made it."""
    article_id: str
    target: int | str
    revision: int  # the decision's revision once made: errors go on that one only
    action: str  # "reject" or "correct"; "judge" for a summary sentence
    type: str | None = None  # chosen, waiting for its severity


# -- callbacks ----------------------------------------------------------------------------------

def offer(article_id: str, target: int | str, revision: int, action: str) -> None:
    """Open the picker for the decision just made on ``target`` (revision: before it)."""
    st.session_state[state.PICKER] = Picking(article_id, target, revision + 1, action)


def on_type(picking: Picking, type_: str) -> None:
    refocus()
    st.session_state[state.PICKER] = Picking(picking.article_id, picking.target,
                                             picking.revision, picking.action, type_)


def on_severity(picking: Picking, severity: str) -> None:
    from review.annotations import annotate
    from review.article import QualityError

    refocus()
    span, note = ((st.session_state.get(key) or "").strip() or None for key in (SPAN, NOTE))
    error = QualityError(picking.type, severity, span=span, note=note)
    if guarded("top", lambda: annotate(ArticleStore(), picking.article_id, picking.target,
                                       [error], reviewer(), picking.revision)):
        flash("top", "success", f"{_label(picking.target)}: recorded {picking.type} "
                                f"({severity}). Another? Digits pick it; Esc: done.")
        # Open for another error of the same decision, which recording this one moved on.
        st.session_state[state.PICKER] = Picking(picking.article_id, picking.target,
                                                 picking.revision + 1, picking.action)
        st.session_state[SPAN] = st.session_state[NOTE] = ""
        counts_changed()
    # Refused (a span the English does not hold, a decision changed meanwhile): the picker
    # stays as it was, with what was typed, under the message; Escape closes it.


def on_skip() -> None:
    refocus()
    st.session_state.pop(state.PICKER, None)


# -- drawing ------------------------------------------------------------------------------------

def picker(article: Article, in_summary: bool = False) -> None:
    """The open picker for this article, if any: for a segment above the editor the reviewer
    moved to, for the summary or one of its sentences in the summary panel (``in_summary``)."""
    picking = st.session_state.get(state.PICKER)
    if not isinstance(picking, Picking) or picking.article_id != article.id \
            or str(picking.target).startswith("summary") != in_summary:
        return
    try:
        profile = _profile()
        suggested = None if in_summary else _suggested(article.segment(int(picking.target)),
                                                       profile)
    except (ReviewError, IndexError, ValueError) as err:
        st.session_state.pop(state.PICKER, None)
        return st.caption(md(str(err)))
    # The inner key names this question: a key typed past it (review.ui.key_scope) closes
    # this one only, even while the page is still drawing it.
    with st.container(key="picker"), \
            st.container(key=f"pickid-{picking.target}-{picking.revision}"):
        done = {"reject": " rejected", "correct": " corrected"}.get(picking.action, "")
        if picking.type is None:
            st.markdown(f"**{_label(picking.target)}{done}: what was wrong?** "
                        ":gray[digits pick the type · Enter takes ★ · Esc skips]")
            _choices(profile.types, lambda t: (on_type, (picking, t)),
                     suggested.type if suggested else None, short=True)
        else:
            st.markdown(f"**{md(picking.type)}: how severe?** "
                        ":gray[digits pick the severity · Enter takes ★ · Esc skips]")
            best = (suggested.severity if suggested and suggested.type == picking.type
                    else next(iter(profile.severities)))
            _choices(tuple(profile.severities), lambda s: (on_severity, (picking, s)), best)
            with st.container(horizontal=True, gap="small"):
                st.text_input("Span", key=SPAN, label_visibility="collapsed",
                              placeholder="optional: the words of the English it concerns")
                st.text_input("Note", key=NOTE, label_visibility="collapsed",
                              placeholder="optional: a note")
        st.button("Esc skip", key="pick-skip", type="tertiary", on_click=on_skip)


def _choices(names: tuple[str, ...], action, best: str | None, short: bool = False) -> None:
    with st.container(horizontal=True, gap="small", key="pick-choices"):
        if best is not None:
            call, args = action(best)
            st.button(f"★ Enter: {_short(best) if short else best}", key="pick-enter",
                      type="primary", on_click=call, args=args)
        for n, name in enumerate(names):
            call, args = action(name)
            digit = KEYS[n] if n < len(KEYS) else None
            st.button(f"{digit or '·'} {_short(name) if short else name}",
                      key=f"pick-{digit}" if digit else f"pick-more-{n}", type="tertiary",
                      on_click=call, args=args, help=name)


def _suggested(seg: Segment, profile):
    from review.lqa.mapping import suggest_for

    found = suggest_for(seg, profile)
    return found[0] if found else None


def _short(type_: str) -> str:
    """"accuracy/omission" -> "omission"; a type without a branch as it is."""
    return type_.rsplit("/", 1)[-1]


def _label(target: int | str) -> str:
    """§N for a segment, SK for summary sentence "summary:K"."""
    if str(target).startswith("summary:"):
        return f"S{str(target).split(':', 1)[1]}"
    return "Summary" if target == "summary" else f"§{target}"


def _profile():
    from review.annotations import profile_of

    return profile_of(ArticleStore())
