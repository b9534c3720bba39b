"""How often the evidence found by similarity alone (as for an abstractive summary) holds the
segment a summary sentence really comes from.

    python scripts/eval_evidence.py [--articles 50] [--lines 20]

Pseudo-articles of ``--lines`` consecutive line-aligned sentence pairs, their English accepted
as if machine output, get an extractive summary; the truth for each summary sentence is its
segment. Each sentence is then given to ``review.summary_sentences.evidence`` as if it were a
sentence of an abstractive summary (no segment known), in four settings:

- ``same_english`` (newstest2014): the sentence is word for word its segment's English;
- ``german_only`` (newstest2014): the article's English is taken away, so the sentence is
  found through the German alone (cross-lingual), as for a segment not translated yet;
- ``paraphrase`` (WMT22): the article's English is one system's output and the sentence is a
  human reference translation of the same line: the wording differs, as in a real summary;
- ``fragment`` (WMT22): as ``paraphrase``, with only the first half of the reference's words
  (at least 4), as a summary shortens what it takes.

Reported per setting: top-1 and top-3 hit rates of the evidence as shown (up to TOP most
similar, above FLOOR and within MARGIN of the best, plus segments sharing a number or a name),
the same for the plain similarity ranking (no floor), and the mean evidence length. The seed
articles have no English, so they cannot give a truth here. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
NEWSTEST = (DATA / "newstest2014-deen.de", DATA / "newstest2014-deen.en")
WMT22 = DATA / "wmt22-deen"
WMT22_SYSTEM = "Online-B"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def build_article(name: str, german: list[str], english: list[str]):
    """An article of one segment per line, each line's English accepted as machine output."""
    from review.article import Article, Decision, MachineOutput, Segment
    from review.segment import is_heading

    segments, start = [], 0
    for i, (de, en) in enumerate(zip(german, english)):
        segments.append(Segment(
            index=i, start=start, end=start + len(de), source=de,
            kind="heading" if is_heading(de) else "text", paragraph=i,
            machine=MachineOutput(en, "human reference"), decision=Decision("accepted")))
        start += len(de) + 1
    return Article(id=name, title=german[0], text="\n".join(german), content_hash=name,
                   segments=segments)


def without_english(article):
    """The article with no English at all: evidence then comes from the German alone."""
    from dataclasses import replace

    from review.article import Decision

    return replace(article, segments=[replace(s, machine=None, decision=Decision())
                                      for s in article.segments])


def half(sentence: str) -> str:
    words = sentence.split()
    return " ".join(words[:max(4, len(words) // 2)])


def cases(german: list[str], english: list[str], claims: list[str], count: int, size: int,
          strip: bool = False):
    """(article, sentence, true segment) for each sentence of each pseudo-article's
    extractive summary; the sentence is ``claims``' line for that segment."""
    from review import summary

    for n in range(min(count, len(german) // size)):
        part = slice(n * size, (n + 1) * size)
        article = build_article(f"a{n}", german[part], english[part])
        made = summary.extractive(article)
        pool = without_english(article) if strip else article
        for sentence in made.sentences:
            truth = sentence.evidence[0]
            yield pool, claims[part][truth], truth


def measure(items) -> dict:
    """Hit rates of the evidence as shown and of the plain similarity ranking."""
    from review import summary_sentences as ss

    shown, ranked, lengths, started = [], [], [], time.perf_counter()
    bars = ss.FLOOR, ss.MARGIN
    for article, sentence, truth in items:
        key = ("text", ss.squashed(sentence))
        found = ss.evidence(article, [key])[key]
        ss.FLOOR, ss.MARGIN = -1.0, 2.0  # every segment passes: the plain ranking
        try:
            plain = ss.evidence(article, [key])[key]
        finally:
            ss.FLOOR, ss.MARGIN = bars
        shown.append((truth, found))
        ranked.append((truth, plain))
        lengths.append(len(found))
    total = len(shown)
    return {"sentences": total,
            "evidence_top1": _rate(shown, 1), "evidence_top3": _rate(shown, 3),
            "ranking_top1": _rate(ranked, 1), "ranking_top3": _rate(ranked, 3),
            "mean_evidence_length": round(sum(lengths) / max(total, 1), 2),
            "seconds": round(time.perf_counter() - started, 1)}


def _rate(pairs, k: int) -> float:
    return round(sum(truth in found[:k] for truth, found in pairs) / max(len(pairs), 1), 3)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--lines", type=int, default=20)
    args = parser.parse_args(argv)
    from review import summary_sentences as ss

    de, en = lines(NEWSTEST[0]), lines(NEWSTEST[1])
    wmt_de = lines(WMT22 / "generaltest2022.de-en.src.de")
    wmt_mt = lines(WMT22 / "system-outputs" / f"generaltest2022.de-en.hyp.{WMT22_SYSTEM}.en")
    wmt_ref = lines(WMT22 / "generaltest2022.de-en.ref.A.en")
    result = {
        "settings": {"articles": args.articles, "lines": args.lines, "TOP": ss.TOP,
                     "FLOOR": ss.FLOOR, "MARGIN": ss.MARGIN, "wmt22_system": WMT22_SYSTEM},
        "same_english": measure(cases(de, en, en, args.articles, args.lines)),
        "german_only": measure(cases(de, en, en, args.articles, args.lines, strip=True)),
        "paraphrase": measure(cases(wmt_de, wmt_mt, wmt_ref, args.articles, args.lines)),
        "fragment": measure(cases(wmt_de, wmt_mt, [half(r) for r in wmt_ref], args.articles,
                                  args.lines)),
        "seeds": "not used: the seed articles have no English, so no sentence has a truth",
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
