"""Every ``st.session_state`` key of the app, named once.

app.py and the page modules read and write session state only through these names. Some are
widget keys too (the widget's value is read back from session state); a key that is built per
article or segment is a function. No Streamlit here: names only.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

# -- who reviews, and where the session started ----------------------------------------------
SIGNED_IN = "signed_in"  # the name a password login gave
REVIEWER = "reviewer"  # widget: the sidebar's reviewer name (open mode)
URL_READ = "url_read"  # the start address (?article=&segment=&reviewer=) was read

# -- the sidebar --------------------------------------------------------------------------------
ARTICLE_PICK = "article_pick"  # id of the open article
ARTICLE_FILTER = "article_filter"  # widget: which articles the list shows
ARTICLE_PAGE = "article_page"  # page number of the article list
UPLOADS = "uploads"  # widget: uploaded German files
PASTE_TEXT = "paste_text"  # widget: pasted German text
PASTE_TITLE = "paste_title"  # widget: its optional title
MT_MODEL = "mt_model"  # widget: translation model
SUM_MODEL = "sum_model"  # widget: summary model
SUMMARY_METHOD = "summary_method"  # widget: extractive, abstractive, ...

# -- the article page ---------------------------------------------------------------------------
ORDER = "order"  # widget: article order or risk order
SEG_FILTER = "seg_filter"  # widget: which segments the list shows
SHOW_TEXT = "show_text"  # widget: show the reviewed English text
WITH_DRAFTS = "with_drafts"  # widget: ...with machine drafts
FLASH = "flash"  # {"where": place, "kind": ..., "text": ...} from the last click
DRAFTS = "drafts"  # editor box key -> text typed but not confirmed yet
OPEN_BOXES = "open_boxes"  # "segment"/"summary" -> the OpenBox drawn last
FOCUSED = "focused_box"  # the editor that last took the focus; a new one takes it again
REFOCUS = "refocus"  # counts the times the same editor took the focus back after a button
REPLACE = "replace_pending"  # the second step waiting for a "replace the correction" answer
CONFLICTS = "conflicts"  # ARTICLE:TARGET -> this tab's text refused because another decided
DRAWN = "drawn"  # times the article page was drawn to its end (review.ui.page.drawn_mark)

# Fragment keys (not session state): a decision redraws both (session.counts_changed).
ARTICLE_FRAGMENT = "article-page"  # the open article (review.ui.page.article_page)
LIST_FRAGMENT = "article-list"  # the sidebar's article list (app.article_list)

# -- dialogs and jobs ---------------------------------------------------------------------------
# Set while a dialog (the glossary) is open: a redraw of the whole app would leave it stale
# and drop what the reviewer is typing into it, so the live job panel waits.
DIALOG_OPEN = "dialog_open"
GLOSSARY_ASK = "glossary_ask"  # terms without English, waiting for "keep them as they are?"
GLOSSARY_ROWS = "glossary_rows"  # widget: the glossary table's edits
REPETITIONS = "repetition_jobs"  # this tab's repetition jobs not announced yet
JOB_SEEN = "job_seen"  # (job, articles done) the live job panel last showed


@dataclass(frozen=True)
class OpenBox:
    """An editor on the page: its widget key, what it started with, and what it edits."""
    key: str
    prefill: str
    article_id: str
    target: int | str  # a segment index, or "summary"


PICKER = "error_picker"  # review.ui.error_picker.Picking: the decision it annotates, if open
CLAIM_SCROLL = "claim_scroll"  # clicks on summary sentences: each scrolls to its evidence once
CLAIM_SCROLLED = "claim_scrolled"  # the click the page last scrolled for


def claim(article_id: str) -> str:
    """The summary sentence open in the article's panel (its number), kept per article."""
    return f"claim:{article_id}"


def current(article_id: str) -> str:
    """The article's current segment, kept per article."""
    return f"seg:{article_id}"


def segment_box(article_id: str, index: int, revision: int, machine: str | None) -> str:
    """A segment's English box: new after a decision or a re-run, so it refills."""
    return f"en:{article_id}:{index}:{revision}:{_short_hash(machine)}"


def summary_box(article_id: str, revision: int, text: str | None) -> str:
    """The summary's box: new after a decision or a new summary, so it refills."""
    return f"sum:{article_id}:{revision}:{_short_hash(text)}"


def new_summary_box(article_id: str) -> str:
    """The box of an article without a summary, where the reviewer writes one."""
    return f"sum:{article_id}:new"


def _short_hash(text: str | None) -> str:
    return hashlib.sha1((text or "").encode("utf-8")).hexdigest()[:8]
