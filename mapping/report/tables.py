"""The pack's tables: every number the pack prints is a row of one of these.

:func:`pack_tables` builds them from :class:`mapping.report.inputs.PackInputs` (nothing is read
here), sorted so that a rebuild writes the same bytes, and adds the tables of every registered
section (:mod:`mapping.report.sections`).
"""

from __future__ import annotations

import pandas as pd

from boundaries.catalogue import NATIONS as UK_NATIONS
from mapping.errors import ReportError
from mapping.report.inputs import PackInputs
from mapping.report.sections import registered_sections

__all__ = ["NATION_ORDER", "pack_tables", "summary_row"]

NATION_ORDER: tuple[str, ...] = UK_NATIONS

_AREA_COLUMNS = [
    "code", "name", "display_name", "nation", "coverage", "share_covered", "age0_2", "covered_age0_2", "uncovered_age0_2",
    "age0", "covered_age0", "uncovered_age0", "teams", "team_names", "nearest_team", "nearest_team_name",
    "nearest_team_km", "estimated", "geography", "population_year", "as_of",
]
_SUMMARY_KEYS = [
    "teams_operating", "areas", "areas_without_team", "areas_partly_covered", "areas_fully_covered",
    "age0_2_total", "age0_2_covered", "age0_2_uncovered", "share_covered", "share_uncovered",
    "age0_total", "age0_uncovered", "share_covered_age0", "share_uncovered_age0", "estimated",
]
_TEAM_COLUMNS = [
    "team_id", "name", "nation", "status", "from", "from_basis", "to", "host_organisation", "catchment",
    "areas_served", "base_lon", "base_lat", "location_precision", "source",
]
_FOI_AREA_COLUMNS = [
    "code", "name", "foi_class", "accepts_status", "referrals_u3", "seen_u3", "referrals_0_18_text",
    "seen_0_18_text", "referrals_u3_share_low", "referrals_u3_share_high", "seen_u3_share_low",
    "seen_u3_share_high", "population_0_2", "population_0_18", "population_share_0_2", "full_data",
    "responder_type", "responder_name", "reply_id", "n_replies", "population_year", "synthetic",
]
_FUNNEL_DEFINITIONS: dict[str, str] = {
    "areas_total": "areas the FOI was sent to (every area of its geography)",
    "areas_with_reply": "areas with at least one reply",
    "areas_usable": "areas whose chosen reply says whether CAMHS accepts under-3s",
    "accept": "of the usable: CAMHS accepts referrals for children aged 2 and under",
    "do_not_accept": "of the usable: CAMHS does not accept them",
    "accept_share": "accept / areas_usable",
    "do_not_accept_share": "do_not_accept / areas_usable",
    "with_age_data": "accepting areas with counts by age band (referrals or children seen)",
    "with_referrals": "of those: at least 1 referral aged 2 and under",
    "referrals_1_to_5": "of those: between 1 and 5 referrals for certain",
    "no_referrals": "of those: no referrals aged 2 and under",
    "with_seen": "of those with age data: at least 1 child aged 2 and under seen",
    "seen_1_to_5": "of those: between 1 and 5 seen for certain",
    "none_seen": "of those with age data: none seen",
    "with_age_data_from_commissioner": "age data given by a commissioner",
    "with_age_data_from_provider": "age data given by a provider",
    "with_age_data_from_other": "age data given by another responder",
    "with_full_data": "age data with under-3 and 0-18 counts of both referrals and children seen",
}


def _summary_row(scope: str, values: dict) -> dict:
    total, uncovered = values["age0_2_total"], values["age0_2_uncovered"]
    total0, uncovered0 = values["age0_total"], values["age0_uncovered"]
    row = {"scope": scope, **{k: values[k] for k in values if k != "nations"}}
    row["age0_2_covered"] = round(total - uncovered, 1)
    row["share_uncovered"] = uncovered / total if total else None
    row["share_uncovered_age0"] = uncovered0 / total0 if total0 else None
    return {"scope": scope, **{k: row[k] for k in _SUMMARY_KEYS}}


def _areas_served(gaps: pd.DataFrame) -> dict[str, str]:
    served: dict[str, list[str]] = {}
    for code, ids in zip(gaps["code"], gaps["teams"]):
        for team in filter(None, str(ids).split("; ")):
            served.setdefault(team, []).append(code)
    return {team: "; ".join(sorted(codes)) for team, codes in served.items()}


