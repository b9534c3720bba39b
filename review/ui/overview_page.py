"""The overview page: progress, flags, decisions and post-edit effort across the store, and
the quality of the review (MQM errors, scorecards).

Drawn from the listing index, so it opens as fast with thousands of articles as with ten; only
the per-segment effort CSV reads the articles, when it is downloaded, and the quality section,
when the reviewer turns it on.
"""
from __future__ import annotations

import streamlit as st

from review.listing import summaries as article_summaries
from review.store import ArticleStore
from review.ui import overview
from review.ui.session import md, usable_reviewer

TOP = 25  # articles in the progress chart: those with the most left to review
LOOK_FIRST = 15  # riskiest pending segments listed first, each a link to it
TITLES = {"progress": "Progress across articles", "flags": "Flags by check",
          "decisions": "Decisions per reviewer per day",
          "effort": "Post-edit effort of approved segments (chrF: 100 = untouched)"}
STATUS_COLOURS = {"pending": "#bbbbbb", "accepted": "#2e9e5b", "corrected": "#3b75c4",
                  "rejected": "#d64545"}
SEVERITY_COLOURS = ("#e3b341", "#e07b39", "#d64545", "#8b1e3f")  # lightest to heaviest
QUALITY_TITLES = {"reviewers": "Scorecards per reviewer", "models": "Scorecards per model"}


def page() -> None:
    import altair as alt
    import pandas as pd

    store = ArticleStore()
    st.markdown("#### Overview")
    listed, problems = article_summaries(store)
    look_first(overview.riskiest_rows(listed, LOOK_FIRST))
    data = overview.tables(listed)
    shown = {s.id for s in overview.most_to_review(listed, TOP)} if len(listed) > TOP else None
    status = alt.Color("status:N", scale=alt.Scale(domain=list(STATUS_COLOURS),
                                                   range=list(STATUS_COLOURS.values())))
    charts = {
        "progress": lambda df: alt.Chart(
            df if shown is None else df[df["article"].isin(shown)]).mark_bar().encode(
            x=alt.X("sum(segments):Q", title="segments"), y=alt.Y("article:N", sort="-x"),
            color=status, tooltip=["title", "status", "segments"]),
        "flags": lambda df: alt.Chart(df.melt(id_vars="code", var_name="kind",
                                              value_name="count")).mark_bar().encode(
            x=alt.X("count:Q"), y=alt.Y("code:N", sort="-x"), color="kind:N",
            tooltip=["code", "kind", "count"]),
        "decisions": lambda df: alt.Chart(df).mark_bar().encode(
            x=alt.X("day:N"), y=alt.Y("sum(decisions):Q", title="decisions"),
            color="reviewer:N", tooltip=["reviewer", "day", "action", "decisions"]),
        "effort": lambda df: alt.Chart(df).mark_bar().encode(
            x=alt.X("chrf:O", title="chrF (bins of 10; 100 = untouched)"),
            y=alt.Y("sum(segments):Q", title="segments"), color=status,
            tooltip=["status", "chrf", "segments"]),
    }
    for name in overview.TABLES:
        rows = data[name]
        st.markdown(f"**{TITLES[name]}**")
        if not rows:
            st.caption("Nothing yet.")
            continue
        if name == "progress":
            st.caption(_totals_line(listed, shown))
        st.altair_chart(charts[name](pd.DataFrame(rows)), width="stretch")
        st.download_button(f"Download {name}.csv", _csv(name, rows, store),
                           file_name=f"{name}.csv", mime="text/csv", key=f"csv:{name}",
                           on_click="ignore")
    quality(store)
    for line in problems:
        st.caption(md(f"Not counted: {line}"))
    st.caption(md(f"Store: {store.root.resolve()}"))


def quality(store: ArticleStore) -> None:
    """Errors by type and severity across the store, and the scorecards per reviewer and per
    model: they read every article, so only when the reviewer turns them on."""
    from review.annotations import profile_of
    from review.errors import ReviewError

    st.markdown("**Quality: errors and scorecards (MQM)**")
    if not st.toggle("Count errors and scorecards (reads every article)",
                     key="overview_quality"):
        return
    try:
        profile = profile_of(store)
    except ReviewError as err:
        st.error(md(str(err)))
        return
    data = overview.quality_tables(store.scan()[0], profile)
    st.caption(md(f"Profile: {profile.describe()}"))
    if data["errors"]:
        st.altair_chart(_errors_chart(data["errors"], profile), width="stretch")
    else:
        st.caption("No errors recorded yet.")
    for name in ("reviewers", "models"):
        if data[name]:
            st.markdown(f"*{QUALITY_TITLES[name]}*")
            st.dataframe(data[name], hide_index=True)
        st.download_button(f"Download {name}.csv", overview.csv_text(data[name]),
                           file_name=f"lqa-{name}.csv", mime="text/csv", key=f"csv:lqa-{name}",
                           on_click="ignore", disabled=not data[name])


def _errors_chart(rows: list[dict], profile):
    """Errors per type, stacked by severity (lightest to heaviest in the profile's order)."""
    import altair as alt
    import pandas as pd

    order = sorted(profile.severities, key=profile.weight)
    colours = [SEVERITY_COLOURS[min(i, len(SEVERITY_COLOURS) - 1)] for i in range(len(order))]
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("sum(errors):Q", title="errors"), y=alt.Y("type:N", sort="-x", title=None),
        color=alt.Color("severity:N", scale=alt.Scale(domain=order, range=colours)),
        tooltip=["type", "severity", "errors"])


def look_first(rows: list[dict]) -> None:
    """The riskiest pending segments of the store, each a link that opens it for review."""
    st.markdown("**Where to look first**")
    if not rows:
        return st.caption("No pending segment carries any risk.")
    st.caption("The riskiest pending segments of all articles; a link opens the segment on "
               "the review page in a new tab.")
    lines = [f"{number}. **{row['risk']:.2f}** [{md(row['title'] or row['article'])} "
             f"§{row['segment']}]({segment_link(row['article'], row['segment'])})"
             + (f" · {md(row['flags'])}" if row["flags"] else "")
             for number, row in enumerate(rows, 1)]
    st.markdown("\n".join(lines))


def segment_link(article_id: str, segment: int) -> str:
    """A link to a segment on the review page (the app's default page), with the reviewer's
    name where names are typed in."""
    from urllib.parse import urlencode

    from review import auth

    query = {"article": article_id, "segment": segment}
    name = usable_reviewer()  # a refused name never goes into a link
    if auth.mode() == "open" and name:
        query["reviewer"] = name
    return "./?" + urlencode(query)


def _totals_line(listed: list, shown: set | None) -> str:
    counts = overview.totals(listed)
    line = f"All {len(listed):,} articles: " + " · ".join(
        f"{n:,} {status}" for status, n in counts.items())
    if shown is not None:
        line += f". The chart shows the {len(shown)} with the most left to review; the CSV " \
                "has every article."
    return line


def _csv(name: str, rows: list[dict], store: ArticleStore):
    """The CSV for a table; the effort one lists every segment, read only when downloaded."""
    if name == "effort":
        return lambda: overview.csv_text(overview.effort_rows(store.scan()[0]))
    return overview.csv_text(rows)
