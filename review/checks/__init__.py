"""Quality checks on German/English segments and a risk score per segment.

Each check returns ``Flag(code, detail)`` objects with a stable code:
``empty_output``, ``untranslated``, ``number_mismatch``/``number_missing``/``number_added``/
``number_format``/``number_scale``, ``name_added``, ``quote_missing``, ``length_short``/
``length_long``, ``repetition``, ``low_similarity``, ``low_confidence``, ``glossary_term``,
``empty_source``; with a translation memory also ``inconsistent_translation`` and
``inconsistent_source`` (``review.checks.consistency``); with the translation model's scores
``low_agreement`` (``review.checks.agreement``); with a second model's English
``second_opinion_differs`` (``review.checks.second_opinion``).

Each check is declared beside its function: a check module ends with a ``CHECKS`` tuple of
``Check`` objects (``review.checks.base``), each holding the function, every code it may raise
with its weight in the risk and its plain words, what it needs (the German, a similarity, a
glossary, a memory...) and its ``rank`` in the run order. ``review.checks.registry`` finds the
modules of this package that declare ``CHECKS`` and runs their checks by rank
(``registry.run``). To add a check, write its function in a check module here (or a new one)
and, in the same file, a ``Check`` with a free rank in its ``CHECKS``; add a test that raises
each of its codes. Nothing else lists it; a code declared twice, two checks of one rank, or a
code the function raises but does not declare are refused. The risk formula is documented in
``review.checks.risk``; the thresholds are calibrated by ``scripts/calibrate_checks.py`` on
newstest2014, the agreement and second-opinion ones by ``scripts/calibrate_agreement.py`` where
real weights exist.
"""
from review.checks.core import CheckResult, check_article, check_pairs
from review.checks.glossary import Glossary, GlossaryEntry, load_glossary, parse_glossary

__all__ = ["CheckResult", "check_pairs", "check_article", "load_glossary", "parse_glossary",
           "Glossary", "GlossaryEntry"]
