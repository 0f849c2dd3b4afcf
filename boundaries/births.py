"""Live births by local authority, the 12 months that stand for a population year, and births per small area.

Six registered files give births by local authority (one reader each, every one checked as it is read;
a file that breaks its rules raises :class:`~mapping.errors.DataFileError` naming the file, sheet, row
and column). Each reader returns one tidy table (:data:`COLUMNS`): ``la_code``, ``la_name``, ``nation``,
``period_start``, ``period_end`` (dates; a calendar year runs 1 January to 31 December, a mid-year
period 1 July Y-1 to 30 June Y), ``births`` (int), ``source`` (registry id) and ``source_label``.
A row for a union of authorities keeps the file's codes joined by ``,`` (Cornwall with the Isles of
Scilly, ``E06000052,E06000053``, in the ONS calendar-year tables).

============================== ================================ ============ ==============================
registry id                    what                             codes        totals checked
============================== ================================ ============ ==============================
``births_ew_lad_2014_2022``    ONS calendar 2020, 2021, 2022    May 2021     LA rows = England, Wales rows;
                               (sheets data20, data21, data22)               England + Wales = E&W row
``births_ew_lad_2023``         ONS calendar 2023 (Table_1)      August 2024  as above
``births_ew_lad_mid1993_2021`` ONS July-June 1992-93..2020-21   2021         no national rows (one row
                               (sum of the mother's-age columns)             per LA per period, checked)
``births_uk_lad_mid2002_2019`` ONS MYEB3, July-June to 2002..19 2020         no national rows
``scotpho_council_profiles``   ScotPHO "Live births", cal. 2021 2019         no national row (32 councils)
``births_ni_lgd_mid2002_2023`` NISRA July-June 2001/02..2022/23 LGD 2014     districts = Northern Ireland
============================== ================================ ============ ==============================

**Which births stand for a population year** (:func:`births_for`). The children of mid-year Y were born
in the 12 months to 30 June Y, so those are the births wanted. Where no file publishes that period for a
nation, the nearest published one is used: nearest by the centre of its 12 months, counted in months; a
tie goes to the later period. Where two files publish the same period, the nation's own series wins
(ONS births by mother's residence for England and Wales, NISRA for Northern Ireland; the MYEB3 file is
used for Scotland only, and agrees with NISRA to the birth for 2002-2019). The result, per year
(ew_mid = ``births_ew_lad_mid1993_2021``, MYEB3 = ``births_uk_lad_mid2002_2019``, ScotPHO =
``scotpho_council_profiles``, calendar 2020-2022 = ``births_ew_lad_2014_2022``, calendar 2023 =
``births_ew_lad_2023``; Northern Ireland is always ``births_ni_lgd_mid2002_2023``):

====  ================================  =====================================  ==========================
year  England, Wales                    Scotland                               Northern Ireland
====  ================================  =====================================  ==========================
2017  July 2016 to June 2017 (ew_mid)   July 2016 to June 2017 (MYEB3)         July 2016 to June 2017
2018  July 2017 to June 2018 (ew_mid)   July 2017 to June 2018 (MYEB3)         July 2017 to June 2018
2019  July 2018 to June 2019 (ew_mid)   July 2018 to June 2019 (MYEB3)         July 2018 to June 2019
2020  July 2019 to June 2020 (ew_mid)   nearest: July 2018 to June 2019        July 2019 to June 2020
2021  July 2020 to June 2021 (ew_mid)   nearest: calendar 2021 (ScotPHO)       July 2020 to June 2021
2022  nearest: calendar 2022 (a tie     nearest: calendar 2021                 July 2021 to June 2022
      with calendar 2021, 6 months)
2023  nearest: calendar 2023 (a tie)    nearest: calendar 2021                 July 2022 to June 2023
2024  nearest: calendar 2023            nearest: calendar 2021                 nearest: July 2022 to June 2023
====  ================================  =====================================  ==========================

The period text says exactly which 12 months, and "(nearest published to mid-Y)" when they are not those
to 30 June Y. One published total is not reached by its parts: NISRA's July 2022 to June 2023 row for
Northern Ireland says 20,072 births, its 11 districts 20,061; the districts are used
(:data:`KNOWN_DIFFERENCES`, checked to the birth).

**Authorities.** Births files use four vintages of local-authority codes (2019/2020, 2021, August
2024); the project's authorities are those of :func:`boundaries.local_authorities.small_area_authorities`.
Each file's codes are matched to them: a code that is one of those authorities is itself; an April 2022
code (2021 codes; from the ONS LSOA 2011 -> LSOA 2021 -> LAD 2022 lookup, as the authorities table keeps
it) goes to the authorities its pieces lie in; an older one (2018-2020 districts) goes, through the LAD
2018 column of the small-area lookup, to the authorities of its small areas. Linked codes form one
group, so mergers (Buckinghamshire 2020, Northamptonshire 2021, Cumbria, North Yorkshire and Somerset
2023) and combined rows (Cornwall with Scilly) become exact unions. A code no source knows raises
:class:`~mapping.errors.DataFileError`.

**Small areas** (:func:`births_to_small_areas`): births of small area i in authority group g =
births(g) x age0(i) x share(i, g) / sum over g's small areas of age0 x share, with age0 the small area's
children aged 0 in the population of the same year; so every group's births are kept to the birth.
An area of a geography is exact (not ``estimated``) when every group it takes births from lies wholly
inside it; its births are then the sum of the groups' published counts. A group split between areas is
rounded to whole births by largest remainders within it (:func:`births_to_areas`), so the areas of a
geography still add up to the published births of the nations it covers, to the birth.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from mapping.errors import DataFileError

__all__ = [
    "COLUMNS",
    "BIRTHS_FILES",
    "Published",
    "PUBLISHED",
    "BirthsPeriod",
    "read_births",
    "choose_period",
    "births_period",
    "births_for",
    "code_groups",
    "births_to_small_areas",
    "authority_births",
    "small_area_births",
    "births_to_areas",
    "area_births",
    "births_source_ids",
]

COLUMNS = ["la_code", "la_name", "nation", "period_start", "period_end", "births", "source", "source_label"]
NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
_NATION_OF_LETTER = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
_GSS = re.compile(r"^[EWSNKJ]\d{8}$")
_COUNT = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

EW_CALENDAR_2020_2022 = "births_ew_lad_2014_2022"
EW_CALENDAR_2023 = "births_ew_lad_2023"
EW_MID_YEAR = "births_ew_lad_mid1993_2021"
UK_MID_YEAR = "births_uk_lad_mid2002_2019"
SCOTLAND_CALENDAR = "scotpho_council_profiles"
NI_MID_YEAR = "births_ni_lgd_mid2002_2023"
BIRTHS_FILES = (EW_CALENDAR_2020_2022, EW_CALENDAR_2023, EW_MID_YEAR, UK_MID_YEAR, SCOTLAND_CALENDAR, NI_MID_YEAR)
_NAMES = {
    EW_CALENDAR_2020_2022: "ONS births in England and Wales",
    EW_CALENDAR_2023: "ONS births in England and Wales",
    EW_MID_YEAR: "ONS births in England and Wales by mother's area",
    UK_MID_YEAR: "ONS mid-year components of change (MYEB3)",
    SCOTLAND_CALENDAR: "ScotPHO council area profiles, live births",
    NI_MID_YEAR: "NISRA components of population change",
}


def calendar(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def mid_year(year: int) -> tuple[date, date]:
    """The 12 months to 30 June ``year``."""
    return date(year - 1, 7, 1), date(year, 6, 30)


def period_text(start: date, end: date) -> str:
    """``calendar 2023`` or ``July 2022 to June 2023``."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"calendar {start.year}"
    return f"{MONTHS[start.month - 1]} {start.year} to {MONTHS[end.month - 1]} {end.year}"


