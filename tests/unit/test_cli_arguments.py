"""Arguments every command shares (issue 11, finding 9): one ``--out``/``--force`` pair for every command that
writes a file, and one ``--as-of`` range. No real data is read: the frames are SYNTHETIC stand-ins."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

import pandas as pd
import pytest

from mapping.cli import build_parser, main
from mapping.cli import options as O


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every (sub-)command's parser by its name, e.g. 'foi classify'."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in _subparsers(sub).items()})
    return found


def test_every_command_with_out_also_has_force():
    commands = _subparsers(build_parser())
    with_out = {name for name, sub in commands.items()
                if any("--out" in a.option_strings for a in sub._actions)}
    assert {"gaps", "ladder", "reach", "foi classify", "report"} <= with_out
    for name in with_out:
        assert any("--force" in a.option_strings for a in commands[name]._actions), name


def test_every_as_of_uses_the_one_range_checked_type():
    for name, sub in _subparsers(build_parser()).items():
        for action in sub._actions:
            if "--as-of" in action.option_strings:
                assert action.type is O.as_of_date, name


def test_the_ends_of_the_range_are_accepted(monkeypatch):
    monkeypatch.setattr(O, "today", lambda: date(2025, 3, 15))
    earliest, latest = O.as_of_range()
    assert O.as_of_date(earliest.isoformat()) == earliest
    assert O.as_of_date(latest.isoformat()) == latest
    for outside in (earliest - timedelta(days=1), latest + timedelta(days=1)):
        with pytest.raises(argparse.ArgumentTypeError, match="outside the data"):
            O.as_of_date(outside.isoformat())


def test_a_badly_formed_date_still_says_why():
    with pytest.raises(argparse.ArgumentTypeError, match="month 13"):
        O.as_of_date("2020-13")


def test_reach_out_needs_force_like_every_other_command(monkeypatch, tmp_path, capsys):
    import mapping.analysis.reach as reach
    import mapping.analysis.selection as selection

    monkeypatch.setattr(selection, "load_inputs", lambda s: None)  # no real data: the figures are stand-ins
    monkeypatch.setattr(reach, "compute_reach", lambda *a, **k: pd.DataFrame(
        {"code": ["X01"], "name": ["=SYNTHETIC()"], "reach": [-0.5]}))
    target = tmp_path / "reach.csv"
    target.write_text("kept")
    argv = ["reach", "--geography", "uk2023", "--year", "2020", "--as-of", "2023-09-01", "--out", str(target)]
    assert main(argv) == 2
    assert "--force" in capsys.readouterr().err and target.read_text() == "kept"
    assert main([*argv, "--force"]) == 0
    assert target.read_text().splitlines()[1] == "X01,'=SYNTHETIC(),-0.5"


def test_check_out_is_quiet_for_standard_output():
    O.check_out(argparse.Namespace(out=None, force=False))


def test_a_bare_year_means_1_july_the_one_date_rule(monkeypatch):
    monkeypatch.setattr(O, "today", lambda: date(2025, 3, 15))
    assert O.as_of_date("2020") == date(2020, 7, 1)
    assert O.as_of_date("2020-03") == date(2020, 3, 1)
    assert O.as_of_date("2025") == date(2025, 3, 15)  # this year's 1 July is still to come: today
    assert "1 July" in O.as_of_help("teams")


def test_every_command_builds_its_selection_one_way(monkeypatch):
    from mapping.analysis.selection import Selection

    monkeypatch.setattr(O, "today", lambda: date(2024, 5, 6))
    args = build_parser().parse_args(["gaps", "--geography", "uk2023", "--year", "2020", "--age", "0"])
    assert O.selection_from(args) == Selection("uk2023", 2020, date(2024, 5, 6), age="0")
    args = build_parser().parse_args(["ladder", "--geography", "ccg2018", "--year", "2019", "--as-of", "2019"])
    assert O.selection_from(args) == Selection("ccg2018", 2019, date(2019, 7, 1), age="0-2")


def test_a_bad_selection_is_a_user_error_not_a_traceback(capsys):
    assert main(["gaps", "--geography", "nowhere", "--year", "2020", "--as-of", "2023-09-01"]) == 2
    assert "unknown geography 'nowhere'" in capsys.readouterr().err
    assert main(["reach", "--geography", "uk2023", "--year", "1999", "--as-of", "2023-09-01"]) == 2
    assert "1999" in capsys.readouterr().err


def test_the_commands_are_imported_by_name_not_by_string():
    import inspect

    import mapping.cli

    source = inspect.getsource(mapping.cli)
    assert "importlib" not in source
    assert all(hasattr(module, "register") for module in mapping.cli.COMMAND_MODULES)
