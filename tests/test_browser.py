"""End to end in a real browser: `streamlit run app.py` on localhost, driven by Playwright."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from review.ingest import article_from_text
from review.pipeline import translate_article
from review.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
GERMAN = ("Die Regierung in Berlin hat am Montag neue Regeln beschlossen.\n"
          "Der Minister sagte, die Kosten lägen bei 12 Millionen Euro.")
CORRECTION = "The minister said the costs were 12 million euros."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on port {port} within {timeout:.0f}s")


@pytest.fixture
def translated_article(store_dir, tiny_marian) -> str:
    """A stored article with machine output from the tiny model, through the real pipeline."""
    from models import registry

    store = ArticleStore(store_dir)
    article = store.add(article_from_text(GERMAN, title="Neue Regeln"))
    translate_article(store, article.id, registry.get_translator(str(tiny_marian)))
    return article.id


@pytest.fixture
def server(store_dir, tiny_marian, tmp_path):
    port = free_port()
    env = {**os.environ, "REVIEW_STORE": str(store_dir), "REVIEW_MT_MODEL": str(tiny_marian),
           "HF_HUB_OFFLINE": "1"}
    log = open(tmp_path / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def decision(store_dir: Path, article_id: str, index: int) -> dict:
    data = json.loads((store_dir / f"{article_id}.json").read_text(encoding="utf-8"))
    return next(s for s in data["segments"] if s["index"] == index)["decision"]


def test_reviewer_accepts_a_segment_in_a_real_browser(translated_article, server, store_dir,
                                                      tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1300})
            page.goto(server)
            expect(page.get_by_text(GERMAN.splitlines()[0], exact=True)).to_be_visible(
                timeout=60_000)
            # Streamlit marks each keyed widget with the class st-key-<key, other chars as "-">;
            # a positional locator could land on another row's button while the page re-renders.
            accept = page.locator(f".st-key-accept-{translated_article}-0 button")
            expect(accept).to_be_enabled(timeout=30_000)

            name = page.get_by_role("textbox", name="Reviewer name")
            name.fill("anna")
            name.press("Enter")
            accept.click()
            expect(page.get_by_text("accepted by anna")).to_be_visible(timeout=30_000)

            saved = decision(store_dir, translated_article, 0)
            assert (saved["status"], saved["reviewer"]) == ("accepted", "anna")
            assert decision(store_dir, translated_article, 1)["status"] == "pending"

            # Type a correction and click straight on Save: the typed text must be what is saved.
            page.get_by_test_id("stMain").locator("textarea").nth(1).fill(CORRECTION)
            page.locator(f".st-key-correct-{translated_article}-1 button").click()
            expect(page.get_by_text("corrected by anna")).to_be_visible(timeout=30_000)
            saved = decision(store_dir, translated_article, 1)
            assert (saved["status"], saved["text"]) == ("corrected", CORRECTION)
            # Streamlit scrolls inside its own container; show the page from the top.
            page.get_by_test_id("stMain").evaluate("main => main.scrollTo(0, 0)")
            page.wait_for_timeout(300)
            page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "review.png").stat().st_size > 10_000
