"""The provision ladder on hand-made areas (synthetic); its real-data tests are in tests/integration/test_ladder_data.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapping.analysis.ladder import (
    DEFAULT_RULES,
    FOI_ACCEPTING_CLASSES,
    LEVEL_LABELS,
    LEVEL_SLUGS,
    LEVELS,
    LadderError,
    LadderRules,
    foi_areas_from_classes,
    ladder_by_area,
    ladder_display_table,
    summarise_ladder,
    unit_levels,
    validate_foi_areas,
)

# --- synthetic areas -------------------------------------------------------------------------------
# SYNTHETIC: invented small areas, areas, teams and FOI answers, built so each level appears once.
#   A (a1 10, a2 30): team t1 covers area A; a1 is also in specialist district K0  -> 3 (team wins)
#   B (b1 20): specialist sp-b covers B; its FOI area F2 says "does not accept"    -> 2 (specialists win)
#   C (c1 15): FOI area F1 accepts under-3s                                        -> 1
#   D (d1 25): FOI area F2 does not accept                                         -> 0
#   E (e1 5): nothing at all                                                       -> unknown
#   S (s1 12, s2 28): team t2 covers district K1 = s1; s2 is in F2 (does not accept) -> split 3 / 0
#   U (u1 9): FOI area F3 has no usable reply                                      -> unknown
#   Z (z1 0, z2 0): no children; z1 in specialist district K0, z2 nothing          -> tie by small areas
LOOKUP = pd.DataFrame(
    {
        "unit_code": ["a1", "a2", "b1", "c1", "d1", "e1", "s1", "s2", "u1", "z1", "z2"],
        "area": ["A", "A", "B", "C", "D", "E", "S", "S", "U", "Z", "Z"],
        "district": ["K0", "K9", "K9", "K9", "K9", "K9", "K1", "K9", "K9", "K0", "K9"],
        "foi": [None, None, "F2", "F1", "F2", None, None, "F2", "F3", None, None],
    }
)
POP = pd.DataFrame(
    {
        "unit_code": ["a1", "a2", "b1", "c1", "d1", "e1", "s1", "s2", "u1", "z1", "z2"],
        "age0": [3.0, 10.0, 7.0, 5.0, 8.0, 2.0, 4.0, 9.0, 3.0, 0.0, 0.0],
        "age0_2": [10.0, 30.0, 20.0, 15.0, 25.0, 5.0, 12.0, 28.0, 9.0, 0.0, 0.0],
    }
)
AREAS = pd.DataFrame(
    {
        "code": list("ABCDESUZ"),
        "name": [f"Area {c}" for c in "ABCDESUZ"],
        "nation": ["England", "England", "England", "England", "Wales", "Wales", "England", "Scotland"],
    }
)
TEAMS = pd.DataFrame({"team_id": ["t1", "t2"], "geography": ["area", "district"], "code": ["A", "K1"]})
SPECIALISTS = pd.DataFrame({"team_id": ["sp-b", "sp-k"], "geography": ["area", "district"], "code": ["B", "K0"]})
FOI = pd.DataFrame(
    {
        "geography": ["foi", "foi", "foi"],
        "code": ["F1", "F2", "F3"],
        "accepts": pd.array([True, False, pd.NA], dtype="boolean"),
        "reply_id": ["R1", "R2", pd.NA],
    }
)


def _ladder(foi=FOI, rules=DEFAULT_RULES, **kwargs) -> pd.DataFrame:
    return ladder_by_area(TEAMS, SPECIALISTS, LOOKUP, POP, AREAS, "area", foi_areas=foi, rules=rules,
                          **kwargs).set_index("code")


def test_every_level_on_hand_made_areas():
    ladder = _ladder()
    assert ladder.loc["A", "level"] == "3"
    assert ladder.loc["B", "level"] == "2"
    assert ladder.loc["C", "level"] == "1"
    assert ladder.loc["D", "level"] == "0"
    assert ladder.loc["E", "level"] == "unknown"
    for code in "ABCDE":
        assert ladder.loc[code, "level_share"] == 1.0
        assert not ladder.loc[code, "split"]
    assert ladder.loc["C", "level_label"] == LEVEL_LABELS["1"]


def test_first_matching_rule_wins():
    # a1 is in a team's catchment and a specialist area: 3. b1 has specialists and a "does not accept" reply: 2.
    levels = unit_levels(
        LOOKUP,
        pd.DataFrame({"unit_code": ["a1", "a2"], "team_id": ["t1", "t1"]}),
        pd.DataFrame({"unit_code": ["a1", "b1"], "team_id": ["sp-k", "sp-b"]}),
        FOI,
    ).set_index("unit_code")
    assert levels.loc["a1", "level"] == "3"
    assert levels.loc["b1", "level"] == "2"
    assert levels.loc["b1", "foi_accepts"] == False  # noqa: E712 (boolean NA-aware dtype)
    assert levels.loc["d1", "level"] == "0" and levels.loc["d1", "foi_reply_id"] == "R2"
    assert pd.isna(levels.loc["e1", "foi_accepts"])


def test_area_split_between_two_levels_reports_each_share():
    s = _ladder().loc["S"]
    assert s["age0_2"] == 40.0
    assert s["age0_2_level_3"] == 12.0 and s["age0_2_level_0"] == 28.0
    assert s["share_level_3"] == pytest.approx(0.3)
    assert s["share_level_0"] == pytest.approx(0.7)
    assert s["level"] == "0"  # the level covering most of the children, not the best level present
    assert s["level_share"] == pytest.approx(0.7)
    assert s["split"]
    assert s["teams"] == "t2"
    assert s["foi_reply_ids"] == "R2"


def test_unknown_when_nothing_is_known_either_way():
    ladder = _ladder()
    assert ladder.loc["U", "level"] == "unknown"  # FOI area with no usable reply
    assert ladder.loc["U", "share_unknown"] == 1.0
    assert ladder.loc["U", "foi_reply_ids"] == ""
    no_foi = _ladder(foi=None)
    assert no_foi.loc["C", "level"] == "unknown" and no_foi.loc["D", "level"] == "unknown"
    assert no_foi.loc["S", "share_unknown"] == pytest.approx(0.7)
    assert (no_foi[["age0_2_level_1", "age0_2_level_0"]] == 0).all().all()


def test_no_evidence_rule_parameter_turns_unknown_into_none_known():
    ladder = _ladder(rules=LadderRules(no_evidence_level="0"))
    assert ladder.loc["E", "level"] == "0" and ladder.loc["U", "level"] == "0"
    assert ladder.loc["C", "level"] == "1"
    assert (ladder["age0_2_unknown"] == 0).all()
    assert (ladder["no_evidence_level"] == "0").all()


def test_population_is_conserved_across_levels():
    for foi in (FOI, None):
        ladder = _ladder(foi=foi)
        per_level = ladder[[f"age0_2_{LEVEL_SLUGS[lv]}" for lv in LEVELS]].sum(axis=1)
        assert np.allclose(per_level, ladder["age0_2"])
        assert ladder["age0_2"].sum() == POP["age0_2"].sum()
        shares = ladder[[f"share_{LEVEL_SLUGS[lv]}" for lv in LEVELS]].sum(axis=1)
        assert np.allclose(shares, 1.0)


def test_area_without_children_is_weighed_by_small_areas_and_ties_go_to_the_higher_level():
    z = _ladder().loc["Z"]
    assert z["age0_2"] == 0.0
    assert z["share_level_2"] == 0.5 and z["share_unknown"] == 0.5
    assert z["level"] == "2"
    assert z["split"]


def test_age_rule_weighs_by_children_aged_0():
    s = _ladder(rules=LadderRules(age="0")).loc["S"]
    assert s["age0"] == 13.0
    assert s["share_level_3"] == pytest.approx(4 / 13)
    assert s["age_band"] == "0"


def test_evidence_lists_team_ids_specialist_sources_and_reply_ids():
    ladder = _ladder(specialist_sources={"sp-b": "Source for B", "sp-k": "Source for K"})
    assert ladder.loc["A", "teams"] == "t1"
    assert ladder.loc["A", "specialist_areas"] == "sp-k"
    assert ladder.loc["B", "specialist_source"] == "Source for B"
    assert ladder.loc["B", "foi_reply_ids"] == "R2"
    assert ladder.loc["C", "foi_reply_ids"] == "R1"
    assert ladder.loc["E", "teams"] == "" and ladder.loc["E", "specialist_source"] == ""


def test_area_with_no_small_area_gets_no_level():
    areas = pd.concat([AREAS, pd.DataFrame({"code": ["Q"], "name": ["Empty"], "nation": ["England"]})])
    ladder = ladder_by_area(TEAMS, SPECIALISTS, LOOKUP, POP, areas, "area", foi_areas=FOI).set_index("code")
    assert pd.isna(ladder.loc["Q", "level"])
    assert ladder.loc["Q", "age0_2"] == 0.0 and ladder.loc["Q", "units"] == 0


def test_summary_shares_of_children_and_of_areas():
    summary = summarise_ladder(_ladder().reset_index()).set_index("scope")
    assert list(summary.index) == ["All areas", "England", "Wales", "Scotland"]
    total = POP["age0_2"].sum()  # 154
    everyone = summary.loc["All areas"]
    assert everyone["age0_2"] == total
    assert everyone["share_level_3"] == pytest.approx((40 + 12) / total)
    assert everyone["share_level_2"] == pytest.approx(20 / total)
    assert everyone["share_level_1"] == pytest.approx(15 / total)
    assert everyone["share_level_0"] == pytest.approx((25 + 28) / total)
    assert everyone["share_unknown"] == pytest.approx((5 + 9) / total)
    assert everyone["areas"] == 8
    assert everyone["areas_level_0"] == 2  # D and S (S is mostly level 0)
    assert everyone["areas_share_level_3"] == pytest.approx(1 / 8)
    assert everyone["areas_split"] == 2
    wales = summary.loc["Wales"]  # E (5 unknown) and S (12 at 3, 28 at 0)
    assert wales["share_level_0"] == pytest.approx(28 / 45)
    assert wales["share_level_3"] == pytest.approx(12 / 45)
    assert wales["areas_unknown"] == 1


def test_summary_is_titled_united_kingdom_only_with_all_four_nations():
    ladder = _ladder().reset_index()
    ladder.loc[ladder["code"] == "U", "nation"] = "Northern Ireland"
    assert summarise_ladder(ladder)["scope"].iloc[0] == "United Kingdom"


def test_display_table_gives_label_shares_and_evidence_per_area():
    table = ladder_display_table(_ladder().reset_index(), nation="Wales").set_index("Code")
    assert list(table.index) == ["E", "S"]
    assert table.loc["S", "Level"] == LEVEL_LABELS["0"]
    assert table.loc["S", "% aged 0-2 at 3"] == 30.0 and table.loc["S", "% aged 0-2 at 0"] == 70.0
    assert table.loc["S", "Evidence"] == "teams: t2; FOI: R2"
    assert table.loc["E", "Evidence"] == ""


# --- FOI input -----------------------------------------------------------------------------------


def test_foi_classes_become_accepts_answers_by_rule():
    classified = pd.DataFrame(
        {
            "code": ["F1", "F2", "F3", "F4"],
            "foi_class": ["accepts, none seen", "does not accept under-3s", "no usable reply", "accepts, 1-5 seen"],
            "reply_id": ["R1", "R2", None, "R4"],
        }
    )
    table = foi_areas_from_classes(classified, "foi")
    assert table["accepts"].tolist()[:2] == [True, False]
    assert pd.isna(table["accepts"].iloc[2]) and table["accepts"].iloc[3]
    strict = LadderRules(foi_accepting_classes=tuple(c for c in FOI_ACCEPTING_CLASSES if c != "accepts, none seen"))
    assert pd.isna(foi_areas_from_classes(classified, "foi", strict)["accepts"].iloc[0])
    with pytest.raises(LadderError, match="foi_class"):
        foi_areas_from_classes(classified.drop(columns="foi_class"), "foi")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.drop(columns="reply_id"), "lacks column"),
        (lambda f: f.assign(accepts=["yes", "no", ""]), "True, False or empty"),
        (lambda f: f.assign(code=["F1", "F2", "F9"]), "not in foi: F9"),
        (lambda f: f.assign(geography="nowhere"), "not in the small-area lookup"),
        (lambda f: f.assign(code=["F1", "F1", "F3"]), "more than once"),
    ],
)
def test_bad_foi_tables_are_refused_with_a_clear_message(change, message):
    with pytest.raises(LadderError, match=message):
        validate_foi_areas(change(FOI.copy()), LOOKUP)


def test_foi_answers_from_two_geographies_for_one_small_area_are_refused():
    both = pd.concat([FOI, pd.DataFrame({"geography": ["area"], "code": ["C"], "accepts": [True], "reply_id": ["X"]})])
    with pytest.raises(LadderError, match="two geographies"):
        _ladder(foi=both)


def test_rules_are_checked():
    with pytest.raises(LadderError, match="no_evidence_level"):
        LadderRules(no_evidence_level="none")  # type: ignore[arg-type]
    with pytest.raises(LadderError, match="both level 3 and level 2"):
        LadderRules(specialist_statuses=("operating",))
    with pytest.raises(LadderError, match="both accepts"):
        LadderRules(foi_refusing_classes=("accepts, none seen",))
    with pytest.raises(LadderError, match="age"):
        LadderRules(age="0-4")  # type: ignore[arg-type]


def test_missing_population_is_an_error():
    with pytest.raises(LadderError, match="no population"):
        ladder_by_area(TEAMS, SPECIALISTS, LOOKUP, POP.iloc[1:], AREAS, "area")


def test_legend_has_a_label_colour_and_distinct_hatch_for_every_level():
    assert list(LEVEL_LABELS) == list(LEVELS)
    for level, label in LEVEL_LABELS.items():
        assert label.startswith(f"{level}:")  # the level is in the text, never in colour alone
