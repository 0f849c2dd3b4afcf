"""The view every page shares: the page (st.navigation), the sidebar's widgets and the map's measure, kept in the
URL query string.

Each page has its own path (``/ladder``, ``/profile``, ...; the map at the root, ``/map`` too), and the
query string carries the whole view as it always has (``?page=ladder&geo=uk2018&year=2019&date=2023...``),
so a copied link, and every link made before the pages had paths, reopens the same view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st
from streamlit.navigation.page import StreamlitPage

import boundaries
from mapping.analysis.selection import Register
from mapping.errors import PimapError
from mapping.inputs.vocabulary import GRADE_CHOICE_LABELS, GRADE_CHOICES
from mapping.present import webmap

FIRST_YEAR = 2019
PAGES = {
    "map": "National map",
    "ladder": "Provision ladder",
    "profile": "Area profile",
    "compare": "Compare areas",
    "tables": "Tables and downloads",
    "teams": "Teams register",
    "foi": "FOI replies",
    "about": "Methodology and sources",
}
DEFAULT_PAGE = "map"
NO_COMPARISON = "none"  # the 'Compare with an earlier date' choice that compares with nothing
MAX_COMPARE = 5  # the areas the page 'Compare areas' shows side by side, at most
# What the last reading of ?compare= could not take (codes not found, more than five), for the page to say.
COMPARE_NOTES = "compare_notes"
# The page the query string named when this session last wrote it (sync_url): a different ?page= is a link
# asking for another page; the same one is only what the app wrote itself.
_URL_PAGE = "_url_page"
# UK-wide composites first, newest first, then the single-nation and local-government geographies.
_COMPOSITES = tuple(sorted(boundaries.catalogue.UK_COMPOSITES, key=lambda g: boundaries.get_geography(g).vintage,
                           reverse=True))
GEOGRAPHY_ORDER = (*_COMPOSITES, *[g for g in boundaries.GEOGRAPHY_IDS if g not in _COMPOSITES])


def default_geography(today: date | None = None) -> str:
    """The UK-wide areas in force today (uk2026 from April 2026: the 36 ICBs commissioning now), which a
    view without ``?geo=`` opens on (README, "The app", says why)."""
    return boundaries.catalogue.in_force(today or date.today())


@dataclass(frozen=True)
class View:
    page: str
    geography: str
    year: int
    when: str  # "2019" ... or "today"
    measure: str
    nation: str | None
    area: str | None
    # The register of teams this session uses: None for the built-in one, else the visitor's upload
    # (page 'Teams register'), kept in this session's state only.
    register: Register | None = None
    # Which evidence grades count as a team: a key of GRADE_CHOICES ("all", the default, or "foundation").
    grade_choice: str = "all"
    # An earlier date to compare the teams with (a value of date_options before ``when``), or None.
    since: str | None = None
    # The areas the page 'Compare areas' shows side by side (codes of the geography, at most MAX_COMPARE).
    compare: tuple[str, ...] = ()

    @property
    def since_date(self) -> date | None:
        """The earlier date of the map of change, or None when the view compares with nothing."""
        return None if self.since is None else as_of_date(self.since)

    @property
    def grades(self) -> tuple[str, ...] | None:
        """The evidence grades that count as a team (Selection.grades; None: every grade)."""
        return GRADE_CHOICES[self.grade_choice]

    @property
    def as_of(self) -> date:
        return as_of_date(self.when)

    @property
    def scope(self) -> str:
        """What the view covers, in words: its nation when it shows one (a nation chosen, or a geography of one
        nation: Scotland's health boards), "UK" for all four nations, else the nations joined."""
        if self.nation:
            return self.nation
        nations = list(boundaries.get_geography(self.geography).nations)
        return "UK" if len(set(nations)) == 4 else " and ".join(nations)


def as_of_date(when: str, today: date | None = None) -> date:
    """The date the teams are shown for: 1 July of the year chosen, or today."""
    today = today or date.today()
    if when == "today":
        return today
    return min(date(int(when), 7, 1), today)


def date_options(today: date | None = None) -> list[str]:
    today = today or date.today()
    return [str(y) for y in range(FIRST_YEAR, today.year + 1) if date(y, 7, 1) <= today] + ["today"]


def since_options(when: str, today: date | None = None) -> list[str]:
    """The dates a view showing the teams on ``when`` can be compared with: no comparison, then every earlier
    1 July (the map of change runs from the earlier date to ``when``)."""
    end = as_of_date(when, today)
    return [NO_COMPARISON, *[w for w in date_options(today) if w != "today" and as_of_date(w, today) < end]]


# What the link (the URL's query string) asked for that this view cannot show, in words: each refused value is
# said once, on the page, with what is shown instead and the values that work (never a silent change).
LINK_NOTES = "link_notes"
_QUOTED = 60  # characters of a refused value quoted back in a note


def quoted(value: str) -> str:
    """A value from a link, quoted for a note: cut to :data:`_QUOTED` characters (saying how long it was)."""
    if not value:
        return "an empty value"
    text = value if len(value) <= _QUOTED else f"{value[:_QUOTED]}… ({len(value):,} characters)"
    return f"“{text}”"


def link_note(what: str, value: str, why: str, shown: str, options) -> str:
    """The one wording of a refused link value: what the link asked, why it cannot be shown, what is shown
    instead, and the values that work."""
    return (f"The link asks for {what} {quoted(value)}, {why}, so the app shows {shown} instead. "
            f"To fix the link, use one of: {', '.join(str(o) for o in options)}.")


def _from_link(name: str, options, default, what: str, notes: list[str], *, label=str,
               why: str = "which is not one the app knows"):
    """``?name=`` if it is one of ``options``, else ``default`` (a note saying so when the link gave one)."""
    value = st.query_params.get(name)
    if value is None or value in options:
        return default if value is None else value
    notes.append(link_note(what, value, why, label(default), options))
    return default


def init_state() -> None:
    """On a session's first run, take the view from the URL; anything invalid falls back to the default, and
    the page says so (:data:`LINK_NOTES`)."""
    if st.session_state.get("_initialised"):
        return
    notes: list[str] = []
    _from_link("page", PAGES, DEFAULT_PAGE, "the page", notes,  # the page itself is navigate's to choose
               label=lambda p: f"the page '{PAGES[p]}'")
    geo = _from_link("geo", GEOGRAPHY_ORDER, default_geography(), "the geography", notes,
                     label=lambda g: f"{g} ({boundaries.get_geography(g).label})")
    st.session_state["geo"] = geo
    years = [str(y) for y in boundaries.POPULATION_YEARS]
    st.session_state["year"] = int(_from_link("year", years, years[-1], "the population year", notes,
                                              label=lambda y: f"mid-{y}"))
    when = _from_link("date", date_options(), "today", "the date of the teams", notes,
                      label=lambda w: "the teams as of today")
    st.session_state["when"] = when
    st.session_state["measure"] = _from_link("measure", webmap.MEASURES, "share_covered", "the map's measure", notes,
                                             label=lambda m: f"'{webmap.MEASURES[m].label}'")
    st.session_state["nation"] = _from_link("nation", ("UK", *boundaries.NATIONS), "UK", "the nation", notes,
                                            label=lambda n: "the whole UK")
    st.session_state["area"] = st.query_params.get("area") or None
    st.session_state["grades"] = _from_link("grades", GRADE_CHOICES, "all", "the teams counted", notes,
                                            label=lambda g: GRADE_CHOICE_LABELS[g])
    st.session_state["since"] = _from_link("since", since_options(when), NO_COMPARISON, "a comparison with", notes,
                                           label=lambda _: "no comparison",
                                           why="which is not a date before the teams shown")
    codes, compare_notes = compare_codes(st.query_params.get("compare"), geo)
    st.session_state["compare"] = codes
    st.session_state[COMPARE_NOTES] = compare_notes
    st.session_state[LINK_NOTES] = notes
    st.session_state["_initialised"] = True


def compare_codes(text: str | None, geography: str) -> tuple[tuple[str, ...], list[str]]:
    """The areas a ``?compare=CODE1,CODE2`` asks for, in its order without repeats, and what it could not
    take, in words: codes that are not areas of ``geography`` (named, never dropped silently) and any
    beyond the first :data:`MAX_COMPARE`."""
    wanted = list(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))
    if not wanted:
        return (), []
    found, notes = known_areas(wanted, geography)
    if len(found) > MAX_COMPARE:
        notes.append(f"Up to {MAX_COMPARE} areas can be compared: the first {MAX_COMPARE} of the link's "
                     f"{len(found)} are shown ({', '.join(found[MAX_COMPARE:])} left out).")
    return tuple(found[:MAX_COMPARE]), notes


