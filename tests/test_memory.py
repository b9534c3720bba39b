"""The translation memory's API: normalize, what it holds, lookup, search, conflicts, cache."""
from __future__ import annotations

import pytest

from review.article import Article, Decision, MachineOutput, Segment
from review.ingest import content_hash
from review.memory import (Conflict, CorruptMemoryError, Hit, Match, Memory, Unit, memory_for,
                           normalize)
from review.memory.storage import imported_path, write_imported
from review.store import ArticleStore


def make_article(article_id: str, pairs, decisions=None, kinds=None) -> Article:
    """An article whose segment i is German pairs[i][0] with machine English pairs[i][1];
    ``decisions`` maps a segment index to its Decision, ``kinds`` to its kind."""
    decisions, kinds = decisions or {}, kinds or {}
    segments, start = [], 0
    for index, (german, english) in enumerate(pairs):
        segments.append(Segment(index=index, start=start, end=start + len(german),
                                source=german, kind=kinds.get(index, "text"),
                                machine=MachineOutput(english, "tiny-mt") if english else None,
                                decision=decisions.get(index, Decision())))
        start += len(german) + 1
    text = " ".join(german for german, _ in pairs)
    return Article(id=article_id, title=article_id, text=text, content_hash=content_hash(text),
                   segments=segments)


def approved(status="accepted", text=None, reviewer="ana", time="2024-05-01T10:00:00+00:00"):
    return Decision(status=status, text=text, reviewer=reviewer, time=time, revision=1)


def imported(store: ArticleStore, *units: Unit) -> None:
    write_imported(imported_path(store), list(units))


@pytest.fixture
def store() -> ArticleStore:
    return ArticleStore()


# -- normalize ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("  Der  Zug\tfährt\n ab. ", "Der Zug fährt ab."),
    ("Der\u00a0Zug\u202ffährt\u2007ab.", "Der Zug fährt ab."),
    ("Zug\u200bfahrt\u2060 und\ufeff Bahn\u200c\u200d", "Zugfahrt und Bahn"),
    ("„Ja“, sagte er. “Nein” «Vielleicht» ‟so″", '"Ja", sagte er. "Nein" "Vielleicht" "so"'),
    ("‚Ja‘ ’n ‛x‹y› 5′", "'Ja' 'n 'x'y' 5'"),
    ("A‐B‑C‒D–E—F―G", "A-B-C-D-E-F-G"),
    ("Bahn", "Bahn"),
    ("BAHN", "BAHN"),  # not case-folded
    ("Fa\u0308hre", "Fähre"),  # NFC
    ("", ""),
    (" \u00a0\u200b ", ""),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent_and_case_is_kept():
    text = " „Die  Bahn“ – streikt "
    assert normalize(normalize(text)) == normalize(text) == '"Die Bahn" - streikt'
    assert normalize("die Bahn") != normalize("Die Bahn")


# -- what the memory holds ---------------------------------------------------------------


def test_load_takes_approved_segments_only(store):
    store.add(make_article("a1", [
        ("Der Zug fährt ab.", "The train leaves."),          # accepted: machine text
        ("Die Bahn streikt.", "The railway strikes."),       # corrected: the correction
        ("Es regnet.", "It rains."),                         # pending
        ("Es schneit.", "It snows."),                        # rejected
        ("Impressum", "Imprint"),                            # boilerplate, accepted
        ("Guten Tag.", None),                                # corrected to only spaces
    ], decisions={0: approved(), 1: approved("corrected", "The rail workers are on strike."),
                  3: approved("rejected"), 4: approved(),
                  5: approved("corrected", "   ")}, kinds={4: "boilerplate"}))
    memory = Memory.load(store)
    assert [(u.source, u.target, u.origin, u.reviewer, u.time) for u in memory.units] == [
        ("Der Zug fährt ab.", "The train leaves.", "article:a1#0", "ana",
         "2024-05-01T10:00:00+00:00"),
        ("Die Bahn streikt.", "The rail workers are on strike.", "article:a1#1", "ana",
         "2024-05-01T10:00:00+00:00")]
    assert memory.problems == []


