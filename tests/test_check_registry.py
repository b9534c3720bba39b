"""The check registry is what runs: every raised code is registered, a check raising a code it
does not declare is refused, and a registered check's flag and weight reach ``check_pairs``.

No embeddings here: similarity, confidence, agreement and second-opinion chrF are given.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from review.article import Flag
from review.checks import check_pairs, parse_glossary, registry, similarity
from review.checks.core import WITHOUT_CONSISTENCY
from review.checks.describe import describe
from review.checks.registry import Check, Code, Pair, UndeclaredCode
from review.checks.features import features
from review.checks.risk import WEIGHTS, learned_risk

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
GERMAN = "Der Minister sagte am Montag in Berlin, die Kosten lägen bei 12 Millionen Euro."
ENGLISH = "The minister said in Berlin on Monday that the costs were 12 million euros."
GLOSSARY = parse_glossary("de,en\nKosten,expenses\nRegierung,government\nPolizei,police\n")


class Unit:
    def __init__(self, source: str, target: str, origin: str):
        self.source, self.target, self.origin = source, target, origin


class Memory:
    """A stand-in for review.memory.Memory: exact lookups over approved (German, English)."""

    def __init__(self, approved):
        self.units = [Unit(de, en, f"tmx:approved.tmx#{i}") for i, (de, en) in enumerate(approved)]

    def exact(self, source, exclude_origin=None):
        return [u for u in self.units if u.source == source and u.origin != exclude_origin]

    def exact_target(self, english, exclude_origin=None):
        return [u for u in self.units if u.target == english and u.origin != exclude_origin]


# Each pair with the codes it must raise (among others).
CRAFTED = [
    (Pair("", "Some English."), {"empty_source"}),
    (Pair(GERMAN, ""), {"empty_output"}),
    (Pair(GERMAN, GERMAN), {"untranslated"}),
    (Pair(GERMAN, ENGLISH.replace("12", "13")), {"number_mismatch"}),
    (Pair(GERMAN, "The minister said in Berlin on Monday that the costs were high."),
     {"number_missing"}),
    (Pair(GERMAN, ENGLISH.replace("Monday", "Monday, 3 May,")), {"number_added"}),
    (Pair("Die Kosten lagen bei 1.250 Euro.", "The costs were 1.250 euros."), {"number_format"}),
    (Pair("Die Kosten lagen bei zwölf Millionen Euro.", "The costs were twelve billion euros."),
     {"number_scale"}),
    (Pair(GERMAN, ENGLISH.replace("The minister", "Minister Olaf Kowalski")), {"name_added"}),
    (Pair("Der Minister sagte: „Die Kosten sind zu hoch.“",
          "The minister said the costs were too high."), {"quote_missing"}),
    (Pair(GERMAN, "Costs."), {"length_short"}),
    (Pair("Die Kosten steigen.", "The costs are rising, the minister said in Berlin on Monday, "
          "and they will keep rising for many years to come, he added."), {"length_long"}),
    (Pair(GERMAN, "The minister said the costs costs costs costs were 12 million euros."),
     {"repetition"}),
    (Pair(GERMAN, ENGLISH, similarity=0.5, confidence=-3.0, agreement=-6.0, second_chrf=10.0,
          second_model="second", glossary=GLOSSARY, origin="article:a#1",
          memory=Memory([(GERMAN, "Other English altogether."), ("Anderes Deutsch.", ENGLISH)])),
     {"low_similarity", "low_confidence", "low_agreement", "second_opinion_differs",
      "glossary_term", "inconsistent_translation", "inconsistent_source"}),
]


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def with_signals(sources: list[str], targets: list[str]) -> list[Pair]:
    """The pairs with every input the checks read, low and high in turn, and a memory that
    approved each German with its neighbour's English."""
    memory = Memory(list(zip(sources[:300], targets[1:301])))
    glossary = parse_glossary("de,en\nRegierung,government\nPolizei,police\nKosten,costs\n")
    return [Pair(de, en, similarity=0.78 + 0.02 * (i % 7), confidence=-0.4 * (i % 5),
                 agreement=-0.9 * (i % 6), second_chrf=float(15 * (i % 7)), glossary=glossary,
                 second_model="second" if i % 2 else None, memory=memory,
                 origin=f"article:x#{i}")
            for i, (de, en) in enumerate(zip(sources, targets))]


