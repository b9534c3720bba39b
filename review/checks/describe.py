"""Plain words for every flag code: a short title and one sentence on why a reviewer should look.

The flag's own ``detail`` says what was found in this segment ("German "3,5" became "35"");
these texts say what the check means, for reviewers who do not know the codes.
"""
from __future__ import annotations

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "empty_output": (
        "The English is empty",
        "The model produced nothing for this German sentence: translate it yourself or "
        "retranslate the segment."),
    "untranslated": (
        "The English is still German",
        "The output copies the German or is mostly German words, so the reader gets no "
        "translation at all (a line of names only is not flagged)."),
    "repetition": (
        "A phrase repeats over and over",
        "Translation models sometimes get stuck in a loop; the repeats replace the rest of "
        "the sentence, so compare what is left with the German."),
    "number_mismatch": (
        "A number differs between German and English",
        "Numbers are the costliest error in news: check the figure, unit and scale, keeping "
        "in mind that German writes 10.000 for 10,000 and 3,5 for 3.5."),
    "number_scale": (
        "Million, billion or trillion changed",
        "German \"Milliarde\" is an English billion and \"Billion\" a trillion; a wrong "
        "scale word changes the figure a thousandfold."),
    "number_missing": (
        "A number from the German is missing",
        "A figure, date or time in the German appears nowhere in the English, as digits or "
        "in words: the English may have dropped a fact."),
    "number_added": (
        "The English has a number the German lacks",
        "A figure in the English appears nowhere in the German: the model may have invented "
        "or garbled it."),
    "number_format": (
        "A number is written the German way",
        "English readers take \"12.000\" as twelve and \"3,5\" as thirty-five; write "
        "12,000 and 3.5."),
    "length_short": (
        "The English is much shorter than the German",
        "Human translations are rarely this short, and one that loses the German's closing "
        "punctuation was usually cut off: part of the sentence may be missing."),
    "length_long": (
        "The English is much longer than the German",
        "Human translations are rarely this long: the English may repeat itself or add "
        "words the German does not have."),
    "low_similarity": (
        "The English may mean something else",
        "A multilingual model finds the German and the English far apart in meaning, as in "
        "few human translations: read both in full."),
    "name_added": (
        "A name in the English is not in the German",
        "The English names a person, place or organisation that the German does not "
        "mention, even allowing for spelling: it may be swapped or invented."),
    "glossary_term": (
        "A glossary term is not used",
        "The German uses a term from the store's glossary, but the English lacks the "
        "required translation (or, for do-not-translate terms, the original)."),
    "low_confidence": (
        "The model was unsure",
        "The translation model gave its own words a low probability, which often goes with "
        "garbled or wrong output: read this segment carefully."),
    "low_agreement": (
        "The model finds this English unlikely for this German",
        "Scored under the translation model, this English is improbable given the German: "
        "it may mean something else or be garbled."),
    "quote_missing": (
        "A quotation lost its quotation marks",
        "The German quotes someone, but the English has no quotation marks, so words may be "
        "put in the reporter's mouth or the quote paraphrased."),
    "empty_source": (
        "English without any German",
        "The German of this segment is empty, yet there is English: it cannot be a "
        "translation of anything here."),
    "inconsistent_translation": (
        "This German was approved elsewhere with other English",
        "Translation memory: a reviewer approved the same German (in another segment, "
        "article or an imported TMX file) with different English; use the same wording, or "
        "make sure the difference is meant."),
    "inconsistent_source": (
        "This English was approved elsewhere for other German",
        "Translation memory: the same English was approved for a different German sentence, "
        "so one of the two may be a pasted or reused translation that does not fit its German."),
    "summary_number_unsupported": (
        "A number in the summary is not in the article",
        "The summary gives a figure found neither in the English nor in the German article: "
        "the summary model may have invented it."),
    "summary_name_unsupported": (
        "A name in the summary is not in the article",
        "The summary names someone or something the article does not mention: the summary "
        "model may have invented it."),
}

FALLBACK_WHY = ("A quality check raised this: read the detail and compare the German with "
                "the English.")


def describe(code: str) -> tuple[str, str]:
    """(title, why) in plain words for a flag code; an unknown code gets a readable fallback."""
    if code in DESCRIPTIONS:
        return DESCRIPTIONS[code]
    words = str(code).replace("_", " ").strip() or "unknown check"
    return f"Check: {words}", FALLBACK_WHY
