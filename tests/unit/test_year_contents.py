"""What each population year holds, in words (no data read: the plan of boundaries.population)."""

from __future__ import annotations

import boundaries
from boundaries.population import year_contents


def test_every_year_names_every_nation_once():
    for year in boundaries.POPULATION_YEARS:
        text = year_contents(year)
        for nation in ("England", "Wales", "Scotland", "Northern Ireland"):
            assert text.count(nation) == 1, (year, text)


def test_years_say_their_sources():
    assert year_contents(2020) == ("England, Wales, Scotland: small-area estimates; Northern Ireland: district "
                                   "totals shared among Small Areas")
    assert "Scotland: mid-2019 small-area estimates" in year_contents(2017)
    assert year_contents(2024).startswith("England, Wales: local-authority totals shared among small areas; "
                                          "Scotland: mid-2022 local-authority totals")
    assert "Northern Ireland: mid-2022 district totals" in year_contents(2024)
