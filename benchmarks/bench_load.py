"""Load test: how many visitors at once one app process serves with a first map under 3 s.

One app process (``streamlit run server.py``, as ``make run`` starts it) on loopback, then lightweight clients in
place of browsers: each opens Streamlit's websocket (``/_stcore/stream``) as the browser does, sends the rerun
request the browser sends on connecting (a ``BackMsg`` with ``rerun_script``: the query string, no widget states),
and reads the ``ForwardMsg`` stream until the map element arrives (the national map's component: a component
instance, a bidirectional component, an iframe, or HTML with a Leaflet script: whichever the map page uses) and
then ``script_finished``. When the element names area shapes under ``/app/static/shapes/``, the client fetches them
(gzip accepted), as the map's script does: the first map is the element received and its shapes in. A client runs
none of the page's scripts and fetches neither Leaflet nor Streamlit's own page and scripts (static files, cheap to
serve), so it costs the server what a visitor's session costs it: a session, a run of app.py, the bytes.

Steps of 1, 2, 4, 8, 16, 32 clients connect at once, two rounds each (pooled); each round is capped in
time; the ramp stops after a step where a client failed (an error, or no map in 30 s), and no round
starts after about 170 s, so the run stops by itself within about three minutes. Prints, per step: the
median and slowest first map, the slowest time to the first message (the run started: later means it
queued behind others), failures (errors and timeouts), and the server's resident memory (``VmRSS``) with
the step's sessions open; then the memory per extra session (the rise from the smallest step to the
largest) and the run's peak (``VmHWM``). The floor is one client alone on the warm server, measured in
the same run; every time is also printed as a ratio to it.

Usage: ``python benchmarks/run.py load`` or ``python benchmarks/bench_load.py [--max-clients N]``.
Loopback only; the server is stopped on exit, Ctrl-C or error.
"""

# No ``from __future__ import annotations``: benchmarks/run.py loads this file without registering it as a
# module, and dataclasses then cannot resolve string annotations.
import argparse
import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGET_S = 3.0
STEPS = (1, 2, 4, 8, 16, 32)
STEP_TIMEOUT_S = 30.0  # a client with no map by then counts as timed out
TOTAL_BUDGET_S = 170.0  # no new step starts once the run has used this much
MAP_ELEMENTS = ("component_instance", "bidi_component", "iframe")


@dataclass
class ClientResult:
    """One client's timings (seconds from the start of its connection), or the reason it failed."""

    first_message: float | None = None
    map_element: float | None = None  # the map's element received
    first_map: float | None = None  # ... and the area shapes it names fetched: what a browser needs to draw
    shapes_bytes: int = 0
    finished: float | None = None
    received_bytes: int = 0
    error: str | None = None


@dataclass
class Step:
    clients: int
    results: list[ClientResult] = field(default_factory=list)
    rss_idle_kb: int | None = None
    rss_open_kb: int | None = None
    wall: float = 0.0


def is_map(element) -> bool:
    """Whether a page element (a ``streamlit.proto.Element``) is the map: a component or an iframe, or an
    HTML element with a script that uses Leaflet (a lighter map written into the page; a style that only
    names Leaflet's classes is not one)."""
    kind = element.WhichOneof("type")
    if kind in MAP_ELEMENTS:
        return True
    body = element.html.body.lower() if kind == "html" else ""
    return "<script" in body and ("leaflet" in body or "l.map(" in body)


def summary(times: list[float]) -> tuple[float, float] | None:
    """(median, max) of the times, or None when there are none."""
    if not times:
        return None
    return statistics.median(times), max(times)


def step_ok(step: Step, target: float = TARGET_S) -> bool:
    """Every client of the step drew its map, and within the target."""
    maps = [r.first_map for r in step.results]
    return bool(maps) and all(t is not None and t < target for t in maps)


def largest_ok(steps: list[Step], target: float = TARGET_S) -> int:
    """The largest number of clients at once for which this and every smaller step was within the target (0: none)."""
    best = 0
    for step in sorted(steps, key=lambda s: s.clients):
        if not step_ok(step, target):
            break
        best = step.clients
    return best


