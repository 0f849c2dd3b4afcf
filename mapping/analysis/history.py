"""Areas over time, and areas like a given one: what the compare view and the profile's "over time" show.

An area's history is the figures of one :class:`~mapping.analysis.selection.Selection` per date (1 July of
each year from 2019, and today), each with the population year standing for that date: the latest mid-year
estimate not after the date's year (:func:`population_year_for`). Every figure is the library's own for
that selection (:func:`~mapping.analysis.coverage.compute_gaps`, :func:`~mapping.analysis.ladder.compute_ladder`
without FOI replies, :func:`~mapping.analysis.capacity.capacity_by_area` with
:func:`~mapping.analysis.capacity.capacity_births`); nothing here computes a figure anew, it only puts the
rows of one area side by side across dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

import boundaries
from mapping.analysis.selection import Register, Selection, load_inputs
from mapping.errors import AreaNotFound, PimapError

__all__ = ["FIRST_YEAR", "HISTORY_COLUMNS", "history_dates", "population_year_for", "area_history",
           "history_for", "pick_areas", "date_rows", "similar_areas", "clear_cache"]

FIRST_YEAR = 2019  # the first 1 July of the history (the app's first date; Rare Jewels' year)

# The columns every history row has, in this order (``display_name`` follows ``name`` where the gaps have it).
HISTORY_COLUMNS = (
    "code", "name", "nation", "as_of", "population_year", "age0_2", "births", "births_period", "births_estimated",
    "need", "need_basis", "covered_age0_2", "uncovered_age0_2", "share_covered", "coverage", "level", "level_label",
    "level_share", "share_level_3", "share_level_2", "share_level_1", "share_level_0", "share_unknown", "teams",
    "team_ids", "team_names", "teams_needed", "wte_needed", "estimated",
)


def history_dates(today: date | None = None, first_year: int = FIRST_YEAR) -> list[date]:
    """1 July of each year from ``first_year`` that has come by ``today``, then today itself (once)."""
    today = today or date.today()
    dates = [date(y, 7, 1) for y in range(first_year, today.year + 1) if date(y, 7, 1) <= today]
    return dates if dates and dates[-1] == today else [*dates, today]


def population_year_for(when: date) -> int:
    """The population year standing for a date: the latest of ``boundaries.POPULATION_YEARS`` not after the
    date's year (the first one for a date before every estimate)."""
    years = sorted(boundaries.POPULATION_YEARS)
    earlier = [y for y in years if y <= when.year]
    return earlier[-1] if earlier else years[0]


def _count(ids: str) -> int:
    return len([t for t in str(ids).split("; ") if t])


def _one_date(geography: str, when: date, register: Register | None, grades: tuple[str, ...] | None) -> pd.DataFrame:
    """Every area's row on one date, from the selection for that date.

    Two dates whose selections hold the same population year and the same register rows current on them
    have the same figures, so the second is the first's rows with its own date (:func:`_figures`, cached
    by the rows' hash): most years change few teams, and the population year stands for several dates."""
    year = population_year_for(when)
    selection = Selection(geography=geography, year=year, as_of=when, register=register, grades=grades)
    teams = load_inputs(selection).teams
    digest = int(pd.util.hash_pandas_object(teams.astype(str), index=False).sum()) if len(teams) else 0
    key = (geography, year, register, selection.grades, len(teams), digest)
    if key not in _FIGURES:
        while len(_FIGURES) >= _FIGURES_KEPT:
            _FIGURES.pop(next(iter(_FIGURES)))
        _FIGURES[key] = _figures(selection)
    rows = _FIGURES[key].copy()
    rows["as_of"] = when
    return rows


# The rows of :func:`_one_date` by what they depend on: geography, population year, register, grades and
# the register rows current on the date (their number and hash). Every figure depends on the date only
# through those rows, so a date whose teams did not change since another's reuses its rows.
_FIGURES: dict[tuple, pd.DataFrame] = {}
_FIGURES_KEPT = 48


def clear_cache() -> None:
    """Forget the rows kept by :func:`_one_date` (tests that count computations start from here)."""
    _FIGURES.clear()


def _figures(selection: Selection) -> pd.DataFrame:
    """Every area's row for one selection: its gaps, ladder (no FOI), capacity and births."""
    from mapping.analysis.capacity import capacity_births, capacity_by_area
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.ladder import compute_ladder

    inputs = load_inputs(selection)
    gaps = pd.DataFrame(compute_gaps(inputs).drop(columns="geometry"))
    born = capacity_births(selection.geography, selection.year)
    return date_rows(gaps, compute_ladder(inputs, geometry=False),
                     capacity_by_area(gaps, births=born, year=selection.year), born, as_of=selection.as_of,
                     population_year=selection.year)


