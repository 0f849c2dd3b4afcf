"""App benchmarks in headless Debian chromium: first map (cold and warm), new visitor, measure change, bytes.

Prints, each against its floors measured in the same run (three runs each):
- server start to first map drawn in the browser, with a cold cache (a fresh HOME: no processed layers, no
  figures on disk; raw files copied from the mirror), then warm (same HOME again: the layers and the first map's
  figures on disk), with the layers but not the figures (as the first start of a new data version), and warm
  but started as ``streamlit run app.py`` (without server.py's start-up: its sockets' TCP_NODELAY and the preload);
- a new visitor (a new browser, nothing cached) to a server already running: page opened to map drawn;
- the time from clicking another measure to the new map drawn, and what the map's own redraw took of it;
- the bytes the browser received for the UK view: Streamlit's websocket and the area shapes;
- a postcode lookup's latency, in the library (first lookup of a letter, then warm) and in the browser.

The floors:
- ``floor_app.py``: one streamlit-folium map of one triangle, with a radio recolouring it (how the app drew
  its map before webapp/mapview.py);
- ``floor_streamlit.py``: a Streamlit page with one line of text (no map drawn in Streamlit comes sooner);
- ``floor_map_alone.py``: the app's own map of the default view alone on a Streamlit page (not a floor of the
  stack but of the app's page: what is left above it is the page's other elements);
- a static page with nothing but Leaflet drawing the same area shapes on a canvas, served from loopback
  (the limit: no server work and no Streamlit at all).
The Streamlit floors are served as ``streamlit run`` serves any script: without server.py's start-up (its
sockets' TCP_NODELAY, webapp/sockets.py, and the preload), which is part of what the app is measured with.

A map counts as drawn at the first animation frame that shows it, by the page's own clock (:func:`watch_for_map`).

Targets (issue 16): a new visitor's map under 1.0 s, server start to first map under 2.0 s, a measure change
under 0.2 s, the UK view no larger than 1.35 MB. Needs /usr/bin/chromium, Playwright for Python and the
app's own Leaflet (static/vendor/leaflet, from scripts/vendor_js.py); nothing is fetched from elsewhere (the
streamlit-folium floor's CDN Leaflet is answered with the same copy). Also used by the browser tests for
starting the server and the browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
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
# The app as `make run` serves it: st.App over app.py, its modules imported as the server starts (server.py).
APP = REPO / "server.py"
CHROMIUM = "/usr/bin/chromium"
LEAFLET_DIR = REPO / "static" / "vendor" / "leaflet"  # the app's own copy (scripts/vendor_js.py)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP = ".pimap-map"  # the app's map (webapp/map.js), in the page itself
# The area search box (webapp.search.SEARCH_LABEL), by the words its label always has.
SEARCH_LABEL = re.compile(r"Area name.*UK postcode")


def missing_requirements() -> str | None:
    """Why the browser checks cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not (LEAFLET_DIR / "leaflet.js").exists():
        return f"{LEAFLET_DIR}/leaflet.js is missing (python scripts/vendor_js.py, which make test runs)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; never 'playwright install')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served_with_app_static(script: Path) -> Path:
    """``script``, or for one outside the repository's root (a floor) a copy of it in a folder of its own beside
    a link to the app's static folder: Streamlit serves /app/static/ from the folder of the script it runs, and
    the map alone (floor_map_alone.py) fetches the app's shapes and Leaflet from there, as the app does."""
    if script.parent == REPO:
        return script
    folder = Path(tempfile.mkdtemp(prefix="pimap-bench-floor-"))
    (folder / "static").symlink_to(REPO / "static", target_is_directory=True)
    shutil.copy2(script, folder / script.name)
    return folder / script.name


