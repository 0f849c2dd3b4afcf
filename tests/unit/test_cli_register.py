"""A register users bring on the command line (issue 13, item 3): ``--teams FILE`` on every command that uses
teams, ``PIMAP_TEAMS_FILE`` as the default, ``pimap teams check`` and the CSV that ``--teams`` reads back.

No real data is read: registers are SYNTHETIC stand-ins (the validator, which needs the boundaries, is
replaced by a fake), and the round trip reads data/teams.csv only with the pure reader.
"""

from __future__ import annotations

import argparse
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from boundaries import config
from mapping.analysis import selection as S
from mapping.cli import build_parser, main
from mapping.cli import options as O
from mapping.cli import teams as T
from mapping.errors import TeamsFileError
from mapping.inputs.teams import TEAM_COLUMNS, read_teams_bytes, read_teams_csv

# Every command whose figures or listing come from the register; `pimap postcode` prints only the area a
# postcode lies in, so it reads no teams and takes no register.
COMMANDS_WITH_TEAMS = {
    "teams": [],
    "gaps": ["--geography", "uk2023", "--year", "2020"],
    "summary": ["--geography", "uk2023", "--year", "2020"],
    "capacity": ["--geography", "uk2023", "--year", "2020"],
    "ladder": ["--geography", "uk2023", "--year", "2020"],
    "reach": ["--geography", "uk2023", "--year", "2020"],
    "report": ["--geography", "uk2023", "--year", "2020", "--out", "pack"],
}
PROBLEMS = ["row 2, column status: unknown status 'open'; use one of: operating",
            "row 5, column catchment: code 'E06000999' is not in lad2018; no known geography has this code"]


def _fake_register(path: Path, rows: int = 3) -> S.Register:
    """A SYNTHETIC register named like the file, with ``rows`` rows of the real columns."""
    teams = pd.DataFrame({c: [f"{c}-{i}" for i in range(rows)] for c in TEAM_COLUMNS})
    return S.Register(source=Path(path).name, sha256="f" * 64, teams=teams)


@pytest.fixture
def fake_reader(monkeypatch):
    """register_from_file replaced: files named bad*.csv are refused with PROBLEMS, others read as 3 rows."""
    calls: list[Path] = []

    def read(path, *, source=None):
        calls.append(Path(path))
        if Path(path).name.startswith("bad"):
            raise TeamsFileError(f"{path}: {len(PROBLEMS)} problem(s):\n  " + "\n  ".join(PROBLEMS), PROBLEMS)
        return _fake_register(path)

    monkeypatch.setattr(S, "register_from_file", read)
    monkeypatch.delenv(config.TEAMS_FILE.name, raising=False)
    return calls


@pytest.mark.parametrize("command", sorted(COMMANDS_WITH_TEAMS))
def test_every_command_that_uses_teams_accepts_a_register_file(command, tmp_path):
    args = build_parser().parse_args([command, *COMMANDS_WITH_TEAMS[command], "--teams", str(tmp_path / "r.csv")])
    assert args.teams == tmp_path / "r.csv"


def test_postcode_reads_no_teams_so_takes_no_register(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["postcode", "SW1A 1AA", "--teams", "r.csv"])
    assert "unrecognized arguments: --teams" in capsys.readouterr().err


def test_teams_keeps_file_as_another_name_for_teams():
    assert build_parser().parse_args(["teams", "--file", "r.csv"]).teams == Path("r.csv")


def _args(**given) -> argparse.Namespace:
    return argparse.Namespace(geography="uk2023", year=2020, as_of=date(2022, 7, 1), age="0-2", **given)


def test_the_built_in_register_without_a_file_or_the_variable(fake_reader):
    assert O.selection_from(_args(teams=None)).register is None
    assert fake_reader == []


def test_teams_file_goes_into_the_selection_and_is_named_on_stderr(fake_reader, tmp_path, capsys):
    path = tmp_path / "ours.csv"
    path.write_text("x")
    selection = O.selection_from(_args(teams=path))
    assert selection.register is not None and selection.register.source == "ours.csv"
    assert fake_reader == [path]
    err = capsys.readouterr().err
    assert "teams: register ours.csv (from --teams, sha256 ffffffffffff), 3 rows" in err


def test_the_register_is_read_once_per_command_line(fake_reader, tmp_path):
    path = tmp_path / "ours.csv"
    path.write_text("x")
    args = _args(teams=path)
    assert O.selection_from(args) == O.selection_from(args)
    assert fake_reader == [path]


def test_pimap_teams_file_is_the_default_register(fake_reader, tmp_path, monkeypatch, capsys):
    hosted = tmp_path / "hosted.csv"
    hosted.write_text("x")
    monkeypatch.setenv("PIMAP_TEAMS_FILE", str(hosted))
    assert config.teams_file() == hosted
    selection = O.selection_from(_args(teams=None))
    assert selection.register is not None and selection.register.source == "hosted.csv"
    assert "(from PIMAP_TEAMS_FILE," in capsys.readouterr().err


def test_a_teams_file_wins_over_pimap_teams_file(fake_reader, tmp_path, monkeypatch):
    hosted, given = tmp_path / "hosted.csv", tmp_path / "given.csv"
    hosted.write_text("x")
    given.write_text("x")
    monkeypatch.setenv("PIMAP_TEAMS_FILE", str(hosted))
    assert O.selection_from(_args(teams=given)).register.source == "given.csv"
    assert fake_reader == [given]


