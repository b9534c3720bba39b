"""`python -m review decide`: accept, correct or reject one segment or the summary."""
from __future__ import annotations

import click

from review.commands.options import store_option
from review.errors import BadInputError


@click.command("decide")
@click.argument("article_id", metavar="ID")
@click.option("--segment", type=click.IntRange(min=0), metavar="N",
              help="Segment number: the 0-based index shown by the app and in the store.")
@click.option("--summary", is_flag=True, help="Decide on the article's summary.")
@click.option("--accept", is_flag=True, help="Approve the machine output as it is.")
@click.option("--reject", is_flag=True, help="Mark the machine output as unusable.")
@click.option("--correct", metavar="TEXT", help="Approve your own English text instead.")
@click.option("--reviewer", required=True, metavar="NAME", help="Who decides (recorded).")
@click.option("--expected-revision", type=int, metavar="N",
              help="Refuse if the segment changed since you saw revision N.")
@store_option
def command(article_id, segment, summary, accept, reject, correct, reviewer, expected_revision,
            store):
    """Record a decision on one segment or on the summary of article ID.

    Give exactly one of --segment N / --summary and one of --accept / --reject /
    --correct TEXT. --correct also works where there is no machine output (a human
    translation or summary). Corrections re-run the checks on that segment. Every decision is
    kept in the article's history.

    \b
    Example:
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --correct "The text." --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --summary --accept --reviewer alice
    """
    target = _target(segment, summary)
    action = _action(accept, reject, correct)
    from review.store import ArticleStore

    articles = ArticleStore(store)
    warnings: list[str] = []
    article = articles.decide(article_id, target, action, reviewer, text=correct,
                              expected_revision=expected_revision,
                              on_change=_recheck(articles, warnings))
    owner = article.summary if target == "summary" else article.segment(target)
    label = "summary" if target == "summary" else f"segment {target}"
    click.echo(f"{article.id} {label}: {owner.decision.status} by {owner.decision.reviewer} "
               f"(revision {owner.decision.revision})")
    for line in warnings:
        click.echo(f"warning: {line}", err=True)


def _target(segment: int | None, summary: bool) -> int | str:
    if (segment is None) == (not summary):
        raise BadInputError("give exactly one of --segment N or --summary")
    return "summary" if summary else segment


def _action(accept: bool, reject: bool, correct: str | None) -> str:
    chosen = [name for name, on in (("accept", accept), ("reject", reject),
                                    ("correct", correct is not None)) if on]
    if len(chosen) != 1:
        raise BadInputError("give exactly one of --accept, --reject or --correct TEXT")
    return chosen[0]


def _recheck(articles, warnings: list[str]):
    """The same hook the app uses: re-check a changed segment, refresh an extractive summary.

    A failing check must not cost the reviewer the decision, so it becomes a warning.
    """
    def on_change(article, target):
        from review.pipeline import after_decision

        try:
            from review.checks import load_glossary

            after_decision(article, target, load_glossary(articles.glossary_path))
        except Exception as err:  # noqa: BLE001 - any check failure; the decision still counts
            warnings.append(f"decision saved, but the checks were not re-run ({err})")

    return on_change
