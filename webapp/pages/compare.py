"""Page 'Compare areas': up to five areas side by side on the view's date, and each of them over time.

The figures are the library's: the side-by-side table is :func:`mapping.analysis.history.date_rows` of the
view's own cached tables (gaps, ladder without FOI, capacity, births), and the tables over time are
:func:`mapping.analysis.history.area_history` (through :func:`webapp.history.history_table`). The areas
are kept in the URL (``?compare=CODE1,CODE2``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import boundaries
from mapping.analysis.history import (
    OVER_TIME,
    area_labels,
    date_label,
    date_rows,
    over_time,
    pick_areas,
    population_year_for,
    reader_history,
    side_by_side,
    similar_areas,
)
from mapping.present.downloads import BABIES_NOTE, counted_part, download_name, to_csv_bytes
from webapp.data import births_table, capacity_table, data_version, download_meta, gaps_table, ladder_table
from webapp.formatting import escape_markdown
from webapp.history import history_table
from webapp.register_session import register_line
from webapp.state import COMPARE_NOTES, MAX_COMPARE, View

# Okabe-Ito colours for the lines, darkest first (each line also has its own dash)
LINE_COLOURS = ("blue", "vermillion", "bluish green", "reddish purple", "orange")
SIMILAR = MAX_COMPARE - 1  # the areas "similar areas" adds to the one it starts from


def page_compare(view: View) -> None:
    version = data_version()
    gaps = gaps_table(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    labels = area_labels(gaps)
    st.header("Compare areas")
    st.caption(f"{boundaries.get_geography(view.geography).label}: up to {MAX_COMPARE} areas side by side, on the "
               f"view's date and from 2019 to today. Type in the box to find an area by its name.")
    st.caption(register_line(view.register))
    for note in st.session_state.get(COMPARE_NOTES) or []:
        st.warning(escape_markdown(note))
    chosen = [c for c in view.compare if c in labels]
    left_out = [c for c in view.compare if c not in labels]
    if left_out:  # the geography changed under the areas chosen: say so, never drop them silently
        st.warning(escape_markdown(f"{', '.join(left_out)} {'is not an area' if len(left_out) == 1 else 'are not areas'}"
                                   f" of {view.geography}, so {'it is' if len(left_out) == 1 else 'they are'} left out."))
        st.session_state["compare"] = tuple(chosen)
    codes = sorted(labels, key=lambda c: (labels[c].casefold(), c))
    st.session_state["compare_pick"] = chosen
    st.multiselect(f"Areas to compare (up to {MAX_COMPARE})", codes, key="compare_pick", format_func=labels.__getitem__,
                   max_selections=MAX_COMPARE, placeholder="Choose areas", on_change=_picked)
    start = view.area if view.area in labels else (chosen[0] if chosen else None)
    if st.session_state.get("compare_like") not in labels:  # kept while it is an area of the geography
        st.session_state["compare_like"] = start
    cols = st.columns([3, 2], vertical_alignment="bottom")
    cols[0].selectbox("Or compare an area with the areas most like it (same nation, nearest number of babies "
                      "aged 0-2)", codes, key="compare_like", format_func=labels.__getitem__, index=None,
                      placeholder="Choose an area")
    cols[1].button(f"Show it with {SIMILAR} similar areas", key="compare_similar", on_click=_similar, args=(gaps,))
    if not chosen:
        st.info(f"Choose up to {MAX_COMPARE} areas above, or one area and 'similar areas'.")
        return

    st.subheader(f"Side by side: teams as of {date_label(view.as_of)}, population mid-{view.year}")
    today = date_rows(gaps, ladder_table(version, view.geography, view.year, view.as_of, register=view.register,
                                         grades=view.grades),
                      capacity_table(version, view.geography, view.year, view.as_of, register=view.register,
                                     grades=view.grades),
                      births_table(version, view.geography, view.year), as_of=view.as_of, population_year=view.year)
    today = pick_areas(today, chosen, view.geography)
    # A static table: every figure shown at once, long names wrapped, each figure a row header
    table, shared = shared_rows_apart(side_by_side(today, labels).set_index("Figure"))
    st.table(table)
    for note in shared:
        st.caption(escape_markdown(note))
    st.caption("Provision level: the level of the provision ladder where most of the area's babies aged 0-2 live "
               "(page 'Provision ladder'), without FOI replies. Capacity: reference-size teams of 7.33 WTE per about "
               "3,300 births a year (Greater Manchester specification, Rare Jewels 2019). " + BABIES_NOTE)

    with st.spinner("Working out each year's figures since 2019 (the first time for this geography takes some "
                    "seconds)..."):
        history = history_table(version, view.geography, tuple(chosen), register=view.register, grades=view.grades)
    st.subheader("Over time: 1 July of each year from 2019, and today")
    years = dict.fromkeys((d, population_year_for(d)) for d in sorted(set(history["as_of"])))
    st.caption("Each date uses the teams of that date and the latest population estimate by then ("
               + "; ".join(f"{date_label(d)}: mid-{y}" for d, y in years) + "), with the areas of "
               f"{view.geography} throughout.")
    _chart(history, labels)
    tabs = st.tabs([title for _, title, _ in OVER_TIME])
    for tab, (measure, _title, _) in zip(tabs, OVER_TIME):
        tab.table(by_date(over_time(history, measure, labels)))

    _downloads(view, today, history, chosen)


# Rows of the side-by-side table that are often the same for every area: said once under it when they are.
SHARED_ROWS = ("Births period", "Capacity basis")


def shared_rows_apart(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The side-by-side table without the :data:`SHARED_ROWS` whose value is the same for every area, and
    those rows in words, to be said once under it (so the table fits a phone)."""
    same = [row for row in SHARED_ROWS if row in table.index and table.loc[row].nunique() == 1]
    return table.drop(index=same), [f"{row}, every area: {table.loc[row].iloc[0]}." for row in same]