def pack_tables(data: PackInputs) -> dict[str, pd.DataFrame]:
    """Every table of the pack, sorted so that a rebuild writes the same bytes.

    ``nations`` (UK and each nation: the headline figures), ``areas`` (one row per area),
    ``teams`` (operating or in development on the date), ``team_counts`` (growth against the
    targets), ``list_count`` (our register's teams on the date by evidence grade and status),
    ``capacity`` (if mapping.analysis.capacity is present), and with FOI data ``foi_funnel``,
    ``foi_areas`` (the FOI's own areas) and ``foi_classes`` (the classes carried to the pack's areas).
    """
    summary = data.summary
    nations = [_summary_row("UK", summary)]
    nations += [_summary_row(n, summary["nations"][n]) for n in NATION_ORDER if n in summary["nations"]]
    tables: dict[str, pd.DataFrame] = {"nations": pd.DataFrame(nations, columns=["scope", *_SUMMARY_KEYS])}

    rank = {n: i for i, n in enumerate(NATION_ORDER)}
    areas = pd.DataFrame(data.gaps.drop(columns="geometry"))[_AREA_COLUMNS].copy()
    areas["nearest_team_km"] = areas["nearest_team_km"].round(1)
    areas = areas.sort_values(["nation", "code"], key=lambda s: s.map(rank) if s.name == "nation" else s)
    tables["areas"] = areas.reset_index(drop=True)

    teams = data.current_teams.copy()
    teams["areas_served"] = teams["team_id"].map(_areas_served(data.gaps)).fillna("")
    tables["teams"] = teams[_TEAM_COLUMNS].sort_values("team_id").reset_index(drop=True)

    counts = data.growth.copy()
    counts["target"] = counts["target"].round(1)
    tables["team_counts"] = counts.sort_values("year").reset_index(drop=True)
    tables["published_team_counts"] = data.published.sort_values("as_of").reset_index(drop=True)
    count = getattr(data, "list_count", None)  # None: inputs built without a selection
    if count is not None:
        tables["list_count"] = count.table()

    if data.capacity is not None:
        cap = {k: v for k, v in data.capacity.items() if not isinstance(v, dict)}
        ref = data.capacity["reference"]
        cap.update({f"reference_{k}": v for k, v in ref.items()})
        tables["capacity"] = pd.DataFrame([{"scope": "UK", **cap}])

    if data.foi is not None:
        f = data.foi
        rows = [{"step": k, "value": v, "definition": _FUNNEL_DEFINITIONS.get(k, "")} for k, v in f.funnel.items()]
        own = f.own
        pop = own.dropna(subset=["population_0_2", "population_0_18"])
        rows.append({"step": "population_share_0_2",
                     "value": float(pop["population_0_2"].sum() / pop["population_0_18"].sum()),
                     "definition": f"children aged 0-2 / children aged 0-18, all areas of the FOI, mid-{data.year}"})
        funnel = pd.DataFrame(rows, columns=["step", "value", "definition"])
        funnel.insert(0, "synthetic", f.synthetic)
        tables["foi_funnel"] = funnel
        cols = [c for c in _FOI_AREA_COLUMNS if c in own.columns]
        foi_areas = own[cols].copy()
        foi_areas["foi_class"] = foi_areas["foi_class"].astype(str)
        tables["foi_areas"] = foi_areas.sort_values("code").reset_index(drop=True)
        carried = f.in_pack.drop(columns=[c for c in ("geometry",) if c in f.in_pack.columns]).copy()
        carried["foi_class"] = carried["foi_class"].astype(object).where(carried["foi_class"].notna(), "")
        carried["foi_class"] = carried["foi_class"].astype(str)
        tables["foi_classes"] = carried.sort_values("code").reset_index(drop=True)
    for section in registered_sections():
        if section.tables is None:
            continue
        for name, frame in section.tables(data).items():
            if name in tables:
                raise ReportError(f"report section {section.name!r} gives a table named {name!r}, which the pack "
                                  "already has")
            tables[name] = frame
    return tables


summary_row = _summary_row  # the nations table's row for a scope (the pack's nation chart draws these rows)
