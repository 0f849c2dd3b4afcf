"""`pimap report`: write the report pack (maps, charts, tables, summary.md, manifest.json) into a directory."""

from __future__ import annotations

import argparse

from mapping.cli.options import add_as_of_argument, add_grades_argument, add_teams_argument, register_from, year_help
from mapping.errors import PimapError
from mapping.inputs.vocabulary import GRADE_CHOICES


def register(subparsers: argparse._SubParsersAction) -> None:
    from mapping.report import PACK_GEOGRAPHIES

    report = subparsers.add_parser(
        "report",
        help="write the report pack: maps, charts, tables, summary.md and manifest.json",
        description="Build the publication pack for one geography and population year into DIR. "
        "The same inputs always give byte-identical files (manifest.json lists their sha256).",
    )
    report.add_argument("--geography", required=True, choices=PACK_GEOGRAPHIES, help="UK-wide areas to report on")
    report.add_argument("--year", required=True, type=int, help=year_help())
    add_as_of_argument(report)
    add_teams_argument(report)
    add_grades_argument(report)
    report.add_argument("--foi", default=None, metavar="FILE",
                        help="FOI replies (.csv or .xlsx) to add the FOI map, chart and tables")
    report.add_argument("--out", required=True, metavar="DIR",
                        help="new or empty directory, or (with --force) an earlier pack to replace")
    report.add_argument("--force", action="store_true",
                        help="replace the earlier pack in DIR: only the files its manifest.json lists are "
                        "replaced; any other file in DIR is kept")
    report.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    """The pack of the selection the arguments stand for, with the register they name (the manifest's and
    the summary's sources say which register it is)."""
    from dataclasses import replace
    from pathlib import Path

    from mapping.cli.options import today
    from mapping.errors import PackFolderError
    from mapping.report import build_pack, check_out, load_inputs, pack_selection, write_pack

    as_of = args.as_of or today()
    try:
        check_out(Path(args.out), replace=args.force)  # the folder first, before any data is read
        register = register_from(args)
        grades = GRADE_CHOICES[args.grades]
        if register is None and grades is None:
            manifest = build_pack(args.geography, args.year, as_of=as_of, out=args.out, foi=args.foi,
                                  replace=args.force)
        else:
            selection = replace(pack_selection(args.geography, args.year, as_of=as_of, foi=args.foi),
                                register=register, grades=grades)
            manifest = write_pack(load_inputs(selection), args.out, replace=args.force)
    except PackFolderError as exc:
        if exc.earlier_pack:
            raise PimapError(f"--out {args.out!r} holds an earlier pack; pass --force to replace it (only the files "
                             "its manifest.json lists are replaced) or give a new or empty folder") from None
        raise PimapError(f"--out: {exc}") from None
    print(f"{args.out}: {len(manifest['files']) + 1} files (manifest.json lists them with their sha256)")
    return 0
