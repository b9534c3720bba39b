"""What the translation memory costs a decision in a store whose articles are all approved.

    python scripts/bench_memory_rebuild.py [--articles 3000] [--decisions 5] [--data ../shared/data]

Builds ARTICLES approved 30-segment articles from newstest2014 (90,000 approved segments by
default), dates their files a minute back (as a store that was not just written), builds the
store's memory once, then makes DECISIONS corrections, one in another article each time, and
times what every decision's re-check pays: ``memory_for`` rebuilding the memory, and its first
English lookup (the consistency check's ``exact_target``). Prints the medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def approved_store(root: Path, data: Path, articles: int):
    from review.article import Article, Decision, MachineOutput, Segment
    from review.store import ArticleStore

    de = (data / "newstest2014-deen.de").read_text(encoding="utf-8").splitlines()
    en = (data / "newstest2014-deen.en").read_text(encoding="utf-8").splitlines()
    store = ArticleStore(root)
    for n in range(articles):
        segments, start = [], 0
        for k in range(30):
            i = (n * 30 + k) % len(de)
            source = f"{de[i]} ({n})"
            segments.append(Segment(k, start, start + len(source), source, paragraph=k,
                                    machine=MachineOutput(en[i], "bench"),
                                    decision=Decision("accepted", en[i], "ana",
                                                      "2026-01-01T00:00:00+00:00", 1)))
            start += len(source) + 1
        store.add(Article(f"a{n:05d}", f"Article {n}", "\n".join(s.source for s in segments),
                          f"sha256:{n}", segments=segments))
    old = time.time() - 60
    for article_id in store.ids():
        os.utime(store.path(article_id), (old, old))
    return store


def main() -> None:
    from review.memory import memory_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--decisions", type=int, default=5)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = approved_store(Path(tmp) / "store", args.data, args.articles)
        memory = memory_for(store)
        memory.exact_target("", exclude_origin=None)
        rebuilds, lookups = [], []
        for n in range(args.decisions):
            store.decide(f"a{n:05d}", 0, "correct", "bob", text=f"A new English {n}.")
            start = time.perf_counter()
            memory = memory_for(store)
            rebuilds.append(time.perf_counter() - start)
            start = time.perf_counter()
            memory.exact_target(f"A new English {n}.", exclude_origin=None)
            lookups.append(time.perf_counter() - start)
        units = len(memory.store_units)
    print(f"{units} approved segments: memory rebuilt after a decision in a median "
          f"{statistics.median(rebuilds):.3f} s, first English lookup "
          f"{statistics.median(lookups):.3f} s ({args.decisions} decisions)")


if __name__ == "__main__":
    main()