def date_rows(gaps: pd.DataFrame, ladder: pd.DataFrame, capacity: pd.DataFrame, births: pd.DataFrame, *,
              as_of: date, population_year: int) -> pd.DataFrame:
    """Every area's history row on one date, put together from that date's gaps table, ladder (no FOI),
    capacity estimate and births per area: each figure is copied from its table, none is computed here
    (only ``teams``, the number of team ids the gaps table lists)."""
    from mapping.analysis.ladder import LEVEL_SLUGS

    names = ["code", "name", *(["display_name"] if "display_name" in gaps.columns else []), "nation"]
    out = gaps[[*names, "age0_2", "covered_age0_2", "uncovered_age0_2", "share_covered", "coverage", "estimated"]]
    out = out.reset_index(drop=True).copy()
    out.insert(len(names), "as_of", as_of)
    out.insert(len(names) + 1, "population_year", population_year)
    cap = capacity.set_index("code")
    periods = births.set_index("code")["period"]
    out["births"] = out["code"].map(cap["births"]).astype(float)
    out["births_period"] = out["code"].map(periods).where(out["births"].notna())
    out["births_estimated"] = out["code"].map(cap["births_estimated"]).fillna(False).astype(bool)
    out["need"] = out["code"].map(cap["need"]).astype(float)
    out["need_basis"] = out["code"].map(cap["need_basis"])
    out["teams_needed"] = out["code"].map(cap["teams_needed"]).astype(float)
    out["wte_needed"] = out["code"].map(cap["wte_needed"]).astype(float)
    lad = ladder.set_index("code")
    for column in ["level", "level_label", "level_share", *[f"share_{slug}" for slug in LEVEL_SLUGS.values()]]:
        out[column] = out["code"].map(lad[column])
    out["team_ids"] = gaps["teams"].to_numpy()
    out["teams"] = [_count(ids) for ids in out["team_ids"]]
    out["team_names"] = gaps["team_names"].to_numpy()
    order = [c for c in HISTORY_COLUMNS if c in out.columns]
    if "display_name" in out.columns:
        order.insert(order.index("name") + 1, "display_name")
    return out[order]


def history_for(geography: str, dates: Iterable[date] | None = None, *, register: Register | None = None,
                grades: tuple[str, ...] | None = None) -> pd.DataFrame:
    """:func:`area_history` of every area of the geography (the app caches this once per geography and
    picks the areas from it)."""
    if geography not in boundaries.GEOGRAPHY_IDS:
        raise PimapError(f"unknown geography {geography!r}; choose one of {', '.join(boundaries.GEOGRAPHY_IDS)}")
    wanted = sorted(set(dates if dates is not None else history_dates()))
    if not wanted:
        raise PimapError("the history needs at least one date")
    frames = [_one_date(geography, when, register, grades) for when in wanted]
    return pd.concat(frames, ignore_index=True)


def area_history(geography: str, codes: Iterable[str], dates: Iterable[date] | None = None, *,
                 register: Register | None = None, grades: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per area code and date: the area's figures on that date, as the library computes them for
    the selection of that date (``population_year`` says which mid-year estimate stands for it).

    ``dates`` default to :func:`history_dates` (1 July of each year from 2019, then today). Rows come in
    the order of ``codes``, then by date. An unknown code is refused (:class:`AreaNotFound`), naming it.

    Columns: :data:`HISTORY_COLUMNS` (and ``display_name`` where the gaps table has it): ``age0_2`` the
    babies aged 0-2, ``births`` the live births a year (NaN where the area's nation publishes none;
    ``need`` is then its children aged 0, ``need_basis`` says which), ``covered_age0_2``,
    ``uncovered_age0_2``, ``share_covered``, ``coverage``, the provision-ladder ``level`` without FOI
    replies and its shares, ``teams`` (how many operating teams serve it), ``team_ids``, ``team_names``
    and ``teams_needed`` (reference-size teams for its births).
    """
    codes = list(codes)
    if geography in boundaries.GEOGRAPHY_IDS:  # an unknown code is refused before anything is computed
        pick_areas(boundaries.area_table(geography), codes, geography)
    return pick_areas(history_for(geography, dates, register=register, grades=grades), codes, geography)


def pick_areas(history: pd.DataFrame, codes: Iterable[str], geography: str) -> pd.DataFrame:
    """The rows of ``codes`` in ``history`` (a table with ``code``, and ``as_of`` where it has one), in the
    order of ``codes`` and then by date; a code not in it is refused, naming it and the geography."""
    wanted = list(dict.fromkeys(str(c).strip() for c in codes))
    if not wanted:
        raise AreaNotFound("choose at least one area")
    known = set(history["code"].astype(str))
    missing = [c for c in wanted if c not in known]
    if missing:
        raise AreaNotFound(f"no area {', '.join(missing)} in {geography}")
    rank = {c: i for i, c in enumerate(wanted)}
    rows = history[history["code"].astype(str).isin(wanted)].copy()
    rows["_rank"] = rows["code"].astype(str).map(rank)
    order = ["_rank", "as_of"] if "as_of" in rows.columns else ["_rank"]
    return rows.sort_values(order, kind="stable").drop(columns="_rank").reset_index(drop=True)


def similar_areas(gaps: pd.DataFrame, code: str, n: int = 4) -> pd.DataFrame:
    """The ``n`` areas most like ``code``: the same nation, the nearest number of babies aged 0-2 (either
    way; ties by code). Returns those rows of ``gaps`` with ``difference`` (their babies minus the
    area's), nearest first; fewer when the nation has fewer areas."""
    frame = gaps.reset_index(drop=True)
    here = frame[frame["code"].astype(str) == str(code)]
    if here.empty:
        raise AreaNotFound(f"no area {code} in the table")
    if n < 1:
        raise PimapError(f"the number of similar areas must be 1 or more, not {n}")
    babies = float(here["age0_2"].iloc[0])
    others = frame[(frame["nation"] == here["nation"].iloc[0]) & (frame["code"].astype(str) != str(code))].copy()
    others["difference"] = others["age0_2"].astype(float) - babies
    others["_distance"] = np.abs(others["difference"])
    others = others.sort_values(["_distance", "code"], kind="stable").head(n)
    return others.drop(columns="_distance").reset_index(drop=True)
