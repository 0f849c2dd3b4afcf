"""Births from the real (mirrored) files: published totals, the readers' national rows, the code groups, and
births summed to areas against the ONS figures for the same areas."""

from __future__ import annotations

import argparse
import io
from contextlib import redirect_stdout
from datetime import date

import openpyxl
import pandas as pd
import pytest

from boundaries import births as b

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")


def _national(file_id: str, nation: str, end: date) -> int:
    table = b.read_births(file_id)
    return int(table.loc[(table["nation"] == nation) & (table["period_end"] == end), "births"].sum())


def test_england_births_2023_are_563561(mirror):
    assert _national(b.EW_CALENDAR_2023, "England", date(2023, 12, 31)) == 563_561
    table, period = b.births_for("England", 2024)
    assert int(table["births"].sum()) == 563_561
    assert period.text == "calendar 2023 (nearest published to mid-2024)"


# Country rows as published in each file (E92000001, W92000004; N92000002 for NISRA); the readers check
# their authority rows against them, and these are those rows' values.
PUBLISHED_TOTALS = [
    (b.EW_CALENDAR_2020_2022, "England", date(2020, 12, 31), 585_195),
    (b.EW_CALENDAR_2020_2022, "Wales", date(2020, 12, 31), 28_638),
    (b.EW_CALENDAR_2020_2022, "England", date(2021, 12, 31), 595_948),
    (b.EW_CALENDAR_2020_2022, "Wales", date(2021, 12, 31), 28_781),
    (b.EW_CALENDAR_2020_2022, "England", date(2022, 12, 31), 577_046),
    (b.EW_CALENDAR_2020_2022, "Wales", date(2022, 12, 31), 28_296),
    (b.EW_CALENDAR_2023, "Wales", date(2023, 12, 31), 27_374),
    (b.NI_MID_YEAR, "Northern Ireland", date(2020, 6, 30), 21_899),
    (b.NI_MID_YEAR, "Northern Ireland", date(2022, 6, 30), 21_468),
    # NISRA's row says 20,072; its districts sum to 11 fewer (boundaries.births.KNOWN_DIFFERENCES).
    (b.NI_MID_YEAR, "Northern Ireland", date(2023, 6, 30), 20_061),
    (b.SCOTLAND_CALENDAR, "Scotland", date(2021, 12, 31), 47_786),  # ScotPHO's Scotland figure
]


@pytest.mark.parametrize(("file_id", "nation", "end", "total"), PUBLISHED_TOTALS)
def test_each_reader_sums_its_authorities_to_the_national_row(mirror, file_id, nation, end, total):
    assert _national(file_id, nation, end) == total


