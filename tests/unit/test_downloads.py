"""Downloads: attribution and data date inside every file, no runnable formula, figures unchanged.

The small frames here are SYNTHETIC (hand-made rows for the rules); the last tests write the real
gaps table and read the figures back.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from mapping.present.downloads import (
    FORMULA_PREFIXES,
    DownloadMeta,
    download_name,
    neutralise,
    neutralise_frame,
    to_csv_bytes,
    to_geojson_bytes,
    to_xlsx_bytes,
)

META = DownloadMeta(title="SYNTHETIC test table", attribution="Contains test data © nobody",
                    data_date="teams as of 2025-07-01; population mid-2020", sources=("src one", "src two"),
                    notes=("a note",), generated="2026-01-02")

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


def _csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    text = data.decode("utf-8-sig")
    comments = []
    while text.startswith("# "):  # the comment lines lead the file; cells may hold line breaks later
        line, _, text = text.partition("\r\n")
        comments.append(line)
    return comments, list(csv.reader(io.StringIO(text, newline="")))


def test_csv_carries_attribution_date_and_sources():
    comments, rows = _csv_rows(to_csv_bytes(HOSTILE, META))
    assert comments == [
        "# title: SYNTHETIC test table", "# attribution: Contains test data © nobody",
        "# data date: teams as of 2025-07-01; population mid-2020", "# generated: 2026-01-02",
        "# source: src one", "# source: src two", "# note: a note",
    ]
    assert rows[0] == ["name", "count"]


def test_csv_cells_cannot_start_a_formula():
    _, rows = _csv_rows(to_csv_bytes(HOSTILE, META))
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


@pytest.mark.slow
def test_real_gaps_round_trip_through_csv_and_xlsx(mirror):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    gaps = pd.DataFrame(compute_gaps(load_inputs(Selection("uk2018", 2020, date(2023, 7, 1)))).drop(columns="geometry"))
    _, rows = _csv_rows(to_csv_bytes(gaps, META))
    header, body = rows[0], rows[1:]
    read = pd.DataFrame(body, columns=header)
    assert read["code"].tolist() == gaps["code"].tolist()
    assert read["age0_2"].astype(float).tolist() == gaps["age0_2"].tolist()
    assert read["uncovered_age0_2"].astype(float).tolist() == gaps["uncovered_age0_2"].tolist()
    book = load_workbook(io.BytesIO(to_xlsx_bytes({"gaps": gaps}, META)), read_only=True)
    values = list(book["gaps"].iter_rows(min_row=2, values_only=True))
    column = values[0].index("age0_2")
    # XLSX stores numbers as decimal text: Northern Ireland's fractional estimates keep 16 digits, not 17.
    assert [v[column] for v in values[1:]] == pytest.approx(gaps["age0_2"].tolist(), rel=1e-13)
