"""The catalogue of health and local-government geographies, and their one loader.

Each geography is data (id, vintage, nations, expected count, code pattern, sources)
plus the recipe that turns its source files into ``code, name, nation, geometry`` in
EPSG:4326. ``load_geography`` builds a layer once, checks it, and caches it as
GeoParquet keyed by the source hashes, so later loads only read the Parquet file.
Each cached file carries the sha256 of its bytes in its name and is verified on every
read; a damaged one is quarantined and rebuilt (see ``cached_frame``).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely

from boundaries.crs import WGS84
from boundaries.fetch import (
    STALE_TEMP_SECONDS,
    cache_dir,
    install,
    not_writable,
    quarantine,
    registry,
    remove_stale_temps,
    temp_beside,
)
from boundaries.readers import read_csv, read_rda, read_vector, sf_geometry
from mapping.errors import CacheError, GeographyError

__all__ = [
    "NATIONS",
    "Geography",
    "GEOGRAPHIES",
    "GEOGRAPHY_IDS",
    "get_geography",
    "in_force",
    "UK_COMPOSITES",
    "load_geography",
    "area_table",
    "nation_of_code",
    "cached_frame",
    "layer_status",
]

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
# Bump when a recipe changes, so cached layers built by the old recipe are not reused.
LAYER_VERSION = "4"
# Web layers: coverage simplification tolerance (degrees, ~140-220 m) and a coordinate grid
# (1e-4 degrees, ~7-11 m) so the UK view stays well under 2 MB of GeoJSON.
WEB_TOLERANCE_DEG = 0.002
WEB_GRID_DEG = 1e-4

NI_TRUST_CODES = ("BHSCT", "NHSCT", "SEHSCT", "SHSCT", "WHSCT")
NI_TRUST_NAMES = {
    "BHSCT": "Belfast Health and Social Care Trust",
    "NHSCT": "Northern Health and Social Care Trust",
    "SEHSCT": "South Eastern Health and Social Care Trust",
    "SHSCT": "Southern Health and Social Care Trust",
    "WHSCT": "Western Health and Social Care Trust",
}


def nation_of_code(code: str) -> str:
    """The nation an area code belongs to (GSS prefix letter; NI trust codes are not GSS)."""
    if code in NI_TRUST_CODES:
        return "Northern Ireland"
    try:
        return {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}[code[:1]]
    except KeyError:
        raise GeographyError(f"area code {code!r} does not start with E, W, S or N") from None


@dataclass(frozen=True)
class Geography:
    """One set of areas at one date."""

    id: str
    label: str
    vintage: date
    nations: tuple[str, ...]
    expected_count: int
    code_pattern: str
    sources: tuple[str, ...]
    parts: tuple[str, ...] = ()  # for composite layers: the geographies it is made of

    @property
    def is_composite(self) -> bool:
        return bool(self.parts)


_E, _W, _S, _N = NATIONS
_GSS = r"^[EWSN]\d{8}$"

GEOGRAPHIES: dict[str, Geography] = {
    g.id: g
    for g in [
        Geography("ccg2018", "Clinical Commissioning Groups, April 2018", date(2018, 4, 1), (_E,), 195, r"^E38\d{6}$",
                  ("ccg2018_boundaries", "ccg2018_codes")),
        Geography("ccg2019", "Clinical Commissioning Groups, April 2019", date(2019, 4, 1), (_E,), 191, r"^E38\d{6}$",
                  ("ccg2019_boundaries",)),
        Geography("ccg2020", "Clinical Commissioning Groups, April 2020", date(2020, 4, 1), (_E,), 135, r"^E38\d{6}$",
                  ("ccg2020_boundaries",)),
        Geography("ccg2021", "Clinical Commissioning Groups, April 2021", date(2021, 4, 1), (_E,), 106, r"^E38\d{6}$",
                  ("ccg2021_boundaries",)),
        Geography("sicbl2022", "Sub-ICB Locations, July 2022", date(2022, 7, 1), (_E,), 106, r"^E38\d{6}$",
                  ("sicbl2022_boundaries",)),
        Geography("icb2022", "Integrated Care Boards, July 2022", date(2022, 7, 1), (_E,), 42, r"^E54\d{6}$",
                  ("icb2022_boundaries",)),
        Geography("sicbl2023", "Sub-ICB Locations, April 2023", date(2023, 4, 1), (_E,), 106, r"^E38\d{6}$",
                  ("sicbl2023_boundaries",)),
        Geography("icb2023", "Integrated Care Boards, April 2023", date(2023, 4, 1), (_E,), 42, r"^E54\d{6}$",
                  ("icb2023_boundaries",)),
        Geography("icb2026", "Integrated Care Boards, April 2026", date(2026, 4, 1), (_E,), 36, r"^E54\d{6}$",
                  ("icb2026_boundaries",)),
        Geography("lhb2022", "Welsh Local Health Boards, 2022", date(2022, 4, 1), (_W,), 7, r"^W11\d{6}$",
                  ("lhb2022_boundaries",)),
        Geography("hb2019", "Scottish NHS Health Boards, 2019", date(2019, 4, 1), (_S,), 14, r"^S08\d{6}$",
                  ("hb2019_boundaries",)),
        Geography("hsct2018", "Northern Ireland Health and Social Care Trusts", date(2018, 4, 1), (_N,), 5,
                  r"^(BHSCT|NHSCT|SEHSCT|SHSCT|WHSCT)$", ("hsct2018_boundaries",)),
        Geography("lad2018", "Local authority districts, December 2018", date(2018, 12, 1), NATIONS, 391, _GSS,
                  ("lad2018_boundaries",)),
        Geography("lad2023", "Local authority districts, December 2023", date(2023, 12, 1), NATIONS, 361, _GSS,
                  ("lad2023_boundaries",)),
        Geography("ctyua2023", "Counties and unitary authorities, December 2023", date(2023, 12, 1), NATIONS, 218,
                  _GSS, ("ctyua2023_boundaries",)),
        Geography("uk2018", "UK commissioning areas, FOI era: CCGs 2018, Welsh LHBs, Scottish HBs, NI trusts",
                  date(2018, 4, 1), NATIONS, 221, r"^(E38\d{6}|W11\d{6}|S08\d{6}|BHSCT|NHSCT|SEHSCT|SHSCT|WHSCT)$",
                  (), ("ccg2018", "lhb2022", "hb2019", "hsct2018")),
        Geography("uk2023", "UK commissioning areas, 2023: Sub-ICB Locations, Welsh LHBs, Scottish HBs, NI trusts",
                  date(2023, 4, 1), NATIONS, 132, r"^(E38\d{6}|W11\d{6}|S08\d{6}|BHSCT|NHSCT|SEHSCT|SHSCT|WHSCT)$",
                  (), ("sicbl2023", "lhb2022", "hb2019", "hsct2018")),
        Geography("uk2026", "UK commissioning areas, April 2026: ICBs, Welsh LHBs, Scottish HBs, NI trusts",
                  date(2026, 4, 1), NATIONS, 62, r"^(E54\d{6}|W11\d{6}|S08\d{6}|BHSCT|NHSCT|SEHSCT|SHSCT|WHSCT)$",
                  (), ("icb2026", "lhb2022", "hb2019", "hsct2018")),
    ]
}
GEOGRAPHY_IDS: tuple[str, ...] = tuple(GEOGRAPHIES)
# The UK-wide commissioning geographies, oldest first: one of them was in force on any date.
UK_COMPOSITES: tuple[str, ...] = ("uk2018", "uk2023", "uk2026")


def in_force(as_of: date, candidates: tuple[str, ...] = UK_COMPOSITES) -> str:
    """The geography of ``candidates`` in force on ``as_of``: the latest whose vintage is on or before it
    (the oldest, for a date before every vintage). For the app's "areas in force on the date chosen"."""
    if not candidates:
        raise GeographyError("no geography to choose from")
    geos = sorted((get_geography(c) for c in candidates), key=lambda g: g.vintage)
    started = [g for g in geos if g.vintage <= as_of]
    return (started[-1] if started else geos[0]).id


