"""Coverage figures: time to compute the gaps table for every geography and population year.

Cold = the first call for a selection in a new process (layers read from the on-disk Parquet cache, the
selection's inputs loaded); warm = the same call again in that process (the inputs already loaded).
"""

from __future__ import annotations

import subprocess
import sys

CODE = """
import time
from datetime import date
t0 = time.perf_counter()
from mapping.analysis.coverage import compute_gaps
from mapping.analysis.selection import Selection, load_inputs
import boundaries
imported = time.perf_counter() - t0
print(f"import of the library: {imported:.2f} s")
for gid in boundaries.GEOGRAPHY_IDS:
    for year in boundaries.POPULATION_YEARS:
        selection = Selection(gid, year, date(2019, 6, 30))
        t = time.perf_counter(); compute_gaps(load_inputs(selection)); cold = time.perf_counter() - t
        t = time.perf_counter(); compute_gaps(load_inputs(selection)); warm = time.perf_counter() - t
        print(f"gaps {gid:<10} {year}: first call {cold:.2f} s, repeat {warm:.2f} s")
"""


def main() -> None:
    # Make sure every layer is on disk first, so "cold" measures the engine and not the one-off build.
    subprocess.run([sys.executable, "-m", "mapping.cli", "data", "fetch"], check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", CODE], check=True, capture_output=True, text=True)
    print(out.stdout, end="")


if __name__ == "__main__":
    main()
