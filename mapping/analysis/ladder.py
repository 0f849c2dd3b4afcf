"""The provision ladder: each area's level of parent-infant provision, in the manner of the MMHA perinatal map.

The Maternal Mental Health Alliance colours every commissioning area by the level of service it
has. Rare Jewels (2019) gives the pieces for the same thing for babies: where specialised teams
are (section 7), where CAMHS has parent-infant specialists but no team (section 7), and where
CAMHS accepts referrals for under-3s (the FOI, section 8). Levels are decided on small areas and
summed to any geography, so a level can apply to part of an area and every area reports the
share of its children at each level (the same design as :mod:`mapping.analysis.coverage`).

Levels (see ``docs/methodology_ladder.md``), decided per small area, first match wins:

* ``3``: inside the catchment of a team whose status is in ``rules.team_statuses`` (operating);
* ``2``: inside an area with CAMHS parent-infant specialists (``rules.specialist_statuses``);
* ``1``: the FOI's usable reply for the small area's FOI area says CAMHS accepts under-3s;
* ``0``: the FOI's usable reply says CAMHS does not accept under-3s;
* otherwise ``rules.no_evidence_level``: ``unknown`` by default (nothing is known either way:
  no FOI data loaded, no usable reply, or outside the FOI's geography).

Everything here is pure (tables in, tables out): :func:`compute_ladder` takes a selection's inputs
(:mod:`mapping.analysis.selection`) and loads nothing itself; only :func:`foi_areas_from_file` reads a
file (a replies file, through :mod:`mapping.inputs.foi_io`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from boundaries.catalogue import NATIONS as UK_NATIONS
from boundaries.crs import WGS84
from mapping.analysis.coverage import AGE_BANDS, unit_coverage
from mapping.analysis.sums import sum_to_areas, to_areas
from mapping.errors import LadderError
from mapping.inputs.foi import FOI_CLASSES
from mapping.inputs.vocabulary import TeamStatus

if TYPE_CHECKING:
    import geopandas as gpd

    from mapping.analysis.selection import Inputs

__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "LEVEL_SLUGS",
    "NO_FOI_CLASS",
    "FOI_ACCEPTING_CLASSES",
    "FOI_REFUSING_CLASSES",
    "LadderError",
    "LadderRules",
    "DEFAULT_RULES",
    "validate_foi_areas",
    "foi_areas_from_classes",
    "foi_areas_from_file",
    "unit_levels",
    "ladder_by_area",
    "summarise_ladder",
    "ladder_display_table",
    "compute_ladder",
]

Level = Literal["3", "2", "1", "0", "unknown"]
# Ladder order, best provision first (legend order). Levels are strings so "unknown" shares the column.
LEVELS: tuple[str, ...] = ("3", "2", "1", "0", "unknown")
LEVEL_LABELS: dict[str, str] = {
    "3": "3: specialised parent-infant team",
    "2": "2: CAMHS parent-infant specialists, no team",
    "1": "1: CAMHS accepts under-3s (FOI), no specialists",
    "0": "0: none known (CAMHS does not accept under-3s, FOI)",
    "unknown": "unknown: nothing known either way",
}
# Column-name fragment per level: share_level_3 ... share_level_0, share_unknown.
LEVEL_SLUGS: dict[str, str] = {"3": "level_3", "2": "level_2", "1": "level_1", "0": "level_0", "unknown": "unknown"}
# Each level's colour and hatch are in mapping.present.style (LADDER_STYLES), with the map's and the pack's.

# mapping.inputs.foi's classes, split by what they say about under-3s (one list of names, in mapping.inputs.foi).
NO_FOI_CLASS = "no usable reply"
FOI_ACCEPTING_CLASSES: tuple[str, ...] = tuple(c for c in FOI_CLASSES if c.startswith("accepts"))
FOI_REFUSING_CLASSES: tuple[str, ...] = ("does not accept under-3s",)

FOI_AREA_COLUMNS = ("geography", "code", "accepts", "reply_id")


@dataclass(frozen=True)
class LadderRules:
    """Every rule of the ladder as a parameter, with the source of each default.

    ``team_statuses``: statuses in data/teams.csv that give level 3 (Rare Jewels section 4 defines a
    team; only ``operating`` teams serve families). ``specialist_statuses``: statuses that give level 2
    (Rare Jewels section 7, CAMHS areas with parent-infant specialists but no team).
    ``foi_accepting_classes`` / ``foi_refusing_classes``: the FOI classes (:data:`mapping.inputs.foi.FOI_CLASSES`)
    read as "CAMHS accepts under-3s" (level 1) and "does not" (level 0) by :func:`foi_areas_from_classes`;
    Rare Jewels section 8 counts every accepting area as accepting whatever the number seen, so the
    default takes every "accepts, ..." class (drop e.g. "accepts, none seen" to demand children seen).
    ``no_evidence_level``: the level of a small area with no team, no specialists and no usable FOI
    answer. ``"unknown"`` by default: no source says there is nothing there; ``"0"`` reads absence
    of evidence as absence of provision. ``age``: the band whose children weigh the shares and the
    area's dominant level ("0-2": a team works with children aged 2 and under, Rare Jewels section 4).
    """

    team_statuses: tuple[str, ...] = (TeamStatus.OPERATING,)
    specialist_statuses: tuple[str, ...] = (TeamStatus.SPECIALIST,)
    foi_accepting_classes: tuple[str, ...] = FOI_ACCEPTING_CLASSES
    foi_refusing_classes: tuple[str, ...] = FOI_REFUSING_CLASSES
    no_evidence_level: Literal["unknown", "0"] = "unknown"
    age: Literal["0", "0-2"] = "0-2"
    sources: dict[str, str] = field(
        default_factory=lambda: {
            "team": "Rare Jewels (Parent Infant Partnership UK, 2019), section 7, list of teams; data/teams.csv",
            "specialists": "Rare Jewels (2019), section 7, CAMHS areas with parent-infant specialists but no team",
            "foi": "Rare Jewels (2019), section 8, FOI to CCGs and trusts on CAMHS referrals at 0-12, 12-24, "
            "24-36 months",
        },
        compare=False,
    )

    def __post_init__(self) -> None:
        if self.no_evidence_level not in ("unknown", "0"):
            raise LadderError(f"no_evidence_level must be 'unknown' or '0', not {self.no_evidence_level!r}")
        if self.age not in AGE_BANDS:
            raise LadderError(f"age must be one of {sorted(AGE_BANDS)}, not {self.age!r}")
        both = set(self.team_statuses) & set(self.specialist_statuses)
        if both:
            raise LadderError(f"statuses {sorted(both)} cannot give both level 3 and level 2")
        both = set(self.foi_accepting_classes) & set(self.foi_refusing_classes)
        if both:
            raise LadderError(f"FOI classes {sorted(both)} cannot mean both accepts and does not accept")


DEFAULT_RULES = LadderRules()


# --- FOI answers per area ---------------------------------------------------------------------------


def validate_foi_areas(foi_areas: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """Check a FOI-areas table and return it clean: ``geography, code, accepts (boolean, NA), reply_id``.

    ``accepts`` is True (CAMHS accepts under-3s), False (does not) or missing (no usable reply).
    Every geography must be a lookup column, every code an area in it, and each area listed once,
    so that no small area can receive two answers.
    """
    missing = [c for c in FOI_AREA_COLUMNS if c not in foi_areas.columns]
    if missing:
        raise LadderError(f"FOI areas table lacks column(s) {', '.join(missing)}; expected {', '.join(FOI_AREA_COLUMNS)}")
    frame = foi_areas[list(FOI_AREA_COLUMNS)].copy()
    frame["geography"] = frame["geography"].astype(str)
    frame["code"] = frame["code"].astype(str)
    accepts = frame["accepts"].astype(object)
    bad = [v for v in accepts if not (v is pd.NA or v is None or (isinstance(v, float) and np.isnan(v))
                                      or isinstance(v, (bool, np.bool_)))]
    if bad:
        raise LadderError(f"FOI 'accepts' must be True, False or empty (no usable reply), not {bad[:3]}")
    frame["accepts"] = accepts.astype("boolean")
    frame["reply_id"] = frame["reply_id"].astype("string")
    for geography, group in frame.groupby("geography", sort=True):
        if geography not in lookup.columns:
            raise LadderError(f"FOI geography {geography!r} is not in the small-area lookup")
        unknown = sorted(set(group["code"]) - set(lookup[geography].dropna().astype(str)))
        if unknown:
            raise LadderError(f"FOI areas not in {geography}: {', '.join(unknown[:10])}")
    dup = frame[frame.duplicated(["geography", "code"], keep=False)]
    if len(dup):
        raise LadderError(f"FOI areas listed more than once: {', '.join(sorted(set(dup['code']))[:10])}; "
                          "combine the replies first (mapping.inputs.foi.combine_replies)")
    return frame.reset_index(drop=True)


def foi_areas_from_classes(
    classified: pd.DataFrame, geography: str, rules: LadderRules = DEFAULT_RULES
) -> pd.DataFrame:
    """A FOI-areas table from :func:`mapping.inputs.foi.classify_areas` output (``code, foi_class, reply_id``).

    Classes in ``rules.foi_accepting_classes`` give ``accepts=True``, those in
    ``rules.foi_refusing_classes`` ``False``; any other class (``no usable reply``, or an accepting
    class the rules leave out) gives a missing answer. ``reply_id`` is the chosen reply's id.
    """
    for column in ("code", "foi_class"):
        if column not in classified.columns:
            raise LadderError(f"classified FOI table lacks column {column!r} (use mapping.inputs.foi.classify_areas)")
    classes = classified["foi_class"].astype(str)
    accepts = pd.Series(pd.NA, index=classified.index, dtype="boolean")
    accepts[classes.isin(rules.foi_accepting_classes)] = True
    accepts[classes.isin(rules.foi_refusing_classes)] = False
    reply = classified["reply_id"] if "reply_id" in classified.columns else pd.Series(pd.NA, index=classified.index)
    return pd.DataFrame({
        "geography": geography,
        "code": classified["code"].astype(str).to_numpy(),
        "accepts": accepts.to_numpy(),
        "reply_id": reply.astype("string").to_numpy(),
    })


def foi_areas_from_file(path: str, rules: LadderRules = DEFAULT_RULES) -> tuple[pd.DataFrame, bool]:
    """Read, validate, combine and classify a replies file (:mod:`mapping.inputs.foi_io`); returns (FOI areas, synthetic)."""
    from mapping.inputs.foi_io import analyse_file

    analysis = analyse_file(path)
    return foi_areas_from_classes(analysis.classified, analysis.geography, rules), bool(analysis.synthetic)


# --- small areas ---------------------------------------------------------------------------------------


def _empty_units() -> pd.DataFrame:
    return pd.DataFrame({"unit_code": pd.Series(dtype="string"), "team_id": pd.Series(dtype="string")})


def _foi_units(foi_areas: pd.DataFrame | None, lookup: pd.DataFrame) -> pd.DataFrame:
    """``unit_code, accepts, reply_id`` for every small area an FOI area holds (no unit twice)."""
    columns = {"unit_code": "string", "accepts": "boolean", "reply_id": "string"}
    if foi_areas is None or len(foi_areas) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    clean = validate_foi_areas(foi_areas, lookup)
    pieces = []
    for geography, group in clean.groupby("geography", sort=True):
        matched = lookup[["unit_code", geography]].merge(
            group[["code", "accepts", "reply_id"]], left_on=geography, right_on="code", how="inner"
        )
        pieces.append(matched[["unit_code", "accepts", "reply_id"]])
    units = pd.concat(pieces, ignore_index=True)
    twice = units[units["unit_code"].duplicated(keep=False)]
    if len(twice):
        raise LadderError(f"{twice['unit_code'].nunique()} small areas get FOI answers from two geographies, "
                          f"e.g. {', '.join(twice['unit_code'].astype(str).head(3))}; give one FOI geography")
    return units.astype(columns)


def unit_levels(
    lookup: pd.DataFrame,
    team_units: pd.DataFrame,
    specialist_units: pd.DataFrame,
    foi_areas: pd.DataFrame | None = None,
    rules: LadderRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """The ladder level of every small area in ``lookup``, with the FOI answer behind it.

    ``team_units`` / ``specialist_units``: :func:`mapping.analysis.coverage.unit_coverage` of the team and the
    specialist-area catchments. ``foi_areas``: ``geography, code, accepts, reply_id`` or None.

    Returns ``unit_code, level, foi_accepts, foi_reply_id``. First match wins: team -> "3",
    specialists -> "2", FOI accepts -> "1", FOI does not accept -> "0", else ``rules.no_evidence_level``.
    """
    out = lookup[["unit_code"]].copy()
    foi = _foi_units(foi_areas, lookup).set_index("unit_code")
    out["foi_accepts"] = out["unit_code"].map(foi["accepts"]).astype("boolean")
    out["foi_reply_id"] = out["unit_code"].map(foi["reply_id"]).astype("string")
    in_team = out["unit_code"].isin(set(team_units["unit_code"]))
    in_specialist = out["unit_code"].isin(set(specialist_units["unit_code"]))
    accepts = out["foi_accepts"].fillna(False).astype(bool)
    refuses = (~out["foi_accepts"].fillna(True)).astype(bool)
    out["level"] = np.select([in_team, in_specialist, accepts, refuses], ["3", "2", "1", "0"], rules.no_evidence_level)
    return out[["unit_code", "level", "foi_accepts", "foi_reply_id"]]


# --- areas ------------------------------------------------------------------------------------------


def _joined(values: pd.Series) -> str:
    return "; ".join(sorted({str(v) for v in values.dropna() if str(v)}))


def _evidence(units: pd.DataFrame, lookup: pd.DataFrame, geography: str) -> dict[str, str]:
    merged = to_areas(units, lookup, geography, one_row_per_unit=False)
    return merged.groupby("code")["team_id"].agg(_joined).to_dict()


def ladder_by_area(
    team_catchments: pd.DataFrame,
    specialist_catchments: pd.DataFrame,
    lookup: pd.DataFrame,
    population: pd.DataFrame,
    areas: pd.DataFrame,
    geography: str,
    *,
    foi_areas: pd.DataFrame | None = None,
    rules: LadderRules = DEFAULT_RULES,
    specialist_sources: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per area of ``geography``: its dominant level, the children at each level, and the evidence.

    Parameters
    ----------
    team_catchments, specialist_catchments : ``team_id, geography, code`` rows, already restricted to
        the teams (specialist areas) that count on the date.
    lookup : ``unit_code`` and one column per geography id (``geography`` and the catchments' and
        FOI's geographies).
    population : ``unit_code`` with ``age0`` and ``age0_2`` (and optionally ``estimated``).
    areas : ``code, name, nation`` of every area of ``geography``.
    foi_areas : ``geography, code, accepts, reply_id`` (see :func:`validate_foi_areas`) or None.
    specialist_sources : specialist-area id -> the source that names it.

    Notes
    -----
    For the band ``b`` of ``rules.age``: ``<b>_<slug>`` = children in the area's small areas at that
    level, ``share_<slug> = <b>_<slug> / <b>`` (they sum to 1: each small area has exactly one level).
    ``level`` is the level with the largest share (ties go to the higher level, in ``LEVELS`` order) and
    ``level_share`` its share; ``split`` is True when children live at more than one level. An area
    with no children is weighed by its small areas instead. ``teams``, ``specialist_areas``,
    ``specialist_source`` and ``foi_reply_ids`` list the evidence found anywhere in the area.
    """
    band = AGE_BANDS[rules.age]
    for name, frame in (("population", population), ("lookup", lookup)):
        if "unit_code" not in frame.columns:
            raise LadderError(f"{name} lacks column 'unit_code'")
    if geography not in lookup.columns:
        raise LadderError(f"geography {geography!r} is not in the small-area lookup")
    if band not in population.columns:
        raise LadderError(f"population lacks column {band!r}")
    team_units = unit_coverage(team_catchments, lookup) if len(team_catchments) else _empty_units()
    sp_units = unit_coverage(specialist_catchments, lookup) if len(specialist_catchments) else _empty_units()
    levels = unit_levels(lookup, team_units, sp_units, foi_areas, rules)

    units = lookup[["unit_code", geography]].merge(levels, on="unit_code", how="inner", validate="1:1")
    units = units[units[geography].notna()].rename(columns={geography: "code"})
    pop_cols = ["unit_code", band, *(["estimated"] if "estimated" in population.columns else [])]
    units = units.merge(population[pop_cols], on="unit_code", how="left", validate="1:1")
    if units[band].isna().any():
        lost = units.loc[units[band].isna(), "unit_code"].astype(str)
        raise LadderError(f"{len(lost)} small areas have no population ({band}), e.g. {', '.join(lost.head(3))}")
    if "estimated" not in units.columns:
        units["estimated"] = False
    units["one"] = 1.0

    by_level = sum_to_areas(units.drop(columns="code"), lookup, geography, [band, "one"], by="level")
    people = by_level[band].unstack("level", fill_value=0.0).reindex(columns=list(LEVELS), fill_value=0.0)
    counts = by_level["one"].unstack("level", fill_value=0.0).reindex(columns=list(LEVELS), fill_value=0.0)

    out = areas[["code", "name", "nation"]].copy()
    out = out.merge(people.add_prefix("p_").reset_index(), on="code", how="left")
    out = out.merge(counts.add_prefix("n_").reset_index(), on="code", how="left")
    estimated = units.groupby("code")["estimated"].any()
    p = out[[f"p_{lv}" for lv in LEVELS]].fillna(0.0).to_numpy(dtype=float)
    n = out[[f"n_{lv}" for lv in LEVELS]].fillna(0.0).to_numpy(dtype=float)
    total, units_total = p.sum(axis=1), n.sum(axis=1)
    weights = np.where((total > 0)[:, None], p, n)
    weight_total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where((weight_total > 0)[:, None], weights / weight_total[:, None], np.nan)
    best = np.argmax(np.nan_to_num(shares, nan=-1.0), axis=1)  # first maximum = higher level on ties
    has_units = units_total > 0

    out[band] = total
    out["units"] = units_total.astype(int)
    out["level"] = pd.array([LEVELS[i] if ok else pd.NA for i, ok in zip(best, has_units)], dtype="string")
    out["level_label"] = out["level"].map(LEVEL_LABELS).astype("string")
    out["level_share"] = np.where(has_units, shares[np.arange(len(out)), best], np.nan)
    out["split"] = (np.nan_to_num(shares) > 0).sum(axis=1) > 1
    for k, lv in enumerate(LEVELS):
        out[f"{band}_{LEVEL_SLUGS[lv]}"] = p[:, k]
    for k, lv in enumerate(LEVELS):
        out[f"share_{LEVEL_SLUGS[lv]}"] = shares[:, k]
    out["estimated"] = out["code"].map(estimated).fillna(False).astype(bool)

    teams = _evidence(team_units, lookup, geography)
    specialists = _evidence(sp_units, lookup, geography)
    replies = units.groupby("code")["foi_reply_id"].agg(_joined).to_dict()
    sources = specialist_sources or {}
    out["teams"] = [teams.get(c, "") for c in out["code"]]
    out["specialist_areas"] = [specialists.get(c, "") for c in out["code"]]
    out["specialist_source"] = [
        " | ".join(dict.fromkeys(sources[s] for s in ids.split("; ") if s in sources)) if ids else ""
        for ids in out["specialist_areas"]
    ]
    out["foi_reply_ids"] = [replies.get(c, "") for c in out["code"]]
    out["age_band"] = rules.age
    out["no_evidence_level"] = rules.no_evidence_level
    return out.drop(columns=[c for c in out.columns if c.startswith(("p_", "n_"))])


