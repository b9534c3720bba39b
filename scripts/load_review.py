"""How many reviewers one review server holds: N browser sessions deciding at once; prints JSON.

    python scripts/load_review.py [--sessions 1 5 10 20] [--seconds 60] [--pace 3]
                                  [--shared] [--servers 1]

For each N, a fresh store of newstest2014 articles (German with its human English as the
machine text, 40 segments each) is served by `streamlit run app.py` on 127.0.0.1 (``--servers``
processes on the same store, sessions spread over them) and N Playwright contexts on one
headless Chromium review it, each as its own reviewer: every PACE seconds (±40 %) the open
segment is confirmed with Ctrl+Enter, every third time after typing an edit. With ``--shared``
all reviewers work in one article (starting at different segments, so they meet); otherwise
each has an article of its own.

Reported per N: decisions attempted; stored (in the article's history under that reviewer,
an edit with its own text); already approved (the page showed the segment approved by another
reviewer, so Confirm moved on without a decision); refused as stale (another reviewer decided first; an edit's text
must then be that reviewer's draft: ``refused_text_kept``); lost (neither stored nor refused:
must be 0); Confirm -> next editor focused, p50/p90 (refusals left out). Every store file is
read back at the end: ``unreadable`` counts files that fail.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
SEGMENTS = 40  # per article
ANSWER_S = 30.0  # a decision not answered by then counts as lost

FOCUSED = """() => { const el = document.activeElement;
  const box = el && el.tagName === 'TEXTAREA' && el.closest('[class*="st-key-current-"]');
  if (!box) { return null; }
  const m = /st-key-current-(\\S+)-([0-9]+)(\\s|$)/.exec(box.className);
  return m ? [m[1], parseInt(m[2], 10)] : null; }"""
REFUSED = '[class*="st-key-reload-"] button, [class*="st-key-theirs-"] button'


@dataclass
class Attempt:
    reviewer: str
    article: str
    index: int
    token: str | None  # an edit's own text; None for an accept
    outcome: str = "lost"  # shown, refused or lost (no answer within ANSWER_S)
    seconds: float | None = None


@dataclass
class Tally:
    attempts: list[Attempt] = field(default_factory=list)


def sentences() -> list[tuple[str, str]]:
    german = (DATA / "newstest2014-deen.de").read_text(encoding="utf-8").splitlines()
    english = (DATA / "newstest2014-deen.en").read_text(encoding="utf-8").splitlines()
    return [(de, en) for de, en in zip(german, english) if de.strip() and en.strip()]


def build(store_root: Path, count: int) -> list[str]:
    """``count`` articles of SEGMENTS sentences each, their human English as machine text."""
    from review.article import MachineOutput
    from review.ingest import article_from_text
    from review.store import ArticleStore

    pairs = sentences()
    store, ids = ArticleStore(store_root), []
    for number in range(count):
        chunk = pairs[number * SEGMENTS:(number + 1) * SEGMENTS]
        article = store.add(article_from_text("\n".join(de for de, _ in chunk),
                                              title=f"Last {number}", id=f"load{number:02d}"))
        english = {de: en for de, en in chunk}

        def translate(a, english=english) -> None:
            for seg in a.segments:
                seg.machine = MachineOutput(english.get(seg.source, seg.source), "load", -0.3)
                seg.risk = 0.1

        store.update(article.id, translate)
        ids.append(article.id)
    return ids


async def answer(page, before: tuple[str, int]) -> str | None:
    """Wait for the page's answer to a Confirm: another editor focused, or a refusal."""
    deadline = time.perf_counter() + ANSWER_S
    while time.perf_counter() < deadline:
        if await page.locator(REFUSED).count():
            return "refused"
        now = await page.evaluate(FOCUSED)
        if now is not None and tuple(now) != before:
            return "shown"
        await asyncio.sleep(0.02)
    return None


async def review(context, url: str, article: str, start: int, name: str, until: float,
                 pace: float, tally: Tally) -> None:
    page = await context.new_page()
    await page.goto(f"{url}?article={article}&segment={start}&reviewer={name}")
    await page.wait_for_function(FOCUSED, timeout=120_000)
    turn = 0
    while time.perf_counter() < until:
        await asyncio.sleep(pace * random.uniform(0.6, 1.4))
        where = await page.evaluate(FOCUSED)
        if where is None:  # no editor open: everything decided, or a message to read
            await page.keyboard.press("Alt+n")
            await asyncio.sleep(1)
            continue
        turn += 1
        token = f"[{name}-{turn}]" if turn % 3 == 0 else None
        if token:
            await page.keyboard.press("Control+End")
            await page.keyboard.type(f" {token}")
        attempt = Attempt(name, where[0], where[1], token)
        tally.attempts.append(attempt)
        started = time.perf_counter()
        await page.keyboard.press("Control+Enter")
        attempt.outcome = await answer(page, tuple(where)) or "lost"
        attempt.seconds = time.perf_counter() - started
        if attempt.outcome == "refused":  # take theirs (or reload), then the next pending
            await page.locator(REFUSED).first.click()
            await asyncio.sleep(1)
            await page.keyboard.press("Alt+n")
    await page.close()


