"""The web maps: measures, colour classes, the map's layers as data, and the legend, as pure functions.

Nothing here reads files or knows about Streamlit: tables and shapes come in, JSON-ready layers (drawn by the
app's map script, ``webapp/map.js``, with Leaflet) and HTML strings go out, so the app can cache each piece and
tests can check each one. The static site (:mod:`mapping.present.site`) draws with the same tooltip and marker
code.

Every name, place and status from the data reaches the page as text: each layer's tooltip is a table of
text nodes (:data:`TEXT_TOOLTIP_JS`, which never sets HTML), its data travels as JSON, and layer names
(escaped by the script) and legend labels (escaped here) go in as text.

Colour is never the only carrier of a figure: every class has a text label, the tooltip gives
the exact value and its class, and the app prints the same table beside the map. Every colour, marker,
line, class break and number format comes from :mod:`mapping.present.style`, which the pack's figures
read too, so a class looks the same on the map and on the page (the palettes and why they were chosen
are in that module's docstring).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from boundaries.crs import WGS84
from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS
from mapping.errors import ChangesError, FoiError, LadderError, PopulationError
from mapping.inputs.vocabulary import TeamStatus
from mapping.present import style
from mapping.present.style import BUPU_5, YLORRD_5, nice_breaks

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "LADDER_COLOURS",
    "CHANGE_COLOURS",
    "change_classes",
    "change_text",
    "MEASURES",
    "NO_DATA",
    "NO_SMALL_AREAS",
    "TEAM_LAYER_NAME",
    "TEAM_STYLES",
    "MARKER_JS",
    "STEPS_JS",
    "STEPS_PER_DEGREE",
    "TEXT_TOOLTIP_JS",
    "UK_BOUNDS",
    "ColourClass",
    "Measure",
    "area_properties",
    "area_styles",
    "areas_layer",
    "catchment_layer",
    "catchment_shapes",
    "classify",
    "format_value",
    "ladder_evidence_text",
    "ladder_levels_text",
    "legend_html",
    "team_overlays",
    "map_spec",
    "measure_values",
    "nation_bounds",
    "nice_breaks",
    "marker_key",
    "marker_svg",
    "stepped",
    "team_features",
    "team_layer",
    "text_layer",
    "tooltip_fields",
    "unstepped",
]

NO_DATA = (style.NO_DATA.label, style.NO_DATA.colour)

# The web map's class colours, by the label the legend and tooltip give (mapping.present.style).
FOI_COLOURS = {cls: s.colour for cls, s in style.FOI_STYLES.items()}
# The provision ladder's levels by label, best provision first; an area with no small areas is white.
NO_SMALL_AREAS = style.LADDER_STYLES[style.NO_LEVEL].label
LADDER_COLOURS = {**{LEVEL_LABELS[lv]: style.LADDER_STYLES[lv].colour for lv in LEVELS},
                  NO_SMALL_AREAS: style.LADDER_STYLES[style.NO_LEVEL].colour}
CHANGE_COLOURS = {s.label: s.colour for s in style.CHANGE_STYLES.values()}
SHARE_PALETTE = tuple(colour for _, _, colour in style.SHARE_CLASSES)

# Team markers as inline SVG in a Leaflet marker (circle markers cannot draw squares or triangles): the
# style's shape per grade and fill per status, at the web's sizes (pixels). Every marker is drawn in a
# box of MARKER_BOX pixels, centred on the base.
_MARKER_WIDTH = {TeamStatus.OPERATING: 2, TeamStatus.IN_DEVELOPMENT: 3}
MARKER_RADIUS = 7  # the circle's; other shapes scale its diameter by their GradeShape.scale
MARKER_BOX = 26  # the widest shape (the triangle) with its edge and halo
UNGRADED_KEY = "ungraded"


def _grade_key(grade: object) -> str:
    """A row's grade as the marker key's second part (``ungraded`` when it is missing or unknown)."""
    shape = style.grade_shape(grade)
    return next((str(g) for g, s in style.GRADE_SHAPES.items() if s == shape), UNGRADED_KEY)


def marker_key(status: str, grade: object) -> str:
    """The key of one marker's drawing in :data:`TEAM_STYLES`: ``"<status>/<grade>"``."""
    return f"{status}/{_grade_key(grade)}"


def _shape_element(shape: style.GradeShape) -> tuple[str, dict[str, str]]:
    """The SVG element (tag and geometry attributes) of a shape centred in the marker box. A triangle and a
    diamond are matplotlib's ``^`` and ``D`` (as wide as tall; a square turned), so both media draw one outline."""
    c = MARKER_BOX / 2
    size = 2 * MARKER_RADIUS * shape.scale
    half = size / 2

    def points(xy: Iterable[tuple[float, float]]) -> dict[str, str]:
        return {"points": " ".join(f"{c + x:g},{c + y:g}" for x, y in xy)}

    if shape.shape == "circle":
        return "circle", {"cx": f"{c:g}", "cy": f"{c:g}", "r": f"{half:g}"}
    if shape.shape == "square":
        return "rect", {"x": f"{c - half:g}", "y": f"{c - half:g}", "width": f"{size:g}", "height": f"{size:g}"}
    if shape.shape == "triangle":
        return "polygon", points([(0, -half), (half, half), (-half, half)])
    diagonal = round(half * math.sqrt(2), 2)
    return "polygon", points([(0, -diagonal), (diagonal, 0), (0, diagonal), (-diagonal, 0)])


