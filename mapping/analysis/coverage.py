"""Who is covered by a specialised parent-infant relationship team, and who is not.

A team serves a catchment, which rarely matches the area a reader asks about, so
coverage is decided on small areas (a small area is covered when it lies in the
catchment of at least one operating team) and then summed to any geography. The
overlap step (``unit_coverage``) is separate from the sums (``coverage_by_area``),
as in tobler; the engine takes its tables as arguments and never reads files.
``compute_gaps`` takes a selection's inputs (:mod:`mapping.analysis.selection`), which hold the
real data, and loads nothing itself.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

import boundaries.catalogue
from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.crs import BRITISH_NATIONAL_GRID, IRISH_TRANSVERSE_MERCATOR, WGS84
from boundaries.names import display_names
from mapping.analysis.selection import AGE_BANDS, Age
from mapping.analysis.sums import to_areas
from mapping.errors import GeographyError, PimapError
from mapping.inputs.vocabulary import TeamStatus

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from mapping.analysis.selection import Inputs

__all__ = [
    "AGE_BANDS",
    "COVERAGE_CLASSES",
    "unit_coverage",
    "covering_units",
    "coverage_by_area",
    "LAND_NEIGHBOURS",
    "nearest_teams",
    "nearest_team_list",
    "nearest_team_list_in_geography",
    "summarise",
    "compute_gaps",
]

COVERAGE_CLASSES = ("full", "partial", "none")


def _age_column(age: str) -> str:
    try:
        return AGE_BANDS[age]
    except KeyError:
        raise PimapError(f"age must be one of {sorted(AGE_BANDS)}, not {age!r}") from None


def unit_coverage(catchments: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """The operating teams whose catchment holds each small area.

    Parameters
    ----------
    catchments : DataFrame with ``team_id``, ``geography``, ``code``: one row per team per
        catchment area, already restricted to the teams that count (operating on the date).
    lookup : DataFrame with ``unit_code`` and one column per geography id.

    Returns
    -------
    DataFrame with ``unit_code`` and ``team_id``: one row per (small area, team), each
    pair once even where a team lists overlapping areas.
    """
    pieces = []
    for geography, group in catchments.groupby("geography", sort=True):
        if geography not in lookup.columns:
            raise GeographyError(f"catchment geography {geography!r} is not in the small-area lookup")
        # Keep only the lookup rows in some catchment before the merge (same rows, same order, far fewer
        # Arrow strings to join).
        column = lookup[geography]
        subset = lookup.loc[column.isin(group["code"].unique()), ["unit_code", geography]]
        matched = subset.merge(group[["team_id", "code"]], left_on=geography, right_on="code", how="inner")
        pieces.append(matched[["unit_code", "team_id"]])
    if not pieces:
        return pd.DataFrame({"unit_code": pd.Series(dtype="string"), "team_id": pd.Series(dtype="string")})
    return pd.concat(pieces, ignore_index=True).drop_duplicates().reset_index(drop=True)


def covering_units(inputs: Inputs) -> pd.DataFrame:
    """The (small area, team) pairs that make a selection's small areas covered: the catchments of its teams
    operating on the date (a team in development covers no one yet). The one coverage rule, shared by
    :func:`compute_gaps` and the map of change (:mod:`mapping.analysis.changes`)."""
    return unit_coverage(inputs.catchments([TeamStatus.OPERATING]), inputs.lookup)


def coverage_by_area(
    units: pd.DataFrame,
    population: pd.DataFrame,
    lookup: pd.DataFrame,
    areas: pd.DataFrame,
    geography: str,
    *,
    age: Age = "0-2",
    team_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Sum covered and total children per area of ``geography``.

    Parameters
    ----------
    units : output of :func:`unit_coverage`.
    population : ``unit_code`` with ``age0`` and ``age0_2`` (and optionally ``estimated``).
    lookup : ``unit_code`` and a ``geography`` column of area codes.
    areas : ``code``, ``name``, ``nation``: every area of the geography (areas with no
        small area or no children still get a row).
    age : the band that decides ``share_covered`` and ``coverage``.

    Notes
    -----
    ``share_covered = covered / total`` for the chosen band. ``coverage`` is ``full`` when
    every child (every small area, where the area has no children) is covered, ``none``
    when none is, else ``partial``. Areas with no children have ``share_covered`` NaN.
    """
    band = _age_column(age)
    pop = population.copy()
    pop["is_covered"] = pop["unit_code"].isin(units["unit_code"].unique())
    for col in ("age0", "age0_2"):
        pop[f"covered_{col}"] = pop[col].where(pop["is_covered"], 0.0)
    if "estimated" not in pop.columns:
        pop["estimated"] = False
    # One join to the lookup for every sum (each column is summed on its own, in the population's order,
    # so the figures are those of one sum_to_areas per column).
    grouped = to_areas(pop, lookup, geography).groupby("code", sort=True)
    sums = grouped[["age0", "age0_2", "covered_age0", "covered_age0_2"]].sum()
    sums["estimated"] = grouped["estimated"].any()
    sums["units"] = grouped.size()
    sums["units_covered"] = grouped[["is_covered"]].sum()["is_covered"]
    sums = sums[["age0", "age0_2", "covered_age0", "covered_age0_2", "units", "units_covered", "estimated"]]

    serving = to_areas(units, lookup, geography, one_row_per_unit=False)
    serving = serving.groupby("code")["team_id"].agg(lambda s: "; ".join(sorted(set(s)))).to_dict()

    out = areas[["code", "name", "nation"]].merge(sums.reset_index(), on="code", how="left")
    for col in ("age0", "age0_2", "covered_age0", "covered_age0_2"):
        out[col] = out[col].fillna(0.0).astype(float)
    for col in ("units", "units_covered"):
        out[col] = out[col].fillna(0).astype(int)
    out["estimated"] = out["estimated"].fillna(False).astype(bool)
    out["uncovered_age0"] = out["age0"] - out["covered_age0"]
    out["uncovered_age0_2"] = out["age0_2"] - out["covered_age0_2"]
    total, covered = out[band], out[f"covered_{band}"]
    out["share_covered"] = np.where(total > 0, covered / total.where(total > 0, 1.0), np.nan)
    by_people = np.select([covered <= 0, covered >= total], ["none", "full"], "partial")
    by_units = np.select(
        [out["units_covered"] == 0, out["units_covered"] == out["units"]], ["none", "full"], "partial"
    )
    out["coverage"] = np.where(total > 0, by_people, by_units)
    out["teams"] = [serving.get(code, "") for code in out["code"]]
    names = team_names or {}
    out["team_names"] = out["teams"].map(
        lambda ids: "; ".join(names.get(t, t) for t in ids.split("; ")) if ids else ""
    )
    out["age_band"] = age
    return out


