"""End to end in headless Debian chromium: server on loopback, the map, postcode search, profile, CSV download.

The app's map is drawn in the page itself (webapp/map.js, no iframe) with Leaflet from the app's own static
folder. Every page these tests open is watched (tests/browser/conftest.py): no page error, no console error,
and no request to anywhere but this machine, not even one refused. Uses the server and browser helpers of
benchmarks/bench_app.py (Playwright for Python launched with ``executable_path=/usr/bin/chromium``). Skipped,
with the reason, when chromium, the app's Leaflet or Playwright is missing.

Points on the map are chosen by latitude and longitude and turned into the page's pixels from the view the
map reports (its ``data-center`` and ``data-zoom``, Web Mercator as Leaflet draws it); the area expected under
a point comes from the geography's own boundaries (shapely), not from the map.
"""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from browser_helpers import MISSING, bench, wait_for_layer_list  # noqa: E402

if MISSING:
    pytest.skip(f"browser test skipped: {MISSING}", allow_module_level=True)

SHARE = "Share of babies aged 0-2 covered by a team"  # the map's default measure
VIEW = "?geo=uk2023&year=2020"  # the Sub-ICB view, mid-2020
# Places by (latitude, longitude), each well inside its area and not near a coast.
HIGHLAND = (57.2, -4.9)  # Glen Affric, in NHS Highland, where no team or specialist outline is drawn
BIRMINGHAM = (52.48, -1.90)  # the city centre: inside a team or specialist outline
NORTH_SEA = (54.5, 3.0)  # the Dogger Bank, open sea
WEST_OF_IRELAND = (53.0, -12.0)  # the Atlantic
STREET_MAP = "Street map (OpenStreetMap, loaded from openstreetmap.org)"


@pytest.fixture()
def watched(open_page):
    return open_page(height=1200)


def selection():
    from mapping.analysis.selection import Selection, load_inputs

    return load_inputs(Selection("uk2023", 2020, date.today()))


def area_containing(lat: float, lon: float) -> tuple[str, str]:
    """The code and name of the uk2023 area whose boundary holds the point (there must be exactly one)."""
    from shapely.geometry import Point

    layer = selection().layer
    hit = layer[layer.geometry.contains(Point(lon, lat))]
    assert len(hit) == 1, hit
    return hit["code"].iloc[0], hit["name"].iloc[0]


def map_view(page) -> tuple[float, float, float]:
    """The map's zoom and centre (latitude, longitude), as it reports them after each move."""
    box = page.locator(bench.MAP).first
    lat, lon = (float(v) for v in box.get_attribute("data-center").split(","))
    return float(box.get_attribute("data-zoom")), lat, lon


