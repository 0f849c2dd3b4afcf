"""The capacity estimate takes births where an area has them and children aged 0 where it has none, and says
which. SYNTHETIC frames, small enough to check by hand; the real births are in
tests/integration/test_capacity_births_data.py."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mapping.analysis.capacity import (
    ReferenceTeam,
    age0_basis,
    births_basis,
    capacity_by_area,
    national_capacity,
    yearly_need,
)
from mapping.errors import PimapError

# SYNTHETIC gaps: A (England) 3,000 aged 0, a third uncovered; B (England) 6,600 aged 0, half uncovered;
# C (Scotland) 1,650 aged 0, none uncovered.
GAPS = pd.DataFrame({
    "code": ["A", "B", "C"], "name": ["Area A", "Area B", "Area C"], "nation": ["England", "England", "Scotland"],
    "age0": [3000.0, 6600.0, 1650.0], "uncovered_age0": [1000.0, 3300.0, 0.0],
    "coverage": ["partial", "partial", "full"],
})
# SYNTHETIC births: A has 3,300 (exact), C 1,500 (another period, estimated); B has none.
BIRTHS = pd.DataFrame({
    "code": ["A", "C"], "births": [3300, 1500],
    "period": ["July 2019 to June 2020", "July 2018 to June 2019 (nearest published to mid-2020)"],
    "estimated": [False, True],
})


def test_an_area_with_births_uses_them_and_one_without_uses_children_aged_0():
    out = capacity_by_area(GAPS, births=BIRTHS, year=2020).set_index("code")
    assert out.loc["A", "need"] == 3300 and out.loc["A", "teams_needed"] == pytest.approx(1.0)
    assert out.loc["A", "need_basis"] == "live births, July 2019 to June 2020"
    assert out.loc["B", "need"] == 6600 and out.loc["B", "teams_needed"] == pytest.approx(2.0)
    assert out.loc["B", "need_basis"] == "children aged 0 at mid-2020"
    assert math.isnan(out.loc["B", "births"])
    assert out.loc["C", "teams_needed"] == pytest.approx(1500 / 3300)
    assert out.loc["C", "need_basis"] == "live births, July 2018 to June 2019 (nearest published to mid-2020)"
    assert out["births_estimated"].tolist() == [False, False, True]
    assert out.index.tolist() == ["A", "B", "C"]  # the gaps' order


def test_uncovered_need_is_the_uncovered_share_of_births():
    out = capacity_by_area(GAPS, births=BIRTHS, year=2020).set_index("code")
    # A: a third of its children aged 0 uncovered -> 1,100 of its 3,300 births -> 1/3 team of 7.33 WTE.
    assert out.loc["A", "wte_needed_uncovered"] == pytest.approx(7.33 / 3)
    # B has no births: its 3,300 uncovered children aged 0 -> one team.
    assert out.loc["B", "wte_needed_uncovered"] == pytest.approx(7.33)
    assert out.loc["C", "wte_needed_uncovered"] == 0


def test_an_area_with_no_children_aged_0_has_no_uncovered_need():
    gaps = GAPS.assign(age0=[0.0, 6600.0, 1650.0], uncovered_age0=[0.0, 3300.0, 0.0])
    need = yearly_need(gaps, BIRTHS, year=2020).set_index("code")
    assert need.loc["A", "need"] == 3300 and need.loc["A", "need_uncovered"] == 0


def test_without_births_every_area_uses_children_aged_0_as_before():
    out = capacity_by_area(GAPS, year=2020)
    assert out["need"].tolist() == GAPS["age0"].tolist()
    assert set(out["need_basis"]) == {"children aged 0 at mid-2020"}
    assert out["wte_needed_uncovered"].tolist() == pytest.approx((GAPS["uncovered_age0"] / 3300 * 7.33).tolist())
    assert set(capacity_by_area(GAPS)["need_basis"]) == {"children aged 0 at mid-year"}


def test_national_sum_and_basis_name_each_nations_source():
    result = national_capacity(GAPS, teams_operating=2, births=BIRTHS, year=2020)
    assert result["births"] == 3300 + 6600 + 1500
    assert result["live_births"] == 4800 and result["age0_used"] == 6600
    assert (result["areas_from_births"], result["areas_from_age0"]) == (2, 1)
    assert result["age0"] == 3000 + 6600 + 1650
    assert result["teams_needed"] == pytest.approx(11400 / 3300)
    assert result["shortfall_teams"] == pytest.approx(11400 / 3300 - 2)
    assert result["multiple_of_current"] == pytest.approx(11400 / 3300 / 2)
    assert result["births_basis"] == (
        "England (1 of 2 areas): live births, July 2019 to June 2020; England (1 of 2 areas): children aged 0 at "
        "mid-2020; Scotland: live births, July 2018 to June 2019 (nearest published to mid-2020)")
    assert result["arithmetic"].startswith(f"11,400 babies a year ({result['births_basis']}) / 3,300 births per "
                                           "reference team = 3.5 teams")


def test_national_basis_joins_nations_with_the_same_period():
    gaps = GAPS.assign(nation=["England", "Wales", "Scotland"])
    births = pd.DataFrame({"code": ["A", "B", "C"], "births": [3300, 3300, 1650],
                           "period": ["July 2019 to June 2020"] * 2 + ["calendar 2021"]})
    result = national_capacity(gaps, 1, births=births, year=2020)
    assert result["births_basis"] == ("England and Wales: live births, July 2019 to June 2020; "
                                      "Scotland: live births, calendar 2021")
    assert result["teams_needed"] == pytest.approx(2.5)
    one = national_capacity(gaps, 1, births=births.assign(period="calendar 2023"), year=2024)
    assert one["births_basis"] == "live births, calendar 2023"


def test_national_capacity_without_nation_or_team():
    """The CLI's smallest case: one area, no team operating (SYNTHETIC)."""
    gaps = pd.DataFrame({"code": ["S0"], "age0": [3300.0]})
    births = pd.DataFrame({"code": ["S0"], "births": [6600], "period": ["July 2016 to June 2017"]})
    result = national_capacity(gaps, 0, births=births, year=2017)
    assert result["teams_needed"] == pytest.approx(2.0) and np.isnan(result["multiple_of_current"])
    assert result["births_basis"] == "live births, July 2016 to June 2017"
    assert "no multiple" in result["arithmetic"]


