"""Dismissing false alarms: risk, persistence, re-checks, undo, status counts, plain words."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from review.article import Article, Flag, MachineOutput, Segment
from review.checks import check_article, check_pairs
from review.checks.core import apply_result
from review.checks.describe import describe
from review.checks.risk import WEIGHTS, english_confidence, risk, segment_risk
from review.cli import main
from review.errors import BadInputError
from review.store import ArticleStore

PAIRS = [("Die Stadt hat 12.000 Einwohner und einen neuen Bahnhof.",
          "The town has 12.000 inhabitants and a new railway station, Schmidt said."),
         ("Merkel sprach am Montag in Berlin mit Journalisten.",
          "Schmidt spoke to journalists in Hamburg on Monday."),
         ("Der Bahnhof bleibt heute geschlossen.", "The station remains closed today.")]
FORMAT = Flag("number_format", 'English "12.000" is written the German way; write "12,000"')
SCHMIDT = Flag("name_added", 'the name "Schmidt" is not in the German')
HAMBURG = Flag("name_added", 'the name "Hamburg" is not in the German')


def checked_article(article_id="d1") -> Article:
    """Three translated segments, checked for real: 0 has two flags, 1 two names, 2 none."""
    text = "\n".join(source for source, _ in PAIRS)
    segments, start = [], 0
    for i, (source, english) in enumerate(PAIRS):
        segments.append(Segment(index=i, start=start, end=start + len(source), source=source,
                                paragraph=i, machine=MachineOutput(english, "tiny-mt", -0.3)))
        start += len(source) + 1
    article = Article(id=article_id, title="Titel", text=text, content_hash=f"sha256:{article_id}",
                      segments=segments)
    check_article(article)
    return article


def risk_with(seg: Segment, *flags: Flag) -> float:
    """The segment's learned risk with only ``flags`` standing."""
    return risk(list(flags), seg.similarity, english_confidence(seg), seg.agreement,
                source=seg.source, target=seg.english)


@pytest.fixture
def store() -> ArticleStore:
    store = ArticleStore()
    store.add(checked_article())
    return store


def test_the_checks_raise_the_flags_these_tests_dismiss(store):
    article = store.get("d1")
    seg = article.segment(0)
    assert seg.flags == [FORMAT, SCHMIDT] and seg.risk == risk_with(seg, FORMAT, SCHMIDT)
    assert article.segment(1).flags == [SCHMIDT, HAMBURG]
    assert article.segment(2).flags == []


def test_dismissing_a_flag_lowers_the_risk_and_records_who_and_when(store):
    article = store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, " ana ")
    seg = article.segment(0)
    assert seg.risk == risk_with(seg, SCHMIDT) < risk_with(seg, FORMAT, SCHMIDT)  # name left
    assert seg.active_flags == [SCHMIDT] and seg.flags == [FORMAT, SCHMIDT]
    (dismissal,) = seg.dismissed
    assert (dismissal.code, dismissal.detail, dismissal.reviewer) == (FORMAT.code, FORMAT.detail,
                                                                      "ana")
    assert dismissal.time and seg.dismissal_of(FORMAT.code, FORMAT.detail) == dismissal
    assert article.revision == 1 and article.history == []
    assert seg.decision.revision == 0 and seg.needs_review


def test_dismissing_every_flag_leaves_only_the_learned_risk_of_the_pair(store):
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    seg = store.dismiss("d1", 0, SCHMIDT.code, SCHMIDT.detail, "ana").segment(0)
    assert seg.active_flags == [] and seg.risk == risk_with(seg) < risk_with(seg, SCHMIDT)


def test_one_of_two_flags_of_the_same_kind_dismissed_still_counts_that_kind(store):
    seg = store.dismiss("d1", 1, SCHMIDT.code, SCHMIDT.detail, "ana").segment(1)
    assert seg.active_flags == [HAMBURG] and seg.risk == risk_with(seg, HAMBURG)
    seg = store.dismiss("d1", 1, HAMBURG.code, HAMBURG.detail, "ana").segment(1)
    assert seg.risk == risk_with(seg) < risk_with(seg, HAMBURG)


