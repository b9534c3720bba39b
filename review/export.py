"""Export approved work: summaries, whole articles or segment translations.

Only approved work leaves the tool: accepted or corrected summaries, and accepted or
corrected segments (boilerplate never). Output is deterministic: articles sorted by id,
segments by index, fixed key order, and no time except the decision times in the data.
Summaries export as data (json, jsonl, csv, md) or as a finished digest to read (html,
docx); whole articles in reviewed English as md, html, docx or txt, or beside their German
(bilingual-html, bilingual-docx); tmx and xliff carry segment pairs only (xliff with the
review's errors and comments). The quality report (lqa: scorecards, errors, comments) exports
as json, csv or html. docx is bytes. No format names a folder of the server: articles are
named by ``Article.source_name``.

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
from review.lqa.profile import DEFAULT, Profile
from review.exporters import articles as article_docs
from review.exporters import markdown, records, tabular
from review.exporters.select import approved_segments, sorted_articles, summary_choices

WHATS = ("summaries", "articles", "translations", "lqa")
SUMMARIES, ARTICLES, TRANSLATIONS = ("summaries",), ("articles",), ("translations",)


@dataclass(frozen=True)
class Options:
    """What a renderer may need beside the articles and what to export."""
    delimiter: str = ","  # csv
    drafts: bool = False  # articles: unreviewed machine output shown marked [draft]
    profile: Profile = DEFAULT  # lqa and xliff: the LQA profile errors are weighed with


@dataclass(frozen=True)
class Format:
    """One export format: MIME type, what it can carry, its renderer, whether it is bytes."""
    mime: str
    whats: tuple[str, ...]
    render: Callable[[list[Article], str, Options], str | bytes]  # (articles, what, options)
    binary: bool = False


def _records(fmt: str):
    return lambda articles, what, options: _render_records(articles, what, fmt, options)


def _markdown(articles: list[Article], what: str, options: Options) -> str:
    if what == "articles":
        return markdown.articles_md(article_docs.article_docs(articles, options.drafts))
    render = markdown.summaries_md if what == "summaries" else markdown.translations_md
    return render(articles)


def _html(articles: list[Article], what: str, options: Options) -> str:
    from review.exporters import digest, html

    if what == "summaries":
        return html.summaries_html(digest.summary_items(articles))
    if what == "lqa":
        from review.exporters.lqa import lqa_html

        return lqa_html(articles, options.profile)
    return html.articles_html(article_docs.article_docs(articles, options.drafts))


def _docx(articles: list[Article], what: str, options: Options) -> bytes:
    from review.exporters import digest, docx

    if what == "summaries":
        return docx.summaries_docx(digest.summary_items(articles))
    return docx.articles_docx(article_docs.article_docs(articles, options.drafts))


def _txt(articles: list[Article], _what: str, options: Options) -> str:
    return article_docs.articles_txt(article_docs.article_docs(articles, options.drafts))


def _bilingual(kind: str):
    def render(articles: list[Article], _what: str, options: Options) -> str | bytes:
        from review.exporters import docx, html

        docs = article_docs.article_docs(articles, options.drafts)
        make = html.bilingual_html if kind == "html" else docx.bilingual_docx
        return make(docs, options.drafts)
    return render


def _tmx(articles: list[Article], _what: str, _options: Options) -> str:
    from review.exporters.tmx import translations_tmx

    return translations_tmx(articles)


def _xliff(articles: list[Article], _what: str, options: Options) -> str:
    from review.exporters.xliff import translations_xliff

    return translations_xliff(articles, options.profile)


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DATA = ("summaries", "translations")
_READING = ("summaries", "articles")
_REPORT = ("lqa",)
# The one table of formats: the CLI's choices, the app's lists and MIME types come from it.
FORMAT_TABLE = {
    "json": Format("application/json", _DATA + _REPORT, _records("json")),
    "jsonl": Format("application/x-ndjson", _DATA, _records("jsonl")),
    "csv": Format("text/csv", _DATA + _REPORT, _records("csv")),
    "md": Format("text/markdown", WHATS, _markdown),
    "tmx": Format("application/x-tmx+xml", TRANSLATIONS, _tmx),
    "xliff": Format("application/xliff+xml", TRANSLATIONS, _xliff),
    "html": Format("text/html", _READING + _REPORT, _html),
    "docx": Format(DOCX_MIME, _READING, _docx, binary=True),
    "txt": Format("text/plain", ARTICLES, _txt),
    "bilingual-html": Format("text/html", ARTICLES, _bilingual("html")),
    "bilingual-docx": Format(DOCX_MIME, ARTICLES, _bilingual("docx"), binary=True),
}
FORMATS = tuple(FORMAT_TABLE)
# Formats that hold segment pairs only (translation-industry formats).
BILINGUAL_FORMATS = tuple(name for name, f in FORMAT_TABLE.items() if f.whats == TRANSLATIONS)
BOM = "\ufeff"
# What --delimiter accepts, and the character each name stands for.
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "\\t": "\t", "tab": "\t", "|": "|"}


def formats_for(what: str) -> tuple[str, ...]:
    """The formats that can carry ``what``, in table order."""
    return tuple(name for name, spec in FORMAT_TABLE.items() if what in spec.whats)


def default_what(fmt: str) -> str:
    """What to export when not told: summaries where the format carries them, else what it
    was made for (translations for tmx and xliff, articles for txt and the bilingual ones)."""
    whats = FORMAT_TABLE[fmt].whats if fmt in FORMAT_TABLE else SUMMARIES
    return "summaries" if "summaries" in whats else whats[0]


@dataclass(frozen=True)
class Exporter:
    """Exports whose errors are weighed by ``profile``, the store's LQA profile (lqa and xliff
    use it): ``Exporter(profile).export(...)``; the module's ``export`` uses the default."""
    profile: Profile = DEFAULT

    def export(self, articles: list[Article], what: str = "summaries", fmt: str = "json",
               where: str | None = None, delimiter: str = ",", bom: bool = True,
               drafts: bool = False, warn: Callable[[str], None] | None = None) -> str | bytes:
        """The approved ``what`` of ``articles`` as ``fmt``: text, or bytes for a binary
        format (docx); ``where`` names them in errors.

        ``delimiter`` (one of DELIMITERS) and ``bom`` (a leading U+FEFF) apply to csv only,
        ``drafts`` to articles only. ``warn`` gets one line per summary left out (see
        ``select.summary_choice``). Raises BadInputError for an unknown what/format/delimiter
        or a format that cannot carry ``what``, and NothingToDoError when nothing is approved
        (for lqa: nothing reviewed).
        """
        check_choice(what, fmt, drafts)
        separator = csv_delimiter(delimiter)
        ordered = sorted_articles(articles)
        if not has_approved(ordered, what, drafts, warn):
            place = f" in {where}" if where else ""
            nothing = "reviewed" if what == "lqa" else "approved"
            raise NothingToDoError(f"nothing {nothing} to export{place}: "
                                   f"{_how_to_approve(what)}")
        made = _render(ordered, what, fmt, Options(separator, drafts, self.profile))
        if isinstance(made, bytes):
            return made
        # A lone surrogate (possible in a hand-edited JSON file) cannot be written as UTF-8.
        made = LONE_SURROGATE.sub("\ufffd", made)
        return BOM + made if fmt == "csv" and bom else made