def test_load_reflects_decisions_and_undos(store):
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train leaves."),
                                  ("Die Bahn streikt.", "The railway strikes.")]))
    assert Memory.load(store).units == []
    store.decide("a1", 0, "accept", "ana")
    store.decide("a1", 1, "correct", "bob", text="The rail workers strike.")
    assert [(u.target, u.reviewer) for u in Memory.load(store).units] == [
        ("The train leaves.", "ana"), ("The rail workers strike.", "bob")]
    store.undo("a1", 1, "bob")
    assert [u.target for u in Memory.load(store).units] == ["The train leaves."]
    store.decide("a1", 0, "correct", "cy", text="The train departs.")
    assert [u.target for u in Memory.load(store).units] == ["The train departs."]
    store.undo("a1", 0, "cy")
    assert [u.target for u in Memory.load(store).units] == ["The train leaves."]
    store.decide("a1", 0, "reject", "cy")
    assert Memory.load(store).units == []


def test_corrupt_articles_are_skipped_and_named(store, store_dir):
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train leaves.")],
                           decisions={0: approved()}))
    (store_dir / "broken.json").write_text("{not json", "utf-8")
    memory = Memory.load(store)
    assert [u.origin for u in memory.units] == ["article:a1#0"]
    assert len(memory.problems) == 1 and "broken.json" in memory.problems[0]


def test_memory_for_is_cached_and_follows_every_change(store, store_dir):
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train leaves."),
                                  ("Die Bahn streikt.", "The railway strikes.")]))
    first = memory_for(store)
    assert first.units == [] and memory_for(ArticleStore(store_dir)) is first
    store.decide("a1", 0, "accept", "ana")
    second = memory_for(store)
    assert second is not first and [u.origin for u in second.units] == ["article:a1#0"]
    assert memory_for(store) is second
    store.undo("a1", 0, "ana")
    assert memory_for(store).units == []
    imported(store, Unit("Es regnet.", "It rains.", "tmx:x.tmx"))
    assert [u.origin for u in memory_for(store).units] == ["tmx:x.tmx"]
    imported_path(store).unlink()
    assert memory_for(store).units == []


def test_a_rebuilt_memory_finds_what_a_fresh_one_does_and_reads_only_what_changed(
        store, monkeypatch):
    import os
    import time

    from review.memory import index, text

    def pairs(name: str) -> list[tuple[str, str]]:
        return [(f"Der Zug {name} Nummer {n} fährt ab.", f"Train {name} number {n} leaves.")
                for n in range(4)]

    for name in ("a1", "a2"):
        store.add(make_article(name, pairs(name), decisions={i: approved() for i in range(4)}))
    old = time.time() - 60  # settled: a file written this very second is read again anyway
    os.utime(store.path("a1"), (old, old))
    assert memory_for(store).exact_target("Train a1 number 1 leaves.", exclude_origin=None)
    normalized: list[str] = []
    monkeypatch.setattr(index, "normalize",
                        lambda value: normalized.append(value) or text.normalize(value))
    store.decide("a2", 1, "correct", "bob", text="Train a2 departs.")
    store.decide("a2", 3, "reject", "bob")
    after = memory_for(store)
    after.exact_target("Train a2 departs.", exclude_origin=None)
    # only a2's units were normalized again (three approved now), German and English once each
    a2 = pairs("a2")
    assert sorted(normalized) == sorted([german for german, _ in a2[:3]] + [
        a2[0][1], "Train a2 departs.", a2[2][1]])
    fresh = Memory.load(store)
    for german, english in pairs("a1") + a2 + [("", "Train a2 departs.")]:
        key, target = text.normalize(german), text.normalize(english)
        assert after._store.exact(key) == fresh._store.exact(key)
        assert after._store.by_target(target) == fresh._store.by_target(target)


