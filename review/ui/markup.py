"""Markdown for messages that name a command or a setting, such as the models' and the jobs'.

Those messages quote commands in backticks (`python -m review models pull`) and name settings
(REVIEW_MT_MODEL): both become code, and everything else is escaped, so the reader sees plain
words with no literal marks and nothing in a title or a path turns into markup.
"""
from __future__ import annotations

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
