"""TMX in and out of the memory.

Import reads TMX 1.4b (older versions' ``lang`` attribute too) with ElementTree's iterparse,
one ``<tu>`` at a time, so a 100,000-unit file needs little memory. German is any ``de`` or
``de-*`` language code (de-DE, de-AT, de-CH, de_DE..., any case), English any ``en`` or
``en-*``; a ``<tu>`` lacking either side is skipped and counted. Inline markup is reduced to
text: ``<hi>`` keeps its text; ``<bpt>``, ``<ept>``, ``<ph>``, ``<it>`` and ``<ut>`` hold
native codes (e.g. ``&lt;b&gt;``) and are dropped with their content, including any
``<sub>`` inside them: a sub-flow is text of the code itself (an alt text, a footnote), not
of the sentence, and pasted in place it would garble the sentence for matching. Whitespace
runs become one space.

The whole file is parsed before the memory is touched, so a broken or foreign file is refused
with one line and leaves the memory files as they were. A file that declares XML entities
(``<!ENTITY`` in its DOCTYPE) is refused before parsing, as entity expansion can exhaust
memory ("billion laughs"); defusedxml is not needed for that.

Export writes every memory unit (store and imported) as TMX 1.4b, de-DE → en-US.
"""
from __future__ import annotations

import re
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
HEAD_BYTES = 1 << 20  # the prolog (and any DOCTYPE) is looked for in the first MiB
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ROOT_START = re.compile(r"<[^?!]")
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)


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
    or declares entities; CorruptMemoryError when the memory file itself is unreadable.
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
    origin = f"{TMX_PREFIX}{path.name}"
    units: list[Unit] = []
    skipped = 0
    languages: dict[str, str] = {}  # lower-cased code -> as first written
    try:
        root = parent = None
        for event, elem in ET.iterparse(str(path), events=("start", "end")):
            if root is None:
                root = elem
                if _local(elem.tag) != "tmx":
                    raise BadInputError(f"{path}: not a TMX file (its root element is "
                                        f"<{_local(elem.tag)}>); give a TMX 1.4b file")
                continue
            if event == "start":
                if _local(elem.tag) == "body":
                    parent = elem
                continue
            if _local(elem.tag) != "tu":
                continue
            unit = _unit(elem, origin, languages)
            if unit is None:
                skipped += 1
            else:
                units.append(unit)
            elem.clear()
            if parent is not None:
                parent.clear()  # drop finished units: memory stays flat on big files
    except ET.ParseError as err:
        raise BadInputError(f"{path}: not well-formed XML ({err}); give a TMX 1.4b "
                            "file") from None
    except OSError as err:
        raise BadInputError(f"{path}: cannot read ({err.strerror or err})") from None
    kinds = {_language(code) for code in languages}
    found = f"found languages: {', '.join(languages.values()) or 'none'}"
    if "de" not in kinds:
        raise BadInputError(f"{path}: no German side; {found}; {NEED_GERMAN}")
    if "en" not in kinds:
        raise BadInputError(f"{path}: no English side; {found}; {NEED_ENGLISH}")
    return units, skipped


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
    """Refuse, in one line, what is not worth parsing: missing, empty, binary, not XML,
    or declaring entities."""
    if not path.exists():
        raise BadInputError(f"{path}: no such file; give a TMX 1.4b file")
    if path.is_dir():
        raise BadInputError(f"{path}: is a folder; give a TMX 1.4b file")
    try:
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
    prolog = _COMMENT.sub("", text)
    root = _ROOT_START.search(prolog)
    if _ENTITY.search(prolog[:root.start()] if root else prolog):
        raise BadInputError(f"{path}: declares XML entities (<!ENTITY in its DOCTYPE); refused "
                            "because entity expansion can exhaust memory; remove the DOCTYPE's "
                            "internal subset")


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


def _unit(tu: ET.Element, origin: str, languages: dict[str, str]) -> Unit | None:
    sides: dict[str, str] = {}
    for tuv in tu:
        if _local(tuv.tag) != "tuv":
            continue
        code = (tuv.get(XML_LANG) or tuv.get("lang") or "").strip()
        if not code:
            continue
        languages.setdefault(code.lower(), code)
        kind = _language(code)
        if kind is None or kind in sides:
            continue
        seg = next((child for child in tuv if _local(child.tag) == "seg"), None)
        text = collapse_spaces(_text(seg)) if seg is not None else ""
        if text:
            sides[kind] = text
    if "de" not in sides or "en" not in sides:
        return None
    when = tu.get("changedate") or tu.get("creationdate")
    return Unit(sides["de"], sides["en"], origin,
                tu.get("changeid") or tu.get("creationid") or None, _iso(when))


def _text(elem: ET.Element) -> str:
    """The element's sentence text: <hi> (and unknown markup) kept, native codes dropped."""
    parts = [elem.text or ""]
    for child in elem:
        if _local(child.tag) not in CODES:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


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
