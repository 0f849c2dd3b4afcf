"""FOI value checks against the real population: the UK-wide limits and each area's children.

The replies are the SYNTHETIC Rare Jewels fixture (tests/fixtures); the areas and populations are the
real ones from the data mirror (``mirror`` fixture). Moved from tests/unit/test_foi_hostile_values.py,
whose tests use synthetic areas and populations only.
"""

from __future__ import annotations

import pandas as pd
from upload_helpers import FOI_FIXTURE

from mapping.inputs.foi import PopulationTables, validate_replies
from mapping.inputs.foi_schema import COUNT_CEILING, UK_COUNT_LIMITS


def test_uk_limits_hold_the_real_uk_population(mirror):
    """The fixed limits are above the UK's children of each age in every year this project holds (real data)."""
    import boundaries

    for year in boundaries.POPULATION_YEARS:
        uk = boundaries.load_population(year)
        for age, limit in UK_COUNT_LIMITS.items():
            assert uk[age].sum() < limit < 2 * uk[age].sum(), (year, age)
    assert COUNT_CEILING >= max(UK_COUNT_LIMITS.values())


def test_synthetic_fixture_passes_the_real_population_limits(mirror):
    """The SYNTHETIC Rare Jewels fixture gives the same issues and replies with the real population limits."""
    from mapping.inputs.foi_io import AreaTables, read_replies

    raw = read_replies(FOI_FIXTURE)
    tables = AreaTables()
    plain = validate_replies(raw, tables)
    limited = validate_replies(raw, tables, population=PopulationTables.from_boundaries())
    assert limited.issues == plain.issues and not limited.errors
    pd.testing.assert_frame_equal(limited.replies, plain.replies)


def test_cli_check_applies_the_area_population_limit(mirror, tmp_path, capsys):
    """The real inputs: `pimap foi check` checks counts against the named area's children (SYNTHETIC
    fixture with one count raised above NHS Ashford CCG's babies but under the UK-wide limit)."""
    from mapping.cli import main

    lines = FOI_FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("SYN-CCG-002,"))
    cells = lines[row].split(",")
    header = next(line for line in lines if line.startswith("reply_id,")).split(",")
    cells[header.index("referrals_0_12")] = "90000"
    lines[row] = ",".join(cells)
    bad = tmp_path / "synthetic_raised_count.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    assert main(["foi", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"row {row + 1}, column referrals_0_12" in out and "90,000 children aged 0-12 months referred" in out
