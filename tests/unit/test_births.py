"""Births: the period rule, the code groups, the small-area and area sums and the readers' refusals, on
SYNTHETIC data (hand-made frames and workbooks; no real file is read)."""

from __future__ import annotations

import argparse
import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from boundaries import births as b
from mapping.errors import DataFileError, PimapError

# --- the period rule --------------------------------------------------------------------------------------

# The module docstring's table: (nation, population year) -> period text and file.
TABLE = {
    ("England", 2017): ("July 2016 to June 2017", b.EW_MID_YEAR),
    ("England", 2020): ("July 2019 to June 2020", b.EW_MID_YEAR),
    ("England", 2021): ("July 2020 to June 2021", b.EW_MID_YEAR),
    ("England", 2022): ("calendar 2022 (nearest published to mid-2022)", b.EW_CALENDAR_2020_2022),
    ("England", 2023): ("calendar 2023 (nearest published to mid-2023)", b.EW_CALENDAR_2023),
    ("England", 2024): ("calendar 2023 (nearest published to mid-2024)", b.EW_CALENDAR_2023),
    ("Wales", 2019): ("July 2018 to June 2019", b.EW_MID_YEAR),
    ("Wales", 2024): ("calendar 2023 (nearest published to mid-2024)", b.EW_CALENDAR_2023),
    ("Scotland", 2017): ("July 2016 to June 2017", b.UK_MID_YEAR),
    ("Scotland", 2019): ("July 2018 to June 2019", b.UK_MID_YEAR),
    ("Scotland", 2020): ("July 2018 to June 2019 (nearest published to mid-2020)", b.UK_MID_YEAR),
    ("Scotland", 2021): ("calendar 2021 (nearest published to mid-2021)", b.SCOTLAND_CALENDAR),
    ("Scotland", 2022): ("calendar 2021 (nearest published to mid-2022)", b.SCOTLAND_CALENDAR),
    ("Scotland", 2024): ("calendar 2021 (nearest published to mid-2024)", b.SCOTLAND_CALENDAR),
    ("Northern Ireland", 2017): ("July 2016 to June 2017", b.NI_MID_YEAR),
    ("Northern Ireland", 2023): ("July 2022 to June 2023", b.NI_MID_YEAR),
    ("Northern Ireland", 2024): ("July 2022 to June 2023 (nearest published to mid-2024)", b.NI_MID_YEAR),
}


@pytest.mark.parametrize(("nation", "year"), list(TABLE))
def test_the_period_standing_for_each_year_is_the_documented_one(nation, year):
    period = b.births_period(nation, year)
    assert (period.text, period.source) == TABLE[(nation, year)]
    assert period.exact == ("nearest" not in period.text)


def test_the_12_months_to_june_are_the_exact_period():
    period = b.births_period("Northern Ireland", 2023)
    assert (period.start, period.end) == (date(2022, 7, 1), date(2023, 6, 30))
    assert period.exact and period.source_label == "NISRA components of population change, July 2022 to June 2023"
    cal = b.births_period("England", 2024)
    assert (cal.start, cal.end) == (date(2023, 1, 1), date(2023, 12, 31)) and not cal.exact
    assert cal.source_label == "ONS births in England and Wales, calendar 2023"


def _mid(source: str, year: int) -> b.Published:
    return b.Published(source, *b.mid_year(year))


def _cal(source: str, year: int) -> b.Published:
    return b.Published(source, *b.calendar(year))


def test_the_rule_prefers_the_exact_period_then_the_nearest_then_the_later():
    published = [_cal("c", 2019), _mid("m", 2018), _cal("c", 2020)]
    # mid-2018 is exact for 2018; for 2020 (July 2019 to June 2020) calendar 2019 and calendar 2020 are both
    # 6 months off: the later wins.
    assert b.choose_period(2018, published) == _mid("m", 2018)
    assert b.choose_period(2020, published) == _cal("c", 2020)
    # 2019: calendar 2019 is 6 months off, mid-2018 12 months.
    assert b.choose_period(2019, published) == _cal("c", 2019)
    # A period two files share goes to the one listed first.
    assert b.choose_period(2018, [_mid("first", 2018), _mid("second", 2018)]).source == "first"
    # Far outside: the nearest end.
    assert b.choose_period(2040, published) == _cal("c", 2020)
    assert b.choose_period(1990, published) == _mid("m", 2018)


