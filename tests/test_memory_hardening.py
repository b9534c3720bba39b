"""The memory facing hostile files and input: `memory export -o` onto links and FIFOs, an
imported.jsonl that is deeply nested, holds lone surrogates, spans lines or is no regular
file, undecodable stdin for `memory lookup -`, and terminal escapes in memory units."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.memory import CorruptMemoryError, Memory, memory_for
from review.memory.storage import imported_path
from review.store import ArticleStore
from test_memory import approved, make_article

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"source": "Der Zug fährt ab.", "target": "The train leaves.", "origin": "tmx:v.tmx",
        "reviewer": "ana", "time": "2024-05-01T10:00:00+00:00"}
DEEP = 100_000


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def review(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The real command line in a fresh process; stdout and stderr as text."""
    done = subprocess.run([sys.executable, "-m", "review", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=30, env=os.environ.copy())
    done.stdout = done.stdout.decode("utf-8", "replace")
    done.stderr = done.stderr.decode("utf-8", "replace")
    return done


def line(**changes) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


def memory_file(store: ArticleStore, *lines: str) -> Path:
    """imported.jsonl holding exactly ``lines``, one a line."""
    path = imported_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{text}\n" for text in lines), "utf-8")
    return path


def one_error_line(done, *expected: str) -> str:
    """The single stderr line of a failed run, holding every ``expected`` text."""
    [message] = done.stderr.splitlines()
    assert message.startswith("error: ") and "Traceback" not in done.stdout + done.stderr
    assert all(text in message for text in expected), message
    return message


@pytest.fixture
def store() -> ArticleStore:
    store = ArticleStore()
    store.add(make_article("a1", [("Der Zug fährt ab.", "The train departs.")],
                           decisions={0: approved()}))
    return store


# -- 3: memory export -o refuses what export -o refuses ----------------------------------


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "fifo"])
def test_export_o_refuses_links_and_fifos_and_leaves_them_as_they_are(store, tmp_path, kind):
    target = tmp_path / "precious.tmx"
    target.write_text("keep me", "utf-8")
    out = tmp_path / "out.tmx"
    if kind == "symlink":
        out.symlink_to(target)
    elif kind == "dangling symlink":
        out.symlink_to(tmp_path / "nowhere.tmx")
    else:
        os.mkfifo(out)
    done = review("memory", "export", "-o", str(out))
    assert done.returncode == 2 and done.stdout == ""
    one_error_line(done, str(out), "not a regular file", "-o")
    assert out.is_symlink() if kind != "fifo" else stat.S_ISFIFO(os.lstat(out).st_mode)
    assert target.read_text("utf-8") == "keep me"
    assert not (tmp_path / "nowhere.tmx").exists()


