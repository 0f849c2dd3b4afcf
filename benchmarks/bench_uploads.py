"""Uploads: time and memory of reading the worst FOI uploads, as ratios against a small legitimate file.

Each case is read by ``mapping.inputs.foi_io.read_replies_bytes`` in a fresh process (so one case's memory
never hides in another's), under a time-out and an address-space cap, from bytes built once here
(SYNTHETIC: the test fixture's replies, repeated, or a hostile file made in memory):

- floor: the 200-reply fixture as CSV and as XLSX; every other case is compared with the floor of its format;
- far cell: a ~3 KB workbook whose second cell is XFD1048576 (openpyxl padded up to it);
- zip bomb: a ~1 MB workbook whose one cell inflates to 1 GiB;
- huge CSV field: one value of 4 MB;
- 5 MB legitimate CSV and XLSX: the fixture repeated to just under the app's 5 MB upload limit.

For each: the outcome, wall time, the process's resident memory before reading, its peak while reading
(VmHWM, reset just before the read) and after (VmRSS after garbage collection), from /proc/self/status.
Set ``PIMAP_BENCH_BEFORE=DIR`` to run the same cases against another checkout (e.g. a worktree of an
older commit) for a before/after table; that checkout runs without defusedxml, as it was installed.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
LIMIT_MB = 5
TIMEOUT_S = 60
MEMORY_CAP = 3 * 1024**3
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CASES = ("floor CSV (200 replies)", "floor XLSX (200 replies)", "far cell XLSX", "zip bomb XLSX",
         "huge CSV field", "5 MB legitimate CSV", "5 MB legitimate XLSX")


# --- inputs, built once ------------------------------------------------------------------------------


def _fixture() -> tuple[list[str], list[str], list[list[str]]]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    records = list(csv.reader(line for line in lines if not line.startswith("#")))
    return comments, records[0], records[1:]


def _csv(comments: list[str], header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    out.writelines(comments)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _repeated(rows: list[list[str]], header: list[str], copies: int) -> list[list[str]]:
    """The fixture's replies repeated with distinct ids and reply dates (SYNTHETIC)."""
    at = {name: header.index(name) for name in ("reply_id", "request_reference", "reply_date")}
    out = []
    for k in range(copies):
        for row in rows:
            row = list(row)
            row[at["reply_id"]] += f"-{k}"
            row[at["request_reference"]] += f"-{k}"
            row[at["reply_date"]] = (date.fromisoformat(row[at["reply_date"]]) + timedelta(days=k % 300)).isoformat()
            out.append(row)
    return out


