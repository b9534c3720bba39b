"""Quality assessment (MQM): errors with decisions and summary sentences, comments, the
profile, scorecards, the lqa command, the LQA export and XLIFF review annotations."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from review import annotations
from review.article import QualityError, Summary, SummarySentence
from review.store import ArticleStore
from test_store import make_article


@pytest.fixture
def store() -> ArticleStore:
    store = ArticleStore()
    article = make_article()
    article.summary = Summary(method="abstractive", text="The plan passed. Costs rose.",
                              model="tiny-sum",
                              sentences=[SummarySentence("The plan passed."),
                                         SummarySentence("Costs rose.")])
    store.add(article)
    return store


def test_undo_restores_summary_sentences_with_their_errors_as_errors(store):
    def plant(article):
        article.summary.sentences[0].errors = [QualityError("terminology", "minor")]

    store.update("a1", plant)
    store.decide("a1", "summary", "accept", "alice")
    sentence = store.undo("a1", "summary", "alice").summary.sentences[0]
    assert sentence.errors == [QualityError("terminology", "minor")]


def test_undo_takes_errors_back_with_their_decision(store):
    wrong = QualityError("accuracy/mistranslation", "major", span="machine", note="wrong")
    annotations.decide(store, "a1", 0, "reject", "alice", errors=[wrong])
    annotations.decide(store, "a1", 0, "correct", "bob", text="Fixed.",
                       errors=[QualityError("terminology", "minor")])
    seg = store.get("a1").segment(0)
    assert [(e.type, e.reviewer) for e in seg.decision.errors] == [("terminology", "bob")]
    back = store.undo("a1", 0, "carol").segment(0).decision
    assert back.status == "rejected" and [(e.type, e.span, e.note, e.reviewer)
                                          for e in back.errors] == [
        ("accuracy/mistranslation", "machine", "wrong", "alice")]
    assert store.undo("a1", 0, "carol").segment(0).decision.errors == []


# ---- XLIFF 2.1: comments as notes, errors as ITS quality issues, valid against the schemas ----

# Our own schema of the XLIFF 2.0/2.1 subset the export writes, with the ITS Localization
# Quality Issue attributes (tests/data/xliff_review*.xsd, written from the specifications).
SCHEMA = Path(__file__).resolve().parent / "data" / "xliff_review.xsd"
ITS = "{http://www.w3.org/2005/11/its}"


def xliff_schema():
    """The XLIFF core subset with the modules our export uses, the ITS attributes included."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def reviewed(store) -> None:
    """Segment 0 corrected with two errors (one on a span of the machine output, one on the
    whole), segment 1 rejected, comments with markup on segment 0."""
    annotations.decide(store, "a1", 0, "correct", "alice", text="The government plans laws.",
                       errors=[QualityError("accuracy/mistranslation", "major", span="chine",
                                            note="<b>not</b> a machine"),
                               QualityError("linguistic/spelling", "critical"),
                               QualityError("style/awkward", "minor", span="machi")])
    annotations.decide(store, "a1", 1, "reject", "bob",
                       errors=[QualityError("terminology", "minor")])
    annotations.comment(store, "a1", 0, "Is <i>this</i> & that right?", "carol")
    annotations.comment(store, "a1", 0, "Fixed.", "alice")
    annotations.resolve(store, "a1", 0, 0)


