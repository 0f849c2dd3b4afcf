"""Children aged 0, 1, 2 (and 0-2, 0-15, 0-18) per small area: the need denominator.

Sources are ONS (England and Wales, LSOA 2011) and NRS (Scotland, Data Zone 2011)
mid-year estimates by single year of age, and NISRA's mid-2020 trust estimates, which
give only a 0-15 band.

Northern Ireland estimate (flagged ``estimated`` everywhere): for each trust,
age k = trust 0-15 x (Great Britain age k / Great Britain 0-15) for the same year,
and the trust's figure is shared equally among its Small Areas (built to hold
similar numbers of people), so trust totals are exact and smaller NI areas are
estimates. Where a nation has no file for the requested year, the nearest year's
file stands in and its rows are flagged ``estimated`` with their ``source_year``.
"""

from __future__ import annotations

import hashlib
from functools import cache

import pandas as pd

from boundaries.catalogue import LAYER_VERSION, cached_frame
from boundaries.fetch import registry
from boundaries.lookups import load_unit_lookup, lookup_key
from boundaries.readers import read_rda
from mapping.errors import PopulationError

__all__ = ["POPULATION_YEARS", "AGE_COLUMNS", "load_population", "population_key", "ni_estimate", "SOURCE_FILES"]

POPULATION_YEARS = (2017, 2019, 2020)
AGE_COLUMNS = ("age0", "age1", "age2", "age0_2", "age0_15", "age0_18")
# year -> nation -> registry id (None: no file for that year; the nearest year stands in)
SOURCE_FILES: dict[int, dict[str, str]] = {
    2017: {"England": "pop2017_lsoa11", "Wales": "pop2017_lsoa11"},
    2019: {"England": "pop2019_lsoa11", "Wales": "pop2019_lsoa11", "Scotland": "pop2019_dz11"},
    2020: {
        "England": "pop2020_lsoa11",
        "Wales": "pop2020_lsoa11",
        "Scotland": "pop2020_dz11",
        "Northern Ireland": "pop2020_hsct_ni",
    },
}


def _ages(frame: pd.DataFrame) -> pd.DataFrame:
    """Age bands from single-year columns ``'0'`` ... ``'18'``."""
    single = frame[[str(a) for a in range(19)]].astype(float)
    return pd.DataFrame(
        {
            "age0": single["0"],
            "age1": single["1"],
            "age2": single["2"],
            "age0_2": single[["0", "1", "2"]].sum(axis=1),
            "age0_15": single[[str(a) for a in range(16)]].sum(axis=1),
            "age0_18": single.sum(axis=1),
        }
    )


def _lsoa(file_id: str) -> pd.DataFrame:
    raw = read_rda(file_id)
    return pd.concat([raw[["lsoa11_code"]].rename(columns={"lsoa11_code": "unit_code"}), _ages(raw)], axis=1)


def _dz(file_id: str) -> pd.DataFrame:
    raw = read_rda(file_id)
    raw = raw[raw["sex"].astype(str) == "All"].reset_index(drop=True)
    code = "dz11_code" if "dz11_code" in raw.columns else "dz_code"
    return pd.concat([raw[[code]].rename(columns={code: "unit_code"}), _ages(raw)], axis=1)


def ni_estimate(trust_0_15: pd.Series, gb: pd.DataFrame) -> pd.DataFrame:
    """Trust age bands from the trusts' 0-15 counts and Great Britain's age structure.

    Notes
    -----
    For each band k: ``estimate_k = trust_0_15 * sum(GB k) / sum(GB 0-15)``.
    """
    totals = gb[list(AGE_COLUMNS)].sum()
    ratios = totals / totals["age0_15"]
    return pd.DataFrame({col: trust_0_15 * ratios[col] for col in AGE_COLUMNS}, index=trust_0_15.index)


def _nearest_year(nation: str, year: int) -> int:
    years = [y for y in POPULATION_YEARS if nation in SOURCE_FILES[y]]
    return min(years, key=lambda y: (abs(y - year), -y))


def _nation_frame(nation: str, year: int) -> pd.DataFrame:
    file_id = SOURCE_FILES[year][nation]
    reader = _dz if nation == "Scotland" else _lsoa
    return reader(file_id)


