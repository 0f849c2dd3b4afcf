"""End to end in headless Debian chromium: server on loopback, map, postcode search, profile, CSV download.

Uses the server and browser helpers of benchmarks/bench_app.py (Playwright for Python launched with
``executable_path=/usr/bin/chromium``; Leaflet served from Debian's libjs-leaflet in place of the CDN,
since CI has no network). Skipped, with the reason, when chromium, libjs-leaflet or Playwright is missing.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from browser_helpers import MISSING, bench  # noqa: E402

if MISSING:
    pytest.skip(f"browser test skipped: {MISSING}", allow_module_level=True)


@pytest.fixture()
def page():
    with bench.browser_page(height=1200) as p:
        yield p


def test_map_postcode_profile_and_csv_download(server, page):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.profile import area_profile
    from mapping.analysis.selection import Selection, load_inputs

    page.goto(f"{server}/?geo=uk2023&year=2020", wait_until="domcontentloaded")  # the Sub-ICB view, mid-2020
    bench.wait_for_map(page, measure_label="Share of babies aged 0-2 covered by a team")
    # The areas are drawn on the canvas, and the team bases are listed as a layer.
    frame = page.frame_locator(bench.MAP_FRAME).first
    assert "Team bases" in frame.locator(".leaflet-control-layers-overlays").inner_text()

    page.get_by_text("Area profile", exact=True).first.click()
    box = page.get_by_label(bench.SEARCH_LABEL).first
    box.fill("tr21 0hu")
    box.press("Enter")
    page.get_by_text("(E38000089), England").first.wait_for(timeout=60_000)
    page.wait_for_url("**area=E38000089**", timeout=30_000)  # the view is in the link

    gaps = pd.DataFrame(compute_gaps(load_inputs(Selection("uk2023", 2020, date.today()))).drop(columns="geometry"))
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


def test_tooltip_figures_and_measure_change_without_sending_shapes_again(server, page):
    """Hovering an area shows its name, code and figures as text; a new measure restyles the areas from the
    shapes the page already has (fetched once), and the tooltip then gives the new measure's value."""
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    shapes = []
    page.on("response", lambda response: shapes.append(response.url) if "/app/static/shapes/" in response.url
            else None)
    page.goto(f"{server}/?geo=uk2023&year=2020", wait_until="domcontentloaded")  # the Sub-ICB view, mid-2020
    bench.wait_for_map(page, measure_label="Share of babies aged 0-2 covered by a team")
    frame = page.frame_locator(bench.MAP_FRAME).first
    gaps = pd.DataFrame(compute_gaps(load_inputs(Selection("uk2023", 2020, date.today()))).drop(columns="geometry"))

    def hover_tooltip() -> tuple[str, dict]:
        """The tooltip of the area under a point in the English Midlands, and that area's row of the gaps table."""
        iframe = page.locator(bench.MAP_FRAME).first
        iframe.scroll_into_view_if_needed()
        box = iframe.bounding_box()
        x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.75
        start = (box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.3)  # the North Sea
        text = _tooltip_at(page, frame, x, y, start=start)
        rows = [r for r in gaps.to_dict("records") if r["code"] in text]
        assert len(rows) == 1, text  # one area's code
        return text, rows[0]

    text, row = hover_tooltip()
    assert row["nation"] == "England" and row["name"] in text
    assert f"{row['age0_2']:,.0f}" in text and f"{row['uncovered_age0_2']:,.0f}" in text
    assert f"{100 * row['share_covered']:.1f}%" in text

    label = "Babies aged 0-2 (population)"
    page.get_by_text(label, exact=True).first.click()
    bench.wait_for_map(page, measure_label=label)
    text, row = hover_tooltip()
    assert label in text and row["name"] in text and f"{row['age0_2']:,.0f}" in text
    assert len(shapes) == 1, shapes  # the shapes were fetched once, for the first map only


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