def known_areas(codes: list[str], geography: str) -> tuple[list[str], list[str]]:
    """The ``codes`` that are areas of ``geography``, in order, and a note naming those that are not (the one
    rule for an area code from a link or a change of geography: never dropped silently)."""
    try:
        known = set(boundaries.area_table(geography)["code"].astype(str))
    except PimapError as exc:  # the geography's areas cannot be read: say so, and show none
        return [], [f"The areas could not be checked: {exc}"]
    missing = [c for c in codes if c not in known]
    if not missing:
        return codes, []
    one = len(missing) == 1
    return [c for c in codes if c in known], [
        f"{'Area code' if one else 'Area codes'} {', '.join(quoted(c) for c in missing)} {'was' if one else 'were'} "
        f"not found in {geography} ({boundaries.get_geography(geography).label}), so {'it is' if one else 'they are'} "
        "not shown."]


def navigate(draw: Callable[[], None]) -> StreamlitPage:
    """Route this run through st.navigation, and return the page to run (its ``run()`` calls ``draw``).

    One st.Page per page id, at the path of the same name (the map at the root; ``/map`` is kept as a
    hidden alias that moves to the root). The menu in the sidebar chooses the page by its path; a
    ``?page=`` the app did not write itself (a shared link, an old ``/?page=ladder&...`` link) chooses it
    instead, and the app moves to that page's path with the rest of the query string kept. The page id
    is kept in session state for the view (:func:`current_view`).
    """
    pages = {page_id: st.Page(draw, title=title, url_path="" if page_id == DEFAULT_PAGE else page_id,
                              default=page_id == DEFAULT_PAGE) for page_id, title in PAGES.items()}
    alias = st.Page(draw, title=PAGES[DEFAULT_PAGE], url_path=DEFAULT_PAGE, visibility="hidden")
    chosen = st.navigation([*pages.values(), alias], position="sidebar")
    current = DEFAULT_PAGE if chosen is alias else next(p for p, page in pages.items() if page is chosen)
    asked = st.query_params.get("page")
    target = asked if asked in PAGES and asked != st.session_state.get(_URL_PAGE) else current
    if chosen is alias or target != current:
        # Opened like a link: the next run takes the view from the query string again (Streamlit drops the
        # sidebar's widget values on a switch it makes itself, and the query string holds all of them).
        st.session_state["_initialised"] = False
        st.switch_page(pages[target], query_params={**st.query_params.to_dict(), "page": target})
    st.session_state["page"] = current
    return chosen


