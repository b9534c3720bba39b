"""The translation memory in the pipeline: exact matches fill segments instead of the model,
an article the memory covers needs no model, and consistency flags from approvals elsewhere."""
from __future__ import annotations

import json

import pytest

from models import registry
from review.article import MachineOutput
from review.batch import translate_articles
from review.checks import check_pairs
from review.checks.consistency import consistency_flags
from review.memory.units import origin_of
from review.checks.describe import DESCRIPTIONS
from review.checks.risk import WEIGHTS
from review.ingest import article_from_text
from review.pipeline import MEMORY_MODEL, run_checks, translate_article
from review.store import ArticleStore

SHARED = "Die Regierung hat am Montag ein neues Gesetz zum Schutz der Wälder beschlossen."
SHARED_EN = "On Monday the government passed a new law protecting the forests."
OTHER = "Die Opposition kritisiert den Entwurf scharf."
TEXT_A = f"Waldschutz in Bayern\n\n{SHARED} {OTHER}"
FIRST_B = "Der Minister sprach von einem wichtigen Schritt."
TEXT_B = f"Neues Gesetz für die Wälder\n\n{FIRST_B} {SHARED}"


class Spy:
    """A translator that records every list of German it is asked to translate."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def translate(self, segments, progress=None):
        self.calls.append(list(segments))
        return self.real.translate(segments, progress=progress)


@pytest.fixture
def spy(tiny_marian, monkeypatch):
    """Every translator the batch loads is the tiny Marian, spied on; ``spy.loads`` counts."""
    real = registry.get_translator(str(tiny_marian), engine="transformers")
    spied = Spy(real)
    spied.loads = 0

    def get_translator(*_args, **_kwargs):
        spied.loads += 1
        return spied

    monkeypatch.setattr(registry, "get_translator", get_translator)
    return spied


def _add(store: ArticleStore, text: str) -> str:
    return store.add(article_from_text(text)).id


def _index(store: ArticleStore, article_id: str, source: str) -> int:
    return next(s.index for s in store.get(article_id).segments if s.source == source)


def test_exact_match_fills_the_segment_and_the_model_gets_the_rest(store_dir, spy):
    store = ArticleStore(store_dir)
    a, b = _add(store, TEXT_A), _add(store, TEXT_B)
    shared_a, shared_b = _index(store, a, SHARED), _index(store, b, SHARED)
    store.decide(a, shared_a, "correct", "ana", text=SHARED_EN)

    seen = []
    [result] = translate_articles([b], store=store, summary="none",
                                  on_segment=lambda done, total: seen.append((done, total)))
    article = store.get(b)
    machine = article.segment(shared_b).machine
    assert machine == MachineOutput(SHARED_EN, MEMORY_MODEL, None, "memory",
                                    f"article:{a}#{shared_a}")
    others = [s for s in article.reviewable() if s.index != shared_b]
    assert others and all(s.machine.engine == "transformers" and s.machine.origin is None
                          for s in others)
    # The model never saw the shared German; the memory match counts as translated.
    assert spy.loads == 1
    assert spy.calls == [[s.source for s in others]]
    assert SHARED not in sum(spy.calls, [])
    assert result.status == "translated" and result.translated == result.segments == 3
    assert seen[0] == (1, 3) and seen[-1] == (3, 3)  # progress starts with the match
    assert article.segment(shared_b).decision.status == "pending"
    assert article.segment(shared_b).risk is not None  # checked like any machine output
    # The engine and origin survive the round trip through the file.
    on_disk = json.loads(store.path(b).read_text())
    stored = next(s for s in on_disk["segments"] if s["index"] == shared_b)["machine"]
    assert stored["engine"] == "memory" and stored["origin"] == f"article:{a}#{shared_a}"


def test_an_article_the_memory_covers_is_translated_without_loading_the_model(store_dir, spy):
    store = ArticleStore(store_dir)
    a = _add(store, TEXT_A)
    covered = _add(store, f"Waldschutz in Bayern\n\n{SHARED}")  # A's heading and first sentence
    for seg in store.get(a).reviewable():
        if seg.source == SHARED:
            store.decide(a, seg.index, "correct", "ana", text=SHARED_EN)
        elif seg.kind == "heading":
            store.decide(a, seg.index, "correct", "ana", text="Forest protection in Bavaria")

    [result] = translate_articles([covered], store=store, summary="extractive")
    assert result.status == "translated" and result.translated == result.segments == 2
    assert spy.loads == 0 and spy.calls == []
    article = store.get(covered)
    assert {s.machine.text for s in article.reviewable()} == {SHARED_EN,
                                                              "Forest protection in Bavaria"}
    assert all(s.machine.engine == "memory" for s in article.reviewable())
    assert article.summary is not None
    # translate_article itself needs no translator then, and never calls one with nothing.
    again = translate_article(store, covered, None, summary="none")
    assert again.id == covered and spy.calls == []


def test_a_match_undone_before_its_turn_loads_the_model_after_all(store_dir, spy):
    """The batch decides not to load the model; the approval is undone before the article's
    turn; the model is then loaded on demand rather than the article failing."""
    store = ArticleStore(store_dir)
    a = _add(store, TEXT_A)
    covered = _add(store, f"Waldschutz in Bayern\n\n{SHARED}")
    for seg in store.get(a).reviewable()[:2]:  # the heading and the shared sentence
        store.decide(a, seg.index, "correct", "ana", text=f"English {seg.index}.")

    def undo_heading(*_args):  # after the batch chose not to load the model
        store.undo(a, 0, "ana")

    [result] = translate_articles([covered], store=store, summary="none",
                                  on_article=undo_heading)
    assert result.status == "translated" and result.translated == 2
    assert spy.loads == 1 and spy.calls == [["Waldschutz in Bayern"]]
    assert store.get(covered).segment(1).machine.engine == "memory"


def test_old_files_without_origin_load_and_gain_it_when_written(store_dir):
    store = ArticleStore(store_dir)
    article = article_from_text(TEXT_A)
    data = article.to_dict()
    for seg in data["segments"]:
        seg["machine"] = {"text": "Old English.", "model": "opus-mt-de-en", "confidence": -0.4,
                          "engine": "ctranslate2"}
    data["schema_version"] = 2
    store_dir.mkdir(parents=True, exist_ok=True)
    store.path(article.id).write_text(json.dumps(data, ensure_ascii=False))
    loaded = store.get(article.id)
    assert all(s.machine.origin is None and s.machine.engine == "ctranslate2"
               for s in loaded.segments)
    store.update(article.id, lambda _a: None)
    on_disk = json.loads(store.path(article.id).read_text())
    assert on_disk["segments"][0]["machine"]["origin"] is None


# -- consistency ---------------------------------------------------------------------------


def _codes(seg) -> set[str]:
    return {f.code for f in seg.flags}


def test_german_approved_with_other_english_is_flagged_and_raises_the_risk(store_dir):
    store = ArticleStore(store_dir)
    a, b = _add(store, TEXT_A), _add(store, TEXT_B)
    c = _add(store, f"Wälder in Gefahr\n\n{SHARED}")
    shared_a, shared_b = _index(store, a, SHARED), _index(store, b, SHARED)
    shared_c = _index(store, c, SHARED)
    store.decide(a, shared_a, "correct", "ana", text=SHARED_EN)
    other_en = "The government adopted a new forest law on Monday."
    store.decide(b, shared_b, "correct", "ben", text=other_en)
    store.decide(c, shared_c, "correct", "cem", text=SHARED_EN)  # consistent with A

    b_seg = run_checks(store, b).segment(shared_b)
    # One flag per other English, naming its newest approval (A and C agree; C came last,
    # unless both were decided within the same second).
    [flag] = [f for f in b_seg.flags if f.code == "inconsistent_translation"]
    assert flag.detail in (f"approved elsewhere as \"{SHARED_EN}\" (article {c} §{shared_c})",
                           f"approved elsewhere as \"{SHARED_EN}\" (article {a} §{shared_a})")
    # C agrees with A, so only B's English counts against it.
    c_seg = run_checks(store, c).segment(shared_c)
    assert [f.detail for f in c_seg.flags if f.code == "inconsistent_translation"] == \
        [f"approved elsewhere as \"{other_en}\" (article {b} §{shared_b})"]
    a_seg = run_checks(store, a).segment(shared_a)
    assert [f.detail for f in a_seg.flags if f.code == "inconsistent_translation"] == \
        [f"approved elsewhere as \"{other_en}\" (article {b} §{shared_b})"]

    # The same pair with and without the memory: the flag adds its weight to the risk.
    [without] = check_pairs([SHARED], [other_en])
    assert "inconsistent_translation" not in {f.code for f in without.flags}
    assert b_seg.risk > without.risk
    assert b_seg.risk >= WEIGHTS["inconsistent_translation"]


def test_english_approved_for_other_german_is_flagged(store_dir):
    store = ArticleStore(store_dir)
    a, b = _add(store, TEXT_A), _add(store, TEXT_B)
    other_a = _index(store, a, OTHER)
    first_b = _index(store, b, FIRST_B)
    pasted = "The opposition sharply criticised the draft."
    store.decide(a, other_a, "correct", "ana", text=pasted)
    store.decide(b, first_b, "correct", "ben", text=pasted)  # pasted onto other German

    seg = run_checks(store, b).segment(first_b)
    [flag] = [f for f in seg.flags if f.code == "inconsistent_source"]
    assert flag.detail == f"the same English was approved for \"{OTHER}\" (article {a} §{other_a})"
    assert seg.risk >= WEIGHTS["inconsistent_source"]
    # A consistent pair (its own approval only) gets neither flag.
    own = run_checks(store, a)
    assert not {"inconsistent_source", "inconsistent_translation"} & _codes(
        own.segment(_index(store, a, SHARED)))


def test_consistency_flags_on_a_memory_without_a_store():
    from review.memory import Memory as RealMemory
    from review.memory import Unit

    def Memory(units):  # noqa: N802 - a memory of imported units only, no store behind it
        return RealMemory(imported=units)

    memory = Memory([Unit(SHARED, SHARED_EN, "tmx:forests.tmx"),
                     Unit(OTHER, "The opposition sharply criticised the draft.", "article:x#2")])
    assert consistency_flags(SHARED, SHARED_EN, memory) == []
    [flag] = consistency_flags(SHARED, "Another English sentence here.", memory)
    assert flag.code == "inconsistent_translation" and "(TMX file forests.tmx)" in flag.detail
    [flag] = consistency_flags("Ganz andere Worte hier.",
                               "The opposition sharply criticised the draft.", memory)
    assert flag.code == "inconsistent_source" and "(article x §2)" in flag.detail
    # Its own approval never counts against a segment.
    assert consistency_flags("Ganz andere Worte hier.",
                             "The opposition sharply criticised the draft.", memory,
                             exclude_origin="article:x#2") == []
    assert origin_of("x", 2) == "article:x#2"
    # Short English ("Thank you.") is shared by different German legitimately: no flag.
    assert consistency_flags("Vielen Dank.", "Thank you.",
                             Memory([Unit("Danke.", "Thank you.", "article:y#1")])) == []
    for code in ("inconsistent_translation", "inconsistent_source"):
        assert code in WEIGHTS and "Translation memory" in DESCRIPTIONS[code][1]


def test_units_imported_from_tmx_fill_segments_with_the_file_as_origin(store_dir, tmp_path):
    from review.memory import import_tmx

    store = ArticleStore(store_dir)
    article_id = _add(store, f"Waldschutz in Bayern\n\n{SHARED}")
    tmx = tmp_path / "forests.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="de" '
        'adminlang="en" segtype="sentence" datatype="plaintext" o-tmf="test" '
        'creationtool="test" creationtoolversion="1"/><body>'
        f'<tu><tuv xml:lang="de"><seg>{SHARED}</seg></tuv>'
        f'<tuv xml:lang="en"><seg>{SHARED_EN}</seg></tuv></tu>'
        '<tu><tuv xml:lang="de"><seg>Waldschutz in Bayern</seg></tuv>'
        '<tuv xml:lang="en"><seg>Forest protection in Bavaria</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    assert import_tmx(store, tmx) == 2

    article = translate_article(store, article_id, None, summary="none")  # no model at all
    seg = article.segment(_index(store, article_id, SHARED))
    assert seg.machine.text == SHARED_EN and seg.machine.engine == "memory"
    assert seg.machine.origin == "tmx:forests.tmx"
    assert "inconsistent_translation" not in _codes(seg)
