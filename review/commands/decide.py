"""`python -m review decide`: accept, correct, reject or undo on one segment or the summary."""
from __future__ import annotations

import click

from review.commands.options import store_option
from review.article import VERDICTS
from review.errors import BadInputError

DECISION_FLAGS = ("segment", "summary", "accept", "reject", "correct", "undo")


@click.command("decide")
@click.argument("article_id", metavar="ID")
@click.option("--segment", type=click.IntRange(min=0), metavar="N",
              help="Segment number: the 0-based index shown by the app and in the store.")
@click.option("--summary", is_flag=True, help="Decide on the article's summary.")
@click.option("--accept", is_flag=True, help="Approve the machine output as it is.")
@click.option("--reject", is_flag=True, help="Mark the machine output as unusable.")
@click.option("--correct", metavar="TEXT", help="Approve your own English text instead.")
@click.option("--undo", is_flag=True,
              help="Revert the last decision not undone yet; repeat to go further back.")
@click.option("--summary-sentence", type=int, metavar="K",
              help="Summary sentence number: 0-based, like --segment; give a --verdict on it.")
@click.option("--verdict", metavar="|".join(VERDICTS),
              help="Whether the article supports summary sentence K.")
@click.option("--note", metavar="TEXT", help="Why: kept with the --verdict.")
@click.option("--reviewer", required=True, metavar="NAME", help="Who decides (recorded).")
@click.option("--expected-revision", type=int, metavar="N",
              help="Refuse if the segment (or summary) changed since you saw revision N.")
@store_option
def command(article_id, segment, summary, reviewer, expected_revision, store, **choice):
    """Record a decision on one segment or on the summary of article ID, or undo one; or a
    verdict on one sentence of the summary.

    Give exactly one of --segment N / --summary and one of --accept / --reject /
    --correct TEXT / --undo. --correct also works where there is no machine output (a human
    translation or summary). Corrections re-run the checks on that segment. --undo puts back
    the decision before the last one (pending after the first); each further --undo goes one
    decision further back. Every decision and every undo is kept in the article's history.

    --summary-sentence K --verdict supported|unsupported|contradicted [--note TEXT] judges
    summary sentence K (0-based, like --segment) on its own. A summary is approved only while
    none of its sentences is unsupported or contradicted.

    \b
    Example:
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --correct "The text." --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --summary --accept --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --undo --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --summary-sentence 0 --verdict unsupported --reviewer alice
    """
    judging = _judging(segment, summary, choice)  # --summary-sentence K --verdict V, if given
    if judging is not None:
        _judge(store, article_id, judging, _reviewer(reviewer), expected_revision)
        return
    target = _target(segment, summary)
    action = _action(**choice)  # exactly one of --accept, --reject, --correct, --undo
    reviewer = _reviewer(reviewer)
    from review import recheck
    from review.store import ArticleStore

    articles = ArticleStore(store)
    warnings: list[str] = []
    if action == "undo":
        article = recheck.undo(articles, article_id, target, reviewer,
                               expected_revision=expected_revision, warnings=warnings)
    else:
        article = recheck.decide(articles, article_id, target, action, reviewer,
                                 text=choice["correct"],
                                 expected_revision=expected_revision, warnings=warnings)
    click.echo(_outcome(article, target, action))
    for line in warnings:
        click.echo(f"warning: {line}", err=True)


def _judging(segment: int | None, summary: bool, choice: dict) -> tuple | None:
    """(K, verdict, note) when --summary-sentence/--verdict are given (and alone), else None;
    pops them from ``choice``."""
    k, verdict, note = (choice.pop(name) for name in ("summary_sentence", "verdict", "note"))
    if k is None and verdict is None:
        if note is not None:
            raise BadInputError("--note goes with a verdict: give --summary-sentence K "
                                "--verdict V --note TEXT")
        return None
    if k is None or verdict is None:
        raise BadInputError("give --summary-sentence K and --verdict "
                            f"{'|'.join(VERDICTS)} together")
    given = dict(choice, segment=segment, summary=summary)
    if any(given[name] not in (None, False) for name in DECISION_FLAGS):
        raise BadInputError("--summary-sentence/--verdict cannot be combined with --segment, "
                            "--summary, --accept, --reject, --correct or --undo; give them in "
                            "a decide of their own")
    return k, verdict, note


def _judge(store, article_id: str, judging: tuple, reviewer: str,
           expected_revision: int | None) -> None:
    """Record a verdict on one summary sentence and print one line."""
    from review.store import ArticleStore
    from review.terminal import printable

    k, verdict, note = judging
    article = ArticleStore(store).verdict(article_id, k, verdict, reviewer, note=note,
                                          expected_revision=expected_revision)
    click.echo(f"{article.id} summary sentence {k}: {verdict} by {printable(reviewer)} "
               f"(revision {article.summary.decision.revision})")


def _outcome(article, target: int | str, action: str) -> str:
    """One line: the decision now in effect, and for an undo what it reverted (a name stored
    before names were checked is shown with its control characters escaped)."""
    from review.terminal import printable

    owner = article.summary if target == "summary" else article.segment(target)
    label = "summary" if target == "summary" else f"segment {target}"
    decision = owner.decision
    who = printable(decision.reviewer)
    if action != "undo":
        return f"{article.id} {label}: {decision.status} by {who} (revision {decision.revision})"
    undone = article.history[-1].before["status"]
    now_in_effect = decision.status + (f" by {who}" if who else "")
    return (f"{article.id} {label}: undid {undone}, now {now_in_effect} "
            f"(revision {decision.revision})")


def _reviewer(name: str) -> str:
    """The --reviewer name if it passes ``decisions.check_reviewer``; else one line naming it."""
    from review.decisions import check_reviewer

    try:
        return check_reviewer(name)
    except BadInputError as err:
        raise BadInputError(f"--reviewer: {err}") from None


def _target(segment: int | None, summary: bool) -> int | str:
    if (segment is None) == (not summary):
        raise BadInputError("give exactly one of --segment N or --summary")
    return "summary" if summary else segment


def _action(accept: bool, reject: bool, correct: str | None, undo: bool = False) -> str:
    chosen = [name for name, on in (("accept", accept), ("reject", reject),
                                    ("correct", correct is not None), ("undo", undo)) if on]
    if len(chosen) != 1:
        raise BadInputError("give exactly one of --accept, --reject, --correct TEXT or --undo")
    return chosen[0]
