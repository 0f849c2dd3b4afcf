"""ReachParameters refuses a number of families a team supports that no team could, or that overflows."""

from __future__ import annotations

import math

import pytest

from mapping.analysis.reach import MAX_FAMILIES_PER_TEAM, ReachParameters, national_reach
from mapping.errors import PimapError


@pytest.mark.parametrize("families", [0, -1, 1e308, math.inf, math.nan, MAX_FAMILIES_PER_TEAM + 1])
def test_impossible_families_per_team_is_refused(families):
    with pytest.raises(PimapError, match="at most 100,000"):
        ReachParameters(families_per_team=families)


def test_the_largest_allowed_keeps_the_reach_finite():
    params = ReachParameters(families_per_team=MAX_FAMILIES_PER_TEAM)
    reach = national_reach(60, 2_000_000.0, params)
    assert math.isfinite(reach["reach"]) and reach["reach"] == pytest.approx(60 * 100_000 / (0.15 * 2_000_000))
