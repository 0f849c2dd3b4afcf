"""Report pack: uk2023 2020 with the synthetic FOI file, by stage, three runs, beside its floor and the target.

Each run builds the pack twice, as ``mapping.report.pack_files`` does (the same calls, timed one by one):
with the figures drawn in up to two processes (the default) and with one (``workers=1``, the pack before
issue 16). The floor is what no number of cores can beat: loading the inputs, making the figures' specs,
and drawing the costliest figure (from the one-process run). Each run also prints the CPU seconds each pack
took (its workers' included), which other work on the machine changes much less than the wall time. Medians
of the three runs are printed with their ratios to the one-process pack and to the floor; the target is 15 s.
The runs share one process, so what the pack keeps in memory (text sizes, the maps' polygons) is warm after
the first; the PDFs' cut-down fonts are kept on disk (mapping.report.font_cache), so only a first pack on a
machine (or after a fontTools or matplotlib upgrade) cuts them.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOI = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"  # synthetic replies, as in the tests
TARGET = 15.0
RUNS = 3


def _pack(out: Path, workers: int | None) -> dict[str, float]:
    """One whole pack written into ``out``, with the seconds of each stage (and of the costliest figure)."""
    from mapping import report as R
    from mapping.report import writer as W

    t: dict[str, float] = {}
    clock = time.perf_counter
    cpu = os.times()
    start = clock()
    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1), foi=FOI)
    t["load"] = clock() - start
    mark = clock()
    specs = R.pack_figures(data)
    t["specs"] = clock() - mark
    mark = clock()
    longest = 0.0
    with W.drawn_figures(specs, workers=workers) as drawing:
        tables = R.pack_tables(data)
        sections = R.summary_sections(data, tables)
        figures = R.headline_figures(data, tables, sections)
        tables["figures"] = figures
        files = {f"tables/{name}.csv": R._csv_bytes(frame) for name, frame in tables.items()}
        files["tables/tables.xlsx"] = R.xlsx_bytes(tables)
        t["tables"] = clock() - mark
        if drawing.workers == 1:  # drawn here, one by one: time each figure
            for _, job in W.figure_jobs(specs):
                one = clock()
                files.update(job())
                longest = max(longest, clock() - one)
            drawing.close()
        else:
            files.update(drawing.result())
    t["figures"] = clock() - mark - t["tables"]
    t["workers"] = drawing.workers
    mark = clock()
    listed = sorted([*files, "summary.md", "manifest.json"])
    files["summary.md"] = R.summary_markdown(data, figures, listed, sections).encode("utf-8")
    manifest = R.manifest_for(data, files)
    files["manifest.json"] = R.manifest_bytes(manifest)
    W.write_files(files, out, owned=None)
    t["files"] = clock() - mark
    t["total"] = clock() - start
    t["longest"] = longest
    done = os.times()  # the workers' seconds are counted once they have ended (the pool is shut down by now)
    t["cpu"] = sum(done[:4]) - sum(cpu[:4])
    return t


def main() -> None:
    from mapping.report import load_inputs

    load_inputs("uk2023", 2020, as_of=date(2023, 9, 1))  # warm the processed-layer cache: the pack, not a first build
    two: list[dict[str, float]] = []
    one: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, RUNS + 1):
            two.append(_pack(Path(tmp) / f"two_{run}", workers=None))
            one.append(_pack(Path(tmp) / f"one_{run}", workers=1))
            p, s = two[-1], one[-1]
            print(f"run {run}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            floor = s["load"] + s["specs"] + s["longest"]
            print(f"run {run}: pack {p['total']:.1f} s with {p['workers']:.0f} processes drawing (load {p['load']:.1f}, "
                  f"figure specs {p['specs']:.1f}, tables {p['tables']:.1f} while figures draw, figures "
                  f"{p['figures']:.1f} more, files {p['files']:.1f}; CPU {p['cpu']:.1f} s); one process "
                  f"{s['total']:.1f} s (figures {s['figures']:.1f}; CPU {s['cpu']:.1f} s); floor {floor:.1f} s "
                  f"(load, specs, costliest figure {s['longest']:.1f})")
    pack = statistics.median(r["total"] for r in two)
    serial = statistics.median(r["total"] for r in one)
    floor = statistics.median(r["load"] + r["specs"] + r["longest"] for r in one)
    print(f"whole pack, uk2023 2020 with the synthetic FOI file, median of {RUNS}: {pack:.1f} s; one process "
          f"{serial:.1f} s (pack / one process {pack / serial:.2f}); floor {floor:.1f} s (pack / floor "
          f"{pack / floor:.2f}); target {TARGET:.0f} s ({'met' if pack < TARGET else 'not met'})")


if __name__ == "__main__":
    main()
