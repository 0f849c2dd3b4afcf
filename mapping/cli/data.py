"""`pimap data fetch|check` and `pimap geographies`: the open data and what it adds up to."""

from __future__ import annotations

import argparse
import json
import sys

from mapping.errors import DataFileError


def register(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help="fetch and check the pinned open-data files")
    data_sub = data.add_subparsers(dest="data_command", required=True)

    fetch = data_sub.add_parser("fetch", help="download (or copy from a mirror) every missing file, hash-checked")
    fetch.add_argument("--mirror", help="directory holding the same files (default: $PIMAP_DATA_MIRROR)")
    fetch.add_argument("--no-build", action="store_true", help="do not build the processed layers afterwards")
    fetch.set_defaults(func=_fetch)

    check = data_sub.add_parser(
        "check", help="say per source file and per processed layer whether it is present, missing or corrupt"
    )
    check.add_argument("--no-lookups", action="store_true", help="skip the centroid-in-polygon agreement report")
    check.set_defaults(func=_check)

    geos = subparsers.add_parser("geographies", help="areas, children aged 0 and 0-2 and births per geography and year")
    geos.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    geos.set_defaults(func=_geographies)

    from mapping.cli.options import add_output_arguments, year_help

    cross = subparsers.add_parser(
        "crosswalk", help="the 36 ICBs of April 2026 from the 42 of April 2023, weighted by children aged 0-2",
        description="For each 2026 ICB, the 2023 ICBs it is made of, the small areas and children aged 0-2 they "
                    "share, and what share of each ICB's children that is (boundaries.crosswalk.icb_crosswalk).")
    cross.add_argument("--year", type=int, required=True, help=year_help())
    cross.add_argument("--format", choices=("text", "csv", "json"), default="text")
    add_output_arguments(cross)
    cross.set_defaults(func=_crosswalk)


def _fetch(args: argparse.Namespace) -> int:
    from boundaries.fetch import fetch_all

    results = fetch_all(mirror=args.mirror, progress=sys.stderr.isatty())
    failed = {k: v for k, v in results.items() if isinstance(v, DataFileError)}
    for file_id, result in results.items():
        print(f"{file_id}: {'FAILED: ' + str(result) if file_id in failed else 'ok'}")
    if failed:
        print(f"{len(failed)} of {len(results)} files failed; nothing partial was left in the cache", file=sys.stderr)
        return 1
    if not args.no_build:
        from boundaries import GEOGRAPHY_IDS, POPULATION_YEARS, load_geography, load_population

        for gid in GEOGRAPHY_IDS:
            load_geography(gid)
            load_geography(gid, simplified=True)
        for year in POPULATION_YEARS:
            load_population(year)
        print(f"built {len(GEOGRAPHY_IDS)} geographies and {len(POPULATION_YEARS)} population years")
    return 0


def expected_layers() -> list[tuple[str, str]]:
    """Every processed layer this version builds, as (name, cache key)."""
    from boundaries.catalogue import GEOGRAPHY_IDS, layer_key
    from boundaries.lookups import lookup_key
    from boundaries.population import POPULATION_YEARS, population_key

    layers = []
    for gid in GEOGRAPHY_IDS:
        layers += [(gid, layer_key(gid)), (f"{gid}-web", layer_key(gid))]
    layers.append(("units", lookup_key()))
    layers += [(f"population{year}", population_key(year)) for year in POPULATION_YEARS]
    return layers


def _check(args: argparse.Namespace) -> int:
    from boundaries.catalogue import layer_status, layers_dir, unchecked_layer_files
    from boundaries.fetch import file_status, quarantine_dir, raw_dir, registry

    print(f"cache: {raw_dir()}")
    states = {file_id: file_status(file_id) for file_id in registry()}
    for file_id, state in states.items():
        print(f"{file_id}: {state}")
    bad = [k for k, v in states.items() if v != "present"]
    print(f"{len(states) - len(bad)} present, {sum(v == 'missing' for v in states.values())} missing, "
          f"{sum(v == 'corrupt' for v in states.values())} corrupt")
    print(f"\nprocessed layers: {layers_dir()}")
    layers = {name: layer_status(name, key) for name, key in expected_layers()}
    for name, state in layers.items():
        print(f"layer {name}: {state}")
    counts = {s: sum(v == s for v in layers.values()) for s in ("present", "missing", "corrupt")}
    print(f"{counts['present']} present, {counts['missing']} missing (built on first use, or by "
          f"`pimap data fetch`), {counts['corrupt']} corrupt (quarantined and rebuilt on next use)")
    unchecked = unchecked_layer_files()
    if unchecked:
        print(f"{len(unchecked)} layer files in {layers_dir()} from an older version carry no checksum and are "
              "not read (safe to delete)")
    quarantined = [p for p in quarantine_dir().rglob("*") if p.is_file()] if quarantine_dir().is_dir() else []
    if quarantined:
        print(f"{len(quarantined)} damaged files kept in {quarantine_dir()} (safe to delete)")
    if bad or counts["corrupt"]:
        return 1
    if not args.no_lookups:
        from boundaries.lookups import centroid_agreement

        print("\ncentroid-in-polygon against official lookups (judges the layers still placed by centroid: "
              "ccg2020, icb2026, and the LSOAs 2011 that sicbl2023/icb2023's official lookup splits):")
        for row in centroid_agreement().itertuples():
            print(
                f"{row.geography}: {row.outside_official_parent} of {row.units} LSOA centroids outside their "
                f"official parent ({row.share_outside_official_parent:.2%}); {row.outside_every_polygon} outside "
                "every polygon"
            )
    return 0


