"""Summaries: extractive on the real e5 model over the seeds, abstractive on the tiny BART,
faithfulness flags, refresh after corrections, and the summarize command."""
from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from models.base import Output, Summarizer
from review import summary
from review.article import APPROVED, MachineOutput
from review.cli import main
from review.errors import NothingToDoError
from review.ingest import article_from_text, load_path


def fake_english(article):
    """Stand-in translations that name their segment, so tests can see which ones were used."""
    for seg in article.reviewable():
        seg.machine = MachineOutput(f"English of segment {seg.index}.", "fake-mt", -0.5)
    return article


@pytest.fixture(scope="module")
def seeds(seed_files):
    """(raw file text, translated article, extractive summary) per seed; e5 runs once each."""
    out = []
    for path in seed_files:
        article = fake_english(load_path(path)[0])
        out.append((path.read_text(encoding="utf-8"), article, summary.extractive(article)))
    return out


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


# --- extractive ---------------------------------------------------------------------------

def test_extractive_picks_2_to_6_body_sentences_in_article_order(seeds):
    for raw, article, made in seeds:
        chosen = made.source_segments
        assert 2 <= len(chosen) <= 6, article.id
        assert chosen == sorted(set(chosen))
        kinds = {article.segments[i].kind for i in chosen}
        assert kinds == {"text"}, article.id  # never boilerplate, never a heading
        for i in chosen:
            seg = article.segments[i]
            assert article.text[seg.start:seg.end] == seg.source and seg.source in raw
        assert made.text == " ".join(f"English of segment {i}." for i in chosen)
        assert made.method == "extractive" and made.decision.status == "pending"


def test_longer_articles_get_longer_summaries(seeds):
    by_length = sorted(seeds, key=lambda s: len(summary.candidates_for(s[1])))
    assert len(by_length[0][2].source_segments) < len(by_length[-1][2].source_segments)


def test_extractive_is_deterministic(seeds):
    _, article, made = min(seeds, key=lambda s: len(s[1].segments))
    again = summary.extractive(copy.deepcopy(article))
    assert (again.source_segments, again.text) == (made.source_segments, made.text)


def test_a_correction_flows_into_a_pending_extractive_summary(seeds):
    _, article, made = seeds[0]
    article = copy.deepcopy(article)
    article.summary = copy.deepcopy(made)
    target = article.segments[made.source_segments[0]]
    target.decision.status, target.decision.text = "corrected", "A reviewer's better sentence."
    summary.refresh(article)
    assert article.summary.text.startswith("A reviewer's better sentence. ")
    assert f"English of segment {target.index}." not in article.summary.text


def test_refresh_leaves_an_approved_summary_alone(seeds):
    _, article, made = seeds[0]
    article = copy.deepcopy(article)
    article.summary = copy.deepcopy(made)
    article.summary.decision.status = "accepted"
    assert "accepted" in APPROVED
    article.segments[made.source_segments[0]].decision.status = "corrected"
    article.segments[made.source_segments[0]].decision.text = "Changed."
    summary.refresh(article)
    assert article.summary.text == made.text


def test_a_rejected_chosen_sentence_is_left_out_and_named(seeds):
    _, article, made = seeds[0]
    article = copy.deepcopy(article)
    article.summary = copy.deepcopy(made)
    rejected = made.source_segments[-1]
    article.segments[rejected].decision.status = "rejected"
    summary.refresh(article)
    assert f"English of segment {rejected}." not in article.summary.text
    # A rejected segment is left out on purpose: the note says so, never "no English yet".
    assert article.summary.note.startswith(f"rejected segment(s) {rejected}: left out")
    assert "correct them" in article.summary.note and summary.GAP not in article.summary.note


def test_a_two_sentence_article_is_its_own_summary_and_says_so():
    article = fake_english(article_from_text(
        "Kurze Meldung\nDer Zug kam zu spät. Niemand wurde verletzt."))
    made = summary.extractive(article)
    assert made.source_segments == [s.index for s in article.segments]
    assert "whole text" in made.note


def test_untranslated_article_asks_for_translation_first(seeds):
    article = load_path_untranslated(seeds)
    for make in (summary.extractive, lambda a: summary.abstractive(a, PlantedSummarizer(""))):
        with pytest.raises(NothingToDoError) as err:
            make(article)
        assert f"python -m review translate {article.id}" in str(err.value)


def load_path_untranslated(seeds):
    article = copy.deepcopy(seeds[0][1])
    for seg in article.segments:
        seg.machine = None
    return article


# --- abstractive and faithfulness -----------------------------------------------------------

class PlantedSummarizer(Summarizer):
    """A fake engine: the test is about what happens to a summary, not how it was written."""

    model_id, engine = "planted", "fake"

    def __init__(self, text):
        self.text = text

    def summarize(self, segments):
        return Output(self.text, -1.0, self.model_id, self.engine)


