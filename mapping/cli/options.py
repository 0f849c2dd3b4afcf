"""Options shared by the sub-commands, so every command reads a date, a selection and an output the same way."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from mapping.errors import PimapError
from mapping.inputs.vocabulary import GRADE_CHOICES

if TYPE_CHECKING:
    from mapping.analysis.selection import Register, Selection

# Used only when data/teams.csv cannot be read (the teams loader then says why): the year before which no
# parent-infant team, FOI reply or boundary in this project's data exists.
FALLBACK_EARLIEST = date(2000, 1, 1)


def today() -> date:
    """Today's date; a function so tests can set "today"."""
    return date.today()


@lru_cache(maxsize=1)
def earliest_team_start() -> date:
    """The earliest ``from`` date in data/teams.csv: before it the data holds no team, so no answer."""
    from boundaries.config import teams_path
    from mapping.inputs.dates import parse_date
    from mapping.inputs.teams import read_teams_csv

    try:
        starts = [parse_date(text).date() for text in read_teams_csv(teams_path())["from"] if str(text).strip()]
    except (PimapError, ValueError, KeyError, OSError):
        return FALLBACK_EARLIEST
    return min(starts, default=FALLBACK_EARLIEST)


def as_of_range(*, now: date | None = None) -> tuple[date, date]:
    """The dates ``--as-of`` accepts: from the earliest team start in data/teams.csv to today (or ``now``)."""
    return earliest_team_start(), now if now is not None else today()


def as_of_date(text: str) -> date:
    """argparse type: YYYY, YYYY-MM or YYYY-MM-DD within :func:`as_of_range`, read by the one date rule
    (:func:`mapping.inputs.dates.as_of_date`: a bare year means 1 July of it, a month its first day)."""
    from mapping.inputs.dates import as_of_date as parse_as_of

    try:
        value = parse_as_of(text, today=today())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    earliest, latest = as_of_range()
    if not earliest <= value <= latest:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the data: give a date from {earliest.isoformat()} (the earliest team start in "
            f"data/teams.csv) to today, {latest.isoformat()}")
    return value


def as_of_help(what: str) -> str:
    """The --as-of help text, stating the rule for a bare year and the range (the lower end read from the data)."""
    return (f"{what} on this date: YYYY-MM-DD, YYYY-MM (its first day) or YYYY (1 July of it, mid-year), from "
            f"{earliest_team_start().isoformat()} (the earliest team start in data/teams.csv) to today "
            "(default today)")


def add_as_of_argument(parser: argparse.ArgumentParser, what: str = "teams") -> None:
    parser.add_argument("--as-of", type=as_of_date, default=None, metavar="DATE", help=as_of_help(what))


def add_teams_argument(parser: argparse.ArgumentParser, *aliases: str) -> None:
    """``--teams FILE`` (stored as ``args.teams``): the register of teams to use instead of the built-in one."""
    parser.add_argument("--teams", *aliases, dest="teams", type=Path, default=None, metavar="FILE",
                        help="register of teams to use (.csv or .xlsx in the schema of data/teams.csv; "
                        "default: PIMAP_TEAMS_FILE when set, else data/teams.csv); a bad file is refused with "
                        "every problem as 'row N, column C: message'")




def year_help() -> str:
    """The help of every --year: the population years, and what each holds (boundaries.population.year_contents)."""
    import boundaries

    return "mid-year population: " + "; ".join(f"{y} ({boundaries.population.year_contents(y)})"
                                               for y in boundaries.POPULATION_YEARS)


def add_grades_argument(parser: argparse.ArgumentParser) -> None:
    """``--grades``: which evidence grades count as a team (GRADE_CHOICES; default every team named)."""
    parser.add_argument("--grades", choices=list(GRADE_CHOICES), default="all",
                        help="which teams count: 'all' named in public sources (default), or 'foundation', only those "
                             "the Parent-Infant Foundation names (data/README.md defines the evidence grades)")


