"""Every coordinate reference system the project uses, in one table, with what each is for.

Areas are stored and served in longitude/latitude (``WGS84``). Distances and centroids are taken on
each nation's own grid, so they are in metres and not skewed by longitude: British National Grid in
Great Britain, Irish Transverse Mercator in Northern Ireland (``grid_for``). Print maps draw the
whole UK on British National Grid, which also places Northern Ireland well. ``IRISH_GRID_TM75`` is
read only: it is the grid of the Northern Ireland grid references in the ONS postcode directory.
"""

from __future__ import annotations

__all__ = ["WGS84", "BRITISH_NATIONAL_GRID", "IRISH_TRANSVERSE_MERCATOR", "IRISH_GRID_TM75", "PRINT_MAP", "grid_for"]

WGS84 = "EPSG:4326"  # longitude/latitude: every stored layer, the web map, GeoJSON downloads
BRITISH_NATIONAL_GRID = "EPSG:27700"  # metres in Great Britain: distances, centroids, point-in-area
IRISH_TRANSVERSE_MERCATOR = "EPSG:2157"  # metres in Northern Ireland: distances, centroids
IRISH_GRID_TM75 = "EPSG:29903"  # source only: Northern Ireland grid references in the postcode directory
PRINT_MAP = BRITISH_NATIONAL_GRID  # the pack's maps of the whole UK


def grid_for(nation: str) -> str:
    """The grid that measures distances and centroids in ``nation`` (a UK nation's name)."""
    return IRISH_TRANSVERSE_MERCATOR if nation == "Northern Ireland" else BRITISH_NATIONAL_GRID
