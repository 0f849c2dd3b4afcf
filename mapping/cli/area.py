"""`pimap area QUERY [--geography ID] [--json]`: find an area by any name people use, its code or a UK postcode."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from mapping.cli import options

COLUMNS = ["code", "name", "display_name", "nation", "matched_on", "score"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "area", help="find an area by name, former name (CCG, ICB), local authority, code or UK postcode")
    parser.add_argument("query", help='a name, code or postcode, e.g. "Leeds", "NHS Kernow CCG", 15F, "LS1 4AP"')
    parser.add_argument("--geography", default=None,
                        help="geography id (default: the UK areas in force today, uk2026 from April 2026; "
                             "pimap geographies lists them)")
    parser.add_argument("--limit", type=_positive, default=10, help="most matches to list (default 10)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of matches, best first: code, name, display_name, nation, "
                             "matched_on, score")
    parser.set_defaults(func=_area)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give at least 1")
    return value


def find(query: str, geography: str, *, limit: int = 10) -> pd.DataFrame:
    """The areas of ``geography`` a query stands for: a UK postcode's area (``matched_on`` "postcode"), else the
    name search's matches (:func:`mapping.analysis.search.search_areas`). Raises :class:`AreaNotFound` for none."""
    from boundaries.catalogue import get_geography
    from boundaries.names import display_names
    from boundaries.postcodes import lookup_postcode, normalise_postcode
    from mapping.analysis.search import search_areas
    from mapping.errors import AreaNotFound, PostcodeError

    get_geography(geography)
    try:
        normalise_postcode(query)
        is_postcode = True
    except PostcodeError:
        is_postcode = False
    if is_postcode:
        found = lookup_postcode(query, geography)
        return pd.DataFrame([{"code": found.code, "name": found.name,
                              "display_name": display_names(geography).get(found.code, found.name),
                              "nation": found.nation, "matched_on": "postcode", "score": 100.0}], columns=COLUMNS)
    matches = search_areas(query, geography, limit=limit)
    if matches.empty:
        raise AreaNotFound(f"no area of {geography} matches {query.strip()!r}: try part of a name, a former CCG, "
                           "a local authority, a code or a postcode")
    return matches[COLUMNS]


def _text(matches: pd.DataFrame, geography: str) -> str:
    lines = [f"{geography}: {len(matches)} match{'es' if len(matches) != 1 else ''}, best first"]
    width = max([len(str(n)) for n in matches["display_name"]] + [4])
    for row in matches.itertuples(index=False):
        lines.append(f"{row.code:<10} {str(row.display_name):<{width}}  {row.nation:<16} {row.score:>5.1f}  "
                     f"{row.matched_on}")
    return "\n".join(lines)


def _area(args: argparse.Namespace) -> int:
    from boundaries.catalogue import in_force

    geography = args.geography or in_force(options.today())
    matches = find(args.query, geography, limit=args.limit)
    if args.json:
        records = [{"code": str(r.code), "name": str(r.name), "display_name": str(r.display_name),
                    "nation": str(r.nation), "matched_on": str(r.matched_on), "score": float(r.score)}
                   for r in matches.itertuples(index=False)]
        print(json.dumps(records, ensure_ascii=False))
        return 0
    print(_text(matches, geography))
    return 0
