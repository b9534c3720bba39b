"""Seconds a reviewer waits on the review page, measured in a real browser; prints JSON.

    python scripts/bench_review_page.py [--confirms 20] [--loads 5]

A 25-segment seed article translated by a tiny random Marian model (the page's speed does not
depend on the model's weights) is served by `streamlit run app.py` and driven by Chromium:

- confirm: Ctrl+Enter in the open editor until the decision is on disk ("stored") and the
  next pending segment is open, drawn and focused ("shown"); every fourth is an edit, which
  the checks re-run on (an embedding), the others accept the machine text;
- warm page load: opening the article by link, until its open editor has the focus, after a
  first load that warms the server.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "seeds" / "000_aed0e7e85b1c3751.txt"  # 25 reviewable segments


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(values), "median_s": round(statistics.median(values), 3),
            "p90_s": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
            "max_s": round(ordered[-1], 3)}


def prepare(folder: Path) -> tuple[Path, Path, str]:
    """A store with the seed article translated by a tiny model built here."""
    from models import registry
    from review.bench import tiny
    from review.ingest import load_path
    from review.pipeline import translate_article
    from review.store import ArticleStore

    model = tiny.build_tiny_marian(folder / "tiny-marian")
    store = ArticleStore(folder / "store")
    article = store.add(load_path(SEED)[0])
    translate_article(store, article.id, registry.get_translator(str(model)))
    return store.root, model, article.id


def decided(store: Path, article_id: str, index: int) -> bool:
    data = json.loads((store / f"{article_id}.json").read_text(encoding="utf-8"))
    return next(s for s in data["segments"] if s["index"] == index)["decision"]["status"] \
        != "pending"


def measure_confirms(page, url: str, store: Path, article_id: str, count: int) -> dict:
    from review.bench.appserver import editor_ready
    from review.store import ArticleStore

    order = [s.index for s in ArticleStore(store).get(article_id).reviewable()]
    page.goto(f"{url}?article={article_id}&segment={order[0]}&reviewer=bench")
    editor_ready(page, article_id, order[0], timeout=60_000)
    accepted, corrected, stored = [], [], []
    for number, (index, following) in enumerate(zip(order, order[1:count + 1])):
        edit = number % 4 == 3
        if edit:
            page.keyboard.press("End")
            page.keyboard.type(" (edited)")
            page.wait_for_timeout(100)  # a reviewer's pause; not measured
        start = time.perf_counter()
        page.keyboard.press("Control+Enter")
        while not decided(store, article_id, index):
            time.sleep(0.005)
        stored.append(time.perf_counter() - start)
        editor_ready(page, article_id, following)
        (corrected if edit else accepted).append(time.perf_counter() - start)
    return {"stored": stats(stored), "shown_accept": stats(accepted),
            "shown_correct": stats(corrected), "shown_all": stats(accepted + corrected)}


def measure_drafts(page, url: str, store: Path, article_id: str, count: int) -> dict:
    """Seconds from a keystroke (no click, no Confirm) to the reviewer's draft on disk."""
    from review.bench.appserver import editor_ready
    from review.drafts import Drafts
    from review.store import ArticleStore

    index = ArticleStore(store).get(article_id).reviewable()[-1].index  # left pending
    page.goto(f"{url}?article={article_id}&segment={index}&reviewer=bench")
    editor_ready(page, article_id, index, timeout=60_000)
    page.keyboard.press("Control+End")
    times = []
    for number in range(count):
        page.keyboard.type(f" w{number}")
        start = time.perf_counter()
        while not (getattr(Drafts(ArticleStore(store)).get(article_id, index, "bench"),
                           "text", "") or "").endswith(f" w{number}"):
            time.sleep(0.005)
        times.append(time.perf_counter() - start)
        page.wait_for_timeout(300)  # a reviewer's pause; not measured
    return stats(times)


def measure_loads(browser, url: str, article_id: str, count: int) -> dict:
    from review.bench.appserver import editor_ready

    times = []
    for number in range(count + 1):
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        start = time.perf_counter()
        page.goto(f"{url}?article={article_id}&reviewer=bench")
        editor_ready(page, article_id, 0, timeout=60_000)  # nothing decided yet: the first
        if number:  # the first load warms the server
            times.append(time.perf_counter() - start)
        page.close()
    return stats(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--confirms", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--drafts", type=int, default=8)
    args = parser.parse_args()
    from review.bench.appserver import chromium, streamlit_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store, model, article_id = prepare(folder)
        with streamlit_app(store, model, folder / "streamlit.log") as url, \
                chromium() as browser:
            loads = measure_loads(browser, url, article_id, args.loads)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            confirms = measure_confirms(page, url, store, article_id, args.confirms)
            drafts = measure_drafts(page, url, store, article_id, args.drafts)
    print(json.dumps({"article_segments": 25, "confirm": confirms, "warm_page_load": loads,
                      "keystroke_to_draft_on_disk": drafts}, indent=1))


if __name__ == "__main__":
    main()
