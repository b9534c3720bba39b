"""`python -m review decide`: accept, correct, reject or undo on one segment or the summary;
a verdict or errors on a summary sentence; a comment."""
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
@click.option("--error", "errors", multiple=True, metavar="TYPE:SEVERITY[:NOTE]",
              help="An error found (MQM; repeatable): with --reject or --correct, or with "
                   "--summary-sentence K. Types and severities come from the store's "
                   "lqa.toml (default: accuracy/mistranslation ... audience/culture; minor, "
                   "major, critical).")
@click.option("--comment", metavar="TEXT",
              help="Add TEXT to the comment thread of --segment N or --summary (not a "
                   "decision).")
@click.option("--reviewer", required=True, metavar="NAME", help="Who decides (recorded).")
@click.option("--expected-revision", type=int, metavar="N",
              help="Refuse if the segment (or summary) changed since you saw revision N.")
@store_option
def command(article_id, segment, summary, reviewer, expected_revision, store, errors, comment,
            **choice):
    """Record a decision on one segment or on the summary of article ID, or undo one; or a
    verdict on one sentence of the summary; with the errors found, or a comment.

    Give exactly one of --segment N / --summary and one of --accept / --reject /
    --correct TEXT / --undo. --correct also works where there is no machine output (a human
    translation or summary). Corrections re-run the checks on that segment. --undo puts back
    the decision before the last one (pending after the first); each further --undo goes one
    decision further back. Every decision and every undo is kept in the article's history.

    --summary-sentence K --verdict supported|unsupported|contradicted [--note TEXT] judges
    summary sentence K (0-based, like --segment) on its own. A summary is approved only while
    none of its sentences is unsupported or contradicted.

    --error TYPE:SEVERITY[:NOTE] (repeatable) records what is wrong: with --reject or
    --correct on the new decision (an --undo takes them back with it), or with
    --summary-sentence K on that sentence. --comment TEXT adds to the thread of --segment N or
    --summary. See `python -m review lqa` for the scorecards.

    \b
    Example:
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --correct "The text." --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --summary --accept --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --undo --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --summary-sentence 0 --verdict unsupported --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --reject --error accuracy/omission:major --reviewer alice
      python -m review decide 000_aed0e7e85b1c3751 --segment 3 --comment "Check the name." --reviewer alice
    """
    # --summary-sentence K with --verdict V and/or --error, if given
    judging = _judging(segment, summary, choice, errors, comment)
    if judging is not None:
        _judge(store, article_id, judging, _reviewer(reviewer), expected_revision, errors)
        return
    target = _target(segment, summary)
    if comment is not None:
        _comment(store, article_id, target, comment, _reviewer(reviewer), choice, errors)
        return
    action = _action(**choice)  # exactly one of --accept, --reject, --correct, --undo
    _decide(store, article_id, target, action, _reviewer(reviewer),
            dict(text=choice["correct"], expected_revision=expected_revision), errors)


def _decide(store, article_id: str, target: int | str, action: str, reviewer: str,
            options: dict, errors: tuple[str, ...]) -> None:
    """Record the decision (with its errors) or the undo; print one line, then warnings."""
    from review import annotations, recheck
    from review.store import ArticleStore

    articles = ArticleStore(store)
    found = _errors(_profile(articles, errors), errors, action)
    warnings: list[str] = []
    if action == "undo":
        article = recheck.undo(articles, article_id, target, reviewer, warnings=warnings,
                               expected_revision=options["expected_revision"])
    else:
        article = annotations.decide(articles, article_id, target, action, reviewer,
                                     errors=found, warnings=warnings, **options)
    click.echo(_outcome(article, target, action) + _counted(found))
    for line in warnings:
        click.echo(f"warning: {line}", err=True)


def _errors(profile, errors: tuple[str, ...], action: str | None) -> list:
    """The --error values as errors of ``profile``; BadInputError naming a bad one (with the
    valid types or severities), or errors given with --accept or --undo."""
    if errors and action not in (None, "reject", "correct"):
        raise BadInputError(f"--error goes with --reject or --correct TEXT, not --{action}: "
                            "an error says what was wrong with the English")
    from review.annotations import parse_error

    return [parse_error(text, profile) for text in errors]


