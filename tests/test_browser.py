"""The review page in a real browser: `streamlit run app.py` driven by Playwright in Chromium.

One server and one browser for the module; each test works on its own article in the module's
store and checks what the reviewer sees and what is on disk.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from review.bench import appserver

from review.ingest import article_from_text
from review.pipeline import translate_article
from review.store import ArticleStore

pytestmark = pytest.mark.browser

GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.\n"
          "Die Opposition kritisierte den Plan scharf und kündigte Widerstand an.\n"
          "Im Hafen von Hamburg legten weniger Schiffe an als im Vorjahr.\n"
          "Die Behörde teilte das am Dienstag mit.")
CORRECTION = "The minister said the costs were 12 million euros."
WAIT = 30_000  # ms: a click on a busy 2-core machine


def eventually(check, timeout: float = 30, what: str = "the store to change"):
    """Poll ``check`` until it returns a truthy value; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def store_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-store")


@pytest.fixture(scope="module")
def server(store_root, tiny_marian, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("streamlit-log") / "streamlit.log"
    with appserver.streamlit_app(store_root, tiny_marian, log_path) as url:
        yield url
    log = log_path.read_text(errors="replace")
    assert not appserver.app_tracebacks(log), log


@pytest.fixture(scope="module")
def browser():
    with appserver.chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


def add_article(store_root: Path, tiny_marian: Path, name: str, text: str = GERMAN,
                translate: bool = True) -> str:
    """An article of its own for one test, translated by the tiny model's real pipeline."""
    from models import registry

    store = ArticleStore(store_root)
    text = text.replace("am Dienstag mit.", f"am Dienstag mit, Meldung {name}.")  # not a dup
    article = store.add(article_from_text(text, title=name, id=name))
    if translate:
        translate_article(store, article.id, registry.get_translator(str(tiny_marian)),
                          summary="none")
    return article.id


def stored(store_root: Path, article_id: str) -> dict:
    return json.loads((store_root / f"{article_id}.json").read_text(encoding="utf-8"))


def decision(store_root: Path, article_id: str, index: int) -> dict:
    data = stored(store_root, article_id)
    return next(s for s in data["segments"] if s["index"] == index)["decision"]


def machine(store_root: Path, article_id: str, index: int) -> str:
    data = stored(store_root, article_id)
    return next(s for s in data["segments"] if s["index"] == index)["machine"]["text"]


def open_article(page, server: str, article_id: str, segment: int | None = None,
                 reviewer: str = "anna"):
    """Open the article by link, and wait until the current segment's editor is there."""
    query = f"?article={article_id}&reviewer={reviewer}"
    if segment is not None:
        query += f"&segment={segment}"
    page.goto(server + query)
    editor = page.locator(f".st-key-seg-{article_id}-{segment or 0} textarea")
    editor.wait_for(timeout=60_000)
    return editor


def segment(page, article_id: str, index: int):
    return page.locator(f".st-key-seg-{article_id}-{index}")


def button(page, key: str):
    """The button with Streamlit widget key ``key`` (class st-key-<key, ':' as '-'>).

    A button with a shortcut holds a second, zero-size button Streamlit uses for measuring.
    """
    return page.locator(f".st-key-{key.replace(':', '-')} button").first


def test_an_edit_typed_before_confirm_is_saved_not_thrown_away(page, server, store_root,
                                                                tiny_marian):
    article_id = add_article(store_root, tiny_marian, "edit-then-confirm")
    editor = open_article(page, server, article_id)
    editor.fill(CORRECTION)
    button(page, f"accept:{article_id}:0").click()
    eventually(lambda: decision(store_root, article_id, 0)["status"] == "corrected")
    saved = decision(store_root, article_id, 0)
    assert (saved["text"], saved["reviewer"]) == (CORRECTION, "anna")
    # Confirm moved on to the next pending segment; its machine text is accepted unchanged.
    next_editor = segment(page, article_id, 1).locator("textarea")
    next_editor.wait_for(timeout=WAIT)
    expect(segment(page, article_id, 0).get_by_text("corrected")).to_be_visible(timeout=WAIT)
    button(page, f"accept:{article_id}:1").click()
    eventually(lambda: decision(store_root, article_id, 1)["status"] == "accepted")
    assert decision(store_root, article_id, 1)["text"] == machine(store_root, article_id, 1)


def test_a_saved_correction_is_replaced_only_after_a_second_step(page, server, store_root,
                                                                 tiny_marian):
    article_id = add_article(store_root, tiny_marian, "keep-correction")
    ArticleStore(store_root).decide(article_id, 1, "correct", "ben", text=CORRECTION)
    editor = open_article(page, server, article_id, segment=1)
    assert editor.input_value() == CORRECTION
    # Confirm on the untouched correction keeps it.
    button(page, f"accept:{article_id}:1").click()
    segment(page, article_id, 2).locator("textarea").wait_for(timeout=WAIT)
    assert decision(store_root, article_id, 1)["text"] == CORRECTION

    # Back to it with the keyboard, machine text into the box, Confirm: only a question.
    page.keyboard.press("Alt+ArrowUp")
    segment(page, article_id, 1).locator("textarea").wait_for(timeout=WAIT)
    button(page, f"machine:{article_id}:1").click()
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.value === text",
        arg=[f".st-key-seg-{article_id}-1 textarea", machine(store_root, article_id, 1)],
        timeout=WAIT)
    button(page, f"accept:{article_id}:1").click()
    button(page, f"replace:{article_id}:1").wait_for(timeout=WAIT)
    assert decision(store_root, article_id, 1)["status"] == "corrected"
    button(page, f"keep:{article_id}:1").click()
    button(page, f"replace:{article_id}:1").wait_for(state="detached", timeout=WAIT)
    assert decision(store_root, article_id, 1)["text"] == CORRECTION

    # Asked again and answered: replaced; and Undo brings the correction back.
    button(page, f"machine:{article_id}:1").click()
    page.wait_for_timeout(500)
    button(page, f"accept:{article_id}:1").click()
    button(page, f"replace:{article_id}:1").click()
    eventually(lambda: decision(store_root, article_id, 1)["status"] == "accepted")
    open_article(page, server, article_id, segment=1)
    button(page, f"undo:{article_id}:1").click()
    eventually(lambda: decision(store_root, article_id, 1)["status"] == "corrected")
    restored = decision(store_root, article_id, 1)
    assert (restored["text"], restored["reviewer"]) == (CORRECTION, "ben")
    history = stored(store_root, article_id)["history"]
    assert [h["action"] for h in history] == ["correct", "accept", "undo"]
    assert history[-1]["reviewer"] == "anna"


