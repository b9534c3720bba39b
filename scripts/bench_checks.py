"""Seconds for all quality checks of a 60-segment article, as the pipeline runs them.

    python scripts/bench_checks.py [--data ../shared/data] [--segments 60] [--repeat 3]

Three figures per run, each on a fresh 60-pair slice of newstest2014 (nothing cached):
one embedding thread (while a model would be generating), every core (the pipeline's case:
translation is done), and every core with the German already embedded (a re-check, or
checks after the extractive summary).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--segments", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from models import embed
    from review.checks import check_pairs

    de = (args.data / "newstest2014-deen.de").read_text(encoding="utf-8").splitlines()
    en = (args.data / "newstest2014-deen.en").read_text(encoding="utf-8").splitlines()
    embed.embed(["warm up the engine"])
    n = args.segments
    figures: dict[str, list[float]] = {"one thread": [], "all cores": [],
                                       "all cores, German cached": []}
    for run in range(args.repeat):
        src, tgt = de[run * n:(run + 1) * n], en[run * n:(run + 1) * n]
        embed.cache_clear()
        figures["one thread"].append(timed(lambda: check_pairs(src, tgt)))
        embed.cache_clear()
        with embed.using_all_cores():
            figures["all cores"].append(timed(lambda: check_pairs(src, tgt)))
            embed.cache_clear()
            embed.embed(src)
            figures["all cores, German cached"].append(timed(lambda: check_pairs(src, tgt)))
    for name, values in figures.items():
        print(f"{n} segments, {name:26s} median {statistics.median(values):5.2f} s  "
              f"(runs: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
