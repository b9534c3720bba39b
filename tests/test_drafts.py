"""Drafts on the server: kept per reviewer and target, never a decision, cleared by the decision
that saves them, kept when a decision is refused; `python -m review drafts --json`."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from review import recheck
from review.cli import main
from review.drafts import MAX_CHARS, Drafts
from review.errors import BadInputError, CorruptArticleError, StaleRevisionError
from review.exporters.select import approved_segments
from review.memory import memory_for
from review.store import ArticleStore
from test_memory import make_article

PAIRS = [("Der Zug fährt ab.", "The train leaves."), ("Die Bahn streikt.", "The rail strikes.")]


@pytest.fixture
def store(store_dir) -> ArticleStore:
    store = ArticleStore(store_dir)
    store.add(make_article("a1", PAIRS))
    return store


def drafts_json(store: ArticleStore, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["drafts", *args, "--json", "--store", str(store.root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_draft_is_kept_per_reviewer_and_target_and_listed_by_the_cli(store):
    article_bytes = store.path("a1").read_bytes()
    drafts = Drafts(store)
    drafts.save("a1", 1, "ana", "The railway strikes.")
    drafts.save("a1", "summary", "ana", "Rail strike.")
    drafts.save("a1", 1, "ben", "Rail workers strike.")
    drafts.save("a1", 1, "ana", "The railway is on strike.")  # replaces ana's first
    assert store.path("a1").read_bytes() == article_bytes  # the article is not touched
    listed = drafts_json(store)
    assert [(d["article"], d["target"], d["reviewer"], d["text"]) for d in listed] == [
        ("a1", 1, "ana", "The railway is on strike."), ("a1", 1, "ben", "Rail workers strike."),
        ("a1", "summary", "ana", "Rail strike.")]
    assert set(listed[0]) == {"article", "target", "reviewer", "text", "saved_at"}
    assert [d["reviewer"] for d in drafts_json(store, "a1", "--reviewer", "ben")] == ["ben"]


def test_drafts_are_never_decisions_exports_or_memory(store):
    Drafts(store).save("a1", 0, "ana", "The train departs.")
    article = store.get("a1")
    assert article.segment(0).decision.status == "pending"
    assert approved_segments(article) == [] and memory_for(store).units == []


def test_the_decision_that_saves_the_text_clears_the_draft_and_a_reject_keeps_it(store):
    drafts = Drafts(store)
    drafts.save("a1", 0, "ana", "The train departs.")
    drafts.save("a1", 1, "ana", "My railway text.")
    drafts.save("a1", 0, "ben", "Ben's train.")
    recheck.decide(store, "a1", 0, "correct", "ana", text="The train departs.")
    recheck.decide(store, "a1", 1, "reject", "ana")
    assert [(d.target, d.reviewer) for d in drafts.of("a1")] == [(0, "ben"), (1, "ana")]


def test_a_correction_refused_as_stale_becomes_the_reviewers_draft(store):
    recheck.decide(store, "a1", 0, "correct", "ben", text="Ben's train leaves.",
                   expected_revision=0)
    with pytest.raises(StaleRevisionError):
        recheck.decide(store, "a1", 0, "correct", "ana", text="Ana's train leaves.",
                       expected_revision=0)
    assert Drafts(store).get("a1", 0, "ana").text == "Ana's train leaves."
    assert store.get("a1").segment(0).decision.text == "Ben's train leaves."


def test_bad_drafts_are_refused_with_one_line(store):
    drafts = Drafts(store)
    for args in [("a1", 0, " ", "x"), ("a1", "title", "ana", "x"), ("a1", -1, "ana", "x"),
                 ("a1", 0, "ana", "x" * (MAX_CHARS + 1)), ("a1", 0, "ana", "bad \ud800")]:
        with pytest.raises(BadInputError) as err:
            drafts.save(*args)
        assert "\n" not in str(err.value)
    result = CliRunner().invoke(main, ["drafts", "nosuch", "--store", str(store.root)])
    assert result.exit_code == 2 and "no article 'nosuch'" in result.output


def test_a_corrupt_drafts_file_is_named_and_never_overwritten(store):
    path = store.root / ".drafts" / "a1.json"
    path.parent.mkdir()
    path.write_text("{not json", "utf-8")
    with pytest.raises(CorruptArticleError, match="a1.json"):
        Drafts(store).save("a1", 0, "ana", "text")
    assert path.read_text("utf-8") == "{not json"
    result = CliRunner().invoke(main, ["drafts", "--store", str(store.root)])
    assert result.exit_code == 2 and "a1.json" in result.output
    # A decision still lands; only the draft could not be cleared, and that is said.
    warnings: list[str] = []
    recheck.decide(store, "a1", 0, "accept", "ana", warnings=warnings)
    assert store.get("a1").segment(0).decision.status == "accepted"
    assert len(warnings) == 1 and "draft was not cleared" in warnings[0]


WRITER = """
import sys
from review.drafts import Drafts
from review.store import ArticleStore
drafts = Drafts(ArticleStore(sys.argv[1]))
for n in range(40):
    drafts.save("a1", n % 2, sys.argv[2], f"{sys.argv[2]} draft {n}")
"""


def test_two_processes_saving_drafts_at_once_lose_neither(store):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(store.root), name])
             for name in ("ana", "ben")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    found = {(d.target, d.reviewer): d.text for d in Drafts(store).of("a1")}
    assert found == {(0, "ana"): "ana draft 38", (1, "ana"): "ana draft 39",
                     (0, "ben"): "ben draft 38", (1, "ben"): "ben draft 39"}
