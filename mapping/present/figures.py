"""Publication maps and charts: frames in, matplotlib Figures out.

Static figures go into reports and slides, so they are drawn for the page: A4 portrait for print
and 16:9 for slides, every map in British National Grid (EPSG:27700, which also places Northern
Ireland correctly), Shetland and Orkney in an inset instead of cropped, and London and Greater
Manchester (where most teams cluster) enlarged. Classes are told apart by colour *and* hatching
and named in the legend, so nothing depends on colour alone. Every colour, hatch, marker and line
comes from :mod:`mapping.present.style`, the vocabulary the web map shares.

:func:`class_map` draws any per-area categorical column with its own labels, colours and hatches
in one call; the coverage and FOI maps are two uses of it. Nothing here reads files or saves:
:mod:`mapping.report` does that. Figures are ``matplotlib.figure.Figure`` objects made without
pyplot, so no global state is touched and nothing needs closing.

The page-layout API (:func:`new_figure`, :func:`title_block`, :func:`footer`, :func:`chart_axes`,
:func:`draw_classes`, :func:`frame_map`, :func:`class_legend_handles`, text measuring with
:func:`text_width` and :func:`wrap_text`, ...) is public so that other pages of the pack
(:mod:`mapping.report.ladder`) are laid out by the same rules: draw the title block and footer first,
measure them, then give the map or chart the room left between them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.crs import PRINT_MAP, WGS84
from mapping.errors import FoiError, TeamsFileError
from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, TeamStatus
from mapping.present.style import (
    AREA_EDGE,
    CATCHMENT_LINES,
    COAST,
    COAST_LINE_LABEL,
    COVERAGE_STYLES,
    FLAG,
    FOI_STYLES,
    GRADE_SHAPES,
    GRID,
    INK,
    MUTED,
    SEA,
    SERIES,
    TEAM_MARKERS,
    UNGRADED,
    ClassStyle,
    GradeShape,
    grade_shape,
)

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from mapping.analysis.growth import VisionTargets

__all__ = [
    "SIZES",
    "RC",
    "ClassStyle",
    "FigureText",
    "Inset",
    "INSETS",
    "NORTHERN_ISLES",
    "COVERAGE_STYLES",
    "FOI_STYLES",
    "MARGIN",
    "INK",
    "MUTED",
    "team_points",
    "catchment_outlines",
    "class_map",
    "coverage_map",
    "nation_gap_chart",
    "teams_by_year_chart",
    "foi_share_chart",
    "growth_chart_years",
    "growth_chart_text",
    "growth_target_label",
    # page layout, for every page of the pack
    "new_figure",
    "measuring_renderer",
    "text_width",
    "wrap_text",
    "figure_extent",
    "title_block",
    "footer",
    "padded_bounds",
    "clip_to_bounds",
    "nation_outlines",
    "draw_classes",
    "frame_map",
    "class_legend_handles",
    "team_marker_handle",
    "grade_key_label",
    "key_legend",
    "chart_font",
    "chart_axes",
]

Size = Literal["a4", "slide"]
NATION_ORDER: tuple[str, ...] = UK_NATIONS

# Page sizes in inches: maps and tall charts fill an A4 portrait page; short charts take half of
# one (A5 landscape, the width of an A4 page); slides are 16:9 at PowerPoint's default 13.33 in.
SIZES: dict[str, tuple[float, float]] = {"a4": (8.27, 11.69), "a4-half": (8.27, 5.83), "slide": (13.333, 7.5)}

# matplotlib settings for every figure (applied with ``mpl.rc_context(RC)`` when drawing and saving):
# fixed fonts and hatch weight, and an SVG hash salt so ids do not change between runs.
# ``text.parse_math`` off: every text in a figure (titles, area and team names, legend labels, ticks) is
# drawn as the text it is, so a name with two dollar signs is never set as mathtext (nor one such as
# "$\\x$" refused with a ParseError). This is the one rule for every figure's text: every figure is drawn
# under this context (here, in mapping.report.ladder and mapping.report).
RC: dict[RcKeyType, Any] = {
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "hatch.linewidth": 0.6,
    "svg.hashsalt": "pimap",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class FigureText:
    """The words around a figure: title, subtitle, a data-date/source note, the attribution line."""

    title: str
    subtitle: str = ""
    note: str = ""
    attribution: str = ""
    flag: str = ""  # a warning shown boxed in red at the top right, e.g. "SYNTHETIC TEST DATA"


@dataclass(frozen=True)
class Inset:
    """An enlarged part of the map: a name and its bounds in EPSG:27700 (xmin, ymin, xmax, ymax)."""

    name: str
    bounds: tuple[float, float, float, float]


# Bounding boxes of the 33 London boroughs and the 10 Greater Manchester districts (lad2018, full
# resolution, EPSG:27700), widened by 2 km so their edges are not on the frame; a test checks them.
INSETS: tuple[Inset, ...] = (
    Inset("London", (501_600.0, 153_800.0, 564_000.0, 203_000.0)),
    Inset("Greater Manchester", (349_600.0, 379_100.0, 408_100.0, 423_100.0)),
)
# Polygons (parts) whose centroid lies north and east of this point are Orkney and Shetland: they
# go into their own inset so the main map can stop at the north coast of mainland Scotland.
# Uninhabited North Rona and Sula Sgeir (west of x) are the only other land north of y; they fall
# outside the main map's frame.
NORTHERN_ISLES: tuple[float, float] = (300_000.0, 980_000.0)

# Catchment edges in print: the style's line at this width (points), scaled on insets.
CATCHMENT_WIDTH = 0.7


# --- data preparation -------------------------------------------------------------------------------


def team_points(teams: pd.DataFrame, statuses: Sequence[str] = TEAM_MARKER_STATUSES) -> gpd.GeoDataFrame:
    """Team bases as points (EPSG:4326), one per team, for the statuses that are drawn.

    ``teams`` is the teams frame (``team_id``, ``name``, ``status``, ``evidence_grade``, ``base_lon``,
    ``base_lat``); a team without a base cannot be drawn, so that is an error rather than a silent omission
    (:class:`mapping.errors.TeamsFileError`). The grade gives the marker's shape; a frame without the
    column (made by hand: the register requires it) gets an empty grade, drawn as
    :data:`mapping.present.style.UNGRADED`. The web map's markers are built on the same rows
    (:func:`mapping.present.webmap.team_features`).
    """
    chosen = teams[teams["status"].isin(statuses)].drop_duplicates("team_id").sort_values("team_id")
    missing = chosen[chosen["base_lon"].isna() | chosen["base_lat"].isna()]
    if len(missing):
        raise TeamsFileError(f"teams without a base cannot be drawn: {', '.join(missing['team_id'])}; "
                             "give each a base_lon and base_lat")
    grades = chosen["evidence_grade"] if "evidence_grade" in chosen else pd.Series("", index=chosen.index)
    return gpd.GeoDataFrame(
        chosen[["team_id", "name", "status"]].assign(evidence_grade=grades.fillna("").astype(str))
        .reset_index(drop=True),
        geometry=gpd.points_from_xy(chosen["base_lon"], chosen["base_lat"]),
        crs=WGS84,
    )


def catchment_outlines(catchments: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Each team's catchment as one shape (EPSG:27700): its areas dissolved, whatever their geographies.

    ``catchments`` has ``team_id``, ``geography``, ``code`` (``mapping.inputs.teams.catchment_table``);
    ``layers`` maps each geography id to its boundaries (``code``, ``geometry``, any CRS).
    """
    pieces = []
    for geography, group in catchments.groupby("geography", sort=True):
        if geography not in layers:
            raise ValueError(f"no boundary layer given for catchment geography {geography!r}")  # a caller's slip
        layer = layers[geography].to_crs(PRINT_MAP)
        merged = group[["team_id", "code"]].merge(layer[["code", "geometry"]], on="code", how="left")
        lost = merged[merged["geometry"].isna()]
        if len(lost):
            raise TeamsFileError(f"{geography}: no boundary for {', '.join(sorted(set(lost['code'])))}; "
                                 "correct the teams' catchments")
        pieces.append(merged[["team_id", "geometry"]])
    if not pieces:
        return gpd.GeoDataFrame({"team_id": pd.Series(dtype=str)}, geometry=gpd.GeoSeries([], crs=PRINT_MAP))
    frame = gpd.GeoDataFrame(pd.concat(pieces, ignore_index=True), geometry="geometry", crs=PRINT_MAP)
    # A small buffer-and-back closes the slivers between neighbouring areas from different layers.
    shapes = frame.groupby("team_id", sort=True)["geometry"].apply(
        lambda g: shapely.union_all(shapely.buffer(g.values, 30.0)).buffer(-30.0)
    )
    return gpd.GeoDataFrame({"team_id": shapes.index}, geometry=list(shapes.values), crs=PRINT_MAP)


