"""Approved work as Markdown a person reads: a heading per article, then summary or segments.

Article text is escaped so that it renders as the words it is: ``<b>`` stays visible text,
``*stars*`` stay stars, and a line that starts with ``#`` or ``-`` does not turn into a
heading or a list. Bare URLs, ``www.`` hosts and e-mail addresses are not turned into links:
a backslash goes before the ':' of ``https://``, the '.' of ``www.`` and every '@' (it does
not show in the rendered page). Line breaks inside a text become Markdown hard breaks;
single-line fields (titles, names, dates) have theirs collapsed into spaces.
"""
from __future__ import annotations

import re

from review.article import Article, Decision
from review.exporters.articles import CONTROL, ArticleDoc
from review.exporters.digest import SummaryItem, made_by, summary_items
from review.exporters.select import approved_segments

# Control characters have no place in a document meant for reading.
# Significant anywhere in a line (inline markup, HTML, GFM tables and strikethrough).
_INLINE = re.compile(r"([\\`*_\[\]<#|~])")
# An entity reference such as &amp; or &#169; would render as the character it names.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Significant only at the start of a line: quotes, lists, setext underlines.
_LINE_START = re.compile(r"^([>+=-]|\d+(?=[.)]))")
# What GFM links on its own: a scheme's "://", a "www." host, the "@" of an e-mail address;
# the backslash goes before the ':', '.' or '@'.
_AUTOLINK = re.compile(r"(?<=\w)(?=://)|(?<=\b[wW]{3})(?=\.)|(?=@)")
_HARD_BREAK = "\\\n"


def summaries_md(articles: list[Article]) -> str:
    parts = ["# Approved summaries\n"]
    for item in summary_items(articles):
        parts.append(_summary_heading(item))
        parts.append(_block(item.text) + "\n")
        parts.append(f"*{escape_field(made_by(item))}; {_byline(item.summary.decision)}*\n")
        if item.stamp:
            parts.append(f"*{escape_field(item.stamp)}*\n")
    return "\n".join(parts)


def articles_md(docs: list[ArticleDoc]) -> str:
    """Each article: its title as the top heading, the source line, headings and paragraphs."""
    parts = []
    for doc in docs:
        parts.append(f"# {escape_field(doc.title)}\n")
        if doc.meta:
            parts.append(f"*{escape_field(doc.meta)}*\n")
        for block in doc.blocks:
            if block.kind == "heading":
                parts.append(f"## {escape_field(block.text)}\n")
            else:
                parts.append(_block(block.text) + "\n")
    return "\n".join(parts)


def translations_md(articles: list[Article]) -> str:
    parts = ["# Approved translations\n"]
    for article in articles:
        items = approved_segments(article)
        if not items:
            continue
        parts.append(_heading(article))
        parts.append("".join(_segment_item(item.segment, item.target) for item in items))
    return "\n".join(parts)


def escape_inline(text: str) -> str:
    """Backslash-escape characters that would turn plain words into markup or links."""
    text = CONTROL.sub("", text)
    text = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))
    return _AUTOLINK.sub("\\\\", text)


def escape_field(text: str) -> str:
    """``escape_inline`` for a single-line field: every line break and run of spaces becomes
    one space, so a name or title cannot start a heading, list or quote of its own."""
    return escape_inline(" ".join(text.split()))


def escape_line(line: str) -> str:
    """``escape_inline`` plus the markers that only matter at a line's start."""
    return _LINE_START.sub(lambda m: _escape_marker(m.group(1)), escape_inline(line.strip()))


def _escape_marker(marker: str) -> str:
    return marker + "\\" if marker.isdigit() else "\\" + marker


def _block(text: str, indent: str = "") -> str:
    """A multi-line text as one paragraph: blank lines dropped, line breaks kept visible."""
    lines = [escape_line(line) for line in text.splitlines() if line.strip()]
    return (_HARD_BREAK + indent).join(lines) if lines else "*(empty)*"


def _heading(article: Article) -> str:
    return f"## {escape_field(article.title) or escape_field(article.id)}\n\n" \
           f"Article {_code(article.id)}\n"


def _summary_heading(item: SummaryItem) -> str:
    article = item.article
    facts = [f"Article {_code(article.id)}"]
    facts += [] if item.title_state == "german" else [f"German title: "
                                                       f"{escape_field(article.title)}"]
    facts += [f"Source: {escape_field(item.source)}"] if item.source else []
    facts += [f"Date: {escape_field(item.date)}"] if item.date else []
    return f"## {escape_field(item.english_title)}\n\n{' · '.join(facts)}\n"


def _code(text: str) -> str:
    """A code span that survives backticks inside it (the fence must be longer than any run)."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _segment_item(seg, target: str) -> str:
    indent = "  "
    lines = [f"- **{seg.index}** DE: {_block(seg.source, indent)}",
             f"EN: {_block(target, indent)}",
             f"*{_byline(seg.decision)}*"]
    return (_HARD_BREAK + indent).join(lines) + "\n"


def _byline(decision: Decision) -> str:
    who = escape_field(decision.reviewer or "") or "unknown reviewer"
    when = f" on {escape_field(decision.time)}" if decision.time else ""
    return f"{decision.status} by {who}{when}"
