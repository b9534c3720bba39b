"""Approved work as one self-contained, readable html page.

The page needs nothing from outside: CSS in one ``<style>`` element, no scripts, no images,
no links to follow. Every text from an article, a reviewer or a model is html-escaped
(``&``, ``<``, ``>``, both quotes), so markup in a title or summary shows as the characters
it is; a Content-Security-Policy that allows nothing but that style keeps even a mistake
from loading or running anything.
"""
from __future__ import annotations

import html

from review.exporters.articles import ArticleDoc, Row, clean, rows
from review.exporters.digest import SummaryItem, approval, made_by

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'"
_STYLE = """
body { font-family: Georgia, "Times New Roman", serif; color: #1d1d1d; background: #fff;
       max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.55; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.8em; } h2 { font-size: 1.35em; margin-top: 2em; } h3 { font-size: 1.1em; }
.meta, .byline, .stamp { font-family: "Helvetica Neue", Arial, sans-serif; font-size: .85em;
                         color: #555; margin: .2em 0; }
.stamp { color: #8a4b00; }
article + article { border-top: 1px solid #ddd; margin-top: 2.5em; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { border: 1px solid #ccc; padding: .4em .6em; vertical-align: top; text-align: left; }
th { background: #f3f3f3; } td { width: 50%; }
table.report { font-family: Arial, sans-serif; font-size: .85em; }
table.report td { width: auto; }
tr.heading td { font-weight: bold; }
.status { display: block; font-family: Arial, sans-serif; font-size: .8em; color: #555; }
.status.rejected, .status.unreviewed, .status.draft { color: #8a4b00; }
""".strip()


def escape(text: str | None) -> str:
    """``text`` as html text: control characters dropped, markup escaped, quotes included."""
    return html.escape(clean(text), quote=True)


def lines(text: str | None) -> str:
    """A multi-line text escaped, its line breaks kept as ``<br>``."""
    return "<br>\n".join(escape(line) for line in clean(text).split("\n"))


def page(title: str, body: list[str]) -> str:
    """The whole document around ``body`` (html already escaped)."""
    head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n")
    return head + "\n".join(body) + "\n</body>\n</html>\n"


def summaries_html(items: list[SummaryItem]) -> str:
    """A digest: per article its English title, source and date, the summary, who approved
    it when, how it was made and, when segments were still open, the stamp."""
    body = ["<h1>Approved summaries</h1>"]
    for item in items:
        meta = _meta(item)
        body += ["<article>", f"<h2>{escape(item.english_title)}</h2>",
                 f'<p class="meta">{escape(meta)}</p>' if meta else "",
                 f"<p>{lines(item.text)}</p>",
                 f'<p class="byline">{escape(made_by(item))}; '
                 f"{escape(approval(item))}</p>"]
        if item.stamp:
            body.append(f'<p class="stamp">{escape(item.stamp)}</p>')
        body.append("</article>")
    return page("Approved summaries", [part for part in body if part])


def _meta(item: SummaryItem) -> str:
    parts = [] if item.title_state == "german" else [f"German title: {item.article.title}"]
    parts += [f"Source: {item.source}"] if item.source else []
    parts += [f"Date: {item.date}"] if item.date else []
    return " · ".join(" ".join(clean(part).split()) for part in parts)


def articles_html(docs: list[ArticleDoc]) -> str:
    """Each article: its title, source line, then its headings and paragraphs."""
    body = []
    for doc in docs:
        body += ["<article>", f"<h1>{escape(doc.title)}</h1>"]
        body += [f'<p class="meta">{escape(doc.meta)}</p>'] if doc.meta else []
        for block in doc.blocks:
            tag = "h2" if block.kind == "heading" else "p"
            body.append(f"<{tag}>{lines(block.text)}</{tag}>")
        body.append("</article>")
    return page(_page_title(docs), body)


def bilingual_html(docs: list[ArticleDoc], drafts: bool) -> str:
    """Each article: its title, source line, then a table German | English, row by segment,
    the English cell saying the segment's status."""
    body = []
    for doc in docs:
        body += ["<article>", f"<h1>{escape(doc.title)}</h1>"]
        body += [f'<p class="meta">{escape(doc.meta)}</p>'] if doc.meta else []
        body.append("<table>\n<tr><th>German</th><th>English</th></tr>")
        body += [_row(row) for row in rows(doc.article, drafts)]
        body += ["</table>", "</article>"]
    return page(_page_title(docs), body)


def _row(row: Row) -> str:
    kind = ' class="heading"' if row.kind == "heading" else ""
    return (f'<tr{kind}><td lang="de">{lines(row.german)}</td>'
            f"<td>{lines(row.english)}"
            f'<span class="status {row.status}">{escape(row.status)}</span></td></tr>')


def _page_title(docs: list[ArticleDoc]) -> str:
    return docs[0].title if len(docs) == 1 else f"{len(docs)} articles"