def test_a_nation_with_nothing_published_is_refused():
    with pytest.raises(DataFileError, match="no births"):
        b.choose_period(2020, [])
    with pytest.raises(DataFileError, match="no births for 'Atlantis'"):
        b.births_period("Atlantis", 2020)


def test_period_text():
    assert b.period_text(date(2023, 1, 1), date(2023, 12, 31)) == "calendar 2023"
    assert b.period_text(*b.mid_year(2023)) == "July 2022 to June 2023"


def test_the_births_files_of_a_year():
    assert b.births_source_ids(2024) == (b.EW_CALENDAR_2023, b.NI_MID_YEAR, b.SCOTLAND_CALENDAR)
    # Calendar 2022 takes its names from the mid-year file on the same codes.
    assert b.births_source_ids(2022, ["England"]) == (b.EW_CALENDAR_2020_2022, b.EW_MID_YEAR)
    assert b.births_source_ids(2020, ["Scotland"]) == (b.UK_MID_YEAR,)


# --- codes to authorities ---------------------------------------------------------------------------------


def _target() -> pd.DataFrame:
    """Small areas u1..u9 in authorities T1 (merged from old O1, O2), T2, T3 and T4, u5 split T2/T3."""
    rows = [("u1", "T1", 1.0, "O1"), ("u2", "T1", 1.0, "O2"), ("u3", "T2", 1.0, "T2"), ("u4", "T2", 1.0, "T2"),
            ("u5", "T2", 0.5, "T2"), ("u5", "T3", 0.5, "T3"), ("u6", "T3", 1.0, "T3"), ("u7", "T4", 1.0, "T4"),
            ("u8", "T5", 1.0, "T5"), ("u9", "T5", 1.0, "T5")]
    return pd.DataFrame(rows, columns=["unit_code", "la_code", "la_share", "la_code_2022"])


def test_codes_become_exact_unions_of_authorities():
    # Old district codes only a further relation knows (as the LAD 2018 column): X1 covers u8, X2 u9.
    older = pd.DataFrame({"unit_code": ["u8", "u9"], "code": ["X1", "X2"]})
    groups = b.code_groups(["O1", "O2", "T2", "T3", "T4,T5"], _target(), [older], file_id="f")
    assert dict(zip(groups["source_code"], groups["group"], strict=True)) == {
        "O1": "T1", "O2": "T1",  # a 2023 merger: two older codes into one authority
        "T2": "T2", "T3": "T3",  # a split small area does not join its two authorities
        "T4,T5": "T4+T5",  # a row for a union of two authorities
    }
    merged = b.code_groups(["X1", "X2", "T1"], _target(), [older], file_id="f")
    assert set(merged["group"]) == {"T5", "T1"}


def test_a_code_no_lookup_knows_is_refused_by_name():
    with pytest.raises(DataFileError, match=r"f: local authority E07999999 is in no lookup"):
        b.code_groups(["T1", "E07999999"], _target(), [], file_id="f")


# --- births to small areas --------------------------------------------------------------------------------


def _age0() -> pd.Series:
    return pd.Series({"u1": 10.0, "u2": 30.0, "u3": 5.0, "u4": 5.0, "u5": 20.0, "u6": 10.0, "u7": 0.0,
                      "u8": 1.0, "u9": 3.0})


def test_births_follow_children_aged_0_and_sum_to_each_authority():
    la = pd.DataFrame({"la_code": ["T1", "T2", "T3", "T4+T5"], "births": [100, 40, 9, 8]})
    out = b.births_to_small_areas(la, _target(), _age0())
    got = out.set_index(["unit_code", "la_code"])["births"]
    assert got[("u1", "T1")] == pytest.approx(25.0) and got[("u2", "T1")] == pytest.approx(75.0)
    # T2: u3 5, u4 5, half of u5's 20 = 10 -> 40 x 5/20, 5/20, 10/20.
    assert got[("u3", "T2")] == pytest.approx(10.0) and got[("u5", "T2")] == pytest.approx(20.0)
    # T3: half of u5 (10) and u6 (10).
    assert got[("u5", "T3")] == pytest.approx(4.5) and got[("u6", "T3")] == pytest.approx(4.5)
    # The union T4+T5: u7 has no children aged 0, so none of the 8 births.
    assert got[("u7", "T4+T5")] == 0.0 and got[("u9", "T4+T5")] == pytest.approx(6.0)
    sums = out.groupby("la_code")["births"].sum()
    for code, births in zip(la["la_code"], la["births"], strict=True):
        assert sums[code] == pytest.approx(births, abs=1e-9)


