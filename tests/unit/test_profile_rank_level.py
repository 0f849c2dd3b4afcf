"""The profile's rank among areas with babies with no team, and its ladder level and shares (SYNTHETIC frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapping.analysis.profile import area_profile, ladder_in_words, ladder_shares, rank_uncovered
from mapping.errors import AreaNotFound

# SYNTHETIC gaps: England A..E (E fully covered, D with 0.3 babies with no team, which reads as 0), Wales W1, W2.
GAPS = pd.DataFrame({
    "code": ["A", "B", "C", "D", "E", "W1", "W2"],
    "name": ["Area A", "Area B", "Area C", "Area D", "Area E", "Area W1", "Area W2"],
    "display_name": ["Aville (Area A)", None, "Ceeton (Area C)", "", "Eford (Area E)", "W one", "W two"],
    "nation": ["England"] * 5 + ["Wales"] * 2,
    "age0": [100.0, 200.0, 300.0, 50.0, 80.0, 10.0, 20.0],
    "age0_2": [300.0, 600.0, 900.0, 150.0, 240.0, 30.0, 60.0],
    "covered_age0_2": [0.0, 300.0, 0.0, 149.7, 240.0, 0.0, 60.0],
    "coverage": ["none", "partial", "none", "partial", "full", "none", "full"],
    "teams": ["", "t1", "", "t2", "t1; t2", "", "t3"],
    "team_names": ["", "Team 1", "", "Team 2", "Team 1; Team 2", "", "Team 3"],
    "nearest_team_name": ["Team 1", None, "Team 2", None, None, "Team 3", None],
    "nearest_team_km": [12.5, np.nan, 40.0, np.nan, np.nan, 8.0, np.nan],
    "estimated": [False] * 7,
})
GAPS["uncovered_age0_2"] = GAPS["age0_2"] - GAPS["covered_age0_2"]
GAPS["share_covered"] = GAPS["covered_age0_2"] / GAPS["age0_2"]


@pytest.mark.parametrize("code, rank, ranked", [
    ("C", 1, 3),  # 900 with no team
    ("A", 2, 3),  # 300
    ("B", 2, 3),  # 300: a tie shares the better rank
    ("D", None, 3),  # 0.3 babies reads as 0: not ranked
    ("E", None, 3),  # fully covered: not ranked
    ("W1", 1, 1), ("W2", None, 1),
])
def test_rank_is_among_the_nations_areas_with_babies_with_no_team(code, rank, ranked):
    assert rank_uncovered(GAPS, code) == (rank, ranked)


def test_the_profile_carries_the_rank_and_the_display_name():
    p = area_profile(GAPS, "E")
    assert p["rank_uncovered"] is None and p["ranked_areas"] == 3 and p["nation_areas"] == 5
    assert p["display_name"] == "Eford (Area E)"
    assert area_profile(GAPS, "B")["display_name"] == "Area B"  # no display name: the official one
    assert area_profile(GAPS, "D")["display_name"] == "Area D"
    assert p["nation_figures"]["areas_with_uncovered"] == 3
    with pytest.raises(AreaNotFound):
        rank_uncovered(GAPS, "Z")


# SYNTHETIC ladder rows in compute_ladder's columns: X at level 2 for 70% of its babies, 3 for 30%; Y unknown.
LADDER = pd.DataFrame({
    "code": ["X", "Y", "N"],
    "level": pd.array(["2", "unknown", pd.NA], dtype="string"),
    "level_share": [0.7, 1.0, np.nan],
    "split": [True, False, False],
    "age_band": ["0-2"] * 3,
    "age0_2_level_3": [30.0, 0.0, 0.0], "age0_2_level_2": [70.0, 0.0, 0.0], "age0_2_level_1": [0.0] * 3,
    "age0_2_level_0": [0.0] * 3, "age0_2_unknown": [0.0, 50.0, 0.0],
    "share_level_3": [0.3, 0.0, np.nan], "share_level_2": [0.7, 0.0, np.nan], "share_level_1": [0.0, 0.0, np.nan],
    "share_level_0": [0.0, 0.0, np.nan], "share_unknown": [0.0, 1.0, np.nan],
    "teams": ["t1", "", ""], "specialist_areas": ["sp1", "", ""], "specialist_source": ["Src", "", ""],
    "foi_reply_ids": ["", "", ""],
})


def test_level_and_shares_of_a_split_area():
    lad = ladder_shares(LADDER, "X")
    assert lad["level"] == "2" and lad["share"] == 0.7 and lad["split"]
    assert [(x["level"], x["babies"], x["share"]) for x in lad["levels"]] == [("3", 30.0, 0.3), ("2", 70.0, 0.7)]
    assert lad["label"].startswith("2: CAMHS parent-infant specialists")
    assert lad["specialist_areas"] == "sp1" and lad["foi_reply_ids"] == ""
    words = ladder_in_words(lad)
    assert words.startswith("Level 2 (CAMHS parent-infant specialists, no team)") and "70%" in words


def test_level_unknown_says_nothing_is_known_and_no_level_without_small_areas():
    lad = ladder_shares(LADDER, "Y")
    assert lad["level"] == "unknown" and [x["level"] for x in lad["levels"]] == ["unknown"]
    assert "no FOI reply" in ladder_in_words(lad) and "%" not in ladder_in_words(lad)
    none = ladder_shares(LADDER, "N")
    assert none["level"] is None and none["levels"] == []
    assert "no level" in ladder_in_words(none)
    assert ladder_shares(LADDER, "missing") is None and "no level" in ladder_in_words(None)


def test_the_profile_takes_the_ladder_and_the_nearest_list():
    nearest = pd.DataFrame({"team_id": ["t1", "t3"], "name": ["Team 1", "Team 3"], "nation": ["England", "Wales"],
                            "km": [12.5, 30.25]})
    p = area_profile(GAPS, "A", ladder=LADDER.assign(code=["A", "B", "C"]), nearest=nearest)
    assert p["ladder"]["level"] == "2"
    assert p["nearest_teams"] == [{"team_id": "t1", "name": "Team 1", "nation": "England", "km": 12.5},
                                  {"team_id": "t3", "name": "Team 3", "nation": "Wales", "km": 30.25}]
    bare = area_profile(GAPS, "A")
    assert bare["ladder"] is None and bare["nearest_teams"] == []
