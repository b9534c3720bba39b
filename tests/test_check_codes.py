"""Every check code: a German/English pair that raises it, and a good pair that does not.

Run through ``check_pairs`` (the real e5 similarity), so switching a check off fails here.
"""
from __future__ import annotations

import pytest

from review.checks import check_pairs
from review.checks.glossary import parse_glossary
from review.checks.risk import WEIGHTS

GERMAN = "Der Minister sagte am Montag in Berlin, die Kosten lägen bei 12 Millionen Euro."
ENGLISH = "The minister said in Berlin on Monday that the costs were 12 million euros."
GLOSSARY = parse_glossary("de,en\nMinister,minister\nKosten,costs\n")

# code: (German, English that raises it, confidence); the good pair is (GERMAN, ENGLISH)
# unless given as a fourth and fifth item.
RAISING = {
    "empty_output": (GERMAN, "", None),
    "untranslated": (GERMAN, GERMAN, None),
    "repetition": (GERMAN, "The minister said the costs costs costs costs costs costs costs "
                           "costs were 12 million euros.", None),
    "number_mismatch": (GERMAN, ENGLISH.replace("12", "13"), None),
    # Digits that differ are a mismatch; a scale word alone is the scale check's: here in
    # number words, which need not be matched one by one.
    "number_scale": ("Die Kosten lagen bei zwölf Millionen Euro.",
                     "The costs were twelve billion euros.", None,
                     "Die Kosten lagen bei zwölf Millionen Euro.",
                     "The costs were twelve million euros."),
    "number_missing": (GERMAN, "The minister said in Berlin on Monday that the costs were "
                               "high.", None),
    "number_added": (GERMAN, ENGLISH.replace("Monday", "Monday, 3 May,"), None),
    "number_format": ("Die Kosten lagen bei 1.250 Euro.", "The costs were 1.250 euros.", None,
                      "Die Kosten lagen bei 1.250 Euro.", "The costs were 1,250 euros."),
    "length_short": (GERMAN, "Costs.", None),
    "length_long": ("Die Kosten steigen.", "The costs are rising, the minister said in Berlin "
                    "on Monday, and they will keep rising for many years to come, he added, "
                    "while the opposition protested loudly.", None,
                    "Die Kosten steigen.", "The costs are rising."),
    "low_similarity": (GERMAN, "The weather at the seaside was sunny and warm all week.",
                       None),
    "name_added": (GERMAN, ENGLISH.replace("The minister", "Minister Olaf Kowalski"), None),
    "glossary_term": (GERMAN, ENGLISH.replace("costs", "expenses"), None),
    "low_confidence": (GERMAN, ENGLISH, -3.0),
    "quote_missing": ("Der Minister sagte: „Die Kosten sind zu hoch.“",
                      "The minister said the costs were too high.", None,
                      "Der Minister sagte: „Die Kosten sind zu hoch.“",
                      'The minister said: "The costs are too high."'),
    "empty_source": ("", "Some English.", None, "", ""),
}
# Checked against the translation memory; tests/test_memory_pipeline.py raises them.
NEEDS_MEMORY = {"inconsistent_translation", "inconsistent_source"}


def codes(source: str, target: str, confidence=None) -> set[str]:
    [result] = check_pairs([source], [target], [confidence], glossary=GLOSSARY)
    return {flag.code for flag in result.flags}


def test_every_weighted_code_is_tested_here_or_with_the_memory():
    # low_agreement needs a model: tests/test_agreement.py raises it.
    # spelling needs a reviewer's English: tests/test_spelling.py raises it.
    assert set(WEIGHTS) - NEEDS_MEMORY - {"low_agreement"} <= \
        set(RAISING) | {"second_opinion_differs", "spelling"}


def test_second_opinion_differs_is_raised_by_a_far_second_translation_only():
    class Second:
        model = "second-model"

        def __init__(self, text):
            self.text = text

    far = Second("Officials declined to comment on the weather forecast for the weekend.")
    close = Second("The minister said on Monday in Berlin the costs were 12 million euros.")
    [flagged, agreeing, same, none] = check_pairs(
        [GERMAN] * 4, [ENGLISH] * 4, glossary=GLOSSARY,
        seconds=[far, close, Second(ENGLISH), None])
    assert [f.code for f in flagged.flags] == ["second_opinion_differs"]
    assert "second-model" in flagged.flags[0].detail
    assert not agreeing.flags and not same.flags and not none.flags
    assert same.second_chrf == 100.0 and none.second_chrf is None
    assert flagged.second_chrf < 35 < agreeing.second_chrf
    # The second opinion's chrF is a feature of the learned risk: the same English as the
    # second model's lowers it, a far one raises it.
    assert flagged.risk > agreeing.risk >= same.risk and same.risk < none.risk


@pytest.mark.parametrize("code", sorted(RAISING))
def test_code_is_raised_by_its_pair_and_not_by_a_good_one(code):
    source, bad, confidence, *good = RAISING[code]
    good_source, good_target = good or (GERMAN, ENGLISH)
    assert code in codes(source, bad, confidence)
    assert code not in codes(good_source, good_target, -0.3 if good_target else None)


def test_check_list_json_is_the_registry_and_each_entry_names_a_real_function():
    import json
    import subprocess
    import sys

    from review import faithfulness
    from review.checks.describe import DESCRIPTIONS
    from review.checks.registry import CHECKS, SUMMARY_CODES

    out = subprocess.run([sys.executable, "-m", "review", "check", "--list", "--json"],
                         capture_output=True, text=True, check=True).stdout
    listed = json.loads(out)
    assert [set(item) for item in listed] == [{"code", "weight", "description"}] * len(listed)
    assert {i["code"]: i["weight"] for i in listed if i["weight"] is not None} == WEIGHTS
    assert {i["code"]: i["description"] for i in listed} == {
        code: title for code, (title, _why) in DESCRIPTIONS.items()}
    raisers = {code.code: check.function for check in CHECKS for code in check.codes}
    raisers.update((code.code, faithfulness.faithfulness_flags) for code in SUMMARY_CODES)
    assert {code.code for code in SUMMARY_CODES} == {faithfulness.NUMBER_CODE,
                                                     faithfulness.NAME_CODE}
    for item in listed:  # a real function raises each code
        assert callable(raisers[item["code"]]), item["code"]
