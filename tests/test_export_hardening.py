"""Export hardening: CSV formula injection, BOM and delimiter; -o refuses anything but a
regular file or a new name in an existing folder; XLIFF 2.0 with document-unique unit ids."""
from __future__ import annotations

import csv
import io
import os
import stat
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from review.article import Article, Decision, MachineOutput, Segment, Summary
from review.cli import main
from review.errors import BadInputError
from review.export import export
from review.store import ArticleStore

XLF = "{urn:oasis:names:tc:xliff:document:2.0}"
T = "2024-05-02T08:30:15+00:00"
FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def _seg(index, source, target, reviewer="bob"):
    return Segment(index, 0, len(source), source, machine=MachineOutput("MT", "opus-mt-de-en"),
                   decision=Decision("corrected", target, reviewer, T, 1))


def _article(article_id, sources_targets, reviewer="bob", summary="Fine summary.") -> Article:
    segments = [_seg(i, s, t, reviewer) for i, (s, t) in enumerate(sources_targets)]
    text = " ".join(s for s, _ in sources_targets) + " " * 50
    return Article(article_id, "Titel", text, f"hash-{article_id}", segments=segments,
                   summary=Summary("extractive", summary, None, [0],
                                   decision=Decision("corrected", summary, reviewer, T, 1)))


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


# ---- 1. CSV ----------------------------------------------------------------------------

@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_that_start_like_a_formula_get_a_quote(formula):
    article = _article("a", [(formula, formula)], reviewer=formula, summary=formula)
    header, row = _rows(export([article], "translations", "csv"))
    cells = dict(zip(header, row))
    for name in ("source", "target", "reviewer"):
        assert cells[name] == "'" + formula
    header, row = _rows(export([article], "summaries", "csv"))
    assert dict(zip(header, row))["summary"] == "'" + formula


def test_csv_leaves_ordinary_cells_alone():
    article = _article("a", [("Die Brücke", "The bridge - new")])
    header, row = _rows(export([article], "translations", "csv"))
    cells = dict(zip(header, row))
    assert cells["source"] == "Die Brücke" and cells["target"] == "The bridge - new"
    assert cells["segment"] == "0" and cells["article_id"] == "a"


def test_other_formats_keep_formula_text_as_it_is():
    article = _article("a", [("=1+1", "=1+1")])
    assert '"target": "=1+1"' in export([article], "translations", "json")
    assert not export([article], "translations", "json").startswith("\ufeff")


def test_csv_starts_with_a_bom_unless_told_not_to():
    article = _article("a", [("Grüße", "Greetings")])
    assert export([article], "translations", "csv").startswith("\ufeffarticle_id,")
    assert export([article], "translations", "csv", bom=False).startswith("article_id,")


@pytest.mark.parametrize("name,char", [(";", ";"), ("tab", "\t"), ("\\t", "\t"),
                                       ("\t", "\t"), ("|", "|"), (",", ",")])
def test_csv_delimiter_choices(name, char):
    article = _article("a", [("Ja; nein, | vielleicht\tdoch", "Yes")])
    text = export([article], "translations", "csv", delimiter=name)
    assert text.startswith(f"\ufeffarticle_id{char}title{char}")
    header, row = _rows(text, char)
    assert dict(zip(header, row))["source"] == "Ja; nein, | vielleicht\tdoch"


def test_unknown_delimiter_is_refused():
    with pytest.raises(BadInputError, match="unknown CSV delimiter ':'"):
        export([_article("a", [("x", "y")])], "translations", "csv", delimiter=":")


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _store(store_dir, source="=1+1", target="@SUM(A1)") -> ArticleStore:
    store = ArticleStore(store_dir)
    store.add(_article("koeln", [(source, target)]))
    return store


def test_cli_csv_is_neutralised_with_bom_and_delimiter(store_dir, tmp_path):
    _store(store_dir)
    target = tmp_path / "out.csv"
    result = _run("export", "--format", "csv", "--what", "translations", "--delimiter", ";",
                  "-o", str(target))
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfarticle_id;title;")
    header, row = _rows(raw.decode("utf-8"), ";")
    cells = dict(zip(header, row))
    assert (cells["source"], cells["target"]) == ("'=1+1", "'@SUM(A1)")


def test_cli_no_bom(store_dir):
    _store(store_dir)
    result = _run("export", "--format", "csv", "--what", "translations", "--no-bom")
    assert result.exit_code == 0 and result.stdout.startswith("article_id,")


@pytest.mark.parametrize("bad", [":", "ab", "", "\\n"])
def test_cli_bad_delimiter_is_one_line_exit_2(store_dir, tmp_path, bad):
    _store(store_dir)
    target = tmp_path / "out.csv"
    result = _run("export", "--format", "csv", "--delimiter", bad, "-o", str(target))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: unknown CSV delimiter")
    assert not target.exists()


def test_cli_delimiter_with_another_format_is_refused(store_dir):
    _store(store_dir)
    result = _run("export", "--format", "json", "--delimiter", ";")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--delimiter applies to csv only" in result.stderr


