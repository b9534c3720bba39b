"""The rules of a decision: what accept, correct, reject, undo and a dismissal do to an article.

Each function changes an ``Article`` in place and records the change in its history; none
reads or writes files. ``ArticleStore`` runs them inside its locked read-modify-write.
"""
from __future__ import annotations

from review.article import (ACTIONS, UNDO, Article, Decision, Dismissal, Flag, HistoryEntry,
                            Segment, Summary, decision_stack, history_target, now)
from review.errors import BadInputError, NothingToUndoError, StaleRevisionError


def check_decision_args(action: str, reviewer: str, text: str | None) -> None:
    if action not in ACTIONS:
        raise BadInputError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    check_reviewer(reviewer)
    if action == "correct" and (text is None or not text.strip()):
        raise BadInputError("the correction is empty; give the English text, e.g. "
                            "--correct 'The text.' (or use --reject)")


def check_reviewer(reviewer: str) -> str:
    """The reviewer name without surrounding spaces; BadInputError (``auth.BadNameError``
    for a name with control characters or markup, see ``auth.check_name``) otherwise."""
    from review.auth import check_name

    if not reviewer or not reviewer.strip():
        raise BadInputError("reviewer name is empty; give your name, e.g. --reviewer alice")
    return check_name(reviewer)


def decide(article: Article, target: int | str, action: str, reviewer: str,
            text: str | None, expected_revision: int | None) -> None:
    """Apply one decision to the article in place and record it in the history."""
    owner, machine, label = _target(article, target, action)
    _check_revision(article, target, owner.decision, label, expected_revision)
    if action == "accept" and machine is None:
        raise BadInputError(f"article {article.id} {label} has no machine output to accept; "
                            "use --correct TEXT to give your own translation")
    final = {"accept": machine, "correct": text.strip() if text else None, "reject": None}
    new = Decision(status=ACTIONS[action], text=final[action], reviewer=reviewer, time=now())
    _replace_decision(article, owner, target, action, reviewer, new, machine, new.time)


def undo(article: Article, target: int | str, reviewer: str,
          expected_revision: int | None) -> None:
    """Revert the last decision on ``target`` still in effect, and record the undo."""
    owner, machine, label = _target(article, target, UNDO)
    _check_revision(article, target, owner.decision, label, expected_revision)
    stack = decision_stack(article.history_of(target))
    if not stack:
        raise NothingToUndoError(f"article {article.id} {label} has no decision to undo (it is "
                                 f"{owner.decision.status}); decide on it with --accept, "
                                 "--correct TEXT or --reject")
    restored = _restored(stack)
    _replace_decision(article, owner, target, UNDO, reviewer, restored, machine, now())


def dismiss(article: Article, index: int, code: str, detail: str, reviewer: str) -> None:
    """Mark the flag (code, detail) on segment ``index`` a false alarm and rescore it.

    Dismissing a flag twice keeps the first dismissal; the decision and history are untouched.
    """
    seg = _flagged_segment(article, index, code, detail)
    if seg.dismissal_of(code, detail) is None:
        seg.dismissed.append(Dismissal(code, detail, reviewer, now()))
    _rescore(seg)


def restore_flag(article: Article, index: int, code: str, detail: str) -> None:
    """Take back the dismissal of the flag (code, detail) on segment ``index``."""
    seg = _segment(article, index)
    dismissal = seg.dismissal_of(code, detail)
    if dismissal is None:
        raise BadInputError(f"article {article.id} segment {index} has no dismissed "
                            f"flag {code} {detail!r}; dismissed are: "
                            f"{_flag_list(seg.dismissed)}")
    seg.dismissed.remove(dismissal)
    _rescore(seg)


def _restored(stack: list[HistoryEntry]) -> Decision:
    """The decision in effect before the last one on ``stack``.

    Its status and text are in that entry's ``before``; who made it and when are there too
    since schema 2, and for older entries come from the decision below it on the stack.
    """
    before = stack[-1].before
    below = stack[-2] if len(stack) > 1 else None
    reviewer = before["reviewer"] if "reviewer" in before else below and below.reviewer
    time = before["time"] if "time" in before else below and below.time
    return Decision(status=before.get("status", "pending"), text=before.get("text"),
                    reviewer=reviewer or None, time=time or None)


def _check_revision(article: Article, target: int | str, decision: Decision, label: str,
                    expected_revision: int | None) -> None:
    if expected_revision is None or expected_revision == decision.revision:
        return
    # The last history entry names who changed it: after an undo, the decision itself
    # carries the restored reviewer, not the one who undid.
    entries = article.history_of(target)
    who, when = (entries[-1].reviewer, entries[-1].time) if entries else (decision.reviewer,
                                                                           decision.time)
    raise StaleRevisionError(
        f"article {article.id} {label} was changed by {who or 'someone'} at "
        f"{when or 'an unknown time'} since you loaded it (revision "
        f"{decision.revision}, you had {expected_revision}); reload and decide again")


def _replace_decision(article: Article, owner, target: int | str, action: str, reviewer: str,
                      new: Decision, machine: str | None, when: str) -> None:
    """Put ``new`` in place of the owner's decision, one revision on, and log it in history."""
    old = owner.decision
    new.revision = old.revision + 1
    owner.decision = new
    article.history.append(HistoryEntry(
        target=history_target("summary" if target == "summary" else owner.index),
        action=action, reviewer=reviewer, time=when,
        before={"status": old.status, "text": old.text, "reviewer": old.reviewer,
                "time": old.time},
        after={"status": new.status, "text": new.text}, machine=machine))


def _segment(article: Article, index: int) -> Segment:
    if index == "summary":
        raise BadInputError(f"article {article.id}: only segment flags can be dismissed; give "
                            "a segment index")
    owner, _machine, _label = _target(article, index, "dismiss")
    return owner


def _flagged_segment(article: Article, index: int, code: str, detail: str) -> Segment:
    """Segment ``index``, which must carry the flag (code, detail)."""
    seg = _segment(article, index)
    if Flag(code, detail) not in seg.flags:
        raise BadInputError(f"article {article.id} segment {index} has no flag {code} "
                            f"{detail!r}; its flags are: {_flag_list(seg.flags)}")
    return seg


def _flag_list(flags) -> str:
    return "; ".join(f"{f.code} {f.detail!r}" for f in flags) or "none"


def _rescore(seg: Segment) -> None:
    from review.checks.risk import segment_risk

    if seg.risk is not None:  # never checked: the checks will score it
        seg.risk = segment_risk(seg)


def _target(article: Article, target: int | str, action: str):
    """(segment or summary, its machine text, a label for messages)."""
    if target == "summary":
        if article.summary is None:
            if action != "correct":
                raise BadInputError(f"article {article.id} has no summary yet; run "
                                    "`python -m review translate` first, or write one with "
                                    "--correct TEXT")
            article.summary = Summary(method="human", text=None)
        return article.summary, article.summary.text, "summary"
    if isinstance(target, bool) or not isinstance(target, int):
        raise BadInputError(f"segment {target!r} is not a number; give a segment index or "
                            "'summary'")
    for seg in article.segments:
        if seg.index == target:
            return seg, seg.machine.text if seg.machine else None, f"segment {target}"
    known = f"segments are 0-{len(article.segments) - 1}" if article.segments else "no segments"
    raise BadInputError(f"article {article.id} has no segment {target} ({known}); see: "
                        f"python -m review status")
