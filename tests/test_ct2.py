"""The CTranslate2 engine keeps the transformers engine's contract, on tiny converted models."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from review.bench import tiny as tiny_models

from models import chunking
from models.base import ModelUnavailable
from models.ct2 import CT2Summarizer, CT2Translator, convert, converted_dir, is_converted

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed_sentences(name: str = "001_*.txt", count: int = 12) -> list[str]:
    path = next(SEEDS.glob(name))
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()][:count]


@pytest.fixture(scope="module")
def sharp_marian(tiny_marian, tmp_path_factory) -> Path:
    """The tiny Marian with its weights times 20, for this module alone: it tells sentences
    apart (the plain random model says the same thing to everything)."""
    return tiny_models.sharpen_marian(tiny_marian, tmp_path_factory.mktemp("sharp") / "marian")


@pytest.fixture(scope="module")
def ct2_translator(sharp_marian) -> CT2Translator:
    return CT2Translator(convert(sharp_marian, "tiny-marian"), sharp_marian, "tiny-marian")


@pytest.fixture(scope="module")
def bart_copy(tiny_bart, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bart") / "bart"
    shutil.copytree(tiny_bart, folder)
    return folder


def test_local_model_converts_next_to_itself_once(sharp_marian, ct2_translator):
    out = converted_dir(sharp_marian, "tiny-marian")
    assert out == sharp_marian / "ctranslate2-int8" and is_converted(out)
    assert json.loads((out / "config.json").read_text())["eos_token"] == "</s>"
    stamp = (out / "model.bin").stat().st_mtime_ns
    assert convert(sharp_marian, "tiny-marian") == out
    assert (out / "model.bin").stat().st_mtime_ns == stamp
    assert [p.name for p in sharp_marian.iterdir() if p.name.startswith(".ct2-")] == []


def test_hub_cache_model_converts_under_review_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEW_CACHE", str(tmp_path / "cache"))
    snapshot = tmp_path / "hub" / "models--Helsinki-NLP--opus-mt-de-en" / "snapshots" / "abc123"
    out = converted_dir(snapshot, "Helsinki-NLP/opus-mt-de-en")
    assert out.parent == tmp_path / "cache" / "ct2"
    assert "opus-mt-de-en" in out.name and out.name.endswith("-int8") and "/" not in out.name


def test_unconvertible_model_is_one_line_and_leaves_nothing(tmp_path):
    folder = tmp_path / "not-seq2seq"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ModelUnavailable) as err:
        convert(folder, "some/bert")
    assert "some/bert" in str(err.value) and "\n" not in str(err.value)
    assert sorted(p.name for p in folder.iterdir()) == ["config.json"]


def test_missing_conversion_says_how_to_fix(sharp_marian, tmp_path):
    with pytest.raises(ModelUnavailable, match="models pull"):
        CT2Translator(tmp_path / "nothing", sharp_marian, "tiny-marian")


# Junk model.bin fails with ctranslate2's RuntimeError; a tokenizer.json of the wrong shape with
# tokenizers' KeyError, which the old (OSError, ValueError) let through as a traceback.
@pytest.mark.parametrize("damaged, junk", [("ctranslate2-int8/model.bin", b"junk" * 50),
                                           ("tokenizer.json", b'{"junk": 1}')])
def test_corrupt_files_are_one_line_model_error(tiny_bart, tmp_path, damaged, junk):
    folder = tmp_path / "bart"
    shutil.copytree(tiny_bart, folder)
    ct2_path = convert(folder, "tiny-bart")
    (folder / damaged).write_bytes(junk)
    with pytest.raises(ModelUnavailable) as err:  # not the library's own error class
        CT2Summarizer(ct2_path, folder, "tiny-bart")
    assert "tiny-bart" in str(err.value) and "\n" not in str(err.value)


def test_one_output_per_segment_with_the_transformers_alignment(ct2_translator, sharp_marian):
    from models.marian import MarianTranslator

    sentences = _seed_sentences()
    segments = [sentences[0], "", "   ", "12.000", " ".join(sentences[1:5]), sentences[5]]
    outputs = ct2_translator.translate(segments)
    reference = MarianTranslator(sharp_marian, "tiny-marian").translate(segments)
    assert len(outputs) == len(segments)
    assert [o.text == "" for o in outputs] == [r.text == "" for r in reference]
    assert [o.confidence is None for o in outputs] == [r.confidence is None for r in reference]
    assert outputs[1].text == outputs[2].text == "" and outputs[3].text == "12.000"
    for out in (outputs[0], outputs[4], outputs[5]):
        assert out.text and out.confidence <= 0
    assert {(o.engine, o.model) for o in outputs} == {("ctranslate2", "tiny-marian")}


def test_order_follows_the_input(ct2_translator):
    sentences = _seed_sentences()
    forward = [o.text for o in ct2_translator.translate(sentences)]
    backward = [o.text for o in ct2_translator.translate(sentences[::-1])]
    assert len(set(forward)) > 1  # the test means something only if outputs differ
    assert backward[::-1] == forward


def test_long_segment_is_split_and_rejoined_in_order(ct2_translator):
    long = " ".join(_seed_sentences("002_*.txt", 6))
    assert ct2_translator.count_tokens(long) > ct2_translator.max_input_tokens
    pieces = chunking.split_to_fit(long, ct2_translator.count_tokens,
                                   ct2_translator.max_input_tokens)
    assert len(pieces) > 1
    whole = ct2_translator.translate([long])[0]
    parts = ct2_translator.translate(pieces)
    assert whole.text == " ".join(p.text for p in parts)
    assert whole.confidence <= 0


def test_progress_counts_segments_up_to_the_total(ct2_translator):
    calls = []
    segments = _seed_sentences()[:5] + [""]
    ct2_translator.translate(segments, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (6, 6)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_nothing_to_send_sends_nothing(ct2_translator):
    outputs = ct2_translator.translate(["", "  \n"])
    assert [(o.text, o.confidence) for o in outputs] == [("", None), ("", None)]
    assert ct2_translator.translate([]) == []


def test_summarizer_chunks_like_the_transformers_one(bart_copy):
    from models.bart import BartSummarizer

    segments = [ln for p in sorted(SEEDS.glob("*.txt"))[:2]
                for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    summarizer = CT2Summarizer(convert(bart_copy, "tiny-bart"), bart_copy, "tiny-bart")
    out = summarizer.summarize(segments)
    assert out.text and out.confidence <= 0
    assert (out.engine, out.model) == ("ctranslate2", "tiny-bart")
    reference = BartSummarizer(bart_copy, "tiny-bart")
    reference.summarize(segments)
    assert summarizer.last_stages == reference.last_stages and len(summarizer.last_stages) > 1
    assert summarizer.summarize(["", " "]).text == ""
