"""Page 'Provision ladder': babies and areas at each level, every area's level, the published record and reach."""

from __future__ import annotations

import base64
import html

import pandas as pd
import streamlit as st

import boundaries
from webapp.data import (
    data_version,
    growth_chart_png,
    growth_on,
    ladder_summary,
    national_reach_of,
    reach_summary,
    record_table,
)
from webapp.foi_session import session_ladder, show_ladder_note
from webapp.formatting import escape_markdown, fmt_int, fmt_share
from webapp.register_session import register_line
from webapp.state import View

GROWTH_CAPTION = ("Teams by year: operating teams in this list on 1 July (line), published UK counts (squares, with "
                  "their numbers), and the Vision & Strategy target path (dashed). The table below gives the same figures.")


def ladder_summary_tables(summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """summarise_ladder as two reader's tables, a row per level and a column per scope: babies aged 0-2
    (with their share) and areas (with their share), formatted as every page formats them."""
    from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS

    rows = summary.to_dict("records")
    babies, areas = [], []
    for lv in LEVELS:
        slug = LEVEL_SLUGS[lv]
        babies.append({"level": LEVEL_LABELS[lv], **{r["scope"]: f"{fmt_int(r[f'age0_2_{slug}'])} "
                                                                  f"({fmt_share(r[f'share_{slug}'])})" for r in rows}})
        areas.append({"level": LEVEL_LABELS[lv], **{r["scope"]: f"{r[f'areas_{slug}']} "
                                                                 f"({fmt_share(r[f'areas_share_{slug}'])})"
                                                    for r in rows}})
    babies.append({"level": "all levels", **{r["scope"]: fmt_int(r["age0_2"]) for r in rows}})
    areas.append({"level": "all areas", **{r["scope"]: str(r["areas"]) for r in rows}})
    areas.append({"level": "areas with babies at more than one level",
                  **{r["scope"]: str(r["areas_split"]) for r in rows}})
    return (pd.DataFrame(babies).set_index("level").rename_axis("babies aged 0-2 at"),
            pd.DataFrame(areas).set_index("level").rename_axis("areas at"))


def page_ladder(view: View) -> None:
    from mapping.analysis.ladder import LEVEL_LABELS, LEVELS, ladder_display_table, summarise_ladder

    version = data_version()
    ladder = session_ladder(view)
    own_foi = st.session_state.get("foi") is not None
    summary = summarise_ladder(ladder) if own_foi else ladder_summary(version, view.geography, view.year, view.as_of,
                                                                   register=view.register, grades=view.grades)
    if view.nation and (summary["scope"] == view.nation).any():
        summary = summary[summary["scope"] == view.nation].reset_index(drop=True)  # the nation chosen heads it
    st.header(f"Provision ladder: the level of parent-infant provision by area ({view.scope})")
    st.caption(f"{boundaries.get_geography(view.geography).label}; population mid-{view.year}; teams as of "
               f"{view.as_of:%d %B %Y}. Levels: " + "; ".join(LEVEL_LABELS[lv] for lv in LEVELS)
               + ". Rules: page 'Methodology and sources'.")
    st.caption(register_line(view.register))
    show_ladder_note()

    st.subheader("Babies aged 0-2 at each level")
    babies, areas = ladder_summary_tables(summary)
    st.table(babies)
    st.caption("Babies aged 0-2 living in small areas at each level (share of all babies aged 0-2 in the nation). "
               "Population-weighted: an area split between levels counts in part at each. "
               + boundaries.population.ESTIMATES_NOTE)
    st.table(areas)
    st.caption("Areas counted by their level: the level of most of the area's babies aged 0-2 (the MMHA way).")

    st.subheader("Every area's level")
    nations = [view.nation] if view.nation else [n for n in boundaries.NATIONS if (ladder["nation"] == n).any()]
    tabs = st.tabs(nations) if len(nations) > 1 else [st.container()]
    for tab, nation in zip(tabs, nations):
        with tab:
            table = ladder_display_table(ladder, nation)
            st.dataframe(table, hide_index=True, key=f"ladder_table_{nation}", column_config={
                "Area": st.column_config.TextColumn("Area", width="medium"),
                **{c: st.column_config.NumberColumn(c, format="%.0f%%") for c in table.columns if c.startswith("% ")}})
    st.caption("Per cent of each area's babies aged 0-2 at each level, rounded to whole per cent (exact shares: "
               "the map's table and the report pack's ladder_areas.csv). Evidence: ids of the teams, the CAMHS "
               "specialist areas and the FOI replies found in the area (data/teams.csv; the FOI file).")

    st.subheader("Published team counts beside this list")
    record = record_table(version, view.as_of, register=view.register, grades=view.grades)
    if view.scope != "UK":
        st.info(f"No published count for {view.scope}: the published team counts are for the whole UK, "
                "so the table below sets them beside the whole UK list, not this view's.")
    if record.empty:
        st.info(f"No published UK team count is dated on or before {view.as_of.isoformat()} (a count dated only "
                "by its year counts from 31 December of that year, as in the report pack).")
    else:
        # A static table: the explanations are sentences, and wrap here rather than being cut off. Its cells
        # are Markdown, so the text from data files (sources, the teams named) is escaped to show as text.
        shown = record.assign(explanation=record["explanation"].map(escape_markdown),
                              source=record["source"].map(escape_markdown),
                              in_development=record["in_development"].map(
                                  lambda v: "not published" if pd.isna(v) else f"{int(v):,}"))
        st.table(shown[["as_of", "teams", "in_development", "listed_operating", "listed_in_development",
                        "difference", "explanation", "source"]].rename(columns={
            "as_of": "published", "teams": "published UK count", "in_development": "published in development",
            "listed_operating": "operating in this list", "listed_in_development": "in development in this list",
            "difference": "published minus listed", "explanation": "why they differ"}).set_index("published"))
        st.caption("Our list holds only the teams named in public documents, so after 2019 it is a lower bound: "
                   f"quote the published count. Counts published after {view.as_of.isoformat()} are left out.")
    png = growth_chart_png(version, view.as_of, register=view.register, grades=view.grades)
    # As HTML, since st.image gives an image no text alternative (axe rates that critical); the caption is fixed text.
    st.markdown(f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{html.escape(GROWTH_CAPTION)}" '
                'style="width:100%;max-width:900px">', unsafe_allow_html=True)
    st.caption(GROWTH_CAPTION)
    with st.expander("The chart as a table"):
        st.dataframe(growth_table_words(growth_on(version, view.as_of, register=view.register, grades=view.grades)),
                     hide_index=True, key="growth_table")

    page_reach(view)


GROWTH_WORDS = {"year": "year", "listed_operating": "operating in this list (1 July)",
                "listed_in_development": "in development in this list (1 July)",
                "published_teams": "published UK count", "published_source": "published in",
                "target": "Vision & Strategy target path"}


def growth_table_words(growth: pd.DataFrame) -> pd.DataFrame:
    """The teams-by-year table as text a reader reads: whole teams, the target to one decimal, and "none"
    where a year has no published count or no target."""
    out = pd.DataFrame({"year": growth["year"].astype(str)})
    for column in ("listed_operating", "listed_in_development", "published_teams"):
        out[column] = growth[column].map(lambda v: "none" if pd.isna(v) else f"{v:,.0f}")
    out["published_source"] = growth["published_source"].map(lambda v: "" if v is None or pd.isna(v) else str(v))
    out["target"] = growth["target"].map(lambda v: "none" if pd.isna(v) else f"{v:,.1f}")
    return out.rename(columns=GROWTH_WORDS)


def page_reach(view: View) -> None:
    """The national reach with its arithmetic (the one the pack and the command line give), reach by nation,
    and reach at the published team counts."""
    from mapping.analysis.reach import compare_with_published, national_reach

    version = data_version()
    by_nation = reach_summary(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    reach = national_reach_of(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    if view.nation and (by_nation["scope"] == view.nation).any() and reach["scope"] != view.nation:
        # the nation chosen: its own teams and exact babies, by the same arithmetic
        row = by_nation[by_nation["scope"] == view.nation].iloc[0]
        by_nation = by_nation[by_nation["scope"] == view.nation].reset_index(drop=True)
        reach = {"scope": view.nation, **national_reach(int(row["teams"]), float(row["babies"]))}
    st.subheader(f"Reach: families supported a year against babies in need ({reach['scope']})")
    st.metric(f"Reach of the {reach['teams']} teams in this list", f"{100 * reach['reach']:.1f}%",
              help="Families a year the teams can support / babies a year estimated to need specialised help.")
    st.markdown(f"**Arithmetic:** {reach['arithmetic']}.")
    st.caption(f"{reach['parameters']['families_source']}. {reach['parameters']['need_source']}. Babies a year: "
               f"{reach['parameters']['births_note']} (mid-{view.year}). An upper estimate: it assumes every team "
               "supports as many families as Leeds.")
    st.table(reach_by_nation_table(by_nation))
    st.caption("A team serving two nations' areas is shared between them by its babies, so families add up to "
               "teams × 130. Babies are whole numbers; each scope's figures are sums of the exact figures, "
               "rounded once.")
    with st.expander("Reach at the published team counts"):
        st.dataframe(published_reach_table(compare_with_published(reach["babies"])), hide_index=True,
                     key="reach_published",
                     column_config={c: st.column_config.NumberColumn(c, format="percent")
                                    for c in ("published reach, low", "published reach, high", "our reach")})
        st.caption("'our reach' applies the same arithmetic to the published number of teams; implied need = "
                   "published families / published reach (our division, not the source's figure).")


def reach_by_nation_table(by_nation: pd.DataFrame) -> pd.DataFrame:
    """summarise_reach as the page shows it: a row per scope (the whole geography, then each nation), whole
    babies, need and families, and reach as a per cent."""
    return pd.DataFrame({
        "teams": by_nation["teams"].astype(int).astype(str).to_numpy(),
        "babies aged 0": by_nation["babies"].map(fmt_int).to_numpy(),
        "babies in need (15%)": by_nation["need"].map(fmt_int).to_numpy(),
        "families teams can support a year": by_nation["families"].map(fmt_int).to_numpy(),
        "reach": by_nation["reach"].map(fmt_share).to_numpy()},
        index=pd.Index(by_nation["scope"].astype(str).to_numpy(), name="scope"))


# compare_with_published's columns in words, in the order the page shows them.
PUBLISHED_REACH_WORDS = {
    "as_of": "published", "teams": "published teams", "published_reach_low": "published reach, low",
    "published_reach_high": "published reach, high", "our_reach": "our reach",
    "our_families": "our families a year", "our_need": "our babies in need",
    "published_families_low": "published families, low", "published_families_high": "published families, high",
    "implied_need_low": "implied need, low", "implied_need_high": "implied need, high", "source": "source",
}


def published_reach_table(compared: pd.DataFrame) -> pd.DataFrame:
    """compare_with_published as a reader's table: columns in words, whole families and babies (a figure the
    source does not give is "not published")."""
    out = compared[list(PUBLISHED_REACH_WORDS)].copy()
    for column in ("our_families", "our_need", "published_families_low", "published_families_high",
                   "implied_need_low", "implied_need_high"):
        out[column] = out[column].map(lambda v: "not published" if v is None or pd.isna(v) else fmt_int(v))
    return out.rename(columns=PUBLISHED_REACH_WORDS)
