"""The html exports in Chromium: markup in a title, a summary, a correction or a reviewer's
name shows as text, and nothing in them runs."""
from __future__ import annotations

import pytest

from review.bench import appserver
from review.export import export
from review.store import ArticleStore
from test_export_product import HOSTILE, clock, hostile_store  # noqa: F401 - clock: a fixture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page():
    with appserver.chromium() as browser:
        context = browser.new_context(java_script_enabled=True)
        yield context.new_page()
        context.close()


def test_html_exports_show_markup_as_text_and_run_nothing(page, clock):  # noqa: F811
    store: ArticleStore = hostile_store(clock)
    pages = {(what, fmt): export(store.scan()[0], what, fmt)
             for what, fmt in [("summaries", "html"), ("articles", "html"),
                               ("articles", "bilingual-html")]}
    for (what, fmt), html in pages.items():
        page.set_content(html, wait_until="load")
        page.wait_for_timeout(200)  # time for an injected onerror handler to fire
        assert page.evaluate("typeof window.pwned") == "undefined", (what, fmt)
        shown = " ".join(page.inner_text("body").split())
        assert HOSTILE in shown, (what, fmt)
        assert page.locator("script, img, iframe, link[rel=stylesheet]").count() == 0
    page.set_content(pages[("articles", "bilingual-html")])
    assert page.locator("tr").count() == 7  # the header and one row per segment
    assert page.locator("th").all_inner_texts() == ["German", "English"]