def test_keyboard_alone_reviews_an_article(page, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "keyboard-only")
    open_article(page, server, article_id)
    # The editor has the focus from the start; its own "Ctrl+Enter to apply" hint is gone.
    page.wait_for_function("() => document.activeElement?.tagName === 'TEXTAREA'",
                           timeout=WAIT)
    assert page.get_by_text("to apply").count() == 0
    page.keyboard.press("End")
    page.keyboard.type(" (checked)")
    page.keyboard.press("Control+Enter")
    eventually(lambda: decision(store_root, article_id, 0)["status"] == "corrected")
    assert decision(store_root, article_id, 0)["text"].endswith("(checked)")

    def focused_in(index: int) -> None:
        appserver.editor_ready(page, article_id, index, timeout=WAIT)

    focused_in(1)
    page.wait_for_function("() => location.search.includes('segment=1')", timeout=WAIT)
    page.keyboard.press("Control+Enter")  # accept as is
    focused_in(2)
    page.keyboard.press("Alt+x")  # reject
    focused_in(3)
    page.keyboard.press("Alt+ArrowUp")  # back to the rejected one, and undo it
    focused_in(2)
    page.keyboard.press("Alt+z")
    eventually(lambda: decision(store_root, article_id, 2)["status"] == "pending")
    # Nothing left to undo there: the page shows the segment as it is now.
    expect(button(page, f"undo:{article_id}:2")).to_be_disabled(timeout=WAIT)
    for following in (3, 4, None):  # confirm the rest, one Ctrl+Enter each
        page.keyboard.press("Control+Enter")
        if following is not None:
            focused_in(following)
    eventually(lambda: all(s["decision"]["status"] != "pending"
                           for s in stored(store_root, article_id)["segments"]),
               what="every segment decided")
    statuses = [s["decision"]["status"] for s in stored(store_root, article_id)["segments"]]
    assert statuses == ["corrected", "accepted", "accepted", "accepted", "accepted"]
    actions = [h["action"] for h in stored(store_root, article_id)["history"]]
    assert actions == ["correct", "accept", "reject", "undo", "accept", "accept", "accept"]


