"""Population at mid-2022 and mid-2024 (authority-constrained) and Northern Ireland by district, real data.

The expected figures are read here from the published files with pandas alone (not through the
project's readers), so a wrong reader or a wrong filter fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

import boundaries
from boundaries.fetch import fetch
from boundaries.local_authorities import small_area_authorities
from boundaries.population import CONSTRAINED, EQUAL_SHARES, PUBLISHED, backtest

BANDS = {"age0": ["0"], "age1": ["1"], "age2": ["2"], "age0_2": ["0", "1", "2"],
         "age0_15": [str(a) for a in range(16)], "age0_18": [str(a) for a in range(19)]}
LOWEST_TIER = {"Unitary Authority", "Non-metropolitan District", "Metropolitan District", "London Borough",
               "Council Area", "Local Government District"}


def _bands(single: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({band: single[ages].sum(axis=1) for band, ages in BANDS.items()})


@pytest.fixture(scope="module")
def ons2022(mirror) -> pd.DataFrame:
    """ONS mid-2022, every row of sheet MYE2 - Persons (the header is the workbook's row 8), bands by code."""
    sheet = pd.read_excel(fetch("pop2022_lad_uk"), sheet_name="MYE2 - Persons", header=7)
    sheet.columns = [str(int(c)) if isinstance(c, float) else str(c) for c in sheet.columns]
    sheet = sheet.set_index("Code")
    return _bands(sheet.astype({a: float for a in BANDS["age0_18"]})).assign(Geography=sheet["Geography"])


@pytest.fixture(scope="module")
def ons2024(mirror) -> pd.DataFrame:
    sheet = pd.read_csv(fetch("pop2024_lad_ew"), encoding="utf-8-sig").set_index("Code")
    return _bands(sheet.astype({a: float for a in BANDS["age0_18"]})).assign(Geography=sheet["Geography"])


@pytest.fixture(scope="module")
def nisra(mirror) -> pd.DataFrame:
    """NISRA districts, all persons, ages 0-18: one row per (year, district)."""
    raw = pd.read_csv(fetch("pop_ni_lgd_2001_2022"), dtype={"Age": str})
    raw = raw[raw["Gender"] == "All persons"]
    wide = raw.pivot_table(index=["Mid_Year_Ending", "Geo_Code"], columns="Age", values="Population_Estimate",
                           aggfunc="sum")
    return _bands(wide.astype(float))


@pytest.fixture(scope="module")
def authorities(mirror) -> pd.DataFrame:
    return small_area_authorities()


def _by_authority(year: int, authorities: pd.DataFrame) -> pd.DataFrame:
    pop = boundaries.load_population(year).merge(authorities[["unit_code", "la_code"]], on="unit_code")
    return pop.groupby("la_code")[list(BANDS)].sum()


def test_england_children_aged_0_2_are_the_ons_single_years(mirror):
    for year, expected in ((2022, 1_804_408), (2024, 1_797_446)):
        pop = boundaries.load_population(year)
        assert pop.loc[pop["nation"] == "England", "age0_2"].sum() == pytest.approx(expected, abs=1e-6), year


@pytest.mark.parametrize("year", [2022, 2024])
def test_every_local_authority_total_is_exact(year, authorities, ons2022, ons2024):
    estimates = _by_authority(year, authorities)
    published = ons2024 if year == 2024 else ons2022
    rows = published[published["Geography"].isin(LOWEST_TIER)][list(BANDS)]
    if year == 2024:  # Scotland and Northern Ireland take mid-2022
        scot_ni = ons2022[ons2022["Geography"].isin(LOWEST_TIER) & ons2022.index.str[0].isin(["S", "N"])]
        rows = pd.concat([rows, scot_ni[list(BANDS)]])
    assert len(rows) == 361 and set(estimates.index) == set(rows.index)
    difference = (estimates - rows.reindex(estimates.index.astype(str)).to_numpy()).abs()
    assert difference.max().max() < 1e-6


def test_scotland_and_northern_ireland_mid_2022_equal_their_published_totals(ons2022):
    pop = boundaries.load_population(2022).groupby("nation")[list(BANDS)].sum()
    for nation, code in (("Scotland", "S92000003"), ("Northern Ireland", "N92000002"), ("Wales", "W92000004")):
        assert pop.loc[nation].to_dict() == pytest.approx(ons2022.loc[code, list(BANDS)].to_dict(), abs=1e-6)


def test_northern_ireland_district_totals_are_nisras(authorities, nisra):
    for year in (2017, 2019, 2020, 2022):
        estimates = _by_authority(year, authorities)
        published = nisra.loc[year]
        assert len(published) == 11
        difference = (estimates.loc[list(published.index)].to_numpy() - published.to_numpy())
        assert abs(difference).max() < 1e-6, year
    # 2019 by hand: Belfast (N09000003), ages 0, 1 and 2 at mid-2019, from the file as published.
    belfast = nisra.loc[(2019, "N09000003")]
    assert _by_authority(2019, authorities).loc["N09000003", "age0_2"] == pytest.approx(belfast["age0_2"])


def test_trust_totals_are_their_small_areas_equal_shares_of_districts(authorities, nisra):
    """Five districts straddle two trusts (trusts follow the pre-2015 districts), so a trust's figure is its
    Small Areas' equal shares of their districts: a plain version of that, against the project's."""
    lookup = boundaries.load_unit_lookup()
    ni = lookup[lookup["nation"] == "Northern Ireland"].merge(authorities[["unit_code", "la_code"]], on="unit_code")
    cells = pd.crosstab(ni["la_code"], ni["hsct2018"])
    assert (cells.gt(0).sum(axis=1) == 2).sum() == 5
    per_small_area = nisra.loc[2019]["age0_2"].reindex(cells.index) / cells.sum(axis=1)
    expected = cells.mul(per_small_area, axis=0).sum()
    trusts = boundaries.area_population("hsct2018", 2019).set_index("code")["age0_2"]
    assert trusts.sort_index().to_dict() == pytest.approx(expected.sort_index().to_dict(), abs=1e-6)
    assert trusts.sum() == pytest.approx(nisra.loc[2019]["age0_2"].sum())


def test_unions_of_authorities_are_exact(ons2024):
    """Welsh health boards are unions of Welsh authorities: their mid-2024 sums are the authorities' exactly."""
    lookup = boundaries.load_unit_lookup()
    wales = lookup[lookup["nation"] == "Wales"].merge(small_area_authorities()[["unit_code", "la_code"]],
                                                       on="unit_code")
    board_of = wales.groupby("la_code")["lhb2022"].agg(set)
    assert board_of.map(len).eq(1).all()
    expected = ons2024.loc[board_of.index, "age0_2"].groupby(board_of.map(lambda s: next(iter(s)))).sum()
    boards = boundaries.area_population("lhb2022", 2024).set_index("code")["age0_2"]
    assert boards.sort_index().to_dict() == pytest.approx(expected.sort_index().to_dict(), abs=1e-6)


def test_flags_say_what_is_estimated_and_from_which_year(mirror):
    def flags(year: int) -> dict:
        pop = boundaries.load_population(year)
        return {n: (bool(g["estimated"].all()), bool(g["estimated"].any()), set(g["source_year"]), set(g["method"]))
                for n, g in pop.groupby("nation")}

    y2020, y2022, y2024 = flags(2020), flags(2022), flags(2024)
    for nation in ("England", "Wales", "Scotland"):
        assert y2020[nation] == (False, False, {2020}, {PUBLISHED})
        assert y2022[nation] == (True, True, {2022}, {CONSTRAINED})
    assert y2024["England"] == y2024["Wales"] == (True, True, {2024}, {CONSTRAINED})
    assert y2024["Scotland"] == (True, True, {2022}, {CONSTRAINED})
    for got, source in ((y2020, 2020), (y2022, 2022), (y2024, 2022)):
        assert got["Northern Ireland"] == (True, True, {source}, {EQUAL_SHARES})
    assert flags(2017)["Scotland"] == (True, True, {2019}, {PUBLISHED})


def test_backtest_from_mid_2019_to_mid_2020(mirror):
    """The method from mid-2019 small areas to mid-2020 authority totals, against the mid-2020 truth."""
    result = backtest(2019, 2020, "sicbl2023")
    assert len(result) == 106
    assert result["estimate"].sum() == pytest.approx(result["truth"].sum())  # England's total is exact
    assert result["abs_pct_error"].mean() < 1.0 and result["abs_pct_error"].max() < 5.0
