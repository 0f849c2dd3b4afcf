"""The report pack: maps, charts, tables, ``summary.md`` and ``manifest.json`` in one directory.

A pack is what goes into a briefing or a parliamentary answer, so every number in it comes from one
place: :func:`pack_tables` builds the tables from the library's figures, :func:`headline_figures`
picks the headline numbers out of those tables (naming the table, row and column of each), and
``summary.md`` is written from those same rows. The pack is deterministic: the same inputs give
byte-identical tables, figures and manifest (no dates or random ids in any file), so a pack can be
rebuilt and checked against its manifest.

Only :func:`load_inputs` and :func:`write_pack` touch files; everything between takes and returns
frames. Other modules add to the pack without editing this one: a module named in ``EXTRA_MODULES``
may define ``report_figures(data: PackInputs) -> list[PackFigure]`` (e.g. a provision-ladder map
drawn with :func:`mapping.present.figures.class_map`), ``report_tables(data) -> dict[str, DataFrame]`` and
``report_summary(data, tables) -> list[(title, sentences, figures)]``: a section of ``summary.md``
whose figures (:class:`SummaryFigure`, each naming the table row it comes from) join
``tables/figures.csv`` and whose sentences name them as ``{figure id}``, so its numbers are traced
exactly like the headline figures.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import shlex
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import pandas as pd

from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.fetch import sha256_of
from mapping.errors import PackFolderError, ReportError
from mapping.present.downloads import neutralise
from mapping.present.text import escape_markdown

if TYPE_CHECKING:
    from mapping.analysis.capacity import ReferenceTeam
    from mapping.analysis.growth import VisionTargets

__all__ = [
    "PACK_GEOGRAPHIES",
    "ReportError",
    "FoiInputs",
    "FoiSource",
    "PackInputs",
    "PackFigure",
    "load_inputs",
    "growth_as_of",
    "pack_tables",
    "SummaryFigure",
    "SummarySection",
    "summary_sections",
    "headline_figures",
    "summary_markdown",
    "pack_figures",
    "xlsx_bytes",
    "write_pack",
    "build_pack",
]

PACK_GEOGRAPHIES: tuple[str, ...] = ("uk2018", "uk2023")
NATION_ORDER: tuple[str, ...] = UK_NATIONS
PACKAGE = "parent-infant-provision-map"
FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
DPI = 300
# Files in a pack are written with this fixed time (the zip epoch), so a rebuild is byte-identical.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_XLSX_STAMP = "2000-01-01T00:00:00Z"
# FOI replies for a pack: a file's path, or an upload's (file name, bytes), read in memory (the app's case).
FoiSource = str | os.PathLike | tuple[str, bytes]


# Modules that may add figures, tables and summary sections to the pack (see the module docstring); a
# module without ``report_figures`` / ``report_tables`` / ``report_summary`` adds nothing.
EXTRA_MODULES: tuple[str, ...] = ("mapping.report.ladder",)


def _extras(name: str) -> list[Callable]:
    import importlib

    found = []
    for module in EXTRA_MODULES:
        function = getattr(importlib.import_module(module), name, None)
        if function is not None:
            found.append(function)
    return found


@dataclass(frozen=True)
class FoiInputs:
    """FOI replies taken through mapping.inputs.foi: classes in the FOI's geography and in the pack's."""

    file_name: str
    sha256: str
    geography: str
    synthetic: bool
    funnel: dict
    own: pd.DataFrame  # classes_in(analysis, FOI geography, year): one row per FOI area
    in_pack: pd.DataFrame  # classes_in(analysis, pack geography, year): one row per pack area


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
    capacity: dict | None  # mapping.analysis.capacity.national_capacity, or None without the module
    capacity_reference: ReferenceTeam | None
    team_points: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    attribution: str
    inputs: dict  # name -> sha256 of every input file
    foi: FoiInputs | None = None
    extra: dict = field(default_factory=dict)  # room for other modules' inputs (e.g. the ladder)


# --- loading (the only place that reads the data) ------------------------------------------------------


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


def load_inputs(geography: str, year: int, *, as_of: date, foi: FoiSource | None = None) -> PackInputs:
    """Compute everything a pack needs from the real data: gaps, teams, growth, capacity, FOI classes.

    ``foi`` is a replies file's path, or an upload's ``(file name, bytes)``, read in memory and never
    written anywhere; the pack names the FOI by the file's name and records the sha256 of its bytes
    either way. Raises :class:`ReportError` for a geography other than the UK-wide layers or a year
    without population, and :class:`mapping.inputs.foi.FoiError` for an FOI file with errors.
    """
    import boundaries
    from boundaries import config
    from boundaries.fetch import registry
    from mapping.analysis.coverage import compute_gaps, summarise
    from mapping.analysis.growth import VISION_2019, growth_table, load_published_counts
    from mapping.inputs.teams import catchment_table, load_teams, teams_as_of
    from mapping.present import figures

    _check_options(geography, year, as_of)
    foi_file = _foi_file(foi) if foi is not None else None
    teams = load_teams()
    gaps = compute_gaps(geography, year, as_of=as_of, teams=teams)
    summary = summarise(gaps)
    current = teams_as_of(teams, as_of)
    current = current[current["status"].isin(["operating", "in development"])].sort_values("team_id")
    operating = current[current["status"] == "operating"]
    catchments = catchment_table(operating)
    layers = {g: boundaries.load_geography(g) for g in sorted(set(catchments["geography"]))}
    years = list(range(min(VISION_2019.baseline_year, as_of.year), max(VISION_2019.by_year, as_of.year) + 1))
    growth = growth_as_of(growth_table(teams, years), load_published_counts(), as_of)
    try:
        from mapping.analysis.capacity import GREATER_MANCHESTER, national_capacity
    except ImportError:  # pragma: no cover - capacity is part of the package; kept optional for forks
        capacity, reference = None, None
    else:
        capacity, reference = national_capacity(gaps, summary["teams_operating"]), GREATER_MANCHESTER

    inputs = {f"registry:{k}": v.sha256 for k, v in sorted(registry().items())}
    inputs["data/teams.csv"] = sha256_of(config.teams_path())  # the files the loaders read (boundaries.config)
    inputs["data/published_team_counts.csv"] = sha256_of(config.published_counts_path())
    foi_inputs = _load_foi(*foi_file, geography, year) if foi_file is not None else None
    if foi_inputs is not None:
        inputs[f"foi:{foi_inputs.file_name}"] = foi_inputs.sha256
    return PackInputs(
        geography=geography,
        geography_label=boundaries.get_geography(geography).label,
        year=year,
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
        catchments=figures.catchment_outlines(catchments, layers),
        attribution=boundaries.ATTRIBUTION,
        inputs=inputs,
        foi=foi_inputs,
    )


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


def _foi_file(foi: FoiSource) -> tuple[str, bytes]:
    """The FOI replies as (name, bytes): an upload's as given, or a file's path and its contents."""
    if isinstance(foi, tuple):
        name, data = foi
        return str(name), bytes(data)
    path = Path(foi)
    if not path.is_file():
        raise ReportError(f"FOI replies file {str(path)!r}: no such file")
    return str(path), path.read_bytes()


def _load_foi(name: str, data: bytes, geography: str, year: int) -> FoiInputs:
    """Replies read from bytes (:func:`mapping.inputs.foi_io.read_replies_bytes`, as the app reads an upload),
    analysed, and their classes in the FOI's geography and in the pack's; named by the file's name."""
    from mapping.inputs.foi_io import analyse_replies, classes_in, read_replies_bytes

    analysis = analyse_replies(read_replies_bytes(data, name))
    return FoiInputs(
        file_name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        geography=analysis.geography,
        synthetic=bool(analysis.synthetic),
        funnel=dict(analysis.funnel),
        own=classes_in(analysis, analysis.geography, year),
        in_pack=classes_in(analysis, geography, year),
    )


