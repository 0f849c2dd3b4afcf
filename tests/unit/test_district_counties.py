"""boundaries.lookups.district_counties: the county-level area holding each district (SYNTHETIC codes)."""

from __future__ import annotations

import pandas as pd
import pytest

from boundaries.lookups import COUNTY_AGREEMENT, district_counties
from mapping.errors import GeographyError


def test_a_unitary_is_its_own_county_and_a_district_goes_to_its_centroids_majority():
    district = pd.Series(["U1", "U1", "D1", "D1", "D1", "D1", "D1", "D1", "D1", "D1", "D1", "D1"])
    # One of U1's centroids falls over the edge in C1, one of D1's ten in U1: neither moves its district.
    by_centroid = pd.Series(["U1", "C1", "C1", "C1", "C1", "C1", "C1", "C1", "C1", "C1", "C1", "U1"])
    assert district_counties(district, by_centroid, {"U1", "C1"}).to_dict() == {"U1": "U1", "D1": "C1"}


def test_a_district_divided_between_counties_is_an_error():
    district = pd.Series(["D1"] * 10)
    by_centroid = pd.Series(["C1"] * 8 + ["C2"] * 2)
    assert 0.8 < COUNTY_AGREEMENT
    with pytest.raises(GeographyError, match="district D1 does not lie in one county"):
        district_counties(district, by_centroid, {"C1", "C2"})
