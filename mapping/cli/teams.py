"""`pimap teams`: the teams operating or in development on a date, as CSV or JSON on stdout."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

import pandas as pd

from mapping.cli.options import add_as_of_argument
from mapping.inputs.teams import TEAM_COLUMNS

# The columns of data/teams.csv, in its order.
OUTPUT_COLUMNS = TEAM_COLUMNS
# Columns printed as lists in JSON (they hold ';'-separated items in the CSV).
LIST_COLUMNS = ("also_known_as", "host_organisation", "catchment")


def register(subparsers: argparse._SubParsersAction) -> None:
    teams = subparsers.add_parser(
        "teams",
        help="list the parent-infant teams operating or in development on a date",
        description="Print the teams from data/teams.csv that are operating or in development on a date. "
        "Empty bases are filled with the catchment centroid.",
    )
    add_as_of_argument(teams, "teams operating or in development")
    teams.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    teams.add_argument("--include-specialists", action="store_true",
                       help="also list areas with CAMHS parent-infant specialists but no team")
    teams.add_argument("--file", type=Path, default=None, metavar="PATH",
                       help="teams CSV to read (default: data/teams.csv in the repository)")
    teams.set_defaults(func=_teams)


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


def write_teams(teams: pd.DataFrame, fmt: str, out: TextIO) -> None:
    """Write the output columns as CSV (same layout as data/teams.csv, text cells neutralised so no
    spreadsheet runs one as a formula: :func:`mapping.present.downloads.neutralise`) or a JSON list of objects."""
    from mapping.present.downloads import neutralise
    from mapping.present.outputs import csv_line_end

    frame = teams.loc[:, list(OUTPUT_COLUMNS)]
    if fmt == "json":
        records = [{c: _json_value(c, v) for c, v in zip(frame.columns, row)} for row in frame.itertuples(index=False)]
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.writer(out, lineterminator=csv_line_end(frame))
    writer.writerow(OUTPUT_COLUMNS)
    for row in frame.itertuples(index=False):
        writer.writerow("" if isinstance(v, float) and math.isnan(v) else neutralise(v) for v in row)


def _teams(args: argparse.Namespace) -> int:
    from mapping.analysis.selection import builtin_register, register_from_file
    from mapping.cli.options import today

    register = register_from_file(args.file) if args.file is not None else builtin_register()
    teams = register.teams
    for notice in teams.attrs.get("notices", []):
        print(f"{args.file or 'data/teams.csv'}: {notice}", file=sys.stderr)
    as_of = args.as_of or today()
    write_teams(select_teams(teams, as_of, include_specialists=args.include_specialists), args.format, sys.stdout)
    return 0
