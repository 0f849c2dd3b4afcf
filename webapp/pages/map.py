"""Page 'National map': headline figures, then the map with its measure, its key and the map as a table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

import boundaries
from mapping.present import style, webmap
from mapping.present.downloads import counted_part, download_name, reader_table, to_csv_bytes
from webapp.data import (
    changes_between,
    data_version,
    download_meta,
    gaps_table,
    nation_view,
    shapes_url,
    styled_areas,
    summary_of,
    team_overlays,
)
from webapp.first_view import keep_place, map_first
from webapp.foi_session import foi_classes, session_ladder, show_ladder_note
from webapp.formatting import escape_markdown, fmt_int, fmt_share
from webapp.layout import FIGURES_KEY, MAP_KEY, MEASURE_KEY
from webapp.mapview import clicked_area, show_map
from webapp.register_session import register_line
from webapp.state import View, map_measures, sync_url

MAP_HEIGHT = 680


def page_map(view: View) -> None:
    version = data_version()
    summary = summary_of(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    st.header(f"Babies aged 0-2 and parent-infant teams: {view.scope}")
    st.caption(f"{boundaries.get_geography(view.geography).label}; population mid-{view.year}; "
               f"teams as of {view.as_of.day} {view.as_of:%B %Y}.")
    st.caption(register_line(view.register))
    with st.container(key=FIGURES_KEY):
        show_figures(view, version, summary)
    map_by_measure(view, version)


def show_figures(view: View, version: str, summary: dict) -> None:
    """The headline figures, and the change since the earlier date."""
    scope = summary["nations"].get(view.nation, summary) if view.nation else summary
    figures = [("Teams operating", scope["teams_operating"],
                "Operating teams named in public documents whose catchment includes part of this area."),
               ("Babies aged 0-2 with no team", fmt_int(scope["age0_2_uncovered"]), None),
               ("Share of babies aged 0-2 covered", fmt_share(scope["share_covered"]), None),
               ("Areas with no team", f"{scope['areas_without_team']} of {scope['areas']}", None)]
    for col, (label, value, help_text) in zip(st.columns(4), figures):
        with col:  # a new visitor's first view keeps their places (webapp.first_view)
            keep_place(partial(st.metric, label, value, help=help_text))
    if scope.get("estimated"):
        st.caption(f"Includes estimates. {boundaries.population.ESTIMATES_NOTE}")
    if view.since_date is not None:
        keep_place(partial(show_changes, view, version))


@st.fragment
def map_by_measure(view: View, version: str) -> None:
    """The measure's choice, the map it colours, its key and the map as a table: a fragment, so a new measure
    (or the table's switch) reruns only these elements, not the page's figures, sidebar and menu (issue 16: a
    measure change under 0.2 s). Its own run writes the new measure to the URL, as the whole page's run does."""
    measures = map_measures()
    withheld = [m for m in webmap.MEASURES.values() if m.id not in measures]  # why: map_measures' rule, said
    with st.container(key=MEASURE_KEY):
        keep_place(lambda: st.radio(
            "Map measure", measures, key="measure", horizontal=True, format_func=lambda m: webmap.MEASURES[m].label,
            help=" ".join((["Load FOI replies (page 'FOI replies') to map their classes."]
                           if any(m.needs_foi for m in withheld) else [])
                          + (["Choose an earlier date to compare with (in the sidebar) to map the change."]
                             if any(m.needs_change for m in withheld) else [])) or None))
    # The fragment's own rerun is called with the page's last view: the measure is the radio's, as chosen now.
    view = replace(view, measure=st.session_state["measure"])
    drawn = national_map(view, version)
    measure, properties, legend = drawn.measure, drawn.properties, drawn.legend
    with st.container(key=MAP_KEY):
        # The key beside the map (below it on a phone, where the columns stack), never over land or a tooltip.
        map_col, legend_col = st.columns([5, 1])
        with map_col:
            clicked = show_national_map(drawn)
        if map_first():  # the rest once the map is drawn (webapp.first_view)
            sync_url(view)
            return
        with legend_col:
            st.markdown(webmap.legend_html(measure.label, legend, markers=True), unsafe_allow_html=True)
    open_clicked_area(properties, clicked)
    st.markdown(f"**Legend in words ({measure.label}):** " + "; ".join(escape_markdown(c.label) for c in legend)
                + f". {escape_markdown(markers_in_words())} Hover over an area for its name, code and figures; "
                "click it for its profile.")
    show_table(view, measure, properties)
    st.caption(f"Measure: {measure.label}. Source: {measure.source}.")
    if measure.needs_ladder:
        show_ladder_note(" Babies at each level, the table of every area and the published record: page "
                         "'Provision ladder'.")
    sync_url(view)


@dataclass(frozen=True)
class NationalMap:
    """The national map of a view: its measure, the areas' properties and the key's classes it is coloured with,
    the map's spec (layers, bounds, label) and the team overlays drawn on it."""

    measure: webmap.Measure
    properties: pd.DataFrame
    legend: list[webmap.ColourClass]
    spec: dict[str, Any]
    overlays: tuple[str, str]


def national_map(view: View, version: str) -> NationalMap:
    """What the national map of ``view`` draws (the page's map, and the app benchmark's map alone)."""
    measure, properties, legend = measure_layer(view, version)
    areas = webmap.areas_layer(shapes_url(version, view.geography), properties, measure)
    overlays = team_overlays(version, view.as_of, register=view.register, grades=view.grades)
    bounds = nation_view(version, view.geography, view.nation) or webmap.UK_BOUNDS  # None: no areas to zoom to
    spec = webmap.map_spec([areas], bounds, clickable=True,
                           label=f"Map of {view.scope}: areas coloured by {measure.label}, team bases and catchments; "
                                 "the table of the map gives the same figures")
    return NationalMap(measure=measure, properties=properties, legend=legend, spec=spec, overlays=overlays)


def show_national_map(drawn: NationalMap) -> object:
    """Draw it (webapp.mapview.show_map, at the page's height): what the page sent back for a click, unchecked."""
    return show_map(drawn.spec, key="national_map", height=MAP_HEIGHT, overlays=drawn.overlays)


def measure_layer(view: View, version: str) -> tuple[webmap.Measure, pd.DataFrame, list[webmap.ColourClass]]:
    """The view's measure, the areas' properties and the legend's classes the map is drawn with."""
    measure = webmap.MEASURES[view.measure]
    own_foi = st.session_state.get("foi") is not None
    if measure.needs_foi or (measure.needs_ladder and own_foi):
        # this session's own FOI replies: never in a cache shared with other sessions
        gaps = gaps_table(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
        foi = foi_classes(view) if measure.needs_foi else None
        ladder = session_ladder(view) if measure.needs_ladder else None
        _, legend = webmap.classify(webmap.measure_values(gaps, measure, foi, ladder), measure)
        return measure, webmap.area_properties(gaps, measure, foi, ladder), legend
    properties, legend = styled_areas(version, view.geography, view.year, view.as_of, view.measure, view.since_date,
                                      register=view.register, grades=view.grades)
    return measure, properties, legend


def show_table(view: View, measure: webmap.Measure, properties: pd.DataFrame) -> None:
    """The map as a table, behind a switch: the table's grid is only sent, and its script only loaded by the
    browser, when asked for, so the first map is not kept waiting for it (about 0.3 s)."""
    table = properties[properties["nation"] == view.nation] if view.nation else properties
    if not st.toggle(f"Show the map as a table ({len(table)} areas): {measure.label}", key="map_table_shown"):
        return
    if measure.needs_ladder:
        columns = {"name": "name", "code": "code", "nation": "nation", "value": measure.label,
                   "levels": "babies aged 0-2 at each level", "babies": "babies aged 0-2",
                   "evidence": "evidence (team ids; specialist areas; FOI reply ids)", "teams": "teams"}
    else:
        columns = {"name": "name", "code": "code", "nation": "nation", "value": measure.label, "class": "class",
                   "babies": "babies aged 0-2", "uncovered": "babies aged 0-2 with no team",
                   "coverage": "coverage", "teams": "teams"}
    st.dataframe(table[list(columns)].rename(columns=columns), hide_index=True, key="map_table")


CHANGE_TEAM_COLUMNS = {"name": "team", "nation": "nation", "evidence_grade": "evidence grade", "change": "change",
                       "status_before": "status before", "status_after": "status after",
                       "catchment_before": "catchment before", "catchment_after": "catchment after"}


def show_changes(view: View, version: str) -> None:
    """The map of change since the earlier date chosen: the change in words, the teams that started, closed or
    changed, and both tables as downloads (the map's measure 'Change in babies covered' draws the areas)."""
    since = view.since_date
    assert since is not None
    changes = changes_between(version, view.geography, view.year, since, view.as_of, register=view.register,
                              grades=view.grades)
    st.subheader(f"What changed between {since.day} {since:%B %Y} and {view.as_of.day} {view.as_of:%B %Y}")
    for line in changes["summary"].splitlines():
        st.markdown(escape_markdown(line))
    teams = changes["teams"]
    if view.nation:
        teams = teams[teams["nation"] == view.nation]
    if teams.empty:
        st.caption("No team started, closed or changed" + (f" in {view.nation}." if view.nation else "."))
    else:
        st.dataframe(teams[list(CHANGE_TEAM_COLUMNS)].rename(columns=CHANGE_TEAM_COLUMNS), hide_index=True,
                     key="changes_table")
    title = f"Map of change {since.isoformat()} to {view.as_of.isoformat()} ({view.geography})"
    meta = download_meta(title, view.geography, view.year, view.as_of, register=view.register, grades=view.grades,
                         extra=(f"Changes: teams on {since.isoformat()} and on {view.as_of.isoformat()}, the same "
                                "population and areas",))
    parts = [f"pop{view.year}", f"{since.isoformat()}-to-{view.as_of.isoformat()}", *counted_part(view.grades)]
    cols = st.columns(2)
    team_changes = to_csv_bytes(reader_table(changes["teams"], CHANGE_TEAM_COLUMNS), meta)
    cols[0].download_button("Download team changes (CSV)", team_changes, mime="text/csv",
                            file_name=download_name("team-changes", view.geography, "csv", parts=parts),
                            key="dl_team_changes", on_click="ignore")
    cols[1].download_button("Download coverage change by area (CSV)", to_csv_bytes(reader_table(changes["areas"]), meta),
                            mime="text/csv", key="dl_area_changes", on_click="ignore",
                            file_name=download_name("coverage-changes", view.geography, "csv", parts=parts))


def line_in_words(line: style.LineStyle) -> str:
    """A line of the map as words: its colour's name (Okabe-Ito), whether it is dashed or dotted, and what it marks."""
    colour = next((name for name, value in style.OKABE_ITO.items() if value.lower() == line.colour.lower()), None)
    pattern = "solid" if not line.dash else "dotted" if line.dash[0] < 1 else "dashed"
    label = line.label[:1].lower() + line.label[1:] if line.label[1:2].islower() else line.label  # not "cAMHS"
    return f"{f'{colour} ' if colour else ''}{pattern} outlines: {label}"


def markers_in_words() -> str:
    """The map's team markers and outlines in words, from the style the map is drawn with (mapping.present.style)."""
    markers = ", ".join(f"{m.symbol} {m.label} ({m.shape})" for m in style.TEAM_MARKERS.values())
    shapes = ", ".join(f"{g.symbols[0]} {g.shape}: {g.label}" for g in style.GRADE_SHAPES.values())
    lines = [*style.CATCHMENT_LINES.values(), style.SPECIALIST_LINE]
    return (f"Markers: the fill is the status ({markers}); the shape is who says it is a team ({shapes}); "
            + "; ".join(line_in_words(line) for line in lines) + ".")


def open_clicked_area(properties: pd.DataFrame, clicked: object) -> None:
    """A click on an area opens its profile (the page and area in the query string, which
    webapp.state.navigate reads as a link to that page). Only a code of the map's own areas is followed
    (webapp.mapview.clicked_area); a click at sea sends nothing."""
    code = clicked_area(clicked, properties["code"])
    if code is None:
        return
    st.query_params["page"] = "profile"
    st.query_params["area"] = code
    st.rerun()