def _xlsx(comments: list[str], header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("replies")
    for line in comments:
        sheet.append([line.rstrip("\n")])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _raw_xlsx(sheet_xml_parts: list[bytes] | None = None, *, sheet: bytes | None = None) -> bytes:
    """A minimal workbook around one sheet's XML, streamed through deflate (a 1 GiB sheet costs ~1 MB)."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ml}.worksheet+xml"/></Types>'),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{rel}"><sheets>'
                            '<sheet name="replies" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                                       f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for piece in sheet_xml_parts or [sheet or b""]:
                fh.write(piece)
    return out.getvalue()


def _bomb(inflated: int) -> bytes:
    head = (f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            ).encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    block = b"a" * (1 << 20)

    def pieces():
        yield head
        for _ in range(inflated // len(block)):
            yield block
        yield tail

    return _raw_xlsx(list(pieces()))


def build_inputs(folder: Path) -> dict[str, Path]:
    """Write every case's bytes into ``folder``; returns case -> file (its suffix gives the type)."""
    comments, header, rows = _fixture()
    files: dict[str, bytes] = {
        "floor CSV (200 replies)": _csv(comments, header, rows),
        "floor XLSX (200 replies)": _xlsx(comments, header, rows),
        "far cell XLSX": _raw_xlsx(sheet=(
            f'<?xml version="1.0"?><worksheet xmlns="{NS}"><dimension ref="A1:XFD1048576"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>reply_id</t></is></c></row><row r="1048576">'
            '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>').encode()),
        "zip bomb XLSX": _bomb(1024**3),
        "huge CSV field": _csv(comments, header, [[*rows[0][:-1], "x" * (4 * 1024 * 1024)], *rows[1:]]),
    }
    budget = LIMIT_MB * 1024 * 1024 - 64 * 1024
    per_copy = len(_csv([], header, rows))
    files["5 MB legitimate CSV"] = _csv(comments, header, _repeated(rows, header, budget // per_copy))
    per_copy = len(_xlsx([], header, _repeated(rows, header, 10))) / 10
    copies = int(budget // per_copy)
    while True:
        data = _xlsx(comments, header, _repeated(rows, header, copies))
        if len(data) <= budget:
            break
        copies = int(copies * budget / len(data)) - 1
    files["5 MB legitimate XLSX"] = data
    out = {}
    for case, data in files.items():
        path = folder / (case.replace(" ", "_").replace("(", "").replace(")", "") +
                         (".csv" if "CSV" in case else ".xlsx"))
        path.write_bytes(data)
        out[case] = path
    return out


# --- one case in a fresh process -------------------------------------------------------------------------


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(path: str) -> None:
    """Read one file (the code on PYTHONPATH) and print one JSON line of its figures."""
    old_code = bool(os.environ.get("PIMAP_BENCH_WITHOUT_DEFUSEDXML"))
    if old_code:
        sys.modules["defusedxml"] = None  # type: ignore[assignment]  # as an install of the old code had it
    # Every module either reader imports lazily is imported before the baseline, so only reading is measured.
    import openpyxl.reader.excel  # noqa: F401
    import openpyxl.styles.numbers  # noqa: F401

    from mapping.errors import PimapError
    from mapping.inputs.foi_io import read_replies_bytes

    if not old_code:
        from defusedxml import expatreader  # noqa: F401
    data = Path(path).read_bytes()
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to the current size
        fh.write("5")
    baseline = _status("VmRSS")
    start = time.perf_counter()
    try:
        raw = read_replies_bytes(data, Path(path).name)
        outcome = f"read {len(raw.frame)} rows"
        del raw
    except PimapError as exc:
        outcome = f"refused: {str(exc)[:110]}"
    except Exception as exc:  # noqa: BLE001 - a traceback is an outcome here
        outcome = f"{type(exc).__name__} (traceback): {str(exc)[:90]}"
    seconds = time.perf_counter() - start
    peak = _status("VmHWM")
    gc.collect()
    print(json.dumps({"outcome": outcome, "seconds": seconds, "baseline_mb": baseline, "peak_mb": peak,
                      "after_mb": _status("VmRSS")}))


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_case(path: Path, code: Path) -> dict:
    result = _run_child(path, code)
    result["bytes"] = path.stat().st_size
    return result


def _run_child(path: Path, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    if code != ROOT:  # an older checkout ran without defusedxml, which slows openpyxl's reading
        env["PIMAP_BENCH_WITHOUT_DEFUSEDXML"] = "1"
    try:
        done = subprocess.run([sys.executable, __file__, "--child", str(path)], env=env, capture_output=True,
                              text=True, timeout=TIMEOUT_S, preexec_fn=_cap, cwd=str(code))
    except subprocess.TimeoutExpired:
        return {"outcome": f"killed: still reading after {TIMEOUT_S} s", "seconds": float(TIMEOUT_S)}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"outcome": f"crashed: {last[:110]}"}
    return json.loads(lines[-1])


def _table(results: dict[str, dict], label: str) -> None:
    print(f"-- {label} (time-out {TIMEOUT_S} s, address space capped at {MEMORY_CAP / 1024**3:.0f} GiB)")
    floors = {"CSV": results["floor CSV (200 replies)"], "XLSX": results["floor XLSX (200 replies)"]}
    for case in CASES:
        r = results[case]
        floor = floors["CSV" if "CSV" in case else "XLSX"]
        size = f"{r['bytes'] / 1024:,.0f} KB" if "bytes" in r else ""
        if "peak_mb" in r:
            ratio_t = r["seconds"] / floor["seconds"] if "seconds" in floor else float("nan")
            ratio_m = r["peak_mb"] / floor["peak_mb"] if "peak_mb" in floor else float("nan")
            figures = (f"{r['seconds']:.2f} s (x{ratio_t:,.1f}); RSS before {r['baseline_mb']:.0f} MB, peak "
                       f"{r['peak_mb']:.0f} MB (x{ratio_m:.2f}), after {r['after_mb']:.0f} MB")
        else:
            figures = "no figures"
        print(f"{case} [{size}]: {figures}; {r['outcome']}", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        inputs = build_inputs(Path(tmp))
        print(f"inputs built in {time.perf_counter() - start:.1f} s", flush=True)
        runs = [("this checkout", ROOT)]
        before = os.environ.get("PIMAP_BENCH_BEFORE")
        if before:
            runs.append((f"before: {before}", Path(before)))
        for label, code in runs:
            _table({case: run_case(inputs[case], code) for case in CASES}, label)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
