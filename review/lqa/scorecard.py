"""Scorecards: the errors in effect, counted by type and severity and weighed by the profile.

A card covers some assessed source words and the errors found in them. Its penalty is the
sum of the errors' weights; ``per_thousand`` is the penalty per 1,000 words and the quality
score ``100 × (1 − penalty / words)`` (it goes below 0 when the penalty outweighs the words).
A card passes when ``per_thousand`` is at most the profile's threshold and no error has a
severity the profile fails on (any critical one, by default).

Words are the German words (whitespace-separated tokens with a letter or digit) of the
segments a reviewer decided on: only assessed text counts, so half an article reviewed is
scored on that half. Zero words count as one for the division: without errors such a card
scores 100 and passes; with any, it fails.

Errors in effect are those of the decisions in effect on the segments and the summary (an
undone decision's errors are gone with it) and those of the summary's sentences. Summary
errors count against the article's words (the summary adds none), per model under the
summary's model (or its method: extractive, abstractive, human).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from review.article import Article, QualityError
from review.lqa.profile import DEFAULT, Profile

UNKNOWN = "(unknown)"  # a decision or model without a name
HUMAN = "human"  # the "model" of a segment a reviewer translated without machine output


@dataclass(frozen=True)
class Found:
    """One error in effect and where it is: ``target`` is a segment index, "summary" or
    "summary:K" (sentence K of the summary)."""
    article: Article
    target: int | str
    error: QualityError
    german: str  # the German it concerns ("" for the whole summary)
    english: str  # the English assessed (the machine output, else the reviewer's)
    model: str
    reviewer: str


@dataclass(frozen=True)
class Card:
    """One scorecard; ``errors`` is {type: {severity: count}} in the profile's order."""
    words: int
    errors: dict[str, dict[str, int]]
    penalty: float
    per_thousand: float
    score: float
    passed: bool

    def as_dict(self) -> dict:
        """The card as the ``lqa --json`` contract names it."""
        return {"words": self.words, "penalty": self.penalty,
                "per_thousand": self.per_thousand, "score": self.score, "pass": self.passed,
                "errors": self.errors}


@dataclass
class Tally:
    """Words and errors gathered for one card."""
    words: int = 0
    errors: list[QualityError] = field(default_factory=list)


@dataclass(frozen=True)
class Scorecards:
    """Cards per article (in the given order), for the whole, per reviewer and per model."""
    profile: Profile
    articles: list[tuple[str, Card]]
    total: Card
    reviewers: list[tuple[str, Card]]
    models: list[tuple[str, Card]]

    def failed(self) -> list[str]:
        """The ids of the articles that do not pass."""
        return [article_id for article_id, card in self.articles if not card.passed]

    def as_dict(self) -> dict:
        """The ``lqa --json`` document: articles and total as the contract names them, then
        reviewers, models and the profile they were weighed with."""
        return {"articles": [{"id": key, **card.as_dict()} for key, card in self.articles],
                "total": self.total.as_dict(),
                "reviewers": [{"reviewer": key, **card.as_dict()}
                              for key, card in self.reviewers],
                "models": [{"model": key, **card.as_dict()} for key, card in self.models],
                "profile": {"name": self.profile.name, "path": self.profile.path,
                            "severities": self.profile.severities,
                            "pass_per_thousand": self.profile.pass_per_thousand,
                            "fail_on": list(self.profile.fail_on)}}


