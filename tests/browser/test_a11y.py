"""Accessibility in headless Debian chromium: axe-core on every page, and the keyboard alone.

WCAG 2.2 AA: axe-core (the copy shipped in the axe-playwright-python package, injected into each page as a
script's text: nothing is downloaded) must find no serious or critical violation on any page of the app, the
maps included (drawn in the page itself: webapp/map.js). The page choice, the area search box and the map's
layer control are reached with the Tab key and used with Enter and Space only.

Uses the server and browser helpers of benchmarks/bench_app.py, as tests/browser/test_e2e_browser.py does, and
its watched pages (tests/browser/conftest.py: no page error, no console error, no request off the machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from browser_helpers import MISSING, bench, wait_for_layer_list  # noqa: E402

if MISSING:
    pytest.skip(f"browser test skipped: {MISSING}", allow_module_level=True)

# The WCAG 2.0, 2.1 and 2.2 A and AA rules of axe-core.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
# An area of the app's default geography (uk2026) for the profile: NHS Cornwall and the Isles of Scilly ICB.
PROFILE_AREA = "E54000036"
OTHER_AREA = "E54000011"  # NHS Shropshire, Telford and Wrekin ICB, beside it on the compare page


def axe_script() -> str:
    """axe-core's text, from the installed axe-playwright-python package (never fetched)."""
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    text = path.read_text(encoding="utf-8")
    assert "axe.version" in text or "axe-core" in text, f"{path} is not axe-core"
    return text


def app_pages() -> dict[str, str]:
    """Each page of the app and the path that opens it (the profile with an area chosen, so its map and
    charts are drawn; the compare view only once the app has it)."""
    from webapp.state import PAGES

    paths = {page: "/" if page == "map" else f"/{page}" for page in PAGES}
    paths["profile"] = f"/profile?area={PROFILE_AREA}"
    if "compare" in paths:  # two areas side by side, so its table and chart are drawn
        paths["compare"] = f"/compare?compare={PROFILE_AREA},{OTHER_AREA}"
    return paths


def settle(page, *, has_map: bool = False, area_map: bool = False) -> None:
    """Until the page's run has finished: the title drawn, the national map's areas drawn (``has_map``) or the
    profile's map drawn (``area_map``), and no element left from an earlier run (Streamlit marks those
    ``data-stale``)."""
    page.locator("h1").first.wait_for(timeout=120_000)
    if has_map:
        bench.wait_for_map(page)
    if area_map:
        drawn = page.locator(f".st-key-profile_map_{PROFILE_AREA} {bench.MAP}[data-drawn]").first
        drawn.wait_for(state="attached", timeout=120_000)
        assert drawn.get_attribute("data-drawn") != "error", drawn.inner_text()[:300]
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')"
                           " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=120_000)
    page.wait_for_timeout(1000)


# The national map's team markers (webapp/map.js, mapping.present.webmap.MARKER_JS) are focusable, and where teams
# crowd (London, Fife) closer together than WCAG 2.2's 24 px target size (2.5.8). That criterion's "essential"
# exception is this case: a marker's place is the information (where the team is based), so markers cannot be
# spread apart; every team's name, status, evidence and place is also in the teams table on page 'Tables and
# downloads' and its CSV. The test of every page leaves out exactly those nodes of that rule, and the test after
# it shows that they are the markers only, and that the teams download lists every team the map marks.
MARKER_TARGETS = ("target-size", '<div class="leaflet-marker-icon')


def without_marker_targets(violations: list[dict]) -> list[dict]:
    """The violations less the team markers' target-size nodes (MARKER_TARGETS): a violation of any other rule, or
    of that rule by anything else, stays."""
    rule, start = MARKER_TARGETS
    kept = []
    for v in violations:
        nodes = [n for n in v["nodes"] if not (v["id"] == rule and n["html"].startswith(start))]
        if nodes:
            kept.append({**v, "nodes": nodes})
    return kept


def violations_in(frame, script: str) -> list[dict]:
    """axe-core's serious and critical WCAG AA violations in one frame (its own document only: a frame of the
    page's, if any, is checked on its own, so the top page does not wait for frames without axe)."""
    frame.add_script_tag(content=script)
    result = frame.evaluate("""(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                         resultTypes: ['violations'], iframes: false})""", WCAG_AA)
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(where: str, violation: dict) -> str:
    def node(n: dict) -> str:  # the element, and axe's reason in its last line (the ratio found, for a contrast)
        reason = (n.get("failureSummary") or "").strip().splitlines()[-1:] or [""]
        return f"{n['html'][:100]} [{reason[0].strip()[:160]}]"

    nodes = "; ".join(node(n) for n in violation["nodes"][:3])
    more = f" (and {len(violation['nodes']) - 3} more)" if len(violation["nodes"]) > 3 else ""
    return f"{where}: {violation['impact']} {violation['id']} ({violation['help']}): {nodes}{more}"


