"""App benchmarks in headless Debian chromium: first map (cold and warm), measure change, bytes, postcode.

Prints:
- server start to first map rendered in the browser, with a cold cache (a fresh HOME: no processed
  layers, no Streamlit disk cache; raw files copied from the mirror) and then warm (same HOME again),
  and for a new visitor to a server already running;
- the time from clicking another measure to the new map's legend;
- the bytes the browser received over Streamlit's websocket for the UK view (map HTML/JSON included);
- a postcode lookup's latency, in the library (first lookup of a letter, then warm) and in the browser;
- where the warm first map's time goes: server start to the server answering, and to the browser's
  Streamlit session opening (page loaded, websocket connected: before any line of app.py runs);
- the floor: the same timing for `floor_app.py`, a Streamlit page with nothing but one
  streamlit-folium map of one triangle, so the gap to the app is what our own code costs.

Targets (issue 5): warm first map under 2 s, a measure change under 1 s, the UK view under 2 MB.
Needs /usr/bin/chromium, Playwright for Python and Debian's libjs-leaflet (the map's one script,
served to the browser in place of the CDN copy, since CI has no network). Also used by
tests/browser/test_e2e_browser.py for starting the server and the browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHROMIUM = "/usr/bin/chromium"
LEAFLET_DIR = Path("/usr/share/javascript/leaflet")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
# The area search box (webapp.search.SEARCH_LABEL), by the words its label always has.
SEARCH_LABEL = re.compile(r"Area name.*UK postcode")


def missing_requirements() -> str | None:
    """Why the browser checks cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not (LEAFLET_DIR / "leaflet.js").exists():
        return f"{LEAFLET_DIR}/leaflet.js is missing (apt-get install libjs-leaflet)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; never 'playwright install')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_process(home: Path | None = None, extra_env: dict | None = None,
                script: Path = REPO / "app.py", start_timeout: float = 120) -> Iterator[tuple[str, float, subprocess.Popen]]:
    """Start ``streamlit run <script>`` (the app by default) on loopback; yield (url, start time, process); stop it
    afterwards, also on SIGTERM (a CI runner's ``timeout``), and have it die with this process however it dies."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    if home is not None:
        env["HOME"] = str(home)
        env.pop("PIMAP_CACHE_DIR", None)
    env.setdefault("PIMAP_DATA_MIRROR", str(REPO.parent / "shared" / "data" / "raw"))
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}"
    # A SIGTERM unwinds like Ctrl-C, so the finally below stops the server (main thread only).
    previous = _on_sigterm(_interrupt)
    try:
        deadline = time.time() + start_timeout
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
        yield url, started, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        if previous is not None:
            _on_sigterm(previous)


@contextlib.contextmanager
def app_server(home: Path | None = None, extra_env: dict | None = None,
               script: Path = REPO / "app.py") -> Iterator[tuple[str, float]]:
    """:func:`app_process`, yielding (url, start time)."""
    with app_process(home, extra_env, script) as (url, started, _):
        yield url, started


def _on_sigterm(handler):
    """Install a SIGTERM handler and return the previous one (None off the main thread, where none can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """In the server's process, before it starts: be killed when this process dies, however it dies (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def serve_offline(page) -> None:
    """Leaflet comes from Debian's package in place of the CDN; nothing else leaves the machine.

    Only requests to other hosts are intercepted: loopback requests (the app's own pages, scripts and
    websocket) go straight to the server, as a visitor's would, with no detour through Playwright.
    """
    def route(request_route):
        url = request_route.request.url
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        if name in ("leaflet.js", "leaflet.css"):
            kind = "application/javascript" if name.endswith(".js") else "text/css"
            request_route.fulfill(path=str(LEAFLET_DIR / name), content_type=kind)
        elif "/images/" in url and (LEAFLET_DIR / "images" / name).exists():
            request_route.fulfill(path=str(LEAFLET_DIR / "images" / name), content_type="image/png")
        else:
            request_route.abort()
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/])"), route)


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
            serve_offline(page)
            yield page
        finally:
            browser.close()


def wait_for_map(page, measure_label: str | None = None, timeout_ms: int = 120_000, *,
                 shapes_fetched: bool = True) -> None:
    """Until the map's canvas shows the areas layer (of ``measure_label``, if given), drawn.

    The areas layer's name ("Areas: <measure>") is listed in the layer control, which st_folium
    rebuilds after swapping in the new layers. The app's areas layer (mapping.present.webmap.AreasLayer)
    fetches its shapes, so the layer is listed before it is drawn: it marks the page
    ``data-areas-drawn="Areas: <measure>"`` once drawn, and that is what is waited for
    (``shapes_fetched=False`` for a map whose areas travel inside it, such as floor_app.py).
    """
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("canvas.leaflet-zoom-animated").first.wait_for(timeout=timeout_ms)
    text = f"Areas: {measure_label}" if measure_label else "Areas:"
    frame.locator(".leaflet-control-layers-overlays").filter(has_text=text).first.wait_for(
        state="attached", timeout=timeout_ms)
    if not shapes_fetched:
        return
    marker = f'body[data-areas-drawn="{text}"]' if measure_label else 'body[data-areas-drawn^="Areas:"]'
    frame.locator(f'{marker}, body[data-areas-drawn="error"]').first.wait_for(state="attached", timeout=timeout_ms)
    if frame.locator('body[data-areas-drawn="error"]').count():
        raise AssertionError("the map says its area shapes could not be loaded: "
                             + frame.locator("body").inner_text()[:300])


class FirstMap(NamedTuple):
    """One server start to first map: seconds to each stage, and the bytes of the view received."""

    server_ready: float  # the server answers its health check
    session_open: float  # the browser has loaded Streamlit's page and opened the websocket
    map_drawn: float
    received_bytes: int  # over Streamlit's websocket: the page's elements, the map's HTML and scripts
    shapes_bytes: int  # the area shapes file the map fetches once per page (decoded size)


def first_map(home: Path, query: str = "", script: Path = REPO / "app.py") -> FirstMap:
    """Server start to the first map drawn (``script``: the app, or the floor), with its stages."""
    with browser_page() as page:
        received, opened, shapes = [], [], []
        page.on("websocket", lambda ws: (opened.append(time.perf_counter()),
                                         ws.on("framereceived", lambda payload: received.append(len(payload)))))
        page.on("response", lambda response: shapes.append(response) if "/app/static/" in response.url else None)
        with app_server(home, script=script) as (url, started):
            ready = time.perf_counter() - started
            page.goto(f"{url}/{query}", wait_until="domcontentloaded")
            wait_for_map(page, shapes_fetched=script.name == "app.py")
            elapsed = time.perf_counter() - started
            time.sleep(0.5)  # let the last frames of the run arrive
            return FirstMap(ready, opened[0] - started, elapsed, sum(received),
                            sum(len(response.body()) for response in shapes))


def new_visitor_map(home: Path) -> list[float]:
    """Seconds from opening the page to the map drawn, for new visitors to a server that is already running."""
    times = []
    with app_server(home) as (url, _):
        with browser_page() as page:  # the first visitor pays for the server's imports
            page.goto(url, wait_until="domcontentloaded")
            wait_for_map(page)
        for _ in range(3):
            with browser_page() as page:
                started = time.perf_counter()
                page.goto(url, wait_until="domcontentloaded")
                wait_for_map(page)
                times.append(time.perf_counter() - started)
    return times


def measure_change(home: Path) -> tuple[list[float], list[int]]:
    """Seconds from clicking a measure to its areas drawn on the map, and the bytes received for each
    change (websocket and any other response), three changes on a warm server."""
    times, sizes, received = [], [], []
    with app_server(home) as (url, _), browser_page() as page:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
        page.on("response", lambda response: received.append(len(response.body()))
                if "/app/static/" in response.url else None)
        page.goto(url, wait_until="domcontentloaded")
        wait_for_map(page)
        for label in ("Babies aged 0-2 with no team", "Babies aged 0-2 (population)",
                      "Share of babies aged 0-2 covered by a team"):
            time.sleep(0.5)
            received.clear()
            started = time.perf_counter()
            page.get_by_text(label, exact=True).first.click()
            wait_for_map(page, measure_label=label)
            times.append(time.perf_counter() - started)
            time.sleep(0.3)  # the run's last frames
            sizes.append(sum(received))
    return times, sizes


def browser_postcode(home: Path, postcode: str = "TR21 0HU") -> float:
    """Seconds from pressing Enter in the profile's search box to the area's profile."""
    with app_server(home) as (url, _), browser_page() as page:
        page.goto(f"{url}/?page=profile", wait_until="domcontentloaded")
        box = page.get_by_label(SEARCH_LABEL).first
        box.wait_for(timeout=120_000)
        box.fill(postcode)
        started = time.perf_counter()
        box.press("Enter")
        page.get_by_text("E38000089").first.wait_for(timeout=60_000)
        return time.perf_counter() - started


def library_postcode() -> tuple[float, float]:
    """Seconds for a first lookup in a new process's letter file, then for a warm lookup."""
    from boundaries.postcodes import lookup_postcode

    started = time.perf_counter()
    lookup_postcode("SW1A 1AA", "uk2023")
    first = time.perf_counter() - started
    started = time.perf_counter()
    for pc in ("SE1 7PB", "SW1P 3BU", "SW11 1AA", "SE10 9NF", "SW19 5AE"):
        lookup_postcode(pc, "uk2023")
    return first, (time.perf_counter() - started) / 5


def main() -> None:
    reason = missing_requirements()
    first, warm = library_postcode()
    print(f"postcode lookup (library, uk2023): first in a process {first * 1000:.0f} ms "
          f"(reads one letter file and the boundaries), then {warm * 1000:.1f} ms each")
    if reason:
        print(f"browser benchmarks skipped: {reason}")
        return
    home = Path(tempfile.mkdtemp(prefix="pimap-bench-home-"))
    try:
        cold = first_map(home)
        print(f"server start to first map, cold cache (fresh HOME, layers built from the mirror): "
              f"{cold.map_drawn:.2f} s")
        warm_runs = [first_map(home) for _ in range(3)]
        best = min(warm_runs, key=lambda r: r.map_drawn)
        print(f"server start to first map, warm cache: {best.map_drawn:.2f} s (best of 3: "
              f"{', '.join(f'{r.map_drawn:.2f}' for r in warm_runs)}; target under 2 s)")
        print(f"  of which, in that best run: server answering {best.server_ready:.2f} s; Streamlit's page "
              f"loaded and session open {best.session_open:.2f} s (before any app code runs); app run, "
              f"map sent and drawn {best.map_drawn - best.session_open:.2f} s")
        floor = [first_map(home, script=HERE / "floor_app.py") for _ in range(3)]
        low = min(floor, key=lambda r: r.map_drawn)
        print(f"floor, floor_app.py (one streamlit-folium map of one triangle, nothing else): "
              f"{low.map_drawn:.2f} s (best of 3: {', '.join(f'{r.map_drawn:.2f}' for r in floor)}; session open "
              f"{low.session_open:.2f} s, then {low.map_drawn - low.session_open:.2f} s to the map); the app is "
              f"{best.map_drawn - low.map_drawn:.2f} s above it")
        visitors = new_visitor_map(home)
        print(f"new visitor to a running server, page opened to map drawn: {min(visitors):.2f} s (of "
              f"{', '.join(f'{t:.2f}' for t in visitors)})")
        largest = max(warm_runs, key=lambda r: r.received_bytes + r.shapes_bytes)
        print(f"UK view (uk2023): {(largest.received_bytes + largest.shapes_bytes) / 1e6:.2f} MB: "
              f"{largest.received_bytes / 1e6:.2f} MB over the websocket (page elements, map HTML and scripts) and "
              f"{largest.shapes_bytes / 1e6:.2f} MB of area shapes fetched once per page (target under 2 MB)")
        uk2018 = first_map(home, "?geo=uk2018")
        print(f"UK view (uk2018): {(uk2018.received_bytes + uk2018.shapes_bytes) / 1e6:.2f} MB "
              f"({uk2018.received_bytes / 1e6:.2f} MB websocket, {uk2018.shapes_bytes / 1e6:.2f} MB shapes)")
        changes, change_bytes = measure_change(home)
        print(f"measure change to new map: {', '.join(f'{t:.2f}' for t in changes)} s (target under 1 s); "
              f"received per change: {', '.join(f'{b / 1e6:.2f}' for b in change_bytes)} MB")
        print(f"postcode lookup in the browser (Enter to profile shown): {browser_postcode(home):.2f} s")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
