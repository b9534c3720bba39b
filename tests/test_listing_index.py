"""The listing index (review/listing.py) and linear `add`: summaries equal to parsing every
file, rebuilds of a missing or corrupt index, re-reading only what changed, unreadable files,
and duplicate detection across store objects and real concurrent `add` processes."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from review import listing, store_files
from review.article import (APPROVED, Article, Decision, Dismissal, Flag, MachineOutput,
                            Summary)
from review.cli import main
from review.errors import DuplicateArticleError
from review.ingest import article_from_text, load_path
from review.metrics import acceptance_rate, edit_pairs, post_edit_effort
from review.pipeline import SUMMARY_METHODS, is_done, pending_ids
from review.article_file import article_json
from review.store import ADDED_LOG, ArticleStore

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("segments", "pending", "accepted", "corrected", "rejected")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def fresh_process_memory():
    """Each test starts as a new process would: no index held in memory."""
    listing.forget()
    yield
    listing.forget()


def review(article, n: int) -> None:
    """A different state of work per seed article ``n``: untranslated, checked with flags and
    dismissals, unchecked, decided every way (an accept without text too), summaries of
    every method and state."""
    for i, seg in enumerate(article.reviewable()):
        if n == 0 or (n == 3 and i % 5 == 4):
            continue  # not translated
        words = seg.source.split()
        seg.machine = MachineOutput(f"The {' '.join(words[:3])} is report {i}.", "tiny-mt", -0.2)
        seg.risk = None if n == 2 else 0.2
        if i % 3 == 0:
            seg.flags = [Flag("number_changed", f"n{i}"), Flag("name_added", "Schmidt")]
            if i % 2 == 0:
                seg.dismissed = [Dismissal("name_added", "Schmidt", "ana", "2026-01-01")]
        status = ("accepted", "corrected", "rejected", "pending")[(i + n) % 4]
        text = {"accepted": None if i % 7 == 3 else seg.machine.text,
                "corrected": f"Quite other words for {i}."}.get(status)
        seg.decision = Decision(status, text, "ana", "2026-01-01T00:00:00+00:00", 1)
    article.summary = [None, Summary("extractive", "S."),
                       Summary("abstractive", "S.", decision=Decision("accepted", "S.")),
                       Summary("human", "T.", decision=Decision("corrected", "T.")),
                       Summary("extractive", "S.", decision=Decision("rejected"))][n]


@pytest.fixture
def store(seed_files, store_dir) -> ArticleStore:
    """The five seeds in five states of review, a corrupt file and a badly named one."""
    store = ArticleStore()
    for n, path in enumerate(seed_files):
        (article,) = load_path(path)
        store.add(article)
        store.update(article.id, lambda a, n=n: review(a, n))
    (store_dir / "broken.json").write_bytes(b"{ nope")
    (store_dir / "Upper.json").write_text("{}", "utf-8")
    return store


def age(folder: Path, seconds: float = 3600) -> None:
    """Make every article file look written long ago (past the racy window)."""
    past = time.time() - seconds
    for path in folder.glob("*.json"):
        os.utime(path, (past, past))


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Ids of article files parsed, in order."""
    seen: list[str] = []
    original = ArticleStore.read

    def counting(self, article_id, **options):
        seen.append(article_id)
        return original(self, article_id, **options)

    monkeypatch.setattr(ArticleStore, "read", counting)
    return seen


def reference_report(articles, problems) -> dict:
    """`status --json` as it was computed before the index: from every parsed article."""
    rows = []
    for article in articles:
        counts = article.counts()
        reviewable = article.reviewable()
        row = {"id": article.id, "title": article.title, "segments": len(reviewable), **counts,
               "boilerplate": len(article.segments) - len(reviewable),
               "translated": sum(seg.machine is not None for seg in reviewable),
               "summary": article.summary_state(), "revision": article.revision,
               "updated": article.updated}
        row["acceptance_rate"] = acceptance_rate(counts)
        row.update(post_edit_effort(edit_pairs([article])))
        rows.append(row)
    overall = {"articles": len(rows)}
    for name in COLUMNS + ("boilerplate", "translated"):
        overall[name] = sum(row[name] for row in rows)
    overall["summaries_approved"] = sum(row["summary"] in APPROVED for row in rows)
    overall["acceptance_rate"] = acceptance_rate(overall)
    overall.update(post_edit_effort(edit_pairs(articles)))
    flags: dict[str, dict] = {}
    for article in articles:
        for seg in article.reviewable():
            for flag in seg.flags:
                count = flags.setdefault(flag.code, {"raised": 0, "dismissed": 0})
                count["raised"] += 1
                count["dismissed"] += seg.dismissal_of(flag.code, flag.detail) is not None
    for count in flags.values():
        count["dismissal_rate"] = round(count["dismissed"] / count["raised"], 3)
    overall["flags"] = dict(sorted(flags.items()))
    return {"articles": rows, "problems": list(problems), "overall": overall}


