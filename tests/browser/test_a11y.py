"""Accessibility in headless Debian chromium: axe-core on every page, and the keyboard alone.

WCAG 2.2 AA: axe-core (the copy shipped in the axe-playwright-python package, injected into each page and
into the map's frame as a script's text: nothing is downloaded) must find no serious or critical
violation on any page of the app. The page choice, the area search box and the map's layer control are
reached with the Tab key and used with Enter and Space only.

Uses the server and browser helpers of benchmarks/bench_app.py, as tests/browser/test_e2e_browser.py does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from browser_helpers import MISSING, bench  # noqa: E402

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


@pytest.fixture()
def page():
    with bench.browser_page(width=1400, height=1000) as p:
        yield p


def settle(page, *, has_map: bool = False) -> None:
    """Until the page's run has finished: the title drawn, the map's areas drawn (``has_map``), and no element
    left from an earlier run (Streamlit marks those ``data-stale``)."""
    page.locator("h1").first.wait_for(timeout=120_000)
    if has_map:
        bench.wait_for_map(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')"
                           " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=120_000)
    page.wait_for_timeout(1000)


def violations_in(frame, script: str) -> list[dict]:
    """axe-core's serious and critical WCAG AA violations in one frame (its own document only: each frame is
    checked on its own, so the top page does not wait for frames without axe)."""
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
    found, checked = [], []
    for name, path in app_pages().items():
        page.goto(f"{server}{path}", wait_until="domcontentloaded")
        settle(page, has_map=name == "map")
        for frame in page.frames:
            if frame is not page.main_frame and not frame.url.startswith(server):
                continue  # about:blank and the like: nothing of the app's
            where = f"page '{name}' ({path})" + ("" if frame is page.main_frame else f", frame {frame.url[:80]}")
            found += [describe(where, v) for v in violations_in(frame, script)]
            checked.append(where)
    assert any("frame" in where and "'map'" in where for where in checked), checked  # the map's own frame too
    assert not found, "axe-core, WCAG 2.2 AA, serious or critical:\n" + "\n".join(found)


def tab_to(page, test_js: str, *, limit: int = 120) -> int:
    """Press Tab until ``test_js`` (a function of the focused element, looked for through frames) is true;
    return the number of presses. Fails when it is not reached within ``limit`` presses."""
    focused = """() => { let doc = document, el = doc.activeElement;
        while (el && el.tagName === 'IFRAME' && el.contentDocument) { doc = el.contentDocument; el = doc.activeElement; }
        return el; }"""
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
    frame = page.frame_locator(bench.MAP_FRAME).first
    tab_to(page, "(e) => e && e.classList.contains('leaflet-control-layers-toggle')")
    page.keyboard.press("Enter")
    control = frame.locator(".leaflet-control-layers").first
    assert "leaflet-control-layers-expanded" in (control.get_attribute("class") or "")
    tab_to(page, "(e) => e && e.type === 'checkbox' && e.closest('label').textContent.includes('Areas:')", limit=20)
    box = frame.locator(".leaflet-control-layers-overlays label").filter(has_text="Areas:").locator("input").first
    assert box.is_checked()
    page.keyboard.press("Space")
    assert not box.is_checked()
    page.keyboard.press("Space")
    assert box.is_checked()
