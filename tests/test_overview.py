"""The overview's tables from real articles on disk: what the charts and CSV files show."""
from __future__ import annotations

import csv
import io

from review.article import Flag, MachineOutput
from review.ingest import article_from_text
from review import listing
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
    store.undo("regeln", 0, "anna")
    for fresh in (True, False):  # read from the articles, then from the saved index
        if fresh:
            listing.forget()
        tables = overview.tables(listing.summaries(store)[0])
        progress = {r["status"]: r["segments"] for r in tables["progress"]}
        assert progress == {"pending": 2, "accepted": 0, "corrected": 1, "rejected": 0}
        assert tables["flags"] == [{"code": "name_added", "raised": 1, "dismissed": 1},
                                   {"code": "number_missing", "raised": 1, "dismissed": 0}]
        assert [(r["reviewer"], r["action"], r["decisions"]) for r in tables["decisions"]] == [
            ("anna", "accept", 1), ("anna", "undo", 1), ("ben", "correct", 1)]
        corrected = overview.effort_rows(store.scan()[0])
        assert [(r["segment"], r["status"]) for r in corrected] == [(1, "corrected")]
        assert corrected[0]["chrf"] < 60 and corrected[0]["ter"] > 50
        # The chart's bins hold the same segments as the per-segment table.
        assert tables["effort"] == [{"status": "corrected",
                                     "chrf": int(corrected[0]["chrf"] // 10) * 10,
                                     "segments": 1}]


def test_untouched_machine_output_is_the_100_bin(store_dir):
    store = ArticleStore(store_dir)
    reviewed_article(store)
    bins = overview.effort_bin_rows(listing.summaries(store)[0])
    assert {"status": "accepted", "chrf": 100, "segments": 1} in bins


def test_progress_chart_keeps_the_articles_with_most_left_to_review(store_dir):
    store = ArticleStore(store_dir)
    reviewed_article(store)
    for n in range(3):
        store.add(article_from_text(f"Artikel {n}\n\n" + "Ein Satz hier. " * (n + 1),
                                    id=f"extra-{n}"))
    listed = listing.summaries(store)[0]
    pending = {s.id: s.pending for s in listed}
    assert pending["extra-0"] > pending["regeln"] == 1
    assert [s.id for s in overview.most_to_review(listed, 3)] == \
        sorted(pending, key=lambda i: (-pending[i], i))[:3]
    assert "regeln" not in [s.id for s in overview.most_to_review(listed, 3)]
    assert overview.totals(listed)["pending"] == sum(s.pending for s in listed)


def test_csv_download_neutralises_formulas(store_dir):
    store = ArticleStore(store_dir)
    reviewed_article(store)
    text = overview.csv_text(overview.progress_rows(listing.summaries(store)[0]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"] == "'=SUM(A1)" and rows[0]["segments"].isdigit()


def test_where_to_look_first_lists_the_riskiest_pending_segments_of_every_article(store_dir):
    store = ArticleStore(store_dir)
    reviewed_article(store)  # segment 2 pending; 0 accepted, 1 corrected
    other = store.add(article_from_text(GERMAN.replace("Montag", "Dienstag"), id="andere"))

    def risks(values):
        def put(article):
            for seg in article.segments:
                seg.risk = values.get(seg.index, 0.0)
        return put

    store.update("regeln", risks({0: 0.99, 2: 0.6}))  # 0 is decided: not listed
    store.update(other.id, risks({0: 0.9, 1: 0.3}))
    store.update(other.id, lambda a: setattr(a.segment(0), "flags",
                                             [Flag("number_mismatch", "12 → 13")]))
    rows = overview.riskiest_rows(listing.summaries(store)[0], 3)
    assert [(r["article"], r["segment"], r["risk"]) for r in rows] == [
        ("andere", 0, 0.9), ("regeln", 2, 0.6), ("andere", 1, 0.3)]
    assert rows[0]["flags"] == "A number differs between German and English"
    assert overview.riskiest_rows(listing.summaries(store)[0], 1) == rows[:1]
