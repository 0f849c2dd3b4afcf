"""The teams file: every rule of the validator, on small synthetic area tables and synthetic team tables.

They test the rules, not the data: the real register against its sources' counts, and `pimap teams` on the
real boundaries, are in tests/integration/test_teams_data.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from teams_helpers import good_row as _good_row
from teams_helpers import write_csv

from mapping.cli.teams import select_teams, write_teams
from mapping.inputs.dates import parse_date  # noqa: E402
from mapping.inputs.teams import (
    SPECIALIST_STATUS,
    TEAM_COLUMNS,
    TeamsFileError,
    catchment_centroid,
    catchment_table,
    fill_catchment_bases,
    parse_catchment,
    read_teams_csv,
    team_counts_by_year,
    teams_as_of,
    validate_teams,
)


def good_row(**changes: str) -> dict[str, str]:
    """The shared SYNTHETIC row with an evidence grade (the helper predates the column)."""
    return _good_row(**{"evidence_grade": "foundation", **changes})


# --- synthetic areas: enough geographies to exercise every rule ---------------------------------

FAKE_AREAS = {
    "lad2018": pd.DataFrame({
        "code": ["E06000026", "E09000007", "W06000015", "E06000028"],
        "name": ["Plymouth", "Camden", "Cardiff", "Bournemouth"],
        "nation": ["England", "England", "Wales", "England"],
    }),
    "lad2023": pd.DataFrame({
        "code": ["E06000026", "E06000058", "W06000015"],
        "name": ["Plymouth", "Bournemouth, Christchurch and Poole", "Cardiff"],
        "nation": ["England", "England", "Wales"],
    }),
    "hsct2018": pd.DataFrame({"code": ["SEHSCT"], "name": ["South Eastern"], "nation": ["Northern Ireland"]}),
}
FAKE_IDS = tuple(FAKE_AREAS)


def fake_area_table(geography_id: str) -> pd.DataFrame:
    return FAKE_AREAS[geography_id]


def check(path: Path) -> pd.DataFrame:
    return validate_teams(read_teams_csv(path), area_table=fake_area_table, geography_ids=FAKE_IDS, path=path)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(TeamsFileError) as info:
        check(path)
    return info.value.problems


# --- parsing ---------------------------------------------------------------------------------------


def test_parse_catchment():
    assert parse_catchment("lad2018:E09000002; lad2018:E09000026") == [
        ("lad2018", "E09000002"), ("lad2018", "E09000026")]
    assert parse_catchment("hsct2018:SEHSCT") == [("hsct2018", "SEHSCT")]
    for bad in ["", "E09000002", "lad2018:", ":E09000002", "lad2018:E1;;lad2018:E2", "a:b:c",
                "lad2018:E1;lad2018:E1"]:
        with pytest.raises(ValueError):
            parse_catchment(bad)


@pytest.mark.parametrize(("text", "end", "expected"), [
    ("2019", False, "2019-01-01"), ("2019", True, "2019-12-31"),
    ("2019-05", False, "2019-05-01"), ("2019-04", True, "2019-04-30"), ("2020-02", True, "2020-02-29"),
    ("2019-05-17", False, "2019-05-17"), ("2019-05-17", True, "2019-05-17"),
])
def test_parse_date(text, end, expected):
    assert parse_date(text, end=end) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["19", "2019/05", "May 2019", "2019-13", "2019-02-30", "2019-5"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)


# --- every kind of bad input, reported with its row and column -----------------------------------


def test_good_synthetic_file_passes(tmp_path):
    frame = check(write_csv(tmp_path / "t.csv", [good_row(), good_row(team_id="camden", catchment="lad2018:E09000007",
                                                                      base_lon="-0.14", base_lat="51.54",
                                                                      location_precision="town")]))
    assert list(frame["row"]) == [2, 3]
    assert frame.loc[1, "base_lon"] == -0.14 and pd.isna(frame.loc[0, "base_lon"])


def test_missing_and_unknown_columns_are_row_1(tmp_path):
    columns = [c for c in TEAM_COLUMNS if c != "source"] + ["sauce"]
    problems = problems_of(write_csv(tmp_path / "t.csv", [good_row()], columns))
    assert problems[0] == "row 1, column source: missing column"
    assert problems[1].startswith("row 1, column sauce: unknown column")


def test_wrong_field_count_is_reported_at_its_row(tmp_path):
    path = write_csv(tmp_path / "t.csv", [good_row(), good_row(team_id="second")])
    path.write_text(path.read_text(encoding="utf-8") + "extra,row\n", encoding="utf-8")
    assert problems_of(path) == [f"row 4, column (all): 2 fields, header has {len(TEAM_COLUMNS)}"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"status": "running"}, "row 3, column status: unknown status 'running'"),
    ({"from": "2019/05"}, "row 3, column from: bad date '2019/05'"),
    ({"from": ""}, "row 3, column from: empty from date"),
    ({"to": "spring 2020"}, "row 3, column to: bad date 'spring 2020'"),
    ({"from": "2019-05", "to": "2019-04"}, "row 3, column to: to '2019-04' is before from '2019-05'"),
    ({"catchment": "lad2019:E06000026"}, "row 3, column catchment: unknown geography id 'lad2019'"),
    ({"catchment": "lad2018:E06000058"},
     "row 3, column catchment: code 'E06000058' is not in lad2018; it exists in lad2023 (wrong vintage?)"),
    ({"catchment": "lad2018:E99999999"},
     "row 3, column catchment: code 'E99999999' is not in lad2018; no known geography has this code"),
    ({"catchment": "lad2018:E06000026 lad2018:E09000007"}, "row 3, column catchment: catchment item 1"),
    ({"catchment": ""}, "row 3, column catchment: empty catchment"),
    ({"catchment": "lad2018:W06000015"}, "row 3, column catchment: lad2018:W06000015 (Cardiff) is in Wales"),
    ({"base_lon": "12.5", "base_lat": "51.5", "location_precision": "exact"},
     "row 3, column base_lon: 12.5 is outside the UK range"),
    ({"base_lon": "-1.5", "base_lat": "45.0", "location_precision": "exact"},
     "row 3, column base_lat: 45.0 is outside the UK range"),
    ({"base_lon": "-1.5", "base_lat": ""}, "row 3, column base_lat: give both base_lon and base_lat"),
    ({"base_lon": "west", "base_lat": "51.5", "location_precision": "town"},
     "row 3, column base_lon: 'west' is not a number"),
    ({"location_precision": "approximate"}, "row 3, column location_precision: unknown precision 'approximate'"),
    ({"location_precision": "exact"}, "row 3, column location_precision: 'exact' needs base_lon and base_lat"),
    ({"base_lon": "-1.5", "base_lat": "51.5"},
     "row 3, column location_precision: coordinates are given, so precision must be"),
    ({"source": ""}, "row 3, column source: empty source"),
    ({"source": "   "}, "row 3, column source: empty source"),
    ({"nation": "Cornwall"}, "row 3, column nation: unknown nation 'Cornwall'"),
    ({"from_basis": "guess"}, "row 3, column from_basis: unknown from_basis 'guess'"),
    ({"team_id": "Plymouth IMHT"}, "row 3, column team_id: 'Plymouth IMHT' is not a slug"),
    ({"team_id": "sp-plymouth"}, "row 3, column team_id: team_id must start with 'sp-' exactly when"),
    ({"status": SPECIALIST_STATUS}, "row 3, column team_id: team_id must start with 'sp-' exactly when"),
    ({"name": ""}, "row 3, column name: empty name"),
    ({"also_known_as": "A;;B"}, "row 3, column also_known_as: empty item between ';' separators"),
])
def test_each_bad_value_is_reported_with_row_and_column(tmp_path, changes, expected):
    rows = [good_row(team_id="camden", catchment="lad2018:E09000007"), good_row(**changes)]
    problems = problems_of(write_csv(tmp_path / "t.csv", rows))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_duplicate_team_and_from_is_reported_at_the_second_row(tmp_path):
    rows = [good_row(), good_row(team_id="camden", catchment="lad2018:E09000007"), good_row(**{"from": "2019-01-01"})]
    problems = problems_of(write_csv(tmp_path / "t.csv", rows))
    assert problems == ["row 4, column from: duplicate (team_id, from) = (plymouth-imht, 2019-01-01); also row 2"]


def test_overlapping_periods_of_one_team_are_reported(tmp_path):
    rows = [good_row(status="in development", to="2019-06"), good_row(**{"from": "2019-05"})]
    problems = problems_of(write_csv(tmp_path / "t.csv", rows))
    assert len(problems) == 1 and problems[0].startswith("row 3, column from: period of plymouth-imht starting 2019-05")


def test_every_problem_is_listed_at_once_in_row_order(tmp_path):
    rows = [good_row(source=""), good_row(team_id="b", status="closing"), good_row(team_id="c", to="2018")]
    with pytest.raises(TeamsFileError) as info:
        check(write_csv(tmp_path / "t.csv", rows))
    assert [p.split(":")[0] for p in info.value.problems] == [
        "row 2, column source", "row 3, column status", "row 4, column to"]
    assert "3 problem(s)" in str(info.value) and "row 3, column status" in str(info.value)


def test_missing_file_is_a_teams_file_error(tmp_path):
    with pytest.raises(TeamsFileError, match="no such file"):
        read_teams_csv(tmp_path / "absent.csv")


def test_a_folder_or_a_device_is_refused_for_what_it_is(tmp_path):
    with pytest.raises(TeamsFileError, match="is a folder, not a file"):
        read_teams_csv(tmp_path)
    with pytest.raises(TeamsFileError, match="not a regular file"):
        read_teams_csv(Path("/dev/null"))


# --- dates, catchments and counts on a tiny synthetic table ----------------------------------------


@pytest.fixture
def synthetic() -> pd.DataFrame:
    """Synthetic teams (not real data): a team that develops then opens, one that closes, a specialist area."""
    rows = [
        ("a", "in development", "2018-03-01", "2019-04-30", "lad2018:E1"),
        ("a", "operating", "2019-05-01", None, "lad2018:E1;lad2018:E2"),
        ("b", "operating", "2015-01-01", "2020-12-31", "ccg2018:E38000001"),
        ("b", "closed", "2021-01-01", None, "ccg2018:E38000001"),
        ("sp-c", SPECIALIST_STATUS, "2019-01-01", None, "hb2019:S08000017"),
    ]
    frame = pd.DataFrame(rows, columns=["team_id", "status", "from_date", "to_date", "catchment"])
    frame["from_date"] = pd.to_datetime(frame["from_date"])
    frame["to_date"] = pd.to_datetime(frame["to_date"])
    return frame


def test_teams_as_of_includes_both_ends_of_a_period(synthetic):
    assert list(teams_as_of(synthetic, "2019-04-30")["team_id"]) == ["a", "b", "sp-c"]
    assert teams_as_of(synthetic, "2019-04-30").iloc[0]["status"] == "in development"
    assert teams_as_of(synthetic, "2019-05-01").iloc[0]["status"] == "operating"
    assert list(teams_as_of(synthetic, pd.Timestamp("2020-12-31"))["status"]) == [
        "operating", "operating", SPECIALIST_STATUS]
    assert list(teams_as_of(synthetic, "2021-01-01")["status"]) == ["operating", "closed", SPECIALIST_STATUS]
    assert teams_as_of(synthetic, "2010").empty


def test_team_counts_by_year_uses_1_july_and_skips_specialists(synthetic):
    counts = team_counts_by_year(synthetic, [2017, 2018, 2019, 2021])
    assert list(counts.columns) == ["year", "operating", "in_development"]
    assert counts.values.tolist() == [[2017, 1, 0], [2018, 1, 1], [2019, 2, 0], [2021, 1, 0]]
    march = team_counts_by_year(synthetic, [2019], month=3, day=1)
    assert march.values.tolist() == [[2019, 1, 1]]


def test_catchment_table_is_long_form(synthetic):
    table = catchment_table(synthetic)
    assert list(table.columns) == ["team_id", "status", "geography", "code"]
    assert table[table["team_id"] == "a"].values.tolist() == [
        ["a", "in development", "lad2018", "E1"], ["a", "operating", "lad2018", "E1"],
        ["a", "operating", "lad2018", "E2"]]
    assert len(table) == 6


# --- centroids on synthetic shapes ------------------------------------------------------------------


def _fake_layer(shapes: dict[str, shapely.Geometry], nation: str = "England"):
    frame = gpd.GeoDataFrame({"code": list(shapes), "name": list(shapes), "nation": nation},
                             geometry=list(shapes.values()), crs="EPSG:4326")
    return lambda geography_id: frame


def test_catchment_centroid_of_two_neighbouring_squares_is_on_their_shared_edge():
    load = _fake_layer({"A": shapely.box(-2.0, 52.0, -1.9, 52.1), "B": shapely.box(-1.9, 52.0, -1.8, 52.1)})
    lon, lat = catchment_centroid([("x", "A"), ("x", "B")], load)
    assert lon == pytest.approx(-1.9, abs=0.005) and lat == pytest.approx(52.05, abs=0.005)


def test_catchment_centroid_of_separate_areas_is_moved_into_one_of_them():
    squares = {"A": shapely.box(-2.0, 52.0, -1.9, 52.1), "B": shapely.box(-1.5, 52.0, -1.4, 52.1)}
    lon, lat = catchment_centroid([("x", "A"), ("x", "B")], _fake_layer(squares))
    assert shapely.union_all(list(squares.values())).contains(shapely.Point(lon, lat))


def test_catchment_centroid_falls_back_inside_a_crescent():
    ring = shapely.box(-2.0, 52.0, -1.0, 52.6).difference(shapely.box(-1.9, 52.1, -1.1, 52.6))  # a U shape
    lon, lat = catchment_centroid([("x", "U")], _fake_layer({"U": ring}))
    assert ring.contains(shapely.Point(lon, lat))


def test_catchment_centroid_in_northern_ireland_uses_irish_grid():
    load = _fake_layer({"SEHSCT": shapely.box(-6.0, 54.3, -5.5, 54.6)}, nation="Northern Ireland")
    lon, lat = catchment_centroid([("hsct2018", "SEHSCT")], load)
    assert lon == pytest.approx(-5.75, abs=0.01) and lat == pytest.approx(54.45, abs=0.01)


def test_fill_catchment_bases_keeps_given_coordinates(tmp_path):
    frame = check(write_csv(tmp_path / "t.csv", [
        good_row(), good_row(team_id="camden", catchment="lad2018:E09000007", base_lon="-0.14", base_lat="51.54",
                             location_precision="exact")]))
    load = _fake_layer({"E06000026": shapely.box(-4.2, 50.35, -4.0, 50.45),
                        "E09000007": shapely.box(-0.2, 51.5, -0.1, 51.6)})
    filled = fill_catchment_bases(frame, load)
    assert filled.loc[0, "base_lon"] == pytest.approx(-4.1, abs=0.01)
    assert (filled.loc[1, "base_lon"], filled.loc[1, "base_lat"]) == (-0.14, 51.54)


def test_missing_boundary_is_reported():
    with pytest.raises(TeamsFileError, match="no boundary for Z"):
        catchment_centroid([("x", "Z")], _fake_layer({"A": shapely.box(0, 0, 1, 1)}))


# --- the command's output -----------------------------------------------------------------------------


def test_select_and_write_teams_without_boundaries(synthetic):
    synthetic = synthetic.assign(
        name="n", also_known_as="", host_organisation="", nation="England", evidence_grade="foundation",
        **{"from": "", "to": ""},
        from_basis="start", base_lon=float("nan"), base_lat=float("nan"), location_precision="catchment centroid",
        source="s", notes="")
    chosen = select_teams(synthetic, pd.Timestamp("2021-07-01").date())
    assert list(chosen["team_id"]) == ["a"]  # 'b' is closed, 'sp-c' is a specialist area
    with_sp = select_teams(synthetic, pd.Timestamp("2021-07-01").date(), include_specialists=True)
    assert list(with_sp["team_id"]) == ["a", "sp-c"]
    out = io.StringIO()
    write_teams(chosen, "json", out)
    (record,) = json.loads(out.getvalue())
    assert record["catchment"] == ["lad2018:E1", "lad2018:E2"] and record["base_lon"] is None
