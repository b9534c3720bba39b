"""Pairs per second of `python -m review check --json` on line-aligned files, from a cold start.

    python scripts/bench_check.py [--data ../shared/data] [--pairs 2000] [--repeat 1]
                                  [--articles N]

Takes the first PAIRS lines of newstest2014 German→English (2,000 distinct German sentences by
default), writes them to two files in a fresh folder and times the real command in a
subprocess, start-up and model loading included, with an empty store (no glossary) and nothing
cached from an earlier run. The load average is printed too: other work on the machine slows
the figure down.

With ``--articles N`` it also times a glossary re-check of N stored, translated 30-segment
articles whose English is unchanged: the job the glossary editor starts
(``review.jobs.JobRunner.recheck``, its locks and progress included), with no embedding cached.
Each segment's stored similarity is reused (``Segment.similarity_of``), so nothing is embedded.
Figures per article and for 5,000 articles.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_pairs(folder: Path, data: Path, pairs: int) -> tuple[Path, Path]:
    """The first ``pairs`` lines of newstest2014 as a German and an English file."""
    de = (data / "newstest2014-deen.de").read_text(encoding="utf-8").splitlines()[:pairs]
    en = (data / "newstest2014-deen.en").read_text(encoding="utf-8").splitlines()[:pairs]
    source, target = folder / "text.de", folder / "text.en"
    source.write_text("\n".join(de) + "\n", encoding="utf-8")
    target.write_text("\n".join(en) + "\n", encoding="utf-8")
    return source, target


def time_check(source: Path, target: Path, store: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `check --json` run; its output must hold a line per pair."""
    import resource

    env = dict(os.environ, REVIEW_STORE=str(store), PYTHONPATH=str(ROOT))
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "review", "check", "--source", str(source),
                           "--target", str(target), "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    lines = source.read_text(encoding="utf-8").count("\n")
    if done.returncode not in (0, 1) or done.stdout.count("\n") != lines:
        raise SystemExit(f"check failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return seconds, cpu


def make_store(root: Path, data: Path, articles: int, size: int = 30):
    """A store of ``articles`` translated articles of ``size`` newstest2014 lines each (the
    human English as machine output), checked once, and a small glossary."""
    from review.article import Article, MachineOutput, Segment
    from review.pipeline import run_checks, store_memory
    from review.store import ArticleStore

    de = (data / "newstest2014-deen.de").read_text(encoding="utf-8").splitlines()
    en = (data / "newstest2014-deen.en").read_text(encoding="utf-8").splitlines()
    store = ArticleStore(root)
    for n in range(articles):
        lines = [(i % len(de)) for i in range(n * size, (n + 1) * size)]
        segments, start = [], 0
        for k, i in enumerate(lines):
            segments.append(Segment(k, start, start + len(de[i]), de[i], paragraph=k,
                                    machine=MachineOutput(en[i], "bench")))
            start += len(de[i]) + 1
        text = "\n".join(de[i] for i in lines)
        store.add(Article(f"a{n:05d}", f"Article {n}", text, f"sha256:{n}",
                          segments=segments))
    memory = store_memory(store)  # empty: nothing is approved
    for article_id in store.ids():
        run_checks(store, article_id, memory=memory)
    store.glossary_path.write_text("de,en\nBundesregierung,federal government\n"
                                   "Bahnhof,station\n", encoding="utf-8")
    return store


def time_recheck(store) -> float:
    """Seconds of the re-check job a glossary change starts, on every article (its locks,
    progress and memory as in the app); it must re-check them all."""
    from review.jobs import JobRunner

    runner = JobRunner(store)
    start = time.perf_counter()
    view = runner.wait(runner.recheck(reason="glossary changed").id)
    seconds = time.perf_counter() - start
    runner.close()
    if view.state != "done" or view.errors:
        raise SystemExit(f"the re-check job ended {view.state}: {view.message} {view.errors}")
    return seconds


def bench_recheck(data: Path, articles: int) -> None:
    """Print the glossary re-check figures of ``articles`` stored articles."""
    from models import embed

    with tempfile.TemporaryDirectory() as tmp:
        with embed.using_all_cores():
            store = make_store(Path(tmp) / "store", data, articles)
        embed.cache_clear()  # as in the job's fresh process
        seconds = time_recheck(store)
    per = seconds / articles
    print(f"glossary re-check of {articles} articles: {seconds:6.1f} s, "
          f"{per * 1000:6.1f} ms per article, {per * 5000 / 60:6.1f} min for 5,000")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--articles", type=int, default=0,
                        help="also time a glossary re-check of this many articles")
    args = parser.parse_args()
    if args.pairs:
        bench_check(args.data, args.pairs, args.repeat)
    if args.articles:
        bench_recheck(args.data, args.articles)


def bench_check(data: Path, pairs: int, repeat: int) -> None:
    """Print the pairs per second of `check --json` (the median of ``repeat`` runs), and the
    CPU seconds it used per 1,000 pairs (what other work on the machine does not inflate)."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        source, target = write_pairs(Path(tmp), data, pairs)
        runs = [time_check(source, target, Path(tmp) / "store") for _ in range(repeat)]
    best = statistics.median(wall for wall, _ in runs)
    cpu = statistics.median(used for _, used in runs)
    print(f"check --json, {pairs} pairs, {os.cpu_count()} cores, load before {load:.1f}: "
          f"median {best:.1f} s, {pairs / best:.1f} pairs/s, {cpu * 1000 / pairs:.1f} CPU s "
          f"per 1,000 pairs (runs: {', '.join(f'{wall:.1f}' for wall, _ in runs)})")


if __name__ == "__main__":
    main()
