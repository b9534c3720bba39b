"""`python -m review status`: review progress and post-edit effort per article."""
from __future__ import annotations

import json
import sys

import click

from review.article import APPROVED
from review.commands.options import store_option
from review.metrics import acceptance_rate

COLUMNS = ("segments", "pending", "accepted", "corrected", "rejected")


@click.command("status")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def command(store, as_json):
    """Show review progress, acceptance rate and post-edit effort for every article.

    "segments" counts reviewable segments (boilerplate is shown but not counted). chrF and
    TER compare the machine output with the approved text over accepted and corrected
    segments: chrF 100 / TER 0 means nothing had to be changed. A second table (in
    "overall.flags" with --json) counts, per check, the flags raised on reviewable segments and
    how many of them reviewers dismissed as false alarms. Files that cannot be read are
    listed as problems (on stderr; in "problems" with --json). Exit 0 when every file could
    be read, 1 when some could not. Articles are read through the listing index
    (.index/listing.json in the store), so only files changed since it was written are
    parsed; it is rebuilt when missing or damaged.

    \b
    Example:
      python -m review status --store ./reviews
      python -m review status --json | jq '.overall'
    """
    from review.listing import summaries
    from review.store import ArticleStore

    articles_store = ArticleStore(store)
    articles, problems = summaries(articles_store)  # the listing index, not every file parsed
    report = build_report(articles, problems)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_table(report, articles_store.root)
    if problems:
        sys.exit(1)


def build_report(articles, problems: list[str]) -> dict:
    """The status of each article and of the whole store, as plain JSON-ready data.

    ``articles`` are ``review.listing.ArticleSummary`` items (or Articles, summarized here).
    """
    from review.listing import effort_score

    items = _summaries(articles)
    rows = [_row(item) for item in items]
    overall = {"articles": len(rows)}
    for name in COLUMNS + ("boilerplate", "translated"):
        overall[name] = sum(row[name] for row in rows)
    overall["summaries_approved"] = sum(row["summary"] in APPROVED
                                        for row in rows)
    overall["acceptance_rate"] = acceptance_rate(overall)
    overall.update(effort_score(item.effort for item in items))
    overall["flags"] = flag_counts(items)
    return {"articles": rows, "problems": list(problems), "overall": overall}


def flag_counts(articles) -> dict[str, dict]:
    """Per flag code over reviewable segments: flags raised, those dismissed, and their share."""
    counts: dict[str, dict] = {}
    for item in _summaries(articles):
        for code, (raised, dismissed) in item.flags.items():
            count = counts.setdefault(code, {"raised": 0, "dismissed": 0})
            count["raised"] += raised
            count["dismissed"] += dismissed
    for count in counts.values():
        count["dismissal_rate"] = round(count["dismissed"] / count["raised"], 3)
    return dict(sorted(counts.items()))


def _summaries(articles) -> list:
    from review.listing import ArticleSummary

    return [item if isinstance(item, ArticleSummary) else ArticleSummary.from_article(item)
            for item in articles]


def _row(item) -> dict:
    counts = item.counts()
    row = {"id": item.id, "title": item.title, "segments": item.segments, **counts,
           "boilerplate": item.boilerplate, "translated": item.translated,
           "summary": item.summary_state, "revision": item.revision, "updated": item.updated}
    row["acceptance_rate"] = acceptance_rate(counts)
    row.update({"chrf": item.chrf, "ter": item.ter})
    return row


def _print_table(report: dict, root) -> None:
    """The human table; text from the store (titles, ids, flag codes, file names in problems)
    is shown through review.terminal.printable, so no escape sequence reaches the terminal."""
    from review.terminal import printable

    for line in report["problems"]:
        click.echo(f"problem: {printable(line)}", err=True)
    if not report["articles"]:
        click.echo(f"no articles in {printable(str(root))}; add some with: "
                   "python -m review add FILE...")
        return
    header = ("id", "seg", "pend", "acc", "corr", "rej", "summary", "acc%", "chrF", "TER",
              "title")
    rows = [_cells(row) for row in report["articles"]]
    rows.append(_cells({**report["overall"], "id": "overall", "title": "",
                        "summary": str(report["overall"]["summaries_approved"]) + " ok"}))
    _print_rows([header] + rows)
    if report["overall"]["flags"]:
        click.echo()
        _print_rows(_flag_rows(report["overall"]["flags"]))


def _flag_rows(flags: dict[str, dict]) -> list[tuple[str, ...]]:
    """The "flags dismissed" table: most raised first, with the check's title in plain words."""
    from review.checks.describe import describe

    order = sorted(flags, key=lambda code: (-flags[code]["raised"], code))
    from review.terminal import printable

    return [("flag", "raised", "dismissed", "dism%", "meaning")] + [
        (printable(code), str(flags[code]["raised"]), str(flags[code]["dismissed"]),
         f"{100 * flags[code]['dismissal_rate']:.0f}", printable(describe(code)[0]))
        for code in order]


def _print_rows(rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell; the last column is left ragged."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for cells in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(cells, widths)) + "  " + cells[-1])


def _cells(row: dict) -> tuple[str, ...]:
    from review.terminal import printable

    rate = row["acceptance_rate"]
    return (printable(row["id"]), *(str(row[name]) for name in COLUMNS), row["summary"],
            "-" if rate is None else f"{100 * rate:.0f}", _num(row["chrf"]), _num(row["ter"]),
            printable(row["title"][:50]))


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
