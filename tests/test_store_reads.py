"""Reading an article file again: unchanged bytes skip the validation, anything else is
validated anew; the file layout one segment a line; a title read from the file's head."""
from __future__ import annotations

import json

import pytest

from review.errors import CorruptArticleError
from review.ingest import article_from_text
from review.article_file import article_json
from review.store import ArticleStore

TEXT = "Die Regierung hat am Montag neue Regeln beschlossen.\nDer Minister sagte das."


@pytest.fixture
def stored(tmp_path):
    store = ArticleStore(tmp_path)
    return store, store.add(article_from_text(TEXT, title="Regeln „neu“ \"x\"", id="regeln"))


def test_a_file_changed_after_a_read_is_validated_again(stored):
    store, article = stored
    store.get(article.id)  # read and validated once: its bytes are remembered
    path = store.path(article.id)
    data = json.loads(path.read_text("utf-8"))
    data["segments"][0]["decision"]["status"] = "approved-by-nobody"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(CorruptArticleError, match="segments\\[0\\].decision.status"):
        store.get(article.id)
    path.write_text(article_json(article), "utf-8")  # the good bytes again: read as before
    assert store.get(article.id).to_dict() == article.to_dict()


def test_the_file_holds_one_segment_a_line_and_reads_back_the_same(stored):
    store, article = stored
    text = store.path(article.id).read_text("utf-8")
    assert text.startswith('{\n "id": "regeln",\n "title": "Regeln „neu“ \\"x\\"",\n')
    lines = text.splitlines()
    assert sum(line.startswith('  {"index": ') for line in lines) == len(article.segments)
    assert json.loads(text) == article.to_dict()


def test_a_title_comes_from_the_head_and_from_the_whole_file_otherwise(stored):
    store, article = stored
    assert store.title(article.id) == "Regeln „neu“ \"x\""
    path = store.path(article.id)
    path.write_text(json.dumps(article.to_dict(), indent=4), "utf-8")  # another layout
    assert store.title(article.id) == "Regeln „neu“ \"x\""


def test_a_shared_reading_is_parsed_once_per_version_of_the_file(stored):
    store, article = stored
    first = store.view(article.id)
    assert store.view(article.id) is first  # the same bytes: the same object, not parsed again
    store.decide(article.id, 0, "correct", "anna", text="The government decided.")
    second = store.view(article.id)
    assert second is not first and second.segment(0).decision.status == "corrected"
    assert first.segment(0).decision.status == "pending"  # what its holders saw stays put
    path = store.path(article.id)
    path.write_text(path.read_text("utf-8").replace("The government decided.", "Changed."),
                    "utf-8")  # another process's write
    assert store.view(article.id).segment(0).decision.text == "Changed."
    path.write_text("{not json", "utf-8")
    with pytest.raises(CorruptArticleError, match="unreadable"):
        store.view(article.id)


def test_a_decision_and_typed_checks_leave_a_shared_reading_as_it_was(stored):
    from review.recheck import decide
    from review.typed_checks import flags_as_typed

    store, article = stored
    seen = store.view(article.id)
    before = json.dumps(seen.to_dict())
    typed = flags_as_typed(store, article.id, 1, "The minister said 2024 things.")
    assert "number_added" in {f.code for f in typed}
    decide(store, article.id, 1, "correct", "anna", text="The minister said 2024 things.")
    assert json.dumps(seen.to_dict()) == before
    stored_now = store.get(article.id).segment(1)
    assert stored_now.decision.text == "The minister said 2024 things."
    assert "number_added" in {f.code for f in stored_now.flags}
