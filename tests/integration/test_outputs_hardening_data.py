"""The real pack's tables carry no runnable formula, from the SYNTHETIC FOI fixture made hostile.

Builds the real tables from the data mirror (``mirror`` fixture, slow); moved from
tests/unit/test_outputs_hardening.py, whose frames are all synthetic.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from outputs_helpers import HOSTILE, csv_rows, formula_cells
from upload_helpers import FOI_FIXTURE

from mapping import report as R


@pytest.mark.slow
def test_real_pack_foi_and_ladder_tables_carry_no_formula(mirror, tmp_path, monkeypatch):
    """The real tables from the SYNTHETIC FOI fixture with hostile responder names and a hostile file
    name: tables/foi_areas.csv and tables/ladder_areas.csv must hold them neutralised."""
    lines = FOI_FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    frame = pd.read_csv(FOI_FIXTURE, comment="#", dtype=str, keep_default_na=False)
    frame["responder_name"] = [HOSTILE[i % 3] for i in range(len(frame))]
    body = frame.to_csv(index=False)
    hostile_name = "@SUM(1+1).csv"
    monkeypatch.setattr(R, "pack_figures", lambda data: [])  # tables only: the figures are not at issue
    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1),
                         foi=(hostile_name, ("".join(comments) + body).encode("utf-8")))
    out = tmp_path / "pack"
    R.write_pack(data, out)
    for name in ("foi_areas", "ladder_areas"):
        rows = csv_rows((out / "tables" / f"{name}.csv").read_text(encoding="utf-8"))
        assert not formula_cells(rows), name
    foi_rows = csv_rows((out / "tables" / "foi_areas.csv").read_text(encoding="utf-8"))
    assert any(cell.startswith("'=HYPERLINK") for row in foi_rows for cell in row)
    ladder = pd.read_csv(out / "tables" / "ladder_areas.csv", dtype=str)
    assert set(ladder["foi_file"]) == {"'" + hostile_name}
