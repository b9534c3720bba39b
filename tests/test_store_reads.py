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
