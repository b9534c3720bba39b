"""The quality report (LQA) as json, csv or html: the scorecards, every error in effect with
where it is, and every comment thread.

JSON is the ``lqa --json`` document plus "errors" and "comments" lists. CSV is one table whose
first column says what a row is: a scorecard ("article", "total", "reviewer", "model"), an
"error" or a "comment". Errors and comments are plain text everywhere: html escapes them.
A row's "segment" is the segment index, "summary", or "summary:K" for sentence K.
"""
from __future__ import annotations

from typing import Any

from review.article import Article
from review.lqa.profile import Profile
from review.lqa.scorecard import Card, Scorecards, describe_errors, found_errors, scorecards

FIELDS = ("record", "name", "words", "penalty", "per_thousand", "score", "pass", "errors",
          "article", "segment", "german", "english", "type", "severity", "span", "note",
          "reviewer", "time", "model", "resolved")
ERROR_FIELDS = ("article", "segment", "german", "english", "type", "severity", "span", "note",
                "reviewer", "time", "model")
COMMENT_FIELDS = ("article", "segment", "author", "time", "text", "resolved")


def error_records(articles: list[Article]) -> list[dict[str, Any]]:
    """One record per error in effect, keys in ERROR_FIELDS order."""
    return [{"article": item.article.id, "segment": item.target, "german": item.german,
             "english": item.english, "type": item.error.type,
             "severity": item.error.severity, "span": item.error.span,
             "note": item.error.note, "reviewer": item.reviewer, "time": item.error.time,
             "model": item.model}
            for article in articles for item in found_errors(article)]


def comment_records(articles: list[Article]) -> list[dict[str, Any]]:
    """One record per comment, segments in index order then the summary."""
    records = []
    for article in articles:
        owners = [(seg.index, seg) for seg in sorted(article.segments, key=lambda s: s.index)]
        owners += [("summary", article.summary)] if article.summary else []
        records += [{"article": article.id, "segment": target, "author": c.author,
                     "time": c.time, "text": c.text, "resolved": c.resolved}
                    for target, owner in owners for c in owner.comments]
    return records


def has_review(articles: list[Article]) -> bool:
    """Whether any article has a decided segment, an error or a comment to report."""
    return any(any(seg.decision.status != "pending" for seg in article.reviewable())
               or found_errors(article) or comment_records([article]) for article in articles)


def report(articles: list[Article], profile: Profile) -> dict[str, Any]:
    """The JSON document: the scorecards, then "errors" and "comments"."""
    return {**scorecards(articles, profile).as_dict(), "errors": error_records(articles),
            "comments": comment_records(articles)}


def csv_records(articles: list[Article], profile: Profile) -> list[dict[str, Any]]:
    """The CSV rows (every key of FIELDS): scorecards, then errors, then comments."""
    cards = scorecards(articles, profile)
    rows = [_card_row(kind, name, card) for kind, name, card in _all_cards(cards)]
    rows += [{"record": "error", **record} for record in error_records(articles)]
    rows += [{"record": "comment", "article": c["article"], "segment": c["segment"],
              "reviewer": c["author"], "time": c["time"], "note": c["text"],
              "resolved": "yes" if c["resolved"] else "no"} for c in comment_records(articles)]
    return [{name: row.get(name) for name in FIELDS} for row in rows]


def lqa_html(articles: list[Article], profile: Profile) -> str:
    """A self-contained quality report: scorecards, errors and comments (``html.page``)."""
    from review.exporters.html import escape, page

    cards = scorecards(articles, profile)
    body = ["<h1>Quality report</h1>",
            f'<p class="meta">{escape("Profile: " + profile.describe())}</p>',
            "<h2>Scorecards</h2>",
            _table(("", "name", "words", "penalty", "per 1,000", "score", "result", "errors"),
                   [(kind, name, card.words, f"{card.penalty:g}", f"{card.per_thousand:.2f}",
                     f"{card.score:.2f}", "pass" if card.passed else "FAIL",
                     describe_errors(card.errors)) for kind, name, card in _all_cards(cards)])]
    errors = error_records(articles)
    body += ["<h2>Errors</h2>", _table(ERROR_FIELDS, [tuple(r.values()) for r in errors])
             if errors else "<p>None recorded.</p>"]
    comments = comment_records(articles)
    body += ["<h2>Comments</h2>", _table(COMMENT_FIELDS, [tuple(r.values()) for r in comments])
             if comments else "<p>None.</p>"]
    return page("Quality report", body)


def _all_cards(cards: Scorecards) -> list[tuple[str, str, Card]]:
    return ([("article", key, card) for key, card in cards.articles]
            + [("total", "", cards.total)]
            + [("reviewer", key, card) for key, card in cards.reviewers]
            + [("model", key, card) for key, card in cards.models])


def _card_row(kind: str, name: str, card: Card) -> dict[str, Any]:
    return {"record": kind, "name": name, "words": card.words, "penalty": card.penalty,
            "per_thousand": card.per_thousand, "score": card.score,
            "pass": "yes" if card.passed else "no", "errors": describe_errors(card.errors)}


def _table(header: tuple, rows: list[tuple]) -> str:
    from review.exporters.html import escape, lines

    head = "".join(f"<th>{escape(str(cell))}</th>" for cell in header)
    body = "\n".join("<tr>" + "".join(f"<td>{lines(_text(cell))}</td>" for cell in row)
                     + "</tr>" for row in rows)
    return f'<table class="report">\n<tr>{head}</tr>\n{body}\n</table>'


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "resolved" if cell else "open"
    return str(cell)

