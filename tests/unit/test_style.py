"""The web map and the pack draw the same class in the same colour (mapping.present.style).

Each test builds the web map's view (area properties, legend HTML or the map's layers, as the app does) and
the pack's figure (a matplotlib map and its legend) from the same SYNTHETIC frames, then reads the colours
back out of what was drawn, so a palette changed in one place only fails here. Every frame, area, team
and name here is SYNTHETIC (made up for these tests).
"""

from __future__ import annotations

import re

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mapping.analysis.ladder import LEVEL_LABELS, LEVELS
from mapping.inputs.foi import FOI_CLASSES, OUTSIDE_FOI
from mapping.inputs.vocabulary import EvidenceGrade, TeamStatus
from mapping.present import figures as F
from mapping.present import style, webmap
from mapping.report import ladder as LR


def _boxes(n: int) -> list:
    """SYNTHETIC squares in Great Britain (EPSG:4326), side by side across the Midlands."""
    return [shapely.box(-3.0 + 0.3 * i, 52.0, -2.75 + 0.3 * i, 52.25) for i in range(n)]


def _areas(column: str, values: list[str]) -> gpd.GeoDataFrame:
    """SYNTHETIC areas, one per value of ``column``."""
    n = len(values)
    return gpd.GeoDataFrame({"code": [f"S{i}" for i in range(n)], "name": [f"Synthetic {i}" for i in range(n)],
                             "nation": ["England"] * n, column: values}, geometry=_boxes(n), crs="EPSG:4326")


def _gaps(n: int, **columns) -> pd.DataFrame:
    """A SYNTHETIC gaps table of ``n`` areas (the columns area_properties reads)."""
    frame = pd.DataFrame({
        "code": [f"S{i}" for i in range(n)], "name": [f"Synthetic {i}" for i in range(n)], "nation": ["England"] * n,
        "age0_2": [100.0] * n, "uncovered_age0_2": [50.0] * n, "share_covered": [0.5] * n,
        "coverage": ["partial"] * n, "team_names": [""] * n, "estimated": [False] * n,
    })
    for key, value in columns.items():
        frame[key] = value
    return frame


def _legend_swatches(fig) -> dict[str, str]:
    """Each class swatch of a figure's legends: label without its "(n areas)" count -> fill colour (hex)."""
    out = {}
    for legend in fig.legends:
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if isinstance(handle, Patch):
                label = re.sub(r" \(\d+ areas?\)$", "", text.get_text())
                out[label] = to_hex(handle.get_facecolor())
    return out


def _legend_markers(fig) -> dict[str, tuple[str, str, str]]:
    """Each marker of a figure's legends: label without its count -> (marker, face colour, edge colour)."""
    out = {}
    for legend in fig.legends:
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if isinstance(handle, Line2D) and handle.get_marker() not in (None, "None", ""):
                label = re.sub(r" \(\d+\)$", "", text.get_text())
                out[label] = (str(handle.get_marker()), to_hex(handle.get_markerfacecolor()),
                              to_hex(handle.get_markeredgecolor()))
    return out


def test_foi_classes_have_one_colour_on_the_web_map_and_in_the_pack():
    classes = [*FOI_CLASSES, OUTSIDE_FOI]
    gaps = _gaps(len(classes))
    foi = pd.DataFrame({"code": gaps["code"], "foi_class": classes})  # SYNTHETIC replies, one area per class
    web = webmap.area_properties(gaps, webmap.MEASURES["foi_class"], foi=foi).set_index("class")["fill"].to_dict()
    fig = F.class_map(_areas("foi_class", classes), "foi_class", F.FOI_STYLES, text=F.FigureText("SYNTHETIC"))
    pack = _legend_swatches(fig)
    assert len(web) == len(classes) == len(pack)
    for cls in classes:
        assert web[cls].lower() == pack[F.FOI_STYLES[cls].label] == style.FOI_STYLES[cls].colour.lower(), cls
    assert len(set(web.values())) == len(classes)  # nine classes, nine colours


def test_ladder_levels_have_one_colour_on_the_web_map_and_in_the_pack():
    gaps = _gaps(len(LEVELS) + 1)
    ladder = pd.DataFrame({  # SYNTHETIC ladder rows, one area per level, the last with no small areas
        "code": gaps["code"][:-1], "level": list(LEVELS), "level_label": [LEVEL_LABELS[lv] for lv in LEVELS],
        "level_share": 1.0, "split": False,
        **{f"age0_2_{slug}": 0.0 for slug in ("level_3", "level_2", "level_1", "level_0", "unknown")},
        **{f"share_{slug}": 0.0 for slug in ("level_3", "level_2", "level_1", "level_0", "unknown")},
        "teams": "", "specialist_areas": "", "foi_reply_ids": "",
    })
    web = webmap.area_properties(gaps, webmap.MEASURES["ladder_level"], ladder=ladder)
    web_by_label = dict(zip(web["class"], web["fill"]))
    keys = [*LEVELS, LR.NO_AREAS]
    fig = F.class_map(_areas("ladder_level", keys), "ladder_level", LR.LEVEL_STYLES, text=F.FigureText("SYNTHETIC"))
    pack = _legend_swatches(fig)
    for key in keys:
        label = LR.LEVEL_STYLES[key].label
        assert web_by_label[label].lower() == pack[label] == style.LADDER_STYLES[key].colour.lower(), key
    # The ladder's own nation pages read the same styles (their key and table swatches).
    assert LR.KEY_STYLES["3"].colour == style.LADDER_STYLES["3"].colour


