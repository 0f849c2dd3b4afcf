"""The map of change (:mod:`mapping.analysis.changes`, ``pimap changes``) on SYNTHETIC, hand-checkable data.

No real data is read: the register, small areas, population and areas below are made up so every figure can
be checked by hand. Areas of the (real id) geography ``uk2023``, whose small areas the catchments (districts
``D1``..``D6`` of ``lad2018``) cover:

- P (England): p1 10, p2 20, p3 40 babies aged 0-2. alpha (operating, ends 30 June 2021) covers districts
  D1 and D12 = p1, p2; beta (operating from January 2021) covers D12 and D2 = p2, p3. From 1 July 2020 to
  1 July 2021: covered 30 -> 60, gained 40 (p3), lost 10 (p1), net 30; p2 is covered at both dates, by
  different teams.
- Q (England): q1 5, q2 7. gamma covers D3 = q1, then from 2021 D3 and D4 = q1, q2: catchment changed,
  covered 5 -> 12, gained 7.
- R (England): r1 100. delta is in development, then operating from 2021 (D5): status changed; a team in
  development covers no one, so covered 0 -> 100.
- S (England): s1 50, covered by epsilon at both dates: no change.
- T (England): t1 3, no team.
- W (Wales): w1 8. cymru (Wales) starts in 2021 (D6): covered 0 -> 8.
- zeta closed at the end of 2019 (a 'closed' row follows): absent at both dates, so not listed.
- sp-x (specialist practitioners only) is never a team.
"""

from __future__ import annotations

import argparse
import io
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import pytest

from mapping.analysis.changes import (
    AREA_COLUMNS,
    TEAM_COLUMNS,
    TOTAL_COLUMNS,
    Changes,
    TeamChange,
    compute_changes,
    long_date,
    summary_text,
)
from mapping.analysis.selection import Inputs, Register, Selection
from mapping.errors import ChangesError, PimapError
from mapping.inputs.teams import teams_as_of
from mapping.inputs.vocabulary import EvidenceGrade, TeamStatus

OPERATING, DEVELOPMENT, CLOSED = TeamStatus.OPERATING, TeamStatus.IN_DEVELOPMENT, TeamStatus.CLOSED
BEFORE, AFTER = date(2020, 7, 1), date(2021, 7, 1)

UNITS = {  # unit: (area of uk2023, district of lad2018, babies aged 0-2)
    "p1": ("P", "D1", 10.0), "p2": ("P", "D12", 20.0), "p3": ("P", "D2", 40.0),
    "q1": ("Q", "D3", 5.0), "q2": ("Q", "D4", 7.0), "r1": ("R", "D5", 100.0), "s1": ("S", "D7", 50.0),
    "t1": ("T", "D8", 3.0), "w1": ("W", "D6", 8.0),
}
LOOKUP = pd.DataFrame({"unit_code": list(UNITS), "uk2023": [u[0] for u in UNITS.values()],
                       "lad2018": [u[1] for u in UNITS.values()]})
POPULATION = pd.DataFrame({"unit_code": list(UNITS), "age0": [1.0] * len(UNITS),
                           "age0_2": [u[2] for u in UNITS.values()], "estimated": [False] * len(UNITS)})
AREAS = pd.DataFrame({"code": list("PQRSTW"), "name": [f"Area {c}" for c in "PQRSTW"],
                      "nation": ["England"] * 5 + ["Wales"]})


def _row(team_id: str, status: str, start: str, end: str | None, catchment: str, *, nation: str = "England",
         grade: str = EvidenceGrade.FOUNDATION) -> dict:
    return {"team_id": team_id, "name": team_id.title(), "nation": nation, "status": status,
            "evidence_grade": grade, "catchment": catchment, "from_date": pd.Timestamp(start),
            "to_date": pd.Timestamp(end) if end else pd.NaT}


