"""Foundation figures: cold build of every layer from the mirror, warm load, web-layer sizes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

CODE = """
import time, boundaries
t = time.perf_counter()
for gid in boundaries.GEOGRAPHY_IDS:
    boundaries.load_geography(gid)
    boundaries.load_geography(gid, simplified=True)
for year in boundaries.POPULATION_YEARS:
    boundaries.load_population(year)
boundaries.load_unit_lookup()
print(f"{time.perf_counter() - t:.2f}")
"""


def _run(cache: str) -> float:
    env = {**os.environ, "PIMAP_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        cold = _run(cache)
        warm = _run(cache)
        print(f"cold build of all layers from the mirror (fresh cache): {cold:.1f} s")
        print(f"warm load of all layers (new process, cached Parquet): {warm:.2f} s")
        os.environ["PIMAP_CACHE_DIR"] = cache
        import boundaries

        t = time.perf_counter()
        boundaries.load_geography("uk2023", simplified=True)
        print(f"warm load of the uk2023 web layer: {time.perf_counter() - t:.3f} s")
        for gid in boundaries.GEOGRAPHY_IDS:
            size = len(boundaries.load_geography(gid, simplified=True).to_json().encode())
            print(f"web layer {gid}: {size:,} bytes as GeoJSON")


if __name__ == "__main__":
    main()
