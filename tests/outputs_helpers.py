"""SYNTHETIC hostile text and a fast SYNTHETIC pack, shared by the output-hardening tests of every tier.

``fake_pack`` stubs every step between the inputs and the files so ``mapping.report.write_pack`` runs in
milliseconds; a test module binds it by name (``fake_pack = outputs_helpers.fake_pack``) so pytest finds it.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from mapping import report as R

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# SYNTHETIC hostile text, as a user's FOI file or team list could carry it.
HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-5",
           "\t=1+1", "\r=1+1"]

SYNTHETIC_TABLE = pd.DataFrame({
    "name": HOSTILE + ["plain"],
    "count": [-2.5, -1.0, 0.0, 3.0, 4.0, 5.0, 6.0],
    "note": ["synthetic"] * 7,
})


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Text cells a spreadsheet would run (a lone '-' placeholder is not a formula)."""
    out = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and cell != "-":
                try:
                    float(cell)
                except ValueError:
                    out.append(cell)
    return out


def csv_rows(text: str) -> list[list[str]]:
    """A CSV file's text (with or without a byte-order mark) as rows of cells."""
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def fake_pack(monkeypatch) -> SimpleNamespace:
    """Stub every step between the inputs and the files, so ``write_pack`` runs in milliseconds."""
    monkeypatch.setattr(R, "pack_tables", lambda data: {"synthetic": SYNTHETIC_TABLE.copy()})
    monkeypatch.setattr(R, "summary_sections", lambda data, tables: [])
    monkeypatch.setattr(R, "headline_figures", lambda data, tables, sections: pd.DataFrame(
        {"id": ["synthetic.count"], "value": [1], "text": ["1"], "table": ["-"], "row": ["-"], "column": ["-"]}))
    monkeypatch.setattr(R, "pack_figures", lambda data: [])
    monkeypatch.setattr(R, "summary_markdown", lambda data, figures, files, sections: "SYNTHETIC pack\n")
    return SimpleNamespace(geography="uk2023", year=2020, as_of=date(2023, 9, 1), foi=None, inputs={})
