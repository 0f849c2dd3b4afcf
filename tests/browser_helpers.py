"""What every browser test starts with: the benchmark's app server and browser page (benchmarks/bench_app.py,
loaded by path since benchmarks/ is not a package), and the reason to skip when chromium or Leaflet is missing;
and the one wait the map's layer control needs before a test uses its list."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_app", REPO / "benchmarks" / "bench_app.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
MISSING = bench.missing_requirements()  # None when a browser test can run


def wait_for_layer_list(page) -> None:
    """After the map's layer control has been opened (a key, a click or the pointer): until its list takes clicks.

    Leaflet 1.9.4 opens the control through ``Control.Layers._expandSafely``, which cancels every click in the list
    (and so undoes a box's change) until a zero-delay timer has run. Chromium runs key input before timers, so a
    test's next key, some 25 ms later, could reach a box first: about one run in three failed so. A timer set now
    runs after Leaflet's (timers of equal delay run in the order set: HTML's timer rule)."""
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
