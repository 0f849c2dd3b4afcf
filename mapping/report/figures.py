"""The pack's figures as specs: where each goes, the sizes it is drawn at, and how to draw it.

:func:`pack_figures` lists the core maps and charts and those of every registered section
(:mod:`mapping.report.sections`); nothing is drawn until a spec's ``draw`` (or, for :class:`PackPages`,
``pages``) is called (by the writer).
The drawing itself is :mod:`mapping.present.figures`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.errors import ReportError
from mapping.report.inputs import PackInputs
from mapping.report.sections import registered_sections
from mapping.report.summary import long_date as _long_date
from mapping.report.tables import NATION_ORDER
from mapping.report.tables import summary_row as _summary_row

__all__ = ["PackFigure", "PackPages", "pack_figures", "data_note", "size_suffix"]

@dataclass(frozen=True)
class PackFigure:
    """One figure of the pack: where it goes, the sizes it is drawn at, and how to draw it."""

    folder: str
    name: str
    sizes: tuple[str, ...]
    # size (one of ``sizes``) -> matplotlib Figure; Any because each drawing function takes its own
    # Literal set of sizes and checks the value itself.
    draw: Callable[[Any], object]
    # The cost of drawing it at all its sizes, in chart sizes (a map's size is 2, the default), where it is
    # known to differ: the writer starts the costliest jobs first (mapping.report.writer.drawn_figures).
    weight: float | None = None


@dataclass(frozen=True)
class PackPages:
    """A figure of as many pages as its content needs, known only once it is laid out (England's table of
    areas): ``pages()`` gives them in order as :class:`PackFigure` s, the first named ``name``. The writer calls
    it in the job that draws them, so laying them out (measuring every row at each type size tried) runs beside
    the other figures instead of before any of them can start."""

    folder: str
    name: str
    pages: Callable[[], list[PackFigure]]
    weight: float  # the cost of drawing them all, in chart sizes (a map's size is 2): the costliest start first


def _size_suffix(size: str) -> str:
    return size.replace("-", "")


def _data_note(data: PackInputs, extra: str = "", *, teams: bool = True) -> str:
    from boundaries import get_geography

    areas = get_geography(data.geography).label.split(":", 1)[-1].strip()
    note = f"Areas: {areas}."
    if teams:
        note += (f" Teams on {data.as_of.isoformat()} ({data.register_source}: teams named in published reports), drawn at "
                 "their base or, where no address is published, their catchment's centre.")
    note += f" Children aged 0-2: mid-{data.year} estimates; Northern Ireland's estimated."
    return f"{note} {extra}".strip()


def pack_figures(data: PackInputs) -> list[PackFigure | PackPages]:
    """The pack's maps and charts as drawing functions (nothing is drawn until ``draw`` or ``pages`` is called)."""
    from mapping.present import figures as F

    as_of = _long_date(data.as_of)
    figs: list[PackFigure | PackPages] = []
    coverage_text = F.FigureText(
        title="Specialised parent-infant relationship teams, UK",
        subtitle=f"Each area by how much of it lies in a team's catchment; teams operating on {as_of}",
        note=_data_note(data),
        attribution=data.attribution,
    )
    figs.append(PackFigure("maps", "coverage", ("a4", "slide"), lambda size: F.coverage_map(
        data.gaps, text=coverage_text, size=size, teams=data.team_points, catchments=data.catchments)))

    nations = pd.DataFrame([_summary_row(n, data.summary["nations"][n])
                            for n in NATION_ORDER if n in data.summary["nations"]]).rename(columns={"scope": "nation"})
    gap_text = F.FigureText(
        title="Babies without a parent-infant team, by nation",
        subtitle=f"Children aged 0-2 outside and inside team catchments; teams on {as_of}, population mid-{data.year}",
        note=_data_note(data),
        attribution=data.attribution,
    )
    figs.append(PackFigure("charts", "babies_without_team_by_nation", ("a4-half", "slide"),
                           lambda size: F.nation_gap_chart(nations, text=gap_text, size=size)))

    growth_text = F.growth_chart_text(data.as_of, data.targets)  # the app's chart has the same words
    figs.append(PackFigure("charts", "teams_by_year", ("a4-half", "slide"), lambda size: F.teams_by_year_chart(
        data.growth, text=growth_text, size=size, target_label=F.growth_target_label(data.targets))))

    if data.foi is not None:
        f = data.foi
        flag = "SYNTHETIC TEST DATA: not real FOI replies" if f.synthetic else ""
        foi_text = F.FigureText(
            title="Does CAMHS accept children aged 2 and under?",
            subtitle=f"Each area's answer to the FOI ({f.file_name}); areas of another geography take the class "
                     "of most of their children aged 0-2",
            note=_data_note(data, f"FOI replies: {f.file_name}" + (" (SYNTHETIC: not real replies)." if f.synthetic
                                                                  else "."), teams=False),
            attribution=data.attribution,
            flag=flag,
        )
        classes = data.gaps[["code", "nation", "geometry"]].merge(
            f.in_pack[["code", "foi_class"]].astype({"foi_class": object}), on="code", how="left")
        classes = gpd.GeoDataFrame(classes, geometry="geometry", crs=data.gaps.crs)
        figs.append(PackFigure("maps", "foi_classes", ("a4", "slide"), lambda size: F.class_map(
            classes, "foi_class", F.FOI_STYLES, text=foi_text, size=size,
            legend_title="CAMHS, from the FOI replies")))
        share_text = F.FigureText(
            title="Under-3s' share of CAMHS referrals and of children seen",
            subtitle="Per area with every count, against children aged 0-2 as a share of the 0-18 population "
                     "(as in Rare Jewels, section 8)",
            note=f"FOI replies: {f.file_name}" + (" (SYNTHETIC: not real replies)" if f.synthetic else "")
                 + f"; population mid-{data.year}.",
            attribution=data.attribution,
            flag=flag,
        )
        # About twice another chart's cost (a point and a label per area, at A4 and slide): started among the
        # maps, so the last jobs are the cheapest and the two processes finish together.
        figs.append(PackFigure("charts", "foi_shares", ("a4", "slide"),
                               lambda size: F.foi_share_chart(f.own, text=share_text, size=size), weight=4.0))
    for section in registered_sections():
        if section.figures is not None:
            figs.extend(section.figures(data))
    names = [(f.folder, f.name) for f in figs]
    if len(set(names)) != len(names):
        raise ReportError(f"two pack figures share a name: {sorted(n for n in names if names.count(n) > 1)}")
    return figs


# Public names for sections (mapping.report.ladder) and the writer.
data_note, size_suffix = _data_note, _size_suffix
