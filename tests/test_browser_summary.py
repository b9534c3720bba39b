"""The summary reviewed claim by claim in Chromium against `streamlit run app.py`: a click on
a summary sentence (or Alt+J) marks its evidence rows and scrolls to the first, a verdict is
stored, an unsupported sentence stops the summary's approval, and the English title stands
beside the German one."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from test_browser import (WAIT, browser, button, eventually, open_article,  # noqa: F401
                          page, server, store_root, stored)

pytestmark = pytest.mark.browser


def summarized(store_root: Path, tiny_marian: Path, seed_files, name: str) -> str:
    """The first seed article, translated by the tiny model, with an extractive summary."""
    from models import registry
    from review.ingest import article_from_text
    from review.pipeline import translate_article
    from review.store import ArticleStore

    store = ArticleStore(store_root)
    text = seed_files[0].read_text(encoding="utf-8").rstrip() + f"\n\nMeldung {name}.\n"
    article_id = store.add(article_from_text(text, id=name)).id  # titled by its headline
    translate_article(store, article_id, registry.get_translator(str(tiny_marian)),
                      summary="extractive")
    return article_id


def in_view(page, css: str) -> bool:
    return page.evaluate(
        """(css) => { const el = document.querySelector(css); if (!el) return false;
           const r = el.getBoundingClientRect();
           return r.bottom > 0 && r.top < window.innerHeight; }""", css)


def test_a_sentence_marks_its_evidence_and_a_verdict_guards_the_approval(
        page, server, store_root, tiny_marian, seed_files):
    article_id = summarized(store_root, tiny_marian, seed_files, "claims")
    sentences = stored(store_root, article_id)["summary"]["sentences"]
    assert len(sentences) >= 2 and all(s["evidence"] for s in sentences)
    last = len(sentences) - 1
    shown = set(sentences[0]["evidence"]) | set(sentences[last]["evidence"])
    elsewhere = next(s["index"] for s in stored(store_root, article_id)["segments"]
                     if s["kind"] != "boilerplate" and s["index"] not in shown)
    open_article(page, server, article_id, segment=elsewhere)
    expect(page.locator('[class*="st-key-evidence-"]')).to_have_count(0)

    button(page, f"sentence:{article_id}:{last}").click()
    first = sentences[last]["evidence"][0]
    marked = page.locator(f".st-key-evidence-{article_id}-{first}")
    expect(marked).to_be_visible(timeout=WAIT)
    expected = {f"st-key-evidence-{article_id}-{i}" for i in sentences[last]["evidence"]}
    marked_now = page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-evidence-"]')]
        .map(el => [...el.classList].find(c => c.startsWith('st-key-evidence-')))""")
    assert set(marked_now) == expected  # every evidence row marked, and nothing else
    eventually(lambda: in_view(page, f".st-key-evidence-{article_id}-{first}"),
               what="the first evidence row scrolled into view")

    page.locator(".st-key-summary-panel").click(position={"x": 5, "y": 5})  # out of any box
    page.keyboard.press("Alt+j")  # wraps round to the first sentence
    expect(page.locator(f".st-key-evidence-{article_id}-{sentences[0]['evidence'][0]}")
           ).to_be_visible(timeout=WAIT)

    panel = page.locator(f".st-key-claim-{article_id}-0")
    panel.get_by_role("radio", name="? unsupported").click()
    eventually(lambda: stored(store_root, article_id)["summary"]["sentences"][0]["verdict"]
               == "unsupported", what="the verdict in the store")
    button(page, f"accept:{article_id}:summary").click()
    expect(page.get_by_text("are marked unsupported or contradicted")).to_be_visible(
        timeout=WAIT)
    assert stored(store_root, article_id)["summary"]["decision"]["status"] == "pending"


def test_the_english_title_stands_beside_the_german(page, server, store_root, tiny_marian,
                                                    seed_files):
    from review.store import ArticleStore

    article_id = summarized(store_root, tiny_marian, seed_files, "titled")
    store = ArticleStore(store_root)
    headline = store.get(article_id).headline()
    assert headline
    store.decide(article_id, headline[0].index, "correct", "anna",
                 text="North Korea delivers a million shells")
    open_article(page, server, article_id, segment=headline[-1].index + 1)
    head = page.locator(".st-key-article-head")
    expect(head).to_contain_text("North Korea delivers a million shells", timeout=WAIT)
    expect(head).to_contain_text("Während Europas Militärhilfe")
