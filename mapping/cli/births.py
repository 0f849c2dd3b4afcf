"""`pimap births`: live births per area of a geography, the 12 months standing for a population year."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from mapping.cli.options import add_output_arguments, check_out, emit

FORMATS = ("text", "csv", "json")
COLUMNS = ["code", "name", "nation", "births", "period", "source", "estimated"]
ESTIMATED_NOTE = ("estimated = True where the area is not a union of whole local authorities: its births are "
                  "its small areas' shares (by children aged 0) of their authorities' births")


def register(subparsers: argparse._SubParsersAction) -> None:
    births = subparsers.add_parser("births", help="live births per area (ONS, NRS/ScotPHO, NISRA by authority)")
    births.add_argument("--geography", required=True, help="geography id, e.g. uk2023, lad2023, icb2023")
    births.add_argument("--year", type=int, required=True,
                        help="population year: the births of the 12 months to 30 June of it, or the nearest "
                             "published period (the period column says which)")
    births.add_argument("--format", choices=FORMATS, default="text")
    add_output_arguments(births)
    births.set_defaults(func=_births)


def sources(year: int, nations: tuple[str, ...]) -> list[tuple[str, str]]:
    """(registry id, sha256) of every file behind the births of ``year`` in ``nations``: the births files,
    the population whose children aged 0 share them among small areas, the small-area -> authority map's
    sources and the small-area lookup's (which area each small area lies in)."""
    from boundaries.births import births_source_ids
    from boundaries.fetch import registry
    from boundaries.local_authorities import AUTHORITY_SOURCES
    from boundaries.lookups import lookup_source_ids
    from boundaries.population import population_source_ids

    ids = [*births_source_ids(year, nations), *population_source_ids(year), *AUTHORITY_SOURCES,
           *lookup_source_ids()]
    return [(i, registry()[i].sha256) for i in dict.fromkeys(ids)]


def _nations(table: pd.DataFrame) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(n) for n in table["nation"]))


def _periods(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    rows = table[["nation", "period", "source"]].drop_duplicates()
    return [(str(n), str(p), str(s)) for n, p, s in rows.itertuples(index=False)]


def _text(table: pd.DataFrame, geography: str, year: int) -> str:
    lines = [f"{geography}: live births standing for mid-{year} ({len(table)} areas, "
             f"{int(table['births'].sum()):,} births)"]
    lines += [f"{nation}: {period} ({source})" for nation, period, source in _periods(table)]
    width = max([len(str(n)) for n in table["name"]] + [4])
    for row in table.itertuples(index=False):
        flag = "  estimated" if row.estimated else ""
        lines.append(f"{row.code:<10} {str(row.name):<{width}} {int(row.births):>8,}{flag}")
    lines.append(ESTIMATED_NOTE)
    return "\n".join(lines) + "\n"


def _csv(table: pd.DataFrame, geography: str, year: int) -> str:
    from mapping.present.outputs import csv_text

    head = [f"# title: live births per area of {geography}, standing for mid-{year}"]
    head += [f"# period: {nation}: {period}" for nation, period, _ in _periods(table)]
    head += [f"# source: registry:{file_id} sha256 {sha[:12]}" for file_id, sha in sources(year, _nations(table))]
    head.append(f"# note: {ESTIMATED_NOTE}")
    body = csv_text(table)
    end = "\r\n" if body.endswith("\r\n") else "\n"
    return end.join(head) + end + body


def _json(table: pd.DataFrame, geography: str, year: int) -> str:
    records = [{k: (bool(v) if k == "estimated" else int(v) if k == "births" else str(v)) for k, v in row.items()}
               for row in table.to_dict(orient="records")]
    result = {
        "geography": geography,
        "year": year,
        "periods": [{"nation": n, "period": p, "source": s} for n, p, s in _periods(table)],
        "sources": [{"id": f"registry:{i}", "sha256": sha} for i, sha in sources(year, _nations(table))],
        "note": ESTIMATED_NOTE,
        "areas": records,
    }
    return json.dumps(result, indent=1, ensure_ascii=False)


def _births(args: argparse.Namespace) -> int:
    from boundaries.births import area_births

    check_out(args)
    table = area_births(args.geography, args.year)[COLUMNS]
    render = {"text": _text, "csv": _csv, "json": _json}[args.format]
    emit(args, render(table, args.geography, args.year))
    return 0
