"""Map classes, labels, layers and size: what the map says must equal what the tables say.

Hand-made values are SYNTHETIC; the size and tooltip checks use the real uk2018 and uk2023 layers.
"""

from __future__ import annotations

import json
from datetime import date

import folium
import pandas as pd
import pytest

from mapping.errors import FoiError, LadderError
from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, TeamStatus
from mapping.present import webmap
from mapping.present.webmap import MEASURES, classify, format_value, nice_breaks


def test_nice_breaks_are_rounded_increasing_quantiles():
    values = [0, 0, 120, 480, 990, 1510, 2020, 2990, 4100, 5900, 8000]  # SYNTHETIC
    edges = nice_breaks(values, 5)
    assert edges == sorted(set(edges))
    assert all(e > 0 for e in edges)
    # 2 significant figures: each edge is a multiple of a power of ten at its second digit.
    assert all(float(f"{e:.2g}") == e for e in edges)
    assert nice_breaks([0, None, float("nan")], 5) == []


def test_share_classes_have_exact_boundaries():
    measure = MEASURES["share_covered"]
    classes, legend = classify([0.0, 0.001, 0.2499, 0.25, 0.5, 0.75, 0.9999, 1.0, float("nan")], measure)
    assert [c.label for c in classes] == [
        "none (0%)", "under 25%", "under 25%", "25% to under 50%", "50% to under 75%", "75% to under 100%",
        "75% to under 100%", "all (100%)", "no data"]
    assert [c.label for c in legend][-1] == "no data"
    assert len({c.colour for c in legend}) == len(legend)


def test_count_classes_follow_the_edges():
    measure = MEASURES["uncovered_age0_2"]
    classes, legend = classify([0, 1, 999, 1000, 5000, 25000], measure, edges=[1000, 5000])
    assert [c.label for c in classes] == ["0", "more than 0, under 1,000", "more than 0, under 1,000",
                                          "1,000 to under 5,000", "5,000 or more", "5,000 or more"]
    assert [c.label for c in legend] == ["0", "more than 0, under 1,000", "1,000 to under 5,000", "5,000 or more"]


def test_foi_classes_use_their_own_names_and_only_those_present():
    measure = MEASURES["foi_class"]
    classes, legend = classify(["accepts, 1-5 seen", "does not accept under-3s", None], measure)
    assert [c.label for c in classes] == ["accepts, 1-5 seen", "does not accept under-3s", "no data"]
    assert [c.label for c in legend] == ["does not accept under-3s", "accepts, 1-5 seen", "no data"]


def test_ladder_legend_keeps_every_level_in_ladder_order():
    from mapping.analysis.ladder import LEVEL_LABELS, LEVELS
    from mapping.present.style import LADDER_STYLES

    measure = MEASURES["ladder_level"]
    classes, legend = classify([LEVEL_LABELS["3"], LEVEL_LABELS["unknown"], webmap.NO_SMALL_AREAS], measure)
    assert [c.colour for c in classes] == [LADDER_STYLES["3"].colour, LADDER_STYLES["unknown"].colour, "#ffffff"]
    # A fixed scale: levels with no area stay in the legend; "no small areas" only when used.
    assert [c.label for c in legend] == [*[LEVEL_LABELS[lv] for lv in LEVELS], webmap.NO_SMALL_AREAS]
    _, legend = classify([LEVEL_LABELS["2"]], measure)
    assert [c.label for c in legend] == [LEVEL_LABELS[lv] for lv in LEVELS]
    # Every label starts with its level, so the level never rests on colour alone.
    assert all(LEVEL_LABELS[lv].startswith(f"{lv}:") for lv in LEVELS)


