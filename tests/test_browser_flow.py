"""The review page's flow in Chromium against `streamlit run app.py`: quick key presses are all
applied in order, the focus stays in the editor after a flag is dismissed or restored, eight
rows fit beside an open segment on a laptop screen and the summary editor is never covered,
the sidebar's labels follow every decision, and the flags follow the text as it is typed."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from review.bench import appserver
from test_browser import (WAIT, add_article, browser, button, decision,  # noqa: F401
                          eventually, open_article, segment, server, store_root, stored)

pytestmark = pytest.mark.browser

SIZES = ((1280, 800), (1500, 1000), (1920, 1080))


def reviewable(store_root: Path, article_id: str) -> list[int]:
    return [s["index"] for s in stored(store_root, article_id)["segments"]
            if s["kind"] != "boilerplate"]


def seed_article(store_root: Path, tiny_marian: Path, seed_files, name: str) -> str:
    """The first seed (25 reviewable segments), translated, as an article of its own."""
    text = seed_files[0].read_text(encoding="utf-8").rstrip() + f"\n\nMeldung {name}.\n"
    return add_article(store_root, tiny_marian, name, text=text)  # not a duplicate


@pytest.fixture
def laptop(browser):
    """A tab the size of a 1280x800 laptop screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    yield context.new_page()
    context.close()


def focused_editor(page, article_id: str, index: int) -> bool:
    return page.evaluate(
        "(key) => document.activeElement?.tagName === 'TEXTAREA'"
        " && document.activeElement.closest('.' + key) !== null",
        f"st-key-current-{article_id}-{index}")


def typed_and_sent(page, store_root: Path, article_id: str, index: int, text: str) -> None:
    """Replace the open editor's text by typing, and wait until the page has sent it (the
    reviewer's draft on disk): the checks of it follow from there."""
    from review.drafts import Drafts
    from review.store import ArticleStore

    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    eventually(lambda: getattr(Drafts(ArticleStore(store_root)).get(article_id, index, "anna"),
                               "text", None) == text, what="the typed text on the server")



def write_glossary(store_root: Path, text: str) -> None:
    path = store_root / "glossary.csv"
    path.write_text(text, encoding="utf-8")
    old = time.time() - 60  # settled on disk: read once, then kept
    os.utime(path, (old, old))


# First in the module: later tests' decisions start background repetition jobs, and a page
# redrawn while one finishes can keep a stale copy of the flags (see the closing note).
def test_flags_follow_the_typed_text_and_glossary_terms_are_marked(page, server, store_root,
                                                                   tiny_marian):
    write_glossary(store_root, "de,en,note\nMinister,minister\n")
    article_id = add_article(store_root, tiny_marian, "typed-flags")
    from review.checks import load_glossary
    from review.pipeline import run_checks
    from review.store import ArticleStore

    run_checks(ArticleStore(store_root), article_id, load_glossary(store_root / "glossary.csv"))
    index = 1  # "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro."
    open_article(page, server, article_id, segment=index)
    appserver.editor_ready(page, article_id, index, timeout=WAIT)
    term = segment(page, article_id, index).locator("mark.glossary-term")
    expect(term).to_have_text("Minister", timeout=WAIT)
    assert "minister" in term.get_attribute("title")
    flags = page.locator(f".st-key-flags-{article_id}-{index}")
    expect(flags).to_contain_text("A glossary term is not used", timeout=WAIT)
    typed_and_sent(page, store_root, article_id, index,
                   "The minister said the costs were high.")  # no Confirm: only a pause
    # The server's first check of typed text loads the embedding model: not timed here.
    expect(flags).not_to_contain_text("A glossary term is not used", timeout=WAIT)
    expect(flags).to_contain_text("A number from the German is missing", timeout=5_000)
    typed_and_sent(page, store_root, article_id, index,
                   "The minister said the costs were 12 million euros.")
    expect(segment(page, article_id, index).get_by_text(
        "A number from the German is missing")).to_have_count(0, timeout=5_000)  # no flag left
    assert decision(store_root, article_id, index)["status"] == "pending"
    assert [f["code"] for f in stored(store_root, article_id)["segments"][index]["flags"]
            ].count("glossary_term") == 1  # the stored flags wait for a Confirm


def test_five_quick_confirms_decide_five_segments_in_order(page, server, store_root,
                                                           tiny_marian, seed_files):
    article_id = seed_article(store_root, tiny_marian, seed_files, "quick-keys")
    order = reviewable(store_root, article_id)
    open_article(page, server, article_id, segment=order[0])
    appserver.editor_ready(page, article_id, order[0], timeout=WAIT)
    for _ in range(5):
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(80)  # faster than the page answers
    eventually(lambda: len(stored(store_root, article_id)["history"]) >= 5,
               what="five decisions from five quick Ctrl+Enter")
    appserver.editor_ready(page, article_id, order[5], timeout=WAIT)
    page.wait_for_timeout(1500)  # a sixth decision, if one were made up, would be on disk now
    history = stored(store_root, article_id)["history"]
    assert [(h["target"], h["action"]) for h in history] == \
        [(f"segment:{index}", "accept") for index in order[:5]]
    assert decision(store_root, article_id, order[5])["status"] == "pending"


