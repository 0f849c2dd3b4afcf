"""Reach on hand-made areas (synthetic) and the published comparison; totals on the real data are in
tests/integration/test_reach_data.py."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mapping.analysis.reach import (
    DEFAULT_REACH,
    ReachParameters,
    compare_with_published,
    national_reach,
    published_record,
    reach_by_area,
    summarise_reach,
    team_capacity_units,
)
from mapping.errors import PimapError

# SYNTHETIC: areas A (a1 30 babies, a2 10), B (b1 20), C (c1 40), D (d1 0); team t1 serves a1 and b1,
# team t2 serves c1 only, team t3 serves d1 only (a catchment with no babies).
LOOKUP = pd.DataFrame({"unit_code": ["a1", "a2", "b1", "c1", "d1"], "area": ["A", "A", "B", "C", "D"]})
POP = pd.DataFrame({"unit_code": ["a1", "a2", "b1", "c1", "d1"], "age0": [30.0, 10.0, 20.0, 40.0, 0.0]})
AREAS = pd.DataFrame({"code": list("ABCD"), "name": list("ABCD"), "nation": ["England", "England", "Wales", "Wales"]})
UNITS = pd.DataFrame({"unit_code": ["a1", "b1", "c1", "d1"], "team_id": ["t1", "t1", "t2", "t3"]})


def test_a_team_is_shared_across_its_catchment_by_babies():
    cap = team_capacity_units(UNITS, POP).set_index("unit_code")
    assert cap.loc["a1", "families"] == pytest.approx(130 * 30 / 50)  # 78
    assert cap.loc["b1", "families"] == pytest.approx(130 * 20 / 50)  # 52
    assert cap.loc["c1", "families"] == 130.0
    assert cap.loc["d1", "families"] == 130.0  # no babies in the catchment: shared equally (one small area)
    assert cap.groupby("team_id")["families"].sum().tolist() == [130.0, 130.0, 130.0]


def test_reach_per_area_arithmetic():
    reach = reach_by_area(UNITS, POP, LOOKUP, AREAS, "area").set_index("code")
    a = reach.loc["A"]
    assert a["babies"] == 40.0
    assert a["need"] == pytest.approx(0.15 * 40)  # 6
    assert a["families"] == pytest.approx(78.0)
    assert a["reach"] == pytest.approx(78.0 / 6.0)
    assert reach.loc["C", "reach"] == pytest.approx(130 / (0.15 * 40))
    assert np.isnan(reach.loc["D", "reach"])  # no babies, no need
    assert reach["families"].sum() == pytest.approx(3 * 130)  # conserved: teams x families per team
    assert reach.loc["A", "teams"] == "t1" and reach.loc["B", "teams"] == "t1"


def test_parameters_change_the_answer():
    params = replace(DEFAULT_REACH, families_per_team=100.0, need_share=0.2)
    reach = reach_by_area(UNITS, POP, LOOKUP, AREAS, "area", params).set_index("code")
    assert reach.loc["C", "reach"] == pytest.approx(100 / (0.2 * 40))
    assert reach.loc["C", "need_share"] == 0.2


def test_summary_is_a_ratio_of_sums():
    summary = summarise_reach(reach_by_area(UNITS, POP, LOOKUP, AREAS, "area")).set_index("scope")
    everyone = summary.loc["All areas"]
    assert everyone["teams"] == 3
    assert everyone["need"] == pytest.approx(0.15 * 100)
    assert everyone["reach"] == pytest.approx(390 / 15)
    england = summary.loc["England"]  # A (78 families) and B (52); 60 babies
    assert england["families"] == pytest.approx(78 + 52)
    assert england["reach"] == pytest.approx(130 / (0.15 * 60))
    wales = summary.loc["Wales"]  # C and D (130 each); 40 babies, all in C
    assert wales["reach"] == pytest.approx(260 / (0.15 * 40))


def test_national_reach_arithmetic():
    result = national_reach(10, 100_000)
    assert result["families"] == 1_300
    assert result["need"] == pytest.approx(15_000)
    assert result["reach"] == pytest.approx(1_300 / 15_000)
    assert result["teams_for_all"] == pytest.approx(15_000 / 130)
    assert result["multiple"] == pytest.approx(15_000 / 130 / 10)
    assert "10 teams x 130 families a year = 1,300 families" in result["arithmetic"]
    assert "reach = 1,300 / 15,000 = 8.7%" in result["arithmetic"]
    with pytest.raises(PimapError, match="babies"):
        national_reach(10, 0)


def test_parameters_are_checked():
    with pytest.raises(PimapError, match="families a team supports a year"):
        ReachParameters(families_per_team=0)
    with pytest.raises(PimapError, match="need_share"):
        ReachParameters(need_share=1.5)
    with pytest.raises(PimapError, match="births_band"):
        ReachParameters(births_band="age5")


def test_published_comparison_and_the_need_it_implies():
    table = compare_with_published(700_000).set_index("as_of")
    assert table.loc["2025-06", "our_reach"] == pytest.approx(49 * 130 / (0.15 * 700_000))
    assert table.loc["2026-02", "implied_need_low"] == pytest.approx(110_000)
    assert table.loc["2026-02", "implied_need_high"] == pytest.approx(162_500)
    assert table.loc["2025-06", "published_reach_low"] == 0.04
    assert table.loc["2025-06", "published_reach_high"] == 0.06


def test_published_record_explains_each_difference():
    # SYNTHETIC teams: x operating from 2018; y in development to 2019-04 then operating; z operating from 2021.
    teams = pd.DataFrame(
        {
            "team_id": ["x", "y", "y", "z"],
            "status": ["operating", "in development", "operating", "operating"],
            "from_basis": ["start"] * 4,
            "from_date": pd.to_datetime(["2018-01-01", "2019-01-01", "2019-05-01", "2021-01-01"]),
            "to_date": pd.to_datetime([None, "2019-04-30", None, None]),
        }
    )
    published = pd.DataFrame({"as_of": ["2019", "2020-06", "2022"], "teams": [1, 2, 10]})
    record = published_record(teams, published).set_index("as_of")
    assert record["listed_operating"].tolist() == [2, 2, 3]
    assert record["difference"].tolist() == [-1, 0, 7]
    assert "moved from in development to operating during 2019 (y)" in record.loc["2019", "explanation"]
    assert record.loc["2020-06", "explanation"] == "they agree"
    assert "lower bound" in record.loc["2022", "explanation"]


def test_national_reach_of_a_reach_table_uses_its_exact_babies_and_serving_teams():
    """The one national reach (app, pack, CLI): teams serving the areas and the unrounded babies."""
    from mapping.analysis.reach import national_reach_of

    pop = POP.assign(age0=[30.04, 10.03, 20.02, 40.01, 0.0])  # 100.1 babies: rounding would lose the .1
    reach = reach_by_area(UNITS, pop, LOOKUP, AREAS, "area")
    result = national_reach_of(reach)
    assert result["scope"] == "All areas"  # England and Wales only
    assert result["teams"] == 3 and result["babies"] == pytest.approx(100.1)
    assert result["families"] == 390.0
    assert result["need"] == pytest.approx(0.15 * 100.1)
    assert result["reach"] == pytest.approx(390.0 / (0.15 * 100.1))
    halved = national_reach_of(reach, replace(DEFAULT_REACH, families_per_team=65.0))
    assert halved["reach"] == pytest.approx(result["reach"] / 2)


def test_a_one_nation_geography_is_headed_by_its_nation():
    """Issue 15: Scotland's health boards are summed as "Scotland", never "UK" or "All areas", in one row."""
    from mapping.analysis.reach import first_scope

    wales = AREAS[AREAS["nation"] == "Wales"]
    summary = summarise_reach(reach_by_area(UNITS, POP, LOOKUP, wales, "area"))
    assert summary["scope"].tolist() == ["Wales"]
    assert first_scope(["Scotland"]) == "Scotland"
    assert first_scope(["England", "Wales"]) == "All areas"
    assert first_scope(["England", "Wales", "Scotland", "Northern Ireland"]) == "United Kingdom"
