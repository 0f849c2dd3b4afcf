"""The provision ladder on the real data: conservation, consistency with coverage, the FOI fixture, the CLI.

Moved from tests/unit/test_ladder.py, which keeps the rules on hand-made areas: every test here reads the
real boundaries and population (the ``mirror`` fixture).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mapping.analysis.ladder import LEVEL_SLUGS, LEVELS, summarise_ladder

FIXTURE = Path(__file__).parents[1] / "fixtures" / "synthetic_foi_rare_jewels.csv"


# --- the real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ladder_2019(mirror):
    from mapping.analysis.ladder import compute_ladder
    from mapping.analysis.selection import Selection, load_inputs

    return compute_ladder(load_inputs(Selection("uk2018", 2019, date(2019, 6, 30))), geometry=False)


def test_real_ladder_conserves_population_and_matches_coverage(ladder_2019):
    import boundaries
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    population = boundaries.load_population(2019)
    assert ladder_2019["age0_2"].sum() == pytest.approx(population["age0_2"].sum())
    per_level = ladder_2019[[f"age0_2_{LEVEL_SLUGS[lv]}" for lv in LEVELS]].sum(axis=1)
    assert np.allclose(per_level, ladder_2019["age0_2"])
    gaps = compute_gaps(load_inputs(Selection("uk2018", 2019, date(2019, 6, 30)))).set_index("code")
    level3 = ladder_2019.set_index("code")["age0_2_level_3"]
    assert np.allclose(level3, gaps.loc[level3.index, "covered_age0_2"])
    # Without FOI data nothing can be at level 1 or 0.
    assert (ladder_2019[["age0_2_level_1", "age0_2_level_0"]] == 0).all().all()


def test_real_ladder_2019_areas_per_level(ladder_2019):
    counts = ladder_2019["level"].value_counts().to_dict()
    # 40 areas mostly covered by one of the 28 teams operating on 2019-06-30, 21 mostly in a
    # Rare Jewels specialist area, the rest unknown (no FOI data loaded).
    assert counts == {"3": 41, "2": 20, "unknown": 160}  # the Southern Trust: i-CAMHS, a team since 2012
    summary = summarise_ladder(ladder_2019).set_index("scope")
    assert summary.loc["Scotland", "share_level_3"] == 0.0
    assert summary.loc["Scotland", "areas_level_2"] == 4


@pytest.mark.parametrize("geography", ["uk2023", "lad2018", "ccg2018"])
def test_real_ladder_on_other_geographies_conserves_population(mirror, geography):
    import boundaries
    from mapping.analysis.ladder import compute_ladder
    from mapping.analysis.selection import Selection, load_inputs

    ladder = compute_ladder(load_inputs(Selection(geography, 2020, date(2024, 1, 1))), geometry=False)
    lookup = boundaries.load_unit_lookup()
    population = boundaries.load_population(2020)
    inside = population[population["unit_code"].isin(set(lookup.loc[lookup[geography].notna(), "unit_code"]))]
    assert ladder["age0_2"].sum() == pytest.approx(inside["age0_2"].sum())
    shares = ladder[[f"share_{LEVEL_SLUGS[lv]}" for lv in LEVELS]].sum(axis=1)
    assert np.allclose(shares[ladder["age0_2"] > 0], 1.0)


def test_synthetic_foi_file_gives_levels_1_and_0_only_inside_its_geography(mirror):
    """The FOI fixture is SYNTHETIC (made-up replies for real 2018 CCGs): used only to test the wiring."""
    from mapping.analysis.ladder import compute_ladder, foi_areas_from_file
    from mapping.analysis.selection import Selection, load_inputs

    foi_areas, synthetic = foi_areas_from_file(str(FIXTURE))
    assert synthetic
    ladder = compute_ladder(load_inputs(Selection("uk2018", 2019, date(2019, 6, 30))), foi_areas=foi_areas,
                            geometry=False)
    england = ladder["nation"] == "England"
    assert (ladder.loc[~england, ["age0_2_level_1", "age0_2_level_0"]] == 0).all().all()
    no_team = ladder[england & (ladder["age0_2_level_3"] == 0) & (ladder["age0_2_level_2"] == 0)]
    answers = foi_areas.set_index("code")
    assert len(no_team) > 100
    for code, level, replies in zip(no_team["code"], no_team["level"], no_team["foi_reply_ids"]):
        accepts = answers.loc[code, "accepts"]
        assert level == ("unknown" if pd.isna(accepts) else ("1" if accepts else "0")), code
        # The chosen reply is the evidence, even when it is not usable (it then explains the "unknown").
        reply = answers.loc[code, "reply_id"]
        assert replies == ("" if pd.isna(reply) else reply), code
    assert {"1", "0", "unknown"} <= set(no_team["level"])


# --- the command line ------------------------------------------------------------------------------


def test_cli_ladder_csv_json_geojson_and_summary(mirror, tmp_path, capsys):
    from mapping.cli import main

    base = ["ladder", "--geography", "uk2018", "--year", "2019", "--as-of", "2019-06-30"]
    assert main([*base, "--out", str(tmp_path / "l.csv")]) == 0
    table = pd.read_csv(tmp_path / "l.csv", dtype={"level": str})
    assert len(table) == 221
    for column in ("code", "name", "nation", "level", "share_level_3", "share_unknown", "teams",
                   "specialist_source", "foi_reply_ids"):
        assert column in table.columns
    assert main([*base, "--format", "geojson", "--out", str(tmp_path / "l.geojson")]) == 0
    features = json.loads((tmp_path / "l.geojson").read_text())["features"]
    assert len(features) == 221 and features[0]["geometry"] is not None
    assert main([*base, "--summary", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [row["scope"] for row in summary] == ["United Kingdom", "England", "Wales", "Scotland", "Northern Ireland"]
    assert sum(summary[0][f"share_{s}"] for s in LEVEL_SLUGS.values()) == pytest.approx(1.0)


def test_cli_ladder_bad_input_gets_a_clear_error(mirror, tmp_path, capsys):
    from mapping.cli import main

    base = ["ladder", "--geography", "uk2018", "--year", "2019"]
    assert main([*base, "--foi", str(tmp_path / "missing.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([*base, "--summary", "--format", "geojson"]) == 2
    assert "no geometry" in capsys.readouterr().err
    assert main(["ladder", "--geography", "nowhere", "--year", "2019"]) == 2
    assert main(["ladder", "--geography", "uk2018", "--year", "2018"]) == 2
