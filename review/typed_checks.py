"""Checks as you type: the flags a segment would carry if the text in its editor were saved.

``flags_as_typed`` runs the one re-check after a correction (``review.recheck``) on a
private copy of the stored article whose segment has the typed text as its corrected English,
so the flags under an editor follow a draft before any Confirm. Nothing is written: the store
is only read, and the translation memory and the glossary are the ones the re-check uses. No
model is ever loaded for it: the agreement of a changed English is left out (None), as in a
re-check while no model is loaded.
"""
from __future__ import annotations

from dataclasses import replace

from review.article import ACTIONS, Flag, trial_copy
from review.store_files import Signature, settled_reading

# resolved glossary path -> (the file's signature, the Glossary read from it)
_GLOSSARIES: dict[str, tuple[Signature, object]] = {}


def needs_live_flags(english: str | None, text: str | None) -> bool:
    """Whether the editor's ``text`` would change the stored ``english`` if confirmed.

    A correction saves the text stripped, so whitespace around it changes nothing: only then
    are the stored flags not the typed text's, and ``flags_as_typed`` worth calling.
    """
    return (text or "").strip() != (english or "")


def flags_as_typed(store, article_id: str, index: int, text: str) -> list[Flag]:
    """The active flags (dismissed ones left out) of segment ``index`` with ``text`` as its
    English, checked exactly as the re-check after that correction would check it.

    Empty or whitespace-only ``text`` is checked as an empty English. An English the same as
    the stored one on a checked segment keeps its stored flags, as the re-check does.
    UnknownArticleError for an unknown article, IndexError for an unknown segment.
    """
    from review.recheck import recheck_segment

    article, seg = trial_copy(store.view(article_id), index)  # changing it saves nothing
    before = seg.english
    # What review.decisions.decide makes of a correction: the text stripped, approved.
    seg.decision = replace(seg.decision, status=ACTIONS["correct"], text=(text or "").strip())
    if seg.english != before or seg.risk is None:
        from review.memory import memory_for

        recheck_segment(article, seg, store_glossary(store), memory_for(store), None)
    return seg.active_flags


def store_glossary(store):
    """The store's glossary (empty when it has none), read again only when its file changed.

    A reading is kept while the file's (size, mtime, inode) stay the same, and only if the
    file was already older than ``RACY_NS`` when read (``review.store_files``).
    """
    from review.checks import load_glossary

    return settled_reading(_GLOSSARIES, store.glossary_path, load_glossary,
                           lambda: load_glossary(None))