def get_geography(geography_id: str) -> Geography:
    try:
        return GEOGRAPHIES[geography_id]
    except KeyError:
        raise GeographyError(
            f"unknown geography {geography_id!r}; choose one of: {', '.join(GEOGRAPHY_IDS)}"
        ) from None


def source_ids(geography_id: str) -> tuple[str, ...]:
    """Every registered file a geography is built from, composites included."""
    geo = get_geography(geography_id)
    if geo.is_composite:
        return tuple(s for part in geo.parts for s in source_ids(part))
    return geo.sources


# --- recipes: source files -> code, name, geometry -------------------------------------------


def _topojson(file_id: str, code_col: str = "AREACD", name_col: str = "AREANM") -> gpd.GeoDataFrame:
    frame = read_vector(file_id)
    return frame.rename(columns={code_col: "code", name_col: "name"})[["code", "name", "geometry"]]


def _rda_boundaries(file_id: str, prefix: str) -> gpd.GeoDataFrame:
    frame = read_rda(file_id)
    return gpd.GeoDataFrame(
        {"code": frame[f"{prefix}_code"], "name": frame[f"{prefix}_name"]},
        geometry=sf_geometry(frame["geometry"]),
        crs=WGS84,
    )


def _ccg2018() -> gpd.GeoDataFrame:
    """The 2018 CCG polygons carry names only; codes come from the ONS code list, joined by name."""
    shapes = read_vector("ccg2018_boundaries")
    codes = read_csv("ccg2018_codes")
    codes = codes[codes["CCG18CD"].str.startswith("E38")]
    by_name = dict(zip(codes["CCG18NM"].str.upper(), zip(codes["CCG18CD"], codes["CCG18NM"])))
    unmatched = sorted(set(shapes["name"].str.upper()) - set(by_name))
    if unmatched:
        raise GeographyError(f"ccg2018: boundary names with no code in ccg2018_codes: {unmatched}")
    matched = shapes["name"].str.upper().map(by_name)
    return gpd.GeoDataFrame(
        {"code": matched.str[0], "name": matched.str[1]}, geometry=shapes.geometry.values, crs=WGS84
    )