def test_dismissal_survives_save_and_reload(store, store_dir):
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    on_disk = json.loads((store_dir / "d1.json").read_text("utf-8"))
    assert on_disk["segments"][0]["dismissed"][0]["reviewer"] == "ana"
    seg = ArticleStore(store_dir).get("d1").segment(0)
    assert seg.active_flags == [SCHMIDT] and seg.risk == risk_with(seg, SCHMIDT)
    assert seg.dismissed[0].detail == FORMAT.detail


def test_a_recheck_raising_the_same_flag_keeps_it_dismissed(store):
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    article = store.get("d1")
    check_article(article)  # what a full re-run of the checks does
    seg = article.segment(0)
    assert seg.flags == [FORMAT, SCHMIDT] and seg.active_flags == [SCHMIDT]
    assert seg.risk == risk_with(seg, SCHMIDT)
    result = check_pairs([seg.source], [seg.english], [-0.3])[0]
    # the plain check still sees both flags
    assert result.risk == risk([FORMAT, SCHMIDT], result.similarity, -0.3, source=seg.source,
                               target=seg.english) > seg.risk
    apply_result(seg, result)  # what re-checking one segment stores
    assert seg.risk == risk_with(seg, SCHMIDT) and len(seg.dismissed) == 1


def test_a_recheck_raising_a_different_flag_is_not_hidden_by_an_old_dismissal(store):
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    store.dismiss("d1", 0, SCHMIDT.code, SCHMIDT.detail, "ana")
    article = store.get("d1")
    seg = article.segment(0)
    english = "The town has 13.000 inhabitants and a new railway station, Schmidt said."
    apply_result(seg, check_pairs([seg.source], [english], [None])[0])
    assert [f.code for f in seg.active_flags] == ["number_mismatch"]  # Schmidt stays dismissed
    assert "13.000" in seg.active_flags[0].detail
    assert seg.risk == risk_with(seg, *seg.active_flags) > risk_with(seg)


def test_segment_risk_counts_confidence_only_for_the_machine_output(store):
    article = store.get("d1")
    seg = article.segment(2)
    seg.machine.confidence = -1.2  # unsure, but not flagged: adds soft risk
    unsure = segment_risk(seg)
    seg.decision.status, seg.decision.text = "corrected", seg.machine.text + " "
    assert segment_risk(seg) == risk([], seg.similarity, None, source=seg.source,
                                     target=seg.english) < unsure


def test_unknown_flag_is_a_one_line_error_naming_the_flags_and_writes_nothing(store, store_dir):
    before = (store_dir / "d1.json").read_bytes()
    with pytest.raises(BadInputError) as err:
        store.dismiss("d1", 0, "number_format", "something else", "ana")
    message = str(err.value)
    assert "\n" not in message and "segment 0 has no flag number_format" in message
    assert "name_added" in message  # the flags it does have
    with pytest.raises(BadInputError, match="no flag"):
        store.dismiss("d1", 2, FORMAT.code, FORMAT.detail, "ana")
    with pytest.raises(BadInputError, match="no segment 7"):
        store.dismiss("d1", 7, FORMAT.code, FORMAT.detail, "ana")
    with pytest.raises(BadInputError, match="reviewer"):
        store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, " ")
    assert (store_dir / "d1.json").read_bytes() == before


def test_dismissing_twice_keeps_the_first_dismissal(store):
    first = store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana").segment(0).dismissed
    again = store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ben").segment(0).dismissed
    assert again == first and again[0].reviewer == "ana"


def test_restore_flag_takes_the_dismissal_back(store, store_dir):
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    seg = store.restore_flag("d1", 0, FORMAT.code, FORMAT.detail, "ben").segment(0)
    assert seg.dismissed == [] and seg.active_flags == [FORMAT, SCHMIDT]
    assert seg.risk == risk_with(seg, FORMAT, SCHMIDT)
    before = (store_dir / "d1.json").read_bytes()
    with pytest.raises(BadInputError, match="no dismissed flag number_format") as err:
        store.restore_flag("d1", 0, FORMAT.code, FORMAT.detail, "ben")
    assert "\n" not in str(err.value)
    assert (store_dir / "d1.json").read_bytes() == before


