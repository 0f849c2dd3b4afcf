"""Areas over time and similar areas (mapping.analysis.history), on synthetic tables."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from mapping.analysis import history
from mapping.errors import AreaNotFound, PimapError


def test_dates_are_each_first_of_july_from_2019_then_today() -> None:
    dates = history.history_dates(date(2026, 12, 2))
    assert dates[0] == date(2019, 7, 1)
    assert dates[-2:] == [date(2026, 7, 1), date(2026, 12, 2)]
    assert len(dates) == 9
    # before 1 July the year's mid-point has not come: the last 1 July is the year before's
    assert history.history_dates(date(2024, 3, 5))[-2:] == [date(2023, 7, 1), date(2024, 3, 5)]
    # today a 1 July: once
    assert history.history_dates(date(2024, 7, 1))[-2:] == [date(2023, 7, 1), date(2024, 7, 1)]


@pytest.mark.parametrize(("when", "year"), [
    (date(2019, 7, 1), 2019), (date(2020, 7, 1), 2020), (date(2021, 7, 1), 2020), (date(2022, 1, 1), 2022),
    (date(2023, 7, 1), 2022), (date(2024, 7, 1), 2024), (date(2026, 12, 2), 2024), (date(2010, 1, 1), 2017),
])
def test_population_year_is_the_latest_estimate_not_after_the_date(when: date, year: int) -> None:
    assert history.population_year_for(when) == year


def _gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["A1", "A2", "A3", "B1", "B2"],
        "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
        "nation": ["England", "England", "England", "Wales", "Wales"],
        "age0": [100.0, 300.0, 50.0, 80.0, 0.0],
        "age0_2": [310.0, 905.0, 140.0, 250.0, 0.0],
        "covered_age0_2": [310.0, 452.5, 0.0, 0.0, 0.0],
        "uncovered_age0": [0.0, 150.0, 50.0, 80.0, 0.0],
        "uncovered_age0_2": [0.0, 452.5, 140.0, 250.0, 0.0],
        "share_covered": [1.0, 0.5, 0.0, 0.0, np.nan],
        "coverage": ["full", "partial", "none", "none", "none"],
        "estimated": [False, False, True, False, False],
        "teams": ["t1; t2", "t2", "", "", ""],
        "team_names": ["One; Two", "Two", "", "", ""],
    })


def _ladder() -> pd.DataFrame:
    from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS

    levels = ["3", "3", "2", "unknown", pd.NA]
    out = pd.DataFrame({"code": ["B2", "B1", "A3", "A2", "A1"][::-1], "level": pd.array(levels, dtype="string")})
    out["level_label"] = out["level"].map(LEVEL_LABELS)
    out["level_share"] = [1.0, 0.5, 1.0, 1.0, np.nan]
    for slug in LEVEL_SLUGS.values():
        out[f"share_{slug}"] = 0.0
    out["share_level_3"] = [1.0, 0.5, 0.0, 0.0, np.nan]
    out["share_unknown"] = [0.0, 0.5, 0.0, 1.0, np.nan]
    return out.iloc[::-1].reset_index(drop=True)  # another order than the gaps': rows are matched by code


def _births() -> pd.DataFrame:
    return pd.DataFrame({"code": ["A1", "A2", "A3"], "nation": ["England"] * 3, "births": [104.0, 290.0, 49.0],
                         "period": ["July 2023 to June 2024"] * 3, "source": ["ons"] * 3,
                         "estimated": [False, True, False]})


def test_date_rows_copy_each_figure_from_its_table() -> None:
    from mapping.analysis.capacity import capacity_by_area

    gaps, births = _gaps(), _births()
    capacity = capacity_by_area(gaps, births=births, year=2024)
    rows = history.date_rows(gaps, _ladder(), capacity, births, as_of=date(2024, 7, 1), population_year=2024)
    assert list(rows.columns) == list(history.HISTORY_COLUMNS)
    by = rows.set_index("code")
    assert by.loc["A1", "teams"] == 2 and by.loc["A2", "teams"] == 1 and by.loc["A3", "teams"] == 0
    assert by.loc["A1", "team_names"] == "One; Two"
    assert by.loc["A2", "births"] == 290.0 and bool(by.loc["A2", "births_estimated"])
    assert by.loc["A2", "births_period"] == "July 2023 to June 2024"
    # Wales has no births here: need falls back to children aged 0, and the period stays empty
    assert np.isnan(by.loc["B1", "births"]) and by.loc["B1", "need"] == 80.0
    assert pd.isna(by.loc["B1", "births_period"])
    assert by.loc["B1", "need_basis"] == "children aged 0 at mid-2024"
    cap = capacity.set_index("code")
    for code in gaps["code"]:
        assert by.loc[code, "teams_needed"] == pytest.approx(cap.loc[code, "teams_needed"])
    assert by.loc["A2", "level"] == "3" and by.loc["B1", "level"] == "unknown" and pd.isna(by.loc["B2", "level"])
    assert by.loc["B1", "share_unknown"] == 1.0
    assert by.loc["A2", "uncovered_age0_2"] == 452.5 and by.loc["A2", "share_covered"] == 0.5
    assert set(rows["as_of"]) == {date(2024, 7, 1)} and set(rows["population_year"]) == {2024}


def test_date_rows_keep_the_display_name_after_the_name() -> None:
    from mapping.analysis.capacity import capacity_by_area

    gaps = _gaps()
    gaps.insert(2, "display_name", gaps["name"] + " (place)")
    rows = history.date_rows(gaps, _ladder(), capacity_by_area(gaps, births=_births(), year=2024), _births(),
                             as_of=date(2024, 7, 1), population_year=2024)
    assert list(rows.columns[:4]) == ["code", "name", "display_name", "nation"]
    assert rows["display_name"].iloc[0] == "Alpha (place)"


def test_similar_areas_are_of_the_same_nation_and_nearest_in_babies() -> None:
    gaps = _gaps()
    found = history.similar_areas(gaps, "A1", n=4)
    assert list(found["code"]) == ["A3", "A2"]  # England only: 140 is 170 away, 905 is 595 away
    assert list(found["difference"]) == [-170.0, 595.0]
    assert list(history.similar_areas(gaps, "A1", n=1)["code"]) == ["A3"]
    assert list(history.similar_areas(gaps, "B1")["code"]) == ["B2"]
    with pytest.raises(AreaNotFound, match="Z9"):
        history.similar_areas(gaps, "Z9")
    with pytest.raises(PimapError):
        history.similar_areas(gaps, "A1", n=0)


def test_similar_areas_break_ties_by_code() -> None:
    gaps = pd.DataFrame({"code": ["X3", "X1", "X2"], "nation": ["Wales"] * 3, "age0_2": [200.0, 100.0, 300.0]})
    assert list(history.similar_areas(gaps, "X3")["code"]) == ["X1", "X2"]


def test_pick_areas_keeps_the_order_asked_and_names_a_missing_code() -> None:
    table = pd.DataFrame({"code": ["A1", "A2", "A1", "A2"],
                          "as_of": [date(2020, 7, 1), date(2020, 7, 1), date(2019, 7, 1), date(2019, 7, 1)]})
    picked = history.pick_areas(table, ["A2", "A1", "A2"], "geo")
    assert list(picked["code"]) == ["A2", "A2", "A1", "A1"]
    assert list(picked["as_of"]) == [date(2019, 7, 1), date(2020, 7, 1)] * 2
    with pytest.raises(AreaNotFound, match=r"no area Q1, Q2 in geo"):
        history.pick_areas(table, ["A1", "Q1", "Q2"], "geo")
    with pytest.raises(AreaNotFound):
        history.pick_areas(table, [], "geo")


def test_history_reuses_a_date_whose_teams_and_population_did_not_change(monkeypatch) -> None:
    """Figures depend on the date only through the teams current on it and the population year: a date with
    the same of both takes the rows computed for another, with its own date."""
    teams_on = {date(2023, 7, 1): ["t1"], date(2024, 7, 1): ["t1", "t2"], date(2025, 7, 1): ["t1", "t2"],
                date(2025, 12, 1): ["t1", "t2"]}
    computed: list[tuple[int, date]] = []

    def fake_inputs(selection):
        return SimpleNamespace(teams=pd.DataFrame({"team_id": teams_on[selection.as_of]}))

    def fake_figures(selection):
        computed.append((selection.year, selection.as_of))
        return pd.DataFrame({"code": ["A1"], "as_of": [selection.as_of], "population_year": [selection.year],
                             "teams": [len(teams_on[selection.as_of])]})

    monkeypatch.setattr(history, "load_inputs", fake_inputs)
    monkeypatch.setattr(history, "figures_for", fake_figures)
    history.clear_cache()
    try:
        rows = history.history_for("uk2023", list(teams_on))
    finally:
        history.clear_cache()
    assert computed == [(2022, date(2023, 7, 1)), (2024, date(2024, 7, 1))]
    assert list(rows["as_of"]) == list(teams_on)
    assert list(rows["teams"]) == [1, 2, 2, 2]
    assert list(rows["population_year"]) == [2022, 2024, 2024, 2024]


def test_history_refuses_an_unknown_geography_and_no_dates() -> None:
    with pytest.raises(PimapError, match="unknown geography"):
        history.history_for("nowhere", [date(2020, 7, 1)])
    with pytest.raises(PimapError, match="at least one date"):
        history.history_for("uk2023", [])


def test_a_compare_link_keeps_known_codes_in_order_and_names_the_rest(monkeypatch) -> None:
    import boundaries
    from webapp.state import MAX_COMPARE, compare_codes

    areas = pd.DataFrame({"code": [f"A{i}" for i in range(8)], "name": list("abcdefgh"), "nation": ["Wales"] * 8})
    monkeypatch.setattr(boundaries, "area_table", lambda geography: areas)
    assert compare_codes(None, "uk2026") == ((), [])
    assert compare_codes(" A2 , A1,A2,", "uk2026") == (("A2", "A1"), [])
    codes, notes = compare_codes("A1,Q9,A3", "uk2026")
    assert codes == ("A1", "A3") and len(notes) == 1
    assert notes[0].startswith("Area code “Q9” was not found in uk2026")
    codes, notes = compare_codes(",".join(f"A{i}" for i in range(7)) + ",Z1,Z2", "uk2026")
    assert codes == tuple(f"A{i}" for i in range(MAX_COMPARE))
    assert "Area codes “Z1”, “Z2” were not found" in notes[0]
    assert notes[1].startswith("Up to 5 areas can be compared") and "A5, A6 left out" in notes[1]


def test_a_compare_link_whose_areas_cannot_be_read_says_so(monkeypatch) -> None:
    import boundaries
    from webapp.state import compare_codes

    def fail(geography):
        raise PimapError("the boundaries file is missing")

    monkeypatch.setattr(boundaries, "area_table", fail)
    assert compare_codes("A1", "uk2026") == ((), ["The areas could not be checked: the boundaries file "
                                                  "is missing"])