# --- tables ---------------------------------------------------------------------------------------------

_AREA_COLUMNS = [
    "code", "name", "nation", "coverage", "share_covered", "age0_2", "covered_age0_2", "uncovered_age0_2",
    "age0", "covered_age0", "uncovered_age0", "teams", "team_names", "nearest_team", "nearest_team_name",
    "nearest_team_km", "estimated", "geography", "population_year", "as_of",
]
_SUMMARY_KEYS = [
    "teams_operating", "areas", "areas_without_team", "areas_partly_covered", "areas_fully_covered",
    "age0_2_total", "age0_2_covered", "age0_2_uncovered", "share_covered", "share_uncovered",
    "age0_total", "age0_uncovered", "share_covered_age0", "share_uncovered_age0", "estimated",
]
_TEAM_COLUMNS = [
    "team_id", "name", "nation", "status", "from", "from_basis", "to", "host_organisation", "catchment",
    "areas_served", "base_lon", "base_lat", "location_precision", "source",
]
_FOI_AREA_COLUMNS = [
    "code", "name", "foi_class", "accepts_status", "referrals_u3", "seen_u3", "referrals_0_18_text",
    "seen_0_18_text", "referrals_u3_share_low", "referrals_u3_share_high", "seen_u3_share_low",
    "seen_u3_share_high", "population_0_2", "population_0_18", "population_share_0_2", "full_data",
    "responder_type", "responder_name", "reply_id", "n_replies", "population_year", "synthetic",
]
_FUNNEL_DEFINITIONS: dict[str, str] = {
    "areas_total": "areas the FOI was sent to (every area of its geography)",
    "areas_with_reply": "areas with at least one reply",
    "areas_usable": "areas whose chosen reply says whether CAMHS accepts under-3s",
    "accept": "of the usable: CAMHS accepts referrals for children aged 2 and under",
    "do_not_accept": "of the usable: CAMHS does not accept them",
    "accept_share": "accept / areas_usable",
    "do_not_accept_share": "do_not_accept / areas_usable",
    "with_age_data": "accepting areas with counts by age band (referrals or children seen)",
    "with_referrals": "of those: at least 1 referral aged 2 and under",
    "referrals_1_to_5": "of those: between 1 and 5 referrals for certain",
    "no_referrals": "of those: no referrals aged 2 and under",
    "with_seen": "of those with age data: at least 1 child aged 2 and under seen",
    "seen_1_to_5": "of those: between 1 and 5 seen for certain",
    "none_seen": "of those with age data: none seen",
    "with_age_data_from_commissioner": "age data given by a commissioner",
    "with_age_data_from_provider": "age data given by a provider",
    "with_age_data_from_other": "age data given by another responder",
    "with_full_data": "age data with under-3 and 0-18 counts of both referrals and children seen",
}


def _summary_row(scope: str, values: dict) -> dict:
    total, uncovered = values["age0_2_total"], values["age0_2_uncovered"]
    total0, uncovered0 = values["age0_total"], values["age0_uncovered"]
    row = {"scope": scope, **{k: values[k] for k in values if k != "nations"}}
    row["age0_2_covered"] = round(total - uncovered, 1)
    row["share_uncovered"] = uncovered / total if total else None
    row["share_uncovered_age0"] = uncovered0 / total0 if total0 else None
    return {"scope": scope, **{k: row[k] for k in _SUMMARY_KEYS}}


