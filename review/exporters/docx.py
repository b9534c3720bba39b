"""Approved work as a Word document (python-docx), returned as bytes.

Per summary: the English title as a heading, one metadata line (German title, source, date,
who approved it when, how it was made, the stamp), then the summary. Per article: its title,
its source line, its headings and paragraphs; or, bilingual, a table German | English with
each segment's status. The same store gives the same bytes: the zip entries carry a fixed
time, and the document's dates are the newest decision it shows.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from review.exporters.articles import ArticleDoc, Row, clean, rows
from review.exporters.digest import SummaryItem, approval, made_by
from review.exporters.xmlutil import xml_text

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def text(value: str | None) -> str:
    """Text a Word document can hold: no control characters or lone surrogates."""
    return xml_text(clean(value))


def summaries_docx(items: list[SummaryItem]) -> bytes:
    document = _document("Approved summaries")
    document.add_heading("Approved summaries", 0)
    for item in items:
        document.add_heading(text(" ".join(item.english_title.split())), 1)
        meta = document.add_paragraph()
        meta.add_run(text(_meta(item))).italic = True
        document.add_paragraph(text(item.text))
    return _saved(document, [item.summary.decision.time for item in items])


def _meta(item: SummaryItem) -> str:
    parts = [] if item.title_state == "german" else [f"German title: {item.article.title}"]
    parts += [f"Source: {item.source}"] if item.source else []
    parts += [f"Date: {item.date}"] if item.date else []
    parts += [approval(item), made_by(item)] + ([item.stamp] if item.stamp else [])
    return " · ".join(" ".join(part.split()) for part in parts)


def articles_docx(docs: list[ArticleDoc]) -> bytes:
    """Each article from a new page: title, source line, headings and paragraphs."""
    document = _document(_title(docs))
    for number, doc in enumerate(docs):
        _article_head(document, doc, number)
        for block in doc.blocks:
            if block.kind == "heading":
                document.add_heading(text(block.text), 1)
            else:
                document.add_paragraph(text(block.text))
    return _saved(document, _times(docs))


def bilingual_docx(docs: list[ArticleDoc], drafts: bool) -> bytes:
    """Each article from a new page: title, source line, a table German | English."""
    document = _document(_title(docs))
    for number, doc in enumerate(docs):
        _article_head(document, doc, number)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        header = table.rows[0].cells
        header[0].text, header[1].text = "German", "English"
        for row in rows(doc.article, drafts):
            _row(table.add_row().cells, row)
    return _saved(document, _times(docs))


def _row(cells, row: Row) -> None:
    heading = row.kind == "heading"
    cells[0].paragraphs[0].add_run(text(row.german)).bold = heading
    english = cells[1].paragraphs[0]
    if row.english:
        english.add_run(text(row.english)).bold = heading
        english.add_run("\n")
    english.add_run(row.status).italic = True


def _article_head(document, doc: ArticleDoc, number: int) -> None:
    if number:
        document.add_page_break()
    document.add_heading(text(doc.title), 0)
    if doc.meta:
        document.add_paragraph().add_run(text(doc.meta)).italic = True


def _document(title: str):
    import docx

    document = docx.Document()
    core = document.core_properties
    core.title, core.author, core.last_modified_by = text(title)[:255], "review", "review"
    core.comments = ""
    return document


def _title(docs: list[ArticleDoc]) -> str:
    return docs[0].title if len(docs) == 1 else f"{len(docs)} articles"


def _times(docs: list[ArticleDoc]) -> list[str | None]:
    return [seg.decision.time for doc in docs for seg in doc.article.segments]


def _saved(document, times: list[str | None]) -> bytes:
    newest = _newest(times)
    if newest is not None:
        document.core_properties.created = document.core_properties.modified = newest
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue())


def _newest(times: list[str | None]) -> datetime | None:
    moments = []
    for value in times:
        try:
            moment = datetime.fromisoformat(value) if value else None
        except ValueError:
            continue
        if moment is not None:
            moments.append(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
    return max(moments).astimezone(timezone.utc).replace(tzinfo=None) if moments else None


def stable_zip(data: bytes) -> bytes:
    """The zip ``data`` again with every entry's time fixed, so equal content gives equal
    bytes (python-docx stamps each entry with the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
