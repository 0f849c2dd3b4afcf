"""Every name people use for an area: the I/O half of the area search (:mod:`mapping.analysis.search`).

A commissioner types the name they know, which is often not the area's current one: "NHS Leeds CCG"
for the Sub-ICB location "NHS West Yorkshire ICB - 15F", "Kernow" for Cornwall, a local authority, or
a three-character NHS code. For one geography this module lists, per area:

- its current name, its ONS code and the NHS three-character code its name carries ("... ICB - 15F");
- the names and codes of the areas it replaced that share its small areas: CCGs of 2018 to 2021 and the
  Sub-ICB locations of 2022 and 2023 for Sub-ICB locations; for the 2026 ICBs the ICBs of 2022 and 2023
  and the Sub-ICB locations and CCGs they contain;
- the local authorities it covers (districts and unitaries of 2023 and of 2018, counties, Scottish
  council areas, Northern Ireland districts).

An area "holds" another name when it holds some of the named area's small areas; ``share`` is the
share of the named area's children aged 0-2 (mid-:data:`BABIES_YEAR`) that lie in it, so a local
authority split between two areas ranks first for the one with most of its babies. Slivers below
:data:`MIN_SHARE` (generalised edges, centroid noise) are left out.

The table is built from the cached small-area lookup and population, and cached like a layer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache

import pandas as pd

from boundaries.catalogue import LAYER_VERSION, area_table, cached_frame, get_geography, layer_key
from boundaries.fetch import registry
from boundaries.lookups import load_unit_lookup, lookup_key
from boundaries.population import load_population, population_key
from boundaries.readers import read_csv

__all__ = ["names_table", "display_names", "nhs_code", "place_name", "NAMES_COLUMNS", "BABIES_YEAR", "MIN_SHARE"]

# Bump when the recipe changes, so a cached names table is rebuilt.
NAMES_VERSION = "5"
# The population year whose children aged 0-2 weigh a name's share of an area.
BABIES_YEAR = 2024
# A named area holding less than this share of another name's babies does not take that name.
MIN_SHARE = 0.02
_ROW_COLUMNS = ("code", "name", "nation", "alias", "kind", "share", "babies")
NAMES_COLUMNS = ("code", "name", "display_name", "nation", "alias", "kind", "share", "babies")

# Former or contained areas whose names an area keeps, per kind of area: (geography id, kind label).
_ENGLISH_HISTORY = {
    "sub-icb": (("ccg2021", "former CCG"), ("ccg2020", "former CCG"), ("ccg2019", "former CCG"),
                ("ccg2018", "former CCG"), ("sicbl2022", "former Sub-ICB location")),
    "icb": (("icb2023", "2023 ICB"), ("icb2022", "2022 ICB"), ("sicbl2023", "Sub-ICB location"),
            ("ccg2021", "former CCG"), ("ccg2018", "former CCG")),
}
_AUTHORITIES = (("lad2023", "local authority"), ("ctyua2023", "county"), ("lad2018", "former district"))
# The label of a local authority per nation (Scotland's are council areas, Northern Ireland's districts).
_AUTHORITY_LABEL = {"Scotland": "council area", "Northern Ireland": "district"}
_NHS_CODE = re.compile(r"\s-\s([0-9A-Z]{3,5})\s*$")


def nhs_code(name: str) -> str | None:
    """The NHS three-character code a Sub-ICB location's name ends with ("NHS West Yorkshire ICB - 15F")."""
    found = _NHS_CODE.search(str(name))
    return found.group(1) if found else None


def place_name(ccg_name: str) -> str:
    """A CCG's name as a place: "NHS Leeds CCG" -> "Leeds"."""
    text = re.sub(r"^\s*NHS\s+", "", str(ccg_name))
    text = re.sub(r"\s+(CCG|Clinical Commissioning Group)\s*$", "", text)
    return text.strip()


def _english_kind(geography: str) -> str | None:
    geo = get_geography(geography)
    parts = geo.parts or (geography,)
    for part in parts:
        if part.startswith(("sicbl", "ccg")):
            return "sub-icb"
        if part.startswith("icb"):
            return "icb"
    return None


def _own_parts(geography: str) -> set[str]:
    return set(get_geography(geography).parts or (geography,))