# --- summaries ----------------------------------------------------------------------------------------

SUMMARY_NATIONS = UK_NATIONS


def _summary_row(scope: str, frame: pd.DataFrame, band: str) -> dict:
    total = float(frame[band].sum())
    row: dict = {"scope": scope, "areas": int(len(frame)), band: total}
    for lv in LEVELS:
        slug = LEVEL_SLUGS[lv]
        kids = float(frame[f"{band}_{slug}"].sum())
        row[f"{band}_{slug}"] = kids
        row[f"share_{slug}"] = kids / total if total > 0 else np.nan
    for lv in LEVELS:
        slug = LEVEL_SLUGS[lv]
        count = int((frame["level"] == lv).sum())
        row[f"areas_{slug}"] = count
        row[f"areas_share_{slug}"] = count / len(frame) if len(frame) else np.nan
    row["areas_split"] = int(frame["split"].sum())
    row["estimated"] = bool(frame["estimated"].any())
    return row


def summarise_ladder(ladder: pd.DataFrame, nations: Collection[str] = SUMMARY_NATIONS) -> pd.DataFrame:
    """Children and areas at each level for the whole geography and for each nation in it.

    Notes
    -----
    ``share_<slug>`` = children (of the ladder's age band) living in small areas at that level /
    all children in the scope: population-weighted, so split areas count in part. ``areas_<slug>``
    counts areas by their dominant ``level`` (the MMHA way), ``areas_share_<slug>`` = that / areas.
    The first row's scope is "United Kingdom" when all four nations are present, the nation when there is
    only one (and no second row), else "All areas" (:func:`mapping.analysis.reach.first_scope`).
    """
    from mapping.analysis.reach import first_scope

    band = AGE_BANDS[str(ladder["age_band"].iloc[0])] if len(ladder) else "age0_2"
    present = [n for n in nations if (ladder["nation"] == n).any()]
    scope = "United Kingdom" if set(SUMMARY_NATIONS) <= set(ladder["nation"]) else first_scope(present)
    rows = [_summary_row(scope, ladder, band)]
    if len(present) > 1:
        rows += [_summary_row(n, ladder[ladder["nation"] == n], band) for n in present]
    return pd.DataFrame(rows)


