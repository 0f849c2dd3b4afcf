"""The small-area lookup's local authorities and counties of 2023 against the official figures: every
district and county-or-unitary of the ONS mid-year files is a union of whole small areas, so its
children are the published ones, and births summed to them are exact but where the births files group
authorities (Cornwall with Scilly) or a small area is split between authorities."""

from __future__ import annotations

import pandas as pd
import pytest

import boundaries
from boundaries import births as b
from boundaries.lookups import load_unit_lookup
from boundaries.population import _ons_authority_file

EW = ("England", "Wales")


@pytest.fixture(scope="module")
def lookup(mirror) -> pd.DataFrame:
    return load_unit_lookup()


def _published_0_2(file_id: str) -> pd.Series:
    """Children aged 0-2 of every row of an ONS authority file, by code."""
    frame = _ons_authority_file(file_id)
    return frame[["0", "1", "2"]].sum(axis=1)


def test_lad2023_is_the_official_authority_of_every_small_area(lookup):
    from boundaries.local_authorities import small_area_authorities

    authorities = small_area_authorities().set_index("unit_code")["la_code"]
    assert lookup.set_index("unit_code")["lad2023"].equals(authorities.reindex(lookup["unit_code"]).rename("lad2023"))
    # Districts nest in counties: no district lies in two county-level areas.
    assert (lookup.groupby("lad2023")["ctyua2023"].nunique() == 1).all()
    assert lookup.groupby("nation")["ctyua2023"].nunique().to_dict() == {
        "England": 153, "Wales": 22, "Scotland": 32, "Northern Ireland": 11}


def test_every_non_metropolitan_district_is_in_the_county_the_ons_file_lists_it_under(lookup):
    """The ONS file lists each county row followed by its districts: the counties the lookup derives from
    boundaries are those."""
    frame = _ons_authority_file("pop2022_lad_uk")
    listed, county = {}, None
    for code, kind in frame["Geography"].items():
        if kind == "County":
            county = code
        elif kind == "Non-metropolitan District":
            listed[code] = county
        else:
            county = None
    assert len(listed) == 164 and None not in listed.values()
    derived = lookup.drop_duplicates("lad2023").set_index("lad2023")["ctyua2023"]
    assert derived.reindex(list(listed)).to_dict() == listed


@pytest.mark.parametrize("year, file_id", [(2022, "pop2022_lad_uk"), (2024, "pop2024_lad_ew")])
@pytest.mark.parametrize("geography", ["lad2023", "ctyua2023"])
def test_every_authority_and_county_has_the_published_children(mirror, year, file_id, geography):
    areas = boundaries.area_population(geography, year)
    published = _published_0_2(file_id)
    nations = EW if year == 2024 else (*EW, "Scotland")
    mine = areas[areas["nation"].isin(nations)].set_index("code")["age0_2"]
    assert set(mine.index) <= set(published.index)
    assert mine.round(6).to_dict() == published.reindex(mine.index).astype(float).to_dict()
    if year == 2022:
        ni = areas[areas["nation"] == "Northern Ireland"].set_index("code")["age0_2"]
        assert ni.round(6).to_dict() == published.reindex(ni.index).astype(float).to_dict()
    assert len(mine) == {("lad2023", 2022): 350, ("lad2023", 2024): 318,
                         ("ctyua2023", 2022): 207, ("ctyua2023", 2024): 175}[geography, year]


def test_single_years_are_exact_for_every_authority(mirror):
    """Not just the band: every single year 0, 1, 2 of every district at mid-2024."""
    areas = boundaries.area_population("lad2023", 2024).set_index("code")
    frame = _ons_authority_file("pop2024_lad_ew")
    ew = areas[areas["nation"].isin(EW)]
    for age in ("0", "1", "2"):
        assert ew[f"age{age}"].round(6).to_dict() == frame.loc[ew.index, age].astype(float).to_dict()


@pytest.mark.parametrize("geography", ["lad2023", "ctyua2023"])
def test_births_are_estimated_only_for_cornwall_and_scilly(mirror, geography):
    """The three LSOAs 2011 split between authorities go whole to one, in the population and the births
    alike, so no area holding one is estimated; only the calendar files' Cornwall-with-Scilly row (the
    years standing for mid-2022 and mid-2024) is shared between two areas."""
    from boundaries.local_authorities import small_area_authorities

    authorities = small_area_authorities()
    assert authorities["split"].sum() == 3
    cornwall = ["E06000052", "E06000053"]
    for year, expected in ((2017, []), (2019, []), (2020, []), (2022, cornwall), (2024, cornwall)):
        births = b.area_births(geography, year)
        assert sorted(births.loc[births["estimated"], "code"]) == expected, year
