"""`python -m review export`: approved summaries, articles or translations, or the quality
report, to stdout or a file."""
from __future__ import annotations

import os
import stat
import sys

import click

from review.commands.options import store_option
from review.export import FORMATS, WHATS


@click.command("export")
@store_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="Output format (docx needs -o).")
@click.option("--what", type=click.Choice(WHATS), default=None,
              help="What to export [default: summaries; translations for tmx and xliff; "
                   "articles for txt and bilingual-*]. lqa: the quality report (json, csv, "
                   "html).")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Write to FILE atomically instead of stdout ('-' is stdout). FILE must "
                   "be a regular file or a new name in an existing folder.")
@click.option("--delimiter", metavar="CHAR", default=None,
              help="CSV delimiter: , ; tab (or \\t) or | [default: ,]. Use ; for a German "
                   "Excel.")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="CSV: start with a UTF-8 byte order mark, so Excel shows umlauts right.")
@click.option("--with-drafts", "drafts", is_flag=True, default=False,
              help="Articles: show unreviewed machine English, marked [draft].")
def command(store, fmt, what, output, delimiter, bom, drafts):
    """Export approved work: summaries, whole articles in English, or segment translations;
    or the quality report (--what lqa).

    Only approved work is exported: pending and rejected segments and boilerplate never
    (articles --with-drafts: unreviewed machine English marked [draft]). Output is sorted by
    article id and segment index, so the same store gives the same bytes. Summaries export
    as json, jsonl, csv or md, or as a digest to read (html, docx): English title, source,
    date, who approved it when; a summary approved before a segment was rejected or reopened
    is left out with a warning. Articles export as md, html, docx or txt, or German beside
    English as bilingual-html or bilingual-docx. tmx (TMX 1.4b) and xliff (XLIFF 2.0, every
    approved segment state="final"; 2.1 with the review's errors as ITS quality issues and
    comments as notes) hold segment pairs. lqa is the quality report as json, csv or html:
    the scorecards (see `python -m review lqa`), every error recorded and every comment.
    CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
    get a leading '. Unreadable article files are reported one line each and skipped: the
    rest is exported and the exit code is 1.

    \b
    Example:
      python -m review export --format csv -o summaries.csv
      python -m review export --format csv --delimiter ';' -o summaries.csv
      python -m review export --format docx -o summaries.docx
      python -m review export --what articles --format html -o articles.html
      python -m review export --what articles --format bilingual-docx -o review.docx
      python -m review export --what translations --format tmx -o approved.tmx
      python -m review export --what translations --format jsonl | head
      python -m review export --what lqa --format html -o quality.html
    """
    from review.export import default_what, store_exporter
    from review.store import ArticleStore
    from review.terminal import printable

    what = what or default_what(fmt)
    separator = _checked(fmt, what, delimiter, drafts, output)
    articles_store = ArticleStore(store)
    exporter = store_exporter(articles_store, what, fmt)
    articles, problems = articles_store.scan()
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    if not articles and not problems:
        raise _empty_store(articles_store.root)
    made = exporter.export(articles, what, fmt, where=str(articles_store.root),
                           delimiter=separator, bom=bom, drafts=drafts,
                           warn=lambda line: click.echo(f"warning: {printable(line)}", err=True))
    _write(made, output)
    if problems:
        sys.exit(1)


def _checked(fmt: str, what: str, delimiter: str | None, drafts: bool,
             output: str | None) -> str:
    """The CSV delimiter character, once the choices and -o are known to fit together;
    BadInputError, one line with the fix, otherwise."""
    from review.errors import BadInputError
    from review.export import check_choice, csv_delimiter

    if delimiter is not None and fmt != "csv":
        raise BadInputError(f"--delimiter applies to csv only, not {fmt}: drop it or use "
                            "--format csv")
    check_choice(what, fmt, drafts)
    separator = csv_delimiter("," if delimiter is None else delimiter)
    check_binary_output(fmt, output)
    check_output(output)
    return separator


def check_binary_output(fmt: str, output: str | None) -> None:
    """A binary format (docx) goes to a file, never to a terminal or a pipe."""
    from review.errors import BadInputError
    from review.export import FORMAT_TABLE

    if FORMAT_TABLE[fmt].binary and (output is None or output == "-"):
        raise BadInputError(f"{fmt} is a binary file, not text for stdout: give -o "
                            f"FILE.docx")


def _empty_store(root) -> Exception:
    from review.errors import NothingToDoError

    return NothingToDoError(f"store {root} has no articles: add some with "
                            "`python -m review add PATH`")


_FIX = "choose a regular file or a new file name in an existing folder with -o"


def check_output(output: str | None) -> None:
    """Refuse -o unless it names a regular file or a new name in an existing folder.

    Writing replaces the path, so a symlink, FIFO, device (/dev/full) or folder there would
    be swapped for a plain file; an empty path or / cannot be a file at all.
    """
    from review.errors import BadInputError

    if output is None or output == "-":
        return
    if output == "":
        raise BadInputError(f"cannot write '': an empty path is no file; {_FIX}")
    try:
        mode = os.lstat(output).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise BadInputError(f"cannot write {output}: {err.strerror or type(err).__name__}; "
                            f"{_FIX}") from None
    if mode is not None:
        if not stat.S_ISREG(mode):
            raise BadInputError(f"cannot write {output}: it is {_kind(mode)}, not a regular "
                                f"file; {_FIX}")
        return
    if output.endswith(("/", os.sep)):
        raise BadInputError(f"cannot write {output}: a name ending in / is a folder; {_FIX}")
    folder = os.path.dirname(output) or "."
    if not os.path.isdir(folder):
        raise BadInputError(f"cannot write {output}: folder {folder} does not exist; {_FIX}")


def _kind(mode: int) -> str:
    kinds = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
             (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def _write(made: str | bytes, output: str | None) -> None:
    """Print to stdout, or replace FILE in one step so no half-written file is ever seen."""
    if output is None or output == "-":
        click.echo(made, nl=False)
        return
    from review.atomic import write_atomic
    from review.errors import BadInputError

    try:
        write_atomic(output, made)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise BadInputError(f"cannot write {output}: {reason}; choose a writable file "
                            "with -o") from None
