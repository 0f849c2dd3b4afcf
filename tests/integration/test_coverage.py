"""The coverage engine on tiny hand-made areas (synthetic), then conservation on the real data."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from mapping.analysis.coverage import coverage_by_area, nearest_teams, summarise, unit_coverage
from mapping.inputs.vocabulary import TeamStatus

# Synthetic: two areas A and B; A has units a1, a2 (10 and 30 babies), B has b1, b2 (20 and 0).
# A third area C has one unit c1 with no children. A "district" geography groups a2 + b1 as D1.
LOOKUP = pd.DataFrame(
    {
        "unit_code": ["a1", "a2", "b1", "b2", "c1"],
        "area": ["A", "A", "B", "B", "C"],
        "district": ["D0", "D1", "D1", "D2", "D3"],
    }
)
POP = pd.DataFrame(
    {
        "unit_code": ["a1", "a2", "b1", "b2", "c1"],
        "age0": [4.0, 10.0, 6.0, 0.0, 0.0],
        "age0_2": [10.0, 30.0, 20.0, 0.0, 0.0],
    }
)
AREAS = pd.DataFrame({"code": ["A", "B", "C"], "name": ["Area A", "Area B", "Area C"], "nation": ["England"] * 3})


def _gaps(catchments: list[tuple[str, str, str]], age="0-2") -> pd.DataFrame:
    frame = pd.DataFrame(catchments, columns=["team_id", "geography", "code"])
    units = unit_coverage(frame, LOOKUP)
    return coverage_by_area(units, POP, LOOKUP, AREAS, "area", age=age).set_index("code")


def test_catchment_covering_exactly_one_of_two_areas():
    gaps = _gaps([("t1", "area", "A")])
    assert gaps.loc["A", "coverage"] == "full"
    assert gaps.loc["A", "covered_age0_2"] == 40.0
    assert gaps.loc["A", "share_covered"] == 1.0
    assert gaps.loc["B", "coverage"] == "none"
    assert gaps.loc["B", "share_covered"] == 0.0
    assert gaps.loc["A", "teams"] == "t1" and gaps.loc["B", "teams"] == ""


def test_catchment_covering_part_of_an_area_counts_only_its_small_areas():
    gaps = _gaps([("t1", "district", "D1")])  # a2 (30) and b1 (20)
    assert gaps.loc["A", "covered_age0_2"] == 30.0
    assert gaps.loc["A", "share_covered"] == pytest.approx(0.75)
    assert gaps.loc["A", "coverage"] == "partial"
    # B: b1 holds all of B's children, b2 has none: every child is covered, so "full"
    assert gaps.loc["B", "share_covered"] == 1.0
    assert gaps.loc["B", "coverage"] == "full"


def test_overlapping_teams_are_not_double_counted():
    gaps = _gaps([("t1", "area", "A"), ("t2", "district", "D1"), ("t2", "district", "D0")])
    assert gaps.loc["A", "covered_age0_2"] == 40.0
    assert gaps.loc["A", "teams"] == "t1; t2"
    assert gaps.loc["B", "covered_age0_2"] == 20.0


def test_area_with_no_population():
    gaps = _gaps([("t1", "area", "A")])
    assert gaps.loc["C", "age0_2"] == 0.0
    assert np.isnan(gaps.loc["C", "share_covered"])
    assert gaps.loc["C", "coverage"] == "none"
    gaps = _gaps([("t1", "area", "C")])
    assert gaps.loc["C", "coverage"] == "full"  # decided by small areas when there are no children


def test_age0_band_decides_share_when_asked():
    gaps = _gaps([("t1", "district", "D1")], age="0")
    assert gaps.loc["A", "share_covered"] == pytest.approx(10 / 14)
    assert gaps.loc["A", "age_band"] == "0"


def test_unknown_age_band():
    with pytest.raises(ValueError, match="age must be one of"):
        _gaps([], age="0-4")


def test_conservation_and_summary():
    gaps = _gaps([("t1", "district", "D1")]).reset_index()
    assert (gaps["covered_age0_2"] + gaps["uncovered_age0_2"] == gaps["age0_2"]).all()
    s = summarise(gaps)
    assert s["age0_2_total"] == 60.0
    assert s["age0_2_uncovered"] == 10.0
    assert s["share_covered"] == pytest.approx(50 / 60)
    assert s["areas_without_team"] == 1  # C
    assert s["teams_operating"] == 1
    assert s["nations"]["England"]["areas"] == 3


def test_catchment_in_unknown_geography_is_an_error():
    frame = pd.DataFrame([("t1", "nowhere", "X")], columns=["team_id", "geography", "code"])
    with pytest.raises(ValueError, match="'nowhere'"):
        unit_coverage(frame, LOOKUP)


def test_nearest_team_distance_in_projected_metres():
    # Two 1 km squares in British National Grid; a team 5 km east of the first square's centre.
    squares = gpd.GeoDataFrame(
        {"code": ["S1", "S2"], "nation": ["England", "England"]},
        geometry=[shapely.box(400000, 300000, 401000, 301000), shapely.box(420000, 300000, 421000, 301000)],
        crs="EPSG:27700",
    ).to_crs("EPSG:4326")
    base = gpd.GeoSeries([shapely.Point(405500, 300500)], crs="EPSG:27700").to_crs("EPSG:4326")
    bases = pd.DataFrame({"team_id": ["t1"], "name": ["Team 1"], "base_lon": base.x, "base_lat": base.y})
    out = nearest_teams(squares, bases).set_index("code")
    assert out.loc["S1", "nearest_team_km"] == pytest.approx(5.0, abs=1e-6)
    assert out.loc["S2", "nearest_team_km"] == pytest.approx(15.0, abs=1e-6)
    assert out.loc["S1", "nearest_team"] == "t1"


def _reference_share(catchments: pd.DataFrame, lookup: pd.DataFrame, pop: pd.DataFrame, geography: str) -> dict:
    """A plain second implementation: loop over small areas, sum by hand."""
    covered_units = set()
    for row in catchments.itertuples():
        for unit, code in zip(lookup["unit_code"], lookup[row.geography].fillna("")):
            if code == row.code:
                covered_units.add(unit)
    totals: dict[str, list[float]] = {}
    area_of = dict(zip(lookup["unit_code"], lookup[geography]))
    for unit, babies in zip(pop["unit_code"], pop["age0_2"]):
        area = area_of.get(unit)
        if area is None or pd.isna(area):
            continue
        t = totals.setdefault(area, [0.0, 0.0])
        t[0] += babies
        t[1] += babies if unit in covered_units else 0.0
    return {area: (c / t if t else float("nan")) for area, (t, c) in totals.items()}


def test_engine_matches_reference_implementation_on_synthetic_data():
    catch = pd.DataFrame([("t1", "district", "D1"), ("t2", "area", "C")], columns=["team_id", "geography", "code"])
    gaps = coverage_by_area(unit_coverage(catch, LOOKUP), POP, LOOKUP, AREAS, "area").set_index("code")
    ref = _reference_share(catch, LOOKUP, POP, "area")
    for code in ("A", "B"):
        assert gaps.loc[code, "share_covered"] == pytest.approx(ref[code])


# --- the real data -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(mirror):
    import boundaries
    from mapping.inputs.teams import catchment_table, load_teams, teams_as_of

    teams = load_teams()
    current = teams_as_of(teams, date(2019, 6, 30))
    operating = current[current["status"] == TeamStatus.OPERATING]
    return {
        "catchments": catchment_table(operating),
        "lookup": boundaries.load_unit_lookup(),
        "population": boundaries.load_population(2019),
    }


def test_engine_matches_reference_on_real_uk2018(real):
    import boundaries

    units = unit_coverage(real["catchments"], real["lookup"])
    gaps = coverage_by_area(units, real["population"], real["lookup"], boundaries.area_table("uk2018"), "uk2018")
    ref = _reference_share(real["catchments"], real["lookup"], real["population"], "uk2018")
    got = gaps.set_index("code")["share_covered"]
    for code, share in ref.items():
        assert got[code] == pytest.approx(share, rel=1e-12), code


@pytest.mark.parametrize("gid", ["uk2018", "uk2023", "ccg2018", "ccg2019", "ccg2020", "ccg2021", "sicbl2022",
                                 "icb2022", "sicbl2023", "icb2023", "lhb2022", "hb2019", "hsct2018", "lad2018",
                                 "lad2023", "ctyua2023", "icb2026", "uk2026"])
def test_population_conserved_on_every_geography(real, gid):
    import boundaries

    units = unit_coverage(real["catchments"], real["lookup"])
    gaps = coverage_by_area(units, real["population"], real["lookup"], boundaries.area_table(gid), gid)
    assert len(gaps) == boundaries.get_geography(gid).expected_count
    assert np.allclose(gaps["covered_age0_2"] + gaps["uncovered_age0_2"], gaps["age0_2"])
    nations = boundaries.get_geography(gid).nations
    pop = real["population"]
    assert gaps["age0_2"].sum() == pytest.approx(pop.loc[pop["nation"].isin(nations), "age0_2"].sum())
    # the covered total is the same whichever geography it is summed to
    covered = pop[pop["unit_code"].isin(set(units["unit_code"])) & pop["nation"].isin(nations)]["age0_2"].sum()
    assert gaps["covered_age0_2"].sum() == pytest.approx(covered)


def test_cached_centroids_give_the_nearest_teams_of_the_full_layer(mirror):
    """compute_gaps takes each geography's projected centroids from a per-process cache; they must give
    the same nearest team and distance as the full-detail layer does."""
    from datetime import date

    from mapping.analysis.coverage import _nearest_in_geography, nearest_teams
    from mapping.analysis.selection import Selection, load_inputs

    inputs = load_inputs(Selection("uk2018", 2020, date(2024, 7, 1)))
    bases = inputs.operating
    direct = nearest_teams(inputs.full_layer, bases).reset_index(drop=True)
    cached = _nearest_in_geography("uk2018", bases).reset_index(drop=True)
    pd.testing.assert_frame_equal(cached, direct)