def test_an_authority_without_children_aged_0_shares_by_area():
    la = pd.DataFrame({"la_code": ["T4"], "births": [3]})
    out = b.births_to_small_areas(la, _target(), _age0())
    assert out["births"].tolist() == [3.0]


def test_the_distribution_conserves_births_on_random_data():
    rng = np.random.default_rng(14)
    units = [f"u{i}" for i in range(400)]
    la_of = rng.integers(0, 25, size=len(units))
    frame = pd.DataFrame({"unit_code": units, "la_code": [f"L{k}" for k in la_of], "la_share": 1.0})
    age0 = pd.Series(rng.integers(0, 60, size=len(units)).astype(float), index=units)
    la = pd.DataFrame({"la_code": sorted(set(frame["la_code"])),
                       "births": rng.integers(0, 5000, size=len(set(frame["la_code"])))})
    out = b.births_to_small_areas(la, frame, age0)
    # A plain second implementation, small area by small area.
    for unit, code, births in out.head(50).itertuples(index=False):
        members = frame.loc[frame["la_code"] == code, "unit_code"]
        total = la.set_index("la_code").loc[code, "births"]
        expected = total * age0[unit] / age0[members].sum() if age0[members].sum() else total / len(members)
        assert births == pytest.approx(expected)
    assert out["births"].sum() == pytest.approx(la["births"].sum(), abs=1e-6)


def test_births_that_cannot_be_placed_are_refused():
    with pytest.raises(DataFileError, match="local authority T9 has no small areas"):
        b.births_to_small_areas(pd.DataFrame({"la_code": ["T9"], "births": [5]}), _target(), _age0())
    with pytest.raises(DataFileError, match="small area u2 has no population aged 0"):
        b.births_to_small_areas(pd.DataFrame({"la_code": ["T1"], "births": [5]}), _target(), _age0().drop("u2"))
    with pytest.raises(DataFileError, match="authority T1 is in two births rows"):
        b.births_to_small_areas(pd.DataFrame({"la_code": ["T1", "T1+T2"], "births": [5, 6]}), _target(), _age0())


# --- small areas to areas ---------------------------------------------------------------------------------


def test_areas_made_of_whole_authorities_keep_the_published_count():
    la = pd.DataFrame({"la_code": ["T1", "T2", "T3", "T4+T5"], "births": [101, 40, 9, 8]})
    units = b.births_to_small_areas(la, _target(), _age0())
    groups = la.set_index("la_code")["births"]
    # A: T1 whole; B: T2 and T3 whole (u5 splits between them, but both lie in B); C and D split T4+T5.
    area_of = pd.Series({"u1": "A", "u2": "A", "u3": "B", "u4": "B", "u5": "B", "u6": "B", "u7": "C", "u8": "C",
                         "u9": "D"})
    out = b.births_to_areas(units, area_of, groups).set_index("code")
    assert out.loc["A", "births"] == 101 and not out.loc["A", "estimated"]
    assert out.loc["B", "births"] == 49 and not out.loc["B", "estimated"]
    assert out.loc["C", "births"] + out.loc["D", "births"] == 8
    assert out.loc["C", "estimated"] and out.loc["D", "estimated"]
    assert out.loc["D", "births"] == 6  # 8 x 3/4 of the children aged 0 of T4+T5
    assert out["births"].dtype == "int64" and int(out["births"].sum()) == int(la["births"].sum())


def test_split_groups_round_to_whole_births_that_still_add_up():
    units = pd.DataFrame({"unit_code": ["a", "b", "c"], "la_code": ["G", "G", "G"], "births": [1 / 3, 1 / 3, 1 / 3]})
    out = b.births_to_areas(units, pd.Series({"a": "X", "b": "Y", "c": "Z"}), pd.Series({"G": 1}))
    assert sorted(out["births"].tolist()) == [0, 0, 1] and out["estimated"].all()
    # A group partly outside the geography: only what lies inside, rounded.
    part = b.births_to_areas(units, pd.Series({"a": "X", "b": "X"}), pd.Series({"G": 1}))
    assert part["births"].tolist() == [1] and part["estimated"].all()


