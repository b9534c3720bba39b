"""The glossary dialog in Chromium against `streamlit run app.py`: a term without English is
asked about, and saving re-checks every article. A module of its own, with its own server and
store: the glossary it saves applies to every article there."""
from __future__ import annotations

import pytest

from review.bench import appserver
from test_browser import (WAIT, add_article, browser, button, eventually,  # noqa: F401
                          open_article, page, server, store_root, stored)

pytestmark = pytest.mark.browser


def test_glossary_asks_about_a_term_without_english_and_rechecks_every_article(
        page, server, store_root, tiny_marian):
    """In a module (and server) of its own: the glossary it saves applies to every article."""
    ids = [add_article(store_root, tiny_marian, f"glossary-{n}") for n in range(2)]
    glossary = store_root / "glossary.csv"
    open_article(page, server, ids[0])
    appserver.editor_ready(page, ids[0], 0, timeout=WAIT)  # the page is drawn and focused
    button(page, "open_glossary").click()
    grid = page.get_by_role("dialog").get_by_test_id("stDataFrame")
    grid.wait_for(timeout=WAIT)
    cell_editor = page.locator(".gdg-input")  # the grid's editor over the chosen cell
    dialog = page.get_by_role("dialog")

    def enter_term() -> bool:
        """Type "Hamburg" into the German cell of the blank row; True once the server has it
        (the dialog counts the term). The grid is a canvas, so this goes by position."""
        for _ in range(5):
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 150, box["y"] + 53)
            page.keyboard.press("Enter")
            try:
                cell_editor.wait_for(timeout=2_000)
                break
            except Exception:
                page.keyboard.press("Escape")
        page.wait_for_timeout(500)  # keys typed while the cell editor starts up are lost
        try:
            cell_editor.fill("Hamburg", timeout=5_000)  # one input event: no key is lost
            page.wait_for_function(
                "() => document.querySelector('.gdg-input')?.value === 'Hamburg'",
                timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")  # the cell editor went away: try again
            return False
        page.keyboard.press("Tab")  # commit the cell (Enter would also add a new row)
        cell_editor.wait_for(state="detached", timeout=WAIT)
        dialog.get_by_text("keep as is", exact=False).first.click()  # the grid sends on blur
        try:
            dialog.get_by_text("1 term", exact=True).wait_for(timeout=10_000)
            return True
        except Exception:
            return False

    # The canvas grid can drop a cell edit that a rerun interrupts: the term is entered again.
    assert any(enter_term() for _ in range(6)), "the grid never sent the typed term"
    button(page, "save_glossary").click()
    # No English: the editor asks instead of silently making a keep-as-is rule.
    page.get_by_text("No English for Hamburg").wait_for(timeout=WAIT)
    assert not glossary.exists()
    button(page, "glossary_keep").click()
    eventually(glossary.exists, what="the glossary to be saved")
    assert glossary.read_text(encoding="utf-8").splitlines()[1:] == ["Hamburg,,dnt"]

    def flagged(article_id: str) -> bool:
        harbour = stored(store_root, article_id)["segments"][3]
        return any(f["code"] == "glossary_term" for f in harbour["flags"])

    # Every article with "Hamburg" is re-checked in the background, not only the open one.
    others = [p.stem for p in store_root.glob("*.json") if "Hamburg" in p.read_text("utf-8")]
    assert set(ids) <= set(others)
    eventually(lambda: all(flagged(i) for i in others), timeout=120,
               what="every article to be re-checked")