def _team_style(status: TeamStatus, shape: style.GradeShape) -> dict[str, Any]:
    """One marker's drawing, from the style only: an SVG element (``tag``, ``attrs``) in a ``box`` of pixels,
    over ``under`` (the same shape with other attributes, drawn first: the halo, then a dashed edge's gap
    colour)."""
    marker = style.TEAM_MARKERS[status]
    width = _MARKER_WIDTH[status]
    tag, geometry = _shape_element(shape)
    attrs = {**geometry, "fill": marker.fill, "stroke": marker.edge, "stroke-width": f"{width:g}",
             "stroke-linejoin": "round"}
    under = []
    if marker.halo and marker.halo_width:
        # the outline round the whole marker (style.TeamMarker.halo): the same shape, its stroke wider by the
        # halo on each side, drawn first
        under.append({**geometry, "fill": marker.halo, "stroke": marker.halo,
                      "stroke-width": f"{width + 2 * marker.halo_width:g}", "stroke-linejoin": "round"})
    if marker.dash:
        attrs["stroke-dasharray"] = " ".join(f"{d * width:g}" for d in marker.dash)
        if marker.gap_colour:
            under.append({**attrs, "stroke": marker.gap_colour})
            del under[-1]["stroke-dasharray"]
    return {"box": MARKER_BOX, "tag": tag, "attrs": attrs, "under": under}


# Every marker the map can draw, by :func:`marker_key`: each status of style.TEAM_MARKERS in each grade's shape
# (and the shape of a row without a grade). The map's script holds this table; a team's feature names its key.
TEAM_STYLES: dict[str, dict[str, Any]] = {
    marker_key(status, grade): _team_style(status, shape)
    for status in style.TEAM_MARKERS
    for grade, shape in [*style.GRADE_SHAPES.items(), (UNGRADED_KEY, style.UNGRADED)]
}
# The layer's name says the markers in words: the fill is the status, the shape the grade.
TEAM_LAYER_NAME = (
    "Team bases (" + ", ".join(f"{'hollow' if m.hollow else 'filled'} {s}" for s, m in style.TEAM_MARKERS.items())
    + "; " + ", ".join(f"{g.symbols[0]} {g.short}" for g in style.GRADE_SHAPES.values()) + ")")
# Catchment outlines (pixels wide), by the team's status, and CAMHS specialist areas.
LINE_WEIGHT = 2


def _line_style(line: style.LineStyle) -> dict[str, Any]:
    out: dict[str, Any] = {"color": line.colour, "weight": LINE_WEIGHT, "fill": False}
    dash = line.dash_array(LINE_WEIGHT)
    if dash:
        out["dashArray"] = dash
    return out


CATCHMENT_STYLES: dict[str, dict[str, Any]] = {str(k): _line_style(v) for k, v in style.CATCHMENT_LINES.items()}
SPECIALIST_STYLE = _line_style(style.SPECIALIST_LINE)


@dataclass(frozen=True)
class Measure:
    """One thing the map can colour areas by, with where its figures come from."""

    id: str
    label: str
    column: str
    kind: Literal["share", "count", "category"]
    palette: tuple[str, ...]
    source: str
    needs_foi: bool = False
    needs_ladder: bool = False
    needs_change: bool = False  # the map of change: the view must name an earlier date to compare with
    needs_births: bool = False  # live births per area (boundaries.births), joined by code


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        Measure("share_covered", "Share of babies aged 0-2 covered by a team", "share_covered", "share", SHARE_PALETTE,
                "covered children aged 0-2 / all children aged 0-2, summed over small areas in an operating "
                "team's catchment (teams: data/teams.csv; population: ONS, NRS, NISRA mid-year estimates)"),
        Measure("uncovered_age0_2", "Babies aged 0-2 with no team", "uncovered_age0_2", "count", YLORRD_5,
                "children aged 0-2 living in small areas outside every operating team's catchment "
                "(ONS, NRS mid-year estimates; Northern Ireland estimated)"),
        Measure("foi_class", "CAMHS FOI reply class", "foi_class", "category", tuple(FOI_COLOURS.values()),
                "the loaded FOI replies, classified as in Rare Jewels (2019) section 8; carried to other "
                "geographies by the share of children aged 0-2", needs_foi=True),
        Measure("age0_2", "Babies aged 0-2 (population)", "age0_2", "count", BUPU_5,
                "mid-year population estimates aged 0-2 (ONS, NRS, NISRA; small areas estimated where only district or "
                "authority figures are published)"),
        Measure("ladder_level", "Provision ladder", "level_label", "category", tuple(LADDER_COLOURS.values()),
                "mapping.analysis.ladder: 3 operating team, 2 CAMHS parent-infant specialists but no team (Rare Jewels "
                "section 7; data/teams.csv), 1 / 0 CAMHS accepts / does not accept under-3s (FOI replies loaded "
                "in this session, Rare Jewels section 8), else unknown; each area takes the level of most of its "
                "babies aged 0-2", needs_ladder=True),
        Measure("births", "Live births a year", "births", "count", BUPU_5,
                "live births by local authority (ONS; NRS and ScotPHO; NISRA) for the 12 months standing for the "
                "population year (the nearest published period where a nation has none; the tooltip names it), "
                "shared among small areas by their children aged 0", needs_births=True),
        Measure("coverage_change", "Change in babies aged 0-2 covered since the earlier date", "change_class",
                "category", tuple(CHANGE_COLOURS.values()),
                "mapping.analysis.changes: the babies of small areas that came into (gained) or left (lost) an "
                "operating team's catchment between the two dates, with the same population at both",
                needs_change=True),
    )
}


