"""Every check code in one table: its weight in the risk, its plain words, what raises it.

``risk.WEIGHTS`` and ``describe.DESCRIPTIONS`` are read from here, and so is
``python -m review check --list``. ``raised_by`` names the function that raises the code (a
dotted path, so this table imports none of the checks). Summary codes have no weight: they
flag a summary, not a segment's risk.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    code: str
    weight: float | None  # in the segment risk; None for summary flags
    raised_by: str  # dotted path of the function that raises it
    title: str  # plain words, as a reviewer reads them
    why: str  # one sentence: why a reviewer should look

    def to_dict(self) -> dict:
        return {"code": self.code, "weight": self.weight, "description": self.title}

    def function(self):
        """The function ``raised_by`` names (imported on demand)."""
        import importlib

        parts = self.raised_by.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                found = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for name in parts[cut:]:
                found = getattr(found, name)
            return found
        raise ImportError(self.raised_by)


CHECKS = (
    Check('empty_output', 1.0, 'review.checks.surface.empty_flags',
          'The English is empty',
          'The model produced nothing for this German sentence: translate it yourself or '
          'retranslate the segment.'),
    Check('untranslated', 0.95, 'review.checks.surface.untranslated_flags',
          'The English is still German',
          'The output copies the German or is mostly German words, so the reader gets no '
          'translation at all (a line of names only is not flagged).'),
    Check('repetition', 0.8, 'review.checks.surface.repetition_flags',
          'A phrase repeats over and over',
          'Translation models sometimes get stuck in a loop; the repeats replace the rest of '
          'the sentence, so compare what is left with the German.'),
    Check('number_mismatch', 0.7, 'review.checks.numbers.number_flags',
          'A number differs between German and English',
          'Numbers are the costliest error in news: check the figure, unit and scale, keeping '
          'in mind that German writes 10.000 for 10,000 and 3,5 for 3.5.'),
    Check('number_scale', 0.7, 'review.checks.numbers.scale_flags',
          'Million, billion or trillion changed',
          'German "Milliarde" is an English billion and "Billion" a trillion; a wrong scale '
          'word changes the figure a thousandfold.'),
    Check('number_missing', 0.6, 'review.checks.numbers.number_flags',
          'A number from the German is missing',
          'A figure, date or time in the German appears nowhere in the English, as digits or in '
          'words: the English may have dropped a fact.'),
    Check('number_added', 0.5, 'review.checks.numbers.number_flags',
          'The English has a number the German lacks',
          'A figure in the English appears nowhere in the German: the model may have invented '
          'or garbled it.'),
    Check('number_format', 0.5, 'review.checks.numbers.number_flags',
          'A number is written the German way',
          'English readers take "12.000" as twelve and "3,5" as thirty-five; write 12,000 and '
          '3.5.'),
    Check('length_short', 0.6, 'review.checks.surface.length_flags',
          'The English is much shorter than the German',
          "Human translations are rarely this short, and one that loses the German's closing "
          'punctuation was usually cut off: part of the sentence may be missing.'),
    Check('length_long', 0.5, 'review.checks.surface.length_flags',
          'The English is much longer than the German',
          'Human translations are rarely this long: the English may repeat itself or add words '
          'the German does not have.'),
    Check('low_similarity', 0.6, 'review.checks.similarity.similarity_flags',
          'The English may mean something else',
          'A multilingual model finds the German and the English far apart in meaning, as in '
          'few human translations: read both in full.'),
    Check('name_added', 0.4, 'review.checks.entities.name_flags',
          'A name in the English is not in the German',
          'The English names a person, place or organisation that the German does not mention, '
          'even allowing for spelling: it may be swapped or invented.'),
    Check('glossary_term', 0.4, 'review.checks.glossary.Glossary.flags',
          'A glossary term is not used',
          "The German uses a term from the store's glossary, but the English lacks the required "
          'translation (or, for do-not-translate terms, the original).'),
    Check('low_confidence', 0.3, 'review.checks.surface.confidence_flags',
          'The model was unsure',
          'The translation model gave its own words a low probability, which often goes with '
          'garbled or wrong output: read this segment carefully.'),
    Check('low_agreement', 0.45, 'review.checks.risk.agreement_flags',
          'The model finds this English unlikely for this German',
          'Scored under the translation model, this English is improbable given the German: it '
          'may mean something else or be garbled.'),
    Check('second_opinion_differs', 0.45, 'review.checks.second_opinion.second_opinion_flags',
          'A second model translates this differently',
          'A second translation model gives English far from this one; where two models '
          'disagree, one of them is usually wrong: compare the two and take the better one.'),
    Check('quote_missing', 0.2, 'review.checks.entities.quote_flags',
          'A quotation lost its quotation marks',
          'The German quotes someone, but the English has no quotation marks, so words may be '
          "put in the reporter's mouth or the quote paraphrased."),
    Check('empty_source', 0.5, 'review.checks.core.text_flags',
          'English without any German',
          'The German of this segment is empty, yet there is English: it cannot be a '
          'translation of anything here.'),
    Check('inconsistent_translation', 0.5, 'review.checks.consistency.consistency_flags',
          'This German was approved elsewhere with other English',
          'Translation memory: a reviewer approved the same German (in another segment, article '
          'or an imported TMX file) with different English; use the same wording, or make sure '
          'the difference is meant.'),
    Check('inconsistent_source', 0.3, 'review.checks.consistency.consistency_flags',
          'This English was approved elsewhere for other German',
          'Translation memory: the same English was approved for a different German sentence, '
          'so one of the two may be a pasted or reused translation that does not fit its '
          'German.'),
    Check('summary_number_unsupported', None, 'review.faithfulness.faithfulness_flags',
          'A number in the summary is not in the article',
          'The summary gives a figure found neither in the English nor in the German article: '
          'the summary model may have invented it.'),
    Check('summary_name_unsupported', None, 'review.faithfulness.faithfulness_flags',
          'A name in the summary is not in the article',
          'The summary names someone or something the article does not mention: the summary '
          'model may have invented it.'),
)
