"""TMX in and out of the memory.

Import reads TMX 1.4b (older versions' ``lang`` attribute too) with expat, streaming one
``<tu>`` at a time, so a 100,000-unit file needs little memory. German is any ``de`` or
``de-*`` language code (de-DE, de-AT, de-CH, de_DE..., any case), English any ``en`` or
``en-*``; a ``<tu>`` lacking either side is skipped and counted. Inline markup is reduced to
text: ``<hi>`` keeps its text; ``<bpt>``, ``<ept>``, ``<ph>``, ``<it>`` and ``<ut>`` hold
native codes (e.g. ``&lt;b&gt;``) and are dropped with their content, including any
``<sub>`` inside them: a sub-flow is text of the code itself (an alt text, a footnote), not
of the sentence, and pasted in place it would garble the sentence for matching. Whitespace
runs become one space.

The whole file is parsed before the memory is touched, so a broken or foreign file is refused
with one line and leaves the memory files as they were. The parser itself (expat, fed the file
in chunks) refuses what could exhaust memory or change what the file says, as soon as it is
seen: any entity declaration ("billion laughs") and any internal DTD subset, wherever the
DOCTYPE stands; a file over MAX_FILE_BYTES (checked before parsing); a ``<tu>`` or ``<seg>``
over MAX_UNIT_CHARS or MAX_SEGMENT_CHARS (counted as the text arrives); elements nested deeper
than MAX_DEPTH. A DOCTYPE naming only an external DTD is fine: the DTD is never read.

Export writes every memory unit (store and imported) as TMX 1.4b, de-DE → en-US.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from review.errors import BadInputError, NothingToDoError
from review.memory.storage import LOCK, imported_path, read_imported, write_imported
from review.memory.text import collapse_spaces, normalize
from review.memory.units import TMX_PREFIX, Unit

NEED_GERMAN = "need German (de, de-DE, de-AT, de-CH)"
NEED_ENGLISH = "need English (en, en-GB, en-US...)"
CODES = {"bpt", "ept", "ph", "it", "ut", "sub"}  # native codes: dropped with their content
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_LANG = XML_LANG[1:]  # as expat names it, with "}" as the namespace separator
HEAD_BYTES = 4096  # enough to tell text from binary before parsing
CHUNK_BYTES = 1 << 16  # what the parser is fed at a time
# A vendor memory of 100,000 units is some 40 MB of TMX; a bigger file is a dump, and the
# memory keeps every unit in one file that each lookup loads.
MAX_FILE_BYTES = 200_000_000
# Ten times the longest segment an article is cut into (review.segment.MAX_SEGMENT_CHARS):
# room for paragraph-level memories; anything longer hardly matches a segment.
MAX_SEGMENT_CHARS = 10_000
MAX_UNIT_CHARS = 100_000  # all text in one <tu>: a German and an English side and some others
MAX_DEPTH = 64  # tmx/body/tu/tuv/seg is 5 deep; inline markup rarely nests more than a few


@dataclass(frozen=True)
class ImportResult:
    path: str
    added: int  # new units in the memory
    skipped: int  # <tu> without a German or an English side (or with an empty one)
    duplicates: int  # pairs the memory (or the file itself) held already

    def line(self) -> str:
        extra = f"; {self.duplicates} already in the memory" if self.duplicates else ""
        return (f"imported {self.added} units from {self.path} ({self.skipped} skipped: no "
                f"German or English side{extra})")


def import_tmx(store, path) -> int:
    """Add the units of a TMX file to the memory; the number added.

    BadInputError (one line naming the file and what was found) and the memory unchanged when
    the file is missing, empty, binary, not XML, not TMX, has no German or no English side,
    declares entities or an internal DTD subset, is over a size limit (file, unit, segment)
    or nests too deeply; CorruptMemoryError when the memory file itself is unreadable.
    """
    return import_tmx_report(store, path).added


def import_tmx_report(store, path) -> ImportResult:
    """As import_tmx, with the counts of skipped and duplicate units."""
    units, skipped = read_tmx(path)
    target = imported_path(store)
    with store._lock(LOCK):
        existing = read_imported(target)
        seen = {(normalize(u.source), normalize(u.target)) for u in existing}
        new = []
        for unit in units:
            pair = (normalize(unit.source), normalize(unit.target))
            if pair not in seen:
                seen.add(pair)
                new.append(unit)
        if new:
            try:
                write_imported(target, existing + new)
            except OSError as err:
                raise store._unwritable(err) from None
    return ImportResult(str(path), len(new), skipped, len(units) - len(new))


def read_tmx(path) -> tuple[list[Unit], int]:
    """(units, number of <tu> skipped) from a TMX file; BadInputError if it is not usable."""
    path = Path(path)
    _check_file(path)
    reader = _parse(path)
    from review.terminal import printable

    kinds = {_language(code) for code in reader.languages}
    codes = ", ".join(printable(code) for code in reader.languages.values())
    found = f"found languages: {codes or 'none'}"
    if "de" not in kinds:
        raise BadInputError(f"{path}: no German side; {found}; {NEED_GERMAN}")
    if "en" not in kinds:
        raise BadInputError(f"{path}: no English side; {found}; {NEED_ENGLISH}")
    return reader.units, reader.skipped


def _parse(path: Path) -> _Reader:
    """The file fed to expat in chunks; BadInputError for what is not well-formed, too big or
    declares entities, as soon as the parser sees it."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}")
    reader = _Reader(path, parser)
    fed = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                fed += len(chunk)
                if fed > MAX_FILE_BYTES:  # grown since it was measured
                    raise _too_big(path, fed)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as err:
        raise BadInputError(f"{path}: not well-formed XML ({err}); give a TMX 1.4b "
                            "file") from None
    except OSError as err:
        raise BadInputError(f"{path}: cannot read ({err.strerror or err})") from None
    return reader