def test_coverage_classes_have_one_colour_on_the_web_map_and_in_the_pack():
    # SYNTHETIC: an area with no child covered, one partly, one wholly covered (share_covered 0, 0.5, 1).
    gaps = _gaps(3, share_covered=[0.0, 0.5, 1.0], coverage=["none", "partial", "full"])
    web = webmap.area_properties(gaps, webmap.MEASURES["share_covered"])
    fig = F.coverage_map(_areas("coverage", ["none", "partial", "full"]), text=F.FigureText("SYNTHETIC"))
    pack = _legend_swatches(fig)
    assert web["class"].tolist() == ["none (0%)", "50% to under 75%", "all (100%)"]
    # No child covered on the web map is the pack's "no team's catchment"; all covered its "wholly in".
    assert web["fill"][0].lower() == pack[F.COVERAGE_STYLES["none"].label] == style.PUOR["orange 3"]
    assert web["fill"][2].lower() == pack[F.COVERAGE_STYLES["full"].label] == style.PUOR["purple 9"]
    assert pack[F.COVERAGE_STYLES["partial"].label] == style.COVERAGE_STYLES["partial"].colour
    # The nations chart's bars are the map's classes too.
    nations = pd.DataFrame({"nation": ["England"], "age0_2_total": [100.0], "age0_2_uncovered": [40.0]})
    bars = F.nation_gap_chart(nations, text=F.FigureText("SYNTHETIC")).axes[0].patches
    assert to_hex(bars[0].get_facecolor()) == style.COVERAGE_STYLES["none"].colour
    assert to_hex(bars[1].get_facecolor()) == style.COVERAGE_STYLES["full"].colour


def _synthetic_teams() -> pd.DataFrame:
    """SYNTHETIC: one team of each status, both named by the Foundation, and a third operating team described only by
    its provider."""
    return pd.DataFrame({"team_id": ["t1", "t2", "t3"], "name": ["Synthetic one", "Synthetic two", "Synthetic three"],
                         "status": [TeamStatus.OPERATING, TeamStatus.IN_DEVELOPMENT, TeamStatus.OPERATING],
                         "evidence_grade": [EvidenceGrade.FOUNDATION, EvidenceGrade.FOUNDATION, EvidenceGrade.SERVICE],
                         "base_lon": [-2.9, -2.3, -2.6], "base_lat": [52.1, 52.1, 52.3],
                         "location_precision": ["town", "town", "town"]})


def test_team_markers_are_the_same_on_the_web_map_and_in_the_pack():
    teams = _synthetic_teams()
    # Web: the markers layer and the map's table of drawings as the app sends them to the browser (each
    # feature's key into the table).
    spec = webmap.map_spec([webmap.team_layer(teams)], webmap.UK_BOUNDS, label="SYNTHETIC")
    data, drawings = spec["layers"][0]["data"], spec["layers"][0]["markers"]
    assert len(data["features"]) == len(teams), "not one marker per team"
    web = {f["properties"]["tooltip"][0]: drawings[f["properties"]["marker"]]["attrs"] for f in data["features"]}
    # Pack: the coverage map's legend.
    fig = F.coverage_map(_areas("coverage", ["none", "full"]), text=F.FigureText("SYNTHETIC"),
                         teams=F.team_points(teams))
    pack = _legend_markers(fig)
    legend = webmap.legend_html(None, [])
    for name, status in (("Synthetic one", TeamStatus.OPERATING), ("Synthetic two", TeamStatus.IN_DEVELOPMENT)):
        spec = style.TEAM_MARKERS[status]
        drawn = web[name]
        assert (drawn["fill"].lower(), drawn["stroke"].lower()) == (spec.fill.lower(), spec.edge.lower())
        assert pack[spec.label.capitalize()] == ("o", spec.fill.lower(), spec.edge.lower())
        assert ("stroke-dasharray" in drawn) == bool(spec.dash)
        # and the web legend's key draws the same circle
        assert f'fill="{spec.fill}" stroke="{spec.edge}"' in legend
    # The grade is the shape: a circle for the Foundation's teams, a square for the provider's own description,
    # in both media (the pack's legend draws each grade's shape in the operating fill).
    assert "r" in web["Synthetic one"] and "width" in web["Synthetic three"]
    operating = style.TEAM_MARKERS[TeamStatus.OPERATING]
    for grade, marker in ((EvidenceGrade.FOUNDATION, "o"), (EvidenceGrade.SERVICE, "s")):
        shape = style.GRADE_SHAPES[grade]
        assert pack[F.grade_key_label(shape)] == (marker, operating.fill.lower(), operating.edge.lower())
    # Filled versus hollow: the statuses differ without colour.
    assert style.TEAM_MARKERS[TeamStatus.OPERATING].fill != style.TEAM_MARKERS[TeamStatus.IN_DEVELOPMENT].fill


