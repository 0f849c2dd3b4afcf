"""The map of change: what happened to the teams, and to the babies they cover, between two dates.

A reader comparing "2019" with "today" wants two answers: which teams started, closed or changed what they
do (status or catchment), and whose coverage changed because of it. Both come from one selection of inputs
read at two dates (:class:`mapping.analysis.selection.Selection` differing only in ``as_of``), so the
geography, population year, age band, register and evidence grades are the same on both sides and every
difference is the teams'.

Teams. A team counts as *present* on a date when the register has a row for it current on that date with
status operating or in development (:data:`mapping.inputs.vocabulary.TEAM_MARKER_STATUSES`, the teams drawn
on the map); a closed row, or no row, is absent. Rows of CAMHS areas with specialist practitioners only are
not teams and never appear. Between the two dates a team has:

- ``started``: absent at the first date, present at the second;
- ``closed``: present at the first, absent at the second (a team whose period ends on 30 June 2021 is present
  on 1 July 2019 and absent on 1 July 2022);
- ``status changed``: present at both with different statuses (in development, then operating);
- ``catchment changed``: present at both with different catchment areas (the same areas in another order are
  the same catchment);
- ``grade changed``: present at both with different evidence grades (the grade belongs to a row).

Presence is read from the register's rows of any grade, and a team is listed when a row of the selection's
grades is current at either date: so with only Foundation-named teams selected, a team the Foundation named
while in development and its NHS body describes once operating has its status and grade changed, not a
closure (its coverage, like every figure of the selection, counts only the selected grades). A team with
several changes has **one row per change**. Other changes of a row (its name) are not listed. The list covers
the whole register, whatever the geography.

Babies. Coverage is the coverage rule of :func:`mapping.analysis.coverage.compute_gaps`, through the same
code (:func:`mapping.analysis.coverage.covering_units`, :func:`mapping.analysis.coverage.coverage_by_area`):
a small area is covered on a date when it lies in the catchment of a team operating on that date. ``gained``
sums the babies (the selection's age band and population year) of the small areas covered at the second
date but not the first, ``lost`` the reverse; so an area covered in part at both dates by different small
areas shows both. ``covered_before`` and ``covered_after`` equal the ``covered_`` column of
``compute_gaps`` at each date, and ``net = covered_after - covered_before``, which equals ``gained - lost``
up to the rounding of float sums (Northern Ireland's estimated babies are fractional).

Pure: everything comes from the two :class:`~mapping.analysis.selection.Inputs`; nothing is read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import pandas as pd

from boundaries.catalogue import NATIONS as UK_NATIONS
from mapping.analysis.coverage import coverage_by_area, covering_units
from mapping.errors import ChangesError
from mapping.inputs.teams import parse_catchment
from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, TeamStatus

if TYPE_CHECKING:
    from mapping.analysis.selection import Inputs, Register, Selection

__all__ = [
    "AREA_COLUMNS",
    "TEAM_COLUMNS",
    "TOTAL_COLUMNS",
    "Changes",
    "TeamChange",
    "compute_changes",
    "long_date",
    "summary_text",
]


class TeamChange(StrEnum):
    """What happened to a team between the two dates (the ``change`` column of :attr:`Changes.teams`)."""

    STARTED = "started"
    CLOSED = TeamStatus.CLOSED.value  # the register's own word for an end, written once in the vocabulary
    STATUS = "status changed"
    CATCHMENT = "catchment changed"
    GRADE = "grade changed"


TEAM_COLUMNS: tuple[str, ...] = ("team_id", "name", "nation", "evidence_grade", "change", "status_before",
                                 "status_after", "grade_before", "grade_after", "catchment_before", "catchment_after")
AREA_COLUMNS: tuple[str, ...] = ("code", "name", "nation", "babies", "covered_before", "covered_after", "gained",
                                 "lost", "net", "teams_before", "teams_after")
TOTAL_COLUMNS: tuple[str, ...] = ("scope", "areas", "babies", "covered_before", "covered_after", "gained", "lost",
                                  "net", "teams_started", "teams_closed", "teams_status_changed",
                                  "teams_catchment_changed", "teams_grade_changed")
_BABY_COLUMNS = ("babies", "covered_before", "covered_after", "gained", "lost", "net")
_CHANGE_ORDER = {c: i for i, c in enumerate(TeamChange)}
_TOTAL_COUNTS = {TeamChange.STARTED: "teams_started", TeamChange.CLOSED: "teams_closed",
                 TeamChange.STATUS: "teams_status_changed", TeamChange.CATCHMENT: "teams_catchment_changed",
                 TeamChange.GRADE: "teams_grade_changed"}
UK = "UK"


@dataclass(frozen=True, eq=False)
class Changes:
    """The map of change between ``before.as_of`` and ``after.as_of`` (module docstring for the rules).

    ``teams``: one row per team per change (:data:`TEAM_COLUMNS`), in the order started, closed, status
    changed, catchment changed, grade changed, then by nation and name; statuses, grades and catchments are
    empty text where the team has no row on that date (a catchment also where the row is closed);
    ``evidence_grade`` is the grade of the team's row in the selection (the later date's when present).
    ``areas``: one row per area of the geography
    (:data:`AREA_COLUMNS`; ``teams_before``/``teams_after`` list the operating teams serving it, as
    ``compute_gaps``' ``teams``). ``totals``: the UK (every area of the geography, every team change) and each
    nation with an area or a team change (:data:`TOTAL_COLUMNS`; ``areas`` says how many areas are summed).
    """

    before: Selection
    after: Selection
    register: Register  # the register both dates are read from
    teams: pd.DataFrame = field(repr=False)
    areas: pd.DataFrame = field(repr=False)
    totals: pd.DataFrame = field(repr=False)

    @property
    def age(self) -> str:
        return self.after.age

    @property
    def year(self) -> int:
        return self.after.year

    @property
    def geography(self) -> str:
        return self.after.geography

    def total(self, scope: str = UK) -> dict:
        """The totals row of ``scope`` (``"UK"`` or a nation) as a dict."""
        rows = self.totals[self.totals["scope"] == scope]
        if rows.empty:
            raise ChangesError(f"no totals for {scope!r}; scopes: {', '.join(self.totals['scope'])}")
        return rows.iloc[0].to_dict()


# --- the two selections --------------------------------------------------------------------------------------


def _check_comparable(before: Inputs, after: Inputs) -> None:
    """Refuse two inputs that are not one selection at two dates, naming every field that differs."""
    a, b = before.selection, after.selection
    differs = [f"{label} ({x} at {a.as_of.isoformat()}, {y} at {b.as_of.isoformat()})"
               for label, x, y in (("geography", a.geography, b.geography),
                                   ("population year", a.year, b.year),
                                   ("age band", a.age, b.age),
                                   ("evidence grades", _grades(a.grades), _grades(b.grades)),
                                   ("FOI replies", _foi(a), _foi(b)))
               if x != y]
    if before.register.sha256 != after.register.sha256:
        differs.append(f"register of teams ({before.register.source}, sha256 {before.register.sha256[:12]}, and "
                       f"{after.register.source}, sha256 {after.register.sha256[:12]})")
    if differs:
        raise ChangesError("the two dates must be compared on the same selection, differing only in the date; "
                           "these differ: " + "; ".join(differs))
    if a.as_of > b.as_of:
        raise ChangesError(f"the first date ({a.as_of.isoformat()}) is after the second ({b.as_of.isoformat()}): "
                           "give the earlier date first")


def _grades(grades: tuple[str, ...] | None) -> str:
    return "all" if grades is None else "+".join(grades)


def _foi(selection: Selection) -> str:
    return "none" if selection.foi is None else f"{selection.foi.file_name} (sha256 {selection.foi.sha256[:12]})"


# --- teams -----------------------------------------------------------------------------------------------------


def _current(inputs: Inputs, *, graded: bool = True) -> dict[str, pd.Series]:
    """The register row of each team current on the date (any status but specialist practitioners only): of the
    selection's grades, or with ``graded`` False of any grade."""
    from mapping.inputs.teams import teams_as_of

    rows = inputs.teams if graded else teams_as_of(inputs.register.teams, inputs.selection.as_of)
    rows = rows[rows["status"] != TeamStatus.SPECIALIST]
    repeated = sorted(set(rows.loc[rows["team_id"].duplicated(), "team_id"]))
    if repeated:
        raise ChangesError(f"team(s) {', '.join(repeated)} have more than one register row current on "
                           f"{inputs.selection.as_of.isoformat()}; a team has one status at a time")
    return {str(row["team_id"]): row for _, row in rows.iterrows()}


def _present(row: pd.Series | None) -> bool:
    return row is not None and row["status"] in TEAM_MARKER_STATUSES


def _catchment(row: pd.Series | None) -> str:
    return str(row["catchment"]) if row is not None and _present(row) else ""


def _kinds(old: pd.Series | None, new: pd.Series | None) -> list[TeamChange]:
    if _present(old) and not _present(new):
        return [TeamChange.CLOSED]
    if _present(new) and not _present(old):
        return [TeamChange.STARTED]
    if old is None or new is None or not _present(old):
        return []
    kinds = []
    if old["status"] != new["status"]:
        kinds.append(TeamChange.STATUS)
    if set(parse_catchment(str(old["catchment"]))) != set(parse_catchment(str(new["catchment"]))):
        kinds.append(TeamChange.CATCHMENT)
    if old["evidence_grade"] != new["evidence_grade"]:
        kinds.append(TeamChange.GRADE)
    return kinds


def _team_changes(before: Inputs, after: Inputs) -> pd.DataFrame:
    # The teams of the selection's grades at either date, and each one's rows of any grade: a team whose grade
    # takes it in or out of the selection has its grade changed, it has not started or closed.
    in_selection = set(_current(before)) | set(_current(after))
    then, now = _current(before, graded=False), _current(after, graded=False)
    graded_then, graded_now = _current(before), _current(after)
    records = []
    for team_id in sorted(in_selection):
        old, new = then.get(team_id), now.get(team_id)
        shown = graded_now.get(team_id) if _present(graded_now.get(team_id)) else graded_then.get(team_id)
        if shown is None:
            shown = new if new is not None else old
        assert shown is not None
        for kind in _kinds(old, new):
            records.append({
                "team_id": team_id, "name": str(shown["name"]), "nation": str(shown["nation"]),
                "evidence_grade": str(shown["evidence_grade"]), "change": str(kind),
                "status_before": "" if old is None else str(old["status"]),
                "status_after": "" if new is None else str(new["status"]),
                "grade_before": "" if old is None else str(old["evidence_grade"]),
                "grade_after": "" if new is None else str(new["evidence_grade"]),
                "catchment_before": _catchment(old), "catchment_after": _catchment(new),
            })
    table = pd.DataFrame(records, columns=list(TEAM_COLUMNS), dtype=object)
    if table.empty:
        return table
    nation_order = {n: i for i, n in enumerate(UK_NATIONS)}
    keys = pd.DataFrame({"change": table["change"].map(_CHANGE_ORDER),
                         "nation": table["nation"].map(lambda n: nation_order.get(n, len(nation_order))),
                         "name": table["name"].str.casefold(), "team_id": table["team_id"]})
    return table.loc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(drop=True)


# --- babies ----------------------------------------------------------------------------------------------------


def _area_changes(before: Inputs, after: Inputs) -> pd.DataFrame:
    selection = after.selection
    band = selection.band
    units_before, units_after = covering_units(before), covering_units(after)
    gained_units = units_after[~units_after["unit_code"].isin(set(units_before["unit_code"]))]
    lost_units = units_before[~units_before["unit_code"].isin(set(units_after["unit_code"]))]

    def by_area(units: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
        return coverage_by_area(units, inputs.population, inputs.lookup, inputs.areas, selection.geography,
                                age=selection.age).set_index("code")

    then, now = by_area(units_before, before), by_area(units_after, after)
    gained, lost = by_area(gained_units, after), by_area(lost_units, before)
    out = after.areas[["code", "name", "nation"]].reset_index(drop=True).copy()
    codes = out["code"]
    out["babies"] = now[band].reindex(codes).to_numpy()
    out["covered_before"] = then[f"covered_{band}"].reindex(codes).to_numpy()
    out["covered_after"] = now[f"covered_{band}"].reindex(codes).to_numpy()
    out["gained"] = gained[f"covered_{band}"].reindex(codes).to_numpy()
    out["lost"] = lost[f"covered_{band}"].reindex(codes).to_numpy()
    out["net"] = out["covered_after"] - out["covered_before"]
    out["teams_before"] = then["teams"].reindex(codes).to_numpy()
    out["teams_after"] = now["teams"].reindex(codes).to_numpy()
    for column in _BABY_COLUMNS:
        out[column] = out[column].astype(float)
    return out[list(AREA_COLUMNS)]


def _totals(areas: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    nations = [n for n in UK_NATIONS if (areas["nation"] == n).any() or (teams["nation"] == n).any()]
    rows = []
    for scope in (UK, *nations):
        in_areas = areas if scope == UK else areas[areas["nation"] == scope]
        in_teams = teams if scope == UK else teams[teams["nation"] == scope]
        row: dict[str, object] = {"scope": scope, "areas": int(len(in_areas))}
        row.update({c: float(in_areas[c].sum()) for c in _BABY_COLUMNS})
        row.update({column: int(in_teams.loc[in_teams["change"] == kind, "team_id"].nunique())
                    for kind, column in _TOTAL_COUNTS.items()})
        rows.append(row)
    return pd.DataFrame(rows, columns=list(TOTAL_COLUMNS))


def compute_changes(before: Inputs, after: Inputs) -> Changes:
    """The teams that started, closed or changed, and the babies whose coverage changed, from ``before``'s date
    to ``after``'s. The two inputs must be one selection at two dates (``after`` not earlier), else
    :class:`~mapping.errors.ChangesError` says what differs."""
    _check_comparable(before, after)
    teams = _team_changes(before, after)
    areas = _area_changes(before, after)
    return Changes(before=before.selection, after=after.selection, register=after.register, teams=teams,
                   areas=areas, totals=_totals(areas, teams))


# --- words -----------------------------------------------------------------------------------------------------


def long_date(day: date) -> str:
    """``1 July 2019``."""
    return f"{day.day} {day:%B %Y}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _babies(value: float) -> str:
    return f"{value:,.0f}"


def summary_text(changes: Changes, scopes: Iterable[str] = (UK,)) -> str:
    """The change in one sentence per scope, with the population year and geography said, e.g. "Between 1 July
    2019 and 1 July 2022: 9 teams started, 1 closed, 2 changed status, 0 changed catchment; 4,000 babies aged
    0-2 gained a team's coverage, 1,000 lost it (net +3,000). Mid-2020 population, areas of uk2023." """
    lines = []
    for scope in scopes:
        row = changes.total(scope)
        where = "" if scope == UK else f" in {scope}"
        lines.append(
            f"Between {long_date(changes.before.as_of)} and {long_date(changes.after.as_of)}{where}: "
            f"{_count(row['teams_started'], 'team')} started, {row['teams_closed']} closed, "
            f"{row['teams_status_changed']} changed status, {row['teams_catchment_changed']} changed catchment"
            + (f", {row['teams_grade_changed']} changed evidence grade" if row["teams_grade_changed"] else "") + "; "
            f"{_babies(row['gained'])} babies aged {changes.age} gained a team's coverage, "
            f"{_babies(row['lost'])} lost it (net {row['net']:+,.0f}).")
    lines.append(f"Mid-{changes.year} population (the same at both dates, so only the teams change), "
                 f"areas of {changes.geography}.")
    return "\n".join(lines)