@dataclass(frozen=True)
class ColourClass:
    """A class of values: its label (what the legend and tooltip say) and its colour."""

    label: str
    colour: str


# --- classes ---------------------------------------------------------------------------------------


def classify(values: Sequence, measure: Measure, *,
             edges: Sequence[float] | None = None) -> tuple[list[ColourClass], list[ColourClass]]:
    """Each value's class, and the legend (every class in order, "no data" last if any value lacks one).

    Shares use fixed classes (0, under 25%, ... , 100%); counts a class for 0 and classes between
    ``edges`` (default :func:`nice_breaks` of the values); categories their own name.
    """
    values = list(values)
    missing = [v is None or (not isinstance(v, str) and pd.isna(v)) for v in values]
    if measure.kind == "share":
        legend = [ColourClass(label, colour) for (label, _, _), colour in zip(style.SHARE_CLASSES, measure.palette)]

        def pick(v: Any) -> ColourClass:
            return next(legend[i] for i, (_, test, _) in enumerate(style.SHARE_CLASSES) if test(v))
    elif measure.kind == "count":
        edges = list(nice_breaks(values, len(measure.palette)) if edges is None else edges)
        lows, highs = [0.0, *edges], [*edges, None]
        n = len(lows)
        legend = [ColourClass("0", style.ZERO_COLOUR)]
        for i, (low, high) in enumerate(zip(lows, highs)):
            colour = measure.palette[round(i * (len(measure.palette) - 1) / (n - 1)) if n > 1 else 0]
            legend.append(ColourClass(style.count_class_label(low, high), colour))

        def pick(v: Any) -> ColourClass:
            if v <= 0:
                return legend[0]
            return legend[1 + sum(v >= e for e in edges)]
    else:
        colours = {"foi_class": FOI_COLOURS, "ladder_level": LADDER_COLOURS,
                   "coverage_change": CHANGE_COLOURS}.get(measure.id, {})
        legend = [ColourClass(label, colour) for label, colour in colours.items()]
        by_label = {c.label: c for c in legend}

        def pick(v: Any) -> ColourClass:
            if v not in by_label:
                by_label[v] = ColourClass(str(v), style.UNLISTED_COLOUR)
                legend.append(by_label[v])
            return by_label[v]

    no_data = ColourClass(*NO_DATA)
    out = [no_data if m else pick(v) for v, m in zip(values, missing)]
    if measure.kind == "category" and not measure.needs_change:  # the change's four classes always show
        used = {c.label for c in out}
        # The ladder is a fixed scale: every level stays in the legend, even with no area at it.
        legend = [c for c in legend if c.label in used or (measure.needs_ladder and c.label != NO_SMALL_AREAS)]
    if any(missing):
        legend.append(no_data)
    return out, legend


