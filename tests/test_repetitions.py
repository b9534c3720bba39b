"""Repetitions: an approved segment's English is offered to the same German pending in other
articles, directly (``offer_repetition``) and as a background job (``JobRunner.repetitions``)."""
from __future__ import annotations

import pytest

from review.article import MachineOutput
from review.ingest import article_from_text
from review.jobs import JobRunner
from review.pipeline import MEMORY_MODEL
from review.repetitions import offer_repetition, repetition_candidates, withdraw_repetition
from review.store import ArticleStore

SHARED = "Der Minister sagte: „Das ist ein guter Tag für den Wald.“"
VARIANT = "Der Minister  sagte: \"Das ist ein guter Tag für den Wald.\""  # spaces, quotes differ
SHARED_EN = "The minister said: \"This is a good day for the forest.\""


class CountingStore(ArticleStore):
    """A real store that notes which articles were parsed."""

    def __init__(self, root):
        super().__init__(root)
        self.parsed: list[str] = []

    def get(self, article_id):
        self.parsed.append(article_id)
        return super().get(article_id)


@pytest.fixture
def articles(store_dir):
    """Source A (approved), B pending with model output, C decided, D the variant untranslated,
    E without the sentence; returns (store, ids by letter, the shared segment's index by id)."""
    store = CountingStore(store_dir)
    texts = {
        "a": f"Waldschutz in Bayern\n\nDie Regierung beschloss ein Gesetz. {SHARED}",
        "b": f"Neues Gesetz für die Wälder\n\n{SHARED} Die Opposition ist dagegen.",
        "c": f"Wälder in Gefahr\n\nDer Sommer war trocken. {SHARED}",
        "d": f"Ein guter Tag\n\n{VARIANT}",
        "e": "Wetter\n\nMorgen regnet es im ganzen Land.",
    }
    ids = {k: store.add(article_from_text(t)).id for k, t in texts.items()}
    shared = {}
    for key, article_id in ids.items():
        for seg in store.get(article_id).segments:
            if seg.source in (SHARED, VARIANT):
                shared[article_id] = seg.index
    store.update(ids["b"], lambda art: [setattr(s, "machine", MachineOutput(
        f"Model English {s.index}.", "tiny-mt", -0.3)) for s in art.reviewable()])
    store.decide(ids["c"], shared[ids["c"]], "correct", "cem", text="The minister: good day.")
    store.decide(ids["a"], shared[ids["a"]], "correct", "ana", text=SHARED_EN)
    return store, ids, shared


def _snapshot(store, article_id):
    return ArticleStore(store.root).get(article_id).to_dict()


def test_offer_repetition_fills_pending_twins_elsewhere_and_nothing_else(articles):
    store, ids, shared = articles
    a = ids["a"]
    before = {k: _snapshot(store, ids[k]) for k in "ace"}
    store.parsed.clear()

    assert offer_repetition(store, a, shared[a]) == (2, 2)

    origin = f"article:{a}#{shared[a]}"
    for key in "bd":
        article = store.get(ids[key])
        seg = article.segment(shared[ids[key]])
        assert seg.machine == MachineOutput(SHARED_EN, MEMORY_MODEL, None, "memory", origin)
        assert seg.decision.status == "pending"
        assert seg.risk is not None  # re-checked
    b = store.get(ids["b"])
    assert all(s.machine.model == "tiny-mt" for s in b.reviewable()
               if s.index != shared[ids["b"]])  # the other segments keep the model's output
    # The source article, the decided twin and the article without the sentence: unchanged.
    for key in "ace":
        assert _snapshot(store, ids[key]) == before[key], key
    # Offering again finds every twin already holding that English: no writes.
    revisions = {k: store.get(ids[k]).revision for k in "bd"}
    assert offer_repetition(store, a, shared[a]) == (0, 0)
    assert {k: store.get(ids[k]).revision for k in "bd"} == revisions


def test_the_prefilter_reads_bytes_and_parses_only_articles_that_may_hold_the_german(articles):
    store, ids, shared = articles
    candidates = repetition_candidates(store, SHARED, skip=ids["a"])
    assert set(candidates) == {ids["b"], ids["c"], ids["d"]}  # the variant spelling too
    from review.memory import memory_for

    memory = memory_for(store)  # loading the memory is its own business: done beforehand
    store.parsed.clear()
    assert offer_repetition(store, ids["a"], shared[ids["a"]], memory=memory) == (2, 2)
    assert ids["e"] not in store.parsed


