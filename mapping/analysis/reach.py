"""Reach: the families teams can support in a year against the babies estimated to need specialised help.

Published figures put today's teams' reach at 4-6% (2025) and about 4% (2026) of the babies who
need specialist support. This module makes the same kind of estimate from our own pieces, every
figure a parameter with its source: a team of the reference size supports about 130 families a
year (Leeds, Rare Jewels), at least 15% of babies lack a secure, nurturing relationship (Vision &
Strategy), and children aged 0 at mid-year stand in for a year's babies (as in :mod:`mapping.analysis.capacity`).
One family is counted per baby. Pure functions only: :func:`compute_reach` takes a selection's inputs
(:mod:`mapping.analysis.selection`), and :func:`national_reach_of` is the one national reach every
view quotes (the app, the pack, ``pimap reach --national``), always from exact babies.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from boundaries.catalogue import NATIONS as UK_NATIONS
from mapping.analysis.sums import sum_to_areas, to_areas
from mapping.errors import PimapError
from mapping.inputs.vocabulary import TeamStatus

if TYPE_CHECKING:
    from mapping.analysis.selection import Inputs

__all__ = [
    "ReachParameters",
    "DEFAULT_REACH",
    "PUBLISHED_REACH",
    "team_capacity_units",
    "reach_by_area",
    "summarise_reach",
    "national_reach",
    "first_scope",
    "national_reach_of",
    "compare_with_published",
    "published_record",
    "compute_reach",
]


# The most families a team could support a year: far above any team's (Leeds, about 130), low enough that
# teams x families stays a finite, exact number (1e308 a team made the national reach infinite).
MAX_FAMILIES_PER_TEAM = 100_000


@dataclass(frozen=True)
class ReachParameters:
    """The reference figures behind a reach estimate, each with its source."""

    families_per_team: float = 130.0
    families_source: str = (
        "Rare Jewels (Parent Infant Partnership UK, 2019), section 9 'Closing the Gaps', case study "
        "'LEEDS: A story of Strategic Partnerships': the Leeds Infant Mental Health Service supports "
        "approximately 130 local families each year"
    )
    need_share: float = 0.15
    need_source: str = (
        "Vision & Strategy 2019-2024 (Parent-Infant Foundation, 2019), 'What does the Parent-Infant "
        "Foundation want to achieve?': at least 15% of babies do not have a secure, nurturing relationship "
        "(its footnote 2: van IJzendoorn, Schuengel & Bakermans-Kranenburg 1999, meta-analysis of "
        "disorganised attachment)"
    )
    births_band: str = "age0"
    births_note: str = "children aged 0 at mid-year stand in for a year's babies (one family per baby)"

    def __post_init__(self) -> None:
        if not 0 < self.families_per_team <= MAX_FAMILIES_PER_TEAM:
            raise PimapError(f"the families a team supports a year must be more than 0 and at most "
                             f"{MAX_FAMILIES_PER_TEAM:,} (Leeds: about 130), not {self.families_per_team:g}")
        if not 0 < self.need_share <= 1:
            raise PimapError(f"need_share must be in (0, 1], not {self.need_share}")
        if self.births_band not in ("age0", "age0_2"):
            raise PimapError(f"births_band must be 'age0' or 'age0_2', not {self.births_band!r}")


DEFAULT_REACH = ReachParameters()

# Published national reach, for comparison (low, high as shares of babies/families in need).
PUBLISHED_REACH: tuple[dict, ...] = (
    {
        "as_of": "2025-06",
        "teams": 49,
        "reach_low": 0.04,
        "reach_high": 0.06,
        "families_low": None,
        "families_high": None,
        "source": "Parent-Infant Foundation, 'Who is holding the baby?', June 2025: 49 teams reach 4-6% of "
        "babies estimated to need specialist support",
    },
    {
        "as_of": "2026-02",
        "teams": 51,
        "reach_low": 0.04,
        "reach_high": 0.04,
        "families_low": 4400,
        "families_high": 6500,
        "source": "Centre for Mental Health, 'Why babies' first relationships matter', February 2026: about 51 "
        "teams supporting 4,400-6,500 families a year; about 4% of babies and families in need can get "
        "specialised support",
    },
)


def team_capacity_units(
    team_units: pd.DataFrame, population: pd.DataFrame, params: ReachParameters = DEFAULT_REACH
) -> pd.DataFrame:
    """Each team's families a year shared among the small areas of its catchment, by births.

    ``team_units``: ``unit_code, team_id`` (:func:`mapping.analysis.coverage.unit_coverage`). Returns
    ``unit_code, team_id, families``: a team's ``params.families_per_team`` split in proportion to
    the babies (``params.births_band``) in each small area of its catchment (equally between small
    areas if its catchment has none), so each team's families add up to ``families_per_team``.
    """
    band = params.births_band
    joined = team_units[["unit_code", "team_id"]].merge(
        population[["unit_code", band]], on="unit_code", how="left", validate="m:1"
    )
    if joined[band].isna().any():
        lost = joined.loc[joined[band].isna(), "unit_code"].astype(str)
        raise PimapError(f"{len(lost)} catchment small areas have no population ({band}), e.g. {', '.join(lost.head(3))}")
    per_team = joined.groupby("team_id")[band].transform("sum")
    per_team_units = joined.groupby("team_id")[band].transform("size")
    weight = np.where(per_team > 0, joined[band] / per_team.where(per_team > 0, 1.0), 1.0 / per_team_units)
    joined["families"] = params.families_per_team * weight
    return joined[["unit_code", "team_id", "families"]]


def reach_by_area(
    team_units: pd.DataFrame,
    population: pd.DataFrame,
    lookup: pd.DataFrame,
    areas: pd.DataFrame,
    geography: str,
    params: ReachParameters = DEFAULT_REACH,
) -> pd.DataFrame:
    """Per area: babies a year, those estimated to need specialised help, the families teams can support, reach.

    Notes
    -----
    ``babies = sum(births_band)`` over the area's small areas; ``need = need_share * babies``;
    ``families = sum over teams of families_per_team * (team's babies in the area / team's babies in
    its whole catchment)``; ``reach = families / need`` (NaN where need is 0). A team serving two
    areas is shared between them, so ``families`` adds up to teams x ``families_per_team``. Need is
    the same share everywhere: local differences (deprivation, for one) are not modelled.
    """
    band = params.births_band
    capacity = team_capacity_units(team_units, population, params)
    families = sum_to_areas(capacity, lookup, geography, ["families"], one_row_per_unit=False)["families"]
    cap = to_areas(capacity, lookup, geography, one_row_per_unit=False)
    teams = cap.groupby("code")["team_id"].agg(lambda s: "; ".join(sorted(set(s))))
    babies = sum_to_areas(population[["unit_code", band]], lookup, geography, [band])[band]

    out = areas[["code", "name", "nation"]].copy()
    out["babies"] = out["code"].map(babies).fillna(0.0).astype(float)
    out["need"] = params.need_share * out["babies"]
    out["families"] = out["code"].map(families).fillna(0.0).astype(float)
    out["reach"] = np.where(out["need"] > 0, out["families"] / out["need"].where(out["need"] > 0, 1.0), np.nan)
    out["teams"] = out["code"].map(teams).fillna("")
    out["families_per_team"] = params.families_per_team
    out["need_share"] = params.need_share
    return out


def summarise_reach(reach: pd.DataFrame) -> pd.DataFrame:
    """Babies, need, families and reach for the whole geography and each nation in it.

    ``reach = sum(families) / sum(need)`` within each scope (not an average of area reaches). The first
    row's scope is "United Kingdom" when all four nations are present, the nation itself when there is only one
    (Scotland's health boards are headed "Scotland", with no second row), else "All areas".
    """
    nations = UK_NATIONS
    present = [n for n in nations if (reach["nation"] == n).any()]
    parts = [(first_scope(present), reach)] + ([(n, reach[reach["nation"] == n]) for n in present]
                                               if len(present) > 1 else [])
    rows = []
    for name, frame in parts:
        need, families = float(frame["need"].sum()), float(frame["families"].sum())
        teams = {t for ids in frame["teams"] for t in ids.split("; ") if t}
        rows.append({
            "scope": name,
            "areas": int(len(frame)),
            "teams": len(teams),
            "babies": float(frame["babies"].sum()),
            "need": need,
            "families": families,
            "reach": families / need if need > 0 else np.nan,
        })
    return pd.DataFrame(rows)


def first_scope(nations: list[str] | tuple[str, ...]) -> str:
    """The name of a summary's first scope (the whole geography): "United Kingdom" when it has all four
    nations, the nation when it has one, else "All areas"."""
    if set(UK_NATIONS) <= set(nations):
        return "United Kingdom"
    return nations[0] if len(set(nations)) == 1 else "All areas"


def national_reach(teams: int, babies: float, params: ReachParameters = DEFAULT_REACH) -> dict:
    """Families a year that ``teams`` reference-size teams support, over the babies a year needing help.

    Notes
    -----
    ``families = teams * families_per_team``; ``need = need_share * babies``;
    ``reach = families / need``; ``teams_for_all = need / families_per_team`` (teams of the reference
    size to support every baby in need) and ``multiple = teams_for_all / teams``. Assumes every
    team supports as many families as Leeds, which may overstate reach (the 2026 figure of 4,400-6,500
    families from about 51 teams is 86-127 a team).
    """
    if teams < 0:
        raise PimapError(f"teams must be 0 or more, not {teams}")
    if not babies > 0:
        raise PimapError(f"babies must be positive, not {babies}")
    families = teams * params.families_per_team
    need = params.need_share * babies
    reach = families / need
    teams_for_all = need / params.families_per_team
    return {
        "teams": teams,
        "babies": babies,
        "families": families,
        "need": need,
        "reach": reach,
        "teams_for_all": teams_for_all,
        "multiple": teams_for_all / teams if teams else float("nan"),
        "parameters": asdict(params),
        "arithmetic": (
            f"{teams} teams x {params.families_per_team:g} families a year = {families:,.0f} families; "
            f"{params.need_share:.0%} x {babies:,.0f} babies ({params.births_band}) = {need:,.0f} in need; "
            f"reach = {families:,.0f} / {need:,.0f} = {reach:.1%}; "
            f"{need:,.0f} / {params.families_per_team:g} = {teams_for_all:,.0f} teams would reach all"
        ),
    }


def national_reach_of(reach: pd.DataFrame, params: ReachParameters = DEFAULT_REACH) -> dict:
    """The national reach of a reach table (:func:`compute_reach`): its first scope's teams and exact babies.

    The one national reach: the app, the pack and the command line all quote this, so the teams are those
    serving the geography and the babies the unrounded sum of ``params.births_band`` over its areas.
    Returns :func:`national_reach` with ``scope`` ("United Kingdom", the one nation, or "All areas").
    """
    first = summarise_reach(reach).iloc[0]
    return {"scope": str(first["scope"]), **national_reach(int(first["teams"]), float(first["babies"]), params)}


def compare_with_published(babies: float, params: ReachParameters = DEFAULT_REACH) -> pd.DataFrame:
    """Our reach for each published team count beside the published reach, with the need each implies.

    ``our_reach`` applies :func:`national_reach` to the published number of teams and ``babies``.
    ``implied_need_low/high`` = published families / published reach, where both are given: for 2026,
    4,400 / 4% = 110,000 and 6,500 / 4% = 162,500 babies or families in need. These are our
    division, not figures the source states.
    """
    rows = []
    for item in PUBLISHED_REACH:
        ours = national_reach(int(item["teams"]), babies, params)
        implied = (
            (item["families_low"] / item["reach_low"], item["families_high"] / item["reach_high"])
            if item["families_low"] is not None else (np.nan, np.nan)
        )
        rows.append({
            "as_of": item["as_of"],
            "teams": item["teams"],
            "published_reach_low": item["reach_low"],
            "published_reach_high": item["reach_high"],
            "our_reach": ours["reach"],
            "our_families": ours["families"],
            "our_need": ours["need"],
            "published_families_low": item["families_low"],
            "published_families_high": item["families_high"],
            "implied_need_low": implied[0],
            "implied_need_high": implied[1],
            "source": item["source"],
        })
    return pd.DataFrame(rows)


def published_record(teams: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each published UK team count beside the teams data/teams.csv lists on that date, and why they differ.

    ``listed_operating`` / ``listed_in_development`` count distinct teams in ``teams`` on the last day
    of the published ``as_of`` (a year or a month). ``difference = teams - listed_operating``. Our list
    holds only the teams the seed documents name (data/README.md), so after 2019 it is a lower bound
    and the published count is the one to quote.
    """
    from mapping.analysis.growth import load_published_counts
    from mapping.inputs.dates import parse_date
    from mapping.inputs.teams import teams_as_of

    record = (load_published_counts() if published is None else published).copy()
    listed, developing, explanations = [], [], []
    for as_of, count in zip(record["as_of"].astype(str), record["teams"]):
        current = teams_as_of(teams, parse_date(as_of, end=True))
        operating = current[current["status"] == TeamStatus.OPERATING]
        listed.append(operating["team_id"].nunique())
        developing.append(current.loc[current["status"] == TeamStatus.IN_DEVELOPMENT, "team_id"].nunique())
        difference = int(count) - operating["team_id"].nunique()
        if difference > 0:
            text = (f"the published count is {difference} higher: our list holds only the teams the seed "
                    "documents name, so it is a lower bound; quote the published count")
        elif difference == 0:
            text = "they agree"
        else:
            year = parse_date(as_of).year
            was_developing = teams.loc[(teams["status"] == TeamStatus.IN_DEVELOPMENT)
                                       & (teams["to_date"].dt.year == year),
                                       "team_id"]
            moved = sorted(set(operating["team_id"]) & set(was_developing))
            text = (f"our list has {-difference} more: it counts as operating the teams that moved from in "
                    f"development to operating during {year} ({', '.join(moved) or 'none recorded'}), which a "
                    "count made while they were starting leaves out")
        explanations.append(text)
    record["listed_operating"] = listed
    record["listed_in_development"] = developing
    record["difference"] = record["teams"] - record["listed_operating"]
    record["explanation"] = explanations
    return record


def compute_reach(inputs: Inputs, params: ReachParameters = DEFAULT_REACH) -> pd.DataFrame:
    """:func:`reach_by_area` of a selection: its teams operating on the date and its mid-year population."""
    from mapping.analysis.coverage import unit_coverage

    selection = inputs.selection
    catchments = inputs.catchments([TeamStatus.OPERATING])
    units = unit_coverage(catchments, inputs.lookup) if len(catchments) else pd.DataFrame(
        {"unit_code": pd.Series(dtype="string"), "team_id": pd.Series(dtype="string")})
    out = reach_by_area(units, inputs.population, inputs.lookup, inputs.areas, selection.geography, params)
    out["geography"] = selection.geography
    out["population_year"] = selection.year
    out["as_of"] = selection.as_of.isoformat()
    return out