def format_value(value, measure: Measure, *, estimated: bool = False) -> str:
    """A figure as the tooltip and tables print it: '75.0%', '4,932', a class name, or 'no data'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return NO_DATA[0]
    if measure.kind == "share":
        text = style.format_share(value)
    elif measure.kind == "count":
        text = style.format_count(value)
    else:
        text = str(value)
    return text + (" (estimate)" if estimated and measure.kind != "category" else "")


# --- area properties and GeoJSON -------------------------------------------------------------------


def _ladder_labels(gaps: pd.DataFrame, ladder: pd.DataFrame | None) -> pd.Series:
    if ladder is None:
        raise LadderError("the ladder measure needs the ladder table (mapping.analysis.ladder.compute_ladder)")
    labels = gaps[["code"]].merge(ladder[["code", "level_label"]], on="code", how="left")["level_label"]
    return labels.astype(object).where(labels.notna(), NO_SMALL_AREAS)


def change_classes(gaps: pd.DataFrame, change: pd.DataFrame | None) -> pd.Series:
    """Each area's class in the map of change (a label of style.CHANGE_STYLES), from the ``areas`` table of
    :func:`mapping.analysis.changes.compute_changes` joined by code."""
    if change is None:
        raise ChangesError("the change measure needs the map of change: choose an earlier date to compare with")
    joined = gaps[["code"]].merge(change[["code", "gained", "lost"]], on="code", how="left")
    gained, lost = joined["gained"].fillna(0) > 0.5, joined["lost"].fillna(0) > 0.5  # whole babies, not float dust
    keys = np.select([gained & lost, gained, lost], ["both", "gained", "lost"], "none")
    return pd.Series([style.CHANGE_STYLES[k].label for k in keys], index=gaps.index)


def change_text(gaps: pd.DataFrame, change: pd.DataFrame) -> list[str]:
    """Per area of ``gaps``, its babies gained, lost and net, in words."""
    joined = gaps[["code"]].merge(change[["code", "gained", "lost", "net"]], on="code", how="left").fillna(0)
    return [f"gained {g:,.0f}, lost {lo:,.0f} (net {n:+,.0f})"
            for g, lo, n in zip(joined["gained"], joined["lost"], joined["net"])]


def _births_of(gaps: pd.DataFrame, births: pd.DataFrame | None) -> pd.DataFrame:
    """``births`` and ``period`` per row of ``gaps`` (from :func:`boundaries.births.area_births`, joined by code)."""
    if births is None:
        raise PopulationError("the births measure needs the births per area (boundaries.births.area_births)")
    return gaps[["code"]].merge(births[["code", "births", "period"]], on="code", how="left")


def measure_values(gaps: pd.DataFrame, measure: Measure, foi: pd.DataFrame | None = None,
                   ladder: pd.DataFrame | None = None, change: pd.DataFrame | None = None,
                   births: pd.DataFrame | None = None) -> list:
    """The raw values a measure colours by, one per row of ``gaps`` (FOI classes, ladder levels or change classes
    joined by code)."""
    if measure.needs_change:
        return change_classes(gaps, change).tolist()
    if measure.needs_births:
        return _births_of(gaps, births)["births"].tolist()
    if measure.needs_foi:
        if foi is None:
            raise FoiError("the FOI measure needs FOI replies: load a replies file first")
        return gaps[["code"]].merge(foi[["code", "foi_class"]], on="code", how="left")["foi_class"].tolist()
    if measure.needs_ladder:
        return _ladder_labels(gaps, ladder).tolist()
    return gaps[measure.column].tolist()


def ladder_levels_text(row: pd.Series | dict, *, estimated: bool = False) -> str:
    """The babies aged 0-2 at each level of an area's ladder row, levels with none left out.

    E.g. ``"3: 7,561 (75.0%); unknown: 2,520 (25.0%)"``, from ``age0_2_<slug>`` and ``share_<slug>``.
    """
    parts = []
    for lv in LEVELS:
        babies, share = row[f"age0_2_{LEVEL_SLUGS[lv]}"], row[f"share_{LEVEL_SLUGS[lv]}"]
        if not pd.isna(babies) and babies > 0:
            parts.append(f"{lv}: {babies:,.0f}{' (estimate)' if estimated else ''} ({100 * share:.1f}%)")
    return "; ".join(parts) or "no babies aged 0-2"


def ladder_evidence_text(row: pd.Series | dict) -> str:
    """What the ladder found in an area: team ids, specialist areas and FOI reply ids, or "none found"."""
    parts = [f"{name}: {row[column]}" for name, column in (("teams", "teams"), ("specialists", "specialist_areas"),
                                                            ("FOI replies", "foi_reply_ids"))
             if isinstance(row[column], str) and row[column]]
    return "; ".join(parts) or "none found"


def area_properties(gaps: pd.DataFrame, measure: Measure, foi: pd.DataFrame | None = None,
                    ladder: pd.DataFrame | None = None, change: pd.DataFrame | None = None,
                    births: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per area, everything the tooltip shows and the style needs, as text (one row per area of ``gaps``).

    ``foi`` (``code, foi_class`` and optionally ``class_share``) is needed for the FOI measure, and
    ``ladder`` (:func:`mapping.analysis.ladder.compute_ladder`) for the ladder measure.
    Columns: code, name, nation, value (formatted), class (label), fill (colour), babies, uncovered,
    coverage, teams, nearest; for the ladder also levels (:func:`ladder_levels_text`) and evidence
    (:func:`ladder_evidence_text`).
    """
    frame = gaps.copy()
    if measure.needs_ladder:
        if ladder is None:
            raise LadderError("the ladder measure needs the ladder table (mapping.analysis.ladder.compute_ladder)")
        frame["level_label"] = _ladder_labels(gaps, ladder).to_numpy()
        rungs = gaps[["code"]].merge(ladder.drop(columns=[c for c in ("name", "nation", "age0_2", "estimated")
                                                          if c in ladder.columns]), on="code", how="left")
    if measure.needs_foi:
        if foi is None:
            raise FoiError("the FOI measure needs FOI replies: load a replies file first")
        keep = [c for c in ("code", "foi_class", "class_share") if c in foi.columns]
        frame = frame.drop(columns=[c for c in keep if c != "code" and c in frame.columns]).merge(
            foi[keep], on="code", how="left")
    if measure.needs_change:
        frame["change_class"] = change_classes(gaps, change).to_numpy()
    if measure.needs_births:
        born = _births_of(gaps, births)
        frame["births"], periods = born["births"].to_numpy(), born["period"].fillna("").tolist()
    raw = frame[measure.column].tolist()
    classes, _ = classify(raw, measure)
    estimated = frame["estimated"].astype(bool).tolist() if "estimated" in frame else [False] * len(frame)
    values = [format_value(v, measure, estimated=e) for v, e in zip(raw, estimated)]
    if measure.needs_foi and "class_share" in frame:
        values = [
            v if pd.isna(s) or s >= 0.999 else f"{v} ({100 * s:.0f}% of babies aged 0-2)"
            for v, s in zip(values, frame["class_share"])
        ]
    if measure.needs_births:  # each area's births with the 12 months they are for
        values = [f"{v} ({p})" if p else v for v, p in zip(values, periods)]
    if measure.needs_change:  # the class in words is the Class column; the value says the babies
        values = change_text(gaps, change if change is not None else pd.DataFrame(columns=["code"]))
    if measure.needs_ladder:  # a split area says how many of its babies are at its level
        values = [v if not split else f"{v} ({100 * s:.1f}% of babies aged 0-2)"
                  for v, s, split in zip(values, rungs["level_share"], rungs["split"].eq(True))]
    babies = [format_value(v, MEASURES["age0_2"], estimated=e) for v, e in zip(frame["age0_2"], estimated)]
    uncovered = [format_value(v, MEASURES["uncovered_age0_2"], estimated=e)
                 for v, e in zip(frame["uncovered_age0_2"], estimated)]
    nearest = [
        "" if pd.isna(name) or name is None else f"{name} ({km:,.0f} km from the area's centre)"
        for name, km in zip(frame.get("nearest_team_name", [None] * len(frame)),
                            frame.get("nearest_team_km", [np.nan] * len(frame)))
    ]
    coverage = [
        f"{c}: {100 * s:.1f}% of babies aged 0-2 covered" if not pd.isna(s) else str(c)
        for c, s in zip(frame["coverage"], frame["share_covered"])
    ]
    out = pd.DataFrame({
        "code": frame["code"].astype(str).values,
        "name": frame["name"].astype(str).values,
        "nation": frame["nation"].astype(str).values,
        "value": values,
        "class": [c.label for c in classes],
        "fill": [c.colour for c in classes],
        "babies": babies,
        "uncovered": uncovered,
        "coverage": coverage,
        "teams": [t if t else "none" for t in frame["team_names"].fillna("").astype(str)],
        "nearest": nearest,
    })
    if measure.needs_ladder:
        rows = rungs.to_dict("records")
        out["levels"] = [ladder_levels_text(r, estimated=e) if not pd.isna(r["level_share"]) else NO_SMALL_AREAS
                         for r, e in zip(rows, estimated)]
        out["evidence"] = [ladder_evidence_text(r) for r in rows]
    return out