def test_status_json_and_table_are_the_same_with_or_without_the_index(store, store_dir):
    index = store_dir / listing.INDEX
    reference = reference_report(*ArticleStore().scan())
    assert reference["overall"]["chrf"] is not None and reference["overall"]["flags"]
    assert len(reference["problems"]) == 2
    age(store_dir)
    outputs = []
    for state in ("no index", "index written", "index deleted", "index held in memory"):
        if state == "index deleted":
            index.unlink()
            listing.forget()
        result = run("status", "--json")
        assert result.exit_code == 1  # the two unreadable files
        assert json.loads(result.stdout) == reference, state
        table = run("status")
        outputs.append((result.stdout, table.stdout, table.stderr))
        assert index.is_file()
    assert all(output == outputs[0] for output in outputs)


@pytest.mark.parametrize("damage", [b"\x00\xff garbage \x13", b'{"format": "review-lis',
                                    b"[1, 2, 3]", b'{"format": "review-listing", "version": 1}',
                                    b"", "wrong types"])
def test_a_corrupt_or_deleted_index_is_rebuilt_silently_with_identical_results(
        store, store_dir, damage, reads):
    age(store_dir)
    before = listing.summaries(store)
    index = store_dir / listing.INDEX
    good = json.loads(index.read_bytes())
    assert len(good["entries"]) == 5  # not the unreadable files
    if damage == "wrong types":
        wrong = json.loads(index.read_bytes())
        next(iter(wrong["entries"].values()))["summary"]["pending"] = "three"
        damage = json.dumps(wrong).encode()
    index.write_bytes(damage)
    listing.forget()
    reads.clear()
    assert listing.summaries(ArticleStore()) == before
    assert len(reads) == 7  # every file parsed again, the two unreadable ones included
    assert json.loads(index.read_bytes()) == good  # rebuilt

    index.unlink()
    listing.forget()
    assert listing.summaries(ArticleStore()) == before
    assert json.loads(index.read_bytes()) == good


def test_only_a_changed_file_is_parsed_again(store, store_dir, reads, monkeypatch):
    monkeypatch.setattr(store_files, "RACY_NS", 600 * 10**9)  # a slow machine stays inside it
    age(store_dir)
    listing.summaries(store)
    assert len(reads) == 7
    listing.forget()  # a new process: the index comes from the file
    reads.clear()
    first, problems = listing.summaries(store)
    assert reads == ["Upper", "broken"] and len(problems) == 2  # unreadable: checked each time

    target = first[1].id
    index = next(s.index for s in store.get(target).reviewable()
                 if s.decision.status == "pending")
    reads.clear()
    store.decide(target, index, "correct", "bob", text="A reviewer's sentence.")
    assert sorted(reads) == [target]  # the decision's own read-modify-write
    reads.clear()
    listing.forget()
    second, _ = listing.summaries(store)
    assert sorted(reads) == sorted(["Upper", "broken", target])
    changed = next(s for s in second if s.id == target)
    assert changed.corrected == first[1].corrected + 1 and changed.pending == first[1].pending - 1
    assert [s for s in second if s.id != target] == [s for s in first if s.id != target]

    # Just written, so it could change again within the same mtime tick: read again until
    # it is older than the racy window, then kept.
    reads.clear()
    listing.summaries(store)
    assert sorted(reads) == sorted(["Upper", "broken", target])
    age(store_dir)
    reads.clear()
    listing.summaries(store)  # every mtime moved: all parsed once more, then kept
    reads.clear()
    listing.summaries(store)
    assert reads == ["Upper", "broken"]


