"""The article page's cues in Chromium against `streamlit run app.py`: with no translation model
Translate is off and one line says why, the command shown as code; an article whose last
segment is decided says so and opens the next article with pending work, by click or key."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from review.bench import appserver
from review.store import ArticleStore
from test_browser import (WAIT, add_article, browser, button, decision,  # noqa: F401
                          open_article, page, segment, server, store_root, stored)

pytestmark = pytest.mark.browser

MISSING_MODEL = Path("nobody/not-downloaded-mt")  # a hub id, not cached; the server is offline


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("no-model-store")


@pytest.fixture(scope="module")
def bare_server(bare_store, tmp_path_factory):
    """The app with a translation model that cannot be had."""
    log_path = tmp_path_factory.mktemp("no-model-log") / "streamlit.log"
    with appserver.streamlit_app(bare_store, MISSING_MODEL, log_path) as url:
        yield url
    log = log_path.read_text(errors="replace")
    assert not appserver.app_tracebacks(log), log


def reviewable(store_root: Path, article_id: str) -> list[int]:
    return [s["index"] for s in stored(store_root, article_id)["segments"]
            if s["kind"] != "boilerplate"]


def all_but_last_accepted(store_root: Path, tiny_marian: Path, name: str) -> tuple[str, int]:
    """A translated article with one pending segment left: (its id, that segment)."""
    article_id = add_article(store_root, tiny_marian, name)
    *decided, last = reviewable(store_root, article_id)
    for index in decided:
        ArticleStore(store_root).decide(article_id, index, "accept", "anna")
    return article_id, last


def on_article(page, article_id: str) -> None:
    """Wait until the address bar names the article (the page writes it when it opens one)."""
    page.wait_for_function("(id) => new URLSearchParams(location.search).get('article') === id",
                           arg=article_id, timeout=WAIT)


def test_without_a_model_translate_is_off_and_the_page_says_why(page, bare_server, bare_store):
    article_id = add_article(bare_store, None, "no-model", translate=False)
    page.goto(bare_server + f"?article={article_id}&reviewer=anna")
    expect(button(page, "translate")).to_be_disabled(timeout=60_000)
    main = page.get_by_test_id("stMain")
    line = main.get_by_test_id("stAlert").filter(has_text="Translate is off because")
    expect(line).to_have_count(1, timeout=WAIT)
    expect(line.locator("code").filter(has_text="python -m review models pull")).to_be_visible()
    assert "`" not in line.inner_text()  # code, not literal backticks
    assert main.get_by_text("running in the background").count() == 0


def test_a_reviewed_article_opens_the_next_with_work_by_click_and_by_key(page, server,
                                                                        store_root,
                                                                        tiny_marian):
    first, first_last = all_but_last_accepted(store_root, tiny_marian, "cue-a")
    second, second_last = all_but_last_accepted(store_root, tiny_marian, "cue-b")
    third = add_article(store_root, tiny_marian, "cue-c")
    total = len(reviewable(store_root, first))
    open_article(page, server, first, segment=first_last)
    expect(button(page, "next_article")).to_have_count(0)
    button(page, f"accept:{first}:{first_last}").click()
    expect(page.get_by_text(f"All {total} segments of this article are reviewed")) \
        .to_be_visible(timeout=WAIT)
    button(page, "next_article").click()  # the next article with pending work: cue-b
    on_article(page, second)
    segment(page, second, second_last).locator("textarea").wait_for(timeout=WAIT)
    button(page, f"accept:{second}:{second_last}").click()
    expect(button(page, "next_article")).to_be_visible(timeout=WAIT)
    # From the editor, where the reviewer's keys are (a first Alt key pressed after a click
    # elsewhere on the page is lost to Streamlit's shortcuts, Alt+N's too).
    appserver.editor_ready(page, second, second_last, timeout=WAIT)
    page.keyboard.press("Alt+Shift+N")  # cue-a is done now: on to cue-c
    on_article(page, third)
    segment(page, third, 0).locator("textarea").wait_for(timeout=WAIT)
    assert decision(store_root, second, second_last)["status"] == "accepted"
