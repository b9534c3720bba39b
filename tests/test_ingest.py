"""Ingestion: file formats, ids, titles, hashes, and one clear error per bad file."""
from __future__ import annotations

import json

import pytest

from review.errors import BadInputError
from review.ingest import article_from_text, collect, load_path, safe_id

GERMAN = ("Bahnstreik legt Verkehr lahm\n"
          "Die Gewerkschaft der Lokführer hat am Montag zu einem neuen Streik aufgerufen. "
          "Millionen Pendler müssen sich auf Ausfälle einstellen, sagte ein Sprecher der "
          "Deutschen Bahn in Berlin.\n"
          "Der Streik soll bis Mittwochabend dauern und auch den Güterverkehr betreffen.")
ENGLISH = ("Rail strike paralyses traffic\n"
           "The train drivers' union called a new strike on Monday. Millions of commuters "
           "will have to expect cancellations, a spokesman for the railway said in Berlin.")


def write(folder, name, content):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_seed_articles_become_segmented_articles_with_exact_offsets(seed_files):
    for path in seed_files:
        (article,) = load_path(path)
        assert article.id == path.stem and article.source_path == str(path)
        assert article.title and len(article.title) <= 101
        assert article.content_hash.startswith("sha256:") and len(article.content_hash) == 71
        assert len(article.segments) > 3
        assert [s.index for s in article.segments] == list(range(len(article.segments)))
        for seg in article.segments:
            assert seg.source == article.text[seg.start:seg.end] and seg.source.strip()


def test_title_is_the_first_line_and_bom_or_crlf_do_not_change_the_hash(tmp_path):
    plain = load_path(write(tmp_path, "plain.txt", GERMAN))[0]
    windows = load_path(write(tmp_path, "win.txt", b"\xef\xbb\xbf" + GERMAN.replace(
        "\n", "\r\n").encode("utf-8") + b"\r\n"))[0]
    assert plain.title == windows.title == "Bahnstreik legt Verkehr lahm"
    assert plain.content_hash == windows.content_hash
    assert not windows.text.startswith("\ufeff") and "\r" not in windows.text
    assert plain.segments[0].kind == "heading"


def test_markdown_heading_marks_are_not_part_of_the_text(tmp_path):
    (article,) = load_path(write(tmp_path, "story.md", "# " + GERMAN))
    assert article.title == "Bahnstreik legt Verkehr lahm"
    assert article.segments[0].source == "Bahnstreik legt Verkehr lahm"


def test_json_title_and_id_are_used_and_the_id_made_safe(tmp_path):
    record = {"id": "../Böse Datei!", "title": "Streik", "text": GERMAN}
    (article,) = load_path(write(tmp_path, "one.json", json.dumps(record)))
    assert article.id == "bose-datei" and article.title == "Streik"
    (untitled,) = load_path(write(tmp_path, "two.json", json.dumps({"text": GERMAN})))
    assert untitled.id == "two" and untitled.title == "Bahnstreik legt Verkehr lahm"


def test_jsonl_gives_one_article_per_line_named_after_file_and_line(tmp_path):
    lines = [json.dumps({"text": GERMAN}), "", json.dumps({"id": "x7", "text": GERMAN + " Ja."})]
    articles = load_path(write(tmp_path, "batch.jsonl", "\n".join(lines)))
    assert [a.id for a in articles] == ["batch-1", "x7"]
    assert articles[0].source_path.endswith("batch.jsonl:1")


def test_text_without_a_file_gets_a_safe_id_from_title_and_hash():
    article = article_from_text("\ufeff" + GERMAN)
    assert article.id == safe_id(article.id) and article.id.startswith("bahnstreik")
    assert article.id != article_from_text(GERMAN + " Neu.").id


BAD = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\t\n", "empty"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin1.txt": (GERMAN.encode("latin-1"), "not UTF-8"),
    "huge.txt": ((GERMAN + "\n").encode("utf-8") * 12000, "2 MB"),
    "english.txt": (ENGLISH.encode("utf-8"), "German"),
    "broken.json": (b'{"title": "Streik",\n "text": "Die Bahn" ', "line 2"),
    "notext.json": (json.dumps({"title": "Streik"}).encode(), '"text"'),
    "list.json": (json.dumps([GERMAN]).encode(), "JSON object"),
    "lines.jsonl": ((json.dumps({"text": GERMAN}) + "\n\n{oops\n").encode(), "line 3"),
    "notes.pdf": (b"%PDF-1.4", "unsupported"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_one_line_naming_file_and_reason(tmp_path, name):
    content, reason = BAD[name]
    path = write(tmp_path, name, content)
    with pytest.raises(BadInputError) as err:
        load_path(path)
    message = str(err.value)
    assert name in message and reason in message and "\n" not in message


def test_folder_mixing_good_and_bad_files_keeps_the_good_ones(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    write(folder, "good.txt", GERMAN)
    write(folder / "sub", "good2.md", GERMAN + " Mehr.")
    for name in ("empty.txt", "latin1.txt", "english.txt", "broken.json"):
        write(folder, name, BAD[name][0])
    write(folder, "glossary.csv", "de,en\n")  # other extensions in folders are ignored
    write(folder, ".hidden.txt", b"")
    articles, errors = collect([folder, tmp_path / "missing.txt"])
    assert sorted(a.id for a in articles) == ["good", "good2"]
    assert len(errors) == 5
    for name in ("empty.txt", "latin1.txt", "english.txt", "broken.json", "missing.txt"):
        assert sum(name in line for line in errors) == 1
