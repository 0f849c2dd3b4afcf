"""Which UK commissioning geography was in force on a date (catalogue data only, no real files)."""

from __future__ import annotations

from datetime import date

import pytest

from boundaries.catalogue import GEOGRAPHIES, UK_COMPOSITES, in_force
from mapping.errors import GeographyError


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2017, 1, 1), "uk2018"),  # before every vintage: the oldest
    (date(2018, 4, 1), "uk2018"),
    (date(2023, 3, 31), "uk2018"),
    (date(2023, 4, 1), "uk2023"),
    (date(2026, 3, 31), "uk2023"),
    (date(2026, 4, 1), "uk2026"),  # the 36 ICBs from 1 April 2026
    (date(2026, 12, 2), "uk2026"),
])
def test_in_force_on_a_date(as_of, expected):
    assert in_force(as_of) == expected


def test_in_force_among_england_icbs():
    assert in_force(date(2025, 1, 1), ("icb2026", "icb2023", "icb2022")) == "icb2023"
    assert in_force(date(2026, 4, 1), ("icb2022", "icb2023", "icb2026")) == "icb2026"


def test_uk_composites_are_the_uk_wide_composites_oldest_first():
    composites = [g for g in GEOGRAPHIES.values() if g.is_composite]
    assert list(UK_COMPOSITES) == [g.id for g in sorted(composites, key=lambda g: g.vintage)]


def test_in_force_refuses_nothing_and_unknown_ids():
    with pytest.raises(GeographyError):
        in_force(date(2026, 1, 1), ())
    with pytest.raises(GeographyError, match="unknown geography"):
        in_force(date(2026, 1, 1), ("uk2030",))
