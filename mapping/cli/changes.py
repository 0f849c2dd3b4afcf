"""`pimap changes --from DATE --to DATE`: the map of change between two dates (:mod:`mapping.analysis.changes`)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from boundaries.population import ESTIMATES_NOTE
from mapping.cli.options import (
    add_grades_argument,
    add_output_arguments,
    add_teams_argument,
    as_of_date,
    check_out,
    emit,
    selection_from,
    year_help,
)
from mapping.errors import PimapError

if TYPE_CHECKING:
    from mapping.analysis.changes import Changes
    from mapping.present.downloads import DownloadMeta

DEFAULT_GEOGRAPHY = "uk2023"
FORMATS = ("text", "csv", "json")
TABLES = ("areas", "teams", "totals")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "changes",
        help="which teams started, closed or changed between two dates, and the babies whose coverage changed",
        description="Compare the teams and their coverage on two dates, on one selection (geography, population "
        "year, age band, register, grades): the teams that started, closed, changed status (in development to "
        "operating), catchment or evidence grade, and per area the babies covered at each date, those who gained a "
        "team's coverage and those who lost it (small area by small area, the coverage rule of `pimap gaps`). "
        "The population is the same at both dates, so every difference is the teams'.",
    )
    parser.add_argument("--from", dest="from_date", type=as_of_date, required=True, metavar="DATE",
                        help="the first date: YYYY-MM-DD, YYYY-MM (its first day) or YYYY (1 July of it, mid-year)")
    parser.add_argument("--to", dest="to_date", type=as_of_date, required=True, metavar="DATE",
                        help="the second date, not before --from (same forms)")
    parser.add_argument("--geography", default=DEFAULT_GEOGRAPHY,
                        help=f"geography id of the areas (default {DEFAULT_GEOGRAPHY}; pimap geographies lists them)")
    parser.add_argument("--year", type=int, default=None,
                        help="the same at both dates (default: the latest); " + year_help())
    parser.add_argument("--age", choices=("0", "0-2"), default="0-2", help="age band of the babies (default 0-2)")
    add_teams_argument(parser)
    add_grades_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default): a summary, the team changes, then the areas with a change; csv: one "
                        "table (--table), led by '# ' lines naming the title, dates and sources (read it with "
                        "pandas.read_csv(..., comment='#')); json: one object with the totals, the areas and the "
                        "team changes")
    parser.add_argument("--table", choices=TABLES, default=None,
                        help="the table --format csv writes: areas (default; one row per area: babies, covered "
                        "at each date, gained, lost, net), teams (one row per team per change) or totals "
                        "(UK and each nation)")
    add_output_arguments(parser)
    parser.set_defaults(func=_changes)


def _check_arguments(args: argparse.Namespace) -> None:
    """Refuse what cannot be answered before anything is loaded."""
    if args.from_date > args.to_date:
        raise PimapError(f"--from {args.from_date.isoformat()} is after --to {args.to_date.isoformat()}: "
                         "give the earlier date as --from")
    if args.table is not None and args.format != "csv":
        raise PimapError(f"--table chooses the table of --format csv; --format {args.format} writes "
                         + ("every table" if args.format == "json" else "a summary, the teams and the areas"))


def _changes(args: argparse.Namespace) -> int:
    import boundaries
    from mapping.analysis.changes import compute_changes
    from mapping.analysis.selection import load_inputs

    _check_arguments(args)
    check_out(args)
    if args.year is None:
        args.year = max(boundaries.POPULATION_YEARS)
    args.as_of = args.to_date
    after = selection_from(args)
    before = replace(after, as_of=args.from_date)
    changes = compute_changes(load_inputs(before), load_inputs(after))
    if args.format == "text":
        emit(args, text_report(changes))
    elif args.format == "json":
        emit(args, json.dumps(json_report(changes), indent=1, allow_nan=False))
    else:
        emit_csv(args, changes, args.table or "areas")
    return 0


# --- text ------------------------------------------------------------------------------------------------------


def _babies(value: float) -> str:
    return f"{value:,.0f}"


def _team_line(row: pd.Series) -> str:
    from mapping.analysis.changes import TeamChange

    what = f"{row['name']} ({row['team_id']}; {row['nation']}; grade {row['evidence_grade']})"
    if row["change"] == TeamChange.CATCHMENT:
        detail = f"catchment {row['catchment_before']} -> {row['catchment_after']}"
    elif row["change"] == TeamChange.GRADE:
        detail = f"grade {row['grade_before']} -> {row['grade_after']}"
    else:
        detail = f"{row['status_before'] or 'no team'} -> {row['status_after'] or 'no team'}"
        catchment = row["catchment_after"] or row["catchment_before"]
        detail += f"; catchment {catchment}" if catchment else ""
    return f"  {row['change']}: {what}: {detail}"


def _area_line(row: pd.Series) -> str:
    teams = (f"; teams {row['teams_before'] or 'none'} -> {row['teams_after'] or 'none'}"
             if row["teams_before"] != row["teams_after"] else "")
    return (f"  {row['name']} ({row['code']}, {row['nation']}): {_babies(row['babies'])} babies; covered "
            f"{_babies(row['covered_before'])} -> {_babies(row['covered_after'])}: gained {_babies(row['gained'])}, "
            f"lost {_babies(row['lost'])}, net {row['net']:+,.0f}{teams}")


def text_report(changes: Changes) -> str:
    """The summary (UK, then a line per nation), the team changes, and the areas where any baby's coverage or the
    operating teams serving the area changed."""
    from mapping.analysis.changes import UK, summary_text

    lines = [summary_text(changes), ""]
    nations = changes.totals[changes.totals["scope"] != UK]
    if not nations.empty:
        lines.append("By nation:")
        for row in nations.itertuples(index=False):
            lines.append(f"  {row.scope}: {row.teams_started} started, {row.teams_closed} closed, "
                         f"{row.teams_status_changed} changed status, {row.teams_catchment_changed} changed "
                         f"catchment, {row.teams_grade_changed} changed grade; gained {_babies(row.gained)}, "
                         f"lost {_babies(row.lost)}, net {row.net:+,.0f} ({row.areas} area{'' if row.areas == 1 else 's'})")
        lines.append("")
    lines.append(f"Team changes ({len(changes.teams)}):" if len(changes.teams) else "Team changes: none")
    lines += [_team_line(row) for _, row in changes.teams.iterrows()]
    areas = changes.areas
    changed = areas[(areas["gained"] > 0) | (areas["lost"] > 0) | (areas["teams_before"] != areas["teams_after"])]
    lines.append("")
    lines.append(f"Areas where coverage or the serving teams changed ({len(changed)} of {len(areas)}), babies aged "
                 f"{changes.age}:" if len(changed) else
                 f"Areas where coverage or the serving teams changed: none of {len(areas)}")
    lines += [_area_line(row) for _, row in changed.iterrows()]
    return "\n".join(lines)


# --- csv and json ----------------------------------------------------------------------------------------------


def _value(value: object) -> object:
    from mapping.cli.ladder import _json_value

    return _json_value(value)


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def json_report(changes: Changes) -> dict:
    """Every table of the map of change, with the selection it was computed for."""
    return {
        "from": changes.before.as_of.isoformat(), "to": changes.after.as_of.isoformat(),
        "geography": changes.geography, "population_year": changes.year, "age_band": changes.age,
        "register": {"source": changes.register.source, "sha256": changes.register.sha256},
        "grades": "all" if changes.after.grades is None else list(changes.after.grades),
        "totals": _records(changes.totals), "areas": _records(changes.areas), "teams": _records(changes.teams),
    }


_TITLES = {
    "areas": "Babies aged {age} whose parent-infant team coverage changed, by area ({geography})",
    "teams": "Parent-infant teams that started, closed or changed",
    "totals": "Babies aged {age} whose parent-infant team coverage changed, UK and nations ({geography})",
}


def download_meta(changes: Changes, table: str) -> DownloadMeta:
    """The title, attribution, dates and sources a CSV of the map of change carries in its ``# `` lines."""
    import boundaries
    from mapping.inputs.provenance import sources_for
    from mapping.present.downloads import DownloadMeta, source_line

    geo = boundaries.get_geography(changes.geography)
    grades = "every evidence grade" if changes.after.grades is None else "grades " + ", ".join(changes.after.grades)
    sources = [source_line(s, sha256=s.role == "teams") for s in sources_for(changes.after)]
    return DownloadMeta(
        title=_TITLES[table].format(age=changes.age, geography=changes.geography),
        attribution=f"{boundaries.ATTRIBUTION} Teams: the register {changes.register.source} ({grades}).",
        data_date=(f"teams on {changes.before.as_of.isoformat()} and on {changes.after.as_of.isoformat()}; "
                   f"population mid-{changes.year} at both dates; boundaries {geo.label} ({geo.vintage.isoformat()})"),
        sources=tuple(sources),
        notes=("gained: babies of small areas covered at the second date, not the first; lost: the reverse; "
               "net = covered_after - covered_before.",
               "A team covers the small areas of its catchment while it is operating (as pimap gaps).",
               ESTIMATES_NOTE),
    )


def emit_csv(args: argparse.Namespace, changes: Changes, table: str) -> None:
    """One table as CSV with its provenance lines (the app's downloads' format,
    :func:`mapping.present.downloads.to_csv_bytes`); on standard output without the byte-order mark."""
    from mapping.present.downloads import to_csv_bytes

    frame = {"areas": changes.areas, "teams": changes.teams, "totals": changes.totals}[table]
    data = to_csv_bytes(frame, download_meta(changes, table))
    emit(args, data if args.out is not None else data.decode("utf-8").removeprefix("\ufeff"))