def test_a_replaced_file_with_the_same_size_and_mtime_is_still_noticed(store, store_dir, reads):
    age(store_dir)
    listing.summaries(store)
    path = store_dir / f"{store.ids()[1]}.json"
    stat = path.stat()
    data = json.loads(path.read_text("utf-8"))
    data["title"] = data["title"][::-1]  # same length, other bytes, written as a new file
    replacement = path.with_name("replacement.tmp")
    replacement.write_text(article_json(Article.from_dict(data)), "utf-8")  # as the store
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    keep = path.with_name("keep.tmp")  # holds the old inode so it cannot be reused
    os.link(path, keep)
    os.replace(replacement, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    reads.clear()
    summaries, _ = listing.summaries(store)
    assert data["id"] in reads
    assert next(s for s in summaries if s.id == data["id"]).title == data["title"]
    keep.unlink()


def test_an_unreadable_article_is_a_problem_not_indexed_and_indexed_once_fixed(store, store_dir):
    age(store_dir)
    summaries, problems = listing.summaries(store)
    assert problems == ArticleStore().scan()[1] and len(problems) == 2
    assert "'Upper'" in problems[0] and "broken.json" in problems[1]  # in the order of ids
    entries = json.loads((store_dir / listing.INDEX).read_bytes())["entries"]
    assert "broken" not in entries and "Upper" not in entries

    fixed = store.get(summaries[0].id)
    fixed.id = "broken"
    (store_dir / "broken.json").write_text(json.dumps(fixed.to_dict()), "utf-8")
    age(store_dir)
    summaries, problems = listing.summaries(store)
    assert "broken" in [s.id for s in summaries] and len(problems) == 1
    assert "broken" in json.loads((store_dir / listing.INDEX).read_bytes())["entries"]


def test_summaries_match_the_articles_the_app_and_translate_read(store, store_dir):
    entry = listing.ArticleEntry.of

    articles, _ = ArticleStore().scan()
    summaries, _ = listing.summaries(store)
    assert [s.id for s in summaries] == [a.id for a in articles]
    for summary, article in zip(summaries, articles):
        assert summary.to_entry() == entry(article)
        assert summary.counts() == article.counts()
        assert summary.content_hash == article.content_hash
        for method in SUMMARY_METHODS:
            assert summary.is_done(method) == is_done(article, method), (article.id, method)
    for method in SUMMARY_METHODS:
        assert pending_ids(store, method) == [a.id for a in articles
                                              if not is_done(a, method)]
    assert summaries[0].untranslated and not summaries[1].unchecked and summaries[2].unchecked


def test_effort_from_summed_statistics_equals_post_edit_effort_of_all_pairs():
    rng = random.Random(3)
    words = "the a station closed today strike union Monday trains run new law".split()
    pairs = [(" ".join(rng.choices(words, k=rng.randint(0, 9))),
              " ".join(rng.choices(words, k=rng.randint(1, 9)))) for _ in range(300)]
    cuts = sorted(rng.sample(range(1, 300), 9))
    groups = [pairs[a:b] for a, b in zip([0] + cuts, cuts + [300])]
    stats = [listing.effort_stats(group) for group in groups]
    assert listing.effort_score(stats) == post_edit_effort(pairs)
    for group, stat in zip(groups, stats):
        assert listing.effort_score([stat]) == post_edit_effort(group)
    assert listing.effort_stats([]) is None
    assert listing.effort_score([None]) == {"chrf": None, "ter": None}


def test_an_index_being_written_elsewhere_is_left_alone(store, store_dir):
    age(store_dir)
    expected = listing.summaries(store)
    index = store_dir / listing.INDEX
    index.unlink()
    listing.forget()
    with ArticleStore()._lock("_index"):
        assert listing.summaries(ArticleStore()) == expected
        assert not index.exists()  # the lock holder writes it
    assert listing.summaries(ArticleStore()) == expected and index.is_file()


# -- add -----------------------------------------------------------------------------------

def german(n: int) -> str:
    return (f"Meldung {n}: Die Stadt plant einen neuen Bahnhof mit {n} Gleisen.\n\n"
            f"Der Bürgermeister sagte am Montag, dass die Arbeiten im Jahr {1900 + n} beginnen "
            "sollen. Die Kosten sind noch nicht bekannt, und der Rat wird im Herbst darüber "
            "entscheiden.")


def write_texts(folder: Path, numbers, prefix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"{prefix}-{n:04d}.txt").write_text(german(n), "utf-8")
    return folder


def test_add_does_the_same_work_per_file_whatever_the_size_of_the_store(tmp_path, monkeypatch,
                                                                           store_dir):
    counts: Counter = Counter()

    def counting(name, original):
        def call(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)
        return call

    for module, name in ((json, "loads"), (os, "stat"), (os, "scandir")):
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    monkeypatch.setattr(ArticleStore, "ids", counting("ids", ArticleStore.ids))

    batches = []
    for batch in range(3):
        folder = write_texts(tmp_path / f"in{batch}", range(batch * 150, batch * 150 + 150), "t")
        counts.clear()
        result = run("add", str(folder))
        assert result.exit_code == 0 and result.stdout.count("added ") == 150
        batches.append(dict(counts))
        if batch == 0:
            age(store_dir)  # batch 1 finds these in the index; the next batch's are new
    first, second, third = batches
    assert first.get("ids", 0) == second.get("ids", 0) == third.get("ids", 0) == 0
    # Reading what is stored happens once per process, at its first add: the store's files
    # are stat-ed once (and parsed once if the index does not know them yet)...
    assert second["loads"] <= 150 + 5 and third["loads"] <= 150 + 5
    # ...so the rest of the work per file does not grow with the store (it did: each add
    # listed and stat-ed the whole store).
    assert second["stat"] - first["stat"] <= 150 + 20
    assert third["stat"] - first["stat"] <= 300 + 20
    assert third["scandir"] <= first["scandir"] <= 5  # the input folder, the store: once
    assert len(list(store_dir.glob("*.json"))) == 450


def test_adds_by_other_store_objects_and_hand_edits_are_seen(store_dir, tmp_path):
    first, second = ArticleStore(), ArticleStore()
    first.add(article_from_text(german(1), id="one"))
    second.add(article_from_text(german(2), id="two"))
    with pytest.raises(DuplicateArticleError, match="duplicate of two"):
        first.add(article_from_text(german(2), id="again"))  # learnt from the added log

    (store_dir / ADDED_LOG).unlink()  # a lost log: the map is rebuilt from the files
    ArticleStore().add(article_from_text(german(3), id="three"))
    with pytest.raises(DuplicateArticleError, match="duplicate of three"):
        first.add(article_from_text(german(3), id="again"))

    with open(store_dir / ADDED_LOG, "ab") as log:
        log.write(b"garbage\n")
    ArticleStore().add(article_from_text(german(4), id="four"))
    with pytest.raises(DuplicateArticleError, match="duplicate of four"):
        first.add(article_from_text(german(4), id="again"))

    ghost = article_from_text(german(9), id="nine")  # a writer died after logging it, and
    with open(store_dir / ADDED_LOG, "ab") as log:  # its id went to other text since
        log.write(json.dumps({"id": "one", "hash": ghost.content_hash}).encode() + b"\n")
    assert first.add(ghost).id == "nine"

    (store_dir / "two.json").unlink()  # moved out of the store by hand: no longer a duplicate
    assert first.add(article_from_text(german(2), id="again")).id == "again"
    assert first.id_of(article_from_text(german(2)).content_hash) == "again"
    assert sorted(ArticleStore().ids()) == ["again", "four", "nine", "one", "three"]


# `python -m review add FOLDER`, started once every worker is up, so that they overlap.
ADD = """
import sys, time
from pathlib import Path
from review.cli import main
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.005)
main(["add", sys.argv[3]])
"""


def test_concurrent_add_processes_store_each_text_once(tmp_path, store_dir):
    folders = [write_texts(tmp_path / "a", range(0, 150), "a"),
               write_texts(tmp_path / "b", range(75, 225), "b"),
               write_texts(tmp_path / "c", range(0, 225, 2), "c")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REVIEW_STORE": str(store_dir)}
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-c", ADD, str(tmp_path / f"ready{n}"), str(go),
                                 str(folder)], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for n, folder in enumerate(folders)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready{n}").exists() for n in range(3)):
        assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
        time.sleep(0.01)
    go.touch()
    lines = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        lines.extend(out.splitlines())
    hashes = Counter(article.content_hash for article in ArticleStore().scan()[0])
    assert len(hashes) == 225 and set(hashes.values()) == {1}
    assert sum(line.startswith("added ") for line in lines) == 225
    assert sum(line.startswith("skipped ") for line in lines) == 150 + 150 + 113 - 225
