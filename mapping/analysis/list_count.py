"""What our list of teams holds on a date, beside the published UK count: the headline every view states.

No public source lists every team the Parent-Infant Foundation counts, so a bare "N teams" would read as
the UK total. Every page, pack and command therefore states how many teams our register names on the
date (operating or in development, of every evidence grade), how many of those the Foundation itself
names, which grades the view counts as a team, and the latest published UK count known on that date::

    Our list on 1 July 2022: 38 teams named in public sources (30 operating, 8 in development), of which
    31 named by the Parent-Infant Foundation; published UK count: 39, March 2022.

"Teams" are distinct ``team_id`` with status operating or in development on the date (rows of CAMHS
specialist practitioners never count), as in :func:`mapping.inputs.teams.team_counts_by_year`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from mapping.analysis.selection import Inputs
from mapping.inputs.vocabulary import (
    EVIDENCE_GRADES,
    GRADE_CHOICE_LABELS,
    TEAM_MARKER_STATUSES,
    EvidenceGrade,
    TeamStatus,
    grade_choice,
)

__all__ = ["ListCount", "count_list", "list_count_of", "published_month"]

COUNTED_ROW = "counted as teams here"  # the list_count table's row of the grades the view counts
COUNTER = "Parent-Infant Foundation"  # published_team_counts.csv counted_by: the counts the headline states


@dataclass(frozen=True)
class ListCount:
    """Our register's teams on ``as_of`` in ``nations``, by status and evidence grade, and the published count."""

    as_of: date
    nations: tuple[str, ...]
    operating_by_grade: Mapping[str, int]  # every EvidenceGrade -> distinct teams operating
    in_development_by_grade: Mapping[str, int]  # every EvidenceGrade -> distinct teams in development
    grades: tuple[str, ...] | None  # the grades this view counts as a team (None: all)
    published_teams: int | None  # the latest published count for these nations known on as_of (UK: the UK's)
    published_as_of: str | None  # its date as published: "2025-12", or a bare year "2019"

    @property
    def operating(self) -> int:
        return sum(self.operating_by_grade.values())

    @property
    def in_development(self) -> int:
        return sum(self.in_development_by_grade.values())

    @property
    def by_grade(self) -> dict[str, int]:
        """Every EvidenceGrade -> distinct teams operating or in development."""
        return {g: self.operating_by_grade[g] + self.in_development_by_grade[g] for g in EVIDENCE_GRADES}

    @property
    def named(self) -> int:
        return self.operating + self.in_development

    @property
    def foundation(self) -> int:
        return self.by_grade[EvidenceGrade.FOUNDATION]

    @property
    def counted(self) -> int:
        """The teams this view counts (those of the selected grades)."""
        return self.named if self.grades is None else sum(self.by_grade[g] for g in self.grades)

    @property
    def whole_uk(self) -> bool:
        return len(self.nations) == 4

    def table(self) -> pd.DataFrame:
        """One row per evidence grade, one for all and one for the grades counted here: teams operating, in
        development, both, and whether the row counts as teams here (the pack's ``list_count`` table)."""
        rows = [{"evidence_grade": g, "teams_operating": self.operating_by_grade[g],
                 "teams_in_development": self.in_development_by_grade[g], "teams": self.by_grade[g],
                 "counted_as_team": self.grades is None or g in self.grades} for g in EVIDENCE_GRADES]
        rows.append({"evidence_grade": "all", "teams_operating": self.operating,
                     "teams_in_development": self.in_development,
                     "teams": self.named, "counted_as_team": self.grades is None})
        rows.append({"evidence_grade": COUNTED_ROW, "teams_operating": sum(
                         self.operating_by_grade[g] for g in EVIDENCE_GRADES if self.grades is None or g in self.grades),
                     "teams_in_development": sum(self.in_development_by_grade[g] for g in EVIDENCE_GRADES
                                                 if self.grades is None or g in self.grades),
                     "teams": self.counted, "counted_as_team": True})
        return pd.DataFrame(rows)

    def figures(self) -> dict[str, int | str]:
        """The numbers and dates :meth:`sentence` states, by name (the pack lists each as a figure)."""
        out: dict[str, int | str] = {"named": self.named, "teams_operating": self.operating,
                                     "teams_in_development": self.in_development, "foundation": self.foundation,
                                     "counted": self.counted}
        if self.published_teams is not None and self.published_as_of is not None:
            out["published_teams"] = self.published_teams
            out["published_as_of"] = self.published_as_of
        return out

    def sentence(self, say: Callable[[str], str] | None = None) -> str:
        """The headline, in words (see the module docstring); plain text, no markup.

        ``say(name)`` writes each figure of :meth:`figures` (default: the number with thousands separators,
        the published date as a month), so the pack can state the texts of its own figures table."""
        figures = self.figures()

        def default(name: str) -> str:
            value = figures[name]
            return published_month(str(value)) if name == "published_as_of" else f"{value:,}"

        t = say or default
        where = "" if self.whole_uk else f" ({', '.join(self.nations)})"
        scope = "UK" if self.whole_uk else " and ".join(self.nations)
        text = (f"Our list on {self.as_of.day} {self.as_of:%B %Y}{where}: {t('named')} teams named in public sources "
                f"({t('teams_operating')} operating, {t('teams_in_development')} in development), of which "
                f"{t('foundation')} "
                "named by the Parent-Infant Foundation")
        if "published_teams" in figures:
            label = "published UK count" if self.whole_uk else f"published count for {scope}"
            text += f"; {label}: {t('published_teams')} (Parent-Infant Foundation, {t('published_as_of')})"
        elif self.whole_uk:
            text += "; no published UK count on record by then"
        else:
            text += f"; no published count for {scope} (the published counts are for the whole UK)"
        text += "."
        if self.grades is not None:
            choice = grade_choice(self.grades)
            words = GRADE_CHOICE_LABELS[choice] if choice else f"teams graded {', '.join(self.grades)}"
            text += f" Counted as teams here: {words} ({t('counted')})."
        return text