def raised(pairs: list[Pair]) -> Counter:
    return Counter(flag.code for pair in pairs for flag in registry.run(pair))


def test_crafted_pairs_raise_their_codes_and_only_registered_ones():
    for pair, expected in CRAFTED:
        codes = {flag.code for flag in registry.run(pair)}
        assert expected <= codes <= set(registry.CODES), (pair, codes)


def test_every_code_raised_on_the_seeds_is_registered():
    german = [line for path in sorted((ROOT / "seeds").glob("*.txt")) for line in lines(path)]
    # A copy, an empty English and the next line's German as the English.
    found = raised(with_signals(german + german + german, german + [""] * len(german)
                                + german[1:] + german[:1]))
    assert found["untranslated"] and found["empty_output"]
    assert set(found) <= set(registry.CODES)


def test_every_code_raised_on_newstest_and_wmt22_is_registered():
    sources = lines(DATA / "newstest2014-deen.de")[:3003]
    targets = lines(DATA / "newstest2014-deen.en")[:3003]
    wmt22 = DATA / "wmt22-deen"
    sources += lines(wmt22 / "generaltest2022.de-en.src.de")[:1984]
    targets += lines(wmt22 / "system-outputs" / "generaltest2022.de-en.hyp.LT22.en")[:1984]
    found = raised(with_signals(sources, targets))
    assert sum(found.values()) > 1000
    assert set(found) <= set(registry.CODES)


def shouting_flags(source: str, target: str) -> list[Flag]:
    return [Flag("shouting", "the English is all capitals")] if target.isupper() else []


def wrong_code_flags(source: str, target: str) -> list[Flag]:
    return [Flag("not_declared", "a code this check does not declare")]


SHOUTING = Code("shouting", 0.77, "The English shouts",
                "All capitals read as shouting in English news: write the sentence normally.")


def with_weights(pair: tuple[str, str], codes: list[str], sim: float, *weights: float) -> float:
    """The risk of the German/English ``pair`` with these flag ``codes``: the learned part,
    each weight on top."""
    keep = 1.0 - learned_risk(features(codes, sim, *pair))
    for weight in weights:
        keep *= 1.0 - weight
    return round(1.0 - keep, 4)


def test_a_code_raised_but_not_declared_is_refused(monkeypatch):
    monkeypatch.setattr(similarity, "similarities",
                        lambda sources, targets, known=None: [0.95] * len(sources))
    check = Check(wrong_code_flags, (SHOUTING,))
    with pytest.raises(UndeclaredCode, match="not_declared"):
        check.run(Pair(GERMAN, ENGLISH))
    registry.register(check)
    try:
        with pytest.raises(UndeclaredCode):
            check_pairs([GERMAN], [ENGLISH])
    finally:
        registry.unregister(check)


def test_a_registered_check_runs_from_check_pairs_with_its_weight_and_words(monkeypatch):
    monkeypatch.setattr(similarity, "similarities",
                        lambda sources, targets, known=None: [0.95] * len(sources))
    loud = ENGLISH.upper()
    check = registry.register(Check(shouting_flags, (SHOUTING,)))
    try:
        [result] = check_pairs([GERMAN], [loud])
        assert [f.code for f in result.flags] == ["shouting"]
        assert result.risk == with_weights((GERMAN, loud), ["shouting"], 0.95, 0.77)
        assert WEIGHTS["shouting"] == 0.77
        assert describe("shouting") == (SHOUTING.title, SHOUTING.why)
        assert list(registry.CODES)[-1] == "shouting"
    finally:
        registry.unregister(check)
    assert not check_pairs([GERMAN], [loud])[0].flags
    assert "shouting" not in WEIGHTS and "shouting" not in registry.CODES