_GRIDS = ((BRITISH_NATIONAL_GRID, False), (IRISH_TRANSVERSE_MERCATOR, True))

# The nations whose team bases an area's nearest team may be in: its own, and those it shares a land border
# with, so no nearest team is across the sea (Glasgow's is in Scotland or England, never in Northern Ireland).
LAND_NEIGHBOURS: dict[str, frozenset[str]] = {
    "England": frozenset({"England", "Wales", "Scotland"}),
    "Wales": frozenset({"Wales", "England"}),
    "Scotland": frozenset({"Scotland", "England"}),
    "Northern Ireland": frozenset({"Northern Ireland"}),
}

# Per grid: the mask of the areas measured in it and their centroids' x and y in that grid.
_Centroids = tuple[tuple[str, np.ndarray, np.ndarray, np.ndarray], ...]


def _centroids(areas: gpd.GeoDataFrame) -> _Centroids:
    """Each area's centroid in its nation's grid (Northern Ireland in EPSG:2157, the rest in EPSG:27700)."""
    found = []
    for grid, in_ni in _GRIDS:
        mask = (areas["nation"] == "Northern Ireland").values == in_ni
        if not mask.any():
            continue
        centroids = areas.geometry[mask].to_crs(grid).centroid
        found.append((grid, mask, centroids.x.values, centroids.y.values))
    return tuple(found)


@functools.cache
def _layer_centroids(geography_id: str, key: str) -> tuple[ArrayLike, ArrayLike, _Centroids]:
    """The codes, nations and grid centroids of a geography's full-detail layer, once per process and layer
    version (``key``): reprojecting the full layer costs far more than the distances."""
    areas = boundaries.catalogue.load_geography(geography_id)
    found = _centroids(areas)
    nations = areas["nation"].to_numpy(dtype=object)
    for array in (nations, *(a for _, mask, x, y in found for a in (mask, x, y))):
        array.flags.writeable = False
    return areas["code"].values, nations, found


def _reachable(area_nations: np.ndarray, team_nations: np.ndarray) -> np.ndarray:
    """(areas x teams) True where the team's base is in a nation the area reaches by land (:data:`LAND_NEIGHBOURS`)."""
    out = np.zeros((len(area_nations), len(team_nations)), dtype=bool)
    for nation in np.unique(area_nations):
        allowed = LAND_NEIGHBOURS.get(str(nation), frozenset({str(nation)}))
        out[area_nations == nation] = np.isin(team_nations, list(allowed))
    return out


