"""Small areas to local authorities (the codes of the ONS mid-2022 file), from the real (mirrored) data."""

from __future__ import annotations

import pandas as pd
import pytest

import boundaries
from boundaries.fetch import fetch
from boundaries.local_authorities import small_area_authorities, split_unit_count
from boundaries.readers import read_rda

LOWEST_TIER = {"Unitary Authority", "Non-metropolitan District", "Metropolitan District", "London Borough",
               "Council Area", "Local Government District"}
NATION_BY_PREFIX = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}


@pytest.fixture(scope="module")
def authorities(mirror) -> pd.DataFrame:
    return small_area_authorities()


@pytest.fixture(scope="module")
def pop2022_codes(mirror) -> dict[str, set[str]]:
    """The authority rows of the ONS mid-2022 file, read here with pandas alone (header row 8)."""
    sheet = pd.read_excel(fetch("pop2022_lad_uk"), sheet_name="MYE2 - Persons", header=7, usecols="A:C")
    rows = sheet[sheet["Geography"].isin(LOWEST_TIER)]
    out: dict[str, set[str]] = {}
    for code in rows["Code"].astype(str):
        out.setdefault(NATION_BY_PREFIX[code[0]], set()).add(code)
    return out


def test_every_small_area_has_an_authority_and_shares_sum_to_one(authorities):
    lookup = boundaries.load_unit_lookup()
    assert set(authorities["unit_code"]) == set(lookup["unit_code"])
    assert authorities["la_code"].notna().all() and authorities["la_code_2022"].notna().all()
    shares = authorities.groupby("unit_code")["la_share"].sum()
    assert shares.to_numpy() == pytest.approx(1.0)
    nations = authorities.drop_duplicates("unit_code").set_index("unit_code")["nation"]
    assert nations.reindex(lookup["unit_code"]).tolist() == lookup["nation"].tolist()


def test_authority_codes_are_the_la_rows_of_the_mid_2022_file(authorities, pop2022_codes):
    assert sum(len(c) for c in pop2022_codes.values()) == 361
    for nation, codes in pop2022_codes.items():
        assert set(authorities.loc[authorities["nation"] == nation, "la_code"]) == codes, nation


def test_split_count_is_the_lsoas_whose_2021_pieces_lie_in_two_authorities(authorities):
    ons = read_rda("lsoa11_lsoa21_lad22_lookup")
    by_2022 = ons.groupby("lsoa11_code")["ltla22_code"].nunique()
    # None of the three splits lies between two districts merged in April 2023, so the count is that of 2022.
    assert split_unit_count() == int((by_2022 > 1).sum()) == 3
    split = authorities[authorities["split"]].set_index("unit_code")
    assert set(split.index) == set(by_2022[by_2022 > 1].index)
    # Each goes whole to the authority it is named after (Gateshead, Welwyn Hatfield, East Hertfordshire),
    # one of its pieces' authorities.
    assert split["la_code"].to_dict() == {"E01008187": "E08000037", "E01023964": "E07000241",
                                          "E01023508": "E07000242"}
    pieces = ons.groupby("lsoa11_code")["ltla22_code"].agg(set)
    assert all(split.loc[u, "la_code"] in pieces[u] for u in split.index)
    assert authorities["unit_code"].is_unique and (authorities["la_share"] == 1.0).all()


def test_april_2023_mergers_are_unions_of_2022_districts(authorities):
    ew = authorities[authorities["nation"].isin(["England", "Wales"])]
    pairs = ew[["la_code_2022", "la_code"]].drop_duplicates()
    assert pairs["la_code_2022"].is_unique  # each 2022 district lies wholly in one 2023 authority
    merged = pairs[pairs["la_code_2022"] != pairs["la_code"]]
    # ONS, "Local authority district changes, April 2023": Cumberland (E06000063) and Westmorland and
    # Furness (E06000064) from Cumbria's six districts, North Yorkshire (E06000065) from seven, Somerset
    # (E06000066) from four.
    sizes = merged.groupby("la_code")["la_code_2022"].nunique().to_dict()
    assert sizes == {"E06000063": 3, "E06000064": 3, "E06000065": 7, "E06000066": 4}
    assert merged.set_index("la_code_2022").loc["E07000027", "la_code"] == "E06000064"  # Barrow-in-Furness
