"""Approved summaries and whole articles exported as a finished English product: English
title, source and date, who approved it; only approved English (drafts marked when asked);
readable html and docx that carry no markup from the text and no folder of the server."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from review import decisions
from review.article import MachineOutput, Summary
from review.cli import main
from review.errors import BadInputError, NothingToDoError
from review.export import FORMATS, export
from review.ingest import article_from_text, load_bytes_lines
from review.store import ArticleStore
from review.summary import RANKER
from test_app import offline_env  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parent.parent
SERVER_FOLDER = "/srv/newsroom-secret/inbox"
GERMAN = ("Neue Brücke in Berlin eröffnet\n\n"
          "Die neue Brücke verbindet zwei Bezirke. Sie kostete 20 Millionen Euro.\n\n"
          "Verkehr am ersten Tag\n\n"
          "Am ersten Tag fuhren tausend Autos darüber. Anwohner sind zufrieden.")
ENGLISH = ["New bridge opens in Berlin", "The new bridge links two districts.",
           "It cost 20 million euros.", "Traffic on the first day",
           "On the first day a thousand cars drove over it.", "Residents are happy."]
T = ["2024-05-01T10:00:00+00:00", "2024-05-01T11:00:00+00:00", "2024-05-01T12:00:00+00:00",
     "2024-05-01T13:00:00+00:00"]
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> "q" \'a\' & b'


@pytest.fixture
def clock(monkeypatch):
    """Decisions get the time set with ``clock.now = ...``."""
    class Clock:
        now = T[0]

    monkeypatch.setattr(decisions, "now", lambda: Clock.now)
    return Clock


def add(store: ArticleStore, text: str = GERMAN, name: str = "berlin", title=None,
        date="2024-05-01", url=None) -> str:
    """A stored article added from an absolute path on the server, with machine English."""
    article = article_from_text(text, title=title, source_path=f"{SERVER_FOLDER}/{name}.txt")
    article.date, article.url = date, url
    for seg in article.segments:
        seg.machine = MachineOutput(ENGLISH[seg.index % len(ENGLISH)], "opus-mt-de-en")
    return store.add(article).id


def decide_all(store: ArticleStore, article_id: str, skip=(), action="accept") -> None:
    for seg in store.get(article_id).segments:
        if seg.index not in skip:
            store.decide(article_id, seg.index, action, "anna")


def set_summary(store: ArticleStore, article_id: str, summary: Summary) -> None:
    store.update(article_id, lambda a: setattr(a, "summary", summary))


def extractive(segments=(1, 2)) -> Summary:
    return Summary("extractive", " ".join(ENGLISH[i] for i in segments), RANKER, list(segments))


def records(store: ArticleStore, fmt: str = "json") -> list[dict]:
    return json.loads(export(store.scan()[0], "summaries", fmt))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---- 1. summaries as a finished product -----------------------------------------------------

def test_summary_records_carry_english_title_source_date_and_who_approved(clock):
    store = ArticleStore()
    article_id = add(store)
    decide_all(store, article_id)
    set_summary(store, article_id, extractive())
    clock.now = T[1]
    store.decide(article_id, "summary", "accept", "carl")
    record = records(store)[0]
    assert record["english_title"] == "New bridge opens in Berlin"
    assert record["title"] == "Neue Brücke in Berlin eröffnet"
    assert (record["source"], record["date"]) == ("berlin.txt", "2024-05-01")
    assert (record["reviewer"], record["time"], record["stamp"]) == ("carl", T[1], None)
    assert (record["method"], record["model"]) == ("extractive", RANKER)
    assert record["source_segments"] == [1, 2]
    line = json.loads(export(store.scan()[0], "summaries", "jsonl").splitlines()[0])
    assert line["english_title"] == record["english_title"] and line["source"] == "berlin.txt"
    rows = list(csv.DictReader(io.StringIO(export(store.scan()[0], "summaries", "csv",
                                                  bom=False), newline="")))
    assert rows[0]["english_title"] == "New bridge opens in Berlin"
    assert "New bridge opens in Berlin" in export(store.scan()[0], "summaries", "md")


def test_a_corrected_extractive_summary_names_no_embedding_model(clock):
    store = ArticleStore()
    article_id = add(store)
    decide_all(store, article_id)
    set_summary(store, article_id, extractive())
    written = f"A bridge opened. {ENGLISH[2]}"
    store.decide(article_id, "summary", "correct", "carl", text=written)
    record = records(store)[0]
    assert (record["method"], record["model"]) == ("human", None)
    assert record["source_segments"] == [2]  # only the sentence still in the text
    for fmt in ("md", "html"):
        assert RANKER not in export(store.scan()[0], "summaries", fmt)


def test_an_extractive_summary_corrected_to_its_own_sentences_stays_extractive(clock):
    store = ArticleStore()
    article_id = add(store)
    decide_all(store, article_id)
    set_summary(store, article_id, extractive((1, 2, 4)))
    store.decide(article_id, "summary", "correct", "carl", text=f"{ENGLISH[1]} {ENGLISH[4]}")
    record = records(store)[0]
    assert (record["method"], record["model"], record["source_segments"]) == (
        "extractive", RANKER, [1, 4])


def test_source_segments_hold_only_approved_english(clock):
    store = ArticleStore()
    article_id = add(store)
    decide_all(store, article_id, skip=(2, 4))
    store.decide(article_id, 2, "reject", "anna")
    set_summary(store, article_id, Summary("abstractive", "Bridge opened.", "distilbart",
                                           [1, 2, 4, 5]))
    clock.now = T[1]
    store.decide(article_id, "summary", "accept", "carl")
    record = records(store)[0]
    assert record["source_segments"] == [1, 5]
    assert (record["method"], record["model"]) == ("abstractive", "distilbart")
    assert record["stamp"] == "approved with 1 segment unreviewed and 1 rejected"


# ---- 2. a summary approved before segments were rejected or reopened ----------------------

@pytest.mark.parametrize("later", ["reject", "undo"])
def test_a_summary_approved_before_a_later_decision_is_left_out_with_a_warning(clock, later):
    store = ArticleStore()
    good, stale = add(store), add(store, GERMAN + " Ende.", "hamburg")
    for article_id in (good, stale):
        decide_all(store, article_id)
        set_summary(store, article_id, extractive())
        clock.now = T[1]
        store.decide(article_id, "summary", "accept", "carl")
    clock.now = T[2]
    if later == "reject":
        store.decide(stale, 5, "reject", "anna")
    else:
        store.undo(stale, 5, "anna")
    result = run("export", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["article_id"] for r in json.loads(result.stdout)] == [good]
    warning, = result.stderr.splitlines()
    assert stale in warning and "review the summary again" in warning
    assert "Traceback" not in result.output


def test_a_summary_approved_after_the_open_segments_is_stamped(clock):
    store = ArticleStore()
    article_id = add(store)
    decide_all(store, article_id, skip=(3, 4, 5))
    store.decide(article_id, 3, "reject", "anna")
    set_summary(store, article_id, extractive())
    clock.now = T[1]
    store.decide(article_id, "summary", "accept", "carl")
    for fmt in FORMATS_FOR_SUMMARIES:
        shown = rendered(store, "summaries", fmt)
        assert "approved with 2 segments unreviewed and 1 rejected" in shown, fmt


def test_only_stale_summaries_is_nothing_to_export(clock):
    store = ArticleStore()
    article_id = add(store)
    set_summary(store, article_id, extractive())
    store.decide(article_id, "summary", "accept", "carl")
    clock.now = T[1]
    store.decide(article_id, 1, "reject", "anna")
    result = run("export", "--format", "md")
    assert result.exit_code == 2
    warning, error = result.stderr.splitlines()
    assert article_id in warning and error.startswith("error: nothing approved to export")


# ---- html and docx digests --------------------------------------------------------------

FORMATS_FOR_SUMMARIES = ("json", "jsonl", "csv", "md", "html", "docx")


def rendered(store: ArticleStore, what: str, fmt: str, drafts: bool = False) -> str:
    """The export's visible text (docx: paragraphs and table cells, one a line)."""
    made = export(store.scan()[0], what, fmt, drafts=drafts)
    if fmt.endswith("docx"):
        return "\n".join(docx_lines(made))
    return visible_html(made) if fmt.endswith("html") else made


