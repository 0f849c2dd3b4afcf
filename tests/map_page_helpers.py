"""The app's map script (webapp/map.js) in headless chromium without Streamlit: a page on a made-up origin,
``http://pimap.test/``, answered by Playwright alone (no server, nothing from another host).

The page is ``index.html`` holding ``<div id="root">``, the map's CSS (webapp.mapview.MAP_CSS) and one inline
module: the script as Streamlit receives it (webapp.mapview._script()) and a call of its ``drawMap`` as
Streamlit's component makes it (``data``, ``parentElement``, ``setTriggerValue``; every value the map sends back
is kept in ``window.pimapSent``). Leaflet comes from the app's own copy (static/vendor/leaflet) at the path
webapp.mapview.leaflet_urls() names; any shapes file a test gives is served as JSON. :meth:`MapPage.draw` draws
a second view on the same root, as Streamlit does when the page's data for the map changes.

Every request the page makes is recorded (:attr:`MapPage.requests`): one to another host is refused.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_helpers import MISSING, bench

ORIGIN = "http://pimap.test"
SHAPES_URL = "/shapes/areas.json"  # where a test's areas layer fetches its shapes (served from ``files``)
KEPT = "__pimapMap"  # what webapp/map.js keeps on its map's element (the Leaflet map, its layers)


def _script_json(value: Any) -> str:
    """JSON that can sit inside an inline script: no ``</script>`` or ``<!--`` can end or change it."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def view_data(spec: dict[str, Any], *, height: int = 500, overlays: dict[str, str] | None = None) -> dict[str, Any]:
    """What webapp.mapview.show_map sends the script for ``spec`` (webmap.map_spec): the spec, the map's height,
    where Leaflet is, and (if given) the overlays ``{"ref": hash, "json": text or ""}``."""
    from webapp import mapview

    data = {**spec, "height": int(height), "leaflet": mapview.leaflet_urls()}
    if overlays is not None:
        data["overlays"] = dict(overlays)
    return data


def index_html(data: dict[str, Any]) -> str:
    """The page: the root element, the map's CSS, and the script followed by its first ``drawMap`` call."""
    from webapp import mapview

    script = mapview._script()
    assert "</script" not in script.lower(), "the map's script cannot sit inline in a page"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pimap test page</title>
<style>{mapview.MAP_CSS}</style></head>
<body><div id="root"></div>
<script type="module">
{script}
window.pimapDraw = drawMap;
window.pimapSend = (name, value) => {{ (window.pimapSent = window.pimapSent || []).push([name, value]); }};
drawMap({{data: {_script_json(data)}, parentElement: document.getElementById("root"),
          setTriggerValue: window.pimapSend}});
