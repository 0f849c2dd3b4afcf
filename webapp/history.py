"""Cached areas over time for the app (mapping.analysis.history), shared by every session.

The history of every area of a geography is computed once per data version, register, grades and day
(:func:`history_all`), and each page picks its areas from it (:func:`history_table`), so choosing another
area to compare costs nothing.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from mapping.analysis.selection import Register
from webapp.data import Grades, _cached


@_cached
def history_all(version: str, geography: str, today: date, *, register: Register | None = None,
                grades: Grades = None) -> pd.DataFrame:
    """:func:`mapping.analysis.history.history_for` of every area: 1 July of each year from 2019, then
    ``today`` (part of the key, so a server running past midnight adds the new day)."""
    from mapping.analysis.history import history_dates, history_for

    return history_for(geography, history_dates(today), register=register, grades=grades)


def history_table(version: str, geography: str, codes: tuple[str, ...], *, register: Register | None = None,
                  grades: Grades = None, today: date | None = None) -> pd.DataFrame:
    """:func:`mapping.analysis.history.area_history` of ``codes`` (in their order, then by date), from the
    cached history of every area; an unknown code is refused (AreaNotFound), naming it."""
    from mapping.analysis.history import pick_areas

    history = history_all(version, geography, today or date.today(), register=register, grades=grades)
    return pick_areas(history, codes, geography)
