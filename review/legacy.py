"""Stored flags an older version worded otherwise, in today's words, so that a reviewer's
dismissal of such a flag still matches the flag a re-check raises (dismissals match on the
code and the detail). Applied when a file of an older schema is read."""
from __future__ import annotations

import re
from typing import Any

# Before schema 6 a low_similarity detail printed both figures with two decimals and could
# read "similarity 0.83 < 0.83" (the threshold is 0.835).
_OLD_LOW_SIMILARITY = re.compile(r"\(similarity (-?\d+\.\d\d) < -?\d+\.\d\d\)$")


def upgrade_segment(seg: dict[str, Any]) -> dict[str, Any]:
    """A stored segment (a dict) with its flags' and dismissals' details in today's words; the
    same dict when nothing is worded otherwise, else a copy."""
    changed = {name: [_upgraded(item) for item in seg[name]]
               for name in ("flags", "dismissed") if isinstance(seg.get(name), list)}
    if all(new == seg[name] for name, new in changed.items()):
        return seg
    return {**seg, **changed}


def _upgraded(item: Any) -> Any:
    if not isinstance(item, dict) or item.get("code") != "low_similarity":
        return item
    found = _OLD_LOW_SIMILARITY.search(item.get("detail") or "")
    if found is None:
        return item
    # Not at the top: importing review.checks while review.article loads would be a circle.
    from review.checks.similarity_scale import low_similarity_detail

    return {**item, "detail": low_similarity_detail(float(found.group(1)))}
