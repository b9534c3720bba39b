"""Post-edit effort: how far reviewers had to move the machine output to reach the final text."""
from __future__ import annotations

from typing import Iterable

from review.article import Article


def post_edit_effort(pairs: list[tuple[str, str]]) -> dict[str, float | None]:
    """chrF (100 = untouched) and TER (edits per 100 final words; 0 = untouched) of machine
    output scored against the reviewer's final text; None for both when there are no pairs."""
    pairs = [(machine, final) for machine, final in pairs if machine is not None and final]
    if not pairs:
        return {"chrf": None, "ter": None}
    from sacrebleu.metrics import CHRF, TER

    machine, final = [p[0] for p in pairs], [[p[1] for p in pairs]]
    return {"chrf": round(CHRF().corpus_score(machine, final).score, 1),
            "ter": round(TER().corpus_score(machine, final).score, 1)}


def edit_pairs(articles: Iterable[Article]) -> list[tuple[str, str]]:
    """(machine, final) for every approved segment that had machine output.

    Accepted segments count as zero-edit pairs: leaving them out would make a reviewer who
    accepts most segments look like one who rewrites everything.
    """
    return [(seg.machine.text, seg.decision.text)
            for article in articles for seg in edit_segments(article)]


def edit_segments(article: Article) -> list:
    """The article's approved segments with machine output and a final text: the pairs of
    ``edit_pairs``."""
    return [seg for seg in article.reviewable()
            if seg.machine and seg.decision.status in ("accepted", "corrected")
            and seg.decision.text]


def acceptance_rate(counts: dict[str, int]) -> float | None:
    """Share of decided segments accepted as they were; None before any decision."""
    decided = counts["accepted"] + counts["corrected"] + counts["rejected"]
    return round(counts["accepted"] / decided, 3) if decided else None
