"""The one date rule for a date given as text (mapping.inputs.dates)."""

from __future__ import annotations

from datetime import date

from mapping.cli import main
from mapping.inputs.dates import as_of_date, mid_year


def test_a_bare_year_means_1_july_and_the_current_year_before_july_means_today():
    assert as_of_date("2019", today=date(2026, 12, 1)) == date(2019, 7, 1)
    assert mid_year(2026, today=date(2026, 3, 5)) == date(2026, 3, 5)
    assert as_of_date("2019-04", today=date(2026, 12, 1)) == date(2019, 4, 1)


def test_a_later_year_is_not_quietly_turned_into_today():
    assert mid_year(2030, today=date(2026, 12, 1)) == date(2030, 7, 1)


def test_the_cli_refuses_a_year_after_today(capsys):
    code = None
    try:
        code = main(["gaps", "--geography", "uk2023", "--year", "2020", "--as-of", "2099"])
    except SystemExit as exc:  # argparse refuses the value
        code = exc.code
    assert code == 2
    assert "2099" in capsys.readouterr().err