def test_undo_reverts_decisions_and_never_dismissals(store):
    store.decide("d1", 0, "accept", "ana")
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    article = store.undo("d1", 0, "ana")
    seg = article.segment(0)
    assert seg.decision.status == "pending" and len(seg.dismissed) == 1
    assert [h.action for h in article.history] == ["accept", "undo"]
    assert article.undoable(0) is None


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_status_json_counts_raised_and_dismissed_flags_per_check(store):
    store.add(checked_article("d2"))
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    store.dismiss("d1", 1, SCHMIDT.code, SCHMIDT.detail, "ana")
    store.dismiss("d2", 1, HAMBURG.code, HAMBURG.detail, "ana")
    result = run("status", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["overall"]["flags"] == {
        "name_added": {"raised": 6, "dismissed": 2, "dismissal_rate": 0.333},
        "number_format": {"raised": 2, "dismissed": 1, "dismissal_rate": 0.5}}
    row = report["articles"][0]  # the existing fields are all still there
    assert (row["segments"], row["translated"], row["pending"]) == (3, 3, 3)
    assert report["overall"]["segments"] == 6 and report["problems"] == []


def test_status_table_lists_flags_with_plain_words_only_when_there_are_flags(store):
    store.dismiss("d1", 0, FORMAT.code, FORMAT.detail, "ana")
    lines = run("status").stdout.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("flag ")))
    assert lines[header - 1] == "" and lines[header - 2].startswith("overall")
    rows = {line.split()[0]: line.split() for line in lines[header + 1:]}
    assert rows["name_added"][1:4] == ["3", "0", "0"]
    assert rows["number_format"][1:4] == ["1", "1", "100"]
    assert describe("number_format")[0] in lines[header + 2]
    assert lines[header + 1].startswith("name_added")  # most raised first

    ArticleStore().update("d1", lambda a: [setattr(s, "flags", []) for s in a.segments])
    table = run("status").stdout
    assert "flag" not in table.split() and table.splitlines()[-1].startswith("overall")


def test_every_flag_code_has_plain_words():
    titles = set()
    for code in WEIGHTS:
        title, why = describe(code)
        assert code not in title and title[0].isupper() and not title.endswith(".")
        assert why.endswith(".") and len(why.split()) >= 8
        titles.add(title)
    assert len(titles) == len(WEIGHTS)  # no two checks read the same
    assert describe("number_mismatch")[0] == "A number differs between German and English"


def test_unknown_flag_code_gets_a_readable_fallback():
    title, why = describe("brand_new_check")
    assert title == "Check: brand new check" and why
    assert describe("")[0] == "Check: unknown check"


def test_a_dismissed_low_similarity_flag_of_an_older_file_stays_dismissed(tmp_path):
    """Before schema 6 the flag could read "similarity 0.83 < 0.83"; such a file is read with
    today's words for flag and dismissal alike, so the dismissal still matches."""
    store = ArticleStore(tmp_path)
    store.add(checked_article())
    old = "the English means something else or leaves much out (similarity 0.83 < 0.83)"
    data = json.loads(store.path("d1").read_text("utf-8"))
    seg = data["segments"][2]
    seg["flags"] = [{"code": "low_similarity", "detail": old}]
    seg["dismissed"] = [{"code": "low_similarity", "detail": old, "reviewer": "ana",
                         "time": "2026-01-01T00:00:00+00:00"}]
    data["schema_version"] = 5
    store.path("d1").write_text(json.dumps(data), encoding="utf-8")
    seg = store.get("d1").segment(2)
    new = "the English means something else or leaves much out (similarity 0.83, below 0.835)"
    assert [f.detail for f in seg.flags] == [d.detail for d in seg.dismissed] == [new]
    assert seg.active_flags == [] and seg.dismissal_of("low_similarity", new) is not None
