"""The decision bar: an editor box with Confirm, Save edit, Reject, Undo and Machine text.

One component for a segment and for the summary, so both get the same safeties: what is typed
stays as a draft until confirmed, a saved correction is replaced only after a second question,
a decision on a stale view is refused with a Reload, and Undo takes a decision back. Its
keys act where the cursor is (``review.ui.key_scope``): in the open segment's editor on that
segment, in the summary's editor on the summary.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from review.article import APPROVED, HistoryEntry
from review.errors import ReviewError, StaleRevisionError
from review.store import ArticleStore
from review.ui import actions, jobs_panel, keyboard, state
from review.ui.rows import SegmentRow, SummaryView
from review.ui.conflict import conflict_panel, refused, settled
from review.ui.error_picker import offer
from review.ui.session import (drafts, fill_box, flash, go, guarded, keep, md, counts_changed,
                               reviewer, server_drafts, show_flash, usable_reviewer)


@dataclass(frozen=True)
class Subject:
    """What one bar decides on, as the reviewer saw it."""
    article_id: str
    target: int | str  # a segment index, or "summary"
    status: str
    machine: str | None  # the machine text: a model's English, or the generated summary
    decided: str | None  # the approved text, when accepted or corrected
    revision: int  # the decision revision the view was built from
    prefill: str  # what the box starts with
    box_key: str
    new: bool = False  # nothing stored yet (an article without a summary): only a Save

    @property
    def where(self) -> str:
        """``ARTICLE:TARGET``: where the bar's messages show, and the end of its widget keys."""
        return f"{self.article_id}:{self.target}"

    @property
    def is_summary(self) -> bool:
        return self.target == "summary"


@dataclass(frozen=True)
class BoxLook:
    label: str
    height: int
    placeholder: str | None = None


def for_segment(article_id: str, row: SegmentRow) -> Subject:
    return Subject(article_id, row.index, row.status, row.machine, row.decided_text,
                   row.revision, row.prefill, row.box_key(article_id))


def for_summary(article_id: str, view: SummaryView | None) -> Subject:
    """The summary's subject; without a summary (``view`` None), one the reviewer writes."""
    if view is None:
        return Subject(article_id, "summary", "pending", None, None, 0, "",
                       state.new_summary_box(article_id), new=True)
    decided = view.prefill if view.status in APPROVED else None
    return Subject(article_id, "summary", view.status, view.text, decided, view.revision,
                   view.prefill, view.box_key(article_id))


def decision_bar(subject: Subject, look: BoxLook, then: int | None,
                 undoable: HistoryEntry | None, box_in: DeltaGenerator | None = None,
                 extra: Callable[[], None] | None = None) -> str:
    """Draw the box (inside ``box_in`` when given), the buttons (``extra`` after them), the
    replace question and the last click's message; returns the text in the box.

    ``then`` is the segment Confirm and Reject open next (None: stay).
    """
    with box_in if box_in is not None else nullcontext():
        text = _box(subject, look)
        conflict_panel(subject, on_keep_mine)
    with st.container(key=f"bar-{subject.where}", horizontal=True, gap="small",
                      vertical_alignment="center"):
        _buttons(subject, then, undoable)
        if extra is not None:
            extra()
    replace_question(subject, then)
    show_flash(subject.where)
    return text


def _box(subject: Subject, look: BoxLook) -> str:
    """The editor. It starts with what this tab typed into it, else the reviewer's draft on
    the server (which a new machine output or another tab leaves alone), else the prefill."""
    key = subject.box_key
    saved = server_drafts(subject.article_id).get(subject.target)
    if key not in st.session_state:  # set once: a changing value= would make a new widget
        st.session_state[key] = drafts().get(key) or saved or subject.prefill
    text = st.text_area(look.label, key=key, height=look.height,
                        label_visibility="collapsed", placeholder=look.placeholder)
    if saved and subject.machine and text != subject.machine:
        st.caption(f"Machine text: {md(subject.machine)}")  # beside the draft, never over it
    if saved and saved != text:
        st.button("Restore my text", key=f"restore:{subject.where}", type="tertiary",
                  on_click=fill_box, args=(key, saved), icon=":material/undo:",
                  help="Put the text you typed (your draft, kept on the server) back in the box")
    box = state.OpenBox(key, subject.prefill, subject.article_id, subject.target)
    if text not in (subject.prefill, saved):
        keep(box, text)  # typed (review.ui.draft_sink sends it): the reviewer's draft
    elif text == subject.prefill:
        drafts().pop(key, None)
    slot = "summary" if subject.is_summary else "segment"
    st.session_state.setdefault(state.OPEN_BOXES, {})[slot] = box
    return text


def _buttons(subject: Subject, then: int | None, undoable: HistoryEntry | None) -> None:
    if subject.new:
        return _button(subject, "accept", "Save summary", type="primary", on_click=on_confirm,
                       args=(subject, then))
    accepts, onward = ("the summary", "") if subject.is_summary \
        else ("the machine text", "; then opens the next pending segment")
    stay = None if subject.is_summary else subject.target
    _button(subject, "accept", "Confirm", type="primary", on_click=on_confirm,
            args=(subject, then),
            help=f"Accepts {accepts}, or saves your edit as a correction{onward}")
    _button(subject, "correct", "Save edit", on_click=on_confirm, args=(subject, stay),
            help="Saves the box as it is (your correction) and stays here")
    _button(subject, "reject", "Reject", on_click=on_reject, args=(subject, then))
    _button(subject, "undo", "Undo", disabled=undoable is None, on_click=on_undo,
            args=(subject,),
            help=None if undoable is None else md(f"Undo {undoable.action} by {undoable.reviewer}"))
    if subject.machine is not None:
        _button(subject, "machine", "Machine text", type="tertiary", on_click=fill_box,
                args=(subject.box_key, subject.machine),
                help="Put the machine text back in the box")


