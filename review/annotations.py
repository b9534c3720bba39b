"""What a reviewer records beside a decision: MQM errors and comment threads.

Errors go with a rejected or corrected decision on a segment or the summary, or with a
sentence of the summary (target "summary:K"). Each is checked against the store's LQA profile
(``review.lqa.profile``); its span, when given, must be a piece of the English assessed (the
machine output or the reviewer's English; the sentence's text). Errors added to a decision
are written into that decision's history entry, so an undo of the decision takes them back
with it, and bump its revision (a tab that saw it without them is stale). Errors on a summary
sentence get a history entry of their own, like a verdict.

Comments are a thread per segment and on the summary: author, time, text, resolved. They are
plain text (no markup is ever made of them) and are not decisions: they change no revision.

The functions taking an ``Article`` change it in place and are for ``ArticleStore.update``;
those taking a store do the locked read-modify-write themselves and return the saved article.
"""
from __future__ import annotations

from pathlib import Path

import unicodedata
from dataclasses import asdict, replace
from typing import Callable, Iterable

from review.article import (ERRORS, Article, Comment, HistoryEntry, QualityError,
                            decision_stack, now)
from review.errors import BadInputError
from review.lqa.profile import DEFAULT, Profile

NOTE_MAX = 1_000  # characters in an error's note or span
COMMENT_MAX = 4_000  # characters in a comment
WITH_ERRORS = ("rejected", "corrected")  # the decisions errors go with
# Bidirectional controls could make a note read as something else; other controls are no text.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# ---- errors ---------------------------------------------------------------------------------

def parse_error(text: str, profile: Profile = DEFAULT) -> QualityError:
    """An error from "TYPE:SEVERITY[:NOTE]" (the CLI's --error); BadInputError naming the
    value and listing the valid types or severities."""
    type_, _, rest = (text or "").partition(":")
    severity, _, note = rest.partition(":")
    try:
        return checked(QualityError(type_.strip(), severity.strip(), note=note or None),
                       profile)
    except BadInputError as err:
        raise BadInputError(f"--error {text!r}: {err} (give TYPE:SEVERITY[:NOTE])") from None


def checked(error: QualityError, profile: Profile = DEFAULT) -> QualityError:
    """``error`` with its type and severity checked against ``profile``, span and note as
    plain text (None when empty); BadInputError naming what is wrong."""
    profile.check(error.type, error.severity)
    note = _plain(error.note, "note", NOTE_MAX, strip=True)
    span = _plain(error.span, "span", NOTE_MAX, strip=False)
    return replace(error, note=note or None, span=span if span and span.strip() else None)


def add_errors(article: Article, target: int | str, errors: Iterable[QualityError],
               reviewer: str, profile: Profile = DEFAULT,
               expected_revision: int | None = None) -> None:
    """Add ``errors`` to the decision on ``target`` (a segment index or "summary"; it must be
    rejected or corrected) or to summary sentence "summary:K", in place, each stamped with
    ``reviewer`` and the time. StaleRevisionError when the decision (for a sentence, the
    summary's) is no longer ``expected_revision``."""
    _change_errors(article, target, reviewer, expected_revision,
                   lambda old: old + _stamped(errors, reviewer, profile))


def remove_error(article: Article, target: int | str, position: int, reviewer: str,
                 expected_revision: int | None = None) -> None:
    """Take error ``position`` (0-based, as listed) off ``target``'s errors, in place."""
    def without(old: list[QualityError]) -> list[QualityError]:
        if isinstance(position, bool) or not isinstance(position, int) \
                or not 0 <= position < len(old):
            raise BadInputError(f"article {article.id} {_label(target)} has no error "
                                f"{position!r} ({_range(old)}); give one of those")
        return old[:position] + old[position + 1:]

    _change_errors(article, target, reviewer, expected_revision, without)


def check_spans(article: Article, target: int | str, errors: Iterable[QualityError]) -> None:
    """BadInputError unless each error's span is a piece of ``target``'s English."""
    texts = [text for text in _englishes(article, target) if text]
    for error in errors:
        if error.span and not any(error.span in text for text in texts):
            raise BadInputError(f"span {error.span!r} is not in the English of article "
                                f"{article.id} {_label(target)}; select text of its English, "
                                "or leave the span out")


def _change_errors(article: Article, target: int | str, reviewer: str,
                   expected_revision: int | None,
                   change: Callable[[list[QualityError]], list[QualityError]]) -> None:
    from review.decisions import check_reviewer

    reviewer = check_reviewer(reviewer)
    if isinstance(target, str) and target.startswith("summary:"):
        _change_sentence(article, target, reviewer, expected_revision, change)
        return
    owner = _decided(article, target, expected_revision)
    errors = change(list(owner.decision.errors))
    check_spans(article, target, errors)
    owner.decision.errors = errors
    owner.decision.revision += 1
    record_errors(article, target)


