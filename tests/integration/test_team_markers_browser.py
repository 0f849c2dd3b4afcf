"""The team markers as headless Debian chromium draws them with the app's map script (webapp/map.js, Leaflet from
the app's own copy, on a test page without Streamlit: tests/map_page_helpers.py): one marker per team, in its
grade's shape and its status's fill, focusable, named for screen readers, with a tooltip of text that says the
grade in words, and no name from the data ever made into an element.
Every team and name here is SYNTHETIC; no real data is read."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from map_page_helpers import map_page, view_data

from mapping.inputs.vocabulary import EVIDENCE_GRADES, TEAM_MARKER_STATUSES, EvidenceGrade, TeamStatus
from mapping.present import style, webmap

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = 'SYNTHETIC Team <img src=y onerror="window.pimapRan=1"><b>bold</b>'  # a hostile name


def test_markers_in_chromium_have_their_grades_shape_and_a_text_tooltip():
    combos = list(itertools.product(TEAM_MARKER_STATUSES, EVIDENCE_GRADES))
    teams = pd.DataFrame({
        "team_id": [f"t{i}" for i in range(len(combos))], "name": [f"{NAME} {i}" for i in range(len(combos))],
        "status": [str(s) for s, _ in combos], "evidence_grade": [g for _, g in combos],
        "base_lon": [-3.0 + 0.4 * i for i in range(len(combos))], "base_lat": [52.5] * len(combos),
        "location_precision": ["town"] * len(combos)})
    spec = webmap.map_spec([webmap.team_layer(teams)], [[52.0, -3.5], [53.0, -0.5]], label="SYNTHETIC team bases")
    with map_page(view_data(spec, height=560), width=900, height=600) as held:
        page = held.page
        assert held.wait_drawn() == "none"  # no areas on this map: only the markers
        drawn = page.evaluate("""() => Array.from(document.querySelectorAll('.pimap-team-marker')).map(e => {
            const mark = e.querySelector('svg').lastElementChild;
            return {tag: mark.tagName, fill: mark.getAttribute('fill'), dash: mark.getAttribute('stroke-dasharray'),
                    text: e.textContent, tabindex: e.getAttribute('tabindex'), label: e.getAttribute('aria-label'),
                    elements: e.querySelectorAll('*').length};
        })""")
        tips = []
        for i in range(len(drawn)):
            page.focus(f".pimap-team-marker >> nth={i}")  # the keyboard's focus opens the tooltip
            page.wait_for_function("() => document.querySelectorAll('.leaflet-tooltip').length > 0")
            tips.append("|".join(held.open_tooltips()))  # a closed one fades out
            page.evaluate("() => document.activeElement.blur()")
        hovered = []
        for i in (0, len(drawn) - 1):  # the pointer opens it too
            page.hover(f".pimap-team-marker >> nth={i}")
            page.wait_for_function("() => document.querySelectorAll('.leaflet-tooltip').length > 0")
            hovered.append("|".join(held.open_tooltips()))
            page.mouse.move(5, 5)
        made = page.evaluate("""() => ({img: document.querySelectorAll('img').length,
                                        b: document.querySelectorAll('b').length, ran: window.pimapRan === 1})""")
        layers = held.layer_names()
        assert held.errors == [] and held.off_the_origin() == []
    assert made == {"img": 0, "b": 0, "ran": False}
    assert webmap.TEAM_LAYER_NAME in layers
    assert len(drawn) == len(teams)  # one marker per team
    tags = {"circle": "circle", "square": "rect", "triangle": "polygon"}
    for i, ((status, grade), marker, tip) in enumerate(zip(combos, drawn, tips)):
        shape, fill = style.GRADE_SHAPES[EvidenceGrade(grade)], style.TEAM_MARKERS[TeamStatus(status)]
        assert marker["tag"] == tags[shape.shape] and marker["fill"] == fill.fill
        assert (marker["dash"] is not None) == bool(fill.dash)
        # an svg and its shape (a dashed edge over its solid gap colour): nothing else, no text
        assert marker["text"] == "" and marker["tabindex"] == "0"
        assert marker["elements"] == 2 + len(webmap.TEAM_STYLES[webmap.marker_key(status, grade)]["under"])
        assert marker["label"] == f"Team base: {NAME} {i}"  # the name for screen readers, as text
        assert f"{NAME} {i}" in tip and shape.evidence in tip and f"{style.marker_symbol(TeamStatus(status), grade)} " in tip
        assert "Evidence" in tip and "|" not in tip  # one tooltip open at a time: the focused marker's
    assert f"{NAME} 0" in hovered[0] and f"{NAME} {len(drawn) - 1}" in hovered[1] and "|" not in "".join(hovered)
