"""The BART summarizer on a tiny random model: real loading, chunking, staging and generation."""
from __future__ import annotations

import shutil

import pytest

from models.bart import BartSummarizer
from models.base import ModelUnavailable
from review.bench.tiny import seed_lines


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Other test processes share the two cores; one torch thread avoids thrashing."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def summarizer(tiny_bart):
    return BartSummarizer(tiny_bart, "tiny-bart")


def test_short_input_is_one_model_call_with_confidence(summarizer):
    out = summarizer.summarize(["North Korea sent shells to Russia.", "Putin thanked Kim."])
    assert summarizer.last_stages == [1]
    assert out.text.strip()
    assert out.confidence is not None and out.confidence < 0  # a mean log-probability
    assert (out.model, out.engine) == ("tiny-bart", "transformers")


def test_long_input_is_chunked_then_summarized_again(summarizer):
    segments = seed_lines()[:12]  # far more than the tiny model's 128-token input
    assert summarizer.input_limit < sum(len(s.split()) for s in segments)
    out = summarizer.summarize(segments)
    first, *later = summarizer.last_stages
    assert first > 1 and later and later[-1] == 1  # chunk summaries, then one summary of them
    assert out.text.strip() and out.confidence is not None


def test_chunks_fit_the_model_and_lose_no_words(summarizer):
    too_long = " ".join(seed_lines()[:4])  # one segment over the limit on its own
    segments = ["Kurz.", too_long, "Noch ein Satz."]
    chunks = summarizer.pack(segments)
    counts = [len(summarizer._tokenizer(c)["input_ids"]) for c in chunks]
    assert len(chunks) > 1 and max(counts) <= summarizer.input_limit
    assert " ".join(chunks).split() == " ".join(segments).split()


def test_a_long_text_without_spaces_is_still_cut_to_fit(summarizer):
    gibberish = "Waffenlieferungen" * 60  # what a random translation model can produce
    chunks = summarizer.pack([gibberish])
    assert len(chunks) > 1 and "".join(chunks) == gibberish
    assert all(len(summarizer._tokenizer(c)["input_ids"]) <= summarizer.input_limit
               for c in chunks)


def test_blank_input_gives_empty_output_without_a_model_call(summarizer):
    out = summarizer.summarize(["", "   "])
    assert out.text == "" and out.confidence is None


def test_a_folder_without_a_model_is_one_line_model_error(tmp_path):
    broken = BartSummarizer(tmp_path, "my/bart")
    with pytest.raises(ModelUnavailable) as err:
        broken.summarize(["Some text."])
    message = str(err.value)
    assert "my/bart" in message and "\n" not in message


def test_corrupt_weights_are_one_line_model_error(tiny_bart, tmp_path):
    folder = tmp_path / "bart"
    shutil.copytree(tiny_bart, folder)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file" * 10)
    with pytest.raises(ModelUnavailable) as err:  # not the library's SafetensorError
        BartSummarizer(folder, "my/bart").summarize(["Some text."])
    message = str(err.value)
    assert "my/bart" in message and "models pull" in message and "\n" not in message


def test_registry_builds_it_from_a_local_folder(tiny_bart):
    from models import registry

    registry.cache_clear()
    summarizer = registry.get_summarizer(str(tiny_bart), engine="transformers")
    assert isinstance(summarizer, BartSummarizer)
    assert summarizer.summarize(["Russia and North Korea signed a pact."]).text.strip()