@contextlib.contextmanager
def app_process(home: Path | None = None, extra_env: dict | None = None,
                script: Path = APP, start_timeout: float = 120) -> Iterator[tuple[str, float, subprocess.Popen]]:
    """Start ``streamlit run <script>`` (the app by default) on loopback; yield (url, start time, process); stop it
    afterwards, also on SIGTERM (a CI runner's ``timeout``), and have it die with this process however it dies."""
    port = free_port()
    served = _served_with_app_static(script)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    if home is not None:
        env["HOME"] = str(home)
        env.pop("PIMAP_CACHE_DIR", None)
    env.setdefault("PIMAP_DATA_MIRROR", str(REPO.parent / "shared" / "data" / "raw"))
    cmd = [sys.executable, "-m", "streamlit", "run", str(served), "--server.headless", "true",
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
        if served != script:  # the floor's own folder: its copy and the link (never what the link points to)
            (served.parent / "static").unlink()
            served.unlink()
            with contextlib.suppress(OSError):  # anything else in it was not written here: left, with the folder
                served.parent.rmdir()


@contextlib.contextmanager
def app_server(home: Path | None = None, extra_env: dict | None = None,
               script: Path = APP) -> Iterator[tuple[str, float]]:
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
    """Nothing leaves the machine: a request to another host is refused, except the streamlit-folium floor's
    CDN Leaflet, answered with the app's own copy. (The app asks for nothing elsewhere: the street map's tiles
    only load when a visitor turns that layer on.)

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


def wait_for_map(page, measure_label: str | None = None, timeout_ms: int = 120_000) -> None:
    """Until the app's map has drawn its areas (of ``measure_label``, if given) on the whole page: webapp/map.js
    marks the page's body ``data-areas-drawn="Areas: <measure>"`` once they are drawn, ``"error"`` (with a message
    on the map) if the map could not be drawn, and ``data-map-first`` while a new visitor's first view waits for
    the rest of the page (webapp/first_view.py)."""
    marker = f'body[data-areas-drawn="Areas: {measure_label}"]' if measure_label else 'body[data-areas-drawn^="Areas:"]'
    marker += ":not([data-map-first])"
    page.locator(f'{marker}, body[data-areas-drawn="error"]').first.wait_for(state="attached", timeout=timeout_ms)
    if page.locator('body[data-areas-drawn="error"]').count():
        raise AssertionError("the map says it could not be drawn: " + page.locator(MAP).first.inner_text()[:300])


class FirstMap(NamedTuple):
    """One server start to first map: seconds to each stage, and the bytes of the view received."""

    server_ready: float  # the server answers its health check
    session_open: float  # the browser has loaded Streamlit's page and opened the websocket
    map_drawn: float
    received_bytes: int  # over Streamlit's websocket: the page's elements and the map's data
    shapes_bytes: int  # the area shapes the map fetched from /app/static/shapes/ (decoded size)
    leaflet_bytes: int  # Leaflet's script, stylesheet and images, from /app/static/vendor/ (decoded size)
    shapes_file: str  # the name of the area shapes file fetched (static/shapes/), "" for a floor


def figures_folder(home: Path) -> Path:
    """Where the app started by :func:`app_process` with this HOME keeps the first map's figures."""
    env = {**os.environ, "HOME": str(home)}
    env.pop("PIMAP_CACHE_DIR", None)
    found = subprocess.run([sys.executable, "-c", "from webapp.figure_store import figures_dir; print(figures_dir())"],
                           cwd=REPO, env=env, check=True, capture_output=True, text=True)
    return Path(found.stdout.strip())


def first_map(home: Path, query: str = "", script: Path = APP, forget_figures: bool = False) -> FirstMap:
    """Server start to the first map drawn (``script``: the app, or the floor), with its stages; ``forget_figures``:
    the first map's figures kept on disk are removed first, so the server computes them (the layers stay)."""
    if forget_figures:
        shutil.rmtree(figures_folder(home), ignore_errors=True)
    with browser_page() as page:
        received, opened, shapes = [], [], []
        page.on("websocket", lambda ws: (opened.append(time.perf_counter()),
                                         ws.on("framereceived", lambda payload: received.append(len(payload)))))
        page.on("response", lambda response: shapes.append(response) if "/app/static/" in response.url else None)
        watch_for_map(page, script)
        with app_server(home, script=script) as (url, started):
            ready = time.perf_counter() - started
            page.goto(f"{url}/{query}", wait_until="domcontentloaded")
            # The page's clock (ms since the epoch) on this one's: the same system clock, another origin.
            elapsed = shown_at(page) / 1000 - (time.time() - time.perf_counter()) - started
            time.sleep(0.5)  # let the last frames of the run arrive
            names = [r.url.rsplit("/", 1)[-1] for r in shapes if "/app/static/shapes/" in r.url]
            return FirstMap(ready, opened[0] - started, elapsed, sum(received),
                            sum(len(r.body()) for r in shapes if "/app/static/shapes/" in r.url),
                            sum(len(r.body()) for r in shapes if "/app/static/vendor/" in r.url), names[0] if names else "")


