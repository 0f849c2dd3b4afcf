"""Cached data for the app, shared by every session: each function calls the library and nothing else.

Each cached figure builds one :class:`mapping.analysis.selection.Selection` (geography, population year, date,
the built-in register) and computes from its inputs (:func:`selection_inputs`), so every page's figures come from
the same lookup, population and teams, loaded once per selection. Every cache is keyed by :func:`data_version`
(a hash of the data files, the package version and the code that computes the figures), so a changed file or an
upgrade is never served stale. Streamlit's caches live in memory only: its ``persist="disk"`` pickles carry no
checksum (one flipped bit changed a figure silently, and a truncated one failed every visit). The figures a map
page's first run needs (``@on_disk``) are also kept on disk, checked on every read and only for the register the
server serves (:mod:`webapp.figure_store`), so a restarted server draws its first map without computing them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

import boundaries
from boundaries import config
from mapping.analysis.selection import Inputs, Register, Selection, load_inputs
from mapping.inputs.provenance import sources_for
from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, TeamStatus
from mapping.present import webmap
from mapping.present.downloads import (
    BABIES_NOTE,
    CAPACITY_NOTE,
    SUMS_NOTE,
    SYNTHETIC_NOTE,
    DownloadMeta,
    data_date_line,
    reader_table,
    source_line,
    teams_credit,
    to_csv_bytes,
    to_geojson_bytes,
    to_xlsx_bytes,
)
from webapp.figure_store import on_disk

T = TypeVar("T")
Grades = tuple[str, ...] | None  # the evidence grades that count as a team (Selection.grades); None: every grade
REPO = config.ROOT  # the checkout (docs/ for the methodology page); the data files are found by boundaries.config


def _register_key(register: Register) -> str:
    """A register's part of a cache key: the sha256 of its bytes (its identity), never its rows, so a
    visitor's register is computed once and only a session holding the same bytes can ask for it."""
    return register.sha256


def _cached(func: Callable[..., T]) -> Callable[..., T]:
    """``st.cache_data`` for a figure that takes the register (None: the built-in one), keyed by its sha256,
    and the evidence grades that count as a team (None: every grade).

    The register and the grades always reach the cache as keywords, given or not: Streamlit keys a call by the arguments as
    passed, so ``f(a)`` and ``f(a, register=None)`` would otherwise be two entries computed twice."""
    cached = st.cache_data(show_spinner=False, hash_funcs={Register: _register_key})(func)

    @functools.wraps(func)
    def call(*args: Any, register: Register | None = None, grades: Grades = None, **kwargs: Any) -> T:
        return cached(*args, register=register, grades=grades, **kwargs)

    call.clear = cached.clear  # type: ignore[attr-defined]
    return call


@st.cache_data(show_spinner=False)
def data_version() -> str:
    """:func:`cache_key`, computed once per server process (the files it hashes are not expected to change
    under a running server; a restart after an upgrade computes it again)."""
    return cache_key()


