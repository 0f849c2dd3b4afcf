"""One area's profile: its figures, its level on the provision ladder, and its rank in its nation.

Pure functions over the gaps table (:func:`mapping.analysis.coverage.compute_gaps`), the capacity table
(:func:`mapping.analysis.capacity.capacity_by_area`) and optional FOI classes, so the app, the CLI and
the tests all see the same figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mapping.errors import AreaNotFound

__all__ = ["AreaNotFound", "area_profile", "nation_figures", "rank_uncovered", "ladder_shares",
           "ladder_in_words"]


def nation_figures(gaps: pd.DataFrame, nation: str) -> dict:
    """A nation's totals from the gaps table: babies aged 0-2, those with no team, share covered, areas."""
    rows = gaps[gaps["nation"] == nation]
    total = float(rows["age0_2"].sum())
    uncovered = float(rows["uncovered_age0_2"].sum())
    return {
        "nation": nation,
        "areas": int(len(rows)),
        "areas_without_team": int((rows["coverage"] == "none").sum()),
        "areas_with_uncovered": int(_has_uncovered(rows).sum()),
        "age0_2_total": total,
        "age0_2_uncovered": uncovered,
        "share_covered": (total - uncovered) / total if total else None,
    }


def _has_uncovered(rows: pd.DataFrame) -> pd.Series:
    """Areas with at least one baby aged 0-2 with no team, as a reader counts them (half a baby or more: an
    estimate of 0.3 babies reads as 0)."""
    return rows["uncovered_age0_2"].fillna(0.0) >= 0.5


def rank_uncovered(gaps: pd.DataFrame, code: str) -> tuple[int | None, int]:
    """Where area ``code`` stands by babies aged 0-2 with no team among its nation's areas that have any.

    Returns (rank, areas ranked): rank 1 = the most babies with no team (ties share the better rank); rank
    None for an area with none (a fully covered area is not ranked), whose second value still counts the
    nation's areas that have babies with no team.
    """
    rows = gaps[gaps["code"] == code]
    if rows.empty:
        raise AreaNotFound(f"no area with code {code!r} in this geography")
    row = rows.iloc[0]
    peers = gaps[(gaps["nation"] == row["nation"]) & _has_uncovered(gaps)]
    if not bool(_has_uncovered(rows).iloc[0]):
        return None, int(len(peers))
    return int((peers["uncovered_age0_2"] > row["uncovered_age0_2"]).sum()) + 1, int(len(peers))


def ladder_shares(ladder: pd.DataFrame, code: str) -> dict | None:
    """An area's provision-ladder level and its babies at each level, from a ladder table
    (:func:`mapping.analysis.ladder.compute_ladder`); None when the ladder has no row for it.

    Keys: level (``"3"`` ... ``"0"``, ``"unknown"``, or None for an area with no small areas), label, share
    (of the babies at the area's level), split (babies at more than one level), age_band, levels (one dict per
    level with any babies, best level first: level, label, babies, share), teams, specialist_areas,
    specialist_source and foi_reply_ids (the evidence, ``""`` when none).
    """
    from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS

    rows = ladder[ladder["code"] == code]
    if rows.empty:
        return None
    row = rows.iloc[0]
    band = str(row.get("age_band") or "0-2")
    column = "age0_2" if band == "0-2" else "age0"
    levels = []
    for lv in LEVELS:
        babies = _value(row.get(f"{column}_{LEVEL_SLUGS[lv]}"))
        share = _value(row.get(f"share_{LEVEL_SLUGS[lv]}"))
        if share is not None and share > 0:
            levels.append({"level": lv, "label": LEVEL_LABELS[lv], "babies": float(babies or 0.0),
                           "share": float(share)})
    level = _value(row["level"])
    return {
        "level": None if level is None else str(level),
        "label": None if level is None else LEVEL_LABELS[str(level)],
        "share": _value(row.get("level_share")),
        "split": bool(row.get("split", False)),
        "age_band": band,
        "levels": levels,
        **{key: str(_value(row.get(key)) or "") for key in ("teams", "specialist_areas", "specialist_source",
                                                               "foi_reply_ids")},
    }


# Why an area is at its level, in words (the rules of mapping.analysis.ladder).
LEVEL_REASONS = {
    "3": "most of its babies live in the catchment of an operating specialised parent-infant team",
    "2": "CAMHS here has parent-infant specialist practitioners, but there is no specialised team",
    "1": "there is no team or specialist, but the area's CAMHS says (FOI reply) that it accepts referrals for "
         "under-3s",
    "0": "there is no team or specialist, and the area's CAMHS says (FOI reply) that it does not accept "
         "referrals for under-3s",
    "unknown": "there is no team or CAMHS parent-infant specialist here, and no FOI reply says whether CAMHS "
               "accepts under-3s",
}