# p2 is the one small area of district D12, which both alpha's and beta's catchments list.
ALPHA, BETA = "lad2018:D1;lad2018:D12", "lad2018:D12;lad2018:D2"
TEAMS = pd.DataFrame([
    _row("alpha", OPERATING, "2015-01-01", "2021-06-30", ALPHA),
    _row("beta", OPERATING, "2021-01-01", None, BETA),
    _row("gamma", OPERATING, "2015-01-01", "2020-12-31", "lad2018:D3"),
    _row("gamma", OPERATING, "2021-01-01", None, "lad2018:D3;lad2018:D4"),
    _row("delta", DEVELOPMENT, "2019-01-01", "2020-12-31", "lad2018:D5", grade=EvidenceGrade.SERVICE),
    _row("delta", OPERATING, "2021-01-01", None, "lad2018:D5", grade=EvidenceGrade.SERVICE),
    _row("epsilon", OPERATING, "2015-01-01", None, "lad2018:D7"),
    _row("cymru", OPERATING, "2021-03-01", None, "lad2018:D6", nation="Wales", grade=EvidenceGrade.SERVICE),
    _row("zeta", OPERATING, "2015-01-01", "2019-12-31", "lad2018:D8"),
    _row("zeta", CLOSED, "2020-01-01", None, "lad2018:D8"),
    _row("sp-x", TeamStatus.SPECIALIST, "2015-01-01", None, "lad2018:D8"),
])
REGISTER = Register(source="synthetic.csv", sha256="a" * 64, teams=TEAMS)


def _inputs(as_of: date, *, register: Register = REGISTER, **changes: Any) -> Inputs:
    selection = replace(Selection("uk2023", 2020, as_of), **changes)
    return Inputs(selection=selection, register=register, lookup=LOOKUP, population=POPULATION, areas=AREAS,
                  teams=teams_as_of(selection.graded(register.teams), as_of))


def _changes(before: date = BEFORE, after: date = AFTER, **changes: Any) -> Changes:
    return compute_changes(_inputs(before, **changes), _inputs(after, **changes))


def test_the_synthetic_lookup_puts_p2_in_both_catchments():
    """The premise of the area P case: p2 is in alpha's and in beta's catchment, p1 only in alpha's, p3 only in beta's."""
    from mapping.analysis.coverage import unit_coverage
    from mapping.inputs.teams import catchment_table

    units = unit_coverage(catchment_table(TEAMS[TEAMS["team_id"].isin(["alpha", "beta"])]), LOOKUP)
    pairs = set(map(tuple, units[["unit_code", "team_id"]].to_numpy()))
    assert pairs == {("p1", "alpha"), ("p2", "alpha"), ("p2", "beta"), ("p3", "beta")}


# --- teams --------------------------------------------------------------------------------------------------------


def test_each_kind_of_team_change_once_in_order():
    teams = _changes().teams
    assert list(teams.columns) == list(TEAM_COLUMNS)
    assert teams[["team_id", "change"]].to_numpy().tolist() == [
        ["beta", TeamChange.STARTED], ["cymru", TeamChange.STARTED],  # England before Wales
        ["alpha", TeamChange.CLOSED], ["delta", TeamChange.STATUS], ["gamma", TeamChange.CATCHMENT]]
    by_id = teams.set_index("team_id")
    assert by_id.loc["beta", ["status_before", "status_after", "catchment_before", "catchment_after"]].tolist() == [
        "", OPERATING, "", BETA]
    assert by_id.loc["alpha", ["status_before", "status_after", "catchment_before", "catchment_after"]].tolist() == [
        OPERATING, "", ALPHA, ""]
    assert by_id.loc["delta", ["status_before", "status_after"]].tolist() == [DEVELOPMENT, OPERATING]
    assert by_id.loc["delta", "evidence_grade"] == EvidenceGrade.SERVICE
    assert by_id.loc["gamma", ["catchment_before", "catchment_after"]].tolist() == [
        "lad2018:D3", "lad2018:D3;lad2018:D4"]
    assert by_id.loc["cymru", "nation"] == "Wales"


