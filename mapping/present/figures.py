"""Publication maps and charts: frames in, matplotlib Figures out.

Static figures go into reports and slides, so they are drawn for the page: A4 portrait for print
and 16:9 for slides, every map in British National Grid (EPSG:27700, which also places Northern
Ireland correctly), Shetland and Orkney in an inset instead of cropped, and London and Greater
Manchester (where most teams cluster) enlarged. Classes are told apart by colour *and* hatching
and named in the legend, so nothing depends on colour alone. Colours are colour-blind safe
(ColorBrewer PuOr for coverage, Paul Tol's "muted" scheme for FOI classes).

:func:`class_map` draws any per-area categorical column with its own labels, colours and hatches
in one call; the coverage and FOI maps are two uses of it. Nothing here reads files or saves:
:mod:`mapping.report` does that. Figures are ``matplotlib.figure.Figure`` objects made without
pyplot, so no global state is touched and nothing needs closing.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.crs import PRINT_MAP, WGS84

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

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
    "team_points",
    "catchment_outlines",
    "class_map",
    "coverage_map",
    "nation_gap_chart",
    "teams_by_year_chart",
    "foi_share_chart",
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

INK = "#222222"
MUTED = "#595959"
COAST = "#3a3a3a"
AREA_EDGE = "#ffffff"
SEA = "#ffffff"


@dataclass(frozen=True)
class ClassStyle:
    """How one class of a categorical map looks: legend label, fill colour and hatch pattern."""

    label: str
    colour: str
    hatch: str = ""
    hatch_colour: str = "#3a3a3a"


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

# Coverage: ColorBrewer PuOr (colour-blind safe); gaps in a warm colour, coverage in purples, and
# part-covered areas hatched as well so the three classes differ without colour.
COVERAGE_STYLES: dict[str, ClassStyle] = {
    "none": ClassStyle("No team's catchment", "#fdb863"),
    "partial": ClassStyle("Partly in a team's catchment", "#b2abd2", "////", "#542788"),
    "full": ClassStyle("Wholly in a team's catchment", "#542788"),
}

# FOI classes (mapping.inputs.foi.FOI_CLASSES, plus areas the FOI did not cover): Paul Tol's muted scheme,
# with hatches on the lighter classes so neighbours in the legend also differ in pattern.
FOI_STYLES: dict[str, ClassStyle] = {
    "does not accept under-3s": ClassStyle("Does not accept under-3s", "#882255"),
    "accepts, no age breakdown": ClassStyle("Accepts; no figures by age", "#DDCC77", "////"),
    "accepts, none referred": ClassStyle("Accepts; none referred", "#CC6677", "...."),
    "accepts, none seen": ClassStyle("Accepts; none seen", "#EE99AA", "xxx"),
    "accepts, 1-5 seen": ClassStyle("Accepts; 1-5 seen", "#88CCEE"),
    "accepts, more than 5 seen": ClassStyle("Accepts; more than 5 seen", "#332288"),
    "accepts, number seen unclear": ClassStyle("Accepts; number seen unclear", "#44AA99", "\\\\\\\\"),
    "no usable reply": ClassStyle("No usable reply", "#DDDDDD", "...", "#777777"),
    "outside the FOI's geography": ClassStyle("Not asked (outside the FOI)", "#FFFFFF", "", "#777777"),
}

TEAM_MARKERS: dict[str, dict] = {
    "operating": {"marker": "o", "label": "Team operating"},
    "in development": {"marker": "^", "label": "Team in development"},
}
CATCHMENT_LINE: dict[str, Any] = {"color": "#000000", "linewidth": 0.7, "linestyle": (0, (3.0, 1.5))}


# --- data preparation -------------------------------------------------------------------------------


def team_points(teams: pd.DataFrame, statuses: Sequence[str] = ("operating", "in development")) -> gpd.GeoDataFrame:
    """Team bases as points (EPSG:4326), one per team, for the statuses that are drawn.

    ``teams`` is the teams frame (``team_id``, ``name``, ``status``, ``base_lon``, ``base_lat``);
    a team without a base cannot be drawn, so that is an error rather than a silent omission.
    """
    chosen = teams[teams["status"].isin(statuses)].drop_duplicates("team_id").sort_values("team_id")
    missing = chosen[chosen["base_lon"].isna() | chosen["base_lat"].isna()]
    if len(missing):
        raise ValueError(f"teams without a base cannot be drawn: {', '.join(missing['team_id'])}")
    return gpd.GeoDataFrame(
        chosen[["team_id", "name", "status"]].reset_index(drop=True),
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
            raise ValueError(f"no boundary layer given for catchment geography {geography!r}")
        layer = layers[geography].to_crs(PRINT_MAP)
        merged = group[["team_id", "code"]].merge(layer[["code", "geometry"]], on="code", how="left")
        lost = merged[merged["geometry"].isna()]
        if len(lost):
            raise ValueError(f"{geography}: no boundary for {', '.join(sorted(set(lost['code'])))}")
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
_MARGIN = 0.03  # left margin of text, as a fraction of the figure's width


def _layout(size: str) -> _MapLayout:
    try:
        return _MAP_LAYOUTS[size]
    except KeyError:
        raise ValueError(f"size must be one of {sorted(_MAP_LAYOUTS)}, not {size!r}") from None


def _new_figure(size: str) -> Figure:
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    return Figure(figsize=SIZES[size], facecolor="white")


# One measuring renderer per figure, dropped with the figure.
_RENDERERS: weakref.WeakKeyDictionary[Figure, RendererAgg] = weakref.WeakKeyDictionary()


def _renderer(fig: Figure) -> RendererAgg:
    """An Agg renderer to measure text with before saving. It is kept off the figure's canvas: with
    an Agg canvas attached, every geopandas ``plot`` call would redraw the whole figure."""
    renderer = _RENDERERS.get(fig)
    if renderer is None:
        width, height = fig.get_size_inches() * fig.dpi
        renderer = RendererAgg(int(width), int(height), fig.dpi)
        _RENDERERS[fig] = renderer
    return renderer


@lru_cache(maxsize=65536)
def _text_px(text: str, font: float, weight: str, dpi: float) -> float:
    """Width of one line of text in pixels at ``dpi``, measured by Agg as it will be drawn (cached: long
    tables measure the same names at every font size they try)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    props = FontProperties(family=RC["font.family"], size=font, weight=weight)
    return RendererAgg(1, 1, dpi).get_text_width_height_descent(text, props, ismath=False)[0]


