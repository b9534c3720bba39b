"""Boundary precision/recall/F1 of review.segment.split_sentences on human-segmented news.

The input has one sentence per line, documents consecutive (WMT newstest). Groups of
``--group`` consecutive lines are joined by one space into pseudo-paragraphs; the joins are the
true boundaries. Two figures are reported: over all joins, and over the joins a segmenter can
see at all (the sentence before ends with . ! ? or …; headlines without a final mark joined to
the next sentence are invisible without their line break, which real articles keep).

Example:
  python scripts/eval_segmentation.py --show 20
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.segment import split_sentences  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newstest2014-deen.de"
_VISIBLE_END = re.compile(r"[.!?…][\"'“”‘’«»‹›)\]]*$")


def paragraphs(lines: list[str], group: int):
    """(text, true boundary offsets, visible boundary offsets) for each group of lines."""
    for first in range(0, len(lines), group):
        chunk = lines[first:first + group]
        text, truth, visible = "", set(), set()
        for line in chunk:
            if text:
                text += " "
                truth.add(len(text))
                if _VISIBLE_END.search(previous):
                    visible.add(len(text))
            text += line
            previous = line
        yield text, truth, visible


def scores(found: int, predicted: int, actual: int) -> tuple[float, float, float]:
    precision = found / predicted if predicted else 1.0
    recall = found / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(lines: list[str], group: int, show: int) -> dict[str, tuple[float, float, float]]:
    tally = {"all": [0, 0, 0], "visible": [0, 0, 0]}
    shown = 0
    for text, truth, visible in paragraphs(lines, group):
        predicted = {start for start, _ in split_sentences(text)[1:]}
        for name, gold in (("all", truth), ("visible", visible)):
            # Splits at invisible joins are neither rewarded nor punished in "visible".
            counted = predicted if name == "all" else predicted - (truth - visible)
            tally[name][0] += len(counted & gold)
            tally[name][1] += len(counted)
            tally[name][2] += len(gold)
        for offset in sorted((predicted ^ visible) - (truth - visible)):
            if shown < show:
                kind = "extra split" if offset in predicted else "missed    "
                print(f"{kind} | {text[max(0, offset - 60):offset]}|{text[offset:offset + 40]}")
                shown += 1
    return {name: scores(*counts) for name, counts in tally.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA,
                        help="one sentence per line, UTF-8 (default: newstest2014-deen.de)")
    parser.add_argument("--group", type=int, default=5, help="lines per pseudo-paragraph")
    parser.add_argument("--show", type=int, default=0, help="print this many errors")
    args = parser.parse_args()
    lines = [ln.strip() for ln in args.data.read_text(encoding="utf-8").splitlines()
             if ln.strip()]
    results = evaluate(lines, args.group, args.show)
    print(f"{len(lines)} sentences from {args.data.name}, groups of {args.group}")
    for name, (precision, recall, f1) in results.items():
        print(f"{name:8s} boundaries: precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")


if __name__ == "__main__":
    main()
