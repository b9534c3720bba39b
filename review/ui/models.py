"""One line per model for the sidebar: ready to use, or missing and how to get it."""
from __future__ import annotations

ROLE_NAMES = {"translation": "Translation model", "summary": "Summary model (abstractive)"}


def report(mt_model: str, sum_model: str, summary_method: str) -> list[tuple[bool, str]]:
    """(fine, line) for the translation and summary models; checks files, loads nothing.

    A missing summary model is fine unless abstractive summaries are chosen.
    """
    from models.registry import model_status

    lines = []
    for role, model in (("translation", mt_model), ("summary", sum_model)):
        status = model_status(role, model or None)
        name = ROLE_NAMES[role]
        if not status.usable and role == "summary" and summary_method != "abstractive":
            lines.append((True, f"{name} not available; not needed for {summary_method} "
                                "summaries"))
        elif status.usable:
            lines.append((True, f"✓ {name} {status.model_id}: ready ({status.engine}, "
                                f"from {status.source})"))
        else:
            lines.append((False, f"✗ {name} missing: {status.problem}"))
    return lines