def rss_kb(status_text: str, name: str = "VmRSS") -> int | None:
    """A memory figure (kB) of a /proc/<pid>/status text: VmRSS (resident now) or VmHWM (the peak)."""
    for line in status_text.splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    return None


def rss_slope_mb(steps: list[Step]) -> float | None:
    """MB more per extra open session: the server's memory with sessions open, from the smallest step to
    the largest (what a session holds, whatever the process kept from earlier steps)."""
    measured = sorted((s for s in steps if s.rss_open_kb is not None), key=lambda s: s.clients)
    if len(measured) < 2 or measured[-1].clients == measured[0].clients:
        return None
    low, high = measured[0], measured[-1]
    assert low.rss_open_kb is not None and high.rss_open_kb is not None
    return (high.rss_open_kb - low.rss_open_kb) / 1024 / (high.clients - low.clients)


def throughput(step: Step) -> float:
    """Maps served a second in a step: its clients over its slowest round's last map (rounds pooled: the
    slowest client of all), 0 with no map."""
    maps = [r.first_map for r in step.results if r.first_map is not None]
    return step.clients / max(maps) if maps else 0.0


def ratio(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return "-"
    return f"x{value / floor:.1f}"


def table_lines(steps: list[Step], floor: float | None, target: float = TARGET_S) -> list[str]:
    """The table of steps: first map median/max (s and ratio to the floor), queueing, errors, memory."""
    lines = [f"{'clients':>7} {'map med':>8} {'ratio':>6} {'map max':>8} {'ratio':>6} {'elem med':>8} "
             f"{'open max':>8} {'failed':>6} {'RSS MB':>7}  note"]
    for step in steps:
        maps = summary([r.first_map for r in step.results if r.first_map is not None])
        elements = summary([r.map_element for r in step.results if r.map_element is not None])
        opens = summary([r.first_message for r in step.results if r.first_message is not None])
        failed = sum(1 for r in step.results if r.first_map is None)
        med, top = maps if maps else (None, None)
        rss = f"{step.rss_open_kb / 1024:.0f}" if step.rss_open_kb is not None else "-"
        errors = sorted({r.error for r in step.results if r.error})
        note = "ok" if step_ok(step, target) else f"OVER {target:g} s"
        if errors:
            note += "; " + "; ".join(errors)[:120]
        lines.append(f"{step.clients:>7} {_s(med):>8} {ratio(med, floor):>6} {_s(top):>8} {ratio(top, floor):>6} "
                     f"{_s(elements[0] if elements else None):>8} {_s(opens[1] if opens else None):>8} "
                     f"{failed:>6} {rss:>7}  {note}")
    return lines


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


# --- the clients -----------------------------------------------------------------------------------------


def _rerun_request(url: str, query: str = "") -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_script_hash = ""
    state.context_info.timezone = "Europe/London"
    state.context_info.timezone_offset = 0
    state.context_info.locale = "en-GB"
    state.context_info.url = f"{url}/{('?' + query) if query else ''}"
    return msg.SerializeToString()


async def one_client(url: str, timeout: float, ran: asyncio.Event | None = None, hold: asyncio.Event | None = None,
                     query: str = "") -> ClientResult:
    """Open a session, ask for the page, time the map element and the end of the run; keep the session
    open until ``hold`` is set (so the server's memory can be read with every session of the step open)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect
    from websockets.typing import Origin, Subprotocol

    result = ClientResult()
    shapes: asyncio.Task[tuple[float, int]] | None = None
    started = time.perf_counter()
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with asyncio.timeout(timeout):
            async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], origin=Origin(url), max_size=None,
                               open_timeout=timeout, ping_interval=None) as ws:
                await ws.send(_rerun_request(url, query))
                async for frame in ws:
                    data = frame if isinstance(frame, bytes) else frame.encode()
                    now = time.perf_counter() - started
                    result.received_bytes += len(data)
                    if result.first_message is None:
                        result.first_message = now
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        element = msg.delta.new_element.WhichOneof("type")
                        if element == "exception" and result.error is None:
                            result.error = "the page showed an error: " + msg.delta.new_element.exception.message[:80]
                        if is_map(msg.delta.new_element) and result.map_element is None:
                            result.map_element = now
                            shapes = asyncio.create_task(_fetch_shapes(url, data, started))
                    elif kind == "script_finished":
                        result.finished = now
                        break
                if shapes is not None:
                    result.first_map, result.shapes_bytes = await shapes
                if ran is not None:
                    ran.set()
                if hold is not None:
                    await hold.wait()
    except TimeoutError:
        if shapes is not None:
            shapes.cancel()
        result.error = f"no map within {timeout:g} s" if result.first_map is None else result.error
    except Exception as exc:  # noqa: BLE001 - a refused or dropped connection is a figure, not a crash
        if shapes is not None:
            shapes.cancel()
        result.error = f"{type(exc).__name__}: {str(exc)[:80]}"
    if ran is not None:
        ran.set()
    if result.first_map is None and result.error is None:
        result.error = "run finished with no map element"
    return result


SHAPES_URL = re.compile(rb"app/static/shapes/[\w.-]+\.json")


async def _fetch_shapes(url: str, element: bytes, started: float) -> tuple[float, int]:
    """Fetch the shapes files the map element names, as the map's script does (gzip accepted); return the
    time they were all in (seconds from ``started``) and their bytes on the wire."""
    size = 0
    for path in dict.fromkeys(m.decode() for m in SHAPES_URL.findall(element)):
        request = urllib.request.Request(f"{url}/{path}", headers={"Accept-Encoding": "gzip"})
        size += await asyncio.to_thread(_get, request)
    return time.perf_counter() - started, size


def _get(request: urllib.request.Request) -> int:
    with urllib.request.urlopen(request, timeout=STEP_TIMEOUT_S) as response:
        return len(response.read())


def _read_rss(pid: int, name: str = "VmRSS") -> int | None:
    try:
        return rss_kb(Path(f"/proc/{pid}/status").read_text(), name)
    except OSError:
        return None


async def run_step(url: str, pid: int, clients: int, timeout: float) -> Step:
    """``clients`` clients at once; the memory is read once every run is over, with the sessions still open."""
    await asyncio.sleep(1.0)  # let the previous step's sessions close
    step = Step(clients, rss_idle_kb=_read_rss(pid))
    hold = asyncio.Event()
    ran = [asyncio.Event() for _ in range(clients)]
    started = time.perf_counter()
    tasks = [asyncio.create_task(one_client(url, timeout, ran[i], hold)) for i in range(clients)]
    try:
        async with asyncio.timeout(timeout + 5):
            await asyncio.gather(*(event.wait() for event in ran))
    except TimeoutError:
        pass
    step.rss_open_kb = _read_rss(pid)
    hold.set()
    step.results = list(await asyncio.gather(*tasks))
    step.wall = time.perf_counter() - started
    return step


# --- the server and the ramp -----------------------------------------------------------------------------


@contextlib.contextmanager
def server() -> Iterator[tuple[str, subprocess.Popen]]:
    """The app (``streamlit run server.py``) on a free loopback port; yields (url, process); always stopped afterwards
    (bench_app.app_process)."""
    from bench_app import app_process

    with app_process(start_timeout=60) as (url, _, proc):
        yield url, proc


async def ramp(url: str, pid: int, max_clients: int, budget: float,
               rounds: int = 2) -> tuple[ClientResult, list[float], list[Step]]:
    """The first visitor (who pays for loading the data, and waits for the preload), the floor (three lone clients),
    then the steps (``rounds`` rounds each, pooled), up to the cap, until a step where a client failed
    or the time budget is spent."""
    started = time.perf_counter()
    first = await one_client(url, 90.0)
    if first.first_map is None:
        raise RuntimeError(f"the first client got no map: {first.error}")
    await one_client(url, STEP_TIMEOUT_S)  # a second visit, not counted: the first visitor's run left work behind
    floor = []
    for _ in range(3):
        alone = await one_client(url, STEP_TIMEOUT_S)
        if alone.first_map is not None:
            floor.append(alone.first_map)
    steps: list[Step] = []
    for clients in (n for n in STEPS if n <= max_clients):
        if time.perf_counter() - started > budget:
            break
        step = Step(clients)
        for _ in range(rounds):
            if step.results and time.perf_counter() - started > budget:
                break
            left = budget - (time.perf_counter() - started)
            one = await run_step(url, pid, clients, min(STEP_TIMEOUT_S, max(5.0, left)))
            step.results += one.results
            step.rss_idle_kb, step.rss_open_kb, step.wall = one.rss_idle_kb, one.rss_open_kb, step.wall + one.wall
        steps.append(step)
        print(f"  {clients} at once, {len(step.results) // clients} round(s): {step.wall:.1f} s", flush=True)
        if any(r.first_map is None for r in step.results):
            break  # clients failing: the next step would only fail more
    return first, floor, steps


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-clients", type=int, default=STEPS[-1])
    parser.add_argument("--rounds", type=int, default=2, help="rounds per step, pooled")
    parser.add_argument("--budget", type=float, default=TOTAL_BUDGET_S, help="seconds before no new step starts")
    args = parser.parse_args(argv if argv is not None else [])
    load = os.getloadavg()
    print(f"load test, one app process on loopback; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores (other work may share the machine)", flush=True)
    launched = time.perf_counter()
    with server() as (url, proc):
        ready = time.perf_counter() - launched
        idle = _read_rss(proc.pid)
        first, floor, steps = asyncio.run(ramp(url, proc.pid, args.max_clients, args.budget, args.rounds))
        peak = _read_rss(proc.pid, "VmHWM")
    floor_s = statistics.median(floor) if floor else None
    print(f"server answering after {ready:.2f} s, {idle / 1024 if idle else 0:.0f} MB before any session; "
          f"first visitor's first map {first.first_map:.2f} s (waits for the preload of the app's modules, then loads the data)")
    print(f"floor: one client alone on the warm server, first map {_s(floor_s)} s "
          f"(median of {', '.join(f'{t:.2f}' for t in floor)}); per visit {first.received_bytes / 1e6:.2f} MB "
          f"over the websocket and {first.shapes_bytes / 1e6:.2f} MB of area shapes (gzip)")
    print("map: connection opened to the map's element received and the shapes it names fetched; elem: to the "
          "element only; open: to the first message (the run started: later means it queued behind others); "
          "RSS: the server's, with the step's sessions open")
    for line in table_lines(steps, floor_s):
        print(line)
    best = largest_ok(steps)
    within = [s.clients for s in steps if step_ok(s)]
    print(f"largest number of clients at once with every first map under {TARGET_S:g} s: {best} (every step up "
          f"to it within); steps within: {', '.join(map(str, within)) or 'none'}")
    slope = rss_slope_mb(steps)
    if slope is not None:
        print(f"memory per open session: {slope:.1f} MB (RSS with sessions open, from {steps[0].clients} to "
              f"{steps[-1].clients} at once); peak RSS of the run {peak / 1024 if peak else 0:.0f} MB, "
              f"{idle / 1024 if idle else 0:.0f} MB before the first session")
    past = [s for s in steps if s.clients > best]
    for step in past:
        opens = summary([r.first_message for r in step.results if r.first_message is not None])
        maps = summary([r.first_map for r in step.results if r.first_map is not None])
        failed = sum(1 for r in step.results if r.first_map is None)
        print(f"past it, {step.clients} at once: runs started within {_s(opens[1] if opens else None)} s, maps "
              f"{_s(maps[0] if maps else None)} s median, {_s(maps[1] if maps else None)} s slowest "
              f"({throughput(step):.1f} maps a second); {failed} failed")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        print("load test interrupted; the server was stopped", file=sys.stderr)
        sys.exit(130)
