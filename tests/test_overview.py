"""The overview's tables from real articles on disk: what the charts and CSV files show."""
from __future__ import annotations

import csv
import io

from review.article import Flag, MachineOutput
from review.ingest import article_from_text
from review.store import ArticleStore
from review.ui import overview

GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.\n"
          "Die Opposition kritisierte den Plan scharf.")


def reviewed_article(store: ArticleStore) -> str:
    article = store.add(article_from_text(GERMAN, title="=SUM(A1)", id="regeln"))

    def translate(a):
        for seg in a.segments:
            seg.machine = MachineOutput(f"Machine sentence {seg.index}.", "m", -0.2)
        a.segment(1).flags = [Flag("number_missing", "12"), Flag("name_added", "Bob")]

    store.update(article.id, translate)
    store.decide(article.id, 0, "accept", "anna")
    store.decide(article.id, 1, "correct", "ben", text="The minister put costs at 12 million.")
    store.dismiss(article.id, 1, "name_added", "Bob", "ben")
    return article.id


def test_tables_count_what_reviewers_did(store_dir):
    store = ArticleStore(store_dir)
    reviewed_article(store)
    tables = overview.tables(store.scan()[0])
    progress = {r["status"]: r["segments"] for r in tables["progress"]}
    assert progress == {"pending": 1, "accepted": 1, "corrected": 1, "rejected": 0}
    assert tables["flags"] == [{"code": "name_added", "raised": 1, "dismissed": 1},
                               {"code": "number_missing", "raised": 1, "dismissed": 0}]
    assert [(r["reviewer"], r["action"], r["decisions"]) for r in tables["decisions"]] == [
        ("anna", "accept", 1), ("ben", "correct", 1)]
    effort = {r["segment"]: r for r in tables["effort"]}
    assert effort[0]["chrf"] == 100.0 and effort[0]["ter"] == 0.0
    assert effort[1]["chrf"] < 60 and effort[1]["ter"] > 50


def test_csv_download_neutralises_formulas(store_dir):
    store = ArticleStore(store_dir)
    reviewed_article(store)
    text = overview.csv_text(overview.progress_rows(store.scan()[0]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"] == "'=SUM(A1)" and rows[0]["segments"].isdigit()