def test_a_corrupt_memory_file_is_named_and_left_as_it_is(store):
    path = imported_path(store)
    path.parent.mkdir(parents=True)
    good = '{"source": "Es regnet.", "target": "It rains.", "origin": "tmx:x.tmx"}\n'
    for bad in (good + "{oops\n", good + '{"source": "", "target": "x", "origin": "y"}\n',
                good + '["a list"]\n', b"\xff\xfe garbage"):
        data = bad.encode() if isinstance(bad, str) else bad
        path.write_bytes(data)
        with pytest.raises(CorruptMemoryError) as caught:
            Memory.load(store)
        message = str(caught.value)
        assert str(path) in message and "\n" not in message
        assert CorruptMemoryError.exit_code == 1
        assert path.read_bytes() == data
    path.write_text(good + "\n", "utf-8")
    assert [u.target for u in Memory.load(store).units] == ["It rains."]


# -- lookup ------------------------------------------------------------------------------


def test_exact_lookup_ignores_spaces_quotes_and_dashes_but_not_case(store):
    store.add(make_article("a1", [("„Der Zug“ fährt – jetzt ab.", "The train leaves now.")],
                           decisions={0: approved()}))
    memory = Memory.load(store)
    matches = memory.lookup('  "Der\u00a0Zug"  fährt - jetzt ab. ')
    assert [(m.unit.target, m.score) for m in matches] == [("The train leaves now.", 1.0)]
    assert matches[0].to_dict() == {"source": "„Der Zug“ fährt – jetzt ab.",
                                    "target": "The train leaves now.", "score": 1.0,
                                    "origin": "article:a1#0"}
    lower = memory.lookup('"der Zug" fährt - jetzt ab.')
    assert lower and lower[0].score < 1.0


def test_exact_first_newest_first_then_fuzzy_best_first(store):
    store.add(make_article("a1", [
        ("Der Zug fährt um acht Uhr ab.", "The train leaves at eight."),
        ("Der Zug fährt um neun Uhr ab.", "The train leaves at nine."),
        ("Der Bus fährt um acht Uhr ab.", "The bus leaves at eight."),
        ("Heute scheint die Sonne über Berlin.", "The sun shines over Berlin today."),
    ], decisions={0: approved(time="2024-05-01T10:00:00+00:00"), 1: approved(),
                  2: approved(), 3: approved()}))
    store.add(make_article("a2", [("Der Zug fährt um acht Uhr ab.",
                                   "The train departs at eight.")],
                           decisions={0: approved("corrected", "The train departs at eight.",
                                                  time="2024-06-01T10:00:00+00:00")}))
    imported(store, Unit("Der Zug fährt um acht Uhr ab.", "Train leaves at 8.", "tmx:old.tmx",
                         time="2024-06-01T10:00:00+00:00"),
             Unit("Der Zug fährt um acht Uhr ab.", "The train leaves at eight.",
                  "tmx:old.tmx", time="2023-01-01T00:00:00+00:00"))
    memory = Memory.load(store)
    # Equally new: the store unit first. The imported repeat of a1#0's pair is dropped.
    assert [u.origin for u in memory.exact("Der Zug fährt um acht Uhr ab.")] == [
        "article:a2#0", "tmx:old.tmx", "article:a1#0", "tmx:old.tmx"]
    matches = memory.lookup("Der Zug fährt um acht Uhr ab.", limit=10)
    assert [(m.unit.target, m.score) for m in matches[:3]] == [
        ("The train departs at eight.", 1.0), ("Train leaves at 8.", 1.0),
        ("The train leaves at eight.", 1.0)]
    assert matches[2].unit.origin == "article:a1#0"
    fuzzy = matches[3:]
    # "Zug" -> "Bus" changes fewer characters than "acht" -> "neun".
    assert [m.unit.target for m in fuzzy] == ["The bus leaves at eight.",
                                               "The train leaves at nine."]
    assert all(0.5 <= m.score < 1.0 for m in fuzzy)
    assert fuzzy[0].score >= fuzzy[1].score
    assert [m.unit.target for m in memory.lookup("Der Zug fährt um acht Uhr ab.", limit=2)] \
        == ["The train departs at eight.", "Train leaves at 8."]