def add_selection_arguments(parser: argparse.ArgumentParser, *, age: bool = False) -> None:
    """Geography, population year, the date teams are taken on and the register (and, with ``age``, the age band)."""
    parser.add_argument("--geography", required=True, help="geography id, e.g. uk2018, uk2023, ccg2018")
    parser.add_argument("--year", type=int, required=True, help=year_help())
    add_as_of_argument(parser, "teams (and specialist areas) current")
    add_teams_argument(parser)
    add_grades_argument(parser)
    if age:
        parser.add_argument("--age", choices=("0", "0-2"), default="0-2", help="age band for share covered")


def register_from(args: argparse.Namespace) -> Register | None:
    """The register a command's arguments stand for: ``--teams FILE``, else ``PIMAP_TEAMS_FILE`` when it is
    set, else None (the built-in ``data/teams.csv``). Any other register is named on standard error, so
    the output on standard output stays what the same rows built in would give."""
    from boundaries import config
    from mapping.analysis.selection import register_from_file
    from mapping.errors import TeamsFileError

    given = getattr(args, "teams", None)
    path, origin = (given, "--teams") if given is not None else (config.teams_file(), config.TEAMS_FILE.name)
    if path is None:
        return None
    if not Path(path).is_file():
        raise PimapError(f"teams register {str(path)!r} (from {origin}) is not a file")
    try:
        register = register_from_file(path)
    except TeamsFileError as exc:
        raise PimapError(f"teams register (from {origin}) refused: {exc}") from None
    for notice in register.teams.attrs.get("notices", []):
        print(f"{path}: {notice}", file=sys.stderr)
    print(f"teams: register {register.source} (from {origin}, sha256 {register.sha256[:12]}), "
          f"{len(register.teams)} rows", file=sys.stderr)
    return register


def selection_from(args: argparse.Namespace) -> Selection:
    """The :class:`mapping.analysis.selection.Selection` a command's arguments stand for: ``--geography``,
    ``--year``, ``--as-of`` (default today), ``--age`` (default 0-2) and the register (:func:`register_from`).

    Every command that computes figures builds its selection here, so they all read the options one way;
    the register is read once per parsed command line and kept on ``args``."""
    from mapping.analysis.selection import Selection

    if not hasattr(args, "_register"):
        args._register = register_from(args)
    return Selection(geography=args.geography, year=args.year, as_of=args.as_of or today(),
                     age=getattr(args, "age", None) or "0-2", register=args._register,
                     grades=GRADE_CHOICES[getattr(args, "grades", None) or "all"])


# --- output files -----------------------------------------------------------------------------------------


def add_output_arguments(parser: argparse.ArgumentParser, *, flags: tuple[str, ...] = ("--out",),
                         help: str = "output file (default: standard output)") -> None:
    """``--out PATH`` (stored as ``args.out``) and ``--force`` to replace an existing file."""
    parser.add_argument(*flags, dest="out", type=Path, default=None, metavar="PATH", help=help)
    parser.add_argument("--force", action="store_true", help="replace PATH if it already exists")


def _flagged(exc: PimapError) -> PimapError:
    """The library's message with the command-line fix for an existing file."""
    from mapping.errors import OutputExistsError

    if isinstance(exc, OutputExistsError):
        return PimapError(str(OutputExistsError(exc.path, "pass --force to replace it")))
    return exc


def check_out(args: argparse.Namespace) -> None:
    """Refuse a bad ``--out`` before the command computes anything."""
    from mapping.errors import OutputError
    from mapping.present.outputs import check_output_file

    if getattr(args, "out", None) is not None:
        try:
            check_output_file(args.out, overwrite=args.force)
        except OutputError as exc:
            raise _flagged(exc) from None


def emit(args: argparse.Namespace, data: str | bytes) -> None:
    """Write to ``--out`` (atomically, :func:`mapping.present.outputs.write_output`) or to standard output."""
    from mapping.errors import OutputError
    from mapping.present.outputs import write_output

    if args.out is None:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_output(args.out, data, overwrite=args.force)
    except OutputError as exc:
        raise _flagged(exc) from None


def emit_with(args: argparse.Namespace, writer: Callable[[Path], None]) -> None:
    """Let ``writer`` write ``--out`` through a temporary file (:func:`mapping.present.outputs.write_output_with`)."""
    from mapping.errors import OutputError
    from mapping.present.outputs import write_output_with

    try:
        write_output_with(args.out, writer, overwrite=args.force)
    except OutputError as exc:
        raise _flagged(exc) from None
