"""The rules of a decision: what accept, correct, reject, undo, a dismissal and a verdict on a
summary sentence do to an article.

Each function changes an ``Article`` in place and records the change in its history; none
reads or writes files. ``ArticleStore`` runs them inside its locked read-modify-write. A
decision on the summary also sets its sentences (``summary_sentences``) and records them; the
evidence of sentences it makes new is filled in afterwards (``recheck.Recheck``).
"""
from __future__ import annotations

from dataclasses import asdict, replace

from review import summary_sentences
from review.article import (ACTIONS, APPROVED, UNDO, VERDICTS, Article, Decision, Dismissal,
                            Flag, HistoryEntry, QualityError, Segment, Summary,
                            SummarySentence, decision_stack, history_target, now)
from review.errors import BadInputError, NothingToUndoError, StaleRevisionError

VERDICT = "verdict"  # the history action of a verdict on a summary sentence


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
    """Apply one decision to the article in place and record it in the history (for the
    summary, with its sentences before and after: see ``_judged``)."""
    owner, machine, label = _target(article, target, action)
    check_revision(article, target, owner.decision, label, expected_revision)
    if action == "accept" and machine is None:
        raise BadInputError(f"article {article.id} {label} has no machine output to accept; "
                            "use --correct TEXT to give your own translation")
    final = {"accept": machine, "correct": text.strip() if text else None, "reject": None}
    judged = _judged(article, owner, action, final[action]) if target == "summary" else None
    new = Decision(status=ACTIONS[action], text=final[action], reviewer=reviewer, time=now())
    _replace_decision(article, owner, target, action, reviewer, new, machine, new.time)
    if judged is not None:
        _put_sentences(article, owner, judged)


def undo(article: Article, target: int | str, reviewer: str,
          expected_revision: int | None) -> None:
    """Revert the last decision on ``target`` still in effect, and record the undo; the
    summary gets back the sentences it had before that decision."""
    owner, machine, label = _target(article, target, UNDO)
    check_revision(article, target, owner.decision, label, expected_revision)
    stack = decision_stack(article.history_of(target))
    if not stack:
        raise NothingToUndoError(f"article {article.id} {label} has no decision to undo (it is "
                                 f"{owner.decision.status}); decide on it with --accept, "
                                 "--correct TEXT or --reject")
    restored = _restored(stack)
    _replace_decision(article, owner, target, UNDO, reviewer, restored, machine, now())
    if target == "summary":
        before = stack[-1].before.get("sentences")
        _put_sentences(article, owner, summary_sentences.synced(owner) if before is None
                       else [_sentence(item) for item in before])


def set_verdict(article: Article, k: int, verdict: str, reviewer: str, note: str | None = None,
                expected_revision: int | None = None) -> None:
    """Set summary sentence ``k``'s verdict and note in place, record it in the history and
    bump the summary decision's revision (so a view of the old one is stale)."""
    reviewer = check_reviewer(reviewer)
    sentence = summary_sentence(article, k)
    if verdict not in VERDICTS:
        raise BadInputError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}; e.g. "
                            "--verdict supported")
    summary = article.summary
    check_revision(article, "summary", summary.decision, "summary", expected_revision)
    if verdict != "supported" and summary.decision.status in APPROVED:
        raise BadInputError(f"article {article.id} summary is {summary.decision.status}: undo "
                            f"the approval first (python -m review decide {article.id} "
                            f"--summary --undo --reviewer NAME), then mark sentence {k} "
                            f"{verdict}")
    before = _verdict_state(k, sentence)
    sentence.verdict, sentence.note = verdict, note.strip() if note and note.strip() else None
    summary.decision.revision += 1
    article.history.append(HistoryEntry(target="summary", action=VERDICT, reviewer=reviewer,
                                        time=now(), before=before,
                                        after=_verdict_state(k, sentence)))


def record_sentences(article: Article) -> None:
    """Let the last history entry, if a summary decision, show the sentences as they are now
    (their evidence is filled in after the decision)."""
    entry = article.history[-1] if article.history else None
    if entry and entry.target == "summary" and "sentences" in entry.after and article.summary:
        entry.after["sentences"] = [asdict(s) for s in article.summary.sentences]


