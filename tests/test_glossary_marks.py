"""Glossary terms marked in the German: every occurrence found, the required English on
hover, and nothing in the German or the glossary turned into markup."""
from __future__ import annotations

import re

from review.checks import load_glossary
from review.ui.markup import german_with_terms

ROWS = """de,en,note
Artilleriegranate,artillery shell
Bundesregierung,federal government
Regierung,government
Europäische Union,European Union
Union der Ukraine,union of Ukraine
Tagesschau,,dnt
"""
GERMAN = ("Die Bundesregierung kauft Artilleriegranaten, die Regierung in Kiew wartet auf "
          "die Panzerartilleriegranate; die Europäische Union der Ukraine liefert auch eine "
          "Artilleriegranate.")


def glossary_file(tmp_path, rows: str = ROWS):
    path = tmp_path / "glossary.csv"
    path.write_text(rows, "utf-8")
    return load_glossary(path)


def test_terms_are_found_inflected_in_compounds_and_every_time(tmp_path):
    spans = glossary_file(tmp_path).terms_in(GERMAN)
    found = [(GERMAN[start:end], entry.de) for start, end, entry in spans]
    assert found == [("Bundesregierung", "Bundesregierung"),
                     ("Artilleriegranaten", "Artilleriegranate"),
                     ("Regierung", "Regierung"),
                     ("Panzerartilleriegranate", "Artilleriegranate"),
                     ("Europäische Union", "Europäische Union"),
                     ("Artilleriegranate", "Artilleriegranate")]
    starts = [start for start, _end, _entry in spans]
    assert starts == sorted(starts)
    assert all(end <= nxt for (_s, end, _e), (nxt, _n, _x) in zip(spans, spans[1:]))


def test_a_text_without_terms_or_a_glossary_has_no_marks(tmp_path):
    assert glossary_file(tmp_path).terms_in("Der Zug fährt um acht Uhr ab.") == []
    assert german_with_terms("Der Zug fährt ab.", None) == (
        '<div class="german-text">Der Zug fährt ab.</div>')
    assert german_with_terms("A & B", glossary_file(tmp_path)) == (
        '<div class="german-text">A &amp; B</div>')


def test_terms_are_marked_with_the_required_english_in_the_title(tmp_path):
    shown = german_with_terms("Die Bundesregierung sah die Tagesschau.", glossary_file(tmp_path))
    assert shown == (
        '<div class="german-text">Die <mark class="glossary-term" title="glossary: '
        'Bundesregierung → federal government">Bundesregierung</mark> sah die <mark '
        'class="glossary-term" title="glossary: Tagesschau → keep as it is">Tagesschau</mark>.'
        '</div>')


def test_alternatives_are_joined_with_or_and_bold_wraps_the_whole_text(tmp_path):
    glossary = glossary_file(tmp_path, "Kanzleramt,Chancellery | Federal Chancellery\n")
    shown = german_with_terms("Im Kanzleramt", glossary, bold=True)
    assert shown == ('<div class="german-text"><b>Im <mark class="glossary-term" title='
                     '"glossary: Kanzleramt → Chancellery or Federal Chancellery">Kanzleramt'
                     '</mark></b></div>')


def test_markup_in_the_german_and_in_the_glossary_stays_text(tmp_path):
    glossary = glossary_file(tmp_path, 'Bundesregierung,"<script>alert(1)</script> & ""gov"""\n')
    german = 'Die Bundesregierung & <script>alert("x")</script> <img src=x onerror=alert(1)>'
    shown = german_with_terms(german, glossary)
    assert "<script" not in shown and "<img" not in shown
    assert {tag for tag in re.findall(r"</?([a-zA-Z]+)", shown)} == {"div", "mark"}
    assert "&amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert ('title="glossary: Bundesregierung → &lt;script&gt;alert(1)&lt;/script&gt; &amp; '
            '&quot;gov&quot;"') in shown
    assert ">Bundesregierung</mark>" in shown