def test_pimap_teams_file_is_declared_and_empty_means_unset(monkeypatch):
    assert config.TEAMS_FILE in config.VARIABLES and config.TEAMS_FILE.name == "PIMAP_TEAMS_FILE"
    monkeypatch.setenv("PIMAP_TEAMS_FILE", "")
    assert config.teams_file() is None


@pytest.mark.parametrize("command", ["gaps", "summary", "capacity", "ladder", "reach"])
def test_a_bad_register_is_refused_with_every_problem_and_exit_2(command, fake_reader, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("x")
    assert main([command, *COMMANDS_WITH_TEAMS[command], "--teams", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("pimap: error: teams register (from --teams) refused:")
    for problem in PROBLEMS:
        assert f"  {problem}\n" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_a_bad_pimap_teams_file_is_refused_naming_the_variable(fake_reader, tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("x")
    monkeypatch.setenv("PIMAP_TEAMS_FILE", str(path))
    assert main(["teams"]) == 2
    err = capsys.readouterr().err
    assert "(from PIMAP_TEAMS_FILE) refused" in err and PROBLEMS[1] in err


def test_a_missing_register_file_is_refused_before_reading(fake_reader, tmp_path, capsys):
    assert main(["summary", *COMMANDS_WITH_TEAMS["summary"], "--teams", str(tmp_path / "none.csv")]) == 2
    assert "is not a file" in capsys.readouterr().err
    assert fake_reader == []


def test_check_lists_every_problem_and_exits_1(fake_reader, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("x")
    assert main(["teams", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == PROBLEMS
    assert "2 problems" in captured.err


def test_check_without_problems_says_so_in_one_line(fake_reader, tmp_path, capsys):
    path = tmp_path / "good.csv"
    path.write_text("x")
    assert main(["teams", "check", str(path)]) == 0
    assert capsys.readouterr().out == "3 rows, no problems\n"


def test_check_of_a_file_that_is_not_there_is_a_user_error(fake_reader, tmp_path, capsys):
    assert main(["teams", "check", str(tmp_path / "none.csv")]) == 2
    assert "is not a file" in capsys.readouterr().err


# --- the CSV that --teams reads back ----------------------------------------------------------------------


def _as_loaded(raw: pd.DataFrame) -> pd.DataFrame:
    """What the loader makes of the raw cells, without the boundaries: float bases, and a SYNTHETIC point
    where a row's base is its catchment centroid (the loader fills those in)."""
    out = raw.copy()
    for column, fill in (("base_lon", -1.5), ("base_lat", 53.25)):
        out[column] = [float(v) if v else fill for v in out[column]]
    return out


def test_register_csv_reads_back_as_the_same_rows():
    raw = read_teams_csv(config.teams_path())
    text = io.StringIO(newline="")
    T.write_teams(_as_loaded(raw), "csv", text)
    back = read_teams_bytes(text.getvalue().encode("utf-8"), "back.csv")
    assert list(back.columns) == ["row", *TEAM_COLUMNS]
    pd.testing.assert_frame_equal(back.drop(columns="base_lon base_lat".split()),
                                  raw.drop(columns="base_lon base_lat".split()))
    for column in ("base_lon", "base_lat"):  # the same numbers, however the source wrote them (-1.50, -1.5)
        assert [float(v) if v else None for v in back[column]] == [float(v) if v else None for v in raw[column]]
    centroid = raw["location_precision"] == "catchment centroid"
    assert centroid.any() and (back.loc[centroid, "base_lon"] == "").all()


def test_register_frame_keeps_a_given_base_and_empties_a_filled_centroid():
    teams = pd.DataFrame([{**{c: "" for c in TEAM_COLUMNS}, "location_precision": "exact",
                           "base_lon": -2.25, "base_lat": 53.5},
                          {**{c: "" for c in TEAM_COLUMNS}, "location_precision": "catchment centroid",
                           "base_lon": -1.0, "base_lat": 52.0}])
    frame = T.register_frame(teams)
    assert list(frame.columns) == list(TEAM_COLUMNS)
    assert frame.loc[0, ["base_lon", "base_lat"]].tolist() == [-2.25, 53.5]
    assert frame.loc[1, ["base_lon", "base_lat"]].isna().all()
    text = io.StringIO(newline="")
    T.write_teams(teams, "csv", text)
    assert text.getvalue().splitlines()[1:] == [
        ",".join({"location_precision": "exact", "base_lon": "-2.25", "base_lat": "53.5"}.get(c, "") for c in TEAM_COLUMNS),
        ",".join({"location_precision": "catchment centroid"}.get(c, "") for c in TEAM_COLUMNS)]


def test_teams_writes_to_out_and_refuses_an_existing_file(monkeypatch, tmp_path, capsys):
    teams = _as_loaded(read_teams_csv(config.teams_path()))
    teams["from_date"] = pd.Timestamp("2000-01-01")
    teams["to_date"] = pd.NaT
    monkeypatch.setattr(S, "builtin_register", lambda: S.Register("data/teams.csv", "0" * 64, teams))
    monkeypatch.delenv("PIMAP_TEAMS_FILE", raising=False)
    out = tmp_path / "register.csv"
    assert main(["teams", "--all", "--out", str(out)]) == 0
    back = read_teams_csv(out)
    assert len(back) == len(teams) and back["team_id"].tolist() == teams["team_id"].tolist()
    assert main(["teams", "--all", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
