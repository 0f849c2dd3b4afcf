"""Reach totals on the real data, the real published record, and `pimap reach --national`.

Moved from tests/unit/test_reach.py, which keeps the arithmetic on hand-made areas: every test here reads the
real boundaries, population or register (the ``mirror`` fixture).
"""

from __future__ import annotations

from datetime import date

import pytest

from mapping.analysis.reach import national_reach, published_record, summarise_reach


def test_real_reach_2019_adds_up(mirror):
    import boundaries
    from mapping.analysis.reach import compute_reach
    from mapping.analysis.selection import Selection, load_inputs
    from mapping.inputs.teams import load_teams, teams_as_of
    from mapping.inputs.vocabulary import TeamStatus

    reach = compute_reach(load_inputs(Selection("uk2018", 2019, date(2019, 6, 30))))
    current = teams_as_of(load_teams(), date(2019, 6, 30))
    operating = current.loc[current["status"] == TeamStatus.OPERATING, "team_id"].nunique()
    assert operating == 29  # the 27 Rare Jewels teams, Together with Baby (Essex, from May 2019) and i-CAMHS (Southern Trust, 2012)
    assert reach["families"].sum() == pytest.approx(operating * 130)
    babies = boundaries.load_population(2019)["age0"].sum()
    uk = summarise_reach(reach).set_index("scope").loc["United Kingdom"]
    assert uk["reach"] == pytest.approx(national_reach(operating, babies)["reach"])


def test_real_published_record_is_a_lower_bound_after_2019(mirror):
    from mapping.inputs.teams import load_teams

    record = published_record(load_teams())
    later = record[record["as_of"].astype(str) >= "2020"]
    assert (later["difference"] > 0).all()
    assert record["source"].str.len().gt(0).all()


def test_cli_reach_national(mirror, capsys):
    from mapping.cli import main

    assert main(["reach", "--geography", "uk2018", "--year", "2019", "--as-of", "2019-06-30", "--national"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uk2018, teams operating on 2019-06-30, mid-2019 population")
    assert "United Kingdom: 29 teams x 130 = 3,770 families a year" in out
    assert "published 2025-06: 49 teams, reach 4%-6%" in out
    assert main(["reach", "--geography", "uk2018", "--year", "2019", "--need-share", "2"]) == 2
