"""What every browser test starts with: the benchmark's app server and browser page (benchmarks/bench_app.py,
loaded by path since benchmarks/ is not a package), and the reason to skip when chromium or Leaflet is missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_app", REPO / "benchmarks" / "bench_app.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
MISSING = bench.missing_requirements()  # None when a browser test can run
