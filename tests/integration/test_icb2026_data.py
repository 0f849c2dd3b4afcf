"""The 36 ICBs of April 2026, uk2026, the crosswalk from the 42 ICBs of 2023, and the official Sub-ICB 2023
route, built from the real (mirrored) open data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import boundaries
from boundaries.catalogue import GEOGRAPHIES, check_layer
from boundaries.crosswalk import CROSSWALK_COLUMNS, icb_crosswalk

YEARS = boundaries.POPULATION_YEARS
# England aged 0-2, sums of the ONS single years of age (issue 14): the 2026 ICBs must add up to them.
ENGLAND_0_2 = {2022: 1_804_408, 2024: 1_797_446}

# The April 2026 mergers (written ministerial statement of 9 September 2025; FACTS.md "NHS geography after
# April 2023"): 2023 ICBs that go whole into one 2026 ICB. Names as the boundary files spell them.
WHOLE_MERGERS = {
    "NHS Norfolk and Waveney Integrated Care Board": "NHS Norfolk and Suffolk Integrated Care Board",
    "NHS Mid and South Essex Integrated Care Board": "NHS Essex Integrated Care Board",
    "NHS Hampshire and Isle of Wight Integrated Care Board": "NHS Hampshire and Isle of Wight Integrated Care Board",
    "NHS Sussex Integrated Care Board": "NHS Surrey and Sussex Integrated Care Board",
    "NHS Surrey Heartlands Integrated Care Board": "NHS Surrey and Sussex Integrated Care Board",
    "NHS North West London Integrated Care Board": "NHS West and North London Integrated Care Board",
    "NHS North Central London Integrated Care Board": "NHS West and North London Integrated Care Board",
    "NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board":
        "NHS Thames Valley Integrated Care Board",
    "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board": "NHS Central East Integrated Care Board",
    "NHS Cambridgeshire and Peterborough Integrated Care Board": "NHS Central East Integrated Care Board",
}
# 2023 ICBs divided between 2026 ICBs: Frimley abolished (East Berkshire to Thames Valley, Farnham and Surrey
# Heath to Surrey and Sussex, North East Hampshire to Hampshire), Suffolk and North East Essex, Hertfordshire
# and West Essex.
DIVIDED = {
    "NHS Frimley Integrated Care Board": {"NHS Thames Valley Integrated Care Board",
                                          "NHS Surrey and Sussex Integrated Care Board",
                                          "NHS Hampshire and Isle of Wight Integrated Care Board"},
    "NHS Suffolk and North East Essex Integrated Care Board": {"NHS Norfolk and Suffolk Integrated Care Board",
                                                               "NHS Essex Integrated Care Board"},
    "NHS Hertfordshire and West Essex Integrated Care Board": {"NHS Central East Integrated Care Board",
                                                               "NHS Essex Integrated Care Board"},
}
FRIMLEY_SUB_ICB = "NHS Frimley ICB - D4U1Y"

# Centroid assignment must agree with the official Sub-ICB route for at least 99% of LSOAs and of babies:
# the tolerance the project accepts for centroid assignment against every other official lookup
# (test_geographies), below which the generalised (BSC) boundaries would be misplacing whole edges.
AGREEMENT_FLOOR = 0.99


@pytest.fixture(scope="module")
def lookup(mirror):
    return boundaries.load_unit_lookup()


@pytest.fixture(scope="module")
def names(mirror):
    return {gid: boundaries.area_table(gid).set_index("name")["code"] for gid in ("icb2023", "icb2026", "sicbl2023")}


@pytest.fixture(scope="module")
def crosswalks(mirror):
    return {year: icb_crosswalk(year) for year in YEARS}


def test_catalogue_entries_follow_2023():
    icb, uk = GEOGRAPHIES["icb2026"], GEOGRAPHIES["uk2026"]
    assert (icb.label, icb.vintage, icb.nations, icb.expected_count, icb.sources) == (
        "Integrated Care Boards, April 2026", date(2026, 4, 1), ("England",), 36, ("icb2026_boundaries",))
    assert uk.label == "UK commissioning areas, April 2026: ICBs, Welsh LHBs, Scottish HBs, NI trusts"
    assert (uk.vintage, uk.nations, uk.expected_count) == (date(2026, 4, 1), boundaries.NATIONS, 62)
    assert uk.parts == ("icb2026", *GEOGRAPHIES["uk2023"].parts[1:])
    assert sum(GEOGRAPHIES[p].expected_count for p in uk.parts) == 62


def test_icb2026_layer_passes_its_checks(mirror):
    layer = boundaries.load_geography("icb2026")
    check_layer(layer, GEOGRAPHIES["icb2026"])
    assert len(layer) == 36 and layer["code"].is_unique
    assert layer["code"].str.fullmatch(r"E54\d{6}").all()
    assert layer.geometry.is_valid.all() and not layer.geometry.is_empty.any()
    web = boundaries.load_geography("icb2026", simplified=True)
    assert list(web["code"]) == list(layer["code"]) and web.geometry.is_valid.all()


def test_uk2026_has_62_areas_by_nation(mirror):
    layer = boundaries.load_geography("uk2026")
    check_layer(layer, GEOGRAPHIES["uk2026"])
    assert layer["nation"].value_counts().to_dict() == {"England": 36, "Scotland": 14, "Wales": 7,
                                                         "Northern Ireland": 5}


def test_every_english_small_area_has_exactly_one_2026_icb(lookup):
    england = lookup[lookup["nation"] == "England"]
    codes = set(boundaries.area_table("icb2026")["code"])
    assert england["unit_code"].is_unique
    assert england["icb2026"].notna().all()
    assert set(england["icb2026"]) == codes  # every code real, and every 2026 ICB holds small areas
    assert lookup.loc[lookup["nation"] != "England", "icb2026"].isna().all()
    # uk2026 is icb2026 in England and the other nations' boards elsewhere
    assert (england["uk2026"] == england["icb2026"]).all()
    assert (lookup["uk2026"] == lookup["uk2023"]).where(lookup["nation"] != "England", True).all()


def test_sub_icbs_2023_lie_whole_in_one_2026_icb_except_frimleys(lookup, names):
    england = lookup[lookup["nation"] == "England"]
    parents = england.groupby("sicbl2023")["icb2026"].nunique()
    divided = set(parents[parents > 1].index)
    assert divided == {names["sicbl2023"][FRIMLEY_SUB_ICB]}
    assert parents.size == 106


def test_snapping_to_sub_icbs_moves_only_edge_lsoas(lookup):
    """The 2026 column differs from plain centroid assignment only where generalised boundaries misplace
    a few LSOAs on an edge (one in 2026), never inside Frimley's divided Sub-ICB."""
    from boundaries.lookups import _centroid_codes, unit_points

    england = lookup[lookup["nation"] == "England"].set_index("unit_code")
    points = unit_points().merge(england.index.to_frame(index=False), on="unit_code")
    plain = _centroid_codes(points, "icb2026", ("England",)).reindex(england.index)
    moved = england[england["icb2026"] != plain]
    assert 0 < len(moved) <= 0.001 * len(england)
    # each moved LSOA joins the rest of its Sub-ICB, which is not Frimley's
    frimley = england["sicbl2023"].eq(boundaries.area_table("sicbl2023").set_index("name")["code"][FRIMLEY_SUB_ICB])
    assert not frimley[moved.index].any()
    rest = england[~england.index.isin(moved.index)]
    home = rest.groupby("sicbl2023")["icb2026"].agg(lambda s: s.mode().iloc[0])
    assert (moved["icb2026"] == moved["sicbl2023"].map(home)).all()


