"""The overview page: progress, flags, decisions and post-edit effort across the store."""
from __future__ import annotations

import os

import streamlit as st

from review.store import ArticleStore
from review.ui import overview
from review.ui.session import md

TITLES = {"progress": "Progress across articles", "flags": "Flags by check",
          "decisions": "Decisions per reviewer per day",
          "effort": "Post-edit effort of approved segments (chrF: 100 = untouched)"}


@st.cache_data(ttl=30, show_spinner="Reading the store…")
def _tables(root: str, signature: tuple) -> dict[str, list[dict]]:
    articles, _problems = ArticleStore(root).scan()
    return overview.tables(articles)


def _signature(store: ArticleStore) -> tuple:
    """Names, sizes and times of the article files: the tables change only when these do."""
    if not store.root.is_dir():
        return ()
    return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                        for e in os.scandir(store.root)
                        if e.name.endswith(".json") and e.is_file()))


def page() -> None:
    import altair as alt
    import pandas as pd

    store = ArticleStore()
    st.markdown("#### Overview")
    data = _tables(str(store.root.resolve()), _signature(store))
    charts = {
        "progress": lambda df: alt.Chart(df).mark_bar().encode(
            x=alt.X("sum(segments):Q", title="segments"), y=alt.Y("article:N", sort="-x"),
            color=alt.Color("status:N", scale=alt.Scale(
                domain=["pending", "accepted", "corrected", "rejected"],
                range=["#bbbbbb", "#2e9e5b", "#3b75c4", "#d64545"])),
            tooltip=["title", "status", "segments"]),
        "flags": lambda df: alt.Chart(df.melt(id_vars="code", var_name="kind",
                                              value_name="count")).mark_bar().encode(
            x=alt.X("count:Q"), y=alt.Y("code:N", sort="-x"), color="kind:N",
            tooltip=["code", "kind", "count"]),
        "decisions": lambda df: alt.Chart(df).mark_bar().encode(
            x=alt.X("day:N"), y=alt.Y("sum(decisions):Q", title="decisions"),
            color="reviewer:N", tooltip=["reviewer", "day", "action", "decisions"]),
        "effort": lambda df: alt.Chart(df).mark_bar().encode(
            x=alt.X("chrf:Q", bin=alt.Bin(step=10), title="chrF"),
            y=alt.Y("count():Q", title="segments"), color="status:N"),
    }
    for name in overview.TABLES:
        rows = data[name]
        st.markdown(f"**{TITLES[name]}**")
        if not rows:
            st.caption("Nothing yet.")
            continue
        st.altair_chart(charts[name](pd.DataFrame(rows)), width="stretch")
        st.download_button(f"Download {name}.csv", overview.csv_text(rows),
                           file_name=f"{name}.csv", mime="text/csv", key=f"csv:{name}",
                           on_click="ignore")
    st.caption(md(f"Store: {store.root.resolve()}"))