def test_an_unconfirmed_edit_is_kept_when_the_reviewer_moves_on(page, server, store_root,
                                                                tiny_marian):
    article_id = add_article(store_root, tiny_marian, "draft-kept")
    open_article(page, server, article_id)
    appserver.editor_ready(page, article_id, 0, timeout=WAIT)
    page.keyboard.press("End")
    page.keyboard.type(" DRAFT")
    page.keyboard.press("Alt+ArrowDown")  # away without confirming
    appserver.editor_ready(page, article_id, 1, timeout=WAIT)
    row = segment(page, article_id, 0)
    expect(row.get_by_text("✎ draft")).to_be_visible(timeout=WAIT)
    assert "DRAFT" in row.inner_text()
    assert decision(store_root, article_id, 0)["status"] == "pending"  # nothing saved
    page.keyboard.press("Alt+ArrowUp")
    appserver.editor_ready(page, article_id, 0, timeout=WAIT)
    assert segment(page, article_id, 0).locator("textarea").input_value().endswith(" DRAFT")


def test_a_link_opens_a_segment_and_survives_a_reload(page, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "linked")
    open_article(page, server, article_id, segment=3, reviewer="zoe")
    assert page.get_by_role("textbox", name="Reviewer name").input_value() == "zoe"
    button(page, f"accept:{article_id}:3").click()
    segment(page, article_id, 4).locator("textarea").wait_for(timeout=WAIT)
    assert decision(store_root, article_id, 3)["reviewer"] == "zoe"
    page.wait_for_function("() => location.search.includes('segment=4')", timeout=WAIT)
    page.reload()
    segment(page, article_id, 4).locator("textarea").wait_for(timeout=60_000)
    assert page.get_by_role("textbox", name="Reviewer name").input_value() == "zoe"
    assert "reviewer=zoe" in page.url and f"article={article_id}" in page.url


def test_at_least_eight_segments_fit_on_a_screen(page, server, store_root, tiny_marian,
                                                 seed_files):
    text = seed_files[0].read_text(encoding="utf-8")
    article_id = add_article(store_root, tiny_marian, "dense-seed", text=text)
    open_article(page, server, article_id)
    page.wait_for_timeout(500)
    visible = page.evaluate(
        """(prefix) => Array.from(document.querySelectorAll(`[class*="${prefix}"]`))
             .filter(e => { const r = e.getBoundingClientRect();
                            return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })
             .length""", f"st-key-seg-{article_id}-")
    assert visible >= 8
    # Compact rows are page text: German, English and the status word of each.
    row = segment(page, article_id, 2)
    expect(row.get_by_text("pending")).to_be_visible(timeout=WAIT)
    page.screenshot(path=str(store_root / "review-page.png"))
    # Far down the article, the summary is still in view beside the open segment.
    open_article(page, server, article_id, segment=20)
    appserver.editor_ready(page, article_id, 20, timeout=WAIT)
    top = page.evaluate("document.querySelector('.st-key-summary-panel')"
                        ".getBoundingClientRect().top")
    assert 0 <= top < 200


