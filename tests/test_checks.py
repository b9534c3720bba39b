"""Quality checks on crafted German/English pairs, with real e5 embeddings."""
from __future__ import annotations

import pytest

from review.article import Article, Decision, MachineOutput, Segment
from review.checks import check_article, check_pairs, load_glossary, parse_glossary
from review.checks.entities import name_flags
from review.checks.numbers import extract_numbers, number_flags
from review.checks.risk import risk
from review.errors import BadInputError

GOOD_DE = "Die Stadt Gutach hat am Dienstag eine neue Ampel für Fußgänger in Betrieb genommen."
GOOD_EN = "On Tuesday, the town of Gutach put a new traffic light for pedestrians into operation."


def codes(result) -> list[str]:
    return [f.code for f in result.flags]


@pytest.mark.parametrize("de, en", [
    ("Es kamen 10.000 Besucher.", "10,000 visitors came."),
    ("Der Umsatz lag bei 1,2 Millionen Euro.", "Sales were 1.2 million euros."),
    ("Er kommt am 21. Januar zurück.", "He returns on January 21."),
    ("Die Steuer stieg um 3,5 Prozent.", "The tax rose by 3.5%."),
    ("Der Zug fuhr um 14.13 Uhr ab.", "The train left at 2:13 p.m."),
    ("Die Musik der 70er ist zurück.", "The music of the 1970s is back."),
    ("Sie hat zwei Kinder.", "She has 2 children."),
    ("Die Saison 2013/14 war gut.", "The 2013-14 season was good."),
    ("Der Regen brachte 122 mm in zwei Tagen.", "The rain brought 122 mm in two days."),
    ("Sie verdient zwei Milliarden Dollar.", "She earns $2bn."),
])
def test_german_number_formats_match_their_english_forms(de, en):
    assert number_flags(de, en) == []


@pytest.mark.parametrize("de, en", [
    ("Es kamen 10.000 Besucher.", "10,500 visitors came."),
    ("Er kommt am 21. Januar zurück.", "He returns on January 24."),
    ("Der Zug fuhr um 14.13 Uhr ab.", "The train left at 2:18 p.m."),
    ("Die Saison 2013/14 war gut.", "The 2013-15 season was good."),
])
def test_a_changed_digit_is_flagged_as_a_number_problem(de, en):
    assert any("number" in f.code for f in number_flags(de, en))


@pytest.mark.parametrize("de, en, flagged", [
    ("Der Zug fährt um acht Uhr ab.", "The train leaves at nine.", ("acht", "nine")),
    ("Es kamen fünfunddreißig Menschen.", "Thirty-six people came.",
     ("fünfunddreißig", "Thirty-six")),
    ("Es kamen acht Menschen.", "Eight people came.", None),
    ("Fünfunddreißig weitere Personen.", "Thirty five other men.", None),
    ("Vor zehn Jahren im Juni.", "Ten years ago in June.", None),
    ("Die zwei Männer und drei Frauen.", "The three women and two men.", None),
    ("Zwei Jahre später.", "A couple of years later.", None),
    ("Ein Mann kam.", "One man came.", None),
    ("Mit zwei Kindern wurde sie fünfunddreißig.", "With both children she turned thirty five.",
     None),
    ("Wir treffen uns um halb acht.", "We meet at half past seven.", None),
    ("In vierzehn Tagen ist es so weit.", "In two weeks it will be time.", None),
    ("Seit zwei Jahrzehnten lebt er hier.", "He has lived here for twenty years.", None),
    ("Es kamen zwei Dutzend Gäste.", "Twenty-four guests came.", None),
    ("Sieben von zehn Deutschen sind dafür.", "Seventy percent of Germans are in favour.", None),
])
def test_a_number_word_that_became_another_is_flagged(de, en, flagged):
    flags = number_flags(de, en)
    if flagged is None:
        assert flags == []
    else:
        assert [(f.code, f.detail) for f in flags] == [
            ("number_mismatch", f'German "{flagged[0]}" became "{flagged[1]}" in the English')]


def test_million_billion_swap_is_flagged():
    assert number_flags("Der Umsatz lag bei 1,2 Milliarden Euro.", "Sales were 1.2 million euros.")
    assert number_flags("Das kostet eine Milliarde Euro.", "That costs a million euros.")
    # One "million" left on each side must not hide the other one becoming a billion.
    assert number_flags("Bis zu 20 Millionen für Firmen und bis zu einer Million für Leute.",
                        "Up to 20 million for firms and up to one billion for people.")
    assert not number_flags("Bis zu 20 Millionen für Firmen und bis zu einer Million für Leute.",
                            "Up to 20 million for firms and up to one million for people.")


def test_english_number_written_german_style_is_flagged_as_format():
    flags = number_flags("Es kamen 12.000 Besucher.", "12.000 visitors came.")
    assert [f.code for f in flags] == ["number_format"]
    assert "12,000" in flags[0].detail


def test_extract_numbers_reads_values_in_both_languages():
    assert [v for v, _ in extract_numbers("Es waren 1,2 Millionen und 10.000.", "de")] == [1.2e6, 1e4]
    assert [v for v, _ in extract_numbers("It was $3.5bn and 10,000.", "en")] == [3.5e9, 1e4]


def test_good_translation_is_clean_and_bad_ones_are_flagged():
    truncated = " ".join(GOOD_EN.split()[:7])
    loop = "On Tuesday the town of the town of the town of the town of Gutach opened a light."
    renamed = GOOD_EN.replace("Gutach", "Eckernförde")
    good, copy, short, looped, swapped, empty = check_pairs(
        [GOOD_DE] * 6, [GOOD_EN, GOOD_DE, truncated, loop, renamed, "  "])
    assert good.flags == [] and good.risk < 0.1 and good.similarity > 0.85
    assert codes(copy) == ["untranslated"]
    assert "length_short" in codes(short) or "low_similarity" in codes(short)
    assert "repetition" in codes(looped)
    assert codes(swapped) == ["name_added"] and "Eckernförde" in swapped.flags[0].detail
    assert codes(empty) == ["empty_output"] and empty.similarity is None
    for bad in (copy, short, looped, swapped, empty):
        assert bad.risk > good.risk


def test_short_name_swapped_from_elsewhere_is_flagged_and_kept_names_are_not():
    de = "Am Dienstag traf sich Jon Lee in Gutach mit Katrin Abele."
    good = "On Tuesday, Jon Lee met Katrin Abele in Gutach."
    assert name_flags(de, good) == []
    [flag] = name_flags(de, good.replace("Jon", "Ute"))
    assert flag.code == "name_added" and "Ute" in flag.detail


def test_still_german_output_is_flagged():
    [result] = check_pairs([GOOD_DE], ["Die Stadt hat eine neue Ampel für die Fußgänger gebaut."])
    assert codes(result) == ["untranslated"]


def test_low_confidence_is_flagged_and_raises_risk():
    sure, unsure = check_pairs([GOOD_DE] * 2, [GOOD_EN] * 2, confidences=[-0.2, -2.5])
    assert "low_confidence" in codes(unsure) and not sure.flags
    assert unsure.risk > sure.risk


def test_risk_grows_with_each_flag_and_stays_in_range():
    from review.article import Flag

    one = risk([Flag("number_missing", "")], 0.9)
    two = risk([Flag("number_missing", ""), Flag("name_added", "")], 0.9)
    assert 0 < one < two <= 1
    # Without a flag the learned risk still orders pairs: the lower the similarity the higher.
    assert 0 < risk([], 0.95) < risk([], 0.75) < one


GLOSSARY = "de,en,note\nArtilleriegranate,artillery shell\nBundeswehr,,dnt\n"


def test_glossary_term_in_any_inflection_needs_the_english_term():
    glossary = parse_glossary(GLOSSARY)
    de = "Die Soldaten fanden drei alte Artilleriegranaten im Wald."
    missing, present = check_pairs([de, de], ["The soldiers found three old grenades in the forest.",
                                              "The soldiers found three old artillery shells in the forest."],
                                   glossary=glossary)
    assert "glossary_term" in codes(missing)
    assert "artillery shell" in next(f.detail for f in missing.flags if f.code == "glossary_term")
    assert "glossary_term" not in codes(present)


def test_do_not_translate_term_must_stay_as_it_is():
    glossary = parse_glossary(GLOSSARY)
    de = "Die Bundeswehr schickt Hilfe."
    assert glossary.flags(de, "The German army sends help.")
    assert not glossary.flags(de, "The Bundeswehr sends help.")


def test_load_glossary_missing_file_is_empty_and_bad_rows_name_the_line(tmp_path):
    assert len(load_glossary(tmp_path / "none.csv")) == 0
    bad = tmp_path / "glossary.csv"
    bad.write_text("de,en\nGranate,shell\nnur ein Feld\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="line 3"):
        load_glossary(bad)


def _article() -> Article:
    texts = [("Gutach: Mehr Sicherheit für Fußgänger", "heading", "Gutach: More safety for pedestrians"),
             (GOOD_DE, "text", GOOD_EN),
             ("Es kamen 10.000 Besucher.", "text", "10,500 visitors came."),
             ("Foto: dpa", "boilerplate", "Photo: dpa"),
             ("Der Bürgermeister war zufrieden.", "text", None)]
    segments = []
    for i, (de, kind, en) in enumerate(texts):
        machine = MachineOutput(en, "test-model", -0.3) if en else None
        segments.append(Segment(i, 0, len(de), de, kind, 0, machine))
    return Article("a", "t", " ".join(t[0] for t in texts), "hash", segments=segments)


def test_check_article_fills_translated_segments_and_reuses_source_embeddings(monkeypatch):
    from models import embed as embed_module

    article = _article()
    check_article(article)
    heading, good, wrong, boiler, untranslated = article.segments
    assert good.flags == [] and good.similarity > 0.85 and good.risk < 0.1
    assert any("number" in f.code for f in wrong.flags) and wrong.risk > 0.5
    assert heading.similarity is not None
    assert boiler.similarity is None and boiler.risk is None
    assert untranslated.similarity is None and untranslated.risk is None

    embedded = []
    model = embed_module._get()

    class Recording:
        def passage(self, texts):
            embedded.extend(texts)
            return model.passage(texts)

    monkeypatch.setattr(embed_module, "_get", Recording)
    wrong.decision = Decision("corrected", "10,000 visitors came.", "ana", None, 1)
    check_article(article)
    assert embedded == ["10,000 visitors came."]
    assert wrong.flags == [] and wrong.similarity is not None
