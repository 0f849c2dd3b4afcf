"""`pimap compare`: up to five areas side by side on a date, and each of them from 2019 to that date."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import pandas as pd

from mapping.cli.options import (
    add_as_of_argument,
    add_grades_argument,
    add_output_arguments,
    add_teams_argument,
    check_out,
    emit,
    register_from,
    today,
    year_help,
)
from mapping.errors import PimapError

FORMATS = ("text", "csv", "json")
MAX_AREAS = 5


def register(subparsers: argparse._SubParsersAction) -> None:
    compare = subparsers.add_parser(
        "compare", help="areas side by side: babies, births, coverage, level, teams, capacity, and over time")
    compare.add_argument("codes", nargs="+", metavar="CODE", help=f"area codes of the geography (up to {MAX_AREAS})")
    compare.add_argument("--geography", required=True, help="geography id, e.g. uk2026, uk2023")
    compare.add_argument("--year", type=int, default=None,
                         help=year_help() + "; default: the latest not after the date's year")
    add_as_of_argument(compare, "teams (and specialist areas) current")
    add_teams_argument(compare)
    add_grades_argument(compare)
    compare.add_argument("--similar", action="store_true",
                         help=f"add the areas most like the first CODE (same nation, nearest number of babies aged "
                              f"0-2) up to {MAX_AREAS} areas in all")
    compare.add_argument("--format", choices=FORMATS, default="text",
                         help="text (default): tables to read; csv: one row per area and date; json: both")
    add_output_arguments(compare)
    compare.set_defaults(func=_compare)


def _asked(args: argparse.Namespace) -> list[str]:
    """The codes given, in order without repeats; refused (before anything is computed) when there are more
    than :data:`MAX_AREAS` or one is not an area of the geography."""
    import boundaries
    from mapping.analysis.history import pick_areas

    given = [c.strip() for c in args.codes if c.strip()]
    codes = list(dict.fromkeys(given))
    repeated = sorted({c for c in given if given.count(c) > 1})
    if repeated:  # compared once, and said so (never a silent change)
        print(f"pimap: note: {', '.join(repeated)} given more than once: compared once", file=sys.stderr)
    if len(codes) > MAX_AREAS:
        raise PimapError(f"compare at most {MAX_AREAS} areas at once ({len(codes)} given)")
    if args.geography not in boundaries.GEOGRAPHY_IDS:
        raise PimapError(f"unknown geography {args.geography!r}; choose one of {', '.join(boundaries.GEOGRAPHY_IDS)}")
    pick_areas(boundaries.area_table(args.geography), codes, args.geography)  # an unknown code is named
    return codes


def _codes(args: argparse.Namespace, asked: list[str], gaps: pd.DataFrame) -> list[str]:
    """The areas asked for (:func:`_asked`), with the similar ones added (``--similar``)."""
    from mapping.analysis.history import similar_areas

    codes = list(asked)
    if args.similar and len(codes) < MAX_AREAS:
        found = similar_areas(gaps, codes[0], n=MAX_AREAS - 1)["code"].astype(str)
        codes += [c for c in found if c not in codes][:MAX_AREAS - len(codes)]
    return codes


def _compare(args: argparse.Namespace) -> int:
    from mapping.analysis.history import area_history, figures_for, history_dates, pick_areas, population_year_for
    from mapping.analysis.selection import Selection

    check_out(args)
    asked = _asked(args)
    as_of = args.as_of or today()
    year = args.year if args.year is not None else population_year_for(as_of)
    register = register_from(args)
    from mapping.inputs.vocabulary import GRADE_CHOICES

    grades = GRADE_CHOICES[args.grades]
    selection = Selection(geography=args.geography, year=year, as_of=as_of, register=register, grades=grades)
    rows = figures_for(selection)
    codes = _codes(args, asked, rows)
    now = pick_areas(rows, codes, args.geography)
    dates = history_dates(as_of)
    history = area_history(args.geography, codes, dates, register=register, grades=grades)
    render = {"text": _text, "csv": _csv, "json": _json}[args.format]
    emit(args, render(selection, now, history))
    return 0


def _labels(rows: pd.DataFrame) -> dict[str, str]:
    from mapping.analysis.history import area_labels

    return area_labels(rows.drop_duplicates("code"))


def _grid(frame: pd.DataFrame) -> str:
    """A table of text cells as aligned columns (the first left, the rest right)."""
    cells = [[str(c) for c in frame.columns], *[[str(v) for v in row] for row in frame.itertuples(index=False)]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    return "\n".join("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))
                     .rstrip() for r in cells)


def _text(selection, now: pd.DataFrame, history: pd.DataFrame) -> str:
    """Each area's figures on the date as a block of lines, then one table per measure over time (areas by
    code, dates by year)."""
    from mapping.analysis.history import OVER_TIME, date_label, over_time, population_year_for, side_by_side

    labels = _labels(now)
    lines = [f"{selection.geography}: {len(now)} areas compared, teams as of {selection.as_of.isoformat()}, "
             f"population mid-{selection.year}"]
    table = side_by_side(now, {c: c for c in labels})
    width = max(len(f) for f in table["Figure"])
    for code, name in labels.items():
        lines += ["", f"{code}  {name}"]
        lines += [f"  {figure:<{width}}  {value}" for figure, value in zip(table["Figure"], table[code])
                  if figure != "Figure"]
    dates = sorted(set(history["as_of"]))
    lines += ["", "Over time, each date with the latest population estimate by then ("
              + "; ".join(f"{date_label(d, today())}: mid-{population_year_for(d)}" for d in dates) + "):"]
    levels = history.assign(level=history["level"].astype(object).where(history["level"].notna(), "none"))
    for measure, title, _ in OVER_TIME:
        shown = levels.assign(level_label=levels["level"], level_share=1.0) if measure == "level" else history
        grid = over_time(shown, measure, {c: c for c in labels}, today=today())
        grid.columns = ["Area", *[str(d.year) if (d.month, d.day) == (7, 1) else d.isoformat() for d in dates]]
        lines += ["", title + (" (3: a team, 2: CAMHS specialists, unknown: nothing known)" if measure == "level"
                               else ""), _grid(grid)]
    lines += ["", "Babies are whole numbers, rounded from the population figures. Provision level: the ladder's "
              "level where most of the area's babies aged 0-2 live, without FOI replies. Capacity: reference-size "
              "teams of 7.33 WTE per about 3,300 births a year (Greater Manchester specification, Rare Jewels 2019)."]
    return "\n".join(lines) + "\n"


def _sources(selection, history: pd.DataFrame) -> list:
    from mapping.analysis.history import history_sources

    return history_sources(selection.geography, set(history["as_of"]), register=selection.register,
                           grades=selection.grades)


def _csv(selection, now: pd.DataFrame, history: pd.DataFrame) -> str:
    import boundaries
    from mapping.analysis.history import reader_history
    from mapping.present.downloads import BABIES_NOTE, DownloadMeta, source_line, to_csv_bytes

    geo = boundaries.get_geography(selection.geography)
    meta = DownloadMeta(
        title=f"Areas compared over time, 1 July 2019 to {selection.as_of.isoformat()} ({geo.label})",
        attribution=boundaries.ATTRIBUTION,
        data_date=(f"teams as of each date from 1 July 2019 to {selection.as_of.isoformat()}; population: the latest "
                   f"mid-year estimate by each date; boundaries {geo.label} ({geo.vintage.isoformat()})"),
        sources=tuple(source_line(s) for s in _sources(selection, history)),
        notes=(boundaries.population.ESTIMATES_NOTE, BABIES_NOTE),
    )
    return to_csv_bytes(reader_history(history), meta).decode("utf-8-sig")


def _json(selection, now: pd.DataFrame, history: pd.DataFrame) -> str:
    from mapping.cli.ladder import _records

    def plain(frame: pd.DataFrame) -> list[dict]:
        out = frame.drop(columns=[c for c in ("team_ids",) if c in frame.columns]).copy()
        out["as_of"] = [d.isoformat() if isinstance(d, date) else str(d) for d in out["as_of"]]
        out["team_ids"] = [[t for t in str(ids).split("; ") if t] for ids in frame["team_ids"]]
        return _records(out)

    result = {
        "geography": selection.geography,
        "as_of": selection.as_of.isoformat(),
        "year": selection.year,
        "areas": plain(now),
        "history": plain(history),
        "sources": [s.as_dict() for s in _sources(selection, history)],
    }
    return json.dumps(result, indent=1, ensure_ascii=False, allow_nan=False, default=str)
