"""Report pack: time to build the whole pack (load, tables, every map and chart in three formats)."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOI = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"  # synthetic replies, as in the tests


def main() -> None:
    from mapping.report import build_pack, load_inputs, write_pack

    as_of = date(2023, 9, 1)
    with tempfile.TemporaryDirectory() as tmp:
        # Warm the processed-layer cache first, so the figure is the pack, not a first-ever build.
        load_inputs("uk2023", 2020, as_of=as_of)
        for label, foi in (("without FOI", None), ("with the synthetic FOI file", FOI)):
            start = time.perf_counter()
            manifest = build_pack("uk2023", 2020, as_of=as_of, out=Path(tmp) / label.replace(" ", "_"), foi=foi)
            total = time.perf_counter() - start
            print(f"whole pack, uk2023 2020, {label}: {total:.1f} s ({len(manifest['files']) + 1} files)")
        start = time.perf_counter()
        data = load_inputs("uk2023", 2020, as_of=as_of, foi=FOI)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        write_pack(data, Path(tmp) / "split")
        print(f"  of which loading and computing the inputs: {loaded:.1f} s; writing the files: "
              f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