def new_visitor_map(home: Path, script: Path = APP, whole: list[float] | None = None) -> list[float]:
    """Seconds from opening the page to the map drawn (``script``: the app, or a floor), for new visitors (a new
    browser each, nothing cached) to a server that is already running; for the app, the seconds to the whole
    page shown are added to ``whole`` if given (:data:`WHOLE_PAGE_AT`)."""
    with app_server(home, script=script) as (url, _):
        with browser_page() as page:  # the first visitor pays for loading the data (and any import left)
            watch_for_map(page, script)
            page.goto(url, wait_until="domcontentloaded")
            shown_at(page)
        return _new_visitors(url, script, whole=whole)


def _new_visitors(url: str, script: Path, visitors: int = 3, whole: list[float] | None = None) -> list[float]:
    """Seconds from opening ``url`` to the page of ``script`` showing its map (:func:`shown_at`), for each of
    ``visitors`` new browsers; and to the app's whole page shown, into ``whole`` if given."""
    times = []
    for _ in range(visitors):
        with browser_page() as page:
            watch_for_map(page, script)
            if whole is not None:  # after watch_for_map's script, which defines pimapWatch
                page.add_init_script(f"if (window === window.top) {{ window.pimapWatch({WHOLE_PAGE_AT}, null, "
                                     "'pimapWholeAt'); }")
            opened = time.time()
            page.goto(url, wait_until="domcontentloaded")
            times.append(shown_at(page) / 1000 - opened)
            if whole is not None:
                at = page.wait_for_function("() => window.pimapWholeAt", polling="raf", timeout=120_000).json_value()
                whole.append(at / 1000 - opened)
    return times


APP_MEASURES = ("Babies aged 0-2 with no team", "Babies aged 0-2 (population)", "Share of babies aged 0-2 covered by a team")
FLOOR_MEASURES = ("floor B", "floor C", "floor A")


class Change(NamedTuple):
    """One measure change: seconds from the click to the new map drawn, on the browser's clock (the click's event
    to the first frame showing the new map) and as Playwright waited for it (its own click and wait besides),
    what the map's own redraw took of it (the app only: webapp/map.js's marks), and the bytes received for it."""

    seconds: float
    waited: float
    redraw: float | None
    received_bytes: int


def choose_measure(page, label: str) -> None:
    """Click the measure ``label`` of the page's radio (the app's 'Map measure', or the floor's), as a visitor does:
    by its words within the radio, as the headline figures above the map use some of the same words."""
    page.locator("[data-testid='stRadio']").get_by_text(label, exact=True).first.click()


# The page keeps the time of the last click (ms since the epoch: the same clock in every frame of the page).
CLICK_CLOCK = "window.addEventListener('click', () => { window.pimapClickedAt = performance.timeOrigin + performance.now(); }, true)"
# In the page, on every animation frame: the time (as above) if the frame shows the map of ``label`` (null: of
# any measure), else 0. The app's map (and the map-alone and static floors) marks the page's body, "error" when
# it could not be drawn (-1 here).
APP_DRAWN_AT = """label => { const drawn = document.body.dataset.areasDrawn || "";
  if (drawn === "error") return -1;
  return (label === null ? drawn.startsWith("Areas:") : drawn === `Areas: ${label}`)
    ? performance.timeOrigin + performance.now() : 0; }"""
# The streamlit-folium floor: its triangle drawn and its layer named in the control, in the component's iframe
# (same origin; looked for again each frame, as the iframe may be replaced while its map is redrawn).
FLOOR_DRAWN_AT = """label => Array.from(document.querySelectorAll("iframe")).some(frame => {
    const doc = frame.contentDocument;
    return doc && doc.querySelector("canvas.leaflet-zoom-animated") && Array.from(
      doc.querySelectorAll(".leaflet-control-layers-overlays")).some(e => e.textContent.includes(`Areas: ${label ?? ""}`));
  }) ? performance.timeOrigin + performance.now() : 0"""
# The Streamlit floor: its one line of text shown.
FLOOR_PAGE_DRAWN_AT = """() => document.body.innerText.includes("Floor: one line of text.")
  ? performance.timeOrigin + performance.now() : 0"""
DRAWN_AT = {"floor_app.py": FLOOR_DRAWN_AT, "floor_streamlit.py": FLOOR_PAGE_DRAWN_AT}
# In the page, from its start (an init script): ``pimapWatch(shown, arg, kept)`` looks at every animation frame
# until ``shown(arg)`` gives a time, and keeps it as ``window[kept]`` (``pimapShownAt`` unless named).
WATCH = """window.pimapWatch = (shown, arg, kept = "pimapShownAt") => {
  window[kept] = 0;
  const look = () => { const at = document.body ? shown(arg) : 0;
    if (at) { window[kept] = at; } else { requestAnimationFrame(look); } };
  requestAnimationFrame(look);
};"""


