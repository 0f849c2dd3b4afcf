"""The view every page shares: the sidebar's widgets, kept in the URL query string."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

import boundaries
from mapping.present import webmap

FIRST_YEAR = 2019
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
