"""CTranslate2 engines (int8 on CPU) behind the same interfaces as the transformers ones.

Names resolve lazily so importing this package costs nothing until an engine is used.
"""
from __future__ import annotations

from models.ct2.convert import convert, converted_dir, is_converted  # noqa: F401 (no heavy imports)


def __getattr__(name):
    if name == "CT2Translator":
        from models.ct2.translator import CT2Translator
        return CT2Translator
    if name == "CT2Summarizer":
        from models.ct2.summarizer import CT2Summarizer
        return CT2Summarizer
    raise AttributeError(f"module 'models.ct2' has no attribute {name!r}")