def test_a_team_that_closes_is_counted_up_to_its_end_date_and_not_after():
    on_last_day = _changes(after=date(2021, 6, 30)).teams
    assert "alpha" not in set(on_last_day["team_id"])  # still operating on 30 June 2021, its end date
    day_after = _changes(after=date(2021, 7, 1)).teams
    assert day_after.loc[day_after["team_id"] == "alpha", "change"].tolist() == [TeamChange.CLOSED]


def test_a_closed_row_is_a_closure_and_a_team_closed_at_both_dates_is_not_listed():
    spanning = _changes(before=date(2019, 7, 1)).teams.set_index("team_id")
    assert spanning.loc["zeta", "change"] == TeamChange.CLOSED
    assert spanning.loc["zeta", "status_after"] == CLOSED and spanning.loc["zeta", "catchment_after"] == ""
    assert "zeta" not in set(_changes().teams["team_id"])  # closed on both 1 July 2020 and 1 July 2021


def test_specialist_rows_are_never_teams():
    assert "sp-x" not in set(_changes(before=date(2014, 7, 1)).teams["team_id"])


def test_a_team_with_a_status_and_a_catchment_change_has_one_row_per_change():
    teams = TEAMS.copy()
    teams.loc[(teams["team_id"] == "delta") & (teams["status"] == OPERATING), "catchment"] = "lad2018:D5;lad2018:D8"
    register = Register(source="synthetic.csv", sha256="b" * 64, teams=teams)
    changes = compute_changes(_inputs(BEFORE, register=register), _inputs(AFTER, register=register))
    delta = changes.teams[changes.teams["team_id"] == "delta"]
    assert delta["change"].tolist() == [TeamChange.STATUS, TeamChange.CATCHMENT]
    assert changes.total()["teams_status_changed"] == 1 and changes.total()["teams_catchment_changed"] == 2


def test_a_catchment_listed_in_another_order_is_the_same_catchment():
    teams = TEAMS.copy()
    later = (teams["team_id"] == "gamma") & (teams["from_date"] == pd.Timestamp("2021-01-01"))
    teams.loc[later, "catchment"] = "lad2018:D3"
    teams.loc[(teams["team_id"] == "gamma") & ~later, "catchment"] = "lad2018:D3"
    register = Register(source="synthetic.csv", sha256="c" * 64, teams=teams)
    assert "gamma" in set(_changes().teams["team_id"])
    same = compute_changes(_inputs(BEFORE, register=register), _inputs(AFTER, register=register))
    assert "gamma" not in set(same.teams["team_id"])
    reordered = teams.copy()
    reordered.loc[later, "catchment"] = "lad2018:D4;lad2018:D3"
    reordered.loc[(reordered["team_id"] == "gamma") & ~later, "catchment"] = "lad2018:D3;lad2018:D4"
    register = Register(source="synthetic.csv", sha256="d" * 64, teams=reordered)
    assert "gamma" not in set(compute_changes(_inputs(BEFORE, register=register),
                                              _inputs(AFTER, register=register)).teams["team_id"])


def test_the_grades_of_the_selection_decide_which_teams_count():
    foundation = _changes(grades=(EvidenceGrade.FOUNDATION,))
    assert set(foundation.teams["team_id"]) == {"beta", "alpha", "gamma"}  # delta and cymru are 'service'
    assert foundation.areas.set_index("code").loc["R", "gained"] == 0.0  # delta does not count
    assert foundation.areas.set_index("code").loc["W", "gained"] == 0.0


