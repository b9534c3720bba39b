"""Names and other outside text as data: reviewer names checked wherever they enter, text
escaped wherever it is shown (tooltips, line breaks of every kind, the Markdown export),
sign-ins throttled under real concurrency, and a re-check warning shown where the reviewer is.

The app is driven through streamlit.testing on a temp store (as tests/test_app.py does); the
CLI runs as a real subprocess; Markdown is rendered by a CommonMark renderer.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from review import auth
from review.article import MachineOutput, Summary
from review.diff import escape_markdown
from review.errors import BadInputError, ReviewError
from review.ingest import article_from_text
from review.store import ArticleStore
from test_decision_bar import click  # the same clicks as the decision bar's tests

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.\n"
          "Die Opposition kritisierte den Plan scharf und kündigte Widerstand an.")
# A name that would load a foreign image, show a live link and open a code block.
HOSTILE = "![x](https://evil.example/x.png) [click](https://evil.example)\r\r    code"
BAD_NAMES = ["anna\rben", "anna\nben", "anna\u2028ben", "anna\x1b[31m", "![x](https://e.x/i.png)",
             "[click](https://e.x)", "<img src=x>", "a:b", "`code`", "x" * 81, "   "]
GOOD_NAMES = ["anna", "Anna-Lena Müller", "O'Brien", "anna_s", "anna@example.com", "José M."]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No model anywhere, and the app open (no password) unless a test says otherwise."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("REVIEW_MT_MODEL", "nobody/not-downloaded-mt")
    monkeypatch.setenv("REVIEW_SUM_MODEL", "nobody/not-downloaded-sum")
    monkeypatch.delenv(auth.PASSWORD_ENV, raising=False)
    monkeypatch.delenv(auth.USERS_ENV, raising=False)


def add_article(article_id: str = "regeln") -> str:
    """A stored three-sentence article with machine output and a machine summary."""
    store = ArticleStore()
    store.add(article_from_text(GERMAN, title="Neue Regeln", id=article_id))

    def translate(article):
        for seg in article.segments:
            seg.machine = MachineOutput(f"Machine sentence {seg.index}.", "test-mt", -0.2)
            seg.risk = 0.1
        article.summary = Summary("extractive", "The government adopted rules.",
                                  source_segments=[0])

    store.update(article_id, translate)
    return article_id


def rendered(markdown_text: str) -> str:
    """The HTML a CommonMark renderer makes of ``markdown_text``."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown_text)


def visible(markdown_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown_text)))


def assert_literal(markdown_text: str) -> None:
    """No image, link, code block or raw HTML comes out of ``markdown_text``."""
    page = rendered(markdown_text)
    for made in ("<img", "<a ", "<pre", "<code", "<h1", "<h2", "<script"):
        assert made not in page, (made, markdown_text, page)


def open_app(name: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """The app, with ``query`` in its address and ``name`` typed as the reviewer."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at = at.run()
    assert not at.exception, at.exception[0].message
    if name is not None:
        at = at.sidebar.text_input(key="reviewer").input(name).run()
        assert not at.exception, at.exception[0].message
    return at


def messages(at: AppTest, kind: str) -> str:
    """The text of every st.error/st.warning/... as the reader sees it (markdown unescaped)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(str(e.value) for e in getattr(at, kind)))


def stored(store_dir: Path, article_id: str) -> dict:
    return json.loads((store_dir / f"{article_id}.json").read_text(encoding="utf-8"))


def english_box(at: AppTest, article_id: str, index: int):
    prefix = f"en:{article_id}:{index}:"
    return next(box for box in at.text_area if (box.key or "").startswith(prefix))


# -- 4. reviewer names are data ------------------------------------------------------------------

@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_reviewer_name_is_refused_with_the_reason(name):
    with pytest.raises(auth.BadNameError) as err:
        auth.check_name(name)
    message = str(err.value)
    assert "\n" not in message and "\r" not in message and "reviewer name" in message
    assert isinstance(err.value, BadInputError) and isinstance(err.value, auth.LoginError)


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_plain_names_pass_the_rule(name):
    assert auth.check_name(f"  {name} ") == name


