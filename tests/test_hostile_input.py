"""Hostile input: deep JSON, lone surrogates, tampered store files, bad argv bytes,
invisible near-duplicates, Windows device names and bidi controls in titles."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.article import Article, MachineOutput
from review.cli import main
from review.errors import BadInputError, CorruptArticleError, DuplicateArticleError
from review.ingest import (article_from_text, collect, content_hash, legacy_content_hash,
                           load_bytes, load_path)
from review.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
GERMAN = ("Bahnstreik legt Verkehr lahm\n"
          "Die Gewerkschaft der Lokführer hat am Montag zu einem neuen Streik aufgerufen. "
          "Millionen Pendler müssen sich auf Ausfälle einstellen, sagte ein Sprecher der "
          "Deutschen Bahn in Berlin.\n"
          "Der Streik soll bis Mittwochabend dauern und auch den Güterverkehr betreffen.")
OTHER = ("Hochwasser in Bayern\n"
         "Nach tagelangem Regen sind in Bayern mehrere Flüsse über die Ufer getreten. "
         "Die Feuerwehr hat in der Nacht Hunderte Menschen aus ihren Häusern geholt, "
         "teilte das Landratsamt am Sonntag mit.")
DEEP = b"[" * 100_000 + b"]" * 100_000
SURROGATE_JSON = b'{"title": "Streik", "text": "Die Bahn \\ud800 streikt."}'


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cli(*args, store: Path):
    """``python -m review`` in a real process (bytes argv allowed); (rc, stdout, stderr)."""
    env = {**os.environ, "REVIEW_STORE": str(store), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "review", *args], capture_output=True,
                          env=env, cwd=ROOT, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# -- 2: deep JSON and lone surrogates in input files --------------------------------------------

@pytest.mark.parametrize("name,content,reason", [
    ("deep.json", DEEP, "nested too deeply"),
    ("surrogate.json", SURROGATE_JSON, "lone surrogate"),
    ("deep.jsonl", DEEP, "nested too deeply"),
])
def test_deep_or_surrogate_file_is_one_line_naming_it(tmp_path, name, content, reason):
    with pytest.raises(BadInputError) as err:
        load_path(write(tmp_path, name, content))
    message = str(err.value)
    assert name in message and reason in message and "\n" not in message
    with pytest.raises(BadInputError):  # app uploads take the same road
        load_bytes(name, content)


def test_folder_with_hostile_files_keeps_every_good_file_and_jsonl_line(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    write(folder, "a_deep.json", DEEP)
    write(folder, "b_surrogate.json", SURROGATE_JSON)
    lines = [json.dumps({"text": GERMAN}), DEEP.decode(),
             '{"text": "Die Bahn \\udfff streikt."}', json.dumps({"text": OTHER})]
    write(folder, "c_batch.jsonl", "\n".join(lines))
    write(folder, "d_good.txt", GERMAN + " Noch ein Satz.")
    articles, errors = collect([folder])
    assert sorted(a.id for a in articles) == ["c_batch-1", "c_batch-4", "d_good"]
    assert len(errors) == 4 and all("\n" not in line for line in errors)
    for needle in ("a_deep.json", "b_surrogate.json", "c_batch.jsonl line 2",
                   "c_batch.jsonl line 3"):
        assert sum(needle in line for line in errors) == 1


def test_add_cli_with_hostile_files_exits_2_and_adds_the_good_ones(tmp_path, store_dir):
    folder = tmp_path / "inbox"
    folder.mkdir()
    write(folder, "deep.json", DEEP)
    write(folder, "bad.jsonl", json.dumps({"text": GERMAN}) + "\n" + DEEP.decode() + "\n"
          + json.dumps({"text": OTHER}))
    rc, _out, err = cli("add", str(folder), store=store_dir)
    assert rc == 2 and "Traceback" not in err
    assert "deep.json" in err and "bad.jsonl line 2" in err
    assert ArticleStore(store_dir).ids() == ["bad-1", "bad-3"]


# -- 2 and 3: unreadable or tampered files inside the store ------------------------------------

def _stored(store: ArticleStore) -> list[str]:
    for text in (GERMAN, OTHER):
        store.add(article_from_text(text))
    return store.ids()


TAMPERED = {
    "status": lambda d: d["segments"][0]["decision"].update(status="hacked"),
    "title": lambda d: d.update(title=5),
    "risk": lambda d: d["segments"][0].update(risk="high"),
    "index": lambda d: d["segments"][0].update(index="0"),
    "revision": lambda d: d.update(revision="5"),
    "negative": lambda d: d.update(revision=-1),
    "schema": lambda d: d.update(schema_version="2"),
    "decision_revision": lambda d: d["segments"][0]["decision"].update(revision=-3),
    "kind": lambda d: d["segments"][0].update(kind="ad"),
    "offsets": lambda d: d["segments"][0].update(end=10**9),
    "bool": lambda d: d["segments"][0].update(start=True),
    "machine": lambda d: d["segments"][0].update(machine={"text": 5, "model": "m"}),
    "second": lambda d: d["segments"][0].update(second="the English"),
    "second_text": lambda d: d["segments"][0].update(second={"text": None, "model": "m"}),
    "flags": lambda d: d["segments"][0].update(flags=["x"]),
    "history": lambda d: d.update(history=[{"target": "summary", "action": "accept",
                                            "reviewer": "a", "time": "t",
                                            "before": {"status": "hacked"}, "after": {}}]),
    "summary": lambda d: d.update(summary={"method": "human", "text": ["x"]}),
}


@pytest.mark.parametrize("field", sorted(TAMPERED))
def test_tampered_store_file_is_reported_by_name_and_left_untouched(store_dir, field):
    store = ArticleStore(store_dir)
    victim, other = _stored(store)
    path = store.path(victim)
    data = json.loads(path.read_text(encoding="utf-8"))
    TAMPERED[field](data)
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(CorruptArticleError) as err:
        store.get(victim)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    articles, problems = store.scan()
    assert [a.id for a in articles] == [other] and len(problems) == 1
    with pytest.raises(CorruptArticleError):
        store.decide(victim, 0, "reject", "anna")
    assert path.read_bytes() == before  # never rewritten


@pytest.mark.parametrize("kind", ["deep", "surrogate"])
def test_deep_or_surrogate_store_file_is_unreadable_by_name(store_dir, kind):
    store = ArticleStore(store_dir)
    first = _stored(store)[0]
    if kind == "deep":
        content = b'{"id": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    else:  # a whole valid article but for a lone surrogate in its title
        data = json.loads(store.path(first).read_text(encoding="utf-8"))
        data.update(id="evil", title="Streik \ud800", content_hash="sha256:" + "0" * 64)
        content = json.dumps(data, ensure_ascii=True).encode()
        assert b"\\ud800" in content
    path = write(store_dir, "evil.json", content)
    with pytest.raises(CorruptArticleError) as err:
        store.get("evil")
    assert str(path) in str(err.value)
    articles, problems = store.scan()
    assert len(articles) == 2 and len(problems) == 1 and "evil.json" in problems[0]


def test_status_export_decide_translate_survive_a_tampered_file(store_dir):
    store = ArticleStore(store_dir)
    victim, other = _stored(store)
    for article_id in (victim, other):
        store.update(article_id, _machine_all)
    data = json.loads(store.path(victim).read_text(encoding="utf-8"))
    data["segments"][0]["decision"]["status"] = "hacked"
    data["title"] = 5
    store.path(victim).write_text(json.dumps(data), encoding="utf-8")
    write(store_dir, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    write(store_dir, "lone.json", b'{"id": "lone", "text": "\\udc00"}')

    rc, out, err = cli("status", "--json", store=store_dir)
    assert rc == 1 and "Traceback" not in err, err
    report = json.loads(out)
    assert [row["id"] for row in report["articles"]] == [other]
    assert len(report["problems"]) == 3
    for name in (f"{victim}.json", "deep.json", "lone.json"):
        assert sum(name in line for line in report["problems"]) == 1

    index = store.get(other).reviewable()[0].index
    rc, _out, err = cli("decide", other, "--segment", str(index), "--accept", "--reviewer", "anna",
                        store=store_dir)
    assert rc == 0, err
    assert store.get(other).segment(index).decision.status == "accepted"

    rc, _out, err = cli("decide", victim, "--segment", "0", "--reject", "--reviewer", "anna",
                        store=store_dir)
    assert rc == 2 and f"{victim}.json" in err and "Traceback" not in err

    rc, out, err = cli("export", "--what", "translations", "--format", "jsonl",
                       store=store_dir)
    assert "Traceback" not in err and f"{victim}.json" in err and "deep.json" in err
    assert rc == 1


def test_translate_skips_a_tampered_file_by_name(store_dir, tiny_marian):
    store = ArticleStore(store_dir)
    victim, other = _stored(store)
    data = json.loads(store.path(victim).read_text(encoding="utf-8"))
    data["segments"][0]["risk"] = "high"
    store.path(victim).write_text(json.dumps(data), encoding="utf-8")
    write(store_dir, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    result = CliRunner().invoke(main, ["translate", "--mt-model", str(tiny_marian), "--silent"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert all(s.machine for s in store.get(other).reviewable())
    result = CliRunner().invoke(main, ["translate", victim, "--mt-model", str(tiny_marian),
                                       "--silent"])
    assert result.exit_code in (1, 2) and f"{victim}.json" in result.output
    assert "Traceback" not in result.output


def _machine_all(article: Article) -> None:
    for seg in article.reviewable():
        seg.machine = MachineOutput(f"English {seg.index}.", "tiny-mt", -0.2)


# -- 10: invalid UTF-8 in an option -------------------------------------------------------------

def test_invalid_utf8_option_is_one_line_naming_it_exit_2(store_dir):
    store = ArticleStore(store_dir)
    article_id = _stored(store)[0]
    rc, _out, err = cli("decide", article_id, "--segment", "0", "--correct", b"bad \xff",
                        "--reviewer", "anna", store=store_dir)
    assert rc == 2 and "--correct" in err and "UTF-8" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    rc, _out, err = cli("decide", article_id, "--segment", "0", b"--correct=bad \xed\xa0\x80",
                        "--reviewer", "anna", store=store_dir)
    assert rc == 2 and "--correct" in err and len(err.strip().splitlines()) == 1
    assert store.get(article_id).history == []


def test_surrogate_argument_through_click_runner_exits_2(store_dir):
    result = CliRunner().invoke(main, ["decide", "x", "--segment", "0", "--reviewer", "an\udcffna",
                                       "--reject"])
    assert result.exit_code == 2 and "--reviewer" in result.output


# -- 11: near-duplicates, Windows device names, bidi controls -----------------------------------

@pytest.mark.parametrize("variant", [
    GERMAN.replace(" ", "\u00a0", 3),
    GERMAN.replace("Streik", "Str\u200beik"),
    GERMAN.replace("Montag", "Mon\ufefftag"),
    GERMAN.replace(" zu ", "  zu\u202f"),
    GERMAN.replace("Gewerkschaft", "Gewerk\u00adschaft").replace("Bahn", "Ba\u200dhn"),
])
def test_invisible_differences_are_duplicates(store_dir, variant):
    store = ArticleStore(store_dir)
    original = store.add(article_from_text(GERMAN))
    copy = article_from_text(variant)
    assert copy.content_hash == original.content_hash
    with pytest.raises(DuplicateArticleError):
        store.add(copy)
    assert store.id_of(copy.content_hash) == original.id
    assert copy.text != original.text  # the stored text stays as given


def test_plain_text_hashes_as_before_and_old_stores_still_find_duplicates(store_dir):
    article = article_from_text(GERMAN)
    assert article.content_hash == legacy_content_hash(article.text)
    # An article stored before the change: its hash is of the text exactly as given.
    spaced = GERMAN.replace(" zu ", "  zu ")
    old = article_from_text(spaced)
    old.content_hash = legacy_content_hash(old.text)
    store = ArticleStore(store_dir)
    store.add(old)
    again = article_from_text(spaced)
    assert again.content_hash != old.content_hash
    with pytest.raises(DuplicateArticleError):
        ArticleStore(store_dir).add(again)
    fresh = ArticleStore(store_dir)
    with pytest.raises(DuplicateArticleError):
        fresh.add(article_from_text(spaced))
    assert fresh.id_of(again.content_hash) == old.id  # what `translate FILE` looks up


def test_different_text_is_not_a_duplicate():
    assert content_hash("Ein Satz.") != content_hash("Ein  anderer Satz.")
    assert content_hash("Zeile eins\nZeile zwei") != content_hash("Zeile eins Zeile zwei")


@pytest.mark.parametrize("name", ["con", "NUL", "Prn", "aux", "com1", "COM9", "lpt1", "lpt9"])
def test_windows_device_names_never_become_ids(tmp_path, name):
    for file_name in (f"{name}.txt", f"{name}.json"):
        content = json.dumps({"text": GERMAN}) if file_name.endswith("json") else GERMAN
        (article,) = load_path(write(tmp_path, file_name, content))
        assert article.id == f"{name.lower()}-doc"
    assert article_from_text(GERMAN, id=name).id == f"{name.lower()}-doc"
    assert article_from_text(GERMAN, id=f"{name}.txt").id == f"{name.lower()}-txt"
    assert article_from_text(GERMAN, id="console").id == "console"


def test_bidi_controls_are_removed_from_titles(tmp_path):
    record = {"title": "Streik \u202egnudlem\u202c \u2066x\u2069", "text": GERMAN}
    (article,) = load_path(write(tmp_path, "bidi.json", json.dumps(record)))
    assert article.title == "Streik gnudlem x"
    derived = article_from_text("\u202eBahnstreik legt Verkehr lahm\n" + GERMAN.split("\n", 1)[1])
    assert not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"
                   for c in derived.title)
