"""The selection of inputs and the one small-area sum, on SYNTHETIC frames (no real data is read)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from mapping.analysis.selection import FoiReplies, Inputs, Register, Selection
from mapping.analysis.sums import sum_to_areas, to_areas
from mapping.errors import GeographyError, PimapError, PopulationError
from mapping.inputs.vocabulary import TeamStatus

AS_OF = date(2020, 7, 1)


def _register(sha: str, teams: pd.DataFrame | None = None, source: str = "teams.csv") -> Register:
    return Register(source=source, sha256=sha, teams=teams if teams is not None else pd.DataFrame())


# --- Selection ---------------------------------------------------------------------------------------------


def test_a_selection_refuses_what_has_no_figures():
    with pytest.raises(GeographyError, match="unknown geography 'nowhere'"):
        Selection("nowhere", 2020, AS_OF)
    with pytest.raises(PopulationError, match="year 1999"):
        Selection("uk2023", 1999, AS_OF)
    with pytest.raises(PimapError, match="must be a date"):
        Selection("uk2023", 2020, "2020-07-01")  # type: ignore[arg-type]
    with pytest.raises(PimapError, match="age band"):
        Selection("uk2023", 2020, AS_OF, age="0-4")  # type: ignore[arg-type]
    assert issubclass(GeographyError, ValueError) and issubclass(PopulationError, PimapError)


def test_a_selection_names_its_population_column():
    assert Selection("uk2023", 2020, AS_OF).band == "age0_2"
    assert Selection("uk2023", 2020, AS_OF, age="0").band == "age0"


def test_selections_are_equal_and_hash_alike_by_the_register_sha256_not_its_table():
    one = _register("a" * 64, pd.DataFrame({"team_id": ["t1"]}), source="mine.csv")
    same_bytes = _register("a" * 64, pd.DataFrame({"team_id": ["t1", "t2"]}), source="mine.csv")
    other = _register("b" * 64, pd.DataFrame({"team_id": ["t1"]}), source="mine.csv")
    first = Selection("uk2023", 2020, AS_OF, register=one)
    again = Selection("uk2023", 2020, AS_OF, register=same_bytes)
    assert first == again and hash(first) == hash(again)
    assert len({first, again}) == 1
    assert first != Selection("uk2023", 2020, AS_OF, register=other)
    assert first != replace(first, as_of=date(2020, 7, 2))
    assert first != replace(first, age="0")
    assert Selection("uk2023", 2020, AS_OF) != first  # the built-in register is not a brought one


def test_foi_replies_are_identified_by_the_sha256_of_their_bytes():
    a = FoiReplies.from_bytes("replies.csv", b"SYNTHETIC,1\n")
    b = FoiReplies.from_bytes("replies.csv", b"SYNTHETIC,1\n")
    c = FoiReplies.from_bytes("replies.csv", b"SYNTHETIC,2\n")
    assert a == b and hash(a) == hash(b) and a != c
    assert Selection("ccg2018", 2019, AS_OF, foi=a) == Selection("ccg2018", 2019, AS_OF, foi=b)
    assert Selection("ccg2018", 2019, AS_OF, foi=a) != Selection("ccg2018", 2019, AS_OF, foi=c)


# --- Inputs on SYNTHETIC tables ------------------------------------------------------------------------------

TEAMS = pd.DataFrame({
    "team_id": ["t1", "t2", "t3", "pis-x"],
    "name": ["One", "Two", "Three", "Specialists X"],
    "status": [TeamStatus.OPERATING, TeamStatus.IN_DEVELOPMENT, TeamStatus.OPERATING, TeamStatus.SPECIALIST],
    "catchment": ["lad2018:A;ccg2018:C1", "lad2018:B", "lad2018:A", "ccg2018:C2"],
    "source": ["s1", "s2", "s3", "s4"],
})


def _inputs(teams: pd.DataFrame = TEAMS) -> Inputs:
    selection = Selection("uk2023", 2020, AS_OF)
    empty = pd.DataFrame()
    return Inputs(selection=selection, register=_register("c" * 64, teams), lookup=empty, population=empty,
                  areas=empty, teams=teams)


def test_catchments_are_one_row_per_team_and_area_of_the_statuses_asked_for():
    inputs = _inputs()
    operating = inputs.catchments()
    assert list(operating.columns) == ["team_id", "status", "geography", "code"]
    assert sorted(map(tuple, operating[["team_id", "geography", "code"]].to_numpy())) == [
        ("t1", "ccg2018", "C1"), ("t1", "lad2018", "A"), ("t3", "lad2018", "A")]
    both = inputs.catchments([TeamStatus.OPERATING, TeamStatus.IN_DEVELOPMENT])
    assert set(both["team_id"]) == {"t1", "t2", "t3"}
    specialists = inputs.catchments([TeamStatus.SPECIALIST])
    assert specialists[["team_id", "code"]].to_numpy().tolist() == [["pis-x", "C2"]]
    assert inputs.operating["team_id"].tolist() == ["t1", "t3"]
    assert inputs.teams_with([TeamStatus.CLOSED]).empty


def test_catchments_of_no_team_are_an_empty_table_with_the_columns():
    none = _inputs().catchments([TeamStatus.CLOSED])
    assert none.empty and list(none.columns) == ["team_id", "status", "geography", "code"]


# --- the one small-area sum -------------------------------------------------------------------------------

# SYNTHETIC: units u1, u2 in area A; u3 in B; u4 outside the geography; u5 in C (u5 has no population row).
LOOKUP = pd.DataFrame({"unit_code": ["u1", "u2", "u3", "u4", "u5"], "area": ["A", "A", "B", None, "C"]})
POP = pd.DataFrame({
    "unit_code": ["u1", "u2", "u3", "u4"],
    "age0": [1.0, 2.0, 4.0, 8.0],
    "age0_2": [3.0, 6.0, 12.0, 24.0],
    "estimated": [False, True, False, True],
    "level": ["3", "unknown", "3", "3"],
})


def test_sum_to_areas_adds_the_small_areas_of_each_area_and_leaves_out_the_rest():
    sums = sum_to_areas(POP, LOOKUP, "area", ["age0", "age0_2"], any_columns=["estimated"], count="units")
    assert sums.index.tolist() == ["A", "B"]  # u4 is outside the geography; C has no small area in POP
    assert sums.loc["A"].to_dict() == {"age0": 3.0, "age0_2": 9.0, "estimated": True, "units": 2}
    assert sums.loc["B"].to_dict() == {"age0": 4.0, "age0_2": 12.0, "estimated": False, "units": 1}


def test_sum_to_areas_by_a_second_key():
    by_level = sum_to_areas(POP, LOOKUP, "area", ["age0"], by="level")["age0"]
    assert by_level.to_dict() == {("A", "3"): 1.0, ("A", "unknown"): 2.0, ("B", "3"): 4.0}


def test_sum_to_areas_of_several_rows_per_small_area():
    per_team = pd.DataFrame({"unit_code": ["u1", "u1", "u3"], "team_id": ["t1", "t2", "t1"],
                             "families": [10.0, 5.0, 2.5]})
    with pytest.raises(pd.errors.MergeError):
        sum_to_areas(per_team, LOOKUP, "area", ["families"])  # a population table holds each unit once
    sums = sum_to_areas(per_team, LOOKUP, "area", ["families"], one_row_per_unit=False)["families"]
    assert sums.to_dict() == {"A": 15.0, "B": 2.5}
    joined = to_areas(per_team, LOOKUP, "area", one_row_per_unit=False)
    assert joined["code"].tolist() == ["A", "A", "B"]


def test_population_per_area_is_the_one_sum_with_every_area_listed():
    from boundaries.population import aggregate_population
    from mapping.inputs.foi import area_population

    areas = pd.DataFrame({"code": ["C", "B", "A"], "name": ["Cee", "Bee", "Ay"], "nation": ["Wales"] * 3})
    table = aggregate_population(LOOKUP, POP, "area", ("age0", "age0_2"), areas=areas)
    assert table["code"].tolist() == ["C", "B", "A"]  # the areas' order
    assert table["age0"].tolist() == [0.0, 4.0, 3.0] and table["estimated"].tolist() == [False, False, True]
    foi_pop = POP.assign(age0_18=[10.0, 20.0, 40.0, 80.0])
    lookup = LOOKUP[LOOKUP["unit_code"] != "u5"]
    shares = area_population(lookup, foi_pop, "area").set_index("code")
    assert shares.loc["A", "age0_2"] == 9.0 and shares.loc["A", "age0_18"] == 30.0
    assert shares.loc["B", "share_0_2"] == pytest.approx(12.0 / 40.0)
    assert np.isclose(shares["age0_2"].sum(), 21.0)


def test_a_hosted_register_is_the_default_when_pimap_teams_file_is_set(monkeypatch, tmp_path):
    """PIMAP_TEAMS_FILE makes a hosted instance's own register the one every selection without a register uses."""
    from mapping.analysis import selection as S

    hosted = tmp_path / "hosted.csv"
    hosted.write_text("synthetic", encoding="utf-8")
    seen = []
    monkeypatch.setattr(S, "register_from_file", lambda path, source=None: seen.append((path, source)) or "register")
    monkeypatch.setenv("PIMAP_TEAMS_FILE", str(hosted))
    S.clear_caches()
    try:
        assert S.builtin_register() == "register"
        assert seen == [(hosted, None)]  # named by its own file name, not as data/teams.csv
    finally:
        S.clear_caches()