def source_label(file_id: str, start: date, end: date) -> str:
    return f"{_NAMES[file_id]}, {period_text(start, end)}"


# --- reading and checking -------------------------------------------------------------------------------


def _fail(file_id: str, where: str, message: str) -> DataFileError:
    return DataFileError(f"{file_id}: {where}: {message}")


def _count(value: object, file_id: str, where: str, *, separators: bool = False) -> int:
    """A births count: a whole number of zero or more (``1,234`` only where the file uses separators)."""
    if isinstance(value, bool):
        raise _fail(file_id, where, f"{value!r} is not a count of births")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _COUNT.match(value.strip()) and (separators or "," not in value):
        number = int(value.strip().replace(",", ""))
    else:
        raise _fail(file_id, where, f"{value!r} is not a count of births (a whole number)")
    if number < 0:
        raise _fail(file_id, where, f"{value!r} is negative")
    return number


def _codes(text: object, file_id: str, where: str) -> tuple[str, ...]:
    """The GSS codes of a cell: one code, or several joined by commas (a union the file publishes)."""
    parts = tuple(p.strip() for p in str(text).split(","))
    if not parts or not all(_GSS.match(p) for p in parts):
        raise _fail(file_id, where, f"{text!r} is not an area code (a letter and 8 digits)")
    return parts


def _nation(codes: Sequence[str]) -> str:
    nations = {_NATION_OF_LETTER[c[0]] for c in codes}
    return nations.pop() if len(nations) == 1 else "/".join(sorted(nations))