# --- the map's layers, as data for its browser script ----------------------------------------------


UK_BOUNDS = [[49.86, -8.65], [60.86, 1.77]]


TOOLTIP_FIELDS = ("name", "code", "nation", "value", "class", "babies", "uncovered", "coverage", "teams", "nearest")
LADDER_TOOLTIP_FIELDS = ("name", "code", "nation", "value", "levels", "babies", "evidence", "teams")


def tooltip_fields(measure: Measure) -> tuple[list[str], list[str]]:
    """The area properties a measure's tooltip shows, and their labels."""
    if measure.needs_ladder:
        return list(LADDER_TOOLTIP_FIELDS), ["Area", "Code", "Nation", "Level (of most babies)",
                                             "Babies 0-2 by level", "Babies aged 0-2", "Evidence (ids)",
                                             "Serving teams"]
    return list(TOOLTIP_FIELDS), ["Area", "Code", "Nation", measure.label, "Class", "Babies aged 0-2",
                                  "Babies aged 0-2 with no team", "Coverage", "Serving teams", "Nearest team"]


# How every area is drawn (its fill colour is its class's) and how it looks under the pointer.
AREA_STYLE = {"color": "#555555", "weight": 0.6, "fillOpacity": 0.75}
AREA_HIGHLIGHT = {"weight": 2.5, "color": "#000000"}


def area_styles(properties: pd.DataFrame, measure: Measure) -> dict[str, list[str]]:
    """Per area code, its fill colour then the values of the tooltip's fields (:func:`tooltip_fields`), as
    text: all that :class:`AreasLayer` sends for a view besides the shapes."""
    fields, _ = tooltip_fields(measure)
    return {str(row["code"]): [str(row["fill"]), *(str(row[f]) for f in fields)]
            for row in properties.to_dict("records")}


# Shapes travel to the browser with their coordinates as whole steps of 1/STEPS_PER_DEGREE degree, each position
# as the step from the one before (a ring's first from 0): 41% of the bytes of GeoJSON's decimals for the UK's
# areas, and exact, since the web layers and the catchments are already on that grid (boundaries.catalogue
# WEB_GRID_DEG). The delta encoding of TopoJSON's arcs, without a library on either side: STEPS_JS undoes it.
STEPS_PER_DEGREE = 10_000
_STEPPED_DEPTH = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}


def stepped(geometry: dict) -> dict:
    """A GeoJSON geometry with its lines and rings as steps (``{"type", "steps"}``); points are kept as they are."""
    depth = _STEPPED_DEPTH.get(geometry["type"])
    if depth is None:
        return geometry

    def line(positions) -> list[int]:
        steps, x0, y0 = [], 0, 0
        for x, y, *_ in positions:
            x1, y1 = round(float(x) * STEPS_PER_DEGREE), round(float(y) * STEPS_PER_DEGREE)
            steps += [x1 - x0, y1 - y0]
            x0, y0 = x1, y1
        return steps

    return {"type": geometry["type"], "steps": _each_line(geometry["coordinates"], depth, line)}


def unstepped(geometry: dict) -> dict:
    """The GeoJSON geometry of :func:`stepped` (what :data:`STEPS_JS` makes in the browser)."""
    if "steps" not in geometry:
        return geometry

    def line(steps: list[int]) -> list[list[float]]:
        positions, x, y = [], 0, 0
        for i in range(0, len(steps), 2):
            x, y = x + steps[i], y + steps[i + 1]
            positions.append([x / STEPS_PER_DEGREE, y / STEPS_PER_DEGREE])
        return positions

    return {"type": geometry["type"], "coordinates": _each_line(geometry["steps"], _STEPPED_DEPTH[geometry["type"]], line)}