def _profile(articles, errors: tuple[str, ...]):
    """The store's LQA profile when errors are given (a bad lqa.toml is one line), else None."""
    from review.annotations import profile_of

    return profile_of(articles) if errors else None


def _counted(found: list) -> str:
    """" with N error(s)" when errors were given, else ""."""
    return f" with {_errors_word(found)}" if found else ""


def _errors_word(found: list) -> str:
    return f"{len(found)} error{'s' if len(found) != 1 else ''}"


def _comment(store, article_id: str, target: int | str, text: str, reviewer: str,
             choice: dict, errors: tuple[str, ...]) -> None:
    """Add a comment to the thread of ``target`` and print one line."""
    from review.annotations import comment, open_comments
    from review.store import ArticleStore
    from review.terminal import printable

    if errors or any(choice.get(name) not in (None, False)
                     for name in ("accept", "reject", "correct", "undo")):
        raise BadInputError("--comment is not a decision: give it with --segment N or "
                            "--summary alone, in a decide of its own")
    article = comment(ArticleStore(store), article_id, target, text, reviewer)
    owner = article.summary if target == "summary" else article.segment(target)
    label = "summary" if target == "summary" else f"segment {target}"
    click.echo(f"{article.id} {label}: comment {len(owner.comments) - 1} by "
               f"{printable(reviewer)} ({open_comments(owner)} open)")


def _judging(segment: int | None, summary: bool, choice: dict, errors: tuple[str, ...],
             comment: str | None) -> tuple | None:
    """(K, verdict or None, note) when --summary-sentence K is given with --verdict and/or
    --error (and alone), else None; pops them from ``choice``."""
    k, verdict, note = (choice.pop(name) for name in ("summary_sentence", "verdict", "note"))
    if k is None and verdict is None:
        if note is not None:
            raise BadInputError("--note goes with a verdict: give --summary-sentence K "
                                "--verdict V --note TEXT")
        return None
    if k is None or (verdict is None and not errors):
        raise BadInputError("give --summary-sentence K and --verdict "
                            f"{'|'.join(VERDICTS)} together (or K with --error TYPE:SEVERITY)")
    if verdict is None and note is not None:
        raise BadInputError("--note goes with a verdict: give --summary-sentence K "
                            "--verdict V --note TEXT (an error takes its note as "
                            "TYPE:SEVERITY:NOTE)")
    given = dict(choice, segment=segment, summary=summary)
    if comment is not None or any(given[name] not in (None, False) for name in DECISION_FLAGS):
        raise BadInputError("--summary-sentence/--verdict cannot be combined with --segment, "
                            "--summary, --accept, --reject, --correct, --undo or --comment; give "
                            "them in a decide of their own")
    return k, verdict, note


def _judge(store, article_id: str, judging: tuple, reviewer: str,
           expected_revision: int | None, errors: tuple[str, ...]) -> None:
    """Record a verdict and/or errors on one summary sentence (one write); print one line."""
    from review.store import ArticleStore
    from review.terminal import printable

    k, verdict, note = judging
    articles = ArticleStore(store)
    profile = _profile(articles, errors)
    found = _errors(profile, errors, None)
    article = articles.update(article_id, lambda a: _judged(
        a, k, verdict, note, (profile, found), reviewer, expected_revision))
    what = verdict + _counted(found) if verdict else f"{_errors_word(found)} recorded"
    click.echo(f"{article.id} summary sentence {k}: {what} by {printable(reviewer)} "
               f"(revision {article.summary.decision.revision})")


def _judged(article, k: int, verdict: str | None, note: str | None, errors: tuple,
            reviewer: str, expected_revision: int | None) -> None:
    """The verdict, then the errors ((profile, errors)), on summary sentence ``k``, in place."""
    from review import annotations, decisions

    if verdict is not None:
        decisions.set_verdict(article, k, verdict, reviewer, note=note,
                              expected_revision=expected_revision)
        expected_revision = None  # checked once: the verdict bumped it
    profile, found = errors
    if found:
        annotations.add_errors(article, f"summary:{k}", found, reviewer, profile,
                               expected_revision=expected_revision)


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
