"""Drafts live on the server (in Chromium against `streamlit run app.py`): typed text reaches
the store without a click, survives a reload and another browser, is never a decision, and a
later translation does not overwrite it; leaving with a keystroke not yet sent asks first."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from review.bench import appserver
from review.drafts import Drafts
from review.pipeline import translate_article
from review.store import ArticleStore
from test_browser import (WAIT, add_article, browser, decision, eventually,  # noqa: F401
                          open_article, page, server, store_root)

pytestmark = pytest.mark.browser


def server_draft(store_root, article_id: str, target, reviewer: str = "anna") -> str | None:
    draft = Drafts(ArticleStore(store_root)).get(article_id, target, reviewer)
    return draft.text if draft else None


def test_typed_text_is_a_server_draft_that_survives_reload_and_another_browser(
        page, browser, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "drafts-survive")
    editor = open_article(page, server, article_id)
    appserver.editor_ready(page, article_id, 0, timeout=WAIT)
    page.keyboard.press("Control+End")
    started = time.monotonic()
    page.keyboard.type(" (my draft)")
    eventually(lambda: (server_draft(store_root, article_id, 0) or "").endswith("(my draft)"),
               timeout=10, what="the typed text to reach the server as a draft")
    assert time.monotonic() - started < 6  # typing ~1 s, then about a second
    assert editor.evaluate("el => el === document.activeElement")  # the focus stayed
    assert decision(store_root, article_id, 0)["status"] == "pending"  # never a decision
    page.reload()
    editor = page.locator(f".st-key-seg-{article_id}-0 textarea")
    expect(editor).to_have_value(server_draft(store_root, article_id, 0), timeout=WAIT)
    page.keyboard.press("Alt+ArrowDown")  # §0 becomes a row: its draft shows, marked
    expect(page.locator(f".st-key-row-{article_id}-0")).to_contain_text("✎ draft",
                                                                          timeout=WAIT)
    other = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
    try:
        mine = open_article(other, server, article_id)
        expect(mine).to_have_value(server_draft(store_root, article_id, 0), timeout=WAIT)
        theirs = open_article(other, server, article_id, reviewer="ben")
        expect(theirs).not_to_have_value(server_draft(store_root, article_id, 0), timeout=WAIT)
    finally:
        other.context.close()


def test_a_translation_later_leaves_the_draft_in_the_editor(page, server, store_root,
                                                            tiny_marian):
    from models import registry

    article_id = add_article(store_root, tiny_marian, "drafts-untranslated", translate=False)
    open_article(page, server, article_id)
    appserver.editor_ready(page, article_id, 0, timeout=WAIT)
    page.keyboard.type("My own translation of the first sentence.")
    eventually(lambda: server_draft(store_root, article_id, 0),
               what="the typed text to reach the server as a draft")
    translate_article(ArticleStore(store_root), article_id,
                      registry.get_translator(str(tiny_marian)), summary="none")
    page.reload()
    editor = page.locator(f".st-key-seg-{article_id}-0 textarea")
    expect(editor).to_have_value("My own translation of the first sentence.", timeout=WAIT)
    machine_text = __import__("test_browser").machine(store_root, article_id, 0)
    expect(page.get_by_text(f"Machine text: {machine_text}")).to_be_visible(timeout=WAIT)
    assert decision(store_root, article_id, 0)["status"] == "pending"


def test_leaving_with_a_keystroke_not_yet_on_the_server_asks_first(browser, server,
                                                                   store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "drafts-leave")
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    tab = context.new_page()
    try:
        open_article(tab, server, article_id)
        appserver.editor_ready(tab, article_id, 0, timeout=WAIT)
        tab.keyboard.type(" and more")
        with tab.expect_event("dialog", timeout=10_000) as asked:
            tab.close(run_before_unload=True)  # at once: the text has not been sent yet
        assert asked.value.type == "beforeunload"
        asked.value.accept()
        # Once the server has the text, leaving asks nothing.
        tab = context.new_page()
        prompts: list[str] = []
        tab.on("dialog", lambda dialog: (prompts.append(dialog.type), dialog.accept()))
        open_article(tab, server, article_id)
        appserver.editor_ready(tab, article_id, 0, timeout=WAIT)
        tab.keyboard.type(" and then some")
        eventually(lambda: (server_draft(store_root, article_id, 0) or "").endswith("some"),
                   what="the typed text to reach the server as a draft")
        tab.wait_for_timeout(1500)  # the server's answer reaches the page
        tab.close(run_before_unload=True)
        context.new_page().wait_for_timeout(1500)  # let a prompt, if any, arrive
        assert prompts == []
    finally:
        context.close()


def typed_into(page, article_id: str, index: int, text: str) -> str:
    """Type ``text`` at the end of the open segment's box; returns the box's new value."""
    appserver.editor_ready(page, article_id, index, timeout=WAIT)
    page.keyboard.press("Control+End")
    page.keyboard.type(text)
    return page.locator(f".st-key-seg-{article_id}-{index} textarea").input_value()


def test_machine_text_keeps_the_edit_as_a_draft_to_restore_and_the_focus(page, server,
                                                                        store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "drafts-alt-m")
    open_article(page, server, article_id)
    mine = typed_into(page, article_id, 0, " (mine)")
    page.keyboard.press("Alt+m")
    editor = page.locator(f".st-key-seg-{article_id}-0 textarea")
    expect(editor).not_to_have_value(mine, timeout=WAIT)
    assert server_draft(store_root, article_id, 0) == mine
    appserver.editor_ready(page, article_id, 0, timeout=WAIT)  # the focus is back in the box
    page.locator(f".st-key-restore-{article_id}-0 button").first.click()
    expect(editor).to_have_value(mine, timeout=WAIT)


def test_reject_keeps_the_edit_as_a_draft_that_undo_brings_back(page, server, store_root,
                                                                tiny_marian):
    article_id = add_article(store_root, tiny_marian, "drafts-alt-x")
    open_article(page, server, article_id)
    mine = typed_into(page, article_id, 0, " (mine)")
    page.keyboard.press("Alt+x")
    eventually(lambda: decision(store_root, article_id, 0)["status"] == "rejected",
               what="Alt+X to reject the segment")
    assert server_draft(store_root, article_id, 0) == mine
    appserver.editor_ready(page, article_id, 1, timeout=WAIT)  # moved on to the next one
    page.keyboard.press("Alt+ArrowUp")
    appserver.editor_ready(page, article_id, 0, timeout=WAIT)
    page.keyboard.press("Alt+z")
    eventually(lambda: decision(store_root, article_id, 0)["status"] == "pending",
               what="Alt+Z to undo the rejection")
    expect(appserver.live_box(page, f"seg-{article_id}-0")).to_have_value(mine, timeout=WAIT)


def conflicting_confirm(page, server, store_root, tiny_marian, name: str) -> tuple[str, str]:
    """Anna types a correction of §1 while Ben's correction lands first; her Confirm is refused.
    Returns (article id, Anna's text)."""
    from review import recheck

    article_id = add_article(store_root, tiny_marian, name)
    open_article(page, server, article_id, segment=1)
    mine = typed_into(page, article_id, 1, " (Anna's version)")
    recheck.decide(ArticleStore(store_root), article_id, 1, "correct", "ben",
                   text="Ben's version of the sentence.")
    page.keyboard.press("Control+Enter")
    page.locator(f".st-key-mine-{article_id}-1 button").first.wait_for(timeout=WAIT)
    assert decision(store_root, article_id, 1)["text"] == "Ben's version of the sentence."
    assert server_draft(store_root, article_id, 1) == mine  # refused, not thrown away
    expect(appserver.live_box(page, f"seg-{article_id}-1")).to_have_value(mine, timeout=WAIT)
    expect(page.get_by_text("Someone else decided this first")).to_be_visible(timeout=WAIT)
    return article_id, mine


def test_a_refused_correction_is_kept_and_keep_mine_saves_it_over_theirs(page, server,
                                                                         store_root,
                                                                         tiny_marian):
    article_id, mine = conflicting_confirm(page, server, store_root, tiny_marian,
                                           "conflict-mine")
    page.locator(f".st-key-mine-{article_id}-1 button").first.click()
    eventually(lambda: decision(store_root, article_id, 1)["text"] == mine,
               what="keep mine to save Anna's text")
    assert decision(store_root, article_id, 1)["reviewer"] == "anna"
    history = [(h["reviewer"], h["after"]["text"]) for h in
               __import__("test_browser").stored(store_root, article_id)["history"]]
    assert history == [("ben", "Ben's version of the sentence."), ("anna", mine)]
    assert server_draft(store_root, article_id, 1) is None


def test_a_refused_correction_can_give_way_to_theirs(page, server, store_root, tiny_marian):
    article_id, _mine = conflicting_confirm(page, server, store_root, tiny_marian,
                                            "conflict-theirs")
    page.locator(f".st-key-theirs-{article_id}-1 button").first.click()
    expect(appserver.live_box(page, f"seg-{article_id}-1")).to_have_value(
        "Ben's version of the sentence.", timeout=WAIT)
    eventually(lambda: server_draft(store_root, article_id, 1) is None,
               what="take theirs to discard Anna's draft")
    assert decision(store_root, article_id, 1)["reviewer"] == "ben"
