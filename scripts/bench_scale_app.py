"""The review page with many articles and a very long one, in a real browser; prints JSON.

    python scripts/bench_scale_app.py [--articles 5000] [--segments 1000] [--clicks 10]

Builds a store of ARTICLES small articles plus one of SEGMENTS segments (machine output
written directly: the page's speed does not depend on the model), serves it with
`streamlit run app.py` and measures in Chromium:

- warm page load: opening the long article by link until its open editor has the focus;
- sidebar click: opening another article from the list (a full rerun over every article);
- confirm in the long article: Ctrl+Enter until the next segment is open and focused.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_review_page import stats  # noqa: E402  (scripts/ is on the path when run)

SENTENCE = "Im Jahr {n} meldete die Behörde in Kiel {m} neue Fälle, sagte ein Sprecher."


def build(store_root: Path, articles: int, segments: int) -> str:
    from review.article import MachineOutput
    from review.ingest import article_from_text
    from review.store import ArticleStore

    store = ArticleStore(store_root)
    for n in range(articles):
        text = "\n".join(SENTENCE.format(n=1000 + n, m=k) for k in range(4))
        store.add(article_from_text(text, title=f"Meldung {n:05d}", id=f"m{n:05d}"))
    long_text = "\n".join(SENTENCE.format(n=n, m=n % 97) for n in range(segments))
    article = store.add(article_from_text(long_text, title="Lang", id="aaa-long"))

    def translate(a) -> None:
        for seg in a.segments:
            seg.machine = MachineOutput(f"In {seg.index} the authority reported cases.",
                                        "bench", -0.3)
            seg.risk = 0.1

    store.update(article.id, translate)
    return article.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--clicks", type=int, default=10)
    args = parser.parse_args()
    from review.bench.appserver import chromium, editor_ready, streamlit_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        long_id = build(folder / "store", args.articles, args.segments)
        built = time.perf_counter() - started
        mid = args.segments // 2
        url_of = f"?article={long_id}&segment={mid}&reviewer=bench"
        with streamlit_app(folder / "store", folder / "no-model", folder / "log") as url, \
                chromium() as browser:
            loads = []
            for number in range(4):
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                start = time.perf_counter()
                page.goto(url + url_of)
                editor_ready(page, long_id, mid, timeout=120_000)
                if number:  # the first load warms the server and the listing index
                    loads.append(time.perf_counter() - start)
                page.close()
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(url + url_of)
            editor_ready(page, long_id, mid, timeout=120_000)
            confirms = []
            for index in range(mid, mid + args.clicks):
                start = time.perf_counter()
                page.keyboard.press("Control+Enter")
                editor_ready(page, long_id, index + 1, timeout=60_000)
                confirms.append(time.perf_counter() - start)
            opens = []
            for n in range(1, 1 + args.clicks // 2):
                target = f"m{n:05d}"
                start = time.perf_counter()
                page.locator(f".st-key-open-{target} button").first.click()
                editor_ready(page, target, 0, timeout=60_000)
                opens.append(time.perf_counter() - start)
                page.goto(url + url_of)
                editor_ready(page, long_id, mid, timeout=120_000)
    print(json.dumps({"articles": args.articles + 1, "long_article_segments": args.segments,
                      "store_built_s": round(built, 1), "warm_page_load": stats(loads),
                      "confirm_in_long_article": stats(confirms),
                      "open_article_from_sidebar": stats(opens)}, indent=1))


if __name__ == "__main__":
    main()