def geography_totals() -> list[dict]:
    """Per geography and population year: areas, the children aged 0 and 0-2 living in them, and the births
    of the period standing for that year (with the period per nation).

    The population comes through the one selection of inputs (:func:`mapping.analysis.selection.load_inputs`,
    one load per geography and year) and is summed by the one population-per-area rule
    (:func:`boundaries.population.aggregate_population`); births are :func:`boundaries.births.area_births`.
    """
    from boundaries import GEOGRAPHY_IDS, POPULATION_YEARS, get_geography
    from boundaries.births import area_births, births_period
    from boundaries.population import aggregate_population
    from mapping.analysis.selection import Selection, load_inputs
    from mapping.inputs.dates import mid_year

    rows = []
    for gid in GEOGRAPHY_IDS:
        nations = get_geography(gid).nations
        for year in POPULATION_YEARS:
            inputs = load_inputs(Selection(gid, year, mid_year(year)))
            pop = aggregate_population(inputs.lookup, inputs.population, gid, areas=inputs.areas)
            births = area_births(gid, year)
            rows.append(
                {
                    "id": gid,
                    "areas": int(len(pop)),
                    "year": year,
                    "age0": round(float(pop["age0"].sum()), 1),
                    "age0_2": round(float(pop["age0_2"].sum()), 1),
                    "births": int(births["births"].sum()),
                    "births_period": {n: births_period(n, year).text for n in nations},
                    "estimated": bool(pop["estimated"].any()),
                }
            )
    return rows


def _crosswalk(args: argparse.Namespace) -> int:
    import boundaries
    from boundaries.crosswalk import icb_crosswalk
    from mapping.cli.options import check_out, emit
    from mapping.errors import PimapError
    from mapping.present.outputs import csv_text

    if args.year not in boundaries.POPULATION_YEARS:
        raise PimapError(f"--year {args.year} has no population estimates; choose one of "
                         f"{', '.join(map(str, boundaries.POPULATION_YEARS))}")
    check_out(args)
    table = icb_crosswalk(args.year)
    if args.format == "csv":
        emit(args, csv_text(table))
    elif args.format == "json":
        emit(args, table.to_json(orient="records", indent=1) + "\n")
    else:
        lines = [f"ICBs of April 2026 from those of April 2023, children aged 0-2 at mid-{args.year}"]
        for (code, name), rows in table.groupby(["icb2026", "icb2026_name"], sort=False):
            lines.append(f"{code} {name}: {rows['age0_2'].sum():,.0f}")
            lines += [f"  {r.icb2023} {r.icb2023_name}: {r.age0_2:,.0f} ({100 * r.share_of_icb2026:.1f}% of it; "
                      f"{100 * r.share_of_icb2023:.1f}% of the 2023 ICB)" for r in rows.itertuples()]
        emit(args, "\n".join(lines) + "\n")
    return 0


def _geographies(args: argparse.Namespace) -> int:
    rows = geography_totals()
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'id':<10} {'year':>4} {'areas':>6} {'age 0':>10} {'age 0-2':>11} {'births':>10}  note")
    for r in rows:
        note = "includes estimates (small areas shared from authority figures, or a nearer year standing in)" \
            if r["estimated"] else ""
        print(f"{r['id']:<10} {r['year']:>4} {r['areas']:>6} {r['age0']:>10,.0f} {r['age0_2']:>11,.0f} "
              f"{r['births']:>10,}  {note}")
    print("births: the 12 months standing for each year (per nation: `pimap births`)")
    return 0
