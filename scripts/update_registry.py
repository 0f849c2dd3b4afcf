"""Copy the pinned-file metadata (never the files) from a mirror's MANIFEST.csv into the registry.

Usage: python scripts/update_registry.py ../shared/data/MANIFEST.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REGISTRY = Path(__file__).resolve().parents[1] / "boundaries" / "registry.csv"
COLUMNS = ["id", "filename", "bytes", "sha256", "format", "url", "license", "description"]


def main(manifest: str) -> None:
    with open(manifest, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(REGISTRY, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**{k: row[k] for k in COLUMNS if k in row}, "filename": Path(row["file"]).name})
    print(f"wrote {len(rows)} entries to {REGISTRY}")


if __name__ == "__main__":
    main(sys.argv[1])
