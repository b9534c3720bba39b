"""Undo of decisions: exact restore, several levels, stale tabs, history, old files, the CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from review.article import Summary
from review.cli import main
from review.errors import NothingToUndoError, StaleRevisionError
from review.store import ArticleStore
from test_store import make_article


@pytest.fixture
def store() -> ArticleStore:
    store = ArticleStore()
    store.add(make_article())
    return store


def state(decision) -> tuple:
    return decision.status, decision.text, decision.reviewer, decision.time


@pytest.mark.parametrize("action, text", [("accept", None), ("correct", "Fixed."),
                                          ("reject", None)])
def test_undo_of_a_single_decision_makes_the_segment_pending_again(store, action, text):
    store.decide("a1", 1, action, "alice", text=text)
    article = store.undo("a1", 1, "bob")
    seg = article.segment(1)
    assert state(seg.decision) == ("pending", None, None, None)
    assert seg.needs_review and seg.english == "machine 1"
    assert seg.decision.revision == 2 and article.counts()["pending"] == 2


@pytest.mark.parametrize("action, text", [("accept", None), ("correct", "Fixed again."),
                                          ("reject", None)])
def test_undo_restores_the_exact_previous_decision(store, action, text):
    earlier = store.decide("a1", 0, "correct", "alice", text="The government plans laws.")
    previous = state(earlier.segment(0).decision)
    store.decide("a1", 0, action, "bob", text=text)
    restored = store.undo("a1", 0, "carol").segment(0).decision
    assert state(restored) == previous
    assert restored.text == "The government plans laws." and restored.reviewer == "alice"
    assert store.get("a1").segment(0).decision == restored  # and that is what was saved


def test_repeated_undo_walks_back_one_decision_at_a_time(store):
    states = [state(store.get("a1").segment(0).decision)]
    for action, text in [("accept", None), ("correct", "One."), ("reject", None),
                         ("correct", "Two.")]:
        states.append(state(store.decide("a1", 0, action, "alice", text=text)
                            .segment(0).decision))
    for expected in reversed(states[:-1]):
        assert state(store.undo("a1", 0, "bob").segment(0).decision) == expected
    with pytest.raises(NothingToUndoError):
        store.undo("a1", 0, "bob")
    assert store.get("a1").segment(0).decision.revision == 8  # 4 decisions + 4 undos


def test_a_decision_after_an_undo_is_undone_back_to_the_state_before_it(store):
    store.decide("a1", 0, "accept", "alice")
    store.decide("a1", 0, "correct", "bob", text="Wrong fix.")
    store.undo("a1", 0, "bob")  # back to alice's accept
    store.decide("a1", 0, "reject", "carol")
    article = store.undo("a1", 0, "carol")
    assert state(article.segment(0).decision)[:3] == ("accepted", "machine 0", "alice")
    article = store.undo("a1", 0, "carol")  # the undone correction is not brought back
    assert article.segment(0).decision.status == "pending"


def test_undo_touches_only_its_own_target(store):
    store.decide("a1", 0, "accept", "alice")
    store.decide("a1", 1, "reject", "alice")
    article = store.undo("a1", 0, "bob")
    assert article.segment(0).decision.status == "pending"
    assert article.segment(1).decision.status == "rejected"
    with pytest.raises(NothingToUndoError):
        store.undo("a1", 0, "bob")
    assert store.undo("a1", 1, "bob").segment(1).decision.status == "pending"


def test_nothing_to_undo_is_one_line_naming_the_target_and_writes_nothing(store, store_dir):
    before = (store_dir / "a1.json").read_bytes()
    with pytest.raises(NothingToUndoError) as err:
        store.undo("a1", 1, "alice")
    message = str(err.value)
    assert "article a1 segment 1 has no decision to undo" in message and "\n" not in message
    assert "--accept" in message
    assert (store_dir / "a1.json").read_bytes() == before


def test_undo_on_a_stale_revision_is_refused_and_changes_nothing(store):
    store.decide("a1", 0, "accept", "alice")
    store.decide("a1", 0, "correct", "bob", text="Bob's fix.")  # revision 2 now
    with pytest.raises(StaleRevisionError, match="revision 2, you had 1"):
        store.undo("a1", 0, "alice", expected_revision=1)
    assert store.get("a1").segment(0).decision.text == "Bob's fix."
    article = store.undo("a1", 0, "alice", expected_revision=2)
    assert article.segment(0).decision.status == "accepted"


def test_a_tab_that_saw_the_undone_decision_is_stale_afterwards(store):
    seen = store.decide("a1", 0, "accept", "alice").segment(0).decision.revision
    store.undo("a1", 0, "bob")
    with pytest.raises(StaleRevisionError, match="changed by bob at .*revision 2, you had 1"):
        store.decide("a1", 0, "reject", "alice", expected_revision=seen)
    assert store.get("a1").segment(0).decision.status == "pending"


def test_the_undo_is_recorded_in_history_and_history_of_shows_it(store):
    store.decide("a1", 1, "accept", "alice")
    store.decide("a1", 1, "correct", "bob", text="Fixed.")
    article = store.undo("a1", 1, "carol")
    undo = article.history[-1]
    assert (undo.target, undo.action, undo.reviewer) == ("segment:1", "undo", "carol")
    assert undo.before["status"] == "corrected" and undo.before["text"] == "Fixed."
    assert undo.after == {"status": "accepted", "text": "machine 1"}
    assert undo.machine == "machine 1" and undo.time
    assert [h.action for h in article.history_of(1)] == ["accept", "correct", "undo"]
    assert article.history_of(0) == []
    assert article.undoable(1) is article.history[0]  # next undo would revert alice's accept


def test_undoable_is_none_when_everything_is_undone(store):
    assert store.get("a1").undoable(0) is None
    store.decide("a1", 0, "accept", "alice")
    assert store.get("a1").undoable(0).action == "accept"
    assert store.undo("a1", 0, "alice").undoable(0) is None


def test_summary_decisions_can_be_undone(store):
    store.update("a1", lambda a: setattr(a, "summary", Summary("extractive", "Short.")))
    store.decide("a1", "summary", "accept", "alice")
    store.decide("a1", "summary", "correct", "bob", text="Better.")
    article = store.undo("a1", "summary", "bob")
    assert state(article.summary.decision)[:3] == ("accepted", "Short.", "alice")
    assert article.history[-1].target == "summary"
    assert store.undo("a1", "summary", "bob").summary_state() == "pending"


def test_on_change_runs_after_the_undo_and_its_changes_are_saved(store):
    store.decide("a1", 1, "correct", "alice", text="New.")
    seen = []

    def on_change(article, target):
        seen.append((target, article.segment(target).decision.status))
        article.segment(target).risk = 0.25

    store.undo("a1", 1, "alice", on_change=on_change)
    assert seen == [(1, "pending")] and store.get("a1").segment(1).risk == 0.25


def test_undo_works_on_history_written_before_schema_2(store, store_dir):
    """Old entries have no reviewer/time in "before": they come from the decision below."""
    store.decide("a1", 0, "accept", "alice")
    store.decide("a1", 0, "reject", "bob")
    path = store_dir / "a1.json"
    data = json.loads(path.read_text("utf-8"))
    data["schema_version"] = 1
    for entry in data["history"]:
        entry["before"] = {"status": entry["before"]["status"], "text": entry["before"]["text"]}
    path.write_text(json.dumps(data), "utf-8")
    alice_time = data["history"][0]["time"]
    article = store.undo("a1", 0, "carol")
    assert state(article.segment(0).decision) == ("accepted", "machine 0", "alice", alice_time)
    assert state(store.undo("a1", 0, "carol").segment(0).decision) == (
        "pending", None, None, None)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_undo_round_trip_with_exit_codes(store):
    assert run("decide", "a1", "--segment", "0", "--accept", "--reviewer", "alice").exit_code == 0
    corrected = run("decide", "a1", "--segment", "0", "--correct", "Fixed.", "--reviewer", "bob")
    assert corrected.exit_code == 0

    undone = run("decide", "a1", "--segment", "0", "--undo", "--reviewer", "carol")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stdout == "a1 segment 0: undid corrected, now accepted by alice (revision 3)\n"
    assert "warning" not in undone.stderr
    seg = store.get("a1").segment(0)
    assert seg.decision.text == "machine 0"
    assert any('"0"' in flag.detail for flag in seg.flags)  # re-checked: "machine 0" has a 0

    again = run("decide", "a1", "--segment", "0", "--undo", "--reviewer", "carol")
    assert again.stdout == "a1 segment 0: undid accepted, now pending (revision 4)\n"
    nothing = run("decide", "a1", "--segment", "0", "--undo", "--reviewer", "carol")
    assert nothing.exit_code == 2 and nothing.stdout == ""
    assert "segment 0 has no decision to undo" in nothing.stderr
    assert len(nothing.stderr.strip().splitlines()) == 1
    assert [h.action for h in store.get("a1").history] == ["accept", "correct", "undo", "undo"]


def test_cli_undo_usage_and_stale_revision(store):
    store.decide("a1", 1, "accept", "alice")
    both = run("decide", "a1", "--segment", "1", "--undo", "--accept", "--reviewer", "bob")
    assert both.exit_code == 2 and "exactly one of --accept" in both.stderr
    assert "--undo" in both.stderr
    stale = run("decide", "a1", "--segment", "1", "--undo", "--reviewer", "bob",
                "--expected-revision", "0")
    assert stale.exit_code == 2 and "changed by alice" in stale.stderr
    assert store.get("a1").segment(1).decision.status == "accepted"
    ok = run("decide", "a1", "--segment", "1", "--undo", "--reviewer", "bob",
             "--expected-revision", "1")
    assert ok.exit_code == 0 and store.get("a1").segment(1).decision.status == "pending"


def test_cli_help_mentions_undo_with_an_example():
    result = run("decide", "--help")
    assert result.exit_code == 0 and "--undo" in result.stdout
    assert "--undo --reviewer" in result.stdout  # the example line
