"""Sections: how a module adds its tables, its part of ``summary.md`` and its figures to the pack.

A module that belongs in the pack defines a :class:`Section` and calls :func:`register_section` when it
is imported; :mod:`mapping.report` imports each such module by name (``mapping.report.ladder``), so the
pack's contents are visible to any reader or static tool, and nothing is loaded by a string.

A section's ``tables(data)`` gives ``{name: DataFrame}`` (written as ``tables/<name>.csv``);
``summary(data, tables)`` gives ``[(title, sentences, figures)]``: sections of ``summary.md`` whose
numbers are :class:`mapping.report.summary.SummaryFigure` rows (they join ``tables/figures.csv``) and
whose sentences name them as ``{figure id}``; ``figures(data)`` gives
:class:`mapping.report.figures.PackFigure` specs (or :class:`mapping.report.figures.PackPages`, for a figure of
as many pages as it needs). Each part is optional.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mapping.errors import ReportError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Section", "SECTIONS", "register_section", "registered_sections"]

TablesHook = Callable[[Any], "dict[str, pd.DataFrame]"]
SummaryHook = Callable[[Any, "dict[str, pd.DataFrame]"], Sequence[tuple[str, Sequence[str], Sequence[Any]]]]
FiguresHook = Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Section:
    """One part of the pack beyond its core: a name (for messages) and up to three hooks."""

    name: str
    tables: TablesHook | None = None
    summary: SummaryHook | None = None
    figures: FiguresHook | None = None


# The registered sections, in the order they were registered (which is the order they appear in).
SECTIONS: list[Section] = []


def register_section(section: Section) -> Section:
    """Add ``section`` to the pack. Registering the same section again changes nothing; another section
    under a name already taken is refused (two modules would otherwise write over each other)."""
    for known in SECTIONS:
        if known.name == section.name:
            if known == section:
                return section
            raise ReportError(f"two report sections are named {section.name!r}")
    SECTIONS.append(section)
    return section


def registered_sections() -> tuple[Section, ...]:
    """The sections now registered (read at each build, so a test can register its own)."""
    return tuple(SECTIONS)