def test_a_grade_that_takes_a_team_out_of_the_selection_is_a_grade_change_not_a_closure():
    """SYNTHETIC: delta is named by the Foundation while in development, then described by its NHS body."""
    teams = TEAMS.copy()
    teams.loc[(teams["team_id"] == "delta") & (teams["status"] == DEVELOPMENT), "evidence_grade"] = (
        EvidenceGrade.FOUNDATION)
    register = Register(source="synthetic.csv", sha256="8" * 64, teams=teams)
    foundation = (EvidenceGrade.FOUNDATION,)
    changes = compute_changes(_inputs(BEFORE, register=register, grades=foundation),
                              _inputs(AFTER, register=register, grades=foundation))
    delta = changes.teams[changes.teams["team_id"] == "delta"]
    assert delta["change"].tolist() == [TeamChange.STATUS, TeamChange.GRADE]
    assert delta[["grade_before", "grade_after", "evidence_grade"]].to_numpy().tolist() == [
        [EvidenceGrade.FOUNDATION, EvidenceGrade.SERVICE, EvidenceGrade.FOUNDATION]] * 2
    assert changes.total()["teams_closed"] == 1  # alpha only
    assert changes.total()["teams_grade_changed"] == 1
    assert changes.areas.set_index("code").loc["R", "covered_after"] == 0.0  # a service-graded team does not count
    every = compute_changes(_inputs(BEFORE, register=register), _inputs(AFTER, register=register))
    assert every.teams.loc[every.teams["team_id"] == "delta", "change"].tolist() == [TeamChange.STATUS,
                                                                                     TeamChange.GRADE]
    assert every.areas.set_index("code").loc["R", "covered_after"] == 100.0
    assert "1 changed evidence grade; " in summary_text(every)
    assert "changed evidence grade" not in summary_text(_changes())


# --- babies ---------------------------------------------------------------------------------------------------------


def test_an_area_covered_at_both_dates_by_different_small_areas_gains_and_loses():
    areas = _changes().areas.set_index("code")
    p = areas.loc["P"]
    assert (p["babies"], p["covered_before"], p["covered_after"]) == (70.0, 30.0, 60.0)
    assert (p["gained"], p["lost"], p["net"]) == (40.0, 10.0, 30.0)  # p3 gained, p1 lost, p2 covered throughout
    assert (p["teams_before"], p["teams_after"]) == ("alpha", "beta")


def test_every_area_gets_a_row_with_the_hand_checked_figures():
    areas = _changes().areas
    assert list(areas.columns) == list(AREA_COLUMNS)
    assert areas["code"].tolist() == list("PQRSTW")
    table = areas.set_index("code")[["covered_before", "covered_after", "gained", "lost", "net"]]
    assert table.to_dict("index") == {
        "P": {"covered_before": 30.0, "covered_after": 60.0, "gained": 40.0, "lost": 10.0, "net": 30.0},
        "Q": {"covered_before": 5.0, "covered_after": 12.0, "gained": 7.0, "lost": 0.0, "net": 7.0},
        "R": {"covered_before": 0.0, "covered_after": 100.0, "gained": 100.0, "lost": 0.0, "net": 100.0},
        "S": {"covered_before": 50.0, "covered_after": 50.0, "gained": 0.0, "lost": 0.0, "net": 0.0},
        "T": {"covered_before": 0.0, "covered_after": 0.0, "gained": 0.0, "lost": 0.0, "net": 0.0},
        "W": {"covered_before": 0.0, "covered_after": 8.0, "gained": 8.0, "lost": 0.0, "net": 8.0},
    }
    assert (areas["net"] == areas["gained"] - areas["lost"]).all()


def test_the_age_band_of_the_selection_counts_the_babies():
    areas = _changes(age="0").areas.set_index("code")  # SYNTHETIC: one baby aged 0 in every small area
    assert areas.loc["P", ["babies", "covered_before", "covered_after", "gained", "lost"]].tolist() == [
        3.0, 2.0, 2.0, 1.0, 1.0]


def test_covered_at_each_date_is_the_coverage_engine_of_compute_gaps():
    from mapping.analysis.coverage import coverage_by_area, covering_units

    for when, column in ((BEFORE, "covered_before"), (AFTER, "covered_after")):
        inputs = _inputs(when)
        gaps = coverage_by_area(covering_units(inputs), POPULATION, LOOKUP, AREAS, "uk2023").set_index("code")
        ours = _changes().areas.set_index("code")[column]
        assert ours.tolist() == gaps.loc[ours.index, "covered_age0_2"].tolist()