def cache_key() -> str:
    """A hash of everything a cached figure depends on, so the disk caches of one install are never served by
    another: the processed-layer recipe, the open-data registry (its sha256 pins), the package version, the
    bytes of every file of the project's own data (:func:`boundaries.config.data_files`: teams, published
    counts, ...) and the source of the modules that compute the figures (``boundaries``, ``mapping``).

    Streamlit already keys each cached function by its own source; this covers the code and data it calls."""
    from boundaries.catalogue import LAYER_VERSION

    parts = (LAYER_VERSION, config.registry_path().read_bytes().decode("utf-8"), config.package_version(),
             config.tree_digest(config.data_files(), root=config.data_dir()),
             config.tree_digest(config.source_files(), root=config.ROOT))
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def selection_inputs(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> Inputs:
    """The inputs of the view's selection (the built-in register), loaded once per selection
    (:func:`mapping.analysis.selection.load_inputs` caches them by value); ``version`` is part of every
    cache key above it, so an upgrade computes them again."""
    return load_inputs(Selection(geography=geography, year=year, as_of=as_of, register=register, grades=grades))


@_cached
def teams_table(version: str, *, register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """Every team row of the register (None: the built-in one), validated, with bases filled; only those of
    ``grades`` when given."""
    from mapping.analysis.selection import builtin_register

    teams = (register or builtin_register()).teams
    return teams if grades is None else teams[teams["evidence_grade"].isin(list(grades))].reset_index(drop=True)


@_cached
@on_disk
def gaps_table(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """The per-area gaps table without geometry (mapping.analysis.coverage.compute_gaps)."""
    from mapping.analysis.coverage import compute_gaps

    gaps = compute_gaps(selection_inputs(version, geography, year, as_of, register=register, grades=grades))
    return pd.DataFrame(gaps.drop(columns="geometry"))


def shapes_url(version: str, geography: str) -> str:
    """The URL the map's browser code fetches the geography's web-layer shapes from (webapp.shapes); the file
    is written the first time this data version of the geography is shown, and only then are shapes loaded."""
    from webapp.shapes import shapes_intact, shapes_path, url_for, write_shapes

    path = shapes_path(geography, version)
    if not shapes_intact(path):
        write_shapes(path, boundaries.load_geography(geography, simplified=True))
    return url_for(path, st.get_option("server.baseUrlPath") or "")


@st.cache_data(show_spinner=False)
@on_disk
def nation_view(version: str, geography: str, nation: str | None) -> list[list[float]] | None:
    """The bounds to zoom to for a nation (all areas when ``nation`` is None)."""
    return webmap.nation_bounds(boundaries.load_geography(geography, simplified=True), nation)


@_cached
def team_shapes(version: str, as_of: date, *, register: Register | None = None, grades: Grades = None):
    """Catchment outlines of teams current on the date, and the specialist-practitioner areas."""
    from mapping.inputs.teams import teams_as_of

    current = teams_as_of(teams_table(version, register=register, grades=grades), as_of)
    load = lambda gid: boundaries.load_geography(gid, simplified=True)  # noqa: E731
    teams = webmap.catchment_shapes(current[current["status"].isin(list(TEAM_MARKER_STATUSES))], load)
    specialists = webmap.catchment_shapes(current[current["status"] == TeamStatus.SPECIALIST], load)
    return teams, specialists


@_cached
@on_disk
def team_overlays(version: str, as_of: date, *, register: Register | None = None, grades: Grades = None,
                  ) -> tuple[str, str]:
    """The national map's layers over the areas (catchments, specialist areas, team bases) as JSON text, and a
    short hash of that text naming them: the same for every measure, so webapp.mapview sends them to a page once."""
    import hashlib
    import json

    from mapping.inputs.teams import teams_as_of

    current = teams_as_of(teams_table(version, register=register, grades=grades), as_of)
    catchments, specialists = team_shapes(version, as_of, register=register, grades=grades)
    text = json.dumps(webmap.team_overlays(current, catchments=catchments, specialists=specialists),
                      separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@_cached
@on_disk
def summary_of(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> dict:
    from mapping.analysis.coverage import summarise

    return summarise(gaps_table(version, geography, year, as_of, register=register, grades=grades))


@_cached
def capacity_table(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    from mapping.analysis.capacity import capacity_by_area

    return capacity_by_area(gaps_table(version, geography, year, as_of, register=register, grades=grades),
                            births=births_table(version, geography, year), year=year)


@st.cache_data(show_spinner=False)
def births_table(version: str, geography: str, year: int) -> pd.DataFrame:
    """Live births per area standing for mid-``year`` (mapping.analysis.capacity.capacity_births: the nearest
    published period where a nation has none, its ``period`` saying so)."""
    from mapping.analysis.capacity import capacity_births

    return capacity_births(geography, year)


@_cached
def ladder_table(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """The provision ladder with no FOI answers (mapping.analysis.ladder.compute_ladder): levels 3, 2 and unknown only."""
    from mapping.analysis.ladder import compute_ladder

    return compute_ladder(selection_inputs(version, geography, year, as_of, register=register, grades=grades), geometry=False)


@_cached
@on_disk
def styled_areas(version: str, geography: str, year: int, as_of: date, measure_id: str, since: date | None = None, *,
                 register: Register | None = None, grades: Grades = None):
    """Per-area tooltip text and colour for a measure (not the FOI one; the ladder without FOI; the map of change
    from ``since``), and the legend."""
    gaps = gaps_table(version, geography, year, as_of, register=register, grades=grades)
    measure = webmap.MEASURES[measure_id]
    ladder = ladder_table(version, geography, year, as_of, register=register, grades=grades) if measure.needs_ladder else None
    change = None
    if measure.needs_change and since is not None:
        change = changes_between(version, geography, year, since, as_of, register=register, grades=grades)["areas"]
    births = births_table(version, geography, year) if measure.needs_births else None
    _, legend = webmap.classify(webmap.measure_values(gaps, measure, ladder=ladder, change=change, births=births),
                                measure)
    return webmap.area_properties(gaps, measure, ladder=ladder, change=change, births=births), legend


@_cached
def ladder_summary(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """summarise_ladder of the ladder without FOI answers (UK, or all areas, and each nation)."""
    from mapping.analysis.ladder import summarise_ladder

    return summarise_ladder(ladder_table(version, geography, year, as_of, register=register, grades=grades))


@_cached
def reach_table(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """Reach per area (mapping.analysis.reach.compute_reach) with the default parameters."""
    from mapping.analysis.reach import compute_reach

    return compute_reach(selection_inputs(version, geography, year, as_of, register=register, grades=grades))


@_cached
def reach_summary(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """Babies, need, families teams can support and reach, for the whole geography and each nation."""
    from mapping.analysis.reach import summarise_reach

    return summarise_reach(reach_table(version, geography, year, as_of, register=register, grades=grades))


@_cached
def national_reach_of(version: str, geography: str, year: int, as_of: date, *,
        register: Register | None = None, grades: Grades = None) -> dict:
    """The one national reach (mapping.analysis.reach.national_reach_of: teams serving the geography and
    exact babies), as the pack and ``pimap reach --national`` give it."""
    from mapping.analysis.reach import national_reach_of as reach_of

    return reach_of(reach_table(version, geography, year, as_of, register=register, grades=grades))


@_cached
def changes_between(version: str, geography: str, year: int, since: date, as_of: date, *,
                    register: Register | None = None, grades: Grades = None) -> dict[str, Any]:
    """The map of change from ``since`` to ``as_of`` (mapping.analysis.changes.compute_changes): its ``teams``,
    ``areas`` and ``totals`` tables and its ``summary`` in words."""
    from mapping.analysis.changes import compute_changes, summary_text

    changes = compute_changes(selection_inputs(version, geography, year, since, register=register, grades=grades),
                              selection_inputs(version, geography, year, as_of, register=register, grades=grades))
    nations = [n for n in boundaries.NATIONS if n in set(changes.totals["scope"])]
    return {"teams": changes.teams, "areas": changes.areas, "totals": changes.totals,
            "summary": summary_text(changes, ["UK", *nations] if len(nations) > 1 else nations or ["UK"])}


@st.cache_data(show_spinner=False)
def known_published_counts(as_of: date) -> pd.DataFrame:
    """The published UK team counts known on the date (a count dated "2023-09" is known by 30 September),
    as the report pack takes them."""
    from mapping.analysis import growth

    return growth.known_published_counts(growth.load_published_counts(), as_of)


@_cached
def record_table(version: str, as_of: date, *, register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """Each published count known on the date beside the teams data/teams.csv lists (mapping.analysis.reach.published_record)."""
    from mapping.analysis.reach import published_record

    return published_record(teams_table(version, register=register, grades=grades), known_published_counts(as_of))


@_cached
def growth_on(version: str, as_of: date, *, register: Register | None = None, grades: Grades = None) -> pd.DataFrame:
    """Teams by year against the Vision & Strategy target, as the report pack has it on the date
    (years as mapping.report.load_inputs takes them; mapping.report.growth_as_of)."""
    from mapping.analysis.growth import VISION_2019, growth_table, load_published_counts
    from mapping.present.figures import growth_chart_years
    from mapping.report import growth_as_of

    years = growth_chart_years(as_of, VISION_2019)
    return growth_as_of(growth_table(teams_table(version, register=register, grades=grades), years), load_published_counts(), as_of)


@_cached
def growth_chart_png(version: str, as_of: date, *, register: Register | None = None, grades: Grades = None) -> bytes:
    """mapping.present.figures.teams_by_year_chart of :func:`growth_on`, as PNG (the pack's chart, screen size)."""
    import io

    import matplotlib as mpl

    from mapping.analysis.growth import VISION_2019 as t
    from mapping.present import figures

    fig = figures.teams_by_year_chart(growth_on(version, as_of, register=register, grades=grades),
                                      text=figures.growth_chart_text(as_of, t), size="slide",
                                      target_label=figures.growth_target_label(t))
    buffer = io.BytesIO()
    with mpl.rc_context(figures.RC):  # saved as the pack saves it: every text plain, never mathtext
        fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


@st.cache_resource(show_spinner=False)
def full_layer(geography: str):
    """Full-detail areas for placing postcodes (kept once per process, never copied per session)."""
    return boundaries.load_geography(geography)


@_cached
def gaps_downloads(version: str, geography: str, year: int, as_of: date, nation: str | None, synthetic: bool = False, *,
                   register: Register | None = None, grades: Grades = None) -> dict[str, bytes]:
    """The gaps table as CSV, XLSX and GeoJSON, each carrying its attribution and data date: babies in whole
    numbers (the ``estimated`` flag kept) and every column named in words (mapping.present.downloads.reader_table);
    ``synthetic``: the session holds SYNTHETIC FOI replies, and each file says so."""
    gaps = nation_rows(gaps_table(version, geography, year, as_of, register=register, grades=grades), nation)
    where = boundaries.get_geography(geography).label + (f", {nation}" if nation else "")
    meta = download_meta(f"Babies aged 0-2 and parent-infant team coverage by area ({where})", geography, year, as_of,
                         register=register, grades=grades, synthetic=synthetic)
    layer = selection_inputs(version, geography, year, as_of, register=register, grades=grades).layer
    shaped = layer[["code", "geometry"]].merge(gaps, on="code", how="inner")
    readable = reader_table(gaps)
    import geopandas as gpd

    shaped_readable = gpd.GeoDataFrame(reader_table(pd.DataFrame(shaped.drop(columns="geometry"))),
                                       geometry=shaped.geometry.to_numpy(), crs=shaped.crs)
    return {
        "csv": to_csv_bytes(readable, meta),
        "xlsx": to_xlsx_bytes({"gaps": readable}, meta),
        "geojson": to_geojson_bytes(shaped_readable, meta),
    }


def nation_rows(frame: pd.DataFrame, nation: str | None) -> pd.DataFrame:
    """The rows of one nation, or all rows for the UK (``nation`` None)."""
    return frame if not nation else frame[frame["nation"] == nation].reset_index(drop=True)


def session_synthetic() -> bool:
    """Whether this session's FOI replies are marked SYNTHETIC test data (False when none are loaded)."""
    return bool(getattr(st.session_state.get("foi"), "synthetic", False))


def download_meta(title: str, geography: str, year: int, as_of: date, extra: tuple[str, ...] = (), *,
                  register: Register | None = None, grades: Grades = None,
                  synthetic: bool | None = None) -> DownloadMeta:
    """Attribution, data date, sources and notes that every download of the view carries; ``register`` (None:
    the built-in one) is named in the sources by its ``source`` and sha256, and the notes start with what the
    list holds beside the published count (:func:`list_sentence`), say that babies are whole numbers and totals
    sums of exact figures, and carry the SYNTHETIC warning when the session's FOI replies are synthetic
    (``synthetic``; None: this session's, :func:`session_synthetic`; a cached caller passes it)."""
    if synthetic is None:
        synthetic = session_synthetic()
    teams_by, teams_line = teams_credit(register, brought="uploaded in this session")
    return DownloadMeta(
        title=("SYNTHETIC TEST DATA - " if synthetic else "") + title,
        attribution=boundaries.ATTRIBUTION + teams_by,
        data_date=data_date_line(geography, year, as_of),
        sources=(teams_line,
                 *[source_line(s) for s in sources_for(Selection(geography, year, as_of, register=register, grades=grades))
                   if s.role != "teams"],
                 *extra),
        notes=(*((SYNTHETIC_NOTE,) if synthetic else ()),
               list_sentence(geography, year, as_of, register=register, grades=grades),
               boundaries.population.ESTIMATES_NOTE,
               CAPACITY_NOTE,
               BABIES_NOTE, SUMS_NOTE),
    )


def list_sentence(geography: str, year: int, as_of: date, nation: str | None = None, *,
                  register: Register | None = None, grades: Grades = None) -> str:
    """What the view's list of teams holds beside the published UK count, in words
    (:func:`mapping.analysis.list_count.list_count_of`): every page and download states it."""
    return _list_sentence(data_version(), geography, year, as_of, nation, register=register, grades=grades)


@_cached
@on_disk
def _list_sentence(version: str, geography: str, year: int, as_of: date, nation: str | None, *,
                   register: Register | None = None, grades: Grades = None) -> str:
    """:func:`list_sentence`, computed once per view (it counts the whole register against the published
    counts, which took a tenth of every page's run)."""
    from mapping.analysis.list_count import list_count_of

    inputs = selection_inputs(version, geography, year, as_of, register=register, grades=grades)
    return list_count_of(inputs, nation).sentence()
