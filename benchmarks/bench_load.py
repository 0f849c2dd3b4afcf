"""Load test: how many visitors at once one app process serves with a first map under 3 s.

One ``streamlit run app.py`` on loopback, then lightweight clients in place of browsers: each opens
Streamlit's websocket (``/_stcore/stream``) as the browser does, sends the rerun request the browser sends
on connecting (a ``BackMsg`` with ``rerun_script``: the query string, no widget states), and reads the
``ForwardMsg`` stream until the map element arrives (the national map's component: a component instance,
a bidirectional component or an iframe, whichever the map page uses) and then ``script_finished``.
A client does not run the page's scripts, so it costs the server what a visitor costs it (a session,
a run of app.py, the map's bytes) but never fetches the area shapes or Leaflet from ``/app/static/``.

Steps of 1, 2, 4, 8, 16, 32 clients connect at once; each step is capped in time and the ramp stops one
step after the first whose slowest client passed the target (or on errors), and the whole run stops by
itself within about three minutes. Prints, per step: the median and slowest first map, the time to the
first message (the session opening: how long a client queued before its run started), errors and
timeouts, and the server's resident memory (``VmRSS`` of the server process) with the step's sessions
open, per session above the idle figure. The floor is one client alone on the warm server, measured in
the same run; every time is also printed as a ratio to it.

Usage: ``python benchmarks/run.py load`` or ``python benchmarks/bench_load.py [--max-clients N]``.
Loopback only; the server is stopped on exit, Ctrl-C or error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
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
    first_map: float | None = None
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


def rss_kb(status_text: str) -> int | None:
    """The VmRSS figure (kB) of a /proc/<pid>/status text."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def per_session_mb(step: Step) -> float | None:
    """The server's memory with the step's sessions open, above idle, per session (MB)."""
    if step.rss_idle_kb is None or step.rss_open_kb is None or not step.clients:
        return None
    return (step.rss_open_kb - step.rss_idle_kb) / 1024 / step.clients


