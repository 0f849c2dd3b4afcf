"""The capacity estimate on the real births (boundaries.births): uk2023 at mid-2020 and mid-2024.

The expected figures are computed here from the local-authority tables of :func:`boundaries.births.births_for`
(the published counts, per nation), not from the per-area births the estimate takes, so the two routes check
each other. Every test reads the mirror (the ``mirror`` fixture)."""

from __future__ import annotations

import json
from datetime import date

import pytest

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
AS_OF = date(2023, 7, 1)


def _published(year: int) -> tuple[int, dict]:
    """The UK's published births standing for mid-``year`` (sum of every nation's authorities) and each period."""
    from boundaries.births import births_for

    total, periods = 0, {}
    for nation in NATIONS:
        table, period = births_for(nation, year)
        total += int(table["births"].sum())
        periods[nation] = period
    return total, periods


@pytest.fixture(scope="module")
def gaps_2020(mirror):
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    return compute_gaps(load_inputs(Selection("uk2023", 2020, AS_OF)))


def test_uk2023_mid2020_teams_needed_are_the_published_births_over_3300(gaps_2020):
    from mapping.analysis.capacity import capacity_births, national_capacity

    total, periods = _published(2020)
    result = national_capacity(gaps_2020, 33, births=capacity_births("uk2023", 2020), year=2020)
    assert result["births"] == total == result["live_births"]
    assert result["teams_needed"] == pytest.approx(total / 3300, rel=1e-12)
    assert (result["areas_from_births"], result["areas_from_age0"], result["age0_used"]) == (132, 0, 0)
    # Births are not children aged 0: the estimate moved off the stand-in.
    assert result["births"] != pytest.approx(result["age0"], abs=100)
    # The basis names each nation's 12 months, and that Scotland's are the nearest published.
    assert periods["Scotland"].text == "July 2018 to June 2019 (nearest published to mid-2020)"
    assert {periods[n].text for n in ("England", "Wales", "Northern Ireland")} == {"July 2019 to June 2020"}
    assert result["births_basis"] == ("England, Wales and Northern Ireland: live births, July 2019 to June 2020; "
                                      "Scotland: live births, July 2018 to June 2019 (nearest published to mid-2020)")
    assert result["births_basis"] in result["arithmetic"]
    assert result["births_sources"] == ", ".join(sorted({p.source for p in periods.values()}))


def test_an_area_is_computed_from_its_councils_births(gaps_2020):
    """NHS Ayrshire and Arran is East, North and South Ayrshire: their MYEB3 births, July 2018 to June 2019."""
    from boundaries.births import births_for
    from mapping.analysis.capacity import capacity_births, capacity_by_area

    table, _ = births_for("Scotland", 2020)
    councils = table[table["la_code"].isin(["S12000008", "S12000021", "S12000028"])]
    assert len(councils) == 3
    expected = int(councils["births"].sum())
    out = capacity_by_area(gaps_2020, births=capacity_births("uk2023", 2020), year=2020).set_index("code")
    row = out.loc["S08000015"]
    assert row["need"] == row["births"] == expected and not row["births_estimated"]
    assert row["need"] != row["age0"]
    assert row["teams_needed"] == pytest.approx(expected / 3300)
    assert row["need_basis"] == "live births, July 2018 to June 2019 (nearest published to mid-2020)"
    assert out["need_basis"].str.startswith("live births, ").all()
    assert out["need"].sum() == _published(2020)[0]


def test_mid2024_says_which_periods_stand_in(mirror):
    """No nation publishes births for July 2023 to June 2024: each nearest period is named."""
    from mapping.analysis.capacity import capacity_births, national_capacity
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    gaps = compute_gaps(load_inputs(Selection("uk2023", 2024, AS_OF)))
    total, periods = _published(2024)
    result = national_capacity(gaps, 33, births=capacity_births("uk2023", 2024), year=2024)
    assert result["births"] == total
    assert result["teams_needed"] == pytest.approx(total / 3300, rel=1e-12)
    for nation, period in periods.items():
        assert not period.exact
        assert f"live births, {period.text}" in result["births_basis"], nation
    assert "England and Wales: live births, calendar 2023 (nearest published to mid-2024)" in result["births_basis"]


def test_pimap_capacity_uses_births_and_says_so(mirror, capsys):
    from mapping.cli import main

    total, _ = _published(2020)
    args = ["capacity", "--geography", "uk2023", "--year", "2020", "--as-of", AS_OF.isoformat()]
    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["births"] == total and result["teams_needed"] == pytest.approx(total / 3300)
    assert "births_proxy_age0" not in result
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{total:,} babies a year (England, Wales and Northern Ireland: live births, July 2019 "
                          "to June 2020; Scotland: live births, July 2018 to June 2019 (nearest published to mid-2020))")
    assert "\nbirths: births_ew_lad_mid1993_2021, births_ni_lgd_mid2002_2023, births_uk_lad_mid2002_2019" in out
