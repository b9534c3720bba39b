"""Run every check on German/English pairs and on the segments of an article."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from review.article import Article, Flag, Segment
from review.checks import registry, risk, second_opinion, similarity
from review.checks.glossary import Glossary, load_glossary
from review.checks.registry import Pair

# The codes of the final checks: after them nothing else is checked, the memory's consistency
# included (review.checks.registry.run).
WITHOUT_CONSISTENCY = tuple(code.code for check in registry.CHECKS if check.final
                            for code in check.codes)


@dataclass
class CheckResult:
    flags: list[Flag] = field(default_factory=list)
    similarity: float | None = None
    risk: float = 0.0
    agreement: float | None = None
    second_chrf: float | None = None  # chrF between the English and a second model's


def _glossary(glossary) -> Glossary | None:
    if glossary is None or isinstance(glossary, Glossary):
        return glossary
    if isinstance(glossary, (str, Path)):
        return load_glossary(glossary)
    raise TypeError("glossary must be a Glossary, a path or None")


def text_flags(source: str, target: str, sim: float | None, confidence: float | None,
               glossary: Glossary | None = None, agreement: float | None = None,
               second_chrf: float | None = None, second_model: str | None = None
               ) -> list[Flag]:
    """Every flag for one pair whose similarity (and second-opinion chrF) is already known:
    the registry's checks, run without a memory."""
    return registry.run(Pair(source, target, similarity=sim, confidence=confidence,
                             agreement=agreement, second_chrf=second_chrf,
                             second_model=second_model, glossary=glossary))


@dataclass
class Known:
    """What is already known of one pair besides its text (each None when not)."""
    confidence: float | None = None  # the model's, while the English is its output
    origin: str | None = None  # the pair's own memory origin ("article:<id>#<index>")
    agreement: float | None = None  # the English scored under the translation model
    second: object | None = None  # a second model's translation (``text`` and ``model``)
    similarity: float | None = None  # stored for this very German and English


def check_pairs(sources: Sequence[str], targets: Sequence[str],
                confidences: Sequence[float | None] | None = None,
                glossary=None, memory=None,
                origins: Sequence[str | None] | None = None,
                agreements: Sequence[float | None] | None = None,
                seconds: Sequence | None = None) -> list[CheckResult]:
    """Check each German/English pair; embeddings are computed in one batch per side.

    ``agreements`` are the pairs' scores under the translation model (``Translator.score``,
    see ``refresh_agreement``): a low one is flagged and raises the risk. ``seconds`` are a
    second model's translations (anything with ``text`` and ``model``, or None): an English
    far from it is flagged and raises the risk.

    With a translation ``memory`` (``review.memory.Memory``) the pairs are also checked for
    consistency with what was approved elsewhere; ``origins`` are the pairs' own memory origins
    ("article:<id>#<index>"), so a segment's own approval never counts against it.

    A stored segment's English (one with an origin) that has no confidence is not a model's
    output (``reviewers_english``): it alone is spell-checked (``review.checks.spelling``).
    """
    count = len(sources)
    columns = {"confidences": confidences, "origins": origins, "agreements": agreements,
               "seconds": seconds}
    for name, values in columns.items():
        if values is not None and len(values) != count:
            raise ValueError(f"{count} sources but {len(values)} {name}")
    confidences, origins, agreements, seconds = (
        list(values) if values is not None else [None] * count for values in columns.values())
    known = [Known(confidence=c, origin=o, agreement=a, second=s)
             for c, o, a, s in zip(confidences, origins, agreements, seconds)]
    return check_known(sources, targets, known, glossary, memory)


def check_known(sources: Sequence[str], targets: Sequence[str], known: Sequence[Known],
                glossary=None, memory=None) -> list[CheckResult]:
    """``check_pairs`` with what is known of each pair in one record: a pair whose
    similarity is known is not embedded at all (a re-check of unchanged English)."""
    if not len(sources) == len(targets) == len(known):
        raise ValueError(f"{len(sources)} sources, {len(targets)} targets and "
                         f"{len(known)} known records")
    glossary = _glossary(glossary)
    both = [i for i, (s, t) in enumerate(zip(sources, targets)) if s.strip() and t.strip()]
    # Rounded as stored, so that a re-check reusing the stored value flags the same.
    sims = {i: round(value, 4) for i, value in zip(both, similarity.similarities(
        [sources[i] for i in both], [targets[i] for i in both],
        known=[known[i].similarity for i in both]))}
    return [_check_one(source, target, sims.get(i), known[i], glossary, memory)
            for i, (source, target) in enumerate(zip(sources, targets))]


