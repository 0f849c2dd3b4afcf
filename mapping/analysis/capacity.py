"""What it would take: staff and teams needed per area against a reference team size.

The reference is the Greater Manchester service specification quoted in Rare Jewels:
7.33 whole-time-equivalent staff for a population of about 280,000, which has about
3,300 births a year. Need is scaled by a year's births: the live births of the 12 months
standing for the population year (:mod:`boundaries.births`) where an area has them, else
its children aged 0 at mid-year, and every result says which it used (``need_basis``;
nationally ``births_basis``). All reference figures are parameters.

:func:`capacity_by_area` and :func:`national_capacity` are pure: they take the gaps table
and the births per area as frames. :func:`capacity_births` is the one place their callers
(the CLI, the report, the app) read those births.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from mapping.errors import PimapError

__all__ = ["ReferenceTeam", "GREATER_MANCHESTER", "BIRTHS_COLUMNS", "births_basis", "age0_basis", "yearly_need",
           "capacity_by_area", "national_capacity", "capacity_births"]

# The columns of the births per area the estimate takes (``boundaries.births.area_births`` gives them).
BIRTHS_COLUMNS = ("code", "births", "period", "estimated")
_NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")


@dataclass(frozen=True)
class ReferenceTeam:
    """A team size judged right for a population, with the births that population has."""

    wte: float
    population: float
    births: float
    source: str


GREATER_MANCHESTER = ReferenceTeam(
    wte=7.33,
    population=280_000,
    births=3_300,
    source=(
        "Rare Jewels (Parent Infant Partnership UK, 2019), section 6 'Providing Direct Support': Greater "
        "Manchester service specification, 7.33 WTE for a population of 280,000 with around 3,300 births"
    ),
)
TENFOLD_SOURCE = (
    "The impact of parent-infant relationship teams: a summary of the evidence (Parent-Infant Foundation, "
    "2023): 'more than a tenfold increase would be needed'"
)


def births_basis(period: str) -> str:
    """What a need taken from births says it is: ``live births, July 2019 to June 2020``."""
    return f"live births, {period}"


def age0_basis(year: int | None) -> str:
    """What a need taken from children aged 0 says it is: ``children aged 0 at mid-2020``."""
    return f"children aged 0 at mid-{year}" if year is not None else "children aged 0 at mid-year"


def _checked_births(births: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("code", "births", "period") if c not in births.columns]
    if missing:
        raise PimapError(f"the births per area have no column {missing[0]!r} (they need code, births, period)")
    table = births.dropna(subset=["births"])
    if table["code"].duplicated().any():
        raise PimapError(f"the births per area give area {table.loc[table['code'].duplicated(), 'code'].iloc[0]} "
                         "twice")
    counts = pd.to_numeric(table["births"], errors="coerce")
    if counts.isna().any() or (counts < 0).any():
        bad = table.loc[counts.isna() | (counts < 0), "code"].iloc[0]
        raise PimapError(f"the births per area give area {bad} a count that is not zero or more")
    estimated = table["estimated"].astype(bool) if "estimated" in table.columns else False
    source = table["source"].astype(str) if "source" in table.columns else None
    return pd.DataFrame({"code": table["code"].astype(str), "births": counts.astype(float),
                         "births_period": table["period"].astype(str), "births_estimated": estimated,
                         "births_source": source})


def yearly_need(gaps: pd.DataFrame, births: pd.DataFrame | None = None, *, year: int | None = None) -> pd.DataFrame:
    """A year's babies per area, from births where the area has them, else its children aged 0.

    ``gaps``: ``code`` and ``age0`` (and ``nation``, ``uncovered_age0`` where known); ``births``: one
    row per area (:data:`BIRTHS_COLUMNS`; ``estimated`` optional), or None; ``year``: the population
    year, named in the basis of areas that use children aged 0. Returns the gaps' rows (same order) with
    ``births`` (NaN where the area has none), ``births_period``, ``births_estimated``, ``births_source``
    (the births file's registry id, where the births give one), ``need`` (the
    babies a year used), ``need_basis`` (:func:`births_basis` or :func:`age0_basis`) and ``need_uncovered``.

    Notes
    -----
    ``need = births`` where the area has a births count, else ``age0``. ``need_uncovered = need x
    uncovered_age0 / age0`` (the share of the area's children aged 0 outside every catchment applied to
    its births; 0 where it has no children aged 0), so without births it is ``uncovered_age0`` itself.
    """
    out = gaps[["code"]].astype({"code": str}).reset_index(drop=True)
    if births is None:
        out["births"], out["births_period"], out["births_estimated"], out["births_source"] = np.nan, None, False, None
    else:
        out = out.merge(_checked_births(births), on="code", how="left", validate="one_to_one")
        out["births_estimated"] = out["births_estimated"].fillna(False).astype(bool)
    age0 = gaps["age0"].astype(float).to_numpy()
    has = out["births"].notna().to_numpy()
    out["need"] = np.where(has, out["births"].to_numpy(dtype=float), age0)
    out["need_basis"] = [births_basis(str(p)) if h else age0_basis(year)
                         for h, p in zip(has, out["births_period"], strict=True)]
    if "uncovered_age0" in gaps.columns:
        uncovered = gaps["uncovered_age0"].astype(float).to_numpy()
        share = np.divide(uncovered, age0, out=np.zeros_like(age0), where=age0 > 0)
        out["need_uncovered"] = np.where(has, out["need"].to_numpy() * share, uncovered)
    else:
        out["need_uncovered"] = np.nan
    return out


def capacity_by_area(gaps: pd.DataFrame, reference: ReferenceTeam = GREATER_MANCHESTER, *,
                     births: pd.DataFrame | None = None, year: int | None = None) -> pd.DataFrame:
    """Staff and reference-size teams each area would need, beside the need its teams already meet.

    ``births``: the births per area (:func:`capacity_births`), or None to take children aged 0
    throughout; ``year``: the population year (named in ``need_basis`` where children aged 0 are used).

    Notes
    -----
    ``teams_needed = need / reference.births`` with ``need`` the area's births, or its children aged 0
    where it has none (:func:`yearly_need`; ``need_basis`` says which); ``wte_needed = teams_needed x
    reference.wte``; ``wte_needed_uncovered`` applies the same to the need outside every catchment
    (``need_uncovered``). Staff that exists is only known where a team's size is published; no per-team
    staffing is held yet, so it is not estimated here.
    """
    out = gaps[["code", "name", "nation", "age0", "uncovered_age0", "coverage"]].copy().reset_index(drop=True)
    need = yearly_need(gaps, births, year=year)
    for column in ("births", "births_estimated", "need", "need_basis"):
        out[column] = need[column].to_numpy()
    out["teams_needed"] = out["need"] / reference.births
    out["wte_needed"] = out["teams_needed"] * reference.wte
    out["wte_needed_uncovered"] = need["need_uncovered"].to_numpy() / reference.births * reference.wte
    out["reference_wte"] = reference.wte
    out["reference_births"] = reference.births
    return out


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _national_basis(need: pd.DataFrame, nations: pd.Series | None) -> str:
    """One basis, or each basis with the nations (or the number of areas) that use it."""
    bases = list(dict.fromkeys(need["need_basis"]))
    if len(bases) == 1:
        return bases[0]
    parts = []
    for basis in bases:
        rows = need["need_basis"] == basis
        if nations is None:
            parts.append(f"{int(rows.sum())} area{'s' if rows.sum() != 1 else ''}: {basis}")
            continue
        names = []
        for nation in [n for n in _NATIONS if n in set(nations)] + sorted(set(nations) - set(_NATIONS)):
            of_nation = nations == nation
            used = int((rows & of_nation).sum())
            if used:
                names.append(nation if used == int(of_nation.sum()) else f"{nation} ({used} of {int(of_nation.sum())} "
                                                                       "areas)")
        parts.append(f"{_and(names)}: {basis}")
    return "; ".join(parts)


def national_capacity(
    gaps: pd.DataFrame, teams_operating: int, reference: ReferenceTeam = GREATER_MANCHESTER, *,
    births: pd.DataFrame | None = None, year: int | None = None,
) -> dict:
    """The UK (or a geography's) need in reference-size teams against the teams that exist.

    ``births`` and ``year`` as for :func:`capacity_by_area`. The result says what the need is:
    ``births`` (a year's babies: the areas' births, or children aged 0 where an area has none),
    ``births_basis`` (which, with the periods and, where they differ, the nations using each),
    ``live_births`` and ``age0_used`` (the two parts), ``areas_from_births``, ``areas_from_age0``,
    ``age0`` (all children aged 0, for comparison) and ``births_sources`` (the registry ids of the births
    files used, joined by ", "; empty where the births name none).

    Notes
    -----
    ``teams_needed = sum(need) / reference.births``; ``shortfall = teams_needed - teams_operating``;
    ``multiple = teams_needed / teams_operating`` (how many times today's number of teams),
    compared with the 2023 evidence summary's "more than a tenfold increase". This
    assumes every operating team is reference-sized, which overstates today's capacity
    (Rare Jewels: many teams have under 2 WTE, larger ones 5-9 WTE).
    """
    need = yearly_need(gaps, births, year=year)
    from_births = need["births"].notna()
    total = float(need["need"].sum())
    basis = _national_basis(need, gaps["nation"].reset_index(drop=True) if "nation" in gaps.columns else None)
    needed = total / reference.births
    return {
        "births": round(total, 1),
        "births_basis": basis,
        "live_births": round(float(need.loc[from_births, "need"].sum()), 1),
        "age0_used": round(float(need.loc[~from_births, "need"].sum()), 1),
        "areas_from_births": int(from_births.sum()),
        "areas_from_age0": int((~from_births).sum()),
        "age0": round(float(gaps["age0"].astype(float).sum()), 1),
        "births_sources": ", ".join(sorted(set(need.loc[from_births, "births_source"].dropna().astype(str)))),
        "reference": asdict(reference),
        "teams_needed": needed,
        "wte_needed": needed * reference.wte,
        "teams_operating": teams_operating,
        "shortfall_teams": needed - teams_operating,
        "multiple_of_current": needed / teams_operating if teams_operating else np.nan,
        "tenfold_claim": TENFOLD_SOURCE,
        "arithmetic": (
            f"{total:,.0f} babies a year ({basis}) / {reference.births:,.0f} births per reference team = "
            f"{needed:.1f} teams of {reference.wte} WTE ({needed * reference.wte:,.0f} WTE); {teams_operating} "
            f"operating -> shortfall {needed - teams_operating:.1f} teams, "
            + (f"{needed / teams_operating:.1f} times today's number" if teams_operating
               else "with no team operating today (no multiple of today's number)")
        ),
    }


def capacity_births(geography: str, year: int) -> pd.DataFrame:
    """The births per area of ``geography`` standing for the population of mid-``year``, as the estimate
    takes them (:data:`BIRTHS_COLUMNS` and ``nation``, ``source``): :func:`boundaries.births.area_births`.

    Where a nation publishes no births for the 12 months to 30 June ``year``, the nearest published
    period is used and its ``period`` says so ("(nearest published to mid-2020)"), as every basis does.
    This is the one loader the CLI, the report and the app use; the functions above read nothing.
    """
    from boundaries.births import area_births

    table = area_births(geography, year)
    return table[["code", "nation", "births", "period", "source", "estimated"]].reset_index(drop=True)