# The open segment's keys; the summary beside it has none (one key, one button).
_SHORTCUTS = {"accept": keyboard.CONFIRM, "reject": keyboard.REJECT, "undo": keyboard.UNDO,
              "machine": keyboard.MACHINE_TEXT}


def _button(subject: Subject, action: str, label: str, **options) -> None:
    """A bar button, keyed ``ACTION:ARTICLE:TARGET`` (the keys tests and scripts click)."""
    st.button(label, key=f"{action}:{subject.where}",
              shortcut=None if subject.is_summary else _SHORTCUTS.get(action), **options)


def replace_question(subject: Subject, then: int | None) -> None:
    """The second step before a saved correction is replaced, when a click asked for it."""
    asked = st.session_state.get(state.REPLACE)
    if not asked or asked["subject"].where != subject.where:
        return
    what = "accept the machine text" if asked["action"] == "accept" else "reject it"
    noun = "summary" if subject.is_summary else "segment"
    st.warning(f"This {noun} has a saved correction. Replace it and {what}? "
               "(Undo can bring it back.)")
    with st.container(horizontal=True, gap="small"):
        st.button("Replace correction", key=f"replace:{subject.where}", type="primary",
                  on_click=on_replace, args=(then,))
        st.button("Keep correction", key=f"keep:{subject.where}",
                  on_click=st.session_state.pop, args=(state.REPLACE, None))


# -- callbacks: run before the page is drawn again ----------------------------------------------

def on_confirm(subject: Subject, then: int | None) -> None:
    """Accept unchanged machine text, save an edit as a correction, or keep what is approved."""
    try:
        action, text = actions.plan_confirm(subject.status, subject.machine, subject.decided,
                                            st.session_state.get(subject.box_key))
    except ReviewError as err:
        return flash(subject.where, "error", str(err))
    if action == "keep" or _decide(subject, action, text, then=then):
        _decided(subject)  # its text is saved: no draft of it is kept when the page moves on
        go(subject.article_id, then)
        if action == "correct" and not subject.is_summary:
            offer(subject.article_id, subject.target, subject.revision, action)
        if action != "keep":
            _sync_repetitions(subject)
            counts_changed()


def _decided(subject: Subject) -> None:
    """Forget the box whose text a decision just saved (``go`` keeps open boxes' texts)."""
    drafts().pop(subject.box_key, None)
    boxes = st.session_state.get(state.OPEN_BOXES) or {}
    for slot, box in list(boxes.items()):
        if box.key == subject.box_key:
            del boxes[slot]


def on_reject(subject: Subject, then: int | None) -> None:
    if _decide(subject, "reject", None, then=then):
        go(subject.article_id, then)
        if not subject.is_summary:
            offer(subject.article_id, subject.target, subject.revision, "reject")
        if subject.status in APPROVED:
            _sync_repetitions(subject)
        counts_changed()


def on_replace(then: int | None) -> None:
    """The explicit second step: replace the saved correction after all."""
    asked = st.session_state.pop(state.REPLACE, None)
    if asked and _decide(asked["subject"], asked["action"], None, replace=True, then=then):
        go(asked["subject"].article_id, then)
        _sync_repetitions(asked["subject"])  # it replaced a correction
        counts_changed()


def on_keep_mine(subject: Subject, mine: str) -> None:
    """After a refusal: save the reviewer's text over theirs, as a new correction."""
    if _decide(subject, "correct", mine):
        settled(subject.where)
        _sync_repetitions(subject)
        counts_changed()


def on_undo(subject: Subject) -> None:
    if guarded(subject.where, lambda: actions.undo(
            ArticleStore(), subject.article_id, subject.target, reviewer(), subject.revision)):
        _sync_repetitions(subject)
        counts_changed()


def _decide(subject: Subject, action: str, text: str | None, replace: bool = False,
            then: int | None = None) -> bool:
    """Record the decision; a refusal shows at the bar, a warning where the reviewer goes
    (``then``: the segment opened next when it lands, None: this one)."""
    warnings: list[str] = []

    def work():
        actions.require_reviewer(reviewer())  # no name: say so before asking to replace
        actions.check_replace(subject.status, action, replace)
        try:
            actions.decide(ArticleStore(), subject.article_id, subject.target, action,
                           reviewer(), text=text, expected_revision=subject.revision,
                           warnings=warnings)
        except StaleRevisionError:
            if action == "correct" and text:
                refused(subject.where, text)  # kept as the draft: mine or theirs?
            raise

    st.session_state.pop(state.REPLACE, None)
    done = guarded(subject.where, work)
    if warnings and done:  # a refused decision's message stays; nothing was saved to warn of
        _warn(subject, then, warnings)
    if not done and subject.status == "corrected" and action in ("accept", "reject") \
            and not replace and usable_reviewer():
        st.session_state[state.REPLACE] = {"subject": subject, "action": action}
    return done


def _warn(subject: Subject, then: int | None, warnings: list[str]) -> None:
    """Show a decision's warnings at its bar while the reviewer stays there; once the next
    segment opens, at the top of the page, naming the segment they are about."""
    if then is None or then == subject.target:
        return flash(subject.where, "warning", "; ".join(warnings))
    label = "Summary" if subject.is_summary else f"Segment {subject.target}"
    flash("top", "warning", f"{label}: " + "; ".join(warnings))


def _sync_repetitions(subject: Subject) -> None:
    """Offer a segment's new approval to its twins in other articles, or take an offer back
    when the approval went away (a reject, an undo), in the background."""
    if not subject.is_summary:
        jobs_panel.offer_repetitions(subject.article_id, subject.target)
