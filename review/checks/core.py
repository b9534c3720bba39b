"""Run every check on German/English pairs and on the segments of an article."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from review.article import Article, Flag, Segment
from review.checks import consistency, entities, numbers, risk, similarity, surface
from review.checks.glossary import Glossary, load_glossary


# An empty or copied output is not worth checking against the memory (as in text_flags).
WITHOUT_CONSISTENCY = ("empty_output", "untranslated", "empty_source")


@dataclass
class CheckResult:
    flags: list[Flag] = field(default_factory=list)
    similarity: float | None = None
    risk: float = 0.0


def _glossary(glossary) -> Glossary | None:
    if glossary is None or isinstance(glossary, Glossary):
        return glossary
    if isinstance(glossary, (str, Path)):
        return load_glossary(glossary)
    raise TypeError("glossary must be a Glossary, a path or None")


def text_flags(source: str, target: str, sim: float | None, confidence: float | None,
               glossary: Glossary | None = None) -> list[Flag]:
    """Every flag for one pair whose similarity is already known."""
    if not source.strip():
        return [Flag("empty_source", "the German is empty but the English is not")] \
            if target.strip() else []
    flags = surface.empty_flags(source, target) or surface.untranslated_flags(source, target)
    if flags:
        return flags  # nothing else is worth reading in an empty or copied output
    flags += numbers.number_flags(source, target)
    flags += entities.name_flags(source, target)
    flags += entities.quote_flags(source, target)
    flags += surface.length_flags(source, target)
    flags += surface.repetition_flags(target)
    flags += similarity.similarity_flags(sim)
    flags += surface.confidence_flags(confidence)
    if glossary:
        flags += glossary.flags(source, target)
    return flags


def check_pairs(sources: Sequence[str], targets: Sequence[str],
                confidences: Sequence[float | None] | None = None,
                glossary=None, memory=None,
                origins: Sequence[str | None] | None = None) -> list[CheckResult]:
    """Check each German/English pair; embeddings are computed in one batch per side.

    With a translation ``memory`` (``review.memory.Memory``) the pairs are also checked for
    consistency with what was approved elsewhere; ``origins`` are the pairs' own memory origins
    ("article:<id>#<index>"), so a segment's own approval never counts against it.
    """
    if len(sources) != len(targets):
        raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
    confidences = list(confidences) if confidences is not None else [None] * len(sources)
    origins = list(origins) if origins is not None else [None] * len(sources)
    if len(origins) != len(sources):
        raise ValueError(f"{len(sources)} sources but {len(origins)} origins")
    glossary = _glossary(glossary)
    both = [i for i, (s, t) in enumerate(zip(sources, targets)) if s.strip() and t.strip()]
    sims = dict(zip(both, similarity.similarities([sources[i] for i in both],
                                                  [targets[i] for i in both])))
    results = []
    for i, (source, target) in enumerate(zip(sources, targets)):
        sim = sims.get(i)
        flags = text_flags(source, target, sim, confidences[i], glossary)
        if memory is not None and not any(f.code in WITHOUT_CONSISTENCY for f in flags):
            flags += consistency.consistency_flags(source, target, memory, origins[i])
        score = risk.risk(flags, sim, confidences[i]) if source.strip() else 0.0
        results.append(CheckResult(flags, None if sim is None else round(sim, 4), score))
    return results


def apply_result(seg: Segment, result) -> None:
    """Store a check result on ``seg``: its flags and similarity, and the risk they give.

    ``result`` is a CheckResult or another checked Segment (anything with ``flags`` and
    ``similarity``). The segment's dismissals are kept, so a flag a reviewer dismissed stays
    dismissed when a re-check raises it again, and the risk counts only the active flags.
    """
    seg.flags, seg.similarity = list(result.flags), result.similarity
    seg.risk = risk.segment_risk(seg)


def check_article(article: Article, glossary=None, memory=None) -> None:
    """Fill flags, similarity and risk of every translated, non-boilerplate segment in place.

    With a translation ``memory``, each segment is also checked against approvals elsewhere.
    """
    from review.checks.consistency import origin_of

    segments = [s for s in article.segments if s.kind != "boilerplate" and s.english is not None]
    results = check_pairs([s.source for s in segments], [s.english for s in segments],
                          [risk.english_confidence(s) for s in segments], glossary,
                          memory=memory, origins=[origin_of(article.id, s.index)
                                                  for s in segments])
    for seg, result in zip(segments, results):
        apply_result(seg, result)