def account(store_root: Path, tally: Tally) -> dict:
    """Each attempt checked against the store: its decision in the history, or its refusal
    (an edit's text then the reviewer's draft)."""
    from review.drafts import Drafts
    from review.errors import ReviewError
    from review.store import ArticleStore

    store = ArticleStore(store_root)
    articles, unreadable = {}, 0
    for article_id in store.ids():
        try:
            articles[article_id] = store.get(article_id)
        except ReviewError:
            unreadable += 1
    stored = refused = kept = moved_on = 0
    lost: list[dict] = []
    for attempt in tally.attempts:
        article = articles.get(attempt.article)
        entries = [] if article is None else [
            entry for entry in article.history if entry.target == f"segment:{attempt.index}"
            and entry.action in ("accept", "correct")]
        landed = any(
            entry.reviewer == attempt.reviewer
            and (attempt.token is None or attempt.token in (entry.after or {}).get("text", ""))
            for entry in entries)
        if landed:
            stored += 1
        elif attempt.token is None and attempt.outcome == "shown" \
                and any(entry.reviewer != attempt.reviewer for entry in entries):
            moved_on += 1  # shown as approved by another already: Confirm moves on
        elif attempt.outcome == "refused":
            refused += 1
            draft = Drafts(store).get(attempt.article, attempt.index, attempt.reviewer)
            kept += attempt.token is None or (draft is not None and attempt.token in draft.text)
        else:
            lost.append({"reviewer": attempt.reviewer, "segment": attempt.index,
                         "edit": attempt.token is not None, "page": attempt.outcome,
                         "seconds": round(attempt.seconds or 0, 2)})
    shown = sorted(a.seconds for a in tally.attempts if a.outcome == "shown")
    return {"attempted": len(tally.attempts), "stored": stored,
            "already_approved_moved_on": moved_on, "refused_stale": refused,
            "refused_text_kept": kept, "lost": len(lost), "lost_attempts": lost,
            "unreadable": unreadable,
            "confirm_to_shown_p50_s": round(statistics.median(shown), 3) if shown else None,
            "confirm_to_shown_p90_s": round(shown[int(0.9 * (len(shown) - 1))], 3)
            if shown else None}


async def run_sessions(urls: list[str], ids: list[str], sessions: int, seconds: float,
                       pace: float, shared: bool) -> Tally:
    from playwright.async_api import async_playwright

    from review.bench.appserver import CHROMIUM_ARGS, chromium_path

    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium_path()),
                                                   headless=True, args=CHROMIUM_ARGS)
        contexts = [await browser.new_context(viewport={"width": 1500, "height": 1000})
                    for _ in range(sessions)]
        until = time.perf_counter() + seconds
        await asyncio.gather(*(
            review(context, urls[n % len(urls)], ids[0] if shared else ids[n],
                   (n * SEGMENTS // sessions) if shared else 0, f"rev{n:02d}", until, pace,
                   tally)
            for n, context in enumerate(contexts)))
        await browser.close()
    return tally


def measure(sessions: int, seconds: float, pace: float, shared: bool, servers: int) -> dict:
    from review.bench.appserver import streamlit_app

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        ids = build(folder / "store", 1 if shared else sessions)
        urls = [stack.enter_context(streamlit_app(folder / "store", folder / "no-model",
                                                  folder / f"server{n}.log"))
                for n in range(servers)]
        tally = asyncio.run(run_sessions(urls, ids, sessions, seconds, pace, shared))
        return {"sessions": sessions, "servers": servers, "shared_article": shared,
                **account(folder / "store", tally)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pace", type=float, default=3.0, help="seconds between decisions")
    parser.add_argument("--shared", action="store_true", help="everyone in one article")
    parser.add_argument("--servers", type=int, default=1, help="server processes, one store")
    args = parser.parse_args()
    results = [measure(n, args.seconds, args.pace, args.shared, args.servers)
               for n in args.sessions]
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