def ratio(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return "-"
    return f"x{value / floor:.1f}"


def table_lines(steps: list[Step], floor: float | None, target: float = TARGET_S) -> list[str]:
    """The table of steps: first map median/max (s and ratio to the floor), queueing, errors, memory."""
    lines = [f"{'clients':>7} {'map med':>8} {'ratio':>6} {'map max':>8} {'ratio':>6} {'open max':>8} "
             f"{'failed':>6} {'RSS MB':>7} {'MB/sess':>7}  note"]
    for step in steps:
        maps = summary([r.first_map for r in step.results if r.first_map is not None])
        opens = summary([r.first_message for r in step.results if r.first_message is not None])
        failed = sum(1 for r in step.results if r.first_map is None)
        med, top = maps if maps else (None, None)
        rss = f"{step.rss_open_kb / 1024:.0f}" if step.rss_open_kb is not None else "-"
        per = per_session_mb(step)
        errors = sorted({r.error for r in step.results if r.error})
        note = "ok" if step_ok(step, target) else f"OVER {target:g} s"
        if errors:
            note += "; " + "; ".join(errors)[:120]
        lines.append(f"{step.clients:>7} {_s(med):>8} {ratio(med, floor):>6} {_s(top):>8} {ratio(top, floor):>6} "
                     f"{_s(opens[1] if opens else None):>8} {failed:>6} {rss:>7} "
                     f"{(f'{per:.1f}' if per is not None else '-'):>7}  {note}")
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
                        if element in MAP_ELEMENTS and result.first_map is None:
                            result.first_map = now
                    elif kind == "script_finished":
                        result.finished = now
                        break
                if ran is not None:
                    ran.set()
                if hold is not None:
                    await hold.wait()
    except TimeoutError:
        result.error = f"no map within {timeout:g} s" if result.first_map is None else result.error
    except Exception as exc:  # noqa: BLE001 - a refused or dropped connection is a figure, not a crash
        result.error = f"{type(exc).__name__}: {str(exc)[:80]}"
    if ran is not None:
        ran.set()
    if result.first_map is None and result.error is None:
        result.error = "run finished with no map element"
    return result


def _read_rss(pid: int) -> int | None:
    try:
        return rss_kb(Path(f"/proc/{pid}/status").read_text())
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
    """``streamlit run app.py`` on a free loopback port; yields (url, process); always stopped afterwards."""
    from bench_app import REPO, free_port

    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("PIMAP_DATA_MIRROR", str(REPO.parent / "shared" / "data" / "raw"))
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start: {log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.05)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


async def ramp(url: str, pid: int, max_clients: int, budget: float) -> tuple[ClientResult, list[float], list[Step]]:
    """The first visitor (who pays for the server's imports and data), the floor (three lone clients),
    then the steps, until one step past the first over the target, the cap, or the time budget."""
    started = time.perf_counter()
    first = await one_client(url, 90.0)
    if first.first_map is None:
        raise RuntimeError(f"the first client got no map: {first.error}")
    floor = []
    for _ in range(3):
        alone = await one_client(url, STEP_TIMEOUT_S)
        if alone.first_map is not None:
            floor.append(alone.first_map)
    steps: list[Step] = []
    over = 0
    for clients in (n for n in STEPS if n <= max_clients):
        if time.perf_counter() - started > budget:
            break
        step = await run_step(url, pid, clients, min(STEP_TIMEOUT_S, max(5.0, budget - (time.perf_counter() - started))))
        steps.append(step)
        print(f"  {clients} at once: done in {step.wall:.1f} s", flush=True)
        if not step_ok(step):
            over += 1
            if over >= 2 or all(r.first_map is None for r in step.results):
                break
    return first, floor, steps


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-clients", type=int, default=STEPS[-1])
    parser.add_argument("--budget", type=float, default=TOTAL_BUDGET_S, help="seconds before no new step starts")
    args = parser.parse_args(argv if argv is not None else [])
    load = os.getloadavg()
    print(f"load test, one app process on loopback; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores (other work may share the machine)", flush=True)
    launched = time.perf_counter()
    with server() as (url, proc):
        ready = time.perf_counter() - launched
        idle = _read_rss(proc.pid)
        first, floor, steps = asyncio.run(ramp(url, proc.pid, args.max_clients, args.budget))
    floor_s = statistics.median(floor) if floor else None
    print(f"server answering after {ready:.2f} s, {idle / 1024 if idle else 0:.0f} MB before any session; "
          f"first visitor's first map {first.first_map:.2f} s (pays for the imports and the data)")
    print(f"floor: one client alone on the warm server, first map {_s(floor_s)} s "
          f"(median of {', '.join(f'{t:.2f}' for t in floor)}); {first.received_bytes / 1e6:.2f} MB per visit "
          f"over the websocket")
    for line in table_lines(steps, floor_s):
        print(line)
    best = largest_ok(steps)
    print(f"largest number of clients at once with every first map under {TARGET_S:g} s: {best}")
    per = [p for p in (per_session_mb(s) for s in steps if s.clients >= 4) if p is not None]
    if per:
        print(f"memory per open session (RSS above idle, steps of 4 or more): {min(per):.1f}-{max(per):.1f} MB")
    past = [s for s in steps if s.clients > best]
    for step in past:
        opens = summary([r.first_message for r in step.results if r.first_message is not None])
        maps = summary([r.first_map for r in step.results if r.first_map is not None])
        failed = sum(1 for r in step.results if r.first_map is None)
        print(f"past it, {step.clients} at once: first message within {_s(opens[1] if opens else None)} s (sessions "
              f"open at once), maps {_s(maps[0] if maps else None)} s median, {_s(maps[1] if maps else None)} s "
              f"slowest: the runs queue for the process's two cores; {failed} failed")


if __name__ == "__main__":
    main(sys.argv[1:])
