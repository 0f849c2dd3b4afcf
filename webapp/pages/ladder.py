"""Page 'Provision ladder': babies and areas at each level, every area's level, the published record and reach."""

from __future__ import annotations

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
    st.header("Provision ladder: the level of parent-infant provision by area")
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
    if record.empty:
        st.info(f"No published UK team count is dated on or before {view.as_of.isoformat()} (a count dated only "
                "by its year counts from 31 December of that year, as in the report pack).")
    else:
        # A static table: the explanations are sentences, and wrap here rather than being cut off. Its cells
        # are Markdown, so the text from data files (sources, the teams named) is escaped to show as text.
        shown = record.assign(explanation=record["explanation"].map(escape_markdown),
                              source=record["source"].map(escape_markdown))
        st.table(shown[["as_of", "teams", "listed_operating", "listed_in_development", "difference", "explanation",
                        "source"]].rename(columns={
            "as_of": "published", "teams": "published UK count", "listed_operating": "operating in this list",
            "listed_in_development": "in development in this list", "difference": "published minus listed",
            "explanation": "why they differ"}).set_index("published"))
        st.caption("Our list holds only the teams named in public documents, so after 2019 it is a lower bound: "
                   f"quote the published count. Counts published after {view.as_of.isoformat()} are left out.")
    st.image(growth_chart_png(version, view.as_of, register=view.register, grades=view.grades),
             caption="Teams by year: operating teams in this list on 1 July (line), published UK counts (squares, "
                     "with their numbers), and the Vision & Strategy target path (dashed).")
    with st.expander("The chart as a table"):
        st.dataframe(growth_on(version, view.as_of, register=view.register, grades=view.grades), hide_index=True, key="growth_table")

    page_reach(view)


def page_reach(view: View) -> None:
    """The national reach with its arithmetic (the one the pack and the command line give), reach by nation,
    and reach at the published team counts."""
    from mapping.analysis.reach import compare_with_published

    version = data_version()
    by_nation = reach_summary(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    reach = national_reach_of(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    st.subheader(f"Reach: families supported a year against babies in need ({reach['scope']})")
    st.metric(f"Reach of the {reach['teams']} teams in this list", f"{100 * reach['reach']:.1f}%",
              help="Families a year the teams can support / babies a year estimated to need specialised help.")
    st.markdown(f"**Arithmetic:** {reach['arithmetic']}.")
    st.caption(f"{reach['parameters']['families_source']}. {reach['parameters']['need_source']}. Babies a year: "
               f"{reach['parameters']['births_note']} (mid-{view.year}). An upper estimate: it assumes every team "
               "supports as many families as Leeds.")
    st.table(pd.DataFrame({
        "teams": by_nation["teams"].astype(str), "babies aged 0": by_nation["babies"].map(fmt_int),
        "babies in need (15%)": by_nation["need"].map(fmt_int),
        "families teams can support a year": by_nation["families"].map(fmt_int),
        "reach": by_nation["reach"].map(fmt_share)}, index=pd.Index(by_nation["scope"], name="scope")))
    st.caption("A team serving two nations' areas is shared between them by its babies, so families add up to "
               "teams × 130.")
    with st.expander("Reach at the published team counts"):
        st.dataframe(compare_with_published(reach["babies"]), hide_index=True, key="reach_published",
                     column_config={c: st.column_config.NumberColumn(c, format="percent")
                                    for c in ("published_reach_low", "published_reach_high", "our_reach")})
        st.caption("our_reach applies the same arithmetic to the published number of teams; implied need = "
                   "published families / published reach (our division, not the source's figure).")
