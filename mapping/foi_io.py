"""Reading FOI reply files (CSV, XLSX) and fetching the tables the pure FOI functions take.

Row numbers are the file's own: the row a person sees in a spreadsheet (for a CSV, the record
number counting the header and any ``#`` comment rows above it). Every cell is read as text so
that nothing ("<5", "1-5", "N/A") is converted before validation sees it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from mapping.foi import (
    FoiError,
    Issue,
    RawReplies,
    ValidationReport,
    area_population,
    carry_classes,
    classify_areas,
    combine_replies,
    funnel,
    validate_replies,
)
from mapping.foi_schema import normalise_header

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
    "classes_in",
    "default_population_year",
    "population_share_0_2",
]

# Environment variable naming a replies file for the app and the CLI when none is given.
FOI_FILE_ENV = "PIMAP_FOI_FILE"
REPLIES_SHEET = "replies"


def resolve_foi_file(given: str | os.PathLike | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The replies file to show: the one given, else ``PIMAP_FOI_FILE``, else none (no FOI layer)."""
    env = os.environ if environ is None else environ
    value = given if given not in (None, "") else env.get(FOI_FILE_ENV) or None
    if value is None:
        return None
    path = Path(value)
    if not path.is_file():
        origin = "--foi" if given not in (None, "") else FOI_FILE_ENV
        raise FoiError(f"FOI replies file {str(path)!r} (from {origin}) does not exist")
    return path


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person typed: whole floats without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _rows_from_csv(data: bytes, source: str) -> tuple[Iterator[list[str]], list[Issue]]:
    issues: list[Issue] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else None
        if text is None:
            raise FoiError(f"{source}: not a UTF-8 or Windows-1252 text file; save it as 'CSV UTF-8'") from None
        issues.append(Issue(1, "file", "warning", "not UTF-8: read as Windows-1252 (Excel's 'CSV'); check accents"))
    return csv.reader(io.StringIO(text, newline="")), issues


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _rows_from_xlsx(source: io.BytesIO, name: str) -> Iterator[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError) as exc:
        raise FoiError(f"{name}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = workbook[REPLIES_SHEET] if REPLIES_SHEET in workbook.sheetnames else workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def read_replies(path: str | os.PathLike) -> RawReplies:
    """Read a replies file (.csv or .xlsx) as text, keeping the file's row numbers; leading '#' rows are comments."""
    path = Path(path)
    if not path.is_file():
        raise FoiError(f"{path}: no such file")
    return read_replies_bytes(path.read_bytes(), str(path))


def read_replies_bytes(data: bytes, name: str) -> RawReplies:
    """Read replies from bytes (an upload in the app); ``name`` gives the type (.csv / .xlsx) and the source."""
    suffix = Path(name).suffix.lower()
    issues: list[Issue] = []
    if suffix == ".csv":
        rows, issues = _rows_from_csv(data, name)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _rows_from_xlsx(io.BytesIO(data), name)
    else:
        raise FoiError(f"{name}: unsupported file type {suffix!r}; use .csv or .xlsx")
    return _frame_from_rows(rows, name, issues)


def _frame_from_rows(rows: Iterator[list[str]], source: str, issues: list[Issue]) -> RawReplies:
    comments: list[str] = []
    header: list[str] | None = None
    header_row = 0
    records: list[dict[str, str]] = []
    pending_blank: list[int] = []
    number = 0
    for number, cells in enumerate(rows, start=1):
        cells = [("" if c is None else str(c)) for c in cells]
        first = cells[0].strip() if cells else ""
        if header is None:
            if first.startswith("#"):
                comments.append(",".join(c for c in cells if c).lstrip("# ").strip())
                continue
            if not any(c.strip() for c in cells):
                continue
            header = [normalise_header(c) for c in cells]
            header_row = number
            for i, name in enumerate(header):
                if name and name in header[:i]:
                    issues.append(Issue(number, name, "error", f"column {name!r} appears twice in the header"))
            continue
        if not any(c.strip() for c in cells):
            pending_blank.append(number)
            continue
        for blank in pending_blank:  # blank rows between replies are reported, trailing ones are not
            issues.append(Issue(blank, header[0] or "A", "warning", "blank row: no reply read here"))
        pending_blank = []
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            issues.append(Issue(number, "file", "error",
                                f"{len(cells)} cells but the header has {len(header)}: values beyond the last column"))
        record = {"source_row": number}
        for i, name in enumerate(header):
            if name and name not in record:
                record[name] = cells[i] if i < len(cells) else ""
        records.append(record)
    if header is None:
        raise FoiError(f"{source}: no header row found (the template's first row names the columns)")
    names = ["source_row", *dict.fromkeys(n for n in header if n)]
    frame = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
    frame = frame.astype({c: object for c in names if c != "source_row"})
    return RawReplies(frame=frame, source=source, header_row=header_row, comments=tuple(comments), issues=tuple(issues))


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


def check_file(path: str | os.PathLike, area_tables: Mapping[str, pd.DataFrame] | None = None) -> ValidationReport:
    """Read and validate a replies file against the area tables of ``boundaries``."""
    return validate_replies(read_replies(path), AreaTables() if area_tables is None else area_tables)


def analyse_file(path: str | os.PathLike, area_tables: Mapping[str, pd.DataFrame] | None = None) -> FoiAnalysis:
    """Validate, combine and classify a replies file; refuses a file with errors (they are listed by check)."""
    return analyse_replies(read_replies(path), area_tables)


def analyse_replies(raw: RawReplies, area_tables: Mapping[str, pd.DataFrame] | None = None) -> FoiAnalysis:
    """Validate, combine and classify replies already read (e.g. an upload: ``read_replies_bytes``)."""
    tables = AreaTables() if area_tables is None else area_tables
    report = validate_replies(raw, tables)
    if report.geography is None and not report.errors:
        raise FoiError(f"{raw.source}: no replies, or none names a known geography in area_geography")
    per_area, conflicts = combine_replies(report)
    classified = classify_areas(per_area, tables[report.geography])
    return FoiAnalysis(report, per_area, conflicts, classified, funnel(classified))


def default_population_year(report: ValidationReport, years: tuple[int, ...]) -> int:
    """The population year for a FOI: the latest available year not after the period's start, else the earliest."""
    starts = report.replies["period_start"].dropna()
    if starts.empty:
        return max(years)
    start = int(starts.dt.year.mode().iloc[0])
    before = [y for y in years if y <= start]
    return max(before) if before else min(years)


def classes_in(analysis: FoiAnalysis, geography_id: str, year: int | None = None) -> pd.DataFrame:
    """The FOI's classes in any geography: per area in the FOI's own, carried through small areas otherwise.

    In the FOI's geography each area also gets its population share aged 0-2 (of 0-18) for ``year``;
    elsewhere each area gets the share of its children aged 0-2 in each class.
    """
    import boundaries

    years = tuple(boundaries.POPULATION_YEARS)
    year = default_population_year(analysis.report, years) if year is None else year
    if year not in years:
        raise FoiError(f"no population for {year}; choose one of {', '.join(map(str, years))}")
    boundaries.get_geography(geography_id)
    lookup = boundaries.load_unit_lookup()
    population = boundaries.load_population(year)
    if geography_id == analysis.geography:
        pop = area_population(lookup, population, geography_id)
        tables_area = analysis.classified[["code", "name", *(["nation"] if "nation" in analysis.classified else [])]]
        out = classify_areas(analysis.per_area, tables_area, population=pop)
    else:
        out = carry_classes(analysis.classified, lookup, population, analysis.geography, geography_id)
        names = boundaries.area_table(geography_id)[["code", "name"]]
        out = names.merge(out, on="code", how="right")
    out.insert(0, "population_year", year)
    out.insert(0, "synthetic", analysis.synthetic)
    return out


def population_share_0_2(geography_id: str, year: int) -> float:
    """Children aged 0-2 as a share of those aged 0-18 across a geography (Rare Jewels says about 16%)."""
    import boundaries

    pop = area_population(boundaries.load_unit_lookup(), boundaries.load_population(year), geography_id)
    return float(pop["age0_2"].sum() / pop["age0_18"].sum())
