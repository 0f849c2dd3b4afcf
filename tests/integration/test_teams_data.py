"""The real teams file (data/teams.csv) against its sources' counts, and `pimap teams` on the real boundaries.

Moved from tests/unit/test_teams.py, which keeps the validator's rules on synthetic areas: every test here
reads the real boundaries (the ``mirror`` fixture) or the real register.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
import shapely
from teams_helpers import good_row as _good_row
from teams_helpers import write_csv

from mapping.cli import main
from mapping.inputs.teams import (
    DEFAULT_TEAMS_PATH,
    SPECIALIST_STATUS,
    TEAM_COLUMNS,
    TEAM_STATUSES,
    TeamsFileError,
    load_teams,
    parse_catchment,
    team_counts_by_year,
    teams_as_of,
)


def good_row(**changes: str) -> dict[str, str]:
    """The shared SYNTHETIC row with an evidence grade (the helper predates the column)."""
    return _good_row(**{"evidence_grade": "foundation", **changes})


RARE_JEWELS_LIST = "Rare Jewels (2019), section 7, team list no. "


@pytest.fixture(scope="module")
def teams(mirror) -> pd.DataFrame:
    return load_teams()


def test_real_file_loads_with_every_column_and_a_source_per_row(teams):
    assert DEFAULT_TEAMS_PATH.is_file()
    assert set(TEAM_COLUMNS) <= set(teams.columns)
    assert teams["source"].str.strip().str.len().gt(0).all()
    assert teams["status"].isin(TEAM_STATUSES).all()
    assert teams["from_date"].notna().all()


def test_rare_jewels_list_gives_exactly_27_teams_operating_mid_2019(teams):
    listed = teams[teams["source"].str.startswith(RARE_JEWELS_LIST)]
    numbers = listed["source"].str.extract(r"team list no\. (\d+)", expand=False).astype(int)
    assert sorted(numbers) == list(range(1, 28)), "each of the 27 list entries exactly once"
    current = teams_as_of(listed, "2019-06-30")
    assert current.loc[current["status"] == "operating", "team_id"].nunique() == 27


def test_specialist_areas_are_14_english_1_ni_4_scottish_and_never_counted(teams):
    sp = teams[teams["status"] == SPECIALIST_STATUS]
    assert sp["team_id"].str.startswith("sp-").all()
    assert sp.groupby("nation")["team_id"].nunique().to_dict() == {
        "England": 14, "Northern Ireland": 1, "Scotland": 4}
    without = team_counts_by_year(teams[teams["status"] != SPECIALIST_STATUS], [2019, 2023])
    assert team_counts_by_year(teams, [2019, 2023]).equals(without)


def test_services_starting_in_2019_and_essex_launch(teams):
    mid_2019 = teams_as_of(teams, "2019-07-01")
    developing = set(mid_2019.loc[mid_2019["status"] == "in development", "team_id"])
    assert developing == {"bolton-new", "oldham-new", "rochdale-new", "wigan-new", "cumbria-new"}
    essex = teams[teams["team_id"] == "essex-twb"].set_index("status")
    assert essex.at["in development", "to_date"] == pd.Timestamp("2019-04-30")
    assert essex.at["operating", "from_date"] == pd.Timestamp("2019-05-01")
    assert essex.at["operating", "from_basis"] == "start"


def test_newpip_rename_is_one_team(teams):
    renamed = teams[teams["also_known_as"].str.contains("Little Minds in Mind")]
    assert list(renamed["team_id"]) == ["newpip"]
    assert not teams["name"].str.contains("Little Minds in Mind").any()


def test_filled_bases_lie_inside_their_catchments(teams):
    import boundaries

    assert teams[["base_lon", "base_lat"]].notna().all().all()
    for _, row in teams.drop_duplicates("catchment").iterrows():
        shapes = [
            boundaries.load_geography(g).set_index("code").at[c, "geometry"] for g, c in parse_catchment(row["catchment"])
        ]
        union = shapely.union_all(shapes)
        assert union.buffer(1e-6).contains(shapely.Point(row["base_lon"], row["base_lat"])), row["team_id"]


def test_real_wrong_vintage_code_names_the_geographies_that_have_it(mirror, tmp_path):
    # E06000058 (Bournemouth, Christchurch and Poole) was created in April 2019: not in lad2018.
    path = write_csv(tmp_path / "t.csv", [good_row(catchment="lad2018:E06000058")])
    with pytest.raises(TeamsFileError) as info:
        load_teams(path, fill_bases=False)
    (problem,) = info.value.problems
    assert problem.startswith("row 2, column catchment: code 'E06000058' is not in lad2018; it exists in ")
    assert "lad2023" in problem and "wrong vintage" in problem


def test_cli_prints_teams_as_of_a_date(mirror, capsys):
    assert main(["teams", "--as-of", "2019-06-30", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    statuses = {r["status"] for r in listed}
    assert statuses == {"operating", "in development"}
    # the 27 of Rare Jewels, Together with Baby, and i-CAMHS (Southern Trust, operating since 2012)
    assert len({r["team_id"] for r in listed if r["status"] == "operating"}) == 29
    assert all(r["base_lon"] is not None for r in listed)

    assert main(["teams", "--as-of", "2019-06-30", "--include-specialists"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sum(r["status"] == SPECIALIST_STATUS for r in rows) == 19


def test_cli_reports_a_bad_file_as_a_user_error(mirror, tmp_path, capsys):
    path = write_csv(tmp_path / "t.csv", [good_row(status="open")])
    assert main(["teams", "--file", str(path)]) == 2
    assert "row 2, column status: unknown status 'open'" in capsys.readouterr().err


def test_cli_shows_the_reading_warnings_of_a_teams_file(mirror, tmp_path, capsys):
    """A SYNTHETIC teams file saved as UTF-16: read, and the CLI says how it was read."""
    path = write_csv(tmp_path / "t.csv", [good_row()])
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert main(["teams", "--file", str(path), "--as-of", "2020-01-01"]) == 0
    err = capsys.readouterr().err
    assert f"{path}: row 1" in err and "UTF-16" in err


def test_real_nation_land_refuses_a_base_in_another_nation(mirror, tmp_path):
    """A SYNTHETIC England row based in Belfast: inside the UK box, on Northern Ireland's land."""
    path = write_csv(tmp_path / "t.csv", [good_row(base_lon="-5.93", base_lat="54.6", location_precision="exact")])
    with pytest.raises(TeamsFileError) as info:
        load_teams(path, fill_bases=False)
    assert info.value.problems == ["row 2, column base_lon: base (-5.93, 54.6) is not in England: it is in "
                                   "Northern Ireland; check the coordinates or the row's nation"]
    coastal = write_csv(tmp_path / "c.csv", [good_row(base_lon="-4.14", base_lat="50.365", location_precision="town")])
    assert len(load_teams(coastal, fill_bases=False)) == 1  # Plymouth's waterfront, within the tolerance


def test_real_file_grades_rows_as_its_sources_do(teams):
    from mapping.inputs.vocabulary import EVIDENCE_GRADES

    assert teams["evidence_grade"].isin(EVIDENCE_GRADES).all()
    assert teams.groupby("evidence_grade").size().to_dict() == {"foundation": 54, "service": 11, "mention": 1}
    # every Rare Jewels row and every specialist area is the Foundation's own naming
    assert (teams.loc[teams["source"].str.startswith("Rare Jewels"), "evidence_grade"] == "foundation").all()
    assert (teams.loc[teams["status"] == SPECIALIST_STATUS, "evidence_grade"] == "foundation").all()
    # a service row cites a dated public page, not a seed document
    service = teams[teams["evidence_grade"] != "foundation"]
    assert not service["source"].str.startswith("Rare Jewels").any()
    assert service["source"].str.contains(r"\b20\d\d\b").all()
