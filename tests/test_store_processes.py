"""The store under real concurrent processes and real SIGKILLs (no hooks, real timing)."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from review.article import Article, MachineOutput, Segment
from review.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent

# One worker: decides `rounds` times on its segments, each time based on the revision it just
# read, and prints one JSON line per decision that the store reported as saved.
WORKER = """
import json, sys
from review.errors import StaleRevisionError
from review.store import ArticleStore
store, name, segments, rounds = ArticleStore(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
for n in range(rounds):
    index = segments[n % len(segments)]
    seen = store.get("art").segments[index].decision.revision
    text = f"{name} round {n}"
    try:
        store.decide("art", index, "correct", name, text=text, expected_revision=seen)
    except StaleRevisionError:
        print(json.dumps({"stale": index}), flush=True)
        continue
    print(json.dumps({"segment": index, "text": text, "revision": seen + 1}), flush=True)
"""

# A writer that never stops: killed from outside at a random moment.
LOOPER = """
import sys
from review.store import ArticleStore
store, tag, n = ArticleStore(sys.argv[1]), sys.argv[2], 0
while True:
    store.decide("art", n % 4, "correct", "looper", text=f"{tag}-{n} " + "x" * 2000)
    print(f"{tag}-{n}", flush=True)
    n += 1
"""


def make_article(segments: int = 4) -> Article:
    sources = [f"Satz Nummer {i} ist hier." for i in range(segments)]
    text = "\n".join(sources)
    segs, start = [], 0
    for i, source in enumerate(sources):
        segs.append(Segment(index=i, start=start, end=start + len(source), source=source,
                            paragraph=i, machine=MachineOutput(f"Sentence {i}.", "tiny")))
        start += len(source) + 1
    return Article(id="art", title="Titel", text=text, content_hash="sha256:art",
                   segments=segs)


def spawn(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_concurrent_deciders_lose_nothing_that_reported_success(store_dir):
    store = ArticleStore(store_dir)
    store.add(make_article())
    # workers 0-3 share segment 0, 4-7 share segment 1, 8-9 each own one segment
    plans = [[0]] * 4 + [[1]] * 4 + [[2], [3]]
    workers = [spawn(WORKER, store_dir, f"w{i}", json.dumps(plan), 6)
               for i, plan in enumerate(plans)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.extend(json.loads(line) for line in out.splitlines())
    saved = [r for r in results if "text" in r]

    article = store.get("art")
    history_texts = Counter(h.after["text"] for h in article.history)
    assert all(history_texts[r["text"]] == 1 for r in saved)
    assert len(article.history) == len(saved) and article.revision == len(saved)
    for index in range(4):
        mine = [h for h in article.history if h.target == f"segment:{index}"]
        # each saved decision was based on the one before it: no two on the same revision
        assert sorted(r["revision"] for r in saved if r["segment"] == index) == \
            list(range(1, len(mine) + 1))
        assert article.segments[index].decision.text == mine[-1].after["text"]
    assert {r["segment"] for r in saved} == {0, 1, 2, 3}


def test_writer_killed_mid_write_leaves_valid_file_and_every_saved_decision(store_dir):
    store = ArticleStore(store_dir)
    store.add(make_article())
    rng = random.Random(7)
    saved_before, mid_write_kills = 0, 0
    for round_ in range(6):
        looper = spawn(LOOPER, store_dir, f"r{round_}")
        first = looper.stdout.readline()
        assert first, looper.stderr.read()
        time.sleep(rng.uniform(0.0, 0.2))
        if round_ % 2:  # every other kill waits for a temp file: a write is under way
            deadline = time.monotonic() + 2
            while not any(store_dir.glob(".*.tmp")) and time.monotonic() < deadline:
                pass
        looper.send_signal(signal.SIGKILL)
        out, _ = looper.communicate(timeout=10)
        reported = [first.strip(), *out.split()]
        mid_write_kills += bool(list(store_dir.glob(".*.tmp")))

        article = ArticleStore(store_dir).get("art")  # still valid JSON and a valid article
        in_history = {h.after["text"].split()[0] for h in article.history}
        assert set(reported) <= in_history
        # at most one write landed after the last line the writer managed to print
        assert len(reported) <= len(article.history) - saved_before <= len(reported) + 1
        saved_before = len(article.history)
        ArticleStore(store_dir).scan()  # cleans the dead writer's temp file
        assert not list(store_dir.glob(".*.tmp"))
    assert mid_write_kills  # the test did kill a writer inside a write
    assert store.decide("art", 0, "accept", "after").revision == saved_before + 1


def test_corrupt_file_survives_concurrent_writes_byte_for_byte_and_is_reported(store_dir):
    store = ArticleStore(store_dir)
    store.add(make_article())
    corrupt = store_dir / "broken.json"
    corrupt.write_bytes(b'{"id": "broken", "segments": [')
    workers = [spawn(WORKER, store_dir, f"w{i}", "[0, 1, 2, 3]", 3) for i in range(3)]
    for worker in workers:
        assert worker.wait(timeout=60) == 0
    assert corrupt.read_bytes() == b'{"id": "broken", "segments": ['

    env = {**os.environ, "PYTHONPATH": str(ROOT), "REVIEW_STORE": str(store_dir)}
    status = subprocess.run([sys.executable, "-m", "review", "status", "--json"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    report = json.loads(status.stdout)
    assert status.returncode == 1
    assert [a["id"] for a in report["articles"]] == ["art"]
    assert len(report["problems"]) == 1 and "broken.json" in report["problems"][0]
    assert corrupt.read_bytes() == b'{"id": "broken", "segments": ['
