"""Spelling of reviewers' English: a misspelt word in a correction, in typed text or in a summary
is flagged ``spelling`` with suggestions; machine output never is, nor a word the German, the
glossary or the translation memory uses, nor names, numbers, links and the like."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from review import recheck
from review.article import MachineOutput
from review.checks import spelling
from review.checks.registry import CODES, WEIGHTS
from review.faithfulness import summary_spelling_flags
from review.pipeline import run_checks
from review.store import ArticleStore
from review.typed_checks import flags_as_typed
from review.memory import Unit
from test_memory import approved, imported, make_article

ROOT = Path(__file__).resolve().parent.parent
GERMAN = [("Die Regierung in Gutach hat am Dienstag den Haushalt beschlossen.",
           "The government in Gutach passed the budget on Tuesday."),
          ("Der Zollernalbkreis erhält eine neue Zapfwelle.",
           "The Zollernalb district receives a new power take-off.")]
# Approved elsewhere in the store: its English puts "flurbix" in the translation memory.
ELSEWHERE = [("Der Schlauchverbinder wurde repariert.", "The flurbix was repaired.")]
GLOSSARY = "de,en,note\nZapfwelle,frobnicator shaft\n"
MISSPELT = "The goverment in Gutach passed the budget on Tuesday."


def spelling_details(flags) -> list[str]:
    return [flag.detail for flag in flags if flag.code == "spelling"]


@pytest.fixture
def store(tmp_path) -> ArticleStore:
    """Two articles, checked: a1 to correct, a2 approved (the memory); a glossary and an
    imported memory unit."""
    store = ArticleStore(tmp_path / "store")
    store.add(make_article("a1", GERMAN))
    store.add(make_article("a2", ELSEWHERE, decisions={0: approved()}))
    store.glossary_path.write_text(GLOSSARY, "utf-8")
    imported(store, Unit("Ein Zapfen.", "A zintrop.", "tmx:old.tmx"))
    run_checks(store, "a1")
    return store


def correct(store: ArticleStore, index: int, text: str) -> list:
    """The stored flags of a1's segment ``index`` after the re-check of a correction."""
    warnings: list[str] = []
    recheck.decide(store, "a1", index, "correct", "ana", text=text, warnings=warnings)
    assert warnings == []
    return store.get("a1").segment(index).flags


def test_a_misspelt_correction_is_flagged_with_suggestions_and_raises_the_risk(store):
    before = store.get("a1").segment(0).risk
    flags = correct(store, 0, MISSPELT)
    assert spelling_details(flags) == ['"goverment": did you mean government?']
    assert store.get("a1").segment(0).risk > before
    # the fixed word takes the flag away again
    assert spelling_details(correct(store, 0, GERMAN[0][1])) == []


def test_several_suggestions_read_as_a_list_and_the_case_follows_the_word(store):
    flags = correct(store, 0, "Recieve the budget, said the minsiter in Gutach.")
    assert spelling_details(flags) == ['"Recieve": did you mean Receive or Relieve?',
                                       '"minsiter": did you mean minister or minster?']


def test_words_of_the_german_the_glossary_and_the_memory_are_never_flagged(store):
    # "Zollernalbkreis" and "Zapfwelle" are the German's, "frobnicator" the glossary's English,
    # "flurbix" an approved English elsewhere in the store, "zintrop" an imported unit's.
    text = ("Zollernalbkreis receives a new frobnicator shaft, a zapfwelle, zintrops and a "
            "flurbix that wobbels.")
    assert spelling_details(correct(store, 1, text)) == [
        '"wobbels": did you mean wobbles?']
    # without the German, the glossary and the memory, each of them would be flagged
    alone = spelling_details(spelling.spelling_flags("", text))
    assert [detail.split('"')[1] for detail in alone] == [
        "Zollernalbkreis", "frobnicator", "zapfwelle", "zintrops", "flurbix", "wobbels"]


def test_a_segment_s_own_approval_never_vouches_for_its_spelling(store):
    assert spelling_details(correct(store, 0, MISSPELT)) == [
        '"goverment": did you mean government?']
    # the correction is in the memory now; a full re-check and typing on keep the flag
    run_checks(store, "a1")
    assert spelling_details(store.get("a1").segment(0).flags) == [
        '"goverment": did you mean government?']
    typed = flags_as_typed(store, "a1", 0, MISSPELT.replace("Tuesday", "Monday"))
    assert spelling_details(typed) == ['"goverment": did you mean government?']


