"""Deciding as the app and the CLI both do: the decision, the one re-check after it, and the
reviewer's draft of the target (cleared when the decision saves it, kept when refused)."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from models.base import Translator
from review.article import Article, Segment, trial_copy
from review.errors import ReviewError


def recheck_segment(article: Article, seg: Segment, glossary=None, memory=None,
                    translator: Translator | None = None) -> None:
    """Re-run the checks on one segment's current English, in place.

    With a translation ``memory`` (``store_memory(store)``) the consistency checks run too;
    without one, flags they raised earlier are dropped like any other stale flag. With a
    ``translator`` a changed English gets a new agreement; without one the stored agreement is
    kept only if the English is the one it was computed for, else it becomes None.
    """
    from review.checks import check_pairs
    from review.memory.units import origin_of
    from review.checks.core import apply_result, refresh_agreement

    english = seg.english
    if seg.kind == "boilerplate" or english is None:
        return
    refresh_agreement([seg], translator)
    confidence = seg.machine.confidence if seg.machine and english == seg.machine.text else None
    result = check_pairs([seg.source], [english], [confidence], glossary=glossary,
                         memory=memory, origins=[origin_of(article.id, seg.index)],
                         agreements=[seg.agreement], seconds=[seg.second])[0]
    apply_result(seg, result)


class Recheck:
    """The one re-check after a decision, for the app and the CLI alike.

    ``prepare`` does the heavy work before the store's lock is taken: it applies the decision
    to a snapshot and, when the decision changes the segment's English, loads the glossary and
    the translation memory and checks that English there (embeddings and, with a model already
    loaded, agreement). The store then runs the instance as its ``on_change`` hook inside the
    lock, where it copies those results onto the segment while its English is still the one
    checked, checks it there only if another writer changed it meanwhile, and re-derives a
    pending extractive summary. The evidence of summary sentences a decision makes (a
    correction's, a re-derived extractive summary's) is found on the snapshot too and only
    copied in the lock. A failing check never costs the decision: it is saved, and
    ``warnings`` says so.
    """

    def __init__(self, store, warnings: list[str] | None = None):
        self.store, self.warnings = store, warnings
        self.glossary = self.memory = self.translator = None
        self.loaded = False
        # segment index -> (English, decision revision) the decision leaves on the snapshot
        self.expected: dict[int, tuple[str | None, int]] = {}
        self.checked: dict[int, Segment] = {}  # segment index -> checked on the snapshot
        self.evidence: dict = {}  # summary sentence key -> evidence found on the snapshot

    @classmethod
    def prepare(cls, store, article_id: str, target: int | str,
                apply: Callable[[Article], None], warnings: list[str] | None = None) -> Recheck:
        """Check, before the lock, what ``apply`` (the decision) leaves in ``target``, and
        find the evidence of the summary sentences it makes."""
        recheck = cls(store, warnings)
        try:
            snapshot, seg = _trial(store.view(article_id), target)
            before = seg.english if seg else None
            apply(snapshot)
        except Exception:  # noqa: BLE001 - the decision itself reports what is wrong with it
            return recheck
        if seg is not None:
            recheck.expected[seg.index] = (seg.english, seg.decision.revision)
            if seg.english != before or seg.risk is None:
                try:
                    recheck._check(snapshot, seg)
                    recheck.checked[seg.index] = seg
                except Exception as err:  # noqa: BLE001 - any check failure; the decision counts
                    recheck._warn(err)
        recheck._find_evidence(snapshot, seg is None)
        return recheck

    def __call__(self, article: Article, target: int | str) -> None:
        from review import decisions, summary as summaries, summary_sentences

        try:
            if target == "summary":
                summaries.reflag(article)
                summary_sentences.fill(article, article.summary, self.evidence)
                decisions.record_sentences(article)
                return
            seg = article.segment(int(target))
            checked = self.checked.get(seg.index)
            if checked is not None and checked.english == seg.english:
                _copy_checks(seg, checked)
            elif checked is not None or self._changed_meanwhile(seg):
                self._check(article, seg)
            summaries.refresh(article, self.evidence)
        except Exception as err:  # noqa: BLE001 - any check failure; the decision still counts
            self._warn(err)

    def _find_evidence(self, snapshot: Article, decided_summary: bool) -> None:
        """The evidence of the summary sentences the decision makes on the snapshot: a summary
        decided on, or a pending extractive summary re-derived after a segment decision."""
        from review import source_embeddings, summary as summaries, summary_sentences

        try:
            if decided_summary or summaries.rederive(snapshot):
                if summary_sentences.unfilled(snapshot.summary):
                    source_embeddings.keep(self.store, snapshot)  # the German, from its file
                    summary_sentences.fill(snapshot, snapshot.summary)
                self.evidence = summary_sentences.known(snapshot, snapshot.summary)
        except Exception:  # noqa: BLE001 - the hook then works the evidence out in the lock
            self.evidence = {}

    def _changed_meanwhile(self, seg: Segment) -> bool:
        """Whether another writer changed the segment between the snapshot and the lock (or
        the decision could not be tried on a snapshot at all)."""
        if seg.index not in self.expected:
            return True
        english, revision = self.expected[seg.index]
        return seg.english != english or seg.decision.revision != revision

    def _check(self, article: Article, seg: Segment) -> None:
        if not self.loaded:
            from models.registry import loaded_translator
            from review.checks import load_glossary
            from review.memory import memory_for

            self.glossary = load_glossary(self.store.glossary_path)
            self.memory = memory_for(self.store)
            # Agreement is scored only by a model already loaded: a decision never loads one.
            self.translator = loaded_translator()
            self.loaded = True
        recheck_segment(article, seg, self.glossary, self.memory, self.translator)

    def _warn(self, err: Exception) -> None:
        if self.warnings is not None:
            self.warnings.append(f"decision saved, but the checks were not re-run ({err})")


def _trial(article: Article, target: int | str) -> tuple[Article, Segment | None]:
    """A copy of ``article`` to try a decision on ``target`` on (``trial_copy``), with a
    summary of its own; the decided segment, or None for the summary."""
    from copy import deepcopy

    if target == "summary":
        snapshot, seg = replace(article, history=list(article.history)), None
    else:
        snapshot, seg = trial_copy(article, int(target))
    snapshot.summary = deepcopy(snapshot.summary)
    return snapshot, seg


def _copy_checks(seg: Segment, checked: Segment) -> None:
    """Put the checks made on a snapshot onto the stored segment (its dismissals kept)."""
    from review.checks.core import apply_result

    seg.agreement, seg.agreement_of = checked.agreement, checked.agreement_of
    apply_result(seg, checked)


def decide(store, article_id: str, target: int | str, action: str, reviewer: str,
           text: str | None = None, expected_revision: int | None = None,
           warnings: list[str] | None = None) -> Article:
    """``store.decide`` followed by the re-check, its heavy part done before the lock.

    The reviewer's draft of the target is cleared by an accept or correction that lands; a
    correction refused as stale (someone else decided first) is kept as the draft instead.
    """
    from review import decisions
    from review.drafts import Drafts
    from review.errors import StaleRevisionError

    def apply(article: Article) -> None:
        decisions.decide(article, target, action, reviewer.strip(), text, None)

    hook = Recheck.prepare(store, article_id, target, apply, warnings)
    try:
        article = store.decide(article_id, target, action, reviewer, text=text,
                               expected_revision=expected_revision, on_change=hook)
    except StaleRevisionError:
        if action == "correct" and text and text.strip():
            try:
                Drafts(store).save(article_id, target, reviewer, text)
            except ReviewError:
                pass  # the refusal is what the reviewer must hear about
        raise
    if action in ("accept", "correct"):
        try:
            Drafts(store).discard(article_id, target, reviewer)
        except ReviewError as err:
            if warnings is not None:
                warnings.append(f"decision saved, but the draft was not cleared ({err})")
    return article


def undo(store, article_id: str, target: int | str, reviewer: str,
         expected_revision: int | None = None, warnings: list[str] | None = None) -> Article:
    """``store.undo`` followed by the re-check, its heavy part done before the lock."""
    from review import decisions

    def apply(article: Article) -> None:
        decisions.undo(article, target, reviewer.strip(), None)

    return store.undo(article_id, target, reviewer, expected_revision=expected_revision,
                      on_change=Recheck.prepare(store, article_id, target, apply, warnings))