def _history(geography: str) -> tuple[tuple[str, str], ...]:
    """The earlier areas whose names ``geography``'s areas keep (none later than it: they are not former)."""
    kind = _english_kind(geography)
    vintage = get_geography(geography).vintage
    return tuple(p for p in _ENGLISH_HISTORY.get(kind or "", ())
                 if p[0] not in _own_parts(geography) and get_geography(p[0]).vintage < vintage)


def _authorities(geography: str) -> tuple[tuple[str, str], ...]:
    """The local-government areas named, labelled; the 2018 districts are "former" only for a later geography."""
    later = get_geography(geography).vintage > get_geography("lad2018").vintage
    return tuple((gid, label if later or gid != "lad2018" else "local authority")
                 for gid, label in _AUTHORITIES if gid not in _own_parts(geography))


def _ccg2018_nhs_codes() -> pd.Series:
    codes = read_csv("ccg2018_codes")
    return pd.Series(codes["CCG18CDH"].astype(str).values, index=codes["CCG18CD"].astype(str).values)


def _key(geography: str) -> str:
    related = [g for g, _ in (*_history(geography), *_authorities(geography))] + [geography]
    parts = [LAYER_VERSION, "names", NAMES_VERSION, geography, str(BABIES_YEAR), str(MIN_SHARE), lookup_key(),
             population_key(BABIES_YEAR), registry()["ccg2018_codes"].sha256]
    parts += [layer_key(g) for g in related]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _held(units: pd.DataFrame, geography: str, other: str) -> pd.DataFrame:
    """(code, other code, share of the other area's babies in the code's area) for pairs sharing small areas."""
    pairs = units[[geography, other, "babies"]].dropna(subset=[geography, other])
    pairs = pairs.groupby([geography, other], observed=True)["babies"].sum().reset_index()
    total = pairs.groupby(other)["babies"].transform("sum")
    pairs["share"] = (pairs["babies"] / total.where(total > 0)).fillna(0.0)
    return pairs[pairs["share"] >= MIN_SHARE].rename(columns={geography: "code", other: "other"})


def _build(geography: str) -> pd.DataFrame:
    areas = area_table(geography)[["code", "name", "nation"]].astype(str)
    rows: list[pd.DataFrame] = []
    lookup = load_unit_lookup()
    babies = load_population(BABIES_YEAR).set_index("unit_code")["age0_2"]
    units = lookup[lookup[geography].notna()].copy()
    units["babies"] = units["unit_code"].map(babies).fillna(0.0).astype(float)
    areas = areas.assign(share=1.0, babies=areas["code"].map(units.groupby(geography)["babies"].sum()).fillna(0.0))
    rows += [areas.assign(alias=areas["name"], kind="name"), areas.assign(alias=areas["code"], kind="code")]
    own_nhs = areas["name"].map(nhs_code)
    # Names without one (2018 CCGs, Welsh health boards): the ONS list of 2018 codes, keyed by ONS code, has it.
    own_nhs = own_nhs.fillna(areas["code"].map(_ccg2018_nhs_codes()))
    rows.append(areas.assign(alias=own_nhs, kind="NHS code").dropna(subset=["alias"]))
    info = areas.set_index("code")
    ccg18_nhs = _ccg2018_nhs_codes()
    for other, label in (*_history(geography), *_authorities(geography)):
        held = _held(units, geography, other)
        names = area_table(other).set_index("code")
        held = held.assign(name=held["code"].map(info["name"]), nation=held["code"].map(info["nation"]),
                           other_name=held["other"].map(names["name"]),
                           other_nation=held["other"].map(names["nation"]))
        held = held.dropna(subset=["name", "other_name"])
        kind = held["other_nation"].map(_AUTHORITY_LABEL).fillna(label) if other.startswith("lad") else label
        held = held.assign(kind=kind)
        rows.append(held.assign(alias=held["other_name"])[list(_ROW_COLUMNS)])
        if other.startswith(("ccg", "sicbl", "icb")):
            coded = held.assign(alias=held["other"], kind=held["kind"] + " code")
            rows.append(coded[list(_ROW_COLUMNS)])
            nhs_codes = held["other_name"].map(nhs_code)
            if other == "ccg2018":
                nhs_codes = nhs_codes.fillna(held["other"].map(ccg18_nhs))
            coded = held.assign(alias=nhs_codes, kind=held["kind"] + " code").dropna(subset=["alias"])
            rows.append(coded[list(_ROW_COLUMNS)])
    frame = pd.concat([r[list(_ROW_COLUMNS)] for r in rows], ignore_index=True)
    frame["alias"] = frame["alias"].astype(str).str.strip()
    frame = frame[frame["alias"] != ""]
    # One row per (area, alias): the first kind built (own names, then the newest former names, then
    # local authorities), so "Leeds" is a local authority rather than also a county and a former district.
    frame = (frame.assign(_key=frame["alias"].str.upper()).sort_values("code", kind="stable")
             .drop_duplicates(["code", "_key"]).drop(columns="_key").reset_index(drop=True))
    frame["display_name"] = frame["code"].map(_display(lambda: frame, areas))
    for column in ("code", "name", "display_name", "nation", "alias", "kind"):
        frame[column] = frame[column].astype(str)
    frame["share"] = frame["share"].astype(float)
    return frame[list(NAMES_COLUMNS)]


