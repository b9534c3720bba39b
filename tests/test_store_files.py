"""One look at the store folder: the ids, the listing index and the memory cache agree on it."""
from __future__ import annotations

import json
import os

from review import listing
from review.memory import memory_for
from review.store import ArticleStore
from test_memory import approved, make_article


def replace_keeping_size_and_mtime(path, old: str, new: str) -> None:
    """Replace an article file as an editor would: same length, same mtime, a new file."""
    stat = os.stat(path)
    data = path.read_text("utf-8")
    assert len(old) == len(new) and old in data
    temp = path.with_name(".replacement")
    temp.write_text(data.replace(old, new), "utf-8")
    os.utime(temp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(temp, path)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_memory_sees_a_file_replaced_with_the_same_size_and_mtime(store_dir):
    store = ArticleStore(store_dir)
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train leaves.")],
                           decisions={0: approved()}))
    old = os.stat(store.path("a1")).st_mtime_ns - 10**10
    os.utime(store.path("a1"), ns=(old, old))  # settled: old enough to be cached
    assert [u.target for u in memory_for(store).units] == ["The train leaves."]
    replace_keeping_size_and_mtime(store.path("a1"), "The train leaves.", "The train departs")
    assert [u.target for u in memory_for(store).units] == ["The train departs"]


def test_ids_listing_and_memory_see_the_same_article_files(store_dir):
    store = ArticleStore(store_dir)
    for article_id, german in (("b", "Es regnet."), ("a", "Es schneit.")):
        store.add(make_article(article_id, [(german, "It rains.")], decisions={0: approved()}))
    (store_dir / ".hidden.json").write_text("{}", "utf-8")
    (store_dir / "folder.json").mkdir()
    (store_dir / "notes.txt").write_text("x", "utf-8")
    (store_dir / "broken.json").write_text(json.dumps([1]), "utf-8")
    assert store.ids() == ["a", "b", "broken"]
    summaries, problems = listing.summaries(store)
    assert [s.id for s in summaries] == ["a", "b"] and len(problems) == 1
    memory = memory_for(store)
    assert sorted(u.origin for u in memory.units) == ["article:a#0", "article:b#0"]
    assert len(memory.problems) == 1 and "broken.json" in memory.problems[0]
