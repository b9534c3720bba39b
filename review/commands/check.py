"""`python -m review check`: quality checks and a risk score for line-aligned translations."""
from __future__ import annotations

import collections
import json
from pathlib import Path

import click

from review.errors import BadInputError


@click.command("check")
@click.option("--source", "source", type=click.Path(dir_okay=False),
              help="German text, one segment per line (UTF-8). Required unless --list.")
@click.option("--target", "target", type=click.Path(dir_okay=False),
              help="English translation, line-aligned with --source (UTF-8). Required unless "
                   "--list.")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per line: {"line", "flags", "similarity", "risk"}.')
@click.option("--glossary", type=click.Path(dir_okay=False), default=None,
              help="Glossary CSV de,en[,note] [default: glossary.csv in the store, if any].")
@click.option("--mt-model", "mt_model", default=None,
              help="Translation model (hub id or folder) to score each English under: adds "
                   '"agreement" (mean log-probability per token) to --json lines and the risk.')
@click.option("--second-model", "second_model", default=None,
              help="A second translation model (hub id or folder) for a second opinion: it "
                   'translates each German line; adds "second" (its English) and "second_chrf" '
                   "(chrF between it and --target) to --json lines, flags strong disagreement "
                   "and raises the risk.")
@click.option("--list", "list_checks", is_flag=True,
              help='List every check: code, weight in the risk, plain words (with --json: '
                   '[{"code", "weight", "description"}]).')
def command(source, target, as_json, glossary, mt_model, second_model, list_checks):
    """Check a translation line by line: numbers, names, copies, omissions, loops, meaning.

    Exit 0 when no line is flagged, 1 when some are, 2 on bad input. A line blank on both
    sides is never flagged. The glossary format is described in review/checks/glossary.py.

    \b
    Example:
      python -m review check --source article.de --target article.en
      python -m review check --source a.de --target a.en --json --glossary terms.csv
      python -m review check --source a.de --target a.en --json --mt-model FOLDER
      python -m review check --source a.de --target a.en --second-model FOLDER
      python -m review check --list --json
    """
    from review.checks import load_glossary

    if list_checks:
        return _list(as_json)
    for name, value in (("--source", source), ("--target", target)):
        if not value:
            raise click.UsageError(f"Missing option '{name}' (or give --list).")

    sources, targets = _read(source), _read(target)
    if len(sources) != len(targets):
        raise BadInputError(f"{source} has {len(sources)} lines but {target} has {len(targets)}; "
                            "give line-aligned files")
    terms = load_glossary(Path(glossary) if glossary else _store_glossary())
    agreements = _translator(mt_model).score(sources, targets) if mt_model else None
    seconds = _second_opinions(second_model, sources) if second_model else None
    results = _checked(sources, targets, terms, agreements, seconds)
    for line, result in enumerate(results, start=1):
        if as_json:
            click.echo(json.dumps(_record(line, result, mt_model, seconds), ensure_ascii=False))
        elif result.flags:
            details = "; ".join(f"{f.code}: {f.detail}" for f in result.flags)
            click.echo(f"line {line} (risk {result.risk:.2f}): {details}")
    flagged = [r for r in results if r.flags]
    if not as_json:
        click.echo(_summary(len(results), flagged))
    click.get_current_context().exit(1 if flagged else 0)


def _checked(sources: list[str], targets: list[str], terms, agreements, seconds) -> list:
    """``check_pairs`` on every core (no model generates meanwhile)."""
    from models.embed import using_all_cores
    from review.checks import check_pairs

    with using_all_cores():
        return check_pairs(sources, targets, glossary=terms, agreements=agreements,
                           seconds=seconds)


def _record(line: int, result, mt_model: str | None, seconds: list | None) -> dict:
    """One --json line: flags, similarity and risk, plus what --mt-model and --second-model add."""
    record = {"line": line, "flags": [{"code": f.code, "detail": f.detail} for f in result.flags],
              "similarity": result.similarity, "risk": result.risk}
    if mt_model:
        record["agreement"] = None if result.agreement is None else round(result.agreement, 3)
    if seconds is not None:
        second = seconds[line - 1]
        record["second"] = None if second is None else second.text
        record["second_chrf"] = result.second_chrf
    return record


def _translator(model: str, second: bool = False):
    """The translator (or second-opinion one) for ``model``; an unavailable model is one
    line, exit 2."""
    from models.base import ModelUnavailable
    from models.registry import get_second_translator, get_translator

    try:
        return (get_second_translator if second else get_translator)(model)
    except ModelUnavailable as err:
        raise BadInputError(str(err)) from None


def _second_opinions(model: str, sources: list[str]) -> list:
    """The second model's translation of each German line (None for a blank one)."""
    wanted = [i for i, line in enumerate(sources) if line.strip()]
    outputs = _translator(model, second=True).translate([sources[i] for i in wanted]) \
        if wanted else []
    seconds: list = [None] * len(sources)
    for i, output in zip(wanted, outputs):
        seconds[i] = output
    return seconds


def _read(path: str) -> list[str]:
    if not Path(path).is_file():
        raise BadInputError(f"{path}: no such file; give a UTF-8 text file, one segment per line")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInputError(f"{path}: not UTF-8 (bad byte at offset {err.start}); "
                            "re-save it as UTF-8") from None
    # Only newlines separate lines, as for line-based tools (str.splitlines also splits on
    # form feeds, U+2028 and other characters that can occur inside a sentence).
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and lines[-1] == "" else lines


def _store_glossary() -> Path:
    from review.store import ArticleStore

    return ArticleStore().glossary_path


def _summary(total: int, flagged: list) -> str:
    if not flagged:
        return f"{total} lines checked, none flagged"
    codes = collections.Counter(f.code for r in flagged for f in r.flags)
    by_code = ", ".join(f"{code} {n}" for code, n in codes.most_common())
    return f"{len(flagged)} of {total} lines flagged ({by_code})"


def _list(as_json: bool) -> None:
    from review.checks.registry import CODES

    if as_json:
        click.echo(json.dumps([code.to_dict() for code in CODES.values()], ensure_ascii=False))
        return
    for code in CODES.values():
        weight = "summary" if code.weight is None else f"{code.weight:.2f}"
        click.echo(f"{code.code:<26} {weight:>7}  {code.title}")