@cache
def _names_table(geography: str) -> pd.DataFrame:
    get_geography(geography)
    return cached_frame(f"names-{geography}", _key(geography), lambda: _build(geography), geo=False)


def names_table(geography: str) -> pd.DataFrame:
    """Every name of every area of ``geography``, one row per (area, name).

    Columns: ``code``, ``name`` (the area's current name), ``display_name`` (:func:`display_names`),
    ``nation``, ``alias`` (a name or code people use), ``kind`` ("name", "code", "NHS code", "former CCG",
    "former CCG code", "2023 ICB", "local authority", "county", "council area", "district", "former
    district", ...), ``share`` (the share of the alias's babies in the area: 1.0 for the area's own names)
    and ``babies`` (the children aged 0-2 the alias's area and this area have in common, mid-:data:`BABIES_YEAR`).
    """
    return _names_table(geography).copy()


def _is_sub_icb(code: str, name: str) -> bool:
    """A Sub-ICB location, named by its ICB and NHS code ("NHS West Yorkshire ICB - 15F")."""
    return code.startswith("E38") and nhs_code(name) is not None


def _display(names: Callable[[], pd.DataFrame], areas: pd.DataFrame) -> dict[str, str]:
    """Readable names: a Sub-ICB location as "Place (ICB, code)"; every other area keeps its name.
    ``names`` gives the names table, asked for only when a Sub-ICB location has no CCG of the same code."""
    out: dict[str, str] = {}
    for code, name in zip(areas["code"].astype(str), areas["name"].astype(str)):
        nhs = nhs_code(name)
        if nhs is None or not _is_sub_icb(code, name):
            out[code] = name
            continue
        icb = _NHS_CODE.sub("", name).strip()
        ccg = _same_code_ccg_name(code)
        place = place_name(ccg) if ccg else None
        if place is None:
            table = names()
            mine = table[table["code"] == code]
            authorities = mine[mine["kind"] == "local authority"].sort_values("babies", ascending=False)
            top = authorities["alias"].head(2).tolist()
            place = (", " if any(" and " in a for a in top) else " and ").join(top) or icb
        out[code] = f"{place} ({icb}, {nhs})"
    return out


@cache
def _ccg_names_by_code() -> dict[str, str]:
    """The latest CCG name of every CCG code (2021 first, then 2020, 2019, 2018)."""
    names: dict[str, str] = {}
    for gid in ("ccg2018", "ccg2019", "ccg2020", "ccg2021"):
        table = area_table(gid)
        names.update(dict(zip(table["code"].astype(str), table["name"].astype(str))))
    return names


def _same_code_ccg_name(code: str) -> str | None:
    return _ccg_names_by_code().get(code)


@cache
def _display_names(geography: str) -> tuple[tuple[str, str], ...]:
    # From the areas and the CCG names alone where they suffice (every geography but a rare Sub-ICB location
    # with no CCG of its code), so the gaps table never waits for the whole names table.
    areas = area_table(geography)[["code", "name"]].astype(str)
    return tuple(_display(lambda: _names_table(geography), areas).items())


def display_names(geography: str) -> dict[str, str]:
    """Area code -> display name for every area of ``geography``.

    A Sub-ICB location reads as its place, its ICB and its NHS code: "Leeds (NHS West Yorkshire ICB,
    15F)". The place is the name of the former CCG of the same code without "NHS" and "CCG" (else the
    local authorities holding most of its babies). Every other area keeps its name.
    """
    return dict(_display_names(geography))