def test_a_code_already_registered_is_refused_and_the_table_kept():
    before = (list(registry.CHECKS), dict(registry.CODES))
    twin = Code("empty_output", 0.1, "Twin", "A second check may not take a registered code.")
    with pytest.raises(ValueError, match="empty_output"):
        registry.register(Check(shouting_flags, (twin,)))
    assert (list(registry.CHECKS), dict(registry.CODES)) == before


def test_a_check_runs_only_with_what_it_needs():
    seen, memory = [], Memory([])
    check = registry.register(Check(lambda memory: seen.append(memory) or [], (SHOUTING,),
                                    reads=("memory",), needs=("german", "memory")))
    try:
        registry.run(Pair(GERMAN, ENGLISH))
        registry.run(Pair("", ENGLISH, memory=memory))
        registry.run(Pair(GERMAN, ENGLISH, memory=memory))
    finally:
        registry.unregister(check)
    assert seen == [memory]
    with pytest.raises(ValueError, match="weather"):
        Check(shouting_flags, (SHOUTING,), needs=("weather",))


def test_a_final_code_leaves_no_other_flag_not_even_the_memory_s():
    memory = Memory([(GERMAN, "Other English altogether."), ("", "Some English.")])
    assert set(WITHOUT_CONSISTENCY) == {"empty_output", "untranslated", "empty_source"}
    for source, target in ((GERMAN, ""), (GERMAN, GERMAN), ("", "Some English.")):
        flags = registry.run(Pair(source, target, similarity=0.1, confidence=-9.0,
                                  agreement=-9.0, second_chrf=0.0, glossary=GLOSSARY,
                                  memory=memory))
        assert len(flags) == 1 and flags[0].code in WITHOUT_CONSISTENCY
    assert registry.run(Pair("", "", confidence=-9.0, agreement=-9.0, memory=memory)) == []


def test_the_listing_order_names_only_registered_codes():
    assert set(registry.LIST_ORDER) == set(registry.CODES)
    assert list(registry.CODES) == list(registry.LIST_ORDER)


# A check is declared beside its function: adding one touches that module (or a new one) and
# its test, nothing else.

RUN_ORDER = ["surface.empty_source_flags", "surface.empty_flags", "surface.untranslated_flags",
             "numbers.number_flags", "entities.name_flags", "entities.quote_flags",
             "surface.length_flags", "surface.repetition_flags",
             "similarity.similarity_flags", "surface.confidence_flags",
             "agreement.agreement_flags", "second_opinion.second_opinion_flags",
             "glossary.Glossary.flags", "consistency.consistency_flags",
             "spelling.spelling_flags"]


def test_the_checks_run_in_rank_order_as_they_always_did():
    assert [check.name for check in registry.CHECKS] == [f"review.checks.{name}"
                                                         for name in RUN_ORDER]
    ranks = [check.rank for check in registry.CHECKS]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert registry.LIST_ORDER == registry.LISTED + ("spelling",)  # added after the listing


def test_every_check_is_declared_in_the_module_file_that_defines_its_function():
    import importlib
    import inspect

    modules = registry.declaring_modules("review.checks")
    assert "review.checks.registry" not in modules and "review.checks.core" not in modules
    declared = []
    for name in modules:
        module = importlib.import_module(name)
        assert Path(module.__file__).parent == ROOT / "review" / "checks"
        for check in module.CHECKS:
            # the function is defined in the very file that declares its Check
            assert check.function.__module__ == name, check.name
            assert inspect.getsourcefile(check.function) == module.__file__, check.name
            declared.append(check)
    assert sorted(declared, key=lambda check: check.rank) == registry.CHECKS


