"""The authority-constrained share (boundaries.population.constrain) on SYNTHETIC numbers worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from boundaries.population import constrain
from mapping.errors import PopulationError


def _membership(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_code", "la_code", "la_share"])


def test_each_authority_is_shared_by_its_small_areas_weights():
    # A: 10 aged 0 shared 1:3; 20 aged 1 shared 1:1. B: none aged 0 in the base year, so its 6 go by the
    # units' weights of all ages (1+1 : 2+2 = 1:2).
    totals = pd.DataFrame({"0": [10.0, 6.0], "1": [20.0, 9.0]}, index=["A", "B"])
    weights = pd.DataFrame({"0": [1.0, 3.0, 0.0, 0.0], "1": [5.0, 5.0, 1.0, 2.0]}, index=["u1", "u2", "u3", "u4"])
    got = constrain(totals, weights, _membership([("u1", "A", 1.0), ("u2", "A", 1.0), ("u3", "B", 1.0),
                                                  ("u4", "B", 1.0)]))
    assert got.loc[["u1", "u2", "u3", "u4"], "0"].tolist() == pytest.approx([2.5, 7.5, 2.0, 4.0])
    assert got.loc[["u1", "u2", "u3", "u4"], "1"].tolist() == pytest.approx([10.0, 10.0, 3.0, 6.0])


def test_a_shared_small_area_takes_its_part_of_each_authority():
    # u6 is half in C, half in D: in C its weight is 2 x 0.5 = 1 beside u5's 2 (C's 4 go 8/3 : 4/3); D is u6 alone.
    totals = pd.DataFrame({"0": [4.0, 3.0]}, index=["C", "D"])
    weights = pd.DataFrame({"0": [2.0, 2.0]}, index=["u5", "u6"])
    got = constrain(totals, weights, _membership([("u5", "C", 1.0), ("u6", "C", 0.5), ("u6", "D", 0.5)]))
    assert got.loc["u5", "0"] == pytest.approx(8 / 3)
    assert got.loc["u6", "0"] == pytest.approx(4 / 3 + 3)
    assert got["0"].sum() == pytest.approx(7.0)


def test_authorities_must_match_and_every_small_area_needs_a_weight():
    totals = pd.DataFrame({"0": [1.0]}, index=["A"])
    with pytest.raises(PopulationError, match="differ"):
        constrain(totals, pd.DataFrame({"0": [1.0]}, index=["u1"]), _membership([("u1", "Z", 1.0)]))
    with pytest.raises(PopulationError, match="no base figures"):
        constrain(totals, pd.DataFrame({"0": [1.0]}, index=["u9"]), _membership([("u1", "A", 1.0)]))
