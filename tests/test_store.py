"""ArticleStore: files on disk, duplicates, decisions, history, stale writes, corrupt files."""
from __future__ import annotations

import json

import pytest

from review.article import SCHEMA_VERSION, Article, MachineOutput, Segment, Summary
from review.checks.risk import segment_risk
from review.errors import (BadInputError, CorruptArticleError, DuplicateArticleError,
                           StaleRevisionError, UnknownArticleError)
from review.store import ArticleStore, StoreUnwritableError

SOURCES = ["Die Regierung plant neue Gesetze.", "Der Bahnhof bleibt heute geschlossen.",
           "Impressum und Datenschutz"]


def make_article(article_id="a1", text_tag="", translated=True) -> Article:
    """Three segments (the last is boilerplate), optionally with machine output."""
    text = "\n".join(SOURCES) + text_tag
    segments, start = [], 0
    for i, source in enumerate(SOURCES):
        machine = MachineOutput(f"machine {i}", "tiny-mt", -0.5) if translated else None
        segments.append(Segment(index=i, start=start, end=start + len(source), source=source,
                                kind="boilerplate" if i == 2 else "text", paragraph=i,
                                machine=machine))
        start += len(source) + 1
    return Article(id=article_id, title="Titel", text=text, content_hash=f"sha256:{text_tag}x",
                   segments=segments)


def test_store_folder_is_created_on_first_write_only(store_dir):
    store = ArticleStore()
    assert store.root == store_dir and not store_dir.exists()
    assert store.ids() == [] and store.scan() == ([], [])
    store.add(make_article())
    assert (store_dir / "a1.json").is_file()


def test_add_then_get_round_trips_every_field(store_dir):
    store = ArticleStore()
    article = make_article()
    store.add(article)
    on_disk = json.loads((store_dir / "a1.json").read_text("utf-8"))
    assert on_disk["schema_version"] == SCHEMA_VERSION and on_disk["segments"][0]["machine"]["model"]
    assert on_disk["segments"][0]["dismissed"] == []
    assert store.get("a1").to_dict() == article.to_dict()


def test_same_text_is_a_duplicate_and_stored_once():
    store = ArticleStore()
    store.add(make_article("first"))
    with pytest.raises(DuplicateArticleError, match="duplicate of first"):
        store.add(make_article("second"))
    assert store.ids() == ["first"]


def test_taken_id_with_different_text_gets_a_new_id_not_an_overwrite():
    store = ArticleStore()
    store.add(make_article("same"))
    other = store.add(make_article("same", text_tag=" anders"))
    assert other.id != "same" and sorted(store.ids()) == sorted(["same", other.id])
    assert store.get("same").text.endswith("Datenschutz")


def test_unknown_or_unsafe_id_is_one_line_error():
    store = ArticleStore()
    store.add(make_article())
    for bad in ("nope", "../a1", "A1"):
        with pytest.raises(UnknownArticleError) as err:
            store.get(bad)
        assert "\n" not in str(err.value) and "a1" in str(err.value)


def test_accept_correct_reject_set_final_text_and_counts():
    store = ArticleStore()
    store.add(make_article())
    store.decide("a1", 0, "accept", "alice")
    store.decide("a1", 1, "correct", "bob", text="  The station stays closed today.  ")
    article = store.get("a1")
    assert article.segments[0].decision.text == "machine 0"
    assert article.segments[1].decision.text == "The station stays closed today."
    assert article.segments[1].english == "The station stays closed today."
    assert article.counts() == {"pending": 0, "accepted": 1, "corrected": 1, "rejected": 0}
    article = store.decide("a1", 1, "reject", "carol")
    assert article.segments[1].decision.status == "rejected"
    assert article.segments[1].decision.text is None
    assert article.revision == 3 and article.segments[1].decision.revision == 2


def test_every_decision_is_in_history_with_before_after_and_machine():
    store = ArticleStore()
    store.add(make_article())
    store.decide("a1", 1, "accept", "alice")
    article = store.decide("a1", 1, "correct", "bob", text="Fixed.")
    first, second = article.history
    assert (first.target, first.action, first.reviewer) == ("segment:1", "accept", "alice")
    assert first.before == {"status": "pending", "text": None, "reviewer": None, "time": None}
    assert second.before == {"status": "accepted", "text": "machine 1", "reviewer": "alice",
                             "time": first.time}
    assert second.after == {"status": "corrected", "text": "Fixed."}
    assert second.machine == "machine 1"