def test_machine_output_is_never_spell_checked(tmp_path):
    store = ArticleStore(tmp_path / "store")
    article = make_article("m1", [(GERMAN[0][0], MISSPELT), (GERMAN[1][0], MISSPELT)])
    article.segment(1).machine = MachineOutput(MISSPELT, "test-mt", -0.2)  # a scored output
    store.add(article)
    run_checks(store, "m1")
    assert [spelling_details(s.flags) for s in store.get("m1").segments] == [[], []]
    # accepting it as it is keeps it machine output; the same text typed back changes nothing
    recheck.decide(store, "m1", 0, "accept", "ana")
    assert spelling_details(store.get("m1").segment(0).flags) == []
    assert spelling_details(flags_as_typed(store, "m1", 1, MISSPELT)) == []
    # while `python -m review check` on files (pairs without a store) stays as it was
    from review.checks import check_pairs

    assert spelling_details(check_pairs([GERMAN[0][0]], [MISSPELT])[0].flags) == []


def test_typed_text_shows_the_misspelling_before_confirm_and_saves_nothing(store):
    path = store.path("a1")
    before = path.read_bytes()
    typed = flags_as_typed(store, "a1", 0, MISSPELT)
    assert spelling_details(typed) == ['"goverment": did you mean government?']
    assert spelling_details(flags_as_typed(store, "a1", 0, GERMAN[0][1])) == []
    assert path.read_bytes() == before


@pytest.mark.parametrize("text", [
    "The talks in Brussels with Vadym Skibitsky went well, said Ms Okonkwo.",  # names
    "It costs 3,5m EUR or 220000€ by 2024, in 12th place with B33 and 7.00 p.m. approx.",
    "Write to press@gutach-rathaus.de or see https://www.gutach.de/news?id=7 now.",
    "A well-known fire-fighting multi-storey car park, e-mail and post-mortem reports.",
    "The U.S. and the EU, e.g. NATO, i.e. the UN; iPhone, McDonald's, etc. and 5 km.",
    "So Merkel's party isn't sure they'd win; the parents' view: we'll see, I'm told.",
    "The colour of the organisation's centre was realised by travelling metres.",
    "The carmaker's whistleblower revealed the incorporations.",
    "Début of the café in Gönningen.",
])
def test_what_is_never_flagged(text):
    assert spelling_details(spelling.spelling_flags("", text)) == []


@pytest.mark.parametrize("word", ["posession", "threshhold", "tomatos", "untill", "fourty",
                                  "writting", "suprise"])
def test_misspellings_that_look_like_compounds_or_british_spellings_are_still_flagged(word):
    [detail] = spelling_details(spelling.spelling_flags("", f"The {word} is here."))
    assert detail.startswith(f'"{word}": did you mean ')


def test_a_summary_with_a_misspelling_gets_the_flag():
    article_en = "The Zollernalb district council met in Balingen. It passed the budget."
    article_de = "Der Kreistag des Zollernalbkreises tagte in Balingen."
    summary = "Zollernalbkreis councilors in Balingen pased the budget."
    assert spelling_details(summary_spelling_flags(summary, article_en, article_de)) == [
        '"pased": did you mean passed, based or posed?']
    assert summary_spelling_flags("", article_en, article_de) == []


def test_the_check_list_names_spelling_with_its_weight():
    listed = subprocess.run([sys.executable, "-m", "review", "check", "--list", "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    entry = [e for e in json.loads(listed.stdout) if e["code"] == "spelling"]
    assert entry == [{"code": "spelling", "weight": 0.2,
                      "description": "A word may be misspelt"}]
    assert WEIGHTS["spelling"] == 0.2 and CODES["spelling"].why


def test_the_word_list_loads_on_first_use_and_a_check_then_takes_milliseconds(store):
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, review.checks.registry, review.typed_checks; "
         "print('spellchecker' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.stdout.strip() == "False", imported.stderr
    from review.memory import memory_for

    memory = memory_for(store)
    spelling.spelling_flags(GERMAN[0][0], MISSPELT, memory=memory)
    times = []
    for _ in range(20):
        start = time.perf_counter()
        spelling.spelling_flags(GERMAN[0][0], MISSPELT + " A flurbix wobbels.", memory=memory)
        times.append(time.perf_counter() - start)
    assert sorted(times)[len(times) // 2] < 0.05
