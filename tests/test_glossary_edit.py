"""Editing the store's glossary from the app: saved atomically, re-checks, bad rows refused."""
from __future__ import annotations

import pytest

from review.article import MachineOutput
from review.checks.glossary import glossary_rows
from review.errors import BadInputError
from review.ingest import load_path
from review.jobs import JobRunner
from review.store import ArticleStore
from review.ui.actions import save_glossary


@pytest.fixture
def translated(store_dir, seed_files):
    store = ArticleStore(store_dir)
    article = store.add(load_path(seed_files[0])[0])  # mentions "Artilleriegranaten"

    def fake_english(a):
        for seg in a.reviewable():
            seg.machine = MachineOutput("North Korea delivered munitions.", "test", -0.2)

    store.update(article.id, fake_english)
    return store, article.id


def test_saved_glossary_flags_the_missing_term_and_reads_back(translated):
    store, article_id = translated
    rows = [{"de": "Artilleriegranate", "en": "artillery shell", "note": ""},
            {"de": "", "en": "", "note": ""}]
    assert save_glossary(store, rows) == 1
    runner = JobRunner(store.root)  # what the app's Save starts: re-check every article
    runner.wait(runner.recheck(None).id, timeout=120)
    assert glossary_rows(store.glossary_path) == [
        {"de": "Artilleriegranate", "en": "artillery shell", "note": ""}]
    flagged = [s for s in store.get(article_id).segments
               if any(f.code == "glossary_term" for f in s.flags)]
    assert flagged and all("Artilleriegranate" in s.source for s in flagged)
    assert all("artillery shell" in f.detail for s in flagged for f in s.flags
               if f.code == "glossary_term")


def test_a_row_without_german_is_refused_and_the_file_kept(translated):
    store, article_id = translated
    save_glossary(store, [{"de": "Kreml", "en": "Kremlin", "note": ""}])
    before = store.glossary_path.read_bytes()
    with pytest.raises(BadInputError, match="row 1 has no German term"):
        save_glossary(store, [{"de": "", "en": "orphan English", "note": ""}])
    assert store.glossary_path.read_bytes() == before
