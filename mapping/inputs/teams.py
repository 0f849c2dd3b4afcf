"""The teams dataset: a hand-entered CSV of parent-infant teams, checked row by row before use.

Every fact in ``data/teams.csv`` is typed in from a source document, so the loader is strict:
it reports every problem at once, as ``row N, column C: message``, rather than the first one,
so the file can be fixed in one pass. The pure functions here (parsing, validation against an
injected area table, date filters, counts) do not touch the boundary files; only
:func:`load_teams` reaches for :mod:`boundaries`.

Row numbers follow a spreadsheet: the header is row 1, so the first data row is row 2.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from boundaries import config
from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.crs import BRITISH_NATIONAL_GRID, WGS84, grid_for
from mapping.errors import TeamsFileError, UploadError
from mapping.inputs.dates import parse_date
from mapping.inputs.tabular import DEFAULT_LIMITS, Limits, read_file, read_table
from mapping.inputs.vocabulary import EVIDENCE_GRADES, TEAM_STATUSES, TeamStatus

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

__all__ = [
    "TEAM_STATUSES",
    "EVIDENCE_GRADES",
    "TEAM_COLUMNS",
    "TEXT_COLUMNS",
    "SHORT_TEXT_COLUMNS",
    "MAX_SHORT_TEXT",
    "EARLIEST_DATE",
    "NATION_BOXES",
    "FROM_BASES",
    "LOCATION_PRECISIONS",
    "NATIONS",
    "SPECIALIST_STATUS",
    "DEFAULT_TEAMS_PATH",
    "TeamsFileError",
    "parse_catchment",
    "read_teams_csv",
    "read_teams_bytes",
    "validate_teams",
    "load_teams",
    "fill_catchment_bases",
    "catchment_centroid",
    "nations_at",
    "teams_as_of",
    "catchment_table",
    "team_counts_by_year",
]

# Areas with a few CAMHS parent-infant specialists but no team (Rare Jewels section 7): never counted as teams.
SPECIALIST_STATUS = TeamStatus.SPECIALIST
SPECIALIST_PREFIX = "sp-"
TEAM_COLUMNS: tuple[str, ...] = (
    "team_id",
    "name",
    "also_known_as",
    "host_organisation",
    "nation",
    "status",
    "evidence_grade",
    "from",
    "from_basis",
    "to",
    "catchment",
    "base_lon",
    "base_lat",
    "location_precision",
    "source",
    "notes",
)
FROM_BASES: tuple[str, ...] = ("start", "first documented")
LOCATION_PRECISIONS: tuple[str, ...] = ("exact", "town", "catchment centroid")
NATIONS: tuple[str, ...] = UK_NATIONS
# A generous box around the UK, Scilly to Shetland and Fermanagh to Lowestoft.
UK_LON_RANGE = (-8.75, 1.85)
UK_LAT_RANGE = (49.8, 60.95)
# Each nation's box (lon_min, lat_min, lon_max, lat_max): the bounds of its districts (lad2018, and the health
# boards for Wales and Scotland) widened by about 0.1 degree. Used only when no nation shapes are given (the
# pure validator on synthetic areas): the boxes overlap (England with Wales, Scotland and part of Northern
# Ireland), so a box catches only a base plainly elsewhere (a Welsh team based in Kent). :func:`load_teams`
# checks against the nations' own land instead (:func:`nations_at`).
NATION_BOXES: dict[str, tuple[float, float, float, float]] = {
    "England": (-6.45, 49.8, 1.85, 55.9),
    "Wales": (-5.55, 51.3, -2.6, 53.5),
    "Scotland": (-8.75, 54.55, -0.65, 60.95),
    "Northern Ireland": (-8.25, 53.95, -5.35, 55.4),
}
# Free-text columns: none may hold markup. The short ones are names, so they have a length limit; `source`
# and `notes` cite documents and explain choices, and are long by design.
TEXT_COLUMNS: tuple[str, ...] = ("name", "also_known_as", "host_organisation", "source", "notes")
SHORT_TEXT_COLUMNS: tuple[str, ...] = ("name", "also_known_as", "host_organisation")
MAX_SHORT_TEXT = 300
# No specialised parent-infant team predates this (the oldest in the register began in 2006): an earlier
# date is a typing error (1919 for 2019).
EARLIEST_DATE = pd.Timestamp("1990-01-01")

# The register as it was found at import; the loader asks boundaries.config.teams_path() at call time.
DEFAULT_TEAMS_PATH = config.teams_path()

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIRST_DATA_ROW = 2

# area_table(geography_id) -> frame[code, name, nation]; load_geography(geography_id) -> GeoDataFrame in EPSG:4326.
# nations_at(lon, lat) -> the nations whose land is at (or within about 2 km of) the point.
AreaTable = Callable[[str], pd.DataFrame]
GeographyLoader = Callable[[str], "gpd.GeoDataFrame"]
NationsAt = Callable[[float, float], list[str]]
# How far outside its nation's (simplified) land a base may be: a coastal address, a border town.
NATION_TOLERANCE_DEGREES = 0.02


@dataclass(frozen=True)
class _Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


# --- parsing -------------------------------------------------------------------------------------


def parse_catchment(text: str) -> list[tuple[str, str]]:
    """``"lad2018:E06000026;ccg2018:E38000045"`` as ``[("lad2018", "E06000026"), ("ccg2018", "E38000045")]``.

    Checks syntax only (which geographies and codes exist is the validator's job). Raises
    ``ValueError`` for an empty catchment, an item without ``geography:code``, or a repeated area.
    """
    if not text.strip():
        raise ValueError("empty catchment: give at least one geography:code")
    areas: list[tuple[str, str]] = []
    for position, item in enumerate(text.split(";"), start=1):
        item = item.strip()
        geography, sep, code = item.partition(":")
        geography, code = geography.strip(), code.strip()
        if not sep or not geography or not code or ":" in code:
            raise ValueError(f"catchment item {position} {item!r} is not geography:code")
        if (geography, code) in areas:
            raise ValueError(f"catchment item {position} {item!r} repeats an earlier area")
        areas.append((geography, code))
    return areas


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";")] if text.strip() else []


# --- reading -------------------------------------------------------------------------------------


def read_teams_csv(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    """The teams file (.csv, or .xlsx with a sheet ``teams``) as text cells, every header and field problem by row.

    Reading is :func:`mapping.inputs.tabular.read_table`'s, the same bounded reader as the FOI replies';
    a row with too many or too few fields is reported at its own row number instead of being
    padded or shifted silently. Warnings from reading (hidden rows, another sheet read, an
    encoding guessed) are in ``frame.attrs["notices"]`` as ``row N, column C: warning: ...``.
    """
    path = Path(path)
    try:
        data = read_file(path, limits=limits)  # a missing file, a folder, a device and a huge file each said as such
    except UploadError as exc:
        raise TeamsFileError(f"teams file {exc}") from None
    return read_teams_bytes(data, str(path), limits=limits)


def read_teams_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    """:func:`read_teams_csv` for bytes (an upload); ``name`` gives the type (.csv / .xlsx) and the source."""
    try:
        table = read_table(data, name, sheet="teams", comment_prefix=None, normalise=str.strip, limits=limits)
    except UploadError as exc:
        raise TeamsFileError(str(exc)) from None
    if not table.header_row:
        raise TeamsFileError(f"{name}: empty file, expected a header row")
    header = list(table.header)
    problems: list[_Problem] = []
    for column in TEAM_COLUMNS:
        if column not in header:
            problems.append(_Problem(table.header_row, column, "missing column"))
    for column in header:
        if column not in TEAM_COLUMNS:
            problems.append(_Problem(table.header_row, column or "(blank)",
                                     f"unknown column; expected {', '.join(TEAM_COLUMNS)}"))
    rows = []
    for row in table.rows:
        number, record = row.number, row.cells
        if row.blank:
            problems.append(_Problem(number, "(all)", "blank row"))
            continue
        if table.kind == "xlsx":  # a sheet row ends at its last value: pad it, but never drop a value
            beyond = [i for i in range(len(header), len(record)) if record[i].strip()]
            if beyond:
                problems.append(_Problem(number, "(all)", f"a value at {table.position(number, beyond[0])}, beyond "
                                                          f"the header's {len(header)} columns"))
                continue
            record = (*record[: len(header)], *[""] * (len(header) - len(record)))
        if len(record) != len(header):
            problems.append(_Problem(number, "(all)", f"{len(record)} fields, header has {len(header)}"))
            continue
        rows.append({"row": number, **{h: cell.strip() for h, cell in zip(header, record)}})
    if not rows and not problems:
        problems.append(_Problem(table.header_row + 1, "(all)", "no data rows"))
    _raise_if(problems, name)
    frame = pd.DataFrame(rows, columns=["row", *header], dtype=object)
    frame.attrs["notices"] = [f"row {n.row}, column {n.column}: warning: {n.message}" for n in table.notices]
    return frame


def _raise_if(problems: list[_Problem], path: Path | str) -> None:
    if problems:
        lines = [str(p) for p in sorted(problems, key=lambda p: p.row)]
        raise TeamsFileError(f"{path}: {len(lines)} problem(s):\n  " + "\n  ".join(lines), lines)


# --- validation ----------------------------------------------------------------------------------


class _Areas:
    """Area tables fetched once per geography, plus the search behind the "wrong vintage" hint."""

    def __init__(self, area_table: AreaTable, geography_ids: Collection[str]) -> None:
        self._area_table = area_table
        self.geography_ids = tuple(geography_ids)
        self._tables: dict[str, dict[str, tuple[str, str]]] = {}

    def table(self, geography: str) -> dict[str, tuple[str, str]]:
        if geography not in self._tables:
            frame = self._area_table(geography)
            nations = frame["nation"] if "nation" in frame.columns else [""] * len(frame)
            self._tables[geography] = {
                str(c): (str(n), str(nat)) for c, n, nat in zip(frame["code"], frame["name"], nations)
            }
        return self._tables[geography]

    def found_in(self, code: str, exclude: str) -> list[str]:
        return [g for g in self.geography_ids if g != exclude and code in self.table(g)]


def _check_row(
    row: pd.Series, areas: _Areas, today: pd.Timestamp, nations_at: NationsAt | None = None
) -> tuple[list[_Problem], pd.Timestamp | None, pd.Timestamp | None]:
    n = int(row["row"])
    out: list[_Problem] = []

    def bad(column: str, message: str) -> None:
        out.append(_Problem(n, column, message))

    team_id, status = row["team_id"], row["status"]
    if not _SLUG.match(team_id):
        bad("team_id", f"{team_id!r} is not a slug (lower-case letters, digits, single hyphens)")
    if status not in TEAM_STATUSES:
        bad("status", f"unknown status {status!r}; use one of: {', '.join(TEAM_STATUSES)}")
    elif (status == SPECIALIST_STATUS) != team_id.startswith(SPECIALIST_PREFIX):
        bad("team_id", f"team_id must start with {SPECIALIST_PREFIX!r} exactly when status is {SPECIALIST_STATUS!r}")
    if not row["evidence_grade"]:
        bad("evidence_grade", f"empty evidence grade; use one of: {', '.join(EVIDENCE_GRADES)}")
    elif row["evidence_grade"] not in EVIDENCE_GRADES:
        bad("evidence_grade", f"unknown evidence grade {row['evidence_grade']!r}; use one of: {', '.join(EVIDENCE_GRADES)}")
    if not row["name"]:
        bad("name", "empty name")
    for column in ("also_known_as", "host_organisation"):
        if row[column] and "" in _split_list(row[column]):
            bad(column, "empty item between ';' separators")
    if row["nation"] not in NATIONS:
        bad("nation", f"unknown nation {row['nation']!r}; use one of: {', '.join(NATIONS)}")
    if row["from_basis"] not in FROM_BASES:
        bad("from_basis", f"unknown from_basis {row['from_basis']!r}; use one of: {', '.join(FROM_BASES)}")
    if not row["source"]:
        bad("source", "empty source: name the document and its section")

    start = end = None
    if not row["from"]:
        bad("from", "empty from date")
    else:
        try:
            start = parse_date(row["from"])
        except ValueError as exc:
            bad("from", str(exc))
    if row["to"]:
        try:
            end = parse_date(row["to"], end=True)
        except ValueError as exc:
            bad("to", str(exc))
    if start is not None and end is not None and end < start:
        bad("to", f"to {row['to']!r} is before from {row['from']!r}")
    for column, when in (("from", start), ("to", end)):
        if when is not None and when < EARLIEST_DATE:
            bad(column, f"{row[column]!r} is before 1990; no parent-infant team is that old (a typing error?)")
    if start is not None and status == TeamStatus.OPERATING and start > today:
        bad("from", f"an operating period cannot start in the future ({row['from']!r} is after "
                    f"{today.date().isoformat()}); enter it as 'in development' until the team opens")
    out.extend(_check_text(row, n))

    out.extend(_check_catchment(row, n, areas))
    out.extend(_check_base(row, n, nations_at))
    return out, start, end


def _check_text(row: pd.Series, n: int) -> list[_Problem]:
    """Markup in any text field is refused (a name is shown on pages and in downloads, never run); names
    have a length limit."""
    out: list[_Problem] = []
    for column in TEXT_COLUMNS:
        text = row[column]
        if "<" in text or ">" in text:
            out.append(_Problem(n, column, "contains '<' or '>': markup is not accepted; write the text without "
                                           "angle brackets (for example 'under 3' for '<3', or brackets ( ) "
                                           "around an aside)"))
        if column in SHORT_TEXT_COLUMNS and len(text) > MAX_SHORT_TEXT:
            out.append(_Problem(n, column, f"{len(text)} characters; at most {MAX_SHORT_TEXT} (put explanations "
                                           "in notes)"))
    return out


def _check_catchment(row: pd.Series, n: int, areas: _Areas) -> list[_Problem]:
    out: list[_Problem] = []
    try:
        parsed = parse_catchment(row["catchment"])
    except ValueError as exc:
        return [_Problem(n, "catchment", str(exc))]
    for geography, code in parsed:
        if geography not in areas.geography_ids:
            out.append(_Problem(n, "catchment", f"unknown geography id {geography!r} in {geography}:{code}; "
                                                f"use one of: {', '.join(areas.geography_ids)}"))
            continue
        table = areas.table(geography)
        if code not in table:
            elsewhere = areas.found_in(code, geography)
            hint = (f"; it exists in {', '.join(elsewhere)} (wrong vintage?)" if elsewhere
                    else "; no known geography has this code")
            out.append(_Problem(n, "catchment", f"code {code!r} is not in {geography}{hint}"))
            continue
        name, nation = table[code]
        if nation in NATIONS and row["nation"] in NATIONS and nation != row["nation"]:
            out.append(_Problem(n, "catchment", f"{geography}:{code} ({name}) is in {nation}, "
                                                f"but the row's nation is {row['nation']}"))
    return out


def _check_base(row: pd.Series, n: int, nations_at: NationsAt | None = None) -> list[_Problem]:
    out: list[_Problem] = []
    precision = row["location_precision"]
    if precision not in LOCATION_PRECISIONS:
        out.append(_Problem(n, "location_precision",
                            f"unknown precision {precision!r}; use one of: {', '.join(LOCATION_PRECISIONS)}"))
    given = [bool(row["base_lon"]), bool(row["base_lat"])]
    if any(given) and not all(given):
        missing = "base_lat" if given[0] else "base_lon"
        out.append(_Problem(n, missing, "give both base_lon and base_lat, or neither"))
        return out
    if not any(given):
        if precision in ("exact", "town"):
            out.append(_Problem(n, "location_precision",
                                f"{precision!r} needs base_lon and base_lat; leave them empty only with "
                                "'catchment centroid'"))
        return out
    inside_uk = True
    for column, (low, high) in (("base_lon", UK_LON_RANGE), ("base_lat", UK_LAT_RANGE)):
        try:
            value = float(row[column])
        except ValueError:
            out.append(_Problem(n, column, f"{row[column]!r} is not a number"))
            inside_uk = False
            continue
        if not low <= value <= high:
            out.append(_Problem(n, column, f"{value} is outside the UK range {low} to {high}"))
            inside_uk = False
    if inside_uk and row["nation"] in NATION_BOXES:
        lon, lat = float(row["base_lon"]), float(row["base_lat"])
        lon_min, lat_min, lon_max, lat_max = NATION_BOXES[row["nation"]]
        if nations_at is not None:
            found = nations_at(lon, lat)
            if row["nation"] not in found:
                where = f"it is in {', '.join(found)}" if found else "it is on no nation's land"
                out.append(_Problem(n, "base_lon", f"base ({lon}, {lat}) is not in {row['nation']}: {where}; "
                                                   "check the coordinates or the row's nation"))
        elif not (lon_min <= lon <= lon_max and lat_min <= lat <= lat_max):
            out.append(_Problem(n, "base_lon", f"base ({lon}, {lat}) is outside {row['nation']} (longitude "
                                               f"{lon_min} to {lon_max}, latitude {lat_min} to {lat_max}); "
                                               "check the coordinates or the row's nation"))
    if precision == "catchment centroid":
        out.append(_Problem(n, "location_precision",
                            "coordinates are given, so precision must be 'exact' or 'town', not 'catchment centroid'"))
    return out


def _check_periods(frame: pd.DataFrame) -> list[_Problem]:
    """Duplicate (team_id, from) and overlapping status periods of the same team."""
    out: list[_Problem] = []
    dated = frame.dropna(subset=["from_date"])
    for team_id, group in dated.groupby("team_id", sort=False):
        seen: dict[pd.Timestamp, int] = {}
        for _, r in group.iterrows():
            if r["from_date"] in seen:
                out.append(_Problem(int(r["row"]), "from", f"duplicate (team_id, from) = ({team_id}, {r['from']}); "
                                                           f"also row {seen[r['from_date']]}"))
            else:
                seen[r["from_date"]] = int(r["row"])
        periods = group.drop_duplicates("from_date").sort_values("from_date")
        previous = None
        for _, r in periods.iterrows():
            if previous is not None and (pd.isna(previous["to_date"]) or previous["to_date"] >= r["from_date"]):
                ends = previous["to"] or "open-ended"
                out.append(_Problem(int(r["row"]), "from",
                                    f"period of {team_id} starting {r['from']} overlaps its period in row "
                                    f"{int(previous['row'])} (from {previous['from']}, to {ends})"))
            previous = r
    return out


def validate_teams(
    raw: pd.DataFrame,
    *,
    area_table: AreaTable,
    geography_ids: Collection[str],
    path: Path | str = "teams",
    today: date | None = None,
    nations_at: NationsAt | None = None,
) -> pd.DataFrame:
    """Check every row of a raw teams frame (from :func:`read_teams_csv`) and return it parsed.

    ``area_table(geography_id)`` must return a frame with ``code``, ``name`` and ``nation``;
    ``geography_ids`` are the geographies a catchment may use (and where a misplaced code is
    looked for to suggest the right vintage). Returns the rows with ``from_date``/``to_date``
    Timestamps (``to_date`` NaT when open) and float ``base_lon``/``base_lat`` (NaN when empty).
    ``today`` (default: the date of the call) is the day after which an operating period may not start.
    ``nations_at(lon, lat)`` gives the nations whose land is at a base (:func:`nations_at`); without it a base
    is checked against its nation's box (:data:`NATION_BOXES`).
    Raises :class:`TeamsFileError` listing every problem as ``row N, column C: message``.
    """
    areas = _Areas(area_table, geography_ids)
    now = pd.Timestamp(today if today is not None else date.today()).normalize()
    problems: list[_Problem] = []
    starts, ends = [], []
    for _, row in raw.iterrows():
        row_problems, start, end = _check_row(row, areas, now, nations_at)
        problems.extend(row_problems)
        starts.append(start)
        ends.append(end)
    frame = raw.copy()
    frame["from_date"] = pd.to_datetime(pd.Series(starts, index=raw.index, dtype="object"))
    frame["to_date"] = pd.to_datetime(pd.Series(ends, index=raw.index, dtype="object"))
    problems.extend(_check_periods(frame))
    _raise_if(problems, path)
    for column in ("base_lon", "base_lat"):
        frame[column] = [float(v) if v else float("nan") for v in frame[column]]
    return frame.reset_index(drop=True)


# --- the loader at the edge ----------------------------------------------------------------------


def load_teams(path: Path | None = None, *, fill_bases: bool = True) -> pd.DataFrame:
    """Read, validate and return the teams file (default :func:`boundaries.config.teams_path`, ``data/teams.csv``).

    Codes are checked against :func:`boundaries.area_table`. With ``fill_bases`` an empty base is
    filled with the catchment centroid (``location_precision`` already says so). The ``row``
    column keeps each row's spreadsheet number (header = row 1, first data row = row 2).
    """
    path = Path(path) if path is not None else config.teams_path()
    stat = path.stat() if path.is_file() else None
    version = (stat.st_mtime_ns, stat.st_size) if stat else None
    return _load_teams_cached(path.resolve(), version, fill_bases).copy()


@functools.lru_cache(maxsize=8)
def _load_teams_cached(path: Path, version: tuple[int, int] | None, fill_bases: bool) -> pd.DataFrame:
    """Validated teams, remembered per file version (mtime and size) so repeated calls skip validation."""
    import boundaries

    raw = read_teams_csv(path)
    geography_ids = [g for g in boundaries.GEOGRAPHY_IDS if not boundaries.get_geography(g).is_composite]
    teams = validate_teams(raw, area_table=boundaries.area_table, geography_ids=geography_ids, path=path,
                           nations_at=nations_at)
    if fill_bases:
        teams = fill_catchment_bases(teams, boundaries.load_geography, centroids=cached_centroids(teams))
    teams.attrs["notices"] = list(raw.attrs.get("notices", []))  # reading warnings travel with the teams
    return teams


def nations_at(lon: float, lat: float) -> list[str]:
    """The nations whose land (the districts of ``lad2018``, simplified) is within about 2 km of (lon, lat)."""
    import shapely

    point = shapely.Point(lon, lat)
    return [nation for nation, land in _nation_land().items() if land.contains(point)]


@functools.lru_cache(maxsize=1)
def _nation_land() -> dict[str, shapely.Geometry]:
    """Each nation's land from the lad2018 districts, widened by the tolerance and prepared for point tests."""
    import shapely

    import boundaries

    layer = boundaries.load_geography("lad2018", simplified=True)
    out: dict[str, shapely.Geometry] = {}
    for nation, group in layer.groupby("nation"):
        land = shapely.union_all(list(group.geometry)).buffer(NATION_TOLERANCE_DEGREES)
        shapely.prepare(land)
        out[str(nation)] = land
    return out


def catchment_centroid(areas: list[tuple[str, str]], load_geography: GeographyLoader) -> tuple[float, float]:
    """(lon, lat) of the centre of the union of catchment areas, on the national grid.

    The centroid is taken on the British (or, for an all-NI catchment, Irish) grid so it is not
    skewed by lon/lat; when it falls outside the union (a crescent, an archipelago) a point
    guaranteed inside (``representative_point``) is used instead.
    """
    import geopandas as gpd

    pieces = []
    for geography in dict.fromkeys(g for g, _ in areas):
        codes = [c for g, c in areas if g == geography]
        layer = load_geography(geography)
        chosen = layer[layer["code"].isin(codes)]
        missing = sorted(set(codes) - set(chosen["code"]))
        if missing:
            raise TeamsFileError(f"{geography}: no boundary for {', '.join(missing)}")
        pieces.append(chosen[["nation", "geometry"]])
    shapes = gpd.GeoDataFrame(pd.concat(pieces, ignore_index=True), geometry="geometry", crs=WGS84)
    crs = grid_for("Northern Ireland") if set(shapes["nation"]) == {"Northern Ireland"} else BRITISH_NATIONAL_GRID
    union = shapes.to_crs(crs).geometry.union_all()
    point = union.centroid
    if not union.contains(point):
        point = union.representative_point()
    back = gpd.GeoSeries([point], crs=crs).to_crs(WGS84).iloc[0]
    return round(float(back.x), 5), round(float(back.y), 5)


def fill_catchment_bases(teams: pd.DataFrame, load_geography: GeographyLoader, *,
                         centroids: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Teams with every empty base_lon/base_lat set to its catchment centroid (one computation per catchment;
    ``centroids``: ones already known, by catchment text)."""
    out = teams.copy()
    empty = out["base_lon"].isna() & out["base_lat"].isna()
    cache: dict[str, tuple[float, float]] = dict(centroids or {})
    for index in out.index[empty]:
        text = out.at[index, "catchment"]
        if text not in cache:
            cache[text] = catchment_centroid(parse_catchment(text), load_geography)
        out.at[index, "base_lon"], out.at[index, "base_lat"] = cache[text]
    return out


# The recipe of catchment_centroid: bump it when the centroid is computed differently, so cached ones are rebuilt.
CENTROID_VERSION = "1"


def cached_centroids(teams: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The catchment centroids of the teams with no base, from the checksummed layer cache
    (:func:`boundaries.catalogue.cached_frame`), keyed by those catchments and the layers they are made of.

    Computing them reads the full boundaries of every geography a catchment names, which took about a second of
    every server's first page; the cache is verified on every read and rebuilt when damaged."""
    import hashlib

    import boundaries
    from boundaries.catalogue import cached_frame, layer_key

    empty = teams["base_lon"].isna() & teams["base_lat"].isna()
    texts = sorted(set(teams.loc[empty, "catchment"].astype(str)))
    if not texts:
        return {}
    geographies = sorted({g for text in texts for g, _ in parse_catchment(text)})
    key = hashlib.sha256("\n".join([CENTROID_VERSION, *(layer_key(g) for g in geographies), *texts]).encode())

    def build() -> pd.DataFrame:
        rows = [(text, *catchment_centroid(parse_catchment(text), boundaries.load_geography)) for text in texts]
        return pd.DataFrame(rows, columns=["catchment", "base_lon", "base_lat"])

    frame = cached_frame("team-bases", key.hexdigest()[:16], build, geo=False)
    return {str(t): (float(x), float(y)) for t, x, y in zip(frame["catchment"], frame["base_lon"], frame["base_lat"])}


# --- queries -------------------------------------------------------------------------------------


def _as_timestamp(value: date | datetime | str | pd.Timestamp) -> pd.Timestamp:
    if isinstance(value, str):
        return parse_date(value)
    return pd.Timestamp(value).normalize()


def teams_as_of(teams: pd.DataFrame, as_of: date | datetime | str | pd.Timestamp) -> pd.DataFrame:
    """Rows whose period [from_date, to_date] contains the date (an open ``to`` runs on). Any status."""
    when = _as_timestamp(as_of)
    inside = (teams["from_date"] <= when) & (teams["to_date"].isna() | (teams["to_date"] >= when))
    return teams.loc[inside].reset_index(drop=True)


def catchment_table(teams: pd.DataFrame) -> pd.DataFrame:
    """One row per team per catchment area: ``team_id, status, geography, code`` (for the coverage engine)."""
    rows = [
        (team_id, status, geography, code)
        for team_id, status, text in zip(teams["team_id"], teams["status"], teams["catchment"])
        for geography, code in parse_catchment(text)
    ]
    table = pd.DataFrame(rows, columns=["team_id", "status", "geography", "code"])
    return table.drop_duplicates(ignore_index=True)


def team_counts_by_year(teams: pd.DataFrame, years: Iterable[int], *, month: int = 7, day: int = 1) -> pd.DataFrame:
    """Distinct teams ``operating`` and ``in development`` on 1 July (by default) of each year.

    A mid-year date counts a team that opened or closed during the year once, on the side it was
    on at mid-year. Rows with status 'specialist practitioners only' are never counted.
    """
    rows = []
    for year in years:
        current = teams_as_of(teams, date(int(year), month, day))
        rows.append({
            "year": int(year),
            "operating": current.loc[current["status"] == TeamStatus.OPERATING, "team_id"].nunique(),
            "in_development": current.loc[current["status"] == TeamStatus.IN_DEVELOPMENT, "team_id"].nunique(),
        })
    return pd.DataFrame(rows, columns=["year", "operating", "in_development"])
