"""`python -m review export`: approved summaries or translations, to stdout or a file."""
from __future__ import annotations

import sys

import click

from review.commands.options import store_option
from review.export import FORMATS, WHATS


@click.command("export")
@store_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="Output format.")
@click.option("--what", type=click.Choice(WHATS), default=None,
              help="What to export [default: summaries; translations for tmx and xliff].")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Write to FILE atomically instead of stdout ('-' is stdout).")
def command(store, fmt, what, output):
    """Export approved work: accepted or corrected summaries, or segment translations.

    Only approved work is exported: pending and rejected segments and boilerplate never.
    Output is sorted by article id and segment index, so the same store gives the same bytes.
    Summaries export as json, jsonl, csv or md; tmx (TMX 1.4b) and xliff (XLIFF 2.1, every
    approved segment state="final") hold segment pairs. Unreadable article files are
    reported one line each and skipped: the rest is exported and the exit code is 1.

    \b
    Example:
      python -m review export --format csv -o summaries.csv
      python -m review export --what translations --format tmx -o approved.tmx
      python -m review export --what translations --format jsonl | head
    """
    from review.export import default_what, export
    from review.store import ArticleStore

    articles_store = ArticleStore(store)
    articles, problems = articles_store.scan()
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    if not articles and not problems:
        raise _empty_store(articles_store.root)
    text = export(articles, what or default_what(fmt), fmt, where=str(articles_store.root))
    _write(text, output)
    if problems:
        sys.exit(1)


def _empty_store(root) -> Exception:
    from review.errors import NothingToDoError

    return NothingToDoError(f"store {root} has no articles: add some with "
                            "`python -m review add PATH`")


def _write(text: str, output: str | None) -> None:
    """Print to stdout, or replace FILE in one step so no half-written file is ever seen."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from review.atomic import write_atomic
    from review.errors import BadInputError

    try:
        write_atomic(output, text)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise BadInputError(f"cannot write {output}: {reason}; choose a writable file "
                            "with -o") from None
