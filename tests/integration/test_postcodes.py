"""Postcodes: normalising, the directory's refusals, point in polygon and the coastal fallback.

Hand-made directories and squares are SYNTHETIC (marked so); the real checks use the packaged
ONS Postcode Directory and the real boundaries, with expected areas read off the ONS's own
local-authority assignment in the directory.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from boundaries.postcodes import (
    FrameDirectory,
    PostcodeError,
    find_postcode,
    locate_point,
    lookup_postcode,
    normalise_postcode,
    packaged_directory,
)
from mapping.cli import main

# --- normalising ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("sw1a1aa", "SW1A 1AA"), ("  SW1A   1AA ", "SW1A 1AA"), ("b11aa", "B1 1AA"), ("m1 1ae", "M1 1AE"),
    ("EH1\t1YZ", "EH1 1YZ"), ("bt926dg", "BT92 6DG"), ("W1A 0AX", "W1A 0AX"),
])
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "75001", "D02 X285", "SW1A", "1AA SW1", "SW1A 1AAA", "QQ"])
def test_normalise_refuses_what_is_not_a_uk_postcode(text):
    with pytest.raises(PostcodeError, match="postcode"):
        normalise_postcode(text)


# --- the directory's refusals (SYNTHETIC directory rows) -------------------------------------------

SYNTHETIC = pd.DataFrame([
    # pcd, easting, northing, local authority, termination: invented rows for the rules only.
    {"pcd": "AB1 2CD", "oseast1m": 530000.0, "osnrth1m": 180000.0, "laua": "E09000033", "doterm": None},
    {"pcd": "AB1 2CE", "oseast1m": 530000.0, "osnrth1m": 180000.0, "laua": "E09000033", "doterm": "201712"},
    {"pcd": "GY1 1AA", "oseast1m": None, "osnrth1m": None, "laua": "L99999999", "doterm": None},
    {"pcd": "IM1 1AA", "oseast1m": None, "osnrth1m": None, "laua": "M99999999", "doterm": None},
    {"pcd": "AB1 2CF", "oseast1m": None, "osnrth1m": None, "laua": None, "doterm": None},
    {"pcd": "BT1 1AA", "oseast1m": 334316.0, "osnrth1m": 374675.0, "laua": "N09000003", "doterm": None},
])


@pytest.fixture(scope="module")
def synthetic_directory():
    return FrameDirectory(SYNTHETIC, "a SYNTHETIC test directory")


def test_find_postcode_converts_british_grid(synthetic_directory):
    point = find_postcode("ab12cd", synthetic_directory)
    assert point.postcode == "AB1 2CD" and point.nation == "England" and point.local_authority == "E09000033"
    # British National Grid 530000, 180000 (TQ 30000 80000) is in central London, by Charing Cross.
    assert -0.16 < point.lon < -0.10 and 51.49 < point.lat < 51.53


def test_find_postcode_reads_northern_ireland_on_the_irish_grid(synthetic_directory):
    point = find_postcode("BT1 1AA", synthetic_directory)
    # Irish Grid 334316, 374675 is central Belfast (read as British grid it would be in north Wales).
    assert point.nation == "Northern Ireland"
    assert -5.96 < point.lon < -5.89 and 54.58 < point.lat < 54.62


@pytest.mark.parametrize("postcode, message", [
    ("ZZ1 1ZZ", "does not exist"),
    ("AB1 2CE", "terminated"),
    ("GY1 1AA", "Channel Islands, outside the UK"),
    ("IM1 1AA", "Isle of Man, outside the UK"),
    ("AB1 2CF", "no grid reference"),
])
def test_find_postcode_refusals_say_why(synthetic_directory, postcode, message):
    with pytest.raises(PostcodeError, match=message):
        find_postcode(postcode, synthetic_directory)


# --- locating (SYNTHETIC squares) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def squares():
    """Two English squares side by side and a Welsh square to the west: hand-made areas."""
    return gpd.GeoDataFrame(
        {"code": ["E1", "E2", "W1"], "name": ["East one", "East two", "West one"],
         "nation": ["England", "England", "Wales"]},
        geometry=[box(-1.0, 52.0, -0.5, 52.5), box(-0.5, 52.0, 0.0, 52.5), box(-2.0, 52.0, -1.0, 52.5)],
        crs="EPSG:4326",
    )


def test_locate_point_inside(squares):
    match = locate_point(-0.25, 52.25, "England", squares)
    assert (match.code, match.method, match.distance_km) == ("E2", "inside", 0.0)


def test_locate_point_just_outside_goes_to_nearest_with_distance(squares):
    # 0.01 degrees north of East two's top edge: 1.11 km along the meridian, less the ~0.03 km by which
    # the edge (a straight chord between its corners on the grid) bulges north of the parallel.
    match = locate_point(-0.25, 52.51, "England", squares)
    assert (match.code, match.method) == ("E2", "nearest")
    assert 1.05 < match.distance_km < 1.12


def test_locate_point_too_far_is_none(squares):
    assert locate_point(-0.25, 53.0, "England", squares) is None  # about 55 km out


def test_locate_point_keeps_to_its_own_nation(squares):
    # Inside the Welsh square, but the directory says England: the nearest English area, not Wales.
    match = locate_point(-1.02, 52.25, "England", squares)
    assert (match.code, match.method) == ("E1", "nearest")


# --- the real directory and boundaries -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("geography, postcode, code, method", [
    ("uk2023", "SW1A 1AA", "E38000256", "inside"),   # Westminster: North West London Sub-ICB
    ("uk2018", "SW1A 1AA", "E38000031", "inside"),   # NHS Central London (Westminster) CCG
    ("uk2026", "SW1A 1AA", "E54000071", "inside"),   # NHS West and North London ICB (April 2026)
    ("uk2026", "TR21 0HU", "E54000036", "nearest"),  # Isles of Scilly: Cornwall and the Isles of Scilly ICB
    ("uk2023", "EH1 1YZ", "S08000024", "inside"),    # Lothian
    ("uk2023", "CF10 1AA", "W11000029", "inside"),   # Cardiff and Vale
    ("uk2023", "BT1 1AA", "BHSCT", "inside"),        # Belfast trust
    # Seaside postcodes that the generalised coastline leaves outside every polygon:
    ("uk2023", "TR21 0HU", "E38000089", "nearest"),  # Isles of Scilly: Cornwall and the Isles of Scilly
    ("uk2018", "TR21 0HU", "E38000089", "nearest"),  # NHS Kernow CCG
    ("uk2023", "BN2 7JS", "E38000021", "nearest"),   # Brighton seafront: Sussex 09D (Brighton and Hove)
    ("uk2023", "BT92 6DG", "WHSCT", "nearest"),      # Fermanagh lough shore: Western trust
    ("uk2023", "HS9 5UZ", "S08000028", "nearest"),   # Barra: Western Isles
    ("uk2023", "LL58 8DD", "W11000023", "nearest"),  # Anglesey: Betsi Cadwaladr
    ("uk2023", "PA42 7DW", "S08000022", "nearest"),  # Islay (Argyll and Bute): NHS Highland
])
def test_real_postcodes_resolve_to_the_right_area(mirror, geography, postcode, code, method):
    found = lookup_postcode(postcode, geography)
    assert (found.code, found.method) == (code, method)
    assert found.distance_km < 1.0


@pytest.mark.slow
@pytest.mark.parametrize("postcode", ["BT92 6DG", "HS9 5UZ", "LL58 8DD", "BN2 7JS"])
def test_coastal_fallback_agrees_with_the_onsd_local_authority(mirror, postcode):
    """Outside every lad2023 polygon, yet placed in the district the ONS itself assigns the postcode to."""
    found = lookup_postcode(postcode, "lad2023")
    assert found.method == "nearest"
    assert found.code == find_postcode(postcode, packaged_directory()).local_authority


@pytest.mark.slow
@pytest.mark.parametrize("postcode, message", [
    ("GY1 1AA", "Channel Islands, outside the UK"),
    ("IM1 1AA", "Isle of Man, outside the UK"),
    ("ZZ99 9ZZ", "does not exist"),
    ("B13 3AH", "no grid reference"),
    ("75001", "not a UK postcode"),
])
def test_real_refusals(mirror, postcode, message):
    with pytest.raises(PostcodeError, match=message):
        lookup_postcode(postcode, "uk2023")


@pytest.mark.slow
def test_postcode_outside_a_single_nation_geography(mirror):
    with pytest.raises(PostcodeError, match="is in Wales; geography sicbl2023 covers England only"):
        lookup_postcode("CF10 1AA", "sicbl2023")


@pytest.mark.slow
def test_cli_postcode_json(mirror, capsys):
    assert main(["postcode", "tr210hu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # The default is the UK geography in force today: the ICBs of April 2026.
    assert {k: out[k] for k in ("postcode", "geography", "code", "name", "nation")} == {
        "postcode": "TR21 0HU", "geography": "uk2026", "code": "E54000036",
        "name": "NHS Cornwall and the Isles of Scilly Integrated Care Board", "nation": "England"}


@pytest.mark.slow
def test_cli_postcode_geography_and_error(mirror, capsys):
    assert main(["postcode", "SW1A 1AA", "--geography", "uk2018"]) == 0
    assert "NHS Central London (Westminster) CCG (E38000031)" in capsys.readouterr().out
    assert main(["postcode", "JE2 3SJ"]) == 2
    assert "Channel Islands, outside the UK" in capsys.readouterr().err