def test_accept_without_machine_output_says_to_correct():
    store = ArticleStore()
    store.add(make_article(translated=False))
    with pytest.raises(BadInputError, match="--correct TEXT"):
        store.decide("a1", 0, "accept", "alice")
    article = store.decide("a1", 0, "correct", "alice", text="A human translation.")
    assert article.segments[0].decision.status == "corrected"
    assert article.history[0].machine is None


@pytest.mark.parametrize("kwargs, message", [
    ({"target": 0, "action": "accept", "reviewer": "  "}, "reviewer"),
    ({"target": 0, "action": "correct", "reviewer": "al", "text": " "}, "correction is empty"),
    ({"target": 9, "action": "accept", "reviewer": "al"}, "no segment 9"),
    ({"target": "summary", "action": "accept", "reviewer": "al"}, "no summary"),
    ({"target": 0, "action": "approve", "reviewer": "al"}, "unknown action"),
])
def test_bad_decisions_change_nothing(kwargs, message, store_dir):
    store = ArticleStore()
    store.add(make_article())
    before = (store_dir / "a1.json").read_bytes()
    with pytest.raises(BadInputError, match=message) as err:
        store.decide("a1", **kwargs)
    assert "\n" not in str(err.value)
    assert (store_dir / "a1.json").read_bytes() == before


def test_boilerplate_segment_can_be_decided():
    store = ArticleStore()
    store.add(make_article())
    article = store.decide("a1", 2, "accept", "alice")
    assert article.segments[2].decision.status == "accepted"
    assert article.counts()["accepted"] == 0  # boilerplate is never counted


def test_summary_correction_without_machine_summary_creates_human_summary():
    store = ArticleStore()
    store.add(make_article())
    article = store.decide("a1", "summary", "correct", "alice", text="Laws are planned.")
    assert article.summary.method == "human" and article.summary.text is None
    assert article.summary_state() == "corrected"
    assert article.history[-1].target == "summary"


def test_summary_accept_uses_machine_summary():
    store = ArticleStore()
    store.add(make_article())
    store.update("a1", lambda a: setattr(a, "summary", Summary("extractive", "Short.")))
    article = store.decide("a1", "summary", "accept", "alice")
    assert article.summary.decision.text == "Short." and article.history[-1].machine == "Short."


def test_stale_revision_of_same_segment_is_refused_with_who_and_when():
    store = ArticleStore()
    store.add(make_article())
    store.decide("a1", 0, "accept", "alice", expected_revision=0)
    store.decide("a1", 1, "accept", "bob", expected_revision=0)  # other segment: not stale
    with pytest.raises(StaleRevisionError) as err:
        store.decide("a1", 0, "reject", "carol", expected_revision=0)
    message = str(err.value)
    assert "segment 0" in message and "alice" in message and "revision 1, you had 0" in message
    assert store.get("a1").segments[0].decision.status == "accepted"


def test_on_change_runs_before_the_write_and_its_changes_are_saved():
    store = ArticleStore()
    store.add(make_article())
    seen = []

    def on_change(article, target):
        seen.append((target, article.segments[target].decision.status))
        article.segments[target].risk = 0.9

    store.decide("a1", 1, "correct", "alice", text="New.", on_change=on_change)
    assert seen == [(1, "corrected")] and store.get("a1").segments[1].risk == 0.9


def test_failing_update_writes_nothing(store_dir):
    store = ArticleStore()
    store.add(make_article())
    before = (store_dir / "a1.json").read_bytes()

    def explode(article):
        article.title = "changed"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.update("a1", explode)
    assert (store_dir / "a1.json").read_bytes() == before


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]", b'{"id": "bad"}',
                                     b"\xff\xfe\x00garbage"])
def test_corrupt_file_is_reported_by_name_and_never_overwritten(content, store_dir):
    store = ArticleStore()
    store.add(make_article())
    (store_dir / "bad.json").write_bytes(content)
    articles, problems = store.scan()
    assert [a.id for a in articles] == ["a1"]
    assert len(problems) == 1 and "bad.json" in problems[0] and "\n" not in problems[0]
    with pytest.raises(CorruptArticleError, match="bad.json"):
        store.decide("bad", 0, "reject", "alice")
    store.decide("a1", 0, "accept", "alice")
    assert (store_dir / "bad.json").read_bytes() == content


def test_leftover_temp_files_are_ignored_and_cleaned(store_dir):
    store = ArticleStore()
    store.add(make_article())
    leftover = store_dir / ".a1.json.deadbeef.tmp"
    leftover.write_text('{"half": ', "utf-8")
    articles, problems = store.scan()
    assert [a.id for a in articles] == ["a1"] and problems == []
    assert not leftover.exists()
    assert store.decide("a1", 0, "accept", "alice").revision == 1


