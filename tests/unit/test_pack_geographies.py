"""Which geographies a report pack is built for (no data read): the UK-wide composites, today's included."""

from __future__ import annotations

from datetime import date

import pytest

from boundaries.catalogue import UK_COMPOSITES, in_force
from mapping.errors import ReportError
from mapping.report.inputs import PACK_GEOGRAPHIES, _check_options


def test_every_uk_composite_has_a_pack_and_today_is_one():
    assert set(PACK_GEOGRAPHIES) == set(UK_COMPOSITES)
    assert in_force(date(2026, 12, 1)) in PACK_GEOGRAPHIES
    _check_options("uk2026", 2024, date(2026, 12, 1))  # accepted


def test_a_single_nation_geography_is_refused():
    with pytest.raises(ReportError, match="UK-wide"):
        _check_options("icb2026", 2024, date(2026, 12, 1))
