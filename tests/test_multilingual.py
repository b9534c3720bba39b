"""A multilingual model (NLLB) as translation or second-opinion model: German in, English out.

The tiny NLLB keeps NLLB's default source language (English) in its saved tokenizer, so these
tests fail unless the engines set German as the source and start every output with the English
language token, in transformers and in CTranslate2 alike.
"""
from __future__ import annotations

import math

import pytest

from review.bench import tiny as tiny_models
from models import languages
from models.ct2 import CT2Translator, convert
from models.marian import MarianTranslator
from review.batch import translate_articles
from review.store import ArticleStore

GERMAN = ["Die Regierung hat am Montag neue Regeln beschlossen.",
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro."]


@pytest.fixture(scope="module")
def tiny_nllb(tmp_path_factory):
    return tiny_models.build_tiny_nllb(tmp_path_factory.mktemp("nllb") / "model")


@pytest.fixture(scope="module")
def nllb(tiny_nllb):
    return MarianTranslator(tiny_nllb, "tiny-nllb")


def reference_generate(folder, texts, forced: bool):
    """What generate gives with German set and English forced (or neither), done by hand."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForSeq2SeqLM.from_pretrained(str(folder)).eval()
    options = {}
    if forced:
        tokenizer.src_lang = "deu_Latn"
        options["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids("eng_Latn")
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**batch, num_beams=4, do_sample=False, max_new_tokens=20,
                             **options)
    return out, tokenizer


def test_the_saved_tokenizer_would_read_english_so_the_engine_must_set_german(tiny_nllb, nllb):
    from transformers import AutoTokenizer

    assert AutoTokenizer.from_pretrained(str(tiny_nllb)).src_lang == "eng_Latn"
    assert nllb.tokenizer.src_lang == "deu_Latn" and nllb.tokenizer.tgt_lang == "eng_Latn"
    ids = nllb.tokenizer(GERMAN[0])["input_ids"]
    assert nllb.tokenizer.convert_ids_to_tokens(ids)[0] == "deu_Latn"


def test_transformers_output_starts_in_english_from_german_input(tiny_nllb, nllb):
    out, tokenizer = reference_generate(tiny_nllb, GERMAN, forced=True)
    assert all(tokenizer.convert_ids_to_tokens(seq.tolist())[1] == "eng_Latn" for seq in out)
    expected = [t.strip() for t in tokenizer.batch_decode(out, skip_special_tokens=True)]
    got = nllb.translate(GERMAN)
    # The engine's own length limit may cut a random model's loop elsewhere: one output
    # starts with the other (the forced English token and the German input decide both).
    for output, want in zip(got, expected):
        assert output.text and (want.startswith(output.text) or output.text.startswith(want))
        assert output.confidence is not None and math.isfinite(output.confidence)
    unforced, _ = reference_generate(tiny_nllb, GERMAN, forced=False)
    assert [seq.tolist() for seq in unforced] != [seq.tolist() for seq in out]


def test_scores_are_finite_log_probabilities(nllb):
    english = [o.text or "The government." for o in nllb.translate(GERMAN)]
    scores = nllb.score(GERMAN, english)
    assert all(s is not None and s < 0 and math.isfinite(s) for s in scores)


def test_ctranslate2_starts_with_the_english_token_too(tiny_nllb, tmp_path):
    import shutil

    import ctranslate2

    folder = tmp_path / "nllb"
    shutil.copytree(tiny_nllb, folder)
    translator = CT2Translator(convert(folder, "tiny-nllb"), folder, "tiny-nllb")
    assert translator.english_start == "eng_Latn"
    source = translator.tokenizer.convert_ids_to_tokens(
        translator.tokenizer(GERMAN[0])["input_ids"])
    assert source[0] == "deu_Latn"
    raw = ctranslate2.Translator(str(folder / "ctranslate2-int8"))
    result = raw.translate_batch([source], target_prefix=[["eng_Latn"]], beam_size=4,
                                 max_decoding_length=20)[0].hypotheses[0]
    assert result[0] == "eng_Latn"
    want = translator.tokenizer.decode(translator.tokenizer.convert_tokens_to_ids(result),
                                       skip_special_tokens=True).strip()
    got = translator.translate([GERMAN[0]])[0].text
    assert got and (want.startswith(got) or got.startswith(want))
    scores = translator.score(GERMAN, ["The government decided.", "The minister spoke."])
    assert all(s is not None and s < 0 for s in scores)


def test_a_one_pair_model_is_left_alone(tiny_marian):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_marian))
    assert languages.german_to_english(tokenizer) is None


def test_nllb_serves_as_the_second_opinion(tiny_marian, tiny_nllb, store_dir, seed_files):
    [result] = translate_articles([str(seed_files[0])], store=store_dir,
                                  mt_model=str(tiny_marian), summary="none",
                                  second_model=str(tiny_nllb), engine="transformers")
    assert result.status == "translated"
    article = ArticleStore(store_dir).get(result.id)
    seconds = [s.second for s in article.reviewable() if s.machine is not None]
    assert seconds and all(s is not None and s.model == str(tiny_nllb) for s in seconds)
    assert not any("_Latn" in s.text or "_Thai" in s.text for s in seconds)
