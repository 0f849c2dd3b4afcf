"""`pimap postcode "PC" [--geography ID] [--json]`: the area of a geography a UK postcode lies in."""

from __future__ import annotations

import argparse
import json

# The UK geography in force today (boundaries.catalogue.in_force): the 36 ICBs of April 2026 with the Welsh,
# Scottish and Northern Irish boards, the areas a commissioner in England now works in.
DEFAULT_GEOGRAPHY = "uk2026"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("postcode", help="the area of a geography a UK postcode lies in")
    parser.add_argument("postcode", help='a UK postcode, any case and spacing, e.g. "SW1A 1AA"')
    parser.add_argument("--geography", default=DEFAULT_GEOGRAPHY,
                        help=f"geography id (default {DEFAULT_GEOGRAPHY}; pimap geographies lists them)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: postcode, geography, code, name, nation "
                        "(and lon, lat, method, distance_km)")
    parser.set_defaults(func=_postcode)


def _postcode(args: argparse.Namespace) -> int:
    from boundaries.postcodes import lookup_postcode

    found = lookup_postcode(args.postcode, args.geography)
    if args.json:
        print(json.dumps(found.as_dict()))
        return 0
    where = "in" if found.method == "inside" else f"nearest area ({found.distance_km:.2f} km outside every polygon):"
    print(f"{found.postcode} ({found.lon:.5f}, {found.lat:.5f}) {where} {found.name} ({found.code}), "
          f"{found.nation} [{found.geography}]")
    return 0
