"""`python -m review summarize`: summarize one article file in memory (nothing is stored)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from review.article import Article, MachineOutput, Summary
from review.errors import BadInputError


@click.command("summarize")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(["extractive", "abstractive"]),
              default="extractive", show_default=True,
              help="extractive: chosen sentences of the article; abstractive: written by the "
                   "summary model.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"method", "sentences": [{"segment", "source", "text"}], "summary", '
                   '...} (one object per article).')
@click.option("--sum-model", envvar="REVIEW_SUM_MODEL", metavar="ID|PATH",
              help="Summary model for --method abstractive [env REVIEW_SUM_MODEL].")
@click.option("--mt-model", envvar="REVIEW_MT_MODEL", metavar="ID|PATH",
              help="Translation model, used by --method abstractive on an untranslated file "
                   "[env REVIEW_MT_MODEL].")
def command(file, method, as_json, sum_model, mt_model):
    """Summarize a German article file (.txt/.md/.json/.jsonl, or a stored review .json).

    extractive (the default) picks 2-6 central sentences, works offline and needs no
    translation: on an untranslated file it prints the chosen German sentences (JSON "text"
    null, "language" "de") and says on stderr that their English comes after `translate`; on a
    stored review file it prints their reviewed English. abstractive translates the file first
    when it has no English (so it needs the translation model too), then writes a summary with
    the summary model and warns on stderr about numbers and names the article does not support.

    \b
    Example:
      python -m review summarize seeds/000_aed0e7e85b1c3751.txt --json
      python -m review summarize reviews/000_aed0e7e85b1c3751.json --method abstractive
    """
    for article in load_articles(file):
        result = summarize_article(article, method, sum_model, mt_model, name=str(file))
        for line in result.pop("warnings"):
            click.echo(line, err=True)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(result["summary"] or "")


def load_articles(file: Path) -> list[Article]:
    """The articles in ``file``: a stored review (with its English) or files to ingest."""
    from review import ingest

    if not file.exists():
        raise BadInputError(f"{file}: no such file; check the path")
    if file.suffix.lower() == ".json":
        record = _json_record(file)
        if isinstance(record, dict) and "segments" in record and "schema_version" in record:
            try:
                return [Article.from_dict(record)]
            except (TypeError, KeyError, ValueError) as err:
                raise BadInputError(f"{file}: not a valid review file ({err}); give the "
                                    "article text instead") from None
    return ingest.load_path(file)


def _json_record(file: Path) -> object:
    try:
        return json.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # ingest reports the exact problem


def summarize_article(article: Article, method: str, sum_model: str | None,
                      mt_model: str | None, name: str = "FILE") -> dict:
    """The JSON-ready result for one article, with stderr lines under "warnings"."""
    from review import summary as summaries

    if method == "extractive" and not _has_english(article):
        return _german_selection(article, name)
    if method == "abstractive":
        from models.registry import get_summarizer

        summarizer = get_summarizer(sum_model)  # a missing model fails before translating
        if not _has_english(article):
            translate_in_memory(article, mt_model)
        made = summaries.abstractive(article, summarizer)
    else:
        made = summaries.extractive(article)
    warnings = [f"warning: {flag.code}: {flag.detail}" for flag in made.flags]
    warnings += [f"note: {made.note}"] if made.note else []
    return _result(article, made, "en", warnings)


def _german_selection(article: Article, name: str) -> dict:
    from review import summary as summaries

    chosen, note = summaries.selection(article)
    by_index = {s.index: s for s in article.segments}
    german = " ".join(by_index[i].source for i in chosen)
    later = (f"{article.id} has no English yet: showing the chosen German sentences; their "
             f"English appears after `python -m review add {name}` and `python -m review translate`")
    warnings = [f"note: {n}" for n in (note, later) if n]
    made = Summary(method="extractive", text=german, model=summaries.RANKER,
                   source_segments=chosen, note=note)
    return _result(article, made, "de", warnings)


def _result(article: Article, made: Summary, language: str, warnings: list[str]) -> dict:
    """The JSON-ready result: ``made``'s sentences in ``language`` ("en" or "de")."""
    from review import summary as summaries

    chosen = made.source_segments
    english = summaries.english_of(article, chosen) if language == "en" else [None] * len(chosen)
    by_index = {s.index: s for s in article.segments}
    return {
        "article": article.id, "method": made.method, "language": language,
        "model": made.model,
        "sentences": [{"segment": i, "source": by_index[i].source, "text": en}
                      for i, en in zip(chosen, english)],
        "summary": made.text, "note": made.note,
        "flags": [{"code": f.code, "detail": f.detail} for f in made.flags],
        "warnings": warnings,
    }


def translate_in_memory(article: Article, mt_model: str | None) -> None:
    """Fill every reviewable segment's machine output with the translation model."""
    from models.registry import get_translator

    translator = get_translator(mt_model)
    todo = [s for s in article.reviewable() if s.source.strip()]
    outputs = translator.translate([s.source for s in todo], progress=_progress(len(todo)))
    for seg, out in zip(todo, outputs):
        seg.machine = MachineOutput.from_output(out)


def _progress(total: int):
    """A stderr progress bar while translating (silent when stderr is not a terminal)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc="translating", unit="seg", file=sys.stderr, leave=False,
               disable=not sys.stderr.isatty())

    def update(done: int, _total: int) -> None:
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _has_english(article: Article) -> bool:
    from review import summary as summaries

    return any(summaries.english_of(article, [s.index for s in article.reviewable()]))
