"""The words the register of teams uses, each defined once as a typed vocabulary.

A status is a :class:`enum.StrEnum`, so ``frame["status"] == TeamStatus.OPERATING`` works on the
strings read from ``data/teams.csv`` and a misspelt member is an ``AttributeError`` a type checker sees,
where a misspelt string silently matches nothing.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["EvidenceGrade", "EVIDENCE_GRADES", "GRADE_CHOICES", "GRADE_CHOICE_LABELS", "grade_choice", "TeamStatus",
           "TEAM_STATUSES", "TEAM_MARKER_STATUSES"]


class TeamStatus(StrEnum):
    """A row's status in the register (``status`` column of data/teams.csv).

    ``OPERATING`` teams serve families (Rare Jewels section 4 defines a team); ``IN_DEVELOPMENT``
    teams are commissioned or being set up; ``SPECIALIST`` rows are CAMHS areas with parent-infant
    specialist practitioners but no team (Rare Jewels section 7); ``CLOSED`` rows record an end.
    """

    OPERATING = "operating"
    IN_DEVELOPMENT = "in development"
    CLOSED = "closed"
    SPECIALIST = "specialist practitioners only"


TEAM_STATUSES: tuple[str, ...] = tuple(TeamStatus)
# The statuses drawn as team markers and catchments (a team, running or starting).
TEAM_MARKER_STATUSES: tuple[TeamStatus, ...] = (TeamStatus.OPERATING, TeamStatus.IN_DEVELOPMENT)


class EvidenceGrade(StrEnum):
    """How strong the evidence is that a row's service is a *specialised parent-infant relationship team*
    in the Rare Jewels sense (``evidence_grade`` column of data/teams.csv).

    ``FOUNDATION``: the Parent-Infant Foundation (or PIP UK, its former name) names it as such a team.
    ``SERVICE``: the NHS body, council or charity running it describes a multidisciplinary infant mental
    health or parent-infant relationship team, not checked against the Foundation's definition.
    ``MENTION``: only a passing mention (a job title in minutes, a news report of funding).
    The grade belongs to the row, so one team can change grade between status periods.
    """

    FOUNDATION = "foundation"
    SERVICE = "service"
    MENTION = "mention"


EVIDENCE_GRADES: tuple[str, ...] = tuple(EvidenceGrade)

# The two choices of which grades count as a team (the CLI's --grades, the app's switch, the pack):
# every team named in public sources (the default), or only those the Foundation names.
GRADE_CHOICES: dict[str, tuple[str, ...] | None] = {"all": None, "foundation": (EvidenceGrade.FOUNDATION,)}
GRADE_CHOICE_LABELS: dict[str, str] = {"all": "every team named in public sources",
                                       "foundation": "only teams the Parent-Infant Foundation names"}


def grade_choice(grades: tuple[str, ...] | None) -> str | None:
    """The choice (a key of :data:`GRADE_CHOICES`) that stands for ``grades``, or None for another set."""
    return next((choice for choice, value in GRADE_CHOICES.items() if value == grades), None)
