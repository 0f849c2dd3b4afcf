"""The load test's arithmetic: medians and maxima per step, the largest step within the target, memory per
session, the table's ratios to the floor. Made-up timings only; the load test itself is
``benchmarks/bench_load.py`` (it starts a server, so it is a benchmark, not a unit test)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", REPO / "benchmarks" / "bench_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def _step(clients: int, maps: list[float | None], idle: int | None = None, open_: int | None = None):
    results = [bench.ClientResult(first_message=0.1, first_map=t, error=None if t is not None else "no map within 30 s")
               for t in maps]
    return bench.Step(clients, results, rss_idle_kb=idle, rss_open_kb=open_)


def test_the_map_is_a_component_an_iframe_or_html_that_loads_leaflet():
    from streamlit.proto.Element_pb2 import Element

    component, frame, style, light, text = Element(), Element(), Element(), Element(), Element()
    component.component_instance.json_args = "{}"
    frame.iframe.srcdoc = "<p>map</p>"
    style.html.body = "<style>.leaflet-control{}</style>"
    light.html.body = '<script src="app/static/vendor/leaflet/leaflet.js"></script>'
    text.markdown.body = "Leaflet"
    assert [bench.is_map(e) for e in (component, frame, style, light, text)] == [True, True, False, True, False]


def test_summary_is_median_and_max_and_none_when_empty():
    assert bench.summary([1.0, 3.0, 2.0, 10.0]) == (2.5, 10.0)
    assert bench.summary([]) is None


def test_a_step_is_within_the_target_only_when_every_client_drew_its_map_in_time():
    assert bench.step_ok(_step(2, [1.0, 2.9]))
    assert not bench.step_ok(_step(2, [1.0, 3.0]))
    assert not bench.step_ok(_step(2, [1.0, None]))
    assert not bench.step_ok(_step(0, []))


def test_largest_within_the_target_stops_at_the_first_step_over_it():
    steps = [_step(1, [0.5]), _step(2, [0.9, 1.1]), _step(4, [2.0, 3.5, 1, 1]), _step(8, [1.0] * 8)]
    assert bench.largest_ok(steps) == 2
    assert bench.largest_ok([_step(1, [4.0])]) == 0


def test_memory_per_session_is_the_rise_from_the_smallest_step_to_the_largest_per_extra_session():
    steps = [_step(1, [1.0], idle=90 * 1024, open_=100 * 1024), _step(4, [1.0] * 4, open_=150 * 1024),
             _step(11, [1.0] * 11, idle=200 * 1024, open_=150 * 1024)]
    assert bench.rss_slope_mb(steps) == 5.0
    assert bench.rss_slope_mb(steps[:1]) is None
    assert bench.rss_slope_mb([_step(1, [1.0]), _step(2, [1.0, 1.0])]) is None


def test_throughput_is_the_clients_over_the_slowest_map():
    assert bench.throughput(_step(4, [1.0, 2.0, 0.5, 2.0])) == 2.0
    assert bench.throughput(_step(2, [None, None])) == 0.0


def test_rss_is_read_from_a_proc_status_text():
    assert bench.rss_kb("Name:\tpython\nVmHWM:\t  300000 kB\nVmRSS:\t  281234 kB\n") == 281234
    assert bench.rss_kb("Name:\tpython\nVmHWM:\t  300000 kB\n", "VmHWM") == 300000
    assert bench.rss_kb("Name:\tpython\n") is None


def test_table_gives_ratios_to_the_floor_and_flags_the_step_over_the_target():
    lines = bench.table_lines([_step(1, [1.0], 1024, 2048), _step(2, [2.0, 4.0], 2048, 4096)], floor=1.0)
    assert lines[1].split()[:5] == ["1", "1.00", "x1.0", "1.00", "x1.0"] and lines[1].endswith("ok")
    row = lines[2].split()
    assert row[:5] == ["2", "3.00", "x3.0", "4.00", "x4.0"] and row[7:9] == ["0", "4"]
    assert "OVER 3 s" in lines[2]
    failed = bench.table_lines([_step(2, [1.0, None])], floor=None)[1]
    assert failed.split()[2] == "-" and failed.split()[7] == "1" and "no map within 30 s" in failed
