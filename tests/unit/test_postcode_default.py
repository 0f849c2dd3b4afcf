"""`pimap postcode` defaults to the UK geography in force today (no real data: the catalogue only)."""

from __future__ import annotations

from datetime import date

from boundaries.catalogue import in_force
from mapping.cli.postcode import DEFAULT_GEOGRAPHY


def test_the_default_geography_is_the_one_in_force_today():
    assert DEFAULT_GEOGRAPHY == "uk2026" == in_force(date.today())