def test_focus_stays_in_the_editor_after_dismiss_restore_and_machine_text(page, server,
                                                                          store_root,
                                                                          tiny_marian):
    article_id = add_article(store_root, tiny_marian, "focus-kept")
    flagged = next(s for s in stored(store_root, article_id)["segments"] if s["flags"])
    index = flagged["index"]
    open_article(page, server, article_id, segment=index)
    appserver.editor_ready(page, article_id, index, timeout=WAIT)
    button(page, f"dismiss:{article_id}:{index}:0").click()
    eventually(lambda: stored(store_root, article_id)["segments"][index]["dismissed"],
               what="the flag's dismissal on disk")
    page.wait_for_function(
        "(key) => document.activeElement?.closest('.' + key)?.querySelector('textarea')"
        " === document.activeElement", arg=f"st-key-current-{article_id}-{index}",
        timeout=WAIT)
    button(page, f"restore:{article_id}:{index}:0").click()
    eventually(lambda: not stored(store_root, article_id)["segments"][index]["dismissed"],
               what="the flag restored on disk")
    page.wait_for_function(
        "(key) => document.activeElement?.closest('.' + key) !== null",
        arg=f"st-key-current-{article_id}-{index}", timeout=WAIT)
    assert focused_editor(page, article_id, index)
    page.keyboard.type(" typed")
    page.keyboard.press("Alt+m")  # the machine text back; the editor keeps the focus
    box = appserver.live_box(page, f"seg-{article_id}-{index}")
    expect(box).to_have_value(flagged["machine"]["text"], timeout=WAIT)
    page.wait_for_timeout(300)
    assert focused_editor(page, article_id, index)


def eight_rows_visible(page, article_id: str) -> None:
    """Wait until at least eight segment rows (the open one too) lie wholly in the window."""
    page.wait_for_function(
        """(prefix) => Array.from(document.querySelectorAll(`[class*="${prefix}"]`))
             .filter(e => { const r = e.getBoundingClientRect();
                            return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })
             .length >= 8""", arg=f"st-key-seg-{article_id}-", timeout=10_000)


def one_line(page, selector: str) -> list[bool]:
    """For each element: whether its badges sit on one line (all share one top)."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).map(e => {
             const tops = Array.from(e.querySelectorAll('span')).filter(s => s.offsetHeight)
               .map(s => Math.round(s.getBoundingClientRect().top));
             return tops.length > 0 && Math.max(...tops) - Math.min(...tops) <= 4; })""",
        selector)


def test_eight_rows_fit_beside_any_open_segment_at_1280x800(laptop, server, store_root,
                                                            tiny_marian, seed_files):
    article_id = seed_article(store_root, tiny_marian, seed_files, "laptop-rows")
    order = reviewable(store_root, article_id)
    for index in (order[0], order[len(order) // 2], order[-1]):
        open_article(laptop, server, article_id, segment=index)
        appserver.editor_ready(laptop, article_id, index, timeout=WAIT)
        eight_rows_visible(laptop, article_id)
        assert all(one_line(laptop, f".st-key-badges-{article_id}-{index}"))
        statuses = one_line(laptop, f'[class*="st-key-row-{article_id}-"] '
                                    '[data-testid="stColumn"]:last-child')
        assert statuses and all(statuses)
        dismiss = button(laptop, f"dismiss:{article_id}:{index}:0")
        if dismiss.count():
            assert dismiss.inner_text().strip() == "✕"
            assert dismiss.bounding_box()["width"] >= 16


def summary_box_reachable(page) -> bool:
    """The summary editor lies wholly in the window and a click anywhere on it reaches it."""
    return page.evaluate(
        """() => { const box = document.querySelector('.st-key-summary-panel textarea');
             const r = box.getBoundingClientRect();
             if (r.top < 0 || r.bottom > innerHeight || r.height < 40) { return false; }
             return [[0.5, 0.5], [0.1, 0.1], [0.9, 0.9], [0.1, 0.9], [0.9, 0.1]].every(
               ([x, y]) => document.elementFromPoint(r.left + x * r.width,
                                                     r.top + y * r.height) === box); }""")


def test_the_summary_editor_is_never_covered(browser, server, store_root, tiny_marian,
                                             seed_files):
    from models import registry
    from review.pipeline import translate_article
    from review.store import ArticleStore

    article_id = seed_article(store_root, tiny_marian, seed_files, "summary-room")
    translate_article(ArticleStore(store_root), article_id,
                      registry.get_translator(str(tiny_marian)), summary="extractive")
    order = reviewable(store_root, article_id)
    for width, height in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        for index in (order[0], order[-1]):
            open_article(tab, server, article_id, segment=index)
            appserver.editor_ready(tab, article_id, index, timeout=WAIT)
            tab.wait_for_timeout(500)
            assert summary_box_reachable(tab), f"{width}x{height}, §{index} open"
        summary = tab.locator(".st-key-summary-panel textarea").first
        summary.click()  # a real click lands in the box
        assert summary.evaluate("el => el === document.activeElement")
        context.close()


def test_the_sidebar_label_follows_each_decision(page, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "live-label")
    order = reviewable(store_root, article_id)
    total = len(order)
    label = button(page, f"open:{article_id}")
    open_article(page, server, article_id, segment=order[0])
    expect(label).to_contain_text(f"0/{total} reviewed", timeout=WAIT)
    page.keyboard.press("Control+Enter")
    expect(label).to_contain_text(f"1/{total} reviewed", timeout=WAIT)
    appserver.editor_ready(page, article_id, order[1], timeout=WAIT)
    page.keyboard.press("Alt+x")
    expect(label).to_contain_text(f"2/{total} reviewed", timeout=WAIT)
    appserver.editor_ready(page, article_id, order[2], timeout=WAIT)
    page.keyboard.press("Alt+ArrowUp")
    appserver.editor_ready(page, article_id, order[1], timeout=WAIT)
    page.keyboard.press("Alt+z")  # undo the reject: one fewer reviewed
    expect(label).to_contain_text(f"1/{total} reviewed", timeout=WAIT)
