"""Areas over time on the real data: uk2026 Cornwall (E54000036) and its neighbours, each date's figures equal
the library's for the same selection (compute_gaps, compute_ladder, capacity_by_area)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from mapping.analysis import history

pytestmark = pytest.mark.slow

GEO = "uk2026"
CORNWALL, DEVON, SOMERSET = "E54000036", "E54000037", "E54000038"
CODES = (CORNWALL, DEVON, SOMERSET, "W11000029")
DATES = (date(2019, 7, 1), date(2023, 7, 1), date(2025, 7, 1))


@pytest.fixture(scope="module")
def rows(mirror) -> pd.DataFrame:
    return history.area_history(GEO, CODES, DATES)


def _library(when: date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from mapping.analysis.capacity import capacity_births, capacity_by_area
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.ladder import compute_ladder
    from mapping.analysis.selection import Selection, load_inputs

    year = history.population_year_for(when)
    inputs = load_inputs(Selection(GEO, year, when))
    gaps = pd.DataFrame(compute_gaps(inputs).drop(columns="geometry"))
    capacity = capacity_by_area(gaps, births=capacity_births(GEO, year), year=year)
    return gaps.set_index("code"), compute_ladder(inputs, geometry=False).set_index("code"), capacity.set_index("code")


def test_one_row_per_area_and_date_in_the_order_asked(rows):
    assert list(rows["code"]) == [c for c in CODES for _ in DATES]
    assert list(rows["as_of"]) == list(DATES) * len(CODES)
    assert list(rows["population_year"]) == [2019, 2022, 2024] * len(CODES)
    assert set(history.HISTORY_COLUMNS) <= set(rows.columns)


@pytest.mark.parametrize("when", DATES)
def test_each_figure_is_the_librarys_for_that_date(rows, when):
    gaps, ladder, capacity = _library(when)
    on = rows[rows["as_of"] == when].set_index("code")
    for code in CODES:
        row, g = on.loc[code], gaps.loc[code]
        for column in ("age0_2", "covered_age0_2", "uncovered_age0_2", "share_covered"):
            assert row[column] == g[column], (code, column)
        assert row["coverage"] == g["coverage"] and row["team_names"] == g["team_names"]
        assert row["teams"] == len([t for t in g["teams"].split("; ") if t])
        assert row["level"] == ladder.loc[code, "level"]
        assert row["share_level_3"] == ladder.loc[code, "share_level_3"]
        assert row["teams_needed"] == capacity.loc[code, "teams_needed"]
        births = capacity.loc[code, "births"]
        assert (np.isnan(row["births"]) and np.isnan(births)) or row["births"] == births
        assert row["name"] == g["name"]


def test_cornwall_is_at_level_2_with_no_team_and_devon_partly_covered(rows):
    cornwall = rows[rows["code"] == CORNWALL]
    assert (cornwall["teams"] == 0).all() and (cornwall["level"] == "2").all()
    assert (cornwall["uncovered_age0_2"] == cornwall["age0_2"]).all()
    devon = rows[rows["code"] == DEVON]
    assert (devon["coverage"] == "partial").all() and (devon["teams"] >= 1).all()
    assert (rows["births"] > 1000).all()  # England and Wales publish births for every date


def test_a_reused_date_equals_one_computed_afresh(mirror):
    """2025 has the teams and population of another date when nothing changed: its rows, whether reused or
    computed on their own, are the same."""
    together = history.area_history(GEO, CODES, [date(2024, 7, 1), date(2025, 7, 1)])
    history.clear_cache()
    alone = history.area_history(GEO, CODES, [date(2025, 7, 1)])
    pd.testing.assert_frame_equal(together[together["as_of"] == date(2025, 7, 1)].reset_index(drop=True), alone)


def test_similar_areas_are_in_cornwalls_nation_nearest_in_babies(mirror):
    gaps, _, _ = _library(date(2025, 7, 1))
    table = gaps.reset_index()
    found = history.similar_areas(table, CORNWALL)
    assert len(found) == 4 and (found["nation"] == "England").all() and CORNWALL not in set(found["code"])
    babies = table.set_index("code").loc[CORNWALL, "age0_2"]
    others = table[(table["nation"] == "England") & (table["code"] != CORNWALL)]
    nearest = (others["age0_2"] - babies).abs().sort_values().iloc[:4]
    assert sorted((found["difference"]).abs()) == sorted(nearest)


def test_an_unknown_code_is_refused_before_anything_is_computed(mirror):
    from mapping.errors import AreaNotFound

    with pytest.raises(AreaNotFound, match="no area E99999999 in uk2026"):
        history.area_history(GEO, [CORNWALL, "E99999999"], DATES)
