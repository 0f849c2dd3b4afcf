"""`pimap foi check|summary|classify|conflicts`: FOI replies on CAMHS and the under-3s."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date

from mapping.cli.options import add_output_arguments, check_out, emit

# Columns written by `foi classify` in the FOI's own geography (the rest stay in the library frame).
CLASSIFY_COLUMNS = [
    "synthetic", "population_year", "code", "name", "nation", "foi_class", "accepts_status",
    "accepts_0_12_text", "accepts_12_24_text", "accepts_24_36_text", "referrals_u3", "seen_u3",
    "referrals_0_18_text", "seen_0_18_text", "referrals_u3_share_low", "referrals_u3_share_high",
    "seen_u3_share_low", "seen_u3_share_high", "population_0_2", "population_0_18", "population_share_0_2",
    "reply_id", "source_row", "responder_type", "responder_name", "reply_date", "n_replies", "reply_ids",
    "choice_reason",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    foi = subparsers.add_parser("foi", help="check, combine and summarise FOI replies on CAMHS for under-3s")
    sub = foi.add_subparsers(dest="foi_command", required=True)

    check = sub.add_parser("check", help="list every problem as 'row N, column C: message'; exit 1 on errors")
    check.add_argument("file", help="replies file (.csv or .xlsx; see data/foi/README.md)")
    check.set_defaults(func=_check)

    summary = sub.add_parser("summary", help="Rare Jewels' funnel recomputed from the replies")
    summary.add_argument("file")
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    summary.set_defaults(func=_summary)

    classify = sub.add_parser("classify", help="each area's class, in the FOI's geography or carried to another")
    classify.add_argument("file")
    classify.add_argument("--geography", required=True, help="geography id (pimap geographies lists them)")
    classify.add_argument("--year", type=int, help="population year (default: the FOI period's, or nearest)")
    classify.add_argument("--format", choices=("csv", "json"), default="csv")
    add_output_arguments(classify, flags=("--out", "--output"),
                         help="write to this file instead of standard output")
    classify.set_defaults(func=_classify)

    conflicts = sub.add_parser("conflicts", help="every disagreement between replies for one area, and the choice")
    conflicts.add_argument("file")
    conflicts.add_argument("--format", choices=("csv", "json"), default="csv")
    conflicts.set_defaults(func=_conflicts)


def _synthetic_notice(synthetic: bool) -> None:
    if synthetic:
        print("note: this file says it is SYNTHETIC test data, not real FOI replies", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from mapping.inputs.foi_io import check_file

    report = check_file(args.file)
    for issue in report.issues:
        print(issue)
    _synthetic_notice(report.synthetic)
    print(
        f"{args.file}: {len(report.replies)} replies, {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        + (f"; geography {report.geography}" if report.geography else ""),
        file=sys.stderr,
    )
    return 1 if report.errors else 0


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _summary(args: argparse.Namespace) -> int:
    import boundaries
    from mapping.analysis.selection import Selection, load_inputs
    from mapping.inputs.foi_io import analyse_file, default_population_year, population_share_0_2

    analysis = analyse_file(args.file)
    f = analysis.funnel
    _synthetic_notice(analysis.synthetic)
    year = default_population_year(analysis.report, tuple(boundaries.POPULATION_YEARS))
    share = population_share_0_2(load_inputs(Selection(analysis.geography, year, date.today())))
    if args.json:
        print(json.dumps({**f, "geography": analysis.geography, "synthetic": analysis.synthetic,
                          "conflicts": int(len(analysis.conflicts)), "population_year": year,
                          "population_share_0_2": share}))
        return 0
    lines = [
        f"FOI replies: {args.file} ({len(analysis.report.replies)} replies, geography {analysis.geography})",
        f"areas: {f['areas_total']}, with a reply: {f['areas_with_reply']}",
        f"areas with a usable answer: {f['areas_usable']}",
        f"  accept under-3s: {f['accept']} ({_pct(f['accept_share'])})",
        f"  do not accept: {f['do_not_accept']} ({_pct(f['do_not_accept_share'])})",
        f"of those accepting, with age-disaggregated data: {f['with_age_data']}"
        f" (from commissioners {f['with_age_data_from_commissioner']}, from providers"
        f" {f['with_age_data_from_provider']}, other {f['with_age_data_from_other']})",
        f"  with any referrals aged 2 and under: {f['with_referrals']}, of them 1-5: {f['referrals_1_to_5']}",
        f"  with no referrals aged 2 and under: {f['no_referrals']}",
        f"  with any children aged 2 and under seen: {f['with_seen']}, of them 1-5: {f['seen_1_to_5']}",
        f"  with none seen: {f['none_seen']}",
        f"  with full data (under-3 and 0-18 referrals and seen): {f['with_full_data']}",
        f"children aged 0-2 are {share:.1%} of those aged 0-18 in these areas (mid-{year}; Rare Jewels: about 16%)",
        f"conflicts between replies: {len(analysis.conflicts)} (pimap foi conflicts FILE lists them)",
    ]
    print("\n".join(lines))
    return 0


def _json_value(value: object) -> object:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "isoformat"):
        return None if str(value) == "NaT" else value.isoformat()[:10]
    if hasattr(value, "item"):
        return value.item()
    return value


def _write(frame, fmt: str, args: argparse.Namespace) -> None:
    """JSON records or CSV (text cells neutralised) to ``--out`` or standard output."""
    from mapping.present.outputs import csv_text

    if fmt == "json":
        records = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
        text = json.dumps(records, indent=1) + "\n"
    else:
        text = csv_text(frame)
    emit(args, text)


def _classify(args: argparse.Namespace) -> int:
    import boundaries
    from mapping.analysis.selection import Selection, load_inputs
    from mapping.inputs.foi_io import analyse_file, classes_in, default_population_year

    check_out(args)
    analysis = analyse_file(args.file)
    _synthetic_notice(analysis.synthetic)
    year = args.year if args.year is not None else default_population_year(analysis.report, tuple(boundaries.POPULATION_YEARS))
    # The teams play no part in the classes: the date only completes the selection.
    frame = classes_in(analysis, load_inputs(Selection(args.geography, year, date.today())))
    if args.geography == analysis.geography:
        frame = frame.copy()
        frame["foi_class"] = frame["foi_class"].astype(str)
        frame = frame[[c for c in CLASSIFY_COLUMNS if c in frame.columns]]
    _write(frame, args.format, args)
    return 0


def _conflicts(args: argparse.Namespace) -> int:
    from mapping.inputs.foi_io import analyse_file

    analysis = analyse_file(args.file)
    _synthetic_notice(analysis.synthetic)
    _write(analysis.conflicts, args.format, argparse.Namespace(out=None, force=False))
    return 0
