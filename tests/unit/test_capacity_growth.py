"""Capacity arithmetic and growth against the Vision & Strategy targets; the coverage CLI on the real data is in
tests/integration/test_capacity_growth_data.py."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from mapping.analysis.capacity import GREATER_MANCHESTER, ReferenceTeam, capacity_by_area, national_capacity
from mapping.analysis.growth import VISION_2019, growth_table, load_published_counts

# Synthetic gaps table: two areas, 3,300 and 6,600 children aged 0, the second half uncovered.
GAPS = pd.DataFrame(
    {
        "code": ["A", "B"], "name": ["A", "B"], "nation": ["England", "England"],
        "age0": [3300.0, 6600.0], "uncovered_age0": [0.0, 3300.0], "coverage": ["full", "partial"],
    }
)


def test_reference_team_is_the_greater_manchester_specification():
    assert (GREATER_MANCHESTER.wte, GREATER_MANCHESTER.population, GREATER_MANCHESTER.births) == (7.33, 280_000, 3_300)
    assert "Rare Jewels" in GREATER_MANCHESTER.source


def test_capacity_by_area_arithmetic():
    out = capacity_by_area(GAPS).set_index("code")
    assert out.loc["A", "teams_needed"] == pytest.approx(1.0)
    assert out.loc["B", "wte_needed"] == pytest.approx(2 * 7.33)
    assert out.loc["B", "wte_needed_uncovered"] == pytest.approx(7.33)


def test_reference_figures_are_parameters():
    half = ReferenceTeam(wte=10.0, population=140_000, births=1_650, source="synthetic test reference")
    out = capacity_by_area(GAPS, half).set_index("code")
    assert out.loc["A", "wte_needed"] == pytest.approx(20.0)


def test_national_capacity_shortfall():
    result = national_capacity(GAPS, teams_operating=1)
    assert result["teams_needed"] == pytest.approx(3.0)
    assert result["shortfall_teams"] == pytest.approx(2.0)
    assert result["multiple_of_current"] == pytest.approx(3.0)
    assert "9,900 babies a year (children aged 0 at mid-year) / 3,300" in result["arithmetic"]
    assert result["births"] == 9900 and result["births_basis"] == "children aged 0 at mid-year"


def test_vision_target_rounds_up_to_whole_teams():
    assert VISION_2019.target_teams == 41  # 27 * 1.5 = 40.5


def test_published_counts_have_sources():
    counts = load_published_counts()
    assert counts["source"].str.len().gt(10).all()
    assert dict(zip(counts["as_of"], counts["teams"]))["2023-09"] == 45
    assert counts.loc[counts["as_of"] == "2023-09", "in_development"].item() == 14


def test_growth_table_synthetic():
    teams = pd.DataFrame(  # synthetic teams: one from 2018, one from 2020
        {
            "team_id": ["t1", "t2"], "status": ["operating", "operating"],
            "from_date": pd.to_datetime(["2018-01-01", "2020-01-01"]), "to_date": pd.to_datetime([pd.NaT, pd.NaT]),
        }
    )
    table = growth_table(teams, [2019, 2020, 2024, 2026]).set_index("year")
    assert table.loc[2019, "listed_operating"] == 1
    assert table.loc[2020, "listed_operating"] == 2
    assert table.loc[2019, "target"] == 27 and table.loc[2024, "target"] == 41
    assert pd.isna(table.loc[2026, "target"])
    assert table.loc[2019, "published_teams"] == 29  # the later of the two 2019 figures (late 2019)


def test_known_published_keeps_only_counts_dated_by_the_end_of_their_period():
    from mapping.analysis.growth import known_published_counts

    published = pd.DataFrame({"as_of": ["2019", "2019-12", "2023-09", "2023-08"], "teams": [27, 29, 45, 44]})
    assert list(known_published_counts(published, date(2023, 9, 1))["as_of"]) == ["2019", "2019-12", "2023-08"]
    assert list(known_published_counts(published, date(2019, 12, 30))["as_of"]) == []