def _check_one(source: str, target: str, sim: float | None, known: Known,
               glossary: Glossary | None, memory) -> CheckResult:
    second = known.second
    chrf = second_opinion.chrf_between(target, second.text) \
        if second is not None and target.strip() else None
    flags = registry.run(Pair(
        source, target, similarity=sim, confidence=known.confidence, agreement=known.agreement,
        second_chrf=chrf, second_model=second.model if second is not None else None,
        glossary=glossary, memory=memory, origin=known.origin,
        reviewed=reviewers_english(known.origin, known.confidence)))
    score = risk.risk(flags, sim, known.confidence, known.agreement, chrf, source=source,
                      target=target) if source.strip() else 0.0
    return CheckResult(flags, sim, score, known.agreement, chrf)


def reviewers_english(origin: str | None, confidence: float | None) -> bool:
    """Whether a pair's English may be a reviewer's, so the checks of reviewers' English run
    on it: a stored segment's (it has a memory ``origin``) without the model's ``confidence``.

    ``check_article`` and ``review.recheck.recheck_segment`` pass a confidence that is None
    when the English is not the model output (a correction, typed text) and also when the
    model output has none (a memory match, a stand-in model): ``apply_result``, which sees the
    segment, then drops what these checks raised on a model's English. Pairs without an origin
    (``python -m review check`` on files, the calibration scripts) never count.
    """
    return origin is not None and confidence is None


def apply_result(seg: Segment, result) -> None:
    """Store a check result on ``seg``: its flags and similarity, and the risk they give.

    ``result`` is a CheckResult or another checked Segment (anything with ``flags`` and
    ``similarity``). The segment's dismissals are kept, so a flag a reviewer dismissed stays
    dismissed when a re-check raises it again, and the risk counts only the active flags.
    Flags only a reviewer's English may carry (spelling) are dropped while the segment's
    English is still its machine output.
    """
    flags = list(result.flags)
    if seg.machine is not None and seg.english == seg.machine.text:
        flags = [flag for flag in flags if flag.code not in _reviewer_codes()]
    seg.flags, seg.similarity = flags, result.similarity
    seg.similarity_of = None if result.similarity is None else pair_key(seg.source, seg.english)
    seg.risk = risk.segment_risk(seg, getattr(result, "second_chrf", None))


def _reviewer_codes() -> set[str]:
    """The codes of the checks that need a reviewer's English."""
    return {code.code for check in registry.CHECKS if "reviewer" in check.needs
            for code in check.codes}


def english_key(english: str | None) -> str | None:
    """A short fingerprint of the English an agreement was computed for."""
    if english is None:
        return None
    return hashlib.sha1(english.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def pair_key(source: str, english: str | None) -> str | None:
    """A short fingerprint of the German and English a similarity was computed for."""
    return None if english is None else english_key(f"{source}\n{english}")


def known_similarity(seg: Segment) -> float | None:
    """The segment's stored similarity, if it was computed for its current German and
    English (a re-check then need not embed them again)."""
    if seg.similarity is None or seg.similarity_of != pair_key(seg.source, seg.english):
        return None
    return seg.similarity


def refresh_agreement(segments: Sequence[Segment], translator=None) -> None:
    """Keep each segment's agreement in step with its current English, in place.

    A segment whose English is the one last scored keeps its agreement. The others are scored
    in one ``translator.score`` call when a translator is given (machine output, memory match,
    correction or human English alike), else their agreement is cleared (None).
    """
    stale = [s for s in segments
             if s.agreement_of is None or s.agreement_of != english_key(s.english)]
    if not stale:
        return
    score = getattr(translator, "score", None)  # stand-ins with only translate() score nothing
    if score is None:
        for seg in stale:
            seg.agreement, seg.agreement_of = None, None
        return
    scores = score([s.source for s in stale], [s.english or "" for s in stale])
    for seg, score in zip(stale, scores):
        seg.agreement = None if score is None else round(float(score), 4)
        seg.agreement_of = english_key(seg.english)


def check_article(article: Article, glossary=None, memory=None, translator=None) -> None:
    """Fill flags, similarity and risk of every translated, non-boilerplate segment in place.

    With a translation ``memory``, each segment is also checked against approvals elsewhere;
    with a ``translator``, agreements of changed English are recomputed (``refresh_agreement``).
    A similarity stored for a segment's current German and English is kept, not embedded
    again (``known_similarity``): a re-check after a glossary change embeds nothing new.
    """
    from review.memory.units import origin_of

    segments = [s for s in article.segments if s.kind != "boilerplate" and s.english is not None]
    refresh_agreement(segments, translator)
    known = [Known(risk.english_confidence(s), origin_of(article.id, s.index), s.agreement,
                   s.second, known_similarity(s)) for s in segments]
    results = check_known([s.source for s in segments], [s.english for s in segments], known,
                          glossary, memory)
    for seg, result in zip(segments, results):
        apply_result(seg, result)
