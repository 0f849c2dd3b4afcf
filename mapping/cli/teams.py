"""`pimap teams`: the teams operating or in development on a date, as CSV or JSON on stdout."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

import pandas as pd

from mapping.cli.options import add_as_of_argument, add_output_arguments, add_teams_argument, check_out, emit
from mapping.errors import PimapError
from mapping.inputs.teams import TEAM_COLUMNS

# The columns of data/teams.csv, in its order.
OUTPUT_COLUMNS = TEAM_COLUMNS
# Columns printed as lists in JSON (they hold ';'-separated items in the CSV).
LIST_COLUMNS = ("also_known_as", "host_organisation", "catchment")


def register(subparsers: argparse._SubParsersAction) -> None:
    teams = subparsers.add_parser(
        "teams",
        help="list the parent-infant teams operating or in development on a date, or check a register",
        description="Print the teams of the register (data/teams.csv, PIMAP_TEAMS_FILE or --teams FILE) that are "
        "operating or in development on a date, or with --all every row. The CSV is in the schema of "
        "data/teams.csv, so --teams reads it back unchanged; the JSON fills empty bases with the catchment "
        "centroid. `pimap teams check FILE` lists every problem of a register.",
    )
    add_as_of_argument(teams, "teams operating or in development")
    teams.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    teams.add_argument("--include-specialists", action="store_true",
                       help="also list areas with CAMHS parent-infant specialists but no team")
    teams.add_argument("--all", action="store_true",
                       help="every row of the register, every period and status (specialist areas too), whatever the date: "
                       "the whole register, which --teams reads back unchanged")
    add_teams_argument(teams, "--file")
    add_output_arguments(teams)
    teams.set_defaults(func=_teams)
    commands = teams.add_subparsers(dest="teams_command", metavar="check", required=False)
    check = commands.add_parser(
        "check", help="list every problem of a register of teams as 'row N, column C: message'",
        description="Read and check a register of teams (.csv or .xlsx in the schema of data/teams.csv) with the "
        "checks the built-in register passes. Exit 1 with problems, 0 without.")
    check.add_argument("file", type=Path, metavar="FILE", help="the register to check")
    check.set_defaults(func=_check)


def select_teams(teams: pd.DataFrame, as_of: date, *, include_specialists: bool = False) -> pd.DataFrame:
    """Rows current on ``as_of`` with status operating or in development (and specialists if asked)."""
    from mapping.inputs.teams import teams_as_of
    from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, TeamStatus

    wanted = set(TEAM_MARKER_STATUSES) | ({TeamStatus.SPECIALIST} if include_specialists else set())
    current = teams_as_of(teams, as_of)
    return current.loc[current["status"].isin(wanted)].reset_index(drop=True)


def _json_value(column: str, value: object) -> object:
    if column in LIST_COLUMNS:
        return [part.strip() for part in str(value).split(";")] if str(value).strip() else []
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return value


def register_frame(teams: pd.DataFrame) -> pd.DataFrame:
    """The columns of data/teams.csv with an empty (NaN) base where the loader filled in the catchment
    centroid (``location_precision`` 'catchment centroid'), so the file written reads back as the same rows."""
    frame = teams.loc[:, list(OUTPUT_COLUMNS)].copy()
    if "location_precision" in frame:
        centroid = (frame["location_precision"] == "catchment centroid").to_numpy()
        for column in ("base_lon", "base_lat"):
            if column in frame:
                frame[column] = [float("nan") if filled else v for v, filled in zip(frame[column], centroid)]
    return frame


def write_teams(teams: pd.DataFrame, fmt: str, out: TextIO) -> None:
    """Write the output columns as CSV (the schema of data/teams.csv, :func:`register_frame`, text cells
    neutralised so no spreadsheet runs one as a formula: :func:`mapping.present.downloads.neutralise`) or
    a JSON list of objects (empty bases filled with the catchment centroid)."""
    from mapping.present.downloads import neutralise
    from mapping.present.outputs import csv_line_end

    if fmt == "json":
        frame = teams.loc[:, list(OUTPUT_COLUMNS)]
        records = [{c: _json_value(c, v) for c, v in zip(frame.columns, row)} for row in frame.itertuples(index=False)]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    frame = register_frame(teams)
    writer = csv.writer(out, lineterminator=csv_line_end(frame))
    writer.writerow(OUTPUT_COLUMNS)
    for row in frame.itertuples(index=False):
        writer.writerow("" if isinstance(v, float) and math.isnan(v) else neutralise(v) for v in row)


def _teams(args: argparse.Namespace) -> int:
    from mapping.analysis.selection import builtin_register
    from mapping.cli.options import register_from, today

    check_out(args)
    register = register_from(args) or builtin_register()
    teams = register.teams
    if args.all:
        chosen = teams.reset_index(drop=True)
    else:
        chosen = select_teams(teams, args.as_of or today(), include_specialists=args.include_specialists)
    text = io.StringIO(newline="")
    write_teams(chosen, args.format, text)
    emit(args, text.getvalue())
    if not args.all:  # on standard error, so the file written stays the register's rows and nothing else
        from boundaries import NATIONS
        from mapping.analysis.growth import load_published_counts
        from mapping.analysis.list_count import count_list
        from mapping.inputs.teams import teams_as_of

        as_of = args.as_of or today()
        count = count_list(teams_as_of(teams, as_of), as_of, tuple(NATIONS), load_published_counts())
        print(count.sentence(), file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    """Every problem of the register in ``args.file``, one a line; exit 1 with problems, 0 without."""
    from mapping.analysis.selection import register_from_file
    from mapping.errors import TeamsFileError

    if not args.file.is_file():
        raise PimapError(f"teams register {str(args.file)!r} is not a file")
    try:
        register = register_from_file(args.file)
    except TeamsFileError as exc:
        lines = exc.problems or [str(exc)]
        sys.stdout.write("".join(f"{line}\n" for line in lines))
        print(f"{args.file}: {len(lines)} problem{'' if len(lines) == 1 else 's'}", file=sys.stderr)
        return 1
    for notice in register.teams.attrs.get("notices", []):
        print(f"{args.file}: {notice}", file=sys.stderr)
    rows = len(register.teams)
    print(f"{rows} row{'' if rows == 1 else 's'}, no problems")
    return 0
