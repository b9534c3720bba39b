"""`python -m review add`: ingest files and folders into the store."""
from __future__ import annotations

import sys

import click

from review.commands.options import store_option


@click.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@store_option
def command(paths, store):
    """Add German articles from files or folders to the review store.

    Reads .txt and .md (UTF-8, first line is the title), .json ({"id"?, "title"?, "text"})
    and .jsonl (one such object per line); folders are searched for those extensions, other
    files in them are ignored. Text already in the store is skipped as a duplicate. A bad
    file (empty, binary, not UTF-8, over 1 MB, not German, malformed JSON) gets one line on
    stderr; the good files are still added and the exit code is 2.

    \b
    Example:
      python -m review add seeds/ more/article.txt --store ./reviews
    """
    from pathlib import Path

    from review.errors import DuplicateArticleError, NothingToDoError
    from review.ingest import collect
    from review.store import ArticleStore
    from review.terminal import printable

    articles, errors = collect([Path(p) for p in paths])
    if not articles and not errors:
        raise NothingToDoError(f"no .txt/.md/.json/.jsonl files in {', '.join(paths)}; "
                               "give article files or folders that hold them")
    target = ArticleStore(store)
    for article in articles:
        try:
            stored = target.add(article)
        except DuplicateArticleError as err:
            click.echo(f"skipped {printable(str(err))}")
            continue
        click.echo(f"added {stored.id}: {printable(stored.title)} "
                   f"({len(stored.segments)} segments)")
    for line in errors:
        click.echo(f"error: {printable(line)}", err=True)
    if errors:
        sys.exit(2)
