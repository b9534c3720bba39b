"""German → English on multilingual translation models (NLLB, M2M100, mBART-50).

A model of one language pair (opus-mt) needs nothing. A multilingual one must be told the
source language (its tokenizer's ``src_lang``, which puts the German language token into the
input) and must start its output with the English language token; without both it translates
into whatever language it guesses. The engines call ``german_to_english`` once on loading.
"""
from __future__ import annotations

# (the tokenizer's src_lang for German, its tgt_lang for English, the token English starts with)
PAIRS = (
    ("deu_Latn", "eng_Latn", "eng_Latn"),  # NLLB-200
    ("de", "en", "__en__"),  # M2M100
    ("de_DE", "en_XX", "en_XX"),  # mBART-50
)


def german_to_english(tokenizer) -> str | None:
    """Set a multilingual ``tokenizer`` to German → English, in place, and return the token
    the English output must start with; None for a model of one language pair."""
    if not hasattr(tokenizer, "src_lang"):
        return None
    unknown = tokenizer.unk_token_id
    for source, target, start in PAIRS:
        if tokenizer.convert_tokens_to_ids(start) not in (None, unknown):
            tokenizer.src_lang = source
            if hasattr(tokenizer, "tgt_lang"):
                tokenizer.tgt_lang = target
            return start
    return None
