"""Map classes, labels, layers and size: what the map says must equal what the tables say.

Hand-made values are SYNTHETIC; the size and tooltip checks on the real uk2018 and uk2023 layers are in
tests/integration/test_webmap_data.py.
"""

from __future__ import annotations

import json

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


def test_areas_layer_sends_values_not_shapes_or_markup():
    measure = MEASURES["share_covered"]
    props = webmap.area_properties(_synthetic_gaps(), measure)
    layer = webmap.areas_layer("/app/static/shapes/uk2023-abc.json", props, measure)
    assert layer == {"kind": "areas", "name": "Areas: Share of babies aged 0-2 covered by a team", "show": True,
                     "url": "/app/static/shapes/uk2023-abc.json", "labels": webmap.tooltip_fields(measure)[1],
                     "areas": webmap.area_styles(props, measure), "style": webmap.AREA_STYLE,
                     "highlight": webmap.AREA_HIGHLIGHT}
    # The shapes are fetched by the browser: no geometry travels with a view, only each area's colour and text.
    assert "data" not in layer and "geometry" not in json.dumps(layer)
    assert layer["areas"]["A1"][:2] == [props["fill"][0], "Area <b>one</b>"]  # as text, not escaped or HTML
    assert json.loads(json.dumps(layer)) == layer
    assert len(layer["labels"]) == len(layer["areas"]["A1"]) - 1  # a label per tooltip value after the fill


def test_text_layer_holds_each_features_style_and_tooltip_as_strings():
    square = {"type": "Polygon", "coordinates": [[[0, 50], [1, 50], [1, 51], [0, 51], [0, 50]]]}
    point = {"type": "Point", "coordinates": [0.5, 50.5]}
    style = {"color": "#123456", "weight": 2}
    layer = webmap.text_layer([(square, style, ["SYNTHETIC <b>square</b>", 3]), (point, {"radius": 4}, ["pt", None])],
                              ("Name", "Count"), name="SYNTHETIC layer", show=False)
    assert layer == {"kind": "shapes", "name": "SYNTHETIC layer", "show": False, "labels": ["Name", "Count"],
                     "data": {"type": "FeatureCollection", "features": [
                         {"type": "Feature", "geometry": square,
                          "properties": {"style": style, "tooltip": ["SYNTHETIC <b>square</b>", "3"]}},
                         {"type": "Feature", "geometry": point,
                          "properties": {"style": {"radius": 4}, "tooltip": ["pt", "None"]}}]}}
    style["color"] = "#000000"  # the layer holds its own copy of each style
    assert layer["data"]["features"][0]["properties"]["style"]["color"] == "#123456"
    assert webmap.text_layer([], [], name="SYNTHETIC empty")["show"] is True


def _synthetic_teams() -> pd.DataFrame:
    """SYNTHETIC: one operating team with a base, one in development, and one without a base (left off the map)."""
    return pd.DataFrame({"team_id": ["t1", "t2", "t3"], "name": ["SYNTHETIC One", "SYNTHETIC Two", "SYNTHETIC Three"],
                         "status": ["operating", "in development", "operating"],
                         "evidence_grade": ["foundation", "mention", "service"],
                         "base_lon": [-1.234567, -2.0, float("nan")], "base_lat": [52.5, 53.0, 51.0],
                         "location_precision": ["exact", "town", "town"], "from": ["2019", "", ""]})


def _synthetic_outlines(statuses: list[str]):
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame({"team_id": [f"t{i}" for i in range(len(statuses))],
                             "name": [f"SYNTHETIC outline {i}" for i in range(len(statuses))], "status": statuses},
                            geometry=[box(i, 50, i + 1, 51) for i in range(len(statuses))], crs="EPSG:4326")


def test_team_layer_carries_each_bases_marker_key_and_tooltip_only():
    layer = webmap.team_layer(_synthetic_teams())
    assert {k: v for k, v in layer.items() if k != "data"} == {
        "kind": "teams", "name": webmap.TEAM_LAYER_NAME, "show": True, "labels": ["Team", "Status", "Evidence", "Location"],
        "markers": webmap.TEAM_STYLES}
    features = layer["data"]["features"]
    assert [f["geometry"] for f in features] == [{"type": "Point", "coordinates": [-1.23457, 52.5]},
                                                 {"type": "Point", "coordinates": [-2.0, 53.0]}]
    assert [f["properties"]["marker"] for f in features] == ["operating/foundation", "in development/mention"]
    assert all(set(f["properties"]) == {"marker", "tooltip"} for f in features)
    one, two = (f["properties"]["tooltip"] for f in features)
    assert one[0] == "SYNTHETIC One" and one[1].endswith("operating (since 2019)") and one[3] == "base address"
    assert two[0] == "SYNTHETIC Two" and two[1].endswith("in development") and two[3] == "base town"


def test_catchment_layer_is_outlines_with_the_teams_name_and_status():
    outlines = _synthetic_outlines(["operating", "in development"])
    style = webmap.CATCHMENT_STYLES["operating"]
    layer = webmap.catchment_layer(outlines, name="SYNTHETIC catchments", style=style, show=False)
    assert (layer["kind"], layer["name"], layer["show"], layer["labels"]) == (
        "shapes", "SYNTHETIC catchments", False, ["Team or area", "Status"])
    features = layer["data"]["features"]
    assert [f["properties"]["tooltip"] for f in features] == [["SYNTHETIC outline 0", "operating"],
                                                              ["SYNTHETIC outline 1", "in development"]]
    assert all(f["properties"]["style"] == style and f["properties"]["style"] is not style for f in features)
    assert features[1]["geometry"]["type"] == "Polygon" and "coordinates" not in features[1]["geometry"]
    xs = [x for x, _ in webmap.unstepped(features[1]["geometry"])["coordinates"][0]]
    assert (min(xs), max(xs)) == (1.0, 2.0)  # the second box's own shape, sent as steps