class _Reader:
    """Expat's handlers for one TMX file: the units, one <tu> at a time, and the languages
    seen; refuses entities, internal DTD subsets, oversized text and deep nesting at once."""

    def __init__(self, path: Path, parser):
        from xml.parsers import expat

        self.path, self.parser = path, parser
        self.origin = f"{TMX_PREFIX}{path.name}"
        self.units: list[Unit] = []
        self.skipped = 0  # <tu> without a German or an English side
        self.languages: dict[str, str] = {}  # lower-cased code -> as first written
        self.depth = 0
        self.unit: _OpenUnit | None = None
        self.internal_subset = False
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EndDoctypeDeclHandler = self.end_doctype
        parser.EntityDeclHandler = self.entity
        parser.SkippedEntityHandler = self.skipped_entity
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text

    def doctype(self, name, system_id, public_id, has_internal_subset) -> None:
        self.internal_subset = bool(has_internal_subset)

    def end_doctype(self) -> None:
        if self.internal_subset:
            raise BadInputError(f"{self.path}: has an internal DTD subset (<!DOCTYPE tmx "
                                "[...]>); refused because its declarations can change what "
                                "the file says; remove the DOCTYPE's internal subset")

    def entity(self, *declaration) -> None:
        raise BadInputError(f"{self.path}: declares XML entities (<!ENTITY in its DOCTYPE); "
                            "refused because entity expansion can exhaust memory; remove the "
                            "DOCTYPE's internal subset")

    def skipped_entity(self, name, is_parameter_entity) -> None:
        """A reference to an entity nobody declared (expat lets it pass after an external
        DOCTYPE): refused as ElementTree did."""
        sign = "%" if is_parameter_entity else "&"
        raise BadInputError(f"{self.path}: not well-formed XML (undefined entity {sign}{name};: "
                            f"line {self.parser.CurrentLineNumber}, column "
                            f"{self.parser.CurrentColumnNumber}); give a TMX 1.4b file")

    def start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        tag = _local(name)
        if self.depth > MAX_DEPTH:
            raise self._refusal(f"elements nested more than {MAX_DEPTH} deep",
                                "give a TMX file whose inline markup nests less deeply")
        if self.depth == 1 and tag != "tmx":
            raise BadInputError(f"{self.path}: not a TMX file (its root element is <{tag}>); "
                                "give a TMX 1.4b file")
        if self.unit is not None:
            self.unit.start(tag, attrs, self.depth, self.languages)
        elif tag == "tu":
            self.unit = _OpenUnit(attrs, self.depth)

    def end(self, name: str) -> None:
        unit = self.unit
        if unit is not None and self.depth == unit.depth:
            self.unit = None
            done = unit.finished(self.origin)
            if done is None:
                self.skipped += 1
            else:
                self.units.append(done)
        elif unit is not None:
            unit.end(self.depth)
        self.depth -= 1

    def text(self, data: str) -> None:
        """Count text in a unit as it arrives; keep a wanted segment's."""
        unit = self.unit
        if unit is None:
            return  # outside any <tu>: nothing is kept, MAX_FILE_BYTES bounds it
        unit.chars += len(data)
        if unit.seg_depth is not None:
            unit.seg_chars += len(data)
            if unit.seg_chars > MAX_SEGMENT_CHARS:
                raise self._refusal(f"a <seg> over the limit of {MAX_SEGMENT_CHARS:,} "
                                    "characters for one segment",
                                    "split that segment or remove its unit")
            if unit.kind is not None and unit.code_depth is None:
                unit.parts.append(data)
        if unit.chars > MAX_UNIT_CHARS:
            raise self._refusal(f"a <tu> over the limit of {MAX_UNIT_CHARS:,} characters for "
                                "one unit", "split that unit or remove it")

    def _refusal(self, what: str, fix: str) -> BadInputError:
        return BadInputError(f"{self.path}: {what} (line {self.parser.CurrentLineNumber}); "
                             f"{fix}")


