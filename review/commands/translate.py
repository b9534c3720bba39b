"""`python -m review translate`: batch translation with progress, resumable."""
from __future__ import annotations

import json
import signal
import sys
import threading

import click

from models.registry import ENGINES
from review.commands.options import store_option


class _Bars:
    """Two tqdm bars on stderr: articles, and segments of the current article."""

    def __init__(self, silent: bool):
        self.silent = silent
        self.articles = self.segments = None

    def article_started(self, article_id: str, todo: int, number: int, total: int) -> None:
        if self.silent:
            return
        from tqdm import tqdm

        if self.articles is None:
            self.articles = tqdm(total=total, desc="articles", unit="art", file=sys.stderr,
                                 position=0)
        if self.segments is not None:
            self.segments.close()
        self.articles.set_postfix_str(article_id)
        self.articles.n = number - 1
        self.articles.refresh()
        self.segments = tqdm(total=todo, desc="segments", unit="seg", file=sys.stderr,
                             position=1, leave=False)

    def article_waiting(self, article_id: str, number: int, total: int) -> None:
        """Another run is translating this article: say so while waiting for it."""
        if self.silent:
            return
        from tqdm import tqdm

        if self.articles is None:
            self.articles = tqdm(total=total, desc="articles", unit="art", file=sys.stderr,
                                 position=0)
        self.articles.set_postfix_str(f"{article_id} (waiting for another run to finish it)")

    def message(self, text: str) -> None:
        """A line about the run (the Ray pool it uses), above the bars."""
        if self.silent:
            return
        if self.articles is not None:
            self.articles.write(text, file=sys.stderr)
        else:
            click.echo(text, err=True)

    def segments_done(self, article_id: str, done: int, total: int) -> None:
        if self.segments is not None:
            self.segments.total = total
            self.segments.n = done
            self.segments.refresh()

    def close(self) -> None:
        for bar in (self.segments, self.articles):
            if bar is not None:
                if bar is self.articles:
                    bar.n = bar.total
                    bar.refresh()
                bar.close()


class _Report(_Bars):
    """The run as this command shows it (a ``review.run_options.RunObserver``): the bars on
    stderr, and each article on stdout as it finishes, so a pipe sees progress and a kill loses
    nothing."""

    def __init__(self, silent: bool, as_json: bool, latch: _InterruptLatch):
        super().__init__(silent)
        self.as_json, self.latch = as_json, latch

    def article_finished(self, result) -> None:
        self.latch.raise_if_set()
        if self.as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        elif result.status == "failed":
            click.echo(f"failed {result.id}: {result.error}", err=True)
        else:
            click.echo(f"{result.status} {result.id}: {result.translated}/{result.segments} "
                       f"segments, {result.flagged} flagged, summary {result.summary or 'none'}")
        sys.stdout.flush()


@click.command("translate")
@click.argument("targets", nargs=-1)
@store_option
@click.option("--mt-model", envvar="REVIEW_MT_MODEL", metavar="ID|PATH",
              help="Translation model: hub id or local folder [env REVIEW_MT_MODEL].")
@click.option("--second-model", envvar="REVIEW_SECOND_MODEL", metavar="ID|PATH|none",
              help="A second translation model for a second opinion on every segment: kept "
                   "beside the first model's English, compared with it (chrF), strong "
                   "disagreement flagged; the app offers it as an alternative. Runs in this "
                   "process, also with --ray [env REVIEW_SECOND_MODEL; default none].")
@click.option("--engine", type=click.Choice(["auto", *ENGINES]),
              default="auto", show_default=True,
              help="auto uses CTranslate2 when a converted model exists (see `models pull`).")
@click.option("--summary", "summary", type=click.Choice(["extractive", "abstractive", "none"]),
              default="extractive", show_default=True, help="Which summary to make.")
@click.option("--sum-model", envvar="REVIEW_SUM_MODEL", metavar="ID|PATH",
              help="Summary model for --summary abstractive [env REVIEW_SUM_MODEL].")
