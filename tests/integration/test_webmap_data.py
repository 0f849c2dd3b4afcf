"""The map on the real uk2018 and uk2023 layers: tooltips equal the gaps and ladder tables, the map's data stays
under 2 MB with every layer, one catchment per team, and the nation's bounds.

Moved from tests/unit/test_webmap.py, which keeps the classes, labels and layers on SYNTHETIC values: every
test here reads the real boundaries, population or register (the ``mirror`` fixture).
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, TeamStatus
from mapping.present import style, webmap
from mapping.present.webmap import MEASURES, classify


@pytest.fixture(scope="module")
def uk2023_view(mirror):
    import boundaries
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    inputs = load_inputs(Selection("uk2023", 2020, date(2025, 7, 1)))
    gaps = compute_gaps(inputs)
    current = inputs.teams
    def load(g: str):
        return boundaries.load_geography(g, simplified=True)

    shapes = webmap.catchment_shapes(current[current["status"].isin(TEAM_MARKER_STATUSES)], load)
    specialists = webmap.catchment_shapes(current[current["status"] == TeamStatus.SPECIALIST], load)
    return gaps, current, shapes, specialists, inputs


@pytest.mark.slow
def test_tooltip_figures_equal_the_gaps_table(uk2023_view):
    gaps = uk2023_view[0]
    props = webmap.area_properties(gaps, MEASURES["share_covered"])
    assert props["code"].tolist() == gaps["code"].tolist()
    for (_, p), (_, g) in zip(props.iterrows(), gaps.iterrows()):
        expected = "no data" if pd.isna(g["share_covered"]) else f"{100 * g['share_covered']:.1f}%"
        assert p["value"].startswith(expected)
        assert p["babies"].startswith(f"{g['age0_2']:,.0f}")
        assert p["uncovered"].startswith(f"{g['uncovered_age0_2']:,.0f}")
        assert p["teams"] == (g["team_names"] or "none")


@pytest.mark.slow
def test_ladder_tooltips_equal_the_ladder_table(uk2023_view):
    from mapping.analysis.ladder import compute_ladder

    gaps, inputs = uk2023_view[0], uk2023_view[4]
    ladder = compute_ladder(inputs, geometry=False)
    props = webmap.area_properties(gaps, MEASURES["ladder_level"], ladder=ladder).set_index("code")
    for row in ladder.to_dict("records"):
        p = props.loc[row["code"]]
        assert p["class"] == row["level_label"] and p["value"].startswith(row["level_label"])
        shown = dict(part.split(": ", 1) for part in p["levels"].split("; "))
        for lv, slug in (("3", "level_3"), ("2", "level_2"), ("1", "level_1"), ("0", "level_0"),
                         ("unknown", "unknown")):
            babies = row[f"age0_2_{slug}"]
            if babies > 0:
                assert shown[lv].startswith(f"{babies:,.0f}") and f"({100 * row[f'share_{slug}']:.1f}%)" in shown[lv]
            else:
                assert lv not in shown


@pytest.mark.slow
@pytest.mark.parametrize("geography", ["uk2018", "uk2023"])
def test_uk_map_data_is_under_2_mb_and_has_every_layer(mirror, geography):
    """The app's map page (webapp/pages/map.py): the view's data and its overlays, as webapp.mapview sends them;
    everything but the shapes, which the browser fetches once."""
    import boundaries
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs
    from webapp import mapview

    inputs = load_inputs(Selection(geography, 2020, date(2025, 7, 1)))
    gaps = compute_gaps(inputs)
    measure = MEASURES["uncovered_age0_2"]
    props = webmap.area_properties(gaps, measure)
    _, legend = classify(webmap.measure_values(gaps, measure), measure)
    current = inputs.teams
    def load(g: str):
        return boundaries.load_geography(g, simplified=True)

    shapes = webmap.catchment_shapes(current[current["status"].isin(TEAM_MARKER_STATUSES)], load)
    specialists = webmap.catchment_shapes(current[current["status"] == TeamStatus.SPECIALIST], load)
    areas = webmap.areas_layer(f"/app/static/shapes/{geography}.json", props, measure)
    spec = webmap.map_spec([areas], webmap.UK_BOUNDS, label="Map of the UK", clickable=True)
    overlays = json.dumps(webmap.team_overlays(current, catchments=shapes, specialists=specialists),
                          separators=(",", ":"), ensure_ascii=False)
    sent = json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + overlays
    legend_html = webmap.legend_html(measure.label, legend)
    assert len(sent.encode()) + len(legend_html.encode()) < 2_000_000
    names = [layer["name"] for layer in [*spec["layers"], *json.loads(overlays)]]
    assert names == ["Areas: Babies aged 0-2 with no team", "Team catchments (operating)",
                     *(["Team catchments (in development)"] if (shapes["status"] == TeamStatus.IN_DEVELOPMENT).any()
                       else []),
                     "CAMHS specialist practitioners, no team", webmap.TEAM_LAYER_NAME]
    # Every area of the geography has its colour and figures, and no shape travels with the view.
    assert sorted(areas["areas"]) == sorted(gaps["code"].astype(str)) and "data" not in areas
    # Only Leaflet is loaded, from the app's own copy: no jQuery, Bootstrap or Font Awesome before the map draws.
    script = mapview._script().lower()
    assert "jquery" not in script and "bootstrap" not in script and "font-awesome" not in script


@pytest.mark.slow
def test_team_features_mark_status_in_words(uk2023_view):
    current = uk2023_view[1]
    points = webmap.team_features(current)
    shown = current[current["status"].isin(TEAM_MARKER_STATUSES)]
    assert len(points["features"]) == len(shown)
    statuses = {f["properties"]["style"] for f in points["features"]}
    assert statuses <= set(TEAM_MARKER_STATUSES)
    assert all(f["properties"]["status"].split(" ", 1)[1].startswith(f["properties"]["style"])
               for f in points["features"])
    # Every team of the register has a grade, so every marker is drawn in its grade's shape (none "not recorded"),
    # as many of each as the register's rows say, and the tooltip says the grade in words.
    keys = pd.Series([f["properties"]["marker"] for f in points["features"]])
    expected = (shown["status"].astype(str) + "/" + shown["evidence_grade"].astype(str)).value_counts()
    assert keys.value_counts().sort_index().to_dict() == expected.sort_index().to_dict()
    assert not keys.str.endswith(webmap.UNGRADED_KEY).any()
    words = {s.evidence for s in style.GRADE_SHAPES.values()}
    assert {f["properties"]["evidence"] for f in points["features"]} <= words
    assert len({f["properties"]["evidence"] for f in points["features"]}) >= 2  # the 2023 register mixes grades


@pytest.mark.slow
def test_catchment_shapes_one_per_team(uk2023_view):
    _, current, shapes, specialists, _ = uk2023_view
    assert sorted(shapes["team_id"]) == sorted(
        current.loc[current["status"].isin(TEAM_MARKER_STATUSES), "team_id"])
    assert set(specialists["status"]) == {TeamStatus.SPECIALIST}
    assert shapes.geometry.is_valid.all() and not shapes.geometry.is_empty.any()


@pytest.mark.slow
def test_nation_bounds_zoom_to_the_nation(mirror):
    import boundaries

    layer = boundaries.load_geography("uk2023", simplified=True)
    wales = webmap.nation_bounds(layer, "Wales")
    uk = webmap.nation_bounds(layer, None)
    assert uk[0][0] < wales[0][0] < wales[1][0] < uk[1][0]
    assert 51.3 < wales[0][0] < 51.5 and 53.4 < wales[1][0] < 53.5  # Wales runs from about 51.4 N to 53.4 N
