"""Plain words for every flag code: a short title and one sentence on why a reviewer should look.

The flag's own ``detail`` says what was found in this segment ("German "3,5" became "35"");
these texts say what the check means, for reviewers who do not know the codes. They are the
registry's (``review.checks.registry``): DESCRIPTIONS is code -> (title, why).
"""
from __future__ import annotations

from review.checks.registry import DESCRIPTIONS

FALLBACK_WHY = ("A quality check raised this: read the detail and compare the German with "
                "the English.")


def describe(code: str) -> tuple[str, str]:
    """(title, why) in plain words for a flag code; an unknown code gets a readable fallback."""
    if code in DESCRIPTIONS:
        return DESCRIPTIONS[code]
    words = str(code).replace("_", " ").strip() or "unknown check"
    return f"Check: {words}", FALLBACK_WHY
