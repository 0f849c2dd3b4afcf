"""Foundation figures: cold build of every layer from the mirror, stage by stage, against a floor; warm load;
web-layer sizes.

The cold build runs in a new process on an empty cache folder (``PIMAP_CACHE_DIR``), copying the pinned
files from the mirror (``PIMAP_DATA_MIRROR``, else ``../shared/data/raw`` beside the checkout, as the
tests find it). Its stages, in order (each one builds whatever it needs that no earlier stage built):

- the small-area lookup (with the boundaries of the geographies it assigns by centroid, ``icb2026`` among
  them);
- the ``uk2026`` layers (full and web weight: the 36 ICBs of April 2026 and the other nations' boards);
- the population of every population year (authority-constrained for mid-2022 and mid-2024; the first
  one builds the small-area to authority table);
- the births per area of ``uk2026`` for every population year (the first one reads the births files);
- every other geography's layers.

The warm figures are the same stages again in another new process on the now-full cache (Parquet only).
The floor is the least a cold build could cost: reading the bytes of every registered file the build
reads from the mirror and taking their sha256 (what fetching them does before any parsing), best of 3,
in this process. Every figure is printed with the floor and its ratio to it, and the load average is
printed before and after, since other work may share the machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIRTHS_GEOGRAPHY = "uk2026"

CODE = """
import json, sys, time
stages = {}
t = time.perf_counter()
import boundaries
from boundaries.births import area_births
stages["import of the library"] = time.perf_counter() - t

def stage(name, run):
    t = time.perf_counter()
    run()
    stages[name] = time.perf_counter() - t

GEO = sys.argv[1]
stage("small-area lookup", boundaries.load_unit_lookup)
stage(f"layers {GEO} (full, web)", lambda: (boundaries.load_geography(GEO),
                                            boundaries.load_geography(GEO, simplified=True)))
for year in boundaries.POPULATION_YEARS:
    stage(f"population {year}", lambda year=year: boundaries.load_population(year))
for year in boundaries.POPULATION_YEARS:
    stage(f"births {GEO} {year}", lambda year=year: area_births(GEO, year))
def others():
    for gid in boundaries.GEOGRAPHY_IDS:
        boundaries.load_geography(gid)
        boundaries.load_geography(gid, simplified=True)
stage("every other geography's layers (full, web)", others)
print(json.dumps(stages))
"""


def mirror() -> Path:
    """The mirror the tests use: ``PIMAP_DATA_MIRROR``, else ``../shared/data/raw`` beside the checkout."""
    env = os.environ.get("PIMAP_DATA_MIRROR")
    path = Path(env) if env else REPO.parent / "shared" / "data" / "raw"
    if not path.is_dir():
        raise SystemExit(f"no data mirror at {path}; set PIMAP_DATA_MIRROR to the folder of pinned files")
    return path


def build_files() -> list[str]:
    """Registry ids of every file the cold build reads (lookup, authorities, each year's population and
    births, every geography's boundaries)."""
    import boundaries
    from boundaries.births import births_source_ids
    from boundaries.catalogue import source_ids
    from boundaries.local_authorities import authority_source_ids
    from boundaries.lookups import lookup_source_ids
    from boundaries.population import population_source_ids

    files = {*lookup_source_ids(), *authority_source_ids()}
    for year in boundaries.POPULATION_YEARS:
        files |= {*population_source_ids(year), *births_source_ids(year)}
    for gid in boundaries.GEOGRAPHY_IDS:
        files |= set(source_ids(gid))
    return sorted(files)


def hash_floor(folder: Path, file_ids: list[str], repeats: int = 3) -> tuple[float, int]:
    """Best-of-``repeats`` seconds to read and sha256 the files' bytes from ``folder``, and their bytes."""
    from boundaries.fetch import registry

    paths = [folder / registry()[f].filename for f in file_ids]
    best, size = float("inf"), 0
    for _ in range(repeats):
        t = time.perf_counter()
        size = 0
        for path in paths:
            data = path.read_bytes()
            hashlib.sha256(data).digest()
            size += len(data)
        best = min(best, time.perf_counter() - t)
    return best, size


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def _run(cache: str, source: Path) -> dict[str, float]:
    env = {**os.environ, "PIMAP_CACHE_DIR": cache, "PIMAP_DATA_MIRROR": str(source)}
    out = subprocess.run([sys.executable, "-c", CODE, BIRTHS_GEOGRAPHY], env=env, check=True, capture_output=True,
                         text=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def stage_table(cold: dict[str, float], warm: dict[str, float], floor: float) -> list[str]:
    """The stages' lines: name, cold seconds and ratio to the floor, warm seconds and ratio; then the total."""
    width = max(len(name) for name in cold)
    lines = [f"  {'stage':<{width}}  {'cold s':>7} {'x floor':>8}  {'warm s':>7} {'x floor':>8}"]
    rows = [*cold.items(), ("total", sum(cold.values()))]
    warm_total = sum(warm.values())
    for name, seconds in rows:
        again = warm_total if name == "total" else warm[name]
        lines.append(f"  {name:<{width}}  {seconds:7.2f} {seconds / floor:8.1f}  {again:7.2f} {again / floor:8.1f}")
    return lines


def main() -> None:
    source = mirror()
    print(f"load average before: {load_average()}")
    files = build_files()
    floor, size = hash_floor(source, files)
    print(f"floor: read and sha256 the {len(files)} registered files the build reads, from the mirror "
          f"({size / 1e6:.1f} MB): {floor:.3f} s (best of 3)")
    with tempfile.TemporaryDirectory() as cache:
        cold = _run(cache, source)
        warm = _run(cache, source)
        print(f"cold build from the mirror {source} (fresh cache, new process), then warm (same cache, new "
              f"process), against the floor of {floor:.3f} s:")
        for line in stage_table(cold, warm, floor):
            print(line)
        os.environ["PIMAP_CACHE_DIR"] = cache
        os.environ["PIMAP_DATA_MIRROR"] = str(source)
        import boundaries

        t = time.perf_counter()
        boundaries.load_geography("uk2026", simplified=True)
        seconds = time.perf_counter() - t
        print(f"warm load of the uk2026 web layer (this process): {seconds:.3f} s (x{seconds / floor:.1f} floor)")
        for gid in boundaries.GEOGRAPHY_IDS:
            size = len(boundaries.load_geography(gid, simplified=True).to_json().encode())
            print(f"web layer {gid}: {size:,} bytes as GeoJSON")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