def page_point(page, lat: float, lon: float) -> tuple[float, float]:
    """Where on the page (pixels) the map shows the point: Web Mercator, 256 px tiles, from the map's centre."""
    box = page.locator(bench.MAP).first
    box.scroll_into_view_if_needed()
    frame = box.bounding_box()
    zoom, centre_lat, centre_lon = map_view(page)
    scale = 256 * 2 ** zoom

    def x(lon_: float) -> float:
        return (lon_ + 180) / 360 * scale

    def y(lat_: float) -> float:
        s = math.sin(math.radians(lat_))
        return (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale

    px, py = frame["x"] + frame["width"] / 2 + x(lon) - x(centre_lon), frame["y"] + frame["height"] / 2 + y(lat) - y(centre_lat)
    assert frame["x"] < px < frame["x"] + frame["width"] and frame["y"] < py < frame["y"] + frame["height"], (lat, lon)
    return px, py


def hover(page, x: float, y: float) -> None:
    """The pointer to the page point (x, y), from 40 px up and left, as a hand would move it."""
    page.mouse.move(x - 40, y - 40, steps=4)
    page.wait_for_timeout(200)
    page.mouse.move(x, y, steps=8)
    page.wait_for_timeout(200)
    page.mouse.move(x + 1, y + 1)  # Leaflet checks what is under the pointer at most every 32 ms


def tooltip_at(page, lat: float, lon: float) -> str:
    """The text of the tooltip the map shows with the pointer over the point."""
    hover(page, *page_point(page, lat, lon))
    tip = page.locator(".leaflet-tooltip.pimap-tooltip").first
    tip.wait_for(timeout=30_000)
    return tip.inner_text()


def rows_of(tooltip: str) -> dict[str, str]:
    """A tooltip's table as {label: value}."""
    return {k.strip(): v.strip() for k, v in (line.split("\t", 1) for line in tooltip.splitlines() if "\t" in line)}


def layer_names(page) -> str:
    return page.locator(f"{bench.MAP} .leaflet-control-layers-overlays").first.inner_text()


def test_map_postcode_profile_and_csv_download(server, page):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.profile import area_profile

    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    assert "Team bases" in layer_names(page)

    page.get_by_text("Area profile", exact=True).first.click()
    box = page.get_by_label(bench.SEARCH_LABEL).first
    box.fill("tr21 0hu")
    box.press("Enter")
    page.get_by_text("(E38000089), England").first.wait_for(timeout=60_000)
    page.wait_for_url("**area=E38000089**", timeout=30_000)  # the view is in the link
    assert_profile_map_drawn(page, "E38000089")

    gaps = pd.DataFrame(compute_gaps(selection()).drop(columns="geometry"))
    profile = area_profile(gaps, "E38000089")
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert f"{profile['age0_2']:,.0f}" in body and f"{profile['uncovered_age0_2']:,.0f}" in body

    page.get_by_text("Tables and downloads", exact=True).first.click()
    button = page.get_by_role("button", name="Download gaps (CSV)")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"pimap-gaps-uk2023-pop2020-teams{date.today().isoformat()}.csv"
    data = Path(download.path()).read_bytes().decode("utf-8-sig")
    assert "# attribution: Contains National Statistics data" in data
    assert f"# data date: teams as of {date.today().isoformat()}; population mid-2020" in data
    table = pd.read_csv(io.StringIO(data), comment=None, skiprows=sum(1 for line in data.splitlines()
                                                                        if line.startswith("# ")))
    from mapping.present.text import HEADER_WORDS

    # headers in words; babies are whole numbers where a person reads them (rounded, or exact to the last digit)
    assert table[HEADER_WORDS["code"]].tolist() == gaps["code"].tolist()
    assert table[HEADER_WORDS["uncovered_age0_2"]].tolist() == pytest.approx(gaps["uncovered_age0_2"].tolist(),
                                                                            abs=0.5)


def test_the_map_for_a_website_downloads_as_a_zip_that_draws_from_disk(server, page, tmp_path):
    """Page 'Tables and downloads' builds the view's static site; the ZIP the browser saves, unzipped, draws the
    map from disk on the view its snippet names, asking nothing of any other place."""
    import zipfile

    page.goto(f"{server}/tables?geo=uk2026&nation=Wales&measure=births", wait_until="domcontentloaded")
    build = page.get_by_role("button", name="Build the map for your website")
    build.wait_for(timeout=60_000)
    build.click()
    button = page.get_by_role("button", name="Download the map for your website")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    name = download.suggested_filename
    assert name.startswith("pimap-site-uk2026-pop") and name.endswith(f"-teams{date.today().isoformat()}.zip")
    zipfile.ZipFile(download.path()).extractall(tmp_path)
    snippet = page.locator("[data-testid='stCode']").filter(has_text="<iframe").first.inner_text()
    fragment = snippet.split("#", 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert fragment == "measure=births&nation=Wales"
    index = tmp_path / name.removesuffix(".zip") / "index.html"
    site = page.context.browser.new_page()  # the same browser, a page of its own (the app's page stays watched)
    asked: list[str] = []
    errors: list[str] = []
    site.on("request", lambda r: asked.append(r.url))
    site.on("pageerror", lambda e: errors.append(str(e)))
    site.goto(f"{index.as_uri()}#{fragment}")
    site.wait_for_selector("body[data-areas-drawn]", state="attached", timeout=30_000)
    assert int(site.evaluate("document.body.dataset.areasDrawn")) > 0
    assert site.evaluate("document.body.dataset.measure") == "births"
    assert site.locator("#area-table tbody tr:not([hidden])").count() == 7  # Wales's health boards
    site.close()
    assert errors == []
    assert asked and all(url.startswith(index.parent.as_uri() + "/") for url in asked), asked


def assert_profile_map_drawn(page, code: str) -> None:
    """The profile's map of the area (the same component, key profile_map_<code>) is drawn, alone, with its layers."""
    drawn = page.locator(f".st-key-profile_map_{code} {bench.MAP}[data-drawn]").first
    drawn.wait_for(state="attached", timeout=60_000)
    assert drawn.get_attribute("data-drawn") != "error", drawn.inner_text()[:300]
    assert page.locator(bench.MAP).count() == 1  # the national map is gone
    assert page.locator(".pimap-map-problem").count() == 0
    assert (drawn.get_attribute("aria-label") or "").startswith("Map of ")
    assert "The area: inside and outside team catchments" in layer_names(page)
    # the area's parts are outlines and fills drawn as SVG (webapp/map.js: only the national areas use a canvas)
    part = drawn.locator("svg path.leaflet-interactive").first.bounding_box()
    assert part is not None and part["width"] > 50 and part["height"] > 50, part


def test_the_map_asks_nothing_of_another_site_and_the_street_map_waits_to_be_asked(server, page, watch):
    """The map, its Leaflet and its shapes come from the app; the street map is listed, unticked, and nothing
    is asked of openstreetmap.org until a visitor ticks it (when the watch sees it: it can tell)."""
    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    page.wait_for_timeout(1000)
    assert page.locator("iframe").count() == 0  # the map is in the page
    names = layer_names(page)
    for name in (f"Areas: {SHARE}", "Team catchments (operating)", "CAMHS specialist practitioners, no team",
                 "Team bases", STREET_MAP):
        assert name in names, names
    street = page.locator(f"{bench.MAP} .leaflet-control-layers-overlays label").filter(has_text=STREET_MAP)
    assert street.count() == 1 and not street.locator("input").is_checked()
    own = [url for url in watch.requests if url.startswith(server)]
    assert any(url.endswith("/app/static/vendor/leaflet/leaflet.js") for url in own), own
    assert any("/app/static/shapes/" in url for url in own), own
    assert not [url for url in watch.requests if "openstreetmap" in url]
    assert watch.off_the_machine() == []

    # Ticked, the street map asks openstreetmap.org for tiles (refused here): the watch would have seen any.
    page.locator(f"{bench.MAP} .leaflet-control-layers").first.hover()
    wait_for_layer_list(page)
    street.locator("input").check()
    page.wait_for_timeout(1500)
    asked = watch.off_the_machine()
    assert asked and all(url.startswith("https://tile.openstreetmap.org/") for url in asked), asked
    watch.requests[:] = [url for url in watch.requests if url not in asked]  # what this test asked for itself
    watch.console[:] = [text for text in watch.console if "net::ERR_FAILED" not in text]


def test_tooltip_figures_and_measure_change_without_sending_shapes_or_overlays_again(server, page):
    """Hovering an area shows its name, code and figures as text; a new measure restyles the areas from the
    shapes the page already has (fetched once), and the tooltip then gives the new measure's value. The team
    overlays come once per page: a measure change receives much less than the first view."""
    from mapping.analysis.coverage import compute_gaps

    shapes, frames = [], []
    page.on("response", lambda response: shapes.append(response.url) if "/app/static/shapes/" in response.url
            else None)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    page.wait_for_timeout(1000)  # the run's last frames
    first = [f if isinstance(f, bytes) else f.encode() for f in frames]
    gaps = pd.DataFrame(compute_gaps(selection()).drop(columns="geometry")).set_index("code")
    code, name = area_containing(*HIGHLAND)

    def area_tooltip() -> tuple[str, dict]:
        text = tooltip_at(page, *HIGHLAND)
        assert rows_of(text).get("Code") == code, text  # the area the boundaries hold the point in
        return text, gaps.loc[code].to_dict()

    text, row = area_tooltip()
    assert row["nation"] == "Scotland" and name in text
    assert rows_of(text)["Babies aged 0-2"] == f"{row['age0_2']:,.0f}"
    assert rows_of(text)["Babies aged 0-2 with no team"] == f"{row['uncovered_age0_2']:,.0f}"
    assert rows_of(text)[SHARE] == f"{100 * row['share_covered']:.1f}%"

    frames.clear()
    label = "Babies aged 0-2 (population)"
    bench.choose_measure(page, label)
    bench.wait_for_map(page, measure_label=label)
    page.wait_for_timeout(1000)
    change = [f if isinstance(f, bytes) else f.encode() for f in frames]
    page.mouse.move(1, 1)
    text, row = area_tooltip()
    assert rows_of(text)[label] == f"{row['age0_2']:,.0f}" and name in text
    assert len(shapes) == 1, shapes  # the shapes were fetched once, for the first map only
    page.wait_for_url(lambda url: "measure=age0_2" in url, timeout=5000)  # the map's own run keeps the link
    # Only the map's fragment ran: the headline figures above it and the sidebar were not sent again.
    assert any(b"Teams operating" in f for f in first) and not any(b"Teams operating" in f for f in change)

    overlay = b"Team catchments (operating)"
    assert any(overlay in f for f in first) and not any(overlay in f for f in change)
    assert change and sum(map(len, change)) < 0.5 * sum(map(len, first)), (sum(map(len, change)), sum(map(len, first)))


def test_the_shapes_drawn_are_the_boundaries_own_coordinates(server, page):
    """The area shapes and the catchments travel as steps (mapping.present.webmap.stepped, 41% of GeoJSON's
    bytes); what the browser's script makes of them is exactly the web layer's and the catchments' coordinates."""
    import json

    import boundaries
    from mapping.present import webmap
    from webapp import data

    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    areas = page.evaluate("""() => Promise.all(Object.values(window.pimapShapes)).then(function (all) {
        var geometries = {};
        all.forEach(function (c) { c.features.forEach(function (f) { geometries[f.properties.code] = f.geometry; }); });
        return geometries;
    })""")
    layer = boundaries.load_geography("uk2023", simplified=True)
    expected = {f["properties"]["code"]: f["geometry"]
                for f in json.loads(layer[["code", "geometry"]].to_json(drop_id=True))["features"]}
    assert areas.keys() == expected.keys()
    assert all(areas[code] == json.loads(json.dumps(expected[code])) for code in expected)  # as JSON: tuples, lists

    drawn = page.evaluate("""() => Object.values(window.pimapOverlays)[0].filter(function (layer) {
        return layer.name === "Team catchments (operating)";
    })[0].data.features.map(function (f) { return [f.properties.tooltip[0], f.geometry]; })""")
    catchments, _ = data.team_shapes(data.data_version(), date.today())
    sent = {n: g for n, g in zip(catchments["name"], json.loads(catchments[["geometry"]].to_json(drop_id=True))["features"])}
    assert drawn and all(geometry == sent[name]["geometry"] for name, geometry in drawn)
    assert all("steps" not in geometry and webmap.unstepped(webmap.stepped(geometry)) == geometry for _, geometry in drawn)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` of the select box ``label`` as a visitor does: open it (again, if a run of the page closed
    it), then click the option."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box, item = page.get_by_label(label).first, page.get_by_role("option", name=option, exact=True).first
    for _ in range(5):
        box.click()
        try:
            item.wait_for(timeout=3000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    item.click()


def test_a_nation_zooms_the_map_to_it(server, page):
    """The nation chosen in the sidebar moves the map to it: a closer zoom, centred in Wales; the areas stay drawn."""
    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    uk_zoom, uk_lat, uk_lon = map_view(page)
    assert 53 < uk_lat < 56.5 and -5 < uk_lon < -2, (uk_lat, uk_lon)  # the UK's middle: the Irish Sea's north

    choose(page, "Nation (filters tables, zooms the map)", "Wales")
    page.wait_for_url("**nation=Wales**", timeout=60_000)
    page.get_by_role("heading", name="Babies aged 0-2 and parent-infant teams: Wales").wait_for(timeout=60_000)
    # Wales lies within 51.3-53.5 N, 5.5-2.6 W: the map's centre inside its middle, once the move ends.
    page.wait_for_function("""() => { const c = (document.querySelector('.pimap-map').dataset.center || '').split(',');
        return +c[0] > 51.8 && +c[0] < 53.0 && +c[1] > -4.8 && +c[1] < -3.0; }""", timeout=30_000)
    zoom, _, _ = map_view(page)
    assert zoom >= uk_zoom + 1, (zoom, uk_zoom)
    assert page.locator(f'body[data-areas-drawn="Areas: {SHARE}"]').count() == 1
    code, name = area_containing(52.3, -3.4)  # Powys
    assert rows_of(tooltip_at(page, 52.3, -3.4)).get("Code") == code, name


def test_a_click_on_an_area_opens_its_profile_and_a_click_at_sea_does_nothing(server, page):
    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    code, name = area_containing(*HIGHLAND)
    assert rows_of(tooltip_at(page, *HIGHLAND)).get("Code") == code
    for sea in (NORTH_SEA, WEST_OF_IRELAND):  # the tooltip goes, and none comes at sea
        x, y = page_point(page, *sea)
        hover(page, x, y)
        page.wait_for_timeout(500)
        assert page.locator(".leaflet-tooltip.pimap-tooltip").count() == 0, sea
        page.mouse.click(x, y)
    page.wait_for_timeout(3000)
    assert "/profile" not in page.url and "area=" not in page.url
    assert page.locator(f'body[data-areas-drawn="Areas: {SHARE}"]').count() == 1  # still the map

    page.mouse.click(*page_point(page, *HIGHLAND))
    page.wait_for_url(f"**/profile?**area={code}**", timeout=60_000)
    assert "geo=uk2023" in page.url and "year=2020" in page.url  # the rest of the view kept
    page.get_by_text(f"({code})", exact=False).first.wait_for(timeout=60_000)
    assert name in page.locator("[data-testid='stMain']").first.inner_text()
    assert_profile_map_drawn(page, code)


def test_inside_a_team_outline_the_area_still_has_its_tooltip_and_opens_its_profile(server, page):
    page.goto(f"{server}/{VIEW}", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    code, _ = area_containing(*BIRMINGHAM)
    text = tooltip_at(page, *BIRMINGHAM)
    page.mouse.click(*page_point(page, *BIRMINGHAM))
    try:
        page.wait_for_url(f"**/profile?**area={code}**", timeout=20_000)
        opened = True
    except PlaywrightTimeout:
        opened = False
    assert rows_of(text).get("Code") == code and opened, (text, page.url)


def test_pages_have_paths_and_links_keep_the_view(server, page):
    """An old link (the root with ?page=) moves to the page's path with the whole view; the menu in the sidebar
    changes page and keeps the view; a page's path opens it; /map moves to the root."""
    import re

    import boundaries

    view = "geo=uk2018&year=2019&date=2023&measure=share_covered&nation=Wales"
    page.goto(f"{server}/?page=ladder&geo=uk2018&year=2019&date=2023&nation=Wales", wait_until="domcontentloaded")
    page.wait_for_url(f"{server}/ladder?page=ladder&{view}", timeout=120_000)
    page.get_by_role("heading", name="Provision ladder: the level of parent-infant provision by area").wait_for()

    page.locator("[data-testid='stSidebarNav']").get_by_text("Tables and downloads", exact=True).click()
    page.wait_for_url(f"{server}/tables?page=tables&{view}", timeout=120_000)
    label = boundaries.get_geography("uk2018").label
    page.get_by_text(f"{label}; population mid-2019; teams as of 2023-07-01; Wales", exact=False).first.wait_for()
    assert page.title() == "Tables and downloads · Parent-Infant Provision Map"

    page.goto(f"{server}/profile?geo=uk2018&date=2023&area=E38000021", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/profile\?page=profile&geo=uk2018&.*&area=E38000021$"), timeout=120_000)
    page.get_by_text("NHS Brighton and Hove CCG (E38000021)", exact=False).first.wait_for(timeout=60_000)

    page.goto(f"{server}/map?geo=uk2018&nation=Scotland", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/\?page=map&geo=uk2018&.*&nation=Scotland$"), timeout=120_000)
    page.get_by_role("heading", name="Babies aged 0-2 and parent-infant teams: Scotland").wait_for(timeout=60_000)


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("width,height", [(1400, 1000), (390, 844)])
def test_the_marker_key_is_beside_the_map_never_over_it(server, open_page, width, height):
    page, _ = open_page(width, height)
    page.goto(f"{server}/", wait_until="domcontentloaded")
    bench.wait_for_map(page)
    assert page.locator(f"{bench.MAP} .pimap-legend").count() == 0  # nothing of the key inside the map
    key = page.locator(".pimap-legend").first
    text = key.inner_text()
    assert "team operating" in text and "team in development" in text and "team catchment" in text
    map_box, key_box = page.locator(bench.MAP).first.bounding_box(), key.bounding_box()
    assert not _overlap(map_box, key_box), (map_box, key_box)


def test_on_a_phone_the_map_is_on_the_first_screen_and_fills_the_width(server, open_page, tmp_path):
    """390 x 844 (a phone): the map's top is within the first screen, before the headline figures, and the map
    is as wide as the page's content; the screenshot is kept for a person to look at."""
    page, _ = open_page(390, 844)
    page.goto(f"{server}/", wait_until="domcontentloaded")
    bench.wait_for_map(page)
    page.wait_for_timeout(500)
    shot = tmp_path / "map-390x844.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    map_box = page.locator(bench.MAP).first.bounding_box()
    assert 0 <= map_box["y"] < 844 - 250, map_box  # at least 250 px of map on the first screen
    assert map_box["width"] >= 390 - 2 * 24, map_box  # the width, less the page's margins
    figures = page.locator("[data-testid='stMetric']").first.bounding_box()
    assert figures["y"] > map_box["y"] + map_box["height"] - 1, (figures, map_box)


def test_a_new_visitor_asks_for_the_maps_scripts_and_shapes_with_the_page_once(server, open_page):
    """Streamlit's page names the map's component script, Leaflet and the view's shapes (webapp/page_links.py):
    each is fetched once, by that link, and used (Chromium warns of a preload unused within about 3 s, or one
    whose request differs from the map's)."""
    page, watch = open_page()
    warnings: list[str] = []
    page.on("console", lambda msg: warnings.append(msg.text) if msg.type == "warning" else None)
    page.goto(f"{server}/", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label=SHARE)
    linked = page.evaluate("() => Array.from(document.querySelectorAll("
                           "'link[rel=preload], link[rel=modulepreload]'), link => link.href)")
    for part in ("/static/js/BidiComponent.", "/app/static/vendor/leaflet/leaflet.js", "/app/static/shapes/uk2026-"):
        asked = [url for url in watch.requests if part in url]
        assert len(asked) == 1 and asked[0] in linked, (part, asked)
    page.wait_for_timeout(3_500)
    assert [w for w in warnings if "preload" in w.lower()] == []


@pytest.mark.parametrize("width,height", [(1400, 1000), (1024, 800), (390, 844)])
def test_the_map_does_not_move_when_the_rest_of_a_new_visitors_page_comes(server, open_page, width, height):
    """A new visitor's first view (webapp/first_view.py) draws the map where the whole page has it: every element
    above it keeps its place (webapp/layout.py). The first view is held by telling the map's script it has
    already said it is drawn, so the rest never comes."""
    page, _ = open_page(width, height)
    places = []
    for hold in (False, True):  # the whole page, then the page opened again (a new session), held
        if hold:
            page.add_init_script("window.pimapToldDrawn = true;")
        page.goto(f"{server}/", wait_until="domcontentloaded")
        if hold:
            page.wait_for_function("() => document.body.dataset.areasDrawn && document.body.dataset.mapFirst")
        else:
            bench.wait_for_map(page)
        page.wait_for_timeout(1_000)
        assert page.locator("[data-testid='stMetric']").count() == (0 if hold else 4)
        box = page.locator(bench.MAP).first.bounding_box()
        places.append((round(box["x"]), round(box["y"]), round(box["width"])))
    assert places[0] == places[1], places
