"""Word-level diff of a reviewer's correction against the machine output, and safe markdown."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# A word or a run of punctuation, each with the spaces before it; punctuation stays apart so
# "Berlin," vs "Berlin." differs by one token.
_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s]+)|\s+$")
# Characters that mean something to Streamlit's markdown: emphasis, links, code, the
# :color[...] directive, LaTeX ($), headings, lists, tables and HTML-looking text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=])")
WORD_JOINER = "\u2060"
# What GFM turns into links on its own: "://", "www." and the "@" of an e-mail address (the
# joiner goes before the last character of each match).
_AUTOLINK = re.compile(r":/|(?i:\bwww)\.|\w@")
# Line breaks: CommonMark ends a line at \r\n, \r or \n; \v, \f, NEL and the Unicode line and
# paragraph separators break lines elsewhere, so spaces after any of them count as indentation.
_CARRIAGE_RETURN = re.compile(r"\r\n?")
# Not at the start of the text: diff tokens start mid-line.
_INDENT = re.compile(r"(?<=[\n\v\f\x85\u2028\u2029])[ \t]+")


@dataclass(frozen=True)
class Token:
    tag: str  # equal | insert | delete
    text: str


def tokenize(text: str) -> list[str]:
    """Words and punctuation runs with their leading spaces; joining gives the text back."""
    return _TOKEN.findall(text)


def word_diff(machine: str, final: str) -> list[Token]:
    """Tokens tagged equal/insert/delete that turn ``machine`` into ``final``."""
    old, new = tokenize(machine or ""), tokenize(final or "")
    # Compare without the spaces, so a changed space never splits or glues words in the diff;
    # autojunk off: news sentences are short, and junk heuristics hide real edits.
    matcher = difflib.SequenceMatcher(a=[t.strip() for t in old], b=[t.strip() for t in new],
                                      autojunk=False)
    tokens: list[Token] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":  # shown as the reviewer wrote it
            tokens.append(Token(EQUAL, "".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            tokens.append(Token(DELETE, "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            tokens.append(Token(INSERT, "".join(new[j1:j2])))
    return [t for t in tokens if t.text]


def changed(tokens: list[Token]) -> bool:
    """Whether the texts differ in more than spacing."""
    return any(t.tag != EQUAL and t.text.strip() for t in tokens)


def escape_markdown(text: str) -> str:
    """Text shown literally by st.markdown: no emphasis, links, LaTeX or HTML from user data.

    Backslash escapes do not stop everything: GFM still links bare URLs, ``www.`` hosts and
    e-mail addresses, so an invisible word joiner breaks those triggers; a line of ``=`` or
    ``-`` would make the line above a heading (``=`` is escaped too); and indented lines
    would become code blocks, so their leading spaces become no-break spaces (after any line
    break: ``\r`` and ``\r\n`` become ``\n`` first).
    """
    text = _CARRIAGE_RETURN.sub("\n", text)
    text = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + WORD_JOINER + m.group(0)[-1], text)
    text = _INDENT.sub(lambda m: "\u00a0" * len(m.group(0).expandtabs(4)), text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def diff_markdown(tokens: list[Token]) -> str:
    """Deletions struck through in red, insertions bold green, all text escaped."""
    parts = []
    for previous, token in zip([None, *tokens], tokens):
        body = escape_markdown(token.text)
        if token.tag == EQUAL or not token.text.strip():
            parts.append(body)
            continue
        if previous is not None and previous.tag == DELETE and token.text[0].isalnum():
            parts.append(" ")  # keep a struck word and its replacement apart on screen
        if token.tag == DELETE:
            parts.append(_wrap(body, ":red[~~", "~~]"))
        else:
            parts.append(_wrap(body, ":green[**", "**]"))
    return "".join(parts)


def _wrap(body: str, opening: str, closing: str) -> str:
    # Markdown emphasis must not start or end with a space: keep the spaces outside the markers.
    core = body.strip()
    start = body.index(core)
    return f"{body[:start]}{opening}{core}{closing}{body[start + len(core):]}"


def highlight_markdown(text: str, spans) -> str:
    """``text`` escaped, with each (start, end) span shown bold on a yellow background."""
    parts, last = [], 0
    for start, end in sorted(spans):
        if start < last or start >= end:
            continue  # overlapping or empty spans: the first one wins
        parts.append(escape_markdown(text[last:start]))
        parts.append(_wrap(escape_markdown(text[start:end]), ":orange-background[**", "**]"))
        last = end
    parts.append(escape_markdown(text[last:]))
    return "".join(parts)
