"""Downloads: tables as CSV, XLSX and GeoJSON that carry their attribution and data date inside the file.

A figure copied out of the app travels without the page around it, so every file says where its
numbers come from and when. Text cells that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with an apostrophe, so opening
a download can never execute anything (OWASP "CSV injection"). Numbers are written as numbers.
All functions are pure: frames in, bytes out.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd

from boundaries.crs import WGS84
from mapping.inputs.provenance import Source
from mapping.inputs.vocabulary import grade_choice

if TYPE_CHECKING:
    from mapping.analysis.selection import Register

__all__ = [
    "FORMULA_PREFIXES",
    "DownloadMeta",
    "neutralise",
    "neutralise_frame",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "to_geojson_bytes",
    "download_name",
    "BABIES_NOTE",
    "SUMS_NOTE",
    "SYNTHETIC_NOTE",
    "baby_columns",
    "whole_babies",
    "reader_table",
]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# What every table of babies says about its numbers (issue 15: babies are whole numbers wherever a person reads them).
BABIES_NOTE = ("Babies are whole numbers, rounded from the population figures; a row whose babies are estimated "
               "(shared out from district or local-authority figures) says so in its 'estimated' column.")
SUMS_NOTE = ("Totals are sums of the exact, unrounded figures, rounded once at the end, so a total can differ by "
             "one or two from the sum of its rounded rows.")
SYNTHETIC_NOTE = ("SYNTHETIC test data: the FOI replies loaded are marked synthetic, made up for testing. Do not "
                  "quote any figure from this file.")


@dataclass(frozen=True)
class DownloadMeta:
    """What a download says about itself: title, attribution, data date(s) and sources."""

    title: str
    attribution: str
    data_date: str  # e.g. "teams as of 2025-07-01; population mid-2020; boundaries April 2023"
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    generated: str = field(default_factory=lambda: date.today().isoformat())

    def lines(self) -> list[tuple[str, str]]:
        """The metadata as (label, text) pairs, in the order every format writes them."""
        out = [("title", self.title), ("attribution", self.attribution), ("data date", self.data_date),
               ("generated", self.generated)]
        out += [("source", s) for s in self.sources]
        out += [("note", n) for n in self.notes]
        return out


# A lone dash is the tables' "not applicable" placeholder: no spreadsheet reads it as a formula.
_PLACEHOLDERS: frozenset[str] = frozenset({"-"})


def neutralise(value: object) -> object:
    """A text value a spreadsheet could run as a formula, prefixed with ``'``; anything else unchanged.

    This is the project's one rule for every CSV and XLSX it writes (downloads, the report pack, the
    command line): text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, including
    text that looks like a negative number ("-5" held as text), except the lone ``-`` placeholder.
    Numbers are never touched, so a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and value not in _PLACEHOLDERS:
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and column name) neutralised; numeric columns untouched.

    Text can sit in object, string and categorical columns; only its ``str`` cells change, so the
    numbers of a mixed object column stay numbers.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            out[column] = series.astype(object).map(neutralise)
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def baby_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that count babies (``age0``, ``age0_2``, ``covered_age0_2``, ``babies``,
    ``age0_2_level_3``, ...): numeric columns naming an age band, or babies, but never a share."""
    out = []
    for column in frame.columns:
        name = str(column)
        if name.startswith("share") or "share" in name.split("_") or not pd.api.types.is_numeric_dtype(frame[column]):
            continue
        if pd.api.types.is_bool_dtype(frame[column]):
            continue
        if re.search(r"(^|_)age0(_2)?($|_)", name) or name in ("babies", "need", "babies_in_need"):
            out.append(column)
    return out


def whole_babies(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its :func:`baby_columns` rounded to whole numbers (nullable integers: a missing count
    stays empty); the ``estimated`` flag, where there is one, is kept as it is."""
    out = frame.copy()
    for column in baby_columns(out):
        out[column] = out[column].round().astype("Int64")
    return out