class _OpenUnit:
    """One <tu> being read: the text of its first German and first English segment.

    Inline markup is reduced to text: <hi> (and unknown markup) keeps its text, native codes
    (CODES) are dropped with their content, what follows them is kept.
    """

    def __init__(self, attrs: dict, depth: int):
        self.attrs, self.depth = attrs, depth
        self.sides: dict[str, str] = {}
        self.chars = 0  # all text in the unit so far
        self.tuv_depth: int | None = None
        self.kind: str | None = None  # the open <tuv>'s side, while its text is wanted
        self.seg_seen = False  # the open <tuv>'s first <seg> is read: later ones are ignored
        self.seg_depth: int | None = None
        self.seg_chars = 0
        self.code_depth: int | None = None  # the outermost native code open in the <seg>
        self.parts: list[str] = []

    def start(self, tag: str, attrs: dict, depth: int, languages: dict[str, str]) -> None:
        if depth == self.depth + 1:
            if tag == "tuv":
                self._open_tuv(attrs, depth, languages)
        elif self.seg_depth is not None:
            if tag in CODES and self.code_depth is None:
                self.code_depth = depth
        elif (tag == "seg" and self.tuv_depth is not None and depth == self.tuv_depth + 1
              and not self.seg_seen):
            self.seg_depth, self.seg_chars, self.parts = depth, 0, []

    def _open_tuv(self, attrs: dict, depth: int, languages: dict[str, str]) -> None:
        self.tuv_depth, self.seg_seen, self.kind = depth, False, None
        code = (attrs.get(_XML_LANG) or attrs.get("lang") or "").strip()
        if code:
            languages.setdefault(code.lower(), code)
            kind = _language(code)
            self.kind = kind if kind not in self.sides else None

    def end(self, depth: int) -> None:
        if depth == self.code_depth:
            self.code_depth = None
        elif depth == self.seg_depth:
            text = collapse_spaces("".join(self.parts))
            if self.kind is not None and text:
                self.sides[self.kind] = text
            self.seg_depth, self.seg_seen, self.parts = None, True, []
        elif depth == self.tuv_depth:
            self.tuv_depth = self.kind = None

    def finished(self, origin: str) -> Unit | None:
        """The unit, or None when it lacks a German or an English side."""
        if "de" not in self.sides or "en" not in self.sides:
            return None
        attrs = self.attrs
        when = attrs.get("changedate") or attrs.get("creationdate")
        return Unit(self.sides["de"], self.sides["en"], origin,
                    attrs.get("changeid") or attrs.get("creationid") or None, _iso(when))


