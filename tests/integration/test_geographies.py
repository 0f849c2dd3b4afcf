"""Every geography, lookup and population figure built from the real (mirrored) open data."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import shapely

import boundaries
from boundaries.catalogue import GEOGRAPHIES
from mapping.errors import GeographyError, PopulationError

EXPECTED_COUNTS = {
    "ccg2018": 195, "ccg2019": 191, "ccg2020": 135, "ccg2021": 106, "sicbl2022": 106, "icb2022": 42,
    "sicbl2023": 106, "icb2023": 42, "lhb2022": 7, "hb2019": 14, "hsct2018": 5, "lad2018": 391,
    "lad2023": 361, "ctyua2023": 218, "uk2018": 221, "uk2023": 132, "icb2026": 36, "uk2026": 62,
}


@pytest.fixture(scope="module")
def lookup(mirror):
    return boundaries.load_unit_lookup()


def test_catalogue_lists_every_required_geography():
    assert set(EXPECTED_COUNTS) <= set(boundaries.GEOGRAPHY_IDS)
    for gid, count in EXPECTED_COUNTS.items():
        assert GEOGRAPHIES[gid].expected_count == count


@pytest.mark.parametrize("gid", list(EXPECTED_COUNTS))
def test_layer_count_codes_crs_and_validity(mirror, gid):
    geo = boundaries.get_geography(gid)
    layer = boundaries.load_geography(gid)
    assert list(layer.columns) == ["code", "name", "nation", "geometry"]
    assert len(layer) == EXPECTED_COUNTS[gid]
    assert layer.crs.to_epsg() == 4326
    assert layer["code"].is_unique
    assert layer["code"].map(lambda c: bool(re.match(geo.code_pattern, c))).all()
    assert layer.geometry.is_valid.all() and not layer.geometry.is_empty.any()
    assert set(layer["nation"]) == set(geo.nations)
    assert layer["name"].str.len().gt(0).all()


@pytest.mark.parametrize("gid", ["uk2018", "ccg2018", "lad2023", "hb2019"])
def test_web_layer_keeps_areas_and_neighbours_meeting(mirror, gid):
    full = boundaries.load_geography(gid)
    web = boundaries.load_geography(gid, simplified=True)
    assert list(web["code"]) == list(full["code"])
    assert web.geometry.is_valid.all() and not web.geometry.is_empty.any()
    # Area changes little, and simplification adds no gaps between neighbours that shared an edge.
    area_full = full.to_crs(27700).area.sum()
    assert abs(web.to_crs(27700).area.sum() - area_full) / area_full < 0.01
    assert len(web.to_json()) < len(full.to_json())


def test_web_layer_neighbours_still_touch(mirror):
    full = boundaries.load_geography("ccg2019").set_index("code")
    web = boundaries.load_geography("ccg2019", simplified=True).set_index("code")
    # Derby and Derbyshire meets Stoke-on-Trent... any pair that touches in full must still touch.
    pairs = [(a, b) for a in full.index[:40] for b in full.index if a < b and full.geometry[a].touches(full.geometry[b])]
    assert pairs
    for a, b in pairs:
        gap = web.geometry[a].distance(web.geometry[b])
        assert gap == pytest.approx(0, abs=1e-9), (a, b)


def test_ccg2018_codes_joined_by_name(mirror):
    layer = boundaries.load_geography("ccg2018").set_index("code")
    assert layer.loc["E38000001", "name"] == "NHS Airedale, Wharfedale and Craven CCG"


def test_unknown_geography_is_a_clear_error():
    with pytest.raises(GeographyError, match="unknown geography 'ccg2017'.*ccg2018"):
        boundaries.load_geography("ccg2017")


def test_wrong_count_names_the_geography(mirror):
    from boundaries.catalogue import check_layer

    layer = boundaries.load_geography("icb2023").iloc[:41]
    with pytest.raises(GeographyError, match="'icb2023'.*41 areas, expected 42"):
        check_layer(layer, GEOGRAPHIES["icb2023"])


def test_every_small_area_has_exactly_one_parent_per_geography(mirror, lookup):
    assert lookup["unit_code"].is_unique
    counts = lookup["nation"].value_counts().to_dict()
    assert counts == {"England": 32844, "Scotland": 6976, "Northern Ireland": 4537, "Wales": 1909}
    for gid, geo in GEOGRAPHIES.items():
        covered = lookup[lookup["nation"].isin(geo.nations)]
        assert covered[gid].notna().all(), gid
        assert lookup.loc[~lookup["nation"].isin(geo.nations), gid].isna().all(), gid
        # every parent code is a real area of that geography, and every area has at least one unit
        codes = set(boundaries.area_table(gid)["code"])
        assert set(covered[gid]) <= codes, gid
        assert set(covered[gid]) == codes, f"{gid}: areas with no small area {sorted(codes - set(covered[gid]))[:5]}"


def test_ccg2019_is_ccg2018_with_the_mergers(mirror, lookup):
    eng = lookup[lookup["nation"] == "England"]
    changed = eng[eng["ccg2018"] != eng["ccg2019"]]
    assert set(changed["ccg2019"]) == {"E38000229", "E38000230"}
    assert set(changed["ccg2018"]) == {"E38000058", "E38000071", "E38000115", "E38000169", "E38000129", "E38000152"}


def test_published_population_totals(mirror):
    pop19 = boundaries.load_population(2019)
    by_nation = pop19.groupby("nation")[["age0", "age0_2"]].sum()
    assert by_nation.loc["England", "age0"] == 618_858  # ONS mid-2019, England, age 0
    assert by_nation.loc["Scotland", "age0_2"] == 157_772  # NRS mid-2019, Scotland, ages 0-2
    assert not pop19.loc[pop19["nation"] != "Northern Ireland", "estimated"].any()
    assert pop19.loc[pop19["nation"] == "Northern Ireland", "estimated"].all()


@pytest.mark.parametrize("year", boundaries.POPULATION_YEARS)
def test_population_equal_across_geographies_of_a_year(mirror, year):
    pop = boundaries.load_population(year)
    total = {n: pop.loc[pop["nation"] == n, "age0_2"].sum() for n in boundaries.NATIONS}
    for gid, geo in GEOGRAPHIES.items():
        areas = boundaries.area_population(gid, year)
        expected = sum(total[n] for n in geo.nations)
        assert areas["age0_2"].sum() == pytest.approx(expected, rel=1e-12), gid
    ccg = boundaries.area_population("ccg2018", year)["age0"].sum()
    icb = boundaries.area_population("icb2022", year)["age0"].sum()
    small = pop.loc[pop["nation"] == "England", "age0"].sum()
    assert ccg == icb == small


def test_northern_ireland_district_totals_conserved(mirror):
    """NI small areas share NISRA's single years of age by district: every district (and so NI) is exact."""
    from boundaries.fetch import fetch

    raw = pd.read_csv(fetch("pop_ni_lgd_2001_2022"), dtype={"Age": str})
    raw = raw[(raw["Gender"] == "All persons") & (raw["Mid_Year_Ending"] == 2020)]
    expected = raw[raw["Age"].isin([str(a) for a in range(16)])].groupby("Geo_Code")["Population_Estimate"].sum()
    pop = boundaries.load_population(2020)
    assert pop.loc[pop["nation"] == "Northern Ireland", "age0_15"].sum() == pytest.approx(expected.sum())
    by_district = boundaries.area_population("lad2023", 2020).set_index("code")["age0_15"]
    assert by_district.loc[expected.index].to_dict() == pytest.approx(expected.astype(float).to_dict())


def test_unknown_population_year(mirror):
    with pytest.raises(PopulationError, match="mid-2018.*2017, 2019, 2020"):
        boundaries.load_population(2018)


def test_centroid_assignment_reproduces_official_lookups(mirror):
    from boundaries.lookups import centroid_agreement

    report = centroid_agreement().set_index("geography")
    assert (report["share_outside_official_parent"] < 0.01).all()


def test_geographies_cli_json(mirror, capsys):
    import json

    from mapping.cli import main

    assert main(["geographies", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["id"] == "ccg2018" and r["year"] == 2019)
    assert row == {"id": "ccg2018", "areas": 195, "year": 2019, "age0": 618858.0, "age0_2": 1928510.0,
                   "births": 617_894, "births_period": {"England": "July 2018 to June 2019"}, "estimated": False}
    uk = next(r for r in rows if r["id"] == "uk2018" and r["year"] == 2019)
    assert uk["areas"] == 221 and uk["estimated"] is True
    assert {"id", "areas", "year", "age0", "age0_2", "births", "births_period", "estimated"} == set(uk)


def test_shapely_has_coverage_simplify():
    assert hasattr(shapely, "coverage_simplify")
