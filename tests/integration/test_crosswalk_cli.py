"""`pimap crosswalk`: the 2026 ICBs from the 2023 ones, as the library gives them (real data)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from mapping.cli import main


def test_crosswalk_csv_is_the_library_table_and_sums_to_england(mirror, capsys):
    import boundaries
    from boundaries.crosswalk import icb_crosswalk

    assert main(["crosswalk", "--year", "2024", "--format", "csv"]) == 0
    shown = pd.read_csv(io.StringIO(capsys.readouterr().out))
    table = icb_crosswalk(2024)
    assert shown["icb2026"].tolist() == table["icb2026"].tolist()
    assert shown["age0_2"].sum() == pytest.approx(1_797_446)  # England aged 0-2 at mid-2024 (ONS single years)
    assert shown.groupby("icb2023")["share_of_icb2023"].sum().round(9).eq(1).all()
    assert shown["icb2026"].nunique() == 36 and shown["icb2023"].nunique() == 42
    assert main(["crosswalk", "--year", "2021"]) == 2
    assert "choose one of" in capsys.readouterr().err
    assert 2024 in boundaries.POPULATION_YEARS