def _tooltip_at(page, frame, x: float, y: float, *, start: tuple[float, float] | None = None) -> str:
    """The text of the tooltip the map shows with the pointer at the page point (x, y), moved there from
    ``start`` (default: 40 px up and left) as a hand would."""
    page.mouse.move(*(start or (x - 40, y - 40)), steps=4)
    page.wait_for_timeout(200)
    page.mouse.move(x, y, steps=8)
    page.wait_for_timeout(200)
    page.mouse.move(x + 1, y + 1)  # Leaflet checks what is under the pointer at most every 32 ms
    tip = frame.locator(".leaflet-tooltip.foliumtooltip").first
    tip.wait_for(timeout=30_000)
    return tip.inner_text()


def _area_under(page, frame, x: float, y: float) -> str:
    """The code in the tooltip of the area under the page point (x, y): the area the user sees there."""
    rows = dict(line.split("\t", 1) for line in _tooltip_at(page, frame, x, y).splitlines() if "\t" in line)
    return rows["Code"].strip()


def test_a_click_on_an_area_opens_its_profile_and_a_click_at_sea_does_nothing(server, page):
    from mapping.analysis.selection import Selection, load_inputs
    from mapping.present import webmap

    page.goto(f"{server}/?geo=uk2023&year=2020", wait_until="domcontentloaded")
    bench.wait_for_map(page, measure_label="Share of babies aged 0-2 covered by a team")
    frame = page.frame_locator(bench.MAP_FRAME).first
    iframe = page.locator(bench.MAP_FRAME).first
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.3)  # the North Sea
    page.wait_for_timeout(3000)
    assert "/profile" not in page.url and "area=" not in page.url
    x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.75  # the English Midlands
    code = _area_under(page, frame, x, y)
    page.mouse.click(x, y)
    page.wait_for_url(f"**/profile?**area={code}**", timeout=60_000)
    assert "geo=uk2023" in page.url and "year=2020" in page.url  # the rest of the view kept
    name = load_inputs(Selection("uk2023", 2020, date.today())).areas.set_index("code").loc[code, "name"]
    page.get_by_text(f"({code})", exact=False).first.wait_for(timeout=60_000)
    assert name in page.locator("[data-testid='stMain']").first.inner_text()
    assert webmap.area_at(load_inputs(Selection("uk2023", 2020, date.today())).layer, 54.0, 3.0) is None  # sea


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("width,height", [(1400, 1000), (390, 844)])
def test_the_marker_key_is_beside_the_map_never_over_it(server, width, height):
    with bench.browser_page(width=width, height=height) as page:
        page.goto(f"{server}/", wait_until="domcontentloaded")
        bench.wait_for_map(page)
        frame = page.frame_locator(bench.MAP_FRAME).first
        assert frame.locator(".pimap-legend").count() == 0  # nothing of the key inside the map
        key = page.locator(".pimap-legend").first
        text = key.inner_text()
        assert "team operating" in text and "team in development" in text and "team catchment" in text
        map_box, key_box = page.locator(bench.MAP_FRAME).first.bounding_box(), key.bounding_box()
        assert not _overlap(map_box, key_box), (map_box, key_box)


def test_on_a_phone_the_map_is_on_the_first_screen_and_fills_the_width(server, tmp_path):
    """390 x 844 (a phone): the map's top is within the first screen, before the headline figures, and the map
    is as wide as the page's content; the screenshot is kept for a person to look at."""
    with bench.browser_page(width=390, height=844) as page:
        page.goto(f"{server}/", wait_until="domcontentloaded")
        bench.wait_for_map(page)
        page.wait_for_timeout(500)
        shot = tmp_path / "map-390x844.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        map_box = page.locator(bench.MAP_FRAME).first.bounding_box()
        assert 0 <= map_box["y"] < 844 - 250, map_box  # at least 250 px of map on the first screen
        assert map_box["width"] >= 390 - 2 * 24, map_box  # the width, less the page's margins
        figures = page.locator("[data-testid='stMetric']").first.bounding_box()
        assert figures["y"] > map_box["y"] + map_box["height"] - 1, (figures, map_box)