def test_xliff_with_review_is_valid_xliff_2_1_with_its_quality_issues(store):
    from lxml import etree

    from review.export import export

    reviewed(store)
    made = export(store.scan()[0], "translations", "xliff")
    document = etree.fromstring(made.encode("utf-8"))
    schema = xliff_schema()
    assert schema.validate(document), schema.error_log
    assert document.get("version") == "2.1"
    marks = document.findall(".//{*}mrk")
    assert [(m.get(f"{ITS}locQualityIssueType"), m.get(f"{ITS}locQualityIssueSeverity"))
            for m in marks] == [("misspelling", "100"), ("style", "4"),
                                ("mistranslation", "20")]
    assert marks[0].getparent().tag.endswith("target")  # the whole machine output
    assert "".join(marks[0].itertext()) == "machine 0"
    # "machi" crossed "chine": it marks the whole text, inside the first, and says where
    assert marks[1].getparent() is marks[0] and "".join(marks[1].itertext()) == "machine 0"
    assert "[on: machi]" in marks[1].get(f"{ITS}locQualityIssueComment")
    assert marks[2].text == "chine" and marks[2].getparent() is marks[1]
    assert "<b>not</b> a machine" in marks[2].get(f"{ITS}locQualityIssueComment")
    notes = document.findall(".//{*}note")
    assert [(n.get("category"), n.text) for n in notes] == [
        ("resolved-comment", f"carol ({notes[0].text.split('(')[1].split(')')[0]}): "
                             "Is <i>this</i> & that right?"),
        ("comment", notes[1].text)]
    final = document.find(".//{*}segment/{*}target")
    assert final.text == "The government plans laws." and len(final) == 0
    assert all(m.get(f"{ITS}locQualityIssueType") or m.get(f"{ITS}locQualityIssueComment")
               for m in marks)  # ITS needs one of the two; XML Schema 1.0 cannot say so
    marks[0].set(f"{ITS}locQualityIssueSeverity", "250")  # the ITS attributes are checked
    assert not schema.validate(document)
    assert "locQualityIssueSeverity" in str(schema.error_log.last_error)


@pytest.mark.parametrize("element, attribute, value", [
    ("mrk", f"{ITS}locQualityIssueType", "spelling"),  # not one of ITS 2.0's issue types
    ("segment", "state", "bogus"),  # not one of XLIFF's four states
])
def test_xliff_schema_rejects_values_the_standards_forbid(store, element, attribute, value):
    from lxml import etree

    from review.export import export

    reviewed(store)
    document = etree.fromstring(export(store.scan()[0], "translations", "xliff").encode())
    schema = xliff_schema()
    assert schema.validate(document), schema.error_log
    document.find(f".//{{*}}{element}").set(attribute, value)
    assert not schema.validate(document)
    assert f"attribute '{attribute}'" in str(schema.error_log.last_error)


def test_xliff_without_review_stays_version_2_0_and_valid(store):
    from lxml import etree

    from review.export import export

    store.decide("a1", 0, "accept", "alice")
    document = etree.fromstring(export(store.scan()[0], "translations", "xliff").encode())
    assert document.get("version") == "2.0" and not document.findall(".//{*}mrk")
    assert xliff_schema().validate(document), xliff_schema().error_log


# ---- the overview page: errors by type and severity, scorecards per reviewer and model ------

def _overview_script():
    from review.ui import overview_page

    overview_page.page()


def test_overview_counts_errors_and_scorecards_only_when_turned_on(store):
    from streamlit.testing.v1 import AppTest

    reviewed(store)
    at = AppTest.from_function(_overview_script, default_timeout=60).run()
    assert not at.exception and not at.dataframe
    at = at.toggle(key="overview_quality").set_value(True).run()
    assert not at.exception, at.exception[0].message
    reviewers, models = (frame.value for frame in at.dataframe)
    assert list(reviewers["reviewer"]) == ["alice", "bob"]
    assert list(models["model"]) == ["tiny-mt"] and models["penalty"][0] == 25 + 5 + 1 + 1
    captions = [re.sub(r"\\(.)", r"\1", caption.value) for caption in at.caption]
    assert any("Profile: MQM-Core (default)" in caption for caption in captions)


# ---- the score: hand-computed cards ----------------------------------------------------------

def errors(*severities: str) -> list[QualityError]:
    return [QualityError("terminology", severity) for severity in severities]