# The app's whole page shown (as APP_DRAWN_AT, for :data:`WATCH`): the map drawn, and no longer a new visitor's
# first view of it (webapp/first_view.py), the sidebar's controls, the four headline figures, the measure's choice
# and the map's key there, and no element still waiting for its script (Streamlit's skeleton).
WHOLE_PAGE_AT = """() => { const b = document.body, q = s => document.querySelector(s);
  return (b.dataset.areasDrawn || "").startsWith("Areas:") && b.dataset.mapFirst === undefined
    && document.querySelectorAll("[data-testid='stMetric']").length >= 4 && q("[data-testid='stRadio']")
    && q("[data-testid='stSidebarUserContent'] [data-testid='stSelectbox']") && q(".pimap-legend")
    && !q("[data-testid='stSkeleton']") ? performance.timeOrigin + performance.now() : 0; }"""


def watch_for_map(page, script: Path = APP) -> None:
    """Before the page of ``script`` is opened: have it keep the time of the first frame showing its map (or the
    Streamlit floor its line), for :func:`shown_at`."""
    page.add_init_script(WATCH + f"\nif (window === window.top) {{ window.pimapWatch({_drawn(script)}, null); }}")


def _drawn(script: Path) -> str:
    return DRAWN_AT.get(script.name, APP_DRAWN_AT)


def watch_again(page, shown: str, arg: str) -> None:
    """From now on, look for the first frame where ``shown(arg)`` gives a time (the page has :data:`WATCH`)."""
    page.evaluate(f"arg => window.pimapWatch({shown}, arg)", arg)


def shown_at(page, timeout_ms: int = 120_000) -> float:
    """When (ms since the epoch) what the page watches for was first shown, by the page's own clock at that frame.
    (Timing a locator's wait instead adds Playwright's polling, at growing intervals up to 500 ms: a quarter of
    a second on average to a first map.)"""
    at = page.wait_for_function("() => window.pimapShownAt", polling="raf", timeout=timeout_ms).json_value()
    if at < 0:
        raise AssertionError("the map says it could not be drawn: " + page.locator(MAP).first.inner_text()[:300])
    return at


def measure_change(home: Path, script: Path = APP) -> list[Change]:
    """Three measure changes on a warm server (the app's, or the floor's radio), each from the click to its map."""
    floor = script.name == "floor_app.py"
    changes, received = [], []
    with app_server(home, script=script) as (url, _), browser_page() as page:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
        page.on("response", lambda response: received.append(len(response.body()))
                if "/app/static/" in response.url else None)
        page.add_init_script(CLICK_CLOCK)
        watch_for_map(page, script)
        page.goto(url, wait_until="domcontentloaded")
        shown_at(page)
        if not floor:
            wait_for_map(page)  # and the whole page, which follows a new visitor's first map (webapp/first_view.py)
        for label in FLOOR_MEASURES if floor else APP_MEASURES:
            time.sleep(0.5)
            received.clear()
            watch_again(page, _drawn(script), label)
            started = time.perf_counter()
            choose_measure(page, label)
            shown = shown_at(page)
            waited = time.perf_counter() - started
            seconds = (shown - page.evaluate("window.pimapClickedAt")) / 1000
            redraw = None if floor else page.evaluate(
                "(+document.body.dataset.drawnMs - +document.body.dataset.drawStartMs) / 1000")
            time.sleep(0.3)  # the run's last frames
            changes.append(Change(seconds, waited, redraw, sum(received)))
    return changes


