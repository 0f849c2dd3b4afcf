"""Downloads of the real gaps table: the figures read back from CSV and XLSX equal the table's.

Moved from tests/unit/test_downloads.py, which keeps the rules on SYNTHETIC frames: this test reads the real
boundaries, population and register (the ``mirror`` fixture).
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from downloads_helpers import META, csv_rows
from openpyxl import load_workbook

from mapping.present.downloads import to_csv_bytes, to_xlsx_bytes


@pytest.mark.slow
def test_real_gaps_round_trip_through_csv_and_xlsx(mirror):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    gaps = pd.DataFrame(compute_gaps(load_inputs(Selection("uk2018", 2020, date(2023, 7, 1)))).drop(columns="geometry"))
    _, rows = csv_rows(to_csv_bytes(gaps, META))
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