def _each_line(part: Any, depth: int, line: Callable[[Any], Any]) -> Any:
    """``line`` of each line (or ring) of a geometry's nested parts, ``depth`` lists above the lines."""
    return line(part) if depth == 0 else [_each_line(p, depth - 1, line) for p in part]


# The browser's :func:`unstepped`, for the map's script (webapp/map.js) and the benchmarks' static floor: a
# feature collection's geometries made GeoJSON again, in place (integer sums, then one division: the same
# numbers as the decimals they stand for).
STEPS_JS = """function (collection) {
    var depths = DEPTHS;
    function line(steps) {
        var positions = [], x = 0, y = 0;
        for (var i = 0; i < steps.length; i += 2) {
            x += steps[i];
            y += steps[i + 1];
            positions.push([x / PER_DEGREE, y / PER_DEGREE]);
        }
        return positions;
    }
    function walk(part, level) {
        return level === 0 ? line(part) : part.map(function (p) { return walk(p, level - 1); });
    }
    collection.features.forEach(function (feature) {
        var geometry = feature.geometry;
        if (geometry && geometry.steps) {
            feature.geometry = {type: geometry.type, coordinates: walk(geometry.steps, depths[geometry.type])};
        }
    });
    return collection;
}""".replace("DEPTHS", json.dumps(_STEPPED_DEPTH)).replace("PER_DEGREE", str(STEPS_PER_DEGREE))


# The one way every layer's tooltip is made: a table of text nodes (a label and a value per row), so no
# name, place or status from the data is ever read as HTML. Each layer's script calls it with its labels
# and one feature's values.
TEXT_TOOLTIP_JS = """function (labels, values) {
    var table = document.createElement("table");
    labels.forEach(function (label, i) {
        var row = table.insertRow(), head = document.createElement("th");
        head.textContent = label;
        row.appendChild(head);
        row.insertCell().textContent = values[i];
    });
    return table;
}"""


def text_layer(features: Iterable[tuple[dict, dict, Sequence[str]]], labels: Sequence[str], *, name: str,
               show: bool = True) -> dict[str, Any]:
    """Shapes (or points, drawn as circle markers) each with a Leaflet path style of its own and a tooltip of text
    nodes (:data:`TEXT_TOOLTIP_JS`): one layer of the map, as data for its script.

    ``features`` are (GeoJSON geometry, as it is or as :func:`stepped`, Leaflet path style, tooltip values) triples;
    the script undoes steps (:data:`STEPS_JS`) and draws either. Every value is a JSON string
    that the script only ever sets as text, so nothing in it is ever markup (the layer's name too: the script
    escapes it for Leaflet's layer list, which sets names as HTML).
    """
    return {"kind": "shapes", "name": str(name), "show": bool(show), "labels": [str(label) for label in labels],
            "data": {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": geometry,
                 "properties": {"style": dict(style), "tooltip": [str(v) for v in values]}}
                for geometry, style, values in features]}}


def areas_layer(shapes_url: str, properties: pd.DataFrame, measure: Measure) -> dict[str, Any]:
    """The areas filled by class, with their shapes fetched by the browser from ``shapes_url`` once per page.

    The shapes (GeoJSON features with a ``code`` property and their lines as steps, :func:`stepped`: about 0.45 MB
    for the UK, where GeoJSON's decimals took 1.1 MB) are the bulk of a map; the
    browser keeps them, parsed and drawn, for as long as the page is open, so a new measure, year or date sends
    only :func:`area_styles` (each area's colour and tooltip values) and the map restyles the areas it holds.
    Areas not in ``properties`` are not drawn. Once drawn, the page's body carries
    ``data-areas-drawn="<layer name>"`` (``"error"`` if the shapes could not be fetched, with a message on the
    map), so a browser test can wait for the drawing itself.
    """
    return {"kind": "areas", "name": f"Areas: {measure.label}", "show": True, "url": shapes_url,
            "labels": tooltip_fields(measure)[1], "areas": area_styles(properties, measure),
            "style": AREA_STYLE, "highlight": AREA_HIGHLIGHT}


def team_features(teams: pd.DataFrame) -> dict:
    """Team bases as a GeoJSON FeatureCollection (a dict) of points with the tooltip text and the marker
    style's status and grade, for :func:`team_markers` (the pack's frame of points is
    :func:`mapping.present.figures.team_points`).

    ``teams`` has team_id, name, status, evidence_grade, base_lon, base_lat, location_precision (and
    optionally ``from``). Only operating and in-development teams are kept (specialist areas are their own
    layer); a team without a base is left off the map (the pack refuses it). A row without a known grade
    (frames made by hand; the register requires one) is drawn as :data:`mapping.present.style.UNGRADED`.
    """
    features = []
    for row in teams.to_dict("records"):
        if row["status"] not in style.TEAM_MARKERS or pd.isna(row["base_lon"]) or pd.isna(row["base_lat"]):
            continue
        status = TeamStatus(row["status"])
        grade = row.get("evidence_grade")
        precision = row.get("location_precision", "")
        where = {"exact": "base address", "town": "base town",
                 "catchment centroid": "no base published: shown at the centre of its catchment",
                 }.get(precision, precision)
        since = row.get("from", "")
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [round(float(row["base_lon"]), 5), round(float(row["base_lat"]), 5)]},
            "properties": {
                "name": str(row["name"]),
                "status": f"{style.marker_symbol(status, grade)} {row['status']}" + (f" (since {since})" if since else ""),
                "evidence": style.grade_shape(grade).evidence,
                "location": str(where),
                "style": row["status"],
                "marker": marker_key(status, grade),
            },
        })
    return {"type": "FeatureCollection", "features": features}