def ladder_in_words(ladder: dict | None) -> str:
    """An area's level and why, in a sentence, from :func:`ladder_shares`."""
    if ladder is None or ladder["level"] is None:
        return "This area has no small areas, so it has no level on the provision ladder."
    label = ladder["label"].split(": ", 1)[-1]
    text = f"Level {ladder['level']} ({label}): {LEVEL_REASONS[ladder['level']]}."
    if ladder["split"] and ladder["share"] is not None:
        text += (f" That is the level of {100 * ladder['share']:.0f}% of its babies aged {ladder['age_band']}; "
                 "the others are at other levels (below).")
    return text


def _value(value):
    if value is None:
        return None
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return None
    if value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def _display_name(row: pd.Series) -> str:
    """The area's readable name (the gaps' ``display_name``), its official name where there is none."""
    shown = _value(row.get("display_name"))
    return str(shown) if shown else str(row["name"])


def area_profile(
    gaps: pd.DataFrame,
    code: str,
    *,
    capacity: pd.DataFrame | None = None,
    foi: pd.DataFrame | None = None,
    ladder: pd.DataFrame | None = None,
    nearest: pd.DataFrame | None = None,
) -> dict:
    """Everything the profile page shows for one area, straight from the library's tables.

    Keys: code, name, display_name (the readable name, else the name), nation, age0, age0_2, covered_age0_2,
    uncovered_age0_2, share_covered, coverage, estimated, teams (names), team_ids, nearest_team,
    nearest_team_km (for an area with no team: the nearest base reached by land), nearest_teams (the rows of
    ``nearest``, :func:`mapping.analysis.coverage.nearest_team_list`, as dicts; [] without it), capacity
    (teams_needed, wte_needed, wte_needed_uncovered or None), foi_class and foi_class_share (None without
    FOI), ladder (:func:`ladder_shares`, None without ``ladder``), nation_figures (see
    :func:`nation_figures`), rank_uncovered and ranked_areas (:func:`rank_uncovered`: None for an area with no
    babies without a team) and nation_areas.
    """
    rows = gaps[gaps["code"] == code]
    if rows.empty:
        raise AreaNotFound(f"no area with code {code!r} in this geography")
    row = rows.iloc[0]
    nation = str(row["nation"])
    rank, ranked = rank_uncovered(gaps, code)
    profile = {
        "code": str(row["code"]),
        "name": str(row["name"]),
        "display_name": _display_name(row),
        "nation": nation,
        "age0": float(row["age0"]),
        "age0_2": float(row["age0_2"]),
        "covered_age0_2": float(row["covered_age0_2"]),
        "uncovered_age0_2": float(row["uncovered_age0_2"]),
        "share_covered": _value(row["share_covered"]),
        "coverage": str(row["coverage"]),
        "estimated": bool(row["estimated"]),
        "teams": [t for t in str(row.get("team_names") or "").split("; ") if t],
        "team_ids": [t for t in str(row.get("teams") or "").split("; ") if t],
        "nearest_team": _value(row.get("nearest_team_name")),
        "nearest_team_km": _value(row.get("nearest_team_km")),
        "nearest_teams": [] if nearest is None else [
            {"team_id": str(r["team_id"]), "name": str(r["name"]), "nation": _value(r["nation"]),
             "km": float(r["km"])} for r in nearest.to_dict("records")],
        "capacity": None,
        "foi_class": None,
        "foi_class_share": None,
        "ladder": None if ladder is None else ladder_shares(ladder, code),
        "nation_figures": nation_figures(gaps, nation),
        "rank_uncovered": rank,
        "ranked_areas": ranked,
        "nation_areas": int((gaps["nation"] == nation).sum()),
    }
    if capacity is not None:
        cap = capacity[capacity["code"] == code]
        if not cap.empty:
            c = cap.iloc[0]
            profile["capacity"] = {k: float(c[k]) for k in ("teams_needed", "wte_needed", "wte_needed_uncovered")}
            if "need" in cap.columns:  # the births (or children aged 0) the estimate scales, and which
                profile["capacity"].update(need=float(c["need"]), need_basis=str(c["need_basis"]))
    if foi is not None:
        match = foi[foi["code"] == code]
        if not match.empty:
            profile["foi_class"] = str(match.iloc[0]["foi_class"])
            if "class_share" in match.columns:
                profile["foi_class_share"] = _value(match.iloc[0]["class_share"])
    return profile
