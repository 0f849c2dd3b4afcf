"""The area profile's figures against the real gaps tables (uk2018, mid-2020, teams on 2023-07-01).

Moved from tests/unit/test_profile.py, which keeps the area search on real names: every test here reads the
real boundaries and population (the ``mirror`` fixture).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from mapping.analysis.profile import area_profile, nation_figures
from mapping.errors import AreaNotFound


@pytest.fixture(scope="module")
def gaps(mirror):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    gaps = compute_gaps(load_inputs(Selection("uk2018", 2020, date(2023, 7, 1))))
    return pd.DataFrame(gaps.drop(columns="geometry"))


@pytest.mark.slow
def test_profile_figures_are_the_gaps_tables(gaps):
    from mapping.analysis.capacity import capacity_by_area

    capacity = capacity_by_area(gaps)
    row = gaps[gaps["code"] == "E38000021"].iloc[0]
    p = area_profile(gaps, "E38000021", capacity=capacity)
    assert (p["age0"], p["age0_2"], p["uncovered_age0_2"]) == (row["age0"], row["age0_2"], row["uncovered_age0_2"])
    assert p["share_covered"] == row["share_covered"] and p["coverage"] == row["coverage"]
    assert p["teams"] == [t for t in row["team_names"].split("; ") if t]
    cap = capacity[capacity["code"] == "E38000021"].iloc[0]
    assert p["capacity"]["wte_needed"] == cap["wte_needed"]
    england = gaps[gaps["nation"] == "England"]
    assert p["nation_figures"]["age0_2_total"] == england["age0_2"].sum()
    assert p["nation_areas"] == len(england)
    with_gaps = england[england["uncovered_age0_2"] >= 0.5]  # ranked only among areas with babies with no team
    assert p["ranked_areas"] == len(with_gaps)
    if row["uncovered_age0_2"] >= 0.5:
        assert p["rank_uncovered"] == int((with_gaps["uncovered_age0_2"] > row["uncovered_age0_2"]).sum()) + 1
    else:
        assert p["rank_uncovered"] is None


@pytest.mark.slow
def test_a_fully_covered_area_is_not_ranked(gaps):
    full = gaps[gaps["coverage"] == "full"].iloc[0]
    p = area_profile(gaps, full["code"])
    assert p["rank_uncovered"] is None and p["uncovered_age0_2"] == 0
    assert p["ranked_areas"] == int(((gaps["nation"] == full["nation"]) & (gaps["uncovered_age0_2"] >= 0.5)).sum())


@pytest.mark.slow
def test_profile_of_an_area_with_no_team_names_the_nearest(gaps):
    row = gaps[(gaps["coverage"] == "none") & (gaps["nation"] == "Scotland")].iloc[0]
    p = area_profile(gaps, row["code"])
    assert p["teams"] == [] and p["nearest_team"] == row["nearest_team_name"]
    assert p["nearest_team_km"] == row["nearest_team_km"]


@pytest.mark.slow
def test_nation_figures_match_the_coverage_summary(gaps):
    from mapping.analysis.coverage import summarise

    summary = summarise(gaps)["nations"]["Wales"]
    mine = nation_figures(gaps, "Wales")
    assert mine["areas"] == summary["areas"] and mine["areas_without_team"] == summary["areas_without_team"]
    assert mine["share_covered"] == pytest.approx(summary["share_covered"], rel=1e-12)


@pytest.mark.slow
def test_profile_of_an_unknown_code(gaps):
    with pytest.raises(AreaNotFound, match="E38999999"):
        area_profile(gaps, "E38999999")