def reader_table(frame: pd.DataFrame, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A table as a person reads it: babies in whole numbers (:func:`whole_babies`) and every column named
    in words (:func:`mapping.present.text.plain_headers`; ``mapping`` first)."""
    from mapping.present.text import plain_headers

    return plain_headers(whole_babies(frame), dict(mapping or {}))


def _plain(value: object) -> object:
    """A cell as CSV/XLSX/JSON can hold it: NaN/NA to empty, numpy scalars to Python, dates to ISO text."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, datetime):  # pandas Timestamps included
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def to_csv_bytes(frame: pd.DataFrame, meta: DownloadMeta) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads accents) led by ``# label: text`` comment lines.

    ``pandas.read_csv(..., comment="#")`` and :func:`mapping.inputs.foi_io.read_replies` both skip the
    comment lines. Comment lines are neutralised too: they start with ``#``, and a spreadsheet, which
    splits them at each comma, finds no cell after a comma that runs (:func:`_comment_text`).
    """
    buffer = io.StringIO()
    for label, text in meta.lines():
        buffer.write(f"# {label}: {_comment_text(text)}\r\n")
    safe = neutralise_frame(frame)
    # RFC 4180 line ends: with "\r\n" as terminator, a cell holding either character is quoted.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(safe.columns))
    for row in safe.itertuples(index=False, name=None):
        writer.writerow(["" if (v := _plain(x)) is None else v for x in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", str(text)).strip()


def _comment_text(text: str) -> str:
    """A comment line's text on one line, each piece after a comma (a cell of its own in a spreadsheet)
    neutralised by :func:`neutralise` after its leading spaces and quotes: an uploaded file's name such as
    ``x,=HYPERLINK(...).csv`` goes into these lines, written without the csv module's quoting."""
    first, *rest = _one_line(text).split(",")
    pieces = [first]
    for piece in rest:
        body = piece.lstrip(' "')
        pieces.append(piece[: len(piece) - len(body)] + str(neutralise(body)))
    return ",".join(pieces)


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame], meta: DownloadMeta) -> bytes:
    """An XLSX workbook: one sheet per table, then an "about" sheet with the metadata.

    Every text cell is neutralised and stored as text (openpyxl would otherwise store a string
    starting with ``=`` as a formula). Sheet names are cut to Excel's 31 characters.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(_sheet_name(name))
        sheet.append([f"{meta.title}. {meta.attribution} Data: {meta.data_date}."])
        safe = neutralise_frame(frame)
        sheet.append(list(safe.columns))
        for row in safe.itertuples(index=False, name=None):
            sheet.append([_plain(v) for v in row])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A3"
        for index, column in enumerate(safe.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(column)) + 2, 10), 40)
    about = workbook.create_sheet("about")
    for label, text in meta.lines():
        about.append([label, neutralise(str(text))])
    for cells in about.iter_rows():
        for cell in cells:
            cell.data_type = "s"
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "data"


def to_geojson_bytes(frame, meta: DownloadMeta, *, precision: int = 5) -> bytes:
    """A GeoJSON FeatureCollection (EPSG:4326) with the metadata as a top-level ``metadata`` member.

    RFC 7946 allows such foreign members; GIS tools ignore it, people reading the file see it.
    Property values are plain JSON (NaN to null). Text is not neutralised: GeoJSON is not opened
    by spreadsheets, and its values must stay exact.
    """
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError("to_geojson_bytes needs a GeoDataFrame")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(WGS84)
    data = json.loads(frame.to_json(drop_id=True, to_wgs84=False, na="null"))
    for feature in data["features"]:
        feature["properties"] = {k: _plain(v) for k, v in feature["properties"].items()}
        feature["geometry"] = _round_geometry(feature["geometry"], precision)
    data["metadata"] = {label.replace(" ", "_"): text for label, text in meta.lines()
                        if label not in ("source", "note")}
    data["metadata"]["sources"] = list(meta.sources)
    data["metadata"]["notes"] = list(meta.notes)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _round_geometry(geometry: dict | None, precision: int) -> dict | None:
    if geometry is None:
        return None

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            return [round(c, precision) for c in coords]
        return [walk(c) for c in coords]

    return {**geometry, "coordinates": walk(geometry["coordinates"])}


# What the capacity estimate scales, said in every download's and site's notes.
CAPACITY_NOTE = ("The capacity estimate scales each area's live births of the 12 months standing for the population "
                 "year (the nearest published period where a nation has none, named); children aged 0 only where "
                 "an area has no births.")


def teams_credit(register: Register | None, *, brought: str) -> tuple[str, str]:
    """What a download or a site says about its teams: (the words added to the attribution, the source line).
    ``register`` None is the built-in data/teams.csv; a user's register is named by its source and sha256,
    ``brought`` saying how it came ("uploaded in this session", "given by the user")."""
    if register is None:
        return (" Teams: the public sources each row of data/teams.csv names (Parent-Infant Foundation and PIP UK "
                "publications, NHS bodies' own service pages, news reports).",
                "Teams: data/teams.csv, the teams and services named in public sources since Rare Jewels (2019), "
                "each row with its source and evidence grade; not a complete list (no public source lists every team)")
    return (f" Teams: the register {register.source}, brought by the user (not data/teams.csv).",
            f"Teams: {register.source} (sha256 {register.sha256}), a register {brought}, "
            "used instead of the built-in data/teams.csv")


def data_date_line(geography: str, year: int, as_of: date) -> str:
    """The data date every download and site states: the teams' date, the population year, the boundaries."""
    import boundaries

    geo = boundaries.get_geography(geography)
    return (f"teams as of {as_of.isoformat()}; population mid-{year}; boundaries {geo.label} "
            f"({geo.vintage.isoformat()})")


def source_line(source: Source, *, sha256: bool = False) -> str:
    """One line of a download's sources, in words: what the file is, its licence and where it comes from (and,
    with ``sha256``, the hash of a register's bytes, which is its identity). The registry's internal id of the
    file is left out: the address names it for a reader."""
    licence = f" ({source.licence})" if source.licence else ""
    # Where it is: the pinned address, or for the project's own files (no address) their path in the project.
    own_file = not source.url and source.id.startswith("data/")
    url = f" {source.url}" if source.url else (f" ({source.id} in the project)" if own_file else "")
    digest = f" sha256 {source.sha256}" if sha256 and source.sha256 else ""
    return f"{source.description}{licence}{url}{digest}"


def counted_part(grades: Sequence[str] | None) -> tuple[str, ...]:
    """What a download's name says of the teams counted: nothing when every grade counts (the default), else
    ``foundation-named`` (the one other choice, GRADE_CHOICES) or the grades, so the files of one view under
    two choices never share a name."""
    if grades is None:
        return ()
    choice = grade_choice(tuple(grades))
    return ("foundation-named",) if choice == "foundation" else ("grades-" + "-".join(grades),)


def download_name(kind: str, geography: str, extension: str, *, parts: Sequence[str] = ()) -> str:
    """``pimap-gaps-uk2023-2025-07-01.csv``: named after what it holds and the geography chosen."""
    pieces = ["pimap", kind, geography, *parts]
    stem = "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", str(p)).strip("_") for p in pieces if str(p))
    return f"{stem}.{extension.lstrip('.')}"
