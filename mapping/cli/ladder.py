"""`pimap ladder` and `pimap reach`: the provision ladder per area, its summary, and teams' reach."""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd

from mapping.cli.options import add_output_arguments, add_selection_arguments, check_out, emit, selection_from
from mapping.errors import PimapError

FORMATS = ("csv", "json", "geojson")


def register(subparsers: argparse._SubParsersAction) -> None:
    ladder = subparsers.add_parser(
        "ladder",
        help="each area's level of provision (3 team, 2 specialists, 1 CAMHS accepts under-3s, 0 none, unknown)",
        description="One row per area: the level covering most of its children aged 0-2, the share at each level "
        "and the evidence (team ids, specialist areas and their source, FOI reply ids). "
        "See docs/methodology_ladder.md.",
    )
    add_selection_arguments(ladder)
    ladder.add_argument("--foi", metavar="FILE", default=None,
                        help="FOI replies file (.csv or .xlsx, data/foi/README.md) for levels 1 and 0; "
                        "without it no area can be at level 1 or 0 (only --foi is read, never PIMAP_FOI_FILE)")
    ladder.add_argument("--no-evidence-level", choices=("unknown", "0"), default="unknown",
                        help="level of a place with no team, no specialists and no usable FOI answer "
                        "(default unknown)")
    ladder.add_argument("--summary", action="store_true",
                        help="write the UK and per-nation summary (children and areas at each level) instead")
    ladder.add_argument("--format", choices=FORMATS, default="csv", help="output format (default csv)")
    add_output_arguments(ladder)
    ladder.set_defaults(func=_ladder)

    reach = subparsers.add_parser(
        "reach",
        help="families teams can support a year against the babies estimated to need specialised help",
        description="Per area: babies (children aged 0), need (15%% of them by default), the families a year "
        "the teams serving it can support (130 a team by default, Leeds), and reach = families / need. "
        "--national prints the arithmetic and the published figures instead.",
    )
    add_selection_arguments(reach)
    reach.add_argument("--families-per-team", type=float, default=None,
                       help="families a team supports a year (default 130, Leeds, Rare Jewels section 9)")
    reach.add_argument("--need-share", type=float, default=None,
                       help="share of babies needing specialised help (default 0.15, Vision & Strategy)")
    reach.add_argument("--national", action="store_true",
                       help="print the national and per-nation reach, its arithmetic and the published figures")
    reach.add_argument("--format", choices=("csv", "json"), default="csv")
    add_output_arguments(reach)
    reach.set_defaults(func=_reach)


def _json_value(value: object) -> object:
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _ladder(args: argparse.Namespace) -> int:
    from mapping.analysis.ladder import LadderRules, compute_ladder, foi_areas_from_file, summarise_ladder
    from mapping.analysis.selection import load_inputs
    from mapping.present.outputs import csv_text

    if args.summary and args.format == "geojson":
        raise PimapError("--summary has no geometry: use --format csv or json")
    check_out(args)
    selection = selection_from(args)
    rules = LadderRules(no_evidence_level=args.no_evidence_level)
    foi_areas, synthetic = None, False
    if args.foi is not None:
        if not Path(args.foi).is_file():
            raise PimapError(f"FOI replies file {args.foi!r} (from --foi) does not exist")
        foi_areas, synthetic = foi_areas_from_file(args.foi, rules)
        if synthetic:
            print("note: the FOI file says it is SYNTHETIC test data, not real FOI replies", file=sys.stderr)
    want_geometry = args.format == "geojson" and not args.summary
    ladder = compute_ladder(load_inputs(selection), foi_areas=foi_areas, rules=rules, geometry=want_geometry)
    ladder["foi_file"] = str(args.foi) if args.foi is not None else ""
    ladder["foi_synthetic"] = synthetic
    if args.summary:
        table = summarise_ladder(ladder)
        for column in ("geography", "population_year", "as_of", "no_evidence_level", "foi_file", "foi_synthetic"):
            table[column] = ladder[column].iloc[0]
    else:
        table = ladder
    if args.format == "geojson":
        emit(args, table.to_json(drop_id=True, na="null"))
    elif args.format == "json":
        emit(args, json.dumps(_records(table), indent=1))
    else:
        emit(args, csv_text(table))
    return 0


def _reach(args: argparse.Namespace) -> int:
    import boundaries
    from mapping.analysis.reach import DEFAULT_REACH, compare_with_published, compute_reach, summarise_reach
    from mapping.analysis.selection import load_inputs
    from mapping.present.outputs import csv_text

    check_out(args)
    selection = selection_from(args)
    changes = {}
    if args.families_per_team is not None:
        changes["families_per_team"] = args.families_per_team
        changes["families_source"] = "given on the command line (--families-per-team)"
    if args.need_share is not None:
        changes["need_share"] = args.need_share
        changes["need_source"] = "given on the command line (--need-share)"
    try:
        params = replace(DEFAULT_REACH, **changes)
    except ValueError as exc:
        raise PimapError(str(exc)) from None
    as_of = selection.as_of
    reach = compute_reach(load_inputs(selection), params)
    if not args.national:
        emit(args, json.dumps(_records(reach), indent=1) if args.format == "json" else csv_text(reach))
        return 0
    summary = summarise_reach(reach)
    latest = max(boundaries.POPULATION_YEARS)
    # The published counts are national: set them against every baby (each small area) of the latest year.
    babies_latest = float(load_inputs(replace(selection, year=latest)).population["age0"].sum())
    published = compare_with_published(babies_latest, params)
    if args.format == "json":
        payload = {
            "geography": args.geography, "population_year": args.year, "as_of": as_of.isoformat(),
            "parameters": asdict(params), "summary": _records(summary),
            "published": _records(published), "published_population_year": latest,
        }
        emit(args, json.dumps(payload, indent=1))
        return 0
    lines = [f"{args.geography}, teams operating on {as_of}, mid-{args.year} population"]
    for row in summary.itertuples(index=False):
        lines.append(
            f"{row.scope}: {row.teams} team{'' if row.teams == 1 else 's'} x {params.families_per_team:g} = "
            f"{row.families:,.0f} families a year; "
            f"{params.need_share:.0%} x {row.babies:,.0f} babies = {row.need:,.0f} in need; reach {row.reach:.1%}"
        )
    lines.append(f"families per team: {params.families_source}")
    lines.append(f"need: {params.need_source}")
    for row in published.itertuples(index=False):
        low, high = row.published_reach_low, row.published_reach_high
        stated = f"{low:.0%}" if low == high else f"{low:.0%}-{high:.0%}"
        lines.append(
            f"published {row.as_of}: {row.teams} teams, reach {stated}; ours for {row.teams} teams and mid-{latest} "
            f"babies: {row.our_reach:.1%} ({row.source})"
        )
    emit(args, "\n".join(lines))
    return 0
