"""Hostile TMX files: entity declarations however hidden, oversized files, units and segments,
and deep nesting are refused in one line (exit 2 on the command line) and change nothing."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from review.errors import BadInputError
from review.memory import Memory, import_tmx
from review.memory import tmx as tmx_module
from review.store import ArticleStore
from test_tmx_import import VENDOR_TMX, memory_bytes, tmx, tus

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = '<?xml version="1.0"?>'
PWNED_BODY = tus(("de", "&e;", "en", "Owned.")).split("?>", 1)[1]
ENTITY_SUBSET = '[<!ENTITY e "PWNED">]>'

# Each puts a DOCTYPE with an entity where a text scan of the prolog does not see it.
HIDDEN = {
    "after-pi": f'<?pi <!-- ?><!DOCTYPE tmx {ENTITY_SUBSET}<!-- -->{PWNED_BODY}',
    "in-system-literal": f'{DECLARATION}<!DOCTYPE tmx SYSTEM "<!--" {ENTITY_SUBSET}<!-- -->'
                         f'{PWNED_BODY}',
    "after-padding": f'{DECLARATION}{" " * (1 << 20)}\n<!DOCTYPE tmx {ENTITY_SUBSET}'
                     f'{PWNED_BODY}',
}


@pytest.fixture
def store() -> ArticleStore:
    """A store whose memory already holds the vendor file's four units."""
    store = ArticleStore()
    (Path(store.root).parent / "good.tmx").write_text(VENDOR_TMX, "utf-8")
    assert import_tmx(store, Path(store.root).parent / "good.tmx") == 4
    return store


