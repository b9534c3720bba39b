"""Agreement: English scored under the translation model (mean log-probability per token)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.bench import tiny as tiny_models
from click.testing import CliRunner

from review.checks import check_pairs
from review.checks.risk import AGREEMENT_THRESHOLD, agreement_flags, risk

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _sentences(count: int = 10) -> list[str]:
    path = next(SEEDS.glob("001_*.txt"))
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [ln for ln in lines if any(ch.isalpha() for ch in ln)][:count]


@pytest.fixture(scope="module")
def sharp_marian(tiny_marian, tmp_path_factory) -> Path:
    """The tiny Marian with its weights times 20, for this module alone: it tells sentences
    apart (the plain random model says the same thing to everything)."""
    return tiny_models.sharpen_marian(tiny_marian, tmp_path_factory.mktemp("sharp") / "marian")


@pytest.fixture(scope="module")
def marian(sharp_marian):
    from models.marian import MarianTranslator

    return MarianTranslator(sharp_marian, "tiny-marian")


@pytest.fixture(scope="module")
def pairs(marian):
    """(German, the model's own English, another sentence's English) per seed sentence."""
    sources = _sentences()
    own = [o.text for o in marian.translate(sources)]
    rows = []
    for i, (source, english) in enumerate(zip(sources, own)):
        other = next((own[j] for j in range(i + 1, i + len(own))
                      if own[j % len(own)] and own[j % len(own)] != english
                      for j in [j % len(own)]), None)
        if english and other:
            rows.append((source, english, other))
    assert len(rows) >= 5
    return rows


def test_own_english_agrees_more_than_another_sentences(marian, pairs):
    sources = [s for s, _, _ in pairs]
    own = marian.score(sources, [e for _, e, _ in pairs])
    mismatch = marian.score(sources, [o for _, _, o in pairs])
    for a_own, a_mis in zip(own, mismatch):
        assert a_own < 0 and a_own > a_mis


def test_mismatch_gets_a_higher_risk(marian, pairs):
    sources = [s for s, _, _ in pairs]
    own_en, other_en = [e for _, e, _ in pairs], [o for _, _, o in pairs]
    a_own, a_mis = marian.score(sources, own_en), marian.score(sources, other_en)
    own = check_pairs(sources, own_en, agreements=a_own)
    mismatch = check_pairs(sources, other_en, agreements=a_mis)
    # The tiny model's English is gibberish that trips other checks (names, repetition) in
    # both, so compare what the agreement adds: with the other signals equal, the mismatch's
    # risk is higher; check_pairs carries the agreement and flags the low ones.
    for i in range(len(sources)):
        assert risk([], None, None, a_mis[i]) > risk([], None, None, a_own[i])
        assert mismatch[i].agreement == a_mis[i] and own[i].agreement == a_own[i]
        low = any(f.code == "low_agreement" for f in mismatch[i].flags)
        assert not low or a_mis[i] < AGREEMENT_THRESHOLD  # (copied output skips checks)
    # The agreement alone raises the risk, and below the threshold it is flagged.
    assert risk([], None, None, -1.0) == risk([], None, None, None)
    assert risk([], None, None, -2.0) < risk([], None, None, -2.5) < risk([], None, None, -6)
    assert agreement_flags(AGREEMENT_THRESHOLD - 1)[0].code == "low_agreement"
    assert agreement_flags(AGREEMENT_THRESHOLD + 0.1) == [] and agreement_flags(None) == []


def test_empty_english_and_letterless_german_score_none(marian):
    assert marian.score(["Guten Tag.", "12.000", ""], ["", "12,000", "Hello"]) == \
        [None, None, None]
    assert marian.score([], []) == []


def test_over_long_german_is_split_like_translation(marian):
    long = " ".join(_sentences(12))
    assert marian.count_tokens(long) > marian.max_input_tokens
    english = marian.translate([long])[0].text
    [score] = marian.score([long], [english])
    assert score is not None and score < 0


def test_ct2_scores_close_to_transformers(tiny_marian, sharp_marian, pairs):
    from models.ct2 import CT2Translator, convert
    from models.marian import MarianTranslator

    sources = [s for s, _, _ in pairs]
    targets = [e for _, e, _ in pairs] + [o for _, _, o in pairs]
    # The plain tiny model: int8 barely moves the scores.
    ref = MarianTranslator(tiny_marian, "tiny").score(sources * 2, targets)
    ct2 = CT2Translator(convert(tiny_marian, "tiny"), tiny_marian, "tiny").score(sources * 2,
                                                                                targets)
    assert all(abs(a - b) < 0.05 for a, b in zip(ref, ct2))
    # The sharpened one: int8 errors grow with the weights, but the order stays.
    sharp = CT2Translator(convert(sharp_marian, "tiny-marian"), sharp_marian, "tiny-marian")
    own, mismatch = sharp.score(sources, targets[:len(sources)]), \
        sharp.score(sources, targets[len(sources):])
    assert all(a > b for a, b in zip(own, mismatch))
    assert sharp.score(["Guten Tag."], [""]) == [None]


def test_check_cli_adds_agreement_with_mt_model(tiny_marian, tmp_path):
    from review.cli import main

    src, tgt = tmp_path / "a.de", tmp_path / "a.en"
    src.write_text("Die Regierung tagt.\n\nDer Minister sprach.\n", encoding="utf-8")
    tgt.write_text("The government meets.\n\n\n", encoding="utf-8")
    plain = CliRunner().invoke(main, ["check", "--source", str(src), "--target", str(tgt),
                                      "--json"])
    assert all("agreement" not in json.loads(ln) for ln in plain.output.splitlines())
    result = CliRunner().invoke(main, ["check", "--source", str(src), "--target", str(tgt),
                                       "--json", "--mt-model", str(tiny_marian)])
    lines = [json.loads(ln) for ln in result.output.splitlines()]
    assert result.exit_code in (0, 1) and len(lines) == 3
    assert all("agreement" in ln for ln in lines)
    assert isinstance(lines[0]["agreement"], float) and lines[0]["agreement"] < 0
    assert lines[1]["agreement"] is None and lines[2]["agreement"] is None


def test_check_cli_unavailable_model_is_one_line_exit_2(tmp_path):
    from review.cli import main

    src, tgt = tmp_path / "a.de", tmp_path / "a.en"
    src.write_text("Hallo.\n", encoding="utf-8")
    tgt.write_text("Hello.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--source", str(src), "--target", str(tgt),
                                       "--json", "--mt-model", str(tmp_path / "no-model")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "error" in result.output


def test_segment_agreement_round_trips_and_old_files_load():
    from review.article import Article
    from review.ingest import article_from_text

    article = article_from_text("Titel\n\nEin Satz. Noch ein Satz.")
    article.segments[0].agreement, article.segments[0].agreement_of = -1.25, "abc"
    data = json.loads(json.dumps(article.to_dict()))
    again = Article.from_dict(data)
    assert again.segments[0].agreement == -1.25 and again.segments[0].agreement_of == "abc"
    for seg in data["segments"]:
        del seg["agreement"], seg["agreement_of"]
    old = Article.from_dict(data)
    assert all(s.agreement is None and s.agreement_of is None for s in old.segments)
    data["segments"][0]["agreement"] = "high"
    with pytest.raises(ValueError, match="agreement"):
        Article.from_dict(data)


def test_pipeline_keeps_agreement_in_step_with_the_english(marian, pairs, store_dir):
    from review.article import MachineOutput
    from review.ingest import article_from_text
    from review.recheck import recheck_segment
    from review.store import ArticleStore

    source, own, other = pairs[0]
    article = article_from_text(f"{source}")
    seg = next(s for s in article.segments if s.source.strip())
    seg.machine = MachineOutput(own, "tiny-marian", -1.0, "transformers")
    recheck_segment(article, seg, translator=marian)
    first = seg.agreement
    assert first is not None and first == pytest.approx(marian.score([seg.source], [own])[0],
                                                         abs=1e-3)
    recheck_segment(article, seg)  # no translator, same English: kept
    assert seg.agreement == first
    seg.decision.status, seg.decision.text = "corrected", other  # a correction
    recheck_segment(article, seg)  # no translator, changed English: cleared
    assert seg.agreement is None
    recheck_segment(article, seg, translator=marian)
    assert seg.agreement is not None and seg.agreement < first
    assert ArticleStore  # the store path is covered by test_translate_article_scores
