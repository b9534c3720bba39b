"""``python -m review drafts``: the text reviewers typed but did not decide on yet."""
from __future__ import annotations

import json

import click

from review.commands.options import store_option


@click.command("drafts")
@click.argument("article_id", required=False, metavar="[ID]")
@click.option("--reviewer", metavar="NAME", help="Only this reviewer's drafts.")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON list: [{"article","target","reviewer","text","saved_at"}].')
@store_option
def command(article_id, reviewer, as_json, store):
    """List the drafts kept on the server: text typed into a segment or summary editor and
    not yet confirmed (target: the segment number, or "summary"). Drafts are never exported
    and never count as reviewed.

    \b
    Example:
      python -m review drafts --reviewer alice --json
      python -m review drafts 000_aed0e7e85b1c3751
    """
    from review.drafts import Drafts
    from review.store import ArticleStore

    articles = ArticleStore(store)
    if article_id is not None:
        articles.existing_path(article_id)
    found = Drafts(articles).of(article_id, reviewer)
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in found], ensure_ascii=False))
        return
    for draft in found:
        where = "summary" if draft.target == "summary" else f"segment {draft.target}"
        text = "".join(c if c.isprintable() else " " for c in " ".join(draft.text.split()))
        click.echo(f"{draft.article} {where} {draft.reviewer} {draft.saved_at}: "
                   f"{text[:70] + '…' if len(text) > 70 else text}")
    if not found:
        click.echo("no drafts", err=True)