def published_month(as_of: str) -> str:
    """A published count's date in words: "2025-12" -> "December 2025"; a bare year stays as it is."""
    if len(as_of) == 7 and as_of[4] == "-":
        return f"{date(int(as_of[:4]), int(as_of[5:]), 1):%B %Y}"
    return as_of


def count_list(current: pd.DataFrame, as_of: date, nations: tuple[str, ...], published: pd.DataFrame, *,
               grades: tuple[str, ...] | None = None) -> ListCount:
    """The count of ``current`` (register rows current on ``as_of``, every grade) in ``nations``.

    ``published`` is :func:`mapping.analysis.growth.load_published_counts`; the count stated is the latest
    known on ``as_of`` (:func:`mapping.analysis.growth.known_published_counts`) that the Parent-Infant
    Foundation made itself (``counted_by``), since others only quote its figure, sometimes rounded. The counts
    are the UK's unless ``published`` has a ``nation`` column: then a view of fewer than four nations takes the
    count of exactly its nation (none when there is none: never the UK's), and the UK view the rows with no
    nation or "UK".
    """
    from mapping.analysis.growth import known_published_counts

    rows = current[current["status"].isin(list(TEAM_MARKER_STATUSES)) & current["nation"].isin(list(nations))]
    distinct = rows.drop_duplicates("team_id")

    def by_grade(status: TeamStatus) -> dict[str, int]:
        counts = distinct.loc[distinct["status"] == status, "evidence_grade"].value_counts()
        return {g: int(counts.get(g, 0)) for g in EVIDENCE_GRADES}

    known = known_published_counts(published, as_of)
    known = known[known["counted_by"].str.contains(COUNTER, regex=False, na=False)]
    whole_uk = len(set(nations)) == 4
    if "nation" in known.columns:
        scope = known["nation"].fillna("UK").replace("", "UK")
        known = known[scope == ("UK" if whole_uk else " and ".join(nations))]
    elif not whole_uk:
        known = known.iloc[0:0]  # the published counts are the UK's: never stated as one nation's
    latest = None if known.empty else known.iloc[-1]
    return ListCount(
        as_of=as_of, nations=nations,
        operating_by_grade=by_grade(TeamStatus.OPERATING),
        in_development_by_grade=by_grade(TeamStatus.IN_DEVELOPMENT),
        grades=grades,
        published_teams=None if latest is None else int(latest["teams"]),
        published_as_of=None if latest is None else str(latest["as_of"]),
    )


def list_count_of(inputs: Inputs, nation: str | None = None) -> ListCount:
    """The count for a selection's inputs (:class:`mapping.analysis.selection.Inputs`): its register on its
    date, in its geography's nations (or one ``nation``), with its grades."""
    import boundaries
    from mapping.analysis.growth import load_published_counts
    from mapping.inputs.teams import teams_as_of

    selection = inputs.selection
    nations = (nation,) if nation else tuple(boundaries.get_geography(selection.geography).nations)
    current = teams_as_of(inputs.register.teams, selection.as_of)
    return count_list(current, selection.as_of, nations, load_published_counts(), grades=selection.grades)
