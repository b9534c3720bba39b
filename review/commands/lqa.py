"""`python -m review lqa`: quality scorecards (MQM) per article, reviewer and model."""
from __future__ import annotations

import json
import sys

import click

from review.commands.options import store_option


@click.command("lqa")
@store_option
@click.argument("article_id", required=False, metavar="[ID]")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"articles": [{"id", "words", "penalty", "per_thousand", "score", '
                   '"pass", "errors": {TYPE: {SEVERITY: N}}}], "total": {...}, "reviewers", '
                   '"models", "profile"}.')
def command(store, article_id, as_json):
    """Score the review: the errors reviewers recorded (decide --error), weighed by the
    store's LQA profile (lqa.toml; default MQM-Core, minor 1, major 5, critical 25).

    Per article, and in total, per reviewer and per translation model: the German words
    assessed (of segments decided on), errors by type and severity, the penalty, the penalty
    per 1,000 words and the score 100 × (1 − penalty / words). An article passes at no more
    than the profile's threshold (default 10 per 1,000 words) and without a critical error.
    With ID, only that article. Exit 0 when every article passes, 1 when one fails (or an
    article file could not be read), 2 on bad input such as an unknown ID or a bad lqa.toml.

    \b
    Example:
      python -m review lqa
      python -m review lqa 000_aed0e7e85b1c3751 --json
    """
    from review.annotations import profile_of
    from review.lqa.scorecard import scorecards
    from review.store import ArticleStore

    articles_store = ArticleStore(store)
    profile = profile_of(articles_store)  # a bad lqa.toml: one line, exit 2, before any work
    if article_id is not None:
        articles, problems = [articles_store.get(article_id)], []
    else:
        articles, problems = articles_store.scan()
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    cards = scorecards(sorted(articles, key=lambda article: article.id), profile)
    if as_json:
        click.echo(json.dumps(cards.as_dict(), ensure_ascii=False, indent=1))
    else:
        _print(cards)
    if cards.failed() or problems:
        sys.exit(1)


HEADER = ("", "words", "penalty", "per 1,000", "score", "result")


def _print(cards) -> None:
    """Tables of the cards, then the profile they were weighed with."""
    from review.terminal import printable

    for title, rows in (("article", cards.articles), ("reviewer", cards.reviewers),
                        ("model", cards.models)):
        if title != "article" and not rows:
            continue
        shown = [(printable(name), card) for name, card in rows]
        if title == "article":
            shown.append(("total", cards.total))
        _table(title, shown)
        click.echo()
    failed = cards.failed()
    click.echo(f"{len(cards.articles) - len(failed)} of {len(cards.articles)} articles pass; "
               f"profile {printable(cards.profile.describe())}")


def _table(title: str, rows: list) -> None:
    """One line per (name, card): names left-aligned, figures right-aligned."""
    from review.lqa.scorecard import describe_errors
    from review.terminal import printable

    lines = [(title, *HEADER[1:])] + [
        (name, str(card.words), f"{card.penalty:g}", f"{card.per_thousand:.2f}",
         f"{card.score:.2f}", "pass" if card.passed else "FAIL") for name, card in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    for line in lines:
        click.echo("  ".join([line[0].ljust(widths[0])]
                             + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:])]))
    errors = describe_errors(rows[-1][1].errors) if rows else ""
    if title == "article" and errors:
        click.echo(f"errors in total: {printable(errors)}")