def _areas_served(gaps: pd.DataFrame) -> dict[str, str]:
    served: dict[str, list[str]] = {}
    for code, ids in zip(gaps["code"], gaps["teams"]):
        for team in filter(None, str(ids).split("; ")):
            served.setdefault(team, []).append(code)
    return {team: "; ".join(sorted(codes)) for team, codes in served.items()}


def pack_tables(data: PackInputs) -> dict[str, pd.DataFrame]:
    """Every table of the pack, sorted so that a rebuild writes the same bytes.

    ``nations`` (UK and each nation: the headline figures), ``areas`` (one row per area),
    ``teams`` (operating or in development on the date), ``team_counts`` (growth against the
    targets), ``capacity`` (if mapping.analysis.capacity is present), and with FOI data ``foi_funnel``,
    ``foi_areas`` (the FOI's own areas) and ``foi_classes`` (the classes carried to the pack's areas).
    """
    summary = data.summary
    nations = [_summary_row("UK", summary)]
    nations += [_summary_row(n, summary["nations"][n]) for n in NATION_ORDER if n in summary["nations"]]
    tables: dict[str, pd.DataFrame] = {"nations": pd.DataFrame(nations, columns=["scope", *_SUMMARY_KEYS])}

    rank = {n: i for i, n in enumerate(NATION_ORDER)}
    areas = pd.DataFrame(data.gaps.drop(columns="geometry"))[_AREA_COLUMNS].copy()
    areas["nearest_team_km"] = areas["nearest_team_km"].round(1)
    areas = areas.sort_values(["nation", "code"], key=lambda s: s.map(rank) if s.name == "nation" else s)
    tables["areas"] = areas.reset_index(drop=True)

    teams = data.current_teams.copy()
    teams["areas_served"] = teams["team_id"].map(_areas_served(data.gaps)).fillna("")
    tables["teams"] = teams[_TEAM_COLUMNS].sort_values("team_id").reset_index(drop=True)

    counts = data.growth.copy()
    counts["target"] = counts["target"].round(1)
    tables["team_counts"] = counts.sort_values("year").reset_index(drop=True)
    tables["published_team_counts"] = data.published.sort_values("as_of").reset_index(drop=True)

    if data.capacity is not None:
        cap = {k: v for k, v in data.capacity.items() if not isinstance(v, dict)}
        ref = data.capacity["reference"]
        cap.update({f"reference_{k}": v for k, v in ref.items()})
        tables["capacity"] = pd.DataFrame([{"scope": "UK", **cap}])

    if data.foi is not None:
        f = data.foi
        rows = [{"step": k, "value": v, "definition": _FUNNEL_DEFINITIONS.get(k, "")} for k, v in f.funnel.items()]
        own = f.own
        pop = own.dropna(subset=["population_0_2", "population_0_18"])
        rows.append({"step": "population_share_0_2",
                     "value": float(pop["population_0_2"].sum() / pop["population_0_18"].sum()),
                     "definition": f"children aged 0-2 / children aged 0-18, all areas of the FOI, mid-{data.year}"})
        funnel = pd.DataFrame(rows, columns=["step", "value", "definition"])
        funnel.insert(0, "synthetic", f.synthetic)
        tables["foi_funnel"] = funnel
        cols = [c for c in _FOI_AREA_COLUMNS if c in own.columns]
        foi_areas = own[cols].copy()
        foi_areas["foi_class"] = foi_areas["foi_class"].astype(str)
        tables["foi_areas"] = foi_areas.sort_values("code").reset_index(drop=True)
        carried = f.in_pack.drop(columns=[c for c in ("geometry",) if c in f.in_pack.columns]).copy()
        carried["foi_class"] = carried["foi_class"].astype(object).where(carried["foi_class"].notna(), "")
        carried["foi_class"] = carried["foi_class"].astype(str)
        tables["foi_classes"] = carried.sort_values("code").reset_index(drop=True)
    for extra in _extras("report_tables"):
        for name, frame in extra(data).items():
            if name in tables:
                raise ReportError(f"{extra.__module__}.report_tables gives a table named {name!r}, which the pack "
                                  "already has")
            tables[name] = frame
    return tables


# --- headline figures and summary.md --------------------------------------------------------------------


def _whole(v: float) -> str:
    """A whole number with thousands separators, halves rounded up (not to even, as ``round`` does)."""
    from decimal import ROUND_HALF_UP, Decimal

    return f"{int(Decimal(repr(float(v))).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def _pct(v: float) -> str:
    return f"{100 * float(v):.1f}%"


def _one(v: float) -> str:
    return f"{float(v):,.1f}"


def _long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


@dataclass(frozen=True)
class SummaryFigure:
    """A number ``summary.md`` quotes: its value, the text as written, and the table row it comes from."""

    id: str
    value: object
    text: str
    table: str
    row: str
    column: str


_Figure = SummaryFigure


@dataclass(frozen=True)
class SummarySection:
    """A section another module adds to ``summary.md`` (``report_summary``): a title, its sentences with
    each number written as ``{figure id}``, and those figures."""

    title: str
    sentences: tuple[str, ...]
    figures: tuple[SummaryFigure, ...]


# "{id}", but not an escaped "\{...\}": text from a file or visitor goes in through mapping.present.text.escape_markdown
_PLACEHOLDER = re.compile(r"(?<!\\)\{([^{}\\]+)\}")