GERMAN = ("Kremlsprecher Dmitri Peskow sagte, Nordkorea habe 10.000 Soldaten und 1,2 Millionen "
          "Granaten geschickt. Die Inflation lag bei 3,5 Prozent.")
ENGLISH = ("Kremlin spokesman Dmitry Peskov said North Korea had sent 10,000 soldiers and 1.2 "
           "million shells. Inflation was 3,5 per cent.")


def test_supported_numbers_and_names_are_not_flagged():
    text = ("North Korea sent 10,000 soldiers and 1.2 million shells, said Dmitri Peskov. "
            "Inflation was 3.5 percent.")
    assert summary.faithfulness_flags(text, ENGLISH, GERMAN) == []


def test_planted_number_and_name_are_flagged():
    text = "North Korea sent 7,500 soldiers, said Peskov and Angela Merkel."
    flags = summary.faithfulness_flags(text, ENGLISH, GERMAN)
    details = {f.code: f.detail for f in flags}
    assert set(details) == {"summary_number_unsupported", "summary_name_unsupported"}
    assert "7,500" in details["summary_number_unsupported"]
    assert "Angela Merkel" in details["summary_name_unsupported"]


def test_a_number_only_the_german_has_is_supported():
    english = "Inflation was high."  # the translation dropped the figure
    assert summary.faithfulness_flags("Inflation was 3.5 percent.", english, GERMAN) == []
    assert summary.faithfulness_flags("Inflation was 3.5 percent.", english, "") != []


def test_abstractive_summary_records_model_sources_and_flags(seeds):
    _, article, _ = seeds[0]
    made = summary.abstractive(article, PlantedSummarizer("Russia received 999 shells."))
    assert made.method == "abstractive" and made.model == "planted"
    assert made.source_segments == [s.index for s in article.segments
                                    if s.kind == "text" and s.english]
    assert [f.code for f in made.flags] == ["summary_number_unsupported"]


def test_abstractive_with_the_tiny_bart_model(seeds, tiny_bart):
    from models.bart import BartSummarizer

    _, article, _ = seeds[0]
    made = summary.abstractive(article, BartSummarizer(tiny_bart, "tiny-bart"))
    assert made.text and made.model == "tiny-bart" and made.method == "abstractive"


# --- the summarize command ------------------------------------------------------------------

def test_summarize_json_on_an_untranslated_file_shows_the_german_choice(seed_files):
    path = seed_files[1]
    code, out, err = run("summarize", path, "--json")
    assert code == 0, err
    result = json.loads(out)
    raw = path.read_text(encoding="utf-8")
    assert result["method"] == "extractive" and result["language"] == "de"
    assert 2 <= len(result["sentences"]) <= 6
    assert all(s["text"] is None and s["source"] in raw for s in result["sentences"])
    assert result["summary"] == " ".join(s["source"] for s in result["sentences"])
    assert "no English yet" in err and "translate" in err


def test_summarize_a_stored_review_file_uses_its_english(seeds, tmp_path):
    _, article, made = seeds[1]
    article = copy.deepcopy(article)
    fixed = article.segments[made.source_segments[0]]
    fixed.decision.status, fixed.decision.text = "corrected", "Reviewed English."
    stored = tmp_path / f"{article.id}.json"
    stored.write_text(json.dumps(article.to_dict(), ensure_ascii=False), encoding="utf-8")
    code, out, err = run("summarize", stored, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["language"] == "en"
    assert [s["segment"] for s in result["sentences"]] == made.source_segments
    assert result["sentences"][0]["text"] == "Reviewed English."
    assert result["summary"].startswith("Reviewed English. ")


def test_summarize_abstractive_translates_first(tmp_path, tiny_marian, tiny_bart):
    from models import registry

    registry.cache_clear()
    short = tmp_path / "kurz.txt"  # short: random models write the longest gibberish they may
    short.write_text("Nordkorea hat Russland Munition geliefert. Putin dankte Kim Jong Un "
                     "dafür am Montag. Die EU will der Ukraine eine Million Granaten liefern.",
                     encoding="utf-8")
    code, out, err = run("summarize", short, "--method", "abstractive", "--json",
                         "--mt-model", tiny_marian, "--sum-model", tiny_bart)
    assert code == 0, err
    result = json.loads(out)
    assert result["method"] == "abstractive" and result["summary"]
    assert result["model"] == str(tiny_bart)
    assert all(s["text"] for s in result["sentences"])


def test_summarize_abstractive_without_a_model_is_one_line_exit_2(seed_files, tmp_path):
    code, out, err = run("summarize", seed_files[1], "--method", "abstractive",
                         "--sum-model", tmp_path / "no-such-model")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "no-such-model" in err


def test_summarize_a_missing_file_is_one_line_exit_2(tmp_path):
    code, _, err = run("summarize", tmp_path / "nope.txt")
    assert code == 2 and err.startswith("error: ") and "nope.txt" in err
