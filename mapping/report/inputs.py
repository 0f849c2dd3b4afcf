"""The pack's inputs: one :class:`mapping.analysis.selection.Selection` and everything computed from it.

:func:`load_inputs` is the only step of the report that reads data: it takes a selection (or builds
one from a geography, a year, a date and FOI replies), loads its inputs once through
:func:`mapping.analysis.selection.load_inputs`, and computes the gaps, the teams on the date, the
growth table, the national capacity and the FOI classes. Every later step (tables, summary, figures,
sections) takes the :class:`PackInputs` it returns and reads nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

import geopandas as gpd
import pandas as pd

from mapping.analysis.selection import FoiReplies, Inputs, Selection
from mapping.errors import ReportError
from mapping.inputs.provenance import Source, inputs_of, sources_for
from mapping.inputs.vocabulary import TeamStatus

if TYPE_CHECKING:
    from mapping.analysis.capacity import ReferenceTeam
    from mapping.analysis.growth import VisionTargets
    from mapping.analysis.list_count import ListCount

__all__ = ["PACK_GEOGRAPHIES", "FoiSource", "FoiInputs", "PackInputs", "pack_selection", "load_inputs",
           "growth_as_of"]

PACK_GEOGRAPHIES: tuple[str, ...] = ("uk2018", "uk2023", "uk2026")
# FOI replies for a pack: a file's path, or an upload's (file name, bytes), read in memory (the app's case).
FoiSource = str | os.PathLike | tuple[str, bytes]
# The teams a pack lists: those operating or in development on its date.
PACK_STATUSES: tuple[TeamStatus, ...] = (TeamStatus.OPERATING, TeamStatus.IN_DEVELOPMENT)


@dataclass(frozen=True)
class FoiInputs:
    """FOI replies taken through mapping.inputs.foi: classes in the FOI's geography and in the pack's."""

    file_name: str
    sha256: str
    geography: str
    synthetic: bool
    funnel: dict
    own: pd.DataFrame  # classes_in in the FOI's own geography: one row per FOI area
    in_pack: pd.DataFrame  # classes_in in the pack's geography: one row per pack area


@dataclass(frozen=True)
class PackInputs:
    """Everything a pack is made from, already computed by the library (see :func:`load_inputs`)."""

    geography: str
    geography_label: str
    year: int
    as_of: date
    gaps: gpd.GeoDataFrame
    summary: dict
    current_teams: pd.DataFrame  # teams operating or in development on as_of
    growth: pd.DataFrame  # mapping.analysis.growth.growth_table
    published: pd.DataFrame  # mapping.analysis.growth.load_published_counts
    targets: VisionTargets  # mapping.analysis.growth.VISION_2019
    capacity: dict | None  # mapping.analysis.capacity.national_capacity from births, or None without the module
    capacity_reference: ReferenceTeam | None
    team_points: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    attribution: str
    inputs: dict  # source id -> sha256 of every file behind the pack (mapping.inputs.provenance)
    foi: FoiInputs | None = None
    extra: dict = field(default_factory=dict)  # room for sections' inputs, computed once (e.g. the ladder)
    selection: Selection | None = None
    analysis: Inputs | None = None  # the selection's inputs (mapping.analysis.selection.load_inputs)
    sources: tuple[Source, ...] = ()  # mapping.inputs.provenance.sources_for, in order

    @property
    def list_count(self) -> ListCount | None:
        """What the pack's register holds on its date beside the published UK count (the headline every view
        states; :mod:`mapping.analysis.list_count`), or None for inputs built without a selection."""
        from mapping.analysis.list_count import list_count_of

        return None if self.analysis is None else list_count_of(self.analysis)

    @property
    def register_source(self) -> str:
        """The name of the register the pack's teams come from: ``data/teams.csv``, or the file a user brought."""
        return self.selection.the_register().source if self.selection is not None else "data/teams.csv"