export = Exporter().export


def store_exporter(store, what: str, fmt: str) -> Exporter:
    """An Exporter for ``store``: with its LQA profile where the export weighs errors (lqa,
    xliff), else the default, so a bad lqa.toml refuses (one line) only where it matters."""
    from review.annotations import profile_of

    return Exporter(profile_of(store) if what == "lqa" or fmt == "xliff" else DEFAULT)


def csv_delimiter(name: str) -> str:
    """The delimiter character ``name`` stands for; BadInputError for anything else."""
    try:
        return DELIMITERS[name]
    except (KeyError, TypeError):
        raise BadInputError(f"unknown CSV delimiter {name!r}: choose one of , ; tab |"
                            ) from None


def check_choice(what: str, fmt: str, drafts: bool = False) -> None:
    """BadInputError, one line with the fix, unless ``fmt`` can carry ``what`` (and
    ``drafts`` is asked only of articles)."""
    if what not in WHATS:
        raise BadInputError(f"cannot export {what!r}: choose one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise BadInputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if what not in FORMAT_TABLE[fmt].whats:
        raise BadInputError(f"{what} cannot be exported as {fmt}: use --format "
                            f"{_choices(what)}, or export --what "
                            f"{' or '.join(FORMAT_TABLE[fmt].whats)} as {fmt}")
    if drafts and what != "articles":
        raise BadInputError(f"--with-drafts applies to --what articles only, not {what}: drop "
                            "it, or export --what articles")


def _choices(what: str) -> str:
    if what == "summaries":
        return "json, jsonl, csv or md for data, html or docx for reading"
    *most, last = formats_for(what)
    return f"{', '.join(most)} or {last}"


def has_approved(articles: list[Article], what: str, drafts: bool = False,
                 warn: Callable[[str], None] | None = None) -> bool:
    """Whether ``what`` of ``articles`` has anything to export: a summary the export carries
    (each one left out is a line to ``warn``), an approved segment, or with ``drafts`` an
    undecided one with machine output."""
    if what == "summaries":
        choices = summary_choices(articles)
        for choice in choices:
            if choice.problem and warn:
                warn(choice.problem)
        return any(choice.problem is None for choice in choices)
    if what == "articles":
        return any(article_docs.has_english(article, drafts) for article in articles)
    if what == "lqa":
        from review.exporters.lqa import has_review

        return has_review(articles)
    return any(approved_segments(article) for article in articles)


def _how_to_approve(what: str) -> str:
    if what == "summaries":
        return ("accept or correct summaries first "
                "(python -m review decide ID --summary --accept --reviewer NAME)")
    if what == "lqa":
        return ("review segments first (python -m review decide ID --segment N --reject "
                "--error TYPE:SEVERITY --reviewer NAME, or --accept)")
    drafts = " (or export articles --with-drafts)" if what == "articles" else ""
    return ("accept or correct segments first "
            f"(python -m review decide ID --segment N --accept --reviewer NAME){drafts}")


def _render(articles: list[Article], what: str, fmt: str, options: Options) -> str | bytes:
    return FORMAT_TABLE[fmt].render(articles, what, options)


def _render_records(articles: list[Article], what: str, fmt: str, options: Options) -> str:
    if what == "lqa":
        return _render_report(articles, fmt, options)
    if what == "summaries":
        rows, fields = records.summary_records(articles), records.SUMMARY_FIELDS
    else:
        rows, fields = records.translation_records(articles), records.TRANSLATION_FIELDS
    if fmt == "csv":
        return tabular.to_csv(rows, fields, options.delimiter)
    return tabular.to_json(rows) if fmt == "json" else tabular.to_jsonl(rows)


def _render_report(articles: list[Article], fmt: str, options: Options) -> str:
    """The quality report as json (one document) or csv (one table of scorecards, errors and
    comments)."""
    from review.exporters import lqa

    if fmt == "csv":
        return tabular.to_csv(lqa.csv_records(articles, options.profile), lqa.FIELDS,
                              options.delimiter)
    return tabular.to_json(lqa.report(articles, options.profile))
