"""What it would take: staff and teams needed per area against a reference team size.

The reference is the Greater Manchester service specification quoted in Rare Jewels:
7.33 whole-time-equivalent staff for a population of about 280,000, which has about
3,300 births a year. Need is scaled by births, with children aged 0 at mid-year standing
in for a year's births. All reference figures are parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = ["ReferenceTeam", "GREATER_MANCHESTER", "capacity_by_area", "national_capacity"]


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


def capacity_by_area(gaps: pd.DataFrame, reference: ReferenceTeam = GREATER_MANCHESTER) -> pd.DataFrame:
    """Staff and reference-size teams each area would need, beside the need its teams already meet.

    Notes
    -----
    ``teams_needed = age0 / reference.births``; ``wte_needed = teams_needed * reference.wte``;
    ``wte_needed_uncovered`` applies the same to the children not covered by a team
    (``uncovered_age0``). Staff that exists is only known where a team's size is
    published; no per-team staffing is held yet, so it is not estimated here.
    """
    out = gaps[["code", "name", "nation", "age0", "uncovered_age0", "coverage"]].copy()
    out["teams_needed"] = out["age0"] / reference.births
    out["wte_needed"] = out["teams_needed"] * reference.wte
    out["wte_needed_uncovered"] = out["uncovered_age0"] / reference.births * reference.wte
    out["reference_wte"] = reference.wte
    out["reference_births"] = reference.births
    return out


def national_capacity(
    gaps: pd.DataFrame, teams_operating: int, reference: ReferenceTeam = GREATER_MANCHESTER
) -> dict:
    """The UK (or a geography's) need in reference-size teams against the teams that exist.

    Notes
    -----
    ``teams_needed = sum(age0) / births``; ``shortfall = teams_needed - teams_operating``;
    ``multiple = teams_needed / teams_operating`` (how many times today's number of teams),
    compared with the 2023 evidence summary's "more than a tenfold increase". This
    assumes every operating team is reference-sized, which overstates today's capacity
    (Rare Jewels: many teams have under 2 WTE, larger ones 5-9 WTE).
    """
    births = float(gaps["age0"].sum())
    needed = births / reference.births
    return {
        "births_proxy_age0": round(births, 1),
        "reference": asdict(reference),
        "teams_needed": needed,
        "wte_needed": needed * reference.wte,
        "teams_operating": teams_operating,
        "shortfall_teams": needed - teams_operating,
        "multiple_of_current": needed / teams_operating if teams_operating else np.nan,
        "tenfold_claim": TENFOLD_SOURCE,
        "arithmetic": (
            f"{births:,.0f} children aged 0 / {reference.births:,.0f} births per reference team = {needed:.1f} "
            f"teams of {reference.wte} WTE ({needed * reference.wte:,.0f} WTE); {teams_operating} operating "
            f"-> shortfall {needed - teams_operating:.1f} teams, "
            + (f"{needed / teams_operating:.1f} times today's number" if teams_operating
               else "with no team operating today (no multiple of today's number)")
        ),
    }
