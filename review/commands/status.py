"""`python -m review status`: review progress and post-edit effort per article."""
from __future__ import annotations

import json
import sys

import click

from review.article import APPROVED
from review.commands.options import store_option

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
    be read, 1 when some could not.

    \b
    Example:
      python -m review status --store ./reviews
      python -m review status --json | jq '.overall'
    """
    from review.store import ArticleStore

    articles_store = ArticleStore(store)
    articles, problems = articles_store.scan()
    report = build_report(articles, problems)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_table(report, articles_store.root)
    if problems:
        sys.exit(1)


def build_report(articles, problems: list[str]) -> dict:
    """The status of each article and of the whole store, as plain JSON-ready data."""
    from review.metrics import acceptance_rate, edit_pairs, post_edit_effort

    rows = [_row(article) for article in articles]
    overall = {"articles": len(rows)}
    for name in COLUMNS + ("boilerplate", "translated"):
        overall[name] = sum(row[name] for row in rows)
    overall["summaries_approved"] = sum(row["summary"] in APPROVED
                                        for row in rows)
    overall["acceptance_rate"] = acceptance_rate(overall)
    overall.update(post_edit_effort(edit_pairs(articles)))
    overall["flags"] = flag_counts(articles)
    return {"articles": rows, "problems": list(problems), "overall": overall}


def flag_counts(articles) -> dict[str, dict]:
    """Per flag code over reviewable segments: flags raised, those dismissed, and their share."""
    counts: dict[str, dict] = {}
    for article in articles:
        for seg in article.reviewable():
            for flag in seg.flags:
                count = counts.setdefault(flag.code, {"raised": 0, "dismissed": 0})
                count["raised"] += 1
                count["dismissed"] += seg.dismissal_of(flag.code, flag.detail) is not None
    for count in counts.values():
        count["dismissal_rate"] = round(count["dismissed"] / count["raised"], 3)
    return dict(sorted(counts.items()))


def _row(article) -> dict:
    from review.metrics import acceptance_rate, edit_pairs, post_edit_effort

    counts = article.counts()
    reviewable = article.reviewable()
    row = {"id": article.id, "title": article.title, "segments": len(reviewable), **counts,
           "boilerplate": len(article.segments) - len(reviewable),
           "translated": sum(seg.machine is not None for seg in reviewable),
           "summary": article.summary_state(), "revision": article.revision,
           "updated": article.updated}
    row["acceptance_rate"] = acceptance_rate(counts)
    row.update(post_edit_effort(edit_pairs([article])))
    return row


def _print_table(report: dict, root) -> None:
    for line in report["problems"]:
        click.echo(f"problem: {line}", err=True)
    if not report["articles"]:
        click.echo(f"no articles in {root}; add some with: python -m review add FILE...")
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
    return [("flag", "raised", "dismissed", "dism%", "meaning")] + [
        (code, str(flags[code]["raised"]), str(flags[code]["dismissed"]),
         f"{100 * flags[code]['dismissal_rate']:.0f}", describe(code)[0]) for code in order]


def _print_rows(rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell; the last column is left ragged."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for cells in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(cells, widths)) + "  " + cells[-1])


def _cells(row: dict) -> tuple[str, ...]:
    rate = row["acceptance_rate"]
    return (row["id"], *(str(row[name]) for name in COLUMNS), row["summary"],
            "-" if rate is None else f"{100 * rate:.0f}", _num(row["chrf"]), _num(row["ter"]),
            row["title"][:50])


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