@pytest.mark.parametrize("words, severities, penalty, per_thousand, score, passed", [
    (1000, ("major", "minor", "minor", "minor", "minor", "minor"), 10, 10.0, 99.0, True),
    (1000, ("major",) * 2 + ("minor",), 11, 11.0, 98.9, False),  # just over 10 per 1,000
    (400, ("major",), 5, 12.5, 98.75, False),
    (5000, ("critical",), 25, 5.0, 99.5, False),  # under the threshold, but critical fails
    (20, ("critical",), 25, 1250.0, -25.0, False),  # the score goes below 0
    (800, (), 0, 0.0, 100.0, True),
    (0, (), 0, 0.0, 100.0, True),  # zero words count as one: nothing found, nothing lost
    (0, ("minor",), 1, 1000.0, 0.0, False),  # ...and any error on zero words fails
])
def test_cards_match_hand_computed_scores(words, severities, penalty, per_thousand, score,
                                           passed):
    from review.lqa.scorecard import card

    made = card(words, errors(*severities))
    assert (made.penalty, made.per_thousand, made.score, made.passed) == (
        penalty, per_thousand, score, passed)
    assert made.as_dict()["errors"] == ({"terminology": {s: severities.count(s) for s in
                                                         dict.fromkeys(severities)}}
                                        if severities else {})


def test_a_profile_sets_weights_threshold_and_what_fails(store_dir):
    from review.lqa.profile import load
    from review.lqa.scorecard import card

    store_dir.mkdir()
    (store_dir / "lqa.toml").write_text(
        'name = "House"\ntypes = ["terminology", "style/awkward"]\npass_per_thousand = 30\n'
        'fail_on = []\n[severities]\nminor = 2\nmajor = 10\ncritical = 50\n', "utf-8")
    profile = load(store_dir)
    assert (profile.name, profile.types, profile.severities) == (
        "House", ("terminology", "style/awkward"), {"minor": 2, "major": 10, "critical": 50})
    made = card(2000, errors("critical", "major"), profile)  # 60 points: 30 per 1,000
    assert (made.penalty, made.per_thousand, made.score, made.passed) == (60, 30.0, 97.0, True)
    assert profile.its_severity("major") == 20 and load(store_dir / "missing").name.startswith(
        "MQM-Core")


def test_scorecards_per_article_reviewer_and_model(store):
    from review.lqa.profile import Profile
    from review.lqa.scorecard import article_card, card, scorecards

    store.add(make_article("a2", text_tag="2"))
    annotations.decide(store, "a1", 0, "reject", "alice",
                       errors=[QualityError("accuracy/omission", "major")])
    store.decide("a1", 1, "accept", "bob")
    annotations.decide(store, "a2", 0, "correct", "bob", text="Better.",
                       errors=[QualityError("terminology", "minor")])
    annotations.annotate(store, "a1", "summary:0", [QualityError("accuracy/addition", "minor")],
                         "carol")
    cards = scorecards(store.scan()[0], Profile(pass_per_thousand=250))
    found = {key: (c.words, c.penalty, c.per_thousand, c.score, c.passed)
             for key, c in cards.articles + cards.reviewers + cards.models}
    assert found == {
        "a1": (10, 6, 600.0, 40.0, False), "a2": (5, 1, 200.0, 80.0, True),
        "alice": (5, 5, 1000.0, 0.0, False), "bob": (10, 1, 100.0, 90.0, True),
        "carol": (0, 1, 1000.0, 0.0, False),  # a summary sentence: no words of its own
        "tiny-mt": (15, 6, 400.0, 60.0, False), "tiny-sum": (0, 1, 1000.0, 0.0, False)}
    assert cards.total.as_dict() == {"words": 15, "penalty": 7, "per_thousand": 466.67,
                                     "score": 53.33, "pass": False, "errors": {
                                         "accuracy/omission": {"major": 1},
                                         "accuracy/addition": {"minor": 1},
                                         "terminology": {"minor": 1}}}
    assert cards.failed() == ["a1"]
    assert article_card(store.get("a2")) == card(5, [QualityError("terminology", "minor")])


# ---- errors with decisions: the API the review page calls ----------------------------------

