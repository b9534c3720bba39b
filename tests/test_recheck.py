"""The one re-check after a decision: the same for the app and the CLI, its heavy work done
before the store's lock, and right when another writer got in between."""
from __future__ import annotations

import json

from click.testing import CliRunner
from filelock import FileLock, Timeout

import review.checks.similarity
import review.memory
from review import recheck
from review.cli import main
from review.pipeline import run_checks
from review.store import ArticleStore
from review.ui import actions
from test_memory import make_article

GERMAN = [("Der Zug fährt um acht Uhr ab.", "The train leaves at eight."),
          ("Die Bahn streikt seit Montag.", "The railway has been on strike since Monday.")]


def checked_store(folder, article_id="a1") -> ArticleStore:
    store = ArticleStore(folder)
    store.add(make_article(article_id, GERMAN))
    run_checks(store, article_id)
    return store


def segment_checks(store: ArticleStore, article_id: str, index: int) -> dict:
    data = json.loads(store.path(article_id).read_text("utf-8"))
    seg = next(s for s in data["segments"] if s["index"] == index)
    return {key: seg[key] for key in ("flags", "similarity", "risk", "decision")
            } | {"decision": {k: seg["decision"][k] for k in ("status", "text")}}


def test_the_app_and_the_cli_recheck_a_correction_alike(tmp_path):
    app, cli = checked_store(tmp_path / "app"), checked_store(tmp_path / "cli")
    text = "The railway has been on strike since 1999 in Paris."
    actions.decide(app, "a1", 1, "correct", "ana", text)
    result = CliRunner().invoke(main, ["decide", "a1", "--segment", "1", "--correct", text,
                                       "--reviewer", "ana", "--store", str(cli.root)])
    assert result.exit_code == 0, result.output
    after = segment_checks(app, "a1", 1)
    assert after == segment_checks(cli, "a1", 1)
    assert {f["code"] for f in after["flags"]} >= {"number_added", "name_added"}


def test_the_memory_and_the_embeddings_are_built_outside_the_article_lock(tmp_path,
                                                                           monkeypatch):
    store = checked_store(tmp_path / "store")
    held_during: list[str] = []
    called: list[str] = []

    def lock_is_free() -> bool:
        lock = FileLock(store.root / ".locks" / "a1.lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return False
        lock.release()
        return True

    def watching(name, real):
        def call(*args, **kwargs):
            called.append(name)
            if not lock_is_free():
                held_during.append(name)
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(review.memory, "memory_for",
                        watching("memory", review.memory.memory_for))
    monkeypatch.setattr(review.checks.similarity, "embeddings",
                        watching("embeddings", review.checks.similarity.embeddings))
    recheck.decide(store, "a1", 0, "correct", "ana", text="The train leaves at 9 o'clock.")
    assert {"memory", "embeddings"} <= set(called) and held_during == []
    assert "number_added" in {f["code"] for f in segment_checks(store, "a1", 0)["flags"]}


def test_a_change_made_between_the_snapshot_and_the_lock_is_checked_in_the_lock(tmp_path):
    store = checked_store(tmp_path / "store")
    decisions = __import__("review.decisions", fromlist=["decide"])
    prepared = recheck.Recheck.prepare(
        store, "a1", 0, lambda a: decisions.decide(a, 0, "accept", "ana", None, None))
    # Another reviewer corrects the segment (with a number the German lacks) meanwhile ...
    recheck.decide(store, "a1", 0, "correct", "bob", text="The 5 trains leave at eight.")
    assert "number_added" in {f["code"] for f in segment_checks(store, "a1", 0)["flags"]}
    # ... then the first reviewer's accept lands: the machine English is checked again.
    store.decide("a1", 0, "accept", "ana", on_change=prepared)
    after = segment_checks(store, "a1", 0)
    assert after["decision"] == {"status": "accepted", "text": "The train leaves at eight."}
    assert "number_added" not in {f["code"] for f in after["flags"]}


def test_accepting_the_machine_text_keeps_its_checks_without_checking_again(tmp_path,
                                                                          monkeypatch):
    store = checked_store(tmp_path / "store")
    before = segment_checks(store, "a1", 1)
    monkeypatch.setattr(recheck, "recheck_segment", lambda *a, **k: 1 / 0)  # must not run
    warnings: list[str] = []
    actions.decide(store, "a1", 1, "accept", "ana", warnings=warnings)
    after = segment_checks(store, "a1", 1)
    assert warnings == [] and after["flags"] == before["flags"]
    assert after["risk"] == before["risk"] and after["decision"]["status"] == "accepted"


def test_a_recheck_of_unchanged_english_reuses_the_stored_similarity(tmp_path, monkeypatch):
    """A glossary change re-checks every article: English already measured is not embedded
    again, flags and similarity stay as they were, and a new glossary term still flags."""
    from review.checks.glossary import Glossary, GlossaryEntry

    store = checked_store(tmp_path)
    before = [segment_checks(store, "a1", i) for i in (0, 1)]
    stored = json.loads(store.path("a1").read_text("utf-8"))["segments"]
    assert all(s["similarity_of"] and s["similarity"] for s in stored)

    def refuse(texts):
        raise AssertionError(f"embedded {texts} again")

    monkeypatch.setattr(review.checks.similarity, "embeddings", refuse)
    run_checks(store, "a1", Glossary([GlossaryEntry("Bahn", ["rail operator"])]))
    after = [segment_checks(store, "a1", i) for i in (0, 1)]
    assert after[0] == before[0]
    assert after[1]["similarity"] == before[1]["similarity"]
    assert [f["code"] for f in after[1]["flags"]] == ["glossary_term"]
    assert after[1]["risk"] > before[1]["risk"]


def test_changed_or_unmeasured_english_is_embedded_again(tmp_path, monkeypatch):
    store = checked_store(tmp_path)
    text = "The train departs at eight o'clock."
    actions.decide(store, "a1", 0, "correct", "ana", text)
    data = json.loads(store.path("a1").read_text("utf-8"))
    data["segments"][1]["similarity_of"] = None  # as a file of schema 5 has it
    store.path("a1").write_text(json.dumps(data), encoding="utf-8")
    embedded: list[str] = []
    real = review.checks.similarity.embeddings
    monkeypatch.setattr(review.checks.similarity, "embeddings",
                        lambda texts: embedded.extend(texts) or real(texts))
    run_checks(store, "a1")
    assert sorted(embedded) == sorted([GERMAN[1][0], GERMAN[1][1]])
    seg = json.loads(store.path("a1").read_text("utf-8"))["segments"][1]
    assert seg["similarity_of"] and 0 < seg["similarity"] <= 1