def test_totals_for_the_uk_and_each_nation():
    changes = _changes()
    assert list(changes.totals.columns) == list(TOTAL_COLUMNS)
    assert changes.totals["scope"].tolist() == ["UK", "England", "Wales"]
    uk, england, wales = changes.total("UK"), changes.total("England"), changes.total("Wales")
    assert (uk["areas"], uk["babies"], uk["covered_before"], uk["covered_after"]) == (6, 243.0, 85.0, 230.0)
    assert (uk["gained"], uk["lost"], uk["net"]) == (155.0, 10.0, 145.0)
    assert (uk["teams_started"], uk["teams_closed"], uk["teams_status_changed"], uk["teams_catchment_changed"]) == (
        2, 1, 1, 1)
    assert (england["gained"], england["lost"], england["net"], england["teams_started"]) == (147.0, 10.0, 137.0, 1)
    assert (wales["areas"], wales["gained"], wales["teams_started"], wales["teams_closed"]) == (1, 8.0, 1, 0)
    with pytest.raises(ChangesError, match="no totals for 'Scotland'"):
        changes.total("Scotland")


def test_the_same_date_twice_changes_nothing():
    changes = _changes(before=AFTER, after=AFTER)
    assert changes.teams.empty and list(changes.teams.columns) == list(TEAM_COLUMNS)
    assert (changes.areas[["gained", "lost", "net"]] == 0).all().all()
    assert changes.total()["teams_started"] == 0


def test_the_summary_says_the_dates_the_counts_and_the_population_year():
    text = summary_text(_changes())
    assert text.splitlines()[0] == ("Between 1 July 2020 and 1 July 2021: 2 teams started, 1 closed, 1 changed status, "
                                    "1 changed catchment; 155 babies aged 0-2 gained a team's coverage, 10 lost it "
                                    "(net +145).")
    assert "Mid-2020 population" in text and "uk2023" in text
    assert long_date(date(2019, 7, 1)) == "1 July 2019"


# --- refusals -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "words"), [
    ({"year": 2019}, "population year (2020 at 2020-07-01, 2019 at 2021-07-01)"),
    ({"age": "0"}, "age band (0-2 at 2020-07-01, 0 at 2021-07-01)"),
    ({"grades": (EvidenceGrade.FOUNDATION,)}, "evidence grades (all at 2020-07-01, foundation at 2021-07-01)"),
    ({"geography": "ccg2018"}, "geography (uk2023 at 2020-07-01, ccg2018 at 2021-07-01)"),
])
def test_selections_that_differ_in_more_than_the_date_are_refused(change, words):
    with pytest.raises(ChangesError, match="differing only in the date") as caught:
        compute_changes(_inputs(BEFORE), _inputs(AFTER, **change))
    assert words in str(caught.value)
    assert isinstance(caught.value, PimapError)


def test_two_registers_are_refused_and_both_differences_are_named():
    other = Register(source="other.csv", sha256="e" * 64, teams=TEAMS)
    with pytest.raises(ChangesError) as caught:
        compute_changes(_inputs(BEFORE), _inputs(AFTER, register=other, year=2019))
    message = str(caught.value)
    assert "register of teams (synthetic.csv, sha256 aaaaaaaaaaaa, and other.csv, sha256 eeeeeeeeeeee)" in message
    assert "population year" in message


def test_the_later_date_first_is_refused():
    with pytest.raises(ChangesError, match=r"first date \(2021-07-01\) is after the second \(2020-07-01\)"):
        compute_changes(_inputs(AFTER), _inputs(BEFORE))


def test_two_rows_of_one_team_on_one_date_are_refused():
    doubled = pd.concat([TEAMS, TEAMS[TEAMS["team_id"] == "epsilon"]], ignore_index=True)
    register = Register(source="synthetic.csv", sha256="f" * 64, teams=doubled)
    with pytest.raises(ChangesError, match="epsilon have more than one register row"):
        compute_changes(_inputs(BEFORE, register=register), _inputs(AFTER, register=register))