def test_axe_finds_no_serious_or_critical_violation_on_any_page(server, page):
    script = axe_script()
    found, checked, maps = [], [], {}
    for name, path in app_pages().items():
        page.goto(f"{server}{path}", wait_until="domcontentloaded")
        settle(page, has_map=name == "map", area_map=name == "profile")
        # the maps drawn in the page when axe looks: their region, Leaflet's controls and markers are checked too
        maps[name] = page.locator(f"{bench.MAP}[data-drawn] .leaflet-control-layers").count()
        for frame in page.frames:
            if frame is not page.main_frame and not frame.url.startswith(server):
                continue  # about:blank and the like: nothing of the app's
            where = f"page '{name}' ({path})" + ("" if frame is page.main_frame else f", frame {frame.url[:80]}")
            found += [describe(where, v) for v in without_marker_targets(violations_in(frame, script))]
            checked.append(where)
    assert maps["map"] == 1 and maps["profile"] == 1, maps
    assert not any("frame" in where for where in checked), checked  # no map in a frame of its own any more
    assert not found, "axe-core, WCAG 2.2 AA, serious or critical:\n" + "\n".join(found)


def test_the_only_small_targets_are_the_map_team_markers_whose_place_is_their_meaning(server, page):
    page.goto(f"{server}/", wait_until="domcontentloaded")
    settle(page, has_map=True)
    small = [v for v in violations_in(page.main_frame, axe_script()) if v["id"] == MARKER_TARGETS[0]]
    nodes = [n["html"] for v in small for n in v["nodes"]]
    assert all(html.startswith(MARKER_TARGETS[1]) and 'aria-label="Team base: ' in html for html in nodes), nodes
    names = page.evaluate("""() => Array.from(document.querySelectorAll('.pimap-map .pimap-team-marker'))
        .map((m) => (m.getAttribute('aria-label') || '').replace(/^Team base: /, ''))""")
    assert names, "no team marker on the map"
    page.goto(f"{server}/tables", wait_until="domcontentloaded")
    settle(page, has_map=False)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download teams (CSV)").first.click()
    listed = Path(download.value.path()).read_text(encoding="utf-8")
    missing = sorted({n for n in names if n not in listed})
    assert not missing, f"teams marked on the map but not in the teams download: {missing}"


def tab_to(page, test_js: str, *, limit: int = 120) -> int:
    """Press Tab until ``test_js`` (a function of the focused element) is true; return the number of presses.
    Fails when it is not reached within ``limit`` presses."""
    focused = "() => document.activeElement"
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({test_js})(({focused})())"):
            return presses
    where = page.evaluate(f"() => {{ const e = ({focused})(); return e ? e.outerHTML.slice(0, 200) : 'nothing'; }}")
    raise AssertionError(f"not reached with {limit} presses of Tab; the focus is on {where}")


def test_the_page_choice_by_keyboard(server, page):
    page.goto(f"{server}/", wait_until="domcontentloaded")
    settle(page, has_map=True)
    tab_to(page, "(e) => e && e.tagName === 'A' && e.textContent.trim() === 'Provision ladder'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ladder**", timeout=120_000)
    page.get_by_role("heading", name="Provision ladder", exact=False).first.wait_for(timeout=120_000)


def test_the_area_search_by_keyboard(server, page):
    page.goto(f"{server}/profile", wait_until="domcontentloaded")
    settle(page)
    tab_to(page, "(e) => e && e.tagName === 'INPUT' && (e.getAttribute('aria-label') || '').startsWith('Area name')")
    page.keyboard.type("Kernow")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**area={PROFILE_AREA}**", timeout=120_000)
    page.get_by_text(f"({PROFILE_AREA})", exact=False).first.wait_for(timeout=60_000)


def test_the_map_layers_by_keyboard(server, page):
    """Tab reaches the map's layer control, Enter opens it, Tab reaches the areas layer's box and Space turns
    the layer off and on again."""
    page.goto(f"{server}/", wait_until="domcontentloaded")
    settle(page, has_map=True)
    # The map's controls come before its 41 team markers in the keyboard's order (webapp/map.js): about 30 presses
    # from the top of the page, where after the markers it took 131.
    tab_to(page, "(e) => e && e.classList.contains('leaflet-control-layers-toggle') && !!e.closest('.pimap-map')",
           limit=60)
    page.keyboard.press("Enter")
    wait_for_layer_list(page)
    control = page.locator(f"{bench.MAP} .leaflet-control-layers").first
    assert "leaflet-control-layers-expanded" in (control.get_attribute("class") or "")
    tab_to(page, "(e) => e && e.type === 'checkbox' && e.closest('label').textContent.includes('Areas:')", limit=20)
    box = page.locator(f"{bench.MAP} .leaflet-control-layers-overlays label").filter(has_text="Areas:").locator("input").first
    from playwright.sync_api import expect

    expect(box).to_be_checked()
    # Space goes to the element that has the focus: the areas' box, as Tab left it (said first, so a failure
    # below is the box's, not the focus's); the box's state is then awaited, not read at once.
    assert page.evaluate("() => document.activeElement.type === 'checkbox' && document.activeElement.closest('label')"
                         ".textContent.includes('Areas:')")
    page.keyboard.press("Space")
    expect(box).not_to_be_checked()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
