"""The learned risk: its coefficient file, monotone flags, order without flags, the fit script,
bulk accept's WMT22 threshold and the risk `check --json` reports."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from review.article import Article, Decision, Flag, MachineOutput, Segment
from review.checks import risk as risk_module
from review.checks.features import FEATURES
from review.checks.registry import WEIGHTS
from review.checks.risk import bulk_accept_below, load_model, risk

ROOT = Path(__file__).resolve().parent.parent
WMT22 = ROOT.parent / "shared" / "data" / "wmt22-deen"
GERMAN = "Die Regierung hat am Montag in Berlin neue Regeln für 200 Firmen beschlossen."
ENGLISH = "On Monday in Berlin the government adopted new rules for 200 companies."
SITUATIONS = [  # (flags already there, similarity, German, English, second chrF, agreement)
    ([], 0.95, GERMAN, ENGLISH, None, None),
    ([], 0.86, None, None, None, None),
    ([Flag("number_missing", "")], 0.80, GERMAN, "The government adopted rules.", 35.0, -3.0),
    ([Flag("name_added", ""), Flag("number_added", "")], 0.6, GERMAN, ENGLISH, 90.0, None),
    ([], None, GERMAN, GERMAN, None, -1.0),
]


def _risk(flags, sim, source, target, second, agreement) -> float:
    return risk(flags, sim, None, agreement, second, source=source, target=target)


def test_the_shipped_coefficient_file_loads_and_gives_risks_between_0_and_1():
    model = load_model()
    assert set(FEATURES) <= set(model["coefficients"]) and 0 < bulk_accept_below() < 1
    for flags, sim, source, target, second, agreement in SITUATIONS:
        for extra in ([], [Flag(code, "") for code in WEIGHTS]):
            value = _risk(flags + extra, sim, source, target, second, agreement)
            assert 0.0 <= value <= 1.0


def test_a_broken_coefficient_file_is_refused_with_its_name(tmp_path):
    broken = tmp_path / "risk_model.json"
    broken.write_text(json.dumps({"intercept": 0, "coefficients": {"similarity": -1}}))
    with pytest.raises(ValueError, match="risk_model.json.*fit_risk.py"):
        load_model(broken)


@pytest.mark.parametrize("code", sorted(WEIGHTS))
def test_a_flag_never_lowers_the_risk(code):
    for flags, sim, source, target, second, agreement in SITUATIONS:
        before = _risk(flags, sim, source, target, second, agreement)
        once = _risk(flags + [Flag(code, "a")], sim, source, target, second, agreement)
        twice = _risk(flags + [Flag(code, "a"), Flag(code, "b")], sim, source, target, second,
                      agreement)
        assert before <= once <= twice


def test_segments_without_flags_are_ordered_by_similarity():
    sims = [0.98, 0.94, 0.9, 0.87, 0.85, 0.82, 0.78, 0.7]
    for source, target in ((None, None), (GERMAN, ENGLISH)):
        risks = [risk([], sim, source=source, target=target) for sim in sims]
        assert all(0 < a < b for a, b in zip(risks, risks[1:])), risks


def test_a_dismissed_flag_leaves_the_learned_risk_of_the_pair():
    seg = Segment(0, 0, len(GERMAN), GERMAN, machine=MachineOutput(ENGLISH, "m"),
                  flags=[Flag("name_added", "x")], similarity=0.9)
    flagged = risk_module.segment_risk(seg)
    seg.flags = []
    assert 0 < risk_module.segment_risk(seg) < flagged


def test_the_fit_script_runs_end_to_end_on_a_slice_and_reproduces_its_file(tmp_path):
    out, cache = tmp_path / "model.json", tmp_path / "embeddings.npz"
    command = [sys.executable, str(ROOT / "scripts" / "fit_risk.py"), "--data", str(WMT22),
               "--limit", "20", "--out", str(out), "--cache", str(cache)]
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr
    written = out.read_bytes()
    model = load_model(out)
    assert len(model["cross_validation"]) == 9 and model["training"]["lines"] == 20
    assert all(line in first.stdout for line in ("LT22", "PROMT", "capture: mean"))
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert again.returncode == 0 and out.read_bytes() == written


def test_the_fit_script_names_a_missing_data_folder_in_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "model.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "fit_risk.py"), "--data",
                           str(tmp_path / "nowhere"), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "nowhere" in done.stderr and "--data" in done.stderr
    assert not out.exists()


def _pending(index: int, risk_value: float, flags=()) -> Segment:
    return Segment(index, 0, 4, "Satz", machine=MachineOutput("Sentence.", "m"),
                   flags=list(flags), risk=risk_value, decision=Decision())


def test_bulk_accept_leaves_the_riskiest_unflagged_segments_for_a_reader():
    from review.ui.rows import bulk_accept_targets

    bar = bulk_accept_below()
    article = Article("a", "A", "Satz", "h", segments=[
        _pending(0, round(bar / 2, 4)), _pending(1, bar), _pending(2, 0.2),
        _pending(3, 0.01, [Flag("name_added", "x")])])
    assert [index for index, _ in bulk_accept_targets(article)] == [0]


def test_check_json_reports_the_learned_risk_of_unflagged_lines(tmp_path):
    source, target = tmp_path / "a.de", tmp_path / "a.en"
    source.write_text(f"{GERMAN}\nDas Wetter war am Wochenende schön.\n", encoding="utf-8")
    target.write_text(f"{ENGLISH}\nThe weather was nice.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "review", "check", "--source", str(source),
                           "--target", str(target), "--json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert all(set(r) == {"line", "flags", "similarity", "risk"} and not r["flags"]
               for r in rows)
    expected = [risk([], r["similarity"], source=s, target=t)
                for r, s, t in zip(rows, (GERMAN, "Das Wetter war am Wochenende schön."),
                                   (ENGLISH, "The weather was nice."))]
    assert [r["risk"] for r in rows] == expected and all(0 < r["risk"] < 1 for r in rows)


def test_known_similarities_are_not_embedded_again(monkeypatch):
    from review.checks import similarity

    def refuse(texts):
        raise AssertionError(f"embedded {texts}")

    monkeypatch.setattr(similarity, "embeddings", refuse)
    assert similarity.similarities([GERMAN, "Ja."], [ENGLISH, "Yes."], known=[0.91, 0.88]) \
        == [0.91, 0.88]
    monkeypatch.undo()
    [kept, computed] = similarity.similarities([GERMAN, GERMAN], [ENGLISH, ENGLISH],
                                               known=[0.5, None])
    assert kept == 0.5 and computed > 0.85


def test_embedding_on_every_core_splits_the_work_and_gives_the_same_vectors():
    from models import embed

    texts = [f"Satz Nummer {n} über die Kosten von {n * 7} Euro." for n in range(12)]
    assert [len(part) for part in embed.split(texts, 2)] == [6, 6]
    assert sum(embed.split(texts, 5), []) == texts and embed.split(texts[:1], 2) == [texts[:1]]
    alone = embed.embed(texts)
    embed.cache_clear()
    with embed.using_all_cores():
        together = embed.embed(texts)
    assert (alone == together).all()


def test_a_file_of_an_older_schema_is_read_with_the_learned_risk(tmp_path):
    """Risks written by the formula before the learned one (an unflagged segment at 0) are
    computed again as the file is read; a current file's risks are read as they are."""
    from review.checks.risk import segment_risk
    from review.store import ArticleStore

    store = ArticleStore(tmp_path)
    segment = Segment(0, 0, len(GERMAN), GERMAN, machine=MachineOutput(ENGLISH, "mt", -0.4),
                      similarity=0.93, risk=0.0)
    store.add(Article("old", "Alt", GERMAN, "sha256:old", segments=[segment]))
    data = json.loads(store.path("old").read_text("utf-8"))
    for version, expected in ((5, segment_risk(segment)), (6, 0.0)):
        data["schema_version"] = version
        store.path("old").write_text(json.dumps(data), encoding="utf-8")
        assert store.get("old").segment(0).risk == expected
    assert 0 < segment_risk(segment) < 1
