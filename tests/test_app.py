"""The Streamlit app driven through streamlit.testing on a temp store, checked on disk."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review import auth
from review.article import Flag, MachineOutput
from review.ingest import article_from_text
from review.store import ArticleStore
from review.ui import actions

APP = str(Path(__file__).resolve().parent.parent / "app.py")
GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.\n"
          "Die Opposition kritisierte den Plan scharf und kündigte Widerstand an.")


@pytest.fixture
def tiny_env(monkeypatch, tiny_marian):
    monkeypatch.setenv("REVIEW_MT_MODEL", str(tiny_marian))


@pytest.fixture
def offline_env(monkeypatch):
    """No model anywhere: a hub id that is not cached, with downloads off."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("REVIEW_MT_MODEL", "nobody/not-downloaded-mt")
    monkeypatch.setenv("REVIEW_SUM_MODEL", "nobody/not-downloaded-sum")


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception[0].message
    return at


def stored(store_dir: Path, article_id: str) -> dict:
    return json.loads((store_dir / f"{article_id}.json").read_text(encoding="utf-8"))


def segment(data: dict, index: int) -> dict:
    return next(s for s in data["segments"] if s["index"] == index)


def click(at: AppTest, key: str) -> AppTest:
    at = at.button(key=key).click().run()
    assert not at.exception, at.exception[0].message
    return at


def article_buttons(at: AppTest) -> list[str]:
    """The sidebar's article list as the reviewer reads it."""
    labels = [b.label for b in at.sidebar.button if (b.key or "").startswith("open:")]
    return [re.sub(r"\\(.)", r"\1", label) for label in labels]


def wait_for_jobs(at: AppTest) -> AppTest:
    """Translation runs as a background job: wait for it, then show what it stored."""
    from review.ui import jobs_panel

    runner = jobs_panel._runner(str(ArticleStore().root.resolve()))
    for view in runner.views():
        runner.wait(view.id, timeout=120)
    at = at.run()
    assert not at.exception, at.exception[0].message
    return at


def title(at: AppTest) -> str:
    """The open article's title, the page's first small heading."""
    heading = next(m.value for m in at.main.markdown if m.value.startswith("##### "))
    return re.sub(r"\\(.)", r"\1", heading[6:])


def english_box(at: AppTest, article_id: str, index: int):
    prefix = f"en:{article_id}:{index}:"
    return next(box for box in at.text_area if (box.key or "").startswith(prefix))


