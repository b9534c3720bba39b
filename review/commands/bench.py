"""`python -m review bench`: translation and summary speed, load time, memory, one article."""
from __future__ import annotations

import json

import click


@click.command("bench")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--cache", type=click.Path(file_okay=False), default=None,
              help="Where the random full-size bench models are built once "
                   "[default: $REVIEW_CACHE/bench, else ~/.cache/review/bench].")
@click.option("--quick", is_flag=True, help="Fewer sentences and shorter outputs: a smoke run.")
def command(as_json, cache, quick):
    """Measure the default engine (CTranslate2 int8) against plain transformers fp32.

    Uses random full-size models of opus-mt-de-en and distilbart-cnn-12-6 (speed does not
    depend on weight values), built and converted once into the cache folder (about 2 GB,
    a few minutes the first time). Both engines get the same German sentences (the seeds)
    and generate exactly the same number of tokens. Reports target tokens/s at equal beam
    and their ratio, seconds per summary, model load time, peak memory of a translation-only
    process, and the time to translate, check and summarize a 60-segment article. Progress
    goes to stderr. Close other work first: figures from a busy machine are low.

    \b
    Example:
      python -m review bench --quick
      python -m review bench --json > bench.json
    """
    from pathlib import Path

    from review.bench import report, suite

    def log(message: str) -> None:
        click.echo(f"bench: {message}", err=True)

    result = suite.run(Path(cache) if cache else None, quick=quick, log=log)
    click.echo(json.dumps(result) if as_json else report.table(result))
