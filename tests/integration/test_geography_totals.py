"""`pimap geographies`: per geography and year, the children through the one selection of inputs and the
births of the period standing for the year, against the births files' own totals."""

from __future__ import annotations

import pytest

import boundaries
from boundaries import births as b

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")


@pytest.fixture(scope="module")
def totals(mirror):
    """The rows, and how many times the selection machinery loaded a population while making them."""
    from mapping.analysis.selection import clear_caches
    from mapping.cli.data import geography_totals

    calls: list[int] = []
    original = boundaries.load_population
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boundaries, "load_population", lambda year: calls.append(year) or original(year))
        clear_caches()
        rows = geography_totals()
    clear_caches()
    return rows, calls


def _row(rows, gid: str, year: int) -> dict:
    return next(r for r in rows if r["id"] == gid and r["year"] == year)


def test_one_population_load_per_geography_and_year(totals):
    rows, calls = totals
    pairs = len(boundaries.GEOGRAPHY_IDS) * len(boundaries.POPULATION_YEARS)
    assert len(rows) == pairs == len(calls)
    assert sorted(set(calls)) == list(boundaries.POPULATION_YEARS)


@pytest.mark.parametrize("year", boundaries.POPULATION_YEARS)
def test_births_are_the_files_totals_of_the_chosen_periods(totals, year):
    rows, _ = totals
    chosen = {n: int(b.births_for(n, year)[0]["births"].sum()) for n in NATIONS}
    for row in (r for r in rows if r["year"] == year):
        nations = boundaries.get_geography(row["id"]).nations
        assert row["births"] == sum(chosen[n] for n in nations), row["id"]
        assert row["births_period"] == {n: b.births_period(n, year).text for n in nations}
    assert _row(rows, "uk2026", year)["births"] == sum(chosen.values())


def test_the_figures_of_the_known_years(totals):
    rows, _ = totals
    icb = _row(rows, "icb2026", 2024)
    assert (icb["areas"], icb["age0_2"], icb["births"]) == (36, 1_797_446.0, 563_561)
    assert icb["births_period"] == {"England": "calendar 2023 (nearest published to mid-2024)"}
    assert _row(rows, "icb2023", 2022)["age0_2"] == 1_804_408.0
    uk = _row(rows, "uk2023", 2020)
    assert uk["births"] == 703_526
    assert uk["births_period"]["Scotland"] == "July 2018 to June 2019 (nearest published to mid-2020)"


@pytest.mark.parametrize("gid, year", [("lad2023", 2024), ("hsct2018", 2022), ("ccg2020", 2017)])
def test_the_children_are_those_of_area_population(totals, gid, year):
    """The selection route gives what the per-area population gives."""
    rows, _ = totals
    pop = boundaries.area_population(gid, year)
    row = _row(rows, gid, year)
    assert (row["areas"], row["age0"], row["age0_2"], row["estimated"]) == (
        len(pop), round(float(pop["age0"].sum()), 1), round(float(pop["age0_2"].sum()), 1),
        bool(pop["estimated"].any()))