# --- the command line, without real data ---------------------------------------------------------------------------


def _fake_data(monkeypatch) -> list[Selection]:
    """Point the command at the SYNTHETIC inputs above (any selection's date) and give no sources."""
    import mapping.analysis.selection as selection
    import mapping.inputs.provenance as provenance

    asked: list[Selection] = []

    def load(chosen: Selection) -> Inputs:
        asked.append(chosen)
        return Inputs(selection=chosen, register=REGISTER, lookup=LOOKUP, population=POPULATION, areas=AREAS,
                      teams=teams_as_of(chosen.graded(REGISTER.teams), chosen.as_of))

    monkeypatch.setattr(selection, "load_inputs", load)
    monkeypatch.setattr(provenance, "sources_for", lambda s, **k: [])
    return asked


def _run(argv: list[str]) -> int:
    from mapping.cli import main

    return main(["changes", *argv])


def test_the_command_refuses_the_later_date_first_before_loading_anything(monkeypatch, capsys):
    asked = _fake_data(monkeypatch)
    assert _run(["--from", "2021-07-01", "--to", "2020"]) == 2
    err = capsys.readouterr().err
    assert "--from 2021-07-01 is after --to 2020-07-01" in err and asked == []


def test_the_command_refuses_a_table_without_csv_and_a_bad_date(monkeypatch, capsys):
    asked = _fake_data(monkeypatch)
    assert _run(["--from", "2020", "--to", "2021", "--format", "json", "--table", "teams"]) == 2
    assert "--table chooses the table of --format csv" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        _run(["--from", "2020-13", "--to", "2021"])
    assert caught.value.code == 2 and "month 13" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _run(["--to", "2021"])  # --from is required
    assert "--from" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _run(["--from", "2020", "--to", "2021", "--table", "everything"])
    assert asked == []


def test_the_command_refuses_an_existing_out_file_before_computing(monkeypatch, tmp_path, capsys):
    asked = _fake_data(monkeypatch)
    target = tmp_path / "changes.csv"
    target.write_text("kept")
    assert _run(["--from", "2020", "--to", "2021", "--format", "csv", "--out", str(target)]) == 2
    assert "--force" in capsys.readouterr().err and target.read_text() == "kept" and asked == []


def test_the_command_reads_both_dates_on_one_selection(monkeypatch, capsys):
    asked = _fake_data(monkeypatch)
    assert _run(["--from", "2020", "--to", "2021", "--year", "2020", "--age", "0", "--grades", "foundation"]) == 0
    before, after = asked
    assert (before.as_of, after.as_of) == (BEFORE, AFTER)
    assert replace(before, as_of=AFTER) == after
    assert (after.geography, after.year, after.age, after.grades) == ("uk2023", 2020, "0", ("foundation",))
    assert capsys.readouterr().out.startswith("Between 1 July 2020 and 1 July 2021: 1 team started, 1 closed")


