"""`python -m review memory lookup|search|import|export`: the translation memory."""
from __future__ import annotations

import json
import sys

import click

from review.commands.options import store_option


@click.group("memory")
def command():
    """Look up, search, import and export the translation memory.

    The memory is every approved (accepted or corrected) segment in the store, as it stands
    after every decision and undo, plus the units imported from TMX files (kept in
    memory/imported.jsonl in the store). German matches exactly after normalizing spaces,
    quotes and dashes (score 1.0), otherwise by fuzzy similarity (0 to 1).

    \b
    Example:
      python -m review memory import vendor.tmx
      python -m review memory lookup "Der Zug fährt um 8 Uhr ab." --json
    """


@command.command("lookup")
@store_option
@click.argument("text")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON list of {"source", "target", "score", "origin"}, best first.')
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="At most this many matches per query.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Lowest fuzzy score shown (exact matches always are).")
def lookup(store, text, as_json, limit, threshold):
    """Find the memory's translations of a German sentence: exact first, then fuzzy.

    TEXT "-" reads one query a line from stdin and answers each at once (one JSON list a
    line with --json), so a pipe can stream queries; stdin must be UTF-8. Scores are 1.0 for an exact match
    (after normalizing spaces, quotes and dashes), below 1 for fuzzy ones. Exit 0; 1 when
    some article file could not be read (warned on stderr; the rest is searched); 2 when a
    line of stdin is not UTF-8 (the lines before it are answered).

    \b
    Example:
      python -m review memory lookup "Die Bahn streikt." --json
      printf 'Die Bahn streikt.\\nDer Zug fährt.\\n' | python -m review memory lookup - --json
    """
    memory, problems = _load(store)
    if text == "-":
        for query in _stdin_queries():
            _answer(memory, query, limit, threshold, as_json, heading=True)
    else:
        _answer(memory, text, limit, threshold, as_json, heading=False)
    _exit(problems)


@command.command("search")
@store_option
@click.argument("text")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON list of {"source", "target", "origin", "status", '
                   '"source_spans", "target_spans"}.')
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="At most this many hits.")
def search(store, text, as_json, limit):
    """Concordance: where a German or English word or phrase occurs, with highlights.

    Searches, case-insensitively, the approved segments, the store's other segments (pending
    machine output and rejected ones, marked by their status) and the imported units. Plain
    quotes, hyphens and spaces in TEXT also match typographic ones. Matches are shown in
    [[double brackets]]; with --json, spans are [start, end) character offsets.

    \b
    Example:
      python -m review memory search "Bundestag"
      python -m review memory search "power plant" --json
    """
    from review.errors import BadInputError
    from review.terminal import printable

    if not text.strip():
        raise BadInputError("the search term is empty; give a word or phrase, e.g. "
                            "python -m review memory search Bundestag")
    memory, problems = _load(store)
    hits = memory.search(text, limit=limit)
    if as_json:
        click.echo(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False))
    else:
        for hit in hits:
            click.echo(f"{printable(hit.unit.origin)} ({hit.status})")
            click.echo(f"  de: {_marked(hit.unit.source, hit.source_spans)}")
            click.echo(f"  en: {_marked(hit.unit.target, hit.target_spans)}")
        if not hits:
            click.echo(f"no match for {text!r} in the memory or the store")
        elif len(hits) >= limit:
            click.echo(f"{len(hits)} hits shown; there may be more: raise --limit")
        else:
            click.echo(f"{len(hits)} hit{'s' if len(hits) != 1 else ''}")
    _exit(problems)