def test_reference_figures_scale_births_too():
    half = ReferenceTeam(wte=10.0, population=140_000, births=1_650, source="synthetic test reference")
    out = capacity_by_area(GAPS, half, births=BIRTHS, year=2020).set_index("code")
    assert out.loc["A", "wte_needed"] == pytest.approx(20.0)


@pytest.mark.parametrize("births, message", [
    (BIRTHS.drop(columns="period"), "no column 'period'"),
    (pd.concat([BIRTHS, BIRTHS.iloc[[0]]]), "give area A twice"),
    (BIRTHS.assign(births=[-1, 5]), "give area A a count that is not zero or more"),
    (BIRTHS.assign(births=["many", 5]), "give area A a count"),
])
def test_malformed_births_are_refused(births, message):
    with pytest.raises(PimapError, match=message):
        capacity_by_area(GAPS, births=births, year=2020)


def test_basis_texts():
    assert births_basis("calendar 2023 (nearest published to mid-2024)") == (
        "live births, calendar 2023 (nearest published to mid-2024)")
    assert age0_basis(2022) == "children aged 0 at mid-2022"


def test_national_result_names_the_births_files_used():
    births = BIRTHS.assign(source=["births_ew_lad_mid1993_2021", "births_uk_lad_mid2002_2019"])
    result = national_capacity(GAPS, 1, births=births, year=2020)
    assert result["births_sources"] == "births_ew_lad_mid1993_2021, births_uk_lad_mid2002_2019"
    assert national_capacity(GAPS, 1, births=BIRTHS, year=2020)["births_sources"] == ""
    assert national_capacity(GAPS, 1)["births_sources"] == ""
