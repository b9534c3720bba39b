"""Speed of `add` and `status` on a store of thousands of small articles; prints JSON.

    python scripts/bench_scale.py [--articles 5000] [--data ../shared/data] [--keep DIR]

1. Writes ``--articles`` distinct small German articles (a title line, then 3-6 sentences),
   deterministically, from the newstest2014 German sentences (falling back to the sentences
   of seeds/ when the data folder is missing), as .txt files in a temp folder.
2. Times one `python -m review add FOLDER` process into a fresh store.
3. Times `python -m review status --json`: cold (no listing index yet), warm (index present,
   nothing changed), and after one decision (one article file changed since the index).
4. Gives every article machine output, flags and a summary, and decides on half of its
   segments (accept, correct, reject; in-process, not timed), as a store in use looks; then
   times `status --json` cold and warm again ("reviewed_*").

Each timing is one subprocess, Python start-up included. Targets (2 cores): add of 5,000
articles <= 90 s; status --json on them <= 4 s (reported for the reviewed store as well, where
a cold run computes chrF/TER statistics of every article once).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"add_s": 90.0, "status_json_s": 4.0}


def sentences(data: Path) -> list[str]:
    """German sentences: newstest2014 when present, else the seed articles split naively."""
    source = data / "newstest2014-deen.de"
    if source.is_file():
        lines = source.read_text("utf-8").splitlines()
    else:
        text = " ".join(p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
        lines = re.split(r"(?<=[.!?])\s+", text)
    found = []
    for line in lines:
        line = " ".join(line.split())
        if len(line.split()) >= 5 and line[-1] in ".!?\"" and line not in found:
            found.append(line)
    return found


def articles(pool: list[str], count: int, seed: int = 7) -> list[str]:
    """``count`` distinct texts: a title line, a blank line, then 3-6 sentences."""
    rng = random.Random(seed)
    texts, seen = [], set()
    while len(texts) < count:
        picked = rng.sample(pool, rng.randint(3, 6))
        title = " ".join(picked[0].split()[:6]).rstrip(".,:;!?\"")
        text = f"{title}\n\n" + " ".join(picked[1:] if len(picked) > 3 else picked)
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def run(*args: str, store: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REVIEW_STORE": str(store)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "review", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    inbox, store = work / "inbox", work / "store"
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    inbox.mkdir(parents=True)
    texts = articles(sentences(args.data), args.articles)
    for n, text in enumerate(texts):
        (inbox / f"article-{n:05d}.txt").write_text(text + "\n", "utf-8")
    try:
        report = measure(inbox, store, len(texts))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=1))


def review_all(store: Path) -> float:
    """Machine output, a flag, a summary and decisions on every article; returns seconds."""
    sys.path.insert(0, str(ROOT))
    from review.article import Decision, Flag, MachineOutput, Summary
    from review.store import ArticleStore

    def fill(article) -> None:
        for n, seg in enumerate(article.reviewable()):
            words = seg.source.split()
            seg.machine = MachineOutput(f"The {' '.join(words[:3])} was {len(words)} words.",
                                        "bench-mt", -0.4)
            seg.risk = 0.1
            if n % 3 == 1:
                seg.flags = [Flag("number_mismatch", f"{len(words)}")]
                seg.risk = 0.6
            status = ("accepted", "corrected", "rejected", "pending")[n % 4]
            text = {"accepted": seg.machine.text, "corrected": f"Fixed: {seg.machine.text}"}
            seg.decision = Decision(status, text.get(status), "bench", "2026-01-01T00:00:00Z", 1)
        article.summary = Summary("extractive", article.reviewable()[0].machine.text)

    target = ArticleStore(store)
    start = time.perf_counter()
    for article_id in target.ids():
        target.update(article_id, fill)
    return time.perf_counter() - start


def measure(inbox: Path, store: Path, count: int) -> dict:
    add_s, added = run("add", str(inbox), store=store)
    stored = len(list(store.glob("*.json")))
    report = {"articles": count, "cpus": os.cpu_count(), "add_s": round(add_s, 1),
              "add_exit": added.returncode, "stored": stored,
              "add_errors": len(added.stderr.splitlines())}
    index = store / ".index" / "listing.json"
    index.unlink(missing_ok=True)
    cold_s, cold = run("status", "--json", store=store)
    warm_s, warm = run("status", "--json", store=store)
    rows = json.loads(warm.stdout)["articles"] if warm.stdout else []
    first = rows[0]["id"] if rows else None
    changed_s = None
    if first:
        index_of = next(i for i, s in enumerate(json.loads(
            (store / f"{first}.json").read_text("utf-8"))["segments"])
                        if s["kind"] != "boilerplate")
        run("decide", first, "--segment", str(index_of), "--correct", "A human sentence.",
            "--reviewer", "bench", store=store)
        changed_s, _ = run("status", "--json", store=store)
    fill_s = review_all(store)
    index.unlink(missing_ok=True)
    reviewed_cold_s, reviewed_cold = run("status", "--json", store=store)
    reviewed_warm_s, reviewed_warm = run("status", "--json", store=store)
    overall = json.loads(reviewed_warm.stdout)["overall"] if reviewed_warm.stdout else {}
    report.update({
        "status_cold_s": round(cold_s, 2), "status_warm_s": round(warm_s, 2),
        "status_after_one_decision_s": None if changed_s is None else round(changed_s, 2),
        "status_rows": len(rows), "status_same_cold_warm": cold.stdout == warm.stdout,
        "reviewing_all_untimed_s": round(fill_s, 1),
        "reviewed_status_cold_s": round(reviewed_cold_s, 2),
        "reviewed_status_warm_s": round(reviewed_warm_s, 2),
        "reviewed_same_cold_warm": reviewed_cold.stdout == reviewed_warm.stdout,
        "reviewed_overall": {k: overall.get(k) for k in ("segments", "accepted", "corrected",
                                                         "rejected", "chrf", "ter")},
        "index_bytes": index.stat().st_size if index.exists() else None,
        "targets": TARGETS,
        "add_within_target": add_s <= TARGETS["add_s"],
        "status_within_target": max(cold_s, warm_s) <= TARGETS["status_json_s"],
        "reviewed_status_within_target": max(reviewed_cold_s, reviewed_warm_s)
        <= TARGETS["status_json_s"],
    })
    return report


if __name__ == "__main__":
    main()