def test_app_download_is_neutralised(store_dir):
    from review.ui import actions

    store = _store(store_dir)
    _, make, mime = actions.export_file(store, [_Approved()], "translations", "csv")
    text = make()
    assert mime == "text/csv" and text.startswith("\ufeff")
    assert "'=1+1" in text and "'@SUM(A1)" in text


class _Approved:
    """A listing-index row with approved work, as export_file checks."""

    summary_state, accepted, corrected = "corrected", 0, 1


# ---- 4. -o refuses what is not a regular file -------------------------------------------

def _refused(result, path):
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: cannot write {path}: ")
    assert "with -o" in result.stderr


def test_cli_refuses_a_symlink_and_leaves_it(store_dir, tmp_path):
    _store(store_dir)
    real = tmp_path / "real.json"
    real.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = _run("export", "--format", "json", "-o", str(link))
    _refused(result, link)
    assert "symbolic link" in result.stderr
    assert link.is_symlink() and real.read_text() == "keep"


def test_cli_refuses_a_dangling_symlink(store_dir, tmp_path):
    _store(store_dir)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "nowhere.json")
    _refused(_run("export", "--format", "json", "-o", str(link)), link)
    assert link.is_symlink() and not (tmp_path / "nowhere.json").exists()


def test_cli_refuses_a_fifo(store_dir, tmp_path):
    _store(store_dir)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _run("export", "--format", "json", "-o", str(fifo))
    _refused(result, fifo)
    assert "FIFO" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "store"]


def test_cli_refuses_a_device(store_dir, tmp_path):
    # A device node of our own (never a real /dev entry: unfixed code would replace it).
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # tests and CI run as root
    _store(store_dir)
    result = _run("export", "--format", "json", "-o", str(device))
    _refused(result, device)
    assert "character device" in result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.parametrize("path", ["", "/"])
def test_cli_refuses_empty_path_and_root(store_dir, path):
    _store(store_dir)
    result = _run("export", "--format", "json", "-o", path)
    _refused(result, "''" if path == "" else path)


def test_cli_refuses_a_name_ending_in_slash(store_dir, tmp_path):
    _store(store_dir)
    path = f"{tmp_path}/new/"
    _refused(_run("export", "--format", "json", "-o", path), path)
    assert not (tmp_path / "new").exists()


def test_cli_writes_a_new_file_in_the_current_folder(store_dir, tmp_path, monkeypatch):
    _store(store_dir)
    monkeypatch.chdir(tmp_path)
    result = _run("export", "--format", "json", "-o", "out.json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.json").read_text(encoding="utf-8").startswith("[")


# ---- 13. XLIFF 2.0 with unique unit ids ----------------------------------------------------

def test_xliff_says_version_2_0():
    root = ET.fromstring(export([_article("a", [("x", "y")])], "translations", "xliff"))
    assert root.tag == f"{XLF}xliff" and root.get("version") == "2.0"


def test_xliff_unit_ids_are_unique_across_files():
    articles = [_article(name, [("Eins.", "One."), ("Zwei.", "Two.")])
                for name in ("a", "b", "a-1", "2024-bericht", "x:y", "köln")]
    root = ET.fromstring(export(articles, "translations", "xliff"))
    ids = [unit.get("id") for unit in root.iter(f"{XLF}unit")]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert "a-0" in ids and "a-1-1" in ids and "köln-0" in ids
    for unit_id in ids:  # NCName: no colon, no digit, "-" or "." first
        assert ":" not in unit_id and not unit_id[0].isdigit() and unit_id[0] not in "-."
    # The mt candidate still points at its segment within the unit.
    unit = root.find(f".//{XLF}unit[@id='b-1']")
    match = unit.find("{urn:oasis:names:tc:xliff:matches:2.0}matches/"
                      "{urn:oasis:names:tc:xliff:matches:2.0}match")
    assert match.get("ref") == "#" + unit.find(f"{XLF}segment").get("id")


def test_xliff_unit_ids_stay_unique_when_a_hex_id_meets_a_real_one():
    odd = "a b"  # not a name: spelled in hex, u612062-0
    articles = [_article(odd, [("x", "y")]), _article("u612062", [("x", "y")])]
    ids = [u.get("id") for u in ET.fromstring(export(articles, "translations", "xliff"))
           .iter(f"{XLF}unit")]
    assert len(set(ids)) == 2


def test_csv_numbers_stay_numbers_while_text_that_starts_with_a_minus_is_quoted():
    from review.exporters.tabular import to_csv

    import numpy as np

    fields = ("score", "errors", "note", "mean", "worst")
    text = to_csv([{"score": -20.0, "errors": -3, "note": "-1+2", "mean": np.float32(-1.5),
                    "worst": float("-inf")}], fields)
    assert text.splitlines()[1] == "-20.0,-3,'-1+2,-1.5,'-inf"
