"""The team markers as headless Debian chromium draws them (Leaflet from Debian's libjs-leaflet, as in
benchmarks/bench_app.py): one marker per team, in its grade's shape and its status's fill, focusable, with a
tooltip of text that says the grade in words, and no name from the data ever made into an element.
Every team and name here is SYNTHETIC; no real data is read."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pandas as pd
import pytest
from branca.element import MacroElement

from mapping.inputs.vocabulary import EVIDENCE_GRADES, TEAM_MARKER_STATUSES, EvidenceGrade, TeamStatus
from mapping.present import style, webmap

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
NAME = 'Team <img src=y onerror="window.pimapRan=1"><b>bold</b>'  # SYNTHETIC hostile name


def _bench():
    spec = importlib.util.spec_from_file_location("bench_app", REPO / "benchmarks" / "bench_app.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_markers_in_chromium_have_their_grades_shape_and_a_text_tooltip():
    bench = _bench()
    missing = bench.missing_requirements()
    if missing:
        pytest.skip(f"browser test skipped: {missing}")
    combos = list(itertools.product(TEAM_MARKER_STATUSES, EVIDENCE_GRADES))
    teams = pd.DataFrame({
        "team_id": [f"t{i}" for i in range(len(combos))], "name": [f"{NAME} {i}" for i in range(len(combos))],
        "status": [str(s) for s, _ in combos], "evidence_grade": [g for _, g in combos],
        "base_lon": [-3.0 + 0.4 * i for i in range(len(combos))], "base_lat": [52.5] * len(combos),
        "location_precision": ["town"] * len(combos)})
    fmap = webmap.base_map([[52.0, -3.5], [53.0, -0.5]], tiles=None)
    for group in webmap.layer_groups(MacroElement(), webmap.MEASURES["share_covered"], teams=teams):
        group.add_to(fmap)
    with bench.browser_page(width=900, height=600) as page:
        page.set_content(fmap.get_root().render(), wait_until="load")
        page.wait_for_function("() => document.querySelectorAll('.pimap-team-marker').length > 0")
        drawn = page.evaluate("""() => Array.from(document.querySelectorAll('.pimap-team-marker')).map(e => {
            const mark = e.querySelector('svg').lastElementChild;
            return {tag: mark.tagName, fill: mark.getAttribute('fill'), dash: mark.getAttribute('stroke-dasharray'),
                    text: e.textContent, tabindex: e.getAttribute('tabindex'),
                    elements: e.querySelectorAll('*').length};
        })""")
        tips = []
        for i in range(len(drawn)):
            page.focus(f".pimap-team-marker >> nth={i}")  # the keyboard's focus opens the tooltip
            tips.append(page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-tooltip'))
                .filter(t => Number(t.style.opacity) > 0).map(t => t.innerText).join('|')"""))  # closed ones fade out
            page.evaluate("() => document.activeElement.blur()")
        made = page.evaluate("""() => ({img: document.querySelectorAll('img').length,
                                        b: document.querySelectorAll('b').length, ran: window.pimapRan === 1})""")
    assert made == {"img": 0, "b": 0, "ran": False}
    assert len(drawn) == len(teams)  # one marker per team
    tags = {"circle": "circle", "square": "rect", "triangle": "polygon"}
    for (status, grade), marker, tip in zip(combos, drawn, tips):
        shape, fill = style.GRADE_SHAPES[EvidenceGrade(grade)], style.TEAM_MARKERS[TeamStatus(status)]
        assert marker["tag"] == tags[shape.shape] and marker["fill"] == fill.fill
        assert (marker["dash"] is not None) == bool(fill.dash)
        # an svg and its shape (a dashed edge over its solid gap colour): nothing else, no text
        assert marker["text"] == "" and marker["tabindex"] == "0"
        assert marker["elements"] == 2 + len(webmap.TEAM_STYLES[webmap.marker_key(status, grade)]["under"])
        assert NAME in tip and shape.evidence in tip and f"{style.marker_symbol(TeamStatus(status), grade)} " in tip
        assert "Evidence" in tip and "|" not in tip  # one tooltip open at a time: the focused marker's