def test_errors_added_to_a_decision_are_undone_with_it(store):
    rejected = store.decide("a1", 0, "reject", "alice").segment(0).decision
    article = annotations.annotate(store, "a1", 0, [QualityError(
        "accuracy/mistranslation", "major", span="machine", note=" wrong word ")], "alice",
        expected_revision=rejected.revision)
    decision = article.segment(0).decision
    assert decision.revision == rejected.revision + 1
    assert [(e.span, e.note, e.reviewer) for e in decision.errors] == [
        ("machine", "wrong word", "alice")] and decision.errors[0].time
    entry = article.history_of(0)[-1]
    assert entry.action == "reject" and entry.after["errors"][0]["type"] == \
        "accuracy/mistranslation"
    article = annotations.unannotate(store, "a1", 0, 0, "alice")
    assert article.segment(0).decision.errors == [] and "errors" not in \
        article.history_of(0)[-1].after
    annotations.annotate(store, "a1", 0, [QualityError("terminology", "minor")], "alice")
    assert store.undo("a1", 0, "bob").segment(0).decision.errors == []


@pytest.mark.parametrize("prepare, target, error, message", [
    (lambda s: s.decide("a1", 0, "accept", "al"), 0, QualityError("terminology", "minor"),
     "is accepted: errors go with a rejected or corrected decision"),
    (lambda s: None, 0, QualityError("terminology", "minor"), "is pending"),
    (lambda s: s.decide("a1", 0, "reject", "al"), 0,
     QualityError("terminology", "minor", span="not there"), "span 'not there' is not in"),
    (lambda s: s.decide("a1", 0, "reject", "al"), 0, QualityError("grammar", "minor"),
     "unknown error type 'grammar'; valid types: accuracy/mistranslation"),
    (lambda s: s.decide("a1", 0, "reject", "al"), 0, QualityError("terminology", "bad"),
     "valid severities: minor, major, critical"),
    (lambda s: s.decide("a1", 0, "reject", "al"), 0,
     QualityError("terminology", "minor", note="bell \x07"), "control character (U+0007)"),
    (lambda s: None, "summary:5", QualityError("terminology", "minor"),
     "no summary sentence 5"),
])
def test_refused_errors_name_the_fault_and_save_nothing(store, prepare, target, error,
                                                        message):
    from review.errors import BadInputError

    prepare(store)
    before = store.path("a1").read_bytes()
    with pytest.raises(BadInputError, match=re.escape(message)):
        annotations.annotate(store, "a1", target, [error], "al")
    assert store.path("a1").read_bytes() == before


def test_errors_from_a_stale_view_are_refused(store):
    from review.errors import StaleRevisionError

    seen = store.decide("a1", 0, "reject", "alice").segment(0).decision.revision
    store.decide("a1", 0, "correct", "bob", text="Other.")
    with pytest.raises(StaleRevisionError, match="changed by bob"):
        annotations.annotate(store, "a1", 0, [QualityError("terminology", "minor")], "alice",
                             expected_revision=seen)


def test_summary_sentence_errors_have_their_own_history_and_go_with_an_undo(store):
    store.decide("a1", "summary", "reject", "alice")
    article = annotations.annotate(store, "a1", "summary:1", [
        QualityError("accuracy/addition", "major", span="Costs")], "alice")
    assert article.summary.sentences[1].errors[0].span == "Costs"
    entry = article.history[-1]
    assert (entry.target, entry.action, entry.before, entry.after["sentence"]) == (
        "summary", "errors", {"sentence": "1", "errors": []}, "1")
    assert store.undo("a1", "summary", "bob").summary.sentences[1].errors == []


def test_errors_noted_on_a_claim_are_not_counted_as_decisions(store):
    from review import listing
    from review.ui import overview

    store.decide("a1", "summary", "reject", "alice")
    annotations.annotate(store, "a1", "summary:0", [QualityError("terminology", "minor")],
                         "alice")
    listing.forget()
    decisions = overview.tables(listing.summaries(store)[0])["decisions"]
    assert [(r["reviewer"], r["action"], r["decisions"]) for r in decisions] == [
        ("alice", "reject", 1)]