@pytest.mark.parametrize("year", YEARS)
def test_england_babies_over_icb2026_equal_englands_total(mirror, year):
    pop = boundaries.load_population(year)
    england = pop.loc[pop["nation"] == "England", "age0_2"].sum()
    areas = boundaries.area_population("icb2026", year)
    assert len(areas) == 36 and (areas["age0_2"] > 0).all()
    assert areas["age0_2"].sum() == pytest.approx(england, rel=1e-12)
    if year in ENGLAND_0_2:
        assert areas["age0_2"].sum() == pytest.approx(ENGLAND_0_2[year], abs=1e-6)
    uk = boundaries.area_population("uk2026", year)
    assert uk["age0_2"].sum() == pytest.approx(pop["age0_2"].sum(), rel=1e-12)


@pytest.mark.parametrize("year", YEARS)
def test_crosswalk_sums_to_both_vintages(mirror, crosswalks, year):
    walk = crosswalks[year]
    assert tuple(walk.columns) == CROSSWALK_COLUMNS
    assert not walk.duplicated(["icb2026", "icb2023"]).any()
    assert walk["icb2026"].nunique() == 36 and walk["icb2023"].nunique() == 42
    by_2026 = boundaries.area_population("icb2026", year).set_index("code")["age0_2"]
    summed = walk.groupby("icb2026")["age0_2"].sum()
    assert summed.sort_index().to_dict() == pytest.approx(by_2026.sort_index().to_dict(), rel=1e-12)
    by_2023 = boundaries.area_population("icb2023", year).set_index("code")["age0_2"]
    assert walk.groupby("icb2023")["age0_2"].sum().to_dict() == pytest.approx(by_2023.to_dict(), rel=1e-12)
    assert walk.groupby("icb2023")["share_of_icb2023"].sum().to_numpy() == pytest.approx(1.0, abs=1e-12)
    assert walk.groupby("icb2026")["share_of_icb2026"].sum().to_numpy() == pytest.approx(1.0, abs=1e-12)
    assert walk["units"].sum() == int((boundaries.load_unit_lookup()["nation"] == "England").sum())