def test_sign_in_and_users_file_apply_the_same_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "ITERATIONS", 1000)
    auth.reset_throttle()
    with pytest.raises(auth.LoginError, match="reviewer name"):
        auth.login(HOSTILE, "team-pass", {auth.PASSWORD_ENV: "team-pass"})
    with pytest.raises(auth.LoginError, match="reviewer name"):
        auth.login("a\rb", "", {})  # open mode
    with pytest.raises(auth.LoginError, match="reviewer name"):
        auth.make_line("[x](https://e.x)", "pw")
    users = tmp_path / "users.txt"
    users.write_text(auth.make_line("anna", "pw") + "\n<b>x</b>:00ff:" + "00" * 32 + "\n",
                     encoding="utf-8")
    with pytest.raises(auth.AuthConfigError, match=f"{re.escape(str(users))}:2: .*reviewer name"):
        auth.load_users(users)
    assert auth.login("anna", "team-pass", {auth.PASSWORD_ENV: "team-pass"}) == "anna"


@pytest.mark.parametrize("name", ["anna\rben", "![x](https://e.x/i.png)"])
def test_the_store_refuses_a_bad_name_and_keeps_the_article(store_dir, name):
    article_id = add_article()
    before = (store_dir / f"{article_id}.json").read_bytes()
    store = ArticleStore()
    with pytest.raises(auth.BadNameError):
        store.decide(article_id, 0, "accept", name)
    with pytest.raises(auth.BadNameError):
        store.decide(article_id, 0, "correct", name, text="New text.")
    assert (store_dir / f"{article_id}.json").read_bytes() == before


