"""SYNTHETIC team rows and files shared by the unit tests of the teams validator and the real-data ones."""

from __future__ import annotations

import csv
from pathlib import Path

from mapping.inputs.teams import TEAM_COLUMNS


def good_row(**changes: str) -> dict[str, str]:
    """One valid SYNTHETIC teams row (a real team's shape, checked against synthetic areas), with ``changes``."""
    row = {
        "team_id": "plymouth-imht", "name": "CAMHS Infant Mental Health Team", "also_known_as": "",
        "host_organisation": "", "nation": "England", "status": "operating", "evidence_grade": "foundation", "from": "2019",
        "from_basis": "first documented", "to": "", "catchment": "lad2018:E06000026", "base_lon": "",
        "base_lat": "", "location_precision": "catchment centroid",
        "source": "Rare Jewels (2019), section 7, team list no. 7", "notes": "",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] | list[str] = TEAM_COLUMNS) -> Path:
    """Write ``rows`` as a teams CSV with ``columns`` (extra keys dropped), the header first."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
