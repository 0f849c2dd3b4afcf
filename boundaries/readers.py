"""Parsers for the registered source formats: GeoJSON/TopoJSON, CSV and R data files.

Each reader takes a registry id, fetches (hash-checked) and returns a plain frame;
cleaning and checks belong to the catalogue, not here.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from boundaries.crs import WGS84
from boundaries.fetch import fetch
from mapping.errors import DataFileError

__all__ = ["read_vector", "read_rda", "read_csv", "sf_geometry"]


def read_vector(file_id: str) -> gpd.GeoDataFrame:
    """A GeoJSON or TopoJSON file as a GeoDataFrame in EPSG:4326 (the files carry lon/lat, some untagged)."""
    frame = gpd.read_file(fetch(file_id))
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    return frame.to_crs(WGS84)


def read_csv(file_id: str, **kwargs) -> pd.DataFrame:
    """A CSV file, UTF-8 with or without a byte-order mark, every column as text."""
    return pd.read_csv(fetch(file_id), dtype=str, encoding="utf-8-sig", keep_default_na=False, **kwargs)


def read_rda(file_id: str) -> pd.DataFrame:
    """The single data frame in an R data file (tibble and sf classes read as plain frames)."""
    import rdata

    with warnings.catch_warnings():
        # rdata warns for every R class it has no constructor for (tbl_df, sf, sfc...);
        # those read as plain data frames and lists, which is what we want.
        warnings.simplefilter("ignore", UserWarning)
        objects = rdata.read_rda(fetch(file_id))
    if len(objects) != 1:
        raise DataFileError(f"{file_id}: expected one object in the R data file, found {sorted(objects)}; "
                            "the registry pins a file this reader does not know")
    frame = next(iter(objects.values()))
    return frame.reset_index(drop=True)


def _polygon(rings: list) -> shapely.Polygon:
    arrays = [np.asarray(r, dtype=float)[:, :2] for r in rings]
    return shapely.Polygon(arrays[0], arrays[1:])


def sf_geometry(values: pd.Series) -> gpd.GeoSeries:
    """Turn an R ``sf`` geometry column (nested lists of coordinate arrays) into shapely geometries.

    A POLYGON is a list of rings (arrays); a MULTIPOLYGON is a list of such lists; a
    POINT is a flat coordinate pair.
    """
    geoms = []
    for value in values:
        if isinstance(value, np.ndarray) and value.ndim == 1:
            geoms.append(shapely.Point(value[:2]))
        elif len(value) and isinstance(value[0], np.ndarray):
            geoms.append(_polygon(value))
        else:
            geoms.append(shapely.MultiPolygon([_polygon(p) for p in value]))
    return gpd.GeoSeries(geoms, index=values.index, crs=WGS84)
