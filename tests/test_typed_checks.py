"""Checks as you type: the flags under an editor are those of the text in it, before Confirm,
computed as the re-check after a correction would, and nothing is written meanwhile."""
from __future__ import annotations

import os
import time

import pytest

from review.article import MachineOutput
from review.checks import load_glossary
from review.ingest import load_path
from review.pipeline import run_checks
from review.store import ArticleStore
from review.typed_checks import flags_as_typed, needs_live_flags, store_glossary

# Machine English for the seed's segments 1 ("Artilleriegranaten ... 122 mm und 152 mm") and
# 3 ("Bis zum Frühjahr 2024 ... eine Million Artilleriegeschosse liefern.").
MUNITION = ("The ammunition is mainly artillery rounds with calibres of 122 mm and 152 mm, said "
            "Vadym Skibitsky, a representative of Ukraine's military intelligence service "
            "(HUR) in an interview with RBC Ukraine.")
SPRING = ("By spring 2024, the member states of the European Union want to deliver one million "
          "artillery shells to Ukraine.")
GLOSSARY = "de,en,note\nArtilleriegranate,artillery shell\n"


@pytest.fixture
def seeded(store_dir, seed_files):
    """A store holding the first seed, two segments translated, a glossary, all checked."""
    store = ArticleStore(store_dir)
    article = store.add(load_path(seed_files[0])[0])

    def translate(a):
        a.segment(1).machine = MachineOutput(MUNITION, "test-mt", -0.2)
        a.segment(3).machine = MachineOutput(SPRING, "test-mt", -0.2)

    store.update(article.id, translate)
    store.glossary_path.write_text(GLOSSARY, "utf-8")
    run_checks(store, article.id, glossary=load_glossary(store.glossary_path))
    return store, article.id


def codes(flags) -> list[str]:
    return [f.code for f in flags]


def files_of(store: ArticleStore) -> dict[str, tuple[bytes, int]]:
    """Every file in the store folder: its bytes and mtime."""
    return {str(p.relative_to(store.root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(store.root.rglob("*")) if p.is_file()}


def test_a_missing_glossary_term_is_flagged_while_typing_and_gone_once_typed(seeded):
    store, article_id = seeded
    assert "glossary_term" in codes(store.get(article_id).segment(1).flags)
    before = files_of(store)
    assert "glossary_term" in codes(flags_as_typed(store, article_id, 1, MUNITION))
    still_missing = MUNITION.replace("The ammunition", "The munitions")
    term = [f for f in flags_as_typed(store, article_id, 1, still_missing)
            if f.code == "glossary_term"]
    assert term and "artillery shell" in term[0].detail
    fixed = MUNITION.replace("artillery rounds", "artillery shells")
    assert "glossary_term" not in codes(flags_as_typed(store, article_id, 1, fixed))
    assert files_of(store) == before  # nothing saved: same files, bytes and mtimes
    assert store.get(article_id).segment(1).decision.status == "pending"


def test_typing_away_a_number_of_the_german_is_flagged_before_confirm(seeded):
    store, article_id = seeded
    assert store.get(article_id).segment(3).flags == []
    flags = flags_as_typed(store, article_id, 3, SPRING.replace("spring 2024", "spring"))
    missing = [f for f in flags if f.code == "number_missing"]
    assert missing and "2024" in missing[0].detail
    assert store.get(article_id).segment(3).flags == []


def test_a_dismissed_flag_stays_out_while_others_come_and_go(seeded):
    store, article_id = seeded
    (term,) = [f for f in store.get(article_id).segment(1).flags if f.code == "glossary_term"]
    store.dismiss(article_id, 1, term.code, term.detail, "ana")
    typed = MUNITION.replace("The ammunition", "The 300 munitions")
    flags = flags_as_typed(store, article_id, 1, typed)
    assert term not in flags and "glossary_term" not in codes(flags)
    assert "number_added" in codes(flags)


def test_the_flags_of_a_correction_are_those_the_recheck_saves(seeded, monkeypatch):
    from review import recheck

    # Live flags never score agreement; nor does a re-check while no model is loaded.
    monkeypatch.setattr("models.registry.loaded_translator", lambda model=None: None)
    store, article_id = seeded
    typed = SPRING.replace("2024", "2025").replace("artillery shells", "shells")
    live = flags_as_typed(store, article_id, 3, typed)
    recheck.decide(store, article_id, 3, "correct", "ana", text=typed)
    assert live == store.get(article_id).segment(3).active_flags
    assert "number_mismatch" in codes(live), live


def test_an_emptied_box_gets_the_flags_of_an_empty_english(seeded):
    store, article_id = seeded
    empty = flags_as_typed(store, article_id, 1, "")
    assert empty and flags_as_typed(store, article_id, 1, "  \n ") == empty
    assert "empty_output" in codes(empty)


def test_live_flags_are_needed_only_when_the_box_would_change_the_english():
    assert not needs_live_flags("The train leaves.", "The train leaves.")
    assert not needs_live_flags("The train leaves.", "  The train leaves.\n")
    assert needs_live_flags("The train leaves.", "The train left.")
    assert needs_live_flags("The train leaves.", "")
    assert not needs_live_flags(None, "  ")
    assert needs_live_flags(None, "The train leaves.")


def test_the_glossary_is_read_once_and_again_when_its_file_changes(seeded):
    store, _article_id = seeded
    old = time.time_ns() - 60 * 10**9  # a file written a minute ago is read only once
    os.utime(store.glossary_path, ns=(old, old))
    first = store_glossary(store)
    assert [e.de for e in first.entries] == ["Artilleriegranate"]
    assert store_glossary(store) is first
    store.glossary_path.write_text(GLOSSARY + "Kreml,Kremlin\n", "utf-8")
    assert [e.de for e in store_glossary(store).entries] == ["Artilleriegranate", "Kreml"]
    store.glossary_path.unlink()
    assert len(store_glossary(store)) == 0