# The static floor: Leaflet alone drawing the same shapes on a canvas, from loopback (benchmark scaffolding).
STATIC_FLOOR_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>floor</title>
<link rel="stylesheet" href="leaflet/leaflet.css"><style>#map{height:680px}</style></head>
<body><div id="map"></div><script src="leaflet/leaflet.js"></script><script>
var map = L.map("map", {preferCanvas: true}).fitBounds([[49.86, -8.65], [60.86, 1.77]]);
fetch("shapes.json").then(function (r) { return r.json(); }).then(/*STEPS_JS*/).then(function (shapes) {
  L.geoJSON(shapes, {style: {color: "#555555", weight: 0.6, fillColor: "#E69F00", fillOpacity: 0.75}}).addTo(map);
  requestAnimationFrame(function () { document.body.dataset.areasDrawn = "Areas: static floor"; });
});
</script></body></html>"""


@contextlib.contextmanager
def static_floor(shapes: Path) -> Iterator[str]:
    """A static page drawing ``shapes`` with Leaflet, served from loopback (gzip, as Streamlit serves static/); yields
    its URL."""
    import functools
    import gzip
    import http.server
    import io

    folder = Path(tempfile.mkdtemp(prefix="pimap-static-floor-"))
    try:
        shutil.copytree(LEAFLET_DIR, folder / "leaflet")
        shutil.copy(shapes, folder / "shapes.json")
        from mapping.present.webmap import STEPS_JS  # the app's own undoing of the shapes' steps

        (folder / "index.html").write_text(STATIC_FLOOR_HTML.replace("/*STEPS_JS*/", STEPS_JS), encoding="utf-8")

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def send_head(self):  # gzip when asked, like Streamlit's static files
                path = Path(self.translate_path(self.path))
                if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
                    return super().send_head()
                body = gzip.compress(path.read_bytes(), 6)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()
            server.server_close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def static_floor_visitors(shapes: Path) -> list[float]:
    """Seconds from opening the static floor to its areas drawn, for three new visitors (a new browser each)."""
    with static_floor(shapes) as url:
        return _new_visitors(url, APP)  # it marks the page as the app's map does


# The page keeps the time of the last Enter key (as CLICK_CLOCK); the profile counts as shown at the first
# frame after it with the area's code in the page's text.
ENTER_CLOCK = ("window.addEventListener('keydown', e => { if (e.key === 'Enter') "
               "window.pimapEnterAt = performance.timeOrigin + performance.now(); }, true)")
TEXT_SHOWN_AT = """text => window.pimapEnterAt && document.body.innerText.includes(text)
  ? performance.timeOrigin + performance.now() : 0"""


def browser_postcode(home: Path, postcode: str = "TR21 0HU") -> float:
    """Seconds from pressing Enter in the profile's search box to the area's profile shown, by the page's clock."""
    with app_server(home) as (url, _), browser_page() as page:
        page.add_init_script(ENTER_CLOCK)
        page.add_init_script(WATCH)
        page.goto(f"{url}/?page=profile&geo=uk2023", wait_until="domcontentloaded")
        box = page.get_by_label(SEARCH_LABEL).first
        box.wait_for(timeout=120_000)
        box.fill(postcode)
        watch_again(page, TEXT_SHOWN_AT, "E38000089")
        box.press("Enter")
        return (shown_at(page, 60_000) - page.evaluate("window.pimapEnterAt")) / 1000


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


def _runs(values: list[float]) -> str:
    """Three runs as "median (a, b, c)"."""
    return f"{statistics.median(values):.2f} s ({', '.join(f'{v:.2f}' for v in values)})"


