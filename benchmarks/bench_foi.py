"""FOI replies: import, validate and classify time for a 200-reply and a 20,000-reply file.

The 200-reply file is the synthetic fixture; the 20,000-reply file is that fixture repeated 100
times with distinct request references and reply dates (SYNTHETIC, written to a temporary folder),
so every area has about 100 competing replies to combine. The area table is loaded before timing.
"""

from __future__ import annotations

import csv
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
COPIES = 100


def _scaled(out: Path) -> Path:
    with open(FIXTURE, encoding="utf-8") as fh:
        comments = [line for line in fh if line.startswith("#")]
    with open(FIXTURE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        fh.writelines(comments)
        fh.write(f"# SYNTHETIC: the fixture repeated {COPIES} times for benchmarking\n")
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for k in range(COPIES):
            for row in rows:
                reply = date.fromisoformat(row["reply_date"]) + timedelta(days=k)
                writer.writerow({**row, "reply_id": f"{row['reply_id']}-{k}",
                                 "request_reference": f"{row['request_reference']}-{k}",
                                 "reply_date": reply.isoformat()})
    return out


def _xlsx(source: Path, out: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("replies")
    with open(source, encoding="utf-8") as fh:
        for row in csv.reader(fh):
            ws.append(row)
    wb.save(out)
    return out


def _time(label: str, fn):
    t = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - t:.2f} s", flush=True)
    return result


def main() -> None:
    from mapping.inputs.foi import classify_areas, combine_replies, funnel, validate_replies
    from mapping.inputs.foi_io import AreaTables, read_replies

    tables = AreaTables()
    tables["ccg2018"]  # load (and cache) before timing
    with tempfile.TemporaryDirectory() as tmp:
        big = _scaled(Path(tmp) / "synthetic_foi_20000.csv")
        files = [("200 replies", FIXTURE), (f"{200 * COPIES} replies", big)]
        for name, path in files:
            raw = _time(f"{name}: import CSV", lambda p=path: read_replies(p))
            xlsx = _xlsx(path, Path(tmp) / f"{path.stem}.xlsx")
            _time(f"{name}: import XLSX", lambda p=xlsx: read_replies(p))
            report = _time(f"{name}: validate", lambda r=raw: validate_replies(r, tables))
            per_area, conflicts = _time(f"{name}: combine", lambda r=report: combine_replies(r))
            classified = _time(f"{name}: classify + funnel",
                               lambda p=per_area: (lambda c: (c, funnel(c)))(classify_areas(p, tables["ccg2018"])))
            print(f"{name}: {len(report.replies)} rows, {len(report.errors)} errors, {len(conflicts)} conflict rows,"
                  f" {classified[1]['areas_usable']} usable areas")


if __name__ == "__main__":
    main()
