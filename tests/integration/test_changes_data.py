"""The map of change on the real register and population: NorPIP's closure, and agreement with ``compute_gaps``.

Every figure of ``compute_changes`` is checked against a second route to it: the babies lost when NorPIP closed
against the small areas of its catchment that no team covers afterwards, and each area's babies covered at
each date against the gaps table of that date (uk2023 and ccg2018, every area).
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from mapping.analysis.changes import AREA_COLUMNS, TEAM_COLUMNS, TeamChange, compute_changes
from mapping.analysis.coverage import compute_gaps, covering_units, summarise
from mapping.analysis.selection import Selection, load_inputs
from mapping.cli import main
from mapping.inputs.teams import parse_catchment
from mapping.inputs.vocabulary import TeamStatus

MID_2019, MID_2022 = date(2019, 7, 1), date(2022, 7, 1)
YEAR = 2020


def _changes(geography: str = "uk2023", before: date = MID_2019, after: date = MID_2022, **kw):
    return compute_changes(load_inputs(Selection(geography, YEAR, before, **kw)),
                           load_inputs(Selection(geography, YEAR, after, **kw)))


def test_norpip_closed_between_mid_2019_and_mid_2022_and_its_babies_are_lost(mirror):
    changes = _changes()
    norpip = changes.teams[changes.teams["team_id"] == "norpip"]
    assert norpip[["change", "status_before", "status_after", "catchment_before", "catchment_after"]].to_numpy(
    ).tolist() == [[TeamChange.CLOSED, TeamStatus.OPERATING, "", "lad2018:E07000154", ""]]
    # Its catchment's small areas, less those another team operating in mid-2022 covers, are babies lost.
    after = load_inputs(Selection("uk2023", YEAR, MID_2022))
    lookup, population = after.lookup, after.population.set_index("unit_code")
    (geography, code), = parse_catchment("lad2018:E07000154")
    catchment = set(lookup.loc[lookup[geography] == code, "unit_code"])
    uncovered = catchment - set(covering_units(after)["unit_code"])
    expected = float(population.loc[sorted(uncovered), "age0_2"].sum())
    assert expected > 5000  # Northampton: some 9,000 children aged 0-2
    areas = changes.areas.set_index("code")
    holding = sorted(set(lookup.loc[lookup["unit_code"].isin(uncovered), "uk2023"]))
    assert areas.loc[holding, "lost"].sum() == pytest.approx(expected)
    # NorPIP is the only team that stopped covering anyone between the two dates, so these are all the UK lost.
    stopped = changes.teams[changes.teams["change"].isin([TeamChange.CLOSED, TeamChange.CATCHMENT])
                            & (changes.teams["status_before"] == TeamStatus.OPERATING)]
    assert stopped["team_id"].tolist() == ["norpip"]
    assert changes.total()["lost"] == pytest.approx(expected)
    assert changes.total()["teams_closed"] == 1


def test_norpip_is_not_closed_on_its_last_day(mirror):
    assert "norpip" not in set(_changes(after=date(2021, 6, 30)).teams["team_id"])
    assert "norpip" in set(_changes(after=date(2021, 7, 1)).teams["team_id"])


@pytest.mark.parametrize("geography", ["uk2023", "ccg2018"])
def test_covered_at_each_date_is_compute_gaps_in_every_area(mirror, geography):
    changes = _changes(geography)
    areas = changes.areas.set_index("code")
    totals = {}
    for when, column in ((MID_2019, "covered_before"), (MID_2022, "covered_after")):
        gaps = compute_gaps(load_inputs(Selection(geography, YEAR, when))).set_index("code")
        assert sorted(gaps.index) == sorted(areas.index)
        assert areas[column].to_dict() == gaps.loc[areas.index, "covered_age0_2"].to_dict(), when
        assert areas["babies"].to_dict() == gaps.loc[areas.index, "age0_2"].to_dict()
        summary = summarise(gaps)
        totals[when] = summary["age0_2_total"] - summary["age0_2_uncovered"]
    uk = changes.total()
    assert uk["net"] == pytest.approx(totals[MID_2022] - totals[MID_2019], abs=0.2)  # summarise rounds to 0.1
    assert uk["net"] == pytest.approx(uk["gained"] - uk["lost"])
    assert (areas["net"] - (areas["gained"] - areas["lost"])).abs().max() < 1e-6
    assert (areas["gained"] >= 0).all() and (areas["lost"] >= 0).all()
    assert (areas["gained"] <= areas["babies"] - areas["covered_before"] + 1e-6).all()


def test_the_age_band_and_grades_follow_the_selection(mirror):
    foundation = _changes(age="0", grades=("foundation",))
    assert set(foundation.teams["evidence_grade"]) <= {"foundation"}
    # Oldham: named by the Foundation while in development (2019), described by its NHS body once operating.
    oldham = foundation.teams[foundation.teams["team_id"] == "oldham-new"]
    assert oldham[["change", "grade_before", "grade_after"]].to_numpy().tolist() == [
        [TeamChange.STATUS, "foundation", "service"], [TeamChange.GRADE, "foundation", "service"]]
    assert foundation.total()["teams_closed"] == 1  # NorPIP; Oldham did not close
    gaps = compute_gaps(load_inputs(Selection("uk2023", YEAR, MID_2022, age="0", grades=("foundation",))))
    after = foundation.areas.set_index("code")["covered_after"]
    assert after.to_dict() == gaps.set_index("code").loc[after.index, "covered_age0"].to_dict()


def test_the_cli_csv_round_trips_and_its_totals_match(mirror, tmp_path, capsys):
    changes = _changes()
    target = tmp_path / "areas.csv"
    argv = ["changes", "--from", "2019", "--to", "2022", "--year", str(YEAR), "--format", "csv"]
    assert main([*argv, "--out", str(target)]) == 0
    text = target.read_text(encoding="utf-8-sig")
    assert "# data date: teams on 2019-07-01 and on 2022-07-01; population mid-2020 at both dates" in text
    assert "# source: the project's register of teams" in text and "(data/teams.csv in the project)" in text
    areas = pd.read_csv(io.StringIO(text), comment="#", keep_default_na=False, dtype={"code": str})
    assert list(areas.columns) == list(AREA_COLUMNS) and len(areas) == len(changes.areas)
    for column in ("babies", "covered_before", "covered_after", "gained", "lost", "net"):
        assert areas[column].tolist() == pytest.approx(changes.areas[column].tolist(), abs=1e-9), column
        assert areas[column].sum() == pytest.approx(changes.total()[column])
    capsys.readouterr()
    assert main([*argv, "--table", "teams"]) == 0
    teams = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#", keep_default_na=False)
    assert list(teams.columns) == list(TEAM_COLUMNS)
    assert teams.to_dict("records") == changes.teams.to_dict("records")
    assert main([*argv, "--table", "totals"]) == 0
    totals = pd.read_csv(io.StringIO(capsys.readouterr().out), comment="#", keep_default_na=False)
    assert totals.set_index("scope").loc["UK", "teams_closed"] == changes.total()["teams_closed"] == 1
    assert totals.set_index("scope").loc["UK", "lost"] == pytest.approx(changes.total()["lost"])


def test_the_cli_text_summary_states_the_dates_and_the_population_year(mirror, capsys):
    changes = _changes()
    assert main(["changes", "--from", "2019", "--to", "2022", "--year", str(YEAR)]) == 0
    out = capsys.readouterr().out
    uk = changes.total()
    assert out.startswith(f"Between 1 July 2019 and 1 July 2022: {uk['teams_started']} teams started, "
                          f"{uk['teams_closed']} closed")
    assert f"{uk['lost']:,.0f} lost it" in out and "Mid-2020 population" in out
    assert "  closed: NorPIP (norpip; England; grade foundation): operating -> no team" in out
