"""Tiny random Marian, NLLB and BART models with vocabularies trained on the seeds.

The weights are random, so the output is gibberish, but every byte of the real loading,
tokenizing and generation code runs, in seconds and without downloading anything: the tests
build them once per session, and scripts/bench_review_page.py serves the review page with one
(its speed does not depend on the model). The full-size bench models are in build.py.
Torch, transformers, tokenizers and sentencepiece are imported inside the builders only.
"""
from __future__ import annotations

import json
from pathlib import Path

from review.bench.build import SEEDS

# Small enough to build in seconds, short enough that long sentences must be split.
MAX_POSITIONS = 64


def seed_lines() -> list[str]:
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def build_tiny_marian(folder: Path) -> Path:
    """Save a random MarianMTModel and its SentencePiece tokenizer under ``folder``."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(seed_lines()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / "spm"), vocab_size=400,
        character_coverage=1.0, model_type="unigram", pad_id=-1, eos_id=-1, bos_id=-1,
        unk_id=0, minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(folder / "spm.model"))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab = {"</s>": 0, "<unk>": 1, "<pad>": 2}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes((folder / "spm.model").read_bytes())
    tokenizer = MarianTokenizer(
        source_spm=str(folder / "source.spm"), target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"), model_max_length=MAX_POSITIONS,
    )
    config = MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=MAX_POSITIONS, pad_token_id=2,
        eos_token_id=0, decoder_start_token_id=2, forced_eos_token_id=0, max_length=MAX_POSITIONS,
        num_beams=1, share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    for name in ("corpus.txt", "spm.model", "spm.vocab"):
        (folder / name).unlink()
    return folder


def build_tiny_nllb(folder: Path) -> Path:
    """Save a random NLLB model (M2M100 architecture, NllbTokenizer with its 200 language
    codes, a BPE vocabulary trained on the seeds) under ``folder``. The tokenizer keeps
    NLLB's default source language, English, so the engines must set German themselves."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    bpe.train_from_iterator(seed_lines(), trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<s>", "<pad>", "</s>", "<unk>"], show_progress=False))
    trained = json.loads(bpe.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["merges"]]
    tokenizer = NllbTokenizer(vocab=trained["vocab"], merges=merges,
                              model_max_length=MAX_POSITIONS)
    config = M2M100Config(
        vocab_size=len(tokenizer), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=MAX_POSITIONS,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id, decoder_start_token_id=tokenizer.eos_token_id,
        scale_embedding=True)
    torch.manual_seed(1)
    M2M100ForConditionalGeneration(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_tiny_bart(folder: Path) -> Path:
    """Save a random BartForConditionalGeneration and a byte-level BPE tokenizer."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=500, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(seed_lines(), trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))],
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>", mask_token="<mask>", model_max_length=MAX_POSITIONS * 2,
    )
    config = BartConfig(
        vocab_size=tok.get_vocab_size(), d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=MAX_POSITIONS * 2,
        bos_token_id=0, pad_token_id=1, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0, forced_eos_token_id=2, min_length=5, max_length=40, num_beams=2,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def sharpen_marian(model: Path, folder: Path, factor: float = 20.0) -> Path:
    """A copy of the Marian model at ``model`` with every weight matrix times ``factor``."""
    import shutil

    import torch
    from transformers import MarianMTModel

    # A CTranslate2 copy converted inside the original holds the old weights: leave it out.
    shutil.copytree(model, folder, ignore=shutil.ignore_patterns("ctranslate2-int8"))
    marian = MarianMTModel.from_pretrained(folder)
    with torch.no_grad():
        for param in marian.parameters():
            if param.dim() > 1:
                param.mul_(factor)
    marian.save_pretrained(folder)
    return folder
