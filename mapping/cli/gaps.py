"""`pimap gaps`, `pimap summary` and `pimap capacity`: the coverage engine on the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mapping.cli.options import (
    add_output_arguments,
    add_selection_arguments,
    check_out,
    emit,
    emit_with,
    selection_from,
)
from mapping.errors import PimapError

FORMATS = ("csv", "json", "geojson", "gpkg")


def _coverage_arguments(parser: argparse.ArgumentParser) -> None:
    add_selection_arguments(parser, age=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    gaps = subparsers.add_parser("gaps", help="per-area coverage table")
    _coverage_arguments(gaps)
    gaps.add_argument("--format", choices=FORMATS, default="csv")
    add_output_arguments(gaps, help="output file (default: standard output; gpkg needs --out)")
    gaps.set_defaults(func=_gaps)

    summary = subparsers.add_parser("summary", help="UK and per-nation coverage summary")
    _coverage_arguments(summary)
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    summary.set_defaults(func=_summary)

    capacity = subparsers.add_parser("capacity", help="staff and teams needed against the reference team size")
    _coverage_arguments(capacity)
    capacity.add_argument("--json", action="store_true", help="print one JSON object")
    capacity.set_defaults(func=_capacity)


def _compute(args: argparse.Namespace):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import load_inputs

    return compute_gaps(load_inputs(selection_from(args)))


def _gaps(args: argparse.Namespace) -> int:
    from mapping.present.outputs import csv_text

    if args.format == "gpkg" and args.out is None:
        raise PimapError("--format gpkg needs --out PATH")
    check_out(args)
    gaps = _compute(args)
    if args.format == "gpkg":
        def write_gpkg(path: Path) -> None:
            gaps.to_file(path, driver="GPKG", layer="gaps")

        emit_with(args, write_gpkg)
        return 0
    if args.format == "geojson":
        text = gaps.to_json(drop_id=True)
    else:
        table = gaps.drop(columns="geometry")
        text = csv_text(table) if args.format == "csv" else table.to_json(orient="records", indent=1)
    emit(args, text)
    return 0


def _json(result: dict) -> str:
    """A result as standard JSON: a figure that is not a number (NaN, infinite) is null, as in every other
    JSON output (``mapping.cli.ladder._json_value``), never the ``NaN`` that JSON readers refuse."""
    from mapping.cli.ladder import _json_value

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return _json_value(value)

    return json.dumps(plain(result), indent=1, allow_nan=False, default=float)


def _summary(args: argparse.Namespace) -> int:
    from mapping.analysis.coverage import summarise
    from mapping.analysis.list_count import list_count_of
    from mapping.analysis.selection import load_inputs

    selection = selection_from(args)
    result = summarise(_compute(args))
    count = list_count_of(load_inputs(selection))
    if args.json:
        print(_json({**result, "our_list": {**count.figures(), "sentence": count.sentence()}}))
        return 0
    print(f"{selection.geography}, teams as of {selection.as_of}, mid-{selection.year} population")
    print(count.sentence())
    for label, row in [("UK", result), *result["nations"].items()]:
        share = row["share_covered"]
        print(
            f"{label}: {row['teams_operating']} team{'' if row['teams_operating'] == 1 else 's'}; "
            f"{row['areas_without_team']} of {row['areas']} areas with no "
            f"team; {row['age0_2_uncovered']:,.0f} of {row['age0_2_total']:,.0f} children aged 0-2 uncovered "
            f"({'n/a' if share is None else f'{share:.1%}'} covered)"
        )
    return 0


def _capacity(args: argparse.Namespace) -> int:
    """The national need in reference-size teams, from each area's births of the period standing for the
    population year (children aged 0 where an area has none); the arithmetic names which."""
    from mapping.analysis.capacity import capacity_births, national_capacity
    from mapping.analysis.coverage import summarise

    gaps = _compute(args)
    births = capacity_births(args.geography, args.year)
    result = national_capacity(gaps, summarise(gaps)["teams_operating"], births=births, year=args.year)
    if args.json:
        print(_json(result))
    else:
        print(result["arithmetic"])
        if result["births_sources"]:
            print(f"births: {result['births_sources']} (registry ids)")
        print(f"reference: {result['reference']['source']}")
        print(f"compare: {result['tenfold_claim']}")
    return 0