def _synthetic_ladder_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two SYNTHETIC areas: one split between a team and unknown, one wholly at level 2."""
    gaps = pd.DataFrame({
        "code": ["A1", "A2"], "name": ["Area one", "Area two"], "nation": ["England", "Wales"],
        "age0_2": [1000.0, 300.0], "uncovered_age0_2": [250.0, 300.0], "share_covered": [0.75, 0.0],
        "coverage": ["partial", "none"], "team_names": ["Team One", ""], "estimated": [False, False],
    })
    ladder = pd.DataFrame({
        "code": ["A2", "A1"], "name": ["Area two", "Area one"], "nation": ["Wales", "England"],
        "age0_2": [300.0, 1000.0], "level": ["2", "3"],
        "level_label": ["2: CAMHS parent-infant specialists, no team", "3: specialised parent-infant team"],
        "level_share": [1.0, 0.75], "split": [False, True],
        "age0_2_level_3": [0.0, 750.0], "age0_2_level_2": [300.0, 0.0], "age0_2_level_1": [0.0, 0.0],
        "age0_2_level_0": [0.0, 0.0], "age0_2_unknown": [0.0, 250.0],
        "share_level_3": [0.0, 0.75], "share_level_2": [1.0, 0.0], "share_level_1": [0.0, 0.0],
        "share_level_0": [0.0, 0.0], "share_unknown": [0.0, 0.25], "estimated": [False, False],
        "teams": ["", "team-one"], "specialist_areas": ["sp-two", ""], "foi_reply_ids": ["", "R7"],
    })
    return gaps, ladder


def test_ladder_properties_give_level_shares_and_evidence():
    gaps, ladder = _synthetic_ladder_inputs()
    props = webmap.area_properties(gaps, MEASURES["ladder_level"], ladder=ladder)
    assert props["code"].tolist() == ["A1", "A2"]  # the order of the gaps table
    assert props["value"].tolist() == ["3: specialised parent-infant team (75.0% of babies aged 0-2)",
                                       "2: CAMHS parent-infant specialists, no team"]
    assert props["class"].tolist() == ["3: specialised parent-infant team",
                                       "2: CAMHS parent-infant specialists, no team"]
    assert props["levels"].tolist() == ["3: 750 (75.0%); unknown: 250 (25.0%)", "2: 300 (100.0%)"]
    assert props["evidence"].tolist() == ["teams: team-one; FOI replies: R7", "specialists: sp-two"]
    fields, aliases = webmap.tooltip_fields(MEASURES["ladder_level"])
    assert set(fields) <= set(props.columns) and len(fields) == len(aliases)
    with pytest.raises(LadderError, match="ladder table"):
        webmap.area_properties(gaps, MEASURES["ladder_level"])


def test_tooltips_wrap_inside_the_map():
    html = webmap.base_map(tiles=None).get_root().render()
    assert ".leaflet-tooltip.foliumtooltip{white-space:normal" in html


def test_format_value():
    assert format_value(0.75, MEASURES["share_covered"]) == "75.0%"
    assert format_value(4932.0, MEASURES["age0_2"]) == "4,932"
    assert format_value(12024.8, MEASURES["age0_2"], estimated=True) == "12,025 (estimate)"
    assert format_value(float("nan"), MEASURES["share_covered"]) == "no data"


def test_legend_html_lists_every_class_in_words():
    _, legend = classify([0.0, 1.0], MEASURES["share_covered"])
    text = webmap.legend_html("Share covered", legend)
    for c in legend:
        assert c.label.replace("%", "%") in text and c.colour in text
    assert "team in development" in text and "team operating" in text


def test_the_foi_measure_without_replies_is_a_domain_error():
    gaps, _ = _synthetic_ladder_inputs()
    with pytest.raises(FoiError, match="needs FOI replies"):
        webmap.area_properties(gaps, MEASURES["foi_class"])
    with pytest.raises(FoiError, match="needs FOI replies"):
        webmap.measure_values(gaps, MEASURES["foi_class"])


def _synthetic_gaps() -> pd.DataFrame:
    """SYNTHETIC areas: one name with markup in it, which must reach the tooltip as text."""
    return pd.DataFrame({
        "code": ["A1", "A2"], "name": ["Area <b>one</b>", "Area two"], "nation": ["England", "Wales"],
        "age0_2": [1000.0, 300.0], "uncovered_age0_2": [0.0, 300.0], "share_covered": [1.0, 0.0],
        "coverage": ["covered", "no team"], "team_names": ["Team & co", ""], "estimated": [False, False],
        "nearest_team_name": [None, "Team & co"], "nearest_team_km": [float("nan"), 12.4],
    })


def test_area_styles_carry_each_areas_colour_and_every_tooltip_value():
    measure = MEASURES["share_covered"]
    props = webmap.area_properties(_synthetic_gaps(), measure)
    styles = webmap.area_styles(props, measure)
    assert list(styles) == ["A1", "A2"]
    fields, _ = webmap.tooltip_fields(measure)
    for code, row in zip(styles, props.to_dict("records")):
        assert styles[code] == [row["fill"], *(str(row[f]) for f in fields)]
    assert styles["A1"][1] == "Area <b>one</b>"  # text: the browser sets it as a text node, never as HTML
    assert styles["A2"][fields.index("nearest") + 1] == "Team & co (12 km from the area's centre)"


def test_areas_layer_sends_values_not_shapes_or_markup_and_says_when_drawn():
    measure = MEASURES["share_covered"]
    props = webmap.area_properties(_synthetic_gaps(), measure)
    fmap = webmap.base_map(tiles=None)
    group = folium.FeatureGroup(name=f"Areas: {measure.label}")
    layer = webmap.AreasLayer("/app/static/shapes/uk2023-abc.json", props, measure)
    layer.add_to(group)
    group.add_to(fmap)
    html = fmap.get_root().render()
    script = html.split("<script>", 1)[1]
    assert '"/app/static/shapes/uk2023-abc.json"' in script
    assert '"A1":["' + props["fill"][0] + '","Area \\u003cb\\u003eone\\u003c/b\\u003e"' in script
    assert "<b>" not in script and "innerHTML" not in script and "textContent = values[i]" in script
    assert webmap.TEXT_TOOLTIP_JS in script and "values.slice(1)" in script
    assert f'"{layer.layer_name}"' in script and "dataset.areasDrawn" in script
    labels = json.dumps(webmap.tooltip_fields(measure)[1], ensure_ascii=False)
    assert labels.replace(" ", "") in script.replace(" ", "")


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
def test_uk_map_html_is_under_2_mb_and_has_every_layer(mirror, geography):
    """The app's map page (webapp/pages/map.py): everything but the shapes, which the browser fetches once."""
    import boundaries
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

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
    fmap = webmap.base_map()
    areas = webmap.AreasLayer(f"/app/static/shapes/{geography}.json", props, measure)
    for group in webmap.layer_groups(areas, measure, teams=current, catchments=shapes, specialists=specialists):
        group.add_to(fmap)
    webmap.Legend(webmap.legend_html(measure.label, legend)).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    html = fmap.get_root().render()
    assert len(html.encode()) < 2_000_000
    for name in ("Areas: Babies aged 0-2 with no team", "Team catchments (operating)",
                 "CAMHS specialist practitioners, no team", "Team bases"):
        assert name in html
    # Only Leaflet is loaded: no jQuery, Bootstrap or Font Awesome downloads before the map draws.
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()


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


@pytest.mark.parametrize("bounds", [webmap.UK_BOUNDS, [[51.37, -5.67], [53.44, -2.65]], [[54.0, -8.2], [55.3, -5.4]]])
def test_view_for_bounds_is_the_largest_zoom_that_fits(bounds):
    import math

    (centre_lat, centre_lon), zoom = webmap.view_for_bounds(bounds, 760, 680, padding_px=0)

    def pixels(z: float) -> tuple[float, float]:
        scale = 256 * 2 ** z / 360
        dy = webmap._mercator_y(bounds[1][0]) - webmap._mercator_y(bounds[0][0])
        return (bounds[1][1] - bounds[0][1]) * scale, dy * scale

    width, height = pixels(zoom)
    assert width <= 760 and height <= 680
    wider, taller = pixels(zoom + 0.25)
    assert wider > 760 or taller > 680
    assert zoom == math.floor(zoom * 4) / 4
    assert centre_lon == pytest.approx((bounds[0][1] + bounds[1][1]) / 2)
    assert bounds[0][0] < centre_lat < bounds[1][0]