def _judged(article: Article, summary: Summary, action: str,
            text: str | None) -> list[SummarySentence]:
    """The summary's sentences as the decision leaves them: a correction's text split afresh
    (a sentence with unchanged text keeps its evidence, verdict and note); an approval is
    refused while a sentence is judged unsupported or contradicted, and makes those not
    judged yet supported."""
    if action == "correct":
        sentences = summary_sentences.resplit(summary, text)
    else:
        sentences = summary_sentences.synced(summary)
    if action == "reject":
        return sentences
    wrong = [k for k, s in enumerate(sentences) if s.verdict not in (None, "supported")]
    if wrong:
        which = ", ".join(map(str, wrong))
        raise BadInputError(
            f"article {article.id} summary sentence(s) {which} are marked unsupported or "
            f"contradicted; correct the summary without them, or set their verdict to "
            f"supported (--summary-sentence K --verdict supported), then {action} it")
    return [replace(s, verdict=s.verdict or "supported") for s in sentences]


def _put_sentences(article: Article, summary: Summary,
                   sentences: list[SummarySentence]) -> None:
    """Give the summary ``sentences``, recording them (and those before) in the last history
    entry, the decision that set them."""
    entry = article.history[-1]
    entry.before["sentences"] = [asdict(s) for s in summary.sentences]
    summary.sentences = sentences
    entry.after["sentences"] = [asdict(s) for s in sentences]


def summary_sentence(article: Article, k: int) -> SummarySentence:
    """Summary sentence ``k``; BadInputError naming K, how many there are and the fix."""
    sentences = article.summary.sentences if article.summary else []
    if not isinstance(k, bool) and isinstance(k, int) and 0 <= k < len(sentences):
        return sentences[k]
    if not sentences:
        fix = (f"make the summary first: python -m review translate {article.id}"
               if article.summary is None else f"write it: python -m review decide "
               f"{article.id} --summary --correct TEXT")
        raise BadInputError(f"article {article.id} has no summary sentence {k} (its summary has "
                            f"0 sentences); {fix}")
    raise BadInputError(f"article {article.id} has no summary sentence {k} (its summary has "
                        f"{len(sentences)}: 0-{len(sentences) - 1}); give --summary-sentence "
                        f"0 to {len(sentences) - 1}")


def _sentence(item: dict) -> SummarySentence:
    """A summary sentence from its history record (its errors as ``QualityError``)."""
    return SummarySentence(**{**item, "errors": _errors(item.get("errors"))})


def _errors(items: list[dict] | None) -> list[QualityError]:
    return [QualityError(**item) for item in items or []]


def _verdict_state(k: int, sentence: SummarySentence) -> dict[str, str | None]:
    return {"sentence": str(k), "verdict": sentence.verdict, "note": sentence.note}


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
    since schema 2, and for older entries come from the decision below it on the stack; its
    errors, when it had any, since schema 5.
    """
    before = stack[-1].before
    below = stack[-2] if len(stack) > 1 else None
    reviewer = before["reviewer"] if "reviewer" in before else below and below.reviewer
    time = before["time"] if "time" in before else below and below.time
    return Decision(status=before.get("status", "pending"), text=before.get("text"),
                    reviewer=reviewer or None, time=time or None,
                    errors=_errors(before.get("errors")))


def check_revision(article: Article, target: int | str, decision: Decision, label: str,
                   expected_revision: int | None) -> None:
    """StaleRevisionError, naming who changed ``target`` when, unless ``decision`` is still at
    ``expected_revision`` (None: no check)."""
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
    """Put ``new`` in place of the owner's decision, one revision on, and log it in history
    (each side with its errors, when it has any)."""
    old = owner.decision
    new.revision = old.revision + 1
    owner.decision = new
    article.history.append(HistoryEntry(
        target=history_target("summary" if target == "summary" else owner.index),
        action=action, reviewer=reviewer, time=when,
        before=_with_errors({"status": old.status, "text": old.text, "reviewer": old.reviewer,
                             "time": old.time}, old),
        after=_with_errors({"status": new.status, "text": new.text}, new), machine=machine))


def _with_errors(state: dict, decision: Decision) -> dict:
    if decision.errors:
        state["errors"] = [asdict(error) for error in decision.errors]
    return state


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


def owner_of(article: Article, target: int | str) -> tuple[Segment | Summary, str]:
    """(the segment with index ``target``, or the summary; a label for messages);
    BadInputError naming an unknown segment or a missing summary."""
    owner, _machine, label = _target(article, target, "annotate")
    return owner, label


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