def docx_lines(data: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return lines


class Page(HTMLParser):
    """Tags, attributes and visible text of an html page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self._hidden = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self._hidden += tag in ("style", "title", "script")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "title", "script")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def parsed(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def visible_html(page: str) -> str:
    return " ".join("".join(parsed(page).text).split())


def hostile_store(clock) -> ArticleStore:
    store = ArticleStore()
    article_id = add(store, title=HOSTILE)
    decide_all(store, article_id)
    store.decide(article_id, 1, "correct", "anna", text=f"Linked {HOSTILE}")
    set_summary(store, article_id, Summary("human", None))
    clock.now = T[1]
    store.decide(article_id, "summary", "correct", "carl", text=f"Sum {HOSTILE}")
    # A hand-edited store: no reviewer name with markup gets past the app or the CLI.
    store.update(article_id, lambda a: setattr(a.summary.decision, "reviewer", HOSTILE))
    return store


@pytest.mark.parametrize("what, fmt", [("summaries", "html"), ("articles", "html"),
                                       ("articles", "bilingual-html")])
def test_html_is_self_contained_and_shows_markup_as_text(clock, what, fmt):
    page = export(hostile_store(clock).scan()[0], what, fmt)
    found = parsed(page)
    assert "script" not in found.tags and "img" not in found.tags and "link" not in found.tags
    assert not [a for a in found.attrs if a[0] in ("src", "href") or a[0].startswith("on")]
    assert HOSTILE in " ".join("".join(found.text).split())
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page


def test_summaries_html_and_docx_show_title_metadata_and_summary(clock):
    store = ArticleStore()
    article_id = add(store, url="https://example.org/bruecke")
    decide_all(store, article_id)
    set_summary(store, article_id, extractive())
    clock.now = T[1]
    store.decide(article_id, "summary", "accept", "carl")
    summary = f"{ENGLISH[1]} {ENGLISH[2]}"
    for fmt in ("html", "docx"):
        shown = rendered(store, "summaries", fmt)
        for part in ("New bridge opens in Berlin", "https://example.org/bruecke", "2024-05-01",
                     "carl", summary, "extractive", RANKER):
            assert part in shown, (fmt, part)
    lines = docx_lines(export(store.scan()[0], "summaries", "docx"))
    title = lines.index("New bridge opens in Berlin")
    assert "https://example.org/bruecke" in lines[title + 1] and lines[title + 2] == summary


def approved_store() -> tuple[ArticleStore, str]:
    """A store with one article, every segment approved and its extractive summary too."""
    store = ArticleStore()
    article_id = add(store)
    decide_all(store, article_id)
    set_summary(store, article_id, extractive())
    store.decide(article_id, "summary", "accept", "carl")
    return store, article_id


def test_docx_is_the_same_bytes_every_time(clock):
    store, article_id = approved_store()
    first = export(store.scan()[0], "summaries", "docx")
    assert isinstance(first, bytes) and first.startswith(b"PK")
    assert export(list(reversed(store.scan()[0])), "summaries", "docx") == first


# ---- 3. whole articles ------------------------------------------------------------------

def article_store(clock) -> tuple[ArticleStore, str]:
    """Title and first paragraph approved, segment 2 rejected, the rest pending."""
    store = ArticleStore()
    article_id = add(store)
    store.decide(article_id, 0, "accept", "anna")
    store.decide(article_id, 1, "correct", "anna", text="The new bridge joins two districts.")
    store.decide(article_id, 2, "reject", "anna")
    store.decide(article_id, 3, "accept", "anna")
    return store, article_id


def test_article_md_and_txt_have_title_headings_paragraphs_and_no_unreviewed_text(clock):
    store, _ = article_store(clock)
    md = export(store.scan()[0], "articles", "md")
    assert md.startswith("# New bridge opens in Berlin\n")
    assert "## Traffic on the first day" in md and "berlin.txt" in md and "2024-05-01" in md
    assert md.count("New bridge opens in Berlin") == 1  # the title is not repeated below
    txt = export(store.scan()[0], "articles", "txt")
    assert txt.splitlines()[0] == "New bridge opens in Berlin"
    assert "\n\nThe new bridge joins two districts.\n\nTraffic on the first day\n" in txt
    for text in (md, txt):
        assert ENGLISH[2] not in text and ENGLISH[4] not in text and "[draft]" not in text


def test_with_drafts_unreviewed_english_is_marked(clock):
    store, _ = article_store(clock)
    for fmt in ("md", "txt", "html", "docx"):
        shown = rendered(store, "articles", fmt, drafts=True)
        assert f"[draft] {ENGLISH[4]}" in shown.replace("\\[draft\\]", "[draft]"), fmt
        assert ENGLISH[2] not in shown, fmt  # rejected English never shows


def test_article_docx_has_headings_and_paragraphs(clock):
    import docx

    store, _ = article_store(clock)
    document = docx.Document(io.BytesIO(export(store.scan()[0], "articles", "docx")))
    shown = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert shown[0] == ("Title", "New bridge opens in Berlin")
    assert ("Normal", "The new bridge joins two districts.") in shown
    assert ("Heading 1", "Traffic on the first day") in shown
    assert not any(ENGLISH[4] in text for _, text in shown)


@pytest.mark.parametrize("fmt", ["bilingual-html", "bilingual-docx"])
def test_bilingual_table_shows_german_english_and_status(clock, fmt):
    store, _ = article_store(clock)
    if fmt == "bilingual-docx":
        import docx

        table = docx.Document(io.BytesIO(export(store.scan()[0], "articles", fmt))).tables[0]
        rows = [[cell.text for cell in row.cells] for row in table.rows]
    else:
        page = export(store.scan()[0], "articles", fmt)
        rows = [[visible_html(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                            re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]
    assert rows[0] == ["German", "English"]
    assert len(rows) == 1 + 6 and all(len(row) == 2 for row in rows)
    assert rows[2][0] == "Die neue Brücke verbindet zwei Bezirke."
    assert "The new bridge joins two districts." in rows[2][1] and "corrected" in rows[2][1]
    assert "rejected" in rows[3][1] and ENGLISH[2] not in rows[3][1]
    assert "unreviewed" in rows[5][1] and ENGLISH[4] not in rows[5][1]


def test_articles_without_approved_segments_are_skipped(clock):
    store, article_id = article_store(clock)
    other = add(store, GERMAN + " Ende.", "hamburg")
    assert other not in export(store.scan()[0], "articles", "md")
    assert "[draft]" in export([store.get(other)], "articles", "txt", drafts=True)
    with pytest.raises(NothingToDoError, match="nothing approved to export in STORE"):
        export([store.get(other)], "articles", "txt", where="STORE")


# ---- 4. binary output through the CLI ---------------------------------------------------

def test_cli_writes_docx_with_o_atomically(clock, store_dir, tmp_path):
    store, _ = article_store(clock)
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    done = subprocess.run([sys.executable, "-m", "review", "export", "--what", "articles",
                           "--format", "docx", "-o", str(target), "--store", str(store_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "New bridge opens in Berlin" in docx_lines(target.read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx", "store"]


@pytest.mark.parametrize("args", [["--format", "docx"], ["--format", "docx", "-o", "-"],
                                  ["--what", "articles", "--format", "bilingual-docx"]])
def test_cli_refuses_docx_on_stdout_in_one_line(clock, args):
    article_store(clock)
    result = run("export", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "-o FILE.docx" in result.stderr


@pytest.mark.parametrize("what", ["summaries", "translations"])
def test_cli_with_drafts_needs_articles(clock, what):
    article_store(clock)
    result = run("export", "--what", what, "--format", "json", "--with-drafts")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--with-drafts" in result.stderr


def test_cli_refuses_a_format_the_chosen_what_has_not(clock):
    article_store(clock)
    result = run("export", "--what", "articles", "--format", "tmx")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "articles cannot be exported as tmx" in result.stderr


# ---- 5. no folder of the server in any export --------------------------------------------

def every_export(store: ArticleStore):
    from review.export import FORMAT_TABLE

    for fmt, spec in FORMAT_TABLE.items():
        for what in spec.whats:
            made = export(store.scan()[0], what, fmt)
            yield what, fmt, made if isinstance(made, str) else "\n".join(docx_lines(made))


def test_no_export_names_a_folder_of_the_server(clock):
    store, article_id = approved_store()
    made = list(every_export(store))
    assert {what for what, _, _ in made} == {"summaries", "translations", "articles", "lqa"}
    for what, fmt, text in made:
        assert "newsroom-secret" not in text and "/srv" not in text, (what, fmt)
    xliff = next(text for _, fmt, text in made if fmt == "xliff")
    assert 'original="berlin.txt"' in xliff


# ---- ingest: date and url -------------------------------------------------------------

def test_json_input_gives_the_article_its_date_and_url(tmp_path):
    record = {"title": "Brücke", "text": GERMAN, "date": "2024-05-01",
              "url": "https://example.org/bruecke"}
    (tmp_path / "a.json").write_text(json.dumps(record), encoding="utf-8")
    result = run("add", str(tmp_path / "a.json"))
    assert result.exit_code == 0, result.output
    article = ArticleStore().scan()[0][0]
    assert (article.date, article.url) == ("2024-05-01", "https://example.org/bruecke")
    assert article.source_name() == "https://example.org/bruecke"


@pytest.mark.parametrize("field, value", [("url", "javascript:alert(1)"), ("url", 5),
                                          ("url", "https://ex\x07ample.org"),
                                          ("date", "2024\n-05-01"), ("date", ["2024"])])
def test_bad_date_or_url_is_one_line_naming_the_record_and_field(field, value):
    line = json.dumps({"text": GERMAN, field: value})
    articles, errors = load_bytes_lines("in.jsonl", (line + "\n").encode())
    assert articles == [] and len(errors) == 1
    assert errors[0].startswith("in.jsonl line 1: ") and f'"{field}"' in errors[0]
    assert "\n" not in errors[0]
    with pytest.raises(BadInputError, match=f'in.json: "{field}"'):
        from review.ingest import load_bytes

        load_bytes("in.json", line.encode())


# ---- 6. the app offers each what its formats --------------------------------------------

def test_app_formats_come_from_the_one_table():
    from review.export import FORMAT_TABLE
    from review.ui import actions

    for what in ("summaries", "translations", "articles"):
        assert actions.export_formats(what) == tuple(
            fmt for fmt, spec in FORMAT_TABLE.items() if what in spec.whats)
    assert actions.export_formats("translations")[-2:] == ("tmx", "xliff")
    assert {"html", "docx"} <= set(actions.export_formats("summaries"))
    assert set(FORMATS) >= {"txt", "bilingual-html", "bilingual-docx"}


def test_app_download_of_docx_is_bytes_and_drafts_reach_the_file(clock):
    from review.listing import summaries
    from review.ui import actions

    store, _ = article_store(clock)
    name, make, mime = actions.export_file(store, summaries(store)[0], "articles", "docx",
                                           drafts=True)
    assert name == "approved-articles.docx" and mime.endswith("wordprocessingml.document")
    assert f"[draft] {ENGLISH[4]}" in "\n".join(docx_lines(make()))


def test_app_export_offers_articles_with_drafts_and_a_docx_download(offline_env, clock):
    from review.export import formats_for
    from test_app import open_app

    article_store(clock)
    at = open_app()
    what = at.sidebar.selectbox(key="export_what")
    assert what.options == ["summaries", "translations", "articles", "lqa"]
    assert "export_drafts" not in [box.key for box in at.sidebar.checkbox]
    at = what.set_value("articles").run()
    assert at.sidebar.selectbox(key="export_format").options == list(formats_for("articles"))
    at = at.sidebar.selectbox(key="export_format").set_value("docx").run()
    at = at.sidebar.checkbox(key="export_drafts").check().run()
    assert not at.exception
    assert at.download_button[0].label == "Download approved-articles.docx"