def _check_options(geography: str, year: int, as_of: date) -> None:
    import boundaries

    if geography not in PACK_GEOGRAPHIES:
        raise ReportError(
            f"the report's geography must be one of {', '.join(PACK_GEOGRAPHIES)} (the UK-wide layers), not {geography!r}"
        )
    if year not in boundaries.POPULATION_YEARS:
        raise ReportError(f"year {year} has no population estimates; choose one of "
                          f"{', '.join(map(str, boundaries.POPULATION_YEARS))}")
    if not isinstance(as_of, date):
        raise ReportError(f"as_of must be a date, not {as_of!r}")


def _foi_file(foi: FoiSource) -> tuple[str, bytes]:
    """The FOI replies as (name, bytes): an upload's as given, or a file's path and its contents."""
    if isinstance(foi, tuple):
        name, data = foi
        return str(name), bytes(data)
    path = Path(foi)
    if not path.is_file():
        raise ReportError(f"FOI replies file {str(path)!r}: no such file")
    return str(path), path.read_bytes()


def pack_selection(geography: str, year: int, *, as_of: date, foi: FoiSource | None = None) -> Selection:
    """The selection a pack stands for: a UK-wide geography, the built-in register, ages 0-2 and the FOI
    replies (named by the file's name, identified by the sha256 of their bytes)."""
    _check_options(geography, year, as_of)
    replies = None
    if foi is not None:
        name, data = _foi_file(foi)
        replies = FoiReplies.from_bytes(Path(name).name, data)
    return Selection(geography, year, as_of, age="0-2", foi=replies)


def load_inputs(selection: Selection | str, year: int | None = None, *, as_of: date | None = None,
                foi: FoiSource | None = None) -> PackInputs:
    """Compute everything a pack needs from the real data: gaps, teams, growth, capacity, FOI classes.

    Takes a :class:`Selection`, or the geography, year, ``as_of`` and ``foi`` to build one
    (:func:`pack_selection`). ``foi`` is a replies file's path, or an upload's ``(file name, bytes)``,
    read in memory and never written anywhere; the pack names the FOI by the file's name and records the
    sha256 of its bytes either way. Raises :class:`ReportError` for a geography other than the UK-wide
    layers or a year without population, and :class:`mapping.errors.FoiError` for an FOI file with errors.
    """
    import boundaries
    from mapping.analysis import selection as S
    from mapping.analysis.coverage import compute_gaps, summarise
    from mapping.analysis.growth import VISION_2019, growth_table, load_published_counts
    from mapping.inputs.teams import catchment_table
    from mapping.present import figures

    if isinstance(selection, Selection):
        if year is not None or as_of is not None or foi is not None:
            raise ReportError("give a selection, or a geography with its year, date and FOI replies, not both")
        _check_options(selection.geography, selection.year, selection.as_of)
        if selection.age != "0-2":
            raise ReportError(f"the report is for children aged 0-2, not age band {selection.age!r}")
        foi_name = selection.foi.file_name if selection.foi is not None else None
    else:
        if year is None or as_of is None:
            raise ReportError("a pack needs a population year and a date to show the teams on")
        selection = pack_selection(selection, year, as_of=as_of, foi=foi)
        foi_name = None if foi is None else str(foi[0]) if isinstance(foi, tuple) else str(foi)
    as_of = selection.as_of
    analysis = S.load_inputs(selection)
    gaps = compute_gaps(analysis)
    summary = summarise(gaps)
    current = analysis.teams_with(PACK_STATUSES).sort_values("team_id")
    operating = current[current["status"] == TeamStatus.OPERATING]
    catchments = catchment_table(operating)
    drawn = sorted(set(catchments["geography"]))
    years = figures.growth_chart_years(as_of, VISION_2019)
    published = load_published_counts()
    growth = growth_as_of(growth_table(analysis.all_teams, years), published, as_of)
    try:
        from mapping.analysis.capacity import GREATER_MANCHESTER, capacity_births, national_capacity
    except ImportError:  # pragma: no cover - capacity is part of the package; kept optional for forks
        capacity, reference = None, None
    else:  # each area's births of the period standing for the year (the basis names them)
        births = capacity_births(selection.geography, selection.year)
        capacity = national_capacity(gaps, summary["teams_operating"], births=births, year=selection.year)
        reference = GREATER_MANCHESTER

    foi_inputs = None
    if selection.foi is not None:
        foi_inputs = _load_foi(foi_name or selection.foi.file_name, selection.foi, analysis)
    used = [*drawn, *([foi_inputs.geography] if foi_inputs is not None else [])]
    sources = tuple(sources_for(selection, also_geographies=used, births=capacity is not None))
    return PackInputs(
        geography=selection.geography,
        geography_label=boundaries.get_geography(selection.geography).label,
        year=selection.year,
        as_of=as_of,
        gaps=gaps,
        summary=summary,
        current_teams=current.reset_index(drop=True),
        growth=growth,
        published=load_published_counts(),
        targets=VISION_2019,
        capacity=capacity,
        capacity_reference=reference,
        team_points=figures.team_points(current),
        catchments=catchment_outlines(catchments),
        attribution=boundaries.ATTRIBUTION,
        inputs=inputs_of(sources),
        foi=foi_inputs,
        selection=selection,
        analysis=analysis,
        sources=sources,
    )