def test_fuzzy_scores_threshold_and_exclusion(store):
    store.add(make_article("a1", [("Der Zug fährt um acht Uhr ab.", "The train leaves at 8."),
                                  ("Der Zug fährt um neun Uhr ab.", "The train leaves at 9.")],
                           decisions={0: approved(), 1: approved()}))
    memory = Memory.load(store)
    matches = memory.lookup("Der Zug fährt um zehn Uhr ab.")
    assert len(matches) == 2 and all(0.8 < m.score < 1.0 for m in matches)
    assert all(m.to_dict()["score"] == round(m.score, 3) for m in matches)
    assert memory.lookup("Der Zug fährt um zehn Uhr ab.", threshold=0.99) == []
    assert memory.lookup("Völlig anderer Inhalt hier", threshold=0.9) == []
    assert [m.unit.origin for m in memory.lookup("Der Zug fährt um acht Uhr ab.",
                                                 exclude_origin="article:a1#0")] == [
        "article:a1#1"]
    assert memory.exact("Der Zug fährt um acht Uhr ab.", exclude_origin="article:a1#0") == []
    assert memory.lookup("   ") == [] and Memory().lookup("Der Zug.") == []


def test_a_near_exact_fuzzy_score_never_shows_as_one():
    long = "Wort " * 400
    memory = Memory(imported=[Unit(long + "A.", "Words.", "tmx:x.tmx")])
    [match] = memory.lookup(long + "B.")
    assert match.score < 1.0 and match.to_dict()["score"] == 0.999


def test_large_memories_find_fuzzy_matches_through_the_word_index(monkeypatch):
    from review.memory import index

    monkeypatch.setattr(index, "FULL_SCAN", 10)
    monkeypatch.setattr(index, "CANDIDATES", 5)
    units = [Unit(f"Meldung {n}: Der Rat tagt am Montag in Raum {n}.", f"EN {n}", "tmx:x.tmx")
             for n in range(200)]
    units.append(Unit("Die Regierung beschließt heute das neue Klimagesetz.",
                      "The government passes the new climate law today.", "tmx:x.tmx"))
    memory = Memory(imported=units)
    best = memory.lookup("Die Regierung beschließt morgen das neue Klimagesetz.")[0]
    assert best.unit.target == "The government passes the new climate law today."
    assert 0.8 < best.score < 1.0
    assert memory.lookup("Meldung 17: Der Rat tagt am Montag in Raum 17.")[0].score == 1.0
    assert memory.lookup("Xylophon Zebra") == []


# -- concordance -------------------------------------------------------------------------


def test_search_finds_terms_in_both_languages_with_spans(store):
    store.add(make_article("a1", [
        ("Der Bundestag tagt.", "The Bundestag meets."),
        ("Im bundestag wird gestritten.", "There is a dispute in parliament."),
        ("Der „Bundestag“ und der Bundesrat.", "The Bundestag and the Bundesrat."),
        ("Es regnet.", "It rains."),
    ], decisions={0: approved(), 1: approved(), 3: approved("rejected")}))
    imported(store, Unit("Bundestag und Bundestag.", "Parliament.", "tmx:x.tmx"))
    hits = Memory.load(store).search("BUNDESTAG")
    assert all(isinstance(hit, Hit) for hit in hits)
    assert [(h.unit.origin, h.status, h.source_spans, h.target_spans) for h in hits] == [
        ("article:a1#0", "accepted", ((4, 13),), ((4, 13),)),
        ("article:a1#1", "accepted", ((3, 12),), ()),
        ("article:a1#2", "pending", ((5, 14),), ((4, 13),)),
        ("tmx:x.tmx", "imported", ((0, 9), (14, 23)), ())]
    assert hits[2].to_dict() == {"source": "Der „Bundestag“ und der Bundesrat.",
                                 "target": "The Bundestag and the Bundesrat.",
                                 "origin": "article:a1#2", "status": "pending",
                                 "source_spans": [[5, 14]], "target_spans": [[4, 13]]}
    assert len(Memory.load(store).search("bundestag", limit=2)) == 2


