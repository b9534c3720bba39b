"""Full-size random models of the real architectures, built once into the bench cache.

Speed does not depend on weight values, so random opus-mt-de-en and distilbart-cnn-12-6 shapes
measure what the real ones would. Vocabularies are trained on the seeds and padded with unused
tokens to the real sizes, so the output softmax costs what it really costs; a large negative
output bias keeps the filler (and, for Marian, pieces that do not start a word) out of the
output, so the text the checks read is made of words of ordinary length: a random model
otherwise emits one long run of filler names or word fragments, which is costlier to check
than any real English sentence.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MARIAN_VOCAB = 58101  # Helsinki-NLP/opus-mt-de-en; <pad> is the last id there
BART_VOCAB = 50264  # sshleifer/distilbart-cnn-12-6
TRAINED_PIECES = 4000  # what the seeds support; the rest of the vocabulary is filler


def seed_text() -> str:
    """All seed articles, one after the other."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def marian_config():
    """The opus-mt-de-en configuration (static sinusoidal positions, swish, scaled embeddings)."""
    from transformers import MarianConfig

    pad = MARIAN_VOCAB - 1
    return MarianConfig(
        vocab_size=MARIAN_VOCAB, d_model=512, encoder_layers=6, decoder_layers=6,
        encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048,
        decoder_ffn_dim=2048, max_position_embeddings=512, activation_function="swish",
        scale_embedding=True, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
        forced_eos_token_id=0, share_encoder_decoder_embeddings=True)


def bart_config():
    """The distilbart-cnn-12-6 configuration (12 encoder and 6 decoder layers, d_model 1024)."""
    from transformers import BartConfig

    return BartConfig(
        vocab_size=BART_VOCAB, d_model=1024, encoder_layers=12, decoder_layers=6,
        encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096,
        decoder_ffn_dim=4096, max_position_embeddings=1024, activation_function="gelu",
        bos_token_id=0, pad_token_id=1, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0, forced_eos_token_id=2)


def ensure_models(cache: Path, log=print) -> dict[str, Path]:
    """{"marian", "bart"} -> HF folders under ``cache``, each with its ctranslate2-int8 copy."""
    from models.ct2 import convert, converted_dir, is_converted

    folders = {"marian": cache / "opus-mt-de-en-random", "bart": cache / "distilbart-cnn-12-6-random"}
    builders = {"marian": _build_marian, "bart": _build_bart}
    for name, folder in folders.items():
        if not (folder / "config.json").is_file():
            log(f"building a random full-size {name} model in {folder} (once)")
            _build_atomically(folder, builders[name])
        if not is_converted(converted_dir(folder, folder.name)):
            log(f"converting {name} to CTranslate2 int8 (once)")
            convert(folder, folder.name)
    return folders


def _build_atomically(folder: Path, builder) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))
    try:
        builder(work)
        work.chmod(0o755)  # mkdtemp made it private; the cache is an ordinary folder
        work.rename(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build_marian(folder: Path) -> None:
    import sentencepiece as spm
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    corpus = folder / "corpus.txt"
    corpus.write_text(seed_text(), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / "spm"), vocab_size=TRAINED_PIECES,
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram", pad_id=-1,
        eos_id=-1, bos_id=-1, unk_id=0, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_file=str(folder / "spm.model"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    words = [i for token, i in vocab.items() if token.startswith("\u2581")]
    for i in range(len(vocab), MARIAN_VOCAB - 1):
        vocab[f"<unused{i}>"] = i
    vocab["<pad>"] = MARIAN_VOCAB - 1
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        shutil.copy(folder / "spm.model", folder / name)
    tokenizer = MarianTokenizer(source_spm=str(folder / "source.spm"),
                                target_spm=str(folder / "target.spm"),
                                vocab=str(folder / "vocab.json"), model_max_length=512)
    torch.manual_seed(0)
    model = MarianMTModel(marian_config())
    _only_say(model, words + [0]).save_pretrained(folder)  # id 0 is </s>
    tokenizer.save_pretrained(folder)
    for name in ("corpus.txt", "spm.model", "spm.vocab"):
        (folder / name).unlink()


def _build_bart(folder: Path) -> None:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import BartForConditionalGeneration, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=TRAINED_PIECES, special_tokens=specials,
                                  show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(seed_text().splitlines(), trainer=trainer)
    trained = tok.get_vocab_size()
    tok = _padded_bpe(tok, BART_VOCAB)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>", mask_token="<mask>", model_max_length=1024)
    torch.manual_seed(0)
    _only_say(BartForConditionalGeneration(bart_config()), range(trained)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def _only_say(model, ids):
    """The model in eval mode, every id but ``ids`` pushed out of its output by the bias.

    The bias is added to every logit anyway, so this costs nothing at generation time.
    """
    import torch

    with torch.no_grad():
        model.final_logits_bias.fill_(-100.0)
        model.final_logits_bias[0, list(ids)] = 0.0
    return model.eval()


def _padded_bpe(tok, size: int):
    """The same BPE tokenizer with unused entries appended up to ``size`` ids."""
    from tokenizers import Tokenizer

    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    for i in range(len(vocab), size):
        vocab[f"<unused{i}>"] = i
    return Tokenizer.from_str(json.dumps(data))