</script></body></html>
"""


class MapPage:
    """One page holding the map: the Playwright page, every request it made, its errors, and what it sent."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def requests_to(self, path: str) -> int:
        """How many requests went to ``path`` on the test origin."""
        return sum(1 for url in self.requests if url == ORIGIN + path)

    def off_the_origin(self) -> list[str]:
        """Every request to anywhere but http://pimap.test/ (none should even be asked for)."""
        return [url for url in self.requests if not url.startswith(ORIGIN + "/")]

    def wait_drawn(self, timeout_ms: int = 30_000) -> str:
        """Until the map says it has drawn (or could not): the body's ``data-areas-drawn``."""
        self.page.wait_for_function("() => document.body.dataset.areasDrawn !== undefined", timeout=timeout_ms)
        return self.page.evaluate("() => document.body.dataset.areasDrawn")

    def draw(self, data: dict[str, Any]) -> str:
        """A second view: ``drawMap`` again on the same root with new data, as Streamlit calls it; returns the
        body's ``data-areas-drawn`` once this view is drawn."""
        self.page.evaluate("""(data) => {
            delete document.body.dataset.areasDrawn;
            window.pimapDraw({data: data, parentElement: document.getElementById("root"),
                              setTriggerValue: window.pimapSend});
        }""", data)
        return self.wait_drawn()

    def sent(self) -> list[list[Any]]:
        """Every (name, value) the map sent through ``setTriggerValue``, oldest first."""
        return self.page.evaluate("() => window.pimapSent || []")

    def layer_names(self) -> list[str]:
        """The layer control's overlay names, as the page shows them (text)."""
        return self.page.evaluate("""() => Array.from(document.querySelectorAll(
            ".leaflet-control-layers-overlays label")).map(label => label.textContent.trim())""")

    def point(self, lat: float, lng: float) -> tuple[float, float]:
        """Where (lat, lng) is on the page, in CSS pixels (for the mouse)."""
        x, y = self.page.evaluate("""([lat, lng]) => {
            const box = document.querySelector(".pimap-map"), map = box.__pimapMap.map;
            const p = map.latLngToContainerPoint([lat, lng]), r = box.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""", [lat, lng])
        return x, y

    def open_tooltips(self) -> list[str]:
        """The text of every tooltip open now (a closed one fades out: opacity 0)."""
        return self.page.evaluate("""() => Array.from(document.querySelectorAll(".leaflet-tooltip"))
            .filter(t => Number(getComputedStyle(t).opacity) > 0).map(t => t.textContent)""")

    def every_tooltip(self) -> list[str]:
        """Every feature of every layer drawn, hovered in turn (a mouseover at its centre, as the pointer's):
        the text of the tooltip it opened, each layer's features in order, layers bottom first."""
        return self.page.evaluate("""() => {
            const kept = document.querySelector(".pimap-map").__pimapMap, texts = [];
            kept.shown.forEach(function (item) {
                item.layer.eachLayer(function (layer) {
                    if (!layer.feature) { return; }
                    const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
                    layer.fire("mouseover", {latlng: at, layer: layer}, true);
                    const tip = layer.getTooltip();
                    texts.push(tip && tip.isOpen() ? tip.getElement().textContent : null);
                    layer.fire("mouseout", {latlng: at, layer: layer}, true);
                });
            });
            return texts;
        }""")


def _route(files: dict[str, Any], not_found: set[str]):
    from webapp import mapview

    leaflet = urlsplit(mapview.leaflet_urls()["js"]).path.rsplit("/", 1)[0] + "/"

    def route(request_route) -> None:
        url = request_route.request.url
        if not url.startswith(ORIGIN + "/"):
            request_route.abort()
            return
        path = urlsplit(url).path
        if path in not_found:
            request_route.fulfill(status=404, body="not found", content_type="text/plain")
        elif path in files:
            request_route.fulfill(status=200, content_type="application/json", body=json.dumps(files[path]))
        elif path.startswith(leaflet) and ".." not in path:
            local = bench.LEAFLET_DIR / path.removeprefix(leaflet)
            if local.is_file():
                kind = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
                request_route.fulfill(status=200, path=str(local), content_type=kind)
            else:
                request_route.fulfill(status=404, body="not found", content_type="text/plain")
        else:
            request_route.fulfill(status=404, body="not found", content_type="text/plain")
    return route


@contextlib.contextmanager
def map_page(data: dict[str, Any], *, files: dict[str, Any] | None = None, not_found: Iterable[str] = (),
             stalled: Iterable[str] = (), width: int = 900, height: int = 600, wait: bool = True) -> Iterator[MapPage]:
    """A page at http://pimap.test/ drawing ``data`` (:func:`view_data`) with webapp/map.js; ``files`` maps a path
    on that origin to the JSON it answers (the areas' shapes), ``not_found`` lists paths answered 404, ``stalled``
    paths never answered. Waits for the first drawing unless ``wait`` is false. Skips the test when chromium,
    Playwright or Leaflet is missing."""
    if MISSING:
        pytest.skip(f"browser test skipped: {MISSING}")
    from playwright.sync_api import sync_playwright

    page_html = index_html(data)
    served = dict(files or {})
    missing = set(not_found)
    never = set(stalled)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            held = MapPage(page)
            route = _route(served, missing)

            def answer(request_route) -> None:
                if request_route.request.url in (ORIGIN + "/", ORIGIN + "/index.html"):
                    request_route.fulfill(status=200, content_type="text/html; charset=utf-8", body=page_html)
                elif urlsplit(request_route.request.url).path in never:
                    return  # never answered: the request stays open until the page closes
                else:
                    route(request_route)

            page.route("**/*", answer)
            page.goto(ORIGIN + "/", wait_until="load")
            if wait:
                held.wait_drawn()
            yield held
        finally:
            browser.close()
