"""A segment's or the summary's history under its editor: every decision, undo and verdict,
newest first, as plain text."""
from __future__ import annotations

import streamlit as st

from review.article import ERRORS, Article, HistoryEntry
from review.ui.session import md


def history(article: Article, target: int | str) -> None:
    entries = article.history_of(target)
    if not entries:
        return
    with st.expander(f"History ({len(entries)})"):
        for item in reversed(entries):
            st.markdown(md(f"{item.time} · {item.reviewer} · {change(item)}"))
            before, after = item.before or {}, item.after or {}
            if item.action != "verdict" and before.get("text") != after.get("text"):
                st.caption(md(f"{before.get('text') or '—'}  →  {after.get('text') or '—'}"))


def change(item: HistoryEntry) -> str:
    """What the entry changed, in a few words: "accept: pending → accepted", or for a
    summary sentence's verdict "verdict on S2: none → unsupported (the note)"."""
    before, after = item.before or {}, item.after or {}
    if item.action == ERRORS:  # errors recorded on a summary sentence
        count = len(after.get("errors") or [])
        return f"errors on S{after.get('sentence')}: {count} recorded"
    if item.action == "verdict":
        note = f" ({after['note']})" if after.get("note") else ""
        return (f"verdict on S{after.get('sentence')}: {before.get('verdict') or 'none'} → "
                f"{after.get('verdict') or 'none'}{note}")
    return f"{item.action}: {before.get('status')} → {after.get('status')}"