def record_errors(article: Article, target: int | str) -> None:
    """Let the history entry of the decision in effect on ``target`` show the errors the
    decision has now (the next decision keeps them in its ``before``, so undoing that one
    brings them back; undoing this one takes them away with it)."""
    from review.decisions import owner_of

    owner = owner_of(article, target)[0]
    stack = decision_stack(article.history_of(target))
    if not stack:
        return
    if owner.decision.errors:
        stack[-1].after[ERRORS] = [asdict(error) for error in owner.decision.errors]
    else:
        stack[-1].after.pop(ERRORS, None)


def _decided(article: Article, target: int | str, expected_revision: int | None):
    """The segment or summary on ``target``, whose decision must take errors."""
    from review.decisions import check_revision, owner_of

    owner, label = owner_of(article, target)
    check_revision(article, target, owner.decision, label, expected_revision)
    status = owner.decision.status
    if status not in WITH_ERRORS:
        flag = "--summary" if target == "summary" else f"--segment {target}"
        raise BadInputError(f"article {article.id} {label} is {status}: errors go with a "
                            f"rejected or corrected decision; reject or correct it first "
                            f"(python -m review decide {article.id} {flag} --reject --error "
                            "TYPE:SEVERITY --reviewer NAME)")
    return owner


def _change_sentence(article: Article, target: str, reviewer: str,
                     expected_revision: int | None,
                     change: Callable[[list[QualityError]], list[QualityError]]) -> None:
    """Errors on summary sentence K, recorded as a history entry of their own."""
    from review.decisions import check_revision, summary_sentence

    k = _sentence_number(target)
    sentence = summary_sentence(article, k)
    summary = article.summary
    check_revision(article, "summary", summary.decision, "summary", expected_revision)
    before = [asdict(error) for error in sentence.errors]
    sentence.errors = change(list(sentence.errors))
    check_spans(article, target, sentence.errors)
    summary.decision.revision += 1
    article.history.append(HistoryEntry(
        target="summary", action=ERRORS, reviewer=reviewer, time=now(),
        before={"sentence": str(k), ERRORS: before},
        after={"sentence": str(k), ERRORS: [asdict(error) for error in sentence.errors]}))


def _stamped(errors: Iterable[QualityError], reviewer: str,
             profile: Profile) -> list[QualityError]:
    when = now()
    found = [replace(checked(error, profile), reviewer=reviewer, time=when) for error in errors]
    if not found:
        raise BadInputError("no error given: give at least one TYPE:SEVERITY")
    return found


def _englishes(article: Article, target: int | str) -> list[str | None]:
    """The English texts a span of ``target`` may come from."""
    if isinstance(target, str) and target.startswith("summary:"):
        from review.decisions import summary_sentence

        return [summary_sentence(article, _sentence_number(target)).text]
    if target == "summary":
        return [article.summary.text, article.summary.decision.text] if article.summary else []
    seg = article.segment(target)
    return [seg.machine.text if seg.machine else None, seg.decision.text]


def _sentence_number(target: str) -> int:
    number = target.partition(":")[2]
    if not number.isdigit():
        raise BadInputError(f"{target!r} names no summary sentence; give summary:K with K a "
                            "sentence number from 0")
    return int(number)


# ---- comments -------------------------------------------------------------------------------

def add_comment(article: Article, target: int | str, author: str, text: str) -> Comment:
    """Append a comment by ``author`` to the thread of ``target`` (a segment index or
    "summary"), in place; the comment made."""
    from review.decisions import check_reviewer, owner_of

    author = check_reviewer(author)
    body = _plain(text, "comment", COMMENT_MAX, strip=True)
    if not body:
        raise BadInputError("the comment is empty; give its text, e.g. --comment 'Check the "
                            "name.'")
    owner = owner_of(article, target)[0]
    comment = Comment(author=author, time=now(), text=body)
    owner.comments = [*owner.comments, comment]
    return comment


def set_resolved(article: Article, target: int | str, position: int,
                 resolved: bool = True) -> None:
    """Mark comment ``position`` (0-based) of ``target``'s thread resolved, or open again."""
    from review.decisions import owner_of

    owner, label = owner_of(article, target)
    if isinstance(position, bool) or not isinstance(position, int) \
            or not 0 <= position < len(owner.comments):
        raise BadInputError(f"article {article.id} {label} has no comment {position!r} "
                            f"({_range(owner.comments)}); give one of those")
    comments = list(owner.comments)
    comments[position] = replace(comments[position], resolved=resolved)
    owner.comments = comments