def test_translation_keeps_going_when_the_reviewer_clicks_away(page, server, store_root,
                                                               tiny_marian, seed_files):
    elsewhere = add_article(store_root, tiny_marian, "elsewhere")
    text = seed_files[1].read_text(encoding="utf-8")
    article_id = add_article(store_root, tiny_marian, "background", text=text,
                             translate=False)
    page.goto(server + f"?article={article_id}&reviewer=anna")
    button(page, "translate").click()
    page.get_by_text("running in the background").wait_for(timeout=WAIT)
    # Click around, then close the tab while the job runs.
    button(page, f"open:{elsewhere}").click()
    page.get_by_text("pending", exact=True).first.click()
    page.close()
    data = eventually(lambda: (lambda d: d if all(
        s["machine"] for s in d["segments"] if s["kind"] != "boilerplate") and d["summary"]
        else None)(stored(store_root, article_id)), timeout=120, what="the job to finish")
    assert all(s["risk"] is not None for s in data["segments"] if s["kind"] != "boilerplate")


def test_reviewed_text_holds_approved_english_only(page, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "reviewed-text")
    store = ArticleStore(store_root)
    store.decide(article_id, 0, "correct", "anna", text=CORRECTION)
    open_article(page, server, article_id, segment=1)
    page.get_by_test_id("stPopoverButton").filter(has_text="View").click()
    page.get_by_text("Reviewed English text").click()
    code = page.get_by_test_id("stCode")
    code.wait_for(timeout=WAIT)
    assert code.inner_text().strip() == CORRECTION  # no unreviewed machine output
    page.get_by_text("with machine drafts").click()
    page.wait_for_function("() => document.querySelector('[data-testid=stCode]')"
                           "?.innerText.includes('[draft]')", timeout=WAIT)
    assert CORRECTION in code.inner_text()


def test_memory_suggestion_is_one_key_away_and_concordance_finds_it(page, server, store_root,
                                                                    tiny_marian):
    approved = "The harbour authority counted 312 fewer ships in Kiel."
    source = add_article(store_root, tiny_marian, "tm-source", text=(
        "Die Hafenbehörde zählte in Kiel 312 Schiffe weniger.\nDas meldete der NDR."))
    ArticleStore(store_root).decide(source, 0, "correct", "ben", text=approved)
    target = add_article(store_root, tiny_marian, "tm-target", text=(
        "Die Hafenbehörde zählte in Kiel 312 Schiffe mehr.\nDas Wetter war gut."))
    open_article(page, server, target)
    appserver.editor_ready(page, target, 0, timeout=WAIT)
    suggestion = button(page, f"tm:{target}:0:1")
    suggestion.wait_for(timeout=WAIT)
    assert "%" in suggestion.inner_text()
    page.keyboard.press("Alt+1")  # the best suggestion into the editor, focus stays
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.value === text",
        arg=[f".st-key-seg-{target}-0 textarea", approved], timeout=WAIT)
    page.keyboard.press("Control+Enter")
    eventually(lambda: decision(store_root, target, 0)["status"] == "corrected")
    assert decision(store_root, target, 0)["text"] == approved

    button(page, "concordance").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox").fill("Hafenbehörde")
    dialog.get_by_role("textbox").press("Enter")
    dialog.get_by_text("2 hit(s)").wait_for(timeout=WAIT)
    highlighted = dialog.locator("strong", has_text="Hafenbehörde")
    highlighted.nth(1).wait_for(timeout=WAIT)
    assert highlighted.count() == 2


