"""The coverage CLI on the real data: `pimap summary` and `pimap gaps` (formats, bad input).

Moved from tests/unit/test_capacity_growth.py, which keeps the capacity and growth arithmetic on synthetic
tables: every test here reads the real boundaries and population (the ``mirror`` fixture).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest


def test_summary_cli_2019(mirror, capsys):
    from mapping.cli import main

    assert main(["summary", "--geography", "uk2018", "--year", "2019", "--as-of", "2019-06-30", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("teams_operating", "areas", "areas_without_team", "age0_2_total", "age0_2_uncovered",
                "share_covered", "nations"):
        assert key in result
    assert result["areas"] == 221
    assert set(result["nations"]) == {"England", "Wales", "Scotland", "Northern Ireland"}
    assert result["age0_2_total"] == pytest.approx(sum(n["age0_2_total"] for n in result["nations"].values()))
    assert result["nations"]["Scotland"]["teams_operating"] == 0  # Rare Jewels lists no Scottish team


def test_gaps_cli_formats(mirror, tmp_path):
    from mapping.cli import main

    out = tmp_path / "gaps.csv"
    assert main(["gaps", "--geography", "hsct2018", "--year", "2020", "--as-of", "2019-06-30", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 5
    assert table.set_index("code").loc["SEHSCT", "coverage"] == "full"  # ABCPiP's catchment
    geo = tmp_path / "gaps.geojson"
    assert main(["gaps", "--geography", "hsct2018", "--year", "2020", "--as-of", "2019-06-30", "--format", "geojson",
                 "--out", str(geo)]) == 0
    assert len(json.loads(geo.read_text())["features"]) == 5


def test_gaps_cli_rejects_bad_input(mirror, capsys):
    from mapping.cli import main

    assert main(["gaps", "--geography", "ccg2017", "--year", "2019", "--as-of", "2019-06-30"]) == 2
    assert "unknown geography 'ccg2017'" in capsys.readouterr().err
    assert main(["gaps", "--geography", "ccg2018", "--year", "2018", "--as-of", "2019-06-30"]) == 2
    assert "year 2018 has no population estimates" in capsys.readouterr().err