# SYNTHETIC geometries on the web layers' grid (1e-4 degree), one of each kind.
ON_THE_GRID = [
    {"type": "Polygon", "coordinates": [[[-5.5488, 54.2914], [-5.5504, 54.2965], [-5.5437, 54.2971],
                                         [-5.5488, 54.2914]]]},
    {"type": "MultiPolygon", "coordinates": [[[[0.0, 50.0], [1.0, 50.0], [1.0, 51.0], [0.0, 50.0]],
                                              [[0.2, 50.1], [0.3, 50.1], [0.3, 50.2], [0.2, 50.1]]],
                                             [[[-1.2345, 49.9999], [-1.2344, 49.9999], [-1.2345, 50.0001],
                                               [-1.2345, 49.9999]]]]},
    {"type": "LineString", "coordinates": [[-179.9999, -89.9999], [179.9999, 89.9999]]},
    {"type": "MultiLineString", "coordinates": [[[0.0001, 0.0001], [0.0002, 0.0002]], [[3.0, 4.0], [5.0, 6.0]]]},
]


@pytest.mark.parametrize("geometry", ON_THE_GRID, ids=[g["type"] for g in ON_THE_GRID])
def test_steps_give_back_exactly_the_coordinates_on_the_grid(geometry):
    steps = webmap.stepped(geometry)
    assert set(steps) == {"type", "steps"} and steps["type"] == geometry["type"]
    flat = steps["steps"]
    while isinstance(flat[0], list):
        flat = [n for part in flat for n in part]
    assert all(type(n) is int for n in flat)
    assert webmap.unstepped(steps) == geometry  # the same floats, not merely close


def test_steps_are_each_position_from_the_one_before_and_points_stay_as_they_are():
    ring = webmap.stepped(ON_THE_GRID[0])["steps"][0]
    assert ring[:2] == [-55488, 542914] and ring[2:4] == [-16, 51]  # the first from 0, then the differences
    point = {"type": "Point", "coordinates": [-2.5, 52.2]}
    assert webmap.stepped(point) is point and webmap.unstepped(point) is point
    grid_off = {"type": "LineString", "coordinates": [[0.00004, 0.00006], [1.0, 1.0]]}  # off the grid: the nearest step
    assert webmap.unstepped(webmap.stepped(grid_off))["coordinates"][0] == [0.0, 0.0001]


def test_steps_take_under_half_the_bytes_of_geojson_decimals():
    """SYNTHETIC: a 2,000-position ring on the grid, as the web layers' rings are, written both ways."""
    import json
    import math

    ring = [[round(-3 + math.cos(i / 318.3) * 2.5, 4), round(54 + math.sin(i / 318.3) * 3.1, 4)] for i in range(2000)]
    polygon = {"type": "Polygon", "coordinates": [ring + [ring[0]]]}
    as_json = len(json.dumps(polygon, separators=(",", ":")))
    assert len(json.dumps(webmap.stepped(polygon), separators=(",", ":"))) < 0.5 * as_json


def test_team_overlays_are_catchments_then_specialists_then_the_bases():
    teams = _synthetic_teams()
    both = webmap.team_overlays(teams, catchments=_synthetic_outlines(["operating", "in development", "operating"]),
                                specialists=_synthetic_outlines(["specialist practitioners only"]))
    assert [layer["name"] for layer in both] == ["Team catchments (operating)", "Team catchments (in development)",
                                                 "CAMHS specialist practitioners, no team", webmap.TEAM_LAYER_NAME]
    assert [len(layer["data"]["features"]) for layer in both] == [2, 1, 1, 2]
    assert both[0]["data"]["features"][0]["properties"]["style"] == webmap.CATCHMENT_STYLES["operating"]
    assert both[1]["data"]["features"][0]["properties"]["style"] == webmap.CATCHMENT_STYLES["in development"]
    assert both[2]["data"]["features"][0]["properties"]["style"] == webmap.SPECIALIST_STYLE
    # No team in development: no layer for them; no specialists or no frames: none either.
    operating = webmap.team_overlays(teams, catchments=_synthetic_outlines(["operating"]))
    assert [layer["name"] for layer in operating] == ["Team catchments (operating)", webmap.TEAM_LAYER_NAME]
    assert webmap.team_overlays(None, catchments=_synthetic_outlines([])) == []
    assert json.loads(json.dumps(both)) == both


def test_map_spec_is_json_with_the_bounds_and_label():
    import numpy as np

    layers = [webmap.team_layer(_synthetic_teams())]
    spec = webmap.map_spec(layers, [(np.float64(51.5), -4), [53, np.float32(-1.0)]], label="SYNTHETIC map",
                           padding=28.0, clickable=1)  # type: ignore[arg-type]
    assert spec == {"layers": layers, "bounds": [[51.5, -4.0], [53.0, -1.0]], "padding": 28,
                    "label": "SYNTHETIC map", "clickable": True}
    assert all(type(v) is float for corner in spec["bounds"] for v in corner)
    assert type(spec["padding"]) is int and spec["layers"] is not layers
    assert json.loads(json.dumps(spec)) == spec
    assert webmap.map_spec([], webmap.UK_BOUNDS, label="SYNTHETIC")["padding"] == 10
    assert webmap.map_spec([], webmap.UK_BOUNDS, label="SYNTHETIC")["clickable"] is False