# Draws one team's marker: an SVG made element by element (createElementNS, setAttribute) from the map's table of
# marker drawings (:data:`TEAM_STYLES`, style values only), looked up by the feature's key; no value of the data is
# ever part of it. Each marker is a Leaflet marker, so it takes the keyboard's focus (Tab) and its tooltip opens
# on focus as on hover, above the marker (centred, so on a phone it does not run off the screen's right edge).
MARKER_JS = """function (specs, feature, latlng) {
    var key = feature.properties.marker;
    if (!Object.prototype.hasOwnProperty.call(specs, key)) { return L.circleMarker(latlng); }
    var spec = specs[key], ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", spec.box);
    svg.setAttribute("height", spec.box);
    svg.setAttribute("viewBox", "0 0 " + spec.box + " " + spec.box);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.style.display = "block";
    spec.under.concat([spec.attrs]).forEach(function (attrs) {
        var mark = document.createElementNS(ns, spec.tag);
        Object.keys(attrs).forEach(function (name) { mark.setAttribute(name, attrs[name]); });
        svg.appendChild(mark);
    });
    var icon = L.divIcon({html: svg, className: "pimap-team-marker", iconSize: [spec.box, spec.box],
                          iconAnchor: [spec.box / 2, spec.box / 2], tooltipAnchor: [0, -spec.box / 2]});
    var marker = L.marker(latlng, {icon: icon, keyboard: true, riseOnHover: true});
    marker.on("add", function () {
        var element = marker.getElement();
        L.DomEvent.on(element, "focus", function () { marker.openTooltip(); });
        L.DomEvent.on(element, "blur", function () { marker.closeTooltip(); });
    });
    return marker;
}"""


TEAM_TOOLTIP = (("name", "Team"), ("status", "Status"), ("evidence", "Evidence"), ("location", "Location"))


def team_layer(teams: pd.DataFrame) -> dict[str, Any]:
    """Team bases in one layer, each drawn by :data:`MARKER_JS`: its shape the evidence grade (circle: named by the
    Foundation, square: described by the body running it, triangle: only a mention) and its fill the status
    (filled: operating, hollow and dashed: in development). A feature carries only its marker's key and its
    tooltip's text; the drawings are one table (:data:`TEAM_STYLES`) that travels with the layer, so a marker's
    shape and colours come from the style alone (and a view without team bases carries no drawings)."""
    features = [{"type": "Feature", "geometry": f["geometry"],
                 "properties": {"marker": f["properties"]["marker"],
                                "tooltip": [str(f["properties"][k]) for k, _ in TEAM_TOOLTIP]}}
                for f in team_features(teams)["features"]]
    return {"kind": "teams", "name": TEAM_LAYER_NAME, "show": True, "labels": [label for _, label in TEAM_TOOLTIP],
            "markers": TEAM_STYLES, "data": {"type": "FeatureCollection", "features": features}}


def catchment_shapes(teams: pd.DataFrame, load_layer: Callable[[str], gpd.GeoDataFrame], *,
                     tolerance: float = 0.002) -> gpd.GeoDataFrame:
    """One outline per team: the union of its catchment areas, lightly simplified for the web.

    ``load_layer(geography_id)`` returns a GeoDataFrame with ``code`` and ``geometry`` (EPSG:4326),
    normally the simplified web layer. Teams with the same catchment share one union.
    """
    import geopandas as gpd
    import shapely

    from mapping.inputs.teams import parse_catchment

    layers: dict[str, gpd.GeoDataFrame] = {}
    unions: dict[str, object] = {}
    rows = []
    for row in teams.itertuples(index=False):
        text = row.catchment
        if text not in unions:
            pieces = []
            for geography, code in parse_catchment(text):
                if geography not in layers:
                    layers[geography] = load_layer(geography).set_index("code")
                pieces.append(layers[geography].geometry.loc[code])
            merged = shapely.union_all(pieces)
            unions[text] = shapely.set_precision(merged.simplify(tolerance), 1e-4) if tolerance else merged
        rows.append({"team_id": row.team_id, "name": row.name, "status": row.status, "geometry": unions[text]})
    return gpd.GeoDataFrame(rows, columns=["team_id", "name", "status", "geometry"], geometry="geometry",
                            crs=WGS84)


def catchment_layer(shapes: gpd.GeoDataFrame, *, name: str, style: dict, show: bool = True) -> dict[str, Any]:
    """Catchments (or specialist areas) as outlines with the team's name and status in the tooltip."""
    geometries = [stepped(f["geometry"]) for f in json.loads(shapes[["geometry"]].to_json(drop_id=True))["features"]]
    features = [(geometry, dict(style), [str(n), str(s)])
                for geometry, n, s in zip(geometries, shapes["name"], shapes["status"])]
    return text_layer(features, ["Team or area", "Status"], name=name, show=show)


# --- legend --------------------------------------------------------------------------------------


