"""The provision ladder in the report pack: a UK map, a page per nation with every area's level, the
published record chart, and the tables behind them (issue 7, item 5).

This module registers a report section (:func:`mapping.report.sections.register_section`) and
:mod:`mapping.report` imports it by name, so the pack gets whatever :func:`report_figures` and
:func:`report_tables` return; :func:`report_summary` adds a "Provision ladder" section to ``summary.md`` whose every
number is a row of ``ladder_summary`` or ``reach``. Every number drawn comes from the library
(:func:`mapping.analysis.ladder.compute_ladder`,
:func:`mapping.analysis.ladder.summarise_ladder`, :func:`mapping.analysis.reach.published_record`,
:func:`mapping.analysis.reach.national_reach`) and is written to a table beside the figure, so a reader can
check a figure against its row. The nation pages follow the MMHA perinatal map: the map, and every
area with its level (by label, swatch and hatch, never colour alone) and the share of its children
aged 0-2 at that level.

The pack stands on its ``as_of`` date: published counts dated after it are left out, as
:func:`mapping.report.growth_as_of` does for the existing growth chart. England's 106-195 areas do
not fit under its map, so its table goes on pages of its own (``ladder_england_table``, then
``_2``, ``_3`` as needed to keep the type at 6.5 pt or more).

The pages are laid out with mapping.present.figures' public page-layout API (title block, footer, key,
class drawing, framing) and drawn in mapping.present.style's colours, so they look like the rest of the
pack and the web map; ``tests/pack/test_ladder_report.py`` draws them, so a change there
that breaks a page fails a test.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.crs import PRINT_MAP
from mapping.analysis.ladder import LEVEL_SLUGS, LEVELS
from mapping.errors import ReportError
from mapping.present import figures as F
from mapping.present import style
from mapping.present.text import escape_markdown
from mapping.report.figures import PackFigure, PackPages, data_note
from mapping.report.sections import Section, register_section
from mapping.report.summary import SummaryFigure, long_date, one, pct, whole

__all__ = [
    "LEVEL_STYLES",
    "NO_AREAS",
    "LadderPackData",
    "ladder_pack_data",
    "share_text",
    "area_rows",
    "nation_slug",
    "foi_reaches",
    "common_affixes",
    "ladder_nation_page",
    "ladder_table_page",
    "table_pages",
    "published_record_chart",
    "report_tables",
    "report_figures",
    "report_summary",
    "SECTION",
]

NATION_ORDER: tuple[str, ...] = UK_NATIONS
# An area whose level is missing has no small areas (mapping.analysis.ladder.ladder_by_area); it is drawn
# white and named, never left out.
NO_AREAS = style.NO_LEVEL
# The levels' labels, colours and hatches: the web map's (mapping.present.style.LADDER_STYLES).
LEVEL_STYLES: dict[str, style.ClassStyle] = style.LADDER_STYLES


def _wrap_label(text: str, limit: int = 30) -> str:
    """A key label broken at spaces into lines of at most ``limit`` characters, so a two-column key on
    A4 and the one-column key of a slide stay on the page."""
    return textwrap.fill(text, limit, break_long_words=False, break_on_hyphens=False)


# The same styles with the labels wrapped, for map keys (tables print the label on one line).
KEY_STYLES: dict[str, F.ClassStyle] = {
    k: F.ClassStyle(_wrap_label(s.label), s.colour, s.hatch, s.hatch_colour) for k, s in LEVEL_STYLES.items()
}
KEY_TITLE = "Level of provision\n(of most of the area's children aged 0-2)"
SYNTHETIC_FLAG = "SYNTHETIC TEST DATA: not real FOI replies"  # the words mapping.report uses on FOI figures
# Nations whose table does not fit under their map get a page of their own (England: 106-195 areas).
OWN_TABLE_PAGE: tuple[str, ...] = ("England",)
_CACHE_KEY = "mapping.report.ladder"
_PAGE_FONT = 8.5  # base font of the A4 pages (as mapping.present.figures' A4 maps)


# --- inputs (computed once per pack) ------------------------------------------------------------------


@dataclass(frozen=True)
class LadderPackData:
    """The ladder and its companions for one pack, computed once and shared by figures and tables."""

    ladder: gpd.GeoDataFrame  # compute_ladder, with foi_file and foi_synthetic
    summary: pd.DataFrame  # summarise_ladder(ladder)
    record: pd.DataFrame  # published_record of the counts known on as_of
    growth: pd.DataFrame  # the pack's growth table (listed count on 1 July, target path)
    reach: dict  # scope and national_reach for the teams operating on as_of
    foi_file: str
    synthetic: bool
    reach_by_nation: pd.DataFrame | None = None  # summarise_reach: the whole geography, then each nation


def _foi_areas(data) -> pd.DataFrame | None:
    """The pack's FOI classes as the ladder's FOI answers (levels 1 and 0), or None without FOI data."""
    from mapping.analysis.ladder import foi_areas_from_classes

    if data.foi is None:
        return None
    return foi_areas_from_classes(data.foi.own, data.foi.geography)


def ladder_pack_data(data) -> LadderPackData:
    """Compute the ladder, its summary, the published record and the national reach for a pack.

    Kept in ``data.extra`` (the room :class:`mapping.report.PackInputs` leaves for other modules), so
    the figures and tables of one pack are drawn from the same frames and the ladder is computed once.
    """
    cached = data.extra.get(_CACHE_KEY)
    if cached is not None:
        return cached
    from mapping.analysis.growth import known_published_counts
    from mapping.analysis.ladder import compute_ladder, summarise_ladder
    from mapping.analysis.reach import compute_reach, national_reach_of, published_record, summarise_reach

    inputs = data.analysis
    if inputs is None:
        raise ReportError("the ladder's section needs the pack's selection inputs (mapping.report.load_inputs)")
    ladder = compute_ladder(inputs, foi_areas=_foi_areas(data))
    foi_file = data.foi.file_name if data.foi is not None else ""
    synthetic = bool(data.foi.synthetic) if data.foi is not None else False
    ladder["foi_file"] = foi_file
    ladder["foi_synthetic"] = synthetic
    record = published_record(inputs.all_teams, known_published_counts(data.published, data.as_of))
    # Teams and babies as `pimap reach --national` counts them (exact babies, not the rounded summary).
    by_area = compute_reach(inputs)
    reach = national_reach_of(by_area)
    out = LadderPackData(ladder=ladder, summary=summarise_ladder(ladder), record=record, growth=data.growth,
                         reach=reach, foi_file=foi_file, synthetic=synthetic, reach_by_nation=summarise_reach(by_area))
    data.extra[_CACHE_KEY] = out
    return out


# --- tables ---------------------------------------------------------------------------------------------


def _nation_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    rank = {n: i for i, n in enumerate(NATION_ORDER)}
    return frame.sort_values(["nation", "code"], key=lambda s: s.map(rank) if s.name == "nation" else s,
                             kind="stable").reset_index(drop=True)


def report_tables(data) -> dict[str, pd.DataFrame]:
    """``ladder_areas`` (every area's level, shares and evidence), ``ladder_summary`` (UK and nations),
    ``published_record`` (each published count beside our list), ``reach`` (with its arithmetic) and
    ``reach_by_nation`` (the whole geography and each nation: teams, exact babies, need, families, reach; the
    app's "Reach by nation" table)."""
    pack = ladder_pack_data(data)
    areas = _nation_sorted(pd.DataFrame(pack.ladder.drop(columns="geometry")))
    summary = pack.summary.copy()
    for column in ("geography", "population_year", "as_of", "no_evidence_level", "foi_file", "foi_synthetic"):
        summary[column] = areas[column].iloc[0]
    reach = {k: v for k, v in pack.reach.items() if k != "parameters"}
    reach = {**reach, **pack.reach["parameters"],
             "teams_basis": f"teams operating on {data.as_of.isoformat()} in {data.register_source} (a lower bound after "
                            "2019; see published_record)",
             "population_year": data.year, "as_of": data.as_of.isoformat()}
    return {
        "ladder_areas": areas,
        "ladder_summary": summary,
        "published_record": pack.record.copy(),
        "reach": pd.DataFrame([reach]),
        **({"reach_by_nation": pack.reach_by_nation.assign(population_year=data.year, as_of=data.as_of.isoformat())}
           if pack.reach_by_nation is not None else {}),
    }


# --- summary.md -----------------------------------------------------------------------------------------

# How summary.md names each level (short forms of mapping.analysis.ladder.LEVEL_LABELS).
SUMMARY_LEVELS: dict[str, str] = {
    "3": "level 3 (a specialised parent-infant team)",
    "2": "level 2 (CAMHS parent-infant specialists only)",
    "1": "level 1 (CAMHS accepts under-3s, FOI)",
    "0": "level 0 (CAMHS does not accept under-3s, FOI)",
    "unknown": "unknown",
}
_REACH_FIGURES: tuple[str, ...] = ("teams", "families_per_team", "families", "need_share", "babies", "need",
                                   "reach", "teams_for_all", "multiple")


def report_summary(data, tables: dict[str, pd.DataFrame]) -> list[tuple[str, list[str], list]]:
    """The "Provision ladder" section of ``summary.md``: the share of children aged 0-2 at each level,
    UK and per nation (``ladder_summary``), and the national reach with its arithmetic (``reach``).

    Each number is a :class:`mapping.report.SummaryFigure` naming its table, row and column; the
    sentences name the figures as ``{id}`` and mapping.report writes their text in. The title says
    SYNTHETIC TEST DATA when the pack's FOI file is synthetic, as the FOI section's does.
    """
    figures: list[SummaryFigure] = []

    def figure(id_: str, value, text: str, table: str, row: str, column: str) -> str:
        value = value.item() if hasattr(value, "item") else value
        figures.append(SummaryFigure(id_, value, text, table, row, column))
        return "{" + id_ + "}"

    summary = tables["ladder_summary"]
    sentences = [("Share of children aged 0-2 living in small areas at each level of provision (population-"
                  "weighted; every area's level in `tables/ladder_areas.csv`):")]
    for row in summary.itertuples(index=False):
        scope = str(row.scope)
        parts = []
        for lv in LEVELS:
            column = f"share_{LEVEL_SLUGS[lv]}"
            value = getattr(row, column)
            ref = figure(f"ladder.{scope}.{column}", value, pct(value), "ladder_summary", f"scope = {scope}",
                         column)
            parts.append(f"{ref} {SUMMARY_LEVELS[lv]}" if lv == "unknown" else f"{ref} at {SUMMARY_LEVELS[lv]}")
        sentences.append(f"{scope}: " + ", ".join(parts[:-1]) + f"; {parts[-1]}.")
    pack = ladder_pack_data(data)
    if pack.foi_file:
        sentences.append(f"Levels 1 and 0 come from the FOI file {escape_markdown(pack.foi_file)}"
                         + (" (SYNTHETIC: not real replies; do not quote them)." if pack.synthetic else "."))
    else:
        sentences.append("Without an FOI file no area can be at level 1 or level 0: areas with neither a team nor "
                         "specialists are unknown.")

    reach = tables["reach"].iloc[0]
    scope = str(reach["scope"])
    r = {}
    for column in _REACH_FIGURES:
        value = reach[column]
        fmt = {"need_share": pct, "reach": pct, "multiple": one}.get(column, whole)
        r[column] = figure(f"reach.{column}", value, fmt(value), "reach", f"scope = {scope}", column)
    sentences.append(
        f"National reach: if each of the {r['teams']} teams operating on {data.as_of.isoformat()} supported "
        f"{r['families_per_team']} families a year, as the Leeds service does, they would support "
        f"{r['families']} families a year, against {r['need_share']} x {r['babies']} babies under 1 = "
        f"{r['need']} babies a year needing help: reach = {r['families']} / {r['need']} = {r['reach']}; "
        f"{r['need']} / {r['families_per_team']} = {r['teams_for_all']} teams would reach all, "
        f"{r['multiple']} times as many (sources and `arithmetic` in `tables/reach.csv`).")
    title = "Provision ladder" + (" - SYNTHETIC TEST DATA" if pack.synthetic else "")
    return [(title, sentences, figures)]


# --- what the pages print --------------------------------------------------------------------------------


share_text = style.share_text  # the pages' rounding of a share, one rule (mapping.present.style)


def _level_keys(levels: pd.Series) -> pd.Series:
    """The ladder's level as a style key: the level, or :data:`NO_AREAS` where it is missing."""
    return levels.astype(object).where(levels.notna(), NO_AREAS).astype(str)


def area_rows(ladder: pd.DataFrame, nation: str) -> pd.DataFrame:
    """Every area of ``nation`` as the page prints it (the MMHA format), sorted by name.

    Columns: ``area`` (name), ``code``, ``level`` (style key), ``label`` (the level's label),
    ``share`` (``level_share``: the share of the area's children aged 0-2 at its level) and
    ``share_text`` (:func:`share_text`).
    """
    frame = ladder[ladder["nation"] == nation]
    keys = _level_keys(frame["level"])
    out = pd.DataFrame({
        "area": frame["name"].astype(str).to_numpy(),
        "code": frame["code"].astype(str).to_numpy(),
        "level": keys.to_numpy(),
        "label": [LEVEL_STYLES[k].label for k in keys],
        "share": frame["level_share"].astype(float).to_numpy(),
    })
    out["share_text"] = [share_text(s) for s in out["share"]]
    return out.sort_values(["area", "code"], kind="stable").reset_index(drop=True)


def common_affixes(names: Sequence[str], prefixes: Sequence[str] = ("NHS ",),
                   suffixes: Sequence[str] = (" CCG",)) -> tuple[str, str]:
    """The prefix and suffix every name carries (e.g. "NHS " and " CCG" for CCGs), so that a long table
    can print the names without them and say so; ("", "") when not every name has one."""
    names = list(names)
    prefix = next((p for p in prefixes if names and all(n.startswith(p) for n in names)), "")
    suffix = next((x for x in suffixes if names and all(n.endswith(x) for n in names)), "")
    return prefix, suffix


def _without_affixes(names: pd.Series, prefix: str, suffix: str) -> pd.Series:
    return names.map(lambda n: n.removeprefix(prefix).removesuffix(suffix) if suffix else n.removeprefix(prefix))


def nation_slug(nation: str) -> str:
    """``Northern Ireland`` -> ``northern_ireland`` (file names)."""
    return nation.lower().replace(" ", "_")


# --- drawing helpers ------------------------------------------------------------------------------------


def _inch_x(fig: Figure, inches: float) -> float:
    return inches / fig.get_figwidth()


def _inch_y(fig: Figure, inches: float) -> float:
    return inches / fig.get_figheight()


def _key(fig: Figure, levels: pd.Series, *, x: float, y: float, font: float, columns: int, title: str):
    """The level key: a hatched swatch, the label and the number of areas for each level shown."""
    return F.key_legend(fig, F.class_legend_handles(levels, KEY_STYLES), font=font, columns=columns, title=title,
                        x=x, y=y)


@dataclass(frozen=True)
class _TableSpec:
    """How a table of areas is set: font, columns side by side, and how the level is written."""

    font: float
    columns: int
    level_text: str  # "label" (the whole label) or "number" (the level alone; the key names it)


_HEADERS = ("Area", "Level", "% of children aged\n0-2 at this level")
_SHORT_HEADERS = ("Area", "Level", "% aged 0-2\nat level")  # the many-column table: its title says it all


def _table_geometry(fig: Figure, rows: pd.DataFrame, spec: _TableSpec, width: float) -> dict:
    """Column widths (figure fractions) and each row's wrapped name and height in lines."""
    gap = _inch_x(fig, 0.12)
    column_width = (width - gap * (spec.columns - 1)) / spec.columns
    swatch = _inch_x(fig, 0.2)
    pad = _inch_x(fig, 0.08)
    headers = _HEADERS if spec.level_text == "label" else _SHORT_HEADERS
    levels = rows["label"] if spec.level_text == "label" else rows["level"].map(_level_number)
    level_width = max([F.text_width(fig, str(v), spec.font) for v in levels]
                      + [F.text_width(fig, headers[1], spec.font, "bold")])
    share_width = max(F.text_width(fig, line, spec.font, "bold") for line in headers[2].split("\n"))
    area_width = column_width - swatch - level_width - share_width - 3 * pad
    names = [F.wrap_text(fig, name, spec.font, area_width) for name in rows["area"]]
    return {"gap": gap, "column_width": column_width, "swatch": swatch, "pad": pad, "level_width": level_width,
            "share_width": share_width, "area_width": area_width, "names": names,
            "lines": [n.count("\n") + 1 for n in names], "levels": list(levels), "headers": headers}


def _level_number(key: str) -> str:
    return "no small areas" if key == NO_AREAS else key


def _split_columns(lines: Sequence[int], columns: int) -> list[list[int]]:
    """Row indices per table column, in order, balancing the lines each column holds."""
    total = sum(lines)
    out: list[list[int]] = [[] for _ in range(columns)]
    used, column = 0, 0
    for i, n in enumerate(lines):
        if column < columns - 1 and out[column] and used + n / 2 > total * (column + 1) / columns:
            column += 1
        out[column].append(i)
        used += n
    return out


def _table_height(fig: Figure, rows: pd.DataFrame, spec: _TableSpec, width: float) -> float:
    """Height of the table in figure fractions (header of two lines, then each row's lines)."""
    geometry = _table_geometry(fig, rows, spec, width)
    pitch = _inch_y(fig, spec.font * 1.3 / 72)
    row_pad = _inch_y(fig, spec.font * 0.45 / 72)
    tallest = 0.0
    for indices in _split_columns(geometry["lines"], spec.columns):
        height = sum(geometry["lines"][i] * pitch + row_pad for i in indices)
        tallest = max(tallest, height)
    return 2 * pitch + 2 * row_pad + tallest


def _draw_table(fig: Figure, rows: pd.DataFrame, spec: _TableSpec, *, x: float, top: float, width: float) -> float:
    """Set the table from ``top`` down; returns its bottom (figure fraction). Each row: a swatch with
    the level's colour and hatch, the area's name, its level in words and the share at that level."""
    g = _table_geometry(fig, rows, spec, width)
    pitch = _inch_y(fig, spec.font * 1.3 / 72)
    row_pad = _inch_y(fig, spec.font * 0.45 / 72)
    bottom = top
    for c, indices in enumerate(_split_columns(g["lines"], spec.columns)):
        left = x + c * (g["column_width"] + g["gap"])
        area_x = left + g["swatch"] + g["pad"]
        level_x = area_x + g["area_width"] + g["pad"]
        share_x = left + g["column_width"]
        y = top
        for text, at, ha in ((g["headers"][0], area_x, "left"), (g["headers"][1], level_x, "left"),
                             (g["headers"][2], share_x, "right")):
            fig.text(at, y, text, ha=ha, va="top", fontsize=spec.font, fontweight="bold", color=F.INK,
                     linespacing=1.1, multialignment=ha)
        y -= 2 * pitch + row_pad
        fig.add_artist(Line2D([left, left + g["column_width"]], [y, y], color=F.INK, linewidth=0.6,
                              transform=fig.transFigure))
        y -= row_pad
        for i in indices:
            row = rows.iloc[i]
            level = LEVEL_STYLES[row["level"]]
            height = g["lines"][i] * pitch
            fig.add_artist(Rectangle((left, y - pitch * 0.92), g["swatch"], pitch * 0.84, facecolor=level.colour,
                                     edgecolor=level.hatch_colour, hatch=level.hatch or None, linewidth=0.5,
                                     transform=fig.transFigure))
            fig.text(area_x, y, g["names"][i], ha="left", va="top", fontsize=spec.font, color=F.INK, linespacing=1.15)
            fig.text(level_x, y, g["levels"][i], ha="left", va="top", fontsize=spec.font, color=F.INK)
            fig.text(share_x, y, row["share_text"], ha="right", va="top", fontsize=spec.font, color=F.INK)
            y -= height + row_pad / 2
            fig.add_artist(Line2D([left, left + g["column_width"]], [y, y], color="#cccccc", linewidth=0.4,
                                  transform=fig.transFigure))
            y -= row_pad / 2
        bottom = min(bottom, y)
    return bottom


def _fit_table(fig: Figure, rows: pd.DataFrame, width: float, height: float, *, level_text: str,
               font: float = _PAGE_FONT, smallest: float = 5.5, columns: Sequence[int] = (1, 2)) -> _TableSpec | None:
    """The largest font (in quarter points, from ``font`` down to ``smallest``) and then the fewest
    columns at which the table fits ``height``; None if none does."""
    size = font
    while size >= smallest:
        for n in columns:
            spec = _TableSpec(size, n, level_text)
            pitch = _inch_y(fig, size * 1.75 / 72)  # a one-line row and its padding
            if (-(-len(rows) // n) + 2) * pitch > height:
                continue  # cannot fit even if no name wraps
            if _table_height(fig, rows, spec, width) <= height:
                return spec
        size -= 0.25
    return None


def _map_parts(areas: gpd.GeoDataFrame, column: str, nations: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame,
                                                                                      gpd.GeoDataFrame]:
    """Areas as single polygons in EPSG:27700, and their nation's outline the same way, taken from ``nations``
    (:func:`mapping.present.figures.nation_outlines` of all the pack's areas, dissolved once for every map and
    page: the same union of the same areas as dissolving the nation's own)."""
    frame = areas[["nation", column, "geometry"]].to_crs(PRINT_MAP)
    parts = frame.explode(index_parts=False).reset_index(drop=True)
    outline = nations[nations["nation"].isin(set(frame["nation"]))].reset_index(drop=True)[["nation", "geometry"]]
    outline = outline.explode(index_parts=False).reset_index(drop=True)
    return parts, outline


def _draw_map(fig: Figure, parts: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, column: str,
              rect: tuple[float, float, float, float], anchor: str, *, edge: float = 0.3, coast: float = 0.7):
    bounds = F.padded_bounds(parts.total_bounds, 4_000)
    ax = fig.add_axes(rect, anchor=anchor)
    F.draw_classes(ax, parts, column, LEVEL_STYLES, outline, edge_width=edge, coast_width=coast)
    F.frame_map(ax, bounds, None, _PAGE_FONT)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.apply_aspect()
    return ax, bounds


def _insets(fig: Figure, ax, bounds, parts, outline, column: str, region_map: tuple[float, float, float],
            insets: Sequence[F.Inset], top: float, bottom: float) -> None:
    """London and Greater Manchester enlarged in the sea west of England (``region_map``: x_max,
    y_min, y_max in the map's coordinates), each framed on the map as well."""
    box = ax.get_position()
    per_metre = box.height / (bounds[3] - bounds[1])
    aspect = fig.get_figheight() / fig.get_figwidth()

    def to_fig(x: float, y: float) -> tuple[float, float]:
        return box.x0 + (x - bounds[0]) * per_metre * aspect, box.y0 + (y - bounds[1]) * per_metre

    x_max, y_min, y_max = region_map
    x1, y0 = to_fig(x_max, y_min)
    _, y1 = to_fig(x_max, y_max)
    x0, y0, y1 = F.MARGIN, max(y0, bottom), min(y1, top)
    shown = [i for i in insets if not F.clip_to_bounds(parts, i.bounds).empty]
    if not shown:
        return
    title_room = _PAGE_FONT * 1.9 / 72 / fig.get_figheight()
    slot = (y1 - y0) / len(shown)
    for i, inset in enumerate(shown):
        rect = (x0, y1 - (i + 1) * slot, x1 - x0, slot - title_room)
        inset_ax = fig.add_axes(rect, anchor="NW")
        F.draw_classes(inset_ax, F.clip_to_bounds(parts, inset.bounds), column, LEVEL_STYLES, F.clip_to_bounds(outline, inset.bounds),
                        edge_width=0.6, coast_width=1.0)
        F.frame_map(inset_ax, inset.bounds, inset.name, _PAGE_FONT * 0.95)
        ax.add_patch(Rectangle((inset.bounds[0], inset.bounds[1]), inset.bounds[2] - inset.bounds[0],
                               inset.bounds[3] - inset.bounds[1], fill=False, edgecolor=F.INK, linewidth=0.9,
                               zorder=8))


# England alone: the insets go in the sea where Wales and the Irish Sea are on the UK map, from the
# page margin to x_max, between the north coast of Cornwall and Devon and the Solway (EPSG:27700).
_ENGLAND_INSET_REGION: tuple[float, float, float] = (290_000.0, 160_000.0, 650_000.0)


def ladder_nation_page(areas: gpd.GeoDataFrame, nation: str, *, text: F.FigureText,
                       table: pd.DataFrame | None) -> Figure:
    """An A4 page for one nation: the map of every area's level, the key, and (``table``: rows of
    :func:`area_rows`) the table of every area below the map; without ``table`` the map takes the page
    (England, whose table has a page of its own: :func:`ladder_table_page`).

    With a table, the key goes beside the map or below it, whichever leaves the map larger (beside a
    tall nation such as Scotland, below a wide one such as Northern Ireland).
    """
    column = "ladder_level"
    frame = areas[areas["nation"] == nation].copy()
    if frame.empty:
        raise ReportError(f"no areas in {nation!r}")
    frame[column] = _level_keys(frame["level"])
    parts, outline = _map_parts(frame, column, F.nation_outlines(areas))
    with mpl.rc_context(F.RC):
        fig = F.new_figure("a4")
        pad = _inch_y(fig, 0.12)
        top = F.title_block(fig, text, font=_PAGE_FONT) - 2 * pad
        bottom = F.footer(fig, text, font=_PAGE_FONT) + pad
        key = _key(fig, frame[column], x=F.MARGIN, y=top, font=_PAGE_FONT, columns=2 if table is None else 1,
                   title=KEY_TITLE)
        if table is None:
            key.set_loc("lower left")
            key.set_bbox_to_anchor((F.MARGIN, bottom + pad), transform=fig.transFigure)
            map_bottom = F.figure_extent(fig, key)[3] + 2 * pad
            ax, bounds = _draw_map(fig, parts, outline, column, (F.MARGIN, map_bottom, 0.97 - F.MARGIN,
                                                                 top - map_bottom), "NE")
            _insets(fig, ax, bounds, parts, outline, column, _ENGLAND_INSET_REGION, F.INSETS, top, map_bottom)
            return fig
        width = 1 - 2 * F.MARGIN
        spec = _fit_table(fig, table, width, (top - bottom) * 0.45, level_text="label", columns=(1,))
        if spec is None:
            raise ReportError(f"the table of {nation}'s {len(table)} areas does not fit under its map; "
                             "give it a page of its own (OWN_TABLE_PAGE)")
        map_bottom = bottom + _table_height(fig, table, spec, width) + 3 * pad
        kx0, ky0, kx1, ky1 = F.figure_extent(fig, key)
        key_w, key_h = kx1 - kx0 + 0.03, ky1 - ky0 + 2 * pad
        xmin, ymin, xmax, ymax = F.padded_bounds(parts.total_bounds, 4_000)
        fig_w, fig_h = fig.get_size_inches()

        def scale(w: float, h: float) -> float:  # inches of page per metre of map
            return min(w * fig_w / (xmax - xmin), h * fig_h / (ymax - ymin))

        beside = scale(width - key_w, top - map_bottom) >= scale(width, top - map_bottom - key_h)
        if beside:
            ax, _ = _draw_map(fig, parts, outline, column, (F.MARGIN, map_bottom, width - key_w, top - map_bottom),
                              "NW")
            box = ax.get_position()
            key.set_bbox_to_anchor((box.x1 + 0.03, top), transform=fig.transFigure)
            table_top = min(box.y0, F.figure_extent(fig, key)[1])
        else:
            ax, _ = _draw_map(fig, parts, outline, column, (F.MARGIN, map_bottom + key_h, width,
                                                            top - map_bottom - key_h), "NW")
            box = ax.get_position()
            key.set_bbox_to_anchor((F.MARGIN, box.y0 - pad), transform=fig.transFigure)
            table_top = F.figure_extent(fig, key)[1]
        _draw_table(fig, table, spec, x=F.MARGIN, top=table_top - 2 * pad, width=width)
    return fig


# Tables on pages of their own: type no smaller than this, at most two columns (three leave the
# names too little room); a table that does not fit is split over more pages.
TABLE_MIN_FONT = 6.5
TABLE_COLUMNS: tuple[int, ...] = (1, 2)
# About this many areas fit a page at the largest type, in two columns: a rough count of a table's pages, to
# weigh the job that draws them against the others (mapping.report.figures.PackPages).
ROWS_PER_PAGE = 55


def _table_page_frame(fig: Figure, text: F.FigureText, levels: pd.Series) -> tuple[float, float]:
    """Title, footer and key of a table page; returns the top and bottom of the room left for the table."""
    pad = _inch_y(fig, 0.12)
    top = F.title_block(fig, text, font=_PAGE_FONT) - 2 * pad
    bottom = F.footer(fig, text, font=_PAGE_FONT) + pad
    key = _key(fig, levels, x=F.MARGIN, y=top, font=_PAGE_FONT, columns=2, title=KEY_TITLE)
    return F.figure_extent(fig, key)[1] - 2 * pad, bottom


def _table_spec(fig: Figure, table: pd.DataFrame, top: float, bottom: float) -> _TableSpec | None:
    return _fit_table(fig, table, 1 - 2 * F.MARGIN, top - bottom, level_text="number", smallest=TABLE_MIN_FONT,
                      columns=TABLE_COLUMNS)


def table_pages(areas: pd.DataFrame, nation: str, table: pd.DataFrame,
                page_text: Callable[[int, int, pd.DataFrame], F.FigureText], most: int = 6
                ) -> list[tuple[pd.DataFrame, F.FigureText]]:
    """The table of every area split over the fewest A4 pages on which each part fits at
    :data:`TABLE_MIN_FONT` or larger, in order (``page_text(page, pages, rows)`` gives each page's words).
    Every row is on exactly one page."""
    levels = _level_keys(areas.loc[areas["nation"] == nation, "level"])
    for pages in range(1, most + 1):
        parts = [table.iloc[i].reset_index(drop=True) for i in np.array_split(np.arange(len(table)), pages)]
        texts = [page_text(k + 1, pages, part) for k, part in enumerate(parts)]
        fits = True
        for part, text in zip(parts, texts):
            with mpl.rc_context(F.RC):
                fig = F.new_figure("a4")
                top, bottom = _table_page_frame(fig, text, levels)
                if _table_spec(fig, part, top, bottom) is None:
                    fits = False
                    break
        if fits:
            return list(zip(parts, texts))
    raise ReportError(f"the table of {nation}'s {len(table)} areas does not fit on {most} pages")


def _page_weight(areas: gpd.GeoDataFrame) -> float:
    """A nation page's rough cost in chart sizes, to order the pack's jobs: about one, and one more per thousand
    polygons, each hatched and outlined (Scotland's islands)."""
    import shapely

    return 1.0 + float(shapely.get_num_geometries(np.asarray(areas.geometry.values)).sum()) / 1000


def _table_page_figures(areas: pd.DataFrame, nation: str, table: pd.DataFrame,
                        page_text: Callable[[int, int, pd.DataFrame], F.FigureText], name: str) -> list[PackFigure]:
    """A nation's table of areas laid out over its pages (:func:`table_pages`) as pack figures, ``name``,
    ``name_2``, ... (A4 only)."""
    return [PackFigure("maps", name + (f"_{k + 1}" if k else ""), ("a4",),
                       partial(_draw_table_page, areas, nation, page, part))
            for k, (part, page) in enumerate(table_pages(areas, nation, table, page_text))]


def _draw_nation_page(areas: gpd.GeoDataFrame, nation: str, text: F.FigureText, table: pd.DataFrame | None,
                      size: str) -> Figure:
    """A pack figure's drawing function (its one argument is the size; these pages come in A4 only)."""
    return ladder_nation_page(areas, nation, text=text, table=table)


def _draw_table_page(areas: pd.DataFrame, nation: str, text: F.FigureText, table: pd.DataFrame, size: str) -> Figure:
    """A pack figure's drawing function for a page of the table of areas (A4 only)."""
    return ladder_table_page(areas, nation, text=text, table=table)


def ladder_table_page(areas: pd.DataFrame, nation: str, *, text: F.FigureText, table: pd.DataFrame) -> Figure:
    """An A4 page with a table of areas of a nation (for England's 106-195 areas; :func:`table_pages`
    splits it): the key at the top, then the areas in one or two columns, at the largest type that fits."""
    levels = _level_keys(areas.loc[areas["nation"] == nation, "level"])
    with mpl.rc_context(F.RC):
        fig = F.new_figure("a4")
        top, bottom = _table_page_frame(fig, text, levels)
        spec = _table_spec(fig, table, top, bottom)
        if spec is None:
            raise ReportError(f"{len(table)} areas do not fit on one page at {TABLE_MIN_FONT} pt; use table_pages")
        _draw_table(fig, table, spec, x=F.MARGIN, top=top, width=1 - 2 * F.MARGIN)
    return fig


def _decimal_year(day: pd.Timestamp | date) -> float:
    """A date as a year with its fraction (1 July 2019 -> 2019.496), for a time axis in years."""
    import calendar

    d = pd.Timestamp(day).date()
    return d.year + (d.timetuple().tm_yday - 1) / (366 if calendar.isleap(d.year) else 365)


def published_record_chart(record: pd.DataFrame, growth: pd.DataFrame, *, as_of: date, text: F.FigureText,
                           target_label: str, size: str = "a4-half") -> Figure:
    """Each published UK count beside the teams our list holds on the same day, our count on 1 July of
    each year up to ``as_of``, and the Vision & Strategy target path.

    ``record``: :func:`mapping.analysis.reach.published_record` (``as_of``, ``teams``, ``listed_operating``);
    ``growth``: the pack's growth table (``year``, ``listed_operating``, ``target``). A published count
    is drawn at the end of the month or year it is dated, the day our list is counted on for it.
    """
    from mapping.inputs.dates import parse_date

    font = F.chart_font(size)
    july = growth.dropna(subset=["listed_operating"]).copy()
    july["x"] = [_decimal_year(date(int(y), 7, 1)) for y in july["year"]]
    july = july[[date(int(y), 7, 1) <= as_of for y in july["year"]]]
    points = record.copy()
    points["day"] = [parse_date(str(s), end=True) for s in points["as_of"]]
    points["x"] = [_decimal_year(d) for d in points["day"]]
    target = growth.dropna(subset=["target"]).copy()
    target["x"] = [_decimal_year(date(int(y), 7, 1)) for y in target["year"]]
    ours, published, path = style.SERIES["listed"], style.SERIES["published"], style.SERIES["target"]
    handles = [
        Line2D([], [], color=ours, linewidth=2.0, marker="o", markersize=4,
               label="This dataset (data/teams.csv), 1 July each year"),
        Line2D([], [], linestyle="", marker="s", markersize=6, markerfacecolor=published, markeredgecolor=F.INK,
               label="Published UK count, at the end of its month or year"),
        Line2D([], [], linestyle="", marker="o", markersize=6, markerfacecolor="white", markeredgecolor=ours,
               markeredgewidth=1.4, label="This dataset on that day (dotted: the gap)"),
        Line2D([], [], color=path, linewidth=1.2, linestyle=(0, (4, 2)), label=target_label),
    ]
    if points.empty:  # no legend entry for a series that is not drawn
        handles = [handles[0], handles[3]]
    years = sorted(set(growth["year"].astype(int)) | {int(np.floor(x)) for x in points["x"]})
    with mpl.rc_context(F.RC):
        fig = F.new_figure(size)
        ax = F.chart_axes(fig, text, size, left=0.07 if size == "slide" else 0.09, below=2.2, legend=handles,
                           legend_columns=2)
        ax.plot(july["x"], july["listed_operating"], color=ours, linewidth=2.0, marker="o", markersize=4, zorder=3)
        ax.plot(target["x"], target["target"], color=path, linewidth=1.2, linestyle=(0, (4, 2)), zorder=2)
        for row in points.itertuples():
            ax.plot([row.x, row.x], [row.listed_operating, row.teams], color=F.MUTED, linewidth=0.9,
                    linestyle=(0, (1, 1.5)), zorder=3)
        ax.scatter(points["x"], points["listed_operating"], marker="o", s=36, facecolor="white", edgecolor=ours,
                   linewidth=1.4, zorder=7)  # over the squares: a count of ours can sit between two published
        ax.scatter(points["x"], points["teams"], marker="s", s=40, color=published, edgecolor=F.INK, linewidth=0.6,
                   zorder=6)
        lo, hi = min(years), max(years) + 1
        ax.set_xlim(lo, hi)
        top = float(np.nanmax([points["teams"].max() if len(points) else 0, july["listed_operating"].max(),
                               target["target"].max()]))
        ax.set_ylim(0, top * 1.25)
        # Published counts left of their square; ours right of and below their circle, clear of our line.
        _labels(ax, points["x"].to_numpy(), points["teams"].to_numpy(dtype=float), F.INK, -1, font * 0.95)
        _labels(ax, points["x"].to_numpy(), points["listed_operating"].to_numpy(dtype=float), ours, +1,
                font * 0.95, lift=-font)
        if len(july):
            last = july.iloc[-1]
            ax.annotate(f"{last['listed_operating']:.0f}", (last["x"], last["listed_operating"]), xytext=(0, -13),
                        textcoords="offset points", ha="center", fontsize=font * 0.95, color=ours)
        if len(target):
            end = target.iloc[-1]
            ax.annotate(f"target {end['target']:.0f}", (end["x"], end["target"]), xytext=(0, 7),
                        textcoords="offset points", ha="center", fontsize=font * 0.95, color=F.INK)
        ax.set_xticks(range(lo, hi + 1), [""] * (hi - lo + 1))
        ax.set_xticks([y + 0.5 for y in range(lo, hi)], [str(y) for y in range(lo, hi)], minor=True, fontsize=font)
        ax.tick_params(axis="x", which="minor", length=0)
        ax.set_ylabel("Teams", fontsize=font, color=F.INK)
        ax.grid(axis="y", color=style.GRID, linewidth=0.6)
        ax.set_axisbelow(True)
    return fig


def _labels(ax, xs: np.ndarray, ys: np.ndarray, colour: str, side: int, font: float, lift: float = 0.0) -> None:
    """Numbers beside markers, ``side`` -1 left or +1 right and ``lift`` points up (negative: down);
    a point drawn twice (two counts dated the same day) is labelled once, and labels of one day are
    pushed apart so that no two overlap."""
    fig = ax.figure
    step = font * 1.15  # points between label centres
    to_points = 72 / fig.dpi
    seen: set[tuple[float, float]] = set()
    placed: list[tuple[float, float]] = []  # (x in pixels, label centre in points)
    for i in np.lexsort((ys, xs)):
        if (xs[i], ys[i]) in seen:
            continue
        seen.add((xs[i], ys[i]))
        x_disp, y_disp = ax.transData.transform((xs[i], ys[i]))
        want = y_disp * to_points + lift
        for px, py in placed:
            if abs(px - x_disp) < 1e-6 and want < py + step:
                want = py + step
        placed.append((x_disp, want))
        ax.annotate(f"{ys[i]:.0f}", (xs[i], ys[i]), xytext=(side * 7, want - y_disp * to_points),
                    textcoords="offset points", ha="right" if side < 0 else "left", va="center", fontsize=font,
                    color=colour)


# --- the pack's figures ---------------------------------------------------------------------------------


def foi_reaches(ladder: pd.DataFrame, nation: str | None = None) -> bool:
    """Whether any FOI reply (usable or not) lies behind an area of ``nation`` (all areas if None):
    only then can the FOI have set a level there, and only then does a page carry the FOI's flag."""
    frame = ladder if nation is None else ladder[ladder["nation"] == nation]
    return bool((frame["foi_reply_ids"].astype(str) != "").any())


def _text(data, pack: LadderPackData, title: str, subtitle: str, nation: str | None = None) -> F.FigureText:
    """Title, subtitle, the levels' sources and the FOI's part (flagged SYNTHETIC where it reaches)."""
    levels = (f"Levels: 3, inside the catchment of a team operating on the date ({data.register_source}); 2, in a CAMHS "
              "area with parent-infant specialists but no team (Rare Jewels, 2019, section 7); 1 and 0, the FOI "
              "reply for the area says CAMHS does or does not accept under-3s; unknown, nothing known either way "
              "(docs/methodology_ladder.md).")
    reaches = data.foi is not None and foi_reaches(pack.ladder, nation)
    if data.foi is None:
        foi = ("No FOI replies in this pack, so no area can be at level 1 or 0: every place without a team or "
               "specialists is unknown.")
    elif not reaches:
        foi = (f"The FOI replies in this pack ({pack.foi_file}, {data.foi.geography}) cover no area of {nation or 'the UK'}, "
               "so no area here can be at level 1 or 0.")
    else:
        foi = (f"FOI replies: {pack.foi_file} ({data.foi.geography}), carried to these areas through their small "
               "areas" + (" (SYNTHETIC: not real replies)." if pack.synthetic else "."))
    return F.FigureText(title=title, subtitle=subtitle, note=data_note(data, f"{levels} {foi}", teams=False),
                        attribution=data.attribution, flag=SYNTHETIC_FLAG if pack.synthetic and reaches else "")


def _split_text(row: pd.Series) -> str:
    split, areas = int(row["areas_split"]), int(row["areas"])
    return f"{split} of {areas} areas {'has' if split == 1 else 'have'} children at more than one level"


def _scope_row(summary: pd.DataFrame, scope: str) -> pd.Series:
    return summary.set_index("scope").loc[scope]


def report_figures(data) -> list:
    """The ladder's figures: ``maps/ladder_uk`` (A4 and slide), ``maps/ladder_<nation>`` (A4, map and
    table; England's table on the pages ``maps/ladder_england_table``, ``_2``, ..., laid out when drawn:
    :class:`mapping.report.figures.PackPages`) and ``charts/teams_published_record``."""
    pack = ladder_pack_data(data)
    ladder = pack.ladder
    as_of = long_date(data.as_of)
    first = pack.summary.iloc[0]
    figs: list = []
    uk = ladder.copy()
    uk["ladder_level"] = _level_keys(uk["level"])
    uk_text = _text(data, pack, "Parent-infant provision ladder, UK",
                    f"Each area at the level of most of its children aged 0-2, teams on {as_of}; "
                    f"{_split_text(first)} (tables/ladder_areas.csv gives the share at each)")
    figs.append(PackFigure("maps", "ladder_uk", ("a4", "slide"), lambda size: F.class_map(
        uk, "ladder_level", KEY_STYLES, text=uk_text, size=size, legend_title=KEY_TITLE)))

    for nation in [n for n in NATION_ORDER if (ladder["nation"] == n).any()]:
        row = _scope_row(pack.summary, nation)
        rows = area_rows(ladder, nation)
        own_page = nation in OWN_TABLE_PAGE
        where = (f"the table of every area is on pages of its own, ladder_{nation_slug(nation)}_table" if own_page
                 else "every area below, with the share of its children aged 0-2 at its level")
        text = _text(data, pack, f"Parent-infant provision ladder, {nation}",
                     f"Each area at the level of most of its children aged 0-2, teams on {as_of}; "
                     f"{_split_text(row)}; {where}", nation)
        figs.append(PackFigure("maps", f"ladder_{nation_slug(nation)}", ("a4",),
                               partial(_draw_nation_page, ladder, nation, text, None if own_page else rows),
                               weight=_page_weight(ladder[ladder["nation"] == nation])))
        if own_page:
            prefix, suffix = common_affixes(rows["area"])
            affixes = " and ".join(f'"{a.strip()}"' for a in (prefix, suffix) if a)
            names = f"; names without the {affixes} every name carries" if affixes else ""
            # A Sub-ICB location's code stays with its ICB's name when a name is wrapped (no-break spaces).
            short = rows.assign(area=_without_affixes(rows["area"], prefix, suffix).str.replace(
                " - ", "\u00a0-\u00a0", regex=False))

            def page_text(page: int, pages: int, part: pd.DataFrame, nation: str = nation, names: str = names):
                first, last = (str(part["area"].iloc[i]).replace("\u00a0", " ") for i in (0, -1))
                title = f"Parent-infant provision ladder, {nation}: every area"
                which = ""
                if pages > 1:
                    title += f", page {page} of {pages}"
                    which = f"This page: {first} to {last}. "
                return _text(data, pack, title,
                             f"{which}Each area's level (of most of its children aged 0-2) and the share of its "
                             f"children aged 0-2 at that level, teams on {as_of}{names}; map: "
                             f"ladder_{nation_slug(nation)}; codes and exact shares: tables/ladder_areas.csv", nation)

            name = f"ladder_{nation_slug(nation)}_table"
            figs.append(PackPages("maps", name, partial(_table_page_figures, ladder, nation, short, page_text, name),
                                  weight=2 * -(-len(rows) // ROWS_PER_PAGE) + 1))

    t = data.targets
    sources = ("Sources: " + "; ".join(f"{r.as_of}: {r.source}" for r in pack.record.itertuples()) + "."
               if len(pack.record) else f"No published count is dated by {data.as_of.isoformat()}.")
    chart_text = F.FigureText(
        title="Published UK team counts beside this dataset's, and the Vision & Strategy target",
        subtitle=f"Teams as known on {as_of}; the target path runs from {t.baseline_teams} teams in "
                 f"{t.baseline_year} to at least {t.target_teams} by {t.by_year}",
        note="This dataset lists only the teams published reports name, so after 2019 it is a lower bound: "
             "quote the published count (tables/published_record.csv explains each gap). Counts dated after "
             f"{data.as_of.isoformat()} are left out. {sources}",
        attribution=f"Target: Parent-Infant Foundation, Vision & Strategy 2019-2024; every area by "
                    f"{t.every_area_year}.",
    )
    figs.append(PackFigure("charts", "teams_published_record", ("a4-half", "slide"),
                           lambda size: published_record_chart(
                               pack.record, pack.growth, as_of=data.as_of, text=chart_text, size=size,
                               target_label=f"Vision & Strategy path: {t.baseline_teams} in {t.baseline_year} to "
                                            f"{t.target_teams} in {t.by_year}")))
    return figs


# The ladder's part of the pack, registered when this module is imported (mapping.report imports it).
SECTION = register_section(Section("ladder", tables=report_tables, summary=report_summary, figures=report_figures))