# --- layout --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MapLayout:
    """Where things go on one page size, in figure fractions unless said otherwise.

    The title block, footer and legend are drawn first and measured; the main map then takes the
    space left between them, so long titles or legends can never overlap the map.
    """

    legend: Literal["bottom", "right"]
    map_x: tuple[float, float]  # left and right edge of the main map's box
    anchor: str  # where the main map sits in its box (its aspect is fixed)
    # a4: insets stacked in this region of the main map's own coordinates (EPSG:27700): the sea
    # west of Wales and Cornwall and south of Northern Ireland, from the page margin to x_max.
    inset_region: tuple[float, float, float] | None = None  # (x_max, y_min, y_max)
    # slide: insets stacked in a column between the map and the legend: (left, width).
    inset_column: tuple[float, float] | None = None
    legend_columns: int = 1
    font: float = 8.5  # base font size in points
    marker: float = 16  # team marker size on the main map (points^2)


_MAP_LAYOUTS: dict[str, _MapLayout] = {
    "a4": _MapLayout(legend="bottom", map_x=(0.03, 0.97), anchor="NE",
                     inset_region=(150_000.0, 30_000.0, 445_000.0), legend_columns=2, font=8.5, marker=16),
    "slide": _MapLayout(legend="right", map_x=(0.015, 0.375), anchor="NW", inset_column=(0.335, 0.33),
                        legend_columns=1, font=11.0, marker=20),
}
MARGIN = 0.03  # left margin of text, as a fraction of the figure's width


def _layout(size: str) -> _MapLayout:
    try:
        return _MAP_LAYOUTS[size]
    except KeyError:
        raise ValueError(f"size must be one of {sorted(_MAP_LAYOUTS)}, not {size!r}") from None


