"""German segmentation, headings and boilerplate as a reviewer sees them, plus the CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from review.boilerplate import is_boilerplate
from review.cli import main
from review.commands.segment import command as segment_command
from review.segment import segment_text, split_sentences


def sentences(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in split_sentences(paragraph)]


# Each case: the sentences a German reader expects; the test joins them with one space.
SAME_PARAGRAPH = [
    # dates and ordinals
    ["Nordkorea feuerte am 2. Januar Raketen ab.", "Ziel war Charkiw."],
    ["Das Interview erschien am 21. Januar in der Financial Times.", "Budanov sprach offen."],
    ["Putin und Kim trafen sich am 19. Juni 2024 in Pjöngjang.", "Das Treffen dauerte lange."],
    ["Sie belegte den 3. Platz.", "Das war knapp."],
    ["Die Zahl der Toten stieg auf 250.", "Die Behörden warnen vor weiteren Opfern."],
    ["Das Abkommen stammt aus dem Jahr 2014.", "Experten halten es für überholt."],
    ["Der Dax schloss bei 15.000.", "Händler waren zufrieden."],
    ["Er wurde am 3. 10. 1990 geboren.", "Der 1. FC Köln trauerte."],
    ["Das Spiel endete 2:1.", "Die Fans jubelten."],
    # abbreviations
    ["Geliefert wurden z. B. Granaten, u. a. aus Nordkorea, bzw. Raketen usw. aus dem Iran."],
    ["Dr. Meier und Prof. Schulz widersprachen.", "Sie wohnen in St. Gallen."],
    ["Das kostet ca. 5 Mio. Euro und etwa 2 Mrd. Dollar.", "Das Geld fehlt."],
    ["Die Regierung (vgl. Abs. 3, S. 12 der Vorlage) schwieg, d. h. sie wartete v. a. ab."],
    ["Im 19. Jh. war das anders.", "Haus Nr. 3 in der Goethe-Str. brannte etc. nieder."],
    ["Es gab Tee, Kaffee usw.", "Die Gäste blieben lange."],
    ["Die Stadt wurde ca. 300 v. Chr. gegründet.", "Frankfurt a. M. liegt am Main."],
    ["Der Umsatz lag bei 1,2 Mrd. Euro.", "Der Gewinn sank."],
    ["Mehr Infos unter www.example.de.", "Die Anmeldung läuft."],
    # decimals and initials
    ["Die Inflation lag bei 2.5 Prozent, im Vorjahr bei 3,1 Prozent.", "Das ist viel."],
    ["Das berichtete Timothy H.J. Nerozzi für Fox News.", "George W. Bush schwieg."],
    ["Papst Johannes Paul II. besuchte 1979 Polen.", "Er wurde gefeiert."],
    # quotes, question marks, ellipses, brackets
    ["Putin habe eine Einladung erhalten, „wir hoffen, dass die Visite klappt“, sagte Peskow."],
    ["„Wir hoffen, dass die Visite klappt.“", "Das sagte Peskow am Montag."],
    ["«Das ist gut.»", "Er lachte."],
    ['"Das hat Russland Luft gegeben", sagte Budanov.', '"Ohne die Hilfe wäre es schlimm."'],
    ["‚Na gut.‘", "Er ging."],
    ["„Wer trägt die Schuld?“ fragte der Minister.", "Niemand antwortete."],
    ["Wirklich?!", "Das glaubt keiner."],
    ["Er rief: „Hilfe!“", "Dann rannte er."],
    ["Er zögerte … und ging dann.", "Sie blieb...", "Dann kam der Regen."],
    ["Die Lage ist ernst (so die UN.)", "Hilfe ist unterwegs."],
    ["Gekämpft wird in der Provinz Kursk (Russland).", "Dort stehen Soldaten aus Nordkorea."],
    # a headline run into its text: a capitalised "Die"/"Im"/"Doch" after a plain word
    ["Noch mehr Sicherheit für Fußgänger", "Die neue Ampel steht am Dorfplatz."],
    ["Der Vorsitzende der Partei Die Linke forderte in Den Haag mehr Geld."],
    ["Sie sang in „Old Habits Die Hard“ mit."],
    ["Nordkorea Entwickelt Sich Zum Größten Waffenlieferanten Russlands."],
    # a lowercase word after a full stop never starts a sentence
    ["Das Verfahren lief bis 2013. dann wurde es eingestellt."],
]


@pytest.mark.parametrize("expected", SAME_PARAGRAPH, ids=lambda e: e[0][:40])
def test_sentences_split_where_a_german_reader_expects(expected):
    assert sentences(" ".join(expected)) == expected


def test_spans_are_exact_and_trimmed_with_odd_whitespace():
    text = "\ufeff  Titel der Meldung \r\n\n \t \n  Er kam.   Sie ging.\u00a0\n•  Liste ohne Punkt\n"
    spans = segment_text(text)
    assert [s.text for s in spans] == ["Titel der Meldung", "Er kam.", "Sie ging.",
                                       "Liste ohne Punkt"]
    assert [s.paragraph for s in spans] == [0, 1, 1, 2]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_seed_spans_reproduce_the_text_exactly(seed_files):
    for path in seed_files:
        text = path.read_text(encoding="utf-8")
        spans = segment_text(text)
        rebuilt, cursor = "", 0
        for span in spans:
            gap = text[cursor:span.start]
            assert not gap.strip(" \t\r\n\u00a0•"), f"{path.name}: text lost: {gap!r}"
            assert span.text == text[span.start:span.end]
            assert span.text == span.text.strip() and span.text
            rebuilt += gap + span.text
            cursor = span.end
        assert rebuilt + text[cursor:] == text
        lines = [line for line in text.splitlines() if line.strip()]
        assert sorted({s.paragraph for s in spans}) == list(range(len(lines)))


def kinds(path) -> dict[str, str]:
    return {s.text: s.kind for s in segment_text(path.read_text(encoding="utf-8"))}


def test_seed_headings_and_captions_stay_translatable(seed_files):
    found = {}
    for path in seed_files:
        found.update(kinds(path))
    for heading in ["Russland intensiviert Kontakt mit Nordkorea",
                    "Militärische Zusammenarbeit mit dem Iran",
                    "NORDKOREANISCHER AUSSENMINISTER VERTEIDIGT WAFFENLIEFERUNGEN AN RUSSLAND "
                    "GEGEN ‘GRUNDLOSEN VORWURF’",
                    "Russland will „in allen Bereichen“ enge Beziehungen zu Nordkorea aufbauen",
                    "Der russische Präsident Wladimir Putin und der nordkoreanische Führer Kim "
                    "Jong-un in Pjöngjang (Nordkorea) am 19. Juni 2024"]:
        assert found[heading] == "heading", heading


SEED_FURNITURE = {
    "000": ["Kommentare",
            "Da dieser Artikel älter als 18 Monate ist, ist zum jetzigen Zeitpunkt kein "
            "Kommentieren mehr möglich.",
            "Wir laden Sie ein, bei einer aktuelleren themenrelevanten Story mitzudiskutieren: "
            "Themenübersicht.",
            "Bei Fragen können Sie sich gern an das Community-Team per Mail an forum@krone.at "
            "wenden."],
    "001": ["Peter Zeifert", "26 Wochen vor", "|", "21/01/2024", "Welt",
            "Foto: Shutterstock.com"],
    "003": ["[Anzeige_2]", "Kommentar (0)",
            "Quelle: https://thanhnien.vn/lanh-dao-trieu-tien-kim-jong-un-noi-nga-co-quyen-tu-ve-"
            "185241130071849144.htm"],
    "004": ["Oct 27, 2023 10:56 Europe/Berlin", "Tags"],
}


def test_seed_furniture_is_boilerplate_and_nothing_else_is(seed_files):
    for path in seed_files:
        furniture = SEED_FURNITURE.get(path.name[:3], [])
        for text, kind in kinds(path).items():
            assert (kind == "boilerplate") == (text in furniture), f"{path.name}: {text[:60]}"
        assert set(furniture) <= set(kinds(path))


@pytest.mark.parametrize("line", [
    "Foto: dpa", "Bild: Reuters/Maxim Shemetov", "© picture alliance / AP", "(Foto: dpa)",
    "[Anzeige]", "Anzeige", "Quelle: tagesschau.de", "Tags: Russland, Nordkorea",
    "Von Max Muster", "Von Anna Schmidt und Jan Petersen", "Autor: Erika Mustermann",
    "12.03.2024, 14:05 Uhr", "Aktualisiert am 12.03.2024", "Stand: 03.05.2024 16:20 Uhr",
    "Mehr zum Thema", "Lesen Sie auch: Putin droht dem Westen", "Zum Kommentarbereich",
    "Teilen", "Facebook Twitter WhatsApp E-Mail", "Abonnieren Sie unseren Newsletter!",
    "dpa/AFP", "Jetzt kommentieren", "---",
])
def test_page_furniture_is_boilerplate(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Der Kreml wollte den Bericht nicht kommentieren.",
    "Von Berlin aus reiste der Minister weiter nach Moskau.",
    "Anzeige gegen Unbekannt wurde am Montag erstattet.",
    "Quellen zufolge plant Russland eine neue Offensive.",
    "Die Welt berichtete am Montag über die Lieferungen.",
    "Foto-Ausstellung über den Krieg in Berlin eröffnet",
    "Die Kommentare des Sprechers sorgten für Empörung.",
    "Seit 2022 hat Nordkorea mehr als eine Million Granaten geliefert.",
    "Stand der Verhandlungen bleibt unklar",
])
def test_real_sentences_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def run(*args: str, stdin: bytes | None = None):
    result = CliRunner().invoke(main, ["segment", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_cli_prints_one_segment_per_line(seed_files):
    text = seed_files[0].read_text(encoding="utf-8")
    code, out, err = run(str(seed_files[0]))
    assert code == 0, err
    assert out.splitlines() == [s.text for s in segment_text(text)]


def test_cli_reads_stdin_with_a_bom_and_prints_json():
    data = "\ufeffTitel\nAm 2. Januar kam Dr. Meier. Er blieb.".encode()
    code, out, _ = run("-", "--json", stdin=data)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["text"], r["kind"], r["paragraph"]) for r in rows] == [
        ("Titel", "heading", 0), ("Am 2. Januar kam Dr. Meier.", "text", 1),
        ("Er blieb.", "text", 1)]
    code, out, _ = run(stdin="Er kam. Sie ging.".encode())  # no argument reads stdin too
    assert (code, out) == (0, "Er kam.\nSie ging.\n")


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"), (b"\x00\x01binary", "binary"), ("Stra\xdfe".encode("latin-1"),
                                                          "not UTF-8"), (b" \n\t\n", "empty")])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "artikel.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and str(path) in err
    assert message in err


def test_cli_help_has_an_example():
    result = CliRunner().invoke(segment_command, ["--help"])
    assert result.exit_code == 0 and "Example:" in result.output
