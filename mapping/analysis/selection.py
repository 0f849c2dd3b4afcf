"""One selection of inputs behind every figure: what the user chose, and the tables it stands for.

A :class:`Selection` is a small immutable value: the geography, the population year, the date to
show the teams on, the age band, the register of teams and (optionally) the FOI replies. It is
hashable, and the register and the replies are identified by the sha256 of their bytes, so two
equal selections always stand for the same figures. :func:`load_inputs` turns a selection into the
:class:`Inputs` every computation needs (the small-area lookup, the population, the register's rows
current on the date, the areas and, when asked for, their geometry), loading each once per distinct
selection. Computations take the inputs; none of them loads teams or population itself.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

import boundaries
from boundaries import config
from mapping.errors import GeographyError, PimapError, PopulationError
from mapping.inputs.vocabulary import EVIDENCE_GRADES, TeamStatus

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "AGE_BANDS",
    "Age",
    "FoiReplies",
    "Inputs",
    "Register",
    "Selection",
    "builtin_register",
    "load_inputs",
    "register_from_file",
]

Age = Literal["0", "0-2"]
AGE_BANDS: dict[str, str] = {"0": "age0", "0-2": "age0_2"}  # age band -> population column


@dataclass(frozen=True)
class Register:
    """A register of teams: the validated table (``mapping.inputs.teams.load_teams``), the name it is
    shown by and the sha256 of the bytes it was read from, which is its identity."""

    source: str  # "data/teams.csv", or the name of the file a user brought
    sha256: str
    teams: pd.DataFrame = field(compare=False, hash=False, repr=False)


def register_from_file(path: str | Path, *, source: str | None = None) -> Register:
    """The register in ``path`` (CSV or XLSX in the schema of data/teams.csv), validated."""
    from boundaries.fetch import sha256_of
    from mapping.inputs.teams import load_teams

    path = Path(path)
    teams = load_teams(path)  # first, so a missing or invalid file is reported by the register's reader
    return Register(source=source or path.name, sha256=sha256_of(path), teams=teams)


def builtin_register() -> Register:
    """The register a selection uses when none is given, read once per file version: a hosted instance's own
    (``PIMAP_TEAMS_FILE``, named by its file name) when that is set, else the project's ``data/teams.csv``
    (or ``PIMAP_DATA_DIR``'s)."""
    hosted = config.teams_file()
    path = hosted if hosted is not None else config.teams_path()
    stat = path.stat() if path.is_file() else None
    return _builtin_register(path, (stat.st_mtime_ns, stat.st_size) if stat else None, hosted is None)


@functools.lru_cache(maxsize=4)
def _builtin_register(path: Path, version: tuple[int, int] | None, project: bool) -> Register:
    return register_from_file(path, source="data/teams.csv" if project else None)


@dataclass(frozen=True)
class FoiReplies:
    """FOI replies as the user gave them: the file's name and bytes; the sha256 is their identity."""

    file_name: str
    sha256: str
    data: bytes = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_bytes(cls, file_name: str, data: bytes) -> FoiReplies:
        return cls(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), data=data)