def _country_rows(path, sheet_name: str, code_col: int, births_col: int, first: int, filters=()) -> dict[str, int]:
    """The country rows of a workbook, read here with openpyxl directly (not by the reader)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = {}
    for row in book[sheet_name].iter_rows(min_row=first, values_only=True):
        if row[code_col] in ("E92000001", "W92000004", "K04000001") and all(row[c] == v for c, v in filters):
            out[row[code_col]] = int(row[births_col])
    book.close()
    return out


def test_the_calendar_readers_agree_with_the_workbooks_country_rows(mirror):
    from boundaries.fetch import fetch

    rows = _country_rows(fetch(b.EW_CALENDAR_2023), "Table_1", 0, 5, 7,
                         ((3, "All births"), (4, "All registration types")))
    assert rows == {"K04000001": 590_935, "E92000001": 563_561, "W92000004": 27_374}
    for sheet_name, year in (("data20", 2020), ("data21", 2021), ("data22", 2022)):
        rows = _country_rows(fetch(b.EW_CALENDAR_2020_2022), sheet_name, 0, 1, 2)
        for code, nation in (("E92000001", "England"), ("W92000004", "Wales")):
            assert _national(b.EW_CALENDAR_2020_2022, nation, date(year, 12, 31)) == rows[code]
        assert rows["E92000001"] + rows["W92000004"] == rows["K04000001"]


def test_the_files_without_national_rows_agree_with_each_other(mirror):
    # NISRA and MYEB3 give Northern Ireland the same births, to the birth, for the periods they share.
    for year in range(2002, 2020):
        end = date(year, 6, 30)
        assert _national(b.NI_MID_YEAR, "Northern Ireland", end) == _national(b.UK_MID_YEAR, "Northern Ireland", end)
    # ONS's births by mother's area and MYEB3's births differ by a few (registration vs estimate rules).
    for year in (2017, 2018, 2019):
        for nation in ("England", "Wales"):
            end = date(year, 6, 30)
            ours, myeb3 = _national(b.EW_MID_YEAR, nation, end), _national(b.UK_MID_YEAR, nation, end)
            assert abs(ours - myeb3) <= 0.0005 * myeb3  # measured: at most 45 (England), 8 (Wales)
    # Every published period the rule may pick is in its file.
    for nation, published in b.PUBLISHED.items():
        table = None
        for item in published:
            if table is None or table.attrs.get("source") != item.source:
                table = b.read_births(item.source)
                table.attrs["source"] = item.source
            rows = table[(table["nation"] == nation) & (table["period_start"] == item.start)
                         & (table["period_end"] == item.end)]
            assert len(rows) > 0, (nation, item)


def test_every_authority_has_births_and_the_mergers_are_exact_unions(mirror):
    groups = b.authority_births(2020).set_index("la_code")
    # Cumbria's 2021 districts (Allerdale, Copeland, Carlisle) are Cumberland's births in mid-2020.
    mid = b.read_births(b.EW_MID_YEAR)
    mid = mid[mid["period_end"] == date(2020, 6, 30)].set_index("la_code")["births"]
    assert groups.loc["E06000063", "births"] == mid[["E07000026", "E07000028", "E07000029"]].sum() == 2_400
    assert set(groups.loc["E06000063", "source_codes"].split(",")) == {"E07000026", "E07000028", "E07000029"}
    totals = groups.groupby("nation")["births"].sum()
    assert totals.to_dict() == {"England": 601_563, "Wales": 29_428, "Scotland": 50_636, "Northern Ireland": 21_899}
    # Calendar 2023 (August 2024 codes): Cornwall with Scilly is the one union.
    unions = b.authority_births(2024).query("la_code.str.contains('[+]')", engine="python")
    assert unions[["la_code", "births"]].values.tolist() == [["E06000052+E06000053", 4_346]]


def _table1_rows() -> dict[str, int]:
    """Calendar 2023 births of every area of Table_1 (authorities and counties), read here directly."""
    from boundaries.fetch import fetch

    book = openpyxl.load_workbook(fetch(b.EW_CALENDAR_2023), read_only=True, data_only=True)
    out = {}
    for row in book["Table_1"].iter_rows(min_row=7, values_only=True):
        if row[3] == "All births" and row[4] == "All registration types":
            out[str(row[0])] = int(row[5])
    book.close()
    return out


@pytest.mark.parametrize("geography", ["lad2023", "ctyua2023"])
def test_births_summed_to_authorities_and_counties_are_the_published_ones(mirror, geography):
    from boundaries.population import POPULATION_YEARS

    if 2024 not in POPULATION_YEARS:
        pytest.skip("the mid-2024 population is not built in this checkout")
    areas = b.area_births(geography, 2024)
    published = _table1_rows()
    exact = areas[~areas["estimated"] & areas["nation"].isin(["England", "Wales"])]
    checked = exact[exact["code"].isin(published)]
    assert len(checked) >= 0.9 * len(exact)
    assert dict(zip(checked["code"], checked["births"], strict=True)) == {c: published[c] for c in checked["code"]}
    # Every birth is in exactly one area: the totals are the published ones.
    totals = areas.groupby("nation")["births"].sum().to_dict()
    assert totals == {"England": 563_561, "Wales": 27_374, "Scotland": 47_786, "Northern Ireland": 20_061}
    # The estimated areas are only those the small-area lookup and the authorities disagree on.
    from boundaries.local_authorities import small_area_authorities
    from boundaries.lookups import load_unit_lookup

    lookup = load_unit_lookup().set_index("unit_code")[geography]
    authorities = small_area_authorities()
    authorities["area"] = authorities["unit_code"].map(lookup)
    areas_per_la = authorities.groupby("la_code")["area"].nunique()
    split = set(areas_per_la[areas_per_la > 1].index) | {"E06000052", "E06000053"}  # Cornwall with Scilly
    touched = set(authorities.loc[authorities["la_code"].isin(split), "area"])
    assert set(areas.loc[areas["estimated"], "code"]) <= touched


def test_the_command_csv_for_uk2023_sums_to_the_uk_total_of_the_chosen_sources(mirror):
    from mapping.cli import births

    parser = argparse.ArgumentParser(prog="pimap")
    births.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["births", "--geography", "uk2023", "--year", "2020", "--format", "csv"])
    out = io.StringIO()
    with redirect_stdout(out):
        assert args.func(args) == 0
    table = pd.read_csv(io.StringIO(out.getvalue()), comment="#")
    assert list(table.columns) == ["code", "name", "nation", "births", "period", "source", "estimated"]
    assert len(table) == 132 and table["code"].is_unique
    chosen = {n: int(b.births_for(n, 2020)[0]["births"].sum()) for n in NATIONS}
    assert chosen == {"England": 601_563, "Wales": 29_428, "Scotland": 50_636, "Northern Ireland": 21_899}
    assert int(table["births"].sum()) == sum(chosen.values()) == 703_526
    assert table.groupby("nation")["births"].sum().to_dict() == chosen
    periods = table.drop_duplicates("nation").set_index("nation")["period"].to_dict()
    assert periods["Scotland"] == "July 2018 to June 2019 (nearest published to mid-2020)"
    assert periods["England"] == periods["Wales"] == periods["Northern Ireland"] == "July 2019 to June 2020"
    # Welsh health boards and Scottish health boards are unions of whole authorities: exact.
    assert not table.loc[table["nation"].isin(["Wales", "Scotland"]), "estimated"].any()
    assert "# source: registry:births_ew_lad_mid1993_2021 sha256 " in out.getvalue()


def test_the_2020_codes_of_myeb3_become_exact_unions_too(mirror):
    """MYEB3 is on 2020 codes (Northamptonshire's seven districts, Buckinghamshire whole): its England
    authorities map to the project's through the LAD 2018 column, and no birth is lost."""
    table = b.read_births(b.UK_MID_YEAR)
    table = table[(table["nation"] == "England") & (table["period_end"] == date(2019, 6, 30))]
    target = b._authorities()
    groups = b.code_groups(table["la_code"], target[target["nation"] == "England"], b._relations(),
                           file_id=b.UK_MID_YEAR).set_index("source_code")["group"]
    northants = [f"E0700015{i}" for i in range(7)]
    assert set(groups[northants]) == {"E06000061", "E06000062"}
    assert groups["E06000060"] == "E06000060"  # Buckinghamshire, a unitary authority since April 2020
    summed = table.assign(group=table["la_code"].map(groups)).groupby("group")["births"].sum()
    assert int(summed.sum()) == int(table["births"].sum()) == 617_939
    covered = {la for g in summed.index for la in g.split("+")}
    assert covered == set(target.loc[target["nation"] == "England", "la_code"])
