"""Terminology: a glossary of required English terms and a do-not-translate list.

The glossary is a UTF-8 CSV file (per store at ``<store>/glossary.csv``, or ``--glossary``)
with rows ``de,en[,note]``; a first row ``de,en,note`` is a header and ``#`` starts a comment:

    de,en,note
    Artilleriegranate,artillery shell
    Bundeswehr,Bundeswehr,army name
    Tagesschau,,dnt
    Kanzleramt,Chancellery | Federal Chancellery

- ``en`` may list alternatives separated by ``|``; any one of them satisfies the row.
- Do not translate: a row whose ``en`` is empty or equal to ``de``, or whose note is ``dnt``
  (or starts with "dnt"/"do not translate"); the German term must then appear as it is.
- German matching is case-insensitive, takes German endings ("Artilleriegranaten",
  "Artilleriegranate-s") and, for terms of five letters or more, the end of a compound
  ("Panzerartilleriegranate"). English matching is case-insensitive and takes English endings
  on the last word ("artillery shells", "the shell's").
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from review.article import Flag
from review.checks.base import Check, Code
from review.errors import BadInputError

GERMAN_ENDINGS = r"(?:e|en|n|s|es|er|ern|em|ns)?"
ENGLISH_ENDINGS = r"(?:s|es|'s|’s|ed|d|ing)?"


@dataclass
class GlossaryEntry:
    de: str
    en: list[str]  # alternatives; empty for do-not-translate
    note: str = ""
    dnt: bool = False
    line: int = 0
    _de_pattern: re.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def expected(self) -> list[str]:
        return [self.de] if self.dnt else self.en

    def in_german(self, text: str) -> re.Match | None:
        if self._de_pattern is None:
            self._de_pattern = _german_pattern(self.de)
        return self._de_pattern.search(text)

    def all_in_german(self, text: str) -> list[re.Match]:
        """Every occurrence of the term in ``text``, matched as ``in_german`` matches."""
        if self._de_pattern is None:
            self._de_pattern = _german_pattern(self.de)
        return list(self._de_pattern.finditer(text))

    def in_english(self, text: str) -> bool:
        return any(_english_pattern(term).search(text) for term in self.expected)


@dataclass
class Glossary:
    entries: list[GlossaryEntry] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)

    def flags(self, source: str, target: str) -> list[Flag]:
        """One flag per glossary term in the German whose required English is missing."""
        flags = []
        for entry in self.entries:
            found = entry.in_german(source)
            if found and not entry.in_english(target):
                wanted = " or ".join(f'"{t}"' for t in entry.expected)
                how = "kept as it is" if entry.dnt else "translated as"
                flags.append(Flag("glossary_term", f'German "{found.group(0)}" should be '
                                                   f'{how} {wanted} (glossary)'))
        return flags

    def terms_in(self, source: str) -> list[tuple[int, int, GlossaryEntry]]:
        """Where glossary terms occur in the German: (start, end, entry) by start, none
        overlapping.

        Every occurrence counts, matched as ``GlossaryEntry.in_german`` matches (endings and
        compound ends included). Of overlapping matches the earlier wins, then the longer, then
        the longer German term, then the row listed first.
        """
        found = []
        for order, entry in enumerate(self.entries):
            found += [(m.start(), -m.end(), -len(entry.de), order, entry)
                      for m in entry.all_in_german(source) if m.end() > m.start()]
        spans, end = [], 0
        for start, neg_end, _length, _order, entry in sorted(found, key=lambda f: f[:4]):
            if start >= end:
                spans.append((start, -neg_end, entry))
                end = -neg_end
        return spans


def _german_pattern(term: str) -> re.Pattern:
    words = [re.escape(w) for w in term.split()]
    body = r"[\s-]+".join(words)
    # A long noun may end a compound: "Panzerartilleriegranate" is still an artillery shell.
    head = r"(?:\w*?)" if len(term) >= 5 and " " not in term else ""
    return re.compile(rf"\b{head}{body}{GERMAN_ENDINGS}\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # checked for every term in every segment
def _english_pattern(term: str) -> re.Pattern:
    words = [re.escape(w) for w in term.split()]
    last = words[-1]
    if last.endswith("y"):
        last = rf"(?:{last}|{last[:-1]}ies)"
    body = r"[\s-]+".join(words[:-1] + [last])
    return re.compile(rf"(?<!\w){body}{ENGLISH_ENDINGS}(?!\w)", re.IGNORECASE)


def load_glossary(path: str | Path | None) -> Glossary:
    """Read a glossary CSV; a missing file is an empty glossary."""
    if path is None:
        return Glossary()
    path = Path(path)
    if not path.is_file():
        return Glossary()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text; save the glossary as UTF-8 CSV") from None
    return parse_glossary(text, str(path))


def glossary_rows(path: str | Path) -> list[dict[str, str]]:
    """The raw rows {de, en, note} of a glossary file, for editing; none when missing."""
    glossary = load_glossary(path)
    return [{"de": e.de, "en": " | ".join(e.en), "note": e.note} for e in glossary.entries]


DNT_NOTE = re.compile(r"(dnt|do not translate)\b[\s:;,.\-–—]*", re.IGNORECASE)


def glossary_table(path: str | Path) -> list[dict]:
    """The glossary as editor rows {de, en, keep, note}; none when the file is missing.

    ``keep`` is True for a do-not-translate term (its German stays as it is); its ``en`` is
    then empty and a leading "dnt"/"do not translate" is taken off its note, since ``keep``
    says it. Other rows give their English alternatives joined by " | ".
    """
    rows = []
    for entry in load_glossary(path).entries:
        note = entry.note
        if entry.dnt and DNT_NOTE.match(note.strip()):
            note = DNT_NOTE.sub("", note.strip(), count=1)
        rows.append({"de": entry.de, "en": "" if entry.dnt else " | ".join(entry.en),
                     "keep": entry.dnt, "note": note})
    return rows


def table_csv(rows: list[dict], name: str = "glossary") -> str:
    """CSV text for editor rows {de, en, keep, note}, refusing a row it cannot write as meant.

    Rows are numbered from 1 as the editor lists them; completely empty rows are dropped. A
    row with ``keep`` is written as do-not-translate (``de,,dnt`` or ``de,,dnt: note``), which
    ``load_glossary`` reads back as such. BadInputError names the row when a German term has no
    English and ``keep`` is not ticked, when English has no German term, when a kept term also
    has other English, or when an unticked row's note starts with "dnt".
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["de", "en", "note"])
    for number, row in enumerate(rows, 1):
        de, en, note = (_cell(row.get(key)) for key in ("de", "en", "note"))
        keep = _ticked(row.get("keep"))
        if not (de or en or note):
            continue  # an empty row, ticked or not, is nothing to keep
        label = f"{name} row {number}"
        if not de:
            raise BadInputError(f"{label} has no German term (English {en or '-'!r}, note "
                                f"{note or '-'!r}): type the German term, or delete the row")
        if keep:
            if en and en != de:
                raise BadInputError(
                    f"{label} {de!r} is ticked 'keep as is' but has the English {en!r}: clear "
                    "the English to keep the German term, or untick 'keep as is'")
            note = note if DNT_NOTE.match(note) else (f"dnt: {note}" if note else "dnt")
            writer.writerow([de, "", note])
            continue
        if not en:
            raise BadInputError(
                f"{label} {de!r} has no English: type the English, or tick 'keep as is' to keep "
                "the German term")
        if DNT_NOTE.match(note):
            raise BadInputError(
                f"{label} {de!r}: a note starting {note.split()[0]!r} marks a term to keep as it "
                "is: tick 'keep as is' and clear the English, or change the note")
        writer.writerow([de, en, note])
    text = out.getvalue()
    parse_glossary(text, name)  # refuse what could not be read back
    return text