def cli(*args: str, store: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "REVIEW_STORE": str(store), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "review", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


def test_cli_decide_refuses_a_bad_reviewer_in_one_line(store_dir):
    article_id = add_article()
    before = (store_dir / f"{article_id}.json").read_bytes()
    done = cli("decide", article_id, "--segment", "0", "--correct", "The text.",
               "--reviewer", "anna\r\r    [x](https://e.x)", store=store_dir)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --reviewer: reviewer name"), lines
    assert "\r" not in done.stderr and "Traceback" not in done.stderr
    assert (store_dir / f"{article_id}.json").read_bytes() == before


def test_cli_decide_prints_an_old_stored_name_with_escapes(store_dir):
    """A name stored before names were checked never acts on the terminal."""
    article_id = add_article()
    ArticleStore().decide(article_id, 0, "accept", "placeholder")
    path = store_dir / f"{article_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0]["decision"]["reviewer"] = "ben\x1b[2J\r"
    path.write_text(json.dumps(data), encoding="utf-8")
    ArticleStore().decide(article_id, 0, "reject", "anna")
    done = cli("decide", article_id, "--segment", "0", "--undo", "--reviewer", "anna",
               store=store_dir)
    assert done.returncode == 0, done.stderr
    assert "now accepted by ben\\x1b[2J\\x0d" in done.stdout and "\x1b" not in done.stdout


def test_a_link_with_a_hostile_reviewer_name_is_not_used(store_dir):
    add_article()
    at = open_app(query={"reviewer": HOSTILE})
    assert not ("reviewer" in at.session_state and at.session_state["reviewer"])
    assert "reviewer name" in messages(at, "warning")
    assert "reviewer" not in at.query_params or at.query_params["reviewer"] != HOSTILE
    for warning in at.warning:
        assert_literal(warning.value)
    # A plain name in a link is taken as before.
    at = open_app(query={"reviewer": "anna"})
    assert at.session_state["reviewer"] == "anna"


def test_a_typed_bad_name_says_why_and_decides_nothing(store_dir):
    article_id = add_article()
    at = click(open_app("anna\u2028![x](https://e.x/i.png)"), f"accept:{article_id}:0")
    assert "reviewer name" in messages(at, "error")
    assert stored(store_dir, article_id)["segments"][0]["decision"]["status"] == "pending"
    assert not (store_dir / "drafts.json").exists() or "e.x" not in (
        store_dir / "drafts.json").read_text(encoding="utf-8")


def test_the_undo_tooltip_shows_a_stored_name_as_text(store_dir):
    """A name stored before the rule (or by hand) is shown, never rendered as markup."""
    article_id = add_article()
    ArticleStore().decide(article_id, 0, "accept", "placeholder")
    path = store_dir / f"{article_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["history"][-1]["reviewer"] = HOSTILE
    data["segments"][0]["decision"]["reviewer"] = HOSTILE
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    at = open_app("anna")
    at = click(at, f"goto:{article_id}:0")
    tooltip = at.button(key=f"undo:{article_id}:0").help
    assert_literal(tooltip)
    assert "evil.example/x.png" in visible(tooltip) and "click" in visible(tooltip)


# -- 10. line breaks of every kind ---------------------------------------------------------------

@pytest.mark.parametrize("brk", ["\r\r", "\r\n\r\n", "\n\n", "\v", "\f", "\x85", "\u2028",
                                 "\u2029", "\r"])
def test_indentation_after_any_line_break_is_no_code_block(brk):
    text = f"Title{brk}    indented like code"
    assert_literal(escape_markdown(text))
    assert "indented like code" in visible(escape_markdown(text))


# -- 19. Markdown export ------------------------------------------------------------------------

def test_markdown_export_breaks_autolinks_and_keeps_bylines_on_one_line(store_dir):
    from review.exporters.markdown import summaries_md, translations_md

    article_id = add_article()
    store = ArticleStore()
    store.decide(article_id, 0, "correct", "anna",
                 text="See https://evil.example/x, www.evil.example or anna@evil.example.")
    store.decide(article_id, "summary", "accept", "anna")
    article = store.get(article_id)
    article.segments[0].decision.reviewer = "anna\n# Heading\r- list\u2028> quote"
    article.summary.decision.reviewer = "ben\r\n## Sub"
    for text in (translations_md([article]), summaries_md([article])):
        page = rendered(text)
        assert "<a " not in page and "<h2>Sub" not in page and "<li>list" not in page
        assert page.count("<h2>") == 1 and "<blockquote>" not in page
        assert not re.search(r"(?i)(https?|ftp)://|www\.|\w@\w", text), text
    shown = visible(translations_md([article]))
    assert "https://evil.example/x, www.evil.example or anna@evil.example." in shown
    assert "anna # Heading - list > quote" in shown
    assert "ben ## Sub" in visible(summaries_md([article]))


# -- 9. concurrent sign-ins --------------------------------------------------------------------

@pytest.mark.parametrize("same", ["name", "address"])
def test_simultaneous_sign_ins_check_at_most_the_limit(tmp_path, monkeypatch, same):
    monkeypatch.setattr(auth, "ITERATIONS", 1000)
    users = tmp_path / "users.txt"
    users.write_text(auth.make_line("anna", "right") + "\n", encoding="utf-8")
    env = {auth.USERS_ENV: str(users)}
    checked, lock = [], threading.Lock()
    real_hash = auth.hash_password

    def slow_hash(password, salt):  # as slow as the real 600,000 rounds, so attempts overlap
        with lock:
            checked.append(password)
        time.sleep(0.3)
        return real_hash(password, salt)

    monkeypatch.setattr(auth, "hash_password", slow_hash)
    monkeypatch.setattr(auth, "_sleep", lambda seconds: None)
    auth.reset_throttle()
    start, outcomes = threading.Barrier(12), []

    def attempt(number: int) -> None:
        name = "anna" if same == "name" else f"user{number}"
        client = f"10.0.0.{number}" if same == "name" else "203.0.113.7"
        start.wait()
        try:
            auth.login(name, f"guess{number}", env, client=client)
        except ReviewError as err:
            outcomes.append(str(err))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        assert len(outcomes) == 12
        assert 1 <= len(checked) <= auth.LOCKOUT_AFTER, len(checked)
        assert sum("too many" in o for o in outcomes) == 12 - len(checked)
        with pytest.raises(auth.LoginError, match="too many"):  # even the right password now
            auth.login("anna", "right", env, client="10.0.0.1" if same == "name"
                       else "203.0.113.7")
    finally:
        auth.reset_throttle()


# -- 22. a re-check warning after Confirm -------------------------------------------------------

def test_a_failed_recheck_after_confirm_shows_where_the_reviewer_goes(store_dir, monkeypatch):
    import review.recheck

    def broken(*args, **kwargs):
        raise BadInputError("glossary.csv: not UTF-8 text; save the glossary as UTF-8 CSV")

    article_id = add_article()
    monkeypatch.setattr(review.recheck, "recheck_segment", broken)
    at = open_app("anna")
    english_box(at, article_id, 0).input("The government in Berlin adopted new rules.")
    at = click(at, f"accept:{article_id}:0")  # Confirm: saved, and on to segment 1
    segment = stored(store_dir, article_id)["segments"][0]
    assert segment["decision"]["status"] == "corrected"
    assert english_box(at, article_id, 1)  # the next segment is open
    shown = messages(at, "warning")
    assert "checks were not re-run" in shown and "glossary.csv" in shown
    assert re.search(r"[Ss]egment 0\b", shown), shown
