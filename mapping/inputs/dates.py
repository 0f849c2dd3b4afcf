"""The one rule for dates the register, the command line and the app are given as text.

The register's ``from`` and ``to`` are ISO dates that may be partial (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``): a partial start is the first day of its year or month and a partial end the last
(:func:`parse_date`). A published count dated ``2023-09`` is a count known by the end of that
period, so it is read as an end (:func:`period_end`).

A date *to show the teams on* (``--as-of`` on the command line, the app's "Teams as of") given as a
bare year means **1 July** of it: mid-year, the date of the mid-year population estimates and of the
teams-by-year counts, so the teams shown for "2019" are the teams the mid-2019 figures count. Before
1 July of the current year, the year means today. A month means its first day (:func:`as_of_date`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import pandas as pd

__all__ = ["MID_YEAR", "parse_date", "period_end", "as_of_date", "mid_year"]

MID_YEAR = (7, 1)  # (month, day): what a bare year means as a date to show the teams on
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(text: str, *, end: bool = False) -> pd.Timestamp:
    """An ISO date of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a Timestamp.

    Partial dates mean a whole year or month, so a start (``end=False``) is its first day and an
    end (``end=True``) its last day: ``2019`` ends on 2019-12-31, ``2019-04`` on 2019-04-30.
    Raises ``ValueError`` for anything else.
    """
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    if month is None:
        month = 12 if end else 1
    if not 1 <= month <= 12:
        raise ValueError(f"bad date {text!r}: month {month} is not 01-12")
    if day is None:
        day = calendar.monthrange(year, month)[1] if end else 1
    try:
        return pd.Timestamp(date(year, month, day))
    except ValueError:
        raise ValueError(f"bad date {text!r}: no such day") from None


def period_end(text: str) -> date:
    """The last day of the period a published count is dated by (``2023`` -> 2023-12-31)."""
    return parse_date(text, end=True).date()


def mid_year(year: int, *, today: date | None = None) -> date:
    """1 July of ``year``; for the current year before 1 July, ``today``. A later year stays 1 July of it, so a
    caller's range check refuses it rather than this quietly turning it into today."""
    today = today or date.today()
    day = date(int(year), *MID_YEAR)
    return today if year == today.year and day > today else day


def as_of_date(text: str, *, today: date | None = None) -> date:
    """A date to show the teams on: a bare year is :func:`mid_year`, a month its first day, a day itself."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return mid_year(int(text), today=today)
    return parse_date(text).date()