def sync_url(view: View) -> None:
    """Write the view to the query string, so a copied link reopens it."""
    wanted = {"page": view.page, "geo": view.geography, "year": str(view.year), "date": view.when,
              "measure": view.measure, "nation": view.nation or "UK"}
    if view.area:
        wanted["area"] = view.area
    if view.since is not None:
        wanted["since"] = view.since
    if view.compare:
        wanted["compare"] = ",".join(view.compare)
    if view.grade_choice != "all":  # the default is left out, so every link made before the switch still matches
        wanted["grades"] = view.grade_choice
    st.session_state[_URL_PAGE] = view.page
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def map_measures() -> list[str]:
    """The measures the map can show in this view, with the one chosen made one of them: the FOI reply class only
    with FOI replies loaded, the change only with an earlier date to compare with.

    The choice is drawn on the map's own page (webapp.pages.map), so it is written back to itself here on every
    run: Streamlit drops the value of a widget a run does not draw, and the other pages need it for their links.
    """
    foi_loaded = st.session_state.get("foi") is not None
    comparing = st.session_state.get("since", NO_COMPARISON) != NO_COMPARISON
    ids = [m.id for m in webmap.MEASURES.values() if (foi_loaded or not m.needs_foi) and (comparing or not m.needs_change)]
    chosen = st.session_state.get("measure")
    if chosen not in ids:
        if chosen in webmap.MEASURES:  # a link's measure, or one the view no longer offers: said, not silent
            needs = ("FOI replies loaded (page 'FOI replies')" if webmap.MEASURES[chosen].needs_foi
                     else "an earlier date to compare with (sidebar: 'Compare with an earlier date')")
            _say(f"The map's measure '{webmap.MEASURES[chosen].label}' needs {needs}, so the map shows "
                 f"'{webmap.MEASURES['share_covered'].label}' instead.")
        st.session_state["measure"] = "share_covered"
    return ids


def _say(note: str) -> None:
    """Keep ``note`` for the page to say once (:data:`LINK_NOTES`)."""
    st.session_state[LINK_NOTES] = [*st.session_state.get(LINK_NOTES, []), note]


def take_notes() -> list[str]:
    """What the view could not take (from the link or a change of view) since the page last said it, once."""
    return st.session_state.pop(LINK_NOTES, None) or []


