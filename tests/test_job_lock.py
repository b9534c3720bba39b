"""One translation per article at a time: across threads, across processes, two CLI runs at once."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from review.batch import translate_articles, translate_ids, translate_one
from review.ingest import load_path
from review.job_lock import job_lock
from review.store import ArticleStore

ROOT = Path(__file__).resolve().parent.parent


def _add(store: ArticleStore, seed_files, n: int | None = None) -> list[str]:
    return [store.add(load_path(path)[0]).id for path in seed_files[:n]]


def _in_thread(fn, *args, **kwargs):
    box: dict = {}

    def run():
        box["value"] = fn(*args, **kwargs)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def _try(store, article_id) -> bool:
    with job_lock(store, article_id, wait=False) as held:
        return held


def test_job_lock_excludes_other_threads_and_this_one_but_not_store_writes(store_dir,
                                                                           seed_files):
    store = ArticleStore(store_dir)
    (article_id,) = _add(store, seed_files, 1)
    with job_lock(store, article_id, wait=False) as held:
        assert held
        thread, box = _in_thread(_try, store, article_id)
        thread.join(10)
        assert box["value"] is False  # another thread of this process is refused
        assert _try(store, article_id) is False  # not reentrant, even in the same thread
        assert _try(store, "001_f6bc0759db82e23e") is True  # other articles are free
        # Reviewers keep deciding meanwhile: the store's own write lock is a different file.
        before = store.get(article_id).revision
        store.update(article_id, lambda a: None)
        assert store.get(article_id).revision == before + 1
    assert (store_dir / ".locks" / f"{article_id}.job.lock").exists()
    thread, box = _in_thread(_try, store, article_id)
    thread.join(10)
    assert box["value"] is True  # released on leaving the block


def test_waiting_for_the_job_lock_lasts_until_the_holder_lets_go(store_dir, seed_files):
    store = ArticleStore(store_dir)
    (article_id,) = _add(store, seed_files, 1)
    got = threading.Event()

    def wait_for_it():
        with job_lock(store, article_id, wait=True) as held:
            assert held
            got.set()

    with job_lock(store, article_id, wait=False):
        thread, _ = _in_thread(wait_for_it)
        assert not got.wait(0.5)  # still waiting while we hold it
        with job_lock(store, article_id, wait=True, timeout=0.2) as held:
            assert held is False  # a timeout gives up
    assert got.wait(10)
    thread.join(10)


def test_job_lock_excludes_another_process(store_dir, seed_files):
    store = ArticleStore(store_dir)
    (article_id,) = _add(store, seed_files, 1)
    holder = ("import sys; from review.store import ArticleStore; "
              "from review.job_lock import job_lock\n"
              f"with job_lock(ArticleStore({str(store_dir)!r}), {article_id!r}) as held:\n"
              "    print(held, flush=True); sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", holder], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert proc.stdout.readline().strip() == "True"
        assert _try(store, article_id) is False
    finally:
        proc.stdin.close()
        proc.wait(30)
    assert _try(store, article_id) is True


def test_an_article_another_run_translates_is_awaited_then_skipped(tiny_marian, store_dir,
                                                                   seed_files):
    from models import registry

    store = ArticleStore(store_dir)
    (article_id,) = _add(store, seed_files, 1)
    translator = registry.get_translator(str(tiny_marian))
    waiting = threading.Event()
    with job_lock(store, article_id, wait=False):
        thread, box = _in_thread(translate_ids, [article_id], store=store,
                                 mt_model=str(tiny_marian), summary="none", force=True,
                                 on_wait=lambda *_: waiting.set())
        assert waiting.wait(30)
        # Meanwhile "the other run" (we, holding the lock) translates the article.
        other = translate_one(store, article_id, translator, "none")
        assert other.status == "translated"
        revision = store.get(article_id).revision
    thread.join(120)
    # Even under --force, work another run did while we waited is not done again.
    assert [r.status for r in box["value"]] == ["skipped"]
    assert store.get(article_id).revision == revision


def test_two_threads_translating_one_store_translate_each_article_once(tiny_marian, store_dir,
                                                                       seed_files):
    store = ArticleStore(store_dir)
    ids = _add(store, seed_files)
    middle = ids[len(ids) // 2]
    waited = {"forward": threading.Event(), "backward": threading.Event()}

    def run(name: str, order: list[str]):
        def on_wait(article_id, _number, _total):
            # The other thread may hold any article for a moment; ours is held till both wait.
            if article_id == middle:
                waited[name].set()

        return translate_articles(order, store=ArticleStore(store_dir), mt_model=str(tiny_marian),
                                  summary="none", on_wait=on_wait)

    with job_lock(store, middle, wait=False):  # both runs must put this one off
        forward = _in_thread(run, "forward", ids)
        backward = _in_thread(run, "backward", ids[::-1])
        assert waited["forward"].wait(120) and waited["backward"].wait(120)
    for thread, _ in (forward, backward):
        thread.join(300)
    results = forward[1]["value"] + backward[1]["value"]
    for run_results in (forward[1]["value"], backward[1]["value"]):
        assert sorted(r.id for r in run_results) == sorted(ids)
    for article_id in ids:
        statuses = sorted(r.status for r in results if r.id == article_id)
        assert statuses == ["skipped", "translated"], (article_id, statuses)
    for article in ArticleStore(store_dir).scan()[0]:
        assert all(s.machine is not None and s.risk is not None
                   for s in article.reviewable() if s.source.strip())


def _reader(stream, sink: bytearray):
    while chunk := stream.read1(4096):
        sink.extend(chunk)


@pytest.mark.slow
def test_two_cli_runs_at_once_translate_each_article_exactly_once(tiny_marian, store_dir,
                                                                  tmp_path):
    env = dict(os.environ, REVIEW_STORE=str(store_dir), PYTHONPATH=str(ROOT), COLUMNS="400")
    added = subprocess.run([sys.executable, "-m", "review", "add", "seeds/"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    store = ArticleStore(store_dir)
    ids = store.ids()
    assert len(ids) == 5
    reference = tmp_path / "reference"  # the same store translated by one run alone
    shutil.copytree(store_dir, reference)

    middle = ids[2]
    base = [sys.executable, "-m", "review", "translate", "--mt-model", str(tiny_marian),
            "--summary", "none", "--json"]  # progress bars on: they say when a run waits
    procs, errs = [], []
    with job_lock(store, middle, wait=False):  # held until both runs wait for it
        try:
            for order in (ids, ids[::-1]):
                proc = subprocess.Popen(base + order, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
                err = bytearray()
                threading.Thread(target=_reader, args=(proc.stderr, err), daemon=True).start()
                procs.append(proc)
                errs.append(err)
            deadline = time.monotonic() + 240
            while not all(b"waiting for another run" in e for e in errs):
                assert time.monotonic() < deadline, [bytes(e[-500:]) for e in errs]
                assert all(p.poll() is None for p in procs), [bytes(e[-500:]) for e in errs]
                time.sleep(0.1)
        except BaseException:
            for proc in procs:
                proc.kill()
            raise
    outputs = []
    for proc, err in zip(procs, errs):
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, bytes(err[-2000:]).decode(errors="replace")
        outputs.append([json.loads(line) for line in out.decode().splitlines()])
    for output in outputs:
        assert sorted(r["id"] for r in output) == sorted(ids)  # each run reports every article
    for article_id in ids:
        statuses = sorted(r["status"] for out in outputs for r in out if r["id"] == article_id)
        assert statuses == ["skipped", "translated"], (article_id, statuses)

    translate_articles(ids, store=ArticleStore(reference), mt_model=str(tiny_marian),
                       summary="none")
    articles, problems = ArticleStore(store_dir).scan()
    assert not problems and len(articles) == 5
    for article in articles:
        alone = ArticleStore(reference).get(article.id)
        # Written exactly as often as by a run alone: no segment was translated twice.
        assert article.revision == alone.revision
        assert [s.machine and (s.machine.text, s.machine.model) for s in article.segments] \
            == [s.machine and (s.machine.text, s.machine.model) for s in alone.segments]
        assert all(s.machine is not None and s.risk is not None
                   for s in article.reviewable() if s.source.strip())
