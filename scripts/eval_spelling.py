"""False-flag rate of the spelling check (review.checks.spelling) on human reference English.

Each English reference sentence of WMT newstest2014 (German→English) is checked as a
reviewer's correction would be: with its German sentence beside it (words the German uses are
allowed), no glossary and no memory. A professional reference has (almost) no misspellings, so
every sentence flagged is a false flag. Reported: sentences flagged / sentences, the same with
the English alone (no German), the most often flagged words and the time per sentence.

Example:
  python scripts/eval_spelling.py --top 30
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.checks import spelling  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_EN = DATA / "newstest2014-deen.en"
DEFAULT_DE = DATA / "newstest2014-deen.de"


def read_lines(path: Path) -> list[str]:
    """The lines of a one-sentence-per-line file, without their line breaks."""
    return path.read_text(encoding="utf-8").splitlines()


def flagged_words(english: list[str], german: list[str]) -> list[list[str]]:
    """For each sentence, the words the check flags (German beside it when given)."""
    found = []
    for en, de in zip(english, german):
        flags = spelling.spelling_flags(de, en)
        found.append([flag.detail.split('"')[1] for flag in flags])
    return found


def evaluate(english: list[str], german: list[str], top: int) -> dict:
    """The figures for one run: rate with and without the German, top words, timing."""
    spelling.spelling_flags("", "warm up the word list")
    start = time.perf_counter()
    with_german = flagged_words(english, german)
    per_sentence_ms = (time.perf_counter() - start) * 1000 / max(len(english), 1)
    alone = flagged_words(english, [""] * len(english))
    words = collections.Counter(word for found in with_german for word in found)
    return {"sentences": len(english),
            "flagged": sum(bool(found) for found in with_german),
            "rate": round(sum(bool(f) for f in with_german) / max(len(english), 1), 4),
            "flagged_english_alone": sum(bool(found) for found in alone),
            "rate_english_alone": round(sum(bool(f) for f in alone) / max(len(english), 1), 4),
            "ms_per_sentence": round(per_sentence_ms, 3),
            "top_words": words.most_common(top)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--en", type=Path, default=DEFAULT_EN, help="English, one a line")
    parser.add_argument("--de", type=Path, default=DEFAULT_DE, help="German, line by line")
    parser.add_argument("--top", type=int, default=20, help="most often flagged words shown")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    english = read_lines(args.en)
    german = read_lines(args.de)
    if len(german) != len(english):
        parser.error(f"{args.de} has {len(german)} lines but {args.en} has {len(english)}: "
                     "give the German of the same test set")
    figures = evaluate(english, german, args.top)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"{figures['flagged']} of {figures['sentences']} sentences flagged "
          f"({figures['rate']:.2%}) with their German; English alone: "
          f"{figures['flagged_english_alone']} ({figures['rate_english_alone']:.2%}); "
          f"{figures['ms_per_sentence']} ms a sentence")
    for word, count in figures["top_words"]:
        print(f"{count:4d}  {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
