"""Nearest team bases reachable by land, on hand-made (SYNTHETIC) squares and bases in British National Grid.

Every area is a 1 km square; every base sits due east of a square's centre, so each straight-line distance
is a whole number of km that can be checked by hand.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from mapping.analysis.coverage import LAND_NEIGHBOURS, nearest_team_list, nearest_teams
from mapping.errors import GeographyError

# SYNTHETIC: square "SCO" (Scotland) centred at (250500, 650500); "ENG" (England) centred at (400500, 300500);
# "WAL" (Wales) centred at (300500, 250500).
SQUARES = gpd.GeoDataFrame(
    {"code": ["SCO", "ENG", "WAL"], "nation": ["Scotland", "England", "Wales"]},
    geometry=[shapely.box(250000, 650000, 251000, 651000), shapely.box(400000, 300000, 401000, 301000),
              shapely.box(300000, 250000, 301000, 251000)],
    crs="EPSG:27700",
).to_crs("EPSG:4326")


def _bases(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    """SYNTHETIC team bases given in British National Grid metres: (team_id, nation, x, y)."""
    frame = pd.DataFrame(rows, columns=["team_id", "nation", "x", "y"])
    points = gpd.GeoSeries(gpd.points_from_xy(frame["x"], frame["y"]), crs="EPSG:27700").to_crs("EPSG:4326")
    return frame.assign(name="Team " + frame["team_id"], base_lon=points.x.values,
                        base_lat=points.y.values).drop(columns=["x", "y"])


# A base in Northern Ireland 30 km east of the Scottish square (as if across the sea: only the nation decides),
# a Scottish base 60 km east of it, an English base 80 km east of it.
BASES = _bases([
    ("ni", "Northern Ireland", 280500, 650500),
    ("sco", "Scotland", 310500, 650500),
    ("eng_far", "England", 330500, 650500),
    ("eng", "England", 405500, 300500),  # 5 km east of the English square
    ("wal", "Wales", 303500, 250500),  # 3 km east of the Welsh square
])


def test_the_nearest_base_across_the_sea_does_not_count():
    out = nearest_teams(SQUARES, BASES).set_index("code")
    assert out.loc["SCO", "nearest_team"] == "sco"  # not "ni", 30 km away but in Northern Ireland
    assert out.loc["SCO", "nearest_team_km"] == pytest.approx(60.0, abs=1e-6)
    assert out.loc["ENG", "nearest_team"] == "eng" and out.loc["ENG", "nearest_team_km"] == pytest.approx(5.0)
    assert out.loc["WAL", "nearest_team"] == "wal" and out.loc["WAL", "nearest_team_km"] == pytest.approx(3.0)


def test_a_land_border_lets_a_team_of_the_next_nation_be_nearest():
    bases = BASES[BASES["team_id"].isin(["ni", "eng_far"])]
    out = nearest_teams(SQUARES, bases).set_index("code")
    assert out.loc["SCO", "nearest_team"] == "eng_far"  # England borders Scotland
    assert out.loc["SCO", "nearest_team_km"] == pytest.approx(80.0, abs=1e-6)


def test_wales_and_scotland_share_no_border():
    bases = _bases([("sco", "Scotland", 300500, 260500), ("eng", "England", 300500, 290500)])  # 10 and 40 km
    out = nearest_teams(SQUARES, bases).set_index("code")
    assert out.loc["WAL", "nearest_team"] == "eng" and out.loc["WAL", "nearest_team_km"] == pytest.approx(40.0)
    assert out.loc["ENG", "nearest_team"] == "eng"


def test_an_area_with_no_base_reachable_by_land_gets_none():
    out = nearest_teams(SQUARES, BASES[BASES["team_id"] == "ni"]).set_index("code")
    assert out["nearest_team"].isna().all() and out["nearest_team_km"].isna().all()


def test_northern_ireland_reaches_only_northern_ireland():
    ni_square = gpd.GeoDataFrame(
        {"code": ["NI"], "nation": ["Northern Ireland"]},
        geometry=[shapely.box(700000, 850000, 701000, 851000)], crs="EPSG:2157").to_crs("EPSG:4326")
    base = gpd.GeoSeries([shapely.Point(712500, 850500)], crs="EPSG:2157").to_crs("EPSG:4326")
    bases = pd.concat([BASES, pd.DataFrame({"team_id": ["belfast"], "nation": ["Northern Ireland"],
                                            "name": ["Team belfast"], "base_lon": base.x.values,
                                            "base_lat": base.y.values})], ignore_index=True)
    out = nearest_teams(ni_square, bases).set_index("code")
    assert out.loc["NI", "nearest_team"] == "belfast"
    assert out.loc["NI", "nearest_team_km"] == pytest.approx(12.0, abs=1e-6)  # measured in Irish Transverse Mercator
    assert nearest_teams(ni_square, BASES[BASES["nation"] != "Northern Ireland"])["nearest_team"].isna().all()


def test_the_neighbours_are_symmetric_and_include_the_nation_itself():
    for nation, neighbours in LAND_NEIGHBOURS.items():
        assert nation in neighbours
        assert all(nation in LAND_NEIGHBOURS[other] for other in neighbours)
    assert LAND_NEIGHBOURS["Northern Ireland"] == {"Northern Ireland"}


def test_the_list_of_nearest_teams_is_by_land_nearest_first():
    found = nearest_team_list(SQUARES, BASES, "SCO", count=3)
    assert found["team_id"].tolist() == ["sco", "eng_far", "eng"]
    # eng: from (250500, 650500) to (405500, 300500): sqrt(155^2 + 350^2) km
    assert found["km"].tolist() == pytest.approx([60.0, 80.0, float(np.hypot(155.0, 350.0))], abs=1e-6)
    assert list(found.columns) == ["team_id", "name", "nation", "km"]
    assert nearest_team_list(SQUARES, BASES, "WAL", count=2)["team_id"].tolist() == ["wal", "eng"]


def test_the_list_agrees_with_the_nearest_team():
    nearest = nearest_teams(SQUARES, BASES).set_index("code")
    for code in SQUARES["code"]:
        first = nearest_team_list(SQUARES, BASES, code, count=1).iloc[0]
        assert first["team_id"] == nearest.loc[code, "nearest_team"]
        assert first["km"] == pytest.approx(nearest.loc[code, "nearest_team_km"])


def test_the_list_is_short_when_few_bases_are_reachable_and_refuses_an_unknown_code():
    assert nearest_team_list(SQUARES, BASES[BASES["team_id"] == "ni"], "SCO").empty
    with pytest.raises(GeographyError, match="NOPE"):
        nearest_team_list(SQUARES, BASES, "NOPE")