def _distances(nations: ArrayLike, centroids: _Centroids, bases: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The usable bases (one row per team with a base) and the (areas x bases) straight-line distances in km,
    ``inf`` where a base is not reachable by land (:func:`_reachable`) or the area has no centroid."""
    bases = bases.dropna(subset=["base_lon", "base_lat"]).drop_duplicates("team_id").reset_index(drop=True)
    area_nations = np.asarray(nations, dtype=object)
    dist = np.full((len(area_nations), len(bases)), np.inf)
    if bases.empty or not len(area_nations):
        return bases, dist
    team_nations = bases["nation"].astype(str).values if "nation" in bases.columns else None
    points = gpd.GeoSeries(gpd.points_from_xy(bases["base_lon"], bases["base_lat"]), crs=WGS84)
    for grid, mask, cx, cy in centroids:
        team_xy = points.to_crs(grid)
        km = np.hypot(cx[:, None] - team_xy.x.values[None, :], cy[:, None] - team_xy.y.values[None, :]) / 1000.0
        if team_nations is not None:
            km = np.where(_reachable(area_nations[mask], team_nations), km, np.inf)
        dist[mask] = km
    return bases, dist


def _nearest(codes: ArrayLike, nations: ArrayLike, centroids: _Centroids, bases: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"code": codes}, copy=True)
    out["nearest_team"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["nearest_team_name"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["nearest_team_km"] = np.nan
    bases, dist = _distances(nations, centroids, bases)
    if bases.empty or out.empty:
        return out
    best = dist.argmin(axis=1)
    km = dist[np.arange(len(best)), best]
    found = np.isfinite(km)
    out.loc[found, "nearest_team"] = bases["team_id"].values[best[found]]
    out.loc[found, "nearest_team_name"] = bases["name"].values[best[found]]
    out.loc[found, "nearest_team_km"] = km[found]
    return out


def nearest_teams(areas: gpd.GeoDataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """Nearest team base reachable by land to each area's centroid, in straight-line km.

    Distances are measured in EPSG:27700 (British National Grid) for areas in Great
    Britain and EPSG:2157 (Irish Transverse Mercator) for Northern Ireland. Only bases in the
    area's own nation or one it shares a land border with count (:data:`LAND_NEIGHBOURS`: England
    with Wales and Scotland; Northern Ireland alone), so no nearest team is across the sea. Bases
    without a ``nation`` column are all candidates.

    Parameters
    ----------
    areas : GeoDataFrame with ``code``, ``nation``, ``geometry`` (any CRS).
    bases : ``team_id``, ``name``, ``base_lon``, ``base_lat`` (and ``nation``) of the teams to consider.

    Returns
    -------
    DataFrame with ``code``, ``nearest_team`` (team_id), ``nearest_team_name``, ``nearest_team_km``
    (missing where no base is reachable by land).
    """
    codes, nations = areas["code"].values, areas["nation"].to_numpy(dtype=object)
    if areas.empty:
        return _nearest(codes, nations, (), bases)
    return _nearest(codes, nations, _centroids(areas), bases)


NEAREST_LIST_COLUMNS = ("team_id", "name", "nation", "km")


def _nearest_list(codes: ArrayLike, nations: ArrayLike, centroids: _Centroids, bases: pd.DataFrame, code: str,
                  count: int) -> pd.DataFrame:
    columns = list(NEAREST_LIST_COLUMNS)
    hit = np.flatnonzero(np.asarray(codes) == code)
    if not len(hit):
        raise GeographyError(f"no area with code {code!r} in this geography")
    i = int(hit[0])
    # the area's own centroid: its position among the areas measured in its grid
    picked = tuple((grid, mask[i:i + 1], x[[int(mask[:i].sum())]], y[[int(mask[:i].sum())]])
                   for grid, mask, x, y in centroids if mask[i])
    usable, dist = _distances(np.asarray(nations)[i:i + 1], picked, bases)
    if usable.empty:
        return pd.DataFrame({c: pd.Series(dtype="float" if c == "km" else "string") for c in columns})
    km = dist[0]
    order = [j for j in np.argsort(km, kind="stable") if np.isfinite(km[j])][:count]
    out = usable.iloc[order].assign(km=km[order])
    if "nation" not in out.columns:
        out["nation"] = pd.NA
    return out[columns].reset_index(drop=True)


def nearest_team_list(areas: gpd.GeoDataFrame, bases: pd.DataFrame, code: str, *, count: int = 3) -> pd.DataFrame:
    """The ``count`` team bases nearest the centroid of area ``code`` that it reaches by land, nearest first.

    Same rule and grids as :func:`nearest_teams` (straight-line km from the area's centroid to each base;
    bases across the sea never count). Returns ``team_id``, ``name``, ``nation``, ``km``; fewer rows when fewer
    bases are reachable.
    """
    rows = areas[areas["code"] == code]
    if rows.empty:
        raise GeographyError(f"no area with code {code!r} in this geography")
    return _nearest_list(rows["code"].values, rows["nation"].to_numpy(dtype=object), _centroids(rows), bases, code, count)


def nearest_team_list_in_geography(geography_id: str, bases: pd.DataFrame, code: str, *,
                                   count: int = 3) -> pd.DataFrame:
    """:func:`nearest_team_list` on a geography's full-detail layer, its centroids computed once per process."""
    codes, nations, centroids = _layer_centroids(geography_id, boundaries.catalogue.layer_key(geography_id))
    return _nearest_list(codes, nations, centroids, bases, code, count)