def test_temp_file_of_a_live_writer_is_left_alone(store_dir):
    store = ArticleStore()
    store.add(make_article())
    live = store_dir / ".a1.json.cafe.tmp"
    live.write_text("{", "utf-8")
    with store._lock("a1"):
        from review.store import ArticleStore as Other
        Other(store_dir).scan()  # another reader while a writer holds the lock
        assert live.exists()


def test_store_that_is_not_a_folder_is_one_line_error(tmp_path):
    (tmp_path / "afile").write_text("x", "utf-8")
    store = ArticleStore(tmp_path / "afile" / "store")
    with pytest.raises(StoreUnwritableError) as err:
        store.add(make_article())
    assert "afile" in str(err.value) and "--store DIR" in str(err.value)


def test_schema_1_file_without_the_new_fields_loads_and_is_written_as_schema_2(store_dir):
    store_dir.mkdir(parents=True)
    old = {"schema_version": 1, "id": "old", "title": "Alt", "text": "Der Bahnhof ist zu.",
           "content_hash": "sha256:old", "source_path": None,
           "created": "2024-01-01T00:00:00+00:00", "updated": "2024-01-01T00:00:00+00:00",
           "revision": 1,
           "segments": [{"index": 0, "start": 0, "end": 19, "source": "Der Bahnhof ist zu.",
                         "kind": "text", "paragraph": 0,
                         "machine": {"text": "The station is closed.", "model": "m",
                                     "confidence": -0.2, "engine": "transformers"},
                         "flags": [{"code": "length_short", "detail": "short"}],
                         "similarity": 0.9, "risk": 0.6,
                         "decision": {"status": "accepted", "text": "The station is closed.",
                                      "reviewer": "alice", "time": "2024-01-02T00:00:00+00:00",
                                      "revision": 1}}],
           "summary": None,
           "history": [{"target": "segment:0", "action": "accept", "reviewer": "alice",
                        "time": "2024-01-02T00:00:00+00:00",
                        "before": {"status": "pending", "text": None},
                        "after": {"status": "accepted", "text": "The station is closed."},
                        "machine": "The station is closed."}]}
    (store_dir / "old.json").write_text(json.dumps(old), "utf-8")
    store = ArticleStore()
    articles, problems = store.scan()
    assert problems == [] and [a.id for a in articles] == ["old"]
    seg = articles[0].segment(0)
    # the risk of an older file is the learned model's, computed again as it is read
    assert seg.dismissed == [] and seg.active_flags == seg.flags
    assert seg.risk == segment_risk(seg) != 0.6
    assert articles[0].reviewed_text() == "The station is closed."
    article = store.undo("old", 0, "bob")
    assert article.segment(0).decision.status == "pending"
    on_disk = json.loads((store_dir / "old.json").read_text("utf-8"))
    assert on_disk["schema_version"] == SCHEMA_VERSION and on_disk["segments"][0]["dismissed"] == []


def test_file_of_a_newer_schema_is_refused_and_left_alone(store_dir):
    store = ArticleStore()
    store.add(make_article())
    data = json.loads((store_dir / "a1.json").read_text("utf-8"))
    data["schema_version"] = SCHEMA_VERSION + 1
    (store_dir / "a1.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(CorruptArticleError, match=f"schema_version {SCHEMA_VERSION + 1} is newer"):
        store.get("a1")


def test_reviewed_text_has_only_approved_english_unless_drafts_are_asked_for():
    store = ArticleStore()
    article = make_article()
    article.segments[1].paragraph = 0  # two sentences in one paragraph
    article.segments.append(Segment(index=3, start=0, end=0, source="Noch ein Satz.",
                                    paragraph=3, machine=MachineOutput("One more.", "tiny-mt")))
    article.segments.append(Segment(index=4, start=0, end=0, source="Unübersetzt.", paragraph=3))
    store.add(article)
    assert store.get("a1").reviewed_text() == ""
    assert store.get("a1").reviewed_text(drafts=True) == (
        "[draft] machine 0 [draft] machine 1\n[draft] One more.")
    store.decide("a1", 1, "correct", "alice", text="The station stays closed.")
    store.decide("a1", 3, "reject", "alice")
    article = store.decide("a1", 2, "accept", "alice")  # boilerplate: never in the text
    assert article.reviewed_text() == "The station stays closed."
    assert article.reviewed_text(drafts=True) == "[draft] machine 0 The station stays closed."
    assert article.english_text() == "machine 0 The station stays closed."  # unchanged
    article = store.decide("a1", 0, "accept", "bob")
    assert article.reviewed_text() == article.reviewed_text(drafts=True) == (
        "machine 0 The station stays closed.")