@command.command("import")
@store_option
@click.argument("files", nargs=-1, required=True, metavar="FILE.tmx...")
def import_files(store, files):
    """Add the units of TMX files (TMX 1.4b) to the memory.

    German is de, de-DE, de-AT, de-CH (any de-*), English en, en-GB, en-US (any en-*); a
    unit lacking either is skipped and counted, one already in the memory is not added
    again. Inline markup is reduced to its text. Each file is imported whole or not at all:
    a broken or foreign file (not XML, not TMX, no German or English side) is refused in one
    line and the others are still imported. Exit 0; 2 when some file was refused.

    \b
    Example:
      python -m review memory import vendor.tmx old-project.tmx
    """
    from review.errors import BadInputError
    from review.memory import import_tmx_report
    from review.store import ArticleStore

    articles_store = ArticleStore(store)
    failed = False
    for name in files:
        try:
            result = import_tmx_report(articles_store, name)
        except BadInputError as err:
            click.echo(f"error: {err}", err=True)
            failed = True
            continue
        click.echo(result.line())
    if failed:
        sys.exit(2)


@command.command("export")
@store_option
@click.option("-o", "--output", metavar="FILE", required=True,
              help="Write the TMX to FILE atomically ('-' is stdout).")
def export(store, output):
    """Write every memory unit (approved segments and imported units) as TMX 1.4b.

    German is de-DE, English en-US; who decided and when travel in the unit's creationid and
    creationdate, and where it came from in an x-origin prop. Exit 0; 1 when some article
    file could not be read (warned on stderr; the rest is exported); 2 when the memory is
    empty or FILE cannot be written. FILE must be a regular file or a new name in an existing
    folder: a symlink, FIFO or device there is refused, never replaced.

    \b
    Example:
      python -m review memory export -o memory.tmx
    """
    from review.memory.tmx import tmx_document, write_tmx

    _check_output(output)
    memory, problems = _load(store)
    if output == "-":
        click.echo(tmx_document(memory.units), nl=False)
    else:
        count = write_tmx(memory.units, output)
        click.echo(f"exported {count} units to {output}")
    _exit(problems)


def _check_output(output: str) -> None:
    """Refuse what `export -o` refuses (a symlink, FIFO, device, missing folder...); a
    folder is named by ``write_tmx`` itself, as it always was."""
    import os

    from review.commands.export import check_output as check_export_output

    if not os.path.isdir(output):
        check_export_output(output)


def _stdin_queries():
    """stdin's lines, each as soon as it arrives, without its line break; BadInputError
    naming the first line that is not UTF-8 (the ones before it are answered by then)."""
    from review.errors import BadInputError

    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise BadInputError(f"stdin line {number}: byte 0x{raw[err.start]:02x} is not "
                                "UTF-8; give the queries as UTF-8 text (e.g. convert with "
                                "iconv -t UTF-8)") from None
        yield line.rstrip("\r\n")


def _load(store):
    """The memory, with article files that could not be read warned about on stderr."""
    from review.memory import Memory
    from review.store import ArticleStore

    memory = Memory.load(ArticleStore(store))
    for problem in memory.problems:
        click.echo(f"warning: {problem}", err=True)
    return memory, memory.problems


def _answer(memory, query: str, limit: int, threshold: float, as_json: bool,
            heading: bool) -> None:
    from review.terminal import printable

    matches = memory.lookup(query, limit=limit, threshold=threshold)
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in matches], ensure_ascii=False))
    else:
        if heading:
            click.echo(f"> {printable(query)}")
        for match in matches:
            unit = match.unit
            click.echo(f"{match.to_dict()['score']:.3f}  {printable(unit.source)}  ->  "
                       f"{printable(unit.target)}  ({printable(unit.origin)})")
        if not matches:
            click.echo(f"no match at threshold {threshold:.2f} among {len(memory)} units")
    sys.stdout.flush()


def _marked(text: str, spans) -> str:
    """``text`` with each span wrapped in [[...]], safe to print (``printable``)."""
    from review.terminal import printable

    out, last = [], 0
    for start, end in spans:
        out += [printable(text[last:start]), "[[", printable(text[start:end]), "]]"]
        last = end
    out.append(printable(text[last:]))
    return "".join(out)


def _exit(problems: list[str]) -> None:
    if problems:
        sys.exit(1)