def ladder_display_table(ladder: pd.DataFrame, nation: str | None = None) -> pd.DataFrame:
    """Every area's level as a reader's table (the MMHA format): one row per area, sorted by name.

    Columns: ``Area``, ``Code``, ``Level`` (the label, so the level never rests on colour), one
    ``% aged 0-2 at <level>`` column per level (rounded to whole per cent for print; the exact shares
    stay in the ladder), and ``Evidence`` (team ids, specialist areas, FOI reply ids).
    """
    frame = ladder if nation is None else ladder[ladder["nation"] == nation]
    band = str(frame["age_band"].iloc[0]) if len(frame) else "0-2"
    out = pd.DataFrame({
        "Area": frame["name"].to_numpy(),
        "Code": frame["code"].to_numpy(),
        "Level": frame["level_label"].fillna("no small areas").to_numpy(),
    })
    for lv in LEVELS:
        out[f"% aged {band} at {lv}"] = (100 * frame[f"share_{LEVEL_SLUGS[lv]}"]).round(0).to_numpy()
    evidence = []
    for teams, specialists, replies in zip(frame["teams"], frame["specialist_areas"], frame["foi_reply_ids"]):
        parts = [f"teams: {teams}" if teams else "", f"specialists: {specialists}" if specialists else "",
                 f"FOI: {replies}" if replies else ""]
        evidence.append("; ".join(p for p in parts if p))
    out["Evidence"] = evidence
    return out.sort_values("Area", kind="stable").reset_index(drop=True)