def test_second_opinion_is_shown_and_one_key_takes_it(page, server, store_root, tiny_marian,
                                                     tmp_path_factory):
    from models import registry
    from models.marian import MarianTranslator

    from review.bench import tiny as tiny_models

    sharp = tiny_models.sharpen_marian(tiny_marian, tmp_path_factory.mktemp("second") / "m")
    store = ArticleStore(store_root)
    # Sentences of its own: its approval must not become a memory match for other tests.
    article_id = store.add(article_from_text(
        "Der Stadtrat von Köln vertagte die Entscheidung über den Neubau.\n"
        "Die Kosten für das Museum sollen auf 80 Millionen Euro steigen.\n"
        "Kritiker bemängeln die fehlende Beteiligung der Bürger.",
        title="second", id="second")).id
    translate_article(store, article_id, registry.get_translator(str(tiny_marian)),
                      summary="none", second=MarianTranslator(sharp, "second-model"))
    seg = next(s for s in store.get(article_id).reviewable()
               if "second_opinion_differs" in {f.code for f in s.flags})
    open_article(page, server, article_id, seg.index)
    appserver.editor_ready(page, article_id, seg.index, timeout=WAIT)
    panel = page.locator(f".st-key-opinion-{article_id}-{seg.index}")
    expect(panel).to_contain_text("Second opinion", timeout=WAIT)
    expect(panel).to_contain_text("second-model")
    expect(segment(page, article_id, seg.index)).to_contain_text(
        "A second model translates this differently")
    page.keyboard.press("Alt+S")  # the second model's English into the editor
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.value === text",
        arg=[f".st-key-seg-{article_id}-{seg.index} textarea", seg.second.text], timeout=WAIT)
    page.keyboard.press("Control+Enter")
    eventually(lambda: decision(store_root, article_id, seg.index)["status"] == "corrected")
    assert decision(store_root, article_id, seg.index)["text"] == seg.second.text
    flags = next(s for s in stored(store_root, article_id)["segments"]
                 if s["index"] == seg.index)["flags"]
    assert "second_opinion_differs" not in {f["code"] for f in flags}


def test_overview_page_charts_the_store_with_csv_downloads(page, server, store_root,
                                                          tiny_marian):
    article_id = add_article(store_root, tiny_marian, "overview")
    ArticleStore(store_root).decide(article_id, 0, "correct", "carla", text=CORRECTION)
    page.goto(server + "overview")
    charts = page.get_by_test_id("stVegaLiteChart")
    charts.nth(3).wait_for(timeout=60_000)
    assert charts.count() == 4
    for name in ("progress", "flags", "decisions", "effort"):
        button(page, f"csv:{name}").wait_for(timeout=WAIT)  # drawn and visible
    with page.expect_download() as download:
        button(page, "csv:decisions").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "reviewer,day,action,decisions" and "carla" in text
    with page.expect_download() as download:  # one row per segment, made on the click
        button(page, "csv:effort").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "article,segment,status,chrf,ter"
    assert any(line.startswith(f"{article_id},0,corrected,") for line in lines)

    # "Where to look first": the riskiest pending segment's link opens it for review.
    expect(page.get_by_text("Where to look first")).to_be_visible(timeout=WAIT)
    link = page.locator("a[href*='?article=']").first
    href = link.get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    target, index = query["article"][0], int(query["segment"][0])
    stored_seg = next(s for s in stored(store_root, target)["segments"] if s["index"] == index)
    assert stored_seg["decision"]["status"] == "pending" and stored_seg["risk"] > 0
    page.goto(urljoin(server + "overview", href))
    appserver.editor_ready(page, target, index, timeout=WAIT)


def test_untrusted_text_renders_as_plain_text(page, server, store_root, tiny_marian):
    """URLs, e-mail addresses, heading underlines and indentation in article text or a
    correction must not become links, headings or code blocks."""
    article_id = add_article(store_root, tiny_marian, "plain-text", text=(
        "Mehr dazu steht unter www.example.org und https://example.com/x im Netz.\n"
        "Fragen beantwortet anna@example.com gerne, sagte die Sprecherin."))
    ArticleStore(store_root).decide(article_id, 1, "correct", "anna", text=(
        "Questions: anna@example.com\n=====\n\n    indented like code"))
    open_article(page, server, article_id)
    rows = page.locator(f"[class*='st-key-seg-{article_id}-']")
    rows.nth(1).get_by_text("indented like code").wait_for(timeout=WAIT)
    assert "www.example.org" in rows.nth(0).inner_text().replace("\u2060", "")
    assert rows.locator("a").count() == 0
    assert rows.locator("h1, h2, h3, pre, code").count() == 0
