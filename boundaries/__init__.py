"""Geographies, vintages, small-area lookups and population: everything read from pinned open data."""

from boundaries.catalogue import (
    GEOGRAPHIES,
    GEOGRAPHY_IDS,
    NATIONS,
    Geography,
    area_table,
    get_geography,
    load_geography,
    normalise_name,
)
from boundaries.fetch import ATTRIBUTION
from boundaries.local_authorities import small_area_authorities
from boundaries.lookups import load_unit_lookup
from boundaries.population import POPULATION_YEARS, aggregate_population, area_population, load_population

__all__ = [
    "ATTRIBUTION",
    "GEOGRAPHIES",
    "GEOGRAPHY_IDS",
    "NATIONS",
    "POPULATION_YEARS",
    "Geography",
    "aggregate_population",
    "area_population",
    "area_table",
    "get_geography",
    "load_geography",
    "load_population",
    "load_unit_lookup",
    "normalise_name",
    "small_area_authorities",
]