def open_comments(owner) -> int:
    """How many comments of a segment's or the summary's thread are not resolved."""
    return sum(1 for comment in owner.comments if not comment.resolved)


# ---- on the store ---------------------------------------------------------------------------

def annotate(store, article_id: str, target: int | str, errors: Iterable[QualityError],
             reviewer: str, expected_revision: int | None = None) -> Article:
    """``add_errors`` under the store's profile, as one locked write."""
    profile = profile_of(store)
    errors = [checked(error, profile) for error in errors]  # refused before the lock
    return store.update(article_id, lambda article: add_errors(
        article, target, errors, reviewer, profile, expected_revision))


def unannotate(store, article_id: str, target: int | str, position: int, reviewer: str,
               expected_revision: int | None = None) -> Article:
    """``remove_error`` as one locked write."""
    return store.update(article_id, lambda article: remove_error(
        article, target, position, reviewer, expected_revision))


def comment(store, article_id: str, target: int | str, text: str, author: str) -> Article:
    """``add_comment`` as one locked write."""
    return store.update(article_id, lambda article: add_comment(article, target, author, text))


def resolve(store, article_id: str, target: int | str, position: int,
            resolved: bool = True) -> Article:
    """``set_resolved`` as one locked write."""
    return store.update(article_id, lambda article: set_resolved(article, target, position,
                                                                 resolved))


def decide(store, article_id: str, target: int | str, action: str, reviewer: str,
           errors: Iterable[QualityError] = (), **options) -> Article:
    """``recheck.decide`` (the decision, its re-check and draft; ``options``: its ``text``,
    ``expected_revision`` and ``warnings``), with ``errors`` recorded on the new decision in
    the same locked write: a refused error saves nothing."""
    from review import recheck

    errors = list(errors)
    if errors:
        if action not in ("reject", "correct"):
            raise BadInputError(f"errors go with a rejection or a correction, not {action}: "
                                "give --reject or --correct TEXT with --error")
        profile = profile_of(store)
        store = _WithErrors(store, _stamped(errors, reviewer.strip(), profile))
    return recheck.decide(store, article_id, target, action, reviewer, **options)


def profile_of(store) -> Profile:
    """The LQA profile of ``store`` (its lqa.toml, else the default), read again only when
    the file changed (``store_files.settled_reading``); a bad one raises each time."""
    from review.lqa.profile import PROFILE_FILE, load
    from review.store_files import settled_reading

    root = store.root
    return settled_reading(_PROFILES, Path(root) / PROFILE_FILE, lambda _path: load(root),
                           lambda: load(root))


_PROFILES: dict = {}  # lqa.toml path -> (signature, Profile), as settled_reading keeps them


class _WithErrors:
    """``store`` as ``recheck.decide`` uses it, whose ``decide`` also puts ``errors`` on the new
    decision and in its history entry, inside the same locked write."""

    def __init__(self, store, errors: list[QualityError]):
        self._store, self._errors = store, errors

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def decide(self, article_id: str, target: int | str, action: str, reviewer: str,
               on_change: Callable | None = None, **options) -> Article:
        from review.decisions import owner_of

        def apply(article: Article, decided: int | str) -> None:
            check_spans(article, decided, self._errors)
            owner_of(article, decided)[0].decision.errors = list(self._errors)
            record_errors(article, decided)
            if on_change:
                on_change(article, decided)

        return self._store.decide(article_id, target, action, reviewer, on_change=apply,
                                  **options)


# ---- plain text -----------------------------------------------------------------------------

def _plain(text: str | None, what: str, limit: int, strip: bool) -> str | None:
    """``text`` as plain text (CR/LF as LF), or None; BadInputError for control characters
    other than line breaks and tabs, bidirectional controls, or more than ``limit``."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise BadInputError(f"the {what} is not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip() if strip else text
    odd = next((c for c in text if c in _BIDI or (c not in "\n\t" and unicodedata.category(c)
                                                  in ("Cc", "Cs"))), None)
    if odd is not None:
        raise BadInputError(f"the {what} holds a control character (U+{ord(odd):04X}); give "
                            "plain text")
    if len(text) > limit:
        raise BadInputError(f"the {what} is longer than {limit:,} characters; shorten it")
    return text


def _label(target: int | str) -> str:
    if target == "summary":
        return "summary"
    if isinstance(target, str) and target.startswith("summary:"):
        return f"summary sentence {target.partition(':')[2]}"
    return f"segment {target}"


def _range(items: list) -> str:
    return f"it has {len(items)}" + (f": 0-{len(items) - 1}" if items else "")