def _hsct2018() -> gpd.GeoDataFrame:
    frame = _rda_boundaries("hsct2018_boundaries", "trust18")
    frame["name"] = frame["code"].map(NI_TRUST_NAMES)
    return frame


RECIPES: dict[str, Callable[[], gpd.GeoDataFrame]] = {
    "ccg2018": _ccg2018,
    "ccg2019": lambda: _topojson("ccg2019_boundaries"),
    "ccg2020": lambda: _topojson("ccg2020_boundaries"),
    "ccg2021": lambda: _topojson("ccg2021_boundaries"),
    "sicbl2022": lambda: _topojson("sicbl2022_boundaries"),
    "icb2022": lambda: _topojson("icb2022_boundaries"),
    "sicbl2023": lambda: _topojson("sicbl2023_boundaries"),
    "icb2023": lambda: _topojson("icb2023_boundaries"),
    "icb2026": lambda: _topojson("icb2026_boundaries", "ICB26CD", "ICB26NM"),
    "lhb2022": lambda: _rda_boundaries("lhb2022_boundaries", "lhb22"),
    "hb2019": lambda: _rda_boundaries("hb2019_boundaries", "hb19"),
    "hsct2018": _hsct2018,
    "lad2018": lambda: _topojson("lad2018_boundaries", "lad18cd", "lad18nm"),
    "lad2023": lambda: _topojson("lad2023_boundaries"),
    "ctyua2023": lambda: _topojson("ctyua2023_boundaries"),
}


# --- cleaning, checks, caching -----------------------------------------------------------------