def by_date(table: pd.DataFrame) -> pd.DataFrame:
    """A measure's table over time (a row per area) turned to a row per date and a column per area, so up to
    five areas fit a phone's width; the dates are the row headers."""
    out = table.set_index("Area").T
    out.index.name = "Teams as of"
    out.columns.name = None
    return out


def _picked() -> None:
    st.session_state["compare"] = tuple(st.session_state.get("compare_pick") or ())[:MAX_COMPARE]
    st.session_state[COMPARE_NOTES] = []


def _similar(gaps: pd.DataFrame) -> None:
    start = st.session_state.get("compare_like")
    if not start:
        st.session_state[COMPARE_NOTES] = ["Choose an area to find the areas most like it."]
        return
    found = similar_areas(gaps, start, n=SIMILAR)
    st.session_state["compare"] = (start, *found["code"].astype(str))
    st.session_state[COMPARE_NOTES] = []


def _chart(history: pd.DataFrame, labels: dict[str, str]) -> None:
    """The share covered over time as lines, one per area, in the order chosen; the table 'Share of babies
    aged 0-2 covered' below is its text alternative."""
    import altair as alt

    from mapping.present.style import OKABE_ITO

    order = [labels.get(c, c) for c in dict.fromkeys(history["code"].astype(str))]
    data = pd.DataFrame({"area": history["code"].astype(str).map(lambda c: labels.get(c, c)),
                         "date": pd.to_datetime(history["as_of"]),
                         "covered": (100 * history["share_covered"].astype(float)).round(1)})
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("date:T", title="teams as of", axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("covered:Q", title="% covered", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("area:N", sort=order, title=None,
                        scale=alt.Scale(domain=order, range=[OKABE_ITO[c] for c in LINE_COLOURS][:len(order)]),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=250)),
        strokeDash=alt.StrokeDash("area:N", sort=order, legend=None),  # lines told apart without colour
        tooltip=[alt.Tooltip("area:N", title="area"), alt.Tooltip("date:T", title="teams as of", format="%d %B %Y"),
                 alt.Tooltip("covered:Q", title="% of babies aged 0-2 covered")],
    )
    st.altair_chart(chart, width="stretch", height=300 + 30 * len(order),
                    alt="Line chart: the share of babies aged 0-2 covered by a team, for each area compared, on "
                        "1 July of each year from 2019 and today.")
    st.caption("Chart: the share of babies aged 0-2 covered by a team, on each date, for each area; the same "
               "figures are in the table 'Share of babies aged 0-2 covered' below.")


def _downloads(view: View, today: pd.DataFrame, history: pd.DataFrame, codes: list[str]) -> None:
    """The side-by-side table and the history as CSV, each with the attribution and sources of the view's
    downloads; the history names the sources of every population year it uses."""
    from mapping.analysis.history import history_sources
    from mapping.present.downloads import source_line

    extra = [source_line(s) for s in history_sources(view.geography, set(history["as_of"]), register=view.register,
                                                      grades=view.grades) if s.role != "teams"]
    where = boundaries.get_geography(view.geography).label
    meta_today = download_meta(f"Areas compared ({where})", view.geography, view.year, view.as_of,
                               register=view.register, grades=view.grades)
    meta_history = download_meta(f"Areas compared over time, 1 July 2019 to today ({where})", view.geography,
                                 view.year, view.as_of, tuple(dict.fromkeys(extra)), register=view.register,
                                 grades=view.grades)
    parts = [*codes, f"teams{view.as_of.isoformat()}", *counted_part(view.grades)]
    cols = st.columns(2)
    cols[0].download_button("Download the side-by-side table (CSV)", to_csv_bytes(reader_history(today), meta_today),
                            key="dl_compare_csv", mime="text/csv", on_click="ignore",
                            file_name=download_name("compare", view.geography, "csv", parts=parts))
    cols[1].download_button("Download the figures over time (CSV)", to_csv_bytes(reader_history(history), meta_history),
                            key="dl_compare_history_csv", mime="text/csv", on_click="ignore",
                            file_name=download_name("compare-over-time", view.geography, "csv",
                                                    parts=[*codes, date.today().isoformat(), *counted_part(view.grades)]))
