"""The store against hostile or damaged files (issue #20): duplicate segment indexes, more
invisible characters, a forged listing index or added log, FIFOs and links in place of derived
files, and terminal escapes in what `add` and `status` print."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from review import listing
from review.article import Flag, MachineOutput
from review.cli import main
from review.errors import CorruptArticleError, DuplicateArticleError
from review.ingest import article_from_text, content_hash, legacy_content_hash
from review.store import ADDED_LOG, ArticleStore
from review.ui.overview import riskiest_rows
from test_hostile_input import GERMAN, OTHER  # the same two articles

ROOT = Path(__file__).resolve().parent.parent
THIRD = ("Neue Brücke eröffnet\n"
         "Die Stadt hat am Freitag die neue Brücke über den Fluss für den Verkehr freigegeben. "
         "Der Bau hat drei Jahre gedauert und mehr gekostet als geplant, sagte der Bürgermeister.")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cli(*args: str, store: Path, timeout: float = 20):
    """``python -m review`` in a real process that must end within ``timeout`` seconds."""
    env = {**os.environ, "REVIEW_STORE": str(store), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "review", *args], capture_output=True,
                          env=env, cwd=ROOT, timeout=timeout, text=True)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(autouse=True)
def fresh_process_memory():
    """Each test starts as a new process would: no listing index held in memory."""
    listing.forget()
    yield
    listing.forget()


def _review(article) -> None:
    """Machine output, flags, risks and a decision or two: every index field has content."""
    for i, seg in enumerate(article.reviewable()):
        seg.machine = MachineOutput(f"The sentence number {i} in English.", "tiny-mt", -0.3)
        seg.risk = round(0.9 - 0.1 * i, 2)
        seg.flags = [Flag("number_changed", f"n{i}")]


@pytest.fixture
def indexed(store_dir) -> ArticleStore:
    """Two reviewed articles, settled, with the listing index written for them."""
    store = ArticleStore()
    for text in (GERMAN, OTHER):
        article = store.add(article_from_text(text))
        store.update(article.id, _review)
        store.decide(article.id, 1, "correct", "ana", text="A better sentence.")
    past = time.time() - 3600
    for path in store_dir.glob("*.json"):
        os.utime(path, (past, past))
    listing.summaries(store)
    listing.forget()
    return store


def _tamper(store_dir: Path, change) -> None:
    """Apply ``change`` to the first index entry's summary; its signature stays right."""
    index = store_dir / listing.INDEX
    data = json.loads(index.read_bytes())
    change(next(iter(data["entries"].values()))["summary"])
    index.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    listing.forget()


# -- 8: two segments with the same index ----------------------------------------------------

