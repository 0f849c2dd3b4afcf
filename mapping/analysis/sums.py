"""The one small-area to area sum: every figure per area is a sum over the small areas the lookup puts in it.

Coverage, the ladder, reach, the population per area and the FOI's population shares all add small-area
values up to the areas of a geography. They do it here, one way: join the small-area table to the lookup's
column for the geography (left order kept, so sums add in the same order every time), drop the small areas
the geography does not cover, and group by area code, sorted.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["to_areas", "sum_to_areas"]


def to_areas(frame: pd.DataFrame, lookup: pd.DataFrame, geography: str, *, one_row_per_unit: bool = True) -> pd.DataFrame:
    """``frame`` (with ``unit_code``) with a ``code`` column: the area of ``geography`` each small area is in.

    Small areas outside the geography (no code in the lookup) and small areas not in the lookup are left
    out. ``one_row_per_unit`` checks that ``frame`` holds each small area once (a population table); pass
    False for tables with several rows per small area (one per team, say).
    """
    if geography in frame.columns and geography != "unit_code":
        frame = frame.drop(columns=geography)
    joined = frame.merge(lookup[["unit_code", geography]], on="unit_code", how="inner",
                         validate="1:1" if one_row_per_unit else "m:1")
    joined = joined[joined[geography].notna()]
    return joined.rename(columns={geography: "code"})


def sum_to_areas(
    frame: pd.DataFrame,
    lookup: pd.DataFrame,
    geography: str,
    columns: Sequence[str],
    *,
    any_columns: Sequence[str] = (),
    count: str | None = None,
    by: str | None = None,
    one_row_per_unit: bool = True,
) -> pd.DataFrame:
    """Sum ``columns`` of a small-area table to the areas of ``geography``; index ``code``, sorted.

    ``any_columns`` are boolean columns that are True for an area when any of its small areas is
    (``estimated``); ``count`` names a column holding the number of rows (small areas) summed;
    ``by`` adds a second key (a level, a class) so the index is ``(code, by)``. Areas with no small
    area in ``frame`` get no row: callers reindex to their area table.

    Notes
    -----
    ``sum_c(area) = sum of c over the rows of frame whose small area the lookup puts in area``.
    """
    joined = to_areas(frame, lookup, geography, one_row_per_unit=one_row_per_unit)
    keys = ["code"] if by is None else ["code", by]
    grouped = joined.groupby(keys, sort=True)
    out = grouped[list(columns)].sum()
    for column in any_columns:
        out[column] = grouped[column].any()
    if count is not None:
        out[count] = grouped.size()
    return out