@click.option("--glossary", type=click.Path(dir_okay=False), metavar="CSV",
              help="Glossary CSV de,en[,note] (default: glossary.csv in the store).")
@click.option("--force", is_flag=True, help="Translate again segments nobody has decided on.")
@click.option("--silent", is_flag=True, help="No progress bars.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article.")
@click.option("--ray", "ray", metavar="local|ADDRESS",
              help="Run the model on Ray: `local` starts Ray here; HOST:PORT (or `auto`) joins "
                   "a running cluster from one of its nodes. See docs/cluster.md.")
@click.option("--ray-actors", type=click.IntRange(min=1), metavar="N",
              help="With --ray: translator actors (default one per GPU, else one per CPU).")
def command(**given):
    """Translate, check and summarize articles: ids in the store, or files/folders to add.

    With no TARGETS, every unfinished article in the store. Finished articles are skipped, so
    an interrupted run resumes where it stopped. Runs at the same time on one store (or the
    app) never translate an article twice: one another run is working on is left to the end,
    awaited, and skipped if that run finished it. Exit 0 when all succeeded, 1 when some
    articles failed (the others are saved), 2 on bad usage or input.

    With --ray, only the model runs on Ray (an actor pool, each actor loading the model once);
    this process still reads and writes the store, so resuming, exit codes and the English
    are those of a local run.

    \b
    Example:
      python -m review translate seeds/ --summary extractive
      python -m review translate 000_aed0e7e85b1c3751 --mt-model ./opus-mt-de-en --json
      python -m review translate seeds/ --ray local
      python -m review translate seeds/ --second-model Helsinki-NLP/opus-mt-tc-big-de-en
      python -m review translate --ray 10.0.0.5:6379
    """
    from review.batch import run

    silent, as_json = given.pop("silent"), given.pop("as_json")
    options = _options(given)
    latch = _InterruptLatch()
    report = _Report(silent, as_json, latch)
    errors: list[str] = []
    try:
        with latch:
            results = run(options, report, errors)
            latch.raise_if_set()
    finally:
        report.close()
    for line in errors:
        click.echo(f"error: {line}", err=True)
    if any(r.status == "failed" for r in results):
        sys.exit(1)
    if errors:
        sys.exit(2)


def _options(given: dict):
    """The run's ``TranslateOptions`` from the command line's (click's names and values)."""
    from review.run_options import TranslateOptions

    if given["ray_actors"] is not None and not given["ray"]:
        raise click.UsageError("--ray-actors needs --ray")
    if given["ray"] is not None and not given["ray"].strip():
        raise click.UsageError("--ray needs `local` or the HOST:PORT of a Ray cluster's head")
    _check_model_names(given)
    engine = given.pop("engine")
    return TranslateOptions(targets=tuple(given.pop("targets")),
                            engine=None if engine == "auto" else engine,
                            second_model=given.pop("second_model") or "none", **given)


# Each model option, the role it names a model for, and its variable.
_MODEL_OPTIONS = (("mt_model", "--mt-model", "translation"),
                  ("second_model", "--second-model", "second opinion"),
                  ("sum_model", "--sum-model", "summary"))


def _check_model_names(given: dict) -> None:
    """Refuse a model option too long to name a model, before anything is read or added."""
    from models import hub

    for key, option, role in _MODEL_OPTIONS:
        if given.get(key):
            hub.check_name(given[key], role, f"{option} (or env {hub.ROLE_ENV[role]})")


class _InterruptLatch:
    """Ctrl+C stops the run even when Python swallows the KeyboardInterrupt.

    The interrupt is raised where it lands, as usual, but it is also remembered: one that
    lands in a finaliser (``__del__``, where Python only prints it) still stops the run at
    the next finished article instead of letting it run to the end and exit 0.
    """

    def __init__(self):
        self.hit = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_signal)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False

    def _on_signal(self, signum, frame):
        self.hit = True
        raise KeyboardInterrupt

    def raise_if_set(self) -> None:
        if self.hit:
            raise KeyboardInterrupt
