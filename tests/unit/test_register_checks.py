"""The register's checks, each named by its row and column, on SYNTHETIC rows and synthetic area tables.

One test per check the issue lists: the evidence grade's vocabulary, dates before 1990, an operating period
that starts after today, a base in the wrong nation (per-nation boxes), names over 300 characters and markup
in any text field; and that the older checks (duplicate and overlapping periods, unknown codes with the
vintage hint, a catchment in another nation) still report row and column beside them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from teams_helpers import good_row as _good_row
from teams_helpers import write_csv

from mapping.inputs.teams import (
    MAX_SHORT_TEXT,
    NATION_BOXES,
    TEAM_COLUMNS,
    TEXT_COLUMNS,
    TeamsFileError,
    read_teams_csv,
    validate_teams,
)
from mapping.inputs.vocabulary import EVIDENCE_GRADES, EvidenceGrade

AREAS = {
    "lad2018": pd.DataFrame({
        "code": ["E06000026", "E09000007", "W06000015"],
        "name": ["Plymouth", "Camden", "Cardiff"],
        "nation": ["England", "England", "Wales"],
    }),
    "lad2023": pd.DataFrame({"code": ["E06000058"], "name": ["BCP"], "nation": ["England"]}),
    "hb2019": pd.DataFrame({"code": ["S08000029"], "name": ["Fife"], "nation": ["Scotland"]}),
}
TODAY = date(2026, 12, 1)


def good_row(**changes: str) -> dict[str, str]:
    return _good_row(**{"evidence_grade": "foundation", **changes})


def check(path: Path, today: date = TODAY) -> pd.DataFrame:
    return validate_teams(read_teams_csv(path), area_table=AREAS.__getitem__, geography_ids=tuple(AREAS),
                          path=path, today=today)


def problems(tmp_path: Path, *rows: dict[str, str], today: date = TODAY) -> list[str]:
    with pytest.raises(TeamsFileError) as info:
        check(write_csv(tmp_path / "t.csv", list(rows)), today)
    return info.value.problems


def one_problem(tmp_path: Path, **changes: str) -> str:
    """The single problem of a file whose second row (row 3) has ``changes``."""
    found = problems(tmp_path, good_row(team_id="camden", catchment="lad2018:E09000007"), good_row(**changes))
    assert len(found) == 1, found
    return found[0]


def test_the_grade_vocabulary_and_its_column_place():
    assert EVIDENCE_GRADES == ("foundation", "service", "mention")
    assert EvidenceGrade.SERVICE == "service"
    assert TEAM_COLUMNS.index("evidence_grade") == TEAM_COLUMNS.index("status") + 1


def test_every_grade_is_accepted(tmp_path):
    rows = [good_row(team_id=f"t-{g}", evidence_grade=g) for g in EVIDENCE_GRADES]
    frame = check(write_csv(tmp_path / "t.csv", rows))
    assert list(frame["evidence_grade"]) == list(EVIDENCE_GRADES)


@pytest.mark.parametrize(("grade", "expected"), [
    ("strong", "row 3, column evidence_grade: unknown evidence grade 'strong'; use one of: foundation, service, mention"),
    ("Foundation", "row 3, column evidence_grade: unknown evidence grade 'Foundation'"),
    ("", "row 3, column evidence_grade: empty evidence grade; use one of: foundation, service, mention"),
])
def test_a_grade_outside_the_vocabulary_is_refused(tmp_path, grade, expected):
    assert one_problem(tmp_path, evidence_grade=grade).startswith(expected)


def test_a_file_without_the_grade_column_is_refused_at_row_1(tmp_path):
    columns = [c for c in TEAM_COLUMNS if c != "evidence_grade"]
    with pytest.raises(TeamsFileError) as info:
        check(write_csv(tmp_path / "t.csv", [good_row()], columns))
    assert info.value.problems == ["row 1, column evidence_grade: missing column"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"from": "1989-12"}, "row 3, column from: '1989-12' is before 1990"),
    ({"from": "1919"}, "row 3, column from: '1919' is before 1990"),
    ({"from": "1985", "to": "1989-12-31", "status": "in development"}, "row 3, column from: '1985' is before 1990"),
])
def test_dates_before_1990_are_refused(tmp_path, changes, expected):
    found = problems(tmp_path, good_row(team_id="camden", catchment="lad2018:E09000007"), good_row(**changes))
    assert found[0].startswith(expected), found
    if changes.get("to"):
        assert found[1].startswith("row 3, column to: '1989-12-31' is before 1990"), found


def test_1990_itself_is_accepted(tmp_path):
    frame = check(write_csv(tmp_path / "t.csv", [good_row(**{"from": "1990-01-01"})]))
    assert frame.loc[0, "from_date"] == pd.Timestamp("1990-01-01")


def test_an_operating_period_starting_after_today_is_refused(tmp_path):
    found = one_problem(tmp_path, **{"from": "2026-12-02"})
    assert found == ("row 3, column from: an operating period cannot start in the future ('2026-12-02' is after "
                     "2026-12-01); enter it as 'in development' until the team opens")


def test_today_itself_and_a_future_development_period_are_accepted(tmp_path):
    rows = [good_row(**{"from": "2026-12-01"}), good_row(team_id="camden", catchment="lad2018:E09000007",
                                                        status="in development", **{"from": "2027"})]
    assert len(check(write_csv(tmp_path / "t.csv", rows))) == 2


def test_today_defaults_to_the_day_of_the_check(tmp_path):
    path = write_csv(tmp_path / "t.csv", [good_row(**{"from": "2999"})])
    with pytest.raises(TeamsFileError, match="operating period cannot start in the future"):
        validate_teams(read_teams_csv(path), area_table=AREAS.__getitem__, geography_ids=tuple(AREAS))


@pytest.mark.parametrize(("changes", "expected"), [
    # a team in Wales based in Plymouth (England): outside the Welsh box
    ({"nation": "Wales", "catchment": "lad2018:W06000015", "base_lon": "-4.14", "base_lat": "50.37",
      "location_precision": "town"}, "row 3, column base_lon: base (-4.14, 50.37) is outside Wales"),
    # a team in England based in Edinburgh: inside the UK box, outside England's
    ({"base_lon": "-3.19", "base_lat": "55.95", "location_precision": "exact"},
     "row 3, column base_lon: base (-3.19, 55.95) is outside England"),
    # a team in Scotland based in London
    ({"nation": "Scotland", "catchment": "hb2019:S08000029", "base_lon": "-0.12", "base_lat": "51.5",
      "location_precision": "town"}, "row 3, column base_lon: base (-0.12, 51.5) is outside Scotland"),
])
def test_a_base_in_the_wrong_nation_is_reported(tmp_path, changes, expected):
    assert one_problem(tmp_path, **changes).startswith(expected)


def test_a_base_in_its_own_nation_is_accepted(tmp_path):
    rows = [good_row(base_lon="-4.14", base_lat="50.37", location_precision="town"),
            good_row(team_id="fife", nation="Scotland", catchment="hb2019:S08000029", base_lon="-3.16",
                     base_lat="56.13", location_precision="exact"),
            good_row(team_id="cardiff", nation="Wales", catchment="lad2018:W06000015", base_lon="-3.18",
                     base_lat="51.48", location_precision="town")]
    assert len(check(write_csv(tmp_path / "t.csv", rows))) == 3


def test_the_nation_boxes_hold_their_capital_and_overlap_as_documented():
    capitals = {"England": (-0.13, 51.51), "Wales": (-3.18, 51.48), "Scotland": (-3.19, 55.95),
                "Northern Ireland": (-5.93, 54.6)}

    def inside(nation: str, place: str) -> bool:
        lon_min, lat_min, lon_max, lat_max = NATION_BOXES[nation]
        lon, lat = capitals[place]
        return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max

    assert all(inside(nation, nation) for nation in NATION_BOXES)
    assert not inside("Wales", "England") and not inside("Scotland", "England") and not inside("England", "Scotland")
    assert inside("England", "Northern Ireland") and inside("Scotland", "Northern Ireland")  # why shapes come first


def test_with_nation_shapes_a_base_on_another_nations_land_is_reported(tmp_path):
    """A SYNTHETIC nations_at: everything west of -5.4 is Northern Ireland, the rest England."""
    def nations_at(lon: float, lat: float) -> list[str]:
        return ["Northern Ireland"] if lon < -5.4 else ["England"]

    rows = [good_row(team_id="camden", catchment="lad2018:E09000007"),
            good_row(base_lon="-5.93", base_lat="54.6", location_precision="exact")]
    path = write_csv(tmp_path / "t.csv", rows)
    with pytest.raises(TeamsFileError) as info:
        validate_teams(read_teams_csv(path), area_table=AREAS.__getitem__, geography_ids=tuple(AREAS),
                       today=TODAY, nations_at=nations_at)
    assert info.value.problems == ["row 3, column base_lon: base (-5.93, 54.6) is not in England: it is in "
                                   "Northern Ireland; check the coordinates or the row's nation"]
    fine = [good_row(base_lon="-4.14", base_lat="50.37", location_precision="town")]
    frame = validate_teams(read_teams_csv(write_csv(tmp_path / "u.csv", fine)), area_table=AREAS.__getitem__,
                           geography_ids=tuple(AREAS), today=TODAY, nations_at=nations_at)
    assert len(frame) == 1


@pytest.mark.parametrize("column", ["name", "also_known_as", "host_organisation"])
def test_a_name_over_300_characters_is_refused(tmp_path, column):
    found = one_problem(tmp_path, **{column: "x" * (MAX_SHORT_TEXT + 1)})
    assert found == f"row 3, column {column}: 301 characters; at most 300 (put explanations in notes)"


def test_300_characters_and_long_sources_and_notes_are_accepted(tmp_path):
    row = good_row(name="x" * MAX_SHORT_TEXT, source="s" * 2000, notes="n" * 2000)
    assert len(check(write_csv(tmp_path / "t.csv", [row]))) == 1


@pytest.mark.parametrize("column", TEXT_COLUMNS)
@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "babies aged <3", "a > b", "<b>bold</b>"])
def test_markup_in_any_text_field_is_refused_with_the_fix(tmp_path, column, text):
    found = one_problem(tmp_path, **{column: text})
    assert found.startswith(f"row 3, column {column}: contains '<' or '>': markup is not accepted; write the "
                            "text without angle brackets"), found


def test_the_old_checks_keep_their_row_and_column_beside_the_new(tmp_path):
    rows = [
        good_row(),                                                         # row 2
        good_row(**{"from": "2019-01-01"}),                                 # row 3: duplicate (team_id, from)
        good_row(team_id="b", status="in development", to="2020"),          # row 4
        good_row(team_id="b", **{"from": "2020-06"}),                       # row 5: overlaps row 4
        good_row(team_id="c", catchment="lad2018:E06000058"),               # row 6: wrong vintage
        good_row(team_id="d", catchment="lad2018:W06000015"),               # row 7: catchment in Wales
        good_row(team_id="e", evidence_grade="weak", name="<i>e</i>"),      # row 8: two new checks
    ]
    found = problems(tmp_path, *rows)
    assert [p.split(":")[0] for p in found] == [
        "row 3, column from", "row 5, column from", "row 6, column catchment", "row 7, column catchment",
        "row 8, column evidence_grade", "row 8, column name"]
    assert "duplicate (team_id, from) = (plymouth-imht, 2019-01-01); also row 2" in found[0]
    assert "overlaps its period in row 4" in found[1]
    assert "it exists in lad2023 (wrong vintage?)" in found[2]
    assert "(Cardiff) is in Wales, but the row's nation is England" in found[3]


# --- the grades a selection counts (SYNTHETIC register; nothing is loaded) ------------------------------


def _selection(grades: tuple[str, ...] | None = None):
    from mapping.analysis.selection import Selection

    return Selection("uk2023", 2020, date(2022, 7, 1), grades=grades)


def test_a_selections_grades_are_part_of_its_identity_in_one_order():
    from dataclasses import replace

    everything = _selection()
    assert everything.grades is None
    foundation = _selection(("foundation",))
    assert foundation != everything and hash(foundation) != hash(everything)
    assert _selection(("service", "foundation")) == _selection(("foundation", "service", "foundation"))
    assert _selection(("service", "foundation")).grades == ("foundation", "service")
    assert replace(everything, grades=("mention",)).grades == ("mention",)


@pytest.mark.parametrize(("grades", "message"), [
    (("strong",), "unknown evidence grade\\(s\\) 'strong'; choose from foundation, service, mention"),
    ((), "choose at least one evidence grade"),
    ("foundation", "must be a tuple of grades"),
])
def test_a_selection_refuses_grades_outside_the_vocabulary(grades, message):
    from mapping.errors import PimapError

    with pytest.raises(PimapError, match=message):
        _selection(grades)


def test_graded_keeps_only_the_chosen_grades():
    frame = pd.DataFrame({"team_id": ["a", "b", "c"], "evidence_grade": ["foundation", "service", "mention"]})
    assert _selection().graded(frame) is frame
    assert list(_selection(("foundation",)).graded(frame)["team_id"]) == ["a"]
    assert list(_selection(("mention", "service")).graded(frame)["team_id"]) == ["b", "c"]
