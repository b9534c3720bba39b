"""Every check in one table, and the loop that runs them on a German/English pair.

A ``Check`` (``review.checks.base``) is the function that raises flags, each ``Code`` it may
raise (weight in the risk, plain words) and what it needs of the pair. ``run`` runs CHECKS in
order: ``core.text_flags`` and ``core.check_pairs`` call it. ``risk.WEIGHTS``,
``describe.DESCRIPTIONS`` and ``python -m review check --list`` read CODES, built from the table.

To add a check, write its function in a module of this package and add one ``Check`` to CHECKS
(or ``register`` one): nothing else lists it. A code the function raises but the Check does not
declare is refused when it is raised (``UndeclaredCode``).
"""
from __future__ import annotations

from review.article import Flag
from review.checks import (agreement, consistency, entities, numbers, second_opinion, similarity,
                           surface)
from review.checks.base import Check, Code, Pair, UndeclaredCode
from review.checks.glossary import Glossary

__all__ = ["CHECKS", "CODES", "Check", "Code", "DESCRIPTIONS", "LIST_ORDER", "Pair",
           "SUMMARY_CODES", "UndeclaredCode", "WEIGHTS", "register", "run", "unregister"]

# In the order they run. The first three are final: nothing else is worth reading in English
# without German, an empty English or a copied one (the memory's consistency included).
CHECKS: list[Check] = [
    Check(surface.empty_source_flags, (
        Code("empty_source", 0.5, "English without any German",
             "The German of this segment is empty, yet there is English: it cannot be a "
             "translation of anything here."),), needs=(), final=True),
    Check(surface.empty_flags, (
        Code("empty_output", 1.0, "The English is empty",
             "The model produced nothing for this German sentence: translate it yourself or "
             "retranslate the segment."),), final=True),
    Check(surface.untranslated_flags, (
        Code("untranslated", 0.95, "The English is still German",
             "The output copies the German or is mostly German words, so the reader gets no "
             "translation at all (a line of names only is not flagged)."),), final=True),
    Check(numbers.number_flags, (
        Code("number_mismatch", 0.7, "A number differs between German and English",
             "Numbers are the costliest error in news: check the figure, unit and scale, "
             "keeping in mind that German writes 10.000 for 10,000 and 3,5 for 3.5."),
        Code("number_missing", 0.6, "A number from the German is missing",
             "A figure, date or time in the German appears nowhere in the English, as digits "
             "or in words: the English may have dropped a fact."),
        Code("number_added", 0.5, "The English has a number the German lacks",
             "A figure in the English appears nowhere in the German: the model may have "
             "invented or garbled it."),
        Code("number_format", 0.5, "A number is written the German way",
             'English readers take "12.000" as twelve and "3,5" as thirty-five; write 12,000 '
             "and 3.5."),
        # Only when the digits agree (numbers.scale_flags).
        Code("number_scale", 0.7, "Million, billion or trillion changed",
             'German "Milliarde" is an English billion and "Billion" a trillion; a wrong scale '
             "word changes the figure a thousandfold."))),
    Check(entities.name_flags, (
        Code("name_added", 0.4, "A name in the English is not in the German",
             "The English names a person, place or organisation that the German does not "
             "mention, even allowing for spelling: it may be swapped or invented."),)),
    Check(entities.quote_flags, (
        Code("quote_missing", 0.2, "A quotation lost its quotation marks",
             "The German quotes someone, but the English has no quotation marks, so words may "
             "be put in the reporter's mouth or the quote paraphrased."),)),
    Check(surface.length_flags, (
        Code("length_short", 0.6, "The English is much shorter than the German",
             "Human translations are rarely this short, and one that loses the German's "
             "closing punctuation was usually cut off: part of the sentence may be missing."),
        Code("length_long", 0.5, "The English is much longer than the German",
             "Human translations are rarely this long: the English may repeat itself or add "
             "words the German does not have."))),
    Check(surface.repetition_flags, (
        Code("repetition", 0.8, "A phrase repeats over and over",
             "Translation models sometimes get stuck in a loop; the repeats replace the rest "
             "of the sentence, so compare what is left with the German."),), reads=("target",)),
    Check(similarity.similarity_flags, (
        Code("low_similarity", 0.6, "The English may mean something else",
             "A multilingual model finds the German and the English far apart in meaning, as "
             "in few human translations: read both in full."),),
          reads=("similarity",), needs=("german", "similarity")),
    Check(surface.confidence_flags, (
        Code("low_confidence", 0.3, "The model was unsure",
             "The translation model gave its own words a low probability, which often goes "
             "with garbled or wrong output: read this segment carefully."),),
          reads=("confidence",), needs=("german", "confidence")),
    Check(agreement.agreement_flags, (
        Code("low_agreement", 0.45, "The model finds this English unlikely for this German",
             "Scored under the translation model, this English is improbable given the "
             "German: it may mean something else or be garbled."),),
          reads=("agreement",), needs=("german", "agreement")),
    Check(second_opinion.second_opinion_flags, (
        Code("second_opinion_differs", 0.45, "A second model translates this differently",
             "A second translation model gives English far from this one; where two models "
             "disagree, one of them is usually wrong: compare the two and take the better "
             "one."),), reads=("second_chrf", "second_model"), needs=("german", "second opinion")),
    Check(Glossary.flags, (
        Code("glossary_term", 0.4, "A glossary term is not used",
             "The German uses a term from the store's glossary, but the English lacks the "
             "required translation (or, for do-not-translate terms, the original)."),),
          reads=("glossary", "source", "target"), needs=("german", "glossary")),
    Check(consistency.consistency_flags, (
        Code("inconsistent_translation", 0.5,
             "This German was approved elsewhere with other English",
             "Translation memory: a reviewer approved the same German (in another segment, "
             "article or an imported TMX file) with different English; use the same wording, "
             "or make sure the difference is meant."),
        Code("inconsistent_source", 0.3, "This English was approved elsewhere for other German",
             "Translation memory: the same English was approved for a different German "
             "sentence, so one of the two may be a pasted or reused translation that does not "
             "fit its German.")),
          reads=("source", "target", "memory", "origin"), needs=("german", "memory")),
]

