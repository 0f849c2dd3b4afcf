"""The app's map component (webapp/mapview.py and webapp/map.js): where Leaflet comes from, the script as the
page receives it, and the script in headless chromium without Streamlit (tests/map_page_helpers.py): it draws
the areas, restyles them for a new measure without fetching their shapes again, keeps the overlays a page was
sent once, asks again for overlays it lacks, sends a click on an area only when the map is clickable, never
loads anything from another site, and says so on the map when Leaflet cannot be loaded.

Every area, team and figure here is SYNTHETIC.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from map_page_helpers import ORIGIN, SHAPES_URL, map_page, view_data

from mapping.present import webmap
from webapp import mapview

# Two SYNTHETIC squares in the Midlands (lon, lat), their codes, names and centres.
SQUARES = {"S01": shapely.box(-2.0, 52.0, -1.0, 53.0), "S02": shapely.box(-4.0, 51.5, -3.0, 52.5)}
NAMES = {"S01": "SYNTHETIC Northfold", "S02": "SYNTHETIC Southmere"}
CENTRES = {code: (box.centroid.y, box.centroid.x) for code, box in SQUARES.items()}
BOUNDS = [[51.5, -4.0], [53.0, -1.0]]
SHAPES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": shapely.geometry.mapping(box), "properties": {"code": code}}
    for code, box in SQUARES.items()]}
STREET_MAP = "Street map (OpenStreetMap, loaded from openstreetmap.org)"


def _gaps() -> pd.DataFrame:
    """SYNTHETIC figures: S01 wholly covered by one team, S02 by none."""
    return pd.DataFrame({
        "code": list(SQUARES), "name": list(NAMES.values()), "nation": ["England", "Wales"],
        "age0_2": [1200.0, 400.0], "uncovered_age0_2": [0.0, 400.0], "share_covered": [1.0, 0.0],
        "coverage": ["covered", "no team"], "team_names": ["SYNTHETIC Team One", ""], "estimated": [False, False],
    })


def _areas(measure_id: str = "share_covered", url: str = SHAPES_URL) -> dict:
    measure = webmap.MEASURES[measure_id]
    return webmap.areas_layer(url, webmap.area_properties(_gaps(), measure), measure)


def _spec(measure_id: str = "share_covered", *, clickable: bool = False) -> dict:
    return webmap.map_spec([_areas(measure_id)], BOUNDS, label="SYNTHETIC map of two squares", clickable=clickable)


def _teams() -> pd.DataFrame:
    return pd.DataFrame({"team_id": ["t1"], "name": ["SYNTHETIC Team One"], "status": ["operating"],
                         "evidence_grade": ["foundation"], "base_lon": [-1.5], "base_lat": [52.5],
                         "location_precision": ["town"]})


def _overlays() -> list[dict]:
    catchments = gpd.GeoDataFrame({"team_id": ["t1"], "name": ["SYNTHETIC Team One"], "status": ["operating"]},
                                  geometry=[SQUARES["S01"]], crs="EPSG:4326")
    return webmap.team_overlays(_teams(), catchments=catchments)


# --- without a browser ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("base", "root"), [("", "/app/static/vendor/leaflet"),
                                             ("pimap", "/pimap/app/static/vendor/leaflet"),
                                             ("/pimap/", "/pimap/app/static/vendor/leaflet"),
                                             ("/a/b", "/a/b/app/static/vendor/leaflet")])
def test_leaflet_comes_from_the_apps_own_static_folder_under_its_base_path(base, root):
    assert mapview.leaflet_urls(base) == {"js": f"{root}/leaflet.js", "css": f"{root}/leaflet.css"}


def test_leaflet_urls_default_to_no_base_path():
    assert mapview.leaflet_urls() == mapview.leaflet_urls("") == {
        "js": "/app/static/vendor/leaflet/leaflet.js", "css": "/app/static/vendor/leaflet/leaflet.css"}


def test_the_script_has_the_shared_tooltip_and_marker_code_and_no_placeholder_left():
    script = mapview._script()
    assert "/*TOOLTIP_JS*/" not in script and "/*MARKER_JS*/" not in script
    assert f"var textTable = {webmap.TEXT_TOOLTIP_JS};" in script
    assert f"var drawMarker = {webmap.MARKER_JS};" in script
    assert "export default function drawMap(component)" in script
    # Nothing from the data is ever set as HTML: innerHTML is only read (to escape a layer's name), never set.
    assert "innerHTML =" not in script and "innerHTML=" not in script and "insertAdjacentHTML" not in script
    # Leaflet from the page's data (the app's own copy), never a CDN; the only other site is the street map's.
    assert [line for line in script.splitlines() if "://" in line and "w3.org" not in line] == [
        '    var streets = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {']


def test_tooltips_wrap_inside_the_map_and_the_problem_note_shows_over_it():
    css = " ".join(mapview.MAP_CSS.split())
    assert ".leaflet-tooltip.pimap-tooltip { white-space: normal;" in css and "max-width: 340px" in css
    assert ".pimap-map-problem { position: absolute;" in css and "z-index: 1000" in css


# --- in chromium -----------------------------------------------------------------------------------------


def _hover(held, code: str) -> list[str]:
    held.page.mouse.move(*held.point(*CENTRES[code]))
    held.page.wait_for_function("() => document.querySelectorAll('.leaflet-tooltip.pimap-tooltip').length > 0")
    return held.open_tooltips()


@pytest.mark.browser
def test_the_map_draws_its_areas_and_says_so():
    spec = _spec()
    with map_page(view_data(spec, height=480), files={SHAPES_URL: SHAPES}) as held:
        drawn = held.wait_drawn()
        box = held.page.evaluate("""() => { const b = document.querySelector(".pimap-map");
            return {role: b.getAttribute("role"), label: b.getAttribute("aria-label"), drawn: b.dataset.drawn,
                    height: b.getBoundingClientRect().height, center: b.dataset.center || null,
                    areas: b.__pimapMap.areasLayer.getLayers().length}; }""")
        tips = _hover(held, "S02")
        style = held.page.evaluate("() => getComputedStyle(document.querySelector('.pimap-tooltip')).whiteSpace")
        assert held.errors == []
    assert drawn == "Areas: Share of babies aged 0-2 covered by a team"
    assert box["role"] == "region" and box["label"] == "SYNTHETIC map of two squares" and box["drawn"] == drawn
    assert box["height"] == 480 and box["areas"] == 2
    lat, lng = (float(v) for v in box["center"].split(","))
    assert 51.5 < lat < 53.0 and -4.0 < lng < -1.0  # the view fits the bounds given
    assert len(tips) == 1 and NAMES["S02"] in tips[0] and "none (0%)" in tips[0] and NAMES["S01"] not in tips[0]
    assert style == "normal"  # the app's CSS: long tooltips wrap


@pytest.mark.browser
def test_a_new_measure_restyles_the_areas_without_fetching_their_shapes_again():
    with map_page(view_data(_spec()), files={SHAPES_URL: SHAPES}) as held:
        fills = "() => document.querySelector('.pimap-map').__pimapMap.areasLayer.getLayers().map(l => l.options.fillColor)"
        before = held.page.evaluate(fills)
        held.page.evaluate("() => { document.querySelector('.pimap-map').__pimapMap.areasLayer.pimapFirst = true; }")
        drawn = held.draw(view_data(_spec("uncovered_age0_2")))
        same = held.page.evaluate("() => document.querySelector('.pimap-map').__pimapMap.areasLayer.pimapFirst === true")
        after = held.page.evaluate(fills)
        tips = _hover(held, "S02")
        fetched = held.requests_to(SHAPES_URL)
        areas = held.page.evaluate("() => document.querySelector('.pimap-map').__pimapMap.areasLayer.getLayers().length")
    expected = [webmap.area_styles(webmap.area_properties(_gaps(), webmap.MEASURES[m]), webmap.MEASURES[m])
                for m in ("share_covered", "uncovered_age0_2")]
    assert before == [expected[0][c][0] for c in SQUARES] and after == [expected[1][c][0] for c in SQUARES]
    assert before != after
    assert drawn == "Areas: Babies aged 0-2 with no team"
    assert fetched == 1 and areas == 2 and same  # the same layer of the same two shapes, restyled
    assert "Babies aged 0-2 with no team" in tips[0] and "Share of babies aged 0-2 covered" not in tips[0]


@pytest.mark.browser
def test_overlays_sent_once_are_drawn_again_in_the_next_view():
    overlays = _overlays()
    names = [layer["name"] for layer in overlays]
    assert names == ["Team catchments (operating)", webmap.TEAM_LAYER_NAME]
    text = json.dumps(overlays)
    first = view_data(_spec(), overlays={"ref": "ref-one", "json": text})
    with map_page(first, files={SHAPES_URL: SHAPES}) as held:
        shown_first = held.layer_names()
        drawn = held.draw(view_data(_spec("uncovered_age0_2"), overlays={"ref": "ref-one", "json": ""}))
        shown_second = held.layer_names()
        markers = held.page.evaluate("() => document.querySelectorAll('.pimap-team-marker').length")
        sent = held.sent()
    assert drawn == "Areas: Babies aged 0-2 with no team"
    assert shown_first == [STREET_MAP, "Areas: Share of babies aged 0-2 covered by a team", *names]
    assert shown_second == [STREET_MAP, "Areas: Babies aged 0-2 with no team", *names]
    assert markers == 1 and sent == []  # nothing asked for again


@pytest.mark.browser
def test_a_view_whose_overlays_the_page_lacks_asks_for_them():
    data = view_data(_spec(), overlays={"ref": "ref-never-sent", "json": ""})
    with map_page(data, files={SHAPES_URL: SHAPES}) as held:
        sent = held.sent()
        shown = held.layer_names()
    assert sent == [["missing", "ref-never-sent"]]
    assert shown == [STREET_MAP, "Areas: Share of babies aged 0-2 covered by a team"]  # the areas still drawn


@pytest.mark.browser
@pytest.mark.parametrize("clickable", [True, False])
def test_a_click_on_an_area_sends_its_code_only_when_the_map_is_clickable(clickable):
    with map_page(view_data(_spec(clickable=clickable)), files={SHAPES_URL: SHAPES}) as held:
        held.page.mouse.click(*held.point(*CENTRES["S02"]))
        held.page.mouse.click(*held.point(*CENTRES["S01"]))
        held.page.wait_for_timeout(200)
        sent = held.sent()
    assert sent == ([["area", "S02"], ["area", "S01"]] if clickable else [])


@pytest.mark.browser
def test_a_click_follows_the_newest_views_clickable():
    with map_page(view_data(_spec(clickable=True)), files={SHAPES_URL: SHAPES}) as held:
        held.draw(view_data(_spec(clickable=False)))
        held.page.mouse.click(*held.point(*CENTRES["S01"]))
        held.draw(view_data(_spec(clickable=True)))
        held.page.mouse.click(*held.point(*CENTRES["S02"]))
        held.page.wait_for_timeout(200)
        sent = held.sent()
    assert sent == [["area", "S02"]]


@pytest.mark.browser
def test_the_street_map_is_listed_off_and_nothing_is_asked_of_another_site():
    data = view_data(_spec(), overlays={"ref": "r", "json": json.dumps(_overlays())})
    with map_page(data, files={SHAPES_URL: SHAPES}) as held:
        _hover(held, "S01")
        held.page.mouse.wheel(0, -300)  # zoom in: a tile layer on the map would ask for tiles now
        held.page.wait_for_timeout(500)
        checked = held.page.evaluate("""() => Array.from(document.querySelectorAll(
            ".leaflet-control-layers-overlays label")).map(l => [l.textContent.trim(), l.querySelector("input").checked])""")
        tiles = held.page.evaluate("() => document.querySelectorAll('.leaflet-tile').length")
        requests = list(held.requests)
        off = held.off_the_origin()
    assert [STREET_MAP, False] in checked and all(on for name, on in checked if name != STREET_MAP)
    assert tiles == 0 and off == []
    assert f"{ORIGIN}/app/static/vendor/leaflet/leaflet.js" in requests and f"{ORIGIN}{SHAPES_URL}" in requests


@pytest.mark.browser
def test_the_map_says_so_when_leaflet_cannot_be_loaded():
    leaflet_js = mapview.leaflet_urls()["js"]
    with map_page(view_data(_spec()), files={SHAPES_URL: SHAPES}, not_found={leaflet_js}) as held:
        drawn = held.wait_drawn()
        problem = held.page.locator(".pimap-map .pimap-map-problem")
        visible, text, role = problem.is_visible(), problem.inner_text(), problem.get_attribute("role")
        box = held.page.evaluate("() => document.querySelector('.pimap-map').dataset.drawn")
        fetched = held.requests_to(SHAPES_URL)
    assert drawn == "error" and box == "error"
    assert visible and role == "alert"
    assert "The map could not be drawn" in text and leaflet_js in text and "table of the map" in text
    assert fetched == 1  # the shapes download beside Leaflet (webapp/map.js), once, and are not asked for again


# What a page sends back for a click is the browser's to choose: a forged or careless value is never followed.
CODES = ["E54000054", "S08000031", "W11000028"]  # real codes (the check is only ever against the map's own)


@pytest.mark.parametrize("sent", [
    None, "", 54, 54.0, True, ["E54000054"], {"area": "E54000054"}, ("E54000054",),
    "e54000054", " E54000054", "E54000054 ", "E54000054\n", "E54000054<img src=x onerror=alert(1)>",
    "E54000054'; DROP TABLE areas;--", "../E54000054", "E5400005", "E540000540", "E54000054" * 10_000,
    "\u0000", "E54000099",
])
def test_a_click_sending_anything_but_one_of_the_maps_codes_opens_nothing(sent):
    assert mapview.clicked_area(sent, CODES) is None


@pytest.mark.parametrize("code", CODES)
def test_a_click_on_one_of_the_maps_areas_opens_that_area(code):
    assert mapview.clicked_area(code, CODES) == code
    assert mapview.clicked_area(code, iter(CODES)) == code  # any iterable of codes, as a table's column is


# --- a new visitor's first view (webapp/first_view.py) ---------------------------------------------------------


@pytest.mark.browser
def test_a_first_view_map_says_once_that_it_is_drawn_and_marks_the_page_until_the_whole_page_comes():
    data = {**view_data(_spec()), "tell_drawn": True}
    with map_page(data, files={SHAPES_URL: SHAPES}) as held:
        held.page.wait_for_function("() => (window.pimapSent || []).length > 0")
        waiting = held.page.evaluate("() => document.body.dataset.mapFirst")
        held.draw(data)  # drawn again in the first view (the fragment's own run): said only once
        said = held.sent()
        held.draw({**data, "tell_drawn": False})  # the whole page's run
        after = held.page.evaluate("() => document.body.dataset.mapFirst === undefined")
        held.page.wait_for_timeout(300)
        assert held.errors == []
        final = held.sent()
    assert waiting == "waiting" and said == [["drawn", True]]
    assert after and final == [["drawn", True]]


@pytest.mark.browser
def test_a_map_of_the_whole_page_never_says_it_is_drawn():
    with map_page(view_data(_spec()), files={SHAPES_URL: SHAPES}) as held:
        held.page.wait_for_timeout(300)
        assert held.sent() == [] and held.page.evaluate("() => document.body.dataset.mapFirst === undefined")


@pytest.mark.browser
def test_a_first_view_map_that_cannot_be_drawn_says_so_too_so_the_page_gets_its_controls():
    leaflet_js = mapview.leaflet_urls()["js"]
    data = {**view_data(_spec()), "tell_drawn": True}
    with map_page(data, files={SHAPES_URL: SHAPES}, not_found={leaflet_js}) as held:
        assert held.wait_drawn() == "error"
        held.page.wait_for_function("() => (window.pimapSent || []).length > 0")
        assert held.sent() == [["drawn", True]]


@pytest.mark.browser
def test_a_first_view_map_not_drawn_within_5_s_says_so_then():
    """Its shapes never arrive (a stalled request): the page is not left without its controls."""
    data = {**view_data(_spec()), "tell_drawn": True}
    with map_page(data, stalled={SHAPES_URL}, wait=False) as held:
        held.page.wait_for_timeout(3_000)
        before = held.sent()
        held.page.wait_for_function("() => (window.pimapSent || []).length > 0", timeout=8_000)
        assert held.page.evaluate("() => document.body.dataset.areasDrawn === undefined")  # still not drawn
        assert before == [] and held.sent() == [["drawn", True]]
