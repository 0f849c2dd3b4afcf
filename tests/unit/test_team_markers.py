"""Team markers show the evidence grade by their shape and the status by their fill, on the web map and in the
pack, never by colour alone (issue 13 item 2). Every team, name and place here is SYNTHETIC."""

from __future__ import annotations

import itertools
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.markers import MarkerStyle

from mapping.inputs.vocabulary import EVIDENCE_GRADES, TEAM_MARKER_STATUSES, EvidenceGrade, TeamStatus
from mapping.present import figures as F
from mapping.present import style, webmap

HOSTILE = 'Team <img src=x onerror="window.ran=1"><b>bold</b> & "quoted"'  # SYNTHETIC name with markup in it


def _teams() -> pd.DataFrame:
    """SYNTHETIC: all six combinations of status and grade, one team each, side by side in the Midlands."""
    combos = list(itertools.product(TEAM_MARKER_STATUSES, EVIDENCE_GRADES))
    n = len(combos)
    return pd.DataFrame({
        "team_id": [f"t{i}" for i in range(n)], "name": [f"{HOSTILE} {i}" for i in range(n)],
        "status": [str(s) for s, _ in combos], "evidence_grade": [g for _, g in combos],
        "base_lon": [-3.0 + 0.3 * i for i in range(n)], "base_lat": [52.5] * n,
        "location_precision": ["town"] * n, "from": ["2019"] * n,
    })


def _grey(colour: str) -> float:
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_style_has_a_shape_for_every_grade_and_a_fill_for_every_marker_status():
    assert set(style.GRADE_SHAPES) == set(EvidenceGrade)
    assert set(TEAM_MARKER_STATUSES) <= set(style.TEAM_MARKERS)
    shapes = [*style.GRADE_SHAPES.values(), style.UNGRADED]
    assert len({s.shape for s in shapes}) == len({s.mpl_marker for s in shapes}) == len(shapes)
    assert [style.GRADE_SHAPES[g].mpl_marker for g in EvidenceGrade] == ["o", "s", "^"]
    assert len({s.label for s in shapes}) == len({s.evidence for s in shapes}) == len(shapes)
    # The statuses differ in greyscale: one filled dark, one hollow (white) with a dashed edge.
    operating, developing = style.TEAM_MARKERS[TeamStatus.OPERATING], style.TEAM_MARKERS[TeamStatus.IN_DEVELOPMENT]
    assert _grey(operating.fill) < 0.1 and _grey(developing.fill) == 1.0 and developing.hollow
    assert not operating.dash and developing.dash
    assert _grey(operating.edge) == 1.0  # the white rim that keeps the dark disc readable on the darkest fill
    # A grade that is missing or not a grade is never drawn as one.
    for odd in ("", None, float("nan"), "Foundation", "strong"):
        assert style.grade_shape(odd) is style.UNGRADED
    assert style.marker_symbol(TeamStatus.OPERATING, "mention") == "▲"
    assert style.marker_symbol(TeamStatus.IN_DEVELOPMENT, "service") == "□"


def test_the_web_map_has_six_distinct_drawings_one_per_status_and_grade():
    keys = [webmap.marker_key(s, g) for s in TEAM_MARKER_STATUSES for g in EvidenceGrade]
    assert len(set(keys)) == 6 and set(keys) <= set(webmap.TEAM_STYLES)
    drawn = {k: webmap.TEAM_STYLES[k] for k in keys}
    # Shape from the grade, fill and dash from the status: every pair differs without colour.
    outlines = {k: (d["tag"], tuple(sorted((a, v) for a, v in d["attrs"].items() if a in
                                           ("cx", "cy", "r", "x", "y", "width", "height", "points"))))
                for k, d in drawn.items()}
    for grade in EvidenceGrade:
        assert len({outlines[webmap.marker_key(s, grade)] for s in TEAM_MARKER_STATUSES}) == 1
    assert len(set(outlines.values())) == 3
    assert {d["tag"] for d in drawn.values()} == {"circle", "rect", "polygon"}
    looks = {(outlines[k], _grey(d["attrs"]["fill"]), "stroke-dasharray" in d["attrs"]) for k, d in drawn.items()}
    assert len(looks) == 6
    # Every marker has a dark halo round it (so a white rim or fill keeps an edge on the palest area and the dark
    # disc a white ring on the darkest), then a dashed edge lies over a solid one in the gap colour, so the
    # outline stays whole over any fill.
    for status in TEAM_MARKER_STATUSES:
        marker, d = style.TEAM_MARKERS[status], drawn[webmap.marker_key(status, EvidenceGrade.MENTION)]
        halo, *rest = d["under"]
        assert marker.halo is not None and _grey(marker.halo) < 0.2 and marker.halo_width >= 1
        assert halo["stroke"] == halo["fill"] == marker.halo and "stroke-dasharray" not in halo
        assert float(halo["stroke-width"]) == float(d["attrs"]["stroke-width"]) + 2 * marker.halo_width
        assert halo["points"] == d["attrs"]["points"]  # the same shape, only wider
        if marker.dash:
            assert [u["stroke"] for u in rest] == [marker.gap_colour] and "stroke-dasharray" not in rest[0]
            assert {k: v for k, v in rest[0].items() if k != "stroke"} == {
                k: v for k, v in d["attrs"].items() if k not in ("stroke", "stroke-dasharray")}
        else:
            assert rest == []
    # Every drawing fits its box, its widest stroke (the halo's) included (the triangle is the widest shape).
    for d in drawn.values():
        half_stroke = max(float(a["stroke-width"]) for a in [*d["under"], d["attrs"]]) / 2
        if d["tag"] == "polygon":
            xs = [float(v) for p in d["attrs"]["points"].split() for v in p.split(",")]
            assert min(xs) - half_stroke >= 0 and max(xs) + half_stroke <= d["box"]


def test_web_map_has_one_marker_per_team_in_its_grades_shape_and_no_data_in_markup():
    teams = _teams()
    layer = webmap.team_layer(teams)
    spec = webmap.map_spec([layer], [[52.0, -3.5], [53.0, -0.5]], label="SYNTHETIC")
    assert layer["markers"] == webmap.TEAM_STYLES  # the table of drawings is the style's, nothing else
    features = layer["data"]["features"]
    assert len(features) == len(teams)
    for feature, row in zip(features, teams.itertuples()):
        drawing = webmap.TEAM_STYLES[feature["properties"]["marker"]]
        shape = style.GRADE_SHAPES[EvidenceGrade(row.evidence_grade)]
        assert drawing["tag"] == {"circle": "circle", "square": "rect", "triangle": "polygon"}[shape.shape]
        assert drawing["attrs"]["fill"] == style.TEAM_MARKERS[TeamStatus(row.status)].fill
        assert feature["properties"]["marker"] == webmap.marker_key(row.status, row.evidence_grade)
        # The tooltip says it in words: the status with its glyph, and who says it is a team.
        name, status, evidence, _ = feature["properties"]["tooltip"]
        assert name == row.name
        assert status == f"{style.marker_symbol(TeamStatus(row.status), row.evidence_grade)} {row.status} (since 2019)"
        assert evidence == shape.evidence
        assert set(feature["properties"]) == {"marker", "tooltip"}  # no style or markup travels with the data
    assert layer["labels"] == ["Team", "Status", "Evidence", "Location"]
    # The name is data: a JSON string, exactly as given (the browser sets it as text), never escaped or made
    # into markup here, and nowhere but in the tooltips.
    text = json.dumps(spec, ensure_ascii=False)
    assert json.loads(text) == spec
    assert text.count(json.dumps(HOSTILE)[1:-1]) == len(teams)
    assert "&lt;" not in text and "&amp;" not in text
    assert "<img" not in json.dumps(layer["markers"]) and "<b>" not in json.dumps(layer["markers"])
    # The marker is built with DOM methods from the table: no markup strings, no innerHTML in its script.
    assert "createElementNS" in webmap.MARKER_JS and "innerHTML" not in webmap.MARKER_JS
    assert "feature.properties.tooltip" not in webmap.MARKER_JS and "feature.properties.marker" in webmap.MARKER_JS


def test_the_layer_name_and_the_legend_say_the_shapes_and_fills_in_words():
    name = webmap.TEAM_LAYER_NAME
    assert name.startswith("Team bases (") and "filled operating" in name and "hollow in development" in name
    for shape in style.GRADE_SHAPES.values():
        assert f"{shape.symbols[0]} {shape.short}" in name
    legend = webmap.legend_html(None, [])
    # Two keys: the fill of each status (drawn on the circle), the shape of each grade (drawn filled), each the
    # map's own drawing.
    for status, marker in style.TEAM_MARKERS.items():
        key = webmap.marker_key(status, EvidenceGrade.FOUNDATION)
        assert f"{webmap.marker_svg(key)} {marker.label} ({marker.shape})" in legend
    for grade, shape in style.GRADE_SHAPES.items():
        key = webmap.marker_key(TeamStatus.OPERATING, grade)
        assert f"{webmap.marker_svg(key)} {shape.label}" in legend
    assert legend.index("the fill is the status") < legend.index("the shape is who says it is a team")


def test_a_frame_without_grades_draws_markers_as_grade_not_recorded():
    teams = _teams().drop(columns="evidence_grade").head(2)
    features = webmap.team_features(teams)["features"]
    assert [f["properties"]["marker"] for f in features] == [f"{s}/{webmap.UNGRADED_KEY}" for s in teams["status"]]
    assert {f["properties"]["evidence"] for f in features} == {style.UNGRADED.evidence}
    assert webmap.TEAM_STYLES[features[0]["properties"]["marker"]]["tag"] == "polygon"  # the diamond
    assert set(F.team_points(teams)["evidence_grade"]) == {""}


def _marker_collections(fig) -> dict[tuple[str, str], PathCollection]:
    """The main map's team markers, by the label each scatter was drawn with (status, grade)."""
    ax = fig.axes[0]
    out = {}
    for c in ax.collections:
        if isinstance(c, PathCollection) and c.get_label() and not c.get_label().startswith("_"):
            out[tuple(c.get_label().split(", ", 1))] = c
    return out


def test_the_pack_draws_each_grade_in_its_own_marker_shape():
    teams = _teams()
    boxes = [shapely.box(-3.2 + 0.3 * i, 52.3, -2.95 + 0.3 * i, 52.7) for i in range(6)]
    gaps = gpd.GeoDataFrame({"code": [f"S{i}" for i in range(6)], "name": "Synthetic", "nation": "England",
                             "coverage": "full"}, geometry=boxes, crs="EPSG:4326")
    fig = F.coverage_map(gaps, text=F.FigureText("SYNTHETIC"), teams=F.team_points(teams))
    drawn = _marker_collections(fig)
    assert len(drawn) == 6
    paths = {}
    for status, grade in itertools.product(TEAM_MARKER_STATUSES, EvidenceGrade):
        marker, shape = style.TEAM_MARKERS[status], style.GRADE_SHAPES[grade]
        collection = drawn[(marker.label, shape.label)]
        assert len(collection.get_offsets()) == 1  # one team each
        vertices = collection.get_paths()[0].vertices
        expected = MarkerStyle(shape.mpl_marker)
        assert np.allclose(vertices, expected.get_path().transformed(expected.get_transform()).vertices)
        assert np.allclose(collection.get_facecolor()[0][:3], to_rgb(marker.fill))
        paths.setdefault(grade, []).append(vertices)
    # Per grade one marker path, and the three grades' paths all differ.
    for grade, same in paths.items():
        assert all(np.array_equal(same[0], v) for v in same), grade
    distinct = [paths[g][0] for g in EvidenceGrade]
    assert all(a.shape != b.shape or not np.allclose(a, b) for a, b in itertools.combinations(distinct, 2))
    # The legend: each status's fill (on the circle), then each grade's shape, with its number of teams.
    labels = {t.get_text(): h for legend in fig.legends for h, t in zip(legend.legend_handles, legend.get_texts())}
    for shape in style.GRADE_SHAPES.values():
        assert labels[f"{F.grade_key_label(shape)} (2)"].get_marker() == shape.mpl_marker
    assert labels["Team operating (3)"].get_marker() == "o"
    assert labels["Team in development (3)"].get_marker() == "o"
    assert F.grade_key_label(style.GRADE_SHAPES[EvidenceGrade.FOUNDATION]) == (
        "Circle: Foundation-named")  # the name keeps its capitals
    assert not any(style.UNGRADED.label in label for label in labels)