def _build(year: int) -> pd.DataFrame:
    lookup = load_unit_lookup()
    parts = []
    gb_for_ni = None
    for nation in ("England", "Wales", "Scotland"):
        source_year = _nearest_year(nation, year)
        frame = _nation_frame(nation, source_year)
        units = lookup.loc[lookup["nation"] == nation, "unit_code"]
        frame = frame[frame["unit_code"].isin(set(units))]
        missing = set(units) - set(frame["unit_code"])
        if missing:
            raise PopulationError(f"{SOURCE_FILES[source_year][nation]}: no population for {len(missing)} {nation} "
                                  f"small areas, e.g. {sorted(missing)[:3]}")
        frame = frame.assign(nation=nation, estimated=source_year != year, source_year=source_year)
        parts.append(frame)
    # Northern Ireland: trust 0-15 -> bands by GB structure of the NI source year -> equal shares per Small Area.
    ni_year = _nearest_year("Northern Ireland", year)
    gb_for_ni = pd.concat([_nation_frame(n, ni_year) for n in ("England", "Wales", "Scotland")])
    trusts = read_rda(SOURCE_FILES[ni_year]["Northern Ireland"])
    trusts = trusts.set_index(trusts["hsct20_code"].astype(str))
    bands = ni_estimate(trusts["younger_females"].astype(float) + trusts["younger_males"].astype(float), gb_for_ni)
    ni_units = lookup.loc[lookup["nation"] == "Northern Ireland", ["unit_code", "hsct2018"]]
    per_trust = ni_units["hsct2018"].value_counts()
    ni = ni_units[["unit_code"]].copy()
    for col in AGE_COLUMNS:
        ni[col] = (ni_units["hsct2018"].map(bands[col]) / ni_units["hsct2018"].map(per_trust)).values
    if ni[list(AGE_COLUMNS)].isna().any().any():
        raise PopulationError("pop2020_hsct_ni: a Northern Ireland trust in the lookup has no population")
    parts.append(ni.assign(nation="Northern Ireland", estimated=True, source_year=ni_year))
    out = pd.concat(parts, ignore_index=True)
    out["unit_code"] = out["unit_code"].astype("string")
    out["nation"] = out["nation"].astype("string")
    return out[["unit_code", "nation", *AGE_COLUMNS, "estimated", "source_year"]]


def load_population(year: int) -> pd.DataFrame:
    """Children by age band per small area for a mid-year.

    Columns: ``unit_code``, ``nation``, ``age0``, ``age1``, ``age2``, ``age0_2``,
    ``age0_15``, ``age0_18``, ``estimated`` (bool), ``source_year``.
    """
    if year not in POPULATION_YEARS:
        raise PopulationError(
            f"no population for mid-{year}; available years: {', '.join(map(str, POPULATION_YEARS))}"
        )
    return _load_population(year).copy()


def population_key(year: int) -> str:
    """The cache key of a population year: the lookup's key, every population source's hash, the recipe."""
    files = sorted({f for y in POPULATION_YEARS for f in SOURCE_FILES[y].values()})
    key = "-".join([LAYER_VERSION, lookup_key(), *(registry()[f].sha256[:12] for f in files)])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def population_source_ids(year: int) -> tuple[str, ...]:
    """The registry files the population of ``year`` is read from (as :func:`_build` reads them): each
    Great Britain nation's file of its nearest year, and Northern Ireland's trust file with the Great
    Britain files of that file's year (whose age structure splits the trusts' 0-15 counts)."""
    gb = ("England", "Wales", "Scotland")
    ni_year = _nearest_year("Northern Ireland", year)
    files = [SOURCE_FILES[_nearest_year(n, year)][n] for n in gb]
    files += [SOURCE_FILES[ni_year][n] for n in (*gb, "Northern Ireland")]
    return tuple(sorted(set(files)))


@cache
def _load_population(year: int) -> pd.DataFrame:
    return cached_frame(f"population{year}", population_key(year), lambda: _build(year), geo=False)


def aggregate_population(
    lookup: pd.DataFrame,
    population: pd.DataFrame,
    geography_id: str,
    columns: tuple[str, ...] = AGE_COLUMNS,
    *,
    areas: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum small-area population to the areas of a geography: the one population-per-area rule.

    Returns one row per area code with ``columns`` (the age bands by default) and, when ``population``
    has it, ``estimated`` (True if any unit behind the figure is estimated). Units the geography does
    not cover are left out. With ``areas`` (``code``, ``name``, ``nation``) every area appears, in the
    areas' order, with zeros where no small area falls in it. The sum is
    :func:`mapping.analysis.sums.sum_to_areas`.
    """
    from mapping.analysis.sums import sum_to_areas

    flags = ["estimated"] if "estimated" in population.columns else []
    sums = sum_to_areas(population, lookup, geography_id, list(columns), any_columns=flags).reset_index()
    if areas is None:
        return sums
    out = areas.merge(sums, on="code", how="left")
    out[list(columns)] = out[list(columns)].fillna(0.0)
    if flags:
        out["estimated"] = out["estimated"].fillna(False).astype(bool)
    return out


def area_population(geography_id: str, year: int) -> pd.DataFrame:
    """Population per area of a geography for a mid-year, with the area's name and nation.

    Every area of the geography appears, with zeros where no small area falls in it
    (:func:`aggregate_population` of the lookup, the year's population and the geography's areas).
    """
    from boundaries.catalogue import area_table

    return aggregate_population(load_unit_lookup(), load_population(year), geography_id,
                                areas=area_table(geography_id))
