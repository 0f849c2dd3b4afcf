"""A register users bring (issue 13, item 3) on the real boundaries: the CSV `pimap teams` writes reads back
unchanged with ``--teams``, a copy of data/teams.csv passed as a file gives the built-in figures, a bad
file is refused listing every problem by row and column, and ``PIMAP_TEAMS_FILE`` is honoured.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from boundaries import config
from mapping.analysis.selection import builtin_register, register_from_file
from mapping.cli import main
from mapping.inputs.teams import teams_as_of

SELECTION = ["--geography", "uk2023", "--year", "2020", "--as-of", "2022-07-01"]


@pytest.fixture(autouse=True)
def _no_hosted_register(monkeypatch):
    monkeypatch.delenv("PIMAP_TEAMS_FILE", raising=False)


def _run(capsys, argv: list[str], code: int = 0) -> tuple[str, str]:
    assert main(argv) == code
    captured = capsys.readouterr()
    return captured.out, captured.err


def _records(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write_records(path: Path, records: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(records)
    return path


def _frame(teams: pd.DataFrame) -> pd.DataFrame:
    out = teams.copy()
    out.attrs = {}
    return out


def test_the_register_round_trip(mirror, tmp_path, capsys):
    written = tmp_path / "register.csv"
    _run(capsys, ["teams", "--all", "--out", str(written)])
    out, err = _run(capsys, ["teams", "--all", "--teams", str(written)])
    assert out == written.read_text(encoding="utf-8")  # written again, byte for byte
    assert "teams: register register.csv (from --teams" in err
    pd.testing.assert_frame_equal(_frame(register_from_file(written).teams), _frame(builtin_register().teams))
    assert _run(capsys, ["teams", "check", str(written)])[0] == f"{len(builtin_register().teams)} rows, no problems\n"
    built_in, _ = _run(capsys, ["gaps", *SELECTION])
    brought, _ = _run(capsys, ["gaps", *SELECTION, "--teams", str(written)])
    assert brought == built_in


def test_the_teams_of_a_date_read_back_as_the_same_rows(mirror, tmp_path, capsys):
    written = tmp_path / "current.csv"
    _run(capsys, ["teams", "--as-of", "2022-07-01", "--include-specialists", "--out", str(written)])
    back, _ = _run(capsys, ["teams", "--as-of", "2022-07-01", "--include-specialists", "--teams", str(written)])
    assert back == written.read_text(encoding="utf-8")
    current = teams_as_of(builtin_register().teams, "2022-07-01")
    assert len(register_from_file(written).teams) == int(current["status"].ne("closed").sum())


@pytest.mark.parametrize("command", [["gaps"], ["gaps", "--format", "json"], ["summary"], ["summary", "--json"],
                                     ["capacity"], ["ladder", "--summary"], ["reach", "--national"]])
def test_a_copy_of_the_built_in_register_gives_the_same_output(command, mirror, tmp_path, capsys):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(config.teams_path().read_bytes())
    built_in, quiet = _run(capsys, [*command, *SELECTION])
    brought, named = _run(capsys, [*command, *SELECTION, "--teams", str(copy)])
    assert brought == built_in and built_in.strip()
    assert quiet == "" and "teams: register copy.csv (from --teams" in named


def _bad_copy(tmp_path: Path) -> Path:
    """data/teams.csv with three SYNTHETIC errors in rows 2, 3 and 4, each in another column."""
    records = _records(config.teams_path())
    header = records[0]
    records[1][header.index("status")] = "open"
    records[2][header.index("catchment")] = "lad2018:E06009999"
    records[3][header.index("from")] = "1985"
    return _write_records(tmp_path / "bad.csv", records)


def test_a_bad_register_lists_every_problem_with_row_and_column(mirror, tmp_path, capsys):
    bad = _bad_copy(tmp_path)
    out, _ = _run(capsys, ["teams", "check", str(bad)], code=1)
    lines = out.splitlines()
    assert any(line.startswith("row 2, column status: unknown status 'open'") for line in lines)
    assert any(line.startswith("row 3, column catchment: code 'E06009999' is not in lad2018") for line in lines)
    assert any(line.startswith("row 4, column from: ") and "1990" in line for line in lines)
    assert len(lines) == 3
    _, err = _run(capsys, ["summary", *SELECTION, "--teams", str(bad)], code=2)
    assert all(f"  {line}\n" in err for line in lines) and "Traceback" not in err


def _without_one_team(tmp_path: Path) -> tuple[Path, str]:
    """The register less one team operating on the date with a single period (SYNTHETIC: a register that
    differs from the built-in one by that team)."""
    teams = builtin_register().teams
    current = teams_as_of(teams, "2022-07-01")
    single = teams["team_id"].value_counts()
    team_id = next(t for t in current.loc[current["status"] == "operating", "team_id"] if single[t] == 1)
    records = _records(config.teams_path())
    kept = [r for r in records if r[0] != team_id]
    assert len(kept) == len(records) - 1
    return _write_records(tmp_path / "hosted.csv", kept), team_id


def test_pimap_teams_file_is_the_default_register(mirror, tmp_path, monkeypatch, capsys):
    built_in = json.loads(_run(capsys, ["summary", *SELECTION, "--json"])[0])
    hosted, team_id = _without_one_team(tmp_path)
    monkeypatch.setenv("PIMAP_TEAMS_FILE", str(hosted))
    out, err = _run(capsys, ["summary", *SELECTION, "--json"])
    assert "teams: register hosted.csv (from PIMAP_TEAMS_FILE" in err
    assert json.loads(out)["teams_operating"] == built_in["teams_operating"] - 1
    listed, _ = _run(capsys, ["teams", "--as-of", "2022-07-01"])
    assert team_id not in {r["team_id"] for r in csv.DictReader(io.StringIO(listed))}
    same = tmp_path / "same.csv"
    same.write_bytes(config.teams_path().read_bytes())
    given = json.loads(_run(capsys, ["summary", *SELECTION, "--json", "--teams", str(same)])[0])
    assert given == built_in  # --teams wins over the variable


def test_an_xlsx_register_reads_as_the_csv_one(mirror, tmp_path, capsys):
    """data/teams.csv typed into a workbook's sheet ``teams``: the same rows, and `pimap teams --all` writes
    the same CSV as from the built-in register."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "teams"
    for record in _records(config.teams_path()):
        sheet.append(record)
    path = tmp_path / "register.xlsx"
    book.save(path)
    assert _run(capsys, ["teams", "check", str(path)])[0] == f"{len(builtin_register().teams)} rows, no problems\n"
    out, _ = _run(capsys, ["teams", "--all", "--teams", str(path)])
    assert out == _run(capsys, ["teams", "--all"])[0]
    pd.testing.assert_frame_equal(_frame(register_from_file(path).teams), _frame(builtin_register().teams))
