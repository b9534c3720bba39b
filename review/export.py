"""Export approved work: summaries or segment translations, in one of six formats.

Only approved work leaves the tool: accepted or corrected summaries, and accepted or
corrected segments (boilerplate never). Output is deterministic: articles sorted by id,
segments by index, fixed key order, and no time except the decision times in the data.
Summaries are not translations of a source text, so they export as json, jsonl, csv or md;
tmx and xliff carry segment pairs only.

CSV is written for spreadsheets: a UTF-8 byte order mark first (Excel otherwise reads the
umlauts as Latin-1), a chosen delimiter (``;`` for a German Excel), and every cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) prefixed
with ``'``, as OWASP recommends against CSV injection.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from review.article import LONE_SURROGATE, Article
from review.errors import BadInputError, NothingToDoError
from review.exporters import markdown, records, tabular
from review.exporters.select import approved_segments, approved_summary, sorted_articles
from review.exporters.tmx import translations_tmx
from review.exporters.xliff import translations_xliff

WHATS = ("summaries", "translations")


@dataclass(frozen=True)
class Format:
    """One export format: its MIME type, whether it holds only segment pairs, its renderer."""
    mime: str
    bilingual: bool
    render: Callable[[list[Article], str, str], str]  # (articles, what, csv delimiter)


def _records(fmt: str):
    return lambda articles, what, delimiter: _render_records(articles, what, fmt, delimiter)


def _markdown(articles: list[Article], what: str, _delimiter: str) -> str:
    render = markdown.summaries_md if what == "summaries" else markdown.translations_md
    return render(articles)


# The one table of formats: the CLI's choices, the app's list and MIME types come from it.
FORMAT_TABLE = {
    "json": Format("application/json", False, _records("json")),
    "jsonl": Format("application/x-ndjson", False, _records("jsonl")),
    "csv": Format("text/csv", False, _records("csv")),
    "md": Format("text/markdown", False, _markdown),
    "tmx": Format("application/x-tmx+xml", True, lambda a, _w, _d: translations_tmx(a)),
    "xliff": Format("application/xliff+xml", True, lambda a, _w, _d: translations_xliff(a)),
}
FORMATS = tuple(FORMAT_TABLE)
BILINGUAL_FORMATS = tuple(name for name, f in FORMAT_TABLE.items() if f.bilingual)
BOM = "\ufeff"
# What --delimiter accepts, and the character each name stands for.
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "\\t": "\t", "tab": "\t", "|": "|"}


def default_what(fmt: str) -> str:
    """What to export when not told: the formats made for segment pairs get translations."""
    return "translations" if fmt in BILINGUAL_FORMATS else "summaries"


def export(articles: list[Article], what: str = "summaries", fmt: str = "json",
           where: str | None = None, delimiter: str = ",", bom: bool = True) -> str:
    """The approved ``what`` of ``articles`` as ``fmt`` text; ``where`` names them in errors.

    ``delimiter`` (one of DELIMITERS) and ``bom`` (a leading U+FEFF) apply to csv only.
    Raises BadInputError for an unknown what/format/delimiter or summaries as tmx/xliff,
    and NothingToDoError when nothing is approved.
    """
    _check_choice(what, fmt)
    separator = csv_delimiter(delimiter)
    ordered = sorted_articles(articles)
    if not has_approved(ordered, what):
        place = f" in {where}" if where else ""
        raise NothingToDoError(f"nothing approved to export{place}: {_how_to_approve(what)}")
    text = _render(ordered, what, fmt, separator)
    # A lone surrogate (possible in a hand-edited JSON file) cannot be written as UTF-8.
    text = LONE_SURROGATE.sub("\ufffd", text)
    return BOM + text if fmt == "csv" and bom else text


def csv_delimiter(name: str) -> str:
    """The delimiter character ``name`` stands for; BadInputError for anything else."""
    try:
        return DELIMITERS[name]
    except (KeyError, TypeError):
        raise BadInputError(f"unknown CSV delimiter {name!r}: choose one of , ; tab |"
                            ) from None


def _check_choice(what: str, fmt: str) -> None:
    if what not in WHATS:
        raise BadInputError(f"cannot export {what!r}: choose one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise BadInputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if what == "summaries" and fmt in BILINGUAL_FORMATS:
        raise BadInputError(f"summaries cannot be exported as {fmt}: use --format json, jsonl, "
                            f"csv or md, or export --what translations as {fmt}")


def has_approved(articles: list[Article], what: str) -> bool:
    """Whether any summary (or segment) of ``articles`` is accepted or corrected."""
    if what == "summaries":
        return any(approved_summary(article) for article in articles)
    return any(approved_segments(article) for article in articles)


def _how_to_approve(what: str) -> str:
    if what == "summaries":
        return ("accept or correct summaries first "
                "(python -m review decide ID --summary --accept --reviewer NAME)")
    return ("accept or correct segments first "
            "(python -m review decide ID --segment N --accept --reviewer NAME)")


def _render(articles: list[Article], what: str, fmt: str, delimiter: str = ",") -> str:
    return FORMAT_TABLE[fmt].render(articles, what, delimiter)


def _render_records(articles: list[Article], what: str, fmt: str, delimiter: str) -> str:
    if what == "summaries":
        rows, fields = records.summary_records(articles), records.SUMMARY_FIELDS
    else:
        rows, fields = records.translation_records(articles), records.TRANSLATION_FIELDS
    if fmt == "csv":
        return tabular.to_csv(rows, fields, delimiter)
    return tabular.to_json(rows) if fmt == "json" else tabular.to_jsonl(rows)
