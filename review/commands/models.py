"""`python -m review models list|pull|check`: which models are configured, fetch them, test them."""
from __future__ import annotations

import sys

import click


@click.group("models")
def command():
    """Show, fetch and check the translation and summary models.

    A model is a Hugging Face hub id or a local folder: set REVIEW_MT_MODEL and
    REVIEW_SUM_MODEL (or --mt-model / --sum-model on `translate`) to use others, and
    REVIEW_SECOND_MODEL for a second opinion (shown as "second opinion" when set).

    \b
    Example:
      python -m review models pull && python -m review models check
    """


@command.command("list")
def list_models():
    """Show each role's model id, where it is configured, where it resolves, and its engine.

    Never downloads anything.

    \b
    Example:
      REVIEW_MT_MODEL=./opus-mt-de-en python -m review models list
    """
    from models import registry

    rows = []
    for status in registry.check_models():
        where = str(status.path) if status.path else "not available, see `models check`"
        rows.append([status.role, status.model_id, f"({registry.configured_by(status.role)})",
                     status.engine or "-", f"{status.source}: {where}"])
    _print_table(rows)


@command.command("check")
def check_models():
    """Say whether each role's model is usable right now; exit 1 if any is not.

    Checks the files without loading the model, so it is quick.

    \b
    Example:
      HF_HUB_OFFLINE=1 python -m review models check
    """
    from models import registry

    statuses = registry.check_models()
    _print_table([[s.role, s.model_id, s.engine or "-", "usable" if s.usable else s.problem]
                  for s in statuses])
    if not all(s.usable for s in statuses):
        sys.exit(1)


@command.command("pull")
@click.option("--no-convert", is_flag=True,
              help="Only download; skip the CTranslate2 conversion (the faster engine).")
def pull_models(no_convert):
    """Download every configured model into the Hugging Face cache, and convert it.

    Run this once on a connected machine; afterwards everything works offline
    (HF_HUB_OFFLINE=1). Models given as local folders are only converted. Exit 1 if any
    model could not be fetched or converted.

    \b
    Example:
      python -m review models pull
    """
    from models import registry

    def report(result) -> None:
        if result.problem:
            click.echo(f"error: {result.problem}", err=True)
            return
        done = f"{result.role} {result.model_id}: {result.path}"
        if result.converted:
            done += f" (CTranslate2: {result.converted})"
        click.echo(done)

    results = registry.pull_models(convert=not no_convert, on_result=report)
    if any(r.problem for r in results):
        sys.exit(1)


def _print_table(rows: list[list[str]]) -> None:
    # Pad every column but the last, which holds free text (paths, fixes).
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        click.echo("  ".join(cells))
