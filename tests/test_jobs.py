"""Background jobs on the tiny Marian: progress, saving every 8 segments, no double queueing,
re-checks, failures, and model download progress."""
from __future__ import annotations

import shutil
import threading
import time

import pytest

from models import hub, registry
from review.checks import load_glossary
from review.ingest import load_path
from review.jobs import SAVE_EVERY, JobRunner, download_message
from review.job_lock import job_lock
from review.store import ArticleStore


class RecordingStore(ArticleStore):
    """A real store that also notes, after each write, what the file on disk now holds."""

    def __init__(self, root):
        super().__init__(root)
        self.writes: list[tuple[str, int, int]] = []  # (id, revision, segments with output)

    def update(self, article_id, fn):
        article = super().update(article_id, fn)
        on_disk = ArticleStore(self.root).get(article_id)
        self.writes.append((article_id, on_disk.revision,
                            sum(1 for s in on_disk.segments if s.machine is not None)))
        return article


@pytest.fixture
def runner(store_dir):
    jobs = JobRunner(store_dir)
    yield jobs
    jobs.close(timeout=60)


def _add(store: ArticleStore, seed_files, n: int | None = None) -> list[str]:
    return [store.add(load_path(path)[0]).id for path in seed_files[:n]]


def _follow(runner: JobRunner, job_id: int, timeout: float = 300) -> list:
    """Every distinct view of the job until it ends, polled as a UI would."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = runner.get(job_id)
        if not seen or view != seen[-1]:
            seen.append(view)
        if view.state in ("done", "failed"):
            return seen
        time.sleep(0.002)
    raise AssertionError(f"job {job_id} still {seen[-1].state}: {seen[-1].message}")


def _until(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_translate_job_runs_in_the_background_and_saves_every_8_segments(tiny_marian, store_dir,
                                                                         seed_files):
    store = RecordingStore(store_dir)
    ids = _add(store, seed_files, 2)
    long_id = ids[0]
    todo = [s for s in store.get(long_id).reviewable() if s.source.strip()]
    assert len(todo) > 2 * SAVE_EVERY
    runner = JobRunner(store)
    try:
        job = runner.translate(ids, str(tiny_marian), "extractive")
        assert job.state in ("queued", "running") and job.label == "Translate 2 articles"
        assert runner.busy_ids() == set(ids)
        views = _follow(runner, job.id)
    finally:
        runner.close(timeout=60)

    final = views[-1]
    assert final.state == "done", final
    assert final.errors == () and final.articles_done == final.articles_total == 2
    assert final.message == "Finished: 2 translated"
    assert runner.busy_ids() == set() and runner.active() is None
    fractions = [v.fraction for v in views]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    running = [v for v in views if v.state == "running"]
    assert any(v.message.startswith("article 1 of 2: translated") for v in running)
    for previous, view in zip(running, running[1:]):  # segments only count up per article
        if view.article_id == previous.article_id and view.articles_done == previous.articles_done:
            assert view.done >= previous.done
    for article_id in ids:
        article = ArticleStore(store_dir).get(article_id)
        assert all(s.machine is not None and s.risk is not None
                   for s in article.reviewable() if s.source.strip())
        assert article.summary is not None and article.summary.method == "extractive"
    # Saved after every batch of 8: a kill at any moment loses at most the batch under way.
    writes = [w for w in store.writes if w[0] == long_id]
    outputs = [n for _, _, n in writes]
    batches = list(range(SAVE_EVERY, len(todo), SAVE_EVERY)) + [len(todo)]
    assert outputs[:len(batches)] == batches
    revisions = [r for _, r, _ in writes]
    assert revisions == list(range(revisions[0], revisions[0] + len(revisions)))


def test_ids_already_queued_or_running_are_not_queued_twice(tiny_marian, runner, store_dir,
                                                            seed_files):
    from models.registry import get_translator
    from review.batch import translate_one

    store = ArticleStore(store_dir)
    first, second = _add(store, seed_files, 2)
    with job_lock(store, first, wait=False):  # as if a CLI run were translating it
        job = runner.translate([first], str(tiny_marian), "none")
        _until(lambda: "waiting for another run" in runner.get(job.id).message)
        again = runner.translate([first], str(tiny_marian), "none")
        assert again.id == job.id and len(runner.views()) == 1
        more = runner.translate([first, second], str(tiny_marian), "none")
        assert more.id != job.id and more.ids == (second,) and more.state == "queued"
        assert runner.busy_ids() == {first, second}
        assert runner.active().id == job.id  # the running one comes first
        # "The CLI run" finishes the article while the job waits for it.
        done = translate_one(store, first, get_translator(str(tiny_marian)), "none")
        assert done.status == "translated"
        revision = store.get(first).revision
    assert runner.wait(job.id, 120).message == "Finished: 0 translated, 1 already done"
    assert store.get(first).revision == revision  # skipped, not translated again
    assert runner.wait(more.id, 120).state == "done"
    assert [v.id for v in runner.views()] == [more.id, job.id]


def test_recheck_job_applies_a_new_glossary_term_to_every_article(tiny_marian, runner, store_dir,
                                                                  seed_files):
    store = ArticleStore(store_dir)
    ids = _add(store, seed_files)
    assert runner.wait(runner.translate(ids, str(tiny_marian), "none").id, 300).state == "done"
    store.glossary_path.write_text("de,en\nNordkorea,North Korea\n", encoding="utf-8")
    glossary = load_glossary(store.glossary_path)

    job = runner.recheck(reason="glossary changed")
    assert job.label == "Re-check 5 articles (glossary changed)"
    assert runner.recheck(reason="glossary changed again").id in (job.id, job.id + 1)
    final = runner.wait(job.id, 300)
    assert final.state == "done" and final.done == final.total == 5, final
    affected = 0
    for article in ArticleStore(store_dir).scan()[0]:
        for seg in article.reviewable():
            should = bool(seg.english and glossary.flags(seg.source, seg.english))
            flagged = any(f.code == "glossary_term" for f in seg.flags)
            assert flagged == should, (article.id, seg.index)
        affected += any(f.code == "glossary_term" for s in article.segments for f in s.flags)
    assert affected >= 3  # the term is in most seeds; the random model never writes it


def test_recheck_of_an_empty_store_finishes_at_once(runner):
    final = runner.wait(runner.recheck(reason="glossary changed").id, 60)
    assert final.state == "done" and final.articles_total == 0 and final.fraction == 1.0
    assert final.message == "Finished: re-checked 0 articles"


def test_an_unavailable_model_fails_the_job_with_one_line(runner, store_dir, seed_files):
    ids = _add(ArticleStore(store_dir), seed_files, 1)
    final = runner.wait(runner.translate(ids, "nobody/no-such-model", "none").id, 60)
    assert final.state == "failed"
    assert "nobody/no-such-model" in final.message and "\n" not in final.message
    assert final.errors == (final.message,)
    # The worker lives on: the next job runs.
    assert runner.wait(runner.recheck(ids).id, 60).state == "done"


def test_a_failing_article_is_listed_and_the_others_done(tiny_marian, runner, store_dir,
                                                         seed_files):
    store = ArticleStore(store_dir)
    good, bad = _add(store, seed_files, 2)
    store.path(bad).write_text("{not json", encoding="utf-8")
    final = runner.wait(runner.translate([bad, good], str(tiny_marian), "none").id, 300)
    assert final.state == "done" and len(final.errors) == 1 and bad in final.errors[0]
    assert final.message == "Finished: 1 translated, 1 failed"


def test_download_bars_forward_bytes_as_the_hub_drives_them(capfd):
    seen = []
    bars = hub.progress_tqdm("org/model", (lambda d, t, m: seen.append((d, t, m)),))
    # As huggingface_hub's snapshot_download does: byte bars that start at 0, whose totals grow
    # as files start, updated from its download threads; a files bar beside them.
    transfer = bars(desc="Downloading bytes", total=0, initial=0, unit="B", unit_scale=True,
                    bar_format="{desc}: {bar}| {n_fmt:>5}B{postfix:>12}")
    written = bars(desc="Reconstructing (incomplete total...)", total=0, initial=0, unit="B",
                   unit_scale=True, bar_format="{l_bar}{bar}| {n_fmt:>5}B / {total_fmt:>5}B")
    files = bars(total=2, desc="Fetching 2 files")
    sizes = [298_000_000, 1_200_000]
    for size in sizes:
        for bar in (written, transfer):
            bar.total = (bar.total or 0) + size
        written.refresh()

    def download(size: int):
        for _ in range(size // 1_000_000):
            written.update(1_000_000)
            transfer.update(1_000_000)
        written.update(size % 1_000_000)
        transfer.update(size % 1_000_000)
        files.update(1)

    threads = [threading.Thread(target=download, args=(s,)) for s in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for bar in (files, written, transfer):
        bar.close()
    assert seen[-1] == (sum(sizes), sum(sizes), "org/model")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert (0, 298_000_000, "org/model") in seen
    assert download_message("org/model", 120_000_000, 298_000_000) == \
        "Downloading org/model: 120 of 298 MB"
    assert download_message("org/model", 300_000, 1_200_000) == \
        "Downloading org/model: 0.3 of 1.2 MB"
    assert capfd.readouterr().err == ""  # the listeners show progress; nothing is printed


def test_download_progress_listens_in_its_own_thread_only():
    assert hub._listeners() == []
    other = []
    with hub.download_progress(print):
        assert hub._listeners() == [print]
        thread = threading.Thread(target=lambda: other.append(list(hub._listeners())))
        thread.start()
        thread.join()
    assert other == [[]] and hub._listeners() == []


def test_a_job_shows_the_model_download_in_megabytes(tiny_marian, runner, store_dir, seed_files,
                                                     tmp_path, monkeypatch):
    """The hub is out of reach here: its download call is replaced by one that copies the tiny
    model while driving the progress bars as huggingface_hub does; the rest is real."""
    import huggingface_hub

    ids = _add(ArticleStore(store_dir), seed_files, 1)
    model_id = "test-org/tiny-marian-download"
    files = sorted(p for p in tiny_marian.iterdir() if p.is_file())
    size = sum(p.stat().st_size for p in files)
    seen_message = threading.Event()

    def snapshot_download(repo_id, *, local_files_only=False, tqdm_class=None, **_):
        if local_files_only:
            raise OSError(f"{repo_id} is not in the cache")
        assert repo_id == model_id and tqdm_class is not None
        bar = tqdm_class(desc="Reconstructing", total=0, initial=0, unit="B", unit_scale=True)
        bar.total += size
        bar.refresh()
        bar.update(size // 2)
        assert seen_message.wait(60)  # the test saw "Downloading ..." in the job's message
        bar.update(size - size // 2)
        bar.close()
        target = tmp_path / "hub-snapshot"
        shutil.copytree(tiny_marian, target)
        return str(target)

    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(hub, "_require_hub_reachable", lambda *_: None)
    monkeypatch.setattr(huggingface_hub.HfApi, "list_repo_files",
                        lambda self, repo_id, **_: [p.name for p in files])
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    try:
        job = runner.translate(ids, model_id, "none")
        half = download_message(model_id, size // 2, size)
        assert half.startswith(f"Downloading {model_id}: ") and half.endswith(" MB")
        _until(lambda: runner.get(job.id).message == half)
        seen_message.set()
        final = runner.wait(job.id, 300)
    finally:
        seen_message.set()
        registry.cache_clear()
    assert final.state == "done", final
    article = ArticleStore(store_dir).get(ids[0])
    assert all(s.machine.model == model_id for s in article.reviewable() if s.source.strip())


def test_a_memory_that_cannot_be_read_is_said_for_each_article(runner, store_dir):
    from review.memory.storage import imported_path
    from test_memory import make_article

    store = ArticleStore(store_dir)
    for name in ("m1", "m2"):
        store.add(make_article(name, [(f"Der Zug {name} fährt ab.", "The train leaves.")]))
    path = imported_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{oops\n", encoding="utf-8")
    final = runner.wait(runner.recheck(reason="glossary changed").id, 60)
    assert final.state == "failed" and final.done == final.total == 2
    assert len(final.errors) == 2 and all(path.name in error for error in final.errors)
