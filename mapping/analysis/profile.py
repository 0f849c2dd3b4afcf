"""One area's profile, and finding an area by a name typed the way people type it.

Pure functions over the gaps table (:func:`mapping.analysis.coverage.compute_gaps`), the capacity table
(:func:`mapping.analysis.capacity.capacity_by_area`) and optional FOI classes, so the app, the CLI and
the tests all see the same figures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from boundaries.catalogue import NAME_NOISE, normalise_name
from mapping.errors import AreaNotFound

__all__ = ["AreaNotFound", "search_areas", "area_profile", "nation_figures"]

# Words a search ignores: the catalogue's, and the words of ICB, Sub-ICB, health board and university names.
SEARCH_NOISE = NAME_NOISE | {"icb", "sub", "location", "integrated", "care", "board", "health", "university"}


def _words(text: str) -> list[str]:
    return normalise_name(text, SEARCH_NOISE).split()


def search_areas(query: str, areas: pd.DataFrame, *, limit: int = 10) -> pd.DataFrame:
    """Areas whose name or code matches ``query``, best first, ignoring case, punctuation, "NHS", "CCG", "ICB".

    Ranks: 0 the code itself; 1 the whole name; 2 a name starting with the query; 3 every query
    word found in the name (words may be shortened: "barking dag" finds Barking and Dagenham);
    4 the query found anywhere in the name. ``areas`` has ``code``, ``name``, ``nation``.
    Returns those columns plus ``rank``; empty when nothing matches.
    """
    text = str(query).strip()
    columns = ["code", "name", "nation", "rank"]
    if not text:
        return pd.DataFrame(columns=columns)
    code_query = re.sub(r"\s+", "", text).upper()
    wanted = _words(text)
    joined = " ".join(wanted)
    ranks = []
    for code, name in zip(areas["code"].astype(str), areas["name"].astype(str)):
        words = _words(name)
        flat = " ".join(words)
        if code.upper() == code_query:
            rank = 0
        elif not wanted:
            rank = None
        elif flat == joined or normalise_name(name) == normalise_name(text):
            rank = 1
        elif flat.startswith(joined):
            rank = 2
        elif all(any(w.startswith(q) for w in words) for q in wanted):
            rank = 3
        elif joined and joined in flat:
            rank = 4
        else:
            rank = None
        ranks.append(rank)
    out = areas[["code", "name", "nation"]].copy()
    out["rank"] = ranks
    out = out.dropna(subset=["rank"]).astype({"rank": int})
    return out.sort_values(["rank", "name"], kind="stable").head(limit).reset_index(drop=True)


def nation_figures(gaps: pd.DataFrame, nation: str) -> dict:
    """A nation's totals from the gaps table: babies aged 0-2, those with no team, share covered, areas."""
    rows = gaps[gaps["nation"] == nation]
    total = float(rows["age0_2"].sum())
    uncovered = float(rows["uncovered_age0_2"].sum())
    return {
        "nation": nation,
        "areas": int(len(rows)),
        "areas_without_team": int((rows["coverage"] == "none").sum()),
        "age0_2_total": total,
        "age0_2_uncovered": uncovered,
        "share_covered": (total - uncovered) / total if total else None,
    }


def _value(value):
    if value is None:
        return None
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return None
    if value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def area_profile(
    gaps: pd.DataFrame,
    code: str,
    *,
    capacity: pd.DataFrame | None = None,
    foi: pd.DataFrame | None = None,
) -> dict:
    """Everything the profile page shows for one area, straight from the library's tables.

    Keys: code, name, nation, age0, age0_2, covered_age0_2, uncovered_age0_2, share_covered,
    coverage, estimated, teams (names), team_ids, nearest_team, nearest_team_km, capacity
    (teams_needed, wte_needed, wte_needed_uncovered or None), foi_class and foi_class_share
    (None without FOI), nation (the nation's figures, see :func:`nation_figures`) and
    rank_uncovered (1 = most babies with no team among the nation's areas) with nation_areas.
    """
    rows = gaps[gaps["code"] == code]
    if rows.empty:
        raise AreaNotFound(f"no area with code {code!r} in this geography")
    row = rows.iloc[0]
    nation = str(row["nation"])
    peers = gaps[gaps["nation"] == nation]
    rank = int((peers["uncovered_age0_2"] > row["uncovered_age0_2"]).sum()) + 1
    profile = {
        "code": str(row["code"]),
        "name": str(row["name"]),
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
        "capacity": None,
        "foi_class": None,
        "foi_class_share": None,
        "nation_figures": nation_figures(gaps, nation),
        "rank_uncovered": rank,
        "nation_areas": int(len(peers)),
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