# Raised on a machine summary by review.faithfulness.faithfulness_flags, never by ``run``:
# listed for reviewers, without a weight (they flag a summary, not a segment's risk).
SUMMARY_CODES = (
    Code("summary_number_unsupported", None, "A number in the summary is not in the article",
         "The summary gives a figure found neither in the English nor in the German article: "
         "the summary model may have invented it."),
    Code("summary_name_unsupported", None, "A name in the summary is not in the article",
         "The summary names someone or something the article does not mention: the summary "
         "model may have invented it."),
)

# The order of ``check --list``, which outside tools read: a code not named here follows these
# in table order.
LIST_ORDER = ("empty_output", "untranslated", "repetition", "number_mismatch", "number_scale",
              "number_missing", "number_added", "number_format", "length_short", "length_long",
              "low_similarity", "name_added", "glossary_term", "low_confidence", "low_agreement",
              "second_opinion_differs", "quote_missing", "empty_source",
              "inconsistent_translation", "inconsistent_source", "summary_number_unsupported",
              "summary_name_unsupported")

# Built from CHECKS and SUMMARY_CODES by _index, in LIST_ORDER; updated in place, since
# risk.WEIGHTS and describe.DESCRIPTIONS are these very dicts.
CODES: dict[str, Code] = {}
WEIGHTS: dict[str, float] = {}
DESCRIPTIONS: dict[str, tuple[str, str]] = {}


def _index() -> None:
    """Rebuild CODES, WEIGHTS and DESCRIPTIONS; a code declared twice is refused."""
    codes = [code for check in CHECKS for code in check.codes] + list(SUMMARY_CODES)
    names = [code.code for code in codes]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"declared by more than one check: {', '.join(twice)}")
    rank = {name: i for i, name in enumerate(LIST_ORDER)}
    codes.sort(key=lambda code: rank.get(code.code, len(rank)))
    CODES.clear()
    CODES.update((code.code, code) for code in codes)
    WEIGHTS.clear()
    WEIGHTS.update((code.code, code.weight) for code in codes if code.weight is not None)
    DESCRIPTIONS.clear()
    DESCRIPTIONS.update((code.code, (code.title, code.why)) for code in codes)


def run(pair: Pair) -> list[Flag]:
    """Every flag for ``pair``: each check whose needs it meets, in table order.

    A final check that raises a flag ends the run, and its flags are the pair's only ones.
    """
    flags: list[Flag] = []
    for check in CHECKS:
        if not check.applies(pair):
            continue
        found = check.run(pair)
        if found and check.final:
            return found
        flags += found
    return flags


def register(check: Check) -> Check:
    """Run ``check`` after the others and list its codes; a code already listed is refused."""
    CHECKS.append(check)
    try:
        _index()
    except ValueError:
        CHECKS.pop()
        raise
    return check


def unregister(check: Check) -> None:
    """Take a registered ``check`` out of the table and its codes out of the lists."""
    CHECKS.remove(check)
    _index()


_index()
