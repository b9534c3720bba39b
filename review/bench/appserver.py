"""A real `streamlit run app.py` on a free localhost port, and headless Debian Chromium.

Shared by the browser tests (tests/test_browser.py, tests/test_security.py) and the page
benchmarks (scripts/bench_review_page.py, scripts/bench_scale_app.py). Playwright is imported
inside chromium() only.

The browser is Debian's Chromium at /usr/bin/chromium (Playwright cannot download its own
here); REVIEW_CHROMIUM names another executable.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> Path:
    """The Chromium executable: $REVIEW_CHROMIUM, else /usr/bin/chromium."""
    return Path(os.environ.get("REVIEW_CHROMIUM") or DEFAULT_CHROMIUM)


def missing_chromium() -> str | None:
    """Why Chromium cannot be started, in one line naming the fix; None when it is there."""
    path = chromium_path()
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return (f"Chromium not found at {path}: install it with `apt-get install chromium` "
            f"(.ci/run does), or deselect the browser tests with -m 'not browser'")


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


@contextmanager
def streamlit_app(store: Path, mt_model: Path, log_path: Path) -> Iterator[str]:
    """The app serving ``store`` with ``mt_model``; yields its URL, stops it afterwards."""
    port = free_port()
    env = {**os.environ, "REVIEW_STORE": str(store), "REVIEW_MT_MODEL": str(mt_model),
           "HF_HUB_OFFLINE": "1"}
    with open(log_path, "wb") as log:
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


@contextmanager
def chromium():
    """Headless Chromium through Playwright (which cannot download its own browsers here)."""
    problem = missing_chromium()
    if problem:
        raise FileNotFoundError(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()),
                                             headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def app_tracebacks(log: str) -> list[str]:
    """The tracebacks in a server log that pass through the app's own code (app.py, review/,
    models/). A browser closing its websocket mid-message can make the web server itself log
    one, from its own files only: not the app's failure, so left out."""
    blocks = log.split("Traceback (most recent call last):")[1:]
    ours = (f'File "{ROOT / "app.py"}"', f'File "{ROOT / "review"}', f'File "{ROOT / "models"}')
    return [block for block in blocks if any(name in block for name in ours)]


def editor_ready(page, article_id: str, index: int, timeout: float = 30_000) -> None:
    """Wait until segment ``index`` is the open one, drawn, and its editor has the focus."""
    page.wait_for_function(
        "(key) => document.activeElement?.closest('.' + key) !== null",
        arg=f"st-key-seg-{article_id}-{index}", timeout=timeout)


def live_box(page, key: str):
    """The text box inside the keyed container ``key`` (``seg-<id>-<n>``, ``current-<id>-<n>``)
    that the page shows now: a rerun can leave a faded, stale copy beside it for a while."""
    return page.locator(f".st-key-{key} [data-testid='stElementContainer'][data-stale='false'] "
                        "textarea")