def summary_sections(data: PackInputs, tables: dict[str, pd.DataFrame]) -> list[SummarySection]:
    """The sections the modules in ``EXTRA_MODULES`` add through ``report_summary(data, tables)``.

    Raises :class:`ReportError` when a sentence names a figure its section does not give.
    """
    sections = []
    for extra in _extras("report_summary"):
        for title, sentences, figures in extra(data, tables):
            section = SummarySection(str(title), tuple(sentences), tuple(figures))
            ids = {f.id for f in section.figures}
            missing = sorted({m for s in section.sentences for m in _PLACEHOLDER.findall(s)} - ids)
            if missing:
                raise ReportError(f"{extra.__module__}.report_summary section {title!r} names figures it does not "
                                  f"give: {missing}")
            sections.append(section)
    return sections


def headline_figures(data: PackInputs, tables: dict[str, pd.DataFrame],
                     sections: Sequence[SummarySection] | None = None) -> pd.DataFrame:
    """The figures ``summary.md`` quotes: id, value, the text as written, and the table row it comes from.

    The figures of other modules' summary sections (:func:`summary_sections`, computed here unless
    given) come last.
    """
    out: list[_Figure] = []
    nations = tables["nations"].set_index("scope")

    def from_nations(scope: str, column: str, fmt: Callable[[float], str]) -> None:
        value = nations.loc[scope, column]
        out.append(_Figure(f"{scope}.{column}", value, fmt(value), "nations", f"scope = {scope}", column))

    for scope in ["UK", *[n for n in NATION_ORDER if n in nations.index]]:
        from_nations(scope, "teams_operating", lambda v: f"{int(v):,}")
        from_nations(scope, "areas", lambda v: f"{int(v):,}")
        from_nations(scope, "areas_without_team", lambda v: f"{int(v):,}")
        from_nations(scope, "age0_2_total", _whole)
        from_nations(scope, "age0_2_uncovered", _whole)
        from_nations(scope, "share_uncovered", _pct)
    for column in ("areas_partly_covered", "areas_fully_covered", "share_covered"):
        from_nations("UK", column, _pct if column.startswith("share") else
                     (_whole if column.startswith("age") else lambda v: f"{int(v):,}"))
    for column, fmt in (("age0_total", _whole), ("age0_uncovered", _whole), ("share_uncovered_age0", _pct)):
        from_nations("UK", column, fmt)

    teams = tables["teams"]
    n_dev = int((teams["status"] == "in development").sum())
    out.append(_Figure("teams_in_development", n_dev, f"{n_dev:,}", "teams", "status = in development",
                       "team_id (rows)"))

    from mapping.analysis.growth import known_published_counts

    known = known_published_counts(tables["published_team_counts"], data.as_of)
    if not known.empty:
        latest = known.iloc[-1]
        out.append(_Figure("published.teams", int(latest["teams"]), f"{int(latest['teams']):,}",
                           "published_team_counts", f"as_of = {latest['as_of']}", "teams"))
        out.append(_Figure("published.as_of", latest["as_of"], str(latest["as_of"]), "published_team_counts",
                           f"as_of = {latest['as_of']}", "as_of"))
    targets = data.targets
    out.append(_Figure("target.baseline_teams", targets.baseline_teams, f"{targets.baseline_teams}",
                       "team_counts", f"year = {targets.baseline_year}", "target"))
    out.append(_Figure("target.baseline_year", targets.baseline_year, f"{targets.baseline_year}",
                       "team_counts", f"year = {targets.baseline_year}", "year"))
    out.append(_Figure("target.target_teams", targets.target_teams, f"{targets.target_teams}",
                       "team_counts", f"year = {targets.by_year}", "target"))
    out.append(_Figure("target.by_year", targets.by_year, f"{targets.by_year}", "team_counts",
                       f"year = {targets.by_year}", "year"))
    out.append(_Figure("target.every_area_year", targets.every_area_year, f"{targets.every_area_year}",
                       "-", "-", "Vision & Strategy target year (mapping.analysis.growth)"))

    if "capacity" in tables:
        cap = tables["capacity"].iloc[0]
        for column, fmt in (("teams_needed", _one), ("shortfall_teams", _one), ("multiple_of_current", _one),
                            ("reference_wte", lambda v: f"{float(v):g}"), ("reference_births", _whole)):
            out.append(_Figure(f"capacity.{column}", cap[column], fmt(cap[column]), "capacity", "scope = UK",
                               column))

    if "foi_funnel" in tables:
        funnel = tables["foi_funnel"].set_index("step")["value"]
        for step in ("areas_total", "areas_with_reply", "areas_usable", "accept", "accept_share", "do_not_accept",
                     "with_age_data", "with_referrals", "referrals_1_to_5", "no_referrals", "with_seen",
                     "seen_1_to_5", "none_seen", "with_full_data", "population_share_0_2"):
            value = funnel.get(step)
            if value is None or pd.isna(value):
                continue
            text = _pct(value) if step.endswith("share") or step.endswith("_0_2") else f"{int(value):,}"
            out.append(_Figure(f"foi.{step}", value, text, "foi_funnel", f"step = {step}", "value"))
    if sections is None:
        sections = summary_sections(data, tables)
    for section in sections:
        out.extend(section.figures)
    ids = [f.id for f in out]
    if len(set(ids)) != len(ids):
        raise ReportError(f"two summary figures share an id: {sorted({i for i in ids if ids.count(i) > 1})}")
    frame = pd.DataFrame([f.__dict__ for f in out], columns=["id", "value", "text", "table", "row", "column"])
    frame["value"] = frame["value"].map(lambda v: v.item() if hasattr(v, "item") else v)
    return frame


def _plural(text: str, noun: str) -> str:
    return f"{text} {noun}" + ("" if text == "1" else "s")


def _nation_sentence(nation: str, t: Callable[[str], str]) -> str:
    return (f"- {nation}: {t(f'{nation}.age0_2_uncovered')} of {t(f'{nation}.age0_2_total')} children aged 0-2 "
            f"({t(f'{nation}.share_uncovered')}) outside every team's catchment; {t(f'{nation}.areas_without_team')} "
            f"of {_plural(t(f'{nation}.areas'), 'area')} with no team; "
            f"{_plural(t(f'{nation}.teams_operating'), 'team')} operating there.")


def summary_markdown(data: PackInputs, figures: pd.DataFrame, files: Sequence[str],
                     sections: Sequence[SummarySection] = ()) -> str:
    """``summary.md``: the headline figures as sentences, with definitions, sources and limitations.

    Every number is the ``text`` of a row of ``figures`` (:func:`headline_figures`), so the prose and
    ``tables/figures.csv`` cannot disagree; the last section says which table row each comes from.
    ``sections`` (:func:`summary_sections`) follow the FOI section, each ``{figure id}`` in their
    sentences replaced by that figure's text.
    """
    texts = dict(zip(figures["id"], figures["text"]))

    def t(key: str) -> str:
        try:
            return texts[key]
        except KeyError:
            raise KeyError(f"summary.md needs figure {key!r}, which headline_figures did not produce") from None

    as_of = data.as_of.isoformat()
    nations = [n for n in NATION_ORDER if n in data.summary["nations"]]
    lines: list[str] = [f"# Parent-infant relationship teams and the babies without one: UK, {as_of}", ""]
    if data.foi is not None and data.foi.synthetic:
        lines += ["> **The FOI file in this pack is SYNTHETIC test data, not real replies.** Its figures below "
                  "and in the FOI map, chart and tables only show how the pack works; do not quote them.", ""]
    lines += [
        f"Teams operating on {as_of}; areas: {data.geography_label} (`{data.geography}`); children aged 0-2 "
        f"from the mid-{data.year} population estimates.",
        "",
        "## Headline figures",
        "",
        f"- On {as_of}, {t('UK.teams_operating')} specialised parent-infant relationship teams in this dataset were "
        f"operating in the UK and {t('teams_in_development')} more were in development.",
        f"- {t('UK.age0_2_uncovered')} of the UK's {t('UK.age0_2_total')} children aged 0-2 "
        f"({t('UK.share_uncovered')}) lived outside every team's catchment and {t('UK.share_covered')} inside one.",
        f"- Of babies under 1, {t('UK.age0_uncovered')} of {t('UK.age0_total')} ({t('UK.share_uncovered_age0')}) "
        "lived outside every team's catchment.",
        f"- {t('UK.areas_without_team')} of the {t('UK.areas')} areas had no team at all; "
        f"{t('UK.areas_partly_covered')} were partly and {t('UK.areas_fully_covered')} wholly inside team catchments.",
        "",
        "By nation:",
        "",
        *[_nation_sentence(n, t) for n in nations],
        "",
        "## Growth against the Vision & Strategy targets",
        "",
        f"- The Parent-Infant Foundation's target was at least {t('target.target_teams')} teams by "
        f"{t('target.by_year')}, from {t('target.baseline_teams')} in {t('target.baseline_year')}, and a team in "
        f"every area by {t('target.every_area_year')}.",
    ]
    if "published.teams" in texts:
        lines.append(f"- The latest published UK count dated by {as_of} is {t('published.teams')} teams "
                     f"(dated {t('published.as_of')}); this dataset lists {t('UK.teams_operating')} operating on "
                     f"{as_of}, because it holds only the teams that published reports name with a place.")
    if "capacity.teams_needed" in texts:
        lines += [
            "",
            "## What it would take",
            "",
            f"- At the Greater Manchester reference size ({t('capacity.reference_wte')} whole-time-equivalent staff "
            f"for {t('capacity.reference_births')} births a year), and taking the UK's {t('UK.age0_total')} children "
            f"aged 0 as a year's births, the UK would need {t('capacity.teams_needed')} teams: "
            f"{t('capacity.shortfall_teams')} more than the "
            f"{t('UK.teams_operating')} operating, or {t('capacity.multiple_of_current')} times today's number.",
        ]
    if data.foi is not None:
        f = data.foi
        lines += [
            "",
            "## CAMHS and children aged 2 and under (FOI replies)" + (" - SYNTHETIC TEST DATA" if f.synthetic else ""),
            "",
            f"- Of {t('foi.areas_total')} areas asked, {t('foi.areas_with_reply')} replied and "
            f"{t('foi.areas_usable')} gave a usable answer: {t('foi.accept')} ({t('foi.accept_share')}) accept "
            f"referrals of children aged 2 and under and {t('foi.do_not_accept')} do not.",
            f"- Of the {t('foi.with_age_data')} accepting areas with figures by age, {t('foi.with_referrals')} had any "
            f"referrals aged 2 and under ({t('foi.referrals_1_to_5')} of them between 1 and 5) and "
            f"{t('foi.no_referrals')} had none; {t('foi.with_seen')} saw any child aged 2 and under "
            f"({t('foi.seen_1_to_5')} of them between 1 and 5) and {t('foi.none_seen')} saw none.",
        ]
        if "foi.population_share_0_2" in texts:
            lines.append(f"- Children aged 0-2 are {t('foi.population_share_0_2')} of all children aged 0-18 in "
                         f"these areas; the FOI chart sets each area's shares of referrals and of children seen "
                         f"against that area's share ({t('foi.with_full_data')} areas have every count needed).")
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        lines += [f"- {_PLACEHOLDER.sub(lambda m: t(m.group(1)), s)}" for s in section.sentences]
    lines += [
        "",
        "## Definitions",
        "",
        "- **Team**: a specialised parent-infant relationship team as listed in `data/teams.csv` (sources: Rare "
        "Jewels and later Parent-Infant Foundation documents); CAMHS areas with a few parent-infant specialists "
        "but no team are not counted. *Operating* and *in development* are the statuses on the date.",
        "- **Catchment**: the areas a team serves, by the conventions in `data/README.md` (a team named after a "
        "borough serves that borough, one named after a county its CCGs or districts).",
        "- **Covered**: a child is covered when the small area (LSOA, Data Zone or NI Small Area) they live in "
        "lies in the catchment of at least one operating team; areas are then summed. An area has *no team* when "
        "none of its children is covered, is *wholly* inside when all are, *partly* otherwise.",
        "- **Children aged 0-2**: mid-year population estimates of ages 0, 1 and 2; **babies under 1**: age 0.",
        "",
        "## Sources",
        "",
        "- Teams: `data/teams.csv`, typed in from published reports, each row naming its source.",
        "- Published team counts: `data/published_team_counts.csv` (each count names its source).",
        f"- Targets: {data.targets.source}.",
    ]
    if data.capacity_reference is not None:
        lines.append(f"- Reference team: {data.capacity_reference.source}.")
    lines += [
        "- Population: ONS (England, Wales), NRS (Scotland) and NISRA (Northern Ireland) mid-year estimates; "
        "boundaries: ONS Open Geography Portal and the national statistics agencies. Every file is pinned with "
        "its sha256 in `boundaries/registry.csv` and listed in `manifest.json`.",
    ]
    if data.foi is not None:
        lines.append(foi_source_line(data.foi.file_name))
    lines += [
        f"- Attribution: {data.attribution}",
        "",
        "## Limitations",
        "",
        "- The teams list holds only the teams that published reports name and place, so it counts fewer "
        "teams than the published UK totals: coverage here is a floor, not an estimate of all provision.",
        "- A team's base is placed at the centre of its catchment where no address is published; catchments "
        "follow the areas reports name, not service specifications.",
        "- Northern Ireland's children aged 0-2 are estimated from a 0-15 figure per trust, so every UK and "
        "Northern Ireland total includes an estimate (with fractions of a child, rounded here to whole numbers, "
        "halves up; `tables/nations.csv` keeps one decimal).",
        f"- Population is for mid-{data.year}; teams are those on {as_of}.",
    ]
    if data.year == 2017:
        lines.append("- Mid-2017 has no Scottish file, so Scotland's mid-2019 figures stand in.")
    if data.foi is not None:
        lines.append("- FOI replies describe CAMHS, not parent-infant teams, and a reply can be wrong or "
                     "incomplete; areas without a usable reply are shown as such, never guessed.")
    lines += [
        "",
        "## Where each figure comes from",
        "",
        "| figure | as written | table | row | column |",
        "|---|---|---|---|---|",
        *[f"| {r.id} | {r.text} | `tables/{r.table}.csv` | {r.row} | {r.column} |"
          for r in figures.itertuples() if r.table != "-"],
        "",
        "## Files",
        "",
        *[f"- `{name}`" for name in files],
        "",
    ]
    return "\n".join(lines)


# --- figures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackFigure:
    """One figure of the pack: where it goes, the sizes it is drawn at, and how to draw it."""

    folder: str
    name: str
    sizes: tuple[str, ...]
    # size (one of ``sizes``) -> matplotlib Figure; Any because each drawing function takes its own
    # Literal set of sizes and checks the value itself.
    draw: Callable[[Any], object]


def _size_suffix(size: str) -> str:
    return size.replace("-", "")


def _data_note(data: PackInputs, extra: str = "", *, teams: bool = True) -> str:
    from boundaries import get_geography

    areas = get_geography(data.geography).label.split(":", 1)[-1].strip()
    note = f"Areas: {areas}."
    if teams:
        note += (f" Teams on {data.as_of.isoformat()} (data/teams.csv: teams named in published reports), drawn at "
                 "their base or, where no address is published, their catchment's centre.")
    note += f" Children aged 0-2: mid-{data.year} estimates; Northern Ireland's estimated."
    return f"{note} {extra}".strip()


def pack_figures(data: PackInputs) -> list[PackFigure]:
    """The pack's maps and charts as drawing functions (nothing is drawn until ``draw`` is called)."""
    from mapping.present import figures as F

    as_of = _long_date(data.as_of)
    figs: list[PackFigure] = []
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

    t = data.targets
    growth_text = F.FigureText(
        title="Parent-infant teams by year against the Vision & Strategy target",
        subtitle=f"Teams in this dataset (1 July), published UK counts, and the path from {t.baseline_teams} teams "
                 f"in {t.baseline_year} to at least {t.target_teams} by {t.by_year}",
        note="Published counts: data/published_team_counts.csv (sources there). The dataset lists only teams "
             "that published reports name, so it runs below the published counts.",
        attribution=f"Target: Parent-Infant Foundation, Vision & Strategy 2019-2024; every area by "
                    f"{t.every_area_year}.",
    )
    figs.append(PackFigure("charts", "teams_by_year", ("a4-half", "slide"), lambda size: F.teams_by_year_chart(
        data.growth, text=growth_text, size=size,
        target_label=f"Target path: {t.baseline_teams} in {t.baseline_year} to {t.target_teams} in {t.by_year}")))

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
        figs.append(PackFigure("charts", "foi_shares", ("a4", "slide"),
                               lambda size: F.foi_share_chart(f.own, text=share_text, size=size)))
    for extra in _extras("report_figures"):
        figs.extend(extra(data))
    names = [(f.folder, f.name) for f in figs]
    if len(set(names)) != len(names):
        raise ReportError(f"two pack figures share a name: {sorted(n for n in names if names.count(n) > 1)}")
    return figs