def test_an_unapproved_segment_offers_nothing(articles):
    store, ids, shared = articles
    b = ids["b"]
    assert offer_repetition(store, b, shared[b]) == (0, 0)  # pending
    store.undo(ids["a"], shared[ids["a"]], "ana")
    assert offer_repetition(store, ids["a"], shared[ids["a"]]) == (0, 0)


def test_undoing_an_approval_takes_back_its_pending_offers(articles):
    store, ids, shared = articles
    a, b, c, d = (ids[k] for k in "abcd")
    store.undo(c, shared[c], "cem")  # no other approval of this German is left
    assert offer_repetition(store, a, shared[a]) == (3, 3)  # b, c (pending again) and d
    store.decide(d, shared[d], "reject", "dan")  # decided: not an offer any more
    store.undo(a, shared[a], "ana")
    assert withdraw_repetition(store, a, shared[a]) == (2, 2)
    for article_id in (b, c):
        seg = store.get(article_id).segment(shared[article_id])
        assert seg.machine is None and seg.flags == [] and seg.risk is None  # untranslated
        assert seg.decision.status == "pending"
    kept = store.get(d).segment(shared[d])
    assert kept.decision.status == "rejected" and kept.machine.text == SHARED_EN
    assert all(s.machine.model == "tiny-mt" for s in store.get(b).reviewable()
               if s.index != shared[b])
    assert withdraw_repetition(store, a, shared[a]) == (0, 0)  # nothing left to take back


def test_a_withdrawn_offer_falls_back_to_another_approval_of_the_same_german(articles):
    store, ids, shared = articles
    a, b, c = ids["a"], ids["b"], ids["c"]
    assert offer_repetition(store, a, shared[a]) == (2, 2)
    store.decide(a, shared[a], "reject", "ana")
    assert withdraw_repetition(store, a, shared[a]) == (2, 2)
    seg = store.get(b).segment(shared[b])
    assert seg.machine.engine == "memory" and seg.machine.origin == f"article:{c}#{shared[c]}"
    assert seg.machine.text == "The minister: good day." and seg.risk is not None


def test_repetitions_job_after_an_undo_takes_the_offers_back(articles):
    store, ids, shared = articles
    a = ids["a"]
    runner = JobRunner(store)
    try:
        offered = runner.wait(runner.repetitions(a, shared[a]).id, timeout=120)
        store.undo(a, shared[a], "ana")
        store.undo(ids["c"], shared[ids["c"]], "cem")
        withdrawn = runner.wait(runner.repetitions(a, shared[a]).id, timeout=120)
    finally:
        runner.close(timeout=60)
    assert offered.result == (2, 2)
    assert withdrawn.state == "done" and withdrawn.result == (0, 2)
    assert withdrawn.message == "Finished: took back the offer from 2 segments in 2 articles"
    assert store.get(ids["b"]).segment(shared[ids["b"]]).machine is None


def test_repetitions_job_runs_in_the_background_and_reports_the_count(articles):
    store, ids, shared = articles
    a = ids["a"]
    title = store.get(a).title
    runner = JobRunner(store)
    try:
        job = runner.repetitions(a, shared[a])
        assert job.kind == "repetitions" and job.ids == ()
        assert job.label == f"Repetitions of \"{title}\" §{shared[a]}"
        assert a not in runner.busy_ids()  # the reviewer's article never looks busy
        done = runner.wait(job.id, timeout=120)
    finally:
        runner.close(timeout=60)
    assert done.state == "done", (done.message, done.errors)
    assert done.result == (2, 2)
    assert done.message == "Finished: offered to 2 segments in 2 articles"
    seg = store.get(ids["b"]).segment(shared[ids["b"]])
    assert seg.machine.engine == "memory" and seg.decision.status == "pending"
    assert store.get(ids["c"]).segment(shared[ids["c"]]).decision.status == "corrected"


def test_repetitions_of_a_gone_article_fail_with_one_line(store_dir):
    runner = JobRunner(store_dir)
    try:
        job = runner.repetitions("nope", 3, title="Gone")
        done = runner.wait(job.id, timeout=60)
    finally:
        runner.close(timeout=60)
    assert done.state == "failed" and "nope" in done.message and done.result is None