def new_figure(size: str) -> Figure:
    """A blank white page of one of :data:`SIZES` (``"a4"``, ``"a4-half"``, ``"slide"``), made without pyplot."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    return Figure(figsize=SIZES[size], facecolor="white")


def measuring_renderer(fig: Figure) -> RendererAgg:
    """An Agg renderer to measure text with before saving (:func:`_measurer` at the figure's dpi). It is kept
    off the figure's canvas: with an Agg canvas attached, every geopandas ``plot`` call would redraw the whole
    figure. Measuring depends on the dpi alone, not the page, so figures share one renderer per dpi: no
    page-sized buffer is made to measure with, and matplotlib's cache of text sizes (kept per renderer) serves
    every figure of a pack, whose maps repeat their notes and keys."""
    return _measurer(fig.dpi)


@lru_cache(maxsize=8)
def _measurer(dpi: float) -> RendererAgg:
    """One tiny Agg renderer per dpi to measure text with (it holds no state but its dpi)."""
    return RendererAgg(1, 1, dpi)


@lru_cache(maxsize=65536)
def _text_px(text: str, font: float, weight: str, dpi: float) -> float:
    """Width of one line of text in pixels at ``dpi``, measured by Agg as it will be drawn (cached: long
    tables measure the same names at every font size they try)."""
    from matplotlib.font_manager import FontProperties

    props = FontProperties(family=RC["font.family"], size=font, weight=weight)
    return _measurer(dpi).get_text_width_height_descent(text, props, ismath=False)[0]


def text_width(fig: Figure, text: str, font: float, weight: str = "normal") -> float:
    """Width of one line of text at ``font`` points as a fraction of the figure's width, measured as
    Agg draws it (columns of a table are sized by this, so nothing runs into its neighbour)."""
    return _text_px(text, font, weight, fig.dpi) / (fig.get_figwidth() * fig.dpi)


def wrap_text(fig: Figure, text: str, font: float, width: float, weight: str = "normal") -> str:
    """Text broken at spaces into lines that fit ``width`` (a fraction of the figure's width) at ``font``
    points, measured as drawn (so a line never runs off the page whatever its letters). No-break spaces
    keep words together."""
    limit = fig.get_figwidth() * fig.dpi * width

    def fits(line: str) -> bool:
        return _text_px(line, font, weight, fig.dpi) <= limit

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and not fits(candidate):
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def figure_extent(fig: Figure, artist: Artist) -> tuple[float, float, float, float]:
    """An artist's bounding box in figure fractions (x0, y0, x1, y1), measured before saving, so the
    next block of a page can be placed below (or above) it."""
    box = artist.get_window_extent(measuring_renderer(fig)).transformed(fig.transFigure.inverted())
    return box.x0, box.y0, box.x1, box.y1


def title_block(fig: Figure, text: FigureText, *, font: float, x: float = MARGIN, width: float = 0.94) -> float:
    """Title, subtitle and any warning flag at the top of the page, wrapped to ``width`` from ``x``
    (figure fractions); returns the lowest point they reach (figure fraction): the top of the room left."""
    top = 1 - 0.3 / fig.get_figheight()
    flag = None
    if text.flag:
        flag = fig.text(1 - x, top, text.flag, ha="right", va="top", fontsize=font, fontweight="bold",
                        color=FLAG, bbox={"boxstyle": "square,pad=0.35", "facecolor": "white",
                                          "edgecolor": FLAG, "linewidth": 1.2})
        top -= (figure_extent(fig, flag)[3] - figure_extent(fig, flag)[1]) + 0.12 / fig.get_figheight()
    title = fig.text(x, top, wrap_text(fig, text.title, font * 1.75, width, "bold"), ha="left", va="top",
                     fontsize=font * 1.75, fontweight="bold", color=INK, linespacing=1.15)
    bottom = figure_extent(fig, title)[1]
    if text.subtitle:
        sub = fig.text(x, bottom - 0.08 / fig.get_figheight(), wrap_text(fig, text.subtitle, font * 1.12, width),
                       ha="left", va="top", fontsize=font * 1.12, color=INK, linespacing=1.3)
        bottom = figure_extent(fig, sub)[1]
    return bottom


def footer(fig: Figure, text: FigureText, *, font: float, x: float = MARGIN, width: float = 0.94) -> float:
    """Data note and attribution at the bottom of the page; returns the highest point they reach (figure
    fraction): the bottom of the room left (0 when the text has neither)."""
    lines = [wrap_text(fig, t, font * 0.78, width) for t in (text.note, text.attribution) if t]
    if not lines:
        return 0.0
    foot = fig.text(x, 0.15 / fig.get_figheight(), "\n".join(lines), ha="left", va="bottom", fontsize=font * 0.78,
                    color=MUTED, linespacing=1.35)
    return figure_extent(fig, foot)[3]


# --- maps ------------------------------------------------------------------------------------------------


def _parts(areas: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Areas exploded to single polygons in EPSG:27700, split into (main map, Orkney and Shetland), each polygon
    with its area's columns. The polygons are made once for the same shapes (:data:`_PARTS`)."""
    geoms, rows, isles = _part_shapes(areas)
    columns = areas.drop(columns=areas.geometry.name).iloc[rows].reset_index(drop=True)
    parts = gpd.GeoDataFrame(columns, geometry=geoms, crs=PRINT_MAP)
    return parts[~isles].reset_index(drop=True), parts[isles].reset_index(drop=True)


# Areas' polygons in EPSG:27700 already made, by _shapes_key of the areas: (polygons, the row of the area each
# comes from, whether each is on Orkney or Shetland). A pack draws the same UK areas on several maps, each at two
# sizes, so the same polygons are drawn again and their matplotlib patches are made once (_PATCHES). A few are
# kept (each the size of one layer).
_PARTS: OrderedDict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
_PARTS_KEPT = 4


def _part_shapes(areas: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    key = _shapes_key(areas)
    cached = _PARTS.get(key)
    if cached is None:
        shapes = gpd.GeoSeries(np.asarray(areas.geometry.values), crs=areas.crs).to_crs(PRINT_MAP)
        exploded = shapes.explode(index_parts=False)
        centre = exploded.centroid
        isles = ((centre.x > NORTHERN_ISLES[0]) & (centre.y > NORTHERN_ISLES[1])).to_numpy()
        cached = (np.asarray(exploded.values), exploded.index.to_numpy(), isles)
        _PARTS[key] = cached
        if len(_PARTS) > _PARTS_KEPT:
            _PARTS.popitem(last=False)
            _PATCHES.clear()  # only the kept polygons' patches are kept
            for kept in _PARTS.values():
                _register_patches(kept[0])
        else:
            _register_patches(cached[0])
    _PARTS.move_to_end(key)
    return cached


# The matplotlib patch of each cached polygon (_PARTS), made the first time geopandas draws it, by geopandas' own
# _PolygonPatch, so it is the patch geopandas would make: geopandas makes a patch per polygon per map, much of the
# time of drawing one. geopandas draws each polygon normalised, so the patches are kept by the normalised polygon's
# WKB (the same bytes: the same rings, so the same patch). A collection only reads a patch's path, so one patch
# serves every map of the polygon.
_PATCHES: dict[bytes, Any] = {}
_patches_installed = False


def _register_patches(polygons: np.ndarray) -> None:
    for wkb in shapely.to_wkb(shapely.normalize(polygons)):
        _PATCHES.setdefault(wkb, None)


def _install_polygon_patches() -> None:
    """Wrap geopandas' patch maker once, so the cached polygons' patches are made once (others as before)."""
    global _patches_installed
    if _patches_installed:
        return
    from geopandas import plotting

    original = getattr(plotting, "_PolygonPatch", None)
    if original is None:  # another geopandas: patches are made as it makes them
        return

    def _PolygonPatch(polygon: Any, **kwargs: Any) -> Any:  # noqa: N802 - geopandas' name
        key = polygon.wkb
        if kwargs or key not in _PATCHES:
            return original(polygon, **kwargs)
        patch = _PATCHES[key]
        if patch is None:
            patch = _PATCHES[key] = original(polygon)
        return patch

    plotting._PolygonPatch = _PolygonPatch
    _patches_installed = True


def _shapes_key(areas: gpd.GeoDataFrame) -> str:
    """A digest of the areas' nations and shapes (their CRS, each nation and each geometry's WKB, in order)."""
    digest = hashlib.sha256(str(areas.crs).encode())
    digest.update("\x1f".join(map(str, areas["nation"])).encode())
    for wkb in shapely.to_wkb(np.asarray(areas.geometry.values)):
        digest.update(len(wkb).to_bytes(8, "little"))
        digest.update(wkb)
    return digest.hexdigest()


# Nation outlines already dissolved, by _shapes_key of their areas: a pack draws the same UK areas on several
# maps, each at two sizes, and dissolving them is most of a map's preparation. A few are kept (each is the
# size of one layer).
_NATIONS: OrderedDict[str, gpd.GeoDataFrame] = OrderedDict()
_NATIONS_KEPT = 4


def nation_outlines(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each nation of ``areas`` (``nation``, ``geometry``, any CRS) as one shape in EPSG:27700 (``nation``,
    ``geometry``; nations in name order): the areas dissolved. Dissolved once for the same areas (by their
    shapes, not the frame), so every map of them has the same outlines, computed once."""
    key = _shapes_key(areas)
    nations = _NATIONS.get(key)
    if nations is None:
        nations = areas[["nation", "geometry"]].to_crs(PRINT_MAP).dissolve("nation").reset_index()
        _NATIONS[key] = nations
        while len(_NATIONS) > _NATIONS_KEPT:
            _NATIONS.popitem(last=False)
    _NATIONS.move_to_end(key)
    return nations.copy()


def clip_to_bounds(frame: gpd.GeoDataFrame, bounds: Sequence[float]) -> gpd.GeoDataFrame:
    """Only the shapes that reach into ``bounds`` (xmin, ymin, xmax, ymax in the frame's CRS): an inset
    draws only these, which is much faster at 300 dpi. Shapes are kept whole, not cut."""
    if frame.empty:
        return frame
    box = shapely.box(*bounds)
    return frame[frame.geometry.intersects(box)]


def draw_classes(ax: Axes, parts: gpd.GeoDataFrame, column: str, styles: Mapping[str, ClassStyle],
                  nations: gpd.GeoDataFrame, *, edge_width: float, coast_width: float) -> None:
    """Fill each area of ``parts`` with its class's colour and hatch (``styles[value of column]``), then
    the area edges in white (``edge_width`` points) and the coast and national borders (``coast_width``)
    from ``nations``. Values without a style are not drawn: :func:`class_map` refuses them first."""
    _install_polygon_patches()
    for value, style in styles.items():
        chosen = parts[parts[column] == value]
        if chosen.empty:
            continue
        # Edge colour is the hatch colour; the edges themselves are drawn once below, in white.
        chosen.plot(ax=ax, facecolor=style.colour, edgecolor=style.hatch_colour, linewidth=0.0,
                    hatch=style.hatch or None)
    if not parts.empty:
        parts.boundary.plot(ax=ax, color=AREA_EDGE, linewidth=edge_width)
    if not nations.empty:
        nations.boundary.plot(ax=ax, color=COAST, linewidth=coast_width)


def _draw_teams(ax: Axes, points: gpd.GeoDataFrame | None, outlines: gpd.GeoDataFrame | None,
                *, marker_size: float, line_scale: float, font: float, number_shared: bool = True) -> None:
    """Catchment edges, then team bases. With ``number_shared``, teams sharing a base become one larger
    marker with their number (the insets); on the UK map that marker would cover its neighbours."""
    if outlines is not None and not outlines.empty:
        line = CATCHMENT_LINES[TeamStatus.OPERATING]  # the pack draws operating teams' catchments
        outlines.boundary.plot(ax=ax, color=line.colour, linestyle=line.mpl_linestyle(),
                               linewidth=CATCHMENT_WIDTH * line_scale)
    if points is None or points.empty:
        return
    xy = pd.DataFrame({"x": points.geometry.x.round(0), "y": points.geometry.y.round(0),
                       "status": points["status"].to_numpy(), "shape": [grade_shape(g) for g in _grades(points)]})
    for status, spec in TEAM_MARKERS.items():
        for shape in dict.fromkeys(xy.loc[xy["status"] == status, "shape"]):
            chosen = xy[(xy["status"] == status) & (xy["shape"] == shape)].groupby(
                ["x", "y"], sort=True).size().rename("n").reset_index()
            shared = (chosen["n"] > 1) & number_shared
            # Shapes are sized to cover about the same area (GradeShape.scale), so no grade looks weightier.
            sizes = np.where(shared, marker_size * 2.4, marker_size) * shape.scale ** 2
            # A ring (a hollow marker) is drawn thicker and solid: at print sizes a dash would not show.
            ax.scatter(chosen["x"], chosen["y"], s=sizes, marker=shape.mpl_marker, facecolor=spec.fill,
                       edgecolor=spec.edge, linewidth=(1.4 if spec.hollow else 0.9) * line_scale ** 0.5, zorder=5,
                       label=f"{spec.label}, {shape.label}")
            for row in chosen[shared].itertuples():
                ax.text(row.x, row.y, str(row.n), ha="center", va="center", fontsize=font * 0.75,
                        fontweight="bold", color=spec.number_colour, zorder=6)


def _grades(points: gpd.GeoDataFrame) -> pd.Series:
    """The points' evidence grades (empty when the frame has none: drawn as not recorded)."""
    return points["evidence_grade"] if "evidence_grade" in points else pd.Series("", index=points.index)


def _halo(width: float = 2.2) -> list:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white")]


def frame_map(ax: Axes, bounds: Sequence[float], title: str | None, font: float) -> None:
    """Set a map axes to ``bounds`` at equal aspect, without ticks, on the sea colour, framed in grey,
    with ``title`` (an inset's name) at its top left in bold."""
    xmin, ymin, xmax, ymax = bounds
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(MUTED)
        spine.set_linewidth(0.8)
    ax.set_facecolor(SEA)
    if title:
        ax.set_title(title, fontsize=font, loc="left", color=INK, pad=3, fontweight="bold")


def padded_bounds(bounds: Sequence[float], pad: float) -> tuple[float, float, float, float]:
    """``bounds`` (xmin, ymin, xmax, ymax) widened by ``pad`` on every side, so no edge is on the frame."""
    xmin, ymin, xmax, ymax = bounds
    return xmin - pad, ymin - pad, xmax + pad, ymax + pad


# Where the nation names go on the main map (EPSG:27700), chosen to sit over sea or open land.
_NATION_LABELS: dict[str, tuple[float, float]] = {
    "Scotland": (235_000.0, 790_000.0),
    "England": (455_000.0, 300_000.0),
    "Wales": (268_000.0, 262_000.0),
    "Northern Ireland": (62_000.0, 640_000.0),
}


def class_map(
    areas: gpd.GeoDataFrame,
    column: str,
    styles: Mapping[str, ClassStyle],
    *,
    text: FigureText,
    size: Size = "a4",
    teams: gpd.GeoDataFrame | None = None,
    catchments: gpd.GeoDataFrame | None = None,
    legend_title: str = "",
    counts: bool = True,
    insets: Sequence[Inset] = INSETS,
) -> Figure:
    """A UK map of one categorical column per area, with insets, legend, title, note and attribution.

    Parameters
    ----------
    areas : GeoDataFrame with ``nation``, ``geometry`` and ``column`` (any CRS; drawn in EPSG:27700).
    styles : value -> :class:`ClassStyle`, in legend order. Every value in ``column`` must have a
        style, so a class can never be drawn without a legend entry.
    teams : points with ``status`` (:func:`team_points`), drawn as the style's team markers (a filled
        circle operating, a ring in development). ``catchments`` : team catchment shapes
        (:func:`catchment_outlines`).
    counts : add the number of areas in each class to its legend label.
    """
    if column not in areas.columns:
        raise ValueError(f"areas have no column {column!r}")
    values = areas[column].astype(object)
    unknown = sorted({str(v) for v in values.dropna()} - set(map(str, styles)))
    if unknown or values.isna().any():
        extra = unknown + (["(missing)"] if values.isna().any() else [])
        raise ValueError(f"no style for {column} value(s): {', '.join(extra)}")
    layout = _layout(size)
    frame = areas[["nation", column, "geometry"]].copy()
    frame[column] = values.astype(str)
    main_parts, isle_parts = _parts(frame)
    nations = nation_outlines(frame)
    nation_main, nation_isles = _parts(nations[["nation", "geometry"]].assign(**{column: ""}))
    points = teams.to_crs(PRINT_MAP) if teams is not None else None
    outlines = catchments.to_crs(PRINT_MAP) if catchments is not None else None

    with mpl.rc_context(RC):
        fig = new_figure(size)
        font = layout.font
        pad = 0.12 / fig.get_figheight()
        top = title_block(fig, text, font=font) - 2 * pad
        bottom = footer(fig, text, font=font) + pad
        legend = _map_legend(fig, frame[column], styles, layout, points, outlines, legend_title, counts)
        if layout.legend == "bottom":
            legend.set_loc("lower left")
            legend.set_bbox_to_anchor((MARGIN, bottom + pad), transform=fig.transFigure)
            bottom = figure_extent(fig, legend)[3] + pad
        else:
            assert layout.inset_column is not None  # a legend on the right has the insets' column beside it
            legend.set_loc("upper left")
            legend.set_bbox_to_anchor((layout.inset_column[0] + layout.inset_column[1] + 0.02, top),
                                      transform=fig.transFigure)

        main_bounds = padded_bounds(main_parts.total_bounds, 6_000)
        left, right = layout.map_x
        ax = fig.add_axes((left, bottom, right - left, top - bottom), anchor=layout.anchor)
        draw_classes(ax, main_parts, column, styles, nation_main, edge_width=0.25, coast_width=0.6)
        _draw_teams(ax, points, outlines, marker_size=layout.marker, line_scale=0.8, font=font * 0.8,
                    number_shared=False)
        frame_map(ax, main_bounds, None, font)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for nation, (x, y) in _NATION_LABELS.items():
            if (frame["nation"] == nation).any():
                ax.text(x, y, nation.upper().replace(" ", "\n"), ha="center", va="center", fontsize=font * 0.95,
                        color=INK, fontweight="bold", alpha=0.85, linespacing=1.1, path_effects=_halo(2.5),
                        zorder=7)
        ax.apply_aspect()
        box = ax.get_position()
        per_metre = box.height / (main_bounds[3] - main_bounds[1])  # figure height fraction per metre
        aspect = fig.get_figheight() / fig.get_figwidth()

        def to_fig(x: float, y: float) -> tuple[float, float]:
            return box.x0 + (x - main_bounds[0]) * per_metre * aspect, box.y0 + (y - main_bounds[1]) * per_metre

        if not isle_parts.empty:
            # Same scale as the main map, tucked into its top-right corner (the North Sea).
            bounds = padded_bounds(isle_parts.total_bounds, 8_000)
            height = (bounds[3] - bounds[1]) * per_metre
            width = (bounds[2] - bounds[0]) * per_metre * aspect
            isles_ax = fig.add_axes((box.x1 - width, box.y1 - height, width, height))
            draw_classes(isles_ax, isle_parts, column, styles, nation_isles, edge_width=0.25, coast_width=0.6)
            _draw_teams(isles_ax, clip_to_bounds(points, bounds) if points is not None else None, None,
                        marker_size=layout.marker, line_scale=0.8, font=font * 0.8)
            frame_map(isles_ax, bounds, None, font)
            # Below the frame, over the North Sea: inside it the name would cover an island.
            isles_ax.text(1.0, -0.02, "Orkney and\nShetland", transform=isles_ax.transAxes, ha="right", va="top",
                          fontsize=font * 0.85, color=INK, fontweight="bold", linespacing=1.1)

        if layout.inset_region is not None:
            # Kept inside the page whatever the map shows (a map of a few areas is not the UK).
            x_max, y_min, y_max = layout.inset_region
            x1, y0 = to_fig(x_max, y_min)
            _, y1 = to_fig(x_max, y_max)
            x1, y0, y1 = min(max(x1, 0.3), 0.97), max(y0, bottom), min(y1, top)
            region = (MARGIN, y0, x1 - MARGIN, y1 - y0)
        else:
            assert layout.inset_column is not None
            region = (layout.inset_column[0], bottom, layout.inset_column[1], top - bottom)
        title_room = font * 1.9 / 72 / fig.get_figheight()
        # Only the insets that show some of the areas, each given an equal share of the region.
        shown = [i for i in insets if not clip_to_bounds(main_parts, i.bounds).empty]
        slot = region[3] / max(1, len(shown))
        if slot <= 2 * title_room:
            shown = []
        for i, inset in enumerate(shown):
            bounds = inset.bounds
            rect = (region[0], region[1] + region[3] - (i + 1) * slot, region[2], slot - title_room)
            inset_ax = fig.add_axes(rect, anchor="NW")
            draw_classes(inset_ax, clip_to_bounds(main_parts, bounds), column, styles, clip_to_bounds(nation_main, bounds),
                          edge_width=0.6, coast_width=1.0)
            _draw_teams(inset_ax, clip_to_bounds(points, bounds) if points is not None else None,
                        clip_to_bounds(outlines, bounds) if outlines is not None else None,
                        marker_size=layout.marker * 2.4, line_scale=1.6, font=font)
            frame_map(inset_ax, bounds, inset.name, font * 0.95)
            ax.add_patch(Rectangle((bounds[0], bounds[1]), bounds[2] - bounds[0], bounds[3] - bounds[1],
                                   fill=False, edgecolor=INK, linewidth=0.9, zorder=8))
    return fig


def class_legend_handles(values: pd.Series, styles: Mapping[str, ClassStyle], *, counts: bool = True) -> list[Patch]:
    """A legend swatch (colour and hatch) per class of ``styles`` that occurs in ``values``, in the styles'
    order, labelled with the number of areas in it when ``counts`` (``"Accepts; 1-5 seen (3 areas)"``)."""
    tally = values.value_counts()
    handles: list[Patch] = []
    for value, style in styles.items():
        n = int(tally.get(value, 0))
        if n == 0:
            continue
        label = f"{style.label} ({n} area{'s' if n != 1 else ''})" if counts else style.label
        handles.append(Patch(facecolor=style.colour, edgecolor=style.hatch_colour, hatch=style.hatch or None,
                             linewidth=0.0, label=label))
    return handles


def team_marker_handle(status: TeamStatus, label: str, *, markersize: float = 7,
                       shape: GradeShape | None = None) -> Line2D:
    """The legend entry of a team marker: the status's fill and edge
    (:data:`mapping.present.style.TEAM_MARKERS`) on a grade's shape (the circle by default)."""
    spec = TEAM_MARKERS[status]
    shape = shape or next(iter(GRADE_SHAPES.values()))
    return Line2D([], [], linestyle="", marker=shape.mpl_marker, markersize=markersize * shape.scale,
                  markerfacecolor=spec.fill, markeredgecolor=spec.edge,
                  markeredgewidth=1.6 if spec.hollow else 1.0, label=label)


def grade_key_label(shape: GradeShape) -> str:
    """A grade's legend label in print, its shape named first ("Square: described by its provider"), so the key
    says in words what the shape means (the status keys, drawn on the circle, name the fill); the grade's short
    words, so the key fits beside a 16:9 map."""
    return f"{shape.shape.capitalize()}: {shape.short}"


def key_legend(fig: Figure, handles: Sequence[Artist], *, font: float, columns: int, title: str = "",
               x: float | None = None, y: float | None = None) -> Legend:
    """A map key as every map page sets it: no frame, left aligned, roomy swatches each outlined thinly
    (so a white class such as "not asked" still shows); placed with its top left at (``x``, ``y``) in
    figure fractions when given (otherwise move it with ``set_loc`` / ``set_bbox_to_anchor``)."""
    place: dict[str, Any] = {"bbox_to_anchor": (x, y)} if x is not None and y is not None else {}
    legend = fig.legend(handles=list(handles), loc="upper left", ncols=columns, frameon=False, fontsize=font,
                        title=title or None, title_fontsize=font, alignment="left", handlelength=2.2,
                        handleheight=1.3, columnspacing=1.6, borderaxespad=0.0, borderpad=0.0, **place)
    for patch in legend.get_patches():
        patch.set_linewidth(0.5)
    return legend


def _map_legend(fig: Figure, values: pd.Series, styles: Mapping[str, ClassStyle], layout: _MapLayout,
                points: gpd.GeoDataFrame | None, outlines: gpd.GeoDataFrame | None,
                title: str, counts: bool) -> Legend:
    handles: list[Artist] = list(class_legend_handles(values, styles, counts=counts))
    if points is not None and not points.empty:
        # Two keys, as on the web map: the fill of each status (on the circle), then the shape of each grade
        # (filled), each only when drawn, with the number of teams.
        for status, spec in TEAM_MARKERS.items():
            n = int((points["status"] == status).sum())
            if n:
                handles.append(team_marker_handle(status, f"{spec.label.capitalize()} ({n})"))
        shapes = pd.Series([grade_shape(g) for g in _grades(points)], index=points.index, dtype=object)
        operating = next(iter(TEAM_MARKERS))
        for shape in [*GRADE_SHAPES.values(), UNGRADED]:
            n = int((shapes == shape).sum())
            if n:
                handles.append(team_marker_handle(operating, f"{grade_key_label(shape)} ({n})", shape=shape))
        xy = points.geometry.x.round(0).astype(str) + "," + points.geometry.y.round(0).astype(str)
        if xy.duplicated().any():
            handles.append(Line2D([], [], linestyle="", marker="o", markersize=11, markerfacecolor="white",
                                  markeredgecolor="black", label="Teams sharing a base (their number)"))
    if outlines is not None and not outlines.empty:
        line = CATCHMENT_LINES[TeamStatus.OPERATING]
        handles.append(Line2D([], [], label=line.label, color=line.colour, linewidth=CATCHMENT_WIDTH,
                              linestyle=line.mpl_linestyle()))
    handles.append(Line2D([], [], color=COAST, linewidth=1.0, label=COAST_LINE_LABEL))
    return key_legend(fig, handles, font=layout.font, columns=layout.legend_columns, title=title)


def coverage_map(
    gaps: gpd.GeoDataFrame,
    *,
    text: FigureText,
    size: Size = "a4",
    teams: gpd.GeoDataFrame | None = None,
    catchments: gpd.GeoDataFrame | None = None,
    insets: Sequence[Inset] = INSETS,
) -> Figure:
    """Areas shaded by coverage class (``mapping.analysis.coverage.compute_gaps``), with team bases and catchments."""
    return class_map(gaps, "coverage", COVERAGE_STYLES, text=text, size=size, teams=teams, catchments=catchments,
                     legend_title="Area", insets=insets)


# --- charts -----------------------------------------------------------------------------------------------


def chart_font(size: str) -> float:
    """The base font (points) of a chart of ``size``: larger on a slide, read from further away."""
    return 11.0 if size == "slide" else 8.5


def chart_axes(fig: Figure, text: FigureText, size: str, *, left: float, below: float = 3.2,
                legend: Sequence | None = None, legend_columns: int = 2) -> Axes:
    """Title block, footer and (optionally) a legend above the plot first, then the axes in the space
    left between them (``below``: lines kept for x labels; ``left``: the axes' left edge, a figure
    fraction, room for y labels), so nothing can overlap the data. Returns the axes, styled (ink ticks,
    muted spines)."""
    font = chart_font(size)
    pad = 0.15 / fig.get_figheight()
    top = title_block(fig, text, font=font) - 2.5 * pad
    if legend:
        key = fig.legend(handles=list(legend), loc="upper left", bbox_to_anchor=(MARGIN, top), ncols=legend_columns,
                         frameon=False, fontsize=font * 0.95, borderaxespad=0.0, borderpad=0.0, columnspacing=1.8)
        top = figure_extent(fig, key)[1] - 2 * pad
    bottom = footer(fig, text, font=font) + pad + below * font / 72 / fig.get_figheight()
    ax = fig.add_axes((left, bottom, 0.96 - left, top - bottom))
    ax.tick_params(colors=INK, labelsize=font)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    return ax


def nation_gap_chart(nations: pd.DataFrame, *, text: FigureText,
                     size: Literal["a4-half", "slide"] = "a4-half") -> Figure:
    """Children aged 0-2 outside and inside team catchments, one bar per nation.

    ``nations`` has ``nation``, ``age0_2_total`` and ``age0_2_uncovered`` (one row per nation, as in
    the pack's nations table). Bars are labelled with the numbers and the share outside, so the
    chart can be read without colour; the inside part is hatched as well.
    """
    missing = {"nation", "age0_2_total", "age0_2_uncovered"} - set(nations.columns)
    if missing:
        raise ValueError(f"nations table lacks {', '.join(sorted(missing))}")
    order = [n for n in NATION_ORDER if n in set(nations["nation"])]
    rows = nations.set_index("nation").loc[order]
    uncovered = rows["age0_2_uncovered"].astype(float)
    covered = rows["age0_2_total"].astype(float) - uncovered
    font = chart_font(size)
    with mpl.rc_context(RC):
        fig = new_figure(size)
        ax = chart_axes(fig, text, size, left=0.17 if size == "slide" else 0.19)
        y = np.arange(len(order))[::-1]
        gap, cover = COVERAGE_STYLES["none"], COVERAGE_STYLES["full"]
        ax.barh(y, uncovered, color=gap.colour, edgecolor=INK, linewidth=0.5, height=0.6,
                label="Outside every team's catchment")
        ax.barh(y, covered, left=uncovered, color=cover.colour, edgecolor="white", linewidth=0.0, height=0.6,
                hatch="", label="In a team's catchment")
        ax.barh(y, uncovered + covered, fill=False, edgecolor=INK, linewidth=0.5, height=0.6)
        total = (uncovered + covered).to_numpy()
        for yi, u, t in zip(y, uncovered.to_numpy(), total):
            share = u / t if t else float("nan")
            ax.text(t + total.max() * 0.012, yi, f"{u:,.0f} of {t:,.0f} outside ({share:.1%})", va="center",
                    ha="left", fontsize=font, color=INK)
        ax.set_yticks(y, order, fontsize=font)
        ax.set_xlim(0, total.max() * 1.6)
        ax.set_ylim(-0.6, len(order) - 0.4)
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_xlabel("Children aged 0-2", fontsize=font, color=INK)
        ax.legend(loc="lower right", frameon=False, fontsize=font)
    return fig


def teams_by_year_chart(growth: pd.DataFrame, *, text: FigureText, target_label: str,
                        size: Literal["a4-half", "slide"] = "a4-half") -> Figure:
    """Teams by year: our dated list, the published counts, and the straight line to the growth target.

    ``growth`` is ``mapping.analysis.growth.growth_table`` (``year``, ``listed_operating``, ``published_teams``,
    ``target``). Published counts are labelled squares; the dataset a line; the target dashed.
    """
    missing = {"year", "listed_operating", "published_teams", "target"} - set(growth.columns)
    if missing:
        raise ValueError(f"growth table lacks {', '.join(sorted(missing))}")
    font = chart_font(size)
    years = growth["year"].astype(int)
    with mpl.rc_context(RC):
        fig = new_figure(size)
        ax = chart_axes(fig, text, size, left=0.08, below=2.2)
        ax.plot(years, growth["listed_operating"], color=SERIES["listed"], linewidth=2.0, marker="o", markersize=4,
                label="Operating, in this dataset (1 July)")
        published = growth.dropna(subset=["published_teams"])
        if not published.empty:  # no legend entry for a series that is not drawn
            ax.scatter(published["year"], published["published_teams"], marker="s", s=34, color=SERIES["published"],
                       edgecolor=INK, linewidth=0.6, zorder=5, label="Published UK count (latest in the year)")
        for x, v in zip(published["year"], published["published_teams"]):
            ax.annotate(f"{v:.0f}", (x, v), xytext=(0, 7), textcoords="offset points", ha="center",
                        fontsize=font * 0.95, color=INK)
        target = growth.dropna(subset=["target"])
        ax.plot(target["year"], target["target"], color=INK, linewidth=1.2, linestyle=(0, (4, 2)),
                label=target_label)
        if not target.empty:
            end = target.iloc[-1]
            ax.annotate(f"target {end['target']:.0f}", (end["year"], end["target"]), xytext=(0, 7),
                        textcoords="offset points", ha="center", fontsize=font * 0.95, color=INK)
        last = growth.dropna(subset=["listed_operating"]).iloc[-1]
        ax.annotate(f"{last['listed_operating']:.0f}", (last["year"], last["listed_operating"]), xytext=(0, -13),
                    textcoords="offset points", ha="center", fontsize=font * 0.95, color=SERIES["listed"])
        ax.set_xticks(years, [str(y) for y in years], fontsize=font)
        ax.set_xlim(years.min() - 0.4, years.max() + 0.4)
        top = np.nanmax([growth["listed_operating"].max(), growth["published_teams"].max(), growth["target"].max()])
        ax.set_ylim(0, top * 1.3)
        ax.set_ylabel("Teams", fontsize=font, color=INK)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", frameon=False, fontsize=font)
    return fig


def growth_chart_years(as_of: date, targets: VisionTargets) -> list[int]:
    """The years the teams-by-year chart spans: from the target's baseline year (or ``as_of``'s year, if
    earlier) to the year the target is due (or ``as_of``'s year, if later), so the whole target path and
    the date asked about are both on it. The pack and the app count the growth table over these years."""
    return list(range(min(targets.baseline_year, as_of.year), max(targets.by_year, as_of.year) + 1))


def growth_target_label(targets: VisionTargets) -> str:
    """The legend label of the target path, e.g. "Target path: 27 in 2019 to 41 in 2024"."""
    return f"Target path: {targets.baseline_teams} in {targets.baseline_year} to {targets.target_teams} in {targets.by_year}"


def growth_chart_text(as_of: date, targets: VisionTargets) -> FigureText:
    """The words of the teams-by-year chart (:func:`teams_by_year_chart`), the same in the pack and the app:
    the published counts drawn are those known on ``as_of`` (``mapping.report.growth_as_of``)."""
    t = targets
    return FigureText(
        title="Parent-infant teams by year against the Vision & Strategy target",
        subtitle=f"Teams in this dataset (1 July), published UK counts known on {as_of.day} {as_of:%B %Y}, and "
                 f"the path from {t.baseline_teams} teams in {t.baseline_year} to at least {t.target_teams} by "
                 f"{t.by_year}",
        note="Published counts: data/published_team_counts.csv (sources there). The dataset lists only teams "
             "that published reports name, so it runs below the published counts.",
        attribution=f"Target: Parent-Infant Foundation, Vision & Strategy 2019-2024; every area by "
                    f"{t.every_area_year}.",
    )


def foi_share_chart(areas: pd.DataFrame, *, text: FigureText, size: Literal["a4", "slide"] = "a4") -> Figure:
    """Rare Jewels' chart: per area, the under-3s' share of CAMHS referrals and of children seen,
    beside children aged 0-2 as a share of the 0-18 population, sorted by the share of referrals.

    ``areas`` has ``name``, ``referrals_u3_share_low/high``, ``seen_u3_share_low/high`` and
    ``population_share_0_2`` (``mapping.inputs.foi_io.classes_in`` in the FOI's own geography). Only areas
    with every count are drawn (``full_data`` when given). Where suppressed counts give a range, the
    bar runs to the lowest value and a hatched extension shows how far it could go.
    """
    needed = ["name", "referrals_u3_share_low", "referrals_u3_share_high", "seen_u3_share_low",
              "seen_u3_share_high", "population_share_0_2"]
    missing = set(needed) - set(areas.columns)
    if missing:
        raise ValueError(f"FOI areas table lacks {', '.join(sorted(missing))}")
    rows = areas[areas["full_data"].astype(bool)] if "full_data" in areas.columns else areas
    rows = rows.dropna(subset=needed[1:]).copy()
    if rows.empty:
        raise FoiError("no area has the under-3s' share of both referrals and children seen in the FOI replies, "
                       "so the share chart has nothing to draw; check the replies' counts by age")
    rows["_mid"] = (rows["referrals_u3_share_low"] + rows["referrals_u3_share_high"]) / 2
    rows = rows.sort_values(["_mid", "name"], ascending=[True, False]).reset_index(drop=True)
    font = chart_font(size)
    n = len(rows)
    tick_font = font * min(1.0, 45 / n) * (0.85 if size == "slide" else 1.0)
    bars = (("referrals", "Referrals aged 2 and under, as a share of all aged 0-18", SERIES["published"], +1),
            ("seen", "Children aged 2 and under seen, as a share of all aged 0-18", SERIES["listed"], -1))
    handles: list[Artist] = [Patch(facecolor=colour, label=label) for _, label, colour, _ in bars]
    handles.append(Line2D([], [], color=INK, linewidth=1.0, marker="_" if size == "slide" else "|", markersize=8,
                          label="Children aged 0-2, as a share of the 0-18 population"))
    handles.append(Patch(facecolor="white", edgecolor=MUTED, hatch="/////", linewidth=0.5,
                         label="Range where small counts were suppressed"))
    names = [str(v).removeprefix("NHS ").removesuffix(" CCG") for v in rows["name"]]
    limit = max(0.2, float(np.nanmax(rows[needed[1:]].to_numpy())) * 1.1)
    # Print: areas down the page (names read across). Slide: areas along the bottom with the names
    # turned, as in Rare Jewels; a slide is too short for 30-odd rows of readable names.
    vertical = size == "slide"
    with mpl.rc_context(RC):
        fig = new_figure(size)
        if vertical:
            longest = max(_text_px(nm, tick_font, "normal", fig.dpi) for nm in names)
            below = longest / fig.dpi * 72 / font + 1.5
            ax = chart_axes(fig, text, size, left=0.07, legend=handles, legend_columns=2, below=below)
        else:
            ax = chart_axes(fig, text, size, left=0.3, legend=handles, legend_columns=1)
        # Highest share at the top (print) or on the left (slide).
        pos = np.arange(n, dtype=float)[::-1] if vertical else np.arange(n, dtype=float)
        h = 0.38
        for kind, _, colour, side in bars:
            # Vertical: referrals left of seen; horizontal: referrals above seen (rows run top down).
            at = pos - side * h / 2 if vertical else pos + side * h / 2
            lo, hi = rows[f"{kind}_u3_share_low"].to_numpy(), rows[f"{kind}_u3_share_high"].to_numpy()
            extra = hi - lo
            if vertical:
                ax.bar(at, lo, width=h, color=colour, edgecolor="none")
                if (extra > 0).any():
                    ax.bar(at, extra, bottom=lo, width=h, facecolor="white", edgecolor=colour, linewidth=0.5,
                           hatch="/////")
            else:
                ax.barh(at, lo, height=h, color=colour, edgecolor="none")
                if (extra > 0).any():
                    ax.barh(at, extra, left=lo, height=h, facecolor="white", edgecolor=colour, linewidth=0.5,
                            hatch="/////")
        share = rows["population_share_0_2"].to_numpy()
        axis: Axis
        grid: Literal["x", "y"]
        if vertical:
            ax.plot(pos, share, color=INK, linewidth=1.0, marker="_", markersize=10)
            ax.set_xticks(pos, names, fontsize=tick_font, rotation=90)
            ax.set_xlim(-0.7, n - 0.3)
            ax.set_ylim(0, limit)
            axis, grid = ax.yaxis, "y"
        else:
            ax.plot(share, pos, color=INK, linewidth=1.0, marker="|", markersize=8)
            ax.set_yticks(pos, names, fontsize=tick_font)
            ax.set_ylim(-0.7, n - 0.3)
            ax.set_xlim(0, limit)
            axis, grid = ax.xaxis, "x"
        axis.set_major_locator(mpl.ticker.MultipleLocator(0.05 if limit <= 0.4 else 0.1))
        axis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        ax.grid(axis=grid, color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
    return fig