def messages(at: AppTest, kind: str) -> str:
    """The text of every st.error/st.warning/... as the reader sees it (markdown unescaped)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(str(e.value) for e in getattr(at, kind)))


def add_machine_article(machine: bool = True, flag_index: int | None = None) -> str:
    """A stored three-sentence article, with machine output written as a model would."""
    store = ArticleStore()
    article = store.add(article_from_text(GERMAN, title="Neue Regeln"))

    def translate(a):
        for seg in a.segments:
            seg.machine = MachineOutput(f"Machine sentence {seg.index}.", "test-mt", -0.2)
            seg.risk = 0.1
            seg.flags = [Flag("numbers", "12 is missing")] if seg.index == flag_index else []

    if machine:
        store.update(article.id, translate)
    return article.id


def test_review_flow_from_seeds_to_decisions_on_disk(tiny_env, store_dir):
    at = open_app()
    assert "store is empty" in messages(at, "info")
    at = click(at, "seed_articles")
    assert len(list(store_dir.glob("*.json"))) == 5
    assert len(article_buttons(at)) == 5
    # A short pasted article keeps the tiny model's work small; it opens once added.
    at.sidebar.text_area(key="paste_text").input(GERMAN)
    at = click(at, "add_paste")
    article_id = at.session_state["article_pick"]
    assert stored(store_dir, article_id)["title"] == GERMAN.splitlines()[0]

    at = wait_for_jobs(click(at, "translate"))
    data = stored(store_dir, article_id)
    reviewable = [s for s in data["segments"] if s["kind"] != "boilerplate"]
    assert all(s["machine"] for s in reviewable) and data["summary"]["text"]
    first, second, third = (s["index"] for s in reviewable[:3])

    at = click(at, f"accept:{article_id}:{first}")  # no reviewer name yet: refused
    assert "no reviewer name" in messages(at, "error")
    assert segment(stored(store_dir, article_id), first)["decision"]["status"] == "pending"

    at = at.sidebar.text_input(key="reviewer").input("anna").run()
    at = click(at, f"accept:{article_id}:{first}")  # Confirm, and on to the next pending
    english_box(at, article_id, second).input("The minister said it costs 12 million euros.")
    at = click(at, f"accept:{article_id}:{second}")  # Confirm saves the edit
    at = click(at, f"reject:{article_id}:{third}")
    at = click(at, f"accept:{article_id}:summary")
    assert not at.exception and not messages(at, "error")

    data = stored(store_dir, article_id)
    accepted, corrected, rejected = (segment(data, i) for i in (first, second, third))
    assert accepted["decision"]["status"] == "accepted"
    assert accepted["decision"]["text"] == accepted["machine"]["text"]
    assert corrected["decision"] == {**corrected["decision"], "status": "corrected",
                                     "text": "The minister said it costs 12 million euros.",
                                     "reviewer": "anna"}
    assert rejected["decision"]["status"] == "rejected"
    assert data["summary"]["decision"]["status"] == "accepted"
    assert [(h["target"], h["action"], h["reviewer"]) for h in data["history"]] == [
        (f"segment:{first}", "accept", "anna"), (f"segment:{second}", "correct", "anna"),
        (f"segment:{third}", "reject", "anna"), ("summary", "accept", "anna")]
    # Back on the corrected segment: its word diff against the machine output.
    at = click(at, f"goto:{article_id}:{second}")
    assert any(":green[**" in m.value and "12 million" in m.value for m in at.markdown)
    # 1 of 3 decided segments accepted as is; the correction's effort is scored.
    assert "33% accepted as is" in at.main.progress[0].text and "chrF" in at.main.progress[0].text
    at = at.toggle(key="show_text").set_value(True).run()
    assert "The minister said it costs 12 million euros." in at.code[0].value


def test_without_models_the_app_still_works_for_human_translation(offline_env, store_dir):
    article_id = add_machine_article(machine=False)
    at = open_app()
    assert not at.exception
    assert article_buttons(at) == ["Neue Regeln — 0/3 reviewed · summary missing"]
    assert "not available offline" in messages(at, "warning")
    assert "python -m review models pull" in messages(at, "warning")

    assert at.button(key="translate").disabled  # no model: Translate is off, and says why
    assert "Translate is off because" in messages(at, "warning") and not at.exception

    english_box(at, article_id, 0).input("The government in Berlin adopted new rules.")
    at = click(at, f"correct:{article_id}:0")
    assert "no reviewer name" in messages(at, "error")
    assert segment(stored(store_dir, article_id), 0)["decision"]["status"] == "pending"

    at = at.sidebar.text_input(key="reviewer").input("ben").run()
    english_box(at, article_id, 0).input("The government in Berlin adopted new rules.")
    at = click(at, f"correct:{article_id}:0")
    decision = segment(stored(store_dir, article_id), 0)["decision"]
    assert decision["status"] == "corrected" and decision["reviewer"] == "ben"
    assert decision["text"] == "The government in Berlin adopted new rules."


def test_rerun_model_replaces_one_segments_machine_output(tiny_env, tiny_marian, store_dir):
    article_id = add_machine_article()
    at = click(open_app(), f"goto:{article_id}:1")
    at = click(at, f"rerun:{article_id}:1")
    data = stored(store_dir, article_id)
    assert segment(data, 1)["machine"]["model"] == str(tiny_marian)
    assert segment(data, 1)["machine"]["text"] != "Machine sentence 1."
    assert segment(data, 0)["machine"]["text"] == "Machine sentence 0."  # the others untouched
    assert segment(data, 1)["decision"]["status"] == "pending"


def test_opens_on_the_first_article_that_needs_review(offline_env, store_dir):
    done_id = add_machine_article()
    for index in range(3):
        ArticleStore().decide(done_id, index, "accept", "anna")
    todo = ArticleStore().add(article_from_text(
        "Im Hafen von Hamburg legten weniger Schiffe an als im Vorjahr, teilte die Behörde mit.",
        title="Hafen", id="zz-hafen"))
    at = open_app()
    assert at.session_state["article_pick"] == todo.id
    assert title(at) == "Hafen"
    assert article_buttons(at)[0] == "Neue Regeln — 3/3 reviewed · summary missing"


def test_boilerplate_is_collapsed_and_not_offered_for_review(offline_env, store_dir):
    at = click(open_app(), "seed_articles")
    article_id = at.session_state["article_pick"]
    data = stored(store_dir, article_id)
    boiler = [s["index"] for s in data["segments"] if s["kind"] == "boilerplate"]
    assert boiler, "the first seed ends with a comments notice"
    assert any(e.label.startswith("Boilerplate, not reviewed") for e in at.main.expander)
    keys = {b.key for b in at.main.button}
    assert not any(f"accept:{article_id}:{i}" in keys for i in boiler)
    assert f"accept:{article_id}:0" in keys


def test_a_stale_tab_is_told_to_reload_and_overwrites_nothing(offline_env, store_dir):
    article_id = add_machine_article()
    first_tab, second_tab = open_app(), open_app()
    for tab, name in ((first_tab, "anna"), (second_tab, "ben")):
        tab.sidebar.text_input(key="reviewer").input(name).run()

    click(second_tab, f"accept:{article_id}:0")
    at = click(first_tab, f"reject:{article_id}:0")
    assert "since you loaded it" in messages(at, "warning")
    decision = segment(stored(store_dir, article_id), 0)["decision"]
    assert (decision["status"], decision["reviewer"]) == ("accepted", "ben")

    at = click(at, f"reload:{article_id}:0")
    assert "since you loaded it" not in messages(at, "warning")
    at = click(at, f"reject:{article_id}:0")  # decided on what is stored now: allowed
    decision = segment(stored(store_dir, article_id), 0)["decision"]
    assert (decision["status"], decision["reviewer"]) == ("rejected", "anna")


def test_accept_all_unflagged_skips_flagged_segments(offline_env, store_dir):
    article_id = add_machine_article(flag_index=1)
    at = open_app()
    at.sidebar.text_input(key="reviewer").input("anna").run()
    assert at.button(key="accept_all").label == "Accept unflagged (2)"
    at = click(at, "accept_all")
    statuses = [s["decision"]["status"] for s in stored(store_dir, article_id)["segments"]]
    assert statuses == ["accepted", "pending", "accepted"]
    assert "Accepted 2 unflagged segments" in messages(at, "success")
    # The flagged one is now the open segment, its flag in words with its detail.
    assert "12 is missing" in " ".join(m.value for m in at.markdown)


def test_risk_order_puts_the_riskiest_segment_first(offline_env, store_dir):
    article_id = add_machine_article()
    ArticleStore().update(article_id, lambda a: setattr(a.segments[2], "risk", 0.9))
    at = open_app()
    at = at.radio(key="order").set_value("highest risk first").run()
    rows = [b.key.rsplit(":", 1)[1] for b in at.main.button
            if b.key and b.key.startswith((f"goto:{article_id}:", f"accept:{article_id}:"))]
    assert rows[0] == "2"


def test_upload_and_paste_add_articles_and_filter(offline_env, store_dir):
    at = open_app()
    at.file_uploader(key="uploads").set_value([
        ("regeln.txt", GERMAN.encode("utf-8"), "text/plain"),
        ("broken.json", b"{not json", "application/json")])
    at = click(at, "add_uploads")
    assert "malformed JSON" in messages(at, "warning")
    assert at.session_state["article_pick"] == "regeln"
    assert len(article_buttons(at)) == 1

    at.sidebar.text_area(key="paste_text").input(
        "Im Hafen von Hamburg legten am Dienstag weniger Schiffe an als im Vorjahr, "
        "teilte die Behörde mit.")
    at = click(at, "add_paste")
    assert len(article_buttons(at)) == 2
    assert title(at).startswith("Im Hafen von Hamburg")  # the new one is open
    at = click(at, "open:regeln")
    assert title(at).startswith("Die Regierung in Berlin")
    at = at.sidebar.radio(key="article_filter").set_value("done").run()
    assert "No article matches this filter." in " ".join(c.value for c in at.sidebar.caption)


def test_export_offers_a_download_once_something_is_approved(offline_env, store_dir):
    article_id = add_machine_article()
    at = open_app()
    at.sidebar.selectbox(key="export_what").set_value("translations").run()
    assert "nothing approved yet" in " ".join(c.value for c in at.sidebar.caption)
    at.sidebar.text_input(key="reviewer").input("anna").run()
    at = click(at, f"accept:{article_id}:0")
    assert at.sidebar.selectbox(key="export_format").options[-2:] == ["tmx", "xliff"]
    assert at.download_button[0].label == "Download approved-translations.json"
    # The file itself is made on click; what it would hold is the accepted segment.
    from review.listing import summaries

    store = ArticleStore(store_dir)
    name, make, mime = actions.export_file(store, summaries(store)[0], "translations", "json")
    assert json.loads(make())[0]["status"] == "accepted" and mime == "application/json"


def test_with_a_password_nothing_shows_before_login(offline_env, store_dir, monkeypatch):
    monkeypatch.setenv(auth.PASSWORD_ENV, "team-secret")
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY", 0)
    add_machine_article()
    at = open_app()
    assert not at.sidebar.children and not at.text_area and not at.radio
    assert [t.value for t in at.title] == ["Sign in to review translations"]

    at.text_input(key="login_name").input("carla")
    at.text_input(key="login_password").input("wrong")
    at = click(at, "sign_in")
    assert "wrong name or password" in messages(at, "error") and not at.text_area

    at.text_input(key="login_password").input("team-secret")
    at = click(at, "sign_in")
    assert at.text_area and "carla" in " ".join(m.value for m in at.sidebar.markdown)
    # The name comes from the login; there is no reviewer box to type another name into.
    assert "reviewer" not in [box.key for box in at.sidebar.text_input]


def test_a_dismissed_flag_is_kept_with_who_and_lowers_the_risk(offline_env, store_dir):
    article_id = add_machine_article(flag_index=1)

    def translated(a):  # a real translation: the learned risk reads the English itself
        seg = a.segment(1)
        seg.machine = MachineOutput("The minister said the costs were 12 million euros.",
                                    "test-mt", -0.2)
        seg.similarity, seg.risk = 0.93, 0.7

    ArticleStore().update(article_id, translated)
    at = open_app()
    at.sidebar.text_input(key="reviewer").input("anna").run()
    at = click(at, f"goto:{article_id}:1")
    assert "12 is missing" in " ".join(m.value for m in at.markdown)
    at = click(at, f"dismiss:{article_id}:1:0")
    seg = segment(stored(store_dir, article_id), 1)
    assert [(d["code"], d["reviewer"]) for d in seg["dismissed"]] == [("numbers", "anna")]
    assert seg["risk"] < 0.7 and seg["flags"]  # the flag is kept, marked as a false alarm
    assert "Dismissed by anna" in " ".join(c.value for c in at.caption)
    # Without its flag the segment is now safe to accept in bulk.
    assert at.button(key="accept_all").label == "Accept unflagged (3)"
    at = click(at, f"restore:{article_id}:1:0")
    assert segment(stored(store_dir, article_id), 1)["dismissed"] == []


def test_memory_suggests_approved_english_and_offers_repetitions(offline_env, store_dir):
    store = ArticleStore()
    shared = "Der Kremlsprecher Dmitri Peskow sagte, die Gespräche seien gut verlaufen."
    first = store.add(article_from_text(f"{shared}\nDas Wetter war schön.", title="Eins",
                                        id="eins"))
    second = store.add(article_from_text(
        f"{shared}\nDer Kremlsprecher Dmitri Peskow sagte, die Gespräche seien schlecht "
        "verlaufen.", title="Zwei", id="zwei"))
    for article_id in (first.id, second.id):
        store.update(article_id, lambda a: [setattr(s, "machine", MachineOutput(
            f"Machine {s.index}.", "test-mt", -0.2)) for s in a.segments])
    at = open_app()
    at.sidebar.text_input(key="reviewer").input("anna").run()
    at = click(at, "open:eins")
    approved = "Kremlin spokesman Dmitry Peskov said the talks had gone well."
    english_box(at, "eins", 0).input(approved)
    at = click(at, "accept:eins:0")  # Confirm saves the correction, and offers it elsewhere
    from review.ui import jobs_panel

    at = wait_for_jobs(at)
    offered = segment(stored(store_dir, "zwei"), 0)
    assert offered["decision"]["status"] == "pending"  # offered, not decided for them
    assert offered["machine"]["text"] == approved and offered["machine"]["engine"] == "memory"
    assert offered["machine"]["origin"] == "article:eins#0"
    assert "offered to 1 segment" in jobs_panel.runner().views()[0].message

    # The near-identical sentence gets the approved English as a fuzzy suggestion.
    at = click(at, "open:zwei")
    at = click(at, "goto:zwei:1")
    assert at.button(key="tm:zwei:1:1").label.endswith("%")
    at = click(at, "tm:zwei:1:1")
    assert english_box(at, "zwei", 1).value == approved
    at = click(at, "accept:zwei:1")
    assert segment(stored(store_dir, "zwei"), 1)["decision"]["text"] == approved

    # Undoing the approval takes the offer back: the twin is untranslated again.
    at = click(at, "open:eins")
    at = click(at, "goto:eins:0")
    at = click(at, "undo:eins:0")
    at = wait_for_jobs(at)
    assert segment(stored(store_dir, "eins"), 0)["decision"]["status"] == "pending"
    taken_back = segment(stored(store_dir, "zwei"), 0)
    assert taken_back["machine"] is None and taken_back["decision"]["status"] == "pending"
    assert "took back the offer from 1 segment" in jobs_panel.runner().views()[0].message


def test_a_thousand_segment_article_draws_a_window_of_rows(offline_env, store_dir):
    text = "\n".join(f"Im Jahr {1000 + n} meldete die Behörde {n} neue Fälle." for n in range(1000))
    store = ArticleStore()
    article = store.add(article_from_text(text, title="Lang", id="lang"))
    store.update(article.id, lambda a: [setattr(s, "machine", MachineOutput(
        f"Sentence {s.index}.", "m", -0.2)) for s in a.segments])
    at = open_app()

    def drawn(at) -> list[int]:
        return [int(b.key.rsplit(":", 1)[1]) for b in at.main.button
                if b.key and b.key.startswith(("goto:lang:", "accept:lang:"))
                and not b.key.endswith("summary")]

    assert len(drawn(at)) == 60 and drawn(at)[0] == 0
    assert "Rows 1–60 of 1000" in " ".join(c.value for c in at.main.caption)
    at = click(at, "window-last")
    assert drawn(at)[-1] == 999 and len(drawn(at)) == 60
    assert at.query_params["segment"] in ("999", ["999"])
    at = click(at, "window-earlier")  # the row before the window opens, the window follows
    assert 939 in drawn(at) and at.query_params["segment"] in ("939", ["939"])


def test_the_article_list_is_searchable_and_paged(offline_env, store_dir):
    store = ArticleStore()
    for n in range(30):
        store.add(article_from_text(f"Im Hafen von Kiel legten {n + 100} Schiffe an.",
                                    title=f"Hafen {n:02d}", id=f"hafen-{n:02d}"))
    store.add(article_from_text("Der Bundestag beschloss das Gesetz am Freitag.",
                                title="Bundestag", id="gesetz"))
    at = open_app()
    assert len(article_buttons(at)) == 25
    assert "page 1 of 2 · 31 articles" in " ".join(c.value for c in at.sidebar.caption)
    at = click(at, "articles_on")
    assert len(article_buttons(at)) == 6
    at = at.sidebar.text_input(key="article_search").input("bundes").run()
    assert [b.split(" — ")[0] for b in article_buttons(at)] == ["Bundestag"]
    at = click(at, "open:gesetz")
    assert title(at) == "Bundestag"


def test_a_failing_recheck_keeps_the_correction(offline_env, store_dir, monkeypatch):
    article_id = add_machine_article()
    import review.recheck

    def broken(*args, **kwargs):
        raise RuntimeError("embedding model crashed")

    monkeypatch.setattr(review.recheck, "recheck_segment", broken)
    warnings: list[str] = []
    actions.decide(ArticleStore(), article_id, 0, "correct", "anna", "The new rules.",
                   expected_revision=0, warnings=warnings)
    decision = segment(stored(store_dir, article_id), 0)["decision"]
    assert (decision["status"], decision["text"]) == ("corrected", "The new rules.")
    assert warnings == ["decision saved, but the checks were not re-run (embedding model "
                        "crashed)"]


def test_an_upload_with_hostile_lines_adds_the_good_ones(offline_env, store_dir):
    good = json.dumps({"id": "gut", "title": "Gut", "text": GERMAN}, ensure_ascii=False)
    deep = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    surrogate = '{"id": "kaputt", "text": "Die Regierung \\ud800 hat beschlossen."}'
    data = "\n".join([surrogate, deep, good]).encode("utf-8")
    ids, errors = actions.add_uploads(ArticleStore(), [("feed.jsonl", data)])
    assert ids == ["gut"] and len(errors) == 2
    assert all(e.startswith("feed.jsonl") and "\n" not in e for e in errors)