@dataclass(frozen=True)
class Selection:
    """What a figure is computed for. ``register`` None means the built-in one (:func:`builtin_register`).

    ``grades`` are the evidence grades that count as a team (:class:`EvidenceGrade` values); None means
    every grade. They are kept in the vocabulary's order without repeats, so ("service", "foundation")
    and ("foundation", "service") are the same selection.
    """

    geography: str
    year: int
    as_of: date
    age: Age = "0-2"
    register: Register | None = None
    foi: FoiReplies | None = None
    grades: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.geography not in boundaries.GEOGRAPHY_IDS:
            raise GeographyError(f"unknown geography {self.geography!r}; choose one of {', '.join(boundaries.GEOGRAPHY_IDS)}")
        if self.year not in boundaries.POPULATION_YEARS:
            raise PopulationError(f"year {self.year} has no population estimates; choose one of "
                                  f"{', '.join(map(str, boundaries.POPULATION_YEARS))}")
        if not isinstance(self.as_of, date):
            raise PimapError(f"the date to show the teams on must be a date, not {self.as_of!r}")
        if self.age not in AGE_BANDS:
            raise PimapError(f"age band must be one of {', '.join(AGE_BANDS)}, not {self.age!r}")
        if self.grades is not None:
            if isinstance(self.grades, str):
                raise PimapError(f"evidence grades must be a tuple of grades, not the string {self.grades!r}")
            unknown = [g for g in self.grades if g not in EVIDENCE_GRADES]
            if unknown:
                raise PimapError(f"unknown evidence grade(s) {', '.join(map(repr, unknown))}; "
                                 f"choose from {', '.join(EVIDENCE_GRADES)}")
            if not self.grades:
                raise PimapError(f"choose at least one evidence grade ({', '.join(EVIDENCE_GRADES)})")
            canonical = tuple(g for g in EVIDENCE_GRADES if g in self.grades)
            object.__setattr__(self, "grades", canonical)

    @property
    def band(self) -> str:
        """The population column of the age band (``age0`` or ``age0_2``)."""
        return AGE_BANDS[self.age]

    def the_register(self) -> Register:
        return self.register if self.register is not None else builtin_register()

    def graded(self, teams: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``teams`` whose evidence grade counts in this selection (all of them when grades is None)."""
        if self.grades is None:
            return teams
        return teams[teams["evidence_grade"].isin(list(self.grades))].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Inputs:
    """The tables one selection stands for (:func:`load_inputs`); geometry is loaded only when asked for.

    ``teams`` holds every register row current on ``selection.as_of`` whose evidence grade is in
    ``selection.grades``, whatever its status; ``all_teams`` the register's rows of those grades on every
    date (for counts over years). ``register.teams`` stays the whole register.
    """

    selection: Selection
    register: Register
    lookup: pd.DataFrame  # unit_code and one column per geography id
    population: pd.DataFrame  # unit_code, age0, age0_2, estimated
    areas: pd.DataFrame  # code, name, nation: every area of the geography
    teams: pd.DataFrame

    @property
    def geography(self) -> str:
        return self.selection.geography

    @property
    def all_teams(self) -> pd.DataFrame:
        return self.selection.graded(self.register.teams)

    def teams_with(self, statuses: Collection[str]) -> pd.DataFrame:
        """The current rows with one of ``statuses`` (:class:`TeamStatus` members)."""
        return self.teams[self.teams["status"].isin(list(statuses))].reset_index(drop=True)

    @property
    def operating(self) -> pd.DataFrame:
        return self.teams_with([TeamStatus.OPERATING])

    def catchments(self, statuses: Collection[str] = (TeamStatus.OPERATING,)) -> pd.DataFrame:
        """``team_id, status, geography, code``: one row per current team of ``statuses`` per catchment area."""
        from mapping.inputs.teams import catchment_table

        rows = self.teams_with(statuses)
        if rows.empty:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in ("team_id", "status", "geography", "code")})
        return catchment_table(rows)

    @cached_property
    def layer(self) -> gpd.GeoDataFrame:
        """The geography's web-weight boundaries (EPSG:4326), for maps and downloads."""
        return boundaries.load_geography(self.geography, simplified=True)

    @cached_property
    def full_layer(self) -> gpd.GeoDataFrame:
        """The geography's full-detail boundaries, for distances and points in areas."""
        return boundaries.load_geography(self.geography)


def load_inputs(selection: Selection) -> Inputs:
    """The inputs of ``selection``, loaded once per distinct selection (by value: equal registers and
    replies have equal sha256) and shared by every computation that asks again."""
    return _load_inputs(selection)


@functools.lru_cache(maxsize=32)
def _load_inputs(selection: Selection) -> Inputs:
    from mapping.inputs.teams import teams_as_of

    register = selection.the_register()
    return Inputs(
        selection=selection,
        register=register,
        lookup=boundaries.load_unit_lookup(),
        population=boundaries.load_population(selection.year),
        areas=boundaries.area_table(selection.geography),
        teams=teams_as_of(selection.graded(register.teams), selection.as_of),
    )


def clear_caches() -> None:
    """Forget every loaded selection (tests that count loads start from here)."""
    _load_inputs.cache_clear()
    _builtin_register.cache_clear()
