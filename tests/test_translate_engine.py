"""The transformers translation engine and the chunking it shares with CTranslate2.

Models are the session's tiny random Marian, loaded through the registry from a folder; a copy
with sharper weights is used where outputs must differ between inputs.
"""
from __future__ import annotations

import os
import shutil

import pytest

from models import chunking, registry
from models.marian import MarianTranslator

# Short on purpose: the random model rarely stops, so output length follows input length.
SENTENCES = ["Putin habe eine Einladung erhalten.", "Guten Morgen.", "Nordkorea liefert Munition."]


@pytest.fixture(scope="module")
def lively_marian(tiny_marian, tmp_path_factory):
    """The tiny Marian with weights scaled up, so different inputs give different outputs."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    folder = tmp_path_factory.mktemp("lively-marian") / "model"
    shutil.copytree(tiny_marian, folder, ignore=shutil.ignore_patterns("ctranslate2*"))
    model = AutoModelForSeq2SeqLM.from_pretrained(folder)
    with torch.no_grad():
        for param in model.parameters():
            param.mul_(8)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def one_thread():
    """Tiny models on a shared 2-core machine run ~15x faster on one torch thread."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REVIEW_TORCH_THREADS", "1")
        yield


@pytest.fixture(scope="module")
def translator(lively_marian, one_thread):
    """Loaded like the app and CLI load it: through the registry, from a folder id."""
    return registry.get_translator(str(lively_marian), engine="transformers")


@pytest.fixture(scope="module")
def greedy(lively_marian, one_thread):
    """A one-beam translator, for the tests where speed matters more than the search."""
    return MarianTranslator(lively_marian, "lively", num_beams=1)


@pytest.fixture
def model_inputs(monkeypatch):
    """Record the input_ids of every batch a translator hands to ``generate``."""
    def spy(translator):
        seen = []
        real = translator.model.generate

        def generate(**kwargs):
            seen.append(kwargs["input_ids"])
            return real(**kwargs)

        monkeypatch.setattr(translator.model, "generate", generate)
        return seen
    return spy


def assert_honest(outputs):
    """An empty text never comes with a model confidence, i.e. is never passed off as real."""
    for out in outputs:
        assert out.text.strip() or out.confidence is None, out


def test_outputs_follow_input_order_with_beam_search(translator, lively_marian):
    forward = translator.translate(SENTENCES)
    backward = translator.translate(SENTENCES[::-1])
    assert len(forward) == len(SENTENCES)
    assert len({out.text for out in forward}) > 1  # else order could not show
    assert [out.text for out in backward[::-1]] == [out.text for out in forward]
    assert [out.confidence for out in backward[::-1]] == pytest.approx(
        [out.confidence for out in forward], abs=1e-4)
    for out in forward:
        assert out.text.strip()
        assert out.confidence is not None and out.confidence <= 0
        assert out.model == str(lively_marian)  # the id as the user named it
        assert out.engine == "transformers"
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # all of this ran offline


def test_blank_segments_are_not_sent_to_the_model(greedy, model_inputs):
    sent = model_inputs(greedy)
    outputs = greedy.translate(["", "   ", SENTENCES[1], "\t\n"])
    assert sum(batch.shape[0] for batch in sent) == 1
    assert [out.text == "" for out in outputs] == [True, True, False, True]
    assert [out.confidence is None for out in outputs] == [True, True, False, True]


def test_over_long_segment_is_split_and_rejoined_into_one_output(greedy, model_inputs,
                                                                 seed_files):
    words = " ".join(p.read_text(encoding="utf-8") for p in seed_files).split()[:100]
    long = " ".join(words)
    assert greedy.count_tokens(long) > 3 * greedy.max_input_tokens
    sent = model_inputs(greedy)
    outputs = greedy.translate([SENTENCES[1], long])  # a short one shares the first batch
    assert len(outputs) == 2
    assert sum(batch.shape[0] for batch in sent) >= 1 + 3  # the long one went in 3+ pieces
    assert all(batch.shape[1] <= greedy.max_input_tokens for batch in sent)
    assert outputs[1].text and outputs[1].confidence <= 0
    alone = greedy.translate([SENTENCES[1]])[0]
    assert len(outputs[1].text) > len(alone.text)  # several pieces' output, joined