def test_flags_suggest_errors_for_the_picker():
    from review.article import Flag
    from review.lqa.mapping import suggest, suggest_for
    from review.lqa.profile import Profile

    flags = [Flag("low_confidence", "-2.1"), Flag("glossary_term", "Kosten → costs"),
             Flag("number_mismatch", 'German "3,5" became "35"'),
             Flag("untranslated", "still German")]
    assert [(e.type, e.severity, e.note) for e in suggest(flags)] == [
        ("locale/number-date-unit", "major", 'German "3,5" became "35"'),
        ("accuracy/untranslated", "major", "still German"),
        ("terminology", "minor", "Kosten → costs")]
    assert [e.type for e in suggest(flags, Profile(types=("terminology",)))] == ["terminology"]
    seg = make_article().segment(0)
    seg.flags = flags
    seg.dismissed = [dismissal("glossary_term", "Kosten → costs")]
    assert "terminology" not in [e.type for e in suggest_for(seg)]


def dismissal(code: str, detail: str):
    from review.article import Dismissal

    return Dismissal(code, detail, "al", "2024-01-01T00:00:00+00:00")


def test_comments_are_a_plain_text_thread(store):
    from review.errors import BadInputError

    article = annotations.comment(store, "a1", 1, "  Check <b>this</b>\r\nname.  ", "bob")
    annotations.comment(store, "a1", "summary", "Too long?", "carol")
    article = annotations.resolve(store, "a1", 1, 0)
    thread = article.segment(1).comments
    assert [(c.author, c.text, c.resolved) for c in thread] == [
        ("bob", "Check <b>this</b>\nname.", True)]
    assert annotations.open_comments(article.summary) == 1
    assert annotations.open_comments(annotations.resolve(store, "a1", 1, 0, resolved=False)
                                     .segment(1)) == 1
    for target, text, position, message in [(1, " ", None, "the comment is empty"),
                                            (1, "a\x1b[2Jb", None, "control character"),
                                            (7, "Hi", None, "no segment 7"),
                                            (1, None, 3, "has no comment 3")]:
        with pytest.raises(BadInputError, match=re.escape(message)):
            if position is None:
                annotations.comment(store, "a1", target, text, "bob")
            else:
                annotations.resolve(store, "a1", target, position)
    assert store.get("a1").segment(1).decision.revision == 0  # comments are not decisions


# ---- the CLI: decide --error / --comment, lqa, export --what lqa ------------------------------

