"""Markdown for messages that name a command or a setting, such as the models' and the jobs';
HTML for a segment's German with its glossary terms marked.

Those messages quote commands in backticks (`python -m review models pull`) and name settings
(REVIEW_MT_MODEL): both become code, and everything else is escaped, so the reader sees plain
words with no literal marks and nothing in a title or a path turns into markup. The German is
escaped the same way for HTML: only the marks added here are markup, and no script.
"""
from __future__ import annotations

import html
import re

from review.diff import escape_markdown

# A `quoted` command, or a setting's name in capitals with an underscore (HF_HUB_OFFLINE=1).
_CODE = re.compile(r"`([^`\n]+)`|\b([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9](?:=\w+)?)\b")


def with_code(text: str | None) -> str:
    """``text`` as markdown: commands and setting names as code, the rest shown literally."""
    text = text or ""
    parts, start = [], 0
    for match in _CODE.finditer(text):
        parts += [escape_markdown(text[start:match.start()]),
                  f"`{match.group(1) or match.group(2)}`"]
        start = match.end()
    parts.append(escape_markdown(text[start:]))
    return "".join(parts)


def german_with_terms(source: str, glossary=None, bold: bool = False) -> str:
    """The German as HTML for ``st.html``: escaped, each glossary term in a
    ``<mark class="glossary-term">`` whose title gives the required English, all in a
    ``<div class="german-text">`` (and in ``<b>`` when ``bold``)."""
    source = source or ""
    spans = glossary.terms_in(source) if glossary is not None else []
    parts, start = [], 0
    for begin, end, entry in spans:
        title = html.escape(f"glossary: {entry.de} → {_required(entry)}", quote=True)
        parts += [html.escape(source[start:begin]),
                  f'<mark class="glossary-term" title="{title}">'
                  f"{html.escape(source[begin:end])}</mark>"]
        start = end
    parts.append(html.escape(source[start:]))
    text = "".join(parts)
    return f'<div class="german-text">{f"<b>{text}</b>" if bold else text}</div>'


def _required(entry) -> str:
    """What the glossary asks of a term's English, in words."""
    return "keep as it is" if entry.dnt else " or ".join(entry.en)