def test_rounding_keeps_every_group_whole_on_random_data():
    rng = np.random.default_rng(2026)
    units = pd.DataFrame({"unit_code": [f"u{i}" for i in range(300)],
                          "la_code": [f"G{k}" for k in rng.integers(0, 20, size=300)]})
    weights = rng.random(300)
    published = pd.Series(rng.integers(0, 3000, size=20), index=[f"G{k}" for k in range(20)])
    units["births"] = 0.0
    for group, rows in units.groupby("la_code"):
        units.loc[rows.index, "births"] = published[group] * weights[rows.index] / weights[rows.index].sum()
    area_of = pd.Series(rng.choice(["A", "B", "C", "D", "E"], size=300), index=units["unit_code"])
    out = b.births_to_areas(units, area_of, published).set_index("code")
    assert int(out["births"].sum()) == int(published[sorted(set(units["la_code"]))].sum())
    exact = units.assign(code=units["unit_code"].map(area_of)).groupby("code")["births"].sum()
    # Each area is within one birth per group it takes a share of.
    groups_per_area = units.assign(code=units["unit_code"].map(area_of)).groupby("code")["la_code"].nunique()
    assert ((out["births"] - exact).abs() <= groups_per_area).all()


# --- the readers refuse damaged files ---------------------------------------------------------------------


