"""Speed of the translation memory at 100,000 units; prints JSON.

    python scripts/bench_memory.py [--units 100000] [--queries 200] [--data ../shared/data]

1. Builds 100,000 distinct German/English units, deterministically, from the newstest2014
   de-en sentence pairs (~3,000) and numbered variants of them ("Meldung 7: ...",
   "... (Teil 7)"), and writes them as a TMX 1.4b file (de-DE/en-GB, some <hi> and <ph>).
2. Times importing it: in-process (import_tmx on a fresh store) and as one
   `python -m review memory import` process on another fresh store.
3. Times one `python -m review memory lookup - --json` process answering 200 queries fed on
   stdin (process start and loading the memory included): half are imported sources with
   spaces, quotes and dashes varied (they must match exactly, with the right English), half
   have one word changed (fuzzy).

Targets (2 cores): import <= 60 s; the 200 lookups <= 10 s in all; exact found >= 99%.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pairs(data: Path) -> list[tuple[str, str]]:
    german = (data / "newstest2014-deen.de").read_text("utf-8").splitlines()
    english = (data / "newstest2014-deen.en").read_text("utf-8").splitlines()
    return [(de.strip(), en.strip()) for de, en in zip(german, english)
            if de.strip() and en.strip()]


def units(base: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    """``count`` units with distinct German: the pairs, then numbered variants of them."""
    from review.memory import normalize

    found, seen, round_ = [], set(), 0
    while len(found) < count:
        for de, en in base:
            if round_ == 0:
                pair = (de, en)
            elif round_ % 2:
                pair = (f"Meldung {round_}: {de}", f"Report {round_}: {en}")
            else:
                pair = (f"{de} (Teil {round_})", f"{en} (part {round_})")
            key = normalize(pair[0])
            if key not in seen:
                seen.add(key)
                found.append(pair)
                if len(found) == count:
                    break
        round_ += 1
    return found


def write_tmx(path: Path, items: list[tuple[str, str]]) -> None:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
           '<header creationtool="bench" creationtoolversion="1" datatype="plaintext" '
           'segtype="sentence" adminlang="en-US" srclang="de-DE" o-tmf="bench"/>\n<body>\n']
    for n, (de, en) in enumerate(items):
        source, target = escape(de), escape(en)
        if n % 50 == 0:  # some inline markup, as real TMX has
            source = f'<ph x="{n}">&lt;br/&gt;</ph>{source}'
            target = target.replace("Report", "<hi>Report</hi>", 1)
        out.append(f'<tu creationdate="20240101T120000Z" creationid="bench">'
                   f'<tuv xml:lang="de-DE"><seg>{source}</seg></tuv>'
                   f'<tuv xml:lang="en-GB"><seg>{target}</seg></tuv></tu>\n')
    out.append("</body>\n</tmx>\n")
    path.write_text("".join(out), "utf-8")


def exact_variant(text: str, rng: random.Random) -> str:
    """The same sentence as a user might paste it: other spaces, quotes and dashes."""
    text = text.replace(" ", rng.choice(["  ", "\u00a0", " \t", " "]), 3)
    text = text.replace('"', "„", 1).replace('"', "“", 1).replace(" - ", " – ")
    return f"  {text} " if rng.random() < 0.5 else text


def fuzzy_variant(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    position = rng.randrange(len(words))
    words[position] = rng.choice(["Haus", "Regierung", "gestern", "nicht"])
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    from review.memory import import_tmx
    from review.store import ArticleStore

    items = units(pairs(args.data), args.units)
    report: dict = {"units": len(items)}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        tmx = folder / "bench.tmx"
        write_tmx(tmx, items)
        report["tmx_mb"] = round(tmx.stat().st_size / 1e6, 1)

        start = time.perf_counter()
        added = import_tmx(ArticleStore(folder / "store-a"), tmx)
        report["import_in_process_s"] = round(time.perf_counter() - start, 2)
        report["imported"] = added

        store = folder / "store-b"
        env = {**os.environ, "REVIEW_STORE": str(store)}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "review", "memory", "import", str(tmx)],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        report["import_cli_s"] = round(time.perf_counter() - start, 2)
        report["import_cli_output"] = (done.stdout or done.stderr).strip()

        rng = random.Random(2014)
        half = args.queries // 2
        chosen = rng.sample(items, args.queries)
        exact = [(exact_variant(de, rng), en) for de, en in chosen[:half]]
        fuzzy = [(fuzzy_variant(de, rng), en) for de, en in chosen[half:]]
        queries = [q for q, _ in exact + fuzzy]
        assert all("\n" not in q for q in queries)
        stdin = "".join(q + "\n" for q in queries)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "review", "memory", "lookup", "-",
                               "--json"], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        answers = [json.loads(line) for line in done.stdout.splitlines()]
        if done.returncode != 0 or len(answers) != len(queries):
            sys.exit(f"lookup failed (exit {done.returncode}): {done.stderr[-500:]}")

        # The load alone, for the record: the same process with no query.
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "review", "memory", "lookup", "-", "--json"],
                       cwd=ROOT, env=env, input="", capture_output=True, text=True)
        report["lookup_process_start_and_load_s"] = round(time.perf_counter() - start, 2)

    found = sum(bool(a) and a[0]["score"] == 1.0 and a[0]["target"] == en
                for a, (_, en) in zip(answers[:half], exact))
    fuzzy_top = sum(bool(a) and a[0]["target"] == en and a[0]["score"] < 1.0
                    for a, (_, en) in zip(answers[half:], fuzzy))
    report.update({
        "lookups": len(queries),
        "lookups_total_s": round(elapsed, 2),
        "lookups_per_s": round(len(queries) / elapsed, 1),
        "exact_found": f"{found}/{half}",
        "exact_found_rate": round(found / half, 3),
        "fuzzy_original_on_top": f"{fuzzy_top}/{len(fuzzy)}",
        "targets": {"import_s": 60, "lookups_total_s": 10, "exact_found_rate": 0.99},
    })
    report["ok"] = (report["import_in_process_s"] <= 60 and report["import_cli_s"] <= 60
                    and report["lookups_total_s"] <= 10 and report["exact_found_rate"] >= 0.99)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