# The recipe of the pack's catchment outlines (mapping.present.figures.catchment_outlines): bump it when they are
# made differently, so cached ones are rebuilt.
CATCHMENT_OUTLINES_VERSION = "1"


def catchment_outlines(catchments: pd.DataFrame) -> gpd.GeoDataFrame:
    """Each operating team's catchment as one shape (:func:`mapping.present.figures.catchment_outlines` of
    ``catchments``, a :func:`mapping.inputs.teams.catchment_table`), kept in the checksummed layer cache
    (:func:`boundaries.catalogue.cached_frame`) under the catchments and the layers they are made of.

    Dissolving them took about a third of a second of every pack; the cached shapes are the same coordinates
    (Parquet keeps them exactly), verified on every read and rebuilt when damaged."""
    import hashlib

    import boundaries
    from boundaries.catalogue import cached_frame, layer_key
    from mapping.present import figures

    drawn = sorted(set(catchments["geography"]))
    if catchments.empty:
        return figures.catchment_outlines(catchments, {})
    rows = ["\x1f".join(map(str, row)) for row in catchments[["team_id", "geography", "code"]].itertuples(index=False)]
    key = hashlib.sha256("\n".join([CATCHMENT_OUTLINES_VERSION, *(layer_key(g) for g in drawn), *rows]).encode())

    def build() -> gpd.GeoDataFrame:
        return figures.catchment_outlines(catchments, {g: boundaries.load_geography(g) for g in drawn})

    return cast(gpd.GeoDataFrame, cached_frame("catchment-outlines", key.hexdigest()[:16], build, geo=True))


def growth_as_of(growth: pd.DataFrame, published: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The growth table as it stood on ``as_of``: no team counts for later years, and per year only
    the published counts dated by then (a count dated "2023-09" is known by the end of September).

    ``growth`` is ``mapping.analysis.growth.growth_table``; ``published`` ``load_published_counts``. The target
    line is kept whole, since the target was set in advance.
    """
    from mapping.analysis.growth import known_published_counts

    out = growth.copy()
    later = out["year"] > as_of.year
    out.loc[later, ["listed_operating", "listed_in_development"]] = float("nan")
    latest = known_published_counts(published, as_of).groupby("year").last()
    out["published_teams"] = out["year"].map(latest["teams"]).astype(float)
    out["published_source"] = out["year"].map(latest["source"])
    return out


def _load_foi(name: str, replies: FoiReplies, inputs: Inputs) -> FoiInputs:
    """Replies read from bytes (:func:`mapping.inputs.foi_io.read_replies_bytes`, as the app reads an upload),
    analysed, and their classes in the FOI's geography and in the pack's; named by the file's name."""
    from mapping.analysis.selection import load_inputs
    from mapping.inputs.foi_io import analyse_replies, classes_in, read_replies_bytes

    analysis = analyse_replies(read_replies_bytes(replies.data, name))
    own_selection = Selection(analysis.geography, inputs.selection.year, inputs.selection.as_of)
    return FoiInputs(
        file_name=replies.file_name,
        sha256=replies.sha256,
        geography=analysis.geography,
        synthetic=bool(analysis.synthetic),
        funnel=dict(analysis.funnel),
        own=classes_in(analysis, load_inputs(own_selection)),
        in_pack=classes_in(analysis, inputs),
    )