def _nearest_in_geography(geography_id: str, bases: pd.DataFrame) -> pd.DataFrame:
    """:func:`nearest_teams` of a geography's full-detail layer, its centroids computed once per process."""
    codes, nations, centroids = _layer_centroids(geography_id, boundaries.catalogue.layer_key(geography_id))
    return _nearest(codes, nations, centroids, bases)


def _summary_row(frame: pd.DataFrame) -> dict:
    total = float(frame["age0_2"].sum())
    uncovered = float(frame["uncovered_age0_2"].sum())
    total0 = float(frame["age0"].sum())
    uncovered0 = float(frame["uncovered_age0"].sum())
    teams = {t for ids in frame["teams"] for t in ids.split("; ") if t}
    return {
        "teams_operating": len(teams),
        "areas": int(len(frame)),
        "areas_without_team": int((frame["coverage"] == "none").sum()),
        "areas_partly_covered": int((frame["coverage"] == "partial").sum()),
        "areas_fully_covered": int((frame["coverage"] == "full").sum()),
        "age0_2_total": round(total, 1),
        "age0_2_uncovered": round(uncovered, 1),
        "share_covered": (total - uncovered) / total if total else None,
        "age0_total": round(total0, 1),
        "age0_uncovered": round(uncovered0, 1),
        "share_covered_age0": (total0 - uncovered0) / total0 if total0 else None,
        "estimated": bool(frame["estimated"].any()),
    }


def summarise(gaps: pd.DataFrame) -> dict:
    """UK and per-nation totals from a gaps table.

    ``teams_operating`` counts the operating teams serving at least one area of the
    geography (of the nation, in ``nations``). ``share_covered`` is for children aged
    0-2; ``share_covered_age0`` for age 0.
    """
    summary = _summary_row(gaps)
    summary["nations"] = {
        nation: _summary_row(gaps[gaps["nation"] == nation])
        for nation in UK_NATIONS
        if (gaps["nation"] == nation).any()
    }
    return summary


def compute_gaps(inputs: Inputs) -> gpd.GeoDataFrame:
    """The per-area gaps table of a selection: its teams operating on the date, its mid-year population.

    The age band is the selection's (``inputs.selection.age``). Returns a GeoDataFrame (web-weight
    geometry) with one row per area: ``code``, ``name``, ``display_name`` (the name a reader knows,
    :func:`boundaries.names.display_names`), ``nation``, population, covered population, ``share_covered``, ``coverage``,
    serving ``teams`` and ``team_names``, and for areas with no team the ``nearest_team`` and
    ``nearest_team_km``.
    """
    selection = inputs.selection
    geography = selection.geography
    operating = inputs.operating
    units = covering_units(inputs)
    names = dict(zip(operating["team_id"], operating["name"]))
    layer = inputs.layer
    gaps = coverage_by_area(units, inputs.population, inputs.lookup, layer, geography, age=selection.age,
                            team_names=names)
    nearest = _nearest_in_geography(geography, operating)
    gaps = gaps.merge(nearest, on="code", how="left")
    # the readable name (a Sub-ICB location as its place, ICB and NHS code), right after the official one
    shown = display_names(geography)
    gaps.insert(gaps.columns.get_loc("name") + 1, "display_name",
                [shown.get(code) or name for code, name in zip(gaps["code"], gaps["name"])])
    uncovered = gaps["coverage"] == "none"
    for col in ("nearest_team", "nearest_team_name"):
        gaps[col] = gaps[col].where(uncovered, pd.NA)
    gaps["nearest_team_km"] = gaps["nearest_team_km"].where(uncovered, np.nan)
    gaps["geography"] = geography
    gaps["population_year"] = selection.year
    gaps["as_of"] = selection.as_of.isoformat()
    gaps = gaps.merge(layer[["code", "geometry"]], on="code", how="left")
    return gpd.GeoDataFrame(gaps, geometry="geometry", crs=WGS84)