def test_export_o_still_writes_new_and_regular_files_and_names_a_folder(store, tmp_path):
    (tmp_path / "old.tmx").write_text("old", "utf-8")
    for name in ("new.tmx", "old.tmx"):
        assert run("memory", "export", "-o", str(tmp_path / name)).exit_code == 0
        assert (tmp_path / name).read_text("utf-8").startswith("<?xml")
    folder = run("memory", "export", "-o", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr


# -- 5: a deeply nested line -------------------------------------------------------------


@pytest.mark.parametrize("deep", ["[" * DEEP + "]" * DEEP,
                                  '{"source": ' * DEEP + "1" + "}" * DEEP])
def test_a_deeply_nested_line_is_named_not_a_recursion_error(store, deep):
    path = memory_file(store, line(), deep)
    before = path.read_bytes()
    with pytest.raises(CorruptMemoryError) as caught:
        Memory.load(store)
    assert str(path) in str(caught.value) and "line 2" in str(caught.value)
    for args in (["memory", "lookup", "Der Zug fährt ab."], ["memory", "search", "Zug"],
                 ["qa"]):
        done = review(*args)
        assert done.returncode == 1, (args, done.stderr)
        one_error_line(done, str(path), "line 2", "move it out of the store")
    assert path.read_bytes() == before


def test_the_review_page_gets_a_review_error_for_a_deep_line(store):
    memory_file(store, line(), "[" * DEEP + "]" * DEEP)
    with pytest.raises(CorruptMemoryError, match="line 2"):
        memory_for(store)  # the page's panels show a ReviewError as one line


# -- 13: lone surrogates -----------------------------------------------------------------


@pytest.mark.parametrize("field", ["source", "target", "origin", "reviewer", "time"])
def test_a_lone_surrogate_is_named_as_the_memory_files_fault(store, field):
    bad = line(**{field: GOOD[field] + "@"}).replace("@", "\\ud800" if field != "origin"
                                                      else "\\udfff")
    path = memory_file(store, line(), bad)
    with pytest.raises(CorruptMemoryError, match="line 2"):
        Memory.load(store)
    done = review("memory", "lookup", "Der Zug fährt ab.")
    assert done.returncode == 1 and done.stdout == ""
    message = one_error_line(done, str(path), "line 2", "surrogate")
    assert "give it as UTF-8" not in message  # the user's query is not to blame


@pytest.mark.parametrize("bad", ["[" * DEEP + "]" * DEEP,
                                 line(target="@").replace("@", "\\ud800")])
def test_translate_names_the_memory_file_instead_of_crashing(store, tiny_marian, seed_files,
                                                              bad):
    path = memory_file(store, line(), bad)
    done = review("translate", str(seed_files[0]), "--mt-model", str(tiny_marian), "--silent")
    assert done.returncode == 1, done.stderr
    [message] = done.stderr.splitlines()  # the article that needed the memory failed
    assert str(path) in message and "line 2" in message and "Traceback" not in message
    assert "give it as UTF-8" not in message


def test_an_escaped_surrogate_pair_is_a_character_and_accepted(store):
    memory_file(store, line(target="The train leaves. @").replace("@", "\\ud83d\\ude82"))
    [unit] = [u for u in Memory.load(store).units if not u.from_store]
    assert unit.target == "The train leaves. \U0001f682"


# -- 14: one JSON object a line, never lines joined ---------------------------------------


def test_lines_valid_only_when_joined_are_refused_and_never_rewritten(store, tmp_path):
    first = line()[:-1] + ', "extra": [1'  # an object cut in two ...
    second = '2]}'  # ... closed on the next line
    third = line(source="Es regnet.") + ", " + line(source="Es schneit.")  # two in one
    path = memory_file(store, first, second, third)
    before = path.read_bytes()
    with pytest.raises(CorruptMemoryError, match="line 1"):
        Memory.load(store)
    (tmp_path / "more.tmx").write_text(TMX, "utf-8")
    done = review("memory", "import", str(tmp_path / "more.tmx"))
    assert done.returncode == 1
    one_error_line(done, str(path), "line 1")
    assert path.read_bytes() == before


def test_an_imported_unit_cannot_pose_as_a_store_segment(store):
    memory_file(store, line(origin="article:a1#0"))
    with pytest.raises(CorruptMemoryError, match="line 1.*origin"):
        Memory.load(store)


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="de-DE" datatype="plaintext" segtype="sentence"
 adminlang="en" o-tmf="x" creationtool="t" creationtoolversion="1"/><body>
<tu><tuv xml:lang="de-DE"><seg>Neu.</seg></tuv><tuv xml:lang="en-US"><seg>New.</seg></tuv></tu>
</body></tmx>"""


# -- derived data: the memory's files are opened only when they are regular files ---------


@pytest.mark.parametrize("kind", ["fifo", "symlink", "folder"])
def test_a_memory_file_that_is_no_regular_file_is_refused_without_waiting(store, tmp_path,
                                                                           kind):
    path = imported_path(store)
    path.parent.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_text(line() + "\n", "utf-8")
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        path.symlink_to(elsewhere)
    else:
        path.mkdir()
    done = review("memory", "lookup", "Der Zug fährt ab.")  # a FIFO read would hang: timeout
    assert done.returncode == 1 and done.stdout == ""
    one_error_line(done, str(path), "not a regular file")
    (tmp_path / "more.tmx").write_text(TMX, "utf-8")
    assert review("memory", "import", str(tmp_path / "more.tmx")).returncode == 1
    assert elsewhere.read_text("utf-8") == line() + "\n"
    assert path.is_symlink() == (kind == "symlink")


def test_a_replaced_memory_file_is_read_again(store):
    memory_file(store, line(target="One."))
    assert "One." in [u.target for u in memory_for(store).units]
    path = imported_path(store)
    old = path.stat()
    replacement = path.with_name("new.jsonl")
    replacement.write_text(line(target="Two.") + "\n", "utf-8")
    os.utime(replacement, ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(replacement, path)  # same size, same time: only the file itself changed
    assert "Two." in [u.target for u in memory_for(store).units]


# -- 23: undecodable stdin -----------------------------------------------------------------


def test_lookup_stdin_that_is_not_utf8_is_refused_in_one_line(store):
    done = review("memory", "lookup", "-", "--json",
                  stdin="Der Zug fährt ab.\n".encode() + b"Die Bahn \xff\xfe.\n")
    assert done.returncode == 2
    assert json.loads(done.stdout.splitlines()[0])[0]["score"] == 1.0  # answered first
    assert len(done.stdout.splitlines()) == 1
    one_error_line(done, "stdin", "line 2", "UTF-8")


def test_lookup_stdin_in_latin1_is_refused_on_its_first_line(store):
    done = review("memory", "lookup", "-", stdin="Der Zug fährt ab.\n".encode("latin-1"))
    assert done.returncode == 2 and done.stdout == ""
    one_error_line(done, "stdin", "line 1", "UTF-8")


# -- 20: terminal escapes in memory units ---------------------------------------------------


ESCAPES = "\x1b]0;owned\x07 \x1b[2J\x9b1m"


def test_lookup_and_search_show_escapes_in_units_as_visible_text(store):
    memory_file(store, line(target=f"The train {ESCAPES}leaves.", origin=f"tmx:{ESCAPES}.tmx"))
    for args in (["memory", "lookup", "Der Zug fährt ab."], ["memory", "search", "train"]):
        done = review(*args)
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout \
            and "\x9b" not in done.stdout
        assert "\\x1b]0;owned\\x07" in done.stdout
    searched = review("memory", "search", "train").stdout
    assert "[[train]] \\x1b]0;owned" in searched  # highlights stay around the right words


def test_lookup_stdin_echoes_the_query_without_its_escapes(store):
    done = review("memory", "lookup", "-", stdin=b"Der Zug \x1b[2J f\xc3\xa4hrt ab.\n")
    assert done.returncode == 0 and "\x1b" not in done.stdout
    assert done.stdout.startswith("> Der Zug \\x1b[2J fährt ab.\n")


def test_json_output_keeps_the_units_exact(store):
    target = f"The train {ESCAPES}leaves."
    memory_file(store, line(target=target))
    done = review("memory", "lookup", "Der Zug fährt ab.", "--json")
    assert target in [m["target"] for m in json.loads(done.stdout)]
    hits = json.loads(review("memory", "search", "train", "--json").stdout)
    assert target in [h["target"] for h in hits]