def _text_width(fig: Figure, text: str, font: float, weight: str = "normal") -> float:
    """Width of one line of text as a fraction of the figure's width."""
    return _text_px(text, font, weight, fig.dpi) / (fig.get_figwidth() * fig.dpi)


def _wrap(fig: Figure, text: str, font: float, width: float, weight: str = "normal") -> str:
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


def _extent(fig: Figure, artist) -> tuple[float, float, float, float]:
    """An artist's bounding box in figure fractions (x0, y0, x1, y1)."""
    box = artist.get_window_extent(_renderer(fig)).transformed(fig.transFigure.inverted())
    return box.x0, box.y0, box.x1, box.y1


def _title_block(fig: Figure, text: FigureText, *, font: float, x: float = _MARGIN, width: float = 0.94) -> float:
    """Title, subtitle and any warning flag at the top; returns the lowest point they reach (figure fraction)."""
    top = 1 - 0.3 / fig.get_figheight()
    flag = None
    if text.flag:
        flag = fig.text(1 - x, top, text.flag, ha="right", va="top", fontsize=font, fontweight="bold",
                        color="#b2182b", bbox={"boxstyle": "square,pad=0.35", "facecolor": "white",
                                               "edgecolor": "#b2182b", "linewidth": 1.2})
        top -= (_extent(fig, flag)[3] - _extent(fig, flag)[1]) + 0.12 / fig.get_figheight()
    title = fig.text(x, top, _wrap(fig, text.title, font * 1.75, width, "bold"), ha="left", va="top",
                     fontsize=font * 1.75, fontweight="bold", color=INK, linespacing=1.15)
    bottom = _extent(fig, title)[1]
    if text.subtitle:
        sub = fig.text(x, bottom - 0.08 / fig.get_figheight(), _wrap(fig, text.subtitle, font * 1.12, width),
                       ha="left", va="top", fontsize=font * 1.12, color=INK, linespacing=1.3)
        bottom = _extent(fig, sub)[1]
    return bottom