def test_catchment_lines_are_the_same_on_the_web_map_and_in_the_pack():
    line = style.CATCHMENT_LINES[TeamStatus.OPERATING]
    web = webmap.CATCHMENT_STYLES[TeamStatus.OPERATING]
    assert web["color"] == line.colour and web["dashArray"] == line.dash_array(webmap.LINE_WEIGHT) == "6 3"
    outline = gpd.GeoDataFrame({"team_id": ["t1"]}, geometry=[_boxes(1)[0].buffer(0.05)], crs="EPSG:4326")
    fig = F.coverage_map(_areas("coverage", ["full"]), text=F.FigureText("SYNTHETIC"), catchments=outline)
    lines = {t.get_text(): h for legend in fig.legends for h, t in zip(legend.legend_handles, legend.get_texts())}
    drawn = lines[line.label]
    assert isinstance(drawn, Line2D)
    assert to_hex(drawn.get_color()) == line.colour.lower()
    assert drawn.get_linestyle() == "--"  # a dash pattern


def test_style_classes_are_distinct_and_named():
    for styles in (style.COVERAGE_STYLES, style.FOI_STYLES, style.LADDER_STYLES):
        assert len({s.colour.lower() for s in styles.values()}) == len(styles)
        assert len({s.label for s in styles.values()}) == len(styles)
    assert set(style.FOI_STYLES) == {*FOI_CLASSES, OUTSIDE_FOI}
    assert [label for label, _, _ in style.SHARE_CLASSES][0] == "none (0%)"
    assert len({colour for _, _, colour in style.SHARE_CLASSES}) == len(style.SHARE_CLASSES)
    # every label of the ladder starts with its level, so the level never rests on colour alone
    assert all(style.LADDER_STYLES[lv].label.startswith(f"{lv}:") for lv in LEVELS)


@pytest.mark.parametrize(("share", "label"), [
    (0.0, "none (0%)"), (1e-9, "under 25%"), (0.2499, "under 25%"), (0.25, "25% to under 50%"),
    (0.5, "50% to under 75%"), (0.75, "75% to under 100%"), (0.99999, "75% to under 100%"), (1.0, "all (100%)"),
])
def test_share_classes_have_exact_edges(share, label):
    matched = [name for name, test, _ in style.SHARE_CLASSES if test(share)]
    assert matched == [label]


def test_nice_breaks_round_to_two_significant_figures():
    values = [0, 0, 1234, 4321, 9876, 23456, 56789, 98765, None, float("nan")]  # SYNTHETIC
    edges = style.nice_breaks(values, 5)
    positive = sorted(v for v in values if v and v == v)
    import numpy as np

    expected: list[float] = []
    for q in np.quantile(positive, [0.2, 0.4, 0.6, 0.8]):  # a second, plain computation
        digits = 10 ** (len(str(int(q))) - 2)
        edge = float(round(q / digits) * digits)
        if not expected or edge > expected[-1]:
            expected.append(edge)
    assert edges == expected
    assert style.round_sig(0.0) == 0.0 and style.round_sig(1234.0) == 1200.0 and style.round_sig(0.0456) == 0.046
    assert style.nice_breaks([], 5) == []


def test_number_formats():
    assert style.format_count(4932.4) == "4,932"
    assert style.format_count(1234567.5) == "1,234,568"
    assert style.format_share(0.75) == "75.0%"
    assert style.format_share(0.12345, 2) == "12.35%"
    assert style.count_class_label(0, 1000) == "more than 0, under 1,000"
    assert style.count_class_label(1000, 5000) == "1,000 to under 5,000"
    assert style.count_class_label(5000, None) == "5,000 or more"
    assert style.share_text(0.996) == ">99%" and style.share_text(0.705) == "71%" and style.share_text(0.004) == "<1%"
    assert LR.share_text is style.share_text  # the ladder pages print shares by the same rule


def test_line_dash_in_both_media():
    line = style.LineStyle("SYNTHETIC", "#000000", (3.0, 1.5))
    assert line.dash_array(2) == "6 3" and line.mpl_linestyle() == (0, (3.0, 1.5))
    solid = style.LineStyle("SYNTHETIC", "#000000")
    assert solid.dash_array(2) is None and solid.mpl_linestyle() == "solid"
    with mpl.rc_context(F.RC):
        assert Line2D([], [], linestyle=line.mpl_linestyle()).get_linestyle() == "--"


def test_every_ladder_level_has_its_own_colour_and_hatch():
    """The level is told by colour and by hatch, so neither may repeat (print, greyscale, colour-blind readers)."""
    levels = [style.LADDER_STYLES[lv] for lv in LEVELS]
    assert len({s.colour for s in levels}) == len(LEVELS)
    assert len({s.hatch for s in levels}) == len(LEVELS)
