"""TMX into and out of the memory: real-looking files, refusals that change nothing, round trip."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from review.errors import BadInputError, NothingToDoError
from review.memory import (CorruptMemoryError, Memory, Unit, export_tmx, import_tmx,
                           import_tmx_report)
from review.memory.storage import imported_path, read_imported
from review.store import ArticleStore
from test_memory import approved, make_article

VENDOR_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8"
          datatype="xml" segtype="sentence" adminlang="en-GB" srclang="de-DE">
    <prop type="x-Recognizers">RecognizeAll</prop>
  </header>
  <body>
    <tu creationdate="20230412T081500Z" creationid="VENDOR\\mk" changedate="20230415T101112Z"
        changeid="VENDOR\\jb" usagecount="3">
      <prop type="x-Domain">News</prop>
      <note>checked</note>
      <tuv xml:lang="de-DE">
        <seg>Die <bpt i="1" type="bold">&lt;b&gt;</bpt>Bundesregierung<ept i="1">&lt;/b&gt;</ept>
          hat am   Montag <ph x="2" type="lb">&lt;br/&gt;</ph>ein Gesetz beschlossen.</seg>
      </tuv>
      <tuv xml:lang="en-GB">
        <seg>The <hi type="b">federal government</hi> passed a law on Monday.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv xml:lang="de-AT"><seg>Der Zug fährt um acht Uhr ab.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The train leaves at
        <it pos="begin">&lt;i&gt;</it>eight<ut>{1}</ut>.</seg></tuv>
    </tu>
    <tu>
      <tuv lang="DE_ch"><seg>Das Velo steht vor dem Haus.</seg></tuv>
      <tuv lang="EN"><seg>The bike is in front of the house.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="de-DE"><seg>Nur eine deutsche Seite.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="de-DE"><seg>Englisch leer.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>  <ph x="1">&lt;br/&gt;</ph> </seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="de-DE"><seg>Ein Bild<ph x="3">&lt;img alt="<sub>Foto des Ministers</sub>"
        &gt;</ph> zeigt ihn.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Une image le montre.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>A picture shows him.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

EXPECTED = [
    ("Die Bundesregierung hat am Montag ein Gesetz beschlossen.",
     "The federal government passed a law on Monday.", "VENDOR\\jb",
     "2023-04-15T10:11:12+00:00"),
    ("Der Zug fährt um acht Uhr ab.", "The train leaves at eight.", None, None),
    ("Das Velo steht vor dem Haus.", "The bike is in front of the house.", None, None),
    ("Ein Bild zeigt ihn.", "A picture shows him.", None, None),
]


def tmx(tmp_path: Path, body: str, name: str = "vendor.tmx", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def tus(*pairs: tuple[str, str, str, str]) -> str:
    """A minimal TMX with one <tu> per (lang, text, lang, text)."""
    units = "".join(f'<tu><tuv xml:lang="{a}"><seg>{x}</seg></tuv>'
                    f'<tuv xml:lang="{b}"><seg>{y}</seg></tuv></tu>' for a, x, b, y in pairs)
    return (f'<?xml version="1.0"?><tmx version="1.4"><header srclang="*all*"/>'
            f"<body>{units}</body></tmx>")


@pytest.fixture
def store() -> ArticleStore:
    return ArticleStore()


def memory_bytes(store: ArticleStore) -> bytes | None:
    path = imported_path(store)
    return path.read_bytes() if path.exists() else None


def test_a_vendor_tmx_is_imported_with_inline_markup_reduced_to_text(store, tmp_path):
    result = import_tmx_report(store, tmx(tmp_path, VENDOR_TMX))
    assert (result.added, result.skipped, result.duplicates) == (4, 2, 0)
    assert result.line() == (f"imported 4 units from {tmp_path / 'vendor.tmx'} (2 skipped: "
                             "no German or English side)")
    units = Memory.load(store).units
    assert [(u.source, u.target, u.reviewer, u.time) for u in units] == EXPECTED
    assert {u.origin for u in units} == {"tmx:vendor.tmx"}
    assert read_imported(imported_path(store)) == units
    assert not [p for p in imported_path(store).parent.iterdir() if p.name.startswith(".")]


def test_importing_again_adds_only_what_is_new(store, tmp_path):
    assert import_tmx(store, tmx(tmp_path, VENDOR_TMX)) == 4
    left = imported_path(store).parent / ".imported.jsonl.0123456789ab.tmp"
    left.write_text("half a write", "utf-8")  # from a writer killed mid-write
    again = import_tmx_report(store, tmx(tmp_path, VENDOR_TMX, "copy.tmx"))
    assert (again.added, again.duplicates) == (0, 4)
    assert again.line().endswith("(2 skipped: no German or English side; 4 already in the "
                                 "memory)")
    more = tus(("de", "Neu  hier.", "en", "New here."), ("de", "Neu hier.", "en", "New here."),
               ("de", "Der Zug fährt um acht Uhr ab.", "en", "The train goes at eight."))
    assert import_tmx(store, tmx(tmp_path, more, "more.tmx")) == 2
    units = Memory.load(store).units
    assert [(u.source, u.origin) for u in units[-2:]] == [
        ("Neu hier.", "tmx:more.tmx"), ("Der Zug fährt um acht Uhr ab.", "tmx:more.tmx")]
    assert len(units) == 6
    assert not left.exists()


def test_utf16_with_bom_and_other_declared_encodings(store, tmp_path):
    body = tus(("de-DE", "Größere Straße.", "en-GB", "Bigger street."))
    utf16 = body.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    assert import_tmx(store, tmx(tmp_path, "\ufeff" + utf16, "a.tmx", "utf-16-le")) == 1
    latin = tus(("de", "Schöne Grüße.", "en", "Kind regards."))
    latin = latin.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert import_tmx(store, tmx(tmp_path, latin, "b.tmx", "latin-1")) == 1
    assert [u.source for u in Memory.load(store).units] == ["Größere Straße.", "Schöne Grüße."]


REFUSED = {
    "french.tmx": (tus(("fr-FR", "Bonjour.", "en-US", "Hello."),
                       ("fr-FR", "Merci.", "en-US", "Thanks.")),
                   "no German side; found languages: fr-FR, en-US; need German (de, de-DE, "
                   "de-AT, de-CH)"),
    "no-english.tmx": (tus(("de-DE", "Hallo.", "fr-FR", "Bonjour.")),
                       "no English side; found languages: de-DE, fr-FR"),
    "empty-body.tmx": ('<tmx version="1.4"><header/><body/></tmx>',
                       "no German side; found languages: none"),
    "broken.tmx": (VENDOR_TMX.replace("</tu>", "", 1), "not well-formed XML (mismatched tag"),
    "truncated.tmx": (VENDOR_TMX[:700], "not well-formed XML (unclosed token: line 15"),
    "empty.tmx": ("", "empty file"),
    "blank.tmx": ("  \n\n ", "empty file"),
    "text.tmx": ("Der Zug fährt ab.\tThe train leaves.\n", "not XML (it starts with"),
    "xliff.tmx": ('<?xml version="1.0"?><xliff version="2.1"><file/></xliff>',
                  "not a TMX file (its root element is <xliff>)"),
    "bomb.tmx": ('<?xml version="1.0"?>\n<!DOCTYPE tmx [\n <!ENTITY a "aaaaaaaaaa">\n'
                 ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
                 ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
                 + tus(("de", "&c;", "en", "Laughs.")).split("?>", 1)[1],
                 "declares XML entities (<!ENTITY in its DOCTYPE); refused"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
@pytest.mark.parametrize("memory_exists", [True, False])
def test_refused_files_say_what_was_found_and_change_nothing(store, tmp_path, name,
                                                             memory_exists):
    if memory_exists:
        import_tmx(store, tmx(tmp_path, VENDOR_TMX))
    before = memory_bytes(store)
    body, expected = REFUSED[name]
    path = tmx(tmp_path, body, name)
    with pytest.raises(BadInputError) as caught:
        import_tmx(store, path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message
    assert memory_bytes(store) == before
    assert len(Memory.load(store).units) == (4 if memory_exists else 0)


@pytest.mark.parametrize("data, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data, not XML"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "binary data, not XML"),
    (b"\xff\xfe\x00\x00<\x00\x00\x00", "UTF-32"),
])
def test_binary_files_are_refused(store, tmp_path, data, expected):
    path = tmp_path / "data.tmx"
    path.write_bytes(data)
    with pytest.raises(BadInputError, match=expected):
        import_tmx(store, path)
    assert memory_bytes(store) is None


def test_missing_file_and_folder_are_refused(store, tmp_path):
    with pytest.raises(BadInputError, match="no such file"):
        import_tmx(store, tmp_path / "nope.tmx")
    with pytest.raises(BadInputError, match="is a folder"):
        import_tmx(store, tmp_path)


def test_a_corrupt_memory_file_refuses_imports_and_is_never_overwritten(store, tmp_path):
    import_tmx(store, tmx(tmp_path, VENDOR_TMX))
    path = imported_path(store)
    damaged = path.read_bytes()[:-40]  # a cut-off last line
    path.write_bytes(damaged)
    more = tmx(tmp_path, tus(("de", "Neu.", "en", "New.")), "more.tmx")
    with pytest.raises(CorruptMemoryError) as caught:
        import_tmx(store, more)
    assert str(path) in str(caught.value) and "line 4" in str(caught.value)
    assert path.read_bytes() == damaged
    with pytest.raises(CorruptMemoryError):
        export_tmx(store, tmp_path / "out.tmx")
    assert path.read_bytes() == damaged and not (tmp_path / "out.tmx").exists()


def test_export_then_import_round_trip(store, store_dir, tmp_path):
    store.add(make_article("a1", [("Der „Zug“ fährt ab.", "The train leaves."),
                                  ("Es regnet & stürmt <heute>.", "x")],
                           decisions={0: approved(),
                                      1: approved("corrected", "It rains & storms <today>.",
                                                  reviewer="bob")}))
    import_tmx(store, tmx(tmp_path, VENDOR_TMX))
    out = tmp_path / "memory.tmx"
    assert export_tmx(store, out) == 6
    root = ET.parse(out).getroot()
    assert root.get("version") == "1.4" and len(root.findall("body/tu")) == 6
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang")
             for tuv in root.iter("tuv")}
    assert langs == {"de-DE", "en-US"}

    fresh = ArticleStore(tmp_path / "other-store")
    assert import_tmx(fresh, out) == 6
    before = [(u.source, u.target, u.reviewer, u.time) for u in Memory.load(store).units]
    after = Memory.load(fresh).units
    assert [(u.source, u.target, u.reviewer, u.time) for u in after] == before
    assert {u.origin for u in after} == {"tmx:memory.tmx"}


def test_export_refuses_a_folder_and_an_empty_memory(store, tmp_path):
    with pytest.raises(NothingToDoError, match="memory is empty"):
        export_tmx(store, tmp_path / "out.tmx")
    store.add(make_article("a1", [("Der Zug.", "The train.")], decisions={0: approved()}))
    with pytest.raises(BadInputError, match="is a folder"):
        export_tmx(store, tmp_path)
    assert export_tmx(store, tmp_path / "out.tmx") == 1


def test_import_of_many_units_stays_quick(store, tmp_path):
    body = tus(*[("de-DE", f"Satz Nummer {n} über die Bahn.", "en-GB",
                  f"Sentence number {n} about the railway.") for n in range(5000)])
    assert import_tmx(store, tmx(tmp_path, body, "many.tmx")) == 5000
    memory = Memory.load(store)
    assert memory.lookup("Satz Nummer 4711 über die Bahn.")[0].unit.target == \
        "Sentence number 4711 about the railway."
    assert Unit("Satz Nummer 0 über die Bahn.", "Sentence number 0 about the railway.",
                "tmx:many.tmx") == memory.units[0]
