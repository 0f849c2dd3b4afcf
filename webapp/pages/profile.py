"""Page 'Area profile': find an area by name or postcode and show its figures, its map, its level on the
provision ladder and how it changed since 2019, beside its nation's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import boundaries
from mapping.present import style
from webapp.data import (
    births_table,
    capacity_table,
    data_version,
    gaps_table,
    selection_inputs,
    team_shapes,
    teams_table,
)
from webapp.foi_session import foi_classes, ladder_foi_note, session_ladder
from webapp.formatting import escape_markdown, fmt_int, fmt_share, ordinal
from webapp.register_session import register_line
from webapp.search import search_box
from webapp.state import View

MAP_HEIGHT = 380
NEAREST_COUNT = 3  # the nearest team bases (by land) the profile lists and maps

# The coverage class in words (mapping.analysis.coverage.COVERAGE_CLASSES).
COVERAGE_WORDS = {
    "full": "every baby aged 0-2 here lives in a team's catchment",
    "partial": "some babies aged 0-2 here live in a team's catchment, others do not",
    "none": "no baby aged 0-2 here lives in a team's catchment",
}


def page_profile(view: View) -> None:
    from mapping.analysis.profile import area_profile

    version = data_version()
    gaps = gaps_table(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    st.header("Area profile")
    st.caption(register_line(view.register))
    search_box(view)
    names = area_names(gaps)
    codes = sorted(names, key=lambda c: names[c].casefold())
    current = st.session_state.get("area")
    if current not in names:
        current = None
    st.session_state["area_pick"] = current
    st.selectbox("Or choose an area", codes, key="area_pick", format_func=lambda c: f"{names[c]} ({c})",
                 placeholder="Choose an area", on_change=lambda: _set_area(st.session_state["area_pick"]))
    if not current:
        st.info("Search for an area by name or postcode, or choose one from the list.")
        return
    inputs = selection_inputs(version, view.geography, view.year, view.as_of, register=view.register,
                              grades=view.grades)
    profile = area_profile(gaps, current,
                           capacity=capacity_table(version, view.geography, view.year, view.as_of,
                                                   register=view.register, grades=view.grades),
                           foi=foi_classes(view), ladder=session_ladder(view),
                           nearest=nearest_list(view.geography, inputs.operating, current,
                                                exclude=serving_ids(gaps, current)))
    show_profile(profile, view)


def area_names(gaps: pd.DataFrame) -> dict[str, str]:
    """Each area's name as a reader knows it (the gaps' display name, else its name), by code."""
    shown = gaps["display_name"] if "display_name" in gaps.columns else gaps["name"]
    return {str(c): str(d) if isinstance(d, str) and d else str(n)
            for c, d, n in zip(gaps["code"], shown, gaps["name"])}


def serving_ids(gaps: pd.DataFrame, code: str) -> list[str]:
    """The ids of the teams serving the area (the gaps' ``teams``)."""
    ids = gaps.loc[gaps["code"] == code, "teams"]
    return [t for t in str(ids.iloc[0] if len(ids) else "").split("; ") if t]


def nearest_list(geography: str, operating: pd.DataFrame, code: str, *, exclude: list[str] | None = None
                 ) -> pd.DataFrame:
    """The operating team bases nearest the area that it reaches by land, nearest first (straight-line km),
    leaving out ``exclude`` (the teams already serving it: the list is of the other teams near it)."""
    from mapping.analysis.coverage import nearest_team_list_in_geography

    others = operating[~operating["team_id"].isin(exclude or [])]
    return nearest_team_list_in_geography(geography, others, code, count=NEAREST_COUNT)


def team_grades(view: View) -> dict[str, str]:
    """Each team's evidence grade on the view's date, by team id (the profile says it beside the team's name)."""
    from mapping.inputs.teams import teams_as_of

    current = teams_as_of(teams_table(data_version(), register=view.register, grades=view.grades), view.as_of)
    return dict(zip(current["team_id"], current["evidence_grade"]))


def _set_area(code: str | None) -> None:
    st.session_state["area"] = code


def show_profile(p: dict, view: View) -> None:
    st.subheader(escape_markdown(f"{p['display_name']} ({p['code']}), {p['nation']}"))
    if p["display_name"] != p["name"]:
        st.caption(f"Official name: {escape_markdown(p['name'])}.")
    cols = st.columns(4)
    cols[0].metric("Babies aged 0 (mid-year)", fmt_int(p["age0"]))
    cols[1].metric("Babies aged 0-2", fmt_int(p["age0_2"]))
    cols[2].metric("Share of babies aged 0-2 covered", fmt_share(p["share_covered"]))
    cols[3].metric("Babies aged 0-2 with no team", fmt_int(p["uncovered_age0_2"]))
    if p["estimated"]:
        st.caption("Every count of babies on this page is an estimate: small-area figures shared from district or "
                   "local-authority totals, which are exact (page 'Methodology and sources').")
    show_ladder(p)
    st.markdown(f"**Coverage:** {COVERAGE_WORDS.get(p['coverage'], escape_markdown(p['coverage']))} "
                f"({fmt_int(p['covered_age0_2'])} of {fmt_int(p['age0_2'])} babies aged 0-2).")
    if p["teams"]:
        grades = team_grades(view)
        st.markdown("**Serving teams:** " + "; ".join(
            escape_markdown(name) + (f" ({style.grade_shape(grades[tid]).label})" if tid in grades else "")
            for name, tid in zip(p["teams"], p["team_ids"])) + ".")
    else:
        st.markdown("**No team serves this area.**")
    show_nearest(p)
    show_area_map(p, view)
    born = births_table(data_version(), view.geography, view.year).set_index("code")
    if p["code"] in born.index:
        row = born.loc[p["code"]]
        st.markdown(f"**Live births:** {fmt_int(row['births'])} a year ({escape_markdown(row['period'])}"
                    + ("; shared from its local authorities by their children aged 0" if row["estimated"] else "")
                    + ").")
    if p["foi_class"] is not None:
        share = p["foi_class_share"]
        extra = "" if share is None or share >= 0.999 else f" ({100 * share:.0f}% of its babies aged 0-2)"
        st.markdown(f"**CAMHS FOI reply class:** {escape_markdown(p['foi_class'])}{extra}.")
    else:
        st.markdown("**CAMHS FOI reply:** no replies loaded (page 'FOI replies').")
    if p["capacity"]:
        c = p["capacity"]
        st.markdown(
            f"**Capacity estimate:** {c['teams_needed']:.2f} reference-size teams ({c['wte_needed']:.1f} WTE staff) "
            f"for the area's {fmt_int(c.get('need', p['age0']))} "
            f"{escape_markdown(c.get('need_basis', 'babies aged 0'))}; {c['wte_needed_uncovered']:.1f} WTE "
            "for the babies with no team. Reference: Greater Manchester specification, 7.33 WTE per about 3,300 "
            "births (Rare Jewels, 2019).")
    show_comparison(p)
    show_history(p, view)
    register = escape_markdown(view.register.source) if view.register else "data/teams.csv"
    st.caption(f"Sources: population mid-{view.year} (ONS, NRS, NISRA{'; estimated' if p['estimated'] else ''}); "
               f"teams as of {view.as_of.isoformat()} ({register}); boundaries "
               f"{boundaries.get_geography(view.geography).label}.")


def show_ladder(p: dict) -> None:
    """The area's provision-ladder level, why, and its babies at each level."""
    from mapping.analysis.profile import ladder_in_words

    lad = p["ladder"]
    st.markdown(f"**Provision ladder:** {escape_markdown(ladder_in_words(lad))}")
    if lad and lad["levels"]:
        st.markdown(f"Babies aged {lad['age_band']} at each level: " + "; ".join(
            f"level {escape_markdown(x['label'])}: {fmt_int(x['babies'])} ({fmt_share(x['share'])})"
            for x in lad["levels"]) + ".")
    if lad and (lad["level"] == "unknown" or st.session_state.get("foi") is not None):
        st.caption(ladder_foi_note())  # Markdown, the file's name escaped


def show_nearest(p: dict) -> None:
    """The nearest team bases the area reaches by land (never across the sea), in straight-line km."""
    near = p["nearest_teams"]
    title = "Nearest other team bases" if p["team_ids"] else "Nearest team bases"
    if not near:
        st.markdown(f"**{title}:** no other operating team base is reachable by land from this area.")
        return
    listed = "; ".join(f"{escape_markdown(t['name'])} ({escape_markdown(t['nation'] or '')}), {t['km']:,.1f} km"
                       for t in near)
    st.markdown(f"**{title}:** {listed}. Straight-line distance from the area's centre to each base; "
                "only bases in its own nation or one it shares a land border with count, never across the sea.")


def show_comparison(p: dict) -> None:
    """The area beside its nation, and its rank among the nation's areas that have babies with no team."""
    n = p["nation_figures"]
    nation = escape_markdown(p["nation"])
    if p["rank_uncovered"] is None:
        rank = (f"every baby aged 0-2 here is covered, so it is not ranked among the {p['ranked_areas']} areas of "
                f"{nation} that have babies with no team")
    else:
        rank = (f"this area has the {ordinal(p['rank_uncovered'])} most babies with no team of the "
                f"{p['ranked_areas']} areas of {nation} that have any")
    st.markdown(
        f"**Compared with {nation}:** {fmt_share(p['share_covered'])} of babies aged 0-2 covered here, "
        f"{fmt_share(n['share_covered'])} across {nation}; {rank}; {n['areas_without_team']} of {n['areas']} "
        f"areas in {nation} have no team.")


# --- the area's map -----------------------------------------------------------------------------------


def area_map(p: dict, view: View):
    """A small map of the area: the part inside serving teams' catchments and the part outside, the serving
    teams' catchments as outlines, and the serving and nearest teams' bases (text-only tooltips)."""
    import shapely

    from mapping.inputs.teams import teams_as_of
    from mapping.inputs.vocabulary import TeamStatus
    from mapping.present import webmap

    version = data_version()
    layer = selection_inputs(version, view.geography, view.year, view.as_of, register=view.register,
                             grades=view.grades).layer
    area = layer.loc[layer["code"] == p["code"], "geometry"]
    if area.empty or area.iloc[0] is None:
        return None
    shape = area.iloc[0]
    catchments, specialist_shapes = team_shapes(version, view.as_of, register=view.register, grades=view.grades)
    serving = catchments[catchments["team_id"].isin(p["team_ids"])
                         & (catchments["status"] == TeamStatus.OPERATING)]
    covered = shapely.union_all(list(serving.geometry)).intersection(shape) if len(serving) else None
    outside = shape.difference(covered) if covered is not None and not covered.is_empty else shape
    listed = set(filter(None, (p["ladder"] or {}).get("specialist_areas", "").split("; ")))
    specialists = specialist_shapes[specialist_shapes["team_id"].isin(listed)]
    name = p["display_name"]
    features = []
    for part, label, key in ((covered, "inside a serving team's catchment", "full"),
                             (outside, "outside every team's catchment", "none")):
        if part is None or part.is_empty:
            continue
        fill = style.COVERAGE_STYLES[key].colour
        features.append((shapely.geometry.mapping(part), {"color": "#555555", "weight": 1, "fillColor": fill,
                                                          "fillOpacity": 0.6}, [name, label]))
    current = teams_as_of(teams_table(version, register=view.register, grades=view.grades), view.as_of)
    wanted = set(p["team_ids"]) | {t["team_id"] for t in p["nearest_teams"]}
    shown = current[current["team_id"].isin(wanted)]
    west, south, east, north = shape.bounds
    for lon, lat in zip(shown["base_lon"].dropna(), shown["base_lat"].dropna()):
        west, south, east, north = min(west, lon), min(south, lat), max(east, lon), max(north, lat)
    layers = [webmap.text_layer(features, ["Area", "Part"], name="The area: inside and outside team catchments")]
    if len(serving):
        layers.append(webmap.catchment_layer(serving, name="Serving teams' catchments",
                                             style=webmap.CATCHMENT_STYLES[TeamStatus.OPERATING]))
    if len(specialists):
        layers.append(webmap.catchment_layer(specialists, name="CAMHS specialist practitioners, no team",
                                             style=webmap.SPECIALIST_STYLE))
    if len(shown):
        layers.append(webmap.team_layer(shown))
    # markers clear of the map's edge
    return webmap.map_spec(layers, [[south, west], [north, east]], padding=28,
                           label=f"Map of {name}: the part inside and outside team catchments, and the nearest teams")


def map_key(p: dict) -> str:
    """The area map's key in words (the swatches beside it say the same): what each fill, outline and marker is."""
    parts = ["dark purple: the part of the area in a serving team's catchment" if p["team_ids"] else "",
             "light orange: the part outside every team's catchment" if p["coverage"] != "full" else "",
             "outlines: the serving teams' catchments" if p["team_ids"] else "",
             "green dotted outline: where CAMHS has parent-infant specialist practitioners"
             if (p["ladder"] or {}).get("specialist_areas") else "",
             f"markers: the bases of the serving teams and of the {NEAREST_COUNT} nearest other teams reached by land"]
    return "Map key: " + "; ".join(x for x in parts if x) + ". Hover over a part or a marker for its name."


def show_area_map(p: dict, view: View) -> None:
    """The area's map (a click on it opens nothing: it is this area already), and its key in words."""
    spec = area_map(p, view)
    if spec is None:
        return
    from mapping.present import webmap
    from webapp.mapview import show_map

    map_col, key_col = st.columns([4, 1])
    with map_col:
        show_map(spec, key=f"profile_map_{p['code']}", height=MAP_HEIGHT)
    with key_col:
        classes = [c for c, shown in (
            (webmap.ColourClass("in a serving team's catchment", style.COVERAGE_STYLES["full"].colour),
             bool(p["team_ids"])),
            (webmap.ColourClass("outside every team's catchment", style.COVERAGE_STYLES["none"].colour),
             p["coverage"] != "full")) if shown]
        st.markdown(webmap.legend_html(None, classes, markers=False), unsafe_allow_html=True)
    st.caption(escape_markdown(map_key(p)))


# --- over time ------------------------------------------------------------------------------------------


HISTORY_TABLE = {"year": "date", "population_year": "population year", "age0_2": "babies aged 0-2",
                 "share_covered": "share covered", "uncovered_age0_2": "babies aged 0-2 with no team",
                 "teams": "teams serving it", "level": "ladder level (no FOI)"}


def history_rows(view: View, code: str) -> pd.DataFrame:
    """The area's figures on 1 July of each year from 2019 and today (mapping.analysis.history)."""
    from webapp.history import history_table as cached_history

    return cached_history(data_version(), view.geography, (code,), register=view.register, grades=view.grades)


def history_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The history as a reader's table: a row per date, babies whole, the share a per cent."""
    out = pd.DataFrame({
        HISTORY_TABLE["year"]: [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in rows["as_of"]],
        HISTORY_TABLE["population_year"]: [f"mid-{int(y)}" for y in rows["population_year"]],
        HISTORY_TABLE["age0_2"]: [fmt_int(v) for v in rows["age0_2"]],
        HISTORY_TABLE["share_covered"]: [fmt_share(v) for v in rows["share_covered"]],
        HISTORY_TABLE["uncovered_age0_2"]: [fmt_int(v) for v in rows["uncovered_age0_2"]],
        HISTORY_TABLE["teams"]: [int(v) for v in rows["teams"]],
        HISTORY_TABLE["level"]: [str(v) if isinstance(v, str) and v else "no level" for v in rows["level"]],
    })
    return out


def history_in_words(rows: pd.DataFrame) -> str:
    """The chart's figures in words: the share covered and the teams on each date."""
    parts = [f"{_date_words(d)}: {fmt_share(s)} covered, {int(t)} team{'s' if int(t) != 1 else ''}"
             for d, s, t in zip(rows["as_of"], rows["share_covered"], rows["teams"])]
    return "; ".join(parts) + "."


def _date_words(when) -> str:
    return f"{when.day} {when:%B %Y}" if hasattr(when, "day") else str(when)


def show_history(p: dict, view: View) -> None:
    """How coverage and teams changed from 2019 to today, by year: a small chart, its figures in words and
    the table."""
    st.markdown("#### Over time")
    # On request: the history of every area is computed once per server and day (about half a minute), then
    # every profile and the compare page read it at once.
    if not st.toggle("Show how coverage and teams changed since 2019, year by year", key="profile_history_shown"):
        return
    with st.spinner("Computing every year since 2019 (the first time only)..."):
        rows = history_rows(view, p["code"])
    if rows.empty:
        st.caption("No history for this area.")
        return
    rows = rows.sort_values("as_of")
    import altair as alt

    chart = pd.DataFrame({"date": [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in rows["as_of"]],
                          "covered": [100 * float(v) if pd.notna(v) else None for v in rows["share_covered"]]})
    bars = alt.Chart(chart).mark_bar(color=style.COVERAGE_STYLES["full"].colour).encode(
        x=alt.X("date:N", sort=None, title="date"),
        y=alt.Y("covered:Q", scale=alt.Scale(domain=[0, 100]), title="% covered (babies 0-2)"),
        tooltip=[alt.Tooltip("date:N"), alt.Tooltip("covered:Q", format=".1f", title="% covered")])
    cols = st.columns([3, 2])
    with cols[0]:
        st.altair_chart(bars.properties(height=240), use_container_width=True)
    with cols[1]:
        st.markdown("**Chart in words:** " + escape_markdown(history_in_words(rows)))
    st.dataframe(history_table(rows), hide_index=True, key="profile_history")
    from mapping.analysis.ladder import LEVEL_LABELS, LEVELS

    st.caption("Each date uses the teams of that date and the latest population estimate before it "
               "(population year). Ladder levels, without FOI replies: "
               + "; ".join(LEVEL_LABELS[lv] for lv in LEVELS) + ".")