def export_tmx(store, path) -> int:
    """Write every memory unit (store and imported) to ``path`` as TMX; the number written."""
    from review.memory.core import Memory

    return write_tmx(Memory.load(store).units, path)


def write_tmx(units: list[Unit], path) -> int:
    """Write ``units`` to ``path`` atomically as TMX; the number written."""
    from review.atomic import write_atomic

    path = Path(path)
    if path.is_dir():
        raise BadInputError(f"{path} is a folder; give a file name, e.g. -o memory.tmx")
    document = tmx_document(units)
    try:
        write_atomic(path, document)
    except OSError as err:
        raise BadInputError(f"cannot write {path}: {err.strerror or type(err).__name__}; "
                            "choose a writable file with -o") from None
    return len(units)


def tmx_document(units: list[Unit]) -> str:
    """``units`` as a TMX 1.4b document (de-DE to en-US); NothingToDoError when empty."""
    from review.exporters.tmx import DOCTYPE, SOURCE_LANG, TARGET_LANG
    from review.exporters.xmlutil import TOOL, TOOL_VERSION, compact_utc, serialize, sub

    if not units:
        raise NothingToDoError("the memory is empty: nothing to export; approve segments or "
                               "import a TMX file first")
    root = ET.Element("tmx", version="1.4")
    sub(root, "header", creationtool=TOOL, creationtoolversion=TOOL_VERSION,
        datatype="plaintext", segtype="sentence", adminlang="en-US", srclang=SOURCE_LANG,
        **{"o-tmf": "review-memory"})
    body = sub(root, "body")
    for unit in units:
        date = compact_utc(unit.time)
        tu = sub(body, "tu", creationid=unit.reviewer, creationdate=date,
                 changeid=unit.reviewer, changedate=date)
        sub(tu, "prop", unit.origin, type="x-origin")
        sub(sub(tu, "tuv", **{XML_LANG: SOURCE_LANG}), "seg", unit.source)
        sub(sub(tu, "tuv", **{XML_LANG: TARGET_LANG}), "seg", unit.target)
    return serialize(root, DOCTYPE)


def _check_file(path: Path) -> None:
    """Refuse, in one line, what is not worth parsing: missing, empty, too big, binary or not
    XML."""
    if not path.exists():
        raise BadInputError(f"{path}: no such file; give a TMX 1.4b file")
    if path.is_dir():
        raise BadInputError(f"{path}: is a folder; give a TMX 1.4b file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(path, size)
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as err:
        raise BadInputError(f"{path}: cannot read ({err.strerror or err})") from None
    text = _decode_head(path, head).lstrip("\ufeff \t\r\n")
    if not text:
        raise BadInputError(f"{path}: empty file; give a TMX 1.4b file")
    if not text.startswith("<"):
        start = text[:20].encode("unicode_escape").decode("ascii")
        raise BadInputError(f"{path}: not XML (it starts with {start!r}); give a TMX 1.4b "
                            "file")


def _too_big(path: Path, size: int) -> BadInputError:
    return BadInputError(f"{path}: {size:,} bytes, over the {MAX_FILE_BYTES / 1e6:g} MB limit "
                         "for one TMX file; split it into smaller files")


def _decode_head(path: Path, head: bytes) -> str:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise BadInputError(f"{path}: UTF-32 text; save it as UTF-8 or UTF-16")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[:len(head) // 2 * 2].decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head[:len(head) // 2 * 2].decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head[:len(head) // 2 * 2].decode("utf-16-be", errors="replace")
    if b"\x00" in head:
        raise BadInputError(f"{path}: binary data, not XML; give a TMX 1.4b file")
    return head.decode("utf-8", errors="replace")


def _language(code: str) -> str | None:
    base = code.strip().lower().replace("_", "-").split("-")[0]
    if base in ("de", "deu", "ger"):
        return "de"
    if base in ("en", "eng"):
        return "en"
    return None


def _iso(compact: str | None) -> str | None:
    """TMX's YYYYMMDDThhmmssZ as ISO 8601 UTC, the store's form; None if unreadable."""
    if not compact:
        return None
    try:
        moment = datetime.strptime(compact.strip(), "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