def current_view() -> View:
    """The view as the navigation and the sidebar's widgets hold it in session state (after :func:`navigate`
    and :func:`sidebar` have run this run)."""
    nation = st.session_state["nation"]
    return View(st.session_state["page"], st.session_state["geo"], int(st.session_state["year"]),
                st.session_state["when"], st.session_state["measure"], None if nation == "UK" else nation,
                st.session_state.get("area"), st.session_state.get("register"),
                st.session_state.get("grades", "all"),
                None if st.session_state.get("since", NO_COMPARISON) == NO_COMPARISON else st.session_state["since"],
                tuple(st.session_state.get("compare") or ()))


def nations_of(geography: str) -> list[str]:
    """The nations a geography has areas in, in the UK's order."""
    return [n for n in boundaries.NATIONS if n in boundaries.get_geography(geography).nations]


def check_view() -> None:
    """Make the view the widgets hold one the app can show, saying what it changed (:func:`_say`): a comparison
    date before the teams' date, a measure the view offers, a nation of the geography, an area of it. Run before
    the page on every run (the sidebar's widgets may be drawn after it: webapp.first_view)."""
    if st.session_state.get("since") not in since_options(st.session_state["when"]):
        _say(f"A comparison with 1 July {st.session_state.get('since')} needs the teams shown for a later date, "
             "so the app shows no comparison.")
        st.session_state["since"] = NO_COMPARISON
    map_measures()  # the measure chosen on the map's page stays valid (and kept) on every page
    if st.session_state.get("nation") not in ("UK", *nations_of(st.session_state["geo"])):
        geo = st.session_state["geo"]
        _say(f"{st.session_state.get('nation')} is not part of {geo} ({boundaries.get_geography(geo).label}), so "
             f"the app shows all of it instead. To see {st.session_state.get('nation')}, choose a geography that "
             "covers it.")
        st.session_state["nation"] = "UK"
    if st.session_state.get("area"):  # from a link, or kept from another geography
        found, notes = known_areas([st.session_state["area"]], st.session_state["geo"])
        for note in notes:
            _say(note)
        st.session_state["area"] = found[0] if found else None


def sidebar() -> View:
    """The controls every page shares, below the navigation's menu (drawn by the entry script, so each keeps its
    value from page to page; after :func:`check_view`)."""
    sb = st.sidebar
    sb.selectbox("Geography", GEOGRAPHY_ORDER, key="geo",
                 format_func=lambda g: f"{g}: {boundaries.get_geography(g).label}")
    sb.selectbox("Population (mid-year estimates)", list(boundaries.POPULATION_YEARS), key="year",
                 format_func=lambda y: f"mid-{y}",
                 help="What each year holds: " + " ".join(f"mid-{y}: {boundaries.population.year_contents(y)}."
                                                          for y in boundaries.POPULATION_YEARS))
    sb.caption(f"mid-{st.session_state['year']}: {boundaries.population.year_contents(int(st.session_state['year']))}.")
    sb.select_slider("Teams as of", date_options(), key="when",
                     format_func=lambda w: "today" if w == "today" else f"1 July {w}")
    when = as_of_date(st.session_state["when"])
    in_force = boundaries.catalogue.in_force(when)
    sb.caption(f"UK commissioning areas in force on {when.day} {when:%B %Y}: {in_force}"
               + ("" if in_force == st.session_state["geo"] else " (not the geography shown)") + ".")
    sb.selectbox("Compare with an earlier date", since_options(st.session_state["when"]), key="since",
                 format_func=lambda w: "no comparison" if w == NO_COMPARISON else f"1 July {w}",
                 help="The map of change: which teams started, closed or changed catchment since that date, and the "
                      "babies whose coverage changed (the map's measure 'Change in babies covered').")
    sb.radio("Count as a team", list(GRADE_CHOICES), key="grades",
             format_func=lambda c: GRADE_CHOICE_LABELS[c][:1].upper() + GRADE_CHOICE_LABELS[c][1:],
             help="Our list holds every team or service named in public sources, each with its evidence grade: named by "
                  "the Parent-Infant Foundation, described by its own NHS body, or only mentioned (page 'Methodology "
                  "and sources'). Choose which count as a team in every figure.")
    sb.selectbox("Nation (filters tables, zooms the map)", ["UK", *nations_of(st.session_state["geo"])], key="nation")
    from webapp.register_session import register_line

    view = current_view()
    sb.caption(register_line(view.register))
    sb.caption(boundaries.ATTRIBUTION)
    return view
