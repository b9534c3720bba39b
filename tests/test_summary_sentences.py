"""Summaries reviewed claim by claim: every sentence with its evidence (real e5 embeddings),
verdicts from the CLI with their history, approval refused while a claim is unsupported, stale
verdicts, the note on rejected segments, and evidence through numbers and names."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from click.testing import CliRunner

from review import pipeline, summary_sentences
from review.article import Article, MachineOutput
from review.cli import main
from review.errors import BadInputError, StaleRevisionError
from review.ingest import article_from_text, load_path
from review.store import ArticleStore
from test_summary import PlantedSummarizer


def fake_english(article: Article) -> Article:
    for seg in article.reviewable():
        seg.machine = MachineOutput(f"English of segment {seg.index}.", "fake-mt", -0.5)
    return article


@pytest.fixture
def store(tmp_path) -> ArticleStore:
    return ArticleStore(tmp_path / "store")


@pytest.fixture
def seeded(store, seed_files) -> str:
    """A seed article, translated, with its extractive summary made as the pipeline does."""
    article = store.add(fake_english(load_path(seed_files[0])[0]))
    pipeline.make_summary(store, article.id, "extractive")
    return article.id


def on_disk(store: ArticleStore, article_id: str) -> dict:
    return json.loads(store.path(article_id).read_text("utf-8"))


def run(store: ArticleStore, *args):
    result = CliRunner().invoke(main, [*map(str, args), "--store", str(store.root)])
    return result.exit_code, result.stdout, result.stderr




# --- evidence --------------------------------------------------------------------------------

def test_every_sentence_of_a_seed_summary_lists_its_evidence(store, seeded):
    data = on_disk(store, seeded)["summary"]
    sentences = data["sentences"]
    assert [s["text"] for s in sentences] == [f"English of segment {i}."
                                              for i in data["source_segments"]]
    for sentence, index in zip(sentences, data["source_segments"]):
        assert sentence["evidence"][0] == index  # its own segment first
        assert 1 <= len(sentence["evidence"]) <= summary_sentences.TOP
        assert sentence["verdict"] is None and sentence["note"] is None


def test_an_abstractive_summary_of_a_seed_gets_evidence_for_every_sentence(store, seed_files):
    article = store.add(fake_english(load_path(seed_files[1])[0]))
    first = article.reviewable()[2].index
    planted = f"English of segment {first}. It said 1.5 percent. Mr. Smith agreed, e.g. in Bonn."
    pipeline.make_summary(store, article.id, "abstractive", PlantedSummarizer(planted))
    sentences = on_disk(store, article.id)["summary"]["sentences"]
    assert [s["text"] for s in sentences] == [f"English of segment {first}.",
                                              "It said 1.5 percent.",
                                              "Mr. Smith agreed, e.g. in Bonn."]
    assert all(s["evidence"] for s in sentences)
    assert sentences[0]["evidence"][0] == first


def test_the_splitter_keeps_abbreviations_initials_and_decimals_together():
    text = ("The U.S. economy grew 3.5 percent. Dr. J. Smith met Apple Inc. officials at "
            "5 p.m. The talks ended!\n\"We won,\" she said. Prices rose, e.g. in Berlin.")
    assert summary_sentences.split(text) == [
        "The U.S. economy grew 3.5 percent.",
        "Dr. J. Smith met Apple Inc. officials at 5 p.m.", "The talks ended!",
        "\"We won,\" she said.", "Prices rose, e.g. in Berlin."]


GERMAN = ("Bahnstreik legt den Verkehr lahm\n"
          "Die Gewerkschaft hat für Montag einen Streik angekündigt. "
          "Rund 4.500 Züge fallen aus. "
          "Verkehrsminister Peter Schmidt kritisierte den Streik scharf. Die Bahn bietet "
          "Ersatzbusse an. Pendler sollen auf das Auto ausweichen.")
ENGLISH = ["Rail strike paralyses traffic", "The union has called a strike for Monday.",
           "Around 4,500 trains are cancelled.",
           "Transport minister Peter Schmidt sharply criticised the strike.",
           "The railway is offering replacement buses.",
           "Commuters are advised to switch to the car."]


def strike_article(store: ArticleStore) -> str:
    article = article_from_text(GERMAN)
    assert [s.source for s in article.segments][2].startswith("Rund 4.500")
    for seg, english in zip(article.segments, ENGLISH):
        seg.machine = MachineOutput(english, "fake-mt", -0.5)
    return store.add(article).id


def test_a_written_summary_finds_the_segments_of_its_numbers_and_names(store, monkeypatch):
    monkeypatch.setattr(summary_sentences, "TOP", 1)  # similarity gives the best segment only
    article_id = strike_article(store)
    code, out, err = run(store, "decide", article_id, "--summary", "--correct",
                         "Commuters are advised to switch to the car for the 4500 journeys. The "
                         "railway offers replacement buses, Schmidt says.", "--reviewer", "ana")
    assert code == 0, err
    sentences = on_disk(store, article_id)["summary"]["sentences"]
    assert len(sentences) == 2 and all(s["verdict"] == "supported" for s in sentences)
    assert sentences[0]["evidence"] == [5, 2]  # the car; then 4.500 (= 4500) in segment 2
    assert sentences[1]["evidence"] == [4, 3]  # the buses; then Peter Schmidt in segment 3


# --- verdicts ---------------------------------------------------------------------------------

def test_the_cli_sets_a_verdict_and_it_is_stored_with_its_history(store, seeded):
    code, out, err = run(store, "decide", seeded, "--summary-sentence", "1", "--verdict",
                         "unsupported", "--note", "not in the text", "--reviewer", "ana")
    assert code == 0 and err == ""
    assert out == f"{seeded} summary sentence 1: unsupported by ana (revision 1)\n"
    data = on_disk(store, seeded)
    assert data["summary"]["sentences"][1]["verdict"] == "unsupported"
    assert data["summary"]["sentences"][1]["note"] == "not in the text"
    assert data["summary"]["decision"]["revision"] == 1
    entry = data["history"][-1]
    assert (entry["target"], entry["action"], entry["reviewer"]) == ("summary", "verdict", "ana")
    assert entry["before"] == {"sentence": "1", "verdict": None, "note": None}
    assert entry["after"] == {"sentence": "1", "verdict": "unsupported",
                              "note": "not in the text"}


def test_accept_is_refused_while_a_sentence_is_unsupported_until_corrected_away(store, seeded):
    store.verdict(seeded, 1, "unsupported", "ana")
    sentences = store.get(seeded).summary.sentences
    before = store.path(seeded).read_bytes()
    code, out, err = run(store, "decide", seeded, "--summary", "--accept", "--reviewer", "bo")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "sentence(s) 1 " in err and "--verdict supported" in err and "Traceback" not in err
    assert store.path(seeded).read_bytes() == before  # nothing written

    # Correcting to a text that keeps the sentence (spaces aside) is refused too.
    kept = "  ".join(s.text for s in sentences)
    assert run(store, "decide", seeded, "--summary", "--correct", kept,
               "--reviewer", "bo")[0] == 2
    without = " ".join(s.text for k, s in enumerate(sentences) if k != 1) + " A new claim."
    code, out, err = run(store, "decide", seeded, "--summary", "--correct", without,
                         "--reviewer", "bo")
    assert code == 0, err
    data = on_disk(store, seeded)
    now = data["summary"]["sentences"]
    assert [s["text"] for s in now] == [s.text for k, s in enumerate(sentences) if k != 1] + [
        "A new claim."]
    assert [s["evidence"] for s in now[:-1]] == [s.evidence for k, s in enumerate(sentences)
                                                 if k != 1]  # kept with their evidence
    assert now[-1]["evidence"] and {s["verdict"] for s in now} == {"supported"}
    assert data["history"][-1]["after"]["sentences"] == now


def test_a_stale_verdict_is_refused_and_changes_nothing(store, seeded):
    store.verdict(seeded, 0, "supported", "ana", expected_revision=0)
    before = store.path(seeded).read_bytes()
    with pytest.raises(StaleRevisionError):
        store.verdict(seeded, 1, "contradicted", "bo", expected_revision=0)
    code, out, err = run(store, "decide", seeded, "--summary-sentence", "1", "--verdict",
                         "contradicted", "--expected-revision", "0", "--reviewer", "bo")
    assert code == 2 and "changed by ana" in err and len(err.strip().splitlines()) == 1
    assert store.path(seeded).read_bytes() == before


def test_an_approved_summary_takes_no_unsupported_verdict(store, seeded):
    store.decide(seeded, "summary", "accept", "ana")
    with pytest.raises(BadInputError, match="undo the approval first"):
        store.verdict(seeded, 0, "contradicted", "bo")
    assert store.get(seeded).summary.sentences[0].verdict == "supported"


def test_undo_puts_back_the_sentences_before_the_decision(store, seeded):
    store.verdict(seeded, 0, "unsupported", "ana", note="why")
    original = store.get(seeded).summary.sentences
    assert run(store, "decide", seeded, "--summary", "--correct", "Something else.",
               "--reviewer", "ana")[0] == 0
    assert run(store, "decide", seeded, "--summary", "--undo", "--reviewer", "ana")[0] == 0
    assert store.get(seeded).summary.sentences == original
    correct, undo = on_disk(store, seeded)["history"][-2:]
    assert [s["text"] for s in correct["after"]["sentences"]] == ["Something else."]
    assert undo["after"]["sentences"] == [asdict(s) for s in original]


def test_bad_sentence_numbers_and_combinations_are_one_line_exit_2(store, seeded):
    count = len(store.get(seeded).summary.sentences)
    bare = store.add(fake_english(article_from_text("Titel\nDer Zug kam. Er fuhr ab.", id="b1")))
    cases = [((seeded, "--summary-sentence", count, "--verdict", "supported"),
              [f"sentence {count}", f"has {count}", f"0 to {count - 1}"]),
             ((seeded, "--summary-sentence", -1, "--verdict", "supported"), ["sentence -1"]),
             ((bare.id, "--summary-sentence", 0, "--verdict", "supported"),
              ["sentence 0", "0 sentences", "python -m review translate"]),
             ((seeded, "--summary-sentence", 0), ["together"]),
             ((seeded, "--summary-sentence", 0, "--verdict", "supported", "--summary"),
              ["cannot be combined"]),
             ((seeded, "--summary-sentence", 0, "--verdict", "maybe"), ["'maybe'"])]
    for args, words in cases:
        code, out, err = run(store, "decide", *args, "--reviewer", "ana")
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, args
        assert all(word in err for word in words), err
    assert "0-based" in run(store, "decide", "--help")[1]


# --- the summary as segments change -----------------------------------------------------------

def test_a_rejected_segment_is_left_out_with_a_note_saying_so(store, seeded):
    used = store.get(seeded).summary.source_segments
    assert run(store, "decide", seeded, "--segment", used[0], "--reject",
               "--reviewer", "ana")[0] == 0
    store.update(seeded, lambda a: setattr(a.segment(used[1]), "machine", None))
    assert run(store, "decide", seeded, "--segment", used[2], "--accept",
               "--reviewer", "ana")[0] == 0  # the summary is re-derived after a decision
    summary = store.get(seeded).summary
    assert f"English of segment {used[0]}." not in summary.text
    assert f"rejected segment(s) {used[0]}: left out of the summary" in summary.note
    assert f"no English yet for segment(s) {used[1]}:" in summary.note
    assert f"no English yet for segment(s) {used[0]}" not in summary.note
    assert [s.evidence[0] for s in summary.sentences] == used[2:]


def test_a_correction_flows_into_its_sentence_with_the_evidence_kept(store, seeded):
    used = store.get(seeded).summary.source_segments
    store.verdict(seeded, 0, "unsupported", "ana")
    old = store.get(seeded).summary.sentences[0]
    assert run(store, "decide", seeded, "--segment", used[0], "--correct", "A better line.",
               "--reviewer", "ana")[0] == 0
    new = store.get(seeded).summary.sentences[0]
    assert (new.text, new.evidence, new.verdict) == ("A better line.", old.evidence, None)


def test_sentence_flags_give_each_sentence_the_flags_it_holds(store):
    article_id = strike_article(store)
    made = pipeline.make_summary(store, article_id, "abstractive", PlantedSummarizer(
        "Schmidt spoke. Some 7,000 trains and Angela Merkel stopped."))
    flags = summary_sentences.sentence_flags(made.summary)
    assert flags[0] == []
    assert {f.code for f in flags[1]} == {"summary_number_unsupported",
                                           "summary_name_unsupported"}