def test_the_text_output_lists_the_summary_the_teams_and_the_changed_areas(monkeypatch, capsys):
    _fake_data(monkeypatch)
    assert _run(["--from", "2020", "--to", "2021", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert out.index("Between 1 July 2020") < out.index("Team changes (5):") < out.index("Areas where coverage")
    assert "  closed: Alpha (alpha; England; grade foundation): operating -> no team; catchment lad2018:D1;lad2018:D12" in out
    assert "  catchment changed: Gamma (gamma; England; grade foundation): catchment lad2018:D3 -> " \
           "lad2018:D3;lad2018:D4" in out
    assert "Areas where coverage or the serving teams changed (4 of 6), babies aged 0-2:" in out
    assert "  Area P (P, England): 70 babies; covered 30 -> 60: gained 40, lost 10, net +30; teams alpha -> beta" in out
    assert "  Area R (R, England): 100 babies; covered 0 -> 100: gained 100, lost 0, net +100; teams none -> delta" in out
    assert "Area S (S" not in out and "Area T (T" not in out  # no change there


def test_an_area_whose_team_changes_but_not_its_babies_is_listed(monkeypatch, capsys):
    """SYNTHETIC: epsilon closes at the end of 2020 and eta takes over its catchment on 1 January 2021."""
    import mapping.analysis.selection as selection

    teams = TEAMS.copy()
    teams.loc[teams["team_id"] == "epsilon", "to_date"] = pd.Timestamp("2020-12-31")
    teams = pd.concat([teams, pd.DataFrame([_row("eta", OPERATING, "2021-01-01", None, "lad2018:D7")])],
                      ignore_index=True)
    register = Register(source="synthetic.csv", sha256="9" * 64, teams=teams)
    _fake_data(monkeypatch)
    monkeypatch.setattr(selection, "load_inputs", lambda s: Inputs(
        selection=s, register=register, lookup=LOOKUP, population=POPULATION, areas=AREAS,
        teams=teams_as_of(s.graded(teams), s.as_of)))
    assert _run(["--from", "2020", "--to", "2021", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "  Area S (S, England): 50 babies; covered 50 -> 50: gained 0, lost 0, net +0; teams epsilon -> eta" in out
    assert "(5 of 6)" in out


def test_the_csv_tables_round_trip_with_their_provenance_lines(monkeypatch, capsys, tmp_path):
    _fake_data(monkeypatch)
    assert _run(["--from", "2020", "--to", "2021", "--year", "2020", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# title: Babies aged 0-2 whose parent-infant team coverage changed, by area (uk2023)")
    assert "# data date: teams on 2020-07-01 and on 2021-07-01; population mid-2020 at both dates" in text
    areas = pd.read_csv(io.StringIO(text), comment="#", keep_default_na=False)
    assert list(areas.columns) == list(AREA_COLUMNS)
    assert areas.set_index("code").loc["P", ["gained", "lost", "net"]].tolist() == [40.0, 10.0, 30.0]
    target = tmp_path / "teams.csv"
    assert _run(["--from", "2020", "--to", "2021", "--year", "2020", "--format", "csv", "--table", "teams",
                 "--out", str(target)]) == 0
    assert target.read_bytes().startswith("\ufeff# title: ".encode())  # a file, as the app's downloads
    teams = pd.read_csv(target, comment="#", keep_default_na=False, encoding="utf-8-sig")
    assert teams[["team_id", "change"]].to_numpy().tolist() == [
        ["beta", "started"], ["cymru", "started"], ["alpha", "closed"], ["delta", "status changed"],
        ["gamma", "catchment changed"]]


def test_the_json_holds_every_table_and_the_selection(monkeypatch, capsys):
    _fake_data(monkeypatch)
    assert _run(["--from", "2020", "--to", "2021", "--year", "2020", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["from"], payload["to"], payload["geography"], payload["population_year"]) == (
        "2020-07-01", "2021-07-01", "uk2023", 2020)
    assert payload["register"] == {"source": "synthetic.csv", "sha256": "a" * 64} and payload["grades"] == "all"
    assert [t["scope"] for t in payload["totals"]] == ["UK", "England", "Wales"]
    assert payload["totals"][0]["net"] == 145.0 and len(payload["areas"]) == 6 and len(payload["teams"]) == 5


def test_the_year_defaults_to_the_latest_with_estimates(monkeypatch, capsys):
    import boundaries

    asked = _fake_data(monkeypatch)
    assert _run(["--from", "2020", "--to", "2021", "--format", "json"]) == 0
    assert {s.year for s in asked} == {max(boundaries.POPULATION_YEARS)}
    capsys.readouterr()


def test_the_command_is_registered_with_its_options():
    from mapping.cli import build_parser

    args = build_parser().parse_args(["changes", "--from", "2019", "--to", "2022-07-01"])
    assert isinstance(args, argparse.Namespace)
    assert (args.from_date, args.to_date, args.geography, args.format, args.table) == (
        date(2019, 7, 1), date(2022, 7, 1), "uk2023", "text", None)
