"""The benchmarks' tables: every figure printed with its ratio to the floor, totals summed, slow cells flagged.

The timings themselves are the benchmarks' output (``benchmarks/run.py``); these tests check only how they
are printed, on made-up seconds, so they need no real data.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stage_table_gives_each_stage_and_the_total_with_ratios_to_the_floor():
    bench = _bench("bench_foundation")
    lines = bench.stage_table({"lookup": 2.0, "population 2024": 1.0}, {"lookup": 0.5, "population 2024": 0.25},
                              floor=0.5)
    assert lines[1].split() == ["lookup", "2.00", "4.0", "0.50", "1.0"]
    assert lines[2].split() == ["population", "2024", "1.00", "2.0", "0.25", "0.5"]
    assert lines[3].split() == ["total", "3.00", "6.0", "0.75", "1.5"]


def test_coverage_table_flags_warm_gaps_over_the_target_and_names_the_slowest():
    bench = _bench("bench_coverage")
    rows = [{"geography": "uk2026", "year": 2024, "first": 3.0, "gaps": 0.4, "births": 0.1},
            {"geography": "icb2026", "year": 2022, "first": 2.0, "gaps": 1.2, "gaps_best": 0.6, "births": 0.3}]
    lines = bench.table_lines(rows, floor=0.02, target=1.0)
    assert lines[1].split() == ["uk2026", "2024", "3.00", "0.400", "20.0", "0.100", "5.0"]
    assert lines[2].endswith("OVER 1 s (best 0.600 s)") and "OVER" not in lines[1]
    assert lines[3] == "slowest warm gaps: icb2026 2022, 1.200 s (x60.0 floor)"
    assert lines[4] == "slowest warm births per area: icb2026 2022, 0.300 s (x15.0 floor)"
    assert lines[5] == "warm gaps over 1 s: 1 of 2: icb2026 2022"


def test_coverage_table_says_none_over_the_target_when_none_is():
    bench = _bench("bench_coverage")
    rows = [{"geography": "uk2026", "year": 2024, "first": 3.0, "gaps": 0.4, "births": 0.1}]
    assert bench.table_lines(rows, floor=0.1)[-1] == "warm gaps over 1 s: 0 of 1"
