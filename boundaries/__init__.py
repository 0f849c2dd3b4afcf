"""Geographies, vintages, small-area lookups and population: everything read from pinned open data."""

from boundaries.catalogue import (
    GEOGRAPHIES,
    GEOGRAPHY_IDS,
    NATIONS,
    Geography,
    area_table,
    get_geography,
    load_geography,
)
from boundaries.fetch import ATTRIBUTION

__all__ = [
    "ATTRIBUTION",
    "GEOGRAPHIES",
    "GEOGRAPHY_IDS",
    "NATIONS",
    "Geography",
    "area_table",
    "get_geography",
    "load_geography",
]
