"""The pack's catchment outlines come from the checksummed layer cache (mapping.report.inputs.catchment_outlines):
the very coordinates dissolving them gives, read back without dissolving, and never another set of catchments'."""

from __future__ import annotations

from datetime import date

import pytest
import shapely

import boundaries
from mapping.analysis.selection import Selection
from mapping.analysis.selection import load_inputs as selection_inputs
from mapping.inputs.teams import catchment_table
from mapping.inputs.vocabulary import TeamStatus
from mapping.present import figures as F
from mapping.report import inputs as I

pytestmark = pytest.mark.data


def _operating_catchments():
    inputs = selection_inputs(Selection("uk2023", 2020, date(2023, 9, 1)))
    teams = inputs.teams_with((TeamStatus.OPERATING,))
    return catchment_table(teams.sort_values("team_id"))


def test_cached_outlines_are_the_dissolved_ones_and_are_read_back_without_dissolving(mirror, monkeypatch):
    catchments = _operating_catchments()
    assert catchments["team_id"].nunique() >= 5  # the register has teams to outline
    layers = {g: boundaries.load_geography(g) for g in sorted(set(catchments["geography"]))}
    dissolved = F.catchment_outlines(catchments, layers)
    cached = I.catchment_outlines(catchments)  # built now, or read from an earlier build
    assert list(cached["team_id"]) == list(dissolved["team_id"])
    assert list(shapely.to_wkb(cached.geometry.values)) == list(shapely.to_wkb(dissolved.geometry.values))
    assert cached.crs == dissolved.crs

    def not_again(*args, **kwargs):
        raise RuntimeError("dissolved again")

    monkeypatch.setattr(F, "catchment_outlines", not_again)
    again = I.catchment_outlines(catchments)  # read back, nothing dissolved
    assert list(shapely.to_wkb(again.geometry.values)) == list(shapely.to_wkb(dissolved.geometry.values))
    # One team fewer is another set of catchments: dissolved for itself, never served the other set's file.
    fewer = catchments[catchments["team_id"] != catchments["team_id"].iloc[0]]
    with pytest.raises(RuntimeError, match="dissolved again"):
        I.catchment_outlines(fewer)
