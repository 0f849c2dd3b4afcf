"""The area profile in the app (AppTest) on uk2026: the level and why, the nearest teams by land, the rank
among areas with babies with no team, the history, and no internal words."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from app_helpers import APP_YEAR, assert_no_failure, frame, run_app
from words_helpers import scan_app

pytestmark = pytest.mark.slow

CORNWALL = "E54000036"  # NHS Cornwall and the Isles of Scilly ICB: no team, CAMHS specialists (level 2)
GLASGOW = "S08000031"  # Greater Glasgow and Clyde: before 2023 its nearest base in a straight line was in NI


def _text(at) -> str:
    return " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption),
                     *(s.value for s in at.subheader)])


def _library(geography: str, code: str, as_of: date, year: int = APP_YEAR) -> dict:
    """The profile as the library computes it for the app's view (the built-in register, no FOI)."""
    from mapping.analysis.coverage import compute_gaps, nearest_team_list_in_geography
    from mapping.analysis.ladder import compute_ladder
    from mapping.analysis.profile import area_profile
    from mapping.analysis.selection import Selection, load_inputs

    inputs = load_inputs(Selection(geography, year, as_of))
    gaps = pd.DataFrame(compute_gaps(inputs).drop(columns="geometry"))
    return area_profile(gaps, code, ladder=compute_ladder(inputs, geometry=False),
                        nearest=nearest_team_list_in_geography(geography, inputs.operating, code, count=3))


def test_cornwall_says_its_level_and_why_and_its_nearest_teams(mirror):
    at = run_app(page="profile", geo="uk2026", area=CORNWALL)
    p = _library("uk2026", CORNWALL, date.today())
    text = _text(at)
    assert p["ladder"]["level"] == "2"
    assert "Level 2 (CAMHS parent-infant specialists, no team)" in text
    assert "CAMHS here has parent-infant specialist practitioners" in text
    assert "No team serves this area." in text
    for team in p["nearest_teams"]:
        assert f"{team['name']} ({team['nation']}), {team['km']:,.1f} km" in text
    assert len(p["nearest_teams"]) == 3 and "Straight-line distance" in text
    first = p["ladder"]["levels"][0]
    assert f"Babies aged 0-2 at each level: level {first['label']}: {first['babies']:,.0f}" in text
    assert f"of the {p['ranked_areas']} areas of England that have any" in text
    assert not scan_app(at, "Cornwall's profile")


def test_glasgow_nearest_team_is_reached_by_land(mirror):
    at = run_app(page="profile", geo="uk2026", area=GLASGOW, date="2021")
    p = _library("uk2026", GLASGOW, date(2021, 7, 1))
    text = _text(at)
    assert p["coverage"] == "none" and p["nearest_teams"]
    assert {t["nation"] for t in p["nearest_teams"]} <= {"Scotland", "England"}
    assert "ABCPiP" not in text and "Northern Ireland)" not in text
    first = p["nearest_teams"][0]
    assert f"**Nearest team bases:** {first['name']} ({first['nation']}), {first['km']:,.1f} km" in text
    assert not scan_app(at, "Glasgow's profile")


def test_a_fully_covered_area_gets_no_rank(mirror):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    gaps = compute_gaps(load_inputs(Selection("uk2026", APP_YEAR, date.today())))
    full = gaps[gaps["coverage"] == "full"].iloc[0]
    at = run_app(page="profile", geo="uk2026", area=full["code"])
    text = _text(at)
    assert "every baby aged 0-2 here is covered, so it is not ranked" in text
    assert "most babies with no team of" not in text
    assert "Serving teams:" in text and "Level 3" in text
    serving = [t for t in str(full["team_names"]).split("; ") if t]
    near = text.split("**Nearest other team bases:**", 1)[1].split("Straight-line", 1)[0]
    assert not any(name in near for name in serving)  # the nearest list is of the other teams
    assert not scan_app(at, "a fully covered profile")


def test_the_history_is_shown_on_request_year_by_year(mirror):
    from mapping.analysis.history import area_history

    at = run_app(page="profile", geo="uk2026", area=CORNWALL)
    assert not any("teams serving it" in d.value.columns for d in at.dataframe)
    at.toggle(key="profile_history_shown").set_value(True).run()
    assert_no_failure(at)
    table = frame(at, "teams serving it")
    rows = area_history("uk2026", [CORNWALL])
    assert table["date"].tolist() == [d.isoformat() for d in rows["as_of"]]
    assert table["date"].iloc[0] == "2019-07-01"
    assert table["babies aged 0-2"].tolist() == [f"{v:,.0f}" for v in rows["age0_2"]]
    assert table["teams serving it"].tolist() == [int(v) for v in rows["teams"]]
    assert table["ladder level (no FOI)"].tolist() == [str(v) for v in rows["level"]]
    words = next(m.value for m in at.markdown if m.value.startswith("**Chart in words:**"))
    assert "1 July 2019: 0.0% covered, 0 teams" in words
    assert not scan_app(at, "the profile's history")
