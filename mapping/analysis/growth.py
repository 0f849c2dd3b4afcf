"""Teams over time: our dated list, the published counts, and the Vision & Strategy targets."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from boundaries import config

__all__ = ["VisionTargets", "VISION_2019", "load_published_counts", "known_published_counts", "growth_table",
           "PUBLISHED_COUNTS_PATH"]

# The file as found at import; the loader asks boundaries.config.published_counts_path() at call time.
PUBLISHED_COUNTS_PATH = config.published_counts_path()


@dataclass(frozen=True)
class VisionTargets:
    """A growth target from a baseline count: at least ``growth`` more teams by ``by_year``."""

    baseline_year: int
    baseline_teams: int
    growth: float
    by_year: int
    every_area_year: int
    source: str

    @property
    def target_teams(self) -> int:
        """The smallest whole number of teams meeting the growth target (27 x 1.5 = 40.5 -> 41)."""
        return math.ceil(self.baseline_teams * (1 + self.growth) - 1e-9)


VISION_2019 = VisionTargets(
    baseline_year=2019,
    baseline_teams=27,
    growth=0.5,
    by_year=2024,
    every_area_year=2030,
    source=(
        "Parent-Infant Foundation, Vision & Strategy 2019-2024, priority 1: 'at least a 50% growth in provision' "
        "by 2024 from the 27 teams of 2019; 'in ten years ... all areas benefitting from such a team'"
    ),
)


def load_published_counts(path: Path | None = None) -> pd.DataFrame:
    """The published UK team counts (data/published_team_counts.csv, typed in, each row naming its publication)."""
    frame = pd.read_csv(path or config.published_counts_path(), dtype={"as_of": str})
    frame["year"] = frame["as_of"].str[:4].astype(int)
    return frame


def known_published_counts(published: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The published counts known on ``as_of``, oldest first: a count dated "2023-09" is known by the end of
    September, one dated "2019" by 31 December (``published``: :func:`load_published_counts`)."""
    from mapping.inputs.dates import parse_date

    known = [parse_date(str(s), end=True).date() <= as_of for s in published["as_of"]]
    return published[known].sort_values("as_of", kind="stable").reset_index(drop=True)


def growth_table(teams: pd.DataFrame, years: Iterable[int], targets: VisionTargets = VISION_2019) -> pd.DataFrame:
    """Per year: teams operating and in development in our list, the published count, and the target line.

    ``target`` is the straight line from the baseline to the growth target (for drawing);
    ``published_teams`` is the latest published count dated in that year, if any.
    """
    from mapping.inputs.teams import team_counts_by_year

    counts = team_counts_by_year(teams, list(years)).set_index("year")
    published = load_published_counts().sort_values("as_of").groupby("year").last()
    out = counts.rename(columns={"operating": "listed_operating", "in_development": "listed_in_development"})
    out["published_teams"] = published["teams"].reindex(out.index)
    out["published_source"] = published["source"].reindex(out.index)
    span = targets.by_year - targets.baseline_year
    out["target"] = [
        targets.baseline_teams + (targets.target_teams - targets.baseline_teams) * (y - targets.baseline_year) / span
        if targets.baseline_year <= y <= targets.by_year
        else float("nan")
        for y in out.index
    ]
    return out.reset_index()