def test_odd_input_gives_a_clear_result(greedy):
    junk = bytes(range(256)).decode("latin-1")
    outputs = greedy.translate(["12.345 – 67,8", "\x00\x01\x02\ufffd", junk, "***"])
    assert outputs[0].text == "12.345 – 67,8" and outputs[0].confidence is None  # copied
    assert outputs[1].text == "" and outputs[1].confidence is None
    assert outputs[2].confidence is not None  # it has letters (À, ß...): translated
    assert outputs[3].text == "***" and outputs[3].confidence is None
    assert_honest(outputs)


def test_torch_threads_follow_the_environment(monkeypatch):
    from models.marian import torch_threads

    monkeypatch.setenv("REVIEW_TORCH_THREADS", "3")
    assert torch_threads() == 3
    monkeypatch.setenv("REVIEW_TORCH_THREADS", "lots")
    assert torch_threads() == os.cpu_count()


def test_progress_counts_segments_up_to_the_total(greedy):
    calls = []
    greedy.batch_size = 2
    try:
        greedy.translate(SENTENCES + ["", "Hallo."], progress=lambda d, t: calls.append((d, t)))
    finally:
        greedy.batch_size = 16
    assert len(calls) == 2  # four pieces in batches of two
    assert calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    calls.clear()
    greedy.translate(["", " "], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(2, 2)]


# --- chunking, engine-agnostic: a word is a token here --------------------------------------

def count_words(text: str) -> int:
    return len(text.split()) + 1  # +1 like an end-of-sentence token


def test_split_prefers_sentence_ends_then_commas_near_the_middle():
    text = ("Der Kanzler sprach lange mit den Ministern. Danach gab es eine Pressekonferenz, "
            "in der viele Fragen gestellt wurden.")
    pieces = chunking.split_to_fit(text, count_words, 12)
    assert pieces[0] == "Der Kanzler sprach lange mit den Ministern."
    assert all(count_words(p) <= 12 for p in pieces)
    assert " ".join(pieces) == text


def test_split_keeps_every_word_and_fits_the_limit():
    text = " ".join(f"wort{i}" for i in range(500))  # no punctuation at all
    pieces = chunking.split_to_fit(text, count_words, 40)
    assert len(pieces) >= 500 // 40
    assert all(count_words(p) <= 40 for p in pieces)
    assert " ".join(pieces) == text


def test_split_leaves_short_text_alone_and_cuts_text_without_spaces():
    assert chunking.split_to_fit("Kurzer Satz.", count_words, 10) == ["Kurzer Satz."]
    blob = "x" * 100
    pieces = chunking.split_to_fit(blob, len, 30)
    assert len(pieces) > 1 and "".join(pieces) == blob


def test_clean_drops_junk_characters_but_keeps_words():
    assert chunking.clean("Bundes\xadregierung\x00 \ufffd  sagt\u200b:\n ja") == \
        "Bundesregierung sagt: ja"


def test_rejoin_weights_confidence_by_generated_tokens():
    segments = ["a b c d", "", "e"]
    pieces = [chunking.Piece(0, "a b", 3), chunking.Piece(0, "c d", 3), chunking.Piece(2, "e", 2)]
    results = [chunking.PieceResult("A B", -1.0, 3), chunking.PieceResult("C D", -2.0, 1),
               chunking.PieceResult("E", -0.5, 2)]
    outputs = chunking.rejoin(segments, pieces, results, "m", "transformers")
    assert [o.text for o in outputs] == ["A B C D", "", "E"]
    assert outputs[0].confidence == pytest.approx((-1.0 * 3 + -2.0 * 1) / 4)
    assert outputs[1].confidence is None


def test_rejoin_never_passes_off_an_empty_model_output():
    pieces = [chunking.Piece(0, "Hallo", 2)]
    outputs = chunking.rejoin(["Hallo"], pieces, [chunking.PieceResult(" ", -0.1, 1)], "m", "t")
    assert outputs[0].text == "" and outputs[0].confidence is None


def test_confidence_ignores_padding_after_end_of_sentence():
    import torch

    from models.marian import _mean_logprobs

    # decoder start 2, tokens 5 and EOS 0, then padding a finished beam scores at -inf
    sequences = torch.tensor([[2, 5, 0, 2, 2], [2, 7, 8, 9, 0]])
    scores = torch.tensor([[-1.0, -3.0, float("-inf"), float("-inf")], [-1.0, -1.0, -1.0, -2.0]])
    means, counts = _mean_logprobs(sequences, scores, eos_id=0)
    assert means == pytest.approx([-2.0, -1.25]) and counts == [2, 4]