def main() -> None:
    reason = missing_requirements()
    first, warm = library_postcode()
    print(f"postcode lookup (library, uk2023): first in a process {first * 1000:.0f} ms "
          f"(reads one letter file and the boundaries), then {warm * 1000:.1f} ms each")
    if reason:
        print(f"browser benchmarks skipped: {reason}")
        return
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    # The project's modules as bytecode, as `make run` leaves them before it starts the app.
    subprocess.run([sys.executable, str(REPO / "scripts" / "compile_modules.py")], check=True)
    home = Path(tempfile.mkdtemp(prefix="pimap-bench-home-"))
    median = statistics.median
    try:
        cold = first_map(home)
        print(f"server start to first map, cold cache (fresh HOME, layers built from the mirror): {cold.map_drawn:.2f} s")
        app = [first_map(home) for _ in range(3)]
        uncomputed = [first_map(home, forget_figures=True) for _ in range(3)]
        unloaded = [first_map(home, script=REPO / "app.py") for _ in range(3)]
        folium_floor = [first_map(home, script=HERE / "floor_app.py") for _ in range(3)]
        page_floor = [first_map(home, script=HERE / "floor_streamlit.py") for _ in range(3)]
        map_alone = [first_map(home, script=HERE / "floor_map_alone.py") for _ in range(3)]
        a, f, p = (median(r.map_drawn for r in runs) for runs in (app, folium_floor, page_floor))
        mid = sorted(app, key=lambda r: r.map_drawn)[1]
        print(f"server start to first map, warm cache: app {_runs([r.map_drawn for r in app])} (target under 2 s)")
        print(f"  the same with the layers cached but not the first map's figures (webapp/figure_store.py; as a "
              f"new data version starts): {_runs([r.map_drawn for r in uncomputed])}")
        print(f"  the same without server.py's start-up (streamlit run app.py: no TCP_NODELAY on its sockets, no preload "
              f"of the app's modules): {_runs([r.map_drawn for r in unloaded])}")
        print(f"  floors: streamlit-folium triangle {_runs([r.map_drawn for r in folium_floor])}; "
              f"Streamlit page of one line {_runs([r.map_drawn for r in page_floor])}")
        print(f"  app / streamlit-folium floor {a / f:.2f}; app / Streamlit floor {a / p:.2f}")
        print(f"  the app's map alone on a Streamlit page (floor_map_alone.py: the same imports, figures and map, "
              f"no other element) {_runs([r.map_drawn for r in map_alone])}")
        print(f"  the median run's stages: server answering {mid.server_ready:.2f} s; Streamlit's page loaded and session "
              f"open {mid.session_open:.2f} s (before any app code runs); app run, map sent and drawn "
              f"{mid.map_drawn - mid.session_open:.2f} s")

        whole: list[float] = []
        visitors = new_visitor_map(home, whole=whole)
        folium_visitors = new_visitor_map(home, HERE / "floor_app.py")
        page_visitors = new_visitor_map(home, HERE / "floor_streamlit.py")
        alone_visitors = new_visitor_map(home, HERE / "floor_map_alone.py")
        static_visitors = static_floor_visitors(REPO / "static" / "shapes" / mid.shapes_file)
        v, fv, pv, sv = (median(t) for t in (visitors, folium_visitors, page_visitors, static_visitors))
        print(f"new visitor to a running server, page opened to map drawn: app {_runs(visitors)} (target under 1.0 s)")
        print(f"  the app's whole page shown (the map drawn first, then its sidebar's controls, figures, measure choice "
              f"and key: webapp/first_view.py): {_runs(whole)}")
        print(f"  floors: streamlit-folium triangle {_runs(folium_visitors)}; Streamlit page of one line "
              f"{_runs(page_visitors)}; static Leaflet page of the same shapes ({mid.shapes_file}) {_runs(static_visitors)}")
        print(f"  app / static floor {v / sv:.2f}; app / streamlit-folium floor {v / fv:.2f}; app / Streamlit floor {v / pv:.2f}")
        av = median(alone_visitors)
        print(f"  the app's map alone on a Streamlit page (floor_map_alone.py, served as the floors are) "
              f"{_runs(alone_visitors)}: {av - pv:.2f} s above the one-line page")

        changes = measure_change(home)
        floor_changes = measure_change(home, HERE / "floor_app.py")
        c, fc = median(x.seconds for x in changes), median(x.seconds for x in floor_changes)
        print(f"measure change, click to new map drawn (browser's clock): app {_runs([x.seconds for x in changes])} "
              f"(target under 0.2 s); the map's own redraw "
              f"{', '.join(f'{x.redraw * 1000:.0f}' for x in changes if x.redraw is not None)} ms")
        print(f"  floor: streamlit-folium triangle recoloured {_runs([x.seconds for x in floor_changes])}; "
              f"app / streamlit-folium floor {c / fc:.2f}")
        print(f"  as Playwright waited (its own click and wait besides): app {_runs([x.waited for x in changes])}; "
              f"floor {_runs([x.waited for x in floor_changes])}")
        print(f"  received per change: app {', '.join(f'{x.received_bytes / 1e3:.0f}' for x in changes)} kB; "
              f"floor {', '.join(f'{x.received_bytes / 1e3:.0f}' for x in floor_changes)} kB")

        for label, run in (("uk2026, the default", mid), ("uk2023", first_map(home, "?geo=uk2023")),
                           ("uk2018", first_map(home, "?geo=uk2018"))):
            total = run.received_bytes + run.shapes_bytes
            print(f"UK view ({label}): {total / 1e6:.2f} MB (target no more than 1.35 MB): {run.received_bytes / 1e6:.2f} MB "
                  f"over the websocket (page elements and the map's data) and {run.shapes_bytes / 1e6:.2f} MB of area shapes "
                  f"fetched once per page; besides, Leaflet from the app {run.leaflet_bytes / 1e6:.2f} MB (decoded sizes; "
                  "before, the CDN sent Leaflet and it was not counted)")
        print(f"postcode lookup in the browser (Enter to profile shown): {browser_postcode(home):.2f} s")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