def test_crosswalk_shows_the_april_2026_mergers(crosswalks, names):
    walk = crosswalks[2020]
    for old, new in WHOLE_MERGERS.items():
        rows = walk[walk["icb2023"] == names["icb2023"][old]]
        top = rows.loc[rows["share_of_icb2023"].idxmax()]
        assert top["icb2026"] == names["icb2026"][new], old
        assert top["icb2026_name"] == new and top["icb2023_name"] == old
        assert top["share_of_icb2023"] >= 0.999, old
    for old, news in DIVIDED.items():
        rows = walk[walk["icb2023"] == names["icb2023"][old]]
        assert set(rows["icb2026_name"]) == news, old
        assert (rows["share_of_icb2023"] > 0.1).all(), old  # real parts, not boundary noise
    # the 2026 ICBs formed in April 2026 have new codes; every other keeps its 2023 code and area unchanged
    formed = {names["icb2026"][n] for n in [*WHOLE_MERGERS.values(), *(n for ns in DIVIDED.values() for n in ns)]}
    assert not formed & set(names["icb2023"].values)
    kept = walk[~walk["icb2026"].isin(formed)]
    assert kept["icb2026"].nunique() == 36 - len(formed) == 29
    assert (kept["icb2023"] == kept["icb2026"]).all()
    assert (kept["share_of_icb2023"] == 1.0).all() and (kept["share_of_icb2026"] == 1.0).all()


def test_official_sub_icb_route_agrees_with_centroids(mirror):
    """Agreement of centroid assignment with the official LSOA 2021 -> Sub-ICB route, measured, not stated."""
    from boundaries.lookups import centroid_agreement, official_sicbl2023

    report = centroid_agreement(2020, ("sicbl2023", "icb2023")).set_index("geography")
    official = official_sicbl2023()
    for gid in ("sicbl2023", "icb2023"):
        row = report.loc[gid]
        assert 1 - row["share_outside_official_parent"] >= AGREEMENT_FLOOR, gid
        assert 1 - row["share_age0_2_outside_official_parent"] >= AGREEMENT_FLOOR, gid
        split_column = {"sicbl2023": "sicbl_split", "icb2023": "icb_split"}[gid]
        assert row["split_units"] == int(official[split_column].sum())
        assert row["units"] + row["split_units"] == 32844
    assert report.loc["sicbl2023", "split_units"] < 10  # LSOAs 2011 split between Sub-ICBs are rare


def test_lookup_uses_the_official_sub_icb_route(lookup):
    from boundaries.lookups import official_sicbl2023

    official = official_sicbl2023()
    england = lookup[lookup["nation"] == "England"].set_index("unit_code")
    decided = official["sicbl2023"].dropna()
    assert (england.loc[decided.index, "sicbl2023"] == decided).all()
    decided_icb = official["icb2023"].dropna()
    assert (england.loc[decided_icb.index, "icb2023"] == decided_icb).all()
    # Sub-ICBs nest in ICBs in the lookup, as in the official file
    assert (england.groupby("sicbl2023")["icb2023"].nunique() == 1).all()
    assert isinstance(official, pd.DataFrame) and official.index.is_unique