def _cell(value) -> str:
    """An editor cell as one line of text: None and NaN (an empty pandas cell) are empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


def _ticked(value) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "x", "keep"}
    return bool(value)


def parse_glossary(text: str, name: str = "glossary") -> Glossary:
    """Glossary rows from CSV text; a malformed row raises BadInputError naming the line."""
    entries = []
    rows = csv.reader(io.StringIO(text))
    try:
        for row in rows:
            line = rows.line_num
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if [c.lower() for c in cells[:2]] == ["de", "en"]:
                continue
            entries.append(_entry(cells, line, name))
    except csv.Error as err:
        raise BadInputError(f"{name} line {rows.line_num}: {err}; "
                            "write rows as de,en[,note]") from None
    return Glossary(entries)


def _entry(cells: list[str], line: int, name: str) -> GlossaryEntry:
    if len(cells) < 2 or len(cells) > 3 or not cells[0]:
        raise BadInputError(f"{name} line {line}: expected de,en[,note] but got "
                            f"{len(cells)} field(s); write rows as de,en[,note]")
    de, en = cells[0], cells[1]
    note = cells[2] if len(cells) == 3 else ""
    alternatives = [a.strip() for a in en.split("|") if a.strip()]
    dnt = (not alternatives or alternatives == [de]
           or re.match(r"(dnt|do not translate)\b", note.lower()) is not None)
    return GlossaryEntry(de, [] if dnt else alternatives, note, dnt, line)


CHECKS = (
    Check(Glossary.flags, (
        Code("glossary_term", 0.4, "A glossary term is not used",
             "The German uses a term from the store's glossary, but the English lacks the "
             "required translation (or, for do-not-translate terms, the original)."),),
          reads=("glossary", "source", "target"), needs=("german", "glossary"), rank=130),
)
