"""`python -m review check`: quality checks and a risk score for line-aligned translations."""
from __future__ import annotations

import collections
import json
from pathlib import Path

import click

from review.errors import BadInputError


@click.command("check")
@click.option("--source", "source", required=True, type=click.Path(dir_okay=False),
              help="German text, one segment per line (UTF-8).")
@click.option("--target", "target", required=True, type=click.Path(dir_okay=False),
              help="English translation, line-aligned with --source (UTF-8).")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per line: {"line", "flags", "similarity", "risk"}.')
@click.option("--glossary", type=click.Path(dir_okay=False), default=None,
              help="Glossary CSV de,en[,note] [default: glossary.csv in the store, if any].")
def command(source, target, as_json, glossary):
    """Check a translation line by line: numbers, names, copies, omissions, loops, meaning.

    Exit 0 when no line is flagged, 1 when some are, 2 on bad input. A line blank on both
    sides is never flagged. The glossary format is described in review/checks/glossary.py.

    \b
    Example:
      python -m review check --source article.de --target article.en
      python -m review check --source a.de --target a.en --json --glossary terms.csv
    """
    from review.checks import check_pairs, load_glossary

    sources, targets = _read(source), _read(target)
    if len(sources) != len(targets):
        raise BadInputError(f"{source} has {len(sources)} lines but {target} has {len(targets)}; "
                            "give line-aligned files")
    terms = load_glossary(Path(glossary) if glossary else _store_glossary())
    results = check_pairs(sources, targets, glossary=terms)
    for line, result in enumerate(results, start=1):
        if as_json:
            click.echo(json.dumps({"line": line, "flags": [{"code": f.code, "detail": f.detail}
                                                           for f in result.flags],
                                   "similarity": result.similarity, "risk": result.risk},
                                  ensure_ascii=False))
        elif result.flags:
            details = "; ".join(f"{f.code}: {f.detail}" for f in result.flags)
            click.echo(f"line {line} (risk {result.risk:.2f}): {details}")
    flagged = [r for r in results if r.flags]
    if not as_json:
        click.echo(_summary(len(results), flagged))
    click.get_current_context().exit(1 if flagged else 0)


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