def test_a_module_s_checks_run_at_their_rank_from_check_pairs_with_their_weight(monkeypatch):
    import types

    monkeypatch.setattr(similarity, "similarities",
                        lambda sources, targets, known=None: [0.95] * len(sources))
    module = types.ModuleType("review.checks.shouting")
    module.CHECKS = (Check(shouting_flags, (SHOUTING,), rank=65),)
    checks = registry.register_module(module)
    try:
        assert checks == module.CHECKS
        assert [check.rank for check in registry.CHECKS].index(65) == 6
        [result] = check_pairs([GERMAN], ["COSTS."])
        # rank 65: after the numbers (40), before the length (70)
        assert [f.code for f in result.flags] == ["number_missing", "shouting", "length_short"]
        assert result.risk == with_weights(
            (GERMAN, "COSTS."), ["number_missing", "shouting", "length_short"], 0.95,
            WEIGHTS["number_missing"], 0.77, WEIGHTS["length_short"])
        assert WEIGHTS["shouting"] == 0.77
        assert describe("shouting") == (SHOUTING.title, SHOUTING.why)
        # listed after every code listed before, so outside tools see the listing only grow
        assert registry.LIST_ORDER == registry.LISTED + ("shouting", "spelling") \
            == tuple(registry.CODES)
    finally:
        for check in checks:
            registry.unregister(check)
    assert "shouting" not in WEIGHTS and registry.LIST_ORDER == registry.LISTED + ("spelling",)
    assert not check_pairs([GERMAN], [ENGLISH.upper()])[0].flags


CHECK_FILE = '''
from review.article import Flag
from review.checks.base import Check, Code


def shouting_flags(source, target):
    return [Flag("shouting", "the English is all capitals")] if target.isupper() else []


CHECKS = (
    Check(shouting_flags, (Code("shouting", 0.77, "The English shouts", "Write it normally."),),
          rank=75),
)
'''


def test_a_new_module_file_is_found_and_registered_by_discovery(tmp_path, monkeypatch):
    import sys

    package = tmp_path / "more_checks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "loud.py").write_text(CHECK_FILE)
    (package / "helper.py").write_text("raise AssertionError('declares no CHECKS: not imported')")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert registry.declaring_modules("more_checks") == ["more_checks.loud"]
        checks = registry.discover("more_checks")
        try:
            assert [check.name for check in checks] == ["more_checks.loud.shouting_flags"]
            flags = registry.run(Pair(GERMAN, ENGLISH.upper().replace("12", "13")))
            assert [f.code for f in flags] == ["number_mismatch", "shouting"]  # ranks 40, 75
            assert registry.WEIGHTS["shouting"] == 0.77
        finally:
            for check in checks:
                registry.unregister(check)
    finally:
        for name in ("more_checks", "more_checks.loud"):
            sys.modules.pop(name, None)
    assert "shouting" not in registry.CODES


def test_a_module_with_a_taken_rank_or_code_or_no_rank_is_refused_whole():
    import types

    before = (list(registry.CHECKS), dict(registry.CODES), registry.LIST_ORDER)
    module = types.ModuleType("review.checks.twin")
    fresh = Check(shouting_flags, (SHOUTING,), rank=66)
    for checks, message in (
            ((fresh, Check(wrong_code_flags, (Code("other", 0.1, "Other", "Rank taken."),),
                           rank=40)),
             r"twin: more than one check has the same rank: .*number_flags \(rank 40\)"),
            ((fresh, Check(wrong_code_flags, (Code("repetition", 0.1, "Twin", "Taken."),),
                           rank=67)), "twin: declared by more than one check: repetition"),
            ((fresh, Check(wrong_code_flags, (Code("other", 0.1, "Other", "No rank."),))),
             "twin: .*wrong_code_flags has no rank")):
        module.CHECKS = checks
        with pytest.raises(ValueError, match=message):
            registry.register_module(module)
        assert (list(registry.CHECKS), dict(registry.CODES), registry.LIST_ORDER) == before
    module.CHECKS = (SHOUTING,)
    with pytest.raises(TypeError, match="not a Check"):
        registry.register_module(module)
    with pytest.raises(ValueError, match="rank"):
        Check(shouting_flags, (SHOUTING,), rank=float("nan"))
    with pytest.raises(ValueError, match="rank 10"):
        registry.register(Check(shouting_flags, (SHOUTING,), rank=10))
    assert (list(registry.CHECKS), dict(registry.CODES), registry.LIST_ORDER) == before