def refused(store: ArticleStore, path: Path) -> str:
    """The one-line refusal of ``path``, checking that the memory did not change."""
    before = memory_bytes(store)
    with pytest.raises(BadInputError) as caught:
        import_tmx(store, path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert memory_bytes(store) == before
    assert len(Memory.load(store).units) == 4
    return message


@pytest.mark.parametrize("trick", sorted(HIDDEN))
def test_entity_declarations_are_refused_wherever_the_doctype_hides(store, tmp_path, trick):
    message = refused(store, tmx(tmp_path, HIDDEN[trick], f"{trick}.tmx"))
    assert "declares XML entities" in message and "remove the DOCTYPE's internal subset" \
        in message
    assert not any("PWNED" in u.source for u in Memory.load(store).units)


def test_an_internal_subset_without_entities_is_refused_and_an_external_doctype_is_not(
        store, tmp_path):
    subset = f'{DECLARATION}<!DOCTYPE tmx [<!ATTLIST tuv lang CDATA "de">]>{PWNED_BODY}'
    message = refused(store, tmx(tmp_path, subset.replace("&e;", "Hallo."), "attlist.tmx"))
    assert "internal DTD subset" in message
    external = tus(("de", "Neu.", "en", "New.")).replace(
        "?>", '?><!DOCTYPE tmx PUBLIC "-//LISA//DTD TMX 1.4//EN" "tmx14.dtd">', 1)
    assert import_tmx(store, tmx(tmp_path, external, "external.tmx")) == 1


def test_an_entity_bomb_is_refused_before_anything_expands(store, tmp_path):
    # 100 KB of text made 5 MB: under expat's own amplification guard (factor 100, from 8 MiB)
    entities = f'<!ENTITY a0 "{"ha" * 50_000}"><!ENTITY a1 "{"&a0;" * 10}">'
    bomb = (f'<?pi <!-- ?><!DOCTYPE tmx [{entities}]><!-- -->'
            + PWNED_BODY.replace("&e;", "&a1;" * 5))
    started = time.monotonic()
    assert "declares XML entities" in refused(store, tmx(tmp_path, bomb, "bomb.tmx"))
    assert time.monotonic() - started < 5
    assert max(len(u.source) for u in Memory.load(store).units) < 100


def test_an_undeclared_entity_behind_an_external_doctype_is_refused(store, tmp_path):
    body = PWNED_BODY.replace("&e;", "Hallo &nbsp; Welt.")
    path = tmx(tmp_path, f'{DECLARATION}<!DOCTYPE tmx SYSTEM "tmx14.dtd">{body}', "nbsp.tmx")
    assert "undefined entity &nbsp;" in refused(store, path)


def test_a_file_over_the_size_limit_is_refused_before_parsing(store, tmp_path, monkeypatch):
    monkeypatch.setattr(tmx_module, "MAX_FILE_BYTES", 1000)
    big = tus(*[("de", f"Satz {n}.", "en", f"Sentence {n}.") for n in range(40)])
    path = tmx(tmp_path, big[:-10] + "<broken", "big.tmx")  # not XML past the limit either
    assert refused(store, path) == (f"{path}: {len(big) - 3:,} bytes, over the 0.001 MB limit "
                                    "for one TMX file; split it into smaller files")


def test_an_over_long_segment_is_refused_as_soon_as_it_passes_the_limit(store, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setattr(tmx_module, "MAX_SEGMENT_CHARS", 100)
    ok = tus(("de", "a" * 100, "en", "b" * 100))
    assert import_tmx(store, tmx(tmp_path, ok, "ok.tmx")) == 1
    store_before = memory_bytes(store)
    long = tus(("de", "Kurz.", "en", "Short."), ("de", "Lang " * 30, "en", "Long."))
    path = tmx(tmp_path, long.replace("</body>", "<broken"), "long.tmx")
    with pytest.raises(BadInputError) as caught:
        import_tmx(store, path)
    message = str(caught.value)
    assert message == (f"{path}: a <seg> over the limit of 100 characters for one segment "
                       "(line 1); split that segment or remove its unit")
    assert memory_bytes(store) == store_before


def test_an_over_long_unit_is_refused(store, tmp_path, monkeypatch):
    monkeypatch.setattr(tmx_module, "MAX_UNIT_CHARS", 150)
    languages = "".join(f'<tuv xml:lang="{code}"><seg>{"x" * 40}</seg></tuv>'
                        for code in ("de", "en", "fr", "it"))
    body = tus(("de", "Gut.", "en", "Good.")).replace("</body>", f"<tu>{languages}</tu></body>")
    message = refused(store, tmx(tmp_path, body, "wide.tmx"))
    assert "a <tu> over the limit of 150 characters for one unit (line 1)" in message


def test_the_limits_leave_room_for_real_memories():
    assert tmx_module.MAX_FILE_BYTES >= 100_000_000
    assert tmx_module.MAX_SEGMENT_CHARS >= 5_000
    assert tmx_module.MAX_UNIT_CHARS >= 4 * tmx_module.MAX_SEGMENT_CHARS
    assert tmx_module.MAX_DEPTH >= 32


def test_inline_markup_within_the_depth_limit_is_read(store, tmp_path):
    deep = "<hi>" * 40 + "Tief<ph>&lt;b/&gt;</ph> unten." + "</hi>" * 40
    assert import_tmx(store, tmx(tmp_path, tus(("de", deep, "en", "Deep down.")), "ok.tmx")) == 1
    assert Memory.load(store).units[-1].source == "Tief unten."


def test_fifty_thousand_nested_hi_end_in_one_line_and_exit_2(store, tmp_path):
    nested = "<hi>" * 50_000 + "Tief." + "</hi>" * 50_000
    path = tmx(tmp_path, tus(("de", nested, "en", "Deep.")), "nested.tmx")
    before = memory_bytes(store)
    done = subprocess.run([sys.executable, "-m", "review", "memory", "import", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {path}: elements nested more than "
                                  f"{tmx_module.MAX_DEPTH} deep (line 1)")
    assert memory_bytes(store) == before


def test_a_language_code_with_a_line_break_is_shown_escaped(store, tmp_path):
    body = tus(("fr&#10;error: FR", "Bonjour.", "en", "Hello."))
    message = refused(store, tmx(tmp_path, body, "codes.tmx"))
    assert "found languages: fr\\x0aerror: FR, en;" in message