def _workbook(path: Path, file_id: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise DataFileError(f"{file_id}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None


def _sheet(book, name: str, file_id: str) -> list[tuple[int, tuple]]:
    if name not in book.sheetnames:
        raise DataFileError(f"{file_id}: no sheet {name!r} (sheets: {', '.join(book.sheetnames)})")
    sheet = book[name]
    return list(enumerate(sheet.iter_rows(values_only=True), start=sheet.min_row or 1))


def _cell(row: tuple, index: int) -> object:
    return row[index] if index < len(row) else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(row: tuple, expected: Sequence[str], file_id: str, where: str) -> None:
    found = [str(v).strip() if v is not None else "" for v in row[: len(expected)]]
    if [f.lower() for f in found] != [e.lower() for e in expected]:
        raise _fail(file_id, where, f"header {found} is not the expected {list(expected)}")


_EW_LA = re.compile(r"^(E0[6-9]|W06)\d{6}$")


def _check_ew_totals(rows: list[dict], national: dict[str, tuple[int, str]], file_id: str, where: str) -> None:
    """England's and Wales's local-authority rows sum to their country rows, and the two to England and Wales."""
    for code, letter in (("E92000001", "E"), ("W92000004", "W")):
        if code not in national:
            raise _fail(file_id, where, f"no row for {code}, so the local-authority rows cannot be checked")
        total = sum(r["births"] for r in rows if r["la_code"][0] == letter)
        if total != national[code][0]:
            raise _fail(file_id, f"{where}, {national[code][1]}",
                        f"the local-authority rows sum to {total:,}, not the {national[code][0]:,} of {code}")
    if "K04000001" in national:
        both = national["E92000001"][0] + national["W92000004"][0]
        if both != national["K04000001"][0]:
            raise _fail(file_id, f"{where}, {national['K04000001'][1]}",
                        f"England + Wales = {both:,}, not the {national['K04000001'][0]:,} of K04000001")


def _la_row(codes: tuple[str, ...], name: str, births: int, period: tuple[date, date], file_id: str) -> dict:
    return {"la_code": ",".join(codes), "la_name": name, "nation": _nation(codes), "period_start": period[0],
            "period_end": period[1], "births": births, "source": file_id,
            "source_label": source_label(file_id, *period)}


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["births"] = frame["births"].astype("int64")
    return frame


def _no_duplicates(rows: list[dict], file_id: str, where: str) -> None:
    seen: set[tuple] = set()
    for r in rows:
        key = (r["la_code"], r["period_start"], r["period_end"])
        if key in seen:
            raise _fail(file_id, where, f"{r['la_code']} appears twice for {period_text(*key[1:])}")
        seen.add(key)


def read_ew_calendar_2020_2022(path: Path, file_id: str = EW_CALENDAR_2020_2022) -> pd.DataFrame:
    """Sheets data20, data21, data22: ``LA Code``, ``Number_of_live_births``, from country rows down to districts.

    The table ends at its first blank code cell (notes follow). Names are not in the file (see
    :func:`read_births`, which takes them from the mid-year file, on the same May 2021 codes)."""
    book = _workbook(path, file_id)
    out: list[dict] = []
    try:
        for sheet_name, year in (("data20", 2020), ("data21", 2021), ("data22", 2022)):
            rows = _sheet(book, sheet_name, file_id)
            if not rows:
                raise DataFileError(f"{file_id}: sheet {sheet_name} is empty")
            number, header = rows[0]
            _header(header, ("LA Code", "Number_of_live_births"), file_id, f"sheet {sheet_name}, row {number}")
            las: list[dict] = []
            national: dict[str, tuple[int, str]] = {}
            for number, row in rows[1:]:
                code_cell = _cell(row, 0)
                if _blank(code_cell):
                    break
                where = f"sheet {sheet_name}, row {number}"
                codes = _codes(code_cell, file_id, f"{where}, column A (LA Code)")
                births = _count(_cell(row, 1), file_id, f"{where}, column B (Number_of_live_births)")
                if len(codes) == 1 and codes[0] in ("E92000001", "W92000004", "K04000001"):
                    national[codes[0]] = (births, f"row {number}")
                if all(_EW_LA.match(c) for c in codes):
                    las.append(_la_row(codes, "", births, calendar(year), file_id))
            _no_duplicates(las, file_id, f"sheet {sheet_name}")
            _check_ew_totals(las, national, file_id, f"sheet {sheet_name}")
            out += las
    finally:
        book.close()
    return _frame(out)


_TABLE1 = ("Area of usual residence Code", "Area of usual residence Name", "Area of usual residence Geography",
           "Sex", "Registration type", "Number of live births")
# The lowest tier of local government in Table_1 (counties, metropolitan counties, regions and countries
# are sums of these).
_LOWEST_TIER = frozenset({"Unitary Authority", "Metropolitan District", "Non-metropolitan District",
                          "London Borough"})


def read_ew_calendar_2023(path: Path, file_id: str = EW_CALENDAR_2023) -> pd.DataFrame:
    """Table_1 (header on row 6): all births, all registration types, lowest-tier authorities (August 2024)."""
    book = _workbook(path, file_id)
    try:
        rows = _sheet(book, "Table_1", file_id)
    finally:
        book.close()
    header = [(n, r) for n, r in rows if n == 6]
    if not header:
        raise DataFileError(f"{file_id}: sheet Table_1 has no row 6 (the header)")
    _header(header[0][1], _TABLE1, file_id, "sheet Table_1, row 6")
    las: list[dict] = []
    national: dict[str, tuple[int, str]] = {}
    for number, row in rows:
        if number <= 6 or all(_blank(v) for v in row):
            continue
        where = f"sheet Table_1, row {number}"
        if _cell(row, 3) != "All births" or _cell(row, 4) != "All registration types":
            continue
        codes = _codes(_cell(row, 0), file_id, f"{where}, column A ({_TABLE1[0]})")
        births = _count(_cell(row, 5), file_id, f"{where}, column F ({_TABLE1[5]})")
        tier = str(_cell(row, 2) or "").strip()
        name = str(_cell(row, 1) or "").strip()
        if len(codes) == 1 and codes[0] in ("E92000001", "W92000004", "K04000001"):
            national[codes[0]] = (births, f"row {number}")
        if tier in _LOWEST_TIER:
            if not all(_EW_LA.match(c) for c in codes):
                raise _fail(file_id, f"{where}, column A", f"{codes} is a {tier} but not a district code")
            if not name:
                raise _fail(file_id, f"{where}, column B ({_TABLE1[1]})", "no name")
            las.append(_la_row(codes, name, births, calendar(2023), file_id))
    _no_duplicates(las, file_id, "sheet Table_1")
    _check_ew_totals(las, national, file_id, "sheet Table_1")
    return _frame(las)


_MID_AGES = ("19 and under", *(str(a) for a in range(20, 45)), "45 and over")


def _csv(path: Path, file_id: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"{file_id}: not a readable CSV file ({exc})") from None


def _columns(frame: pd.DataFrame, expected: Sequence[str], file_id: str) -> None:
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise DataFileError(f"{file_id}: line 1: no column {missing[0]!r} (columns: {', '.join(frame.columns[:8])}...)")


def read_ew_mid_year(path: Path, file_id: str = EW_MID_YEAR) -> pd.DataFrame:
    """Births by mother's authority (2021 codes) and age: the sum of the age columns, per July-June period."""
    raw = _csv(path, file_id)
    _columns(raw, ("Period", "Local authority code", "Local authority name", *_MID_AGES), file_id)
    rows: list[dict] = []
    for line, rec in enumerate(raw.itertuples(index=False), start=2):
        values = dict(zip(raw.columns, rec, strict=True))
        period_cell = values["Period"]
        match = re.fullmatch(r"(\d{4})-(\d{4})", period_cell.strip())
        if not match or int(match[2]) != int(match[1]) + 1:
            raise _fail(file_id, f"line {line}, column 'Period'", f"{period_cell!r} is not a period like 2020-2021")
        codes = _codes(values["Local authority code"], file_id, f"line {line}, column 'Local authority code'")
        if not all(_EW_LA.match(c) for c in codes):
            raise _fail(file_id, f"line {line}, column 'Local authority code'", f"{codes[0]} is not a district")
        births = sum(_count(values[a], file_id, f"line {line}, column {a!r}", separators=True) for a in _MID_AGES)
        rows.append(_la_row(codes, values["Local authority name"].strip(), births, mid_year(int(match[2])),
                            file_id))
    _no_duplicates(rows, file_id, "the table")
    frame = _frame(rows)
    per_period = frame.groupby("period_end")["la_code"].apply(frozenset)
    if per_period.nunique() != 1:
        odd = per_period[per_period != per_period.iloc[-1]].index[0]
        raise DataFileError(f"{file_id}: the period to {odd:%B %Y} lists other authorities than the rest")
    return frame


def read_uk_mid_year(path: Path, file_id: str = UK_MID_YEAR) -> pd.DataFrame:
    """MYEB3: ``births_YYYY`` = births in the 12 months to 30 June YYYY, every UK authority (2020 codes)."""
    raw = _csv(path, file_id)
    _columns(raw, ("ladcode20", "laname20", "country"), file_id)
    years = sorted(int(c[7:]) for c in raw.columns if re.fullmatch(r"births_\d{4}", c))
    if not years:
        raise DataFileError(f"{file_id}: line 1: no births_YYYY columns")
    rows: list[dict] = []
    for line, rec in enumerate(raw.itertuples(index=False), start=2):
        values = dict(zip(raw.columns, rec, strict=True))
        codes = _codes(values["ladcode20"], file_id, f"line {line}, column 'ladcode20'")
        if values["country"].strip() != codes[0][0] or len(codes) != 1:
            raise _fail(file_id, f"line {line}, column 'country'",
                        f"{values['country']!r} is not the nation of {codes[0]}")
        for year in years:
            births = _count(values[f"births_{year}"], file_id, f"line {line}, column 'births_{year}'")
            rows.append(_la_row(codes, values["laname20"].strip(), births, mid_year(year), file_id))
    _no_duplicates(rows, file_id, "the table")
    return _frame(rows)


def read_scotland_calendar(path: Path, file_id: str = SCOTLAND_CALENDAR) -> pd.DataFrame:
    """ScotPHO profiles: indicator ``Live births``, the numerator (a count) per council area, calendar 2021."""
    raw = _csv(path, file_id)
    _columns(raw, ("area_code", "area_type", "area_name", "year", "period", "indicator", "numerator"), file_id)
    rows: list[dict] = []
    for line, rec in enumerate(raw.itertuples(index=False), start=2):
        values = dict(zip(raw.columns, rec, strict=True))
        if values["indicator"] != "Live births":
            continue
        if values["area_type"] != "Council area":
            raise _fail(file_id, f"line {line}, column 'area_type'", f"{values['area_type']!r} is not a council area")
        match = re.fullmatch(r"(\d{4}) calendar year", values["period"].strip())
        if not match or match[1] != values["year"].strip():
            raise _fail(file_id, f"line {line}, column 'period'",
                        f"{values['period']!r} is not the calendar year {values['year']!r}")
        codes = _codes(values["area_code"], file_id, f"line {line}, column 'area_code'")
        if codes[0][:3] != "S12" or len(codes) != 1:
            raise _fail(file_id, f"line {line}, column 'area_code'", f"{codes[0]} is not a council area code")
        births = _count(values["numerator"], file_id, f"line {line}, column 'numerator'")
        rows.append(_la_row(codes, values["area_name"].strip(), births, calendar(int(match[1])), file_id))
    if not rows:
        raise DataFileError(f"{file_id}: no rows with indicator 'Live births'")
    _no_duplicates(rows, file_id, "the Live births rows")
    frame = _frame(rows)
    counts = frame.groupby("period_end")["la_code"].nunique()
    if (counts != 32).any():
        raise DataFileError(f"{file_id}: {int(counts.iloc[0])} council areas have live births, not Scotland's 32")
    return frame


# Published totals that the published parts do not reach, checked to the birth: (file, period end) -> parts
# minus total. NISRA's mid-2023 file gives Northern Ireland 20,072 births in July 2022 to June 2023 but its 11
# districts 20,061; the districts are used (they are what can be placed), so Northern Ireland has 11 fewer.
KNOWN_DIFFERENCES: dict[tuple[str, date], int] = {(NI_MID_YEAR, date(2023, 6, 30)): -11}


def read_ni_mid_year(path: Path, file_id: str = NI_MID_YEAR) -> pd.DataFrame:
    """Sheet Flat, category ``Births``: each district per July-June period (``2022/2023``); the districts
    must sum to the Northern Ireland row of the same period."""
    book = _workbook(path, file_id)
    try:
        rows = _sheet(book, "Flat", file_id)
    finally:
        book.close()
    if not rows:
        raise DataFileError(f"{file_id}: sheet Flat is empty")
    names = [str(v).strip() if v is not None else "" for v in rows[0][1]]
    wanted = ("area_code", "area_name", "year", "category", "MYE")
    missing = [w for w in wanted if w not in names]
    if missing:
        raise _fail(file_id, f"sheet Flat, row {rows[0][0]}", f"no column {missing[0]!r}")
    col = {w: names.index(w) for w in wanted}
    letters = {w: _letter(i) for w, i in col.items()}
    out: list[dict] = []
    national: dict[date, tuple[int, str]] = {}
    for number, row in rows[1:]:
        if all(_blank(v) for v in row) or _cell(row, col["category"]) != "Births":
            continue
        where = f"sheet Flat, row {number}"
        year = str(_cell(row, col["year"]) or "")
        match = re.fullmatch(r"(\d{4})/(\d{4})", year.strip())
        if not match or int(match[2]) != int(match[1]) + 1:
            raise _fail(file_id, f"{where}, column {letters['year']} (year)", f"{year!r} is not a period like 2022/2023")
        period = mid_year(int(match[2]))
        codes = _codes(_cell(row, col["area_code"]), file_id, f"{where}, column {letters['area_code']} (area_code)")
        births = _count(_cell(row, col["MYE"]), file_id, f"{where}, column {letters['MYE']} (MYE)")
        if codes == ("N92000002",):
            national[period[1]] = (births, f"row {number}")
        elif len(codes) == 1 and codes[0][:3] == "N09":
            out.append(_la_row(codes, str(_cell(row, col["area_name"]) or "").strip(), births, period, file_id))
        else:
            raise _fail(file_id, f"{where}, column {letters['area_code']} (area_code)",
                        f"{codes[0]} is neither Northern Ireland nor one of its districts")
    _no_duplicates(out, file_id, "sheet Flat")
    frame = _frame(out)
    sums = frame.groupby("period_end")["births"].sum()
    for end, total in sums.items():
        if end not in national:
            raise DataFileError(f"{file_id}: sheet Flat: no Northern Ireland row for {period_text(*mid_year(end.year))}")
        if int(total) != national[end][0] + KNOWN_DIFFERENCES.get((file_id, end), 0):
            raise _fail(file_id, f"sheet Flat, {national[end][1]}",
                        f"the districts sum to {int(total):,}, not the {national[end][0]:,} of Northern Ireland "
                        f"({period_text(*mid_year(end.year))})")
    return frame


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


_READERS: dict[str, Callable[[Path, str], pd.DataFrame]] = {
    EW_CALENDAR_2020_2022: read_ew_calendar_2020_2022,
    EW_CALENDAR_2023: read_ew_calendar_2023,
    EW_MID_YEAR: read_ew_mid_year,
    UK_MID_YEAR: read_uk_mid_year,
    SCOTLAND_CALENDAR: read_scotland_calendar,
    NI_MID_YEAR: read_ni_mid_year,
}


def read_births(file_id: str) -> pd.DataFrame:
    """One births file as the tidy table of :data:`COLUMNS`, read (hash-checked) and checked once per process."""
    if file_id not in _READERS:
        raise DataFileError(f"{file_id!r} is not a births file; births files: {', '.join(BIRTHS_FILES)}")
    return _read_births(file_id).copy()


# Bump when a reader changes, so tables cached by the old reader are not reused.
READER_VERSION = "births-1"


@cache
def _read_births(file_id: str) -> pd.DataFrame:
    """The table, from the processed-layer cache (keyed by the file's pinned hash) or read and checked."""
    from boundaries.catalogue import LAYER_VERSION, cached_frame
    from boundaries.fetch import fetch, registry

    def build() -> pd.DataFrame:
        frame = _READERS[file_id](fetch(file_id), file_id)
        if file_id == EW_CALENDAR_2020_2022:
            frame = _named_from(frame, _read_births(EW_MID_YEAR), file_id)
        return frame

    files = (file_id, EW_MID_YEAR) if file_id == EW_CALENDAR_2020_2022 else (file_id,)
    key = "|".join([LAYER_VERSION, READER_VERSION, *(registry()[f].sha256 for f in files)])
    frame = cached_frame(f"births-{file_id}", hashlib.sha256(key.encode()).hexdigest()[:16], build, geo=False)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    for column in ("la_code", "la_name", "nation", "source", "source_label"):
        frame[column] = frame[column].astype(str)
    frame["births"] = frame["births"].astype("int64")
    return frame[COLUMNS]


def _named_from(frame: pd.DataFrame, names_from: pd.DataFrame, file_id: str) -> pd.DataFrame:
    """Names for a file that has none, from another file on the same codes (a union: its parts' names)."""
    names = names_from.drop_duplicates("la_code").set_index("la_code")["la_name"]
    out = []
    for code in frame["la_code"]:
        parts = code.split(",")
        missing = [p for p in parts if p not in names.index]
        if missing:
            raise DataFileError(f"{file_id}: no name for {missing[0]} in {EW_MID_YEAR} (on the same codes)")
        out.append(" and ".join(str(names[p]) for p in parts))
    return frame.assign(la_name=out)


# --- which births stand for a population year ------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """A period a births file publishes for a nation."""

    source: str
    start: date
    end: date


def _mid_years(source: str, first: int, last: int) -> tuple[Published, ...]:
    return tuple(Published(source, *mid_year(y)) for y in range(first, last + 1))


def _calendars(source: str, first: int, last: int) -> tuple[Published, ...]:
    return tuple(Published(source, *calendar(y)) for y in range(first, last + 1))


# Per nation, what the mirror publishes, the nation's own series first (it wins a period two files share).
PUBLISHED: dict[str, tuple[Published, ...]] = {
    "England": (*_mid_years(EW_MID_YEAR, 1993, 2021), *_calendars(EW_CALENDAR_2020_2022, 2020, 2022),
                *_calendars(EW_CALENDAR_2023, 2023, 2023), *_mid_years(UK_MID_YEAR, 2002, 2019)),
    "Wales": (*_mid_years(EW_MID_YEAR, 1993, 2021), *_calendars(EW_CALENDAR_2020_2022, 2020, 2022),
              *_calendars(EW_CALENDAR_2023, 2023, 2023), *_mid_years(UK_MID_YEAR, 2002, 2019)),
    "Scotland": (*_mid_years(UK_MID_YEAR, 2002, 2019), *_calendars(SCOTLAND_CALENDAR, 2021, 2021)),
    "Northern Ireland": (*_mid_years(NI_MID_YEAR, 2002, 2023), *_mid_years(UK_MID_YEAR, 2002, 2019)),
}


@dataclass(frozen=True)
class BirthsPeriod:
    """The births standing for the population of mid-``year`` in ``nation``: which file, which 12 months."""

    nation: str
    year: int
    source: str
    start: date
    end: date

    @property
    def exact(self) -> bool:
        """True when these are the 12 months to 30 June of the population year."""
        return (self.start, self.end) == mid_year(self.year)

    @property
    def months(self) -> str:
        return period_text(self.start, self.end)

    @property
    def text(self) -> str:
        """``July 2022 to June 2023``, or ``calendar 2023 (nearest published to mid-2024)``."""
        return self.months if self.exact else f"{self.months} (nearest published to mid-{self.year})"

    @property
    def source_label(self) -> str:
        return source_label(self.source, self.start, self.end)


def _centre(start: date, end: date) -> float:
    """The centre of a period in months since year 0 (a calendar year 2023 -> 2023 x 12 + 5.5)."""
    return ((start.year * 12 + start.month - 1) + (end.year * 12 + end.month - 1)) / 2


def choose_period(year: int, published: Sequence[Published]) -> Published:
    """The published period standing for mid-``year``: the 12 months to 30 June ``year`` when published,
    else the nearest by the centre of its months, a tie to the later; the first listed wins a shared period."""
    if not published:
        raise DataFileError("no births are published for this nation")
    target = _centre(*mid_year(year))
    return min(enumerate(published), key=lambda ip: (abs(_centre(ip[1].start, ip[1].end) - target),
                                                     -_centre(ip[1].start, ip[1].end), ip[0]))[1]


def births_period(nation: str, year: int) -> BirthsPeriod:
    """The births period standing for mid-``year`` in ``nation`` (no file is read)."""
    if nation not in PUBLISHED:
        raise DataFileError(f"no births for {nation!r}; nations: {', '.join(NATIONS)}")
    chosen = choose_period(year, PUBLISHED[nation])
    return BirthsPeriod(nation, year, chosen.source, chosen.start, chosen.end)


def births_for(nation: str, year: int) -> tuple[pd.DataFrame, BirthsPeriod]:
    """The local-authority births of ``nation`` standing for mid-``year``, and which period they are."""
    period = births_period(nation, year)
    table = read_births(period.source)
    table = table[(table["nation"] == nation) & (table["period_start"] == period.start)
                  & (table["period_end"] == period.end)].reset_index(drop=True)
    if table.empty:
        raise DataFileError(f"{period.source}: no {nation} births for {period.months}, which the registry "
                            "says the file publishes")
    return table, period


def births_source_ids(year: int, nations: Iterable[str] = NATIONS) -> tuple[str, ...]:
    """The births files behind the figures of mid-``year`` in ``nations`` (each nation's chosen file, and
    the file the calendar 2020-2022 names come from)."""
    files = {births_period(n, year).source for n in nations}
    if EW_CALENDAR_2020_2022 in files:
        files.add(EW_MID_YEAR)
    return tuple(sorted(files))


# --- authorities and small areas --------------------------------------------------------------------------


def _sets(keys: pd.Series, values: pd.Series) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, value in zip(keys.astype(str).tolist(), values.astype(str).tolist(), strict=True):
        out.setdefault(key, set()).add(value)
    return out


def code_groups(source_codes: Iterable[str], target: pd.DataFrame, relations: Sequence[pd.DataFrame] = (),
                *, file_id: str) -> pd.DataFrame:
    """Match a births file's codes to the target authorities as exact unions.

    ``source_codes``: the file's ``la_code`` values (a union as ``A,B``). ``target``: ``unit_code``,
    ``la_code``, ``la_share`` and optionally ``la_code_2022`` (the project's authorities, and each
    piece's authority on older codes). ``relations``: further ``unit_code``, ``code`` tables of other
    vintages (small areas whole). Returns ``source_code``, ``group`` (the group's target codes joined by
    ``+``).

    Notes
    -----
    A code that is a target authority is itself; one that is an older code of a piece of the target
    table (``la_code_2022``) links to those pieces' authorities; any other links, through the small areas
    the first relation holding it gives, to those small areas' authorities. Groups are the connected
    components of these links, so the union of a group's source codes and the union of its target codes
    cover the same small areas.
    """
    target = target[target["la_share"] > 0]
    own = set(target["la_code"].astype(str))
    older = _sets(target["la_code_2022"], target["la_code"]) if "la_code_2022" in target.columns else {}
    units_of: list[dict[str, set[str]]] = []  # built only when a code is neither a target nor a 2022 code
    targets_of_unit: dict[str, set[str]] = {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def linked(part: str) -> set[str]:
        if part in own:
            return {part}
        if part in older:
            return older[part]
        if not units_of:
            units_of.extend(_sets(t["code"], t["unit_code"]) for t in relations)
            targets_of_unit.update(_sets(target["unit_code"], target["la_code"]))
        units = next((u[part] for u in units_of if part in u), None)
        if units is None:
            raise DataFileError(f"{file_id}: local authority {part} is in no lookup the project has, so its "
                                "births cannot be placed")
        return {la for unit in units for la in targets_of_unit.get(unit, ())}

    sources = list(dict.fromkeys(str(c) for c in source_codes))
    for source in sources:
        node = find("s:" + source)
        for part in source.split(","):
            las = linked(part)
            if not las:
                raise DataFileError(f"{file_id}: local authority {part} covers no small area of the project")
            for la in las:
                parent[find(node)] = find("t:" + la)
    groups: dict[str, set[str]] = {}
    for la in own:
        groups.setdefault(find("t:" + la), set()).add(la)
    rows = [{"source_code": s, "group": "+".join(sorted(groups[find("s:" + s)]))} for s in sources]
    return pd.DataFrame(rows, columns=["source_code", "group"])


def births_to_small_areas(la_births: pd.DataFrame, small_area_la: pd.DataFrame, age0: pd.Series) -> pd.DataFrame:
    """Share each authority's births among its small areas by their children aged 0.

    ``la_births``: ``la_code`` (an authority, or a union of authorities joined by ``+``) and ``births``.
    ``small_area_la``: ``unit_code``, ``la_code``, ``la_share`` (the share of the small area in that
    authority). ``age0``: children aged 0 per small area, indexed by unit code. Returns one row per small
    area and births row: ``unit_code``, ``la_code`` (the births row's code), ``births`` (float).

    Notes
    -----
    ``births_i = B_g * w_i / sum_j w_j`` with ``w_i = age0_i * share_i`` over the small areas j of group g;
    where no small area of g has children aged 0, ``w_i = share_i``. So each group's births sum to B_g.
    """
    parts = small_area_la.loc[small_area_la["la_share"] > 0, ["unit_code", "la_code", "la_share"]]
    member = la_births[["la_code"]].assign(authority=la_births["la_code"].str.split("+")).explode("authority")
    if member["authority"].duplicated().any():
        twice = member.loc[member["authority"].duplicated(), "authority"].iloc[0]
        raise DataFileError(f"authority {twice} is in two births rows")
    joined = parts.rename(columns={"la_code": "authority"}).merge(member, on="authority", how="inner")
    joined["age0"] = joined["unit_code"].map(age0)
    if joined["age0"].isna().any():
        unit = joined.loc[joined["age0"].isna(), "unit_code"].iloc[0]
        raise DataFileError(f"small area {unit} has no population aged 0")
    weight = joined["age0"].astype(float) * joined["la_share"].astype(float)
    totals = weight.groupby(joined["la_code"]).transform("sum")
    shares = joined["la_share"].astype(float)
    share_totals = shares.groupby(joined["la_code"]).transform("sum")
    joined["weight"] = weight.where(totals > 0, shares) / totals.where(totals > 0, share_totals)
    placed = set(joined["la_code"])
    missing = [c for c in la_births["la_code"] if c not in placed]
    if missing:
        raise DataFileError(f"local authority {missing[0]} has no small areas, so its births cannot be placed")
    births = joined["la_code"].map(la_births.set_index("la_code")["births"]).astype(float)
    joined["births"] = births * joined["weight"]
    out = joined.groupby(["unit_code", "la_code"], sort=False, as_index=False)["births"].sum()
    return out[["unit_code", "la_code", "births"]]


@cache
def _relations() -> tuple[pd.DataFrame, ...]:
    """Small areas of older codes than the authorities' April 2022 ones (which the authorities table holds):
    LAD 2018, with the districts merged in 2019, 2020 and 2021, from the small-area lookup."""
    from boundaries.lookups import load_unit_lookup

    lad18 = load_unit_lookup()[["unit_code", "lad2018"]].dropna()
    return (pd.DataFrame({"unit_code": lad18["unit_code"].astype(str), "code": lad18["lad2018"].astype(str)}),)


@cache
def _authorities() -> pd.DataFrame:
    from boundaries.local_authorities import small_area_authorities

    frame = small_area_authorities()
    return pd.DataFrame({"unit_code": frame["unit_code"].astype(str), "nation": frame["nation"].astype(str),
                         "la_code": frame["la_code"].astype(str), "la_share": frame["la_share"].astype(float),
                         "la_code_2022": frame["la_code_2022"].astype(str)})


def authority_births(year: int) -> pd.DataFrame:
    """Births per group of the project's authorities standing for mid-``year``, every nation.

    Columns: ``la_code`` (an authority, or a union joined by ``+``), ``nation``, ``births`` (int),
    ``source_codes`` (the file's codes summed into it), ``period``, ``source``, ``source_label``.
    """
    return _authority_births(year).copy()


def _births_key(year: int, *, units: bool) -> str:
    """Cache key of the births of mid-``year``: the births files', the authorities' (and, for small areas,
    the population's) keys and this module's recipe."""
    from boundaries.catalogue import LAYER_VERSION
    from boundaries.fetch import registry
    from boundaries.local_authorities import authorities_key

    parts = [LAYER_VERSION, READER_VERSION, str(year), authorities_key(),
             *(registry()[f].sha256 for f in births_source_ids(year))]
    if units:
        from boundaries.population import population_key

        parts.append(population_key(year))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@cache
def _authority_births(year: int) -> pd.DataFrame:
    from boundaries.catalogue import cached_frame

    frame = cached_frame(f"births-authorities-{year}", _births_key(year, units=False),
                         lambda: _build_authority_births(year), geo=False)
    frame["births"] = frame["births"].astype("int64")
    return frame


def _build_authority_births(year: int) -> pd.DataFrame:
    target = _authorities()
    relations = _relations()
    parts = []
    for nation in NATIONS:
        table, period = births_for(nation, year)
        groups = code_groups(table["la_code"], target[target["nation"] == nation], relations,
                             file_id=period.source)
        merged = table.merge(groups, left_on="la_code", right_on="source_code")
        summed = merged.groupby("group", sort=False).agg(births=("births", "sum"),
                                                          source_codes=("la_code", ",".join)).reset_index()
        nation_las = set(target.loc[target["nation"] == nation, "la_code"])
        covered = {la for g in summed["group"] for la in g.split("+")}
        if nation_las - covered:
            raise DataFileError(f"{period.source}: no births for authority {sorted(nation_las - covered)[0]} "
                                f"({nation}, {period.months})")
        parts.append(summed.rename(columns={"group": "la_code"}).assign(
            nation=nation, period=period.text, source=period.source, source_label=period.source_label))
    out = pd.concat(parts, ignore_index=True)
    out["births"] = out["births"].astype("int64")
    return out[["la_code", "nation", "births", "source_codes", "period", "source", "source_label"]]


def small_area_births(year: int) -> pd.DataFrame:
    """Births per small area standing for mid-``year``: ``unit_code``, ``la_code`` (the group), ``births``
    (float), by :func:`births_to_small_areas` with the children aged 0 of the same year's population."""
    return _small_area_births(year).copy()


@cache
def _small_area_births(year: int) -> pd.DataFrame:
    from boundaries.catalogue import cached_frame
    from boundaries.population import load_population

    def build() -> pd.DataFrame:
        population = load_population(year)
        age0 = population.set_index(population["unit_code"].astype(str))["age0"]
        return births_to_small_areas(_authority_births(year)[["la_code", "births"]], _authorities(), age0)

    from boundaries.population import POPULATION_YEARS

    if year not in POPULATION_YEARS:
        load_population(year)  # refuses the year, naming those there are
    return cached_frame(f"births-units-{year}", _births_key(year, units=True), build, geo=False)


def births_to_areas(unit_births: pd.DataFrame, area_of: pd.Series, group_births: pd.Series) -> pd.DataFrame:
    """Sum small-area births to areas, in whole births, flagging areas that are not unions of whole groups.

    ``unit_births``: ``unit_code``, ``la_code`` (the authority group), ``births`` (float, from
    :func:`births_to_small_areas`); ``area_of``: the area code of each small area (index unit code;
    small areas outside the geography are missing); ``group_births``: each group's published births.
    Returns ``code``, ``births`` (int), ``estimated`` (bool), one row per area that holds a small area.

    Notes
    -----
    A group lying wholly inside one area gives it its published count. A group split between areas is
    rounded to whole births by largest remainders within the group, so its pieces still sum to its
    published count (or, for a group partly outside the geography, to the rounded births inside it);
    every area taking a piece of a split group is ``estimated``.
    """
    units = unit_births.assign(code=unit_births["unit_code"].map(area_of)).dropna(subset=["code"])
    pieces = units.groupby(["la_code", "code"], as_index=False, sort=False)["births"].sum()
    if pieces.empty:
        return pd.DataFrame({"code": pd.Series(dtype=str), "births": pd.Series(dtype="int64"),
                             "estimated": pd.Series(dtype=bool)})
    by_group = pieces.groupby("la_code", sort=False)
    inside = by_group["births"].transform("sum")
    published = pieces["la_code"].map(group_births).astype(float)
    # A group wholly inside the geography keeps its published count; one partly outside (a geography
    # covering part of a nation) keeps the rounded sum of its small areas inside.
    outside = (inside - published).abs() >= 1e-6
    total = published.where(~outside, inside.round()).astype("int64")
    count = by_group["births"].transform("size")
    floors = pieces["births"].apply(math.floor).astype("int64")
    short = total - floors.groupby(pieces["la_code"], sort=False).transform("sum")
    rank = (pieces["births"] - floors).groupby(pieces["la_code"], sort=False).rank(method="first", ascending=False)
    whole = (floors + (rank <= short).astype("int64")).where(count > 1, total)
    pieces = pieces.assign(whole=whole, split=(count > 1) | outside)
    per_area = pieces.groupby("code").agg(births=("whole", "sum"), estimated=("split", "any"))
    per_area["births"] = per_area["births"].astype("int64")
    per_area["estimated"] = per_area["estimated"].astype(bool)
    return per_area.reset_index()


def area_births(geography_id: str, year: int) -> pd.DataFrame:
    """Births per area of a geography standing for mid-``year``.

    Columns: ``code``, ``name``, ``nation``, ``births`` (int), ``period``, ``source``, ``estimated``
    (:func:`births_to_areas` of :func:`small_area_births` through the small-area lookup); every area
    appears, in the geography's order.
    """
    from boundaries.catalogue import area_table
    from boundaries.lookups import load_unit_lookup

    areas = area_table(geography_id)
    lookup = load_unit_lookup()
    area_of = lookup.set_index(lookup["unit_code"].astype(str))[geography_id].dropna().astype(str)
    groups = _authority_births(year).set_index("la_code")["births"]
    per_area = births_to_areas(small_area_births(year), area_of, groups)
    out = areas.merge(per_area, on="code", how="left")
    out["births"] = out["births"].fillna(0).astype("int64")
    out["estimated"] = out["estimated"].fillna(False).astype(bool)
    periods = {n: births_period(n, year) for n in NATIONS}
    out["period"] = out["nation"].map({n: p.text for n, p in periods.items()})
    out["source"] = out["nation"].map({n: p.source for n, p in periods.items()})
    return out[["code", "name", "nation", "births", "period", "source", "estimated"]].reset_index(drop=True)
