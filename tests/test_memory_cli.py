"""`memory lookup|search|import|export` and `qa` as users and scripts run them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.memory.storage import imported_path
from review.store import ArticleStore
from test_memory import approved, make_article
from test_tmx_import import VENDOR_TMX, tus

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["source", "target", "score", "origin"]


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def review(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command line, in a fresh process."""
    return subprocess.run([sys.executable, "-m", "review", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())


@pytest.fixture
def store(store_dir) -> ArticleStore:
    """Two articles with approved segments and a vendor TMX imported."""
    store = ArticleStore()
    store.add(make_article("a1", [("Der Zug fährt um acht Uhr ab.", "The train leaves at 8."),
                                  ("Die Bahn streikt.", "The railway is on strike."),
                                  ("Es regnet in Berlin.", "It is raining in Berlin.")],
                           decisions={0: approved(), 1: approved()}))
    store.add(make_article("a2", [("Der Zug fährt um acht Uhr ab.", "The train departs at 8.")],
                           decisions={0: approved(time="2024-06-01T00:00:00+00:00")}))
    (store_dir.parent / "vendor.tmx").write_text(VENDOR_TMX, "utf-8")
    assert run("memory", "import", str(store_dir.parent / "vendor.tmx")).exit_code == 0
    return store


# -- lookup: the contract scripts rely on -------------------------------------------------


def test_lookup_json_is_one_list_of_exactly_the_contract_keys(store):
    done = review("memory", "lookup", "Der  Zug fährt um acht Uhr ab.", "--json")
    assert done.returncode == 0 and done.stderr == ""
    [line] = done.stdout.splitlines()
    matches = json.loads(line)
    assert isinstance(matches, list) and all(list(m) == KEYS for m in matches)
    assert matches[:3] == [
        {"source": "Der Zug fährt um acht Uhr ab.", "target": "The train departs at 8.",
         "score": 1.0, "origin": "article:a2#0"},
        {"source": "Der Zug fährt um acht Uhr ab.", "target": "The train leaves at 8.",
         "score": 1.0, "origin": "article:a1#0"},
        {"source": "Der Zug fährt um acht Uhr ab.", "target": "The train leaves at eight.",
         "score": 1.0, "origin": "tmx:vendor.tmx"}]
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert all(s < 1 for s in scores[3:])


def test_lookup_stdin_answers_one_json_list_per_line(store):
    queries = ["Der Zug fährt um acht Uhr ab.", "", "Die Bahn streikt heute.",
               "Völlig unbekannt xyz qqq", "Das Velo steht vor dem Haus."]
    done = review("memory", "lookup", "-", "--json", stdin="\n".join(queries) + "\n")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(queries)
    assert answers[0][0]["score"] == 1.0 and answers[1] == [] and answers[3] == []
    assert answers[2][0]["target"] == "The railway is on strike." and \
        0.5 <= answers[2][0]["score"] < 1.0
    assert answers[4] == [{"source": "Das Velo steht vor dem Haus.",
                           "target": "The bike is in front of the house.", "score": 1.0,
                           "origin": "tmx:vendor.tmx"}]


def test_lookup_stdin_streams_each_answer_before_the_next_query(store):
    process = subprocess.Popen([sys.executable, "-m", "review", "memory", "lookup", "-",
                                "--json"], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        for query, target in [("Die Bahn streikt.", "The railway is on strike."),
                              ("Es regnet in Berlin.", None)]:
            process.stdin.write(query + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())  # would hang without a flush
            assert (answer[0]["target"] if answer else None) == target
        process.stdin.close()
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()


def test_lookup_on_an_empty_memory_gives_empty_lists():
    assert run("memory", "lookup", "Der Zug.", "--json").stdout == "[]\n"
    result = run("memory", "lookup", "-", "--json", stdin="Der Zug.\nDie Bahn.\n")
    assert result.exit_code == 0 and result.stdout == "[]\n[]\n"
    text = run("memory", "lookup", "Der Zug.")
    assert text.exit_code == 0 and text.stdout == "no match at threshold 0.50 among 0 units\n"


def test_lookup_text_shows_score_source_target_and_origin(store):
    result = run("memory", "lookup", "Die Bahn streikt.", "--limit", "1")
    assert result.exit_code == 0
    assert result.stdout == ("1.000  Die Bahn streikt.  ->  The railway is on strike.  "
                             "(article:a1#1)\n")
    strict = run("memory", "lookup", "Die Bahn streikt morgen.", "--threshold", "0.99")
    assert strict.stdout.startswith("no match at threshold 0.99 among 7 units")
    bad = run("memory", "lookup", "x", "--threshold", "2")
    assert bad.exit_code == 2


def test_a_corrupt_memory_file_is_reported_in_one_line_and_left_alone(store, store_dir):
    path = imported_path(store)
    path.write_bytes(path.read_bytes() + b'{"source": "cut off\n')
    before = path.read_bytes()
    done = review("memory", "lookup", "Die Bahn streikt.", "--json")
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("error: ") and str(path) in line and "line 5" in line
    (store_dir.parent / "more.tmx").write_text(tus(("de", "Neu.", "en", "New.")), "utf-8")
    imported = run("memory", "import", str(store_dir.parent / "more.tmx"))
    assert imported.exit_code == 1 and str(path) in imported.stderr
    assert path.read_bytes() == before


def test_unreadable_articles_are_warned_about_and_the_rest_answered(store, store_dir):
    (store_dir / "broken.json").write_text("{", "utf-8")
    result = run("memory", "lookup", "Die Bahn streikt.", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["origin"] == "article:a1#1"
    assert result.stderr.startswith("warning: ") and "broken.json" in result.stderr


# -- import and export -----------------------------------------------------------------


def test_import_reports_each_file_and_refuses_bad_ones_in_one_line(store_dir, tmp_path):
    (tmp_path / "good.tmx").write_text(VENDOR_TMX, "utf-8")
    (tmp_path / "french.tmx").write_text(tus(("fr-FR", "Bonjour.", "en-US", "Hello.")), "utf-8")
    (tmp_path / "empty.tmx").write_bytes(b"")
    result = run("memory", "import", str(tmp_path / "french.tmx"), str(tmp_path / "good.tmx"),
                 str(tmp_path / "empty.tmx"))
    assert result.exit_code == 2
    assert result.stdout == (f"imported 4 units from {tmp_path / 'good.tmx'} (2 skipped: no "
                             "German or English side)\n")
    errors = result.stderr.splitlines()
    assert errors == [
        f"error: {tmp_path / 'french.tmx'}: no German side; found languages: fr-FR, en-US; "
        "need German (de, de-DE, de-AT, de-CH)",
        f"error: {tmp_path / 'empty.tmx'}: empty file; give a TMX 1.4b file"]
    assert len(ArticleStore().ids()) == 0
    assert sum(1 for _ in imported_path(ArticleStore()).open()) == 4


def test_export_writes_tmx_and_refuses_a_folder(store, tmp_path):
    result = run("memory", "export", "-o", str(tmp_path / "all.tmx"))
    assert result.exit_code == 0
    assert result.stdout == f"exported 7 units to {tmp_path / 'all.tmx'}\n"
    assert len(ET.parse(tmp_path / "all.tmx").getroot().findall("body/tu")) == 7
    folder = run("memory", "export", "-o", str(tmp_path))
    assert folder.exit_code == 2
    assert folder.stderr == f"error: {tmp_path} is a folder; give a file name, e.g. -o " \
                            "memory.tmx\n"
    to_stdout = run("memory", "export", "-o", "-")
    assert to_stdout.exit_code == 0 and to_stdout.stdout.startswith("<?xml")


def test_export_of_an_empty_memory_says_so():
    result = run("memory", "export", "-o", "out.tmx")
    assert result.exit_code == 2 and "memory is empty" in result.stderr
    assert not Path("out.tmx").exists()


# -- search ------------------------------------------------------------------------------


def test_search_highlights_in_text_and_gives_spans_in_json(store):
    result = run("memory", "search", "berlin")
    assert result.exit_code == 0
    assert result.stdout == ("article:a1#2 (pending)\n"
                             "  de: Es regnet in [[Berlin]].\n"
                             "  en: It is raining in [[Berlin]].\n"
                             "1 hit\n")
    found = json.loads(run("memory", "search", "zug", "--json").stdout)
    assert [(h["origin"], h["status"]) for h in found] == [
        ("article:a2#0", "accepted"), ("article:a1#0", "accepted"),
        ("tmx:vendor.tmx", "imported")]
    assert all(list(h) == ["source", "target", "origin", "status", "source_spans",
                           "target_spans"] for h in found)
    assert found[0]["source_spans"] == [[4, 7]] and found[0]["target_spans"] == []
    assert json.loads(run("memory", "search", "zug", "--json", "--limit", "1").stdout)[0][
        "origin"] == "article:a2#0"
    assert run("memory", "search", "Xylophon").stdout == \
        "no match for 'Xylophon' in the memory or the store\n"
    empty = run("memory", "search", " ")
    assert empty.exit_code == 2 and empty.stderr.startswith("error: the search term is empty")


# -- qa ----------------------------------------------------------------------------------


def test_qa_reports_both_kinds_and_exits_1(store):
    store.add(make_article("a3", [("Die Eisenbahn streikt.", "The railway is on strike.")],
                           decisions={0: approved()}))
    result = run("qa")
    assert result.exit_code == 1
    assert "same German, different English: Der Zug fährt um acht Uhr ab." in result.stdout
    assert "same English, different German: The railway is on strike." in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "2 conflicts: 1 same German, different English, 1 same English, different German")
    report = json.loads(run("qa", "--json").stdout)
    assert [(c["kind"], c["text"], [u["origin"] for u in c["units"]])
            for c in report["conflicts"]] == [
        ("same_source", "Der Zug fährt um acht Uhr ab.",
         ["article:a1#0", "article:a2#0", "tmx:vendor.tmx"]),
        ("same_target", "The railway is on strike.", ["article:a1#1", "article:a3#0"])]
    assert all(list(u) == ["source", "target", "origin"]
               for c in report["conflicts"] for u in c["units"])
    only = json.loads(run("qa", "a3", "--json").stdout)["conflicts"]
    assert [c["kind"] for c in only] == ["same_target"]


def test_qa_without_conflicts_exits_0_and_an_unknown_id_exits_2(store_dir):
    store = ArticleStore()
    store.add(make_article("a1", [("Der Zug.", "The train.")], decisions={0: approved()}))
    result = run("qa")
    assert result.exit_code == 0
    assert result.stdout == "no conflicts among 1 approved segments\n"
    assert run("qa", "--json").stdout == '{\n "conflicts": []\n}\n'
    unknown = run("qa", "nope")
    assert unknown.exit_code == 2 and len(unknown.stderr.splitlines()) == 1
    assert unknown.stderr.startswith("error: no article 'nope'")


@pytest.mark.parametrize("args", [["memory", "lookup"], ["memory", "search"],
                                  ["memory", "import"], ["memory", "export"], ["qa"]])
def test_every_subcommand_has_help_with_an_example(args):
    result = run(*args, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"python -m review {' '.join(args)}" in result.stdout
