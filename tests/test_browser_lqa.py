"""Quality assessment in Chromium against `streamlit run app.py`: after a reject the error
picker is answered by keyboard alone (a digit for the type, Enter for the suggested severity,
another error, Escape), the errors show on the row and the scorecard in the header, and a
comment is added and resolved."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from review.bench import appserver

from test_browser import (WAIT, add_article, browser, decision, eventually,  # noqa: F401
                          machine, open_article, page, server, store_root, stored)

pytestmark = pytest.mark.browser


def errors_of(store_root, article_id: str, index: int) -> list[tuple[str, str]]:
    return [(e["type"], e["severity"]) for e in decision(store_root, article_id, index)
            .get("errors") or []]


def test_errors_are_picked_by_keyboard_after_a_reject(page, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "picked")
    editor = open_article(page, server, article_id, segment=0)
    editor.click()
    page.keyboard.press("Alt+x")
    picker = page.locator(".st-key-picker")  # (a redraw may show a stale copy beside it)
    expect(picker.get_by_text("§0 rejected: what was wrong?")).to_be_visible(timeout=WAIT)
    page.keyboard.press("2")  # accuracy/omission
    expect(picker.get_by_text("accuracy/omission: how severe?")).to_be_visible(timeout=WAIT)
    page.keyboard.press("2")  # major
    eventually(lambda: errors_of(store_root, article_id, 0) == [("accuracy/omission", "major")],
               what="the first error in the store")
    expect(picker.get_by_text("what was wrong?")).to_be_visible(timeout=WAIT)  # another?
    page.keyboard.press("5")  # terminology
    expect(picker.get_by_text("terminology: how severe?")).to_be_visible(timeout=WAIT)
    span = machine(store_root, article_id, 0).split()[0]  # words of the English it concerns
    picker.get_by_placeholder("optional: the words of the English it concerns").fill(span)
    picker.get_by_placeholder("optional: a note").fill("use the glossary's term")
    picker.locator(".st-key-pick-enter button").click()  # the severity it suggests (★): minor
    eventually(lambda: len(errors_of(store_root, article_id, 0)) == 2,
               what="the second error in the store")
    assert errors_of(store_root, article_id, 0)[1] == ("terminology", "minor")
    second = decision(store_root, article_id, 0)["errors"][1]
    assert second["span"] == span and second["note"] == "use the glossary's term"
    page.locator(f".st-key-current-{article_id}-1 textarea").focus()
    page.keyboard.press("Escape")
    expect(picker).to_have_count(0, timeout=WAIT)
    assert decision(store_root, article_id, 0)["status"] == "rejected"
    # the digits went to the picker, not into the next segment's editor
    box = appserver.live_box(page, f"seg-{article_id}-1")
    assert "2" not in box.input_value() and "5" not in box.input_value()
    row = page.locator(f".st-key-row-{article_id}-0")
    expect(row).to_contain_text("2 errors", timeout=WAIT)
    expect(page.locator("[data-testid='stProgress']").first).to_contain_text("LQA")


def test_a_comment_is_added_and_resolved(page, server, store_root, tiny_marian):
    article_id = add_article(store_root, tiny_marian, "commented")
    open_article(page, server, article_id, segment=1)
    current = page.locator(f".st-key-current-{article_id}-1")
    current.get_by_role("button", name="Comment").click()
    box = page.get_by_placeholder("a question or a note for others")  # in the popover
    box.fill("Is <b>Berlin</b> right here?")
    box.press("Enter")
    eventually(lambda: stored(store_root, article_id)["segments"][1]["comments"],
               what="the comment in the store")
    [saved] = stored(store_root, article_id)["segments"][1]["comments"]
    assert saved["text"] == "Is <b>Berlin</b> right here?" and saved["author"] == "anna"
    opener = current.get_by_role("button", name="1 open")
    expect(opener).to_be_visible(timeout=WAIT)
    thread = page.get_by_text("Is <b>Berlin</b> right here?")  # shown as text, not markup
    if not thread.is_visible():
        opener.click()
    expect(thread).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="✓").click()
    eventually(lambda: stored(store_root, article_id)["segments"][1]["comments"][0]["resolved"],
               what="the comment resolved")


def test_typing_past_the_picker_closes_it_and_keeps_every_key(page, server, store_root,
                                                              tiny_marian):
    article_id = add_article(store_root, tiny_marian, "typed-past")
    editor = open_article(page, server, article_id, segment=0)
    editor.click()
    page.keyboard.press("Alt+x")
    expect(page.locator(".st-key-picker").get_by_text("what was wrong?").first).to_be_visible(
        timeout=WAIT)
    box = appserver.live_box(page, f"current-{article_id}-1")
    box.wait_for(timeout=WAIT)
    page.keyboard.press("Control+a")
    page.keyboard.type("In 2024 the 12 ministers met.")  # a letter first, then digits
    expect(box).to_have_value("In 2024 the 12 ministers met.", timeout=WAIT)
    expect(page.locator(".st-key-picker")).to_have_count(0, timeout=WAIT)
    assert not errors_of(store_root, article_id, 0)  # no digit was taken for an error
