"""A decision key acts where the cursor is (in Chromium against `streamlit run app.py`): in the
open segment's editor on that segment, in the summary's editor on the summary, and in any
other input not at all."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from review.ingest import article_from_text
from review.pipeline import translate_article
from review.store import ArticleStore
from test_browser import (GERMAN, WAIT, browser, eventually, open_article, page,  # noqa: F401
                          server, store_root, stored)

pytestmark = pytest.mark.browser


def summarized_article(store_root, tiny_marian, name: str) -> str:
    """An article of its own, translated and with an extractive summary."""
    from models import registry

    store = ArticleStore(store_root)
    text = GERMAN.replace("am Dienstag mit.", f"am Dienstag mit, Meldung {name}.")
    article = store.add(article_from_text(text, title=name, id=name))
    translate_article(store, article.id, registry.get_translator(str(tiny_marian)),
                      summary="extractive")
    return article.id


def statuses(store_root, article_id: str) -> tuple[str, list[str]]:
    data = stored(store_root, article_id)
    return (data["summary"]["decision"]["status"],
            [s["decision"]["status"] for s in data["segments"]])


def test_decision_keys_in_the_sidebar_search_do_nothing(page, server, store_root, tiny_marian):
    article_id = summarized_article(store_root, tiny_marian, "keys-sidebar")
    open_article(page, server, article_id)
    before = stored(store_root, article_id)
    search = page.locator(".st-key-article_search input")
    search.click()
    search.type("zzz")
    for key in ("Control+Enter", "Alt+x", "Alt+z", "Alt+m"):
        page.keyboard.press(key)
    time.sleep(3)  # a wrongly routed key would have decided by now (decisions take < 1 s)
    after = stored(store_root, article_id)
    assert after["revision"] == before["revision"] and after["history"] == []
    assert set(statuses(store_root, article_id)[1]) == {"pending"}


def test_the_summary_editor_has_the_segment_keys_for_the_summary(page, server, store_root,
                                                                tiny_marian):
    article_id = summarized_article(store_root, tiny_marian, "keys-summary")
    open_article(page, server, article_id)
    box = page.locator(".st-key-summary-panel textarea").first
    box.focus()  # (whether the panel's layout lets a click reach it is another test's job)
    box.press("Control+End")
    box.type(" Edited.")
    box.press("Control+Enter")
    eventually(lambda: statuses(store_root, article_id)[0] == "corrected",
               what="Ctrl+Enter in the summary box to save the summary")
    assert stored(store_root, article_id)["summary"]["decision"]["text"].endswith("Edited.")
    box = page.locator(".st-key-summary-panel textarea").first
    expect(box).to_have_value(
        stored(store_root, article_id)["summary"]["decision"]["text"], timeout=WAIT)
    box.focus()
    box.press("Alt+z")
    eventually(lambda: statuses(store_root, article_id)[0] == "pending",
               what="Alt+Z in the summary box to undo the summary's correction")
    page.locator(".st-key-summary-panel textarea").first.focus()
    page.keyboard.press("Alt+x")
    eventually(lambda: statuses(store_root, article_id)[0] == "rejected",
               what="Alt+X in the summary box to reject the summary")
    assert set(statuses(store_root, article_id)[1]) == {"pending"}  # no segment touched
    actions = [(h["target"], h["action"]) for h in stored(store_root, article_id)["history"]]
    assert actions == [("summary", "correct"), ("summary", "undo"), ("summary", "reject")]