def test_a_duplicate_segment_index_is_a_corrupt_article_naming_file_and_index(store_dir):
    store = ArticleStore()
    victim = store.add(article_from_text(GERMAN)).id
    other = store.add(article_from_text(OTHER)).id
    path = store.path(victim)
    data = json.loads(path.read_text("utf-8"))
    data["segments"][2]["index"] = data["segments"][1]["index"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    before = path.read_bytes()

    with pytest.raises(CorruptArticleError) as err:
        store.get(victim)
    message = str(err.value)
    assert str(path) in message and "segments[2].index" in message and "duplicate" in message
    assert "\n" not in message

    result = run("status", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [row["id"] for row in report["articles"]] == [other]
    assert len(report["problems"]) == 1 and "segments[2].index" in report["problems"][0]
    result = run("decide", victim, "--segment", "1", "--accept", "--reviewer", "ana")
    assert result.exit_code == 2 and str(path) in result.output
    assert path.read_bytes() == before


# -- 12: invisible characters the duplicate check missed ------------------------------------

@pytest.mark.parametrize("variant", [
    GERMAN.replace("Streik", "Str\u200eeik"),  # left-to-right mark
    GERMAN.replace("Montag", "Mon\u200ftag"),  # right-to-left mark
    GERMAN.replace("Bahn", "Ba\u034fhn"),  # combining grapheme joiner
    GERMAN.replace("Pendler", "Pend\u2062ler"),  # invisible times
    GERMAN.replace("Berlin", "Berlin\U000e0062\U000e0065\U000e007f"),  # tag characters
])
def test_more_invisible_differences_are_duplicates(store_dir, variant):
    store = ArticleStore()
    original = store.add(article_from_text(GERMAN))
    copy = article_from_text(variant)
    assert copy.content_hash == original.content_hash
    with pytest.raises(DuplicateArticleError):
        ArticleStore().add(copy)
    assert copy.text != original.text  # the stored text stays as given


def _hash_before_the_change(text: str) -> str:
    """content_hash as it was before LRM, RLM, CGJ, invisible operators and tags were
    ignored: what stores written until then hold."""
    import re
    import unicodedata

    invisible = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
    canonical = re.sub(r"[^\S\n]+", " ", invisible.sub("", unicodedata.normalize("NFC", text)))
    canonical = "\n".join(line.strip(" ") for line in canonical.split("\n")).strip("\n")
    return legacy_content_hash(canonical)


def test_articles_stored_under_the_earlier_hash_stay_duplicates(store_dir):
    marked = GERMAN.replace("Streik", "Str\u200eeik").replace("Bahn", "Ba\u200bhn")
    old = article_from_text(marked)
    old.content_hash = _hash_before_the_change(old.text)
    assert old.content_hash != content_hash(old.text)
    ArticleStore().add(old)
    for text in (marked, marked.replace("\u200b", "")):  # the same text, as before
        fresh = ArticleStore()
        with pytest.raises(DuplicateArticleError, match=f"duplicate of {old.id}"):
            fresh.add(article_from_text(text))
        assert fresh.id_of(content_hash(text)) == old.id  # what `translate FILE` looks up
    plain = GERMAN.replace("Streik", "Streik ")
    assert content_hash(plain) == content_hash(GERMAN)  # unchanged for visible text
    assert content_hash("Ein Satz.") == legacy_content_hash("Ein Satz.")


# -- 15: index entries that lie or do not type-check ----------------------------------------

def test_a_forged_title_in_the_index_is_not_shown(indexed, store_dir):
    expected = run("status", "--json").stdout
    _tamper(store_dir, lambda s: s.update(title="Everything is reviewed"))
    result = run("status")
    assert result.exit_code == 0 and "Everything is reviewed" not in result.stdout
    assert "Bahnstreik legt Verkehr lahm" in result.stdout
    assert run("status", "--json").stdout == expected
    assert [s.title for s in listing.summaries(indexed)[0]] == [
        a.title for a in indexed.scan()[0]]


def _flags(summary: dict, value) -> None:
    summary["flags"] = value


WRONG = {
    "title is a number": lambda s: s.update(title=5),
    "flag never raised": lambda s: _flags(s, {"number_changed": [0, 0]}),
    "more dismissed than raised": lambda s: _flags(s, {"number_changed": [1, 2]}),
    "flag count a bool": lambda s: _flags(s, {"number_changed": [True, 0]}),
    "counts do not add up": lambda s: s.update(accepted=s["accepted"] + 40),
    "more flagged than pending": lambda s: s.update(flagged=s["pending"] + 1),
    "negative count": lambda s: s.update(boilerplate=-1),
    "more segments than the file holds": lambda s: s.update(
        pending=s["pending"] + 10**6, segments=s["segments"] + 10**6),
    "revision text": lambda s: s.update(revision="7"),
    "updated a list": lambda s: s.update(updated=[]),
    "content hash null": lambda s: s.update(content_hash=None),
    "unknown summary state": lambda s: s.update(summary_state="done"),
    "chrF not finite": lambda s: s.update(chrf=math.inf),
    "chrF over 100": lambda s: s.update(chrf=250.0),
    "effort short": lambda s: s["effort"].update(chrf=[1]),
    "effort negative": lambda s: s["effort"].update(ter=[-1, 3]),
    "riskiest risk text": lambda s: s["riskiest"][0].__setitem__(1, "high"),
    "riskiest risk over 1": lambda s: s["riskiest"][0].__setitem__(1, 7.5),
    "riskiest unknown code": lambda s: s["riskiest"][0].__setitem__(2, ["made_up"]),
    "riskiest more than pending": lambda s: s.update(riskiest=s["riskiest"] * 5),
    "riskiest index repeated": lambda s: s["riskiest"].__setitem__(1, list(s["riskiest"][0])),
    "decision count zero": lambda s: s["decisions"][0].__setitem__(3, 0),
    "decision reviewer number": lambda s: s["decisions"][0].__setitem__(0, 5),
    "effort bin odd": lambda s: s["effort_bins"][0].__setitem__(1, 55),
    "effort bins do not match pairs": lambda s: s["effort_bins"][0].__setitem__(2, 9),
    "id unsafe": lambda s: s.update(id="../x"),
}


@pytest.mark.parametrize("wrong", sorted(WRONG))
def test_an_index_entry_of_wrong_type_or_range_is_rebuilt_not_shown(indexed, store_dir, wrong):
    expected = run("status", "--json").stdout
    truth = listing.summaries(indexed)[0]
    listing.forget()
    _tamper(store_dir, WRONG[wrong])
    result = run("status")  # a TypeError or ZeroDivisionError would raise here
    assert result.exit_code == 0 and "Bahnstreik legt Verkehr lahm" in result.stdout
    listing.forget()
    assert run("status", "--json").stdout == expected
    listing.forget()
    summaries = listing.summaries(indexed)[0]
    assert summaries == truth
    assert riskiest_rows(summaries, 15) == riskiest_rows(truth, 15)  # the Overview's table
    assert json.loads((store_dir / listing.INDEX).read_bytes())["entries"][truth[0].id][
        "summary"] == truth[0].to_dict()  # rebuilt from the article


# -- 16: a forged content hash in the index --------------------------------------------------

def test_a_forged_content_hash_in_the_index_does_not_make_new_text_a_duplicate(indexed,
                                                                                store_dir):
    new = article_from_text(THIRD)
    first = listing.summaries(indexed)[0][0]
    listing.forget()
    _tamper(store_dir, lambda s: s.update(content_hash=new.content_hash))
    result = run("add", _write(store_dir.parent, "third.txt", THIRD))
    assert result.exit_code == 0 and result.stdout.startswith("added "), result.stdout
    assert ArticleStore().id_of(new.content_hash) not in (None, first.id)
    listing.forget()
    again = run("add", _write(store_dir.parent, "again.txt", GERMAN))
    assert again.stdout.startswith("skipped ") and f"duplicate of {first.id}" in again.stdout
    assert len(ArticleStore().ids()) == 3


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, "utf-8")
    return str(path)


# -- 17: FIFOs and links in place of derived files -------------------------------------------

@pytest.mark.parametrize("derived", [str(listing.INDEX), ADDED_LOG])
def test_a_fifo_in_place_of_a_derived_file_hangs_nothing(indexed, store_dir, derived):
    fifo = store_dir / derived
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    rc, out, err = cli("status", store=store_dir)
    assert rc == 0 and "Bahnstreik legt Verkehr lahm" in out and "Traceback" not in err, err
    rc, out, err = cli("add", _write(store_dir.parent, "third.txt", THIRD), store=store_dir)
    assert rc == 0 and out.startswith("added ") and "Traceback" not in err, err
    rc, out, err = cli("add", _write(store_dir.parent, "same.txt", THIRD), store=store_dir)
    assert rc == 0 and out.startswith("skipped ") and "duplicate of" in out, (out, err)
    rc, out, err = cli("status", "--json", store=store_dir)
    assert rc == 0 and len(json.loads(out)["articles"]) == 3
    assert fifo.is_file()  # rebuilt as a regular file


def test_a_linked_added_log_is_neither_followed_nor_written_through(indexed, store_dir, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the store's\n", "utf-8")
    log = store_dir / ADDED_LOG
    log.unlink(missing_ok=True)
    log.symlink_to(outside)
    rc, out, err = cli("add", _write(tmp_path, "third.txt", THIRD), store=store_dir)
    assert rc == 0 and out.startswith("added "), err
    assert outside.read_text("utf-8") == "not the store's\n"
    rc, out, _err = cli("add", _write(tmp_path, "same.txt", THIRD), store=store_dir)
    assert out.startswith("skipped ")


# -- 20: terminal escapes in what add and status print ---------------------------------------

def test_terminal_escapes_in_titles_are_shown_as_escapes(store_dir, tmp_path):
    title = "Streik \x1b]0;pwned\x07 \x1b[2J\x1b[31mrot"
    source = tmp_path / "evil.json"
    source.write_text(json.dumps({"title": title, "text": GERMAN}), "utf-8")
    rc, out, err = cli("add", str(source), store=store_dir)
    assert rc == 0 and "\x1b" not in out + err and "\x07" not in out
    assert "\\x1b]0;pwned\\x07" in out
    rc, out, err = cli("status", store=store_dir)
    assert rc == 0 and "\x1b" not in out + err and "\\x1b[2J" in out
    rc, out, _err = cli("status", "--json", store=store_dir)
    assert json.loads(out)["articles"][0]["title"] == title  # --json keeps it exact
