"""`add`, `decide` and `status` as a user runs them: output lines, exit codes, store contents."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from review.article import MachineOutput
from review.cli import main
from review.store import ArticleStore

GERMAN = ("Die Gewerkschaft der Lokführer hat am Montag zu einem neuen Streik aufgerufen. "
          "Millionen Pendler müssen sich auf Ausfälle einstellen, sagte ein Sprecher.")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def seeded(seed_files, store_dir) -> list[str]:
    """The seed articles added, each text segment given a machine translation."""
    assert run("add", *map(str, seed_files[:2])).exit_code == 0
    store = ArticleStore()
    for article_id in store.ids():
        store.update(article_id, _translate_all)
    return store.ids()


def _translate_all(article) -> None:
    for seg in article.reviewable():
        seg.machine = MachineOutput(f"English for segment {seg.index}.", "tiny-mt", -0.3)


def first_text_segment(article_id: str) -> int:
    return ArticleStore().get(article_id).reviewable()[0].index


def test_add_prints_each_article_and_skips_duplicates(seed_files, store_dir):
    result = run("add", *map(str, seed_files))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(seed_files)
    for line, path in zip(lines, seed_files):
        article = ArticleStore().get(path.stem)
        assert line == f"added {path.stem}: {article.title} ({len(article.segments)} segments)"
    again = run("add", str(seed_files[0]))
    assert again.exit_code == 0
    assert again.stdout == f"skipped {seed_files[0]}: duplicate of {seed_files[0].stem}\n"
    assert len(list(store_dir.glob("*.json"))) == len(seed_files)


def test_add_with_bad_files_stores_good_ones_and_exits_2(tmp_path, store_dir):
    (tmp_path / "good.txt").write_text(GERMAN, "utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes(GERMAN.encode("latin-1"))
    (tmp_path / "english.txt").write_text("The union called a new strike on Monday and the "
                                          "trains will not run for three days.", "utf-8")
    (tmp_path / "bad.json").write_text('{"text": ', "utf-8")
    result = run("add", str(tmp_path), "--store", str(store_dir))
    assert result.exit_code == 2
    assert result.stdout.startswith("added good: ")
    errors = result.stderr.splitlines()
    assert len(errors) == 4
    for name in ("empty.txt", "latin.txt", "english.txt", "bad.json"):
        assert sum(name in line for line in errors) == 1
    assert [p.name for p in store_dir.glob("*.json")] == ["good.json"]
    assert not list(store_dir.glob(".*.tmp"))


def test_add_of_a_folder_without_articles_says_so(tmp_path):
    result = run("add", str(tmp_path))
    assert result.exit_code == 2 and "no .txt/.md/.json/.jsonl files" in result.stderr


def test_decide_accept_correct_reject_and_their_effect_on_status(seeded):
    article_id = seeded[0]
    first = first_text_segment(article_id)
    accepted = run("decide", article_id, "--segment", str(first), "--accept",
                   "--reviewer", "alice")
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.stdout == f"{article_id} segment {first}: accepted by alice (revision 1)\n"
    corrected = run("decide", article_id, "--segment", str(first + 1), "--correct",
                    "Completely different words here.", "--reviewer", "bob")
    assert corrected.exit_code == 0, corrected.stderr
    assert run("decide", article_id, "--summary", "--correct", "A short summary.",
               "--reviewer", "bob").exit_code == 0

    report = json.loads(run("status", "--json").stdout)
    row = next(r for r in report["articles"] if r["id"] == article_id)
    assert (row["accepted"], row["corrected"], row["rejected"]) == (1, 1, 0)
    assert row["pending"] == row["segments"] - 2 and row["summary"] == "corrected"
    assert row["acceptance_rate"] == 0.5
    assert 0 < row["chrf"] < 100 and row["ter"] > 0  # one untouched, one rewritten segment
    assert report["overall"]["corrected"] == 1 and report["problems"] == []

    history = ArticleStore().get(article_id).history
    assert [(h.target, h.reviewer) for h in history] == [
        (f"segment:{first}", "alice"), (f"segment:{first + 1}", "bob"), ("summary", "bob")]


def test_status_table_shows_counts_effort_and_overall(seeded):
    run("decide", seeded[0], "--segment", str(first_text_segment(seeded[0])), "--accept",
        "--reviewer", "alice")
    result = run("status")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "seg", "pend"] and "chrF" in lines[0]
    row = next(line for line in lines if line.startswith(seeded[0])).split()
    assert row[3:6] == ["1", "0", "0"] and row[7:10] == ["100", "100.0", "0.0"]
    overall = next(i for i, line in enumerate(lines) if line.startswith("overall"))
    # the accepted segment was checked: its flags follow in their own table
    assert lines[overall + 1] == "" and lines[overall + 2].split()[:3] == [
        "flag", "raised", "dismissed"]


def test_status_of_empty_store_tells_how_to_add():
    result = run("status")
    assert result.exit_code == 0 and "python -m review add" in result.stdout


def test_corrupt_file_is_listed_exit_1_and_left_untouched(seeded, store_dir):
    broken = store_dir / "broken.json"
    broken.write_bytes(b"{ nope")
    result = run("status", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert sorted(r["id"] for r in report["articles"]) == sorted(seeded)
    assert len(report["problems"]) == 1 and "broken.json" in report["problems"][0]
    table = run("status")
    assert table.exit_code == 1 and "broken.json" in table.stderr
    decided = run("decide", "broken", "--segment", "0", "--reject", "--reviewer", "al")
    assert decided.exit_code == 2 and "broken.json" in decided.stderr
    assert broken.read_bytes() == b"{ nope"


@pytest.mark.parametrize("args, message", [
    (["--segment", "0", "--summary", "--accept"], "exactly one of --segment N or --summary"),
    (["--segment", "0", "--accept", "--reject"], "exactly one of --accept"),
    (["--segment", "999", "--accept"], "no segment 999"),
    (["--segment", "0", "--correct", "  "], "correction is empty"),
])
def test_decide_usage_errors_are_one_line_and_exit_2(seeded, args, message):
    result = run("decide", seeded[0], *args, "--reviewer", "alice")
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output
    assert ArticleStore().get(seeded[0]).revision == 1  # only the fixture's translation


def test_decide_unknown_article_and_missing_machine_output(seeded, tmp_path, store_dir):
    unknown = run("decide", "nope", "--segment", "0", "--accept", "--reviewer", "al")
    assert unknown.exit_code == 2 and "no article 'nope'" in unknown.stderr
    (tmp_path / "fresh.txt").write_text(GERMAN, "utf-8")
    run("add", str(tmp_path / "fresh.txt"))
    untranslated = run("decide", "fresh", "--segment", "0", "--accept", "--reviewer", "al")
    assert untranslated.exit_code == 2 and "--correct TEXT" in untranslated.stderr
    human = run("decide", "fresh", "--segment", "0", "--correct", "The union called a strike.",
                "--reviewer", "al")
    assert human.exit_code == 0 and "corrected by al" in human.stdout


def test_decide_on_a_stale_revision_is_refused(seeded):
    segment = str(first_text_segment(seeded[0]))
    assert run("decide", seeded[0], "--segment", segment, "--accept", "--reviewer", "alice",
               "--expected-revision", "0").exit_code == 0
    stale = run("decide", seeded[0], "--segment", segment, "--reject", "--reviewer", "bob",
                "--expected-revision", "0")
    assert stale.exit_code == 2
    assert "changed by alice" in stale.stderr and "reload and decide again" in stale.stderr


@pytest.mark.parametrize("name", ["add", "decide", "status"])
def test_help_has_an_example(name):
    result = run(name, "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout


def test_correction_re_runs_the_checks_on_that_segment(seeded):
    article = ArticleStore().get(seeded[0])
    seg = next(s for s in article.reviewable() if any(ch.isdigit() for ch in s.source))
    assert seg.similarity is None and not seg.flags
    result = run("decide", seeded[0], "--segment", str(seg.index), "--correct",
                 "Something without any of the figures.", "--reviewer", "alice")
    assert result.exit_code == 0 and "warning" not in result.stderr
    checked = ArticleStore().get(seeded[0]).segments[seg.index]
    assert checked.similarity is not None
    assert any(flag.code.startswith("number") for flag in checked.flags)