def legend_html(title: str | None, classes: Sequence[ColourClass], *, markers: bool = True) -> str:
    """The legend as HTML: a swatch and a text label per class, then the marker and outline keys."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;background:{c.colour};'
        f'border:1px solid #555;margin-right:6px;vertical-align:middle"></span>{html.escape(c.label)}</div>'
        for c in classes
    )
    keys = ""
    if markers:
        keys = _marker_keys()
        keys += _line_key(style.CATCHMENT_LINES[TeamStatus.OPERATING], "team catchment")
        keys += _line_key(style.CATCHMENT_LINES[TeamStatus.IN_DEVELOPMENT], "catchment of a team in development")
        keys += _line_key(style.SPECIALIST_LINE, "CAMHS specialist practitioners, no team")
    return (
        '<div class="pimap-legend" style="background:rgba(255,255,255,0.92);padding:8px 10px;'
        'font:12px/1.5 sans-serif;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,0.3);max-width:260px">'
        f"{f'<b>{html.escape(title)}</b>' if title else ''}{rows}{keys}</div>"
    )


def marker_svg(key: str) -> str:
    """One marker as SVG markup, drawn from :data:`TEAM_STYLES` as the map's script draws it (for the legend)."""
    spec = TEAM_STYLES[key]
    marks = "".join("<{} {}/>".format(spec["tag"], " ".join(f'{name}="{html.escape(value)}"'
                                                            for name, value in attrs.items()))
                    for attrs in [*spec["under"], spec["attrs"]])
    box = spec["box"]
    return (f'<svg width="{box}" height="{box}" viewBox="0 0 {box} {box}" aria-hidden="true" '
            f'style="vertical-align:middle">{marks}</svg>')


def _marker_keys() -> str:
    """The team markers' legend: the fill of each status (on the circle) and the shape of each grade (filled),
    as two keys, each drawn as the map draws that marker, with its words."""
    foundation = next(iter(style.GRADE_SHAPES))
    operating = next(iter(style.TEAM_MARKERS))
    caption = '<div style="margin-top:6px;font-style:italic">{}</div>'.format
    rows = caption("Team bases: the fill is the status")
    rows += "".join(f"<div>{marker_svg(marker_key(status, foundation))} {html.escape(m.label)} "
                    f"({html.escape(m.shape)})</div>" for status, m in style.TEAM_MARKERS.items())
    rows += caption("the shape is who says it is a team")
    rows += "".join(f"<div>{marker_svg(marker_key(operating, grade))} {html.escape(g.label)}</div>"
                    for grade, g in style.GRADE_SHAPES.items())
    return rows + '<div style="margin-top:6px"></div>'


def _line_key(line: style.LineStyle, label: str) -> str:
    """A line's legend entry: a square outline in the line's colour and dash, and its words."""
    dash = line.dash_array(LINE_WEIGHT)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return ('<div><svg width="16" height="16"><rect x="2" y="2" width="12" height="12" fill="none" '
            f'stroke="{line.colour}" stroke-width="{LINE_WEIGHT}"{dashed}/></svg> {html.escape(label)}</div>')


# --- putting it together -------------------------------------------------------------------------


def nation_bounds(areas, nation: str | None) -> list[list[float]] | None:
    """[[south, west], [north, east]] of a nation's areas (all areas when ``nation`` is None)."""
    chosen = areas if not nation else areas[areas["nation"] == nation]
    if len(chosen) == 0:
        return None
    west, south, east, north = chosen.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def team_overlays(teams: pd.DataFrame | None = None, *, catchments=None, specialists=None) -> list[dict[str, Any]]:
    """The layers over the areas, bottom first: the catchments of operating teams and of teams in development,
    CAMHS specialist areas, then the team bases. They change with the teams and the date, never with the
    measure, so the app sends them to a page once (:func:`map_spec`'s ``overlays``)."""
    layers = []
    if catchments is not None and len(catchments):
        in_dev = catchments["status"] == TeamStatus.IN_DEVELOPMENT
        layers.append(catchment_layer(catchments[~in_dev], name="Team catchments (operating)",
                                      style=CATCHMENT_STYLES[TeamStatus.OPERATING]))
        if in_dev.any():
            layers.append(catchment_layer(catchments[in_dev], name="Team catchments (in development)",
                                          style=CATCHMENT_STYLES[TeamStatus.IN_DEVELOPMENT]))
    if specialists is not None and len(specialists):
        layers.append(catchment_layer(specialists, name="CAMHS specialist practitioners, no team",
                                      style=SPECIALIST_STYLE))
    if teams is not None:
        layers.append(team_layer(teams))
    return layers


def map_spec(layers: Sequence[dict[str, Any]], bounds: Sequence[Sequence[float]], *, label: str,
             padding: int = 10, clickable: bool = False) -> dict[str, Any]:
    """Everything the map's script draws (webapp/map.js), as JSON-ready data: the layers, bottom first, the bounds
    to fit ([[south, west], [north, east]], with ``padding`` pixels to spare), the map's name for screen readers,
    and whether a click on an area is sent back (to open its profile). The app may add ``overlays``, layers drawn
    above these that a page receives only once (webapp.mapview)."""
    return {"layers": list(layers), "bounds": [[float(v) for v in corner] for corner in bounds],
            "padding": int(padding), "label": str(label), "clickable": bool(clickable)}
