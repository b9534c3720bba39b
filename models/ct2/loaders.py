"""Fixes to CTranslate2's Marian and BART converters for layouts the stock ones mishandle.

Imported only while converting (it pulls in ctranslate2 and torch).
"""
from __future__ import annotations

from ctranslate2.converters import transformers as ct2_transformers


def _defaults_for_bart_config(config) -> None:
    # transformers 5 dropped these attributes from BartConfig; the converter still reads them.
    # BART is post-norm with a layer norm on the embeddings, which is what these values say.
    for name, value in (("normalize_before", False), ("normalize_embedding", True)):
        if not hasattr(config, name):
            setattr(config, name, value)


class BartLoader(ct2_transformers.BartLoader):
    """The stock BART loader, working with transformers 5 configs."""

    def get_model_spec(self, model):
        _defaults_for_bart_config(model.config)
        return super().get_model_spec(model)


class MarianLoader(ct2_transformers.MarianMTLoader):
    """The stock Marian loader, but the <pad> row is dropped wherever it is, not only if last.

    CTranslate2 starts the decoder from a zero embedding instead of <pad>, so <pad> leaves the
    vocabulary. The stock loader assumes the opus-mt layout (pad is the last id) and silently
    cuts a real token otherwise; for opus-mt both give the same model.
    """

    def get_model_spec(self, model):
        _defaults_for_bart_config(model.config)
        model.config.normalize_before = False
        model.config.normalize_embedding = False
        spec = ct2_transformers.BartLoader.get_model_spec(self, model)
        self._drop_row(spec, model.config.pad_token_id, model.config.vocab_size)
        return spec

    def get_vocabulary(self, model, tokenizer):
        tokens = ct2_transformers.BartLoader.get_vocabulary(self, model, tokenizer)
        pad = model.config.pad_token_id
        if pad is not None and pad < len(tokens) and tokens[pad] == tokenizer.pad_token:
            del tokens[pad]
        return tokens

    @staticmethod
    def _drop_row(spec, pad: int | None, vocab_size: int) -> None:
        if pad is None:
            return
        keep = [i for i in range(vocab_size) if i != pad]
        vocab_specs = [spec.encoder.embeddings[0], spec.decoder.embeddings, spec.decoder.projection]
        for vocab_spec in vocab_specs:
            # Weights may be shared between these specs: only cut what still has the pad row.
            if vocab_spec.weight.shape[0] == vocab_size:
                vocab_spec.weight = vocab_spec.weight[keep]
            bias = getattr(vocab_spec, "bias", None)
            if hasattr(vocab_spec, "has_bias") and vocab_spec.has_bias() and bias.shape[0] == vocab_size:
                vocab_spec.bias = bias[keep]


def install() -> None:
    """Make TransformersConverter use these loaders (idempotent)."""
    ct2_transformers._MODEL_LOADERS["BartConfig"] = BartLoader()
    ct2_transformers._MODEL_LOADERS["MarianConfig"] = MarianLoader()
