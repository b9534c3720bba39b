"""A second opinion: a second translation model's English kept beside the first, compared with
it, strong disagreement flagged and ranked higher, and taken by a reviewer like any correction.

The first model is the plain tiny Marian (it says nearly the same thing to every sentence); the
second is a sharpened copy that tells sentences apart, so the two disagree on most segments,
and the first model used as its own second opinion agrees with itself everywhere.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from review.bench import tiny as tiny_models
from review.batch import translate_articles
from review.checks.second_opinion import SECOND_OPINION_THRESHOLD, chrf_between
from review.cli import main
from review.pipeline import is_done
from review.store import ArticleStore

CODE = "second_opinion_differs"


@pytest.fixture(scope="module")
def second_marian(tiny_marian, tmp_path_factory):
    return tiny_models.sharpen_marian(tiny_marian, tmp_path_factory.mktemp("second") / "marian")


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def translated(store_dir, seed_files, tiny_marian, second, count=2):
    results = translate_articles([str(p) for p in seed_files[:count]], store=store_dir,
                                 mt_model=str(tiny_marian), engine="transformers",
                                 summary="none", second_model=second)
    assert {r.status for r in results} == {"translated"}
    return ArticleStore(store_dir), [r.id for r in results]


def model_segments(article):
    return [s for s in article.reviewable() if s.machine is not None]


def test_every_model_segment_gets_the_second_models_english_and_disagreement_is_flagged(
        tiny_marian, second_marian, store_dir, seed_files):
    store, ids = translated(store_dir, seed_files, tiny_marian, str(second_marian))
    flagged = 0
    for article in map(store.get, ids):
        for seg in model_segments(article):
            assert seg.second is not None and seg.second.model == str(second_marian)
            far = chrf_between(seg.machine.text, seg.second.text) < SECOND_OPINION_THRESHOLD
            assert far == (CODE in {f.code for f in seg.flags})
            flagged += far
        assert is_done(article, "none", second=True)
    assert flagged > 0  # two different models disagree somewhere


def test_a_model_that_agrees_with_itself_raises_no_flag_and_no_risk(tiny_marian, store_dir,
                                                                    seed_files):
    store, ids = translated(store_dir, seed_files, tiny_marian, str(tiny_marian), count=1)
    for seg in model_segments(store.get(ids[0])):
        assert seg.second.text == seg.machine.text
        assert CODE not in {f.code for f in seg.flags}


def test_disagreement_ranks_segments_higher_than_the_same_run_without_it(
        tiny_marian, second_marian, store_dir, seed_files):
    store, ids = translated(store_dir, seed_files, tiny_marian, None, count=1)
    before = {s.index: s.risk for s in model_segments(store.get(ids[0]))}
    assert all(s.second is None for s in model_segments(store.get(ids[0])))
    assert not is_done(store.get(ids[0]), "none", second=True)
    # Asking again with a second model adds only the second opinions: the first English stays.
    machine = {s.index: s.machine for s in model_segments(store.get(ids[0]))}
    store, _ = translated(store_dir, seed_files, tiny_marian, str(second_marian), count=1)
    after = store.get(ids[0])
    assert {s.index: s.machine for s in model_segments(after)} == machine
    for seg in model_segments(after):
        if CODE in {f.code for f in seg.flags}:
            assert seg.risk > before[seg.index]
        else:
            assert seg.risk >= before[seg.index]


def test_taking_the_second_opinion_as_the_correction_clears_its_flag(
        tiny_marian, second_marian, store_dir, seed_files):
    store, ids = translated(store_dir, seed_files, tiny_marian, str(second_marian), count=1)
    seg = next(s for s in model_segments(store.get(ids[0]))
               if CODE in {f.code for f in s.flags})
    code, _, err = run("decide", ids[0], "--segment", str(seg.index), "--correct",
                       seg.second.text, "--reviewer", "ann")
    assert code == 0, err
    after = store.get(ids[0]).segment(seg.index)
    assert after.decision.status == "corrected" and after.english == seg.second.text
    assert CODE not in {f.code for f in after.flags}
    assert after.second == seg.second  # kept: the reviewer's choice is visible against it


def test_second_run_skips_finished_articles_and_none_turns_the_second_model_off(
        tiny_marian, second_marian, store_dir, seed_files, monkeypatch):
    translated(store_dir, seed_files, tiny_marian, str(second_marian), count=1)
    again = translate_articles([str(seed_files[0])], store=store_dir, mt_model=str(tiny_marian),
                               summary="none", second_model=str(second_marian))
    assert [r.status for r in again] == ["skipped"]
    monkeypatch.setenv("REVIEW_SECOND_MODEL", str(second_marian))
    code, out, err = run("translate", str(seed_files[1]), "--mt-model", str(tiny_marian),
                         "--summary", "none", "--second-model", "none", "--json", "--silent")
    assert code == 0, err
    article = ArticleStore(store_dir).get(json.loads(out)["id"])
    assert all(s.second is None for s in article.reviewable())


def test_translate_cli_takes_the_second_model_from_the_environment(
        tiny_marian, second_marian, store_dir, seed_files, monkeypatch):
    monkeypatch.setenv("REVIEW_SECOND_MODEL", str(second_marian))
    code, out, err = run("translate", str(seed_files[2]), "--mt-model", str(tiny_marian),
                         "--summary", "none", "--json", "--silent")
    assert code == 0, err
    article = ArticleStore(store_dir).get(json.loads(out)["id"])
    assert all(s.second is not None for s in model_segments(article))


def test_force_translates_the_second_opinion_again(tiny_marian, second_marian, store_dir,
                                                   seed_files):
    store, ids = translated(store_dir, seed_files, tiny_marian, str(second_marian), count=1)
    first = {s.index: s.second for s in model_segments(store.get(ids[0]))}
    translate_articles([ids[0]], store=store_dir, mt_model=str(tiny_marian), summary="none",
                       force=True, second_model=str(tiny_marian))
    for seg in model_segments(store.get(ids[0])):
        assert seg.second.model == str(tiny_marian) != first[seg.index].model


def test_check_cli_adds_the_second_models_english_and_the_chrf(tiny_marian, second_marian,
                                                              tmp_path):
    german = ["Die Regierung hat am Montag ein neues Gesetz beschlossen.", "",
              "Der Minister sprach von einem wichtigen Schritt."]
    source, target = tmp_path / "a.de", tmp_path / "a.en"
    source.write_text("\n".join(german) + "\n", encoding="utf-8")
    target.write_text("The government passed a new law on Monday.\n\nThe minister spoke.\n",
                      encoding="utf-8")
    code, out, err = run("check", "--source", str(source), "--target", str(target), "--json",
                         "--second-model", str(second_marian))
    assert code in (0, 1), err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[1]["second"] is None and lines[1]["second_chrf"] is None
    for line in (lines[0], lines[2]):
        assert line["second"] and 0 <= line["second_chrf"] <= 100
        assert (line["second_chrf"] < SECOND_OPINION_THRESHOLD) == \
            (CODE in {f["code"] for f in line["flags"]})
    code, out, err = run("check", "--source", str(source), "--target", str(target), "--json",
                         "--second-model", str(tmp_path / "missing"))
    assert code == 2 and "missing" in err and len(err.strip().splitlines()) == 1


def test_models_list_and_check_show_the_second_model_when_one_is_set(
        tiny_marian, second_marian, monkeypatch):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tiny_marian))
    code, out, _ = run("models", "list")
    assert "second opinion" not in out
    monkeypatch.setenv("REVIEW_SECOND_MODEL", str(second_marian))
    code, out, _ = run("models", "list")
    row = next(line for line in out.splitlines() if line.startswith("second opinion"))
    assert str(second_marian) in row and "env REVIEW_SECOND_MODEL" in row
    monkeypatch.setenv("REVIEW_SECOND_MODEL", str(second_marian.parent / "missing"))
    code, out, _ = run("models", "check")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("second opinion"))
    assert "missing" in row


def test_a_missing_second_model_is_one_line_before_any_translation(tiny_marian, store_dir,
                                                                   seed_files, tmp_path):
    code, out, err = run("translate", str(seed_files[0]), "--mt-model", str(tiny_marian),
                         "--second-model", str(tmp_path / "nope"), "--silent")
    assert code == 2 and out == ""
    assert err.startswith("error: second opinion model") and "REVIEW_SECOND_MODEL" in err
    assert len(err.strip().splitlines()) == 1
    articles, _ = ArticleStore(store_dir).scan()
    assert all(s.machine is None for a in articles for s in a.segments)