def _calendar_book(path: Path, *, damage: tuple[str, int, object] | None = None, drop_sheet: str | None = None) -> Path:
    """A workbook shaped like data20..data22: England 30 = 10 + 20 (one row a union), Wales 5, E&W 35."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet_name in ("data20", "data21", "data22"):
        if sheet_name == drop_sheet:
            continue
        sheet = book.create_sheet(sheet_name)
        rows = [("LA Code", "Number_of_live_births"), ("K04000001, J99000001", 36), ("K04000001", 35),
                ("E92000001", 30), ("E12000001", 30), ("E06000001", 10), ("E06000052, E06000053", 20),
                ("W92000004", 5), ("W06000001", 5), (None, None), ("1 Figures are based on boundaries of May 2021.", None)]
        for row in rows:
            sheet.append(row)
        if damage and damage[0] == sheet_name:
            sheet.cell(row=damage[1], column=2, value=damage[2])
    book.save(path)
    return path


def test_a_good_synthetic_calendar_workbook_reads(tmp_path):
    frame = b.read_ew_calendar_2020_2022(_calendar_book(tmp_path / "ok.xlsx"))
    assert list(frame.columns) == b.COLUMNS
    assert frame["la_code"].tolist()[:3] == ["E06000001", "E06000052,E06000053", "W06000001"]
    assert frame.groupby("period_end")["births"].sum().tolist() == [35, 35, 35]
    assert set(frame["nation"]) == {"England", "Wales"}
    assert frame["source_label"].iloc[0] == "ONS births in England and Wales, calendar 2020"


@pytest.mark.parametrize(("damage", "message"), [
    (("data21", 6, "1O"), r"sheet data21, row 6, column B \(Number_of_live_births\): '1O' is not a count"),
    (("data22", 6, -10), r"sheet data22, row 6, column B .*is negative"),
    (("data20", 6, 11), r"sheet data20, row 4: the local-authority rows sum to 31, not the 30 of E92000001"),
    (("data20", 3, 34), r"sheet data20, row 3: England \+ Wales = 35, not the 34 of K04000001"),
    (("data22", 6, 10.5), r"sheet data22, row 6, column B .*10.5"),
])
def test_a_damaged_calendar_workbook_is_refused_naming_the_cell(tmp_path, damage, message):
    path = _calendar_book(tmp_path / "bad.xlsx", damage=damage)
    with pytest.raises(DataFileError, match=message):
        b.read_ew_calendar_2020_2022(path, "births_ew_lad_2014_2022")


def test_a_calendar_workbook_missing_a_sheet_or_not_a_workbook_is_refused(tmp_path):
    with pytest.raises(DataFileError, match="no sheet 'data21'"):
        b.read_ew_calendar_2020_2022(_calendar_book(tmp_path / "x.xlsx", drop_sheet="data21"))
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DataFileError, match="not a readable XLSX workbook"):
        b.read_ew_calendar_2020_2022(junk)


def _table1(path: Path, *, births: object = 7) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table_1"
    for text in ("Table 1: Live births", "one table", "[note 1]", "Some cells", "Source: ONS"):
        sheet.append([text])
    sheet.append(list(b._TABLE1))
    rows = [("K04000001", "ENGLAND AND WALES", "Country", 17), ("E92000001", "ENGLAND", "Country", 10),
            ("E10000006", "Cumbria", "County", 10), ("E06000063", "Cumberland", "Unitary Authority", births),
            ("E07000001", "Somewhere", "Non-metropolitan District", 3), ("W92000004", "WALES", "Country", 7),
            ("W06000001", "Isle of Anglesey", "Unitary Authority", 7)]
    for code, name, tier, n in rows:
        sheet.append([code, name, tier, "All births", "All registration types", n])
        sheet.append([code, name, tier, "Male", "All registration types", 1])
    book.save(path)
    return path


def test_table_1_keeps_the_lowest_tier_and_checks_its_totals(tmp_path):
    frame = b.read_ew_calendar_2023(_table1(tmp_path / "t.xlsx"))
    assert frame["la_code"].tolist() == ["E06000063", "E07000001", "W06000001"]
    assert frame["births"].tolist() == [7, 3, 7] and frame["la_name"].iloc[0] == "Cumberland"
    with pytest.raises(DataFileError, match=r"Table_1, row 9: the local-authority rows sum to 11, not the 10"):
        b.read_ew_calendar_2023(_table1(tmp_path / "bad.xlsx", births=8), "births_ew_lad_2023")
    with pytest.raises(DataFileError, match=r"row 13, column F \(Number of live births\): '\[x\]'"):
        b.read_ew_calendar_2023(_table1(tmp_path / "x.xlsx", births="[x]"))


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


MID_HEADER = "Period,Local authority code,Local authority name," + ",".join(b._MID_AGES)


def test_the_mid_year_file_sums_ages_with_thousands_separators(tmp_path):
    ages = ['"1,200"'] + ["1"] * (len(b._MID_AGES) - 1)
    text = MID_HEADER + "\n2019-2020,E06000001,Hartlepool   ," + ",".join(ages) + "\n"
    frame = b.read_ew_mid_year(_csv(tmp_path / "m.csv", text))
    assert frame["births"].tolist() == [1200 + len(b._MID_AGES) - 1]
    assert (frame["period_start"].iloc[0], frame["period_end"].iloc[0]) == (date(2019, 7, 1), date(2020, 6, 30))
    assert frame["la_name"].iloc[0] == "Hartlepool"
    bad = MID_HEADER + "\n2019-2021,E06000001,Hartlepool," + ",".join(["1"] * len(b._MID_AGES)) + "\n"
    with pytest.raises(DataFileError, match=r"line 2, column 'Period': '2019-2021' is not a period"):
        b.read_ew_mid_year(_csv(tmp_path / "p.csv", bad))
    blank = MID_HEADER + "\n2019-2020,E06000001,Hartlepool,," + ",".join(["1"] * (len(b._MID_AGES) - 1)) + "\n"
    with pytest.raises(DataFileError, match=r"line 2, column '19 and under': '' is not a count"):
        b.read_ew_mid_year(_csv(tmp_path / "b.csv", blank))


def test_the_uk_file_checks_each_code_is_of_its_nation(tmp_path):
    ok = "ladcode20,laname20,country,births_2018,births_2019\nS12000005,Clackmannanshire,S,500,498\n"
    frame = b.read_uk_mid_year(_csv(tmp_path / "u.csv", ok))
    assert frame["births"].tolist() == [500, 498] and frame["nation"].tolist() == ["Scotland", "Scotland"]
    wrong = ok.replace(",S,", ",E,")
    with pytest.raises(DataFileError, match=r"line 2, column 'country': 'E' is not the nation of S12000005"):
        b.read_uk_mid_year(_csv(tmp_path / "w.csv", wrong))


def test_the_scottish_profiles_need_all_32_council_areas(tmp_path):
    head = "area_code,area_type,area_name,year,period,indicator,numerator\n"
    rows = "".join(f"S120000{i:02d},Council area,C{i},2021,2021 calendar year,Live births,{i}\n" for i in range(32))
    frame = b.read_scotland_calendar(_csv(tmp_path / "s.csv", head + rows + "S12000001,Council area,C,2021,x,Other,1\n"))
    assert len(frame) == 32 and frame["births"].sum() == sum(range(32))
    with pytest.raises(DataFileError, match="31 council areas have live births, not Scotland's 32"):
        b.read_scotland_calendar(_csv(tmp_path / "t.csv", head + "".join(rows.splitlines(True)[:31])))


def _flat(path: Path, district_births: tuple[int, int], total: int, year: str = "2022/2023") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Flat"
    sheet.append(["area", "area_code", "area_name", "year", "sort", "category", "MYE"])
    sheet.append(["1. NI", "N92000002", "NORTHERN IRELAND", year, 2, "Births", total])
    sheet.append(["1. NI", "N92000002", "NORTHERN IRELAND", year, 3, "Deaths", 1])
    for code, births in zip(("N09000001", "N09000002"), district_births, strict=True):
        sheet.append(["2. LGD", code, "D", year, 2, "Births", births])
    book.save(path)
    return path


def test_northern_ireland_districts_must_sum_to_northern_ireland(tmp_path):
    frame = b.read_ni_mid_year(_flat(tmp_path / "n.xlsx", (4, 6), 10, "2020/2021"))
    assert frame["births"].tolist() == [4, 6] and frame["period_end"].tolist() == [date(2021, 6, 30)] * 2
    with pytest.raises(DataFileError, match=r"sheet Flat, row 2: the districts sum to 11, not the 10 of Northern"):
        b.read_ni_mid_year(_flat(tmp_path / "m.xlsx", (5, 6), 10, "2020/2021"))
    # The published mid-2023 file's 11 missing births are the one difference allowed, to the birth.
    assert b.read_ni_mid_year(_flat(tmp_path / "k.xlsx", (5, 6), 22))["births"].sum() == 11
    with pytest.raises(DataFileError, match="not the 23 of Northern Ireland"):
        b.read_ni_mid_year(_flat(tmp_path / "l.xlsx", (5, 6), 23))
    with pytest.raises(DataFileError, match=r"column D \(year\): '2022-23' is not a period"):
        b.read_ni_mid_year(_flat(tmp_path / "y.xlsx", (5, 6), 11, "2022-23"))


def test_a_file_that_is_not_a_births_file_is_refused():
    with pytest.raises(DataFileError, match="'pop2020_lsoa11' is not a births file"):
        b.read_births("pop2020_lsoa11")
    assert issubclass(DataFileError, PimapError)


# --- the command ------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    from mapping.cli import births

    parser = argparse.ArgumentParser(prog="pimap")
    births.register(parser.add_subparsers(dest="command", required=True))
    return parser


TABLE_OUT = pd.DataFrame({
    "code": ["A1", "B2"], "name": ["Alpha", "Beta, =x"], "nation": ["England", "Scotland"], "births": [120, 30],
    "period": ["July 2019 to June 2020", "July 2018 to June 2019 (nearest published to mid-2020)"],
    "source": [b.EW_MID_YEAR, b.UK_MID_YEAR], "estimated": [False, True]})


@pytest.fixture()
def fake_births(monkeypatch):
    from mapping.cli import births

    monkeypatch.setattr(b, "area_births", lambda geography, year: TABLE_OUT.copy())
    monkeypatch.setattr(births, "sources", lambda year, nations: [("births_x", "ab" * 32)])


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_the_command_writes_every_column_and_its_sources(fake_births, capsys, fmt):
    args = _parser().parse_args(["births", "--geography", "uk2023", "--year", "2020", "--format", fmt])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    if fmt == "csv":
        assert "# source: registry:births_x sha256 abababababab" in out
        table = pd.read_csv(io.StringIO(out), comment="#")
        assert list(table.columns) == ["code", "name", "nation", "births", "period", "source", "estimated"]
        assert table["births"].sum() == 150 and table["estimated"].tolist() == [False, True]
        assert table["name"].iloc[1] == "Beta, =x"  # no formula: it does not start the cell
    elif fmt == "json":
        data = json.loads(out)
        assert data["areas"][1] == {**TABLE_OUT.iloc[1].to_dict(), "births": 30, "estimated": True}
        assert data["sources"] == [{"id": "registry:births_x", "sha256": "ab" * 32}]
    else:
        assert "150 births" in out and "Scotland: July 2018 to June 2019 (nearest published to mid-2020)" in out
        assert "estimated" in out.splitlines()[-2]


def test_the_command_writes_a_file_and_will_not_replace_one_unasked(fake_births, tmp_path):
    out = tmp_path / "births.csv"
    args = _parser().parse_args(["births", "--geography", "uk2023", "--year", "2020", "--format", "csv",
                                 "--out", str(out)])
    assert args.func(args) == 0 and out.read_text().startswith("# title:")
    with pytest.raises(PimapError, match="pass --force"):
        args.func(args)