# --- the real data ------------------------------------------------------------------------------------


def compute_ladder(
    inputs: Inputs,
    *,
    foi_areas: pd.DataFrame | None = None,
    rules: LadderRules = DEFAULT_RULES,
    geometry: bool = True,
) -> pd.DataFrame | gpd.GeoDataFrame:
    """The ladder of a selection: its register on the date, its mid-year population, optional FOI areas.

    The age band is ``rules.age``. Returns :func:`ladder_by_area` with ``geography``,
    ``population_year``, ``as_of`` and (with ``geometry``) the web-weight boundary of each area as a
    GeoDataFrame in EPSG:4326.
    """
    selection = inputs.selection
    geography = selection.geography
    sp_rows = inputs.teams_with(rules.specialist_statuses)
    ladder = ladder_by_area(
        inputs.catchments(rules.team_statuses),
        inputs.catchments(rules.specialist_statuses),
        inputs.lookup,
        inputs.population,
        inputs.areas,
        geography,
        foi_areas=foi_areas,
        rules=rules,
        specialist_sources=dict(zip(sp_rows["team_id"], sp_rows["source"])),
    )
    ladder["geography"] = geography
    ladder["population_year"] = selection.year
    ladder["as_of"] = selection.as_of.isoformat()
    if not geometry:
        return ladder
    import geopandas as gpd

    ladder = ladder.merge(inputs.layer[["code", "geometry"]], on="code", how="left")
    return gpd.GeoDataFrame(ladder, geometry="geometry", crs=WGS84)