def _footer(fig: Figure, text: FigureText, *, font: float, x: float = _MARGIN, width: float = 0.94) -> float:
    """Data note and attribution at the bottom; returns the highest point they reach (figure fraction)."""
    lines = [_wrap(fig, t, font * 0.78, width) for t in (text.note, text.attribution) if t]
    if not lines:
        return 0.0
    foot = fig.text(x, 0.15 / fig.get_figheight(), "\n".join(lines), ha="left", va="bottom", fontsize=font * 0.78,
                    color=MUTED, linespacing=1.35)
    return _extent(fig, foot)[3]


# --- maps ------------------------------------------------------------------------------------------------


def _parts(areas: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Areas exploded to single polygons in EPSG:27700, split into (main map, Orkney and Shetland)."""
    parts = areas.to_crs(PRINT_MAP).explode(index_parts=False).reset_index(drop=True)
    centre = parts.geometry.centroid
    isles = (centre.x > NORTHERN_ISLES[0]) & (centre.y > NORTHERN_ISLES[1])
    return parts[~isles].reset_index(drop=True), parts[isles].reset_index(drop=True)


def _clip(frame: gpd.GeoDataFrame, bounds: Sequence[float]) -> gpd.GeoDataFrame:
    """Only the shapes that reach into ``bounds`` (drawing less is much faster at 300 dpi)."""
    if frame.empty:
        return frame
    box = shapely.box(*bounds)
    return frame[frame.geometry.intersects(box)]


def _draw_classes(ax: Axes, parts: gpd.GeoDataFrame, column: str, styles: Mapping[str, ClassStyle],
                  nations: gpd.GeoDataFrame, *, edge_width: float, coast_width: float) -> None:
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
        outlines.boundary.plot(ax=ax, color=CATCHMENT_LINE["color"], linestyle=CATCHMENT_LINE["linestyle"],
                               linewidth=CATCHMENT_LINE["linewidth"] * line_scale)
    if points is None or points.empty:
        return
    xy = pd.DataFrame({"x": points.geometry.x.round(0), "y": points.geometry.y.round(0),
                       "status": points["status"].to_numpy()})
    groups = xy.groupby(["status", "x", "y"], sort=True).size().rename("n").reset_index()
    for status, spec in TEAM_MARKERS.items():
        chosen = groups[groups["status"] == status]
        if chosen.empty:
            continue
        shared = (chosen["n"] > 1) & number_shared
        sizes = np.where(shared, marker_size * 2.4, marker_size)
        ax.scatter(chosen["x"], chosen["y"], s=sizes, marker=spec["marker"], facecolor="white",
                   edgecolor="black", linewidth=0.7 * line_scale ** 0.5, zorder=5)
        for row in chosen[shared].itertuples():
            ax.text(row.x, row.y, str(row.n), ha="center", va="center", fontsize=font * 0.75,
                    fontweight="bold", color=INK, zorder=6)


def _halo(width: float = 2.2) -> list:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white")]


def _frame(ax: Axes, bounds: Sequence[float], title: str | None, font: float) -> None:
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


def _padded(bounds: Sequence[float], pad: float) -> tuple[float, float, float, float]:
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
    teams : points with ``status`` (:func:`team_points`), drawn as circles (operating) and triangles
        (in development). ``catchments`` : team catchment shapes (:func:`catchment_outlines`).
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
    nations = frame.to_crs(PRINT_MAP).dissolve("nation").reset_index()
    nation_main, nation_isles = _parts(nations[["nation", "geometry"]].assign(**{column: ""}))
    points = teams.to_crs(PRINT_MAP) if teams is not None else None
    outlines = catchments.to_crs(PRINT_MAP) if catchments is not None else None

    with mpl.rc_context(RC):
        fig = _new_figure(size)
        font = layout.font
        pad = 0.12 / fig.get_figheight()
        top = _title_block(fig, text, font=font) - 2 * pad
        bottom = _footer(fig, text, font=font) + pad
        legend = _map_legend(fig, frame[column], styles, layout, points, outlines, legend_title, counts)
        if layout.legend == "bottom":
            legend.set_loc("lower left")
            legend.set_bbox_to_anchor((_MARGIN, bottom + pad), transform=fig.transFigure)
            bottom = _extent(fig, legend)[3] + pad
        else:
            assert layout.inset_column is not None  # a legend on the right has the insets' column beside it
            legend.set_loc("upper left")
            legend.set_bbox_to_anchor((layout.inset_column[0] + layout.inset_column[1] + 0.02, top),
                                      transform=fig.transFigure)

        main_bounds = _padded(main_parts.total_bounds, 6_000)
        left, right = layout.map_x
        ax = fig.add_axes((left, bottom, right - left, top - bottom), anchor=layout.anchor)
        _draw_classes(ax, main_parts, column, styles, nation_main, edge_width=0.25, coast_width=0.6)
        _draw_teams(ax, points, outlines, marker_size=layout.marker, line_scale=0.8, font=font * 0.8,
                    number_shared=False)
        _frame(ax, main_bounds, None, font)
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
            bounds = _padded(isle_parts.total_bounds, 8_000)
            height = (bounds[3] - bounds[1]) * per_metre
            width = (bounds[2] - bounds[0]) * per_metre * aspect
            isles_ax = fig.add_axes((box.x1 - width, box.y1 - height, width, height))
            _draw_classes(isles_ax, isle_parts, column, styles, nation_isles, edge_width=0.25, coast_width=0.6)
            _draw_teams(isles_ax, _clip(points, bounds) if points is not None else None, None,
                        marker_size=layout.marker, line_scale=0.8, font=font * 0.8)
            _frame(isles_ax, bounds, None, font)
            # Below the frame, over the North Sea: inside it the name would cover an island.
            isles_ax.text(1.0, -0.02, "Orkney and\nShetland", transform=isles_ax.transAxes, ha="right", va="top",
                          fontsize=font * 0.85, color=INK, fontweight="bold", linespacing=1.1)

        if layout.inset_region is not None:
            # Kept inside the page whatever the map shows (a map of a few areas is not the UK).
            x_max, y_min, y_max = layout.inset_region
            x1, y0 = to_fig(x_max, y_min)
            _, y1 = to_fig(x_max, y_max)
            x1, y0, y1 = min(max(x1, 0.3), 0.97), max(y0, bottom), min(y1, top)
            region = (_MARGIN, y0, x1 - _MARGIN, y1 - y0)
        else:
            assert layout.inset_column is not None
            region = (layout.inset_column[0], bottom, layout.inset_column[1], top - bottom)
        title_room = font * 1.9 / 72 / fig.get_figheight()
        # Only the insets that show some of the areas, each given an equal share of the region.
        shown = [i for i in insets if not _clip(main_parts, i.bounds).empty]
        slot = region[3] / max(1, len(shown))
        if slot <= 2 * title_room:
            shown = []
        for i, inset in enumerate(shown):
            bounds = inset.bounds
            rect = (region[0], region[1] + region[3] - (i + 1) * slot, region[2], slot - title_room)
            inset_ax = fig.add_axes(rect, anchor="NW")
            _draw_classes(inset_ax, _clip(main_parts, bounds), column, styles, _clip(nation_main, bounds),
                          edge_width=0.6, coast_width=1.0)
            _draw_teams(inset_ax, _clip(points, bounds) if points is not None else None,
                        _clip(outlines, bounds) if outlines is not None else None,
                        marker_size=layout.marker * 2.4, line_scale=1.6, font=font)
            _frame(inset_ax, bounds, inset.name, font * 0.95)
            ax.add_patch(Rectangle((bounds[0], bounds[1]), bounds[2] - bounds[0], bounds[3] - bounds[1],
                                   fill=False, edgecolor=INK, linewidth=0.9, zorder=8))
    return fig


def _map_legend(fig: Figure, values: pd.Series, styles: Mapping[str, ClassStyle], layout: _MapLayout,
                points: gpd.GeoDataFrame | None, outlines: gpd.GeoDataFrame | None,
                title: str, counts: bool):
    tally = values.value_counts()
    handles: list = []
    for value, style in styles.items():
        n = int(tally.get(value, 0))
        if n == 0:
            continue
        label = f"{style.label} ({n} area{'s' if n != 1 else ''})" if counts else style.label
        handles.append(Patch(facecolor=style.colour, edgecolor=style.hatch_colour, hatch=style.hatch or None,
                             linewidth=0.0, label=label))
    if points is not None and not points.empty:
        for status, spec in TEAM_MARKERS.items():
            n = int((points["status"] == status).sum())
            if n:
                handles.append(Line2D([], [], linestyle="", marker=spec["marker"], markersize=7,
                                      markerfacecolor="white", markeredgecolor="black",
                                      label=f"{spec['label']} ({n})"))
        xy = points.geometry.x.round(0).astype(str) + "," + points.geometry.y.round(0).astype(str)
        if xy.duplicated().any():
            handles.append(Line2D([], [], linestyle="", marker="o", markersize=11, markerfacecolor="white",
                                  markeredgecolor="black", label="Teams sharing a base (their number)"))
    if outlines is not None and not outlines.empty:
        handles.append(Line2D([], [], label="Edge of a team's catchment", **CATCHMENT_LINE))
    handles.append(Line2D([], [], color=COAST, linewidth=1.0, label="Coast and national border"))
    legend = fig.legend(handles=handles, loc="upper left", ncols=layout.legend_columns, frameon=False,
                        fontsize=layout.font, title=title or None, title_fontsize=layout.font, alignment="left",
                        handlelength=2.2, handleheight=1.3, columnspacing=1.6, borderaxespad=0.0, borderpad=0.0)
    # A thin outline round each swatch, so a white class ("not asked") still shows.
    for patch in legend.get_patches():
        patch.set_linewidth(0.5)
    return legend


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


def _chart_font(size: str) -> float:
    return 11.0 if size == "slide" else 8.5


def _chart_axes(fig: Figure, text: FigureText, size: str, *, left: float, below: float = 3.2,
                legend: Sequence | None = None, legend_columns: int = 2) -> Axes:
    """Title block, footer and (optionally) a legend above the plot first, then the axes in the space
    left between them (``below``: lines kept for x labels), so nothing can overlap the data."""
    font = _chart_font(size)
    pad = 0.15 / fig.get_figheight()
    top = _title_block(fig, text, font=font) - 2.5 * pad
    if legend:
        key = fig.legend(handles=list(legend), loc="upper left", bbox_to_anchor=(_MARGIN, top), ncols=legend_columns,
                         frameon=False, fontsize=font * 0.95, borderaxespad=0.0, borderpad=0.0, columnspacing=1.8)
        top = _extent(fig, key)[1] - 2 * pad
    bottom = _footer(fig, text, font=font) + pad + below * font / 72 / fig.get_figheight()
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
    font = _chart_font(size)
    with mpl.rc_context(RC):
        fig = _new_figure(size)
        ax = _chart_axes(fig, text, size, left=0.17 if size == "slide" else 0.19)
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
    font = _chart_font(size)
    years = growth["year"].astype(int)
    with mpl.rc_context(RC):
        fig = _new_figure(size)
        ax = _chart_axes(fig, text, size, left=0.08, below=2.2)
        ax.plot(years, growth["listed_operating"], color="#542788", linewidth=2.0, marker="o", markersize=4,
                label="Operating, in this dataset (1 July)")
        published = growth.dropna(subset=["published_teams"])
        if not published.empty:  # no legend entry for a series that is not drawn
            ax.scatter(published["year"], published["published_teams"], marker="s", s=34, color="#e08214",
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
                    textcoords="offset points", ha="center", fontsize=font * 0.95, color="#542788")
        ax.set_xticks(years, [str(y) for y in years], fontsize=font)
        ax.set_xlim(years.min() - 0.4, years.max() + 0.4)
        top = np.nanmax([growth["listed_operating"].max(), growth["published_teams"].max(), growth["target"].max()])
        ax.set_ylim(0, top * 1.3)
        ax.set_ylabel("Teams", fontsize=font, color=INK)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", frameon=False, fontsize=font)
    return fig


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
        raise ValueError("no area has the under-3s' share of both referrals and children seen")
    rows["_mid"] = (rows["referrals_u3_share_low"] + rows["referrals_u3_share_high"]) / 2
    rows = rows.sort_values(["_mid", "name"], ascending=[True, False]).reset_index(drop=True)
    font = _chart_font(size)
    n = len(rows)
    tick_font = font * min(1.0, 45 / n) * (0.85 if size == "slide" else 1.0)
    bars = (("referrals", "Referrals aged 2 and under, as a share of all aged 0-18", "#e08214", +1),
            ("seen", "Children aged 2 and under seen, as a share of all aged 0-18", "#542788", -1))
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
        fig = _new_figure(size)
        if vertical:
            longest = max(_text_px(nm, tick_font, "normal", fig.dpi) for nm in names)
            below = longest / fig.dpi * 72 / font + 1.5
            ax = _chart_axes(fig, text, size, left=0.07, legend=handles, legend_columns=2, below=below)
        else:
            ax = _chart_axes(fig, text, size, left=0.3, legend=handles, legend_columns=1)
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
        ax.grid(axis=grid, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig
