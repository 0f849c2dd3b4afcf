"""Reading FOI reply files (CSV, XLSX) and fetching the tables the pure FOI functions take.

Row numbers are the file's own: the row a person sees in a spreadsheet (for a CSV, the record
number counting the header and any ``#`` comment rows above it). Every cell is read as text so
that nothing ("<5", "1-5", "N/A") is converted before validation sees it. Reading itself is
:func:`mapping.inputs.tabular.read_table`'s, bounded and hostile-input safe, shared with the teams file;
its refusals become :class:`~mapping.inputs.foi.FoiError` and its notices warnings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from boundaries import config
from mapping.errors import UploadError
from mapping.inputs.foi import (
    FoiError,
    Issue,
    PopulationTables,
    RawReplies,
    ValidationReport,
    area_population,
    carry_classes,
    classify_areas,
    combine_replies,
    funnel,
    validate_replies,
)
from mapping.inputs.foi_schema import normalise_header
from mapping.inputs.tabular import DEFAULT_LIMITS, Limits, Table, read_file, read_table

if TYPE_CHECKING:
    from mapping.analysis.selection import Inputs

__all__ = [
    "FOI_FILE_ENV",
    "AreaTables",
    "FoiAnalysis",
    "read_replies",
    "read_replies_bytes",
    "resolve_foi_file",
    "check_file",
    "analyse_file",
    "analyse_replies",
    "analyse_report",
    "classes_in",
    "default_population_year",
    "population_share_0_2",
]

# Environment variable naming a replies file the app loads at session start (boundaries.config.FOI_FILE).
FOI_FILE_ENV = config.FOI_FILE.name
REPLIES_SHEET = "replies"


def resolve_foi_file(given: str | os.PathLike | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The replies file to show: the one given, else ``PIMAP_FOI_FILE``, else none (no FOI layer).

    ``environ`` replaces ``os.environ`` (tests); the app reads the variable through this function too."""
    env = os.environ if environ is None else environ
    value = given if given not in (None, "") else env.get(FOI_FILE_ENV) or None
    if value is None:
        return None
    path = Path(value)
    if not path.is_file():
        origin = "" if given not in (None, "") else f" (named by {FOI_FILE_ENV})"
        problem = ("is a folder, not a file" if path.is_dir() else
                   "is not a regular file" if path.exists() else "does not exist")
        raise FoiError(f"FOI replies file {str(path)!r}{origin} {problem}")
    return path


def read_replies(path: str | os.PathLike, *, limits: Limits = DEFAULT_LIMITS) -> RawReplies:
    """Read a replies file (.csv or .xlsx) as text, keeping the file's row numbers; leading '#' rows are comments."""
    try:
        data = read_file(path, limits=limits)  # missing, a folder or a device, or too big: refused before reading
    except UploadError as exc:
        raise FoiError(str(exc)) from None
    return read_replies_bytes(data, str(Path(path)), limits=limits)


def read_replies_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> RawReplies:
    """Read replies from bytes (an upload in the app); ``name`` gives the type (.csv / .xlsx) and the source.

    Reading is :func:`mapping.inputs.tabular.read_table`'s (bounded by ``limits``); a refusal is a
    :class:`FoiError` with the same one-line message.
    """
    try:
        table = read_table(data, name, sheet=REPLIES_SHEET, comment_prefix="#", normalise=normalise_header,
                           limits=limits)
    except UploadError as exc:
        raise FoiError(str(exc)) from None
    return _frame_from_table(table)


def _frame_from_table(table: Table) -> RawReplies:
    """Replies from a table as read: one record per non-blank row; blank rows inside and stray cells reported."""
    source = table.source
    if not table.header_row:
        raise FoiError(f"{source}: no header row found (the template's first row names the columns)")
    header = table.header
    issues = [Issue(n.row, n.column, "warning", n.message) for n in table.notices]
    first_column = header[0] or "A"
    records: list[dict[str, object]] = []
    pending_blank: list[int] = []
    for row in table.rows:
        cells = row.cells
        if row.blank:
            pending_blank.append(row.number)
            continue
        for start, end in _runs(pending_blank):  # blank rows between replies are reported, trailing ones are not
            message = ("blank row: no reply read here" if start == end
                       else f"blank rows {start}-{end}: no reply read here")
            issues.append(Issue(start, first_column, "warning", message))
        pending_blank = []
        extra = [i for i in range(len(header), len(cells)) if cells[i].strip()]
        if extra:
            where = table.position(row.number, extra[0])
            issues.append(Issue(row.number, "file", "error",
                                f"{len(cells)} cells but the header has {len(header)}: values beyond the last column "
                                f"(first at {where}); give the column a name in the header or delete the values"))
        record: dict[str, object] = {"source_row": row.number}
        for i, name in enumerate(header):
            if name:
                record[name] = cells[i] if i < len(cells) else ""
        records.append(record)
    names = ["source_row", *(n for n in header if n)]
    frame = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
    frame = frame.astype({c: object for c in names if c != "source_row"})
    return RawReplies(frame=frame, source=source, header_row=table.header_row, comments=table.comments,
                      issues=tuple(issues))


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of ascending row numbers: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


class AreaTables(Mapping[str, pd.DataFrame]):
    """Area tables of every geography in ``boundaries``, each loaded only when first asked for."""

    def __init__(self) -> None:
        import boundaries

        self._ids = tuple(boundaries.GEOGRAPHY_IDS)
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, geography_id: str) -> pd.DataFrame:
        if geography_id not in self._ids:
            raise KeyError(geography_id)
        if geography_id not in self._loaded:
            import boundaries

            self._loaded[geography_id] = boundaries.area_table(geography_id)
        return self._loaded[geography_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


# --- the whole pipeline from a file, for the CLI and the app ---------------------------------------


@dataclass
class FoiAnalysis:
    """A replies file taken through validation, combining, classification and the funnel."""

    report: ValidationReport
    per_area: pd.DataFrame
    conflicts: pd.DataFrame
    classified: pd.DataFrame
    funnel: dict

    @property
    def geography(self) -> str:
        return self.report.geography  # type: ignore[return-value]

    @property
    def synthetic(self) -> bool:
        return self.report.synthetic


def _inputs(
    area_tables: Mapping[str, pd.DataFrame] | None, population: PopulationTables | None
) -> tuple[Mapping[str, pd.DataFrame], PopulationTables | None]:
    """The area tables and population the checks use: the real ones of ``boundaries`` unless given (tests
    give small synthetic tables, and then no population unless they give that too)."""
    if area_tables is None:
        return AreaTables(), PopulationTables.from_boundaries() if population is None else population
    return area_tables, population


def check_file(path: str | os.PathLike, area_tables: Mapping[str, pd.DataFrame] | None = None,
               population: PopulationTables | None = None) -> ValidationReport:
    """Read and validate a replies file against the areas and children of ``boundaries``."""
    tables, people = _inputs(area_tables, population)
    return validate_replies(read_replies(path), tables, population=people)


def analyse_file(path: str | os.PathLike, area_tables: Mapping[str, pd.DataFrame] | None = None) -> FoiAnalysis:
    """Validate, combine and classify a replies file; refuses a file with errors (they are listed by check)."""
    return analyse_replies(read_replies(path), area_tables)


def analyse_replies(raw: RawReplies, area_tables: Mapping[str, pd.DataFrame] | None = None,
                    population: PopulationTables | None = None) -> FoiAnalysis:
    """Validate, combine and classify replies already read (e.g. an upload: ``read_replies_bytes``)."""
    tables, people = _inputs(area_tables, population)
    return analyse_report(validate_replies(raw, tables, population=people), tables)


def analyse_report(report: ValidationReport, area_tables: Mapping[str, pd.DataFrame]) -> FoiAnalysis:
    """Combine and classify replies already validated (the app shows the report, then analyses it once)."""
    none_known = f"{report.source}: no replies, or none names a known geography in area_geography"
    if report.geography is None and not report.errors:
        raise FoiError(none_known)
    per_area, conflicts = combine_replies(report)  # refuses a report with errors
    if report.geography is None:
        raise FoiError(none_known)
    classified = classify_areas(per_area, area_tables[report.geography])
    return FoiAnalysis(report, per_area, conflicts, classified, funnel(classified))


def default_population_year(report: ValidationReport, years: tuple[int, ...]) -> int:
    """The population year for a FOI: the latest available year not after the period's start, else the earliest."""
    starts = report.replies["period_start"].dropna()
    if starts.empty:
        return max(years)
    start = int(starts.dt.year.mode().iloc[0])
    before = [y for y in years if y <= start]
    return max(before) if before else min(years)


def classes_in(analysis: FoiAnalysis, inputs: Inputs) -> pd.DataFrame:
    """The FOI's classes in the selection's geography: per area in the FOI's own, carried through small
    areas otherwise, with the selection's small-area lookup and population (loaded once, by the selection).

    In the FOI's geography each area also gets its population share aged 0-2 (of 0-18) for the
    selection's year; elsewhere each area gets the share of its children aged 0-2 in each class.
    """
    geography_id, year = inputs.geography, inputs.selection.year
    if geography_id == analysis.geography:
        pop = area_population(inputs.lookup, inputs.population, geography_id)
        tables_area = analysis.classified[["code", "name", *(["nation"] if "nation" in analysis.classified else [])]]
        out = classify_areas(analysis.per_area, tables_area, population=pop)
    else:
        out = carry_classes(analysis.classified, inputs.lookup, inputs.population, analysis.geography, geography_id)
        out = inputs.areas[["code", "name"]].merge(out, on="code", how="right")
    out.insert(0, "population_year", year)
    out.insert(0, "synthetic", analysis.synthetic)
    return out


def population_share_0_2(inputs: Inputs) -> float:
    """Children aged 0-2 as a share of those aged 0-18 across the selection's geography (Rare Jewels says about 16%)."""
    pop = area_population(inputs.lookup, inputs.population, inputs.geography)
    return float(pop["age0_2"].sum() / pop["age0_18"].sum())