# --- writing --------------------------------------------------------------------------------------------


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV, text cells neutralised by the project's one rule (:mod:`mapping.present.outputs`)."""
    from mapping.present.outputs import csv_text

    return csv_text(frame).encode("utf-8")


def _normalise_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times and creation dates, so identical content gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + _XLSX_STAMP.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (numbers as numbers), byte-identical for identical tables."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return neutralise(value)  # text is never a formula; numbers stay numbers


def _save_figure(fig, stem: Path) -> list[Path]:
    """PNG at 300 dpi, SVG and PDF, with no dates or random ids inside."""
    import matplotlib as mpl

    from mapping.present.figures import RC

    title = next((t.get_text() for t in fig.texts), "")
    written = []
    with mpl.rc_context(cast("dict[Any, Any]", RC)):  # RC holds valid rcParams keys (mapping.present.figures)
        for ext in FIGURE_FORMATS:
            path = stem.with_name(f"{stem.name}.{ext}")
            metadata = {"png": {"Title": title},
                        "svg": {"Title": title, "Date": None},
                        "pdf": {"Title": title, "CreationDate": None, "ModDate": None}}[ext]
            fig.savefig(path, format=ext, dpi=DPI, metadata=metadata)
            written.append(path)
    return written


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "unknown"


def _software() -> dict[str, str]:
    from importlib.metadata import version

    names = ("matplotlib", "geopandas", "pandas", "numpy", "shapely", "pyproj", "openpyxl")
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def _folder_error(out: Path, exc: OSError) -> PackFolderError:
    from mapping.present.outputs import describe_os_error

    return PackFolderError(out, f"could not be written: {describe_os_error(exc)}")


# Where a pack writes: summary.md and manifest.json at the top, every other file directly in one of these.
PACK_FOLDERS = ("maps", "charts", "tables")
# A pack's manifest.json lists some 60 files in about 15 KB; one much larger is not a pack's.
MAX_MANIFEST_BYTES = 1024 * 1024


def _pack_layout(name: str) -> bool:
    """Whether a pack could have written ``name`` (a path relative to its folder)."""
    parts = name.split("/")
    return name in ("summary.md", "manifest.json") or (len(parts) == 2 and parts[0] in PACK_FOLDERS)


def _owned_files(out: Path) -> dict[str, str]:
    """The files an earlier pack in ``out`` wrote, as {path: sha256}, from its ``manifest.json``.

    Only these (and the manifest itself) may ever be replaced. A manifest that is unreadable, not this
    package's, lists a path outside ``out`` (absolute, ``..``, through a link) or one a pack never writes
    (outside its layout, :data:`PACK_FOLDERS`) is refused, so it can never make the writer touch anything else.
    """
    def refuse(why: str) -> PackFolderError:
        return PackFolderError(out, f"holds a manifest.json that is not a report pack's ({why}); nothing was "
                                    "changed: give a new or empty folder")

    try:
        size = (out / "manifest.json").stat().st_size
        if size > MAX_MANIFEST_BYTES:  # read no further: parsing it could take gigabytes of memory
            raise refuse(f"{size:,} bytes, far more than a pack's manifest.json")
        manifest = json.loads((out / "manifest.json").read_bytes())
    except (OSError, ValueError) as exc:
        raise refuse(f"unreadable: {type(exc).__name__}") from None
    if not isinstance(manifest, dict) or manifest.get("package") != PACKAGE:
        raise refuse(f"it does not say package {PACKAGE!r}")
    entries = manifest.get("files")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("path"), str)
                                                for e in entries):
        raise refuse("its 'files' is not a list of paths")
    root = out.resolve()
    owned: dict[str, str] = {}
    for entry in entries:
        name = entry["path"]
        parts = name.split("/")
        if (not name or name.startswith("/") or "\\" in name or ":" in name or Path(name).is_absolute()
                or any(part in ("", ".", "..") for part in parts)
                or not (out / name).resolve().is_relative_to(root)):
            raise PackFolderError(out, f"holds a manifest.json listing {name!r}, outside the folder; nothing "
                                       "was changed: give a new or empty folder")
        if not _pack_layout(name):
            raise refuse(f"it lists {name!r}, which no pack writes")
        owned[name] = str(entry.get("sha256", ""))
    return owned