def source_words(text: str) -> int:
    """Words of ``text``: whitespace-separated tokens holding a letter or digit."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def card(words: int, errors: Iterable[QualityError], profile: Profile = DEFAULT) -> Card:
    """The scorecard of ``errors`` found in ``words`` assessed source words."""
    errors = list(errors)
    penalty = sum(profile.weight(e.severity) for e in errors)
    per_word = penalty / max(words, 1)
    critical = any(e.severity in profile.fail_on for e in errors)
    per_thousand = 1000 * per_word
    return Card(words=words, errors=counts(errors, profile), penalty=round(penalty, 2),
                per_thousand=round(per_thousand, 2), score=round(100 * (1 - per_word), 2),
                passed=not critical and per_thousand <= profile.pass_per_thousand)


def counts(errors: Iterable[QualityError], profile: Profile = DEFAULT) -> dict:
    """{type: {severity: n}}: types and severities in the profile's order, any the profile
    no longer has after them."""
    found: dict[str, dict[str, int]] = {}
    for error in errors:
        row = found.setdefault(error.type, {})
        row[error.severity] = row.get(error.severity, 0) + 1
    types = _ordered(found, profile.types)
    return {t: {s: found[t][s] for s in _ordered(found[t], profile.severities)} for t in types}


def describe_errors(errors: dict[str, dict[str, int]]) -> str:
    """{type: {severity: n}} in words: "terminology: 2 minor; accuracy/omission: 1 major"."""
    return "; ".join(f"{type_}: " + ", ".join(f"{n} {severity}" for severity, n in row.items())
                     for type_, row in errors.items())


def scorecards(articles: Iterable[Article], profile: Profile = DEFAULT) -> Scorecards:
    """The cards of ``articles`` under ``profile``."""
    total, reviewers, models = Tally(), {}, {}
    per_article = []
    for article in articles:
        tally = Tally()
        for seg in assessed(article):
            words = source_words(seg.source)
            tally.words += words
            reviewers.setdefault(seg.decision.reviewer or UNKNOWN, Tally()).words += words
            models.setdefault(_model(seg), Tally()).words += words
        for item in found_errors(article):
            tally.errors.append(item.error)
            reviewers.setdefault(item.reviewer, Tally()).errors.append(item.error)
            models.setdefault(item.model, Tally()).errors.append(item.error)
        total.words += tally.words
        total.errors += tally.errors
        per_article.append((article.id, card(tally.words, tally.errors, profile)))
    return Scorecards(profile, per_article, card(total.words, total.errors, profile),
                      _cards(reviewers, profile), _cards(models, profile))


def article_card(article: Article, profile: Profile = DEFAULT) -> Card:
    """The scorecard of one article (for its header on the review page)."""
    return scorecards([article], profile).articles[0][1]


def assessed(article: Article) -> list:
    """The reviewable segments a reviewer decided on, in index order."""
    return sorted((seg for seg in article.reviewable() if seg.decision.status != "pending"),
                  key=lambda seg: seg.index)


def found_errors(article: Article) -> list[Found]:
    """Every error in effect in the article: segments in index order, then the summary, then
    its sentences."""
    found = []
    for seg in sorted(article.reviewable(), key=lambda s: s.index):
        english = seg.machine.text if seg.machine else (seg.decision.text or "")
        for error in seg.decision.errors:
            found.append(Found(article, seg.index, error, seg.source, english, _model(seg),
                               error.reviewer or seg.decision.reviewer or UNKNOWN))
    return found + _summary_errors(article)


def _summary_errors(article: Article) -> list[Found]:
    summary = article.summary
    if summary is None:
        return []
    model = summary.model or summary.method
    found = [Found(article, "summary", error, "", summary.text or summary.decision.text or "",
                   model, error.reviewer or summary.decision.reviewer or UNKNOWN)
             for error in summary.decision.errors]
    for k, sentence in enumerate(summary.sentences):
        german = " ".join(_german(article, index) for index in sentence.evidence).strip()
        found += [Found(article, f"summary:{k}", error, german, sentence.text, model,
                        error.reviewer or UNKNOWN) for error in sentence.errors]
    return found


def _german(article: Article, index: int) -> str:
    try:
        return article.segment(index).source
    except IndexError:
        return ""


def _model(seg) -> str:
    """The model whose English the segment assessed; "human" without machine output."""
    if seg.machine is None:
        return HUMAN
    return seg.machine.model or UNKNOWN


def _cards(tallies: dict[str, Tally], profile: Profile) -> list[tuple[str, Card]]:
    return [(key, card(tally.words, tally.errors, profile))
            for key, tally in sorted(tallies.items())]


def _ordered(found: dict, order) -> list:
    return [key for key in order if key in found] + sorted(k for k in found if k not in order)