def cli(store, *args):
    from click.testing import CliRunner

    from review.cli import main

    result = CliRunner().invoke(main, [*map(str, args), "--store", str(store.root)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_decide_records_errors_and_comments_and_undo_takes_errors_back(store):
    code, out, err = cli(store, "decide", "a1", "--segment", 0, "--reject", "--error",
                         "accuracy/omission:major:drops the date: Monday", "--error",
                         "terminology:minor", "--reviewer", "alice")
    assert (code, err) == (0, "") and out == "a1 segment 0: rejected by alice (revision 1) " \
                                             "with 2 errors\n"
    decision = store.get("a1").segment(0).decision
    assert [(e.type, e.severity, e.note, e.reviewer) for e in decision.errors] == [
        ("accuracy/omission", "major", "drops the date: Monday", "alice"),
        ("terminology", "minor", None, "alice")]
    code, out, _ = cli(store, "decide", "a1", "--segment", 1, "--comment", "Is <b>this</b> ok?",
                       "--reviewer", "bob")
    assert code == 0 and out == "a1 segment 1: comment 0 by bob (1 open)\n"
    assert cli(store, "decide", "a1", "--summary", "--comment", "Short.", "--reviewer",
               "bob")[0] == 0
    code, out, _ = cli(store, "decide", "a1", "--summary-sentence", 0, "--verdict",
                       "unsupported", "--error", "accuracy/addition:major", "--reviewer", "ann")
    assert code == 0 and out == "a1 summary sentence 0: unsupported with 1 error by ann " \
                                "(revision 2)\n"
    code, out, _ = cli(store, "decide", "a1", "--summary-sentence", 1, "--error",
                       "style/awkward:minor:stiff", "--error", "terminology:minor", "--reviewer",
                       "ann")
    assert code == 0 and out == "a1 summary sentence 1: 2 errors recorded by ann (revision 3)\n"
    assert cli(store, "decide", "a1", "--segment", 0, "--undo", "--reviewer", "al")[0] == 0
    article = store.get("a1")
    assert article.segment(0).decision.errors == [] and article.summary.comments[0].text == \
        "Short." and article.summary.sentences[0].errors[0].type == "accuracy/addition"


@pytest.mark.parametrize("args, words", [
    (("--segment", 0, "--reject", "--error", "accuracy/typo:major"),
     ["--error 'accuracy/typo:major'", "unknown error type 'accuracy/typo'",
      "valid types: accuracy/mistranslation, accuracy/omission", "audience/culture"]),
    (("--segment", 0, "--reject", "--error", "terminology:severe"),
     ["unknown severity 'severe'", "valid severities: minor, major, critical"]),
    (("--segment", 0, "--reject", "--error", "terminology"), ["unknown severity ''"]),
    (("--segment", 0, "--accept", "--error", "terminology:minor"),
     ["--error goes with --reject or --correct TEXT, not --accept"]),
    (("--segment", 0, "--undo", "--error", "terminology:minor"), ["not --undo"]),
    (("--segment", 0, "--reject", "--error", "terminology:minor:\x1b[31m"),
     ["control character (U+001B)"]),
    (("--segment", 0, "--reject", "--comment", "Why?"), ["--comment is not a decision"]),
    (("--segment", 0, "--comment", "   "), ["the comment is empty"]),
    (("--summary-sentence", 0, "--error", "terminology:minor", "--comment", "x"),
     ["cannot be combined"]),
    (("--summary-sentence", 0, "--note", "why", "--error", "terminology:minor"),
     ["--note goes with a verdict"]),
    (("--summary-sentence", 0), ["together", "--error TYPE:SEVERITY"]),
])
def test_decide_refuses_bad_errors_and_comments_in_one_line_saving_nothing(store, args, words):
    before = store.path("a1").read_bytes()
    code, out, err = cli(store, "decide", "a1", *args, "--reviewer", "alice")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert all(word in err for word in words), err
    assert store.path("a1").read_bytes() == before


def test_lqa_json_contract_and_exit_codes(store):
    import json

    store.add(make_article("a2", text_tag="2"))
    store.decide("a2", 0, "accept", "bob")
    code, out, _ = cli(store, "lqa", "--json")
    assert code == 0  # nothing wrong found: everything passes
    cli(store, "decide", "a1", "--segment", 0, "--reject", "--error", "terminology:critical",
        "--reviewer", "alice")
    code, out, _ = cli(store, "lqa", "--json")
    report = json.loads(out)
    assert code == 1
    first = report["articles"][0]
    assert list(first) == ["id", "words", "penalty", "per_thousand", "score", "pass", "errors"]
    assert first == {"id": "a1", "words": 5, "penalty": 25, "per_thousand": 5000.0,
                     "score": -400.0, "pass": False,
                     "errors": {"terminology": {"critical": 1}}}
    assert report["articles"][1]["id"] == "a2" and report["articles"][1]["pass"] is True
    assert list(report["total"]) == ["words", "penalty", "per_thousand", "score", "pass",
                                     "errors"] and report["total"]["words"] == 10
    assert [r["reviewer"] for r in report["reviewers"]] == ["alice", "bob"]
    assert report["models"][0]["model"] == "tiny-mt"
    assert cli(store, "lqa", "a2", "--json")[0] == 0
    code, out, _ = cli(store, "lqa")
    assert code == 1 and "FAIL" in out and "1 of 2 articles pass" in out
    code, _, err = cli(store, "lqa", "nope")
    assert code == 2 and "nope" in err
    store.path("broken").write_bytes(b"{ nope")
    code, out, err = cli(store, "lqa", "a2")
    assert code == 0  # only that article is read
    code, out, err = cli(store, "lqa", "--json")
    assert code == 1 and "broken.json" in err and len(json.loads(out)["articles"]) == 2


@pytest.mark.parametrize("content, fault", [
    (b"types = [\n", "not valid TOML"),
    (b"colour = 1\n", "unknown key 'colour'"),
    (b"[severities]\nminor = -1\n", "severities.minor: -1 is not a number of 0 or more"),
    (b'fail_on = ["fatal"]\n', "fail_on: 'fatal' is not one of the severities"),
    (b'types = ["Bad Type"]\n', "types: 'Bad Type' is not a name"),
    (b"\xff\xfe", "not UTF-8 text"),
])
def test_a_bad_profile_is_one_line_naming_the_file_and_the_fault(store, content, fault):
    profile = store.root / "lqa.toml"
    profile.write_bytes(content)
    for args in (("lqa",), ("export", "--what", "lqa", "--format", "json"),
                 ("decide", "a1", "--segment", 0, "--reject", "--error", "terminology:minor",
                  "--reviewer", "al")):
        code, out, err = cli(store, *args)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
        assert str(profile) in err and fault in err and "remove the file" in err, err
    assert store.get("a1").segment(0).decision.status == "pending"


def test_a_profile_changes_what_decide_accepts(store):
    (store.root / "lqa.toml").write_text('types = ["house/tone"]\n[severities]\nlight = 1\n',
                                         "utf-8")
    code, _, err = cli(store, "decide", "a1", "--segment", 0, "--reject", "--error",
                       "terminology:light", "--reviewer", "al")
    assert code == 2 and "valid types: house/tone" in err
    assert cli(store, "decide", "a1", "--segment", 0, "--reject", "--error", "house/tone:light",
               "--reviewer", "al")[0] == 0
    assert store.get("a1").segment(0).decision.errors[0].type == "house/tone"


def test_export_lqa_as_csv_html_and_json(store, tmp_path):
    import csv
    import io
    import json

    empty = cli(store, "export", "--what", "lqa", "--format", "csv")
    assert empty[0] == 2 and "nothing reviewed to export" in empty[2]
    reviewed(store)
    code, out, _ = cli(store, "export", "--what", "lqa", "--format", "csv", "--delimiter", ";")
    assert code == 0 and out.startswith("\ufeffrecord;name;words")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    assert [r["record"] for r in rows] == ["article", "total", "reviewer", "reviewer", "model",
                                           "error", "error", "error", "error", "comment",
                                           "comment"]
    first = next(r for r in rows if r["record"] == "error" and r["type"] == "style/awkward")
    assert (first["segment"], first["german"], first["english"], first["severity"],
            first["span"], first["reviewer"]) == ("0", "Die Regierung plant neue Gesetze.",
                                                  "machine 0", "minor", "machi", "alice")
    document = json.loads(cli(store, "export", "--what", "lqa", "--format", "json")[1])
    assert set(document) >= {"articles", "total", "reviewers", "models", "errors", "comments"}
    assert [e["type"] for e in document["errors"]][-1] == "terminology"
    assert document["comments"][0]["text"] == "Is <i>this</i> & that right?"
    code, page, _ = cli(store, "export", "--what", "lqa", "--format", "html", "-o",
                        tmp_path / "q.html")
    page = (tmp_path / "q.html").read_text("utf-8")
    assert code == 0 and "Is &lt;i&gt;this&lt;/i&gt; &amp; that right?" in page
    assert "<i>this</i>" not in page and "&lt;b&gt;not&lt;/b&gt; a machine" in page
    assert "default-src 'none'" in page and "<script" not in page


def test_the_app_s_download_weighs_errors_with_the_store_s_profile(store):
    import json

    from review.errors import BadInputError
    from review.listing import summaries
    from review.ui.actions import export_file

    annotations.decide(store, "a1", 1, "reject", "bob",
                       errors=[QualityError("terminology", "minor")])
    (store.root / "lqa.toml").write_text('[severities]\nminor = 7\nmajor = 9\n', "utf-8")
    name, make, _mime = export_file(store, summaries(store)[0], "lqa", "json")
    report = json.loads(make())
    assert name == "approved-lqa.json" and report["total"]["penalty"] == 7
    (store.root / "lqa.toml").write_text('[severities\n', "utf-8")
    with pytest.raises(BadInputError, match="lqa.toml"):  # said at once, not on the click
        export_file(store, summaries(store)[0], "lqa", "json")