def _check_out(out: Path, *, replace: bool) -> dict[str, str] | None:
    """Refuse an output folder the pack cannot own; returns the earlier pack's files (None if there is none)."""
    if out.exists() and not out.is_dir():
        raise PackFolderError(out, "is a file; give a folder")
    if not out.exists() or not any(out.iterdir()):
        return None
    if not (out / "manifest.json").is_file():
        raise PackFolderError(out, "is not empty and holds no earlier pack (no manifest.json); "
                                   "give a new or empty folder")
    owned = _owned_files(out)
    if not replace:
        raise PackFolderError(out, "holds an earlier pack; allow replacing it (only the files its manifest.json "
                                   "lists are replaced) or give a new or empty folder", earlier_pack=True)
    changed = []
    for name, digest in owned.items():
        path = out / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            changed.append(name)
        elif path.is_file() and sha256_of(path) != digest:
            changed.append(name)
    if changed:
        raise PackFolderError(out, f"holds pack files changed since the pack was written ({', '.join(changed)}); "
                                   "nothing was changed: move them away or give a new or empty folder")
    return owned


def _swap_in(tmp: Path, out: Path, owned: dict[str, str]) -> None:
    """Replace the earlier pack's files in ``out`` with the new pack's in ``tmp``, touching nothing else.

    A new file where the user has a file of their own is refused before anything moves. The earlier
    files are moved aside first and put back if any move fails, so ``out`` holds one whole pack or the
    other; ``manifest.json`` goes in last.
    """
    new = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    ours = set(owned) | {"manifest.json"}
    clashes = [n for n in new if n not in ours and ((out / n).exists() or (out / n).is_symlink())]
    if clashes:
        raise PackFolderError(out, f"holds files of its own where the pack writes ({', '.join(clashes)}); "
                                   "nothing was changed: move them away or give a new or empty folder")
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    moved: list[tuple[Path, Path]] = []  # (where it was, where it is now)
    placed: list[Path] = []
    try:
        for i, name in enumerate(sorted(ours)):
            if (out / name).is_file():
                os.replace(out / name, aside / str(i))
                moved.append((out / name, aside / str(i)))
        for name in [n for n in new if n != "manifest.json"] + ["manifest.json"]:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / name, out / name)
            placed.append(out / name)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        for original, now in moved:
            os.replace(now, original)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    for folder in sorted({(out / n).parent for n in ours}, key=lambda p: len(p.parts), reverse=True):
        if folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a folder the earlier pack had and the new one does not


def write_pack(data: PackInputs, out: str | os.PathLike, *, replace: bool = False) -> dict:
    """Write the pack into ``out`` and return the manifest (also written as ``manifest.json``).

    ``out`` must be new, empty, or (with ``replace=True``) an earlier pack: then only the files its
    ``manifest.json`` lists are replaced, and every other file in the folder is left alone. The pack is
    built in a temporary folder beside ``out`` and moved into place at the end, so a failure leaves no
    half-written pack. Raises :class:`PackFolderError` for a folder it may not write or a failed write.
    """
    out = Path(out)
    owned = _check_out(out, replace=replace)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise _folder_error(out, exc) from None
    try:
        for folder in PACK_FOLDERS:
            (tmp / folder).mkdir()
        tables = pack_tables(data)
        sections = summary_sections(data, tables)
        figures = headline_figures(data, tables, sections)
        tables["figures"] = figures
        for name, frame in tables.items():
            (tmp / "tables" / f"{name}.csv").write_bytes(_csv_bytes(frame))
        (tmp / "tables" / "tables.xlsx").write_bytes(xlsx_bytes(tables))
        for spec in pack_figures(data):
            for size in spec.sizes:
                fig = spec.draw(size)
                _save_figure(fig, tmp / spec.folder / f"{spec.name}_{_size_suffix(size)}")
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        files_listed = sorted([*files, "summary.md", "manifest.json"])
        (tmp / "summary.md").write_text(summary_markdown(data, figures, files_listed, sections), encoding="utf-8")
        manifest = {
            "package": PACKAGE,
            "version": _package_version(),
            "command": _command(data),
            "parameters": {"geography": data.geography, "population_year": data.year,
                           "as_of": data.as_of.isoformat(), "age": "0-2",
                           "foi": data.foi.file_name if data.foi else None},
            "inputs": data.inputs,
            "software": _software(),
            "files": [{"path": p, "bytes": (tmp / p).stat().st_size, "sha256": sha256_of(tmp / p)}
                      for p in sorted([*files, "summary.md"])],
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if owned is not None:
            _swap_in(tmp, out, owned)
        else:
            if out.is_dir():
                out.rmdir()  # empty (checked above): rmdir refuses a folder that is not
            tmp.rename(out)
    except OSError as exc:
        raise _folder_error(out, exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def foi_source_line(file_name: str) -> str:
    """The summary's source line for an FOI file: its name is the uploader's text, shown as text."""
    return (f"- FOI replies: {escape_markdown(file_name)} (sha256 in `manifest.json`), classified and "
            "summarised as in Rare Jewels (2019), section 8.")


def _command(data: PackInputs) -> str:
    """The command that rebuilds the pack; the FOI file name is quoted as a shell would need it."""
    parts = ["pimap report", f"--geography {data.geography}", f"--year {data.year}",
             f"--as-of {data.as_of.isoformat()}"]
    if data.foi is not None:
        parts.append(f"--foi {shlex.quote(data.foi.file_name)}")
    return " ".join(parts) + " --out DIR"


def build_pack(geography: str, year: int, *, as_of: date, out: str | os.PathLike,
               foi: FoiSource | None = None, replace: bool = False) -> dict:
    """Load the inputs and write the whole pack into ``out`` (see :func:`write_pack`); returns the manifest.

    The output folder is checked first, so a folder the pack may not write is refused before the data
    is read."""
    _check_out(Path(out), replace=replace)
    return write_pack(load_inputs(geography, year, as_of=as_of, foi=foi), out, replace=replace)
