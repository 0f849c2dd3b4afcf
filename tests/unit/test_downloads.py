"""Downloads: attribution and data date inside every file, no runnable formula, figures unchanged.

The small frames here are SYNTHETIC (hand-made rows for the rules); the real gaps table's round trip is in
tests/integration/test_downloads_data.py.
"""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pytest
from downloads_helpers import META, csv_rows
from openpyxl import load_workbook
from shapely.geometry import box

from mapping.present.downloads import (
    FORMULA_PREFIXES,
    download_name,
    neutralise,
    neutralise_frame,
    to_csv_bytes,
    to_geojson_bytes,
    to_xlsx_bytes,
)

HOSTILE = pd.DataFrame({
    "name": ["=HYPERLINK(\"http://x\")", "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR", "plain", "a=b"],
    "count": [1.0, -2.0, 3.5, 0.0, 4.0, 5.0, 6.0, 7.0],
})


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\t=1", "\r=1"])
def test_neutralise_prefixes_formula_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "a=b", "", -5, -2.5, 0, None])
def test_neutralise_leaves_everything_else(value):
    assert neutralise(value) == value


def test_neutralise_frame_keeps_numbers_numeric():
    out = neutralise_frame(HOSTILE)
    assert out["count"].tolist() == HOSTILE["count"].tolist()
    assert all(not v.startswith(FORMULA_PREFIXES) for v in out["name"])
    assert out["name"].iloc[6:].tolist() == ["plain", "a=b"]


def test_csv_carries_attribution_date_and_sources():
    comments, rows = csv_rows(to_csv_bytes(HOSTILE, META))
    assert comments == [
        "# title: SYNTHETIC test table", "# attribution: Contains test data © nobody",
        "# data date: teams as of 2025-07-01; population mid-2020", "# generated: 2026-01-02",
        "# source: src one", "# source: src two", "# note: a note",
    ]
    assert rows[0] == ["name", "count"]


def test_csv_cells_cannot_start_a_formula():
    _, rows = csv_rows(to_csv_bytes(HOSTILE, META))
    for name, _count in rows[1:]:
        assert not name.startswith(FORMULA_PREFIXES), name
    assert [r[0] for r in rows[1:5]] == ["'=HYPERLINK(\"http://x\")", "'+1+2", "'-3+4", "'@SUM(A1)"]
    assert [float(r[1]) for r in rows[1:]] == HOSTILE["count"].tolist()  # -2.0 stays a number


def test_csv_reads_back_with_pandas_comment_skipping():
    frame = pd.read_csv(io.BytesIO(to_csv_bytes(HOSTILE, META)), comment=None, skiprows=7, encoding="utf-8-sig")
    assert frame["count"].tolist() == HOSTILE["count"].tolist()


def test_xlsx_cells_are_text_never_formulas_and_about_sheet_has_metadata():
    book = load_workbook(io.BytesIO(to_xlsx_bytes({"data": HOSTILE}, META)))
    sheet = book["data"]
    assert "Contains test data © nobody" in sheet["A1"].value and "mid-2020" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == ["name", "count"]
    names = [sheet.cell(row=r, column=1) for r in range(3, 3 + len(HOSTILE))]
    assert all(c.data_type == "s" and not str(c.value).startswith(FORMULA_PREFIXES) for c in names)
    counts = [sheet.cell(row=r, column=2).value for r in range(3, 3 + len(HOSTILE))]
    assert counts == HOSTILE["count"].tolist()
    about = {row[0].value: row[1].value for row in book["about"].iter_rows() if row[0].value != "source"}
    assert about["attribution"] == "Contains test data © nobody"
    assert about["data date"] == "teams as of 2025-07-01; population mid-2020"


def test_geojson_has_metadata_and_exact_properties():
    frame = gpd.GeoDataFrame({"code": ["A", "B"], "share": [0.25, float("nan")]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    data = json.loads(to_geojson_bytes(frame, META))
    assert data["metadata"]["attribution"] == "Contains test data © nobody"
    assert data["metadata"]["data_date"] == META.data_date
    assert data["metadata"]["sources"] == ["src one", "src two"]
    assert [f["properties"] for f in data["features"]] == [{"code": "A", "share": 0.25}, {"code": "B", "share": None}]


def test_download_name_names_the_geography():
    assert download_name("gaps", "uk2023", "csv", parts=["pop2020", "teams2025-07-01"]) == \
        "pimap-gaps-uk2023-pop2020-teams2025-07-01.csv"
    assert download_name("gaps", "uk2018", "xlsx", parts=["Northern Ireland"]) == \
        "pimap-gaps-uk2018-Northern_Ireland.xlsx"


def test_reader_tables_have_whole_babies_the_estimated_flag_and_headers_in_words():
    """Issue 15: babies are whole numbers where a person reads them (a missing count stays empty), shares and
    the estimated flag are untouched, and no snake_case header is left."""
    from mapping.present.downloads import BABIES_NOTE, baby_columns, reader_table, whole_babies

    frame = pd.DataFrame({"code": ["A", "B"], "age0_2": [12024.805, None], "uncovered_age0": [2.5, 3.5],
                          "share_covered": [0.25, 0.5], "estimated": [True, False], "units": [3, 4]})
    assert baby_columns(frame) == ["age0_2", "uncovered_age0"]
    whole = whole_babies(frame)
    assert whole["age0_2"].tolist()[0] == 12025 and pd.isna(whole["age0_2"].tolist()[1])
    assert whole["share_covered"].tolist() == [0.25, 0.5] and whole["estimated"].tolist() == [True, False]
    table = reader_table(frame)
    assert list(table.columns) == ["area code", "babies aged 0-2", "babies aged 0 with no team",
                                   "share of babies covered",
                                   "estimated (small-area babies shared out from district figures)", "small areas"]
    assert not [c for c in table.columns if "_" in c]
    _, rows = csv_rows(to_csv_bytes(table, META))
    assert rows[1][1] == "12025" and rows[2][1] == ""  # written whole, the missing count empty (never <NA>)
    assert "estimated" in BABIES_NOTE


def test_counted_part_names_the_teams_counted_in_a_file_name():
    from mapping.inputs.vocabulary import GRADE_CHOICES
    from mapping.present.downloads import counted_part

    assert counted_part(GRADE_CHOICES["all"]) == ()
    assert counted_part(GRADE_CHOICES["foundation"]) == ("foundation-named",)
    # another set of grades (not a choice the app offers) is named by its grades, never as one of the choices
    assert counted_part(("foundation", "service")) == ("grades-foundation-service",)
    assert download_name("gaps", "uk2023", "csv", parts=["pop2020", *counted_part(("foundation", "service"))]) == \
        "pimap-gaps-uk2023-pop2020-grades-foundation-service.csv"