def _polygonal(geom):
    """A valid (multi)polygon: repaired with make_valid, with any slivers of lower dimension dropped."""
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    if fixed.geom_type in ("Polygon", "MultiPolygon"):
        return fixed
    polys = [g for g in getattr(fixed, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys)


def _clean(frame: gpd.GeoDataFrame, geo: Geography) -> gpd.GeoDataFrame:
    frame = frame.copy()
    frame["code"] = frame["code"].astype(str).str.strip()
    frame["name"] = frame["name"].astype(str).str.strip()
    frame["nation"] = frame["code"].map(nation_of_code)
    frame["geometry"] = [_polygonal(g) for g in frame.geometry]
    frame = gpd.GeoDataFrame(frame[["code", "name", "nation", "geometry"]], geometry="geometry", crs=WGS84)
    return frame.sort_values("code", kind="stable").reset_index(drop=True)


def check_layer(frame: gpd.GeoDataFrame, geo: Geography) -> None:
    """Raise if a layer breaks its catalogue entry: count, code pattern, duplicates, validity, nations."""
    problems = []
    if len(frame) != geo.expected_count:
        problems.append(f"{len(frame)} areas, expected {geo.expected_count}")
    bad = frame.loc[~frame["code"].str.match(geo.code_pattern), "code"].tolist()
    if bad:
        problems.append(f"codes not matching {geo.code_pattern}: {bad[:5]}")
    dupes = frame.loc[frame["code"].duplicated(), "code"].tolist()
    if dupes:
        problems.append(f"duplicate codes: {dupes[:5]}")
    if frame.geometry.is_empty.any() or not frame.geometry.is_valid.all():
        problems.append("empty or invalid geometries after repair")
    stray = sorted(set(frame["nation"]) - set(geo.nations))
    if stray:
        problems.append(f"areas in nations outside {geo.nations}: {stray}")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        problems.append(f"CRS is {frame.crs}, expected EPSG:4326")
    if problems:
        raise GeographyError(f"geography {geo.id!r} failed its checks: " + "; ".join(problems))


def layer_key(geography_id: str) -> str:
    """A short hash of everything a built layer depends on: its source files' sha256 and the recipe version."""
    hashes = [registry()[s].sha256 for s in source_ids(geography_id)]
    return hashlib.sha256("|".join([LAYER_VERSION, geography_id, *hashes]).encode()).hexdigest()[:16]


def layers_dir() -> Path:
    return cache_dir() / "layers"


# A cached layer is ``<name>-<key>.<sha256 of its bytes>.parquet``: the name is the checksum, so a file
# can never be paired with the wrong checksum, and two writers of the same bytes write the same name.
_LAYER_FILE = re.compile(r"^(?P<stem>[A-Za-z0-9_-]+-[0-9a-f]{16})\.(?P<digest>[0-9a-f]{64})\.parquet$")
# Temporary names the project writes in layers/: today's (tempfile beside the target) and the
# fixed ``.<name>-<key>.parquet.part`` of earlier versions.
_LAYER_TEMP_TARGET = re.compile(r"^[A-Za-z0-9_-]+-[0-9a-f]{16}(\.[0-9a-f]{64})?\.parquet$")
_OLD_LAYER_TEMP = re.compile(r"^\.[A-Za-z0-9_-]+-[0-9a-f]{16}\.parquet\.part$")

LayerState = Literal["present", "missing", "corrupt"]


def _layer_files(name: str, key: str) -> list[Path]:
    """Cached files of one layer (a file without a checksum in its name, from before, is not one of them)."""
    directory = layers_dir()
    prefix = f"{name}-{key}."
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [directory / n for n in sorted(names) if n.startswith(prefix) and n.endswith(".parquet")
            and n != f"{prefix}parquet"]


def _verified_bytes(path: Path) -> bytes | None:
    """The file's bytes when they match the checksum in its name, else None (FileNotFoundError if gone)."""
    match = _LAYER_FILE.match(path.name)
    data = path.read_bytes()
    if match is None or hashlib.sha256(data).hexdigest() != match["digest"]:
        return None
    return data


def _parse(data: bytes, *, geo: bool) -> pd.DataFrame:
    return gpd.read_parquet(io.BytesIO(data)) if geo else pd.read_parquet(io.BytesIO(data))


def _read_layer(path: Path, *, geo: bool) -> pd.DataFrame | None:
    """A verified cached layer, or None after quarantining a damaged one (or if it has just gone)."""
    try:
        data = _verified_bytes(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        quarantine(path, f"cannot be read ({exc.strerror or exc})", "rebuilding the layer")
        return None
    if data is None:
        quarantine(path, "its bytes do not match the checksum in its name (damaged or truncated)",
                   "rebuilding the layer")
        return None
    try:
        return _parse(data, geo=geo)
    except Exception as exc:  # noqa: BLE001 - any parse failure of a cache file means: rebuild it
        quarantine(path, f"cannot be read as Parquet ({type(exc).__name__})", "rebuilding the layer")
        return None


def _remove_stale_layer_temps() -> None:
    def ours(target: str) -> bool:
        return bool(_LAYER_TEMP_TARGET.match(target))

    directory = layers_dir()
    remove_stale_temps(directory, ours)
    # the fixed temporary name of earlier versions does not follow tempfile's pattern
    try:
        names = [n for n in os.listdir(directory) if _OLD_LAYER_TEMP.match(n)]
    except OSError:
        return
    for n in names:
        try:
            if time.time() - (directory / n).stat().st_mtime >= STALE_TEMP_SECONDS:
                (directory / n).unlink()
        except OSError:
            continue


def _install_layer(frame: pd.DataFrame, name: str, key: str, *, geo: bool) -> pd.DataFrame:
    """Write a built layer under its checksum name and return it as read back from disk.

    Written to a unique temporary file beside the target and moved into place with os.replace. A
    writer that finds a verified file already there (another process won the race) uses that one.
    Returning the read-back frame makes a cold load give exactly what a warm load gives.
    """
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    data = buffer.getvalue()
    target = layers_dir() / f"{name}-{key}.{hashlib.sha256(data).hexdigest()}.parquet"
    for path in _layer_files(name, key):
        winner = _read_layer(path, geo=geo)
        if winner is not None:
            return winner
    fd, tmp = temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # a cache file like any other, not owner-only as mkstemp leaves it
        install(tmp, target)
    except OSError as exc:
        raise not_writable(exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    result = _read_layer(target, geo=geo)
    if result is None:
        raise CacheError(f"{target}: the layer just written does not read back intact; the disk may be failing")
    return result


def cached_frame(name: str, key: str, build: Callable[[], pd.DataFrame], *, geo: bool) -> pd.DataFrame:
    """Read ``name`` from the Parquet cache under ``key``, or build and cache it first.

    Every read re-hashes the file against the checksum in its name; a damaged, truncated or
    unreadable file is moved to ``quarantine/`` with a ``CacheRepairWarning`` and the layer rebuilt.
    """
    _remove_stale_layer_temps()
    for path in _layer_files(name, key):
        frame = _read_layer(path, geo=geo)
        if frame is not None:
            return frame
    return _install_layer(build(), name, key, geo=geo)


def unchecked_layer_files() -> list[Path]:
    """Layer files from before checksums were part of the name: never read now (safe to delete)."""
    try:
        names = sorted(os.listdir(layers_dir()))
    except OSError:
        return []
    return [layers_dir() / n for n in names if re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{16}\.parquet", n)]


def layer_status(name: str, key: str) -> LayerState:
    """Whether a cached layer is present and matches its checksum (re-hashes it; moves nothing)."""
    files = _layer_files(name, key)
    if not files:
        return "missing"
    for path in files:
        try:
            if _verified_bytes(path) is not None:
                return "present"
        except OSError:
            continue
    return "corrupt"


def _build(geography_id: str) -> gpd.GeoDataFrame:
    geo = get_geography(geography_id)
    if geo.is_composite:
        frame = pd.concat([load_geography(p) for p in geo.parts], ignore_index=True)
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)
    else:
        frame = _clean(RECIPES[geography_id](), geo)
    check_layer(frame, geo)
    return frame


def _simplify(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Coverage simplification: shared edges are simplified once, so neighbours still meet."""
    out = frame.copy()
    simplified = shapely.set_precision(
        shapely.coverage_simplify(frame.geometry.values, WEB_TOLERANCE_DEG), WEB_GRID_DEG
    )
    out["geometry"] = [g if g.is_valid else _polygonal(g) for g in simplified]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)


@cache
def _load(geography_id: str, simplified: bool) -> gpd.GeoDataFrame:
    key = layer_key(geography_id)
    if simplified:
        return cached_frame(f"{geography_id}-web", key, lambda: _simplify(load_geography(geography_id)), geo=True)
    return cached_frame(geography_id, key, lambda: _build(geography_id), geo=True)


def load_geography(geography_id: str, *, simplified: bool = False) -> gpd.GeoDataFrame:
    """Areas of a geography as ``code, name, nation, geometry`` in EPSG:4326, checked against the catalogue.

    ``simplified=True`` gives the web-weight variant for maps (topology-preserving).
    The returned frame is a copy; callers may modify it.
    """
    get_geography(geography_id)
    return _load(geography_id, simplified).copy()


def area_table(geography_id: str) -> pd.DataFrame:
    """Codes, names and nations of a geography, without geometry: a small cached table of its own (built once
    from the web layer, verified on every read like every layer), so checking a register's codes against every
    geography does not read every geography's shapes (about half a second of a server's first page)."""
    get_geography(geography_id)
    return _area_table(geography_id).copy()


@cache
def _area_table(geography_id: str) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        return pd.DataFrame(load_geography(geography_id, simplified=True).drop(columns="geometry"))

    return cached_frame(f"{geography_id}-areas", layer_key(geography_id), build, geo=False)


NAME_NOISE: frozenset[str] = frozenset({"nhs", "ccg", "clinical", "commissioning", "group"})


def normalise_name(name: object, noise: frozenset[str] = NAME_NOISE) -> str:
    """A name reduced for forgiving matching: the one rule for area names (catalogue, FOI replies, search).

    Case and punctuation are ignored, "&" reads as "and", and the ``noise`` words are dropped ("NHS",
    "CCG", "Clinical Commissioning Group" by default; the FOI reader and the area search pass larger
    sets, built on :data:`NAME_NOISE`).
    """
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(w for w in text.split() if w not in noise)
