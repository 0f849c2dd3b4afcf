"""Options shared by the sub-commands, so every command reads a date or a selection the same way."""

from __future__ import annotations

import argparse
from datetime import date


def as_of_date(text: str) -> date:
    """argparse type: YYYY, YYYY-MM or YYYY-MM-DD (a partial date means its first day)."""
    from mapping.teams import parse_date

    try:
        return parse_date(text).date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """Geography, population year and the date teams are taken on."""
    parser.add_argument("--geography", required=True, help="geography id, e.g. uk2018, uk2023, ccg2018")
    parser.add_argument("--year", type=int, required=True, help="mid-year population (2017, 2019 or 2020)")
    parser.add_argument("--as-of", type=as_of_date, default=None, metavar="DATE",
                        help="teams (and specialist areas) current on this date: YYYY, YYYY-MM or YYYY-MM-DD "
                        "(default today)")
