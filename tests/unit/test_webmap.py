"""Map classes, labels, layers and size: what the map says must equal what the tables say.

Hand-made values are SYNTHETIC; the size and tooltip checks on the real uk2018 and uk2023 layers are in
tests/integration/test_webmap_data.py.
"""

from __future__ import annotations

import json

import folium
import pandas as pd
import pytest

from mapping.errors import FoiError, LadderError
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


def test_area_at_finds_the_square_holding_the_point_and_none_at_sea():
    """A click at (lat, lon) opens the area whose shape holds it: hand-made unit squares (SYNTHETIC)."""
    import geopandas as gpd
    from shapely.geometry import box

    layer = gpd.GeoDataFrame({"code": ["A", "B", "C"]},
                             geometry=[box(0, 50, 1, 51), box(1, 50, 2, 51), box(0, 51, 1, 52)], crs="EPSG:4326")
    assert webmap.area_at(layer, 50.5, 0.5) == "A"
    assert webmap.area_at(layer, 50.5, 1.5) == "B"  # x is the longitude, y the latitude
    assert webmap.area_at(layer, 51.5, 0.5) == "C"
    assert webmap.area_at(layer, 51.5, 1.5) is None  # the sea: no square there
    assert webmap.area_at(layer, 50.5, 1.0) == "A"  # on a shared edge: the first in the layer's order, always
    assert webmap.area_at(layer, float("nan"), 0.5) is None
    assert webmap.area_at(layer.iloc[:0], 50.5, 0.5) is None
    # A shape with a hole (a lake, or an area inside another) does not hold the hole's points.
    ring = gpd.GeoDataFrame({"code": ["R", "I"]}, geometry=[box(0, 50, 3, 53).difference(box(1, 51, 2, 52)),
                                                            box(1, 51, 2, 52)], crs="EPSG:4326")
    assert webmap.area_at(ring, 51.5, 1.5) == "I" and webmap.area_at(ring, 50.5, 0.5) == "R"
