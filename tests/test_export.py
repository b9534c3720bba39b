"""Exports of approved work: every format parses back to the reviewed text, and the CLI fails
cleanly (one line, exit 2, no file left behind) on bad input."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from review.article import (Article, Decision, HistoryEntry, MachineOutput, Segment, Summary)
from review.cli import main
from review.errors import BadInputError, NothingToDoError
from review.export import FORMATS, default_what, export, formats_for
from review.store import ArticleStore

# Everything that breaks naive writers: German quotes, markup, CSV and Markdown syntax, a line
# break, emoji, control characters (invalid in XML) and a Unicode line separator.
TRICKY = ('Sie sagte: „Müller & Söhne“ <b>fett</b>, "zitiert"; 5 < 6 & *nicht* fett\n'
          '# keine Überschrift\n- keine Liste 😀\x07\x00 Ende\u2028weiter &amp;')
XML_TRICKY = TRICKY.replace("\x07", "").replace("\x00", "")
TITLE = 'Köln: „Brücke“ & <Mehr>, "Teil" #1'
XLF = "{urn:oasis:names:tc:xliff:document:2.0}"
T1 = "2024-05-01T10:00:00+00:00"
T2 = "2024-05-02T08:30:15+02:00"


def seg(index, source, status="pending", final=None, kind="text", machine="MT output"):
    reviewer, time = (None, None) if status == "pending" else ("bob", T2)
    return Segment(index, 0, len(source), source, kind=kind,
                   machine=MachineOutput(machine, "opus-mt-de-en") if machine else None,
                   decision=Decision(status, final, reviewer, time, 1))


def tricky_article(article_id="b-koeln") -> Article:
    """Segments listed out of order; one of each status, plus approved boilerplate."""
    segments = [seg(3, "Abgelehnt.", "rejected"),
                seg(2, "Ein Satz, mit Komma.", "corrected", TRICKY),
                seg(4, "Noch offen.", "pending"),
                seg(0, "Die Brücke", "accepted", "The bridge", kind="heading"),
                seg(1, "Alle Rechte vorbehalten.", "accepted", "All rights", kind="boilerplate")]
    history = [HistoryEntry("segment:2", "accept", "anna", T1, {}, {}),
               HistoryEntry("segment:0", "accept", "bob", T2, {}, {}),
               HistoryEntry("segment:2", "correct", "bob", T2, {}, {})]
    summary = Summary("extractive", "The bridge.", "opus-mt-de-en", [0, 2],
                      decision=Decision("corrected", TRICKY, "carl", T2, 1))
    return Article(article_id, TITLE, "text", f"hash-{article_id}", segments=segments,
                   summary=summary, history=history)


def plain_article(article_id="a-berlin") -> Article:
    segments = [seg(0, "Berlin wächst.", "accepted", "Berlin grows.")]
    summary = Summary("abstractive", "Berlin grows.", "distilbart",
                      decision=Decision("accepted", "Berlin grows.", "anna", T1, 1))
    return Article(article_id, "Berlin", "Berlin wächst.", f"hash-{article_id}",
                   segments=segments, summary=summary)


def unapproved_article(article_id="c-hamburg") -> Article:
    return Article(article_id, "Hamburg", "Hamburg.", f"hash-{article_id}",
                   segments=[seg(0, "Hamburg.", "rejected"), seg(1, "Hafen.")],
                   summary=Summary("extractive", "Hamburg.", None))


ARTICLES = [tricky_article(), unapproved_article(), plain_article()]


# ---- library: every format parses back ----------------------------------------------------

def test_json_translations_hold_only_approved_segments_in_order():
    records = json.loads(export(ARTICLES, "translations", "json"))
    assert [(r["article_id"], r["segment"]) for r in records] == [
        ("a-berlin", 0), ("b-koeln", 0), ("b-koeln", 2)]
    corrected = records[2]
    assert corrected["target"] == TRICKY and corrected["source"] == "Ein Satz, mit Komma."
    assert corrected["status"] == "corrected" and corrected["reviewer"] == "bob"
    assert corrected["machine"] == "MT output" and corrected["model"] == "opus-mt-de-en"
    assert corrected["title"] == TITLE and corrected["time"] == T2


def test_json_summaries_hold_approved_summaries_with_provenance():
    records = json.loads(export(ARTICLES, "summaries", "json"))
    assert [r["article_id"] for r in records] == ["a-berlin", "b-koeln"]
    koeln = records[1]
    assert koeln["summary"] == TRICKY and koeln["reviewer"] == "carl"
    assert koeln["method"] == "extractive" and koeln["source_segments"] == [2]  # 0's English is not in it
    assert koeln["title"] == TITLE and koeln["model"] == "opus-mt-de-en"


def test_jsonl_is_one_object_per_line_even_with_unicode_line_separators():
    text = export(ARTICLES, "translations", "jsonl")
    lines = text.splitlines()
    assert len(lines) == 3
    assert json.loads(lines[2])["target"] == TRICKY


def test_csv_round_trips_commas_quotes_newlines_and_emoji():
    text = export(ARTICLES, "translations", "csv")
    assert text.startswith("\ufeff")  # the UTF-8 BOM Excel needs to show umlauts
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    corrected = dict(zip(header, body[2]))
    assert corrected["target"] == TRICKY and corrected["title"] == TITLE
    assert corrected["source"] == "Ein Satz, mit Komma." and corrected["segment"] == "2"


def test_csv_summaries_list_source_segments():
    rows = list(csv.DictReader(io.StringIO(export(ARTICLES, "summaries", "csv", bom=False),
                                           newline="")))
    assert [r["article_id"] for r in rows] == ["a-berlin", "b-koeln"]
    assert rows[1]["source_segments"].split() == ["2"] and rows[1]["summary"] == TRICKY
    assert rows[0]["source_segments"] == ""


def _rendered(markdown_text: str) -> tuple[str, str]:
    """(HTML, its visible text) as a CommonMark renderer shows the export."""
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown_text)
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("what", ["summaries", "translations"])
def test_markdown_shows_article_text_literally(what):
    page, visible = _rendered(export(ARTICLES, what, "md"))
    assert page.count("<h2>") == 2  # the two articles with approved work; no stray headings
    assert "<h1>" in page and page.count("<h1>") == 1
    assert TITLE in visible and "Berlin" in visible
    # Markup in the text is shown, not applied; line breaks stay line breaks.
    assert "<b>" not in page and "<em>nicht</em>" not in page and "<li>keine" not in page
    for line in re.split("[\n\u2028]", XML_TRICKY):
        assert line in visible
    assert "&amp;amp;" in page  # a literal "&amp;" in the text stays literal


def test_markdown_translations_list_each_approved_segment():
    _, visible = _rendered(export(ARTICLES, "translations", "md"))
    assert "The bridge" in visible and "Die Brücke" in visible
    assert "All rights" not in visible and "Abgelehnt" not in visible
    assert "Noch offen" not in visible


def test_tmx_has_one_unit_per_approved_segment_with_history_dates():
    root = ET.fromstring(export(ARTICLES, "translations", "tmx"))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for name in ("creationtool", "creationtoolversion", "o-tmf"):
        assert header.get(name)
    assert (header.get("srclang"), header.get("adminlang")) == ("de-DE", "en-US")
    assert (header.get("datatype"), header.get("segtype")) == ("plaintext", "sentence")
    units = root.findall("body/tu")
    assert len(units) == 3
    corrected = units[2]
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    tuvs = {tuv.get(lang): tuv.findtext("seg") for tuv in corrected.findall("tuv")}
    assert tuvs == {"de-DE": "Ein Satz, mit Komma.", "en-US": XML_TRICKY}
    # Created by the first decision on the segment, changed by the last.
    assert (corrected.get("creationid"), corrected.get("creationdate")) == ("anna",
                                                                           "20240501T100000Z")
    assert (corrected.get("changeid"), corrected.get("changedate")) == ("bob", "20240502T063015Z")
    props = {p.get("type"): p.text for p in corrected.findall("prop")}
    assert props["x-title"] == TITLE and props["x-article-id"] == "b-koeln"


def test_tmx_without_history_uses_the_current_decision():
    root = ET.fromstring(export([plain_article()], "translations", "tmx"))
    unit = root.find("body/tu")
    assert unit.get("creationid") == unit.get("changeid") == "bob"
    assert unit.get("creationdate") == unit.get("changedate") == "20240502T063015Z"


def test_xliff_has_one_file_per_article_and_final_segments():
    root = ET.fromstring(export(ARTICLES, "translations", "xliff"))
    assert root.tag == f"{XLF}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "de", "en")
    files = root.findall(f"{XLF}file")
    assert [f.get("id") for f in files] == ["a-berlin", "b-koeln"]
    segments = files[1].findall(f"{XLF}unit/{XLF}segment")
    assert [(s.get("state"), s.get("subState")) for s in segments] == [
        ("final", "review:accepted"), ("final", "review:corrected")]
    assert segments[1].findtext(f"{XLF}source") == "Ein Satz, mit Komma."
    assert segments[1].findtext(f"{XLF}target") == XML_TRICKY
    metas = files[1].iter("{urn:oasis:names:tc:xliff:metadata:2.0}meta")
    assert TITLE in [meta.text for meta in metas]


def test_xliff_keeps_the_machine_output_as_an_mt_candidate():
    root = ET.fromstring(export([tricky_article()], "translations", "xliff"))
    match = root.find(f".//{XLF}unit[@id='b-koeln-2']/{{urn:oasis:names:tc:xliff:matches:2.0}}"
                      "matches/{urn:oasis:names:tc:xliff:matches:2.0}match")
    assert match.get("type") == "mt" and match.get("origin") == "opus-mt-de-en"
    assert match.findtext(f"{XLF}target") == "MT output"


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_does_not_depend_on_input_order(fmt):
    what = default_what(fmt)
    assert export(ARTICLES, what, fmt) == export(list(reversed(ARTICLES)), what, fmt)


@pytest.mark.parametrize("fmt", ["tmx", "xliff"])
def test_summaries_as_translation_formats_are_refused_with_the_fix(fmt):
    with pytest.raises(BadInputError, match="--format json, jsonl, csv or md"):
        export(ARTICLES, "summaries", fmt)


@pytest.mark.parametrize("what", ["summaries", "translations"])
def test_nothing_approved_says_where_and_how_to_fix(what):
    with pytest.raises(NothingToDoError, match=r"nothing approved to export in STORE: accept "
                                               r"or correct \w+ first"):
        export([unapproved_article()], what, "json", where="STORE")


# ---- CLI --------------------------------------------------------------------------------

def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _stored(store_dir) -> ArticleStore:
    """A store where a reviewer accepted one segment and corrected another and the summary."""
    store = ArticleStore(store_dir)
    text = "Die Brücke. Ein Satz, mit Komma. Noch offen."  # holds every segment's offsets
    article = Article("koeln", TITLE, text, "hash-koeln",
                      segments=[seg(0, "Die Brücke"), seg(1, "Ein Satz, mit Komma."),
                                seg(2, "Noch offen.")],
                      summary=Summary("extractive", "The bridge.", None, [0]))
    store.add(article)
    store.decide("koeln", 0, "accept", "anna")
    store.decide("koeln", 1, "correct", "bob", text="She said: „Yes“ & <no>,\nthen left.")
    store.decide("koeln", "summary", "correct", "carl", text="A bridge, „new“.")
    return store


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_cli_exports_translations_from_the_store_to_stdout(store_dir):
    _stored(store_dir)
    result = _run("export", "--what", "translations", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["segment"], r["reviewer"]) for r in records] == [(0, "anna"), (1, "bob")]
    assert records[0]["target"] == "MT output"
    assert records[1]["target"] == "She said: „Yes“ & <no>,\nthen left."


def test_cli_tmx_by_default_exports_translations_with_history(store_dir):
    _stored(store_dir)
    result = _run("export", "--format", "tmx")
    assert result.exit_code == 0, result.output
    units = ET.fromstring(result.stdout).findall("body/tu")
    assert [u.get("changeid") for u in units] == ["anna", "bob"]
    assert all(re.fullmatch(r"\d{8}T\d{6}Z", u.get("changedate")) for u in units)


def test_cli_writes_the_file_atomically(store_dir, tmp_path):
    _stored(store_dir)
    target = tmp_path / "out" / "summaries.csv"
    target.parent.mkdir()
    target.write_text("old content")
    result = _run("export", "--format", "csv", "-o", str(target), "--store", str(store_dir))
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"),
                                           newline="")))
    assert [(r["article_id"], r["summary"], r["reviewer"]) for r in rows] == [
        ("koeln", "A bridge, „new“.", "carl")]
    assert _leftovers(target.parent) == ["summaries.csv"]


def test_cli_empty_store_is_one_line_and_exit_2(store_dir, tmp_path):
    target = tmp_path / "out.json"
    result = _run("export", "--format", "json", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (f"error: store {store_dir} has no articles: add some with "
                             "`python -m review add PATH`\n")
    assert not target.exists() and [n for n in _leftovers(tmp_path) if n != "store"] == []


def test_cli_nothing_approved_leaves_no_file(store_dir, tmp_path):
    ArticleStore(store_dir).add(unapproved_article())
    target = tmp_path / "out.md"
    result = _run("export", "--format", "md", "--what", "translations", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: nothing approved to export in {store_dir}: ")
    assert result.stderr.count("\n") == 1
    assert not target.exists() and "out.md" not in " ".join(_leftovers(tmp_path))


@pytest.mark.parametrize("where", ["missing/out.json", "a-folder"])
def test_cli_unwritable_output_is_one_line_naming_the_path(store_dir, tmp_path, where):
    _stored(store_dir)
    (tmp_path / "a-folder").mkdir()
    before = _leftovers(tmp_path)
    path = tmp_path / where
    result = _run("export", "--format", "json", "-o", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {path}: ")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert _leftovers(tmp_path) == before


def test_cli_summaries_as_tmx_is_refused_in_one_line(store_dir):
    _stored(store_dir)
    result = _run("export", "--format", "tmx", "--what", "summaries")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "summaries cannot be exported as tmx" in result.stderr


def test_cli_unknown_format_is_a_usage_error(store_dir):
    result = _run("export", "--format", "docx")
    assert result.exit_code == 2 and "docx" in result.stderr


def test_cli_corrupt_file_is_reported_and_the_rest_exported(store_dir):
    _stored(store_dir)
    (store_dir / "broken.json").write_text("{not json", encoding="utf-8")
    result = _run("export", "--format", "json")
    assert result.exit_code == 1
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "broken.json" in warnings[0]
    assert [r["article_id"] for r in json.loads(result.stdout)] == ["koeln"]


def test_formats_are_one_table_and_an_unknown_one_never_falls_through():
    from review.export import BILINGUAL_FORMATS, FORMAT_TABLE

    assert FORMATS == tuple(FORMAT_TABLE) and BILINGUAL_FORMATS == ("tmx", "xliff")
    heads = {fmt: export(ARTICLES, "translations", fmt)[:200]
             for fmt in formats_for("translations")}
    assert heads["xliff"].startswith("<?xml") and "<tmx" in export(ARTICLES, "translations",
                                                                    "tmx")
    assert heads["csv"].startswith("\ufeff") and heads["md"].startswith("#")
    assert len(set(heads.values())) == len(heads)  # each format renders its own way
    assert {FORMAT_TABLE[f].mime for f in FORMATS} >= {"text/csv", "application/xliff+xml"}
    with pytest.raises(BadInputError, match="unknown export format 'pdf'"):
        export(ARTICLES, "translations", "pdf")
