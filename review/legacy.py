"""A file of an older schema brought up to date as it is read (``review.article_file.parse``):

- flags an older version worded otherwise, in today's words, so that a reviewer's dismissal of
  such a flag still matches the flag a re-check raises (dismissals match code and detail);
- risks of the formula before the learned one (``review.checks.risk``), computed again from
  what each segment holds (no model runs), so the risk order, *where to look first* and bulk
  accept use the learned risk without a re-check. Files of schema 5 written after the learned
  risk came get the same risks again.
"""
from __future__ import annotations

import re

from review.article import Article

CURRENT_SINCE = 6  # files of this schema or newer need nothing here
# Before schema 6 a low_similarity detail printed both figures with two decimals and could
# read "similarity 0.83 < 0.83" (the threshold is 0.835).
_OLD_LOW_SIMILARITY = re.compile(r"\(similarity (-?\d+\.\d\d) < -?\d+\.\d\d\)$")


def upgrade(article: Article, version: object) -> None:
    """Bring ``article``, read from a file of schema ``version``, up to date in place."""
    if isinstance(version, int) and version >= CURRENT_SINCE:
        return
    from review.checks.risk import segment_risk

    for seg in article.segments:
        for item in (*seg.flags, *seg.dismissed):
            item.detail = _detail(item.code, item.detail)
        if seg.risk is not None:
            seg.risk = segment_risk(seg)


def _detail(code: str, detail: str) -> str:
    """``detail`` of a flag of ``code`` in today's words."""
    found = _OLD_LOW_SIMILARITY.search(detail) if code == "low_similarity" else None
    if found is None:
        return detail
    from review.checks.similarity_scale import low_similarity_detail

    return low_similarity_detail(float(found.group(1)))
