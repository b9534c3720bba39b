"""The decision bar shared by the open segment and the summary: the summary's safeties.

Driven through streamlit.testing on a temp store, as tests/test_app.py does, and checked on disk.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review.article import MachineOutput, Summary
from review.ingest import article_from_text
from review.store import ArticleStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.")
MACHINE_SUMMARY = "The government adopted new rules."
CORRECTION = "On Monday the government in Berlin adopted new rules."


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No model anywhere: a hub id that is not cached, with downloads off."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("REVIEW_MT_MODEL", "nobody/not-downloaded-mt")
    monkeypatch.setenv("REVIEW_SUM_MODEL", "nobody/not-downloaded-sum")


def add_article(article_id: str, summary: bool = True) -> str:
    """A stored two-sentence article with machine output and, if asked, a machine summary."""
    store = ArticleStore()
    text = GERMAN.replace("Euro.", f"Euro, meldet {article_id}.")  # not a duplicate
    store.add(article_from_text(text, title=article_id, id=article_id))

    def translate(article):
        for seg in article.segments:
            seg.machine = MachineOutput(f"Machine sentence {seg.index}.", "test-mt", -0.2)
            seg.risk = 0.1
        if summary:
            article.summary = Summary("extractive", MACHINE_SUMMARY, source_segments=[0])

    store.update(article_id, translate)
    return article_id


def open_app(reviewer: str = "anna") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception[0].message
    at = at.sidebar.text_input(key="reviewer").input(reviewer).run()
    assert not at.exception, at.exception[0].message
    return at


def click(at: AppTest, key: str) -> AppTest:
    at = at.button(key=key).click().run()
    assert not at.exception, at.exception[0].message
    return at


def has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def summary_box(at: AppTest, article_id: str):
    return next(box for box in at.text_area if (box.key or "").startswith(f"sum:{article_id}:"))


def summary_decision(store_dir: Path, article_id: str) -> dict:
    data = json.loads((store_dir / f"{article_id}.json").read_text(encoding="utf-8"))
    return data["summary"]["decision"]


def warnings(at: AppTest) -> str:
    return re.sub(r"\\(.)", r"\1", "\n".join(str(w.value) for w in at.warning))


def test_a_saved_summary_correction_is_replaced_only_after_a_second_step(store_dir):
    article_id = add_article("replace-summary")
    ArticleStore().decide(article_id, "summary", "correct", "ben", text=CORRECTION)
    at = open_app()
    assert summary_box(at, article_id).value == CORRECTION
    # The machine text back into the box, Confirm: only a question, nothing replaced yet.
    at = click(at, f"machine:{article_id}:summary")
    assert summary_box(at, article_id).value == MACHINE_SUMMARY
    at = click(at, f"accept:{article_id}:summary")
    assert "This summary has a saved correction" in warnings(at)
    assert summary_decision(store_dir, article_id)["status"] == "corrected"
    at = click(at, f"keep:{article_id}:summary")
    assert not has_button(at, f"replace:{article_id}:summary")
    assert summary_decision(store_dir, article_id)["text"] == CORRECTION

    # Asked again and answered: replaced; and Undo brings the correction back.
    at = click(at, f"machine:{article_id}:summary")
    at = click(at, f"accept:{article_id}:summary")
    at = click(at, f"replace:{article_id}:summary")
    assert summary_decision(store_dir, article_id)["status"] == "accepted"
    assert at.button(key=f"undo:{article_id}:summary").help == "Undo accept by anna"
    at = click(at, f"undo:{article_id}:summary")
    restored = summary_decision(store_dir, article_id)
    assert (restored["status"], restored["text"], restored["reviewer"]) == (
        "corrected", CORRECTION, "ben")


def test_rejecting_a_corrected_summary_asks_first(store_dir):
    article_id = add_article("reject-summary")
    ArticleStore().decide(article_id, "summary", "correct", "ben", text=CORRECTION)
    at = click(open_app(), f"reject:{article_id}:summary")
    assert "Replace it and reject it?" in warnings(at)
    assert summary_decision(store_dir, article_id)["status"] == "corrected"
    at = click(at, f"replace:{article_id}:summary")
    assert summary_decision(store_dir, article_id)["status"] == "rejected"


def test_a_summary_draft_is_kept_when_the_reviewer_leaves_the_article(store_dir):
    first, second = add_article("draft-one"), add_article("draft-two")
    at = open_app()
    at = click(at, f"open:{first}")
    at = summary_box(at, first).input(CORRECTION).run()  # typed, then the box lost the focus
    at = click(at, f"open:{second}")
    assert summary_box(at, second).value == MACHINE_SUMMARY
    at = click(at, f"open:{first}")
    assert summary_box(at, first).value == CORRECTION  # back in the box, never saved
    assert summary_decision(store_dir, first)["status"] == "pending"
    at = click(at, f"accept:{first}:summary")  # Confirm saves it as a correction
    saved = summary_decision(store_dir, first)
    assert (saved["status"], saved["text"]) == ("corrected", CORRECTION)


def test_a_stale_tab_is_refused_on_the_summary_too(store_dir):
    article_id = add_article("stale-summary")
    first_tab, second_tab = open_app("anna"), open_app("ben")
    click(second_tab, f"accept:{article_id}:summary")
    at = click(first_tab, f"reject:{article_id}:summary")
    assert "since you loaded it" in warnings(at)
    decision = summary_decision(store_dir, article_id)
    assert (decision["status"], decision["reviewer"]) == ("accepted", "ben")
    at = click(at, f"reload:{article_id}:summary")
    at = click(at, f"reject:{article_id}:summary")  # decided on what is stored now
    decision = summary_decision(store_dir, article_id)
    assert (decision["status"], decision["reviewer"]) == ("rejected", "anna")


def test_the_summary_has_the_buttons_but_no_shortcuts(store_dir):
    article_id = add_article("summary-keys")
    at = open_app()
    for action in ("accept", "reject", "undo", "machine"):
        assert at.button(key=f"{action}:{article_id}:0").proto.shortcut  # the open segment's
        assert not at.button(key=f"{action}:{article_id}:summary").proto.shortcut
    assert at.button(key=f"undo:{article_id}:summary").disabled  # nothing to undo yet


def test_without_a_summary_the_reviewer_writes_one(store_dir):
    article_id = add_article("no-summary", summary=False)
    at = open_app()
    assert at.button(key=f"accept:{article_id}:summary").label == "Save summary"
    assert not has_button(at, f"reject:{article_id}:summary")
    at = at.text_area(key=f"sum:{article_id}:new").input(CORRECTION).run()
    at = click(at, f"accept:{article_id}:summary")
    saved = summary_decision(store_dir, article_id)
    assert (saved["status"], saved["text"], saved["reviewer"]) == ("corrected", CORRECTION,
                                                                   "anna")


def test_a_confirmed_edit_leaves_no_draft_behind(store_dir):
    from review.drafts import Drafts

    article_id = add_article("edit-confirmed", summary=False)
    at = open_app()
    box = next(a for a in at.text_area if a.key.startswith(f"en:{article_id}:0:"))
    at = box.input(CORRECTION).run()  # typed: the reviewer's draft, on the server too
    assert [d.text for d in Drafts(ArticleStore()).of(article_id, "anna")] == [CORRECTION]
    at = click(at, f"accept:{article_id}:0")  # Confirm saves it as the correction
    data = json.loads((store_dir / f"{article_id}.json").read_text("utf-8"))
    assert data["segments"][0]["decision"]["text"] == CORRECTION
    assert Drafts(ArticleStore()).of(article_id, "anna") == []  # and it is no draft any more
