"""Coverage figures: time to compute the gaps table, and the births per area, for every geography and year.

All in one new process on the on-disk Parquet cache (``mapping.cli data fetch`` is run first, so no figure
is the one-off build; ``bench_foundation`` times that), with the teams current on :data:`AS_OF`:

- first call: ``compute_gaps(load_inputs(Selection(g, y, AS_OF)))`` the first time in the process, every
  geography and year in turn (layers and population read from Parquet as each is first needed); this pass
  is also the warm-up, and calls ``area_births(g, y)`` once each;
- warm: the same call again with the selection cache cleared before each (``selection.clear_caches``), as
  the app sees a selection it has not shown yet once its layers and population are in memory; median of
  :data:`REPEATS`; and ``boundaries.births.area_births(g, y)``, median of :data:`REPEATS`;
- the floor: the least any gaps table costs, summing one population year's children aged 0-2 to the areas
  of ``uk2026`` through the small-area lookup (one merge and one groupby on the same in-memory frames),
  median of 5.

Each warm figure is printed with its ratio to the floor; the slowest is named and any over
:data:`TARGET_S` (issue 14: every geography and year under 1 s warm) is flagged. The load average is
printed before and after, since other work may share the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 12, 1)
REPEATS = 3
TARGET_S = 1.0

CODE = """
import json, statistics, sys, time
from datetime import date
t0 = time.perf_counter()
from mapping.analysis.coverage import compute_gaps
from mapping.analysis.selection import Selection, clear_caches, load_inputs
from boundaries.births import area_births
import boundaries
imported = time.perf_counter() - t0
as_of, repeats = date.fromisoformat(sys.argv[1]), int(sys.argv[2])

def seconds(run):
    t = time.perf_counter()
    run()
    return time.perf_counter() - t

pairs = [(g, y) for g in boundaries.GEOGRAPHY_IDS for y in boundaries.POPULATION_YEARS]
first = {}
for g, y in pairs:
    first[g, y] = seconds(lambda: compute_gaps(load_inputs(Selection(g, y, as_of))))
    area_births(g, y)

def fresh(g, y):
    clear_caches()
    return seconds(lambda: compute_gaps(load_inputs(Selection(g, y, as_of))))

rows = []
for g, y in pairs:
    gaps = [fresh(g, y) for _ in range(repeats)]
    births = statistics.median(seconds(lambda: area_births(g, y)) for _ in range(repeats))
    rows.append({"geography": g, "year": y, "first": first[g, y], "gaps": statistics.median(gaps),
                 "gaps_best": min(gaps), "births": births})

lookup = boundaries.load_unit_lookup()[["unit_code", "uk2026"]]
population = boundaries.load_population(max(boundaries.POPULATION_YEARS))
floor = statistics.median(seconds(lambda: population.merge(lookup, on="unit_code").groupby("uk2026")["age0_2"].sum())
                          for _ in range(5))
print(json.dumps({"imported": imported, "floor": floor, "rows": rows}))
"""


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def table_lines(rows: list[dict], floor: float, target: float = TARGET_S) -> list[str]:
    """The table (geography, year, first call, warm gaps and births with their ratios to the floor, a flag for
    warm gaps over ``target`` with the best of the repeats, which tells a spike of load from a slow path),
    then the slowest warm gaps and births and how many are over ``target``."""
    lines = [f"{'geography':<10} {'year':>4}  {'first s':>7}  {'gaps s':>6} {'x floor':>8}  "
             f"{'births s':>8} {'x floor':>8}"]
    for r in rows:
        flag = f"  OVER {target:g} s (best {r['gaps_best']:.3f} s)" if r["gaps"] > target else ""
        lines.append(f"{r['geography']:<10} {r['year']:>4}  {r['first']:7.2f}  {r['gaps']:6.3f} "
                     f"{r['gaps'] / floor:8.1f}  {r['births']:8.3f} {r['births'] / floor:8.1f}{flag}")
    slow = max(rows, key=lambda r: r["gaps"])
    slow_births = max(rows, key=lambda r: r["births"])
    over = [r for r in rows if r["gaps"] > target]
    lines.append(f"slowest warm gaps: {slow['geography']} {slow['year']}, {slow['gaps']:.3f} s "
                 f"(x{slow['gaps'] / floor:.1f} floor)")
    lines.append(f"slowest warm births per area: {slow_births['geography']} {slow_births['year']}, "
                 f"{slow_births['births']:.3f} s (x{slow_births['births'] / floor:.1f} floor)")
    lines.append(f"warm gaps over {target:g} s: {len(over)} of {len(rows)}"
                 + (": " + ", ".join(f"{r['geography']} {r['year']}" for r in over) if over else ""))
    return lines


def main() -> None:
    print(f"load average before: {load_average()}")
    # Make sure every layer is on disk first, so "first call" measures the engine and not the one-off build.
    subprocess.run([sys.executable, "-m", "mapping.cli", "data", "fetch"], check=True, capture_output=True, cwd=REPO)
    out = subprocess.run([sys.executable, "-c", CODE, AS_OF.isoformat(), str(REPEATS)], check=True,
                         capture_output=True, text=True, cwd=REPO)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    floor = result["floor"]
    print(f"import of the library: {result['imported']:.2f} s")
    print(f"teams current on {AS_OF.isoformat()}; warm = median of {REPEATS}, selection cache cleared before each")
    print(f"floor: children aged 0-2 summed to uk2026's areas through the lookup (one merge, one groupby), "
          f"median of 5: {floor:.4f} s")
    for line in table_lines(result["rows"], floor):
        print(line)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
