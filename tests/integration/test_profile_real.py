"""Nearest teams and the area profile on the real data (the mirror): Glasgow's nearest team is reached by land."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from mapping.analysis.coverage import (
    LAND_NEIGHBOURS,
    compute_gaps,
    nearest_team_list,
    nearest_team_list_in_geography,
)
from mapping.analysis.selection import Selection, load_inputs

GLASGOW = "S08000031"  # NHS Greater Glasgow and Clyde (health board, in uk2023 and uk2026)
WHEN = date(2021, 7, 1)  # before Scotland's first team: the nearest base by straight line was ABC PiP in NI


@pytest.fixture(scope="module")
def inputs(mirror):
    return load_inputs(Selection("uk2026", 2020, WHEN))


@pytest.fixture(scope="module")
def gaps(inputs):
    return pd.DataFrame(compute_gaps(inputs).drop(columns="geometry")).set_index("code")


@pytest.mark.slow
def test_glasgow_nearest_team_is_reached_by_land(inputs, gaps):
    row = gaps.loc[GLASGOW]
    assert row["coverage"] == "none"
    nation_of = dict(zip(inputs.operating["team_id"], inputs.operating["nation"]))
    assert nation_of[row["nearest_team"]] in {"Scotland", "England"}
    assert row["nearest_team"] != "abcpip"
    # ABC PiP's base is nearer in a straight line (across the sea): the rule, not the distance, excludes it
    across = nearest_team_list(inputs.full_layer, inputs.operating.drop(columns="nation"), GLASGOW, count=1)
    assert across["team_id"].iloc[0] == "abcpip" and across["km"].iloc[0] < row["nearest_team_km"]


@pytest.mark.slow
def test_every_nearest_team_is_in_a_nation_reached_by_land(inputs, gaps):
    nation_of = dict(zip(inputs.operating["team_id"], inputs.operating["nation"]))
    named = gaps[gaps["nearest_team"].notna()]
    assert len(named) == (gaps["coverage"] == "none").sum()
    for area_nation, team in zip(named["nation"], named["nearest_team"]):
        assert nation_of[team] in LAND_NEIGHBOURS[area_nation]


@pytest.mark.slow
def test_the_cached_list_is_the_full_layer_list_and_starts_with_the_gaps_nearest(inputs, gaps):
    for code in (GLASGOW, *gaps.index[gaps["nation"] == "Northern Ireland"][:2], gaps.index[0]):
        cached = nearest_team_list_in_geography("uk2026", inputs.operating, code, count=3)
        direct = nearest_team_list(inputs.full_layer, inputs.operating, code, count=3)
        pd.testing.assert_frame_equal(cached, direct)
        reachable = inputs.operating["nation"].isin(LAND_NEIGHBOURS[gaps.loc[code, "nation"]])
        assert len(cached) == min(3, reachable.sum()) and cached["km"].is_monotonic_increasing
    first = nearest_team_list_in_geography("uk2026", inputs.operating, GLASGOW, count=3).iloc[0]
    assert first["team_id"] == gaps.loc[GLASGOW, "nearest_team"]
    assert first["km"] == pytest.approx(gaps.loc[GLASGOW, "nearest_team_km"])


@pytest.mark.slow
@pytest.mark.parametrize("geography", ["uk2023", "uk2026"])
def test_gaps_carry_the_display_name_right_after_the_name(mirror, geography):
    from boundaries.names import display_names

    gaps = compute_gaps(load_inputs(Selection(geography, 2024, date(2025, 7, 1))))
    columns = list(gaps.columns)
    assert columns[columns.index("name") + 1] == "display_name"
    shown = display_names(geography)
    assert gaps["display_name"].tolist() == [shown.get(c) or n for c, n in zip(gaps["code"], gaps["name"])]
    assert gaps["display_name"].notna().all() and (gaps["display_name"].str.len() > 0).all()
    if geography == "uk2023":  # a Sub-ICB location reads as its place, its ICB and its NHS code
        leeds = gaps.loc[gaps["name"].str.endswith("15F"), "display_name"].iloc[0]
        assert leeds.startswith("Leeds (") and leeds.endswith("15F)")
