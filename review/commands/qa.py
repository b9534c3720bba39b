"""`python -m review qa`: consistency of approved translations across the store."""
from __future__ import annotations

import json
import sys

import click

from review.commands.options import store_option

KINDS = {"same_source": "same German, different English",
         "same_target": "same English, different German"}


@click.command("qa")
@store_option
@click.argument("article_id", required=False, metavar="[ID]")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"conflicts": [{"kind", "text", "units": [{"source", "target", '
                   '"origin"}]}]}.')
def command(store, article_id, as_json):
    """Report inconsistent translations: the same German approved with different English
    ("same_source"), and one English approved for different German ("same_target").

    Compares every approved segment with the others and with the imported memory (German
    and English compared after normalizing spaces, quotes and dashes); a conflict always
    involves at least one approved segment of the store. With ID, only conflicts involving
    that article. Exit 0 when there is none, 1 when some are found (or an article file could
    not be read), 2 on bad input such as an unknown ID.

    \b
    Example:
      python -m review qa
      python -m review qa 000_aed0e7e85b1c3751 --json
    """
    from review.memory import Memory
    from review.store import ArticleStore

    articles_store = ArticleStore(store)
    if article_id is not None:
        articles_store.get(article_id)  # one line, exit 2, for an unknown or unreadable ID
    memory = Memory.load(articles_store)
    for problem in memory.problems:
        click.echo(f"warning: {problem}", err=True)
    conflicts = memory.conflicts(article_id)
    if as_json:
        click.echo(json.dumps({"conflicts": [c.to_dict() for c in conflicts]},
                              ensure_ascii=False, indent=1))
    else:
        _print(conflicts, len(memory.store_units), article_id)
    if conflicts or memory.problems:
        sys.exit(1)


def _print(conflicts, approved: int, article_id: str | None) -> None:
    from review.terminal import printable  # units are outside text: no escape reaches the tty

    where = f" involving {article_id}" if article_id else ""
    if not conflicts:
        click.echo(f"no conflicts{where} among {approved} approved segments")
        return
    for conflict in conflicts:
        click.echo(f"{KINDS[conflict.kind]}: {printable(conflict.text)}")
        other = "target" if conflict.kind == "same_source" else "source"
        origins = [printable(unit.origin) for unit in conflict.units]
        width = max(len(origin) for origin in origins)
        for unit, origin in zip(conflict.units, origins):
            click.echo(f"  {origin.ljust(width)}  {printable(getattr(unit, other))}")
        click.echo()
    counts = {kind: sum(c.kind == kind for c in conflicts) for kind in KINDS}
    click.echo(f"{len(conflicts)} conflict{'s' if len(conflicts) != 1 else ''}{where}: "
               f"{counts['same_source']} {KINDS['same_source']}, "
               f"{counts['same_target']} {KINDS['same_target']}")
