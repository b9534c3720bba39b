"""The glossary editor's rows: de, en, keep (do not translate), note; written so files read back."""
from __future__ import annotations

import pytest

from review.checks.glossary import glossary_table, load_glossary, parse_glossary, table_csv
from review.errors import BadInputError

DOCUMENTED = """de,en,note
Artilleriegranate,artillery shell
Bundeswehr,Bundeswehr,army name
Tagesschau,,dnt
Kanzleramt,Chancellery | Federal Chancellery
Bild,,dnt: a newspaper
Deutsche Welle,DW,do not translate
"""


def _meaning(glossary):
    return [(e.de, e.expected, e.dnt) for e in glossary.entries]


@pytest.fixture
def documented(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text(DOCUMENTED, encoding="utf-8")
    return path


def test_rows_tick_keep_for_every_do_not_translate_term(documented):
    assert glossary_table(documented) == [
        {"de": "Artilleriegranate", "en": "artillery shell", "keep": False, "note": ""},
        {"de": "Bundeswehr", "en": "", "keep": True, "note": "army name"},
        {"de": "Tagesschau", "en": "", "keep": True, "note": ""},
        {"de": "Kanzleramt", "en": "Chancellery | Federal Chancellery", "keep": False,
         "note": ""},
        {"de": "Bild", "en": "", "keep": True, "note": "a newspaper"},
        {"de": "Deutsche Welle", "en": "", "keep": True, "note": ""},
    ]
    assert glossary_table(documented.parent / "missing.csv") == []


def test_rows_written_back_mean_what_the_file_meant(documented, tmp_path):
    text = table_csv(glossary_table(documented))
    assert _meaning(parse_glossary(text)) == _meaning(load_glossary(documented))
    again = tmp_path / "again.csv"
    again.write_text(text, encoding="utf-8")
    assert glossary_table(again) == glossary_table(documented)  # stable from the second save


def test_a_kept_row_is_written_as_do_not_translate():
    text = table_csv([{"de": "Bundestag", "en": "", "keep": True, "note": ""},
                      {"de": "Kreml", "en": "", "keep": True, "note": "seat of power"},
                      {"de": "Bundeswehr", "en": "Bundeswehr", "keep": True, "note": None}])
    assert text.splitlines()[1:] == ["Bundestag,,dnt", "Kreml,,dnt: seat of power",
                                     "Bundeswehr,,dnt"]
    glossary = parse_glossary(text)
    assert all(e.dnt and e.expected == [e.de] for e in glossary.entries)
    assert glossary.flags("Der Bundestag stimmt zu.", "The Federal Parliament agrees.")
    assert not glossary.flags("Der Bundestag stimmt zu.", "The Bundestag agrees.")


def test_a_german_term_without_english_needs_keep_ticked():
    rows = [{"de": "Kreml", "en": "Kremlin", "keep": False, "note": ""},
            {"de": "Bundestag", "en": "", "keep": False, "note": ""}]
    with pytest.raises(BadInputError) as err:
        table_csv(rows)
    assert str(err.value) == ("glossary row 2 'Bundestag' has no English: type the English, "
                              "or tick 'keep as is' to keep the German term")


@pytest.mark.parametrize("row, says", [
    ({"de": "", "en": "orphan English", "keep": False, "note": ""}, "row 1 has no German"),
    ({"de": "Kreml", "en": "Kremlin", "keep": True, "note": ""}, "untick 'keep as is'"),
    ({"de": "Kreml", "en": "Kremlin", "keep": False, "note": "dnt"}, "tick 'keep as is'"),
])
def test_rows_that_cannot_be_written_as_meant_are_refused_by_number(row, says):
    with pytest.raises(BadInputError, match=says):
        table_csv([row])


def test_empty_rows_are_dropped_whatever_the_editor_put_in_them():
    nan = float("nan")  # what a pandas data editor gives for an empty cell
    rows = [{"de": "", "en": "", "keep": False, "note": ""},
            {"de": None, "en": nan, "keep": None, "note": nan},
            {"de": "  ", "en": "", "keep": True, "note": " "},
            {"de": "Kreml", "en": "Kremlin", "keep": nan, "note": nan},
            {}]
    assert table_csv(rows) == "de,en,note\nKreml,Kremlin,\n"
    assert table_csv([]) == "de,en,note\n"


def test_cells_with_commas_quotes_and_newlines_survive():
    rows = [{"de": "Ministerium für\nVerteidigung", "en": 'Ministry of Defence, "MoD"',
             "keep": False, "note": "a, b"}]
    (entry,) = parse_glossary(table_csv(rows)).entries
    assert entry.de == "Ministerium für Verteidigung"
    assert entry.en == ['Ministry of Defence, "MoD"'] and entry.note == "a, b"