def test_search_phrases_match_typographic_quotes_dashes_and_spaces(store):
    store.add(make_article("a1", [("Er sagte: „Nein“ – und ging\u00a0heim.", "He said no.")],
                           decisions={0: approved()}))
    memory = Memory.load(store)
    [hit] = memory.search('"nein" - und ging heim')
    assert hit.source_spans == ((10, 32),)
    assert memory.search("nein und") == [] and memory.search("  ") == []


# -- conflicts ---------------------------------------------------------------------------


def test_conflicts_of_both_kinds(store):
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train leaves."),
                                  ("Guten Morgen.", "Good morning."),
                                  ("Es regnet.", "It rains.")],
                           decisions={0: approved(), 1: approved(), 2: approved()}))
    store.add(make_article("a2", [("Der  Zug fährt ab.", "The train departs."),
                                  ("Morgen!", "Good morning."),
                                  ("Es regnet.", "It rains.")],
                           decisions={0: approved(), 1: approved(), 2: approved()}))
    store.add(make_article("a3", [("Sonne.", "Sun.")], decisions={0: approved()}))
    memory = Memory.load(store)
    conflicts = memory.conflicts()
    assert all(isinstance(c, Conflict) for c in conflicts)
    assert [(c.kind, c.text, [u.origin for u in c.units]) for c in conflicts] == [
        ("same_source", "Der Zug fährt ab.", ["article:a1#0", "article:a2#0"]),
        ("same_target", "Good morning.", ["article:a1#1", "article:a2#1"])]
    assert conflicts[0].to_dict() == {"kind": "same_source", "text": "Der Zug fährt ab.",
                                      "units": [
        {"source": "Der Zug fährt ab.", "target": "The train leaves.",
         "origin": "article:a1#0"},
        {"source": "Der  Zug fährt ab.", "target": "The train departs.",
         "origin": "article:a2#0"}]}
    assert memory.conflicts("a1") == conflicts and memory.conflicts("a3") == []


def test_exact_target_finds_units_by_their_english(store):
    store.add(make_article("a1", [("Der Zug fährt ab.", "The “train” leaves."),
                                  ("Der Zug geht.", "The train goes.")],
                           decisions={0: approved(), 1: approved()}))
    imported(store, Unit("Zug fährt ab.", 'The  "train" leaves.', "tmx:x.tmx",
                         time="2025-01-01T00:00:00+00:00"))
    memory = memory_for(store)
    assert [u.origin for u in memory.exact_target('The "train" leaves.')] == [
        "tmx:x.tmx", "article:a1#0"]
    assert memory.exact_target("The train leaves.", exclude_origin="tmx:x.tmx") == []
    store.decide("a1", 1, "correct", "ana", text="The “train” leaves.")
    assert [u.origin for u in memory_for(store).exact_target('The "train" leaves.')] == [
        "article:a1#1", "tmx:x.tmx", "article:a1#0"]  # decided now: the newest


def test_conflicts_with_imported_units_need_a_store_segment(store):
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train leaves.")],
                           decisions={0: approved()}))
    imported(store, Unit("Der Zug fährt ab.", "The train departs.", "tmx:x.tmx"),
             Unit("Es regnet.", "It rains.", "tmx:x.tmx"),
             Unit("Es regnet.", "It is raining.", "tmx:x.tmx"))
    conflicts = Memory.load(store).conflicts()
    assert [(c.kind, [u.origin for u in c.units]) for c in conflicts] == [
        ("same_source", ["article:a1#0", "tmx:x.tmx"])]


def test_match_and_unit_are_frozen_values():
    unit = Unit("A.", "B.", "tmx:x.tmx")
    with pytest.raises(AttributeError):
        unit.source = "C."  # type: ignore[misc]
    assert Match(unit, 1.0) == Match(Unit("A.", "B.", "tmx:x.tmx"), 1.0)
