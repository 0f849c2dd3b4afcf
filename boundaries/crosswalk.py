"""From the 42 ICBs of April 2023 to the 36 of April 2026, weighted by babies.

Both ICB columns of the small-area lookup give each small area one ICB of each vintage, so the
small areas two ICBs share carry the babies that moved between them. A commissioner comparing a
2026 ICB with figures published for 2023 ICBs reads here which 2023 ICBs it is made of and what
share of each one's babies it holds.
"""

from __future__ import annotations

import pandas as pd

from boundaries.catalogue import area_table
from boundaries.lookups import load_unit_lookup
from boundaries.population import load_population

__all__ = ["icb_crosswalk", "CROSSWALK_COLUMNS"]

CROSSWALK_COLUMNS = ("icb2026", "icb2026_name", "icb2023", "icb2023_name", "units", "age0_2",
                     "share_of_icb2023", "share_of_icb2026")


def icb_crosswalk(year: int) -> pd.DataFrame:
    """One row per (2026 ICB, 2023 ICB) pair sharing small areas, with the children aged 0-2 at
    mid-``year`` in those small areas.

    ``share_of_icb2023`` is the pair's share of the 2023 ICB's children aged 0-2 (a 2023 ICB's
    shares sum to 1), ``share_of_icb2026`` its share of the 2026 ICB's (likewise). ``units`` counts
    the small areas (LSOA 2011) shared. Sorted by 2026 ICB code, then by share of it, largest first.
    """
    lookup = load_unit_lookup()
    england = lookup.loc[lookup["nation"] == "England", ["unit_code", "icb2023", "icb2026"]]
    babies = load_population(year).set_index("unit_code")["age0_2"]
    england = england.assign(age0_2=england["unit_code"].map(babies).fillna(0.0).astype(float))
    pairs = (england.groupby(["icb2026", "icb2023"], observed=True)
             .agg(units=("unit_code", "size"), age0_2=("age0_2", "sum")).reset_index())
    pairs["share_of_icb2023"] = pairs["age0_2"] / pairs.groupby("icb2023")["age0_2"].transform("sum")
    pairs["share_of_icb2026"] = pairs["age0_2"] / pairs.groupby("icb2026")["age0_2"].transform("sum")
    for gid in ("icb2026", "icb2023"):
        names = area_table(gid).set_index("code")["name"]
        pairs[f"{gid}_name"] = pairs[gid].map(names)
    pairs = pairs.sort_values(["icb2026", "share_of_icb2026"], ascending=[True, False], kind="stable")
    out = pairs[list(CROSSWALK_COLUMNS)].reset_index(drop=True)
    out["units"] = out["units"].astype(int)
    for col in ("icb2026", "icb2026_name", "icb2023", "icb2023_name"):
        out[col] = out[col].astype(str)
    return out
